//! The national framework through the use cases every face calls, on
//! SQLite and (with STOCKTAKE_TEST_POSTGRES) PostgreSQL: a 36th designated
//! target is refused with the rule named, one by one and in an import
//! (which then writes nothing); statutory and local targets sit outside the
//! 35; the LAA judges each target with the scorecard's figures; an ended
//! set stays readable; an assessment keeps the self-assessment and the
//! judgement, says the gap in words, raises an action in a plan and feeds
//! the intelligence picture; viewers read and do not write.

use std::sync::Arc;

use stocktake::access::{AccountForm, AuditSearch, ScopePart};
use stocktake::framework::{
    AssessmentForm, FrameworkFile, FrameworkForm, IndicatorSetForm, JudgementForm, KloeForm,
    LaaForm, LaaTargetForm, LevelDescriptor, LineForm, LineJudgementForm, RaiseActionForm,
};
use stocktake::improvement::{ImprovementPlanForm, ThemeForm};
use stocktake::intelligence::IntelligenceSearch;
use stocktake::values::FileKind;
use stocktake::{AppError, Caller, OpenOptions, Role, Stocktake};

use crate::support;

use support::{database_urls, system};

const ORG_UNITS: &str = "code,name,level,parent_code
EM,East Midlands,region,
NOTTS,Nottinghamshire,county,EM
NFRS,Nottinghamshire Fire and Rescue Service,service,EM
DERBY,Derbyshire,county,EM
";

const VALUES: &str = "indicator,org_unit,period,value
NI 1,NOTTS,2008/09,40
NI 1,NOTTS,2009/10,46
NI 2,NOTTS,2008/09,50
";

/// Forty national indicators, NI 1 to NI 40, higher better, and a local one.
fn indicators() -> String {
    let mut out = String::from("code,title,kind,polarity,frequency,unit,decimals\n");
    for n in 1..=40 {
        out.push_str(&format!(
            "NI {n},National indicator {n},count,higher_is_better,year,%,0\n"
        ));
    }
    out.push_str("LOCAL 1,A local measure,count,higher_is_better,year,count,0\n");
    out
}

