//! Improvement plans, projects with gates and work programmes, through the
//! use cases every face calls, on SQLite and (with STOCKTAKE_TEST_POSTGRES)
//! PostgreSQL: the plan counts its action points as the report does; a
//! carried-forward action appears in next year's plan, linked both ways; a
//! project cannot be updated before approval or closed without its
//! evaluation; imports are all or nothing; scope and role decide who reads
//! and writes.

use std::sync::Arc;

use stocktake::access::{AccountForm, AuditSearch, ScopePart};
use stocktake::improvement::{
    ActionForm, CarryForward, ClosureForm, CommentForm, ImprovementFile, ImprovementPlanForm,
    MilestoneForm, ObjectiveForm, ProgrammeForm, ProgressForm, ProjectDecisionForm, ProjectForm,
    ProjectUpdateForm, ThemeForm, WorkstreamForm,
};
use stocktake::values::FileKind;
use stocktake::{AppError, Caller, OpenOptions, Role, Stocktake};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
NFRS,Nottinghamshire Fire and Rescue Service,service,
CITY,City group,group,NFRS
SOUTH,South group,group,NFRS
";

const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals
BVPI 142ii,Primary fires per 10000 population,count,lower_is_better,year,fires,1
";

async fn open(url: &str) -> Arc<Stocktake> {
    let app = Stocktake::open(url, OpenOptions::default()).await.unwrap();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, INDICATORS),
        ],
    )
    .await
    .unwrap();
    for (email, role, scope) in [
        (
            "officer@notts-fire.example",
            Role::PerformanceOfficer,
            "all",
        ),
        (
            "south@notts-fire.example",
            Role::PerformanceOfficer,
            "unit:SOUTH",
        ),
        ("viewer@notts-fire.example", Role::Viewer, "all"),
        ("andy@notts-fire.example", Role::Owner, "all"),
    ] {
        app.save_account(
            &system(),
            &AccountForm {
                email: email.into(),
                name: if email.starts_with("andy") {
                    "ACFO Andy Beale".into()
                } else {
                    email.into()
                },
                role,
                scope: vec![scope.parse::<ScopePart>().unwrap()],
                owns: Vec::new(),
                closed_groups: Vec::new(),
                disabled: None,
            },
            Some("correct horse battery staple"),
        )
        .await
        .unwrap();
    }
    app
}

/// Runs `check` on every database.
macro_rules! on_every_database {
    ($name:ident, $check:ident) => {
        #[tokio::test]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            for url in database_urls("plans", stringify!($check), dir.path()) {
                let app = open(&url).await;
                $check(app).await;
            }
        }
    };
}

async fn cpa_plan(app: &Stocktake, officer: &Caller) {
    app.save_improvement_plan(
        officer,
        &ImprovementPlanForm {
            code: "CPA-2006".into(),
            title: "CPA improvement plan".into(),
            unit: "NFRS".into(),
            year: "2006/07".into(),
            ..ImprovementPlanForm::default()
        },
    )
    .await
    .unwrap();
    app.save_plan_theme(
        officer,
        "CPA-2006",
        &ThemeForm {
            reference: "1".into(),
            title: "Performance management".into(),
            lead_member: "Cllr Pat Lally".into(),
            project_manager: "ACFO Andy Beale".into(),
            ..ThemeForm::default()
        },
    )
    .await
    .unwrap();
    for (reference, action, status) in [
        ("1.1", "Recruit business risk manager", "complete"),
        ("1.2", "Roll out Performance Net", "Complete"),
        (
            "1.3",
            "Establish mandatory performance measures",
            "complete_support",
        ),
        ("1.4", "Evaluate Performance Net", "in_progress"),
        (
            "1.5",
            "Develop methods for measuring prevention initiatives",
            "not started",
        ),
    ] {
        app.save_plan_action(
            officer,
            "CPA-2006",
            None,
            &ActionForm {
                theme: "1".into(),
                reference: reference.into(),
                action: action.into(),
                lead: "ACFO Andy Beale".into(),
                due_on: Some("2007-03-31".into()),
                status: Some(status.into()),
                indicators: if reference == "1.5" {
                    vec!["BVPI 142ii".into()]
                } else {
                    Vec::new()
                },
            },
        )
        .await
        .unwrap();
    }
}

