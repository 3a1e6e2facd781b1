//! Values: indicators, units, values and targets; importing and exporting
//! them; entering them; and the scorecards, rollups, trends and lists read
//! from them.
//!
//! The rooms: `files` (the file formats), `parse` (reading one value from
//! the cells given, for every face), `judge` (how a batch would be judged,
//! and the commentary rule), `import`, `uploads` (imports in two steps),
//! `entry`, `export`, `scorecard` and `table` (the scorecard and rollup, and
//! their one downloaded shape), `detail` (the indicator, unit and home
//! pages' views), `reference` (lists and choosers) and `overview` (views
//! across the whole deployment).

mod approvals;
mod cascade;
mod detail;
pub(crate) use detail::indicator_view_in;
mod entry;
mod export;
mod files;
mod import;
mod judge;
mod overview;
mod parse;
mod reference;
mod scorecard;
mod search;
pub(crate) mod strict_csv;
mod table;
mod targets;
mod uploads;
mod workflow;

use stocktake_core::{Analytics, IndIdx, UnitIdx};

pub use approvals::{Approvals, Awaiting, Proposed, RECENTLY_APPROVED, StepTaken, ValueDetail};
pub use cascade::{CascadeChild, CascadeChoice, CascadePreview, CascadeRequest};
pub use detail::{
    BreakdownLine, ChildSummary, Comparison, Home, IndicatorView, Mover, TrendPoint, UnitView,
};
pub use entry::{EntryForm, EntryLine, LinePreview, Saved, ValueInput};
pub use files::{Column, CsvWriter, FileErrors, FileKind, LineError, MAX_LISTED_ERRORS, csv_cell};
pub use import::{ImportMode, ImportOptions, ImportSummary};
pub use overview::{PeriodQuartiles, StatusPicture};
pub use reference::{
    DEFAULT_VALUE_LIMIT, MAX_VALUE_LIMIT, OrgUnitDetail, OrgUnitSummary, TargetRecord, UnitChoice,
    ValueList, ValueRecord, ValueRequest,
};
pub use scorecard::{Rollup, RollupLine, Scorecard, ScorecardLine, StatusCounts, UnitRef};
pub use search::{IndicatorHit, MAX_HITS, SearchResults, UnitHit};
pub use stocktake_core::number_text;
pub use table::{Cell, Table, TableColumn, Tone};
pub use targets::Ratified;
pub use uploads::{Confirmation, Staged};
pub use workflow::{Moved, Step, ValueRef};

pub(crate) use files::CsvRows;
pub(crate) use import::{code, finish, required_text};
pub(crate) use judge::CommentaryRules;
pub(crate) use parse::{present, shown};
pub(crate) use reference::check_level;
pub(crate) use scorecard::approved;

use crate::AppError;

/// The key of the home unit in the database's settings table.
pub(crate) const HOME_UNIT_SETTING: &str = "home_unit";

/// Finds a unit by code, or says which codes exist at the top.
pub(crate) fn find_unit(cache: &Analytics, code: &str) -> Result<UnitIdx, AppError> {
    cache
        .hierarchy()
        .find(code)
        .ok_or_else(|| AppError::NotFound {
            what: "organisation unit",
            code: code.to_owned(),
            hint: {
                let roots: Vec<String> = cache
                    .hierarchy()
                    .roots()
                    .iter()
                    .map(|&r| cache.hierarchy().unit(r).code.to_string())
                    .collect();
                if roots.is_empty() {
                    ": no units are loaded yet; import an org-units file first".into()
                } else {
                    format!(": top units are {}", roots.join(", "))
                }
            },
        })
}

/// Finds an indicator by code.
pub(crate) fn find_indicator(cache: &Analytics, code: &str) -> Result<IndIdx, AppError> {
    cache
        .find_indicator(code)
        .ok_or_else(|| AppError::NotFound {
            what: "indicator",
            code: code.to_owned(),
            hint: if cache.indicators().is_empty() {
                ": no indicators are loaded yet; import an indicators file first".into()
            } else {
                String::new()
            },
        })
}
