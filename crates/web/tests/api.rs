//! The JSON API as a client sees it: the real router on a local port over a
//! fresh SQLite file, loaded through the ordinary CSV imports, and driven with
//! an HTTP client. The last tests walk the OpenAPI document itself, calling
//! every operation it describes and checking each answer against it.

use crate::support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use stocktake::values::FileKind;
use tempfile::TempDir;

/// A fire and rescue service: two groups of two stations each.
const ORG_UNITS: &str = "\
code,name,level,parent_code
NFRS,Nottinghamshire Fire and Rescue Service,service,
NFRS-CITY,City,group,NFRS
NFRS-NORTH,North,group,NFRS
NFRS-STOCKHILL,Stockhill,station,NFRS-CITY
NFRS-LONDON-ROAD,London Road,station,NFRS-CITY
NFRS-MANSFIELD,Mansfield,station,NFRS-NORTH
NFRS-WORKSOP,Worksop,station,NFRS-NORTH
";

const GROUPS: &str = "\
group,member,group_name
URBAN,NFRS-STOCKHILL,Urban stations
URBAN,NFRS-MANSFIELD,Urban stations
";

const INDICATORS: &str = "\
code,title,kind,polarity,frequency,unit,factor,decimals,owner,set,denominator_over_periods
FRS01,\"Primary fires per 10,000 population\",ratio,lower_is_better,month,\"per 10,000 population\",10000,2,Head of Prevention,Fire and Rescue Service,latest
FRS09,Dwelling fires attended,count,lower_is_better,month,fires,,0,Head of Prevention,Fire and Rescue Service,
";

/// March 2025 for every station, and February for one. FRS01 by station:
/// 2.8, 2.5, 4.5 and 3.0 per 10,000.
const VALUES: &str = "\
indicator,org_unit,period,value,numerator,denominator,note
FRS01,NFRS-STOCKHILL,2025-02,,16,50000,
FRS01,NFRS-STOCKHILL,2025-03,,14,50000,Fewer refuse fires
FRS01,NFRS-LONDON-ROAD,2025-03,,10,40000,
FRS01,NFRS-MANSFIELD,2025-03,,27,60000,
FRS01,NFRS-WORKSOP,2025-03,,6,20000,
FRS09,NFRS-STOCKHILL,2025-03,5,,,
FRS09,NFRS-LONDON-ROAD,2025-03,3,,,
FRS09,NFRS-MANSFIELD,2025-03,7,,,
FRS09,NFRS-WORKSOP,2025-03,2,,,
";

/// Stockhill's nearest neighbours, as the benchmark examples name them.
const NEIGHBOURS: &str = "\
unit,neighbour,rank
NFRS-STOCKHILL,NFRS-LONDON-ROAD,1
NFRS-STOCKHILL,NFRS-MANSFIELD,2
NFRS-STOCKHILL,NFRS-WORKSOP,3
";

const TARGETS: &str = "\
indicator,org_unit,period,target,tolerance
FRS01,NFRS,2025-03,3.5,5
FRS01,NFRS-NORTH,2025-03,4.0,5
FRS09,NFRS,2025-03,15,10
";

/// The server, its database and a client.
struct TestApp {
    base: String,
    client: reqwest::Client,
    app: std::sync::Arc<stocktake::Stocktake>,
    _dir: TempDir,
}

impl TestApp {
    /// A server over a fresh database holding the files above (targets
    /// ratified), and a 2025/26 target proposed and waiting for the committee.
    async fn spawn() -> TestApp {
        let served = support::serve(&[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Groups, GROUPS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
            (FileKind::Targets, TARGETS),
            (FileKind::Neighbours, NEIGHBOURS),
        ])
        .await;
        served
            .app
            .import(
                &support::tester(),
                FileKind::Targets,
                "proposed.csv",
                &b"indicator,org_unit,period,target,tolerance\nFRS01,NFRS,2025/26,2.2,5\n"[..],
                stocktake::values::ImportMode::Write,
                &|_| {},
            )
            .await
            .expect("a proposed target");
        // The committee reports the reports examples read (1), edit and move (2).
        for quarter in ["2024/25 Q3", "2024/25 Q2"] {
            served
                .app
                .start_quarterly_report(
                    &support::tester(),
                    "NFRS",
                    stocktake::reports::parse_quarter(quarter).unwrap(),
                )
                .await
                .expect("a committee report");
        }
        // The closed group the documentation's examples add members to.
        served
            .app
            .save_closed_group(
                &support::tester(),
                "CHANGE-AGENTS",
                "Regional change agents",
                "Chatham House: intelligence on authorities at risk",
            )
            .await
            .expect("a closed group");
        // The providers the support examples name.
        served
            .app
            .save_support_providers(
                &support::tester(),
                &[
                    stocktake::intelligence::ProviderForm {
                        code: "IDEA".into(),
                        name: "Improvement and Development Agency".into(),
                        kind: "change agent".into(),
                        contact: String::new(),
                        offers: vec![stocktake::intelligence::OfferForm {
                            problem_type: "CRISIS".into(),
                            offer: "A lead adviser and a recovery plan".into(),
                            capacity_days: 40.0,
                            day_rate: 0,
                            funding: "free".into(),
                        }],
                    },
                    stocktake::intelligence::ProviderForm {
                        code: "AUDIT".into(),
                        name: "Audit Commission".into(),
                        kind: "change agent".into(),
                        contact: String::new(),
                        offers: Vec::new(),
                    },
                ],
            )
            .await
            .expect("support providers");
        // The good practice entry the file examples name, with its file.
        served
            .app
            .save_good_practice(
                &support::tester(),
                &[stocktake::intelligence::GoodPractice {
                    code: "GP-FOOD-WASTE".into(),
                    kind: "case_study".into(),
                    title: "Food waste collections lift recycling".into(),
                    summary: "Weekly food waste collections raised recycling".into(),
                    unit: None,
                    link: String::new(),
                    problem_types: Vec::new(),
                    indicators: Vec::new(),
                    file: None,
                }],
            )
            .await
            .expect("a good practice entry");
        served
            .app
            .attach_practice_file(
                &support::tester(),
                "GP-FOOD-WASTE",
                "food-waste.txt",
                b"What we did, and what happened",
            )
            .await
            .expect("its file");
        improvement_fixture(&served.app).await;
        framework_fixture(&served.app).await;
        // The register, risk and goal the risk and goal examples name.
        served
            .app
            .save_risk_register(
                &support::tester(),
                &stocktake::improvement::RegisterForm {
                    code: "EMRIEP".into(),
                    name: "EMRIEP regional risk register".into(),
                    unit: "NFRS".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("a risk register");
        served
            .app
            .save_risks(
                &support::tester(),
                "EMRIEP",
                &[stocktake::improvement::RiskForm {
                    code: "1".into(),
                    title: "Failure to agree regional governance arrangements".into(),
                    inherent_likelihood: Some(3),
                    inherent_impact: Some(3),
                    residual_likelihood: Some(3),
                    residual_impact: Some(1),
                    ..Default::default()
                }],
            )
            .await
            .expect("a risk");
        served
            .app
            .save_goals(
                &support::tester(),
                &[stocktake::improvement::GoalForm {
                    code: "SAFER".into(),
                    title: "Safer communities".into(),
                    ..Default::default()
                }],
            )
            .await
            .expect("a goal");
        TestApp::from(served).await
    }

    /// A client carrying the administrator's API token, as a program would.
    async fn from(served: support::Served) -> TestApp {
        let token = support::token(&served.app, support::ADMIN, false).await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("a header value"),
        );
        TestApp {
            base: served.base,
            client: reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .expect("an HTTP client"),
            app: served.app,
            _dir: served.dir,
        }
    }

    /// Imports a file through the ordinary use case, as the import page does.
    async fn import(&self, kind: FileKind, text: &str) {
        self.app
            .import_texts(&support::tester(), &[(kind, text)])
            .await
            .unwrap_or_else(|e| panic!("{kind} imports: {e}"));
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET answered");
        json_of(response).await
    }

    /// Posts JSON text exactly as written, numbers and all.
    async fn post_text(&self, path: &str, body: String) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("POST answered");
        json_of(response).await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("POST answered");
        json_of(response).await
    }
}

