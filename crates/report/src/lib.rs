//! Stocktake documents: SVG charts drawn on the server, shared by HTML pages,
//! PDF reports and exports so every face shows the same drawing.

pub mod chart;
pub mod map;
