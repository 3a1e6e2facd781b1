//! `stocktake backup`, `restore` and `check` through the real binary: the
//! demo backed up from one database kind and restored into the other gives
//! back every record; a backup taken during an import holds one moment;
//! a restore refuses what it should and writes nothing when it does.

use crate::support;

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;
use support::{Db, databases};

/// An archive read back: its header and each table's rows, as text lines.
struct Archive {
    header: Json,
    tables: Vec<(String, Vec<Json>)>,
}

fn read_archive(path: &Path) -> Archive {
    let file = std::fs::File::open(path).expect("the archive");
    let lines: Vec<String> = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .map(|l| l.expect("a line"))
        .collect();
    let header: Json = serde_json::from_str(&lines[0]).expect("a JSON header");
    let mut tables = Vec::new();
    let mut current: Option<(String, Vec<Json>)> = None;
    for line in &lines[1..] {
        let json: Json = serde_json::from_str(line).expect("a JSON line");
        if let Some(name) = json.get("table").and_then(Json::as_str) {
            current = Some((name.to_owned(), Vec::new()));
        } else if json.get("end").is_some() {
            tables.push(current.take().expect("a table was open"));
        } else if json.get("end_of_archive").is_some() {
            assert!(current.is_none(), "the archive ends inside a table");
        } else {
            current.as_mut().expect("a table is open").1.push(json);
        }
    }
    Archive { header, tables }
}

/// The rows, with booleans as 0 and 1 (SQLite keeps them so).
fn normalised(archive: &Archive) -> Vec<(String, Vec<Json>)> {
    fn cell(json: &Json) -> Json {
        match json {
            Json::Bool(b) => Json::from(i64::from(*b)),
            Json::Array(cells) => Json::Array(cells.iter().map(cell).collect()),
            other => other.clone(),
        }
    }
    archive
        .tables
        .iter()
        .map(|(t, rows)| (t.clone(), rows.iter().map(cell).collect()))
        .collect()
}

fn assert_same_records(a: &Archive, b: &Archive, what: &str) {
    let (a, b) = (normalised(a), normalised(b));
    let names = |x: &[(String, Vec<Json>)]| x.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: the same tables");
    for ((table, rows_a), (_, rows_b)) in a.iter().zip(&b) {
        assert_eq!(rows_a.len(), rows_b.len(), "{what}: rows of {table}");
        for (i, (x, y)) in rows_a.iter().zip(rows_b).enumerate() {
            assert_eq!(x, y, "{what}: table {table}, row {i}");
        }
    }
}

/// The demo database, made in a folder of its own.
fn demo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a folder");
    let out = Command::new(env!("CARGO_BIN_EXE_stocktake"))
        .args(["demo", "--no-serve"])
        .current_dir(dir.path())
        .env_remove("STOCKTAKE_DATABASE_URL")
        .output()
        .expect("the demo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = format!(
        "sqlite://{}",
        dir.path().join("stocktake-demo.db").display()
    );
    (dir, url)
}

fn stocktake(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stocktake"))
        .arg("--db")
        .arg(url)
        .args(args)
        .env_remove("STOCKTAKE_DATABASE_URL")
        .output()
        .expect("the stocktake binary runs")
}

