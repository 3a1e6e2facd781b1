//! Read use cases behind the pages: the home summary, an indicator's trend
//! and breakdown, and a unit's place in the hierarchy.

use serde::Serialize;
use stocktake_core::status::{self, percent_change};
use stocktake_core::{Direction, Figures, IndIdx, Indicator, Period, Source, Status, UnitIdx};

use super::scorecard::{StatusCounts, UnitRef};
use super::{find_indicator, find_unit};
use crate::{AppError, Caller, Stocktake};

/// One period of an indicator's history for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub period: Period,
    pub label: String,
    pub short_label: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub source: Source,
    pub note: String,
    /// The year to date up to the end of the period, April onwards.
    pub year_to_date: Option<f64>,
    /// The target as applied: set for the period itself, or where
    /// `target_judges_year_to_date`, the financial year's target for the
    /// year to date (profiled pro rata where `target_profiled`).
    pub target: Option<f64>,
    /// True where the target is the year's, judged against `year_to_date`
    /// rather than `value`; false where it is set for the period or absent.
    pub target_judges_year_to_date: bool,
    /// True where an annual target was scaled to the months of the year so
    /// far, because the figure accumulates over the year.
    pub target_profiled: bool,
    /// Judged on `year_to_date` or `value`, as `target_judges_year_to_date` says.
    pub status: Status,
    pub commentary: Option<String>,
    /// False where the figure counts a value not yet approved.
    pub approved: bool,
}

/// A child unit's figure in an indicator's breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownLine {
    pub unit: UnitRef,
    pub has_children: bool,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub year_to_date: Option<f64>,
    pub target: Option<f64>,
    /// True where the target is an annual one judging the year to date.
    pub target_judges_year_to_date: bool,
    pub status: Status,
    pub note: String,
    /// False where the figure counts a value not yet approved.
    pub approved: bool,
}

/// The comparisons the reports quote for a financial year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub label: String,
    pub from: Period,
    pub to: Period,
    pub from_value: Option<f64>,
    pub to_value: Option<f64>,
    pub change_percent: Option<f64>,
    pub direction: Direction,
    pub sentence: String,
}

/// Everything the indicator page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorView {
    pub indicator: Indicator,
    pub aggregation_note: Option<&'static str>,
    pub unit: UnitRef,
    pub path: Vec<UnitRef>,
    pub period: Period,
    /// True where the period asked for had no figure for the unit and the
    /// indicator's latest year with data is shown instead.
    pub latest_with_data: bool,
    /// Up to five financial years of the indicator's own periods, oldest first.
    pub trend: Vec<TrendPoint>,
    pub breakdown: Vec<BreakdownLine>,
    pub comparisons: Vec<Comparison>,
}

/// A unit and where it sits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitView {
    pub unit: UnitRef,
    pub path: Vec<UnitRef>,
    pub counts: StatusCounts,
    pub children: Vec<ChildSummary>,
    pub groups: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildSummary {
    pub unit: UnitRef,
    pub has_children: bool,
    pub counts: StatusCounts,
}

/// A notable change for the home page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub indicator: String,
    pub title: String,
    pub decimals: u8,
    pub period: Period,
    pub value: Option<f64>,
    pub last_year: Option<f64>,
    pub change_percent: f64,
    pub direction: Direction,
    pub polarity: stocktake_core::Polarity,
    /// What the figure is measured in.
    pub measure: String,
    /// True for a percentage: its change is shown in points.
    pub percentage: bool,
}

/// The home page: headline counts and the biggest movers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Home {
    pub unit: UnitRef,
    pub period: Period,
    pub counts: StatusCounts,
    pub improvements: Vec<Mover>,
    pub deteriorations: Vec<Mover>,
}

/// How many of each mover the home page lists.
const MOVERS: usize = 5;

