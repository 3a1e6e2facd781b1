//! The intelligence picture and support, through the use cases every face
//! calls: a confidential record is invisible outside its closed group
//! (lists, search, one record, counts, exports, the audit trail and record
//! history), whatever the outsider's role; a support request is routed only
//! to providers with no conflict of interest; a plan that takes the year's
//! support over the cap is flagged.

use std::sync::Arc;

use stocktake::access::{AccountForm, AuditSearch, ScopePart};
use stocktake::intelligence::{
    ConflictForm, IntelligenceFile, IntelligenceForm, IntelligenceSearch, OfferForm, PlanForm,
    PlanProviderForm, ProviderForm,
};
use stocktake::values::FileKind;
use stocktake::{AppError, Caller, OpenOptions, Role, Stocktake};

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
ASHFIELD,Ashfield District Council,district,EM
BASSETLAW,Bassetlaw District Council,district,EM
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0
";

const SECRET: &str = "Chief executive about to resign; members split";

fn system() -> Caller {
    Caller::system("test")
}

async fn open() -> (Arc<Stocktake>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await
    .unwrap();
    app.save_closed_group(&system(), "CHANGE-AGENTS", "Chatham House group", "")
        .await
        .unwrap();
    for (email, role, groups) in [
        (
            "agent@goem.example",
            Role::PerformanceOfficer,
            vec!["CHANGE-AGENTS"],
        ),
        ("officer@council.example", Role::PerformanceOfficer, vec![]),
        ("admin@council.example", Role::Admin, vec![]),
    ] {
        app.save_account(
            &system(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
                role,
                scope: vec!["all".parse::<ScopePart>().unwrap()],
                owns: Vec::new(),
                closed_groups: groups.into_iter().map(String::from).collect(),
                disabled: None,
            },
            Some("correct horse battery staple"),
        )
        .await
        .unwrap();
    }
    (app, dir)
}

fn confidential() -> IntelligenceForm {
    IntelligenceForm {
        unit: "ASHFIELD".into(),
        source: "ANECDOTE".into(),
        recorded_on: "2008-10-01".into(),
        summary: SECRET.into(),
        confidential_to: Some("CHANGE-AGENTS".into()),
        ..IntelligenceForm::default()
    }
}

