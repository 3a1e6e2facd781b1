//! Who sees and changes what, through the use cases every face calls: a
//! viewer reads approved figures only, an owner enters their own indicators
//! within their scope, approved figures are locked, figures that moved a long
//! way need commentary where the setting asks, and failed sign-ins are slowed,
//! then refused, without saying whether an account exists.

use std::sync::Arc;
use std::time::Duration;

use stocktake::access::{AccountForm, ScopePart, SignInPolicy, SignInRefused};
use stocktake::core::{Period, Status};
use stocktake::values::{FileKind, Step, ValueInput, ValueRef};
use stocktake::{AppError, Caller, Interface, OpenOptions, Role, Stocktake};

const ORG_UNITS: &str = "code,name,level,parent_code
S,Service,service,
N,North,district,S
SO,South,district,S
A,Station A,station,N
B,Station B,station,SO
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
FIRES,Primary fires,count,lower_is_better,month,fires,0
ALARMS,Smoke alarms fitted,count,higher_is_better,month,alarms,0
";

const VALUES: &str = "indicator,org_unit,period,value
FIRES,A,2025-01,10
FIRES,B,2025-01,20
ALARMS,A,2025-01,5
";

const PASSWORD: &str = "correct horse battery staple";

fn admin() -> Caller {
    Caller::system("test")
}

async fn open(options: OpenOptions) -> (Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let app = Stocktake::open(&url, options).await.unwrap();
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
    for (email, role, owns) in [
        ("viewer@test.example", Role::Viewer, vec![]),
        ("owner@test.example", Role::Owner, vec!["FIRES"]),
        ("officer@test.example", Role::PerformanceOfficer, vec![]),
    ] {
        app.save_account(
            &admin(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
                role,
                scope: vec!["unit:N".parse::<ScopePart>().unwrap()],
                owns: owns.iter().map(|c| c.parse().unwrap()).collect(),
                closed_groups: Vec::new(),
                disabled: Some(false),
            },
            Some(PASSWORD),
        )
        .await
        .unwrap();
    }
    (app, dir)
}

fn month(text: &str) -> Period {
    text.parse().unwrap()
}

fn value(indicator: &str, unit: &str, period: &str, figure: &str) -> ValueInput {
    ValueInput {
        indicator: indicator.into(),
        org_unit: unit.into(),
        period: period.into(),
        value: Some(figure.into()),
        ..ValueInput::default()
    }
}

fn file_messages(e: AppError) -> Vec<String> {
    match e {
        AppError::File(errors) => errors.errors.into_iter().map(|e| e.message).collect(),
        other => panic!("expected line errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_viewer_reads_approved_figures_in_scope_and_drafts_are_marked_for_the_rest() {
    let (app, _dir) = open(OpenOptions::default()).await;
    let owner = app.command_line_as("owner@test.example").unwrap();
    let viewer = app.command_line_as("viewer@test.example").unwrap();
    let officer = app.command_line_as("officer@test.example").unwrap();
    // The owner enters February as a draft.
    app.save_values(&owner, &[value("FIRES", "A", "2025-02", "7")], None)
        .await
        .unwrap();

    let card = |caller: &Caller, unit: &str| {
        app.scorecard(caller, unit, month("2025-02"))
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.indicator == "FIRES")
            .unwrap()
    };
    // The district's figure counts the draft for the officer, marked so.
    let working = card(&officer, "N");
    assert_eq!((working.value, working.approved), (Some(7.0), false));
    // The viewer sees approved figures only: February has none yet.
    let approved = card(&viewer, "N");
    assert_eq!((approved.value, approved.approved), (None, true));
    assert!(
        app.scorecard(&viewer, "N", month("2025-02"))
            .unwrap()
            .approved_only
    );
    // Outside their scope, nothing at all.
    let refused = app.scorecard(&viewer, "SO", month("2025-02")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "South (SO) is outside your scope: ask an administrator to widen it"
    );
    let units: Vec<String> = app
        .org_units(&viewer, None)
        .unwrap()
        .into_iter()
        .map(|u| u.code.to_string())
        .collect();
    assert_eq!(units, ["N", "A"]);

    // Submitted, then approved: the viewer sees it.
    let key = [ValueRef {
        indicator: "FIRES".into(),
        org_unit: "A".into(),
        period: "2025-02".into(),
    }];
    app.move_values(&owner, Step::Submit, &key, None)
        .await
        .unwrap();
    let early = app
        .move_values(&owner, Step::Approve, &key, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&early, AppError::File(e) if e.forbidden),
        "{early:?}"
    );
    app.move_values(&officer, Step::Approve, &key, None)
        .await
        .unwrap();
    let now = card(&viewer, "N");
    assert_eq!((now.value, now.approved), (Some(7.0), true));

    // A nobody sees nothing.
    let nobody = Caller::anonymous(Interface::Web);
    assert!(matches!(
        app.scorecard(&nobody, "S", month("2025-01")),
        Err(AppError::Unauthenticated { .. })
    ));
}

