//! The audit trail as an auditor checks it: a change made through each face
//! (a web page, the API, the command line) is there with who made it, the
//! face it came through and the figure before and after; a change that
//! fails leaves no line. Run against the real binary, serving the database,
//! on SQLite and (when `STOCKTAKE_TEST_POSTGRES` is set) PostgreSQL.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use support::databases;

const ORG_UNITS: &str = "code,name,level,parent_code\nFRS,Test Fire and Rescue Service,service,\nNORTH,North District,district,FRS\nST1,Station One,station,NORTH\n";
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals\nFRS01,Primary fires,count,lower_is_better,month,fires,0\n";
const PASSWORD: &str = "correct horse battery staple";
const ADMIN: &str = "admin@test.example";
const KEY: &str = "FRS01|ST1|2025-01";

/// `stocktake serve` on the test's database.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &support::Db) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stocktake"))
            .args(["--db", &db.url, "serve", "--bind", "127.0.0.1:0"])
            .env_remove("STOCKTAKE_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server says where it listens");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser signed in as `email`, and its form token.
async fn sign_in(base: &str, email: &str) -> (reqwest::Client, String) {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = browser
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    let csrf = html[at..at + 64].to_owned();
    let response = browser
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} signs in");
    (browser, csrf)
}

/// The trail's lines, newest first, as `stocktake audit --format json` gives them.
fn trail(db: &support::Db, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "--format", "json", "--limit", "1000"];
    args.extend(filters);
    serde_json::from_str(&db.ok(&args)).expect("the trail as JSON")
}

/// The value recorded on one side of a line.
fn figure(line: &Value, side: &str) -> f64 {
    line[side]["value"].as_f64().unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_each_face_shows_in_the_trail_and_a_failed_one_leaves_no_line() {
    for db in databases() {
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        let token = db.token_for(ADMIN, "admin");
        // The figure is its owner's draft (one imported by the machine's
        // administrator would be approved, so locked).
        let password = db.file("owner-password.txt", &format!("{PASSWORD}\n"));
        db.ok(&[
            "user",
            "add",
            "owner@test.example",
            "--name",
            "Owner",
            "--role",
            "owner",
            "--scope",
            "all",
            "--owns",
            "FRS01",
            "--password-file",
            &password,
        ]);
        let first = db.file(
            "first.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-01,10,\n",
        );
        db.ok(&["--as", "owner@test.example", "import", "values", &first]);
        let server = Server::start(&db);
        let value_lines = || trail(&db, &["--record-type", "value", "--record-key", KEY]);
        // A bulk import counts the values it adds on its own line; the
        // changes to stored values are listed one by one.
        assert_eq!(value_lines().len(), 0, "[{}] {:#?}", db.name, value_lines());

        // The API: 10 becomes 12.
        let api = reqwest::Client::new();
        let response = api
            .post(format!("{}/api/v1/values", server.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"values": [
                {"indicator": "FRS01", "org_unit": "ST1", "period": "2025-01", "value": 12}
            ]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

        // A web page: the entry form, 12 becomes 14.
        let (browser, csrf) = sign_in(&server.base, ADMIN).await;
        let response = browser
            .post(format!("{}/entry/ST1?period=2025-01", server.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("1.indicator", "FRS01"),
                ("1.value", "14"),
                // What an administrator saves is approved: changing it needs a reason.
                ("reason", "Two late incident reports"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());

        // The command line, acting as the administrator: 14 becomes 16.
        let file = db.file(
            "change.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-01,16,\n",
        );
        db.ok(&[
            "--as",
            ADMIN,
            "import",
            "values",
            &file,
            "--reason",
            "Audit of March returns",
        ]);

        let lines = value_lines();
        assert_eq!(lines.len(), 3, "[{}] {lines:#?}", db.name);
        let by_face: Vec<(&str, &str, f64, f64)> = lines[..3]
            .iter()
            .map(|l| {
                (
                    l["interface"].as_str().unwrap(),
                    l["actor"].as_str().unwrap(),
                    figure(l, "before"),
                    figure(l, "after"),
                )
            })
            .collect();
        assert_eq!(
            by_face,
            vec![
                ("cli", ADMIN, 14.0, 16.0),
                ("web", ADMIN, 12.0, 14.0),
                ("api", ADMIN, 10.0, 12.0),
            ],
            "[{}] newest first, each with its face, who and the figure before and after",
            db.name
        );
        assert!(
            lines[..3]
                .iter()
                .all(|l| l["action"] == "update" && l["record_key"] == KEY),
            "[{}] {lines:#?}",
            db.name
        );
        assert_eq!(lines[0]["reason"], "Audit of March returns");
        assert_eq!(lines[1]["reason"], "Two late incident reports");
        // The field that changed, in words, as the trail's pages show it.
        assert!(
            lines[0]["changes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["field"] == "value" && c["before"] == "14" && c["after"] == "16"),
            "[{}] {}",
            db.name,
            lines[0]
        );
        // The record's own history says the same.
        let history: Vec<Value> =
            serde_json::from_str(&db.ok(&["history", "value", KEY, "--format", "json"])).unwrap();
        assert_eq!(history, lines, "[{}] history", db.name);

        // Changes that fail leave no line, whichever face they came through.
        let everything = trail(&db, &[]).len();
        let response = api
            .post(format!("{}/api/v1/values", server.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"reason": "Testing", "values": [
                {"indicator": "FRS01", "org_unit": "ST1", "period": "2025-01", "value": 99},
                {"indicator": "FRS01", "org_unit": "NOWHERE", "period": "2025-01", "value": 1}
            ]}))
            .send()
            .await
            .unwrap();
        // One bad line: the whole batch is refused, the good line too.
        assert_eq!(response.status(), 422, "{}", response.text().await.unwrap());
        let response = browser
            .post(format!("{}/entry/ST1?period=2025-01", server.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("1.indicator", "FRS01"),
                ("1.value", "lots"),
                ("reason", "Testing"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "the form shows its error");
        let bad = db.file(
            "bad.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-01,99,\nFRS01,ST1,2025-02,many,\n",
        );
        db.fails(&[
            "--as", ADMIN, "import", "values", &bad, "--reason", "Testing",
        ]);
        // An account change refused part way: a scope naming no unit.
        let response = api
            .patch(format!("{}/api/v1/accounts/{ADMIN}", server.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"role": "viewer"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "no demoting oneself");
        db.fails(&["user", "scope", ADMIN, "unit:NOWHERE"]);
        assert_eq!(
            trail(&db, &[]).len(),
            everything,
            "[{}] no line for a change that failed: {:#?}",
            db.name,
            &trail(&db, &[])[..3]
        );
        let figure_now = value_lines();
        assert_eq!(figure(&figure_now[0], "after"), 16.0);

        // And a change of account through a web page: before and after.
        let response = browser
            .post(format!("{}/admin/accounts/{ADMIN}", server.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "Ann Administrator"),
                ("role", "admin"),
                ("scope_all", "all"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let account = trail(&db, &["--record-type", "account", "--record-key", ADMIN]);
        assert_eq!(account[0]["interface"], "web");
        assert_eq!(account[0]["before"]["name"], "Test");
        assert_eq!(account[0]["after"]["name"], "Ann Administrator");
    }
}
