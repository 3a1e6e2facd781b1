//! The data workflow and data returns, through the use cases every face
//! calls: a figure goes draft, submitted, approved and reopened, each step
//! refused to the wrong role or from the wrong state and kept in the audit
//! trail with its before and after; a return shows each unit's
//! completeness, who is overdue against today's date, waivers with their
//! reasons, stories (two a unit), and what each owner owes.

use std::sync::Arc;

use stocktake::access::{AccountForm, ScopePart};
use stocktake::core::{Period, ValueState};
use stocktake::returns::{Completeness, ReturnForm, ReturnView};
use stocktake::values::{FileKind, Step, ValueInput, ValueRef};
use stocktake::{AppError, Caller, OpenOptions, Role, Stocktake};

const ORG_UNITS: &str = "code,name,level,parent_code
S,Service,service,
N,North,district,S
SO,South,district,S
A,Station A,station,N
A2,Station A2,station,N
B,Station B,station,SO
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FIRES,Primary fires,count,lower_is_better,month,fires,0
ALARMS,Smoke alarms fitted,count,higher_is_better,month,alarms,0
";

const VALUES: &str = "indicator,org_unit,period,value
FIRES,A,2025-01,10
ALARMS,A,2025-01,5
FIRES,B,2025-01,20
";

fn admin() -> Caller {
    Caller::system("test")
}

async fn open() -> (Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &admin(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
            (FileKind::Values, VALUES),
        ],
    )
    .await
    .unwrap();
    for (email, name, role, owns) in [
        ("viewer@test.example", "Vera Viewer", Role::Viewer, vec![]),
        (
            "owner@test.example",
            "Owen Owner",
            Role::Owner,
            vec!["FIRES"],
        ),
        (
            "officer@test.example",
            "Olive Officer",
            Role::PerformanceOfficer,
            vec![],
        ),
    ] {
        app.save_account(
            &admin(),
            &AccountForm {
                email: email.into(),
                name: name.into(),
                role,
                scope: vec!["unit:N".parse::<ScopePart>().unwrap()],
                owns: owns.iter().map(|c| c.parse().unwrap()).collect(),
                closed_groups: Vec::new(),
                disabled: Some(false),
            },
            Some("correct horse battery staple"),
        )
        .await
        .unwrap();
    }
    (app, dir)
}

fn month(text: &str) -> Period {
    text.parse().unwrap()
}

fn fires_a_february() -> [ValueRef; 1] {
    [ValueRef {
        indicator: "FIRES".into(),
        org_unit: "A".into(),
        period: "2025-02".into(),
    }]
}

fn messages(e: AppError) -> Vec<String> {
    match e {
        AppError::File(errors) => errors.errors.into_iter().map(|e| e.message).collect(),
        other => panic!("expected line errors, got {other:?}"),
    }
}

fn forbidden(e: &AppError) -> bool {
    matches!(e, AppError::Forbidden { .. }) || matches!(e, AppError::File(f) if f.forbidden)
}

