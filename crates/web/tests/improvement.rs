//! The improvement side's front page, as an officer meets it from the main
//! navigation: one item, leading to every part, each page of which marks
//! the item as the section it is in.

mod support;

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