impl Stocktake {
    /// An indicator's definition, trend and breakdown for a unit in the
    /// caller's scope (the breakdown lists the units below it in scope).
    pub fn indicator_view(
        &self,
        caller: &Caller,
        code: &str,
        unit: &str,
        period: Period,
    ) -> Result<IndicatorView, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let i = find_indicator(&cache, code)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        Ok(indicator_view_in(
            &cache,
            rights.view,
            &|c| rights.sees(c),
            i,
            u,
            period,
        ))
    }

    /// A unit in the caller's scope, its place in the hierarchy and its
    /// children's statuses.
    pub fn unit_view(
        &self,
        caller: &Caller,
        code: &str,
        period: Period,
    ) -> Result<UnitView, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let figures = cache.view(rights.view);
        let u = find_unit(&cache, code)?;
        rights.require_sees(&cache, u)?;
        let children = cache
            .hierarchy()
            .children(u)
            .iter()
            .filter(|&&c| rights.sees(c))
            .map(|&c| ChildSummary {
                unit: UnitRef::of(&cache, c),
                has_children: cache.hierarchy().has_children(c),
                counts: counts(figures, c, period),
            })
            .collect();
        let groups = cache
            .groups()
            .iter()
            .filter(|g| g.members.contains(&cache.hierarchy().unit(u).code))
            .map(|g| (g.code.to_string(), g.name.clone()))
            .collect();
        Ok(UnitView {
            unit: UnitRef::of(&cache, u),
            path: path_in_scope(&cache, &rights, u),
            counts: counts(figures, u, period),
            children,
            groups,
        })
    }

    /// Headline counts for a unit and the indicators that moved most against
    /// the same period last year, judged by polarity.
    pub fn home(&self, caller: &Caller, unit: &str, period: Period) -> Result<Home, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let u = find_unit(&cache, unit)?;
        rights.require_sees(&cache, u)?;
        let rows = cache.view(rights.view).scorecard(u, period);
        let mut counts = StatusCounts::default();
        let mut movers: Vec<(f64, Mover)> = Vec::new();
        for row in &rows {
            counts.add(row.status);
            let ind = cache.indicator(row.indicator);
            if let Some(change) = percent_change(row.current.value, row.same_period_last_year.value)
            {
                let better = match ind.polarity {
                    stocktake_core::Polarity::HigherIsBetter => change,
                    stocktake_core::Polarity::LowerIsBetter => -change,
                    stocktake_core::Polarity::Neutral => continue,
                };
                movers.push((
                    better,
                    Mover {
                        indicator: ind.code.to_string(),
                        title: ind.title.clone(),
                        decimals: ind.decimals,
                        period: row.period,
                        value: row.current.value,
                        last_year: row.same_period_last_year.value,
                        change_percent: change,
                        direction: row.direction_year,
                        polarity: ind.polarity,
                        measure: ind.unit.clone(),
                        percentage: ind.is_percentage(),
                    },
                ));
            }
        }
        movers.sort_by(|a, b| b.0.total_cmp(&a.0));
        let improvements = movers
            .iter()
            .filter(|(b, m)| *b > 0.0 && m.direction == Direction::Improving)
            .take(MOVERS)
            .map(|(_, m)| m.clone())
            .collect();
        let deteriorations = movers
            .iter()
            .rev()
            .filter(|(b, m)| *b < 0.0 && m.direction == Direction::Worsening)
            .take(MOVERS)
            .map(|(_, m)| m.clone())
            .collect();
        Ok(Home {
            unit: UnitRef::of(&cache, u),
            period,
            counts,
            improvements,
            deteriorations,
        })
    }
}

