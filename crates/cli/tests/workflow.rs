//! The data workflow and data returns from the command line, through the
//! real binary on SQLite and (when `STOCKTAKE_TEST_POSTGRES` is set)
//! PostgreSQL: values submitted, approved, returned and reopened, each with
//! its message and each refusal saying why; targets ratified and listed;
//! returns opened, shown, units waived or cancelled with a reason, and
//! whole returns cancelled, opened again and closed.

use crate::support;

use support::{Db, csv_rows, databases};

const ORG_UNITS: &str = "code,name,level,parent_code
FRS,Test Fire and Rescue Service,service,
NORTH,North District,district,FRS
SOUTH,South District,district,FRS
ST1,Station One,station,NORTH
ST2,Station Two,station,SOUTH
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FRS01,Primary fires,count,lower_is_better,month,fires,0
FRS02,Smoke alarms fitted,count,higher_is_better,month,alarms,0
";

const OWNER: &str = "owner@test.example";
const OFFICER: &str = "officer@test.example";
const VIEWER: &str = "viewer@test.example";

/// Adds an account working in the North.
fn add(db: &Db, email: &str, name: &str, role: &str, owns: &[&str]) {
    let password = db.file("password.txt", "correct horse battery staple\n");
    let mut args = vec![
        "user",
        "add",
        email,
        "--name",
        name,
        "--role",
        role,
        "--scope",
        "unit:NORTH",
        "--password-file",
        &password,
    ];
    for code in owns {
        args.extend(["--owns", code]);
    }
    db.ok(&args);
}

