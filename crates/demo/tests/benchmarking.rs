//! Benchmarking on the demo region, as a regional improvement team meets
//! it: the real recycling rate benchmarked and checked by hand, and the
//! regional picture naming the coasting and declining councils with the
//! evidence behind each.

use stocktake::benchmark::{
    BenchmarkRequest, ComparatorSet, PictureDetail, PictureRequest, RegionalPicture,
};
use stocktake::core::{Period, Trend};
use stocktake::{Caller, OpenOptions, Stocktake};

async fn demo() -> (std::sync::Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    stocktake_demo::load_demo(&app, &caller()).await.unwrap();
    (app, dir)
}

fn caller() -> Caller {
    Caller::system("test")
}

/// A comparator as the hand check reads it: name, figure, rank, quartile.
type Standing<'a> = (&'a str, Option<f64>, Option<u32>, Option<u8>);

/// A council's recycling evidence: its trend, each year's rate, its rank.
type Evidence = (Trend, Vec<(String, Option<f64>)>, Option<u32>);

fn year(text: &str) -> Period {
    text.parse().unwrap()
}

/// NI 192 for 2023/24 across Nottinghamshire's seven districts, DEFRA's
/// published rates, checked by hand.
///
/// Sorted, best (highest) first: Rushcliffe 47.4, Newark and Sherwood 36.0,
/// Ashfield 35.5, Broxtowe 34.9, Gedling 33.7, Mansfield 30.6, Bassetlaw
/// 27.7. Ranks run 1 to 7 (no ties).
///
/// Quartiles by type 7, from the lowest: the figures ascending are
/// x0..x6 = 27.7, 30.6, 33.7, 34.9, 35.5, 36.0, 47.4. The median is at
/// position 0.5 x 6 = 3: 34.9. The lower quartile at 0.25 x 6 = 1.5, half
/// way from x1 to x2: 30.6 + 0.5 x 3.1 = 32.15. The upper at 0.75 x 6 =
/// 4.5: 35.5 + 0.5 x 0.5 = 35.75.
///
/// Quartile 1 (the best quarter) is at or above 35.75: Rushcliffe and
/// Newark and Sherwood. Quartile 2, at or above the median 34.9: Ashfield
/// and Broxtowe (on the median, the better side). Quartile 3, at or above
/// 32.15: Gedling. Quartile 4: Mansfield and Bassetlaw.
///
/// The aggregate is the tonnes recycled over the tonnes collected, not the
/// mean of the rates (35.1): 116,078 / 331,530 = 35.0128...%, shown 35.0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_recycling_rate_of_nottinghamshires_districts_matches_a_hand_check() {
    let (app, _dir) = demo().await;
    let view = app
        .benchmark(
            &caller(),
            &BenchmarkRequest {
                indicator: "NI192".into(),
                period: year("2023/24"),
                comparators: ComparatorSet {
                    level: Some("district".into()),
                    under: Some("E10000024".into()),
                    ..ComparatorSet::default()
                },
                unit: Some("E07000174".into()),
            },
        )
        .unwrap();
    let table: Vec<Standing<'_>> = view
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.value, m.rank, m.quartile))
        .collect();
    assert_eq!(
        table,
        [
            ("Rushcliffe", Some(47.4), Some(1), Some(1)),
            ("Newark and Sherwood", Some(36.0), Some(2), Some(1)),
            ("Ashfield", Some(35.5), Some(3), Some(2)),
            ("Broxtowe", Some(34.9), Some(4), Some(2)),
            ("Gedling", Some(33.7), Some(5), Some(3)),
            ("Mansfield", Some(30.6), Some(6), Some(4)),
            ("Bassetlaw", Some(27.7), Some(7), Some(4)),
        ]
    );
    let s = &view.set;
    assert_eq!(s.count, 7);
    assert_eq!(s.median, Some(34.9));
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
    assert!(close(s.lower_quartile, 32.15), "{:?}", s.lower_quartile);
    assert!(close(s.upper_quartile, 35.75), "{:?}", s.upper_quartile);
    assert!(close(s.mean, 245.8 / 7.0), "{:?}", s.mean);
    assert_eq!((s.min, s.max), (Some(27.7), Some(47.4)));
    assert_eq!(s.aggregate_numerator, Some(116_078.0));
    assert_eq!(s.aggregate_denominator, Some(331_530.0));
    assert!(close(s.aggregate, 116_078.0 / 331_530.0 * 100.0));
    let mansfield = view.members.iter().find(|m| m.picked).unwrap();
    assert_eq!(mansfield.org_unit, "E07000174");
    assert!(close(mansfield.distance_from_median, 30.6 - 34.9));
    assert!(close(mansfield.distance_from_best, 47.4 - 30.6));
    // One of the six others is worse: a sixth, in percent.
    assert!(close(mansfield.percentile, 100.0 / 6.0));
    // The CSV a script reads carries the same, as shown.
    let mut csv = Vec::new();
    view.table().write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with(
            "org_unit,value,rank,quartile,percentile,distance_from_median,quartile_label\n\
             E07000176,47.4,1,1,100,12.5,Best quarter\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("E07000174,30.6,6,4,16.7,-4.3,Worst quarter\n"),
        "{csv}"
    );
}

fn picture_of_districts(app: &Stocktake) -> RegionalPicture {
    app.regional_picture(
        &caller(),
        &PictureRequest {
            level: Some("district".into()),
            detail: PictureDetail::Evidence,
            ..PictureRequest::new("E12000004")
        },
    )
    .unwrap()
}