/// An indicator's view for unit `u` in `view`, its breakdown listing the
/// children `sees` lets through: the signed-in page's and the open-data
/// portal's alike.
pub(crate) fn indicator_view_in(
    cache: &stocktake_core::Analytics,
    view: stocktake_core::View,
    sees: &dyn Fn(UnitIdx) -> bool,
    i: IndIdx,
    u: UnitIdx,
    period: Period,
) -> IndicatorView {
    let figures = cache.view(view);
    let ind = cache.indicator(i).clone();
    let (shown, latest_with_data) = figures.shown_period_for(i, u, period);
    let first = Period::containing(shown.year().years_back(4).first_month(), ind.frequency);
    let trend = (first.index()..=shown.index())
        .map(|p| trend_point(figures, i, u, Period::from_index(ind.frequency, p)))
        .collect();
    let breakdown = cache
        .hierarchy()
        .children(u)
        .iter()
        .filter(|&&c| sees(c))
        .map(|&c| {
            // Judged exactly as the unit's own scorecard judges it.
            let row = figures.scorecard_row(i, c, shown);
            BreakdownLine {
                unit: UnitRef::of(cache, c),
                has_children: cache.hierarchy().has_children(c),
                value: row.current.value,
                numerator: row.current.numerator,
                denominator: row.current.denominator,
                year_to_date: row.year_to_date.value,
                target: row.target.map(|t| t.target),
                target_judges_year_to_date: row.target.is_some_and(|t| t.year_to_date),
                status: row.status,
                note: row.current.note(&ind),
                approved: super::scorecard::approved(cache, view, i, c, shown),
            }
        })
        .collect();
    // Whole financial years only: a year still under way is not compared.
    let comparisons = comparisons(
        figures,
        i,
        u,
        shown.latest_complete(stocktake_core::Frequency::Year),
    );
    IndicatorView {
        aggregation_note: ind.aggregation_note(),
        unit: UnitRef::of(cache, u),
        path: cache
            .hierarchy()
            .path(u)
            .into_iter()
            .filter(|&p| sees(p))
            .map(|p| UnitRef::of(cache, p))
            .collect(),
        period: shown,
        latest_with_data,
        trend,
        breakdown,
        comparisons,
        indicator: ind,
    }
}

/// The units from the top of the caller's scope down to `u`.
fn path_in_scope(
    cache: &stocktake_core::Analytics,
    rights: &crate::access::rights::Rights,
    u: UnitIdx,
) -> Vec<UnitRef> {
    cache
        .hierarchy()
        .path(u)
        .into_iter()
        .filter(|&p| rights.sees(p))
        .map(|p| UnitRef::of(cache, p))
        .collect()
}

/// Status counts of a unit's scorecard.
fn counts(figures: Figures<'_>, unit: UnitIdx, period: Period) -> StatusCounts {
    let mut counts = StatusCounts::default();
    for row in figures.scorecard(unit, period) {
        counts.add(row.status);
    }
    counts
}

fn trend_point(figures: Figures<'_>, i: IndIdx, u: UnitIdx, period: Period) -> TrendPoint {
    let cache = figures.cache();
    let ind = cache.indicator(i);
    let row = figures.scorecard_row(i, u, period);
    TrendPoint {
        period,
        label: period.label(),
        short_label: period.short_label(),
        value: row.current.value,
        numerator: row.current.numerator,
        denominator: row.current.denominator,
        source: row.current.source,
        note: row.current.note(ind),
        year_to_date: row.year_to_date.value,
        target: row.target.map(|t| t.target),
        target_judges_year_to_date: row.target.is_some_and(|t| t.year_to_date),
        target_profiled: row.target.is_some_and(|t| t.year_to_date && t.profiled),
        status: row.status,
        commentary: row.commentary,
        approved: super::scorecard::approved(cache, figures.view(), i, u, period),
    }
}

