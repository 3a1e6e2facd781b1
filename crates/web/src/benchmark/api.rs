//! Benchmarking over the API: an indicator across comparators, the regional
//! picture, and each unit's nearest neighbours (read and set).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use stocktake::AppError;
use stocktake::benchmark::{
    BenchmarkRequest, BenchmarkView, ComparatorSet, NeighbourRow, PictureDetail, PictureRequest,
    RegionalPicture,
};
use stocktake::core::Period;
use stocktake::values::ImportMode;
use utoipa::{IntoParams, ToSchema};

use super::examples;
use crate::api::{ApiError, ApiJson, ApiQuery, ErrorBody, given, period, required};
use crate::routes::{Access, Routes, Sample};
use crate::{ApiCaller, AppState};

pub fn routes() -> Routes {
    use Access::{Framework, SignedIn};
    Routes::new()
        .get(
            "/api/v1/benchmark",
            SignedIn,
            Sample::path(
                "/api/v1/benchmark?indicator=FRS01&period=2025-01&level=station&unit={UNIT}",
            ),
            benchmark,
        )
        .get(
            "/api/v1/picture",
            SignedIn,
            Sample::path("/api/v1/picture?under={UNIT}"),
            picture,
        )
        .get(
            "/api/v1/neighbours",
            SignedIn,
            Sample::path("/api/v1/neighbours?unit={UNIT}"),
            list_neighbours,
        )
        .post(
            "/api/v1/neighbours",
            Framework,
            Sample::with(
                "/api/v1/neighbours",
                r#"{"neighbours": [{"unit": "{UNIT}", "neighbour": "ST1", "rank": 1}]}"#,
            ),
            save_neighbours,
        )
}

/// The parameters of a benchmark, as the API, the page and the command
/// line take them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BenchmarkQuery {
    /// The indicator's code.
    #[param(value_type = String, required = true, min_length = 1, example = "FRS01")]
    pub indicator: Option<String>,
    /// The period: the indicator's own frequency or longer (a year of a
    /// monthly indicator combines its months).
    #[param(value_type = Period, required = true, example = "2025-03")]
    pub period: Option<String>,
    /// Compare the members of this group (a comparator family).
    #[param(min_length = 1, example = "URBAN")]
    pub group: Option<String>,
    /// Compare this unit's nearest neighbours.
    #[param(min_length = 1, example = "NFRS-STOCKHILL")]
    pub neighbours_of: Option<String>,
    /// With `neighbours_of`: `true` to count the unit itself among its
    /// neighbours (it is then picked out).
    #[param(value_type = Option<bool>, example = true)]
    pub include_self: Option<String>,
    /// Compare every unit of this level.
    #[param(min_length = 1, example = "station")]
    pub level: Option<String>,
    /// Only the comparators beneath this unit.
    #[param(min_length = 1, example = "NFRS")]
    pub under: Option<String>,
    /// A unit to pick out among the comparators.
    #[param(min_length = 1, example = "NFRS-STOCKHILL")]
    pub unit: Option<String>,
}

/// `true` or `false`, as a query string writes it.
pub fn flag(value: &Option<String>, name: &str) -> Result<bool, AppError> {
    match value.as_deref().map(str::trim) {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(AppError::invalid(
            name,
            format!("{name} {other:?} is not true or false"),
        )),
    }
}

/// A parameter given, trimmed; an empty one is refused.
fn text(value: &Option<String>, name: &str) -> Result<Option<String>, AppError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(AppError::invalid(
            name,
            format!("{name} is empty: give a value, or leave the parameter out"),
        )),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

impl BenchmarkQuery {
    /// The request the parameters make.
    pub fn request(&self) -> Result<BenchmarkRequest, AppError> {
        let indicator = text(&self.indicator, "indicator")?.ok_or_else(|| {
            AppError::invalid(
                "indicator",
                "indicator is missing: add it to the query string, as in indicator=FRS01",
            )
        })?;
        let period = text(&self.period, "period")?
            .ok_or_else(|| {
                AppError::invalid(
                    "period",
                    "period is missing: add it to the query string, as in period=2025-03",
                )
            })?
            .parse::<Period>()
            .map_err(|e| AppError::invalid("period", e.to_string()))?;
        let include_self = flag(&self.include_self, "include_self")?;
        let neighbours_of = text(&self.neighbours_of, "neighbours_of")?;
        if include_self && neighbours_of.is_none() {
            return Err(AppError::invalid(
                "include_self",
                "include_self goes with neighbours_of: name the unit whose neighbours to compare",
            ));
        }
        let unit =
            text(&self.unit, "unit")?.or_else(|| neighbours_of.clone().filter(|_| include_self));
        Ok(BenchmarkRequest {
            indicator,
            period,
            comparators: ComparatorSet {
                group: text(&self.group, "group")?,
                neighbours_of,
                include_unit: include_self,
                level: text(&self.level, "level")?,
                under: text(&self.under, "under")?,
            },
            unit,
        })
    }
}