async fn open(url: &str) -> Arc<Stocktake> {
    let app = Stocktake::open(url, OpenOptions::default()).await.unwrap();
    let indicators = indicators();
    app.import_texts(
        &system(),
        &[
            (FileKind::OrgUnits, ORG_UNITS),
            (FileKind::Indicators, &indicators),
            (FileKind::Values, VALUES),
        ],
    )
    .await
    .unwrap();
    for (email, role, scope) in [
        (
            "officer@notts.example",
            Role::PerformanceOfficer,
            "unit:NOTTS",
        ),
        ("fire@notts.example", Role::PerformanceOfficer, "unit:NFRS"),
        ("viewer@notts.example", Role::Viewer, "unit:NOTTS"),
        ("derby@derbyshire.example", Role::Viewer, "unit:DERBY"),
    ] {
        app.save_account(
            &system(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
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

macro_rules! on_every_database {
    ($name:ident, $check:ident) => {
        #[tokio::test]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            for url in database_urls("framework", stringify!($check), dir.path()) {
                let app = open(&url).await;
                $check(app).await;
            }
        }
    };
}

/// The national set (NI 1 to NI 40) and an agreement for Nottinghamshire.
async fn agreement(app: &Stocktake, officer: &Caller) {
    app.save_indicator_set(
        officer,
        &IndicatorSetForm {
            code: "NIS".into(),
            name: "National Indicator Set".into(),
            owner: "Communities and Local Government".into(),
            valid_from: Some("2008-04-01".into()),
            indicators: (1..=40).map(|n| format!("NI {n}")).collect(),
            ..IndicatorSetForm::default()
        },
    )
    .await
    .unwrap();
    app.save_laa(
        officer,
        &LaaForm {
            code: "NOTTS-LAA".into(),
            title: "Nottinghamshire LAA 2008-11".into(),
            unit: "NOTTS".into(),
            first_year: "2008/09".into(),
            national_set: "NIS".into(),
            ..LaaForm::default()
        },
    )
    .await
    .unwrap();
}

fn designated(n: u32) -> LaaTargetForm {
    LaaTargetForm {
        indicator: format!("NI {n}"),
        kind: Some("designated".into()),
        theme: if n.is_multiple_of(2) {
            "Stronger communities"
        } else {
            "Safer communities"
        }
        .into(),
        partner: "County council".into(),
        ..LaaTargetForm::default()
    }
}

fn rule_named(e: &AppError) -> bool {
    e.to_string().contains(
        "An LAA designates at most 35 targets from the national indicator set; this would be the 36th",
    )
}

async fn a_thirty_sixth_designated_target_is_refused_saying_the_rule(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts.example").unwrap();
    agreement(&app, &officer).await;
    for n in 1..=35 {
        app.save_laa_target(&officer, "NOTTS-LAA", &designated(n))
            .await
            .unwrap();
    }
    let laa = app.laa(&officer, "NOTTS-LAA").await.unwrap();
    assert_eq!(laa.designated_line, "35 of 35 designated");

    let refused = app
        .save_laa_target(&officer, "NOTTS-LAA", &designated(36))
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Invalid { .. }), "{refused:?}");
    assert!(rule_named(&refused), "{refused}");
    assert_eq!(app.laa(&officer, "NOTTS-LAA").await.unwrap().designated, 35);

    // Changing one of the 35 is not a 36th; statutory and local targets
    // sit outside the 35.
    app.save_laa_target(
        &officer,
        "NOTTS-LAA",
        &LaaTargetForm {
            target_1: Some("45".into()),
            ..designated(1)
        },
    )
    .await
    .unwrap();
    for (code, kind) in [("NI 36", "statutory"), ("LOCAL 1", "local")] {
        app.save_laa_target(
            &officer,
            "NOTTS-LAA",
            &LaaTargetForm {
                indicator: code.into(),
                kind: Some(kind.into()),
                ..LaaTargetForm::default()
            },
        )
        .await
        .unwrap();
    }
    let laa = app.laa(&officer, "NOTTS-LAA").await.unwrap();
    assert_eq!(
        (laa.designated, laa.statutory.len(), laa.local.len()),
        (35, 1, 1)
    );

    // A local indicator cannot be designated: it is not in the national set.
    let outside = app
        .save_laa_target(
            &officer,
            "NOTTS-LAA",
            &LaaTargetForm {
                indicator: "LOCAL 1".into(),
                ..LaaTargetForm::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        outside
            .to_string()
            .contains("LOCAL 1 is not in the national indicator set NIS"),
        "{outside}"
    );
}
on_every_database!(
    a_thirty_sixth_designated_target_is_refused_saying_the_rule_on_every_database,
    a_thirty_sixth_designated_target_is_refused_saying_the_rule
);

async fn an_import_with_a_thirty_sixth_designated_target_writes_nothing(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts.example").unwrap();
    agreement(&app, &officer).await;
    let mut file = String::from("laa,indicator,kind,theme,partner,target_1\n");
    for n in 1..=36 {
        file.push_str(&format!(
            "NOTTS-LAA,NI {n},designated,Safer communities,Police,{n}\n"
        ));
    }
    let refused = app
        .import_framework_file(
            &officer,
            FrameworkFile::LaaTargets,
            "targets.csv",
            file.as_bytes(),
        )
        .await
        .unwrap_err();
    let AppError::File(errors) = &refused else {
        panic!("expected a file error, got {refused:?}");
    };
    assert_eq!(errors.file, "targets.csv");
    assert_eq!(errors.errors.len(), 1, "{refused}");
    // The header is line 1, so the 36th target is on line 37.
    assert_eq!(errors.errors[0].line, 37);
    assert_eq!(errors.errors[0].column.as_deref(), Some("kind"));
    assert!(rule_named(&refused), "{refused}");
    // All or nothing: not one of the 35 good lines was written.
    assert_eq!(app.laa(&officer, "NOTTS-LAA").await.unwrap().designated, 0);

    // Without the 36th it goes in whole, and exports as it came.
    let good: String = file.lines().take(36).map(|l| format!("{l}\n")).collect();
    let saved = app
        .import_framework_file(
            &officer,
            FrameworkFile::LaaTargets,
            "targets.csv",
            good.as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(saved, 35);
    let mut out = Vec::new();
    app.export_framework_file(&officer, FrameworkFile::LaaTargets, &mut out)
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with("laa,indicator,kind,theme,partner,baseline"),
        "{out}"
    );
    assert!(
        out.contains("NOTTS-LAA,NI 7,designated,Safer communities,Police,,,7,,,"),
        "{out}"
    );

    // A bad line names its line, column and how to put it right.
    let bad =
        "laa,indicator,kind,target_1\nNOTTS-LAA,NI 37,designated,lots\nNOTTS-LAA,NI 38,reward,1\n";
    let refused = app
        .import_framework_file(
            &officer,
            FrameworkFile::LaaTargets,
            "bad.csv",
            bad.as_bytes(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("line 2, column target_1"), "{refused}");
    assert!(refused.contains("\"lots\" is not a number"), "{refused}");
    assert!(refused.contains("line 3, column kind"), "{refused}");
    assert!(
        refused.contains("use designated, statutory or local"),
        "{refused}"
    );
}
on_every_database!(
    an_import_with_a_thirty_sixth_designated_target_writes_nothing_on_every_database,
    an_import_with_a_thirty_sixth_designated_target_writes_nothing
);

async fn the_agreement_judges_each_target_with_the_scorecards_figures(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts.example").unwrap();
    agreement(&app, &officer).await;
    app.save_laa_target(
        &officer,
        "NOTTS-LAA",
        &LaaTargetForm {
            baseline: Some("38".into()),
            baseline_period: Some("2007/08".into()),
            target_1: Some("42".into()),
            target_2: Some("45".into()),
            target_3: Some("48".into()),
            stretch: Some("52".into()),
            ..designated(1)
        },
    )
    .await
    .unwrap();
    app.save_laa_target(
        &officer,
        "NOTTS-LAA",
        &LaaTargetForm {
            target_1: Some("48".into()),
            partner: "Police".into(),
            ..designated(2)
        },
    )
    .await
    .unwrap();
    let laa = app.laa(&officer, "NOTTS-LAA").await.unwrap();
    assert_eq!(laa.period, "2008/09 to 2010/11");
    let ni1 = laa
        .by_theme
        .iter()
        .flat_map(|g| &g.targets)
        .find(|t| t.indicator == "NI 1")
        .unwrap();
    // 2008/09: 40 against 42, off target; 2009/10: 46 against 45, on.
    assert_eq!(ni1.years[0].status_label, "Off target");
    assert_eq!(ni1.years[1].status_label, "On target");
    assert_eq!(ni1.latest_year.as_deref(), Some("2009/10"));
    assert_eq!(ni1.status_label, "On target");
    assert_eq!(ni1.direction_label, "Improving");
    // From 38 to 46 of the way to 52: 8 of 14, 57%.
    assert_eq!(
        ni1.stretch_progress,
        "57% of the way from the baseline to the stretch"
    );
    let ni2 = laa.by_partner.iter().find(|g| g.name == "Police").unwrap();
    assert_eq!(ni2.summary, "1 of 1 on target");
    assert_eq!(
        laa.by_theme
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        ["Safer communities", "Stronger communities"]
    );
}
on_every_database!(
    the_agreement_judges_each_target_with_the_scorecards_figures_on_every_database,
    the_agreement_judges_each_target_with_the_scorecards_figures
);

async fn viewers_read_within_scope_and_do_not_write(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts.example").unwrap();
    agreement(&app, &officer).await;
    let viewer = app.command_line_as("viewer@notts.example").unwrap();
    assert_eq!(app.laa(&viewer, "NOTTS-LAA").await.unwrap().designated, 0);
    let refused = app
        .save_laa_target(&viewer, "NOTTS-LAA", &designated(1))
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
    // Outside their scope the agreement is not there at all.
    let derby = app.command_line_as("derby@derbyshire.example").unwrap();
    assert!(matches!(
        app.laa(&derby, "NOTTS-LAA").await.unwrap_err(),
        AppError::NotFound { .. }
    ));
    assert!(app.laas(&derby).await.unwrap().is_empty());
    // An officer of another unit cannot write an agreement for this one.
    let fire = app.command_line_as("fire@notts.example").unwrap();
    assert!(
        app.save_laa_target(&fire, "NOTTS-LAA", &designated(1))
            .await
            .is_err()
    );

    // Every change is in the audit trail with its before and after.
    app.save_laa_target(&officer, "NOTTS-LAA", &designated(3))
        .await
        .unwrap();
    let lines = app
        .audit_trail(
            &system(),
            &AuditSearch {
                record_type: Some("laa_target".into()),
                limit: 100,
                ..AuditSearch::default()
            },
        )
        .await
        .unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.record_key.as_deref() == Some("NOTTS-LAA NI 3")
                && l.actor == "officer@notts.example"),
        "{lines:?}"
    );
}
on_every_database!(
    viewers_read_within_scope_and_do_not_write_on_every_database,
    viewers_read_within_scope_and_do_not_write
);

