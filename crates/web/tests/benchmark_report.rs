//! The benchmarking report through the web, on SQLite and PostgreSQL: a
//! district against its nearest neighbours, its page and its PDF showing
//! the figures the neighbours comparison gives (the figure, the rank of N,
//! the quartile in words, the median, the best comparator), polarity
//! deciding who ranks first; the reports list and the neighbours page lead
//! to it; the API answers its JSON and PDF; and a viewer whose scope does
//! not hold the unit is refused, as the neighbours page refuses them.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::core::Period;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
REG,Test Region,region,
ASH,Ashfield,district,REG
BAS,Bassetlaw,district,REG
BRX,Broxtowe,district,REG
GED,Gedling,district,REG
MAN,Mansfield,district,REG
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI192,Household waste recycled,percentage,higher_is_better,year,%,1
FLY01,Fly-tipping incidents per thousand people,count,lower_is_better,year,incidents,1
";

const VALUES: &str = "indicator,org_unit,period,value,note
NI192,MAN,2023/24,30.6,
NI192,ASH,2023/24,40.2,
NI192,BAS,2023/24,25.1,
NI192,BRX,2023/24,35.4,
NI192,GED,2023/24,45.8,
FLY01,MAN,2023/24,10.0,
FLY01,ASH,2023/24,20.0,
FLY01,BAS,2023/24,5.0,
FLY01,BRX,2023/24,30.0,
FLY01,GED,2023/24,40.0,
";

const NEIGHBOURS: &str = "unit,neighbour,rank
MAN,ASH,1
MAN,BAS,2
MAN,BRX,3
MAN,GED,4
";

const VIEWER: &str = "viewer@ash.example";

