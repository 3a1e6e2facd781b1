//! Stocktake's database: organisation units, groups, indicators, values and
//! targets on SQLite (the embedded default) or PostgreSQL, one code path for
//! both, with the schema migrated at connect.
//!
//! A folder per capability holds its queries (`values/`, `access/`, `returns/`,
//! `benchmark/`, `intelligence/`, `improvement/`, `framework/`). Every
//! write is one transaction that also records an audit line and appends to
//! the change log ([`Store::change_seq`]), so other processes sharing the
//! database can tell what moved on.

mod access;
mod backend;
mod backup;
mod benchmark;
mod changes;
mod error;
mod framework;
mod ids;
mod improvement;
mod intelligence;
mod publication;
mod reports;
mod returns;
mod sql;
mod store;
mod tables;
mod values;

pub use access::{
    AccountRow, ApiTokenRow, Attempts, AuditEntry, AuditQuery, ClosedGroupRow, ScopeEntry,
    SessionRow,
};
pub use backend::Backend;
pub use backup::{
    BackupSummary, ColumnType, FORMAT as BACKUP_FORMAT, FORMAT_VERSION as BACKUP_FORMAT_VERSION,
    LEFT_OUT as LEFT_OUT_OF_BACKUPS, RestoreOptions, RestoreSummary, restore,
};
pub use benchmark::NeighbourList;
pub use changes::{
    Actor, CELLS_LISTED, CHANGES_CHANNEL, Change, ChangeListener, StoredCell, Touched,
};
pub use error::{Result, StoreError};
pub use framework::{
    AssessmentLineRow, AssessmentRow, DESIGNATED_LIMIT, FrameworkRow, HistoryRow, IndicatorSetRow,
    KloeRow, LaaRow, LaaTargetRow,
};
pub use improvement::{
    ActionStatusRow, ActionUpdateRow, BudgetLineRow, BudgetRow, CriterionRow, DecisionRow,
    EvaluationRow, GoalLinkRow, GoalRow, ImprovementPlanRow, IssueRow, MatrixCellRow, MatrixRow,
    MilestoneRow, ObjectiveRow, PartnershipRow, PlanActionRow, PlanThemeRow, ProgrammeCommentRow,
    ProgrammeRow, ProjectRow, ProjectUpdateRow, RegisterRow, RiskRow, RiskWrite, ScoreHistoryRow,
    ScoreRow, WorkstreamRow,
};
pub use intelligence::{
    AttachmentRow, ConflictRow, GoodPracticeRow, IntelligenceQuery, IntelligenceRow, OfferRow,
    PeerRow, PlacementRow, PlanProviderRow, PlanReviewRow, PlanRow, ProblemTypeRow, ProviderRow,
    RequestRow, SourceRow,
};
pub use publication::{BoundaryRow, PublishedRow};
pub use reports::{ReportRow, ReportStepRow};
pub use returns::{ReturnRow, ReturnUnitRow, StoryRow};
pub use store::{SqliteSync, Store, StoreOptions};
pub use tables::{DataColumnRow, DataTableRow};
pub use values::{
    RawValue, StagedUpload, TargetQuery, TargetRecord, TargetRow, ValueKey, ValuePart, ValuePeople,
    ValueQuery, ValueRow, ValueWriter,
};
