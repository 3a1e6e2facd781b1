//! The regional picture: every authority beneath a unit, with its counts of
//! hot spots, declining and coasting indicators, sorted by concern, and the
//! evidence behind each count (the figures, ranks and trend).

use serde::Serialize;
use stocktake_core::status::Direction;
use stocktake_core::{
    Analytics, Comparators, DEFAULT_TREND_YEARS, Frequency, HotSpotRule, IndIdx, Period,
    PictureAsk, PictureLine, Polarity, TREND_YEARS, Trend, TrendCondition, UnitIdx, View,
};

use crate::values::{Cell, Table, TableColumn, Tone, UnitRef, check_level, find_unit};
use crate::{AppError, Caller, Stocktake};

/// How much of the evidence a picture carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureDetail {
    /// The counts alone (the picture's page).
    Counts,
    /// With each authority's hot spots, declining and coasting indicators:
    /// the evidence behind its counts.
    Evidence,
    /// With every indicator of every authority (downloads, an authority's
    /// own page).
    Every,
}

/// A regional picture asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureRequest {
    /// The ancestor whose authorities are pictured.
    pub unit: String,
    /// The level of the authorities beneath it; the level of its children
    /// when none is given.
    pub level: Option<String>,
    /// The financial year ranked and ending the trend; the latest ended by
    /// the latest approved figures when none is given.
    pub year: Option<Period>,
    /// Years of trend; [`DEFAULT_TREND_YEARS`] when none is given.
    pub years: Option<u32>,
    /// The hot-spot rule's code; when none is given, the standard rule
    /// (as the regional team has set it, or built in).
    pub rule: Option<String>,
    /// Only this authority's lines (an authority's evidence page).
    pub authority: Option<String>,
    pub detail: PictureDetail,
}

impl PictureRequest {
    pub fn new(unit: &str) -> PictureRequest {
        PictureRequest {
            unit: unit.to_owned(),
            level: None,
            year: None,
            years: None,
            rule: None,
            authority: None,
            detail: PictureDetail::Counts,
        }
    }
}

/// A hot-spot rule as shown.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleView {
    pub code: String,
    pub name: String,
    /// The rule in words.
    pub description: String,
    pub worst_quartiles: u8,
    pub trend: TrendCondition,
    pub comparators: Comparators,
    /// True for the rule built in, used where the regional team has set none.
    pub built_in: bool,
}

impl RuleView {
    fn of(rule: &HotSpotRule, built_in: bool) -> RuleView {
        RuleView {
            code: rule.code.to_string(),
            name: rule.name.clone(),
            description: rule.describe(),
            worst_quartiles: rule.worst_quartiles,
            trend: rule.trend,
            comparators: rule.comparators,
            built_in,
        }
    }
}

/// One year's figure in a trend.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearFigure {
    pub year: Period,
    /// As shown (rounded to the indicator's decimals).
    pub value: Option<f64>,
    /// Against the year before: none for the first year.
    pub direction: Option<Direction>,
}

/// What a line of evidence is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concern {
    HotSpot,
    Declining,
    Coasting,
}

impl Concern {
    pub const ALL: [Concern; 3] = [Concern::HotSpot, Concern::Declining, Concern::Coasting];

    pub fn as_str(self) -> &'static str {
        match self {
            Concern::HotSpot => "hot_spots",
            Concern::Declining => "declining",
            Concern::Coasting => "coasting",
        }
    }

    pub fn parse(text: &str) -> Option<Concern> {
        Concern::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// One indicator of one authority: its figures, rank and trend.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceLine {
    pub indicator: String,
    pub title: String,
    /// What the figure is measured in.
    pub unit: String,
    pub decimals: u8,
    pub polarity: Polarity,
    /// The year ranked (an annual indicator published late: its latest).
    pub year: Period,
    /// The figure that year, as shown.
    pub value: Option<f64>,
    /// Each year of the trend, oldest first.
    pub figures: Vec<YearFigure>,
    pub trend: Trend,
    pub trend_label: &'static str,
    /// Among the comparators with a figure that year.
    pub rank: Option<u32>,
    pub of: usize,
    pub quartile: Option<u8>,
    pub median: Option<f64>,
    pub hot_spot: bool,
}

