//! The Stocktake performance model: periods, organisation units, indicators,
//! values, targets, status and the analytics cache. Pure: no IO, no async.

pub mod analytics;
pub mod indicator;
pub mod number;
pub mod org;
pub mod period;
pub mod status;
pub mod text;
pub mod value;

pub use analytics::{
    Analytics, Answer, AppliesRule, Benchmark, Breach, Cascade, CascadeError, CascadeLine,
    CascadeMethod, CascadeRule, Comparators, Compared, DEFAULT_TREND_YEARS, Figures, HotSpotRule,
    IndIdx, Judged, Judgement, PictureAsk, PictureLine, Quartiles, QueryError, RecentPoint,
    ResolvedTarget, ScorecardRow, Source, Standing, Statistics, TREND_YEARS, Trend, TrendCondition,
    TrendLine, View,
};
pub use indicator::{DenominatorOverPeriods, Factor, Indicator, Kind, Polarity};
pub use number::{NumberError, NumberRules, Typed, check_range, number_text, parse_number};
pub use org::{Group, Hierarchy, HierarchyError, OrgUnit, UnitIdx};
pub use period::{Frequency, Period, PeriodError};
pub use status::{Change, Direction, Status, Target};
pub use text::{GroupCode, IndicatorCode, OrgUnitCode, RuleCode, TextError, TextKind, check_text};
pub use value::{Accumulator, NotComputable, Observation, ValueError, ValueState};
