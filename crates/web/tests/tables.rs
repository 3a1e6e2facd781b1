//! Data tables, and publishing and boundaries over the API, through the
//! browser and the JSON API, on SQLite and PostgreSQL: a performance
//! officer defines a table with the form (its columns pasted as CSV),
//! imports rows by upload (a bad file answered 422 listing every line and
//! column, nothing written), downloads them and publishes the table, which
//! the public then reads at /open/tables; a viewer reads but is refused the
//! forms; an officer outside the owner unit's scope never sees it. Over the
//! API: the same, with a CSV body (415 for any other), and publishing an
//! indicator and importing boundaries as GeoJSON.

use crate::support;

use reqwest::StatusCode;
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
E08000009,Trafford,district,
E05000001,Altrincham,ward,E08000009
E05000002,Bowdon,ward,E08000009
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const VALUES: &str = "indicator,org_unit,period,value
NI 192,E05000001,2024/25,4101
";

const OFFICER: &str = "officer@trafford.example";
const VIEWER: &str = "viewer@trafford.example";
const WARD_OFFICER: &str = "bowdon@trafford.example";

const COLUMNS: &str = "column,title,type,decimals,required,description
date_of_hearing,Date of hearing,date,,yes,The day the court heard the case
premises,Premises type,text,,yes,
ward,Ward,unit,,yes,
fine,Fine (£),number,2,no,
";

const ROWS: &str = "date_of_hearing,premises,ward,fine
2023-05-15,Takeaway with flat above,E05000001,\"4,000\"
21/11/2023,House in multiple occupation,E05000002,12500.50
";

async fn served(url: &str) -> support::Served {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
        ],
    )
    .await;
    let app = &served.app;
    support::add_account(app, OFFICER, Role::PerformanceOfficer, &["all"], &[]).await;
    support::add_account(app, VIEWER, Role::Viewer, &["all"], &[]).await;
    support::add_account(
        app,
        WARD_OFFICER,
        Role::PerformanceOfficer,
        &["unit:E05000002"],
        &[],
    )
    .await;
    served
}

fn upload(text: &str, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::text(text.to_owned()).file_name(name.to_owned()),
    )
}