#[tokio::test]
async fn a_confidential_record_is_read_only_by_its_group_whatever_the_outsiders_role() {
    let (app, _dir) = open().await;
    let agent = app.command_line_as("agent@goem.example").unwrap();
    let officer = app.command_line_as("officer@council.example").unwrap();
    let admin = app.command_line_as("admin@council.example").unwrap();

    let open_record = app
        .record_intelligence(
            &officer,
            None,
            &IntelligenceForm {
                unit: "ASHFIELD".into(),
                source: "UOR".into(),
                recorded_on: "2008-09-01".into(),
                summary: "Use of resources 2".into(),
                judgement: Some("2".into()),
                ..IntelligenceForm::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(open_record.judgement_rank, Some((2, 4)));
    let secret = app
        .record_intelligence(&agent, None, &confidential())
        .await
        .unwrap();
    assert_eq!(secret.confidential_to.as_deref(), Some("CHANGE-AGENTS"));

    // An outsider cannot make a record confidential to a group not theirs.
    let refused = app
        .record_intelligence(&officer, None, &confidential())
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");

    for (who, caller, sees) in [
        ("member", &agent, true),
        ("officer", &officer, false),
        ("admin", &admin, false),
    ] {
        let listed = app
            .intelligence(caller, &IntelligenceSearch::default())
            .await
            .unwrap();
        assert_eq!(
            listed.iter().any(|r| r.summary == SECRET),
            sees,
            "{who}: list"
        );
        let found = app
            .intelligence(
                caller,
                &IntelligenceSearch {
                    q: Some("resign".into()),
                    ..IntelligenceSearch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.len(), usize::from(sees), "{who}: search");
        assert_eq!(
            app.intelligence_record(caller, secret.id).await.is_ok(),
            sees,
            "{who}: one record"
        );
        let page = app.unit_intelligence(caller, "ASHFIELD").await.unwrap();
        assert_eq!(page.counts.total, if sees { 2 } else { 1 }, "{who}: counts");
        assert_eq!(
            page.counts.confidential,
            usize::from(sees),
            "{who}: confidential count"
        );
        let mut csv = Vec::new();
        app.export_intelligence_file(caller, IntelligenceFile::Records, &mut csv)
            .await
            .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap().contains(SECRET),
            sees,
            "{who}: export"
        );
        let trail = app
            .audit_trail(
                caller,
                &AuditSearch {
                    limit: 1000,
                    ..AuditSearch::default()
                },
            )
            .await
            .unwrap();
        let in_trail = trail.iter().any(|l| {
            l.after.as_deref().unwrap_or("").contains("resign")
                || l.before.as_deref().unwrap_or("").contains("resign")
        });
        assert_eq!(in_trail, sees, "{who}: audit trail");
        let history = app
            .record_history(caller, "intelligence", &secret.id.to_string())
            .await
            .unwrap();
        assert_eq!(!history.is_empty(), sees, "{who}: record history");
    }
    // The command line belongs to no group: it exports open records only.
    let mut csv = Vec::new();
    app.export_intelligence_file(&system(), IntelligenceFile::Records, &mut csv)
        .await
        .unwrap();
    assert!(!String::from_utf8(csv).unwrap().contains(SECRET));
}

async fn matrix(app: &Stocktake) {
    let offer = |problem: &str, rate: i64, funding: &str| OfferForm {
        problem_type: problem.into(),
        offer: "Help".into(),
        capacity_days: 20.0,
        day_rate: rate,
        funding: funding.into(),
    };
    app.save_support_providers(
        &system(),
        &[
            ProviderForm {
                code: "IDEA".into(),
                name: "IDeA".into(),
                kind: "change agent".into(),
                offers: vec![offer("CRISIS", 0, "free")],
                ..ProviderForm::default()
            },
            ProviderForm {
                code: "AUDIT".into(),
                name: "Audit Commission".into(),
                kind: "change agent".into(),
                offers: vec![offer("CRISIS", 900, "funded")],
                ..ProviderForm::default()
            },
            ProviderForm {
                code: "EXCELLENT".into(),
                name: "Excellent council team".into(),
                kind: "peer authority".into(),
                offers: vec![
                    offer("CRISIS", 1_000, "funded"),
                    offer("SERVICE", 800, "funded"),
                ],
                ..ProviderForm::default()
            },
        ],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_request_is_routed_only_to_providers_without_a_conflict() {
    let (app, _dir) = open().await;
    matrix(&app).await;
    let officer = app.command_line_as("officer@council.example").unwrap();
    app.declare_conflicts(
        &officer,
        &[ConflictForm {
            provider: "AUDIT".into(),
            unit: "ASHFIELD".into(),
            reason: "Appointed auditor".into(),
        }],
        false,
    )
    .await
    .unwrap();
    let asked = app
        .ask_for_support(&officer, "ASHFIELD", "Our chief executive has gone")
        .await
        .unwrap();
    assert!(asked.routed_to.is_empty(), "not routed before triage");
    let triaged = app
        .triage_support_request(&officer, asked.id, "CRISIS", None)
        .await
        .unwrap();
    let routed: Vec<&str> = triaged
        .routed_to
        .iter()
        .map(|m| m.provider.as_str())
        .collect();
    assert_eq!(
        routed,
        ["EXCELLENT", "IDEA"],
        "the auditor is never offered"
    );
    assert_eq!(triaged.left_out, ["AUDIT"]);
    // Another council with no conflict gets the auditor too.
    let other = app
        .ask_for_support(&officer, "BASSETLAW", "Help")
        .await
        .unwrap();
    let other = app
        .triage_support_request(&officer, other.id, "CRISIS", None)
        .await
        .unwrap();
    assert_eq!(other.routed_to.len(), 3);

    let gaps = app.support_matrix(&officer).await.unwrap().gaps;
    assert!(gaps.contains(&"Coasting".to_owned()), "{gaps:?}");
    assert!(!gaps.contains(&"Organisational crisis".to_owned()));
}

#[tokio::test]
async fn a_plan_that_takes_the_year_over_the_cap_is_flagged() {
    let (app, _dir) = open().await;
    matrix(&app).await;
    let officer = app.command_line_as("officer@council.example").unwrap();
    // The protocol's budget: 5% of £6,237,000 is £311,850.
    let budget = app
        .set_support_budget(&system(), 6_237_000, 5.0, 236_000)
        .await
        .unwrap();
    assert_eq!(budget.cap, 311_850);
    let plan = |code: &str, unit: &str, days: f64| PlanForm {
        code: code.into(),
        unit: unit.into(),
        title: "Recovery".into(),
        problem_type: Some("CRISIS".into()),
        budget_year: "2008/09".into(),
        providers: vec![
            PlanProviderForm {
                provider: "EXCELLENT".into(),
                days,
                cost: None,
            },
            PlanProviderForm {
                provider: "IDEA".into(),
                days: 10.0,
                cost: None,
            },
        ],
        ..PlanForm::default()
    };
    let first = app
        .save_support_plan(&officer, &plan("EM-1", "ASHFIELD", 200.0))
        .await
        .unwrap();
    assert_eq!(first.total_cost, 200_000, "200 days at £1,000; IDeA free");
    assert!(!first.budget.over_cap);
    let second = app
        .save_support_plan(&officer, &plan("EM-2", "BASSETLAW", 150.0))
        .await
        .unwrap();
    assert_eq!(second.budget.committed, 350_000);
    assert!(second.budget.over_cap, "£350,000 is over the £311,850 cap");
    // A plan of another year is not counted against 2008/09.
    let mut later = plan("EM-3", "BASSETLAW", 10.0);
    later.budget_year = "2009/10".into();
    assert!(
        !app.save_support_plan(&officer, &later)
            .await
            .unwrap()
            .budget
            .over_cap
    );
    // A confidential plan counts against the cap for everyone, though only
    // its group reads it: the open plan after it is flagged for an outsider,
    // whose total leaves the confidential plan's cost out.
    let agent = app.command_line_as("agent@goem.example").unwrap();
    let mut secret = plan("EM-4", "ASHFIELD", 300.0);
    secret.budget_year = "2010/11".into();
    secret.confidential_to = Some("CHANGE-AGENTS".into());
    let kept = app.save_support_plan(&agent, &secret).await.unwrap();
    assert_eq!(
        kept.code, "CHANGE-AGENTS:EM-4",
        "its code carries its group"
    );
    let mut open_plan = plan("EM-5", "BASSETLAW", 20.0);
    open_plan.budget_year = "2010/11".into();
    let seen = app.save_support_plan(&officer, &open_plan).await.unwrap();
    assert!(seen.budget.over_cap, "£300,000 and £20,000 pass £311,850");
    assert_eq!(seen.budget.committed, 20_000, "only what the officer reads");
    assert!(
        app.support_plans(&officer)
            .await
            .unwrap()
            .iter()
            .all(|p| p.code != "CHANGE-AGENTS:EM-4")
    );
    // The outsider may use the same code for an open plan: a refusal would
    // tell them a plan they cannot see exists.
    let mut same_code = plan("EM-4", "BASSETLAW", 1.0);
    same_code.budget_year = "2010/11".into();
    let open_em4 = app.save_support_plan(&officer, &same_code).await.unwrap();
    assert_eq!(open_em4.code, "EM-4");
    assert_eq!(
        app.support_plan(&agent, "CHANGE-AGENTS:EM-4")
            .await
            .unwrap()
            .unit
            .code,
        "ASHFIELD",
        "the group's plan is untouched"
    );
    // Nobody outside the group can write into its name.
    let mut forged = plan("CHANGE-AGENTS:EM-9", "BASSETLAW", 1.0);
    forged.budget_year = "2010/11".into();
    match app.save_support_plan(&officer, &forged).await.unwrap_err() {
        AppError::Invalid { field, message } => {
            assert_eq!(field, "code");
            assert!(message.contains("a colon in a plan's code"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// A plan answers a request for its own unit: naming a request that does
/// not exist, or one for another council, is refused saying which, and an
/// unknown unit is a mistake in the form (the field named), not a crash.
#[tokio::test]
async fn a_plan_answers_a_request_for_its_own_unit() {
    let (app, _dir) = open().await;
    matrix(&app).await;
    let officer = app.command_line_as("officer@council.example").unwrap();
    let asked = app
        .ask_for_support(&officer, "ASHFIELD", "Our chief executive has gone")
        .await
        .unwrap();
    let plan = |unit: &str, request: i64| PlanForm {
        code: "EM-1".into(),
        unit: unit.into(),
        title: "Recovery".into(),
        problem_type: Some("CRISIS".into()),
        budget_year: "2008/09".into(),
        request: Some(request),
        ..PlanForm::default()
    };
    let refused = |e: AppError| match e {
        AppError::Invalid { field, message } => (field, message),
        other => panic!("refused as a mistake in the form, not {other:?}"),
    };
    let (field, message) = refused(
        app.save_support_plan(&officer, &plan("ASHFIELD", asked.id + 100))
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "request");
    assert!(
        message.contains(&format!("no support request has the id {}", asked.id + 100)),
        "{message}"
    );
    let (_, message) = refused(
        app.save_support_plan(&officer, &plan("BASSETLAW", asked.id))
            .await
            .unwrap_err(),
    );
    assert!(
        message.contains("is for ASHFIELD, not BASSETLAW"),
        "{message}"
    );
    let (field, message) = refused(
        app.save_support_plan(&officer, &plan("NOWHERE", asked.id))
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "unit");
    assert!(message.contains("NOWHERE"), "{message}");
    let saved = app
        .save_support_plan(&officer, &plan("ASHFIELD", asked.id))
        .await
        .unwrap();
    assert_eq!(saved.request, Some(asked.id));
}