/// The status and JSON body of a response; panics if the body is not JSON.
async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.expect("body read");
    assert!(
        content_type.starts_with("application/json"),
        "{status} answered {content_type:?}, not JSON: {text}"
    );
    (
        status,
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{status} body is not JSON ({e}): {text}")),
    )
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn assert_close(got: &Value, want: f64) {
    let got = number(got);
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

/// The row of a rollup or scorecard whose `key` is `code`.
fn row<'a>(rows: &'a Value, key: &str, code: &str) -> &'a Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r[key] == code)
        .unwrap_or_else(|| panic!("no row for {code} in {rows}"))
}

/// One text field of every item in a JSON array, in order.
fn texts<'a>(items: &'a Value, field: &str) -> Vec<&'a str> {
    items
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| item[field].as_str().expect("a text field"))
        .collect()
}

#[tokio::test]
async fn a_ratio_rolls_up_as_summed_numerators_over_summed_denominators() {
    let app = TestApp::spawn().await;
    let (status, rollup) = app
        .get("/api/v1/rollup?indicator=FRS01&period=2025-03")
        .await;
    assert_eq!(status, StatusCode::OK, "{rollup}");
    let rows = &rollup["rows"];
    let service = row(rows, "org_unit", "NFRS");
    // 57 fires over 170,000 people: not the mean of the stations' rates (3.2).
    assert_close(&service["numerator"], 57.0);
    assert_close(&service["denominator"], 170_000.0);
    assert_close(&service["value"], 57.0 / 170_000.0 * 10_000.0);
    assert_eq!(service["source"], "rollup");
    assert_eq!(service["note"], "rolled up from 2 units below");
    let north = row(rows, "org_unit", "NFRS-NORTH");
    assert_close(&north["value"], 33.0 / 80_000.0 * 10_000.0);
    let stockhill = row(rows, "org_unit", "NFRS-STOCKHILL");
    assert_close(&stockhill["value"], 2.8);
    assert_eq!(stockhill["source"], "entered");
    let order: Vec<&str> = texts(rows, "org_unit");
    assert_eq!(order[0], "NFRS", "hierarchy order starts at the top");

    let (status, groups) = app
        .get("/api/v1/rollup?indicator=FRS01&period=2025-03&level=group")
        .await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = texts(&groups["rows"], "org_unit");
    assert_eq!(codes, ["NFRS-CITY", "NFRS-NORTH"]);
}

#[tokio::test]
async fn a_scorecard_gives_each_figure_its_target_and_status() {
    let app = TestApp::spawn().await;
    let (status, card) = app.get("/api/v1/scorecard?unit=NFRS&period=2025-03").await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["unit"]["code"], "NFRS");
    assert_eq!(card["period"], "2025-03");
    assert_eq!(card["period_label"], "Mar 2025");
    let rows = &card["rows"];
    let fires = row(rows, "indicator", "FRS01");
    assert_close(&fires["value"], 57.0 / 170_000.0 * 10_000.0);
    assert_close(&fires["target"], 3.5);
    assert_eq!(
        fires["status"], "green",
        "3.35 is within a target of 3.5 where lower is better"
    );
    assert_eq!(fires["status_label"], "On target");
    assert_eq!(fires["target_basis"], "2025-03 target");
    let dwelling = row(rows, "indicator", "FRS09");
    assert_close(&dwelling["value"], 17.0);
    assert_eq!(
        dwelling["status"], "red",
        "17 is more than 10% over a target of 15"
    );
    assert_eq!(card["counts"]["green"], 1);
    assert_eq!(card["counts"]["red"], 1);

    let (_, north) = app
        .get("/api/v1/scorecard?unit=NFRS-NORTH&period=2025-03")
        .await;
    let fires = row(&north["rows"], "indicator", "FRS01");
    assert_eq!(
        fires["status"], "amber",
        "4.13 is within 5% of a target of 4.0"
    );
}