#[tokio::test]
async fn viewers_see_unapproved_figures_where_the_setting_says() {
    let options = OpenOptions {
        viewers_see_unapproved: true,
        ..OpenOptions::default()
    };
    let (app, _dir) = open(options).await;
    let owner = app.command_line_as("owner@test.example").unwrap();
    let viewer = app.command_line_as("viewer@test.example").unwrap();
    app.save_values(&owner, &[value("FIRES", "A", "2025-02", "7")], None)
        .await
        .unwrap();
    let line = app
        .scorecard(&viewer, "A", month("2025-02"))
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.indicator == "FIRES")
        .unwrap();
    assert_eq!((line.value, line.approved), (Some(7.0), false));
}

#[tokio::test]
async fn an_owner_enters_only_their_indicators_in_their_scope_and_approved_figures_are_locked() {
    let (app, _dir) = open(OpenOptions::default()).await;
    let owner = app.command_line_as("owner@test.example").unwrap();
    let officer = app.command_line_as("officer@test.example").unwrap();
    let viewer = app.command_line_as("viewer@test.example").unwrap();

    let refused = app
        .save_values(
            &owner,
            &[
                value("ALARMS", "A", "2025-02", "3"),
                value("FIRES", "B", "2025-02", "3"),
                value("FIRES", "A", "2025-01", "11"),
            ],
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(&refused, AppError::File(e) if e.forbidden));
    assert_eq!(
        file_messages(refused),
        [
            "you do not own indicator ALARMS: its owner, a performance officer or an administrator enters its values",
            "Station B (B) is outside your scope: ask an administrator to widen it",
            "the value of FIRES for A in 2025-01 is approved, so locked: ask a performance officer to reopen it",
        ]
    );
    let viewer_refused = app
        .save_values(&viewer, &[value("FIRES", "A", "2025-02", "3")], None)
        .await
        .unwrap_err();
    assert!(matches!(&viewer_refused, AppError::File(e) if e.forbidden));

    // A performance officer may change an approved figure, with a reason.
    let without = app
        .save_values(&officer, &[value("FIRES", "A", "2025-01", "11")], None)
        .await
        .unwrap_err();
    assert_eq!(
        file_messages(without),
        [
            "the value of FIRES for A in 2025-01 is approved, so locked: give a reason for changing an approved figure; it is kept in the audit trail"
        ]
    );
    app.save_values(
        &officer,
        &[value("FIRES", "A", "2025-01", "11")],
        Some("one fire was logged late"),
    )
    .await
    .unwrap();
    let history = app
        .record_history(&officer, "value", "FIRES|A|2025-01")
        .await
        .unwrap();
    assert_eq!(history[0].actor, "officer@test.example");
    assert_eq!(history[0].interface, "cli");
    assert_eq!(
        history[0].reason.as_deref(),
        Some("one fire was logged late")
    );
    let changed: Vec<(&str, &str, &str)> = history[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(changed, [("value", "10", "11")]);

    // Reopened with a reason, the owner may change it again, as a draft.
    let key = [ValueRef {
        indicator: "FIRES".into(),
        org_unit: "A".into(),
        period: "2025-01".into(),
    }];
    let no_reason = app
        .move_values(&officer, Step::Reopen, &key, None)
        .await
        .unwrap_err();
    assert_eq!(
        no_reason.to_string(),
        "reason: say why you reopen these values: the owner sees it, and it is kept in the audit trail"
    );
    app.move_values(&officer, Step::Reopen, &key, Some("recount"))
        .await
        .unwrap();
    app.save_values(&owner, &[value("FIRES", "A", "2025-01", "12")], None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_figure_that_moved_beyond_the_threshold_needs_commentary_where_the_setting_asks() {
    let options = OpenOptions {
        commentary_when_moved_percent: 25.0,
        ..OpenOptions::default()
    };
    let (app, _dir) = open(options).await;
    let officer = app.command_line_as("officer@test.example").unwrap();
    // 10 in January; 14 in February is up 40%.
    let refused = app
        .save_values(&officer, &[value("FIRES", "A", "2025-02", "14")], None)
        .await
        .unwrap_err();
    assert_eq!(
        file_messages(refused),
        [
            "FIRES moved up 40.0% from the period before 2025-02, beyond the 25% that needs explaining: say why in the commentary"
        ]
    );
    // Within the threshold, or explained, it is saved.
    app.save_values(&officer, &[value("FIRES", "A", "2025-02", "12")], None)
        .await
        .unwrap();
    let mut explained = value("FIRES", "A", "2025-03", "4");
    explained.note = Some("A quiet month after the bonfire patrols".into());
    let saved = app.save_values(&officer, &[explained], None).await.unwrap();
    assert_eq!(saved.statuses, [Status::NoTarget]);
    // The same rule on a file.
    let file = "indicator,org_unit,period,value\nFIRES,A,2025-04,40\n";
    let refused = app
        .import(
            &officer,
            FileKind::Values,
            "april.csv",
            file.as_bytes(),
            stocktake::values::ImportMode::Write,
            &|_| {},
        )
        .await
        .unwrap_err();
    assert_eq!(
        file_messages(refused),
        [
            "FIRES moved up 900.0% from the period before 2025-04, beyond the 25% that needs explaining: say why in the commentary"
        ]
    );
}

#[tokio::test]
async fn failed_sign_ins_are_slowed_then_refused_and_never_say_whether_the_account_exists() {
    let options = OpenOptions {
        sign_in: SignInPolicy {
            window: Duration::from_secs(900),
            slow_after: 2,
            wait_step: Duration::from_millis(50),
            longest_wait: Duration::from_millis(100),
            lock_after: 4,
            lock_for: Duration::from_secs(900),
        },
        ..OpenOptions::default()
    };
    let (app, _dir) = open(options).await;
    let signed_in = app
        .sign_in(
            Interface::Web,
            " Viewer@Test.example ",
            PASSWORD,
            "192.0.2.1",
        )
        .await
        .unwrap();
    assert_eq!(signed_in.actor(), "viewer@test.example");

    // A wrong password and an unknown account get the same words.
    for email in ["viewer@test.example", "nobody@test.example"] {
        let refused = app
            .sign_in(Interface::Web, email, "wrong password!", "192.0.2.2")
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "that email and password do not match an account that may sign in"
        );
    }
    // A second failure on the account is not yet slowed; from then on,
    // each try waits.
    let second = app
        .sign_in(
            Interface::Web,
            "viewer@test.example",
            "wrong again!",
            "192.0.2.3",
        )
        .await
        .unwrap_err();
    assert_eq!(second, SignInRefused::NoMatch);
    let started = std::time::Instant::now();
    let third = app
        .sign_in(
            Interface::Web,
            "viewer@test.example",
            "and again!",
            "192.0.2.4",
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(50), "not slowed");
    assert_eq!(third, SignInRefused::NoMatch);
    // The fourth locks it: even the right password is refused for a while.
    let fourth = app
        .sign_in(
            Interface::Web,
            "viewer@test.example",
            "once more!",
            "192.0.2.5",
        )
        .await
        .unwrap_err();
    assert!(matches!(fourth, SignInRefused::Locked { .. }), "{fourth:?}");
    let locked = app
        .sign_in(Interface::Web, "viewer@test.example", PASSWORD, "192.0.2.6")
        .await
        .unwrap_err();
    assert!(
        locked
            .to_string()
            .starts_with("too many failed sign-ins: try again after "),
        "{locked}"
    );
    // An email no account has is locked the same way, so the lock says
    // nothing about who has an account.
    for n in 0..4 {
        let _ = app
            .sign_in(
                Interface::Web,
                "nobody@test.example",
                "guess",
                &format!("198.51.100.{n}"),
            )
            .await;
    }
    let nobody = app
        .sign_in(
            Interface::Web,
            "nobody@test.example",
            "guess",
            "198.51.100.9",
        )
        .await
        .unwrap_err();
    assert!(matches!(nobody, SignInRefused::Locked { .. }), "{nobody:?}");
    // Another account is not held back by the first one's failures.
    app.sign_in(Interface::Web, "owner@test.example", PASSWORD, "192.0.2.7")
        .await
        .unwrap();
    // The trail records each failure, and the refusals.
    let trail = app
        .audit_trail(
            &admin(),
            &stocktake::access::AuditSearch {
                record_key: Some("viewer@test.example".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sign_in_refused",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in_failed",
            "sign_in",
            "create",
        ]
    );
}

#[tokio::test]
async fn accounts_are_administered_by_administrators_only_and_a_disabled_account_cannot_sign_in() {
    let (app, _dir) = open(OpenOptions::default()).await;
    let officer = app.command_line_as("officer@test.example").unwrap();
    let refused = app.accounts(&officer).await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }));
    let form = AccountForm {
        email: "new@test.example".into(),
        name: "New".into(),
        role: Role::Viewer,
        scope: Vec::new(),
        owns: Vec::new(),
        closed_groups: Vec::new(),
        disabled: Some(false),
    };
    let no_scope = app
        .save_account(&admin(), &form, Some(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(
        no_scope.to_string(),
        "scope: say where new@test.example works: all, unit:CODE (that unit and everything below it) or group:CODE"
    );
    let short = app
        .save_account(
            &admin(),
            &AccountForm {
                scope: vec![ScopePart::Everything],
                ..form.clone()
            },
            Some("short"),
        )
        .await
        .unwrap_err();
    assert!(short.to_string().contains("use at least 12"), "{short}");
    app.set_account_disabled(&admin(), "viewer@test.example", true)
        .await
        .unwrap();
    let disabled = app
        .sign_in(Interface::Web, "viewer@test.example", PASSWORD, "192.0.2.9")
        .await
        .unwrap_err();
    assert_eq!(disabled, SignInRefused::NoMatch);
    assert!(app.command_line_as("viewer@test.example").is_err());
}