/// The picture's recycling evidence for a council: each year's rate.
fn recycling(p: &RegionalPicture, name: &str) -> Evidence {
    let a = p
        .authorities
        .iter()
        .find(|a| a.unit.name == name)
        .unwrap_or_else(|| panic!("{name} is in the picture"));
    let line = a
        .lines
        .iter()
        .find(|l| l.indicator == "NI192")
        .unwrap_or_else(|| panic!("{name}'s recycling is evidence: {:#?}", a.lines));
    (
        line.trend,
        line.figures
            .iter()
            .map(|f| (f.year.to_string(), f.value))
            .collect(),
        line.rank,
    )
}

/// The demo region's districts over the three published years to 2023/24:
/// Melton and South Holland coast on recycling (no year more than the 2%
/// stable band from the one before), Mansfield and Lincoln decline (a year
/// worse beyond it and none better), each shown with its figures and rank.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_regional_picture_names_coasting_and_declining_councils_with_evidence() {
    let (app, _dir) = demo().await;
    let p = picture_of_districts(&app);
    assert_eq!(p.unit.code, "E12000004");
    assert_eq!(p.level, "district");
    assert_eq!(p.year, year("2024/25"), "the year of the latest figures");
    assert_eq!(p.authorities.len(), 29, "every East Midlands district");
    assert_eq!(p.rule.code, "WORST-QUARTILE-WORSENING");
    assert!(!p.rule.built_in, "the demo's regional team set the rule");

    // Coasting: within 2% of the year before, every year.
    let (trend, figures, _) = recycling(&p, "Melton");
    assert_eq!(trend, Trend::Coasting);
    assert_eq!(
        figures,
        [
            ("2021/22".into(), Some(43.5)),
            ("2022/23".into(), Some(42.9)),
            ("2023/24".into(), Some(43.0))
        ]
    );
    let (trend, figures, rank) = recycling(&p, "South Holland");
    assert_eq!(trend, Trend::Coasting);
    assert_eq!(figures[2], ("2023/24".into(), Some(31.4)));
    assert!(rank.is_some_and(|r| r > 20), "low in the region: {rank:?}");

    // Declining: 32.1 to 30.3 is 5.6% worse; 30.6 after it is stable.
    let (trend, figures, rank) = recycling(&p, "Mansfield");
    assert_eq!(trend, Trend::Declining);
    assert_eq!(
        figures,
        [
            ("2021/22".into(), Some(32.1)),
            ("2022/23".into(), Some(30.3)),
            ("2023/24".into(), Some(30.6))
        ]
    );
    assert_eq!(rank, Some(28), "28th of the 29 districts in 2023/24");
    let (trend, _, _) = recycling(&p, "Lincoln");
    assert_eq!(trend, Trend::Declining);

    // Every count is backed by its evidence lines, and the list is sorted
    // by concern.
    for a in &p.authorities {
        let count = |c| a.lines.iter().filter(|l| l.is(c)).count() as u32;
        use stocktake::benchmark::Concern;
        assert_eq!(count(Concern::HotSpot), a.hot_spots, "{}", a.unit.name);
        assert_eq!(count(Concern::Declining), a.declining, "{}", a.unit.name);
        assert_eq!(count(Concern::Coasting), a.coasting, "{}", a.unit.name);
    }
    let keys: Vec<(u32, u32, u32)> = p
        .authorities
        .iter()
        .map(|a| (a.hot_spots, a.declining, a.coasting))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "most concern first");
    assert!(p.coasting > 0 && p.declining > 0 && p.hot_spots > 0);
}

/// The demo's councils have nearest neighbours, and a council's page of
/// them compares it on every indicator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_council_has_nearest_neighbours_to_compare_with() {
    let (app, _dir) = demo().await;
    let rows = app.neighbour_rows(&caller(), None).unwrap();
    let councils: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(councils.len(), 35, "every district and unitary council");
    assert!(rows.iter().all(|r| (1..=8).contains(&r.rank)));
    let mansfield = app
        .neighbour_comparison(&caller(), "E07000174", year("2024/25"))
        .unwrap();
    assert_eq!(mansfield.neighbours.len(), 8);
    let recycling = mansfield
        .lines
        .iter()
        .find(|l| l.indicator == "NI192")
        .expect("recycling compared");
    assert_eq!(recycling.period, year("2023/24"), "the latest published");
    assert_eq!(recycling.of, 9, "eight neighbours and Mansfield");
    assert_eq!(recycling.value, Some(30.6));
}

/// The picture is remembered between requests (England's takes a while to
/// work out), but a saved figure shows in the very next picture: a
/// corrected recycling rate lifts Melton out of coasting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_figure_shows_in_the_next_picture() {
    let (app, _dir) = demo().await;
    let every = |app: &Stocktake| {
        app.regional_picture(
            &caller(),
            &PictureRequest {
                level: Some("district".into()),
                detail: PictureDetail::Every,
                ..PictureRequest::new("E12000004")
            },
        )
        .unwrap()
    };
    let before = every(&app);
    let (trend, figures, _) = recycling(&before, "Melton");
    assert_eq!(trend, Trend::Coasting);
    assert_eq!(figures[2], ("2023/24".into(), Some(43.0)));
    assert_eq!(every(&app), before, "asked again, unchanged");

    let corrected = stocktake::values::ValueInput {
        indicator: "NI192".into(),
        org_unit: "E07000133".into(),
        period: "2023/24".into(),
        value: None,
        numerator: Some("5000".into()),
        denominator: Some("10000".into()),
        note: Some("Corrected from the council's audited return".into()),
    };
    app.save_values(&caller(), &[corrected], Some("audited return"))
        .await
        .unwrap();
    let (trend, figures, _) = recycling(&every(&app), "Melton");
    assert_eq!(figures[2], ("2023/24".into(), Some(50.0)));
    assert_eq!(trend, Trend::Improving, "43.0 to 50.0 is better");
}