#[tokio::test]
async fn a_saved_value_shows_in_its_parents_rollup_on_the_next_read() {
    let app = TestApp::spawn().await;
    let (_, before) = app
        .get("/api/v1/rollup?indicator=FRS09&period=2025-03")
        .await;
    assert_close(
        &row(&before["rows"], "org_unit", "NFRS-NORTH")["value"],
        9.0,
    );

    let (status, saved) = app
        .post(
            "/api/v1/values",
            &json!({"values": [{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-03", "value": 10}]}),
        )
        .await;
    // The figure was approved: changing it needs a reason.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{saved}");
    assert_eq!(
        saved["errors"][0]["message"],
        "the value of FRS09 for NFRS-WORKSOP in 2025-03 is approved, so locked: give a reason for changing an approved figure; it is kept in the audit trail"
    );
    let (status, saved) = app
        .post(
            "/api/v1/values",
            &json!({"values": [{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-03", "value": 10}], "reason": "Worksop's return missed three calls"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved, json!({"saved": 1, "statuses": ["no_target"]}));

    let (_, after) = app
        .get("/api/v1/rollup?indicator=FRS09&period=2025-03")
        .await;
    assert_close(
        &row(&after["rows"], "org_unit", "NFRS-NORTH")["value"],
        17.0,
    );
    assert_close(&row(&after["rows"], "org_unit", "NFRS")["value"], 25.0);
    let (_, card) = app.get("/api/v1/scorecard?unit=NFRS&period=2025-03").await;
    assert_close(&row(&card["rows"], "indicator", "FRS09")["value"], 25.0);
}

#[tokio::test]
async fn numbers_may_be_sent_as_json_numbers_or_as_text() {
    let app = TestApp::spawn().await;
    let (status, saved) = app
        .post(
            "/api/v1/values",
            &json!({"values": [
                // "4.50" agrees with 27 / 60,000 x 10,000 to the decimals written.
                {"indicator": "FRS01", "org_unit": "NFRS-MANSFIELD", "period": "2025-04", "value": "4.50", "numerator": "27", "denominator": 60000},
                {"indicator": "FRS09", "org_unit": "NFRS-MANSFIELD", "period": "2025-04", "value": 12.25, "note": "Two flats"},
                {"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-04", "value": null, "numerator": null},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{saved}");
    assert_eq!(saved["errors"][0]["line"], 3, "{saved}");
    assert_eq!(saved["errors"][0]["column"], "value", "{saved}");

    let (status, saved) = app
        .post(
            "/api/v1/values",
            &json!({"values": [
                {"indicator": "FRS01", "org_unit": "NFRS-MANSFIELD", "period": "2025-04", "value": "4.50", "numerator": "27", "denominator": 60000},
                {"indicator": "FRS09", "org_unit": "NFRS-MANSFIELD", "period": "2025-04", "value": 12.25, "note": "Two flats"},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["saved"], 2);
    let (_, values) = app
        .get("/api/v1/values?org_unit=NFRS-MANSFIELD&indicator=FRS09&from=2025-04")
        .await;
    assert_eq!(values["values"].as_array().unwrap().len(), 1, "{values}");
    assert_close(&values["values"][0]["value"], 12.25);
    assert_eq!(values["values"][0]["note"], "Two flats");
}

#[tokio::test]
async fn a_batch_with_bad_items_writes_nothing_and_names_each_item_and_field() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post(
            "/api/v1/values",
            &json!({"values": [
                {"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-04", "value": 4},
                {"indicator": "FRS09", "org_unit": "NFRS-NOWHERE", "period": "2025-04", "value": 4},
                {"indicator": "FRS01", "org_unit": "NFRS-WORKSOP", "period": "2025-04", "value": "3.4", "numerator": 6, "denominator": 20000},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["message"], "2 problems found; nothing was written");
    let errors = body["errors"].as_array().expect("errors listed");
    let located: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(located, [(2, "org_unit"), (3, "value")], "{body}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("NFRS-NOWHERE"),
        "{body}"
    );
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("disagrees with numerator 6 / denominator 20000"),
        "{body}"
    );

    // Item 1 was good, and still nothing was written.
    let (status, values) = app
        .get("/api/v1/values?indicator=FRS09&org_unit=NFRS-WORKSOP")
        .await;
    assert_eq!(status, StatusCode::OK);
    let periods: Vec<&str> = texts(&values["values"], "period");
    assert_eq!(periods, ["2025-03"]);
}

/// The service's target for dwelling fires in March is 15 (lower is better,
/// 10% tolerance): 30 is off target, and the API holds it to the same rule as
/// the entry form.
#[tokio::test]
async fn a_red_value_without_commentary_is_refused_naming_the_note() {
    let app = TestApp::spawn().await;
    let red = json!({"indicator": "FRS09", "org_unit": "NFRS", "period": "2025-03", "value": 30});
    let (status, body) = app.post("/api/v1/values", &json!({"values": [red]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["message"], "1 problem found; nothing was written");
    assert_eq!(
        body["errors"],
        json!([{
            "line": 1,
            "column": "note",
            "message": "FRS09 would be off target (red) for 2025-03: say why and what is being done in the commentary"
        }])
    );
    let (_, values) = app
        .get("/api/v1/values?indicator=FRS09&org_unit=NFRS")
        .await;
    assert_eq!(values["values"], json!([]), "nothing was written");

    let explained = json!({"indicator": "FRS09", "org_unit": "NFRS", "period": "2025-03", "value": 30,
        "note": "A cluster of chip-pan fires; a kitchen safety campaign starts in April"});
    let (status, body) = app
        .post("/api/v1/values", &json!({"values": [explained]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"saved": 1, "statuses": ["red"]}));
}

/// The API reads numbers by the same grammar as files, whether sent as text
/// or as JSON numbers, and refuses what would be stored wrong: a decimal
/// comma, misplaced separators, sizes out of range, a ratio too large to
/// keep, invisible characters, overlong text. Nothing is written.
#[tokio::test]
async fn loose_numbers_and_hostile_text_are_refused_item_by_item() {
    let app = TestApp::spawn().await;
    let item = |value: Value| json!({"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-04", "value": value});
    let long_note = "x".repeat(4001);
    let body = format!(
        r#"{{"values": [
            {},
            {},
            {},
            {},
            {{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-05", "value": 1e-400}},
            {{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-06", "value": 1e308}},
            {{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-07", "value": 12345678901234567890123456789}},
            {{"indicator": "FRS01", "org_unit": "NFRS-WORKSOP", "period": "2025-04", "numerator": 1000000000000000, "denominator": 0.000000001}},
            {{"indicator": "FRS09", "org_unit": "NFRS-WORK\u0000SOP", "period": "2025-08", "value": 1}},
            {{"indicator": "FRS09", "org_unit": "NFRS-WORKSOP", "period": "2025-09", "value": 1, "note": "{long_note}"}}
        ]}}"#,
        item(json!(",5")),
        item(json!("9,9")),
        item(json!("1,2,3,4")),
        item(json!("5%%")),
    );
    let (status, body) = app.post_text("/api/v1/values", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors: Vec<(u64, String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(u64, &str, &str)> = vec![
        (
            1,
            "value",
            "\",5\" has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6); write 0.5",
        ),
        (
            2,
            "value",
            "\"9,9\" has a comma where a decimal point belongs: commas separate thousands in groups of three (12,345.6); write 9.9",
        ),
        (
            3,
            "value",
            "\"1,2,3,4\" has a comma out of place: commas separate thousands, in groups of three after the first one to three digits (1,234,567); write the figure with commas only there, or with none",
        ),
        (
            4,
            "value",
            "\"5%%\" has a percent sign, but this indicator is not a percentage: write 5",
        ),
        (
            5,
            "value",
            "\"1e-400\" is too small to keep: apart from 0, the smallest number Stocktake keeps is 0.000000001; write 0 if the figure is nil, or check it",
        ),
        (
            6,
            "value",
            "\"1e308\" is too large to keep: the largest number Stocktake keeps is 1,000,000,000,000,000; check the figure",
        ),
        (
            7,
            "value",
            "\"12345678901234567890123456789\" is too large to keep: the largest number Stocktake keeps is 1,000,000,000,000,000; check the figure",
        ),
        (
            8,
            "denominator",
            "numerator 1000000000000000 / denominator 0.000000001 x 10000 gives a figure that is too large to keep: the largest number Stocktake keeps is 1,000,000,000,000,000; correct the numerator or the denominator",
        ),
        (
            9,
            "org_unit",
            "unknown organisation unit \"NFRS-WORK\\0SOP\": import it in the org-units file first",
        ),
        (
            10,
            "note",
            "note is 4001 characters long, and commentary may have at most 4000: shorten it",
        ),
    ];
    let got: Vec<(u64, &str, &str)> = errors
        .iter()
        .map(|(l, c, m)| (*l, c.as_str(), m.as_str()))
        .collect();
    assert_eq!(got, expected);
    let (_, values) = app
        .get("/api/v1/values?indicator=FRS09&org_unit=NFRS-WORKSOP")
        .await;
    assert_eq!(
        texts(&values["values"], "period"),
        ["2025-03"],
        "nothing was written"
    );
}

/// `?to=` with nothing after it is a mistake, not a request for everything;
/// a parameter an endpoint does not take is refused on every endpoint.
#[tokio::test]
async fn empty_and_unknown_parameters_are_refused_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/v1/values?indicator=FRS09&to=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body,
        json!({"message": "to is empty: give a value, or leave the parameter out", "field": "to"})
    );
    for path in [
        "/api/v1/indicators?colour=red",
        "/api/v1/indicators/FRS09?colour=red",
        "/api/v1/org-units/NFRS?colour=red",
        "/api/v1/groups?colour=red",
        "/api/v1/targets?colour=red",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("colour"),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn an_unknown_code_is_a_404_in_json_naming_the_code() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/v1/indicators/FRS99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["field"], "indicator");
    assert!(
        body["message"].as_str().unwrap().contains("\"FRS99\""),
        "{body}"
    );

    let (status, body) = app
        .get("/api/v1/scorecard?unit=NFRS-NOWHERE&period=2025-03")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["field"], "org_unit");
    assert_eq!(
        body["message"],
        "no organisation unit has the code \"NFRS-NOWHERE\": top units are NFRS"
    );

    let (status, body) = app.get("/api/v1/values?indicator=FRS99").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, body) = app.get("/api/v1/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["message"].as_str().unwrap().contains("/api/docs"),
        "{body}"
    );
}

#[tokio::test]
async fn a_bad_parameter_is_a_422_in_json_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/v1/scorecard?unit=NFRS&period=2025-13").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "period");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("month outside 01 to 12"),
        "{body}"
    );

    let (status, body) = app.get("/api/v1/rollup?indicator=FRS01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "period");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("period is missing"),
        "{body}"
    );

    let (status, body) = app
        .get("/api/v1/rollup?indicator=FRS01&period=2025-03&level=ward")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "level");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("levels are service, group, station"),
        "{body}"
    );

    for (query, field) in [
        ("indicator=FRS01&from=April", "from"),
        ("indicator=FRS01&to=2025/26 Q5", "to"),
        ("from=2025-01", "indicator"),
        ("limit=0", "limit"),
        ("limit=100001", "limit"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/values?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_read_is_a_400_in_json_saying_why() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(format!("{}/api/v1/values", app.base))
        .header("content-type", "application/json")
        .body(r#"{"values": [{"indicator": "FRS09",}]}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("the body is not valid JSON"),
        "{body}"
    );

    let (status, body) = app
        .post(
            "/api/v1/values",
            &json!({"values": [{"indicator": "FRS09", "org_unit": "NFRS", "period": "2025-03", "value": true}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("values[0].value") && message.contains("boolean"),
        "{body}"
    );

    let (status, body) = app.post("/api/v1/values", &json!({"values": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "values");

    let (status, body) = app
        .get("/api/v1/scorecard?unit=NFRS&period=2025-03&colour=red")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{body}"
    );
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_take_is_a_405_naming_those_it_takes() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .delete(format!("{}/api/v1/values", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[reqwest::header::ALLOW], "GET, POST");
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["message"], "this endpoint takes GET, POST");
    let response = app
        .client
        .post(format!("{}/api/v1/scorecard", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn reference_data_reads_back_as_imported() {
    let app = TestApp::spawn().await;
    let (_, list) = app.get("/api/v1/indicators").await;
    let codes: Vec<&str> = texts(&list["indicators"], "code");
    assert_eq!(codes, ["FRS01", "FRS09"]);
    let (_, fires) = app.get("/api/v1/indicators/FRS01").await;
    assert_eq!(fires["kind"], "ratio");
    assert_eq!(fires["factor"]["multiply"], 10000.0);
    assert_eq!(fires["denominator_over_periods"], "latest");

    let (_, stations) = app.get("/api/v1/org-units?level=station").await;
    let stations = stations["org_units"].as_array().unwrap();
    assert_eq!(stations.len(), 4);
    assert!(stations.iter().all(|s| s["depth"] == 2));
    let (_, north) = app.get("/api/v1/org-units/NFRS-NORTH").await;
    assert_eq!(north["parent_code"], "NFRS");
    assert_eq!(north["path"], json!(["NFRS", "NFRS-NORTH"]));
    assert_eq!(north["children"], json!(["NFRS-MANSFIELD", "NFRS-WORKSOP"]));

    let (_, groups) = app.get("/api/v1/groups").await;
    assert_eq!(
        groups["groups"][0]["members"],
        json!(["NFRS-MANSFIELD", "NFRS-STOCKHILL"])
    );

    let (_, proposed) = app
        .get("/api/v1/targets?org_unit=NFRS&ratified=false")
        .await;
    assert_eq!(
        proposed["targets"],
        json!([{"indicator": "FRS01", "org_unit": "NFRS", "period": "2025/26", "target": 2.2, "tolerance": 5.0,
                "ratified": false, "proposed_by": "test", "ratified_by": null, "ratified_at": null}])
    );
    let (_, targets) = app.get("/api/v1/targets?org_unit=NFRS&ratified=true").await;
    let targets = targets["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert!(
        targets
            .iter()
            .any(|t| t["indicator"] == "FRS09" && t["target"] == 15.0 && t["tolerance"] == 10.0)
    );

    let (_, values) = app
        .get("/api/v1/values?indicator=FRS01&from=2024/25&to=2024/25&limit=3")
        .await;
    assert_eq!(values["values"].as_array().unwrap().len(), 3);
    assert_eq!(values["more"], true, "5 FRS01 values fall in 2024/25");
    assert_eq!(
        values["values"][0]["org_unit"], "NFRS-LONDON-ROAD",
        "{values:#}"
    );
}

// ---- The OpenAPI document, checked against the server it describes ----

use support::assert_valid;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn every_documented_operation_answers_as_documented() {
    let app = TestApp::spawn().await;
    let (status, document) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1"
    );
    let paths = document["paths"].as_object().expect("paths");
    let mut walked = Vec::new();
    // Deletions last, so what they remove is there for every other operation.
    let mut operations: Vec<(&String, &str)> = paths
        .keys()
        .flat_map(|p| METHODS.iter().map(move |m| (p, *m)))
        .collect();
    operations.sort_by_key(|(_, m)| *m == "delete");
    for (path, method) in operations {
        let item = &paths[path.as_str()];
        {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let name = format!("{} {path}", method.to_uppercase());
            for field in ["summary", "description", "operationId"] {
                assert!(
                    operation[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{name} has no {field}"
                );
            }
            let responses = operation["responses"].as_object().expect("responses");
            // Its success: 200, or 201 where it makes something.
            let success = ["200", "201"]
                .into_iter()
                .find(|s| responses.contains_key(*s))
                .unwrap_or_else(|| panic!("{name} documents no success"));
            // A file's download answers its bytes, not JSON.
            let binary_type = ["application/octet-stream", "application/pdf"]
                .into_iter()
                .find(|t| responses[success]["content"].get(*t).is_some());
            let binary = binary_type.is_some();
            // A CSV download: its answer is the file, not JSON.
            if responses[success]["content"]["text/csv"].is_object() {
                let code_example = operation["parameters"]
                    .as_array()
                    .and_then(|ps| ps.iter().find(|p| p["name"] == "code"))
                    .and_then(|p| p["example"].as_str())
                    .unwrap_or("NFRS-CPA-2005");
                let response = app
                    .client
                    .get(format!("{}{path}", app.base).replace("{code}", code_example))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(response.status().as_str(), success, "{name}");
                let kind = response.headers()[reqwest::header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert!(kind.starts_with("text/csv"), "{name} answered {kind}");
                walked.push(name);
                continue;
            }
            let ok = &responses[success]["content"]["application/json"];
            assert!(
                binary || ok["example"].is_object(),
                "{name} has no example of its answer"
            );

            // The request, from the documented parameters and examples.
            let mut url = format!("{}{path}", app.base);
            let mut query = Vec::new();
            for parameter in operation["parameters"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let pname = parameter["name"].as_str().unwrap();
                let example = &parameter["example"];
                assert!(
                    !example.is_null(),
                    "{name}: parameter {pname} has no example"
                );
                let text = match example {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_valid(
                    &document,
                    &parameter["schema"],
                    example,
                    &format!("{name}: example of {pname}"),
                );
                match parameter["in"].as_str().unwrap() {
                    "path" => url = url.replace(&format!("{{{pname}}}"), &text),
                    "query" => query.push((pname.to_owned(), text)),
                    other => panic!(
                        "{name}: parameter {pname} is in {other}, which this walk does not send"
                    ),
                }
            }
            let mut request = app
                .client
                .request(method.to_uppercase().parse().unwrap(), &url)
                .query(&query);
            if let Some(file) = operation
                .get("requestBody")
                .and_then(|b| b["content"].get("application/octet-stream"))
            {
                // A file sent as itself: the example is its text.
                let example = file["example"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name} has no example file"));
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(example.to_owned());
            } else if let Some(csv) = operation
                .get("requestBody")
                .and_then(|b| b["content"].get("text/csv"))
            {
                // A CSV file sent as itself: the example is its text.
                let example = csv["example"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name} has no example CSV"));
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "text/csv")
                    .body(example.to_owned());
            } else if let Some(body) = operation.get("requestBody") {
                let content = &body["content"]["application/json"];
                let example = &content["example"];
                assert!(!example.is_null(), "{name} has no example request body");
                assert_valid(
                    &document,
                    &content["schema"],
                    example,
                    &format!("{name}: request example"),
                );
                request = request.json(example);
            }

            // Every documented example matches its schema.
            for (status, response) in responses {
                if let Some(content) = response["content"]["application/json"].as_object()
                    && let Some(example) = content.get("example")
                {
                    assert_valid(
                        &document,
                        &content["schema"],
                        example,
                        &format!("{name}: example of {status}"),
                    );
                }
            }

            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            if binary {
                assert_eq!(response.status().as_str(), success, "{name}");
                assert_eq!(
                    response.headers()[reqwest::header::CONTENT_TYPE],
                    binary_type.unwrap_or_default(),
                    "{name}"
                );
                let bytes = response.bytes().await.unwrap();
                assert!(!bytes.is_empty(), "{name} answered no bytes");
                walked.push(name);
                continue;
            }
            let (status, body) = json_of(response).await;
            let documented = &responses[status.as_str()];
            assert!(
                documented.is_object(),
                "{name} answered {status}, which is not documented: {body}"
            );
            assert_eq!(status.as_str(), success, "{name} with its examples: {body}");
            assert_valid(&document, &ok["schema"], &body, &format!("{name}: answer"));
            walked.push(name);
        }
    }

    assert_eq!(walked.len(), 166, "every operation walked: {walked:?}");
}

#[tokio::test]
async fn documented_errors_answer_with_the_error_schema() {
    let app = TestApp::spawn().await;
    let (_, document) = app.get("/api/openapi.json").await;
    let cases = [
        (
            "get",
            "/api/v1/indicators/{code}",
            "/api/v1/indicators/FRS99",
            None,
            "404",
        ),
        (
            "get",
            "/api/v1/org-units/{code}",
            "/api/v1/org-units/NFRS-NOWHERE",
            None,
            "404",
        ),
        (
            "get",
            "/api/v1/org-units",
            "/api/v1/org-units?level=ward",
            None,
            "422",
        ),
        (
            "get",
            "/api/v1/org-units",
            "/api/v1/org-units?depth=1",
            None,
            "400",
        ),
        (
            "get",
            "/api/v1/values",
            "/api/v1/values?org_unit=NFRS-NOWHERE",
            None,
            "404",
        ),
        (
            "get",
            "/api/v1/values",
            "/api/v1/values?limit=many",
            None,
            "422",
        ),
        (
            "get",
            "/api/v1/targets",
            "/api/v1/targets?indicator=FRS99",
            None,
            "404",
        ),
        (
            "get",
            "/api/v1/scorecard",
            "/api/v1/scorecard?unit=NFRS",
            None,
            "422",
        ),
        (
            "get",
            "/api/v1/rollup",
            "/api/v1/rollup?indicator=FRS99&period=2025-03",
            None,
            "404",
        ),
        (
            "get",
            "/api/v1/rollup",
            "/api/v1/rollup?indicator=FRS01&period=2024/25 Q5",
            None,
            "422",
        ),
        (
            "post",
            "/api/v1/values",
            "/api/v1/values",
            Some(json!({"values": [{"indicator": "FRS01", "org_unit": "NFRS", "period": "2025"}]})),
            "422",
        ),
        (
            "post",
            "/api/v1/values",
            "/api/v1/values",
            Some(json!({"value": []})),
            "400",
        ),
    ];
    for (method, template, url, body, expected) in cases {
        let operation = &document["paths"][template][method];
        let mut request = app.client.request(
            method.to_uppercase().parse().unwrap(),
            format!("{}{url}", app.base),
        );
        if let Some(body) = &body {
            request = request.json(body);
        }
        let (status, answer) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status.as_str(), expected, "{method} {url}: {answer}");
        let schema = &operation["responses"][expected]["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {template} does not document {expected}"
        );
        assert_valid(&document, schema, &answer, &format!("{method} {url}"));
    }
}

#[tokio::test]
async fn the_api_docs_page_loads_everything_from_this_server() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page_url = response.url().clone();
    assert!(
        response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "the docs are an HTML page"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let assets = attribute_values(&html, &["src=\"", "href=\""]);
    assert!(
        !assets.is_empty(),
        "the page loads its scripts and styles: {html}"
    );
    for asset in assets {
        assert!(!asset.contains("//"), "{asset} is loaded from elsewhere");
        let url = page_url.join(&asset).unwrap();
        let response = app.client.get(url.clone()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let text = response.text().await.unwrap();
        if asset.ends_with("swagger-initializer.js") {
            assert!(
                text.contains("/api/openapi.json"),
                "Swagger UI reads this server's document: {text}"
            );
            assert!(
                !text.contains("https://") && !text.contains("http://"),
                "no outside address: {text}"
            );
        }
    }
}

/// The values of attributes starting with one of `openers`, in order.
fn attribute_values(html: &str, openers: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for opener in openers {
        let mut rest = html;
        while let Some(start) = rest.find(opener) {
            let after = &rest[start + opener.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    out
}

// ---- Search, cascading a target, where indicators apply ----

#[tokio::test]
async fn search_finds_units_and_indicators_by_code_or_name_whatever_the_case() {
    let app = TestApp::spawn().await;
    let (status, found) = app.get("/api/v1/search?q=STOCK").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        found["units"][0]["unit"]["code"], "NFRS-STOCKHILL",
        "{found:#}"
    );
    assert_eq!(
        found["units"][0]["within"],
        json!(["Nottinghamshire Fire and Rescue Service", "City"])
    );
    let (_, found) = app.get("/api/v1/search?q=frs%2001").await;
    assert_eq!(
        found["indicators"][0]["code"], "FRS01",
        "a code with a space typed: {found:#}"
    );
    assert_eq!(found["indicators"][0]["applies_to"], "every unit");
    let (_, found) = app.get("/api/v1/search?q=fires%20population").await;
    assert_eq!(
        found["indicators"].as_array().unwrap().len(),
        1,
        "{found:#}"
    );
    let (status, error) = app.get("/api/v1/search?q=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "q");
}

#[tokio::test]
async fn a_cascade_is_previewed_then_saved_with_the_previews_fingerprint() {
    let app = TestApp::spawn().await;
    let body =
        json!({"indicator": "FRS09", "unit": "NFRS", "period": "2025-03", "method": "equally"});
    let (status, preview) = app.post("/api/v1/targets/cascade", &body).await;
    assert_eq!(status, StatusCode::OK, "{preview:#}");
    assert_eq!(preview["saved"], false);
    assert_eq!(preview["rule"], "parts");
    // 15 fires shared by two groups, in whole fires that add up to 15.
    let targets: Vec<f64> = preview["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["target"].as_f64().unwrap())
        .collect();
    assert_eq!(targets, [8.0, 7.0]);
    assert_eq!(preview["total"], 15.0);
    // A preview wrote nothing.
    let (_, targets) = app.get("/api/v1/targets?indicator=FRS09").await;
    assert_eq!(targets["targets"].as_array().unwrap().len(), 1);

    // A fingerprint that is not the preview's is refused; nothing is written.
    let mut stale = body.clone();
    stale["confirm"] = json!(true);
    stale["fingerprint"] = json!("0000000000000000");
    let (status, error) = app.post("/api/v1/targets/cascade", &stale).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("preview the cascade again"),
        "{error:#}"
    );

    let mut confirm = body.clone();
    confirm["confirm"] = json!(true);
    confirm["fingerprint"] = preview["fingerprint"].clone();
    let (status, saved) = app.post("/api/v1/targets/cascade", &confirm).await;
    assert_eq!(status, StatusCode::OK, "{saved:#}");
    assert_eq!(saved["saved"], true);
    let (_, targets) = app.get("/api/v1/targets?indicator=FRS09").await;
    assert_eq!(targets["targets"].as_array().unwrap().len(), 3);

    // A period without a target to cascade says so.
    let (status, error) = app
        .post(
            "/api/v1/targets/cascade",
            &json!({"indicator": "FRS09", "unit": "NFRS", "period": "2026-03"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error["message"],
        "NFRS has no FRS09 target for 2026-03 to cascade: set one first"
    );
}

#[tokio::test]
async fn a_value_for_a_unit_where_the_indicator_does_not_apply_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    app.import(
        FileKind::Applies,
        "indicator,level,under\nFRS09,station,NFRS-CITY\n",
    )
    .await;
    let (status, error) = app
        .post(
            "/api/v1/values",
            &json!({"values": [
                {"indicator": "FRS09", "org_unit": "NFRS-STOCKHILL", "period": "2025-02", "value": 4},
                {"indicator": "FRS09", "org_unit": "NFRS-MANSFIELD", "period": "2025-02", "value": 4}
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error:#}");
    let errors = error["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{error:#}");
    assert_eq!(errors[0]["line"], 2);
    assert_eq!(errors[0]["column"], "org_unit");
    assert_eq!(
        errors[0]["message"],
        "FRS09 is not collected for station NFRS-MANSFIELD (it applies to stations under NFRS-CITY): enter it for one of those units, or change where it applies"
    );
    // The North group's scorecard no longer lists it; the service's still does.
    let (_, north) = app
        .get("/api/v1/scorecard?unit=NFRS-NORTH&period=2025-03")
        .await;
    assert!(
        north["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["indicator"] != "FRS09")
    );
    let (_, service) = app.get("/api/v1/scorecard?unit=NFRS&period=2025-03").await;
    assert!(
        service["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["indicator"] == "FRS09")
    );
}

/// The plan, programme and projects the improvement examples name: action
/// points 1 and 2 of NFRS-CPA-2005, workstream 1 of LGA-JWP-2007, and
/// projects at each gate (TRACK-PROPOSED ready for scrutiny, TRACK-HFSC
/// and TRACK-CLOSE approved).
async fn improvement_fixture(app: &stocktake::Stocktake) {
    use stocktake::improvement::{
        ActionForm, ImprovementPlanForm, MilestoneForm, ObjectiveForm, ProgrammeForm,
        ProjectDecisionForm, ProjectForm, ThemeForm, WorkstreamForm,
    };
    let me = support::tester();
    app.save_improvement_plan(
        &me,
        &ImprovementPlanForm {
            code: "NFRS-CPA-2005".into(),
            title: "CPA improvement plan".into(),
            unit: "NFRS".into(),
            year: "2006/07".into(),
            ..ImprovementPlanForm::default()
        },
    )
    .await
    .expect("a plan");
    app.save_plan_theme(
        &me,
        "NFRS-CPA-2005",
        &ThemeForm {
            reference: "1".into(),
            title: "Performance management".into(),
            ..ThemeForm::default()
        },
    )
    .await
    .expect("a theme");
    for (reference, action) in [
        ("1.1", "Recruit business risk manager"),
        ("1.2", "Evaluate Performance Net"),
    ] {
        app.save_plan_action(
            &me,
            "NFRS-CPA-2005",
            None,
            &ActionForm {
                theme: "1".into(),
                reference: reference.into(),
                action: action.into(),
                indicators: vec!["FRS01".into()],
                ..ActionForm::default()
            },
        )
        .await
        .expect("an action point");
    }
    app.save_work_programme(
        &me,
        &ProgrammeForm {
            code: "LGA-JWP-2007".into(),
            title: "Joint work programme".into(),
            unit: "NFRS".into(),
            year: "2007/08".into(),
            ..ProgrammeForm::default()
        },
    )
    .await
    .expect("a programme");
    app.save_programme_objective(
        &me,
        "LGA-JWP-2007",
        &ObjectiveForm {
            reference: "1".into(),
            title: "Better performance management".into(),
        },
    )
    .await
    .expect("an objective");
    let programme = app
        .save_workstream(
            &me,
            "LGA-JWP-2007",
            &WorkstreamForm {
                objective: "1".into(),
                reference: "1.1".into(),
                title: "Performance toolkit".into(),
                kind: "product".into(),
                lead: "LGA".into(),
            },
        )
        .await
        .expect("a workstream");
    app.save_milestone(
        &me,
        programme.objectives[0].workstreams[0].id,
        None,
        &MilestoneForm {
            title: "Toolkit published".into(),
            due_on: "2007-09-30".into(),
            done_on: Some("2007-09-28".into()),
        },
    )
    .await
    .expect("a milestone");
    for code in ["TRACK-PROPOSED", "TRACK-HFSC", "TRACK-CLOSE"] {
        app.propose_project(
            &me,
            &ProjectForm {
                code: code.into(),
                title: "Home fire safety checks for over-65s".into(),
                unit: "NFRS".into(),
                health_safety: "Crews visit in pairs".into(),
                equality_impact: "Positive for older residents".into(),
                risk_analysis: "Low".into(),
                stakeholder_analysis: "Age UK, social services".into(),
                indicators: vec!["FRS01".into()],
                ..ProjectForm::default()
            },
        )
        .await
        .expect("a proposal");
        if code != "TRACK-PROPOSED" {
            app.decide_project(
                &me,
                code,
                &ProjectDecisionForm {
                    outcome: "approve".into(),
                    body: "PaCT".into(),
                    decided_on: Some("2007-07-02".into()),
                    text: "Approved: fits the IRMP".into(),
                },
            )
            .await
            .expect("a decision");
        }
    }
}

/// The indicator set, agreement, framework and assessment (id 1) the
/// framework examples name.
async fn framework_fixture(app: &stocktake::Stocktake) {
    use stocktake::framework::{
        AssessmentForm, FrameworkForm, IndicatorSetForm, KloeForm, LaaForm, LaaTargetForm,
        LevelDescriptor,
    };
    let me = support::tester();
    app.save_indicator_set(
        &me,
        &IndicatorSetForm {
            code: "NIS".into(),
            name: "National Indicator Set".into(),
            indicators: vec!["FRS01".into(), "FRS09".into()],
            ..IndicatorSetForm::default()
        },
    )
    .await
    .expect("a set");
    app.save_laa(
        &me,
        &LaaForm {
            code: "NOTTS-LAA-2008".into(),
            title: "Nottinghamshire LAA".into(),
            unit: "NFRS".into(),
            first_year: "2024/25".into(),
            national_set: "NIS".into(),
            ..LaaForm::default()
        },
    )
    .await
    .expect("an agreement");
    app.save_laa_target(
        &me,
        "NOTTS-LAA-2008",
        &LaaTargetForm {
            indicator: "FRS01".into(),
            target_1: Some("3.2".into()),
            ..LaaTargetForm::default()
        },
    )
    .await
    .expect("a designated target");
    app.save_framework(
        &me,
        &FrameworkForm {
            code: "FIRE-CPA".into(),
            name: "Fire comprehensive performance assessment".into(),
            scale: ["Poor", "Weak", "Fair", "Good", "Excellent"]
                .map(String::from)
                .to_vec(),
            description: String::new(),
            kloes: vec![KloeForm {
                reference: "PM1".into(),
                theme: "Performance management".into(),
                question: "Are business risks managed below strategic level?".into(),
                descriptors: vec![LevelDescriptor {
                    level: "Fair".into(),
                    descriptor: "Risks are managed at strategic level only.".into(),
                }],
            }],
        },
    )
    .await
    .expect("a framework");
    let a = app
        .start_assessment(
            &me,
            &AssessmentForm {
                framework: "FIRE-CPA".into(),
                unit: "NFRS".into(),
                title: "CPA self-assessment".into(),
                self_assessed_on: "2004-10-01".into(),
            },
        )
        .await
        .expect("an assessment");
    assert_eq!(a.id, 1, "the examples name assessment 1");
    // A draft the delete example removes, and a framework it deletes.
    let draft = app
        .start_assessment(
            &me,
            &AssessmentForm {
                framework: "FIRE-CPA".into(),
                unit: "NFRS".into(),
                title: "A draft to delete".into(),
                self_assessed_on: "2004-10-01".into(),
            },
        )
        .await
        .expect("a draft assessment");
    assert_eq!(draft.id, 2, "the delete example names assessment 2");
    app.save_framework(
        &me,
        &FrameworkForm {
            code: "LOCAL-STANDARD".into(),
            name: "A local standard".into(),
            scale: ["1", "2", "3", "4"].map(String::from).to_vec(),
            description: String::new(),
            kloes: vec![KloeForm {
                reference: "L1".into(),
                theme: "Leadership".into(),
                question: "Is there a shared vision?".into(),
                descriptors: Vec::new(),
            }],
        },
    )
    .await
    .expect("a framework to delete");
}
