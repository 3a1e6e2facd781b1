//! The OpenAPI 3.1 description of the JSON API, gathered from every
//! capability's handlers, served at [`OPENAPI_PATH`] and browsable at
//! [`DOCS_PATH`] through Swagger UI served from the binary.

mod docs;

use utoipa::OpenApi;

pub use crate::api::{DOCS_PATH, OPENAPI_PATH};
use crate::values::api::{cascade, reference, reports, search, values};

pub use docs::routes;

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stocktake API",
        description = "Performance management for UK councils and fire and rescue services: indicators, the organisation hierarchy, values and targets, scorecards and rollups.\n\n\
            Periods are written as UK public bodies write them: a financial year `2024/25` (April to March), a quarter `2024/25 Q1` (April to June) or a month `2025-01`.\n\n\
            Every error answers JSON with a `message` saying what was wrong and how to fix it, the `field` or parameter at fault where there is one, and for a batch, `errors` listing every bad item by position.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        reference::list_indicators,
        reference::get_indicator,
        reference::list_org_units,
        reference::get_org_unit,
        reference::list_groups,
        search::search,
        values::list_values,
        values::save_values,
        values::list_targets,
        values::move_values,
        values::ratify_targets,
        cascade::cascade,
        reports::scorecard,
        reports::rollup,
    ),
    tags(
        (name = "reference", description = "Indicator definitions, the organisation hierarchy and groups, and search."),
        (name = "values", description = "Entered values and targets: read them, save values all or nothing, and cascade a target to the units below."),
        (name = "reports", description = "Scorecards and rollups, computed from the values the moment they are saved."),
    )
)]
pub struct ApiDoc;