async fn the_plan_counts_its_action_points_by_status(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    cpa_plan(&app, &officer).await;
    let plan = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    assert_eq!(
        plan.counts_line,
        "5 action points: 1 not started, 1 in progress, 2 complete, 1 complete with ongoing support"
    );
    // Due 2007-03-31 and still open: flagged as overdue; done ones are not.
    assert_eq!(plan.overdue, 2);
    let theme = &plan.themes[0];
    assert_eq!(theme.lead_member, "Cllr Pat Lally");
    assert!(
        theme
            .actions
            .iter()
            .find(|a| a.reference == "1.1")
            .is_some_and(|a| !a.overdue && a.done)
    );
}
on_every_database!(
    the_plan_counts_its_action_points_by_status_on_every_database,
    the_plan_counts_its_action_points_by_status
);

async fn a_carried_forward_action_appears_in_next_years_plan(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    cpa_plan(&app, &officer).await;
    let plan = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    let evaluate = plan.themes[0]
        .actions
        .iter()
        .find(|a| a.reference == "1.4")
        .unwrap()
        .clone();

    // No plan follows yet: the officer is told to name one.
    let refused = app
        .carry_action_forward(&officer, evaluate.id, &CarryForward::default())
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("no plan follows CPA-2006 yet"),
        "{refused}"
    );

    // Naming a new code makes next year's plan, following this one.
    let continuing = app
        .carry_action_forward(
            &officer,
            evaluate.id,
            &CarryForward {
                plan: Some("BP-2007".into()),
                title: Some("Business plan 2007/08".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(continuing.plan, "BP-2007");
    assert_eq!(continuing.reference, "1.4");
    assert_eq!(continuing.status, "in_progress");
    assert_eq!(continuing.carried_from.as_ref().unwrap().id, evaluate.id);
    assert_eq!(continuing.carried_from.as_ref().unwrap().plan, "CPA-2006");

    let next = app.improvement_plan(&officer, "BP-2007").await.unwrap();
    assert_eq!(next.year, "2007/08");
    assert_eq!(next.previous.as_deref(), Some("CPA-2006"));
    assert_eq!(next.themes[0].title, "Performance management");
    assert_eq!(next.themes[0].actions[0].action, "Evaluate Performance Net");
    assert_eq!(next.counts_line, "1 action point: 1 in progress");

    let old = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    assert_eq!(old.next.as_deref(), Some("BP-2007"));
    assert_eq!(
        old.counts_line,
        "5 action points: 1 not started, 2 complete, 1 complete with ongoing support, 1 carried forward"
    );
    let original = app.plan_action(&officer, evaluate.id).await.unwrap();
    assert!(original.carried_forward);
    assert!(!original.overdue, "a carried action is not overdue");
    assert_eq!(original.carried_to.as_ref().unwrap().plan, "BP-2007");

    // Without a plan named, the next one goes to the plan that follows.
    let prevention = old.themes[0]
        .actions
        .iter()
        .find(|a| a.reference == "1.5")
        .unwrap();
    let moved = app
        .carry_action_forward(&officer, prevention.id, &CarryForward::default())
        .await
        .unwrap();
    assert_eq!(moved.plan, "BP-2007");
    assert_eq!(moved.indicators, vec!["BVPI 142ii"]);

    // Twice is refused; so is a completed action.
    let again = app
        .carry_action_forward(&officer, evaluate.id, &CarryForward::default())
        .await
        .unwrap_err();
    assert!(
        again.to_string().contains("already been carried forward"),
        "{again}"
    );
    let done = old.themes[0]
        .actions
        .iter()
        .find(|a| a.reference == "1.1")
        .unwrap();
    let refused = app
        .carry_action_forward(&officer, done.id, &CarryForward::default())
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("only an action still open"),
        "{refused}"
    );

    // The audit trail holds the carry forward with its before and after.
    let lines = app
        .audit_trail(
            &system(),
            &AuditSearch {
                record_type: Some("plan_action".into()),
                limit: 1000,
                ..AuditSearch::default()
            },
        )
        .await
        .unwrap();
    assert!(
        lines.iter().any(|l| l.action == "carry_forward"
            && l.record_key.as_deref() == Some(&*evaluate.id.to_string())),
        "{lines:?}"
    );
}
on_every_database!(
    a_carried_forward_action_appears_in_next_years_plan_on_every_database,
    a_carried_forward_action_appears_in_next_years_plan
);

async fn progress_updates_are_dated_and_kept(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    cpa_plan(&app, &officer).await;
    let plan = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    let id = plan.themes[0].actions[3].id;
    app.add_action_progress(
        &officer,
        id,
        &ProgressForm {
            noted_on: Some("2006-10-01".into()),
            note: "Review planned for July".into(),
            status: None,
        },
    )
    .await
    .unwrap();
    // The owner who leads the action adds progress to it.
    let andy = app.command_line_as("andy@notts-fire.example").unwrap();
    let action = app
        .add_action_progress(
            &andy,
            id,
            &ProgressForm {
                noted_on: Some("2007-03-01".into()),
                note: "Evaluation done by the Service Performance Team".into(),
                status: Some("complete".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(action.status_name, "Complete");
    assert_eq!(
        action
            .updates
            .iter()
            .map(|u| (u.noted_on.as_str(), u.author.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("2006-10-01", "officer@notts-fire.example"),
            ("2007-03-01", "andy@notts-fire.example")
        ]
    );
    // A viewer may read it but not add to it; nor a blank note.
    let viewer = app.command_line_as("viewer@notts-fire.example").unwrap();
    assert_eq!(app.plan_action(&viewer, id).await.unwrap().updates.len(), 2);
    let refused = app
        .add_action_progress(
            &viewer,
            id,
            &ProgressForm {
                note: "x".into(),
                ..ProgressForm::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused}");
    let blank = app
        .add_action_progress(&officer, id, &ProgressForm::default())
        .await
        .unwrap_err();
    assert_eq!(
        blank.to_string(),
        "note: note is missing: say what progress has been made"
    );
}
on_every_database!(
    progress_updates_are_dated_and_kept_on_every_database,
    progress_updates_are_dated_and_kept
);

async fn scope_and_role_decide_who_reads_and_writes_plans(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    cpa_plan(&app, &officer).await;
    let south = app.command_line_as("south@notts-fire.example").unwrap();
    assert!(app.improvement_plans(&south).await.unwrap().is_empty());
    let refused = app.improvement_plan(&south, "CPA-2006").await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused}");
    let viewer = app.command_line_as("viewer@notts-fire.example").unwrap();
    assert_eq!(app.improvement_plans(&viewer).await.unwrap().len(), 1);
    let refused = app
        .save_improvement_plan(
            &viewer,
            &ImprovementPlanForm {
                code: "X".into(),
                title: "X".into(),
                unit: "NFRS".into(),
                year: "2006/07".into(),
                ..ImprovementPlanForm::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("only a performance officer or an administrator"),
        "{refused}"
    );
    // The indicator's page lists the action that addresses it.
    let addressing = app.addressing(&viewer, "BVPI 142ii").await.unwrap();
    assert_eq!(addressing.actions.len(), 1);
    assert_eq!(addressing.actions[0].reference, "1.5");
    assert!(
        app.addressing(&south, "BVPI 142ii")
            .await
            .unwrap()
            .actions
            .is_empty()
    );
}
on_every_database!(
    scope_and_role_decide_who_reads_and_writes_plans_on_every_database,
    scope_and_role_decide_who_reads_and_writes_plans
);

async fn an_action_import_is_all_or_nothing(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    cpa_plan(&app, &officer).await;
    let bad = "theme,ref,action,lead,due,status
1,1.6,Review business risk,ACFO Andy Beale,2007-07-31,In progress
9,1.7,Improve key BVPIs,,2007-03-31,complete
1,1.8,Communicate performance management,,31/03/2007,done
1,1.6,A second 1.6 in the same file,,,
";
    let refused = app
        .import_improvement_file(
            &officer,
            ImprovementFile::Actions,
            Some("CPA-2006"),
            "actions.csv",
            bad.as_bytes(),
        )
        .await
        .unwrap_err();
    let AppError::File(errors) = refused else {
        panic!("expected the file's errors, got {refused}");
    };
    let found: Vec<(u64, Option<&str>)> = errors
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![(3, Some("theme")), (4, Some("status")), (5, Some("ref"))]
    );
    assert!(
        errors.errors[0]
            .message
            .contains("plan CPA-2006 has no theme \"9\""),
        "{:?}",
        errors.errors
    );
    // Nothing was written.
    let plan = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    assert_eq!(plan.themes[0].actions.len(), 5);

    let good = "theme,ref,action,lead,due,status
1,1.6,Review business risk,ACFO Andy Beale,2007-07-31,In progress
1,1.1,Recruit business risk manager and improve risk management,ACFO Andy Beale,2006-06-30,complete
";
    let imported = app
        .import_improvement_file(
            &officer,
            ImprovementFile::Actions,
            Some("CPA-2006"),
            "actions.csv",
            good.as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(imported, 2);
    let plan = app.improvement_plan(&officer, "CPA-2006").await.unwrap();
    assert_eq!(plan.themes[0].actions.len(), 6);
    assert!(
        plan.themes[0].actions[0]
            .action
            .starts_with("Recruit business risk manager and")
    );

    let mut out = Vec::new();
    app.export_improvement_file(
        &officer,
        ImprovementFile::Actions,
        Some("CPA-2006"),
        &mut out,
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("id,theme,ref,action,lead,due,status,indicators\n"),
        "{text}"
    );
    assert!(
        text.contains(",1,1.6,Review business risk,ACFO Andy Beale,2007-07-31,In progress,"),
        "{text}"
    );
}
on_every_database!(
    an_action_import_is_all_or_nothing_on_every_database,
    an_action_import_is_all_or_nothing
);

fn proposal(code: &str) -> ProjectForm {
    ProjectForm {
        code: code.into(),
        title: "Home fire safety checks for over-65s".into(),
        unit: "NFRS".into(),
        manager: "Group Manager Community Safety".into(),
        health_safety: "Crews visit in pairs".into(),
        equality_impact: "Positive for older and disabled residents".into(),
        risk_analysis: String::new(),
        stakeholder_analysis: String::new(),
        indicators: vec!["BVPI 142ii".into()],
        ..ProjectForm::default()
    }
}

async fn a_project_passes_its_gates_in_order(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    let project = app
        .propose_project(&officer, &proposal("TRACK-HFSC"))
        .await
        .unwrap();
    assert_eq!(project.state, "proposed");
    assert_eq!(
        project.missing_assessments,
        vec!["risk analysis", "stakeholder analysis"]
    );

    // No update before approval.
    let update = ProjectUpdateForm {
        updated_on: Some("2007-08-15".into()),
        progress: "400 checks done".into(),
        rag: "Green".into(),
        issues: String::new(),
    };
    let refused = app
        .add_project_update(&officer, "TRACK-HFSC", &update)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "state: project TRACK-HFSC is proposed, not yet approved: updates start once the scrutiny group approves it"
    );

    // Not to scrutiny without the four assessments.
    let decision = ProjectDecisionForm {
        outcome: "approve".into(),
        body: "PaCT".into(),
        decided_on: Some("2007-07-02".into()),
        text: "Approved: fits the IRMP".into(),
    };
    let refused = app
        .decide_project(&officer, "TRACK-HFSC", &decision)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "risk_analysis: project TRACK-HFSC cannot go to scrutiny without its risk analysis and stakeholder analysis: add them to the proposal first"
    );
    app.propose_project(
        &officer,
        &ProjectForm {
            risk_analysis: "Low: crews trained".into(),
            stakeholder_analysis: "Age UK, social services".into(),
            ..proposal("TRACK-HFSC")
        },
    )
    .await
    .unwrap();
    let approved = app
        .decide_project(&officer, "TRACK-HFSC", &decision)
        .await
        .unwrap();
    assert_eq!(approved.state, "approved");
    let recorded = approved.decision.unwrap();
    assert_eq!(
        (
            recorded.body.as_str(),
            recorded.decided_on.as_str(),
            recorded.decided_by.as_str()
        ),
        ("PaCT", "2007-07-02", "officer@notts-fire.example")
    );
    // The proposal is settled once decided.
    let refused = app
        .propose_project(&officer, &proposal("TRACK-HFSC"))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("is approved: its proposal was settled"),
        "{refused}"
    );

    let updated = app
        .add_project_update(&officer, "TRACK-HFSC", &update)
        .await
        .unwrap();
    assert_eq!(updated.updates[0].rag_label, "Green");
    assert_eq!(updated.updates[0].quarter, "2007/08 Q2");
    app.add_project_update(
        &officer,
        "TRACK-HFSC",
        &ProjectUpdateForm {
            updated_on: Some("2007-11-20".into()),
            progress: "Referrals from social services slow".into(),
            rag: "amber".into(),
            issues: "Data sharing agreement awaited".into(),
        },
    )
    .await
    .unwrap();
    let q2 = app
        .project_quarter(&officer, "TRACK-HFSC", "2007/08 Q2")
        .await
        .unwrap();
    assert_eq!(q2.updates.len(), 1);
    assert_eq!(q2.updates[0].progress, "400 checks done");

    // No closure without the evaluation.
    let refused = app
        .close_project(
            &officer,
            "TRACK-HFSC",
            &ClosureForm {
                what_worked: "Joint visits with Age UK".into(),
                ..ClosureForm::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "lessons_learned: project TRACK-HFSC cannot close without its evaluation: say the lessons learned"
    );
    let closed = app
        .close_project(
            &officer,
            "TRACK-HFSC",
            &ClosureForm {
                closed_on: Some("2008-03-31".into()),
                what_worked: "Joint visits with Age UK".into(),
                lessons_learned: "Agree data sharing before starting".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.state, "closed");
    assert_eq!(
        closed.evaluation.unwrap().lessons_learned,
        "Agree data sharing before starting"
    );
    let refused = app
        .add_project_update(&officer, "TRACK-HFSC", &update)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("is closed: only an approved project takes updates"),
        "{refused}"
    );

    // A rejected project records its decision and takes no updates.
    app.propose_project(
        &officer,
        &ProjectForm {
            code: "TRACK-GYM".into(),
            title: "Station gyms".into(),
            risk_analysis: "x".into(),
            stakeholder_analysis: "x".into(),
            ..proposal("TRACK-GYM")
        },
    )
    .await
    .unwrap();
    let rejected = app
        .decide_project(
            &officer,
            "TRACK-GYM",
            &ProjectDecisionForm {
                outcome: "reject".into(),
                text: "No budget this year".into(),
                ..decision.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(rejected.decision.unwrap().outcome, "rejected");

    let addressing = app.addressing(&officer, "BVPI 142ii").await.unwrap();
    assert_eq!(addressing.projects.len(), 2);
}
on_every_database!(
    a_project_passes_its_gates_in_order_on_every_database,
    a_project_passes_its_gates_in_order
);

async fn a_project_update_import_is_refused_whole_before_approval(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    app.propose_project(&officer, &proposal("TRACK-HFSC"))
        .await
        .unwrap();
    let file = "project,updated_on,rag,progress,issues
TRACK-HFSC,2007-08-15,green,400 checks done,
TRACK-NONE,2007-08-15,purple,,
";
    let refused = app
        .import_improvement_file(
            &officer,
            ImprovementFile::ProjectUpdates,
            None,
            "updates.csv",
            file.as_bytes(),
        )
        .await
        .unwrap_err();
    let AppError::File(errors) = refused else {
        panic!("expected the file's errors");
    };
    assert_eq!(errors.errors.len(), 2);
    assert_eq!(errors.errors[0].line, 2);
    assert_eq!(errors.errors[0].column.as_deref(), Some("project"));
    assert!(errors.errors[0].message.contains("not yet approved"));
    assert_eq!(errors.errors[1].line, 3);
    assert!(errors.errors[1].message.contains("TRACK-NONE"));
    assert!(
        app.project(&officer, "TRACK-HFSC")
            .await
            .unwrap()
            .updates
            .is_empty()
    );
}
on_every_database!(
    a_project_update_import_is_refused_whole_before_approval_on_every_database,
    a_project_update_import_is_refused_whole_before_approval
);

async fn a_work_programme_is_reported_by_quarter(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts-fire.example").unwrap();
    app.save_work_programme(
        &officer,
        &ProgrammeForm {
            code: "JWP-2007".into(),
            title: "Joint work programme".into(),
            unit: "NFRS".into(),
            year: "2007/08".into(),
            ..ProgrammeForm::default()
        },
    )
    .await
    .unwrap();
    app.save_programme_objective(
        &officer,
        "JWP-2007",
        &ObjectiveForm {
            reference: "1".into(),
            title: "Better use of performance information".into(),
        },
    )
    .await
    .unwrap();
    let refused = app
        .save_workstream(
            &officer,
            "JWP-2007",
            &WorkstreamForm {
                objective: "1".into(),
                reference: "1.1".into(),
                title: "Toolkit".into(),
                kind: "project".into(),
                lead: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "kind: \"project\" is not a kind of workstream: use product or process"
    );
    let programme = app
        .save_workstream(
            &officer,
            "JWP-2007",
            &WorkstreamForm {
                objective: "1".into(),
                reference: "1.1".into(),
                title: "Performance toolkit".into(),
                kind: "Product".into(),
                lead: "LGA".into(),
            },
        )
        .await
        .unwrap();
    let stream = programme.objectives[0].workstreams[0].id;
    for (title, due, done) in [
        ("Draft toolkit", "2007-08-31", Some("2007-09-14")),
        ("Toolkit published", "2007-12-31", None),
        ("Pilot councils chosen", "2007-06-30", Some("2007-07-10")),
    ] {
        app.save_milestone(
            &officer,
            stream,
            None,
            &MilestoneForm {
                title: title.into(),
                due_on: due.into(),
                done_on: done.map(str::to_owned),
            },
        )
        .await
        .unwrap();
    }
    app.add_programme_comment(
        &officer,
        stream,
        &CommentForm {
            noted_on: Some("2007-09-20".into()),
            note: "Draft tested with three councils".into(),
        },
    )
    .await
    .unwrap();
    let q2 = app
        .programme_quarter(&officer, "JWP-2007", "2007/08 Q2")
        .await
        .unwrap();
    assert_eq!(
        (q2.from.as_str(), q2.to.as_str()),
        ("2007-07-01", "2007-09-30")
    );
    assert_eq!(
        q2.due.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
        vec!["Draft toolkit"]
    );
    assert_eq!(
        q2.met.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
        vec!["Pilot councils chosen", "Draft toolkit"]
    );
    assert_eq!(q2.comments[0].text, "Draft tested with three councils");
    let refused = app
        .programme_quarter(&officer, "JWP-2007", "Q2 2007")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("such as 2007/08 Q2"),
        "{refused}"
    );
}
on_every_database!(
    a_work_programme_is_reported_by_quarter_on_every_database,
    a_work_programme_is_reported_by_quarter
);