fn ok(url: &str, args: &[&str]) -> String {
    let out = stocktake(url, args);
    assert!(
        out.status.success(),
        "stocktake {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// What a user reads off a database: the fire service's scorecard, a
/// council's, and every value exported.
fn readings(url: &str) -> Vec<String> {
    vec![
        ok(
            url,
            &[
                "scorecard",
                "--unit",
                "NFRS",
                "--period",
                "2025-03",
                "--format",
                "csv",
            ],
        ),
        ok(
            url,
            &[
                "scorecard",
                "--unit",
                "E07000176",
                "--period",
                "2023/24",
                "--format",
                "csv",
            ],
        ),
        ok(url, &["export", "values"]),
    ]
}

#[test]
fn the_demo_comes_back_whole_through_every_database_kind_and_back() {
    let (dir, demo_url) = demo();
    let dbs = databases();
    let first = dir.path().join("first.backup");
    ok(&demo_url, &["backup", "--out", first.to_str().unwrap()]);
    let original = read_archive(&first);
    assert_eq!(original.header["format"], "stocktake-backup");
    assert_eq!(original.header["source"], "sqlite");
    let tables: Vec<&str> = original.tables.iter().map(|(t, _)| t.as_str()).collect();
    for table in [
        "value",
        "target",
        "account",
        "audit",
        "data_return",
        "org_unit",
    ] {
        assert!(
            tables.contains(&table),
            "the archive holds {table}: {tables:?}"
        );
    }
    assert!(!tables.contains(&"session"), "sessions are left out");
    let values = &original
        .tables
        .iter()
        .find(|(t, _)| t == "value")
        .unwrap()
        .1;
    assert!(values.len() > 12_000, "the demo's values: {}", values.len());
    let before = readings(&demo_url);

    // Through each kind in turn (SQLite, then PostgreSQL where there is
    // one), and back into a fresh SQLite file at the end.
    let mut archive = first.clone();
    for (i, db) in dbs.iter().enumerate() {
        let out = ok(&db.url, &["restore", archive.to_str().unwrap()]);
        let _ = out;
        assert_eq!(readings(&db.url), before, "[{}] what users read", db.name);
        let next = dir.path().join(format!("from-{i}-{}.backup", db.name));
        ok(&db.url, &["backup", "--out", next.to_str().unwrap()]);
        let again = read_archive(&next);
        assert_eq!(again.header["source"], db.name);
        assert_same_records(&original, &again, &format!("after {}", db.name));
        ok(&db.url, &["check"]);
        archive = next;
    }
    let last = tempfile::tempdir().expect("a folder");
    let back = format!("sqlite://{}", last.path().join("back.db").display());
    ok(&back, &["restore", archive.to_str().unwrap()]);
    assert_eq!(readings(&back), before, "back in SQLite: what users read");
    let end = last.path().join("end.backup");
    ok(&back, &["backup", "--out", end.to_str().unwrap()]);
    assert_same_records(&original, &read_archive(&end), "back in SQLite");
}

#[test]
fn the_demo_taken_from_postgresql_comes_back_whole_in_sqlite_and_again_in_postgresql() {
    let dbs = databases();
    let Some(pg) = dbs.iter().find(|d| d.name == "postgres") else {
        eprintln!("note: no PostgreSQL server: the PostgreSQL-first direction is not tested");
        return;
    };
    let (dir, demo_url) = demo();
    let seed = dir.path().join("seed.backup");
    ok(&demo_url, &["backup", "--out", seed.to_str().unwrap()]);
    ok(&pg.url, &["restore", seed.to_str().unwrap()]);
    // A change made on PostgreSQL, so its own timestamps are in the trail.
    let note = pg.file("values.csv", "indicator,org_unit,period,value,numerator,denominator,note\nFRS01,NFRS-ARNOLD,2025-03,9,,,Checked against the incident log\n");
    ok(
        &pg.url,
        &[
            "import",
            "values",
            &note,
            "--reason",
            "a correction on PostgreSQL",
        ],
    );
    let from_pg = dir.path().join("from-pg.backup");
    ok(&pg.url, &["backup", "--out", from_pg.to_str().unwrap()]);
    let original = read_archive(&from_pg);
    assert_eq!(original.header["source"], "postgres");
    let before = readings(&pg.url);

    let sqlite = format!("sqlite://{}", dir.path().join("middle.db").display());
    ok(&sqlite, &["restore", from_pg.to_str().unwrap()]);
    assert_eq!(readings(&sqlite), before, "in SQLite: what users read");
    let middle = dir.path().join("middle.backup");
    ok(&sqlite, &["backup", "--out", middle.to_str().unwrap()]);
    assert_same_records(&original, &read_archive(&middle), "in SQLite");

    ok(&pg.url, &["restore", middle.to_str().unwrap(), "--replace"]);
    assert_eq!(
        readings(&pg.url),
        before,
        "back in PostgreSQL: what users read"
    );
    let end = dir.path().join("end.backup");
    ok(&pg.url, &["backup", "--out", end.to_str().unwrap()]);
    assert_same_records(&original, &read_archive(&end), "back in PostgreSQL");
}

const UNITS: &str = "code,name,level,parent_code\nE92000001,England,country,\n";

/// England and `wards` wards beneath it.
fn wards(wards: usize) -> String {
    let mut text = String::from(UNITS);
    for w in 0..wards {
        text.push_str(&format!("W{w:04},Ward {w},ward,E92000001\n"));
    }
    text
}

/// A values file of one count for each ward and month of 2000 to 2019,
/// each `value`.
fn counts(wards: usize, value: u32) -> String {
    let mut text = String::from("indicator,org_unit,period,value,numerator,denominator,note\n");
    for w in 0..wards {
        for m in 0..240 {
            let (year, month) = (2000 + m / 12, 1 + m % 12);
            text.push_str(&format!("C1,W{w:04},{year}-{month:02},{value},,,\n"));
        }
    }
    text
}

#[test]
fn a_backup_taken_while_an_import_runs_holds_the_state_of_one_moment() {
    for db in databases() {
        let wards_n = 40;
        let rows = wards_n * 240;
        db.import("org-units", &wards(wards_n));
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,decimals\nC1,Calls,count,lower_is_better,month,0\n",
        );
        db.import("values", &counts(wards_n, 1));
        let update = db.file("update.csv", &counts(wards_n, 2));
        let mut import = Command::new(env!("CARGO_BIN_EXE_stocktake"))
            .args(["--db", &db.url, "import", "values", &update])
            .env_remove("STOCKTAKE_DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the import starts");
        let mut taken = Vec::new();
        let mut started_during = 0;
        loop {
            let running = import.try_wait().expect("the import").is_none();
            let path = db.dir.path().join(format!("during-{}.backup", taken.len()));
            db.ok(&["backup", "--out", path.to_str().unwrap()]);
            started_during += usize::from(running);
            taken.push(path);
            if !running {
                break;
            }
        }
        let mut errors = String::new();
        import
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut errors)
            .unwrap();
        assert!(
            import.wait().unwrap().success(),
            "[{}] the import: {errors}",
            db.name
        );
        assert!(
            started_during >= 1,
            "[{}] no backup started while the import ran",
            db.name
        );
        for path in &taken {
            let archive = read_archive(path);
            let table = &archive.tables.iter().find(|(t, _)| t == "value").unwrap().1;
            let columns = archive.header["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == "value")
                .unwrap()["columns"]
                .clone();
            let at = columns
                .as_array()
                .unwrap()
                .iter()
                .position(|c| c == "value")
                .unwrap();
            let twos = table.iter().filter(|r| r[at].as_f64() == Some(2.0)).count();
            assert!(
                twos == 0 || twos == rows,
                "[{}] {}: {twos} of {rows} values changed: a backup must hold all of an import or none",
                db.name,
                path.display()
            );
        }
        // The last, restored, reads as the import left it.
        let restored = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", restored.path().join("r.db").display());
        ok(&url, &["restore", taken.last().unwrap().to_str().unwrap()]);
        let exported = ok(&url, &["export", "values"]);
        assert_eq!(exported.lines().filter(|l| l.contains(",2,")).count(), rows);
    }
}

fn gzip(text: &str) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    out.write_all(text.as_bytes()).unwrap();
    out.finish().unwrap()
}