#[tokio::test]
async fn a_figure_goes_draft_submitted_approved_reopened_each_step_refused_to_the_wrong_role_and_audited()
 {
    let (app, _dir) = open().await;
    let owner = app.command_line_as("owner@test.example").unwrap();
    let officer = app.command_line_as("officer@test.example").unwrap();
    let viewer = app.command_line_as("viewer@test.example").unwrap();
    let key = fires_a_february();
    app.save_values(
        &owner,
        &[ValueInput {
            indicator: "FIRES".into(),
            org_unit: "A".into(),
            period: "2025-02".into(),
            value: Some("7".into()),
            ..ValueInput::default()
        }],
        None,
    )
    .await
    .unwrap();
    let detail = |caller: Caller| {
        let app = app.clone();
        async move {
            app.value_detail(&caller, "FIRES", "A", month("2025-02"))
                .await
        }
    };

    // A draft: its owner may submit it; the officer may not approve it yet;
    // a viewer does not see it at all.
    let draft = detail(owner.clone()).await.unwrap();
    assert_eq!(draft.state, ValueState::Draft);
    assert_eq!(draft.steps, [Step::Submit]);
    assert_eq!(
        draft.entered_by.as_deref(),
        Some("Owen Owner <owner@test.example>")
    );
    assert!(matches!(
        detail(viewer.clone()).await,
        Err(AppError::NotFound { .. })
    ));
    let early = app
        .move_values(&officer, Step::Approve, &key, None)
        .await
        .unwrap_err();
    assert_eq!(
        messages(early),
        [
            "the value of FIRES for A in 2025-02 is draft, not submitted, so it cannot be approved: nothing was changed"
        ]
    );
    let by_viewer = app
        .move_values(&viewer, Step::Submit, &key, None)
        .await
        .unwrap_err();
    assert!(forbidden(&by_viewer), "{by_viewer:?}");

    // Submitted: waiting on the officer's approvals list; the owner may not approve it.
    app.move_values(&owner, Step::Submit, &key, None)
        .await
        .unwrap();
    let waiting = app.approvals(&officer).await.unwrap();
    assert_eq!(waiting.values.len(), 1);
    assert_eq!(waiting.values[0].unit.code, "A");
    assert_eq!(
        waiting.values[0].submitted_by.as_deref(),
        Some("Owen Owner <owner@test.example>")
    );
    assert!(forbidden(&app.approvals(&owner).await.unwrap_err()));
    let self_approved = app
        .move_values(&owner, Step::Approve, &key, None)
        .await
        .unwrap_err();
    assert!(forbidden(&self_approved), "{self_approved:?}");

    // Returned: a reason is needed, and the owner reads it on the entry form.
    let no_reason = app
        .move_values(&officer, Step::Return, &key, Some("  "))
        .await
        .unwrap_err();
    assert!(
        matches!(&no_reason, AppError::Invalid { field, .. } if field == "reason"),
        "{no_reason:?}"
    );
    app.move_values(
        &officer,
        Step::Return,
        &key,
        Some("Two calls counted twice"),
    )
    .await
    .unwrap();
    let form = app.entry_form(&owner, "A", month("2025-02")).await.unwrap();
    let line = form.lines.iter().find(|l| l.indicator == "FIRES").unwrap();
    assert_eq!(line.state, Some(ValueState::Draft));
    let back = line.sent_back.as_ref().expect("the reason is shown");
    assert_eq!(back.step, Step::Return);
    assert_eq!(back.reason.as_deref(), Some("Two calls counted twice"));
    assert_eq!(back.by, "Olive Officer <officer@test.example>");

    // Submitted again and approved: locked, on the officer's recent list.
    app.move_values(&owner, Step::Submit, &key, None)
        .await
        .unwrap();
    app.move_values(&officer, Step::Approve, &key, None)
        .await
        .unwrap();
    let approved = detail(officer.clone()).await.unwrap();
    assert_eq!(approved.state, ValueState::Approved);
    assert_eq!(approved.steps, [Step::Reopen]);
    assert_eq!(
        approved.approved_by.as_deref(),
        Some("Olive Officer <officer@test.example>")
    );
    assert!(!detail(owner.clone()).await.unwrap().editable);
    let lists = app.approvals(&officer).await.unwrap();
    assert!(lists.values.is_empty());
    assert_eq!(lists.approved.len(), 1);
    assert!(
        detail(viewer.clone()).await.is_ok(),
        "a viewer sees it once approved"
    );

    // Reopened, with a reason; not by its owner, and not twice.
    let by_owner = app
        .move_values(&owner, Step::Reopen, &key, Some("I found a mistake"))
        .await
        .unwrap_err();
    assert!(forbidden(&by_owner), "{by_owner:?}");
    app.move_values(&officer, Step::Reopen, &key, Some("Late call logs found"))
        .await
        .unwrap();
    let twice = app
        .move_values(&officer, Step::Reopen, &key, Some("Again"))
        .await
        .unwrap_err();
    assert_eq!(
        messages(twice),
        [
            "the value of FIRES for A in 2025-02 is draft, not approved, so it cannot be reopened: nothing was changed"
        ]
    );
    let reopened = detail(owner.clone()).await.unwrap();
    assert_eq!(reopened.state, ValueState::Draft);
    assert_eq!(
        reopened.approved_by, None,
        "reopening clears who approved it"
    );
    let last = reopened.last_step.unwrap();
    assert_eq!(
        (last.step, last.reason.as_deref()),
        (Step::Reopen, Some("Late call logs found"))
    );

    // Every step is in the history, newest first, with its state before and after.
    let history = app
        .record_history(&owner, "value", "FIRES|A|2025-02")
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(
        actions,
        ["reopen", "approve", "submit", "return", "submit", "create"]
    );
    let states: Vec<(String, String)> = history
        .iter()
        .map(|l| {
            let state = l.changes.iter().find(|c| c.field == "state");
            state.map_or_else(Default::default, |c| (c.before.clone(), c.after.clone()))
        })
        .collect();
    assert_eq!(
        states[..5],
        [
            ("approved".into(), "draft".into()),
            ("submitted".into(), "approved".into()),
            ("draft".into(), "submitted".into()),
            ("submitted".into(), "draft".into()),
            ("draft".into(), "submitted".into()),
        ]
    );
    assert_eq!(history[0].actor, "officer@test.example");
    assert_eq!(history[0].reason.as_deref(), Some("Late call logs found"));
    assert_eq!(
        history[3].reason.as_deref(),
        Some("Two calls counted twice")
    );
    assert_eq!(history[2].actor, "owner@test.example");
    // A step refused leaves no line.
    assert_eq!(history.len(), 6);
}

