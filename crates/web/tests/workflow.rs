//! The data workflow and data returns over HTTP, as people and programs
//! meet them, on SQLite and PostgreSQL: the approvals page (figures in
//! scope, several approved or returned at once, targets ratified, figures
//! reopened with a reason), a figure's own page with its state in words and
//! its history, the returns pages (completeness per unit, who is overdue
//! and owes what, waivers, cancellations, stories, the CSV), what an owner
//! owes on their home page, and the API answering as its OpenAPI document
//! says. Nobody sees a unit outside their scope.

use crate::support;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use stocktake::Role;
use stocktake::values::{FileKind, ImportMode, Step, ValueInput, ValueRef};

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
SOUTH,South District,district,FRS
ST1,Station One,station,NORTH
ST2,Station Two,station,NORTH
ST3,Station Three,station,SOUTH
ST4,Station Four,station,SOUTH
";

/// FRS05 is a district's own measure: no station collects it.
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FRS01,Primary fires,count,lower_is_better,month,fires,0
FRS02,Smoke alarms fitted,count,higher_is_better,month,alarms,0
FRS05,District plans signed off,count,higher_is_better,month,plans,0
";

const APPLIES: &str = "indicator,level,under
FRS05,district,
";

/// January 2025, approved as loaded.
const VALUES: &str = "indicator,org_unit,period,value,note
FRS01,ST1,2025-01,10,
FRS01,ST2,2025-01,12,
FRS01,ST3,2025-01,14,
FRS01,ST4,2025-01,16,
FRS02,ST1,2025-01,20,
FRS02,ST2,2025-01,22,
FRS02,ST3,2025-01,24,
FRS02,ST4,2025-01,26,
";

/// Proposed targets, one in the North and one in the South.
const PROPOSED: &str = "indicator,org_unit,period,target,tolerance
FRS01,ST1,2025/26,100,5
FRS01,ST3,2025/26,90,5
";

const OFFICER: &str = "officer@test.example";
const OWNER: &str = "owner@test.example";
const VIEWER: &str = "viewer@test.example";
const SOUTH_OWNER: &str = "south@test.example";

/// The app over a fresh database at `url`, with an officer, owner and
/// viewer working in the North, and an owner in the South; both owners
/// own FRS01.
async fn serve(url: &str) -> support::Served {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Applies, APPLIES),
            (FileKind::Values, VALUES),
        ],
    )
    .await;
    served
        .app
        .import(
            &support::tester(),
            FileKind::Targets,
            "proposed.csv",
            PROPOSED.as_bytes(),
            ImportMode::Write,
            &|_| {},
        )
        .await
        .expect("proposed targets");
    for (email, role, scope, owns) in [
        (OFFICER, Role::PerformanceOfficer, "unit:NORTH", &[][..]),
        (OWNER, Role::Owner, "unit:NORTH", &["FRS01"][..]),
        (VIEWER, Role::Viewer, "unit:NORTH", &[][..]),
        (SOUTH_OWNER, Role::Owner, "unit:SOUTH", &["FRS01"][..]),
    ] {
        support::add_account(&served.app, email, role, &[scope], owns).await;
    }
    served
}

/// `email` enters drafts of FRS01, each (unit, period, value), with a note
/// so no commentary rule refuses them.
async fn enter(served: &support::Served, email: &str, figures: &[(&str, &str, &str)]) {
    let caller = served.app.command_line_as(email).expect("the account");
    let inputs: Vec<ValueInput> = figures
        .iter()
        .map(|(unit, period, value)| ValueInput {
            indicator: "FRS01".into(),
            org_unit: (*unit).into(),
            period: (*period).into(),
            value: Some((*value).into()),
            note: Some("A quiet month".into()),
            ..ValueInput::default()
        })
        .collect();
    served
        .app
        .save_values(&caller, &inputs, None)
        .await
        .unwrap_or_else(|e| panic!("{email} enters {figures:?}: {e}"));
}

/// `email` takes `step` on FRS01 for each (unit, period).
async fn step(served: &support::Served, email: &str, step: Step, figures: &[(&str, &str)]) {
    let caller = served.app.command_line_as(email).expect("the account");
    let refs: Vec<ValueRef> = figures
        .iter()
        .map(|(unit, period)| ValueRef {
            indicator: "FRS01".into(),
            org_unit: (*unit).into(),
            period: (*period).into(),
        })
        .collect();
    served
        .app
        .move_values(&caller, step, &refs, Some("Checked"))
        .await
        .unwrap_or_else(|e| panic!("{email} takes {step:?} on {figures:?}: {e}"));
}

/// A signed-in browser.
struct Browser {
    base: String,
    client: reqwest::Client,
    csrf: String,
}

/// A page as its reader sees it.
struct Page {
    status: StatusCode,
    location: String,
    html: String,
}

impl Page {
    fn text(&self) -> String {
        text_of(&self.html)
    }

    fn title(&self) -> String {
        let from = self.html.find("<title>").expect("a title") + "<title>".len();
        let to = self.html[from..].find("</title>").expect("a title's end") + from;
        text_of(&self.html[from..to])
    }

    /// The words of the first table row mentioning `needle`.
    fn row(&self, needle: &str) -> String {
        self.html
            .split("<tr")
            .skip(1)
            .map(|r| r.split("</tr>").next().unwrap_or(""))
            .find(|r| r.contains(needle))
            .map(|r| text_of(&format!("<tr{r}")))
            .unwrap_or_else(|| panic!("no row mentions {needle:?} in:\n{}", self.text()))
    }

