//! A corpus of hostile files (`tests/hostile/`), each imported on SQLite and
//! PostgreSQL: every one is refused with exactly the message expected, exit
//! status 1, and nothing written.

use crate::support;

use std::path::Path;

use support::databases;

const ORG_UNITS: &str = "code,name,level,parent_code\nS,Service,service,\nA,Station A,station,S\nB,Station B,station,S\n";
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,factor,decimals\n\
FIRES,Primary fires,count,lower_is_better,month,fires,,0\n\
CONF,Fires confined to the room of origin,ratio,higher_is_better,month,%,100,1\n\
RATE,Primary fires per 10000 people,ratio,lower_is_better,month,per 10000,10000,2\n";
const VALUES: &str = "indicator,org_unit,period,value\nFIRES,A,2024-04,3\n";

#[test]
fn every_hostile_file_is_refused_with_the_message_expected_and_nothing_written() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 35, "the corpus is there");
    for db in databases() {
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        db.import("values", VALUES);
        let before: Vec<String> = ["org-units", "indicators", "values", "targets"]
            .iter()
            .map(|kind| db.ok(&["export", kind]))
            .collect();
        let mut wrong = Vec::new();
        for file in &files {
            let name = file.file_name().unwrap().to_str().unwrap();
            let kind = ["values", "org-units", "indicators", "targets"]
                .into_iter()
                .find(|k| name.starts_with(&format!("{k}-")))
                .unwrap_or_else(|| panic!("{name} does not start with a file kind"));
            std::fs::copy(file, db.dir.path().join(name)).unwrap();
            let out = db.run(&["import", kind, name]);
            let printed = String::from_utf8_lossy(&out.stderr).into_owned();
            let expected_path = file.with_extension("expected");
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
                std::fs::write(&expected_path, &printed).unwrap();
                panic!("{name}: no .expected yet; wrote what was printed for you to read and keep")
            });
            if out.status.code() != Some(1) || printed != expected {
                wrong.push(format!(
                    "{name}: exit {:?}\n--- expected\n{expected}--- printed\n{printed}",
                    out.status.code()
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "[{}] {} of {} files not refused as expected:\n{}",
            db.name,
            wrong.len(),
            files.len(),
            wrong.join("\n")
        );
        let after: Vec<String> = ["org-units", "indicators", "values", "targets"]
            .iter()
            .map(|kind| db.ok(&["export", kind]))
            .collect();
        assert_eq!(before, after, "[{}] nothing was written", db.name);
    }
}
