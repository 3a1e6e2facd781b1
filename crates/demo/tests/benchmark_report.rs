//! The benchmarking report of a demo council: Mansfield against its eight
//! nearest neighbours, every figure the neighbours comparison's (the same
//! figures the neighbours page shows), NI 192 its real recycling rate.

use stocktake::core::Period;
use stocktake::{Caller, OpenOptions, Stocktake};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mansfields_benchmarking_report_is_the_neighbours_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    let caller = Caller::system("test");
    stocktake_demo::load_demo(&app, &caller).await.unwrap();
    let year: Period = "2024/25".parse().unwrap();

    let comparison = app
        .neighbour_comparison(&caller, "E07000174", year)
        .unwrap();
    let report = app.benchmark_report(&caller, "E07000174", year).unwrap();
    assert_eq!(report.unit.name, "Mansfield");
    assert_eq!(report.neighbours.len(), 8);
    assert_eq!(report.lines.len(), comparison.lines.len());
    for (line, compared) in report.lines.iter().zip(&comparison.lines) {
        assert_eq!(line.indicator, compared.indicator);
        assert_eq!(line.value, compared.value, "{}", line.indicator);
        assert_eq!(line.rank, compared.rank, "{}", line.indicator);
        assert_eq!(line.of, compared.of, "{}", line.indicator);
        assert_eq!(line.quartile, compared.quartile, "{}", line.indicator);
        assert_eq!(line.median, compared.median, "{}", line.indicator);
        assert_eq!(line.best, compared.best, "{}", line.indicator);
        assert_eq!(
            line.quartile_words,
            stocktake::benchmark::quartile_words(compared.quartile).0
        );
    }
    let recycling = report
        .lines
        .iter()
        .find(|l| l.indicator == "NI192")
        .expect("recycling in the report");
    assert_eq!(recycling.period_label, "2023/24", "the latest published");
    assert_eq!(recycling.value_text, "30.6");
    assert_eq!(
        recycling.rank_text,
        format!("{} of 9", recycling.rank.unwrap()),
        "eight neighbours and Mansfield"
    );
    assert_eq!(recycling.comparators.len(), 9);
    assert!(
        recycling
            .comparators
            .iter()
            .any(|c| c.picked && c.name == "Mansfield")
    );
    // The summary counts every indicator once.
    let counted: usize = report.tallies.iter().map(|t| t.count).sum();
    assert_eq!(counted, report.lines.len());
}