impl EvidenceLine {
    /// Whether the line counts as this concern.
    pub fn is(&self, concern: Concern) -> bool {
        match concern {
            Concern::HotSpot => self.hot_spot,
            Concern::Declining => self.trend == Trend::Declining,
            Concern::Coasting => self.trend == Trend::Coasting,
        }
    }

    fn concerning(&self) -> bool {
        Concern::ALL.into_iter().any(|c| self.is(c))
    }
}

/// One authority of the picture.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorityLine {
    pub unit: UnitRef,
    pub hot_spots: u32,
    pub declining: u32,
    pub coasting: u32,
    pub mixed: u32,
    pub improving: u32,
    pub too_little_data: u32,
    /// Indicators judged (those it reports with a figure in the years).
    pub indicators: u32,
    /// The lines behind the counts (hot spots, declining and coasting), or
    /// every line, as asked; none for the counts alone.
    pub lines: Vec<EvidenceLine>,
}

/// The year each indicator is ranked in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PictureIndicator {
    pub indicator: String,
    pub title: String,
    pub year: Period,
}

/// Every authority beneath a unit, sorted by concern.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionalPicture {
    pub unit: UnitRef,
    /// The level of the authorities.
    pub level: String,
    /// The levels beneath the unit, from the top down.
    pub levels: Vec<String>,
    pub year: Period,
    pub year_label: String,
    pub years: u32,
    pub rule: RuleView,
    /// Most hot spots first, then most declining, then most coasting.
    pub authorities: Vec<AuthorityLine>,
    /// The indicators judged and the year each is ranked in.
    pub indicators: Vec<PictureIndicator>,
    pub hot_spots: u32,
    pub declining: u32,
    pub coasting: u32,
    pub approved_only: bool,
}

const PICTURE_COLUMNS: &[TableColumn] = &[
    TableColumn {
        name: "org_unit",
        meaning: "the authority's code",
    },
    TableColumn {
        name: "name",
        meaning: "the authority's name",
    },
    TableColumn {
        name: "indicator",
        meaning: "the indicator's code",
    },
    TableColumn {
        name: "title",
        meaning: "the indicator's title",
    },
    TableColumn {
        name: "year",
        meaning: "the financial year ranked (an annual indicator published late: its latest)",
    },
    TableColumn {
        name: "value",
        meaning: "the figure that year, as shown",
    },
    TableColumn {
        name: "figures",
        meaning: "each year of the trend with its figure, oldest first",
    },
    TableColumn {
        name: "trend",
        meaning: "improving, declining, coasting, mixed or too_little_data over the years",
    },
    TableColumn {
        name: "latest_change",
        meaning: "the latest year against the one before: improving, stable or worsening",
    },
    TableColumn {
        name: "rank",
        meaning: "1 is the best among the comparators with a figure that year",
    },
    TableColumn {
        name: "of",
        meaning: "the comparators with a figure that year",
    },
    TableColumn {
        name: "quartile",
        meaning: "1 is the best quarter, 4 the worst",
    },
    TableColumn {
        name: "median",
        meaning: "the comparators' median that year",
    },
    TableColumn {
        name: "hot_spot",
        meaning: "yes where the hot-spot rule names it",
    },
    TableColumn {
        name: "rule",
        meaning: "the hot-spot rule's code",
    },
];

