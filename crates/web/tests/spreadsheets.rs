//! Spreadsheets as a performance officer opens them, on SQLite and
//! PostgreSQL: a risk register and an improvement plan download as Excel
//! workbooks with the page's rows, scores as numbers, each rating and
//! status in words, a frozen header and a sheet "Columns" saying what each
//! column is; a viewer outside the register's unit is refused the download
//! as the page refuses them; and the scorecard's downloads keep to the
//! indicator set the page was filtered by.

use crate::support;

use calamine::{Data, Reader};
use reqwest::StatusCode;
use stocktake::Role;
use stocktake::framework::IndicatorSetForm;
use stocktake::improvement::{ActionForm, ImprovementPlanForm, RegisterForm, RiskFile, ThemeForm};
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
MANSFIELD,Mansfield District Council,district,EM
NEWARK,Newark and Sherwood District Council,district,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,percentage,higher_is_better,year,%,1
NI 191,Residual household waste per household,count,lower_is_better,year,kg,0
";

const VALUES: &str = "indicator,org_unit,period,value,note
NI 192,MANSFIELD,2024/25,38.4,
NI 191,MANSFIELD,2024/25,612,
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
NI 192,MANSFIELD,2024/25,45,5
NI 191,MANSFIELD,2024/25,650,0
";

const RISKS: &str = "code,title,category,owners,inherent_score,solution,controls,residual_score,risk_indicators,next_review,indicators
1,Failure to agree regional governance arrangements,Governance,EMRIEP + LAs,9,Resolve by negotiation,LGA intervention/consultation,3,Report to the EMRIEP Steering Group,2020-01-31,
2,Local authority buy in not achieved,Engagement,EMRIEP + LAs,8,Consultation,Consultation,6,Report to the EMRIEP Steering Group,2099-01-31,NI 192
";

const OFFICER: &str = "officer@mansfield.example";
/// A viewer whose scope is another district.
const OUTSIDER: &str = "viewer@newark.example";

/// A workbook's sheets by name, each as rows of cells.
fn workbook(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("an Excel workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("the sheet reads");
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// The cell of a named column in a row whose first cells match.
fn cell<'a>(rows: &'a [Vec<Data>], column: &str, row: impl Fn(&[Data]) -> bool) -> &'a Data {
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    let c = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    let found = rows[1..]
        .iter()
        .find(|r| row(r))
        .unwrap_or_else(|| panic!("no such row for {column}"));
    &found[c]
}