fn fails(db: &Db, args: &[&str]) -> (i32, String) {
    let out = db.run(args);
    assert!(
        !out.status.success(),
        "stocktake {} should fail",
        args.join(" ")
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn restore_refuses_a_database_with_records_and_archives_it_cannot_trust() {
    for db in databases() {
        db.import("org-units", UNITS);
        let good = db.dir.path().join("good.backup");
        db.ok(&["backup", "--out", good.to_str().unwrap()]);
        let good = good.to_str().unwrap();

        // Into a database that holds records: refused, saying what it holds.
        let (code, message) = fails(&db, &["restore", good]);
        assert_eq!(code, 1, "[{}] {message}", db.name);
        assert!(
            message.contains("the database is not empty: it holds")
                && message.contains("org_unit (1)")
                && message.contains("pass --replace"),
            "[{}] {message}",
            db.name
        );

        let fresh = tempfile::tempdir().unwrap();
        let empty = format!("sqlite://{}", fresh.path().join("empty.db").display());
        let empty_db = Db {
            url: empty.clone(),
            name: "sqlite",
            dir: fresh,
        };
        let archive = {
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(std::fs::File::open(good).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            text
        };
        let write = |name: &str, bytes: &[u8]| {
            let path = empty_db.dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path.display().to_string()
        };

        // Cut short: refused, and nothing was written.
        let lines: Vec<&str> = archive.lines().collect();
        let cut = write("cut.backup", &gzip(&lines[..lines.len() - 3].join("\n")));
        let (code, message) = fails(&empty_db, &["restore", &cut]);
        assert_eq!(code, 1, "{message}");
        assert!(
            message.contains("the archive is cut short")
                && message.contains("nothing was restored"),
            "{message}"
        );

        // From a newer Stocktake: refused with what to do.
        let header: Json = serde_json::from_str(lines[0]).unwrap();
        let mut newer = header.clone();
        newer["schema"] = Json::from(9_999);
        let newer_text = std::iter::once(newer.to_string())
            .chain(lines[1..].iter().map(|l| l.to_string()))
            .collect::<Vec<_>>()
            .join("\n");
        let newer_path = write("newer.backup", &gzip(&newer_text));
        let (code, message) = fails(&empty_db, &["restore", &newer_path]);
        assert_eq!(code, 1, "{message}");
        assert!(
            message.contains("taken at schema version 9999, newer than this Stocktake knows"),
            "{message}"
        );

        // Not an archive at all.
        let csv = write("units.csv", UNITS.as_bytes());
        let (code, message) = fails(&empty_db, &["restore", &csv]);
        assert_eq!(code, 1, "{message}");
        assert!(message.contains("is not a Stocktake backup"), "{message}");

        // A damaged row: refused by line, with the column named.
        let at = lines.iter().position(|l| l.starts_with("[")).unwrap();
        let mut damaged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        damaged[at] = damaged[at].replacen('[', "[\"not a number\",", 1);
        let damaged = write("damaged.backup", &gzip(&damaged.join("\n")));
        let (_, message) = fails(&empty_db, &["restore", &damaged]);
        assert!(
            message.contains(&format!("backup archive, line {}", at + 1)),
            "{message}"
        );

        // After all of that the empty database is still empty: the good
        // archive restores into it without --replace.
        empty_db.ok(&["restore", good]);
        let units = empty_db.ok(&["export", "org-units"]);
        assert!(units.contains("E92000001,England,country"), "{units}");

        // With --replace, the records are replaced.
        db.import(
            "org-units",
            "code,name,level,parent_code\nE92000001,England,country,\nE12000004,East Midlands,region,E92000001\n",
        );
        db.ok(&["restore", good, "--replace"]);
        let units = db.ok(&["export", "org-units"]);
        assert!(
            !units.contains("E12000004"),
            "[{}] replaced: {units}",
            db.name
        );
    }
}

/// `tests/data/backup-schema-4.backup` was written by Stocktake at schema
/// version 4 (before benchmarking and later capabilities added their
/// tables): three units, the recycling rate, one value with its note and
/// an administrator, ann@example.org.
#[test]
fn an_archive_from_an_older_version_is_restored_and_brought_up_to_date() {
    let older = support::data("backup-schema-4.backup");
    for db in databases() {
        let out = db.run(&["restore", older.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "[{}] {said}", db.name);
        let now = db.dir.path().join("now.backup");
        db.ok(&["backup", "--out", now.to_str().unwrap()]);
        let latest = read_archive(&now).header["schema"].as_i64().unwrap();
        assert!(latest > 4, "the schema has moved on since version 4");
        assert!(
            said.contains(&format!("(schema version 4, brought up to {latest})")),
            "[{}] {said}",
            db.name
        );
        let values = db.ok(&["export", "values"]);
        assert!(
            values.contains("R,E07000176,2023/24,53.1,531,1000,Garden waste collections resumed"),
            "[{}] {values}",
            db.name
        );
        let people = db.ok(&["user", "list"]);
        assert!(people.contains("ann@example.org"), "[{}] {people}", db.name);
    }
}

/// Every table the migrations create, read from the migration files.
fn tables_the_migrations_create() -> Vec<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/sqlite");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(folder).expect("the migrations") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let line = line.trim().to_ascii_lowercase();
            if let Some(rest) = line.strip_prefix("create table ") {
                let name = rest
                    .trim_start_matches("if not exists ")
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap()
                    .to_owned();
                tables.push(name);
            }
        }
    }
    tables.sort();
    tables.dedup();
    tables
}

#[test]
fn every_table_the_migrations_create_is_in_the_archive_but_sessions_running_instances_and_identity()
{
    let tables = tables_the_migrations_create();
    assert!(tables.len() > 20, "the migrations were read: {tables:?}");
    for db in databases() {
        db.import("org-units", UNITS);
        let path = db.dir.path().join("all.backup");
        db.ok(&["backup", "--out", path.to_str().unwrap()]);
        let archive = read_archive(&path);
        let listed: Vec<&str> = archive.header["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        for table in &tables {
            // Sign-ins, the servers running now and the database's own
            // identity belong to this database's life, not to what it
            // records: a restored database has its own identity, so a
            // values snapshot of this one is never taken for it.
            if ["session", "app_instance", "database_identity"].contains(&table.as_str()) {
                assert!(
                    !listed.contains(&table.as_str()),
                    "[{}] {table} is left out",
                    db.name
                );
            } else {
                assert!(
                    listed.contains(&table.as_str()),
                    "[{}] table {table} is missing from the archive: {listed:?}",
                    db.name
                );
            }
        }
    }
}

#[test]
fn check_finds_a_value_that_disagrees_with_its_parts_and_an_orphaned_record() {
    let (dir, url) = demo();
    let clean = stocktake(&url, &["check"]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(String::from_utf8_lossy(&clean.stderr).contains("the database is sound"));

    // Damaged behind Stocktake's back, as a hand edit of the file would.
    let file = dir.path().join("stocktake-demo.db");
    let db = rusqlite::Connection::open(&file).unwrap();
    let (indicator, unit, period): (String, String, String) = db
        .query_row(
            "select i.code, u.code, v.period from value v join indicator i on i.id = v.indicator_id \
             join org_unit u on u.id = v.org_unit_id where i.code = 'FRS01' and u.code = 'NFRS-STOCKHILL' \
             and v.period = '2025-03'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the demo's March figure for Stockhill");
    db.execute(
        "update value set value = value + 1 where period = '2025-03' and \
         indicator_id = (select id from indicator where code = 'FRS01') and \
         org_unit_id = (select id from org_unit where code = 'NFRS-STOCKHILL')",
        [],
    )
    .unwrap();
    db.execute_batch(
        "pragma foreign_keys = off; \
         insert into org_group_member (group_id, org_unit_id) \
         values (9999, (select id from org_unit where code = 'NFRS-STOCKHILL'));",
    )
    .unwrap();
    drop(db);

    let out = stocktake(&url, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a damaged database fails the check"
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(&format!("value: {indicator} {unit} {period}: value "))
            && report.contains("is not numerator"),
        "{report}"
    );
    assert!(
        report.contains(
            "database: 1 rows of org_group_member.group_id name a org_group that is not there"
        ),
        "{report}"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("2 problems found"), "{said}");
}