impl RegionalPicture {
    /// The picture as a table: one row per authority and indicator, with
    /// the evidence it carries (ask for every line to download them all).
    pub fn table(&self) -> Table {
        let rows = self
            .authorities
            .iter()
            .flat_map(|a| a.lines.iter().map(move |l| (a, l)))
            .map(|(a, l)| {
                let figures = l
                    .figures
                    .iter()
                    .map(|f| {
                        format!(
                            "{} {}",
                            f.year,
                            f.value.map_or_else(
                                || "no figure".into(),
                                |v| stocktake_core::number_text(
                                    stocktake_core::indicator::round_to(v, l.decimals)
                                )
                            )
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    Cell::text(&a.unit.code),
                    Cell::text(&a.unit.name),
                    Cell::text(&l.indicator),
                    Cell::text(&l.title),
                    Cell::text(l.year.to_string()),
                    Cell::Number(l.value, l.decimals),
                    Cell::text(figures),
                    Cell::Status(
                        l.trend.as_str().to_owned(),
                        match l.trend {
                            Trend::Improving => Tone::Good,
                            Trend::Declining => Tone::Bad,
                            Trend::Coasting | Trend::Mixed => Tone::Caution,
                            Trend::TooLittleData | Trend::NotJudged => Tone::Neutral,
                        },
                    ),
                    Cell::text(
                        l.figures
                            .last()
                            .and_then(|f| f.direction)
                            .map_or("", Direction::as_str),
                    ),
                    Cell::Exact(l.rank.map(f64::from)),
                    Cell::Exact(Some(l.of as f64)),
                    Cell::Exact(l.quartile.map(f64::from)),
                    Cell::Number(l.median, l.decimals),
                    if l.hot_spot {
                        Cell::Status("yes".to_owned(), Tone::Bad)
                    } else {
                        Cell::Status("no".to_owned(), Tone::Neutral)
                    },
                    Cell::text(&self.rule.code),
                ]
            })
            .collect();
        Table {
            sheet: "Regional picture",
            columns: PICTURE_COLUMNS,
            rows,
        }
    }
}

/// The rule a code names, or the standard one.
fn rule_for(cache: &Analytics, code: Option<&str>) -> Result<(HotSpotRule, bool), AppError> {
    let rules = cache.hot_spot_rules();
    match code {
        Some(code) => rules
            .iter()
            .find(|r| r.code.as_str() == code)
            .map(|r| (r.clone(), false))
            .or_else(|| {
                let standard = HotSpotRule::standard();
                (standard.code.as_str() == code).then_some((standard, true))
            })
            .ok_or_else(|| AppError::NotFound {
                what: "hot-spot rule",
                code: code.to_owned(),
                hint: {
                    let mut codes: Vec<String> = rules.iter().map(|r| r.code.to_string()).collect();
                    let standard = HotSpotRule::standard().code.to_string();
                    if !codes.contains(&standard) {
                        codes.push(standard);
                    }
                    format!(": the rules are {}", codes.join(", "))
                },
            }),
        None => {
            let standard = HotSpotRule::standard();
            Ok(rules
                .iter()
                .find(|r| r.code == standard.code)
                .map_or((standard, true), |r| (r.clone(), false)))
        }
    }
}

/// The levels beneath a unit, from the top down.
fn levels_beneath(cache: &Analytics, unit: UnitIdx) -> Vec<String> {
    let hierarchy = cache.hierarchy();
    let below = hierarchy.descendants(unit);
    hierarchy
        .levels()
        .iter()
        .filter(|l| below.iter().any(|&u| &hierarchy.unit(u).level == *l))
        .cloned()
        .collect()
}

impl Stocktake {
    /// The hot-spot rules the regional team has set, with the built-in
    /// standard rule where they have not set one of its code.
    pub fn hot_spot_rules(&self, caller: &Caller) -> Result<Vec<RuleView>, AppError> {
        let cache = self.analytics();
        self.rights(caller, &cache)?;
        let mut rules: Vec<RuleView> = cache
            .hot_spot_rules()
            .iter()
            .map(|r| RuleView::of(r, false))
            .collect();
        let standard = HotSpotRule::standard();
        if !rules.iter().any(|r| r.code == standard.code.as_str()) {
            rules.insert(0, RuleView::of(&standard, true));
        }
        Ok(rules)
    }

    /// The regional picture of the authorities beneath a unit in the
    /// caller's scope.
    pub fn regional_picture(
        &self,
        caller: &Caller,
        request: &PictureRequest,
    ) -> Result<RegionalPicture, AppError> {
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let hierarchy = cache.hierarchy();
        let top = find_unit(&cache, &request.unit)?;
        rights.require_sees(&cache, top)?;
        let levels = levels_beneath(&cache, top);
        if levels.is_empty() {
            return Err(AppError::invalid(
                "unit",
                format!(
                    "{} ({}) has no units beneath it: a regional picture is of the authorities beneath a unit",
                    hierarchy.unit(top).name,
                    request.unit
                ),
            ));
        }
        let level = match &request.level {
            Some(level) => {
                check_level(&cache, level)?;
                if !levels.contains(level) {
                    return Err(AppError::invalid(
                        "level",
                        format!(
                            "no {level} is beneath {}: the levels beneath it are {}",
                            hierarchy.unit(top).name,
                            levels.join(", ")
                        ),
                    ));
                }
                level.clone()
            }
            None => hierarchy.unit(hierarchy.children(top)[0]).level.clone(),
        };
        let years = request.years.unwrap_or(DEFAULT_TREND_YEARS);
        if !TREND_YEARS.contains(&years) {
            return Err(AppError::invalid(
                "years",
                format!(
                    "years {years} is out of range: give a whole number of years from {} to {}",
                    TREND_YEARS.start(),
                    TREND_YEARS.end()
                ),
            ));
        }
        let year = match request.year {
            Some(y) if y.frequency() == Frequency::Year => y,
            Some(other) => {
                return Err(AppError::invalid(
                    "period",
                    format!(
                        "{other} is not a financial year: a regional picture compares whole years, so give one such as 2023/24"
                    ),
                ));
            }
            None => latest_year(&cache),
        };
        let (rule, built_in) = rule_for(&cache, request.rule.as_deref())?;
        let below = hierarchy.descendants(top);
        let mut authorities: Vec<UnitIdx> = below
            .into_iter()
            .filter(|&u| hierarchy.unit(u).level == level && rights.sees(u))
            .collect();
        authorities.sort_by(|a, b| hierarchy.unit(*a).name.cmp(&hierarchy.unit(*b).name));
        let only = match &request.authority {
            Some(code) => {
                let u = find_unit(&cache, code)?;
                rights.require_sees(&cache, u)?;
                if !authorities.contains(&u) {
                    return Err(AppError::invalid(
                        "authority",
                        format!(
                            "{} ({code}) is not one of the {level} units beneath {}",
                            hierarchy.unit(u).name,
                            hierarchy.unit(top).name
                        ),
                    ));
                }
                Some(u)
            }
            None => None,
        };
        let key = PictureKey {
            top,
            level: level.clone(),
            year,
            years,
            rule: rule.code.to_string(),
            built_in,
            only,
            detail: request.detail,
            units: rights.scope().clone(),
            view: rights.view,
        };
        // Read under the cache's read lock, so it names the cache as it is.
        let generation = self.generation();
        if let Some(kept) = self.pictures.get(generation, &key) {
            return Ok(RegionalPicture::clone(&kept));
        }
        let indicators: Vec<IndIdx> = cache
            .all_indicators()
            .filter(|&i| cache.indicator(i).polarity != Polarity::Neutral)
            .collect();
        let sees = |u: UnitIdx| rights.sees(u);
        let ask = PictureAsk {
            units: &authorities,
            year,
            years,
            rule: &rule,
            sees: &sees,
        };
        let figures = cache.view(rights.view);
        // Indicators are independent: each core takes a share.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let share = indicators.len().div_ceil(threads.max(1)).max(1);
        let per_indicator: Vec<(IndIdx, Vec<PictureLine>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = indicators
                .chunks(share)
                .map(|mine| {
                    let ask = &ask;
                    scope.spawn(move || {
                        mine.iter()
                            .map(|&i| (i, figures.picture_lines(i, ask)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a picture worker panicked"))
                .collect()
        });
        let position: rustc_hash::FxHashMap<UnitIdx, usize> = authorities
            .iter()
            .enumerate()
            .map(|(n, &u)| (u, n))
            .collect();
        let mut lines: Vec<AuthorityLine> = authorities
            .iter()
            .map(|&u| AuthorityLine {
                unit: UnitRef::of(&cache, u),
                hot_spots: 0,
                declining: 0,
                coasting: 0,
                mixed: 0,
                improving: 0,
                too_little_data: 0,
                indicators: 0,
                lines: Vec::new(),
            })
            .collect();
        let mut picture_indicators = Vec::new();
        for (i, found) in &per_indicator {
            let Some(first) = found.first() else { continue };
            let ind = cache.indicator(*i);
            picture_indicators.push(PictureIndicator {
                indicator: ind.code.to_string(),
                title: ind.title.clone(),
                year: first.year,
            });
            for line in found {
                let a = &mut lines[position[&line.unit]];
                a.indicators += 1;
                a.hot_spots += u32::from(line.hot_spot);
                match line.trend.trend {
                    Trend::Declining => a.declining += 1,
                    Trend::Coasting => a.coasting += 1,
                    Trend::Mixed => a.mixed += 1,
                    Trend::Improving => a.improving += 1,
                    Trend::TooLittleData => a.too_little_data += 1,
                    Trend::NotJudged => {}
                }
                let wanted = only.is_none_or(|o| o == line.unit)
                    && match request.detail {
                        PictureDetail::Counts => false,
                        PictureDetail::Evidence => {
                            line.hot_spot
                                || matches!(line.trend.trend, Trend::Declining | Trend::Coasting)
                        }
                        PictureDetail::Every => true,
                    };
                if wanted {
                    a.lines.push(evidence_line(&cache, line));
                }
            }
        }
        picture_indicators.sort_by(|a, b| a.indicator.cmp(&b.indicator));
        for a in &mut lines {
            a.lines.sort_by(|x, y| {
                (!x.hot_spot, !x.concerning(), &x.indicator).cmp(&(
                    !y.hot_spot,
                    !y.concerning(),
                    &y.indicator,
                ))
            });
        }
        if let Some(o) = only {
            lines.retain(|a| a.unit.code == hierarchy.unit(o).code.as_str());
        }
        lines.sort_by(|a, b| {
            (b.hot_spots, b.declining, b.coasting)
                .cmp(&(a.hot_spots, a.declining, a.coasting))
                .then_with(|| a.unit.name.cmp(&b.unit.name))
        });
        let picture = RegionalPicture {
            unit: UnitRef::of(&cache, top),
            level,
            levels,
            year,
            year_label: year.label(),
            years,
            rule: RuleView::of(&rule, built_in),
            hot_spots: lines.iter().map(|a| a.hot_spots).sum(),
            declining: lines.iter().map(|a| a.declining).sum(),
            coasting: lines.iter().map(|a| a.coasting).sum(),
            authorities: lines,
            indicators: picture_indicators,
            approved_only: rights.view == View::Approved,
        };
        self.pictures
            .keep(generation, key, std::sync::Arc::new(picture.clone()));
        Ok(picture)
    }
}

/// How many regional pictures are remembered: enough for a region's team
/// moving between years, rules and levels.
pub(crate) const PICTURES_KEPT: usize = 16;

/// Everything a picture depends on besides the cache itself: the question,
/// resolved, and what the caller may see (their units, and whether they see
/// approved figures only).
#[derive(Debug, PartialEq)]
pub(crate) struct PictureKey {
    top: UnitIdx,
    level: String,
    year: Period,
    years: u32,
    rule: String,
    built_in: bool,
    only: Option<UnitIdx>,
    detail: PictureDetail,
    units: crate::access::rights::Units,
    view: View,
}

/// The latest financial year ended by the latest approved figures (by
/// today, where there are none).
fn latest_year(cache: &Analytics) -> Period {
    let latest = Frequency::ALL
        .into_iter()
        .find_map(|f| cache.latest_approved_period(f))
        .unwrap_or_else(|| {
            crate::clock::today()[..7]
                .parse()
                .unwrap_or_else(|_| Period::month(2025, 3))
        });
    latest.latest_complete(Frequency::Year)
}

fn evidence_line(cache: &Analytics, line: &PictureLine) -> EvidenceLine {
    let ind = cache.indicator(line.indicator);
    let figures = line
        .trend
        .years
        .iter()
        .enumerate()
        .map(|(n, (year, value))| YearFigure {
            year: *year,
            value: *value,
            direction: n.checked_sub(1).map(|s| line.trend.steps[s]),
        })
        .collect();
    EvidenceLine {
        indicator: ind.code.to_string(),
        title: ind.title.clone(),
        unit: ind.unit.clone(),
        decimals: ind.decimals,
        polarity: ind.polarity,
        year: line.year,
        value: line.value(),
        figures,
        trend: line.trend.trend,
        trend_label: line.trend.trend.label(),
        rank: line.standing.map(|s| s.rank),
        of: line.comparators,
        quartile: line.standing.map(|s| s.quartile),
        median: line.median,
        hot_spot: line.hot_spot,
    }
}