async fn pages(url: &str, name: &str) {
    let served = served(url).await;
    let base = served.base.as_str();
    let (officer, csrf) = support::sign_in(base, OFFICER).await;

    // The form, its columns pasted as CSV lines; a bad type is named by line.
    let bad = officer
        .post(format!("{base}/data-tables"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "PROSECUTIONS-2023-24"),
            ("title", "Fire safety prosecutions 2023/24"),
            ("unit", "E08000009"),
            ("columns", "column,type\ndate_of_hearing,day\n"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{name}]");
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("Line 2, column type: &#34;day&#34; is not a type: use text, number, date, period or unit")
            || page.contains("Line 2, column type: &quot;day&quot; is not a type"),
        "[{name}] {page}"
    );
    let done = officer
        .post(format!("{base}/data-tables"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "PROSECUTIONS-2023-24"),
            ("title", "Fire safety prosecutions 2023/24"),
            (
                "description",
                "Prosecutions under the Regulatory Reform (Fire Safety) Order 2005",
            ),
            ("unit", "E08000009"),
            ("source", "Fire protection case register"),
            ("columns", COLUMNS),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "[{name}]");
    assert_eq!(
        done.headers()["location"],
        "/data-tables/PROSECUTIONS-2023-24"
    );

    // A bad upload: every problem by line and column, nothing written.
    let bad_rows = "date_of_hearing,premises,ward,fine\n31/02/2024,Shop,E05099999,1.234\n";
    let refused = officer
        .post(format!(
            "{base}/data-tables/PROSECUTIONS-2023-24/rows?csrf={csrf}"
        ))
        .multipart(upload(bad_rows, "bad.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let page = refused.text().await.unwrap();
    assert!(page.contains("bad.csv was not imported"), "[{name}] {page}");
    assert!(
        page.contains("Line 2, column date_of_hearing:"),
        "[{name}] {page}"
    );
    assert!(page.contains("Line 2, column ward:"), "[{name}] {page}");
    assert!(page.contains("Line 2, column fine:"), "[{name}] {page}");
    assert!(
        page.contains("The table has no rows yet."),
        "[{name}] nothing written"
    );

    let imported = officer
        .post(format!(
            "{base}/data-tables/PROSECUTIONS-2023-24/rows?csrf={csrf}"
        ))
        .multipart(upload(ROWS, "prosecutions.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), StatusCode::OK, "[{name}]");
    let page = imported.text().await.unwrap();
    assert!(
        page.contains("2 rows imported from prosecutions.csv"),
        "[{name}] {page}"
    );
    assert!(
        page.contains("<td>Takeaway with flat above</td><td>Altrincham</td><td class=\"numeric\">4,000.00</td>"),
        "[{name}] {page}"
    );
    assert!(page.contains("Not published"), "[{name}]");

    // The download is the file an import reads back.
    let csv = officer
        .get(format!("{base}/data-tables/PROSECUTIONS-2023-24/rows.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv,
        "date_of_hearing,premises,ward,fine\n2023-05-15,Takeaway with flat above,E05000001,4000\n2023-11-21,House in multiple occupation,E05000002,12500.5\n"
    );

    // Not yet public.
    let hidden = reqwest::get(format!("{base}/open/tables/PROSECUTIONS-2023-24"))
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND, "[{name}]");

    // A viewer reads it, but is given no forms and refused them.
    let (viewer, viewer_csrf) = support::sign_in(base, VIEWER).await;
    let page = viewer
        .get(format!("{base}/data-tables/PROSECUTIONS-2023-24"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("House in multiple occupation"), "[{name}]");
    assert!(!page.contains("Import the rows") && !page.contains("Publish on the open-data portal"));
    let refused = viewer
        .post(format!("{base}/data-tables/PROSECUTIONS-2023-24/publish"))
        .form(&[("csrf", viewer_csrf.as_str()), ("publish", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");

    // An officer whose scope is one ward does not see Trafford's table.
    let (ward, _) = support::sign_in(base, WARD_OFFICER).await;
    let list = ward
        .get(format!("{base}/data-tables"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Fire safety prosecutions"), "[{name}]");
    let hidden = ward
        .get(format!("{base}/data-tables/PROSECUTIONS-2023-24"))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND, "[{name}]");

    // Published: on the portal's front page, its own page and downloads.
    let done = officer
        .post(format!("{base}/data-tables/PROSECUTIONS-2023-24/publish"))
        .form(&[("csrf", csrf.as_str()), ("publish", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "[{name}]");
    let page = officer
        .get(format!("{base}/data-tables/PROSECUTIONS-2023-24"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("<strong>Published</strong> by {OFFICER}")),
        "[{name}] {page}"
    );
    let front = reqwest::get(format!("{base}/open?q=prosecutions"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(front.contains("1 data table match"), "[{name}] {front}");
    assert!(
        front.contains("href=\"/open/tables/PROSECUTIONS-2023-24\""),
        "[{name}]"
    );
    let public = reqwest::get(format!("{base}/open/tables/PROSECUTIONS-2023-24"))
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK, "[{name}]");
    let public = public.text().await.unwrap();
    assert!(public.contains("<caption id=\"open-table-caption\">Fire safety prosecutions 2023/24: 2 rows. Published under the Open Government Licence v3.0"), "[{name}] {public}");
    assert!(
        public.contains("<td class=\"numeric\">12,500.50</td>"),
        "[{name}]"
    );
    let json: serde_json::Value =
        reqwest::get(format!("{base}/open/tables/PROSECUTIONS-2023-24.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(json["rows"][0]["fine"], 4000.0);
    assert_eq!(json["columns"][0]["title"], "Date of hearing");
}

#[tokio::test]
async fn an_officer_defines_imports_and_publishes_a_data_table_through_the_pages() {
    for (url, name) in support::database_urls("tables_pages") {
        pages(&url, name).await;
    }
}

async fn api(url: &str, name: &str) {
    let served = served(url).await;
    let base = served.base.as_str();
    let officer = support::token(&served.app, OFFICER, false).await;
    let viewer = support::token(&served.app, VIEWER, false).await;
    let client = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, token: &str| {
        client
            .request(method, format!("{base}{path}"))
            .bearer_auth(token)
    };
    let form = serde_json::json!({
        "code": "PROSECUTIONS-2023-24", "title": "Fire safety prosecutions 2023/24", "unit": "E08000009",
        "columns": [
            {"name": "date_of_hearing", "title": "Date of hearing", "type": "date", "required": true},
            {"name": "premises", "title": "Premises type", "type": "text", "required": true},
            {"name": "ward", "title": "Ward", "type": "unit", "required": true},
            {"name": "fine", "title": "Fine (£)", "type": "number", "decimals": 2}
        ]
    });
    let refused = call(reqwest::Method::POST, "/api/v1/data-tables", &viewer)
        .json(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    let mut wrong = form.clone();
    wrong["columns"][3]["type"] = "money".into();
    let wrong = call(reqwest::Method::POST, "/api/v1/data-tables", &officer)
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{name}]");
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(body["field"], "columns[3].type");
    let defined = call(reqwest::Method::POST, "/api/v1/data-tables", &officer)
        .json(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(defined.status(), StatusCode::OK, "[{name}]");

    // Rows: CSV only; a bad file is 422 with every problem; then imported.
    let not_csv = call(
        reqwest::Method::POST,
        "/api/v1/data-tables/PROSECUTIONS-2023-24/rows",
        &officer,
    )
    .header("content-type", "application/json")
    .body(ROWS)
    .send()
    .await
    .unwrap();
    assert_eq!(
        not_csv.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "[{name}]"
    );
    let bad = call(
        reqwest::Method::POST,
        "/api/v1/data-tables/PROSECUTIONS-2023-24/rows",
        &officer,
    )
    .header("content-type", "text/csv")
    .body("date_of_hearing,premises,ward,fine\n2023-05-15,,E05000001,1\n")
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{name}]");
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["errors"][0]["line"], 2);
    assert_eq!(body["errors"][0]["column"], "premises");
    let done = call(
        reqwest::Method::POST,
        "/api/v1/data-tables/PROSECUTIONS-2023-24/rows",
        &officer,
    )
    .header("content-type", "text/csv; charset=utf-8")
    .body(ROWS)
    .send()
    .await
    .unwrap();
    assert_eq!(done.status(), StatusCode::OK, "[{name}]");
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["rows"], 2);

    let csv = call(
        reqwest::Method::GET,
        "/api/v1/data-tables/PROSECUTIONS-2023-24/rows",
        &viewer,
    )
    .send()
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        csv.contains("2023-11-21,House in multiple occupation,E05000002,12500.5"),
        "[{name}] {csv}"
    );

    let published = call(
        reqwest::Method::POST,
        "/api/v1/data-tables/PROSECUTIONS-2023-24/publication",
        &officer,
    )
    .json(&serde_json::json!({"published": true}))
    .send()
    .await
    .unwrap();
    assert_eq!(published.status(), StatusCode::OK, "[{name}]");
    let body: serde_json::Value = published.json().await.unwrap();
    assert_eq!(body["published"], true);
    assert_eq!(body["published_by"], OFFICER);
    let list: serde_json::Value = call(reqwest::Method::GET, "/api/v1/data-tables", &viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["tables"][0]["row_count"], 2);
    assert_eq!(list["tables"][0]["editable"], false);
    let refused = call(
        reqwest::Method::DELETE,
        "/api/v1/data-tables/PROSECUTIONS-2023-24",
        &viewer,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    let open = reqwest::get(format!("{base}/open/tables/PROSECUTIONS-2023-24.csv"))
        .await
        .unwrap();
    assert_eq!(open.status(), StatusCode::OK, "[{name}] published");
    let deleted = call(
        reqwest::Method::DELETE,
        "/api/v1/data-tables/PROSECUTIONS-2023-24",
        &officer,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK, "[{name}]");
    let gone = reqwest::get(format!("{base}/open/tables/PROSECUTIONS-2023-24.csv"))
        .await
        .unwrap();
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "[{name}] off the portal with it"
    );

    // Publishing an indicator, and what is published.
    let done = call(
        reqwest::Method::POST,
        "/api/v1/publication/indicators/NI%20192",
        &officer,
    )
    .json(&serde_json::json!({"published": true}))
    .send()
    .await
    .unwrap();
    assert_eq!(done.status(), StatusCode::OK, "[{name}]");
    let refused = call(
        reqwest::Method::POST,
        "/api/v1/publication/indicators/NI%20192",
        &viewer,
    )
    .json(&serde_json::json!({"published": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "[{name}]");
    let list: serde_json::Value = call(reqwest::Method::GET, "/api/v1/publication", &viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["indicators"][0]["indicator"], "NI 192");
    assert_eq!(list["indicators"][0]["published"], true);
    assert_eq!(list["indicators"][0]["published_by"], OFFICER);

    // Boundaries as a GeoJSON body: a bad one names the feature and property.
    let square = |code: &str, x: f64| {
        serde_json::json!({"type": "Feature", "properties": {"WD25CD": code},
            "geometry": {"type": "Polygon", "coordinates": [[[x, 53.4], [x + 0.01, 53.4], [x + 0.01, 53.41], [x, 53.41], [x, 53.4]]]}})
    };
    let mut nameless = square("E05000002", -2.34);
    nameless["properties"] = serde_json::json!({"NAME": "Bowdon"});
    let bad = serde_json::json!({"type": "FeatureCollection", "features": [square("E05000001", -2.35), nameless]});
    let refused = call(
        reqwest::Method::POST,
        "/api/v1/boundaries?code_property=WD25CD",
        &officer,
    )
    .header("content-type", "text/plain")
    .body(bad.to_string())
    .send()
    .await
    .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "[{name}]"
    );
    let refused = call(
        reqwest::Method::POST,
        "/api/v1/boundaries?code_property=WD25CD",
        &officer,
    )
    .header("content-type", "application/geo+json")
    .body(bad.to_string())
    .send()
    .await
    .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{name}]"
    );
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["line"], 2, "[{name}] {body}");
    assert_eq!(body["errors"][0]["column"], "WD25CD", "[{name}] {body}");
    let none: serde_json::Value = call(reqwest::Method::GET, "/api/v1/boundaries", &viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        none["units"],
        serde_json::json!([]),
        "[{name}] nothing written"
    );
    let good = serde_json::json!({"type": "FeatureCollection", "features": [square("E05000001", -2.35), square("E05000002", -2.34)]});
    let done = call(reqwest::Method::POST, "/api/v1/boundaries", &officer)
        .header("content-type", "application/geo+json")
        .body(good.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK, "[{name}]");
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["saved"], serde_json::json!(["E05000001", "E05000002"]));
    let listed: serde_json::Value = call(reqwest::Method::GET, "/api/v1/boundaries", &viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["units"],
        serde_json::json!(["E05000001", "E05000002"])
    );
}

#[tokio::test]
async fn the_api_defines_imports_publishes_and_takes_boundaries() {
    for (url, name) in support::database_urls("tables_api") {
        api(&url, name).await;
    }
}