/// Year on year, and against a base year three years back, for the year.
fn comparisons(figures: Figures<'_>, i: IndIdx, u: UnitIdx, year: Period) -> Vec<Comparison> {
    let cache = figures.cache();
    let ind = cache.indicator(i);
    let figure = |p: Period| figures.figure(i, u, p).ok().and_then(|a| a.value);
    [(1, "Year on year"), (3, "Against the base year")]
        .into_iter()
        .map(|(back, label)| {
            let from = year.years_back(back);
            let (a, b) = (figure(from), figure(year));
            let change = percent_change(b, a);
            Comparison {
                label: label.into(),
                from,
                to: year,
                from_value: a,
                to_value: b,
                change_percent: change,
                direction: status::direction(ind.polarity, b, a, cache.judgement().stable_band),
                sentence: match change {
                    Some(_) => format!("{} from {from} to {year}", status::describe_change(change)),
                    None => format!("{from} to {year}: not comparable (a year has no data)"),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OpenOptions;
    use crate::values::FileKind;

    /// A service with a monthly count (10 a month) and a monthly mean (50 a
    /// month), both with a 2024/25 annual target; the count also has a target
    /// of its own for May 2024.
    fn app() -> (std::sync::Arc<Stocktake>, tempfile::TempDir) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let app = runtime
            .block_on(Stocktake::open(&url, OpenOptions::default()))
            .unwrap();
        let mut values = String::from("indicator,org_unit,period,value,note\n");
        for month in 1..=10 {
            let period = Period::month(2024, 4).offset(month - 1);
            // May misses its own target of 5, so it needs commentary.
            let note = if month == 2 {
                "Two large incidents"
            } else {
                ""
            };
            values.push_str(&format!("C,S,{period},10,{note}\nM,S,{period},50,\n"));
        }
        for (kind, text) in [
            (
                FileKind::OrgUnits,
                "code,name,level,parent_code\nS,Service,service,\n",
            ),
            (
                FileKind::Indicators,
                "code,title,kind,polarity,frequency,decimals\n\
                 C,Fires,count,lower_is_better,month,0\n\
                 M,Response time,mean,lower_is_better,month,1\n",
            ),
            (
                FileKind::Targets,
                "indicator,org_unit,period,target,tolerance\n\
                 C,S,2024/25,120,0\nC,S,2024-05,5,0\nM,S,2024/25,60,0\n",
            ),
            (FileKind::Values, values.as_str()),
        ] {
            runtime
                .block_on(app.import_texts(&Caller::system("t"), &[(kind, text)]))
                .unwrap_or_else(|e| panic!("importing {kind}: {e}"));
        }
        (app, dir)
    }

    fn point(view: &IndicatorView, period: Period) -> &TrendPoint {
        view.trend.iter().find(|t| t.period == period).unwrap()
    }

    #[test]
    fn trend_points_carry_the_year_to_date_an_annual_target_judges() {
        let (app, _dir) = app();
        let view = app
            .indicator_view(&Caller::system("t"), "C", "S", Period::month(2025, 1))
            .unwrap();
        let january = point(&view, Period::month(2025, 1));
        assert_eq!(january.value, Some(10.0));
        assert_eq!(january.year_to_date, Some(100.0));
        // 120 a year, profiled to 10 months.
        assert_eq!(january.target, Some(100.0));
        assert!(january.target_judges_year_to_date && january.target_profiled);
        assert_eq!(january.status, Status::Green);

        // May's own target judges May's own figure.
        let may = point(&view, Period::month(2024, 5));
        assert_eq!((may.value, may.year_to_date), (Some(10.0), Some(20.0)));
        assert_eq!(may.target, Some(5.0));
        assert!(!may.target_judges_year_to_date && !may.target_profiled);
        assert_eq!(may.status, Status::Red);

        // No target in 2023/24.
        let before = point(&view, Period::month(2024, 3));
        assert_eq!(before.target, None);
        assert!(!before.target_judges_year_to_date);
        assert_eq!(before.status, Status::NoData);
    }

    #[test]
    fn an_annual_target_for_a_mean_is_judged_on_the_year_to_date_unprofiled() {
        let (app, _dir) = app();
        let view = app
            .indicator_view(&Caller::system("t"), "M", "S", Period::month(2025, 1))
            .unwrap();
        let january = point(&view, Period::month(2025, 1));
        assert_eq!(january.year_to_date, Some(50.0));
        assert_eq!(january.target, Some(60.0));
        assert!(january.target_judges_year_to_date && !january.target_profiled);
    }
}