    /// The words of the element whose markup starts at `marker`, up to `end`.
    fn section(&self, marker: &str, end: &str) -> String {
        let at = self
            .html
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker:?} in:\n{}", self.text()));
        // From the start of the tag the marker is in.
        let from = self.html[..at].rfind('<').unwrap_or(at);
        let to = self.html[from..]
            .find(end)
            .map_or(self.html.len(), |e| e + from);
        text_of(&self.html[from..to])
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
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Browser {
    async fn sign_in(served: &support::Served, email: &str) -> Browser {
        let (client, csrf) = support::sign_in(&served.base, email).await;
        Browser {
            base: served.base.clone(),
            client,
            csrf,
        }
    }

    async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        page_of(response).await
    }

    /// Posts a form, with its token, as the page's form would.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        page_of(response).await
    }

    /// Posts a form and follows its redirect, as a browser does.
    async fn post_and_follow(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let posted = self.post(path, fields).await;
        assert_eq!(
            posted.status,
            StatusCode::SEE_OTHER,
            "POST {path} {fields:?}:\n{}",
            posted.text()
        );
        self.get(&posted.location).await
    }
}

async fn page_of(response: reqwest::Response) -> Page {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Page {
        status,
        location,
        html: response.text().await.unwrap(),
    }
}

