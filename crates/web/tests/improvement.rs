//! The improvement side's front page, as an officer meets it from the main
//! navigation: one item, leading to every part, each page of which marks
//! the item as the section it is in.

use crate::support;

use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_navigation_item_leads_to_every_part_of_improvement() {
    let served = support::serve(&[]).await;
    let (browser, _) = support::sign_in(&served.base, support::ADMIN).await;
    let get = |path: &'static str| {
        let browser = browser.clone();
        let base = served.base.clone();
        async move {
            let response = browser.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    let hub = get("/improvement").await;
    for (href, name) in [
        ("/goals", "Goals"),
        ("/risks", "Risk registers"),
        ("/plans", "Improvement plans"),
        ("/plans#programmes", "Work programmes"),
        ("/plans#projects", "Projects"),
        ("/partnerships", "Partnership register"),
        ("/budgets", "Budgets"),
    ] {
        assert!(
            hub.contains(&format!("<a href=\"{href}\">{name}</a>")),
            "{name}: {hub}"
        );
    }
    assert!(
        hub.contains("<a href=\"/improvement\" aria-current=\"page\">Improvement</a>"),
        "{hub}"
    );
    for path in ["/goals", "/risks", "/plans", "/partnerships", "/budgets"] {
        let page = get(path).await;
        assert!(
            page.contains("<a href=\"/improvement\" aria-current=\"true\">Improvement</a>"),
            "{path} is in the improvement section: {page}"
        );
    }
}

/// The list of action point statuses is read by anyone signed in and kept
/// by administrators on its page: a new status joins the list and a plan's
/// counts; a viewer sees no form and is refused; a status both done and
/// carried forward, or a second carried-forward one, is refused saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_keep_the_list_of_action_statuses() {
    let served = support::serve(&[]).await;
    support::add_account(
        &served.app,
        "viewer@council.example",
        stocktake::Role::Viewer,
        &["all"],
        &[],
    )
    .await;
    let (admin, csrf) = support::sign_in(&served.base, support::ADMIN).await;
    let post =
        |client: reqwest::Client, csrf: String, fields: Vec<(&'static str, &'static str)>| {
            let base = served.base.clone();
            async move {
                let mut form: Vec<(&str, &str)> = fields;
                form.push(("csrf", &csrf));
                client
                    .post(format!("{base}/action-statuses"))
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            }
        };
    let saved = post(
        admin.clone(),
        csrf.clone(),
        vec![
            ("code", "deferred"),
            ("name", "Deferred to the next review"),
            ("counts_as", "neither"),
            ("position", "9"),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let statuses = served
        .app
        .action_statuses(&support::tester())
        .await
        .unwrap();
    let deferred = statuses.iter().find(|s| s.code == "deferred").unwrap();
    assert_eq!(deferred.name, "Deferred to the next review");
    assert!(!deferred.done && !deferred.carried_forward);

    let second = post(
        admin.clone(),
        csrf.clone(),
        vec![
            ("code", "rolled"),
            ("name", "Rolled over"),
            ("counts_as", "carried_forward"),
        ],
    )
    .await;
    assert_eq!(second.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = second.text().await.unwrap();
    assert!(
        body.contains("is already the status carried actions take: there is only one"),
        "{body}"
    );

    let (viewer, viewer_csrf) = support::sign_in(&served.base, "viewer@council.example").await;
    let page = viewer
        .get(format!("{}/action-statuses", served.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Deferred to the next review"), "{page}");
    assert!(page.contains("<td>Carried forward</td>"), "{page}");
    assert!(!page.contains("Save the status"), "a viewer keeps nothing");
    let refused = post(viewer, viewer_csrf, vec![("code", "x"), ("name", "X")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
