//! Improvement plans and projects through the pages and the API, on SQLite
//! and PostgreSQL: a performance officer builds a plan in the browser, the
//! page counts its action points and flags the overdue one, an action
//! carried forward shows in next year's plan with links both ways, and the
//! indicator's page lists it; a project's gates answer 422 with their
//! reasons through the API and the forms; a viewer reads but finds no
//! forms, and is refused if they post; the CSV download and import.

use crate::support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use stocktake::Role;
use stocktake::values::FileKind;

const ORG_UNITS: &str = "code,name,level,parent_code
NFRS,Nottinghamshire Fire and Rescue Service,service,
CITY,City group,group,NFRS
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
BVPI 142ii,Primary fires per 10000 population,count,lower_is_better,year,fires,1
";

const OFFICER: &str = "officer@notts-fire.example";
const VIEWER: &str = "viewer@notts-fire.example";

async fn form(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut fields: Vec<(&str, &str)> = fields.to_vec();
    fields.push(("csrf", csrf));
    let response = client
        .post(format!("{base}{path}"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, response.text().await.unwrap())
}

async fn page(client: &reqwest::Client, base: &str, path: &str) -> (StatusCode, String) {
    let response = client.get(format!("{base}{path}")).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn walk(url: &str, name: &str) {
    let served = support::serve_on(
        url,
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await;
    support::add_account(
        &served.app,
        OFFICER,
        Role::PerformanceOfficer,
        &["all"],
        &[],
    )
    .await;
    support::add_account(&served.app, VIEWER, Role::Viewer, &["all"], &[]).await;
    let base = &served.base;
    let (officer, csrf) = support::sign_in(base, OFFICER).await;

    // The plan, a theme and two action points, through the forms.
    let (status, location, _) = form(
        &officer,
        base,
        "/plans",
        &csrf,
        &[
            ("code", "CPA-2006"),
            ("title", "CPA improvement plan"),
            ("unit", "NFRS"),
            ("year", "2006/07"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "[{name}]");
    assert_eq!(location, "/plans/CPA-2006");
    form(
        &officer,
        base,
        "/plans/CPA-2006/themes",
        &csrf,
        &[
            ("reference", "1"),
            ("title", "Performance management"),
            ("lead_member", "Cllr Pat Lally"),
            ("project_manager", "ACFO Andy Beale"),
        ],
    )
    .await;
    for (reference, action, status) in [
        ("1.1", "Recruit business risk manager", "complete"),
        ("1.2", "Evaluate Performance Net", "in_progress"),
    ] {
        let (code, _, body) = form(
            &officer,
            base,
            "/plans/CPA-2006/actions",
            &csrf,
            &[
                ("theme", "1"),
                ("reference", reference),
                ("action", action),
                ("lead", "ACFO Andy Beale"),
                ("due_on", "2007-03-31"),
                ("status", status),
                ("indicators", "BVPI 142ii"),
            ],
        )
        .await;
        assert_eq!(code, StatusCode::SEE_OTHER, "[{name}] {body}");
    }
    // A bad date is refused with its field named, and nothing is added.
    let (status, _, body) = form(
        &officer,
        base,
        "/plans/CPA-2006/actions",
        &csrf,
        &[
            ("theme", "1"),
            ("reference", "1.3"),
            ("action", "Review business risk"),
            ("due_on", "31/03/2007"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{name}]");
    assert!(
        body.contains("is not a date: give it as YYYY-MM-DD"),
        "{body}"
    );

    let (_, html) = page(&officer, base, "/plans/CPA-2006").await;
    assert!(
        html.contains("2 action points: 1 in progress, 1 complete"),
        "[{name}] {html}"
    );
    assert!(html.contains("1 action point is overdue"), "[{name}]");
    assert!(html.contains("Cllr Pat Lally"));

    // Carry 1.2 forward into a new 2007/08 plan.
    let token = support::token(&served.app, OFFICER, false).await;
    let api = reqwest::Client::new();
    let plan: Value = api
        .get(format!("{base}/api/v1/plans/CPA-2006"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let evaluate = plan["themes"][0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["reference"] == "1.2")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, location, _) = form(
        &officer,
        base,
        &format!("/actions/{evaluate}/carry-forward"),
        &csrf,
        &[("plan", "BP-2007"), ("title", "Business plan")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "[{name}]");
    let (_, continuing) = page(&officer, base, &location).await;
    assert!(
        continuing.contains("Action point 1.2 of CPA-2006</a> (2006/07)"),
        "[{name}] {continuing}"
    );
    let (_, next) = page(&officer, base, "/plans/BP-2007").await;
    assert!(
        next.contains("1 action point: 1 in progress"),
        "[{name}] {next}"
    );
    assert!(next.contains("Evaluate Performance Net"));
    assert!(next.contains("follows on from <a href=\"/plans/CPA-2006\">"));
    let (_, old) = page(&officer, base, "/plans/CPA-2006").await;
    assert!(
        old.contains("2 action points: 1 complete, 1 carried forward"),
        "[{name}] {old}"
    );
    assert!(old.contains("continues in <a href=\"/plans/BP-2007\">"));
    assert!(
        !old.contains("is overdue"),
        "a carried action is not overdue"
    );

    // The indicator's page lists the actions that address it.
    let (_, indicator) = page(&officer, base, "/indicators/BVPI%20142ii?unit=NFRS").await;
    assert!(
        indicator.contains("Actions and projects that address it"),
        "[{name}]"
    );
    assert!(indicator.contains("1.2 of BP-2007"), "[{name}] {indicator}");

    // The download, and an import refused whole.
    let (status, csv) = page(&officer, base, "/export/plans/CPA-2006-actions.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("1.1,Recruit business risk manager,ACFO Andy Beale,2007-03-31,Complete"),
        "{csv}"
    );
    let upload = reqwest::multipart::Form::new()
        .text("kind", "actions")
        .text("plan", "CPA-2006")
        .part(
            "file",
            reqwest::multipart::Part::bytes(
                b"theme,ref,action,status\n1,1.4,Roll out Performance Net,complete\n2,1.5,Improve BVPIs,complete\n"
                    .to_vec(),
            )
            .file_name("actions.csv"),
        );
    let response = officer
        .post(format!("{base}/import/plans?csrf={csrf}"))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("Line 3, column theme: plan CPA-2006 has no theme"),
        "[{name}] {text}"
    );
    let (_, unchanged) = page(&officer, base, "/plans/CPA-2006").await;
    assert!(!unchanged.contains("Roll out Performance Net"));

    // A project's gates, through the API.
    let post = |path: &str, body: Value| {
        api.post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let response = post(
        "/api/v1/projects",
        json!({"code": "TRACK-HFSC", "title": "Home fire safety checks", "unit": "NFRS",
            "health_safety": "Pairs", "equality_impact": "Positive"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "[{name}]");
    let refused = post(
        "/api/v1/projects/TRACK-HFSC/updates",
        json!({"progress": "400 checks", "rag": "green"}),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["message"],
        "project TRACK-HFSC is proposed, not yet approved: updates start once the scrutiny group approves it"
    );
    let refused = post(
        "/api/v1/projects/TRACK-HFSC/decision",
        json!({"outcome": "approve", "body": "PaCT", "text": "Approved"}),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("without its risk analysis and stakeholder analysis"),
        "{body}"
    );
    post(
        "/api/v1/projects",
        json!({"code": "TRACK-HFSC", "title": "Home fire safety checks", "unit": "NFRS",
            "health_safety": "Pairs", "equality_impact": "Positive", "risk_analysis": "Low",
            "stakeholder_analysis": "Age UK"}),
    )
    .await
    .unwrap();
    let approved = post(
        "/api/v1/projects/TRACK-HFSC/decision",
        json!({"outcome": "approve", "body": "PaCT", "decided_on": "2007-07-02", "text": "Approved"}),
    )
    .await
    .unwrap();
    assert_eq!(approved.status(), StatusCode::OK);
    // Through the form: an update, and a closure without the lessons refused.
    let (status, _, _) = form(
        &officer,
        base,
        "/projects/TRACK-HFSC/updates",
        &csrf,
        &[
            ("updated_on", "2007-08-15"),
            ("progress", "400 checks done"),
            ("rag", "amber"),
            ("issues", "Referrals slow"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = form(
        &officer,
        base,
        "/projects/TRACK-HFSC/closure",
        &csrf,
        &[("what_worked", "Joint visits")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("cannot close without its evaluation: say the lessons learned"),
        "{body}"
    );
    let (_, project) = page(&officer, base, "/projects/TRACK-HFSC?quarter=2007/08%20Q2").await;
    assert!(project.contains("status--amber"), "RAG as colour");
    assert!(
        project.contains("<span class=\"status__label\">Amber</span>"),
        "and as words"
    );
    assert!(
        project.contains("2007/08 Q2: 2007-07-01 to 2007-09-30"),
        "[{name}] {project}"
    );
    assert!(
        project.contains("Approved</span> by PaCT on 2007-07-02"),
        "[{name}] {project}"
    );

    // A viewer reads everything but has no forms, and is refused a post.
    let (viewer, viewer_csrf) = support::sign_in(base, VIEWER).await;
    let (status, html) = page(&viewer, base, "/plans/CPA-2006").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2 action points"));
    assert!(!html.contains("action=\"/plans/CPA-2006/actions\""));
    let (status, _, _) = form(
        &viewer,
        base,
        &format!("/actions/{evaluate}/carry-forward"),
        &viewer_csrf,
        &[("plan", "")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "[{name}]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_and_projects_through_the_pages_and_api_on_both_databases() {
    for (url, name) in support::database_urls("plans") {
        walk(&url, name).await;
    }
}
