//! `stocktake report benchmark`: a district against its nearest
//! neighbours, typeset as PDF by the command, on SQLite and PostgreSQL.
//! The PDF's text names the unit and holds its figure, its rank of N and
//! the median; a period that cannot be read is refused saying how to write
//! one, and nothing is written.

use crate::support;

use support::databases;

/// The PDF's text, where `pdftotext` is installed (scripts/test.sh installs it).
fn pdf_text(path: &str) -> Option<String> {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_command_writes_a_districts_benchmarking_report_as_pdf() {
    for db in databases() {
        db.import(
            "org-units",
            "code,name,level,parent_code\nREG,Test Region,region,\nASH,Ashfield,district,REG\nBAS,Bassetlaw,district,REG\nMAN,Mansfield,district,REG\n",
        );
        db.import(
            "indicators",
            "code,title,kind,polarity,frequency,unit,decimals\nNI192,Household waste recycled,percentage,higher_is_better,year,%,1\n",
        );
        db.import(
            "values",
            "indicator,org_unit,period,value,note\nNI192,MAN,2023/24,30.6,\nNI192,ASH,2023/24,40.2,\nNI192,BAS,2023/24,25.1,\n",
        );
        db.import("neighbours", "unit,neighbour,rank\nMAN,ASH,1\nMAN,BAS,2\n");
        let out = db.file("mansfield.pdf", "");
        let said = db.ok(&[
            "report",
            "benchmark",
            "--unit",
            "MAN",
            "--period",
            "2023/24",
            "--out",
            &out,
        ]);
        assert!(
            said.contains("Wrote the benchmarking report of Mansfield for 2023/24 (1 indicator(s) against 2 neighbour(s)"),
            "{said}"
        );
        let pdf = std::fs::read(&out).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        if let Some(text) = pdf_text(&out) {
            for words in [
                "Benchmarking report",
                "Mansfield",
                "Household waste recycled",
                "30.6",
                "2 of 3",
                "40.2",
                "Ashfield",
            ] {
                assert!(text.contains(words), "{words:?} not in the PDF:\n{text}");
            }
        }

        let refused = db.fails(&[
            "report",
            "benchmark",
            "--unit",
            "MAN",
            "--period",
            "soon",
            "--out",
            &db.file("never.pdf", ""),
        ]);
        assert!(refused.contains("give a period such as"), "{refused}");
    }
}