fn text_of(html: &str) -> String {
    // Tags out, so the words read as a user reads them.
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
            (FileKind::Neighbours, NEIGHBOURS),
        ],
    )
    .await;
    let base = &served.base;
    support::add_account(&served.app, VIEWER, Role::Viewer, &["unit:ASH"], &[]).await;
    let (admin, _) = support::sign_in(base, support::ADMIN).await;

    // The use case the report reuses: its figures are the report's.
    let year: Period = "2023/24".parse().unwrap();
    let comparison = served
        .app
        .neighbour_comparison(&support::tester(), "MAN", year)
        .unwrap();
    let recycling = comparison
        .lines
        .iter()
        .find(|l| l.indicator == "NI192")
        .unwrap();
    assert_eq!(recycling.rank, Some(4), "[{name}] higher is better: fourth");
    assert_eq!(recycling.of, 5);
    let fly = comparison
        .lines
        .iter()
        .find(|l| l.indicator == "FLY01")
        .unwrap();
    assert_eq!(fly.rank, Some(2), "[{name}] lower is better: second");

    let report = served
        .app
        .benchmark_report(&support::tester(), "MAN", year)
        .unwrap();
    let r192 = report
        .lines
        .iter()
        .find(|l| l.indicator == "NI192")
        .unwrap();
    assert_eq!(r192.value, recycling.value);
    assert_eq!(r192.rank, recycling.rank);
    assert_eq!(r192.median, recycling.median);
    assert_eq!(r192.best, recycling.best);
    assert_eq!(r192.rank_text, "4 of 5");
    assert_eq!(r192.median_text, "35.4");
    assert_eq!(r192.best_text, "45.8");
    assert_eq!(r192.best_unit.as_deref(), Some("Gedling"));
    assert_eq!(r192.distance_text, "-4.8");
    let quartile_192 = stocktake::benchmark::quartile_words(recycling.quartile).0;
    assert_eq!(r192.quartile_words, quartile_192);
    assert_ne!(quartile_192, "Best quarter", "[{name}] fourth of five");
    let rfly = report
        .lines
        .iter()
        .find(|l| l.indicator == "FLY01")
        .unwrap();
    assert_eq!(rfly.rank_text, "2 of 5");
    assert_eq!(rfly.best_text, "5.0");
    assert_eq!(rfly.best_unit.as_deref(), Some("Bassetlaw"));
    let quartile_fly = stocktake::benchmark::quartile_words(fly.quartile).0;
    // The summary counts each indicator in its quartile, all five rows.
    let counted: usize = report.tallies.iter().map(|t| t.count).sum();
    assert_eq!(counted, 2);
    assert_eq!(
        report.best_placed.first().map(String::as_str),
        Some("FLY01 Fly-tipping incidents per thousand people")
    );
    assert_eq!(
        report.worst_placed.first().map(String::as_str),
        Some("NI192 Household waste recycled")
    );
    // Each comparator's bar for the chart, the unit picked out.
    assert_eq!(r192.comparators.len(), 5);
    assert!(r192.comparators.iter().any(|c| c.picked && c.code == "MAN"));
    assert_eq!(r192.comparators[0].name, "Gedling");

    // The reports list offers it, and its read form leads to the page.
    let list = admin
        .get(format!("{base}/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("Benchmarking report"),
        "[{name}] on the reports list"
    );
    let read = admin
        .get(format!(
            "{base}/reports/read?unit=MAN&period=2023%2F24&kind=benchmark"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        read.headers()["location"].to_str().unwrap(),
        "/units/MAN/reports/benchmark?period=2023%2F24"
    );

    // The neighbours page links to it.
    let neighbours = admin
        .get(format!("{base}/units/MAN/neighbours?period=2023%2F24"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        neighbours.contains("Benchmarking report (PDF)"),
        "[{name}] linked from the neighbours page"
    );
    assert!(neighbours.contains("/units/MAN/reports/benchmark/pdf?period=2023%2F24"));

    // So does the benchmark page with the district picked.
    let bench = admin
        .get(format!(
            "{base}/benchmark?indicator=NI192&unit=MAN&period=2023%2F24"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        bench.contains("Benchmarking report (PDF)")
            && bench.contains("/units/MAN/reports/benchmark/pdf?period=2023%2F24"),
        "[{name}] linked from the benchmark page"
    );

    // The page.
    let page = admin
        .get(format!(
            "{base}/units/MAN/reports/benchmark?period=2023%2F24"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "[{name}]");
    let page = text_of(&page.text().await.unwrap());
    for words in [
        "Benchmarking report: 2023/24",
        "nearest neighbours and Mansfield itself",
        "2 indicators of Mansfield compared with 4 neighbours for 2023/24",
        "NI192 Household waste recycled",
        "30.6 4 of 5",
        "35.4 -4.8",
        "45.8 Gedling",
        "2 of 5",
        "5.0 Bassetlaw",
        "higher is better",
        "lower is better",
        "Mansfield (this report's unit)",
    ] {
        assert!(
            page.contains(words),
            "[{name}] {words:?} not on the page:\n{page}"
        );
    }
    assert!(
        page.contains(&format!("4 of 5 {quartile_192}")),
        "[{name}] quartile in words"
    );
    assert!(
        page.contains(&format!("2 of 5 {quartile_fly}")),
        "[{name}] quartile in words"
    );

    // The PDF.
    let response = admin
        .get(format!(
            "{base}/units/MAN/reports/benchmark/pdf?period=2023%2F24"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "[{name}]");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = support::pdf_text(&pdf) {
        for words in [
            "Benchmarking report",
            "Mansfield",
            "Household waste recycled",
            "30.6",
            "4 of 5",
            "35.4",
            "45.8",
            "Gedling",
            quartile_192,
            "Page 1 of",
        ] {
            assert!(text.contains(words), "[{name}] {words:?} not in the PDF");
        }
    }

    // The API: JSON and PDF.
    let token = support::token(&served.app, support::ADMIN, true).await;
    let api = reqwest::Client::new();
    let json: serde_json::Value = api
        .get(format!(
            "{base}/api/v1/units/MAN/reports/benchmark?period=2023%2F24"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let line = json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["indicator"] == "NI192")
        .unwrap();
    assert_eq!(line["rank_text"], "4 of 5", "[{name}] {json}");
    assert_eq!(line["value"], 30.6);
    let pdf = api
        .get(format!(
            "{base}/api/v1/units/MAN/reports/benchmark/pdf?period=2023%2F24"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let bad = api
        .get(format!(
            "{base}/api/v1/units/MAN/reports/benchmark?period=soon"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("give a period such as"));

    // A viewer whose scope is Ashfield: Mansfield refused, as the
    // neighbours page refuses it, on the page, the PDF and the API.
    let (viewer, _) = support::sign_in(base, VIEWER).await;
    let refused_page = viewer
        .get(format!("{base}/units/MAN/neighbours?period=2023%2F24"))
        .send()
        .await
        .unwrap()
        .status();
    for path in [
        "/units/MAN/reports/benchmark?period=2023%2F24",
        "/units/MAN/reports/benchmark/pdf?period=2023%2F24",
    ] {
        let status = viewer
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, refused_page, "[{name}] {path}");
        assert_eq!(status, StatusCode::FORBIDDEN, "[{name}] {path}");
    }
    let viewer_token = support::token(&served.app, VIEWER, true).await;
    let status = api
        .get(format!(
            "{base}/api/v1/units/MAN/reports/benchmark?period=2023%2F24"
        ))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::FORBIDDEN, "[{name}]");
    // Its own unit it reads (it has no neighbours: the report says so).
    let own = viewer
        .get(format!(
            "{base}/units/ASH/reports/benchmark?period=2023%2F24"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    assert!(
        text_of(&own.text().await.unwrap())
            .contains("Ashfield has no nearest neighbours in your scope")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmarking_report_of_a_district_against_its_neighbours() {
    for (url, name) in support::database_urls("benchmark_report") {
        walk(&url, name).await;
    }
}
