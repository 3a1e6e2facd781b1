//! The HTML pages, driven over HTTP like a browser without JavaScript: the
//! real router on port 0 over a fresh SQLite file per test, small data
//! loaded through the ordinary importers, and assertions on what a user
//! reads on the page.

use crate::support;

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use stocktake::values::{FileKind, ImportMode, ImportOptions};
use stocktake::{OpenOptions, Stocktake};

/// A running app over its own database.
struct TestApp {
    base: String,
    /// Signed in as the administrator; follows no redirects, so
    /// Post/Redirect/Get can be checked step by step.
    client: reqwest::Client,
    /// The form token the client's forms carry.
    csrf: String,
    app: Arc<Stocktake>,
    _dir: tempfile::TempDir,
}

/// A page as a user reads it: the status, the markup and the words.
struct Page {
    status: StatusCode,
    html: String,
}

impl Page {
    /// The visible words, tags removed and spaces collapsed.
    fn text(&self) -> String {
        text_of(&self.html)
    }

    fn title(&self) -> String {
        between(&self.html, "<title>", "</title>")
            .expect("a <title>")
            .to_owned()
    }

    /// The words of the first table row that mentions `needle`.
    fn row(&self, needle: &str) -> String {
        self.html
            .split("<tr")
            .skip(1)
            .map(|r| r.split("</tr>").next().unwrap_or(""))
            .find(|r| r.contains(needle))
            .map(|r| text_of(&format!("<tr{r}")))
            .unwrap_or_else(|| panic!("no table row mentions {needle:?} in:\n{}", self.html))
    }

    fn count(&self, needle: &str) -> usize {
        self.html.matches(needle).count()
    }
}

fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
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
    let out = out
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writing targets the committee has ratified, so they judge at once.
fn ratified() -> ImportOptions {
    ImportOptions {
        mode: ImportMode::Write,
        ratify_targets: true,
        reason: None,
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
SOUTH,South District,district,FRS
ST1,Station One,station,NORTH
ST2,Station Two,station,SOUTH
";

const GROUPS: &str = "group,member,group_name
URBAN,ST1,Urban stations
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,factor,decimals,owner,description,set
FRS01,Primary fires,count,lower_is_better,month,fires,,0,Head of Prevention,Primary fires attended,Fire
FRS02,Dwelling fires confined to room of origin,ratio,higher_is_better,month,%,100,1,Head of Protection,Accidental dwelling fires confined to the room where they started,Fire
FRS03,Smoke alarms fitted,count,higher_is_better,month,alarms,,0,Head of Prevention,,Prevention
";

const TARGETS: &str = "indicator,org_unit,period,target,tolerance
FRS01,FRS,2025-01,15,10
FRS02,FRS,2025-01,84,5
FRS01,ST1,2025-01,13,0
FRS01,ST1,2025-02,10,0
";

/// April 2023 to January 2025 for both stations. In January 2025 the
/// service had 20 primary fires against a target of 15 (red), 85% of
/// dwelling fires confined (green, up from 70%), and fitted smoke alarms
/// with no target.
fn values() -> String {
    let mut csv = String::from("indicator,org_unit,period,value,numerator,denominator,note\n");
    let months = (2023 * 12 + 3)..=(2025 * 12);
    for m in months {
        let period = format!("{}-{:02}", m / 12, m % 12 + 1);
        let latest = period == "2025-01";
        let year_ago = period == "2024-01";
        let (fires1, fires2) = if latest { (12, 8) } else { (10, 5) };
        let (conf1, conf2) = if latest {
            (8, 9)
        } else if year_ago {
            (7, 7)
        } else {
            (8, 8)
        };
        csv.push_str(&format!("FRS01,ST1,{period},{fires1},,,\n"));
        csv.push_str(&format!("FRS01,ST2,{period},{fires2},,,\n"));
        csv.push_str(&format!("FRS02,ST1,{period},,{conf1},10,\n"));
        csv.push_str(&format!("FRS02,ST2,{period},,{conf2},10,\n"));
        csv.push_str(&format!("FRS03,ST1,{period},20,,,\n"));
    }
    csv
}

async fn spawn() -> TestApp {
    let values = values();
    TestApp::from(
        support::serve(&[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Groups, GROUPS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Targets, TARGETS),
            (FileKind::Values, values.as_str()),
        ])
        .await,
    )
    .await
}

impl TestApp {
    async fn from(served: support::Served) -> TestApp {
        let (client, csrf) = support::sign_in(&served.base, support::ADMIN).await;
        TestApp {
            base: served.base,
            client,
            csrf,
            app: served.app,
            _dir: served.dir,
        }
    }

    /// The raw response, for downloads and headers.
    async fn fetch(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET answered")
    }

    async fn get(&self, path: &str) -> Page {
        page(self.fetch(path).await).await
    }

    /// Posts a form as the page would: with its form token.
    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&fields)
            .send()
            .await
            .expect("POST")
    }

    async fn upload(&self, kind: &str, file_name: &str, bytes: Vec<u8>) -> Page {
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        let response = self
            .client
            .post(format!("{}/import?csrf={}", self.base, self.csrf))
            .multipart(form)
            .send()
            .await
            .expect("upload");
        page(response).await
    }

    /// Follows a 303 and returns the page it leads to.
    async fn follow(&self, response: reqwest::Response) -> Page {
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "expected a redirect (Post/Redirect/Get)"
        );
        let location = response.headers()[LOCATION]
            .to_str()
            .expect("a location")
            .to_owned();
        self.get(&location).await
    }
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status();
    let html = response.text().await.expect("a body");
    Page { status, html }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_ok() {
    let app = spawn().await;
    let page = app.get("/health").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.html, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_opens_on_the_first_top_unit_and_latest_month_with_headline_counts() {
    let app = spawn().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.title(),
        "Home: Test Fire and Rescue Service, Jan 2025 – Stocktake"
    );
    assert!(page.html.contains(r#"<html lang="en-GB">"#));
    assert_eq!(page.count("<h1"), 1, "one h1 per page");
    let text = page.text();
    assert!(
        text.contains("3 indicators for Test Fire and Rescue Service in Jan 2025"),
        "{text}"
    );
    assert!(text.contains("1 Off target"), "{text}");
    assert!(text.contains("0 Near target"), "{text}");
    assert!(text.contains("1 On target"), "{text}");
    assert!(text.contains("1 No target"), "{text}");
    // Each count leads to the scorecard filtered to it.
    assert!(
        page.html
            .contains("/scorecard/FRS?period=2025-01&#38;status=red"),
        "{}",
        page.html
    );
    // The unit chooser offers every unit, indented under its parent, with the current one chosen.
    assert!(page.html.contains(r#"<option value="FRS" selected>"#));
    assert!(page.html.contains(r#"<option value="ST1">"#));
    assert!(
        page.html
            .contains(r#"<label class="label" for="unit">Organisation unit</label>"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_lists_the_biggest_improvement_and_deterioration() {
    let app = spawn().await;
    let page = app.get("/?unit=FRS&period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    let improved = page.row("Dwelling fires confined");
    // A percentage moves in points, not in percent of itself (85.0% from 70.0% is
    // +15.0 points, not +21.4%), and carries its unit.
    assert!(
        improved.contains("85.0%")
            && improved.contains("70.0%")
            && improved.contains("+15.0 points"),
        "{improved}"
    );
    assert!(improved.contains("Improving"), "{improved}");
    let worsened = page.row("Primary fires");
    assert!(
        worsened.contains("20") && worsened.contains("15") && worsened.contains("+33.3%"),
        "{worsened}"
    );
    // The arrow says which way the figure moved (up), the word whether that is better.
    assert!(worsened.contains("↑ Worsening"), "{worsened}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_for_another_unit_and_period() {
    let app = spawn().await;
    let page = app.get("/?unit=ST1&period=2024-12").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.title(), "Home: Station One, Dec 2024 – Stocktake");
    assert!(
        page.html
            .contains(r#"<option value="2024-12" selected>Dec 2024</option>"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_shows_each_indicator_with_value_target_and_status_in_words() {
    let app = spawn().await;
    let page = app.get("/scorecard/FRS?period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.title(),
        "Scorecard: Test Fire and Rescue Service, Jan 2025 – Stocktake"
    );
    let fires = page.row("FRS01");
    // The figure judged, with its unit and what it is, then its target and
    // what that is, then the status in words: side by side.
    assert!(
        fires.starts_with("Primary fires FRS01 · fires Rolled up from 2 units below. 20 fires Jan 2025 15 2025-01 target Off target"),
        "the figure judged, the target and its basis, and the status in words: {fires}"
    );
    assert!(
        fires.contains("↑ Worsening on Jan 2024 (15)"),
        "direction against last year: {fires}"
    );
    let confined = page.row("FRS02");
    assert!(
        confined.contains("85.0") && confined.contains("On target"),
        "{confined}"
    );
    // Status is never colour alone: a shape and words go with it.
    assert!(
        page.html
            .contains(r#"<span class="status status--red"><svg"#),
        "{}",
        page.html
    );
    // A table per set, each with a caption and its headings scoped.
    assert!(page.html.contains(
        "<caption id=\"set-1-caption\" class=\"visually-hidden\">Fire: Test Fire and Rescue Service, Jan 2025</caption>"
    ));
    assert!(
        page.text()
            .contains("Prevention: Test Fire and Rescue Service, Jan 2025")
    );
    assert_eq!(page.count(r#"<th scope="row""#), 3);
    // A sparkline per row, and links to each indicator's own page.
    assert_eq!(
        page.count(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 28""#),
        3
    );
    assert!(
        page.html
            .contains(r#"href="/indicators/FRS01?unit=FRS&#38;period=2025-01""#)
    );
    // Missing figures say so in words.
    assert!(
        page.html
            .contains(r#"<span class="visually-hidden">no data</span>"#)
    );
    assert!(
        page.html
            .contains(r#"href="/export/scorecard/FRS.csv?period=2025-01""#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_filters_by_status() {
    let app = spawn().await;
    let page = app.get("/scorecard/FRS?period=2025-01&status=red").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("Showing 1 of 3 indicators: Off target only."),
        "{}",
        page.text()
    );
    assert!(page.html.contains("FRS01"));
    assert!(!page.html.contains(">Dwelling fires confined"));
    assert!(
        page.html
            .contains(r#"aria-current="true" class="filters__current">Off target (1)</a>"#)
    );

    let bad = app.get("/scorecard/FRS?period=2025-01&status=purple").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("Status \"purple\" is not one of red, amber, green"),
        "{}",
        bad.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_sorts_by_a_column_and_says_so_with_aria_sort() {
    let app = spawn().await;
    let natural = app.get("/scorecard/FRS?period=2025-01").await;
    assert!(natural.html.find("FRS01").unwrap() < natural.html.find("FRS02").unwrap());
    assert!(natural.html.contains(r#"<th scope="col" aria-sort="ascending"><a class="sort-link" href="/scorecard/FRS?period=2025-01&#38;sort=indicator&#38;dir=desc">Indicator</a></th>"#));

    let by_value = app
        .get("/scorecard/FRS?period=2025-01&sort=value&dir=desc")
        .await;
    assert_eq!(by_value.status, StatusCode::OK);
    assert!(
        by_value.html.find(">Dwelling fires confined").unwrap()
            < by_value.html.find(">Primary fires").unwrap()
    );
    assert!(by_value.html.contains(r#"aria-sort="descending" class="numeric"><a class="sort-link" href="/scorecard/FRS?period=2025-01&#38;sort=value&#38;dir=asc">Period figure</a>"#));
    let by_judged = app
        .get("/scorecard/FRS?period=2025-01&sort=judged&dir=desc")
        .await;
    assert!(by_judged.html.contains(r#"aria-sort="descending" class="numeric"><a class="sort-link" href="/scorecard/FRS?period=2025-01&#38;sort=judged&#38;dir=asc">Figure judged</a>"#));
    assert!(by_value.html.contains(r#"aria-sort="none" class="numeric"><a class="sort-link" href="/scorecard/FRS?period=2025-01&#38;sort=target&#38;dir=asc">Target</a>"#));

    let best_first = app
        .get("/scorecard/FRS?period=2025-01&sort=status&dir=desc")
        .await;
    assert!(
        best_first.html.find(">Dwelling fires confined").unwrap()
            < best_first.html.find(">Primary fires").unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_has_a_printable_layout_without_navigation() {
    let app = spawn().await;
    let screen = app.get("/scorecard/FRS?period=2025-01").await;
    assert!(screen.html.contains(r#"<nav class="header__nav""#));
    let print = app.get("/scorecard/FRS?period=2025-01&print=1").await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(!print.html.contains(r#"<nav class="header__nav""#));
    assert!(!print.html.contains("<form"));
    assert!(print.html.contains(r#"<body class="print-layout">"#));
    assert!(print.html.contains("FRS01"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_nav_item_leads_to_the_first_unit() {
    let app = spawn().await;
    let response = app.fetch("/scorecard").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/scorecard/FRS?period=2025-01"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicator_page_shows_definition_trend_periods_and_breakdown() {
    let app = spawn().await;
    let page = app.get("/indicators/FRS01?unit=FRS&period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.title(),
        "FRS01 Primary fires: Test Fire and Rescue Service, Jan 2025 – Stocktake"
    );
    let text = page.text();
    assert!(
        text.contains("Which way is better Lower is better"),
        "{text}"
    );
    assert!(text.contains("Owner Head of Prevention"), "{text}");
    assert!(text.contains("Collected Monthly"), "{text}");
    // The trend chart, with a table of the same figures.
    assert!(
        page.html
            .contains(r#"aria-labelledby="trend-title trend-desc""#)
    );
    // The month, the year to date (April to January), and the month's own target.
    let january = page.row(">Jan 2025<");
    assert!(january.starts_with("Jan 2025 20 155 15 "), "{january}");
    assert!(
        january.contains("Off target Month's figure 20 against 15"),
        "{january}"
    );
    assert!(
        page.html
            .contains(r#"<th scope="col" class="numeric">Year to date</th>"#)
    );
    assert!(
        page.html
            .contains(r#"<th scope="col" class="numeric">Target (each month)</th>"#)
    );
    // The units below, as bars that link to each unit's page for this indicator, and a table.
    assert!(
        page.html
            .contains(r#"href="/indicators/FRS01?unit=NORTH&#38;period=2025-01""#)
    );
    let north = page.row(">North District<");
    assert!(north.contains("12"), "{north}");
    assert!(text.contains("Year on year:"), "{text}");
    assert!(
        page.html
            .contains(r#"href="/export/indicators/FRS01.xlsx?unit=FRS&#38;period=2025-01""#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicator_page_of_a_ratio_shows_numerators_and_denominators() {
    let app = spawn().await;
    let page = app.get("/indicators/FRS02?unit=FRS&period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    let january = page.row(">Jan 2025<");
    assert!(
        january.starts_with("Jan 2025 85.0 80.5 17 20 84.0 On target"),
        "{january}"
    );
    assert!(page.text().contains("Factor 100"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_page_shows_its_place_children_and_groups() {
    let app = spawn().await;
    let page = app.get("/units/NORTH?period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html
            .contains(r#"<nav class="breadcrumbs" aria-label="Breadcrumb">"#)
    );
    assert!(
        page.html
            .contains(r#"<a href="/units/FRS?period=2025-01">Test Fire and Rescue Service</a>"#)
    );
    let station = page.row("Station One");
    assert!(station.contains("station"), "{station}");
    assert!(
        page.html
            .contains(r#"href="/scorecard/ST1?period=2025-01""#)
    );
    assert!(page.html.contains(r#"href="/entry/NORTH?period=2025-01""#));

    let station = app.get("/units/ST1?period=2025-01").await;
    assert!(
        station.text().contains("Urban stations"),
        "{}",
        station.text()
    );
    assert!(station.text().contains("Station One has no units below it"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_form_lists_the_indicators_due_prefilled() {
    let app = spawn().await;
    let page = app.get("/entry/ST1?period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.title(),
        "Enter data: Station One, Jan 2025 – Stocktake"
    );
    assert!(
        page.html
            .contains(r#"<input type="hidden" name="1.indicator" value="FRS01">"#)
    );
    assert!(
        page.html
            .contains(r#"id="f1-value" name="1.value" value="12""#),
        "{}",
        page.html
    );
    // A ratio is entered as its parts.
    assert!(
        page.html
            .contains(r#"id="f2-numerator" name="2.numerator" value="8""#)
    );
    assert!(
        page.html
            .contains(r#"id="f2-denominator" name="2.denominator" value="10""#)
    );
    assert!(
        page.html
            .contains(r#"<label class="label" for="f3-note">Commentary"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_refuses_a_red_value_without_commentary_and_keeps_what_was_typed() {
    let app = spawn().await;
    let response = app
        .post_form(
            "/entry/ST1?period=2025-02",
            &[
                ("1.indicator", "FRS01"),
                ("1.value", "30"),
                ("1.note", ""),
                ("2.indicator", "FRS02"),
                ("2.value", ""),
                ("2.numerator", ""),
                ("2.denominator", ""),
                ("2.note", ""),
            ],
        )
        .await;
    let page = page(response).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.title()
            .starts_with("Error: Enter data: Station One, Feb 2025")
    );
    let message = "FRS01 would be off target (red) for 2025-02: say why and what is being done in the commentary.";
    // In the summary at the top, linking to the field...
    assert!(
        page.html
            .contains(&format!(r##"<li><a href="#f1-note">{message}</a></li>"##)),
        "{}",
        page.html
    );
    // ...and beside the field, which points to it.
    assert!(page.html.contains(&format!(
        r#"<p class="error-message" id="f1-note-error"><span class="visually-hidden">Error:</span> {message}</p>"#
    )));
    assert!(
        page.html
            .contains(r#"aria-describedby="f1-note-error" aria-invalid="true""#)
    );
    // What was typed is kept.
    assert!(page.html.contains(r#"name="1.value" value="30""#));
    // Nothing was written.
    let card = app
        .app
        .scorecard(&support::tester(), "ST1", "2025-02".parse().unwrap())
        .unwrap();
    assert!(
        card.rows.iter().all(|r| r.value.is_none()),
        "{:?}",
        card.rows
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_names_the_indicator_and_field_of_a_bad_number() {
    let app = spawn().await;
    let response = app
        .post_form(
            "/entry/ST1?period=2025-02",
            &[("3.indicator", "FRS03"), ("3.value", "lots")],
        )
        .await;
    let page = page(response).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("FRS03 value: \"lots\" is not a number"),
        "{}",
        page.text()
    );
    assert!(page.html.contains(r##"href="#f3-value""##));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_saves_only_what_changed_then_redirects_to_a_confirmation() {
    let app = spawn().await;
    let response = app
        .post_form(
            "/entry/ST1?period=2025-02",
            &[
                ("1.indicator", "FRS01"),
                ("1.value", "30"),
                (
                    "1.note",
                    "Two large barn fires; arson reduction visits under way",
                ),
                ("2.indicator", "FRS02"),
                ("2.value", ""),
                ("2.numerator", "9"),
                ("2.denominator", "10"),
                ("2.note", ""),
                ("3.indicator", "FRS03"),
                ("3.value", ""),
                ("3.note", ""),
            ],
        )
        .await;
    assert_eq!(
        response.headers()[LOCATION],
        "/entry/ST1?period=2025-02&saved=2&codes=FRS01%2CFRS02"
    );
    let confirmation = app.follow(response).await;
    assert_eq!(confirmation.status, StatusCode::OK);
    assert!(
        confirmation.text().contains("2 values saved"),
        "{}",
        confirmation.text()
    );
    // The confirmation says what was saved, with each figure and its status.
    assert!(
        confirmation.text().contains("Primary fires (FRS01): 30"),
        "{}",
        confirmation.text()
    );
    assert!(
        confirmation.text().contains("(FRS02): 90.0"),
        "{}",
        confirmation.text()
    );
    assert!(
        confirmation
            .html
            .contains(r#"href="/scorecard/ST1?period=2025-02""#)
    );

    let card = app.get("/scorecard/ST1?period=2025-02").await;
    let fires = card.row("FRS01");
    assert!(
        fires.contains("30") && fires.contains("Off target"),
        "{fires}"
    );
    assert!(
        fires.contains("Two large barn fires; arson reduction visits under way"),
        "{fires}"
    );
    assert!(card.row("FRS02").contains("90.0"));

    // Sending the form again unchanged saves nothing.
    let again = app
        .post_form(
            "/entry/ST1?period=2025-02",
            &[("1.indicator", "FRS01"), ("1.value", "30")],
        )
        .await;
    assert_eq!(
        again.headers()[LOCATION],
        "/entry/ST1?period=2025-02&saved=0"
    );
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && !cell.contains('-') => {
                    sheet.write_number(r as u32, c as u16, n).map(|_| ())
                }
                _ => sheet.write_string(r as u32, c as u16, *cell).map(|_| ()),
            }
            .expect("write a cell");
        }
    }
    book.save_to_buffer().expect("a workbook")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_preview_lists_every_bad_line_and_writes_nothing() {
    let app = spawn().await;
    let file = "indicator,org_unit,period,value\nFRS01,ST1,2025-03,7\nFRS01,NOWHERE,2025-03,7\nFRS01,ST2,2025-3,x\n";
    let page = app
        .upload("values", "march.csv", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.title(), "Error: problems in march.csv – Stocktake");
    let text = page.text();
    assert!(
        text.contains("3 problems found. Nothing was written"),
        "{text}"
    );
    let unknown = page.row("NOWHERE");
    assert!(
        unknown.starts_with("3 org_unit unknown organisation unit NOWHERE"),
        "{unknown}"
    );
    let bad_number = page.row("is not a number");
    assert!(bad_number.starts_with("4 value"), "{bad_number}");
    assert!(page.row("2025-3").starts_with("4 period"));
    assert!(!page.html.contains("/import/confirm"));
    let card = app
        .app
        .scorecard(&support::tester(), "ST1", "2025-03".parse().unwrap())
        .unwrap();
    assert!(
        card.rows.iter().all(|r| r.value.is_none()),
        "the good line was not written either"
    );
}

/// Station 1's February target for primary fires is 10 (lower is better, no
/// tolerance): 14 is off target. A file giving it without commentary is
/// refused like the entry form, whether CSV or a workbook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_red_value_without_commentary_is_refused_in_a_csv_or_workbook_import() {
    let app = spawn().await;
    let csv =
        "indicator,org_unit,period,value,note\nFRS03,ST1,2025-02,20,\nFRS01,ST1,2025-02,14,\n";
    let workbook = xlsx(&[
        &["indicator", "org_unit", "period", "value", "note"],
        &["FRS03", "ST1", "2025-02", "20", ""],
        &["FRS01", "ST1", "2025-02", "14", ""],
    ]);
    for (name, bytes) in [
        ("february.csv", csv.as_bytes().to_vec()),
        ("february.xlsx", workbook),
    ] {
        let page = app.upload("values", name, bytes).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            page.text().contains("1 problem found. Nothing was written"),
            "{name}: {}",
            page.text()
        );
        assert_eq!(
            page.row("would be off target"),
            "3 note FRS01 would be off target (red) for 2025-02: say why and what is being done in the commentary",
            "{name}"
        );
    }
    let explained = "indicator,org_unit,period,value,note\nFRS01,ST1,2025-02,14,Two arson attacks on one estate\n";
    let page = app
        .upload("values", "february.csv", explained.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
}

/// Two servers on one database, as behind a load balancer: a file checked on
/// one is confirmed on the other, which writes exactly what was checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_checked_on_one_server_is_confirmed_on_another() {
    let served = support::serve(&[
        (FileKind::OrgUnits, ORG_UNITS),
        (FileKind::Indicators, INDICATORS),
    ])
    .await;
    let (other_base, other) = support::serve_another(&served).await;
    let first = TestApp::from(served).await;
    // The session is in the shared database: the same browser is signed in
    // on the second server too.
    let second = TestApp {
        base: other_base,
        client: first.client.clone(),
        csrf: first.csrf.clone(),
        app: other.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let file = "indicator,org_unit,period,value\nFRS03,ST1,2025-03,25\n";
    let preview = first
        .upload("values", "march.csv", file.as_bytes().to_vec())
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let token = between(&preview.html, r#"name="token" value=""#, "\"")
        .expect("a token")
        .to_owned();

    let response = second
        .post_form("/import/confirm", &[("token", &token)])
        .await;
    assert_eq!(
        response.headers()[LOCATION],
        "/import?imported=1&kind=values"
    );
    let card = other
        .scorecard(&support::tester(), "ST1", "2025-03".parse().unwrap())
        .unwrap();
    let alarms = card.rows.iter().find(|r| r.indicator == "FRS03").unwrap();
    assert_eq!(alarms.value, Some(25.0));
    // The upload is used up on both.
    let again = page(
        first
            .post_form("/import/confirm", &[("token", &token)])
            .await,
    )
    .await;
    assert_eq!(again.status, StatusCode::GONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_shows_a_preview_then_writes_on_confirmation() {
    let app = spawn().await;
    let file = "indicator,org_unit,period,value\nFRS01,ST1,2025-03,7\nFRS01,ST2,2025-03,4\n";
    let preview = app
        .upload("values", "march.csv", file.as_bytes().to_vec())
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(
        preview.title(),
        "Check march.csv before importing – Stocktake"
    );
    assert!(
        preview
            .text()
            .contains("march.csv has 2 values and no problems. Nothing has been written yet.")
    );
    assert!(preview.row("ST2").starts_with("3 FRS01 ST2 2025-03 4"));
    let card = app
        .app
        .scorecard(&support::tester(), "ST1", "2025-03".parse().unwrap())
        .unwrap();
    assert!(
        card.rows.iter().all(|r| r.value.is_none()),
        "a preview writes nothing"
    );

    let token = between(&preview.html, r#"name="token" value=""#, "\"")
        .expect("a token")
        .to_owned();
    let response = app.post_form("/import/confirm", &[("token", &token)]).await;
    assert_eq!(
        response.headers()[LOCATION],
        "/import?imported=2&kind=values"
    );
    let done = app.follow(response).await;
    assert!(done.text().contains("2 values imported"), "{}", done.text());

    let card = app.get("/scorecard/FRS?period=2025-03").await;
    assert!(card.row("FRS01").contains("11"), "{}", card.row("FRS01"));

    // The same token cannot import twice.
    let again = page(app.post_form("/import/confirm", &[("token", &token)]).await).await;
    assert_eq!(again.status, StatusCode::GONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reads_the_first_sheet_of_a_workbook_with_rows_as_lines() {
    let app = spawn().await;
    let good = xlsx(&[
        &["indicator", "org_unit", "period", "value"],
        &["FRS03", "ST1", "2025-03", "25"],
    ]);
    let preview = app.upload("values", "march.xlsx", good).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    assert!(preview.row("FRS03").starts_with("2 FRS03 ST1 2025-03 25"));

    let bad = xlsx(&[
        &["indicator", "org_unit", "period", "value"],
        &["FRS03", "ST1", "2025-03", "25"],
        &["FRS03", "ST9", "2025-03", "25"],
    ]);
    let problems = app.upload("values", "march.xlsx", bad).await;
    assert_eq!(problems.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problems.row("ST9").starts_with("3 org_unit"),
        "{}",
        problems.row("ST9")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_without_a_kind_or_file_says_what_to_choose() {
    let app = spawn().await;
    let form = reqwest::multipart::Form::new().text("kind", "");
    let response = app
        .client
        .post(format!("{}/import?csrf={}", app.base, app.csrf))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let page = page(response).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.html
            .contains(r##"<a href="#kind-1">Select what the file holds</a>"##)
    );
    assert!(
        page.html
            .contains(r##"<a href="#file">Select a CSV or Excel file to import</a>"##)
    );
    assert!(
        page.html
            .contains(r#"aria-describedby="file-hint file-error""#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_upload_says_so() {
    let app = spawn().await;
    let page = page(
        app.post_form("/import/confirm", &[("token", "0123456789abcdef")])
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.text().contains("This upload has expired"));
    assert!(page.text().contains("Nothing was imported"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecard_exports_as_csv_and_xlsx() {
    let app = spawn().await;
    let response = app.fetch("/export/scorecard/FRS.csv?period=2025-01").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()[CONTENT_DISPOSITION],
        "attachment; filename=\"scorecard-FRS-2025-01.csv\""
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let fires = rows
        .iter()
        .find(|r| &r[col("indicator")] == "FRS01")
        .expect("an FRS01 row");
    assert_eq!(&fires[col("value")], "20");
    assert_eq!(&fires[col("target")], "15");
    assert_eq!(&fires[col("status")], "red");
    assert_eq!(&fires[col("year_to_date_change_percent")], "3.3");
    let confined = rows
        .iter()
        .find(|r| &r[col("indicator")] == "FRS02")
        .unwrap();
    assert_eq!(&confined[col("value")], "85");
    assert_eq!(&confined[col("numerator")], "17");

    let response = app.fetch("/export/scorecard/FRS.xlsx?period=2025-01").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_DISPOSITION],
        "attachment; filename=\"scorecard-FRS-2025-01.xlsx\""
    );
    let bytes = response.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Scorecard").unwrap();
    let cells: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let fires = cells
        .iter()
        .find(|r| r[col("indicator")] == "FRS01")
        .unwrap();
    assert_eq!(fires[col("value")], calamine::Data::Float(20.0));
    assert_eq!(fires[col("status_label")].to_string(), "Off target");
}

/// Commentary a spreadsheet would run as a formula is downloaded as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_keep_formulas_from_running() {
    let app = spawn().await;
    app.app
        .import_texts(
            &support::tester(),
            &[(
                FileKind::Values,
                "indicator,org_unit,period,value,note\nFRS03,FRS,2025-02,50,\"=HYPERLINK(\"\"http://evil.example\"\")\"\n",
            )],
        )
        .await
        .unwrap();
    for path in [
        "/export/scorecard/FRS.csv?period=2025-02",
        "/export/indicators/FRS03.csv?unit=FRS&period=2025-02",
    ] {
        let text = app.fetch(path).await.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let commentary = header.iter().position(|h| h == "commentary").unwrap();
        let cells: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[commentary].to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cells,
            ["'=HYPERLINK(\"http://evil.example\")"],
            "{path}: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicator_periods_export_as_csv_and_xlsx() {
    let app = spawn().await;
    let response = app
        .fetch("/export/indicators/FRS02.csv?unit=FRS&period=2025-01")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_DISPOSITION],
        "attachment; filename=\"FRS02-FRS-2025-01.csv\""
    );
    let text = response.text().await.unwrap();
    assert!(text.starts_with("indicator,org_unit,period,value,year_to_date,numerator,denominator,target,status,status_label,note,commentary\n"));
    assert!(
        text.contains("\nFRS02,FRS,2025-01,85,80.5,17,20,84,green,On target,"),
        "{text}"
    );
    assert!(
        text.contains("\nFRS02,FRS,2024-01,70,79,14,20,,no_target,No target,"),
        "{text}"
    );

    let response = app
        .fetch("/export/indicators/FRS02.xlsx?unit=FRS&period=2025-01")
        .await;
    let bytes = response.bytes().await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Periods").unwrap();
    let january = sheet
        .rows()
        .find(|r| r[2] == "2025-01")
        .expect("a January row");
    assert_eq!(january[3], calamine::Data::Float(85.0));
    assert_eq!(sheet.rows().next().unwrap()[4], "year_to_date");
    assert_eq!(january[4], calamine::Data::Float(80.5));
}

/// Smoke alarms (FRS03, monthly, 20 a month at the service) given only an
/// annual target for 2024/25 of 180: profiled to 10 months by January that
/// is 150, against a year to date of 200.
async fn spawn_with_an_annual_target() -> TestApp {
    let app = spawn().await;
    app.app
        .import(
            &support::tester(),
            FileKind::Targets,
            "annual.csv",
            &b"indicator,org_unit,period,target,tolerance\nFRS03,FRS,2024/25,180,0\n"[..],
            ratified(),
            &|_| {},
        )
        .await
        .expect("importing an annual target");
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annual_target_is_charted_and_tabled_against_the_year_to_date() {
    let app = spawn_with_an_annual_target().await;
    let page = app.get("/indicators/FRS03?unit=FRS&period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    // The chart draws each month's own figure, never a year to date, and no
    // annual target beside a month's figure; it says why.
    assert!(
        page.html.contains(
            r#"<title id="trend-title">Smoke alarms fitted: each month&apos;s figure, Test Fire and Rescue Service, Apr 2023 to Jan 2025</title>"#
        ),
        "{}",
        page.html
    );
    let text = page.text();
    assert!(
        text.contains("The chart shows each month's own figure. Its targets are annual: the status of each month judges the year to date, from April, against the annual target profiled pro rata to the months so far, so the chart draws no target line"),
        "{text}"
    );
    assert!(
        text.contains("Latest 20 alarms in Jan 25: on target."),
        "the chart's description reads the month's figure: {text}"
    );
    assert!(!page.html.contains(r#"<path class="target""#));
    // The table gives the month and the year to date, says the target is
    // the year to date's, and explains the status in words.
    assert!(
        page.html
            .contains(r#"<th scope="col" class="numeric">Year to date</th>"#)
    );
    assert!(
        page.html
            .contains(r#"<th scope="col" class="numeric">Target (year to date)</th>"#)
    );
    let january = page.row(">Jan 2025<");
    assert!(
        january.starts_with("Jan 2025 20 200 150 On target Year to date 200 against 150, the 2024/25 annual target profiled to 10 months"),
        "{january}"
    );
    let april = page.row(">Apr 2024<");
    assert!(april.starts_with("Apr 2024 20 20 15 On target"), "{april}");
    // A year with no target has none.
    let march = page.row(">Mar 2024<");
    assert!(
        march.starts_with("Mar 2024 20 240 – no data No target"),
        "{march}"
    );

    // The download has the same year to date beside each value.
    let csv = app
        .fetch("/export/indicators/FRS03.csv?unit=FRS&period=2025-01")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\nFRS03,FRS,2025-01,20,200,,,150,green,On target,"),
        "{csv}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_and_codes_are_404_pages_that_say_which_code() {
    let app = spawn().await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.title(), "Page not found – Stocktake");
    assert!(page.text().contains("There is no page at /no/such/page"));

    let unit = app.get("/scorecard/NOWHERE?period=2025-01").await;
    assert_eq!(unit.status, StatusCode::NOT_FOUND);
    assert!(
        unit.text()
            .contains("No organisation unit has the code \"NOWHERE\": top units are FRS"),
        "{}",
        unit.text()
    );

    let indicator = app.get("/indicators/FRS99?unit=FRS").await;
    assert_eq!(indicator.status, StatusCode::NOT_FOUND);
    assert!(
        indicator
            .text()
            .contains("No indicator has the code \"FRS99\""),
        "{}",
        indicator.text()
    );

    assert_eq!(
        app.get("/units/NOWHERE").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/entry/NOWHERE").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/export/scorecard/NOWHERE.csv").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/export/scorecard/FRS.pdf").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_period_is_explained() {
    let app = spawn().await;
    let page = app.get("/scorecard/FRS?period=January").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains("write a financial year as 2024/25"),
        "{}",
        page.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stylesheet_is_served_with_a_hashed_name_for_a_year() {
    let app = spawn().await;
    let home = app.get("/").await;
    let href = between(&home.html, r#"<link rel="stylesheet" href=""#, "\"")
        .expect("a stylesheet")
        .to_owned();
    assert!(
        href.starts_with("/static/style.") && href.ends_with(".css"),
        "{href}"
    );
    let response = app
        .client
        .get(format!("{}{href}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        response.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let css = response.text().await.unwrap();
    assert!(css.contains(
        ".status--red, .count--red, .row--red { --status-colour: #d4351c; --row-colour: #d4351c; }"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_one_h1_a_skip_link_and_a_main_landmark() {
    let app = spawn().await;
    let mut titles = Vec::new();
    for path in [
        "/",
        "/scorecard/FRS?period=2025-01",
        "/scorecard/FRS?period=2025-01&print=1",
        "/indicators/FRS02?unit=NORTH&period=2025-01",
        "/units/FRS?period=2025-01",
        "/entry/ST1?period=2025-01",
        "/import",
        "/nowhere",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.count("<h1"), 1, "{path} has one h1");
        assert!(
            page.html
                .contains(r##"<a href="#main" class="skip-link">"##),
            "{path}"
        );
        assert!(page.html.contains(r#"<main id="main""#), "{path}");
        // The printable scorecard is the same page, and keeps its title.
        if !path.contains("print=1") {
            assert!(
                !titles.contains(&page.title()),
                "{path} has a title of its own"
            );
            titles.push(page.title());
        }
    }
}

/// The demo is what people try first: every kind of page of it is served.
/// (How fast is measured on the release build by bench/run.sh and written in
/// docs/benchmarks.md, not asserted here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_of_the_demo_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    let caller = support::tester();
    stocktake_demo::load_demo(&app, &caller)
        .await
        .expect("the demo loads");
    // Units and indicators are found in the data rather than named, so the
    // demo can change without this test.
    let (root, middle, leaf, indicator, period) = {
        let units = app.org_units(&caller, None).unwrap();
        let parent_of = |code: &str| {
            units
                .iter()
                .find(|u| u.code == code)
                .and_then(|u| u.parent_code.clone())
        };
        let ancestors = |code: &str| {
            std::iter::successors(parent_of(code), |p| parent_of(p.as_str())).collect::<Vec<_>>()
        };
        let below = |root: &str| {
            units
                .iter()
                .filter(|u| ancestors(u.code.as_str()).iter().any(|a| a == root))
                .count()
        };
        let root = units
            .iter()
            .filter(|u| u.parent_code.is_none())
            .max_by_key(|u| below(u.code.as_str()))
            .unwrap()
            .code
            .to_string();
        let middle = app.org_unit(&caller, &root).unwrap().children[0].to_string();
        let leaf = units
            .iter()
            .find(|u| {
                ancestors(u.code.as_str())
                    .iter()
                    .any(|a| *a == root.as_str())
                    && !units
                        .iter()
                        .any(|c| c.parent_code.as_ref() == Some(&u.code))
            })
            .unwrap()
            .code
            .to_string();
        let period = app
            .latest_period_of(&caller, stocktake::core::Frequency::Month)
            .unwrap();
        (
            root,
            middle,
            leaf,
            app.indicators(&caller).unwrap()[0].code.to_string(),
            period.unwrap().to_string(),
        )
    };
    let served = support::serve_app(app, dir).await;
    let base = served.base;
    let admin = &stocktake_demo::SIGN_INS[0];
    let (client, _) = support::sign_in_with(&base, admin.email, admin.password).await;
    let q = |s: &str| s.replace('/', "%2F").replace(' ', "%20");
    let p = q(&period);
    for path in [
        format!("/?unit={root}&period={p}"),
        format!("/scorecard/{root}?period={p}"),
        format!("/scorecard/{root}?period={p}&sort=status&dir=desc"),
        format!("/indicators/{indicator}?unit={root}&period={p}"),
        format!("/units/{root}?period={p}"),
        format!("/units/{middle}?period={p}"),
        format!("/entry/{leaf}?period={p}"),
        format!("/export/scorecard/{root}.xlsx?period={p}"),
        format!("/export/indicators/{indicator}.csv?unit={root}&period={p}"),
    ] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            !response.bytes().await.unwrap().is_empty(),
            "{path} is empty"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_and_annual_targets_together_say_which_each_period_has() {
    let app = spawn().await;
    // Primary fires: an annual target for 2023/24 beside January 2025's own.
    app.app
        .import(
            &support::tester(),
            FileKind::Targets,
            "annual.csv",
            &b"indicator,org_unit,period,target,tolerance\nFRS01,FRS,2023/24,200,0\n"[..],
            ratified(),
            &|_| {},
        )
        .await
        .expect("importing an annual target");
    let page = app.get("/indicators/FRS01?unit=FRS&period=2025-01").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("The chart shows each month's figure and only the targets set for a month."),
        "{text}"
    );
    // Each month's figure is charted; the annual target is not drawn beside it.
    assert!(
        page.html
            .contains("<title>Jan 24: 15 fires, On target</title>"),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains("<title>Jan 25: 20 fires, target 15, Off target</title>")
    );
    assert!(
        page.html
            .contains(r#"<th scope="col" class="numeric">Target</th>"#)
    );
    let january = page.row(">Jan 2025<");
    assert!(
        january.starts_with("Jan 2025 20 155 15 month Off target Month's figure 20 against 15"),
        "{january}"
    );
    // 10 months of 15 against 200 profiled to 10 months, 166.7 shown as 167.
    let last_january = page.row(">Jan 2024<");
    assert!(
        last_january.starts_with("Jan 2024 15 150 167 year to date On target Year to date 150 against 167, the 2023/24 annual target profiled to 10 months"),
        "{last_january}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_preview_says_what_each_line_replaces_and_the_status_it_will_have() {
    let app = spawn().await;
    // ST1's January is held as 12 fires against its own target of 13: 20 is
    // off target (with commentary); ST2's March is new and has no target.
    let file = "indicator,org_unit,period,value,note\nFRS01,ST1,2025-01,20,A spate of bin fires\nFRS01,ST2,2025-03,4,\n";
    let preview = app
        .upload("values", "changes.csv", file.as_bytes().to_vec())
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.html.contains(r#"<th scope="col">Replaces</th>"#));
    assert!(
        preview
            .html
            .contains(r#"<th scope="col">Status once imported</th>"#)
    );
    let replaced = preview.row("A spate of bin fires");
    assert!(replaced.ends_with("12 fires Off target"), "{replaced}");
    let new = preview.row("ST2");
    assert!(new.ends_with("nothing: a new value No target"), "{new}");
    // January is approved: the check page asks why it changes, and the
    // import is refused without a reason, then written with one.
    assert!(
        preview
            .text()
            .contains("1 line changes a figure already approved. Say why"),
        "{}",
        preview.text()
    );
    let token = between(&preview.html, r#"name="token" value=""#, "\"")
        .expect("a token")
        .to_owned();
    let refused = page(app.post_form("/import/confirm", &[("token", &token)]).await).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("the value of FRS01 for ST1 in 2025-01 is approved, so locked: give a reason for changing an approved figure"),
        "{}",
        refused.text()
    );
    let again = app
        .upload("values", "changes.csv", file.as_bytes().to_vec())
        .await;
    let token = between(&again.html, r#"name="token" value=""#, "\"")
        .expect("a token")
        .to_owned();
    let written = app
        .post_form(
            "/import/confirm",
            &[("token", &token), ("reason", "Bin fires counted late")],
        )
        .await;
    assert_eq!(
        written.headers()[LOCATION],
        "/import?imported=2&kind=values"
    );
    let history = app
        .app
        .record_history(&support::tester(), "value", "FRS01|ST1|2025-01")
        .await
        .unwrap();
    assert_eq!(history[0].reason.as_deref(), Some("Bin fires counted late"));
    assert_eq!(history[0].actor, support::ADMIN);
    assert_eq!(history[0].interface, "web");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_lists_units_and_indicators_each_leading_to_its_page() {
    let app = spawn().await;
    let page = app.get("/search?q=station").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("2 units and 0 indicators match “station”."),
        "{}",
        page.text()
    );
    assert!(
        page.html
            .contains(r#"href="/scorecard/ST1?period=2025-01""#)
    );
    let page = app.get("/search?q=Smoke%20ALARMS").await;
    assert!(
        page.html.contains(r#"href="/indicators/FRS03?unit=FRS""#),
        "{}",
        page.html
    );
    // The box is in the header of every page, a plain GET form.
    let home = app.get("/").await;
    assert!(
        home.html
            .contains(r#"<form class="header__search" method="get" action="/search""#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cascade_is_previewed_as_a_table_then_saved_after_a_redirect() {
    let app = spawn().await;
    let page = app
        .get("/targets/cascade?unit=FRS&period=2025-01&indicator=FRS01&method=equally")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    // 15 fires shared equally by two districts: 8 and 7, adding up to 15.
    assert!(
        page.row("North District").contains("8 fires"),
        "{}",
        page.row("North District")
    );
    assert!(page.row("South District").contains("7 fires"));
    assert!(page.row("Together").contains("15 fires"));
    let fingerprint = between(&page.html, r#"name="fingerprint" value=""#, "\"")
        .unwrap()
        .to_owned();
    let response = app
        .post_form(
            "/targets/cascade",
            &[
                ("unit", "FRS"),
                ("period", "2025-01"),
                ("indicator", "FRS01"),
                ("method", "equally"),
                ("years", ""),
                ("fingerprint", &fingerprint),
                ("ratify", "on"),
            ],
        )
        .await;
    assert_eq!(
        response.headers()[LOCATION],
        "/targets/cascade?unit=FRS&period=2025-01&indicator=FRS01&saved=2"
    );
    let done = app.follow(response).await;
    assert!(
        done.text()
            .contains("2 targets for FRS01 saved below Test Fire and Rescue Service"),
        "{}",
        done.text()
    );
    let card = app.get("/scorecard/NORTH?period=2025-01").await;
    assert!(
        card.row("FRS01").contains("2025-01 target"),
        "{}",
        card.row("FRS01")
    );
    // Without a target to cascade, the page says so beside the period.
    let refused = app
        .get("/targets/cascade?unit=FRS&period=2026-01&indicator=FRS01")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("FRS has no FRS01 target for 2026-01 to cascade: set one first."),
        "{}",
        refused.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scorecard_has_breadcrumbs_and_a_chooser_of_the_units_nearby() {
    let app = spawn().await;
    let page = app.get("/scorecard/ST1?period=2025-01").await;
    assert!(
        page.html
            .contains(r#"<nav class="breadcrumbs" aria-label="Where this unit sits">"#)
    );
    assert!(
        page.html
            .contains(r#"<a href="/scorecard/NORTH?period=2025-01">North District</a>"#)
    );
    assert!(
        page.html
            .contains(r#"<span aria-current="page">Station One</span>"#)
    );
    // Above, beside and below: not every unit of a deployment of thousands.
    for code in ["FRS", "NORTH", "ST1"] {
        assert!(
            page.html.contains(&format!(r#"<option value="{code}""#)),
            "{code}"
        );
    }
    assert!(!page.html.contains(r#"<option value="ST2""#));
    let district = app.get("/scorecard/NORTH?period=2025-01").await;
    for code in ["FRS", "NORTH", "SOUTH", "ST1"] {
        assert!(
            district
                .html
                .contains(&format!(r#"<option value="{code}""#)),
            "{code}"
        );
    }
    // Option labels name the level rather than being indented with spaces.
    assert!(page.html.contains(">Station One (station)</option>"));
    assert!(!page.html.contains("\u{a0}\u{a0}\u{a0}"));
}