async fn an_ended_set_stays_readable_and_members_travel_as_csv(app: Arc<Stocktake>) {
    let officer = app.command_line_as("officer@notts.example").unwrap();
    let sets = "code,name,owner,valid_from,valid_to,description\n\
                BVPI,Best Value Performance Indicators,Audit Commission,2000-04-01,2008-03-31,The former Best Value set\n\
                NIS,National Indicator Set,Communities and Local Government,2008-04-01,,\n";
    app.import_framework_file(&officer, FrameworkFile::Sets, "sets.csv", sets.as_bytes())
        .await
        .unwrap();
    let members = "set,indicator\nBVPI,NI 1\nNIS,NI 1\nNIS,NI 2\n";
    app.import_framework_file(
        &officer,
        FrameworkFile::SetMembers,
        "members.csv",
        members.as_bytes(),
    )
    .await
    .unwrap();
    let bvpi = app.indicator_set(&officer, "BVPI").await.unwrap();
    assert!(bvpi.ended);
    assert!(
        bvpi.validity.starts_with("Ended 2008-03-31"),
        "{}",
        bvpi.validity
    );
    assert_eq!(bvpi.members.len(), 1);
    assert_eq!(
        app.set_filter(&officer, Some("NIS")).await.unwrap(),
        Some(vec!["NI 1".to_owned(), "NI 2".to_owned()])
    );
    let mut out = Vec::new();
    app.export_framework_file(&officer, FrameworkFile::SetMembers, &mut out)
        .await
        .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), members);

    let bad = "set,indicator\nNIS,NI 99\nOLD,NI 1\n";
    let refused = app
        .import_framework_file(
            &officer,
            FrameworkFile::SetMembers,
            "bad.csv",
            bad.as_bytes(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("line 2, column indicator"), "{refused}");
    assert!(refused.contains("line 3, column set"), "{refused}");
    assert!(refused.contains("describe the set first"), "{refused}");
    assert_eq!(
        app.indicator_set(&officer, "NIS")
            .await
            .unwrap()
            .members
            .len(),
        2
    );
}
on_every_database!(
    an_ended_set_stays_readable_and_members_travel_as_csv_on_every_database,
    an_ended_set_stays_readable_and_members_travel_as_csv
);