/// Runs a command as `email` that must succeed; returns what it said on
/// standard error (where the commands report what they did) and output.
fn said(db: &Db, email: &str, args: &[&str]) -> (String, String) {
    let mut all = vec!["--as", email];
    all.extend_from_slice(args);
    let out = db.run(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "[{}] stocktake {} failed:\n{stderr}",
        db.name,
        all.join(" ")
    );
    (
        stderr.trim().to_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs a command as `email` that must fail; returns its error.
fn refused(db: &Db, email: &str, args: &[&str]) -> String {
    let mut all = vec!["--as", email];
    all.extend_from_slice(args);
    db.fails(&all)
}

const FEBRUARY: [&str; 6] = [
    "--indicator",
    "FRS01",
    "--unit",
    "ST1",
    "--period",
    "2025-02",
];

fn with<'a>(step: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = step.to_vec();
    args.extend_from_slice(&FEBRUARY);
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_value_is_submitted_approved_returned_and_reopened_from_the_command_line_with_each_refusal_explained()
 {
    for db in databases() {
        let name = db.name;
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        add(&db, OWNER, "Owen Owner", "owner", &["FRS01"]);
        add(&db, OFFICER, "Olive Officer", "performance_officer", &[]);
        add(&db, VIEWER, "Vera Viewer", "viewer", &[]);
        let file = db.file(
            "february.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-02,7,A quiet month\n",
        );
        said(&db, OWNER, &["import", "values", &file]);

        // A draft: the viewer may not submit it, nor the officer approve it yet.
        let error = refused(&db, VIEWER, &with(&["values", "submit"], &[]));
        assert!(
            error.contains(
                "only the indicator's owner (or a performance officer) may submit its values, within their scope"
            ),
            "[{name}] {error}"
        );
        let error = refused(&db, OFFICER, &with(&["values", "approve"], &[]));
        assert!(
            error.contains(
                "the value of FRS01 for ST1 in 2025-02 is draft, not submitted, so it cannot be approved: nothing was changed"
            ),
            "[{name}] {error}"
        );

        let (message, _) = said(&db, OWNER, &with(&["values", "submit"], &[]));
        assert_eq!(
            message, "1 value submitted for approval: now submitted",
            "[{name}]"
        );
        let (_, listed) = said(
            &db,
            OFFICER,
            &["values", "list", "--state", "submitted", "--format", "csv"],
        );
        assert_eq!(
            csv_rows(&listed),
            [
                ["indicator", "org_unit", "period", "value", "state", "note"],
                ["FRS01", "ST1", "2025-02", "7", "submitted", "A quiet month"]
            ],
            "[{name}]"
        );
        let error = refused(&db, OWNER, &with(&["values", "approve"], &[]));
        assert!(
            error.contains(
                "only a performance officer or an administrator may approve, return or reopen values"
            ),
            "[{name}] an owner may not approve their own figure: {error}"
        );

        // Returned: only with a reason.
        let error = refused(&db, OFFICER, &with(&["values", "return"], &[]));
        assert!(
            error.contains(
                "say why you return these values: the owner sees it, and it is kept in the audit trail"
            ),
            "[{name}] {error}"
        );
        let (message, _) = said(
            &db,
            OFFICER,
            &with(
                &["values", "return"],
                &["--reason", "Two calls counted twice"],
            ),
        );
        assert_eq!(
            message, "1 value returned to their owners: now draft",
            "[{name}]"
        );

        said(&db, OWNER, &with(&["values", "submit"], &[]));
        let (message, _) = said(&db, OFFICER, &with(&["values", "approve"], &[]));
        assert_eq!(message, "1 value approved: now approved", "[{name}]");

        // Reopened with a reason, once.
        let error = refused(&db, OFFICER, &with(&["values", "reopen"], &[]));
        assert!(
            error.contains("say why you reopen these values"),
            "[{name}] {error}"
        );
        let (message, _) = said(
            &db,
            OFFICER,
            &with(&["values", "reopen"], &["--reason", "Late call logs found"]),
        );
        assert_eq!(message, "1 value reopened: now draft", "[{name}]");
        let error = refused(
            &db,
            OFFICER,
            &with(&["values", "reopen"], &["--reason", "Again"]),
        );
        assert!(
            error.contains(
                "the value of FRS01 for ST1 in 2025-02 is draft, not approved, so it cannot be reopened: nothing was changed"
            ),
            "[{name}] {error}"
        );
        // Outside the officer's scope: refused.
        let error = refused(
            &db,
            OFFICER,
            &[
                "values",
                "approve",
                "--indicator",
                "FRS01",
                "--unit",
                "ST2",
                "--period",
                "2025-02",
            ],
        );
        assert!(error.contains("ST2"), "[{name}] {error}");
    }
}

#[test]
fn targets_are_ratified_and_listed_from_the_command_line() {
    for db in databases() {
        let name = db.name;
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        add(&db, OFFICER, "Olive Officer", "performance_officer", &[]);
        // Proposed, not ratified: imported without --ratify.
        let proposed = db.file(
            "proposed.csv",
            "indicator,org_unit,period,target,tolerance\nFRS01,ST1,2025/26,100,5\nFRS01,ST2,2025/26,90,5\n",
        );
        db.ok(&["import", "targets", &proposed]);
        let (_, listed) = said(
            &db,
            OFFICER,
            &["targets", "list", "--proposed", "--format", "csv"],
        );
        let rows = csv_rows(&listed);
        assert_eq!(
            rows[0],
            [
                "indicator",
                "org_unit",
                "period",
                "target",
                "tolerance",
                "state",
                "proposed_by",
                "ratified_by"
            ],
            "[{name}]"
        );
        assert_eq!(rows.len(), 2, "[{name}] the North's target only: {rows:?}");
        assert_eq!(
            &rows[1][..6],
            ["FRS01", "ST1", "2025/26", "100", "5", "proposed"]
        );

        let error = refused(
            &db,
            OFFICER,
            &[
                "targets",
                "ratify",
                "--indicator",
                "FRS01",
                "--unit",
                "ST2",
                "--period",
                "2025/26",
            ],
        );
        assert!(
            error.contains("ST2"),
            "[{name}] outside the officer's scope: {error}"
        );
        let (message, _) = said(
            &db,
            OFFICER,
            &[
                "targets",
                "ratify",
                "--indicator",
                "FRS01",
                "--unit",
                "ST1",
                "--period",
                "2025/26",
                "--reason",
                "Performance Committee, 12 March 2025",
            ],
        );
        assert_eq!(
            message, "1 target ratified: it judges figures from now on",
            "[{name}]"
        );
        let (_, listed) = said(
            &db,
            OFFICER,
            &["targets", "list", "--ratified", "--format", "csv"],
        );
        let rows = csv_rows(&listed);
        assert_eq!(rows.len(), 2, "[{name}] {rows:?}");
        assert_eq!(rows[1][5], "ratified", "[{name}]");
        assert!(rows[1][7].contains(OFFICER), "[{name}] {:?}", rows[1]);
        let still = db.ok(&["targets", "list", "--proposed", "--format", "csv"]);
        assert!(
            still.contains("FRS01,ST2,2025/26") && !still.contains("FRS01,ST1,"),
            "[{name}] the South's is still proposed: {still}"
        );
    }
}

#[test]
fn returns_are_opened_shown_waived_and_cancelled_from_the_command_line() {
    for db in databases() {
        let name = db.name;
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        add(&db, OWNER, "Owen Owner", "owner", &["FRS01"]);
        add(&db, OFFICER, "Olive Officer", "performance_officer", &[]);
        add(&db, VIEWER, "Vera Viewer", "viewer", &[]);

        let open = |code: &'static str| {
            vec![
                "returns",
                "open",
                "--code",
                code,
                "--title",
                "February figures",
                "--period",
                "2025-02",
                "--deadline",
                "2025-03-15",
                "--indicator",
                "FRS01",
            ]
        };
        let error = refused(&db, OWNER, &[open("FEB"), vec!["--unit", "ST1"]].concat());
        assert!(error.contains("open data returns"), "[{name}] {error}");
        let error = refused(&db, OFFICER, &[open("FEB"), vec!["--unit", "ST2"]].concat());
        assert!(
            error.contains("ST2"),
            "[{name}] outside the officer's scope: {error}"
        );
        let error = refused(
            &db,
            OFFICER,
            &[
                "returns",
                "open",
                "--code",
                "FEB",
                "--title",
                "February figures",
                "--period",
                "2025-02",
                "--deadline",
                "15/03/2025",
                "--indicator",
                "FRS01",
                "--unit",
                "ST1",
            ],
        );
        assert!(
            error.contains("\"15/03/2025\" is not a date: give the last day as YYYY-MM-DD"),
            "[{name}] {error}"
        );
        let (message, _) = said(&db, OFFICER, &[open("FEB"), vec!["--unit", "ST1"]].concat());
        assert_eq!(
            message,
            "data return FEB opened: 1 unit asked for 1 indicator of Feb 2025, by 2025-03-15",
            "[{name}]"
        );
        // The machine's administrator asks every station.
        let out = db.run(&[open("ALL"), vec!["--level", "station"]].concat());
        assert!(out.status.success(), "[{name}]");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "data return ALL opened: 2 units asked for 1 indicator of Feb 2025, by 2025-03-15",
            "[{name}]"
        );

        // Shown: the deadline has passed, and the owner owes ST1's figure.
        let (_, shown) = said(&db, OFFICER, &["returns", "show", "FEB"]);
        assert!(
            shown
                .starts_with("February figures (FEB): Feb 2025, due 2025-03-15, open\n1 overdue\n"),
            "[{name}] {shown}"
        );
        let line = shown
            .lines()
            .find(|l| l.contains("ST1 Station One"))
            .unwrap_or_else(|| panic!("[{name}] no line for ST1:\n{shown}"));
        assert!(
            line.contains("Overdue")
                && line.contains("0/1")
                && line.contains("FRS01")
                && line.contains("Owen Owner <owner@test.example>"),
            "[{name}] {line}"
        );

        // Waived and cancelled, each with a reason; not by an officer outside scope.
        let error = refused(
            &db,
            OFFICER,
            &[
                "returns", "waive", "ALL", "--unit", "ST2", "--reason", "Closed",
            ],
        );
        assert!(error.contains("ST2"), "[{name}] {error}");
        let out = db.run(&[
            "returns",
            "waive",
            "ALL",
            "--unit",
            "ST2",
            "--reason",
            "Closed for refurbishment",
        ]);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "ST2 waived from data return ALL",
            "[{name}]"
        );
        let (message, _) = said(
            &db,
            OFFICER,
            &[
                "returns",
                "cancel",
                "ALL",
                "--unit",
                "ST1",
                "--reason",
                "Merged with Station Two",
            ],
        );
        assert_eq!(
            message, "ST1: no further returns asked in data return ALL",
            "[{name}]"
        );
        let all = db.ok(&["returns", "show", "ALL", "--format", "csv"]);
        let rows = csv_rows(&all);
        assert_eq!(
            rows[0][..5],
            [
                "return",
                "org_unit",
                "unit_name",
                "completeness",
                "completeness_label"
            ]
        );
        let st1 = rows.iter().find(|r| r[1] == "ST1").unwrap();
        let st2 = rows.iter().find(|r| r[1] == "ST2").unwrap();
        assert_eq!(
            (st1[3].as_str(), st1[11].as_str(), st1[12].as_str()),
            ("cancelled", "Merged with Station Two", OFFICER),
            "[{name}]"
        );
        assert_eq!(
            (st2[3].as_str(), st2[11].as_str()),
            ("waived", "Closed for refurbishment"),
            "[{name}]"
        );

        // The viewer's list counts the North's units only.
        let (_, list) = said(&db, VIEWER, &["returns", "list", "--format", "csv"]);
        let rows = csv_rows(&list);
        assert_eq!(
            rows[0],
            [
                "code", "title", "period", "deadline", "state", "units", "returned", "overdue"
            ],
            "[{name}]"
        );
        let all = rows.iter().find(|r| r[0] == "ALL").unwrap();
        assert_eq!(all[5], "1", "[{name}] {all:?}");
        let feb = rows.iter().find(|r| r[0] == "FEB").unwrap();
        assert_eq!((feb[5].as_str(), feb[7].as_str()), ("1", "1"), "[{name}]");
        let error = refused(
            &db,
            VIEWER,
            &[
                "returns", "waive", "FEB", "--unit", "ST1", "--reason", "Mine",
            ],
        );
        assert!(
            error.contains("waive or cancel a unit's return"),
            "[{name}] {error}"
        );

        // The whole return: cancelled with a reason, by someone whose scope
        // covers every unit asked; then opened again, and closed.
        let error = refused(&db, OFFICER, &["returns", "close", "ALL"]);
        assert!(
            error.contains("data return ALL also asks ST2, outside your scope"),
            "[{name}] {error}"
        );
        let error = refused(&db, OFFICER, &["returns", "close", "FEB", "--cancel"]);
        assert!(
            error.contains("say why the return is cancelled: it is shown to everyone asked"),
            "[{name}] {error}"
        );
        let (message, _) = said(
            &db,
            OFFICER,
            &[
                "returns",
                "close",
                "FEB",
                "--cancel",
                "--reason",
                "The figures are collected nationally now",
            ],
        );
        assert_eq!(
            message, "data return FEB cancelled: nobody owes its figures any more",
            "[{name}]"
        );
        let (_, shown) = said(&db, OFFICER, &["returns", "show", "FEB"]);
        assert!(
            shown.starts_with("February figures (FEB): Feb 2025, due 2025-03-15, cancelled\n"),
            "[{name}] {shown}"
        );
        let (message, _) = said(&db, OFFICER, &["returns", "reopen", "FEB"]);
        assert_eq!(
            message, "data return FEB is open again: its units owe their figures by 2025-03-15",
            "[{name}]"
        );
        let (message, _) = said(&db, OFFICER, &["returns", "close", "FEB"]);
        assert_eq!(
            message, "data return FEB closed: no more figures are expected, and no unit is overdue",
            "[{name}]"
        );
        let (_, shown) = said(&db, OFFICER, &["returns", "show", "FEB", "--format", "csv"]);
        let rows = csv_rows(&shown);
        assert_eq!(
            rows[1][3], "missing",
            "[{name}] closed, so not overdue: {rows:?}"
        );
    }
}

#[test]
fn an_owner_cannot_overwrite_an_approved_figure_by_importing_a_file() {
    for db in databases() {
        let name = db.name;
        db.import("org-units", ORG_UNITS);
        db.import("indicators", INDICATORS);
        add(&db, OWNER, "Owen Owner", "owner", &["FRS01"]);
        // The machine's import is approved at once.
        let approved = db.file(
            "approved.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-02,7,A quiet month\n",
        );
        db.ok(&["import", "values", &approved]);
        let changed = db.file(
            "changed.csv",
            "indicator,org_unit,period,value,note\nFRS01,ST1,2025-02,3,Fewer after all\n",
        );
        let error = refused(&db, OWNER, &["import", "values", &changed]);
        assert!(
            error.contains("the value of FRS01 for ST1 in 2025-02 is approved, so locked"),
            "[{name}] {error}"
        );
        let values = db.ok(&["export", "values"]);
        assert!(
            values.contains("FRS01,ST1,2025-02,7,"),
            "[{name}] unchanged: {values}"
        );
    }
}
