//! Every integration test of `stocktake-cli`, built as one test binary: each
//! file below is a module. One binary links the crate and its dependencies
//! once, where a binary per file linked them once each (several gigabytes
//! of test binaries, and as many links, for the same tests).

mod support;

mod audit;
mod backup;
mod benchmark_report;
mod cli;
mod hostile;
mod publication;
mod waiting;
mod workflow;
