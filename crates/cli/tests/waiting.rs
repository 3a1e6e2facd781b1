//! Writes that wait: while a long command-line import holds the database's
//! write lock (SQLite allows one writer at a time), the server's writes queue
//! behind it and complete when it ends, within the write wait; past it, the
//! client is told 503 with `Retry-After`, never a 500. On PostgreSQL the
//! import locks only the rows it writes, so writes to others go through.

use crate::support;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::databases;

/// A server on the test's database, with the write wait given.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &support::Db, write_wait_seconds: u32) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stocktake"))
            .args(["--db", &db.url, "serve", "--bind", "127.0.0.1:0"])
            .env(
                "STOCKTAKE_WRITE_WAIT_SECONDS",
                write_wait_seconds.to_string(),
            )
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

/// One answer to a write.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
    during_import: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_during_a_long_import_answer_200_or_503_never_500() {
    for db in databases() {
        // 400 units x 120 months x 3 indicators: an import that takes seconds.
        let mut units = String::from("code,name,level,parent_code\nALL,All,country,\n");
        for u in 0..400 {
            writeln!(units, "U{u:03},Unit {u},district,ALL").unwrap();
        }
        db.import("org-units", &units);
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency\nA,A,count,lower_is_better,month\nB,B,count,lower_is_better,month\nC,C,count,lower_is_better,month\nW,Written during the import,count,lower_is_better,month\n",
        );
        let mut values = String::from("indicator,org_unit,period,value\n");
        for indicator in ["A", "B", "C"] {
            for u in 0..400 {
                for m in 0..120 {
                    writeln!(
                        values,
                        "{indicator},U{u:03},{}-{:02},{m}",
                        2015 + m / 12,
                        m % 12 + 1
                    )
                    .unwrap();
                }
            }
        }
        let big = db.file("big.csv", &values);

        let token = db.token_for("writer@test.example", "performance_officer");
        let server = Server::start(&db, 1);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let mut import = Command::new(env!("CARGO_BIN_EXE_stocktake"))
            .args(["--db", &db.url, "import", "values", &big])
            .env_remove("STOCKTAKE_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the import starts");
        let started = Instant::now();
        let mut answers = Vec::new();
        let mut month = 0;
        loop {
            let running = import.try_wait().unwrap().is_none();
            month += 1;
            let period = format!("{}-{:02}", 2000 + month / 12, month % 12 + 1);
            let response = client
                .post(format!("{}/api/v1/values", server.base))
                .json(&serde_json::json!({"values": [
                    {"indicator": "W", "org_unit": "U001", "period": period, "value": month}
                ]}))
                .send()
                .await
                .expect("the server answers");
            answers.push(Answer {
                status: response.status().as_u16(),
                retry_after: response
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_owned()),
                body: response.text().await.unwrap(),
                during_import: running,
            });
            if !running {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "the import should end"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let out = import.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "[{}] the import: {}",
            db.name,
            String::from_utf8_lossy(&out.stderr)
        );

        let during: Vec<&Answer> = answers.iter().filter(|a| a.during_import).collect();
        assert!(
            !during.is_empty(),
            "[{}] no write was tried while the import ran",
            db.name
        );
        for a in &answers {
            match a.status {
                200 => {}
                503 => {
                    assert!(
                        a.retry_after.is_some(),
                        "[{}] 503 without Retry-After: {a:?}",
                        db.name
                    );
                    assert!(
                        a.body
                            .contains("busy with another write (an import, most likely)"),
                        "[{}] {a:?}",
                        db.name
                    );
                }
                _ => panic!("[{}] a write answered {}: {a:?}", db.name, a.status),
            }
        }
        // Once the import has ended every write goes through.
        let last = answers.last().unwrap();
        assert_eq!(last.status, 200, "[{}] {last:?}", db.name);
        // What was acknowledged is there.
        let saved = answers.iter().filter(|a| a.status == 200).count();
        let (status, listed) = {
            let response = client
                .get(format!(
                    "{}/api/v1/values?indicator=W&org_unit=U001&limit=100000",
                    server.base
                ))
                .send()
                .await
                .unwrap();
            (
                response.status(),
                response.json::<serde_json::Value>().await.unwrap(),
            )
        };
        assert_eq!(status, 200);
        assert_eq!(
            listed["values"].as_array().unwrap().len(),
            saved,
            "[{}] every acknowledged write is stored",
            db.name
        );
        eprintln!(
            "[{}] {} writes while the import ran: {} saved, {} told to retry",
            db.name,
            during.len(),
            during.iter().filter(|a| a.status == 200).count(),
            during.iter().filter(|a| a.status == 503).count()
        );
    }
}
