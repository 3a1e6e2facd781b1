//! Every integration test of `stocktake-demo`, built as one test binary: each
//! file below is a module. One binary links the crate and its dependencies
//! once, where a binary per file linked them once each (several gigabytes
//! of test binaries, and as many links, for the same tests).

mod benchmark_report;
mod benchmarking;
mod framework;
mod loaded;
mod partnership;
mod partnership_register;
mod risks;