/// An indicator's benchmark
///
/// An indicator's figures for one period across a comparator set: a group
/// (`group`), a unit's nearest neighbours with or without the unit itself
/// (`neighbours_of`, `include_self`), or every unit of a level (`level`),
/// narrowed to those beneath a unit (`under`). Give at least one of
/// `group`, `neighbours_of` and `level`; several together compare the units
/// all of them name.
///
/// Each member has its figure, `rank` (1 is the best by the indicator's
/// polarity; equal figures share the best rank and the next rank skips),
/// `quartile` (1 the best quarter), `percentile` (the share of the others
/// it is better than), and its distances from the median and the best.
/// Members without a figure are listed last, unranked. The `set` holds the
/// count, mean, median, lower and upper quartiles (interpolated between
/// figures, Hyndman and Fan's type 7, as Excel's QUARTILE.INC), minimum,
/// maximum, and for a ratio the `aggregate`: the members' numerators summed
/// over their denominators summed, times the factor (null otherwise).
/// Comparators outside the caller's scope are left out of the list and the
/// statistics alike; `left_out` counts them.
#[utoipa::path(
    get,
    path = "/api/v1/benchmark",
    tag = "benchmarking",
    operation_id = "benchmark",
    params(BenchmarkQuery),
    responses(
        (status = 200, description = "The benchmark.", body = BenchmarkView, example = json!(examples::benchmark())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No indicator, unit or group has the code given.", body = ErrorBody,
            example = json!({"message": "no group has the code \"EM-NOWHERE\"", "field": "group"})),
        (status = 422, description = "A parameter is missing or not valid: no comparators chosen, a period that does not parse or is shorter than the indicator's frequency, a unit with no nearest neighbours.", body = ErrorBody,
            example = json!({"message": "choose the comparators: give a group, neighbours_of (a unit's nearest neighbours) or a level", "field": "group"})),
    )
)]
pub async fn benchmark(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<BenchmarkQuery>,
) -> Result<Json<BenchmarkView>, ApiError> {
    let request = query.request()?;
    Ok(Json(state.app.benchmark(&caller, &request)?))
}

/// How much evidence a picture carries, as the API names it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// Each authority's counts alone.
    Counts,
    /// With the lines behind the counts: every hot spot, declining and
    /// coasting indicator.
    Evidence,
    /// With every indicator of every authority.
    Every,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PictureQuery {
    /// The ancestor whose authorities are pictured (a region, a county).
    #[param(value_type = String, required = true, min_length = 1, example = "NFRS")]
    under: Option<String>,
    /// The authorities' level; the level of the unit's children when absent.
    #[param(min_length = 1, example = "station")]
    level: Option<String>,
    /// The financial year ranked and ending the trend; the latest ended by
    /// the latest approved figures when absent.
    #[param(value_type = Option<Period>, example = "2024/25")]
    year: Option<String>,
    /// Years of trend, 2 to 10; 3 when absent.
    #[param(value_type = Option<u32>, minimum = 2, maximum = 10, example = 3)]
    years: Option<String>,
    /// The hot-spot rule's code; the standard rule when absent.
    #[param(min_length = 1, example = "WORST-QUARTILE-WORSENING")]
    rule: Option<String>,
    /// Only this authority's lines.
    #[param(min_length = 1, example = "NFRS-STOCKHILL")]
    authority: Option<String>,
    /// `counts` (the default), `evidence` (the lines behind the counts) or
    /// `every` (every indicator of every authority).
    #[param(value_type = Option<Detail>, example = "evidence")]
    detail: Option<String>,
}

