//! Every integration test of `stocktake`, built as one test binary: each
//! file below is a module. One binary links the crate and its dependencies
//! once, where a binary per file linked them once each (several gigabytes
//! of test binaries, and as many links, for the same tests).

mod support;
mod trafford;

mod access;
mod framework;
mod import_property;
mod intelligence;
mod partnerships;
mod plans;
mod publication;
mod reports;
mod risks;
mod scale_out;
mod snapshot;
mod tables;
mod workflow;