/// The Columns sheet as (name, meaning) pairs.
fn meanings(sheet: &[Vec<Data>]) -> Vec<(String, String)> {
    assert_eq!(sheet[0][0], "column");
    assert_eq!(sheet[0][1], "what it is");
    sheet[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

async fn fetch(client: &reqwest::Client, base: &str, path: &str) -> reqwest::Response {
    client.get(format!("{base}{path}")).send().await.unwrap()
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
            (FileKind::Targets, TARGETS),
        ],
    )
    .await;
    let app = &served.app;
    let base = &served.base;
    let system = support::tester();
    support::add_account(
        app,
        OFFICER,
        Role::PerformanceOfficer,
        &["unit:MANSFIELD"],
        &[],
    )
    .await;
    support::add_account(app, OUTSIDER, Role::Viewer, &["unit:NEWARK"], &[]).await;

    app.save_risk_register(
        &system,
        &RegisterForm {
            code: "MDC".into(),
            name: "Mansfield corporate risk register".into(),
            unit: "MANSFIELD".into(),
            matrix: None,
            description: String::new(),
        },
    )
    .await
    .unwrap();
    app.import_risk_file(
        &system,
        "MDC",
        RiskFile::Risks,
        "risks.csv",
        RISKS.as_bytes(),
    )
    .await
    .unwrap();

    app.save_improvement_plan(
        &system,
        &ImprovementPlanForm {
            code: "MDC-2025".into(),
            title: "Waste improvement plan".into(),
            unit: "MANSFIELD".into(),
            year: "2025/26".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    app.save_plan_theme(
        &system,
        "MDC-2025",
        &ThemeForm {
            reference: "1".into(),
            title: "Recycling".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (reference, action, due, status) in [
        (
            "1.1",
            "Weekly food waste collection",
            "2020-03-31",
            "in_progress",
        ),
        (
            "1.2",
            "Recycling banks at every school",
            "2099-03-31",
            "complete",
        ),
    ] {
        app.save_plan_action(
            &system,
            "MDC-2025",
            None,
            &ActionForm {
                theme: "1".into(),
                reference: reference.into(),
                action: action.into(),
                lead: "Head of Environment".into(),
                due_on: Some(due.into()),
                status: Some(status.into()),
                indicators: vec!["NI 192".into()],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("[{name}] {reference}: {e}"));
    }
    app.save_indicator_set(
        &system,
        &IndicatorSetForm {
            code: "WASTE".into(),
            name: "Waste indicators".into(),
            indicators: vec!["NI 191".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let (officer, _) = support::sign_in(base, OFFICER).await;

    // The register's page offers both downloads.
    let page = fetch(&officer, base, "/risks/MDC")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "href=\"/export/risks/MDC/risks.xlsx\" download>Download the register (XLSX)</a>"
        ),
        "[{name}] {page}"
    );
    assert!(page.contains("Download the risks (CSV)"), "[{name}]");
    let response = fetch(&officer, base, "/export/risks/MDC/risks.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK, "[{name}]");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"mdc-risks.xlsx\""
    );
    let book = workbook(&response.bytes().await.unwrap());
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Risks", "Columns"], "[{name}]");
    let risks = &book[0].1;
    assert_eq!(
        risks[0][..4],
        [
            Data::String("register".into()),
            Data::String("code".into()),
            Data::String("title".into()),
            Data::String("category".into())
        ]
    );
    // Highest residual score first, as the page lists them.
    assert_eq!(risks[1][1], "2", "[{name}]");
    let first = |r: &[Data]| r[1] == "1";
    assert_eq!(*cell(risks, "inherent_score", first), Data::Float(9.0));
    assert_eq!(*cell(risks, "residual_score", first), Data::Float(3.0));
    assert_eq!(*cell(risks, "inherent_likelihood", first), Data::Float(3.0));
    assert_eq!(cell(risks, "owners", first).to_string(), "EMRIEP + LAs");
    assert_eq!(cell(risks, "review", first).to_string(), "Overdue");
    assert_eq!(cell(risks, "status", first).to_string(), "Open");
    let rating = cell(risks, "residual_rating", first).to_string();
    assert!(
        ["Low", "Medium", "High", "Severe"].contains(&rating.as_str()),
        "[{name}] a rating in words, not {rating:?}"
    );
    assert_eq!(
        cell(risks, "review", |r| r[1] == "2").to_string(),
        "Due",
        "[{name}]"
    );
    let columns = meanings(&book[1].1);
    assert_eq!(
        columns.len(),
        risks[0].len(),
        "[{name}] every column explained"
    );
    assert!(
        columns
            .iter()
            .any(|(c, m)| c == "residual_rating" && m.contains("Low, Medium, High or Severe"))
    );

    // The plan's page offers both downloads; the workbook has its actions.
    let page = fetch(&officer, base, "/plans/MDC-2025")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/export/plans/MDC-2025-actions.xlsx\" download>Download the action points (XLSX)</a>"),
        "[{name}] {page}"
    );
    let response = fetch(&officer, base, "/export/plans/MDC-2025-actions.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK, "[{name}]");
    let book = workbook(&response.bytes().await.unwrap());
    assert_eq!(book[0].0, "Action points");
    assert_eq!(book[1].0, "Columns");
    let actions = &book[0].1;
    assert_eq!(actions[0][0], "plan");
    let food = |r: &[Data]| r[3] == "1.1";
    assert_eq!(
        cell(actions, "status_label", food).to_string(),
        "In progress (overdue)",
        "[{name}]"
    );
    assert_eq!(cell(actions, "overdue", food).to_string(), "yes");
    assert_eq!(cell(actions, "due_on", food).to_string(), "2020-03-31");
    assert_eq!(cell(actions, "indicators", food).to_string(), "NI 192");
    assert_eq!(*cell(actions, "updates", food), Data::Float(0.0));
    let banks = |r: &[Data]| r[3] == "1.2";
    assert_eq!(cell(actions, "overdue", banks).to_string(), "no");
    assert!(
        !cell(actions, "status_label", banks)
            .to_string()
            .contains("overdue")
    );
    assert_eq!(meanings(&book[1].1).len(), actions[0].len());

    // A viewer of another district is refused the downloads as the pages.
    let (outsider, _) = support::sign_in(base, OUTSIDER).await;
    for (page, download) in [
        ("/risks/MDC", "/export/risks/MDC/risks.xlsx"),
        ("/plans/MDC-2025", "/export/plans/MDC-2025-actions.xlsx"),
    ] {
        let refused = fetch(&outsider, base, page).await.status();
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&refused),
            "[{name}] {page}: {refused}"
        );
        let response = fetch(&outsider, base, download).await;
        assert_eq!(response.status(), refused, "[{name}] {download}");
        assert!(
            !response.text().await.unwrap().contains("governance"),
            "[{name}] {download}"
        );
    }
    // Signed out, nothing.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let status = fetch(&anonymous, base, "/export/risks/MDC/risks.xlsx")
        .await
        .status();
    assert!(
        status == StatusCode::SEE_OTHER || status == StatusCode::UNAUTHORIZED,
        "[{name}] {status}"
    );

    // The scorecard: status in words, and the set the page was filtered by
    // carried into its downloads.
    let card = fetch(
        &officer,
        base,
        "/scorecard/MANSFIELD?period=2024%2F25&set=WASTE",
    )
    .await
    .text()
    .await
    .unwrap();
    for href in [
        "/export/scorecard/MANSFIELD.csv?period=2024%2F25&#38;set=WASTE",
        "/export/scorecard/MANSFIELD.xlsx?period=2024%2F25&#38;set=WASTE",
    ] {
        assert!(
            card.contains(href),
            "[{name}] no {href} in the scorecard: {}",
            card.lines()
                .filter(|l| l.contains("/export/"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let csv = fetch(
        &officer,
        base,
        "/export/scorecard/MANSFIELD.csv?period=2024%2F25&set=WASTE",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(csv.contains("\nNI 191,"), "[{name}] {csv}");
    assert!(!csv.contains("\nNI 192,"), "[{name}] {csv}");
    let all = fetch(
        &officer,
        base,
        "/export/scorecard/MANSFIELD.csv?period=2024%2F25",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        all.contains("\nNI 192,") && all.contains("\nNI 191,"),
        "[{name}] {all}"
    );
    let response = fetch(
        &officer,
        base,
        "/export/scorecard/MANSFIELD.xlsx?period=2024%2F25&set=WASTE",
    )
    .await;
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"scorecard-MANSFIELD-2024-25-WASTE.xlsx\""
    );
    let book = workbook(&response.bytes().await.unwrap());
    let card = &book[0].1;
    assert_eq!(card.len(), 2, "[{name}] the header and NI 191 alone");
    let waste = |r: &[Data]| r[0] == "NI 191";
    assert_eq!(*cell(card, "value", waste), Data::Float(612.0));
    assert_eq!(cell(card, "status_label", waste).to_string(), "On target");
    assert_eq!(book[1].0, "Columns");
    // An unknown set is not found, as on the page.
    let status = fetch(
        &officer,
        base,
        "/export/scorecard/MANSFIELD.csv?period=2024%2F25&set=NOSUCH",
    )
    .await
    .status();
    assert_eq!(status, StatusCode::NOT_FOUND, "[{name}]");

    // Without a set: every indicator, the red one in words.
    let response = fetch(
        &officer,
        base,
        "/export/scorecard/MANSFIELD.xlsx?period=2024%2F25",
    )
    .await;
    let book = workbook(&response.bytes().await.unwrap());
    let recycling = |r: &[Data]| r[0] == "NI 192";
    assert_eq!(*cell(&book[0].1, "value", recycling), Data::Float(38.4));
    assert_eq!(
        cell(&book[0].1, "status_label", recycling).to_string(),
        "Off target"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_plans_and_scorecards_as_workbooks_on_both_databases() {
    for (url, name) in support::database_urls("spreadsheets") {
        walk(&url, name).await;
    }
}
