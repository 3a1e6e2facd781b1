//! Cascading a target to the units below over the API: preview, then
//! confirm with the preview's fingerprint.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use stocktake::AppError;
use stocktake::core::{CascadeMethod, Period};
use stocktake::values::{CascadePreview, CascadeRequest};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ErrorBody, period};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    Routes::new().post(
        "/api/v1/targets/cascade",
        Access::Framework,
        Sample::with(
            "/api/v1/targets/cascade",
            r#"{"indicator": "FRS01", "unit": "{UNIT}", "period": "2025/26", "method": "equally"}"#,
        ),
        cascade,
    )
}

/// What to cascade, and whether to save it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CascadeBody {
    /// The indicator's code.
    #[schema(example = "FRS01")]
    pub indicator: String,
    /// The unit whose target is cascaded to the units directly below it.
    #[schema(example = "NFRS")]
    pub unit: String,
    /// The period of the unit's target (set for exactly this period).
    #[schema(value_type = Period, example = "2024/25")]
    pub period: String,
    /// `share` (in proportion to the last `years` years, the default) or
    /// `equally`.
    #[serde(default)]
    #[schema(example = "share")]
    pub method: Option<String>,
    /// Years of history to share by (1 to 10); the deployment's
    /// `cascade_years` (3 unless configured) where absent.
    #[serde(default)]
    #[schema(example = 3, minimum = 1, maximum = 10)]
    pub years: Option<u32>,
    /// False (the default) to preview only; true to save the targets.
    #[serde(default)]
    pub confirm: bool,
    /// With `confirm`, the preview's `fingerprint`: the save is refused if
    /// the proposal changed since (the figures or targets moved).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// With `confirm`, record the targets as ratified (the committee agreed
    /// the split), so they judge figures at once; proposed otherwise.
    #[serde(default)]
    pub ratify: bool,
}

/// Cascade a target
///
/// Proposes targets for the units directly below `unit` from its target for
/// `period`, and with `confirm: true` saves them, proposed (or ratified, with
/// `ratify: true`), each audited. Counts
/// are shared in proportion to each unit's share of the children's total
/// over the last `years` years (or equally) and rounded so they add up to
/// the parent's target exactly; rates do not add up, so each unit below is
/// set the parent's target scaled by its own history against the parent's
/// (or, equally, the parent's rate unchanged). The answer lists every
/// child's history, share and proposed target beside the target it
/// replaces. Send the preview's `fingerprint` with the confirmation to be
/// sure what is saved is what was previewed.
#[utoipa::path(
    post,
    path = "/api/v1/targets/cascade",
    tag = "values",
    operation_id = "cascade_target",
    request_body(content = CascadeBody, description = "What to cascade.",
        example = json!({"indicator": "FRS09", "unit": "NFRS", "period": "2025-03", "method": "equally", "confirm": false})),
    responses(
        (status = 200, description = "The proposal (`saved` false), or the targets saved (`saved` true).", body = CascadePreview,
            example = json!(cascade_example())),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 404, description = "No indicator or unit has the code given.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "The unit has no target for the period, nothing below reports the indicator, there is no history to share by, or the proposal changed since the preview.", body = ErrorBody,
            example = json!({"message": "NFRS has no FRS01 target for 2026/27 to cascade: set one first", "field": "period"})),
        (status = 503, description = "Another write held the database for longer than the write wait; nothing was saved.", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    )
)]
pub async fn cascade(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<CascadeBody>,
) -> Result<Json<CascadePreview>, ApiError> {
    let method = method(
        body.method.as_deref(),
        body.years,
        state.settings.cascade_years,
    )?;
    let request = CascadeRequest {
        indicator: body.indicator.trim().to_owned(),
        unit: body.unit.trim().to_owned(),
        period: period(body.period.trim(), "period")?,
        method,
    };
    let preview = if body.confirm {
        state
            .app
            .save_cascade(&caller, &request, body.fingerprint.as_deref(), body.ratify)
            .await?
    } else {
        state.app.preview_cascade(&caller, &request)?
    };
    Ok(Json(preview))
}

fn cascade_example() -> serde_json::Value {
    serde_json::json!({
        "indicator": "FRS09",
        "title": "Dwelling fires attended",
        "measure": "fires",
        "decimals": 0,
        "unit": {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"},
        "period": "2025-03",
        "method": "equally",
        "years": 0,
        "method_text": "equally",
        "rule": "parts",
        "explanation": "FRS09 is a count, so Nottinghamshire Fire and Rescue Service's target of 15 fires is split equally. Targets are rounded to 0 decimal places so that they add up to Nottinghamshire Fire and Rescue Service's exactly.",
        "parent_target": 15.0,
        "tolerance": 10.0,
        "parent_history": null,
        "history_from": null,
        "history_to": null,
        "children": [
            {"unit": {"code": "NFRS-CITY", "name": "City", "level": "group"}, "history": null, "share_percent": 50.0, "target": 8.0, "replaces": null},
            {"unit": {"code": "NFRS-NORTH", "name": "North", "level": "group"}, "history": null, "share_percent": 50.0, "target": 7.0, "replaces": null}
        ],
        "total": 15.0,
        "fingerprint": "5be0c1b3a9f2d417",
        "saved": false
    })
}

/// Reads a cascade method and its years, as the API and the page take them.
pub(crate) fn method(
    method: Option<&str>,
    years: Option<u32>,
    default_years: u32,
) -> Result<CascadeMethod, AppError> {
    match method.map(str::trim).filter(|m| !m.is_empty()) {
        None | Some("share") => Ok(CascadeMethod::Share {
            years: years.unwrap_or(default_years),
        }),
        Some("equally") => Ok(CascadeMethod::Equally),
        Some(other) => Err(AppError::invalid(
            "method",
            format!("method {other:?} is not share or equally"),
        )),
    }
}