/// The regional picture
///
/// Every authority beneath a unit (in the caller's scope) with its counts
/// of hot spots, declining and coasting indicators over the last `years`
/// financial years, most concern first (most hot spots, then most
/// declining, then most coasting). Each year is judged against the one
/// before by polarity, a change within the stable band being stable: an
/// indicator is declining with at least one year worse and none better,
/// coasting (no demonstrable year-on-year improvement) with every year
/// stable, improving with a year better and none worse, mixed with both. A hot spot is named by
/// the rule given (`rule`): by default, a figure in the worst quartile of
/// the authorities pictured and worse than the year before. With
/// `detail=evidence` each authority carries the lines behind its counts:
/// each year's figure, the trend, the rank and quartile that year, and the
/// median.
#[utoipa::path(
    get,
    path = "/api/v1/picture",
    tag = "benchmarking",
    operation_id = "regional_picture",
    params(PictureQuery),
    responses(
        (status = 200, description = "The picture.", body = RegionalPicture, example = json!(examples::picture())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit or hot-spot rule has the code given.", body = ErrorBody,
            example = json!({"message": "no hot-spot rule has the code \"LOUD\": the rules are WORST-QUARTILE-WORSENING", "field": "rule"})),
        (status = 422, description = "A parameter is not valid: a unit with nothing beneath it, a level not beneath it, a period that is not a financial year, years out of range.", body = ErrorBody,
            example = json!({"message": "2024-01 is not a financial year: a regional picture compares whole years, so give one such as 2023/24", "field": "period"})),
    )
)]
pub async fn picture(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<PictureQuery>,
) -> Result<Json<RegionalPicture>, ApiError> {
    let under = required(&query.under, "under", "E12000004")?;
    let year = given(&query.year, "year")?
        .map(|y| period(y, "year"))
        .transpose()?;
    let years = given(&query.years, "years")?
        .map(|y| {
            y.parse::<u32>().map_err(|_| {
                AppError::invalid(
                    "years",
                    format!("years {y:?} is not a whole number: give 2 to 10"),
                )
            })
        })
        .transpose()?;
    let detail = match given(&query.detail, "detail")? {
        None | Some("counts") => PictureDetail::Counts,
        Some("evidence") => PictureDetail::Evidence,
        Some("every") => PictureDetail::Every,
        Some(other) => {
            return Err(AppError::invalid(
                "detail",
                format!("detail {other:?} is not counts, evidence or every"),
            )
            .into());
        }
    };
    let request = PictureRequest {
        level: given(&query.level, "level")?.map(str::to_owned),
        year,
        years,
        rule: given(&query.rule, "rule")?.map(str::to_owned),
        authority: given(&query.authority, "authority")?.map(str::to_owned),
        detail,
        ..PictureRequest::new(under)
    };
    Ok(Json(state.app.regional_picture(&caller, &request)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NeighboursQuery {
    /// Only this unit's neighbours.
    #[param(min_length = 1, example = "NFRS-STOCKHILL")]
    unit: Option<String>,
}

/// Nearest neighbours, as the neighbours file holds them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeighbourBatch {
    /// Each unit's comparators with their rank, 1 the nearest.
    pub neighbours: Vec<NeighbourRow>,
    /// `true` to check the rows and write nothing.
    #[serde(default)]
    pub check: bool,
}

/// Nearest neighbours read back.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourList {
    pub neighbours: Vec<NeighbourRow>,
}

/// What saving neighbours did.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighboursSaved {
    /// Rows read.
    pub rows: u64,
    /// False when the batch was only checked.
    pub written: bool,
}

/// List nearest neighbours
///
/// Each unit's nearest neighbours (in the caller's scope, the unit and its
/// neighbour both), in unit code and rank order: the rows of the
/// neighbours file (`unit,neighbour,rank`).
#[utoipa::path(
    get,
    path = "/api/v1/neighbours",
    tag = "benchmarking",
    operation_id = "list_neighbours",
    params(NeighboursQuery),
    responses(
        (status = 200, description = "The neighbours.", body = NeighbourList, example = json!(examples::neighbours())),
        (status = 400, description = "The query string has a parameter this endpoint does not take.", body = ErrorBody),
        (status = 404, description = "No unit has the code given.", body = ErrorBody),
        (status = 422, description = "A parameter is empty.", body = ErrorBody,
            example = json!({"message": "unit is empty: give a value, or leave the parameter out", "field": "unit"})),
    )
)]
pub async fn list_neighbours(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(query): ApiQuery<NeighboursQuery>,
) -> Result<Json<NeighbourList>, ApiError> {
    let unit = given(&query.unit, "unit")?;
    Ok(Json(NeighbourList {
        neighbours: state.app.neighbour_rows(&caller, unit)?,
    }))
}

/// Set nearest neighbours
///
/// Replaces the nearest neighbours of each unit the batch names with its
/// rows, all or nothing, checked as the neighbours file is: known units in
/// the caller's scope, no unit its own neighbour, no neighbour or rank
/// twice, ranks 1, 2, 3 with no gaps. Units the batch does not name keep
/// their lists. Performance officers and administrators.
#[utoipa::path(
    post,
    path = "/api/v1/neighbours",
    tag = "benchmarking",
    operation_id = "save_neighbours",
    request_body(content = NeighbourBatch, description = "The rows, as the neighbours file holds them.", example = json!(examples::neighbours())),
    responses(
        (status = 200, description = "Every list was replaced (or, with `check`, would be).", body = NeighboursSaved, example = json!({"rows": 3, "written": true})),
        (status = 400, description = "The body is not JSON, or not of the shape described.", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit.", body = ErrorBody),
        (status = 415, description = "The body was not sent as `application/json`.", body = ErrorBody),
        (status = 422, description = "Rows are wrong; nothing was written. Each is listed by its position (`line`, 1 for the first row).", body = ErrorBody,
            example = json!({"message": "batch: 1 bad line; nothing was written", "errors": [{"line": 2, "column": "rank", "message": "rank 1 of NFRS-STOCKHILL's neighbours is given twice: also on line 1"}]})),
    )
)]
pub async fn save_neighbours(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(batch): ApiJson<NeighbourBatch>,
) -> Result<Json<NeighboursSaved>, ApiError> {
    let mode = if batch.check {
        ImportMode::Preview
    } else {
        ImportMode::Write
    };
    let rows = state
        .app
        .save_neighbours(&caller, &batch.neighbours, mode)
        .await?;
    Ok(Json(NeighboursSaved {
        rows,
        written: !batch.check,
    }))
}