fn line<'a>(view: &'a ReturnView, unit: &str) -> &'a stocktake::returns::ReturnLine {
    view.lines.iter().find(|l| l.unit.code == unit).unwrap()
}

fn form(code: &str, period: &str, deadline: &str, units: &[&str]) -> ReturnForm {
    ReturnForm {
        code: code.into(),
        title: format!("Return {code}"),
        period: period.into(),
        deadline: deadline.into(),
        indicators: vec!["FIRES".into(), "ALARMS".into()],
        units: units.iter().map(|u| (*u).to_owned()).collect(),
        level: None,
        under: None,
    }
}

#[tokio::test]
async fn a_return_shows_each_units_completeness_who_is_overdue_waivers_and_stories() {
    let (app, _dir) = open().await;
    let owner = app.command_line_as("owner@test.example").unwrap();
    let officer = app.command_line_as("officer@test.example").unwrap();
    let viewer = app.command_line_as("viewer@test.example").unwrap();
    let today = stocktake::clock::today();

    // Only the framework's people open returns, for units in their scope.
    let refused = app
        .open_return(&owner, &form("X", "2025-02", "2999-01-31", &["A"]))
        .await
        .unwrap_err();
    assert!(forbidden(&refused), "{refused:?}");
    let outside = app
        .open_return(&officer, &form("X", "2025-02", "2999-01-31", &["B"]))
        .await
        .unwrap_err();
    assert!(forbidden(&outside), "{outside:?}");
    let bad_day = app
        .open_return(&officer, &form("X", "2025-02", "31/01/2999", &["A"]))
        .await
        .unwrap_err();
    assert_eq!(
        bad_day.to_string(),
        "deadline: \"31/01/2999\" is not a date: give the last day as YYYY-MM-DD"
    );

    // January's figures are in and approved: returned, though its deadline passed.
    let january = app
        .open_return(&officer, &form("JAN", "2025-01", "2025-02-15", &["A"]))
        .await
        .unwrap();
    assert_eq!(line(&january, "A").completeness, Completeness::Returned);
    assert_eq!(line(&january, "A").approved, 2);

    // February, due in the future: A has a draft (partly returned), A2 nothing (missing).
    app.save_values(
        &owner,
        &[ValueInput {
            indicator: "FIRES".into(),
            org_unit: "A".into(),
            period: "2025-02".into(),
            value: Some("7".into()),
            ..ValueInput::default()
        }],
        None,
    )
    .await
    .unwrap();
    let soon = app
        .open_return(
            &officer,
            &form("SOON", "2025-02", "2999-12-31", &["A", "A2"]),
        )
        .await
        .unwrap();
    assert!(today.as_str() < "2999-12-31");
    let a = line(&soon, "A");
    assert_eq!(
        (a.completeness, a.entered, a.submitted),
        (Completeness::PartlyReturned, 1, 0)
    );
    assert_eq!(a.outstanding, ["ALARMS", "FIRES"], "in code order");
    assert_eq!(a.owners, ["Owen Owner <owner@test.example>"]);
    assert_eq!(line(&soon, "A2").completeness, Completeness::Missing);

    // The same, past its deadline: both overdue.
    let late = app
        .open_return(
            &officer,
            &form("LATE", "2025-02", "2025-03-15", &["A", "A2"]),
        )
        .await
        .unwrap();
    assert!(today.as_str() > "2025-03-15");
    assert_eq!(line(&late, "A").completeness, Completeness::Overdue);
    assert_eq!(line(&late, "A2").completeness, Completeness::Overdue);
    let counts: Vec<(Completeness, usize)> = late
        .counts
        .iter()
        .filter(|c| c.units > 0)
        .map(|c| (c.completeness, c.units))
        .collect();
    assert_eq!(counts, [(Completeness::Overdue, 2)]);

    // The owner owes FIRES for both stations in both, the late ones flagged;
    // not ALARMS, which is not theirs.
    let owed = app.owed(&owner).await.unwrap();
    let owed: Vec<(&str, &str, bool, Vec<String>)> = owed
        .iter()
        .map(|o| {
            (
                o.code.as_str(),
                o.unit.code.as_str(),
                o.overdue,
                o.outstanding.clone(),
            )
        })
        .collect();
    assert_eq!(
        owed,
        [
            ("LATE", "A", true, vec!["FIRES".to_owned()]),
            ("LATE", "A2", true, vec!["FIRES".to_owned()]),
            ("SOON", "A", false, vec!["FIRES".to_owned()]),
            ("SOON", "A2", false, vec!["FIRES".to_owned()]),
        ]
    );
    assert!(app.owed(&officer).await.unwrap().is_empty());

    // A2 waived, with a reason; not by an owner, not without a reason.
    let by_owner = app
        .set_return_unit(&owner, "LATE", "A2", "waived", Some("Closed"))
        .await
        .unwrap_err();
    assert!(forbidden(&by_owner), "{by_owner:?}");
    let no_reason = app
        .set_return_unit(&officer, "LATE", "A2", "waived", None)
        .await
        .unwrap_err();
    assert_eq!(
        no_reason.to_string(),
        "reason: say why A2 is waived: the reason is shown on the return and kept in the audit trail"
    );
    let waived = app
        .set_return_unit(
            &officer,
            "LATE",
            "A2",
            "waived",
            Some("Closed for refurbishment"),
        )
        .await
        .unwrap();
    let a2 = line(&waived, "A2");
    assert_eq!(a2.completeness, Completeness::Waived);
    assert_eq!(a2.reason.as_deref(), Some("Closed for refurbishment"));
    assert_eq!(a2.decided_by.as_deref(), Some("officer@test.example"));
    assert!(a2.outstanding.is_empty());
    let trail = app
        .record_history(&officer, "data_return_unit", "LATE|A2")
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].reason.as_deref(), Some("Closed for refurbishment"));
    assert!(
        trail[0]
            .changes
            .iter()
            .any(|c| c.field == "state" && c.before == "asked" && c.after == "waived")
    );

    // Once everything is submitted, A has returned, deadline or not.
    app.move_values(&owner, Step::Submit, &fires_a_february(), None)
        .await
        .unwrap();
    app.save_values(
        &officer,
        &[ValueInput {
            indicator: "ALARMS".into(),
            org_unit: "A".into(),
            period: "2025-02".into(),
            value: Some("4".into()),
            ..ValueInput::default()
        }],
        None,
    )
    .await
    .unwrap();
    // A performance officer's own figure is not waiting on anyone's approval.
    let alarms = app
        .value_detail(&officer, "ALARMS", "A", month("2025-02"))
        .await
        .unwrap();
    assert_ne!(alarms.state, ValueState::Draft);
    let late = app.data_return(&officer, "LATE").await.unwrap();
    assert_eq!(line(&late, "A").completeness, Completeness::Returned);
    // Left to owe: A2 in the return not yet due (LATE waived it).
    let left: Vec<(String, String)> = app
        .owed(&owner)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.code, o.unit.code))
        .collect();
    assert_eq!(left, [("SOON".to_owned(), "A2".to_owned())]);

    // Stories: two a unit, by those who enter its figures.
    for title in ["Safe and well visits", "Fly-tipping cleared"] {
        app.save_story(
            &owner,
            "SOON",
            "A",
            None,
            title,
            "What was done, and what came of it.",
        )
        .await
        .unwrap();
    }
    let third = app
        .save_story(&owner, "SOON", "A", None, "A third", "One too many.")
        .await
        .unwrap_err();
    assert_eq!(
        third.to_string(),
        "title: A has told 2 stories in this return already, the most a unit may tell: rewrite one instead"
    );
    let by_viewer = app
        .save_story(&viewer, "SOON", "A", None, "Mine", "A viewer's story.")
        .await
        .unwrap_err();
    assert!(forbidden(&by_viewer), "{by_viewer:?}");
    let soon = app.data_return(&viewer, "SOON").await.unwrap();
    let titles: Vec<&str> = soon.stories.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Safe and well visits"));
    assert_eq!(line(&soon, "A").stories, 2);
    assert!(!soon.manageable, "a viewer may not waive or cancel");

    // The list: newest first, with counts for the caller's scope.
    let list = app.data_returns(&viewer).await.unwrap();
    let codes: Vec<(&str, usize, usize)> = list
        .iter()
        .map(|r| (r.code.as_str(), r.returned, r.overdue))
        .collect();
    assert_eq!(codes, [("LATE", 1, 0), ("SOON", 1, 0), ("JAN", 1, 0)]);
}
