//! The demo's open data: a handful of the fire service's and the region's
//! councils' indicators published on the portal, as a performance officer
//! would choose them (the measures the public asks about: fires, casualties
//! and recycling). The demo's units are real Nottinghamshire and East
//! Midlands authorities whose boundaries the demo does not carry, so its
//! maps list every area in their table; import the ONS boundaries on the
//! publication page to draw them.

use stocktake::{AppError, Caller, Stocktake};

/// The indicators the demo publishes.
pub const PUBLISHED: [&str; 5] = ["FRS01", "FRS02", "FRS03", "NI191", "NI195a"];

pub async fn load_publication(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    for code in PUBLISHED {
        app.publish_indicator(caller, code, true).await?;
    }
    Ok(())
}