fn cpa() -> FrameworkForm {
    let line = |reference: &str, theme: &str, question: &str| KloeForm {
        reference: reference.into(),
        theme: theme.into(),
        question: question.into(),
        descriptors: vec![LevelDescriptor {
            level: "Fair".into(),
            descriptor: "Arrangements in place at strategic level only.".into(),
        }],
    };
    FrameworkForm {
        code: "FIRE-CPA".into(),
        name: "Fire comprehensive performance assessment".into(),
        scale: ["Poor", "Weak", "Fair", "Good", "Excellent"]
            .map(String::from)
            .to_vec(),
        description: String::new(),
        kloes: vec![
            line(
                "PM1",
                "Performance management",
                "Are business risks managed below strategic level?",
            ),
            line("PM2", "Performance management", "Is target setting SMART?"),
            line("PE1", "People management", "Is sickness absence managed?"),
        ],
    }
}

async fn an_assessment_keeps_both_judgements_raises_an_action_and_feeds_intelligence(
    app: Arc<Stocktake>,
) {
    let fire = app.command_line_as("fire@notts.example").unwrap();
    app.save_framework(&fire, &cpa()).await.unwrap();
    app.save_improvement_plan(
        &fire,
        &ImprovementPlanForm {
            code: "CPA-2005".into(),
            title: "CPA improvement plan".into(),
            unit: "NFRS".into(),
            year: "2005/06".into(),
            ..ImprovementPlanForm::default()
        },
    )
    .await
    .unwrap();
    app.save_plan_theme(
        &fire,
        "CPA-2005",
        &ThemeForm {
            reference: "1".into(),
            title: "Performance management".into(),
            ..ThemeForm::default()
        },
    )
    .await
    .unwrap();
    let a = app
        .start_assessment(
            &fire,
            &AssessmentForm {
                framework: "FIRE-CPA".into(),
                unit: "NFRS".into(),
                title: "CPA 2004".into(),
                self_assessed_on: "2004-10-01".into(),
            },
        )
        .await
        .unwrap();
    app.self_assess_line(
        &fire,
        a.id,
        &LineForm {
            kloe: "PM1".into(),
            level: Some("good".into()),
            evidence: "Risk register reviewed quarterly by the SMT".into(),
            indicators: vec!["NI 1".into()],
            documents: vec!["https://example.org/risk-policy.pdf".into()],
        },
    )
    .await
    .unwrap();
    let judged = app
        .judge_line(
            &fire,
            a.id,
            &LineJudgementForm {
                kloe: "PM1".into(),
                judgement: Some("Fair".into()),
                note: "Below strategic level risks are not managed".into(),
            },
        )
        .await
        .unwrap();
    let pm1 = &judged.lines[0];
    assert_eq!(pm1.self_level.as_deref(), Some("Good"));
    assert_eq!(pm1.judgement.as_deref(), Some("Fair"));
    assert_eq!(
        pm1.gap_words,
        "Self-assessed one level above the judgement (Good against Fair)"
    );
    assert_eq!(pm1.documents, ["https://example.org/risk-policy.pdf"]);

    let off_scale = app
        .judge_line(
            &fire,
            a.id,
            &LineJudgementForm {
                kloe: "PM2".into(),
                judgement: Some("Outstanding".into()),
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        off_scale
            .to_string()
            .contains("use one of Poor, Weak, Fair, Good, Excellent"),
        "{off_scale}"
    );

    for (kind, on, level, by) in [
        ("self", "2004-10-01", "Good", "NFRS"),
        ("external", "2005-03-31", "Fair", "Audit Commission"),
    ] {
        app.record_judgement(
            &fire,
            a.id,
            &JudgementForm {
                kind: kind.into(),
                judged_on: on.into(),
                judgement: level.into(),
                by_whom: by.into(),
            },
        )
        .await
        .unwrap();
    }
    let raised = app
        .raise_assessment_action(
            &fire,
            a.id,
            &RaiseActionForm {
                kloe: "PM1".into(),
                plan: "CPA-2005".into(),
                theme: "1".into(),
                reference: "1.1".into(),
                action: "Establish business risk management below strategic level".into(),
                lead: "ACFO Andy Beale".into(),
                due_on: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(raised.self_overall.as_deref(), Some("Good"));
    assert_eq!(raised.judgement.as_deref(), Some("Fair"));
    assert_eq!(
        raised.gap_words,
        "Self-assessed one level above the judgement (Good against Fair)"
    );
    assert_eq!(
        raised
            .history
            .iter()
            .map(|h| (h.kind_label.as_str(), h.judgement.as_str()))
            .collect::<Vec<_>>(),
        [("Self-assessment", "Good"), ("External judgement", "Fair")]
    );
    let line = &raised.lines[0];
    assert_eq!(
        line.action.as_deref(),
        Some("CPA-2005 1.1: Establish business risk management below strategic level")
    );
    // The plan holds the action point, linked to the line's evidence indicator.
    let plan = app.improvement_plan(&fire, "CPA-2005").await.unwrap();
    assert_eq!(plan.themes[0].actions.len(), 1);
    assert_eq!(Some(plan.themes[0].actions[0].id), line.action_id);

    // The unit's intelligence picture holds the judgement, dated.
    let records = app
        .intelligence(
            &fire,
            &IntelligenceSearch {
                unit: Some("NFRS".into()),
                source: Some("FIRE-CPA".into()),
                q: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].judgement.as_deref(), Some("Fair"));
    assert_eq!(records[0].recorded_on, "2005-03-31");

    // A viewer of another unit does not see the assessment.
    let derby = app.command_line_as("derby@derbyshire.example").unwrap();
    assert!(app.assessment(&derby, a.id).await.is_err());
    assert!(app.assessments(&derby, None).await.unwrap().is_empty());
}
on_every_database!(
    an_assessment_keeps_both_judgements_raises_an_action_and_feeds_intelligence_on_every_database,
    an_assessment_keeps_both_judgements_raises_an_action_and_feeds_intelligence
);

/// Starts a CPA assessment of the fire service against the CPA framework.
async fn cpa_assessment(app: &Stocktake, fire: &Caller) -> i64 {
    app.save_framework(fire, &cpa()).await.unwrap();
    app.start_assessment(
        fire,
        &AssessmentForm {
            framework: "FIRE-CPA".into(),
            unit: "NFRS".into(),
            title: "CPA 2004".into(),
            self_assessed_on: "2004-10-01".into(),
        },
    )
    .await
    .unwrap()
    .id
}

fn external(on: &str, level: &str) -> JudgementForm {
    JudgementForm {
        kind: "external".into(),
        judged_on: on.into(),
        judgement: level.into(),
        by_whom: "Audit Commission".into(),
    }
}

async fn audit_lines(app: &Stocktake, record_type: &str) -> Vec<stocktake::access::AuditLine> {
    app.audit_trail(
        &system(),
        &AuditSearch {
            record_type: Some(record_type.into()),
            limit: 1000,
            ..AuditSearch::default()
        },
    )
    .await
    .unwrap()
}

/// Makes the database itself refuse any judgement history: a trigger, so
/// the judgement's last write fails after its intelligence record was
/// written in the same transaction.
async fn refuse_history(url: &str, refuse: bool) {
    use sqlx::Connection;
    if url.starts_with("sqlite") {
        let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
        let sql = if refuse {
            "create trigger refuse_history before insert on assessment_history \
             begin select raise(abort, 'the history refuses this judgement'); end"
        } else {
            "drop trigger refuse_history"
        };
        sqlx::raw_sql(sql).execute(&mut db).await.unwrap();
    } else {
        let mut db = sqlx::PgConnection::connect(url).await.unwrap();
        let sql = if refuse {
            "create function refuse_history() returns trigger language plpgsql as \
             $$ begin raise exception 'the history refuses this judgement'; end $$; \
             create trigger refuse_history before insert on assessment_history \
             for each row execute function refuse_history();"
        } else {
            "drop trigger refuse_history on assessment_history; drop function refuse_history();"
        };
        sqlx::raw_sql(sql).execute(&mut db).await.unwrap();
    }
}

#[tokio::test]
async fn a_judgement_and_its_intelligence_record_are_written_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    for url in database_urls("framework", "judgement_together", dir.path()) {
        let app = open(&url).await;
        let fire = app.command_line_as("fire@notts.example").unwrap();
        let id = cpa_assessment(&app, &fire).await;
        let search = IntelligenceSearch {
            unit: Some("NFRS".into()),
            ..IntelligenceSearch::default()
        };
        let assessments_audited = audit_lines(&app, "assessment").await.len();

        // The last write fails: nothing of the judgement is kept, neither
        // the intelligence record, nor the framework's source type, nor the
        // judgement, nor any audit line.
        refuse_history(&url, true).await;
        for form in [
            external("2005-03-31", "Fair"),
            JudgementForm {
                kind: "self".into(),
                judged_on: "2004-10-01".into(),
                judgement: "Good".into(),
                by_whom: String::new(),
            },
        ] {
            let refused = app.record_judgement(&fire, id, &form).await;
            assert!(refused.is_err(), "{url}: {refused:?}");
        }
        assert!(
            app.intelligence(&fire, &search).await.unwrap().is_empty(),
            "{url}: no intelligence record without its judgement"
        );
        assert!(
            !app.intelligence_sources(&fire)
                .await
                .unwrap()
                .iter()
                .any(|s| s.code == "FIRE-CPA"),
            "{url}: no source type either"
        );
        let kept = app.assessment(&fire, id).await.unwrap();
        assert_eq!(kept.judgement, None, "{url}");
        assert_eq!(kept.self_overall, None, "{url}");
        assert!(kept.history.is_empty(), "{url}");
        assert!(audit_lines(&app, "intelligence").await.is_empty(), "{url}");
        assert_eq!(
            audit_lines(&app, "assessment").await.len(),
            assessments_audited,
            "{url}"
        );

        // The same judgement once the database takes it: both written, one
        // audit line each, the history pointing at the record.
        refuse_history(&url, false).await;
        let judged = app
            .record_judgement(&fire, id, &external("2005-03-31", "Fair"))
            .await
            .unwrap();
        assert_eq!(judged.judgement.as_deref(), Some("Fair"), "{url}");
        let records = app.intelligence(&fire, &search).await.unwrap();
        assert_eq!(records.len(), 1, "{url}");
        assert_eq!(records[0].judgement.as_deref(), Some("Fair"));
        assert_eq!(records[0].source, "FIRE-CPA");
        let intelligence = audit_lines(&app, "intelligence").await;
        assert_eq!(intelligence.len(), 1, "{url}: {intelligence:?}");
        assert_eq!(
            intelligence[0].record_key.as_deref(),
            Some(records[0].id.to_string().as_str())
        );
        assert_eq!(intelligence[0].actor, "fire@notts.example");
        let assessment = audit_lines(&app, "assessment").await;
        assert_eq!(assessment.len(), assessments_audited + 1, "{url}");
        assert!(
            assessment[0]
                .after
                .as_deref()
                .is_some_and(|a| a.contains("\"judgement\":\"Fair\"")),
            "{url}: {:?}",
            assessment[0]
        );
    }
}

async fn frameworks_and_draft_assessments_are_deleted_with_reasons_for_refusals(
    app: Arc<Stocktake>,
) {
    let fire = app.command_line_as("fire@notts.example").unwrap();
    let id = cpa_assessment(&app, &fire).await;

    // Deleting a framework is an administrator's: a performance officer is
    // refused, saying who may.
    let refused = app.delete_framework(&fire, "FIRE-CPA").await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
    assert!(
        refused
            .to_string()
            .contains("only an administrator may delete frameworks"),
        "{refused}"
    );
    // In use: refused, naming the assessment.
    let refused = app
        .delete_framework(&system(), "FIRE-CPA")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains(&format!(
            "Fire comprehensive performance assessment (FIRE-CPA) cannot be deleted: 1 assessment is made against it: {id} (CPA 2004, NFRS). Delete it first"
        )),
        "{refused}"
    );

    // A viewer, or an officer of another unit, may not delete the assessment.
    let viewer = app.command_line_as("viewer@notts.example").unwrap();
    assert!(app.delete_assessment(&viewer, id).await.is_err());
    let officer = app.command_line_as("officer@notts.example").unwrap();
    assert!(matches!(
        app.delete_assessment(&officer, id).await.unwrap_err(),
        AppError::NotFound { .. }
    ));

    // Once externally judged, it is kept with its judgement history.
    app.record_judgement(&fire, id, &external("2005-03-31", "Fair"))
        .await
        .unwrap();
    let refused = app.delete_assessment(&fire, id).await.unwrap_err();
    assert!(
        refused.to_string().contains(
            "CPA 2004 against Fire comprehensive performance assessment cannot be deleted: it has an external judgement (Fair on 2005-03-31 by Audit Commission)"
        ),
        "{refused}"
    );
    assert_eq!(app.assessment(&fire, id).await.unwrap().history.len(), 1);

    // A draft one (self-assessed only) is deleted, audited with what it was.
    let draft = app
        .start_assessment(
            &fire,
            &AssessmentForm {
                framework: "FIRE-CPA".into(),
                unit: "NFRS".into(),
                title: "Draft self-assessment 2005".into(),
                self_assessed_on: "2005-09-01".into(),
            },
        )
        .await
        .unwrap()
        .id;
    app.record_judgement(
        &fire,
        draft,
        &JudgementForm {
            kind: "self".into(),
            judged_on: "2005-09-01".into(),
            judgement: "Good".into(),
            by_whom: String::new(),
        },
    )
    .await
    .unwrap();
    app.delete_assessment(&fire, draft).await.unwrap();
    assert!(matches!(
        app.assessment(&fire, draft).await.unwrap_err(),
        AppError::NotFound { .. }
    ));
    assert_eq!(app.assessments(&fire, None).await.unwrap().len(), 1);
    let lines = audit_lines(&app, "assessment").await;
    let deleted = lines
        .iter()
        .find(|l| l.action == "delete")
        .expect("a delete line");
    assert_eq!(
        deleted.record_key.as_deref(),
        Some(draft.to_string().as_str())
    );
    assert_eq!(deleted.actor, "fire@notts.example");
    assert!(
        deleted
            .before
            .as_deref()
            .is_some_and(|b| b.contains("Draft self-assessment 2005") && b.contains("Good")),
        "{deleted:?}"
    );
    assert_eq!(deleted.after, None);

    // A framework nothing assesses against is deleted by an administrator.
    app.save_framework(
        &fire,
        &FrameworkForm {
            code: "LOCAL-STANDARD".into(),
            name: "A local standard".into(),
            ..cpa()
        },
    )
    .await
    .unwrap();
    app.delete_framework(&system(), "LOCAL-STANDARD")
        .await
        .unwrap();
    assert!(matches!(
        app.framework(&fire, "LOCAL-STANDARD").await.unwrap_err(),
        AppError::NotFound { .. }
    ));
    let lines = audit_lines(&app, "assessment_framework").await;
    assert!(
        lines.iter().any(|l| l.action == "delete"
            && l.record_key.as_deref() == Some("LOCAL-STANDARD")
            && l.before
                .as_deref()
                .is_some_and(|b| b.contains("A local standard"))),
        "{lines:?}"
    );
    // Unknown: not found.
    assert!(matches!(
        app.delete_framework(&system(), "NO-SUCH")
            .await
            .unwrap_err(),
        AppError::NotFound { .. }
    ));
}
on_every_database!(
    frameworks_and_draft_assessments_are_deleted_with_reasons_for_refusals_on_every_database,
    frameworks_and_draft_assessments_are_deleted_with_reasons_for_refusals
);
