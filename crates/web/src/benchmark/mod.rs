//! Benchmarking over HTTP: an indicator across comparators, a unit beside
//! its nearest neighbours, the regional picture with the evidence behind
//! each count, their downloads, and the JSON API for them and for nearest
//! neighbours.

pub(crate) mod api;
pub(crate) mod examples;
mod pages;

pub(crate) use pages::DrawnCharts;

use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    use Access::SignedIn;
    Routes::new()
        .get(
            "/benchmark",
            SignedIn,
            Sample::path("/benchmark?indicator=FRS01&period=2025-01&level=station&unit={UNIT}"),
            pages::benchmark,
        )
        .get(
            "/export/benchmark/{file}",
            SignedIn,
            Sample::path("/export/benchmark/FRS01.csv?period=2025-01&level=station&unit={UNIT}"),
            pages::benchmark_export,
        )
        .get(
            "/units/{code}/neighbours",
            SignedIn,
            Sample::path("/units/{UNIT}/neighbours?period=2025-01"),
            pages::neighbours,
        )
        .get(
            "/picture",
            SignedIn,
            Sample::path("/picture"),
            pages::choose_picture,
        )
        .get(
            "/picture/{unit}",
            SignedIn,
            Sample::path("/picture/{UNIT}?year=2024/25"),
            pages::picture,
        )
        .get(
            "/picture/{unit}/{authority}",
            SignedIn,
            Sample::path("/picture/{UNIT}/{UNIT}?year=2024/25"),
            pages::evidence,
        )
        .get(
            "/export/picture/{file}",
            SignedIn,
            Sample::path("/export/picture/{UNIT}.csv?year=2024/25"),
            pages::picture_export,
        )
        .merge(api::routes())
}
