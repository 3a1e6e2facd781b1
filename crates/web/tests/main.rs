//! Every integration test of `stocktake-web`, built as one test binary: each
//! file below is a module. One binary links the crate and its dependencies
//! once, where a binary per file linked them once each (several gigabytes
//! of test binaries, and as many links, for the same tests).

mod support;

mod api;
mod benchmark;
mod benchmark_report;
mod framework;
mod improvement;
mod intelligence;
mod open_data;
mod pages;
mod partnerships;
mod permissions;
mod plans;
mod publication;
mod report_map;
mod reports;
mod risks;
mod sign_in;
mod spreadsheets;
mod tables;
mod workflow;
