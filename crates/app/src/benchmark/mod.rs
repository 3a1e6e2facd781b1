//! Benchmarking and the regional picture: an indicator's figures across a
//! set of comparators (a group, a unit's nearest neighbours, the units of a
//! level) with each one's rank, quartile and percentile and the set's
//! statistics; a unit compared with its nearest neighbours on every
//! indicator; and the regional picture of the authorities beneath a unit,
//! with their hot spots, coasting and declining indicators and the evidence
//! behind each.
//!
//! Scope: a benchmark or picture lists only the units the caller may see.
//! Comparators outside their scope are left out, of the list and of the
//! statistics alike, and the answer says how many were left out: no figure
//! of a unit outside the caller's scope reaches them in any form (a median
//! of two, a minimum and an anonymous bar would each give one away). A unit
//! the request names (the one picked out, the one whose neighbours are
//! asked for, the ancestor) must be in scope, or the request is refused.
//!
//! The rooms: `compare` (benchmarks and the neighbours comparison),
//! `picture` (the regional picture) and `files` (importing nearest
//! neighbours and hot-spot rules).

mod compare;
mod files;
mod picture;

pub use compare::{
    BenchmarkMember, BenchmarkRequest, BenchmarkSet, BenchmarkView, ComparatorSet,
    NeighbourComparison, NeighbourLine, NeighbourRef, quartile_words,
};
pub use files::NeighbourRow;
pub use picture::{
    AuthorityLine, Concern, EvidenceLine, PictureDetail, PictureIndicator, PictureRequest,
    RegionalPicture, RuleView, YearFigure,
};
pub(crate) use picture::{PICTURES_KEPT, PictureKey};