fn key(unit: &str, period: &str) -> String {
    format!("FRS01|{unit}|{}", period.replace('/', "%2F"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_list_figures_in_scope_and_move_several_at_once_on_both_databases() {
    for (url, name) in support::database_urls("approvals") {
        approvals(&url, name).await;
    }
}

async fn approvals(url: &str, db: &str) {
    let served = serve(url).await;
    enter(
        &served,
        OWNER,
        &[
            ("ST1", "2025-02", "7"),
            ("ST2", "2025-02", "8"),
            ("ST1", "2025-03", "9"),
            ("ST2", "2025-03", "11"),
        ],
    )
    .await;
    step(
        &served,
        OWNER,
        Step::Submit,
        &[
            ("ST1", "2025-02"),
            ("ST2", "2025-02"),
            ("ST1", "2025-03"),
            ("ST2", "2025-03"),
        ],
    )
    .await;
    enter(&served, SOUTH_OWNER, &[("ST3", "2025-02", "13")]).await;
    step(&served, SOUTH_OWNER, Step::Submit, &[("ST3", "2025-02")]).await;

    let officer = Browser::sign_in(&served, OFFICER).await;
    let page = officer.get("/approvals").await;
    assert_eq!(page.status, StatusCode::OK, "[{db}]");
    assert_eq!(
        page.title(),
        "Approvals: 4 figures and 1 target waiting – Stocktake",
        "[{db}] the South's figure and target are not the North officer's"
    );
    let text = page.text();
    assert!(!text.contains("Station Three"), "[{db}] {text}");
    let row = page.row("value=\"FRS01|ST2|2025-03\"");
    assert!(
        row.contains("Primary fires FRS01 Station Two ST2 Mar 2025 11 fires")
            && row.contains("Submitted: waiting for approval")
            && row.contains("owner <owner@test.example>"),
        "[{db}] {row}"
    );
    let csv = officer.get("/approvals/waiting.csv").await;
    assert_eq!(
        csv.html.lines().count(),
        5,
        "[{db}] a header and four figures:\n{}",
        csv.html
    );
    assert!(!csv.html.contains("ST3"), "[{db}] {}", csv.html);

    // Returning needs a reason: the page comes back with what was ticked.
    let refused = officer
        .post(
            "/approvals",
            &[
                ("value", &key("ST1", "2025-03")),
                ("value", &key("ST2", "2025-03")),
                ("step", "return"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert!(refused.title().starts_with("Error: Approvals"), "[{db}]");
    let summary = refused.section("class=\"error-summary\"", "</div>");
    assert_eq!(
        summary,
        "There is a problem Say why you return these values: the owner sees it, and it is kept in the audit trail.",
        "[{db}]"
    );
    assert!(refused.html.contains("aria-invalid=\"true\""), "[{db}]");
    assert_eq!(
        refused.count_checked(),
        2,
        "[{db}] the two ticked boxes stay ticked"
    );

    // Two returned at once, with the reason; two approved at once.
    let returned = officer
        .post_and_follow(
            "/approvals",
            &[
                ("value", &key("ST1", "2025-03")),
                ("value", &key("ST2", "2025-03")),
                ("step", "return"),
                ("reason", "March is not closed yet"),
            ],
        )
        .await;
    assert!(
        returned
            .text()
            .contains("2 figures returned to their owners Primary fires (FRS01), Station One, Mar 2025 Primary fires (FRS01), Station Two, Mar 2025 They are draft again"),
        "[{db}] {}",
        returned.text()
    );
    let approved = officer
        .post(
            "/approvals",
            &[
                ("value", &key("ST1", "2025-02")),
                ("value", &key("ST2", "2025-02")),
                ("step", "approve"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "[{db}]");
    assert_eq!(
        approved.location,
        "/approvals?done=approve&n=2&moved=FRS01%7CST1%7C2025-02%2CFRS01%7CST2%7C2025-02",
        "[{db}]"
    );
    let after = officer.get(&approved.location).await;
    assert_eq!(
        after.section("id=\"banner-title\"", "</div>"),
        "2 figures approved Primary fires (FRS01), Station One, Feb 2025 Primary fires (FRS01), Station Two, Feb 2025 Approved figures are locked: reopen one below, with a reason, if it must change.",
        "[{db}] the banner names what moved"
    );
    let text = after.text();
    assert!(
        text.contains("No figures are waiting for approval."),
        "[{db}] {text}"
    );
    // They are now the officer's to reopen.
    let row = after.row("value=\"FRS01|ST1|2025-02\"");
    assert!(
        row.contains("Approved A quiet month officer <officer@test.example> at "),
        "[{db}] {row}"
    );

    // Reopening needs a reason too.
    let no_reason = officer
        .post("/approvals/reopen", &[("approved", &key("ST1", "2025-02"))])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert!(
        no_reason
            .section("class=\"error-summary\"", "</div>")
            .contains("Say why you reopen these values"),
        "[{db}]"
    );
    let reopened = officer
        .post_and_follow(
            "/approvals/reopen",
            &[
                ("approved", &key("ST1", "2025-02")),
                ("reason", "Two calls were logged twice"),
            ],
        )
        .await;
    assert!(
        reopened.text().contains(
            "1 figure reopened Primary fires (FRS01), Station One, Feb 2025 It is a draft again"
        ),
        "[{db}] {}",
        reopened.text()
    );

    // The North's proposed target, ratified; the South's is not the officer's.
    let ratified = officer
        .post_and_follow(
            "/approvals/ratify",
            &[
                ("target", &key("ST1", "2025/26")),
                ("reason", "Performance Committee, 12 March 2025"),
            ],
        )
        .await;
    assert!(
        ratified
            .text()
            .contains("1 target ratified Primary fires (FRS01), Station One, 2025/26 It judges figures from now on."),
        "[{db}] {}",
        ratified.text()
    );
    assert!(
        ratified
            .text()
            .contains("No targets are waiting to be ratified.")
    );
    let outside = officer
        .post("/approvals/ratify", &[("target", &key("ST3", "2025/26"))])
        .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "[{db}]");

    // Owners and viewers have no approvals page.
    for email in [OWNER, VIEWER] {
        let browser = Browser::sign_in(&served, email).await;
        assert_eq!(
            browser.get("/approvals").await.status,
            StatusCode::FORBIDDEN,
            "[{db}] {email}"
        );
    }
}

impl Page {
    fn count_checked(&self) -> usize {
        self.html.matches(" checked>").count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_figures_page_shows_its_state_in_words_and_each_step_in_its_history_on_both_databases() {
    for (url, name) in support::database_urls("figure") {
        figure(&url, name).await;
    }
}

async fn figure(url: &str, db: &str) {
    let served = serve(url).await;
    enter(&served, OWNER, &[("ST1", "2025-02", "7")]).await;
    let path = "/values/FRS01/ST1?period=2025-02";

    // The owner's draft: in words, with the step they may take.
    let owner = Browser::sign_in(&served, OWNER).await;
    let page = owner.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "[{db}]");
    assert_eq!(
        page.title(),
        "Primary fires, Station One, Feb 2025 – Stocktake",
        "[{db}]"
    );
    let text = page.text();
    assert!(
        text.contains("State Draft: not yet submitted"),
        "[{db}] {text}"
    );
    assert!(text.contains("Submitted by Not submitted"), "[{db}] {text}");
    let submitted = owner
        .post_and_follow(
            "/values/FRS01/ST1/step?period=2025-02",
            &[("step", "submit")],
        )
        .await;
    assert!(
        submitted
            .text()
            .contains("Submitted for approval: a performance officer will approve it"),
        "[{db}]"
    );
    assert!(
        submitted
            .text()
            .contains("State Submitted: waiting for approval"),
        "[{db}]"
    );

    // A viewer does not see a figure until it is approved; nobody sees
    // one outside their scope.
    let viewer = Browser::sign_in(&served, VIEWER).await;
    assert_eq!(
        viewer.get(path).await.status,
        StatusCode::NOT_FOUND,
        "[{db}]"
    );
    assert_eq!(
        viewer.get("/values/FRS01/ST3?period=2025-01").await.status,
        StatusCode::FORBIDDEN,
        "[{db}]"
    );

    // The officer approves it, then reopens it: not without a reason.
    let officer = Browser::sign_in(&served, OFFICER).await;
    let approved = officer
        .post_and_follow(
            "/values/FRS01/ST1/step?period=2025-02",
            &[("step", "approve")],
        )
        .await;
    assert!(
        approved.text().contains("Approved: the figure is locked. ")
            && approved.text().contains("State Approved"),
        "[{db}] {}",
        approved.text()
    );
    assert!(
        viewer.get(path).await.text().contains("State Approved"),
        "[{db}] a viewer sees it once approved"
    );
    let no_reason = officer
        .post(
            "/values/FRS01/ST1/step?period=2025-02",
            &[("step", "reopen")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        no_reason.section("class=\"error-summary\"", "</div>"),
        "There is a problem Say why you reopen these values: the owner sees it, and it is kept in the audit trail.",
        "[{db}]"
    );
    let reopened = officer
        .post_and_follow(
            "/values/FRS01/ST1/step?period=2025-02",
            &[("step", "reopen"), ("reason", "Late call logs found")],
        )
        .await;
    let text = reopened.text();
    assert!(
        text.contains("State Draft: not yet submitted"),
        "[{db}] {text}"
    );
    assert!(
        text.contains("Sent back Reopened by officer <officer@test.example> at ")
            && text.contains("UTC: Late call logs found"),
        "[{db}] {text}"
    );
    assert!(text.contains("Approved by Not approved"), "[{db}] {text}");

    // The history: newest first, each step with who, why, and the state
    // before and after.
    let history = reopened.section("id=\"history-caption\"", "</table>");
    let steps: Vec<&str> = ["Reopened", "Approved", "Submitted for approval", "Entered"]
        .into_iter()
        .filter(|s| history.contains(s))
        .collect();
    assert_eq!(steps.len(), 4, "[{db}] {history}");
    let reopen_row = reopened.row("Reopened</th>");
    assert!(
        reopen_row.contains("officer@test.example")
            && reopen_row.contains("Late call logs found")
            && reopen_row.contains("state: approved → draft"),
        "[{db}] {reopen_row}"
    );
    let approve_row = reopened.row("Approved</th>");
    assert!(
        approve_row.contains("state: submitted → approved"),
        "[{db}] {approve_row}"
    );
    let entered = reopened.row("Entered</th>");
    assert!(
        entered.contains("owner@test.example") && entered.contains("value: 7"),
        "[{db}] {entered}"
    );
    assert!(
        history.find("Reopened") < history.find("Entered"),
        "[{db}] newest first: {history}"
    );
}

/// The returns the tests read: February's, due long ago, and March's, due
/// in the far future.
async fn open_returns(served: &support::Served, admin: &Browser, db: &str) {
    let opened = admin
        .post(
            "/returns",
            &[
                ("code", "FEB"),
                ("title", "February figures"),
                ("period", "2025-02"),
                ("deadline", "2025-03-15"),
                ("indicator", "FRS01"),
                ("level", "station"),
            ],
        )
        .await;
    assert_eq!(
        opened.status,
        StatusCode::SEE_OTHER,
        "[{db}] {}",
        opened.text()
    );
    assert_eq!(opened.location, "/returns/FEB?done=opened", "[{db}]");
    let opened = admin
        .post(
            "/returns",
            &[
                ("code", "MAR"),
                ("title", "March figures"),
                ("period", "2025-03"),
                ("deadline", "2999-12-31"),
                ("indicator", "FRS01"),
                ("indicator", "FRS02"),
                ("units", "ST1, ST2"),
            ],
        )
        .await;
    assert_eq!(
        opened.status,
        StatusCode::SEE_OTHER,
        "[{db}] {}",
        opened.text()
    );
    let _ = served;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returns_pages_show_each_units_completeness_who_is_overdue_and_who_owes_on_both_databases()
 {
    for (url, name) in support::database_urls("returns") {
        returns_pages(&url, name).await;
    }
}

async fn returns_pages(url: &str, db: &str) {
    let served = serve(url).await;
    let admin = Browser::sign_in(&served, support::ADMIN).await;

    // The form offers only indicators collected somewhere, saying where.
    let form = admin.get("/returns/new").await;
    let text = form.text();
    assert!(
        text.contains("District plans signed off FRS05 · collected for every unit that is one of the districts"),
        "[{db}] {text}"
    );
    assert!(
        text.contains("Primary fires FRS01 · collected for every unit"),
        "[{db}] {text}"
    );
    // Asking a station for a district's measure is refused, with the reason.
    let refused = admin
        .post(
            "/returns",
            &[
                ("code", "PLANS"),
                ("title", "Plans"),
                ("period", "2025-02"),
                ("deadline", "2025-03-15"),
                ("indicator", "FRS05"),
                ("units", "NORTH ST1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        refused.section("class=\"error-summary\"", "</div>"),
        "There is a problem FRS05 is not collected for station ST1 (it applies to every unit that is one of the districts): ask only units where every indicator applies, or open a return per indicator.",
        "[{db}]"
    );
    assert!(
        refused.html.contains("value=\"NORTH ST1\""),
        "[{db}] what was typed comes back"
    );
    // A deadline that is not a date.
    let bad_day = admin
        .post(
            "/returns",
            &[
                ("code", "X"),
                ("title", "X"),
                ("period", "2025-02"),
                ("deadline", "15/03/2025"),
                ("indicator", "FRS01"),
                ("units", "ST1"),
            ],
        )
        .await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert!(
        bad_day
            .text()
            .contains("\"15/03/2025\" is not a date: give the last day as YYYY-MM-DD"),
        "[{db}] {}",
        bad_day.text()
    );

    open_returns(&served, &admin, db).await;
    // February: ST1 submitted (returned), ST2 a draft (overdue), ST3 waived,
    // ST4 cancelled.
    enter(
        &served,
        OWNER,
        &[("ST1", "2025-02", "7"), ("ST2", "2025-02", "8")],
    )
    .await;
    step(&served, OWNER, Step::Submit, &[("ST1", "2025-02")]).await;
    let waive_without = admin
        .post(
            "/returns/FEB/units",
            &[("unit", "ST3"), ("state", "waived")],
        )
        .await;
    assert_eq!(
        waive_without.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "[{db}]"
    );
    assert_eq!(
        waive_without.section("class=\"error-summary\"", "</div>"),
        "There is a problem Say why ST3 is waived: the reason is shown on the return and kept in the audit trail.",
        "[{db}]"
    );
    let waived = admin
        .post_and_follow(
            "/returns/FEB/units",
            &[
                ("unit", "ST3"),
                ("state", "waived"),
                ("reason", "Closed for refurbishment"),
            ],
        )
        .await;
    assert!(
        waived
            .text()
            .contains("Unit waived: it need not return this time."),
        "[{db}]"
    );
    let cancelled = admin
        .post_and_follow(
            "/returns/FEB/units",
            &[
                ("unit", "ST4"),
                ("state", "cancelled"),
                ("reason", "Merged with Station Three"),
            ],
        )
        .await;
    assert!(
        cancelled
            .text()
            .contains("Unit cancelled: no further returns are asked of it."),
        "[{db}]"
    );

    // The list: each return with its counts.
    let list = admin.get("/returns").await;
    assert_eq!(list.status, StatusCode::OK, "[{db}]");
    let feb = list.row("/returns/FEB");
    assert!(feb.contains("February figures"), "[{db}] {feb}");
    assert!(feb.contains("15 March 2025"), "[{db}] {feb}");

    // February's page: each unit's completeness, in words.
    let page = admin.get("/returns/FEB").await;
    assert_eq!(page.title(), "February figures (FEB) – Stocktake", "[{db}]");
    let completeness = |unit: &str| page.row(&format!("<span class=\"hint\">{unit}</span>"));
    assert!(
        completeness("ST1").contains("Returned 1 of 1 submitted (0 approved)"),
        "[{db}] {}",
        completeness("ST1")
    );
    assert!(
        completeness("ST2").contains("Overdue 0 of 1 submitted"),
        "[{db}]"
    );
    assert!(
        completeness("ST3").contains("Waived")
            && completeness("ST3").contains("Closed for refurbishment (admin@test.example)"),
        "[{db}] {}",
        completeness("ST3")
    );
    assert!(
        completeness("ST4").contains("Cancelled")
            && completeness("ST4").contains("Merged with Station Three"),
        "[{db}]"
    );
    assert_eq!(
        page.section("id=\"counts\"", "</ul>"),
        "Overdue : 1 unit Returned : 1 unit Waived : 1 unit Cancelled : 1 unit",
        "[{db}]"
    );
    // Who is overdue, and who owes what: ST2's FRS01 is the North owner's.
    assert_eq!(
        page.section("id=\"overdue-title\"", "</div>"),
        "Overdue since 15 March 2025 Station Two (ST2): 0 of 1 figures submitted; owed by owner <owner@test.example>",
        "[{db}]"
    );

    // March, not yet due: ST1 has a draft (partly returned), ST2 nothing (missing).
    enter(&served, OWNER, &[("ST1", "2025-03", "9")]).await;
    let march = admin.get("/returns/MAR").await;
    let row = march.row("<span class=\"hint\">ST1</span>");
    assert!(
        row.contains("Partly returned 0 of 2 submitted (0 approved) FRS01, FRS02"),
        "[{db}] {row}"
    );
    assert!(
        march
            .row("<span class=\"hint\">ST2</span>")
            .contains("Missing"),
        "[{db}]"
    );
    assert!(
        !march.html.contains("overdue-title"),
        "[{db}] nobody is overdue yet"
    );

    // The completeness as CSV: a line per unit.
    let csv = admin.get("/returns/FEB/completeness.csv").await;
    assert_eq!(csv.status, StatusCode::OK, "[{db}]");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.html.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "return",
            "org_unit",
            "unit_name",
            "completeness",
            "completeness_label",
            "asked",
            "entered",
            "submitted",
            "approved",
            "outstanding",
            "owed_by",
            "reason",
            "decided_by",
            "stories"
        ],
        "[{db}]"
    );
    let st2 = rows.iter().find(|r| r[1] == "ST2").expect("ST2's line");
    assert_eq!(
        st2,
        &[
            "FEB",
            "ST2",
            "Station Two",
            "overdue",
            "Overdue",
            "1",
            "1",
            "0",
            "0",
            "FRS01",
            "owner <owner@test.example>",
            "",
            "",
            "0"
        ],
        "[{db}]"
    );
    let st3 = rows.iter().find(|r| r[1] == "ST3").expect("ST3's line");
    assert_eq!(
        (st3[3].as_str(), st3[11].as_str(), st3[12].as_str()),
        ("waived", "Closed for refurbishment", "admin@test.example"),
        "[{db}]"
    );
    assert_eq!(rows.len(), 5, "[{db}] a header and four units");

    // The North viewer sees the North's units only, and may change nothing.
    let viewer = Browser::sign_in(&served, VIEWER).await;
    let seen = viewer.get("/returns/FEB").await;
    assert_eq!(seen.status, StatusCode::OK, "[{db}]");
    let text = seen.text();
    assert!(
        text.contains("Station One") && text.contains("Station Two"),
        "[{db}]"
    );
    assert!(
        !text.contains("Station Three") && !text.contains("Station Four"),
        "[{db}] {text}"
    );
    assert!(
        !text.contains("Merged with"),
        "[{db}] the South's reasons are not shown"
    );
    assert!(
        !seen.html.contains("/returns/FEB/units"),
        "[{db}] no waiving form"
    );
    assert!(
        !seen.html.contains("/returns/FEB/state"),
        "[{db}] no closing form"
    );
    let viewer_csv = viewer.get("/returns/FEB/completeness.csv").await;
    assert!(
        !viewer_csv.html.contains("ST3"),
        "[{db}] {}",
        viewer_csv.html
    );
    assert_eq!(
        viewer
            .post(
                "/returns/FEB/units",
                &[("unit", "ST2"), ("state", "waived"), ("reason", "Mine")],
            )
            .await
            .status,
        StatusCode::FORBIDDEN,
        "[{db}]"
    );
    // A return asking only the South is not the North's to read.
    admin
        .post_and_follow(
            "/returns",
            &[
                ("code", "SOUTHONLY"),
                ("title", "South only"),
                ("period", "2025-02"),
                ("deadline", "2999-12-31"),
                ("indicator", "FRS01"),
                ("units", "ST3"),
            ],
        )
        .await;
    assert_eq!(
        viewer.get("/returns/SOUTHONLY").await.status,
        StatusCode::FORBIDDEN,
        "[{db}]"
    );
    assert!(
        !viewer.get("/returns").await.html.contains("SOUTHONLY"),
        "[{db}]"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stories_are_two_a_unit_rewritten_from_the_page_and_a_return_is_closed_or_cancelled_with_a_reason_on_both_databases()
 {
    for (url, name) in support::database_urls("stories") {
        stories(&url, name).await;
    }
}

async fn stories(url: &str, db: &str) {
    let served = serve(url).await;
    let admin = Browser::sign_in(&served, support::ADMIN).await;
    open_returns(&served, &admin, db).await;
    let owner = Browser::sign_in(&served, OWNER).await;
    for title in ["Safe and well visits", "Fly-tipping cleared"] {
        let told = owner
            .post_and_follow(
                "/returns/MAR/stories",
                &[
                    ("unit", "ST1"),
                    ("title", title),
                    ("body", "Crews visited 212 flats, fitting 96 smoke alarms."),
                ],
            )
            .await;
        assert!(told.text().contains("Story saved."), "[{db}]");
    }
    let third = owner
        .post(
            "/returns/MAR/stories",
            &[
                ("unit", "ST1"),
                ("title", "A third"),
                ("body", "One too many."),
            ],
        )
        .await;
    assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        third.section("class=\"error-summary\"", "</div>"),
        "There is a problem ST1 has told 2 stories in this return already, the most a unit may tell: rewrite one instead.",
        "[{db}]"
    );
    assert!(
        third.html.contains("value=\"A third\""),
        "[{db}] what was typed comes back"
    );

    // Rewriting one from the page: its link fills the form.
    let page = owner.get("/returns/MAR").await;
    let from = page
        .html
        .find("/returns/MAR?edit=")
        .expect("a link to rewrite a story");
    let href: String = page.html[from..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let id: String = href["/returns/MAR?edit=".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let editing = owner.get(&href.replace("&#38;", "&")).await;
    assert!(editing.text().contains("Rewrite the story"), "[{db}]");
    assert!(
        editing
            .html
            .contains(&format!("name=\"id\" value=\"{id}\"")),
        "[{db}]"
    );
    let rewritten = owner
        .post_and_follow(
            "/returns/MAR/stories",
            &[
                ("id", &id),
                ("unit", "ST1"),
                ("title", "Safe and well visits in high-rise flats"),
                ("body", "Crews visited 240 flats, fitting 101 smoke alarms."),
            ],
        )
        .await;
    let text = rewritten.text();
    assert!(text.contains("Story rewritten."), "[{db}] {text}");
    assert!(
        text.contains("Crews visited 240 flats, fitting 101 smoke alarms."),
        "[{db}]"
    );
    assert_eq!(
        rewritten.html.matches("<article class=\"panel\">").count(),
        2,
        "[{db}] still two stories"
    );
    assert!(
        rewritten
            .row("<span class=\"hint\">ST1</span>")
            .ends_with(" 2"),
        "[{db}]"
    );

    // The whole return: the owner may not close it; cancelling needs a reason.
    assert_eq!(
        owner
            .post("/returns/MAR/state", &[("state", "closed")])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "[{db}]"
    );
    // The North officer may not close a return that also asks the South.
    let officer = Browser::sign_in(&served, OFFICER).await;
    let feb = officer.get("/returns/FEB").await;
    assert!(
        !feb.html.contains("/returns/FEB/state"),
        "[{db}] no closing form"
    );
    assert_eq!(
        officer
            .post("/returns/FEB/state", &[("state", "closed")])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "[{db}]"
    );
    let march = officer.get("/returns/MAR").await;
    assert!(
        march.text().contains("Close or cancel the return"),
        "[{db}] March asks only the North"
    );
    let no_reason = officer
        .post("/returns/MAR/state", &[("state", "cancelled")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        no_reason.section("class=\"error-summary\"", "</div>"),
        "There is a problem Say why the return is cancelled: it is shown to everyone asked.",
        "[{db}]"
    );
    let cancelled = officer
        .post_and_follow(
            "/returns/MAR/state",
            &[
                ("state", "cancelled"),
                ("reason", "The figures are collected nationally now"),
            ],
        )
        .await;
    let text = cancelled.text();
    assert!(
        text.contains("Return cancelled: nobody owes its figures any more."),
        "[{db}] {text}"
    );
    assert!(
        text.contains("State Cancelled: The figures are collected nationally now"),
        "[{db}] {text}"
    );
    assert!(text.contains("Open the return again"), "[{db}]");
    assert!(
        !cancelled.html.contains("Tell a story"),
        "[{db}] no stories once cancelled"
    );
    assert!(
        served
            .app
            .owed(&served.app.command_line_as(OWNER).unwrap())
            .await
            .unwrap()
            .iter()
            .all(|o| o.code != "MAR"),
        "[{db}] nobody owes a cancelled return"
    );
    let reopened = officer
        .post_and_follow("/returns/MAR/state", &[("state", "open")])
        .await;
    assert!(
        reopened.text().contains("Return open again"),
        "[{db}] {}",
        reopened.text()
    );
    let closed = officer
        .post_and_follow("/returns/MAR/state", &[("state", "closed")])
        .await;
    assert!(
        closed
            .text()
            .contains("Return closed: no more figures are expected, and no unit is overdue.")
            && closed.text().contains("State Closed"),
        "[{db}] {}",
        closed.text()
    );
    let trail = served
        .app
        .record_history(&support::tester(), "data_return", "MAR")
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|l| l.reason.as_deref() == Some("The figures are collected nationally now")),
        "[{db}] {trail:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owners_home_page_says_what_they_owe_on_both_databases() {
    for (url, name) in support::database_urls("owed") {
        let served = serve(&url).await;
        let admin = Browser::sign_in(&served, support::ADMIN).await;
        open_returns(&served, &admin, name).await;
        enter(&served, OWNER, &[("ST1", "2025-02", "7")]).await;
        step(&served, OWNER, Step::Submit, &[("ST1", "2025-02")]).await;
        let owner = Browser::sign_in(&served, OWNER).await;
        let home = owner.get("/").await;
        let owed = home.section("id=\"owed-title\"", "</div>");
        assert_eq!(
            owed,
            "What you owe Overdue: February figures : Station Two's FRS01 for Feb 2025, due by 15 March 2025. Enter Station Two's figures for Feb 2025 \
             March figures : Station One's FRS01 for Mar 2025, due by 31 December 2999. Enter Station One's figures for Mar 2025 \
             March figures : Station Two's FRS01 for Mar 2025, due by 31 December 2999. Enter Station Two's figures for Mar 2025",
            "[{name}] FRS02 is nobody's; ST1 has returned February's"
        );
        // Nothing for those who owe nothing.
        for email in [VIEWER, OFFICER] {
            let browser = Browser::sign_in(&served, email).await;
            assert!(
                !browser.get("/").await.html.contains("owed-title"),
                "[{name}] {email}"
            );
        }
    }
}

// ---- The API ----

struct Api {
    base: String,
    client: reqwest::Client,
    document: Value,
}

impl Api {
    async fn new(served: &support::Served, email: &str) -> Api {
        let token = support::token(&served.app, email, false).await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let document = client
            .get(format!("{}/api/openapi.json", served.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Api {
            base: served.base.clone(),
            client,
            document,
        }
    }

    /// Calls `method path` (documented as `template`), checks the answer
    /// against the schema documented for its status, and returns both.
    async fn call(
        &self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(
            method.to_uppercase().parse().unwrap(),
            format!("{}{path}", self.base),
        );
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let schema = &self.document["paths"][template][method]["responses"][status.as_str()]["content"]
            ["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {template} does not document {status}: {answer}"
        );
        support::assert_valid(&self.document, schema, &answer, &format!("{method} {path}"));
        (status, answer)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_returns_api_answers_as_its_schema_says_within_the_callers_scope_on_both_databases() {
    for (url, name) in support::database_urls("api") {
        returns_api(&url, name).await;
    }
}

async fn returns_api(url: &str, db: &str) {
    let served = serve(url).await;
    let admin = Api::new(&served, support::ADMIN).await;
    let (status, opened) = admin
        .call(
            "post",
            "/api/v1/returns",
            "/api/v1/returns",
            Some(
                json!({"code": "FEB", "title": "February figures", "period": "2025-02",
                "deadline": "2025-03-15", "indicators": ["FRS01"], "level": "station"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "[{db}] {opened}");
    assert_eq!(opened["lines"].as_array().unwrap().len(), 4, "[{db}]");
    // 422s say what is wrong, and where.
    for (body, field, message) in [
        (
            json!({"code": "X", "title": "X", "period": "2025-02", "deadline": "15/03/2025", "indicators": ["FRS01"], "units": ["ST1"]}),
            "deadline",
            "\"15/03/2025\" is not a date: give the last day as YYYY-MM-DD",
        ),
        (
            json!({"code": "X", "title": "X", "period": "2025-02", "deadline": "2025-03-15", "indicators": ["FRS05"], "units": ["ST1"]}),
            "units",
            "FRS05 is not collected for station ST1 (it applies to every unit that is one of the districts): ask only units where every indicator applies, or open a return per indicator",
        ),
        (
            json!({"code": "X", "title": "X", "period": "2025/26", "deadline": "2025-03-15", "indicators": ["FRS01"], "units": ["ST1"]}),
            "indicators",
            "FRS01 is collected monthly, and the return is for the annual period 2025/26: open a return per frequency",
        ),
    ] {
        let (status, answer) = admin
            .call("post", "/api/v1/returns", "/api/v1/returns", Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}] {answer}");
        assert_eq!(answer["field"], field, "[{db}] {answer}");
        assert_eq!(answer["message"], message, "[{db}] {answer}");
    }

    let (status, answer) = admin
        .call(
            "post",
            "/api/v1/returns/{code}/units/{unit}",
            "/api/v1/returns/FEB/units/ST3",
            Some(json!({"state": "waived"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        answer["message"],
        "say why ST3 is waived: the reason is shown on the return and kept in the audit trail",
        "[{db}]"
    );
    let (status, waived) = admin
        .call(
            "post",
            "/api/v1/returns/{code}/units/{unit}",
            "/api/v1/returns/FEB/units/ST3",
            Some(json!({"state": "waived", "reason": "Closed for refurbishment"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    let st3 = waived["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["unit"]["code"] == "ST3")
        .unwrap();
    assert_eq!(st3["completeness"], "waived", "[{db}]");
    assert_eq!(st3["reason"], "Closed for refurbishment", "[{db}]");

    // The owner: what they owe, and their stories.
    let owner = Api::new(&served, OWNER).await;
    let (status, owed) = owner
        .call("get", "/api/v1/me/owed", "/api/v1/me/owed", None)
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    let owed: Vec<(String, String, bool)> = owed["owed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["code"].as_str().unwrap().to_owned(),
                o["unit"]["code"].as_str().unwrap().to_owned(),
                o["overdue"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        owed,
        [
            ("FEB".to_owned(), "ST1".to_owned(), true),
            ("FEB".to_owned(), "ST2".to_owned(), true)
        ],
        "[{db}] the North's stations, not the South's"
    );
    for title in ["Safe and well visits", "Fly-tipping cleared"] {
        let (status, _) = owner
            .call(
                "post",
                "/api/v1/returns/{code}/stories",
                "/api/v1/returns/FEB/stories",
                Some(json!({"org_unit": "ST1", "title": title, "body": "What was done."})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "[{db}]");
    }
    let (status, third) = owner
        .call(
            "post",
            "/api/v1/returns/{code}/stories",
            "/api/v1/returns/FEB/stories",
            Some(json!({"org_unit": "ST1", "title": "A third", "body": "One too many."})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        third["message"],
        "ST1 has told 2 stories in this return already, the most a unit may tell: rewrite one instead",
        "[{db}]"
    );
    let (status, outside) = owner
        .call(
            "post",
            "/api/v1/returns/{code}/stories",
            "/api/v1/returns/FEB/stories",
            Some(json!({"org_unit": "ST3", "title": "Theirs", "body": "Not mine to tell."})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "[{db}] {outside}");

    // The viewer reads the North's lines only.
    let viewer = Api::new(&served, VIEWER).await;
    let (status, list) = viewer
        .call("get", "/api/v1/returns", "/api/v1/returns", None)
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    assert_eq!(list["returns"][0]["code"], "FEB", "[{db}]");
    assert_eq!(list["returns"][0]["units"], 2, "[{db}] {list}");
    assert_eq!(list["returns"][0]["overdue"], 2, "[{db}] {list}");
    let (status, feb) = viewer
        .call("get", "/api/v1/returns/{code}", "/api/v1/returns/FEB", None)
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    let units: Vec<&str> = feb["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["ST1", "ST2"], "[{db}]");
    assert_eq!(feb["stories"].as_array().unwrap().len(), 2, "[{db}]");
    assert_eq!(feb["manageable"], false, "[{db}]");
    let (status, _) = viewer
        .call("get", "/api/v1/me/owed", "/api/v1/me/owed", None)
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    let (status, missing) = viewer
        .call(
            "get",
            "/api/v1/returns/{code}",
            "/api/v1/returns/NOPE",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "[{db}] {missing}");

    // A figure's history: state, steps and before and after.
    enter(&served, OWNER, &[("ST1", "2025-02", "7")]).await;
    step(&served, OWNER, Step::Submit, &[("ST1", "2025-02")]).await;
    let (status, history) = owner
        .call(
            "get",
            "/api/v1/values/history",
            "/api/v1/values/history?indicator=FRS01&org_unit=ST1&period=2025-02",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}] {history}");
    assert_eq!(history["state"], "submitted", "[{db}]");
    assert_eq!(history["history"][0]["action"], "submit", "[{db}]");
    let change = history["history"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "state")
        .unwrap()
        .clone();
    assert_eq!(
        (change["before"].clone(), change["after"].clone()),
        (json!("draft"), json!("submitted")),
        "[{db}]"
    );
    let (status, answer) = owner
        .call(
            "get",
            "/api/v1/values/history",
            "/api/v1/values/history?indicator=FRS01&org_unit=ST1",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        answer["message"], "period is missing: add it to the query string, as in period=2025-04",
        "[{db}]"
    );
    // The whole return: the North officer may not close one that also asks
    // the South; cancelling needs a reason; closed, nobody owes it.
    let officer = Api::new(&served, OFFICER).await;
    let (status, answer) = officer
        .call(
            "post",
            "/api/v1/returns/{code}/state",
            "/api/v1/returns/FEB/state",
            Some(json!({"state": "closed"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "[{db}] {answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("data return FEB also asks ST3, ST4, outside your scope"),
        "[{db}] {answer}"
    );
    let (status, answer) = admin
        .call(
            "post",
            "/api/v1/returns/{code}/state",
            "/api/v1/returns/FEB/state",
            Some(json!({"state": "cancelled"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{db}]");
    assert_eq!(
        (answer["field"].as_str(), answer["message"].as_str()),
        (
            Some("reason"),
            Some("say why the return is cancelled: it is shown to everyone asked")
        ),
        "[{db}]"
    );
    let (status, closed) = admin
        .call(
            "post",
            "/api/v1/returns/{code}/state",
            "/api/v1/returns/FEB/state",
            Some(json!({"state": "closed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "[{db}]");
    assert_eq!(closed["state"], "closed", "[{db}]");
    assert_eq!(closed["counts"][0]["completeness"], "overdue", "[{db}]");
    assert_eq!(
        closed["counts"][0]["units"], 0,
        "[{db}] closed: nobody is overdue"
    );
    let (_, owed) = owner
        .call("get", "/api/v1/me/owed", "/api/v1/me/owed", None)
        .await;
    assert_eq!(
        owed["owed"],
        json!([]),
        "[{db}] nobody owes a closed return"
    );

    // A viewer does not read a figure not yet approved, nor one outside scope.
    let (status, _) = viewer
        .call(
            "get",
            "/api/v1/values/history",
            "/api/v1/values/history?indicator=FRS01&org_unit=ST1&period=2025-02",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "[{db}]");
    let (status, _) = viewer
        .call(
            "get",
            "/api/v1/values/history",
            "/api/v1/values/history?indicator=FRS01&org_unit=ST3&period=2025-01",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "[{db}]");
}
