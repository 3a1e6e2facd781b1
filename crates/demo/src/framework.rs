//! The national framework in the demo: the National Indicator Set holding
//! the demo's national indicators under their real codes and published
//! titles (NI 192 among them; the rest of the 198 a deployment imports
//! itself), the Best Value set it replaced (ended 31 March 2008, as the LAA
//! briefing says: "From April 2008, all other sets of indicators, including
//! Best Value Performance Indicators ... will be abolished"), a Local Area
//! Agreement for Nottinghamshire agreed by the LAA partnership of the
//! register, and the fire service's comprehensive performance assessment as
//! a framework: the four themes of its CPA action plan with key lines of
//! enquiry drawn from the plan's aims, a self-assessment, the Audit
//! Commission's judgement ("Nottinghamshire was assessed as Fair", March
//! 2005) and an action it raised in an improvement plan.
//!
//! The seeds do not list the thirty seven key lines of enquiry, so the lines
//! here put the plan's aims as questions; the line-by-line levels are the
//! demo's own, and only the overall judgement is the published one.

use stocktake::framework::{
    AssessmentForm, FrameworkForm, IndicatorSetForm, JudgementForm, KloeForm, LaaForm,
    LaaTargetForm, LevelDescriptor, LineForm, LineJudgementForm, RaiseActionForm,
};
use stocktake::improvement::{ImprovementPlanForm, ThemeForm};
use stocktake::{AppError, Caller, Stocktake};

/// The national set's code.
pub const NATIONAL_SET: &str = "NIS";
/// The demo's agreement.
pub const LAA: &str = "NOTTS-LAA";
/// The fire CPA as a framework.
pub const FIRE_CPA: &str = "FIRE-CPA";
/// The plan the assessment raised its action in.
pub const ASSESSMENT_PLAN: &str = "NFRS-KLOE-2007";

/// The demo's national indicators: their codes as the demo writes them.
const NATIONAL: [&str; 7] = [
    "NI155", "NI156", "NI157a", "NI181", "NI191", "NI192", "NI195a",
];

/// (indicator, theme, partner responsible, targets for the three years,
/// stretch): the demo's own targets, judged against the real figures.
type Designation = (
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 3],
    Option<&'static str>,
);

const DESIGNATED: [Designation; 5] = [
    (
        "NI192",
        "Waste and environment",
        "District councils",
        ["42", "44", "46"],
        Some("48"),
    ),
    (
        "NI191",
        "Waste and environment",
        "District councils",
        ["560", "545", "530"],
        None,
    ),
    (
        "NI195a",
        "Waste and environment",
        "District councils",
        ["8", "7", "6"],
        None,
    ),
    (
        "NI155",
        "Housing",
        "Nottinghamshire County Council",
        ["1100", "1200", "1300"],
        Some("1400"),
    ),
    (
        "NI156",
        "Housing",
        "District councils",
        ["450", "420", "400"],
        None,
    ),
];

/// (reference, theme, question, descriptor at Fair)
const KLOES: [(&str, &str, &str, &str); 8] = [
    (
        "PM1",
        "Performance management",
        "Are business risk management arrangements in place below strategic level?",
        "Business risk is managed at strategic level; below it arrangements are still being put in place.",
    ),
    (
        "PM2",
        "Performance management",
        "Is the senior management team's performance assessed against robust performance criteria?",
        "Criteria are agreed but not yet used to assess each member of the team.",
    ),
    (
        "PM3",
        "Performance management",
        "Are targets SMART and individual performance monitored against the goals of the organisation?",
        "Targets are set for the national indicators; local indicators and individual objectives are not yet linked to them.",
    ),
    (
        "PE1",
        "People management",
        "Does the HR strategy link to the core strategies and drive improvement in sickness absence management?",
        "An HR strategy exists; its links to the core strategies and to sickness absence are weak.",
    ),
    (
        "PE2",
        "People management",
        "Is there an integrated approach to learning and development?",
        "Training is delivered but not planned from a single assessment of need.",
    ),
    (
        "GM1",
        "Governance and management",
        "Do the committees have clear roles, responsibilities and terms of reference?",
        "Roles are set out, but scrutiny of performance is occasional.",
    ),
    (
        "PW1",
        "Partnership working",
        "Does the service work with its partners to deliver shared outcomes?",
        "The service takes part in partnerships but evaluates few of them.",
    ),
    (
        "PW2",
        "Partnership working",
        "Are partnerships evaluated for the value they bring?",
        "No evaluation toolkit is used.",
    ),
];

/// (line, self-assessed level, judged level, evidence)
const LINES: [(&str, &str, &str, &str); 8] = [
    (
        "PM1",
        "Good",
        "Fair",
        "A risk manager recruited; a business risk policy implemented",
    ),
    (
        "PM2",
        "Fair",
        "Fair",
        "An appraisal scheme for principal officers agreed",
    ),
    (
        "PM3",
        "Good",
        "Weak",
        "BVPI performance reported quarterly to the Members Performance Committee",
    ),
    ("PE1", "Fair", "Fair", "The HR strategy 2004-07"),
    (
        "PE2",
        "Fair",
        "Fair",
        "Workplace assessor training with the Fire Service College",
    ),
    (
        "GM1",
        "Good",
        "Good",
        "Committee terms of reference revised",
    ),
    (
        "PW1",
        "Good",
        "Fair",
        "Member of the Nottinghamshire LAA partnership",
    ),
    ("PW2", "Fair", "Weak", "Partnership register started"),
];

/// Loads the sets, the agreement, the framework, the assessment and its action.
pub async fn load_framework(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    app.save_indicator_set(
        caller,
        &IndicatorSetForm {
            code: NATIONAL_SET.into(),
            name: "National Indicator Set".into(),
            owner: "Communities and Local Government".into(),
            description: "The 198 national indicators, the only measures on which central government performance manages local government from April 2008; Local Area Agreements choose up to 35 of them. The demo holds those it has figures for.".into(),
            valid_from: Some("2008-04-01".into()),
            valid_to: None,
            indicators: NATIONAL.map(String::from).to_vec(),
        },
    )
    .await?;
    app.save_indicator_set(
        caller,
        &IndicatorSetForm {
            code: "BVPI".into(),
            name: "Best Value Performance Indicators".into(),
            owner: "Audit Commission".into(),
            description: "Abolished from April 2008 with the other sets the national set replaced; kept readable for the years it covered.".into(),
            valid_from: None,
            valid_to: Some("2008-03-31".into()),
            indicators: Vec::new(),
        },
    )
    .await?;
    load_laa(app, caller).await?;
    load_assessment(app, caller).await
}

async fn load_laa(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    app.save_laa(
        caller,
        &LaaForm {
            code: LAA.into(),
            title: "Nottinghamshire Local Area Agreement".into(),
            unit: "E10000024".into(),
            first_year: "2022/23".into(),
            partnership: Some(crate::partnership_register::LAA.into()),
            national_set: NATIONAL_SET.into(),
            description: "The county's three-year agreement with its partners; the demo sets it over the years its figures cover, with targets of its own judged against the real published figures.".into(),
        },
    )
    .await?;
    for (indicator, theme, partner, targets, stretch) in DESIGNATED {
        app.save_laa_target(
            caller,
            LAA,
            &LaaTargetForm {
                indicator: indicator.into(),
                kind: Some("designated".into()),
                theme: theme.into(),
                partner: partner.into(),
                baseline: None,
                baseline_period: None,
                target_1: Some(targets[0].into()),
                target_2: Some(targets[1].into()),
                target_3: Some(targets[2].into()),
                stretch: stretch.map(String::from),
            },
        )
        .await?;
    }
    app.save_laa_target(
        caller,
        LAA,
        &LaaTargetForm {
            indicator: "NI181".into(),
            kind: Some("local".into()),
            theme: "Benefits".into(),
            partner: "District councils".into(),
            target_1: Some("20".into()),
            target_2: Some("18".into()),
            target_3: Some("16".into()),
            ..LaaTargetForm::default()
        },
    )
    .await?;
    Ok(())
}

async fn load_assessment(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    app.save_framework(
        caller,
        &FrameworkForm {
            code: FIRE_CPA.into(),
            name: "Fire comprehensive performance assessment".into(),
            scale: ["Poor", "Weak", "Fair", "Good", "Excellent"].map(String::from).to_vec(),
            description: "Led by the Audit Commission: some thirty seven key lines of enquiry and five themed diagnostics, scored from poor to excellent. These lines put the aims of the service's CPA action plan as questions, under its four themes.".into(),
            kloes: KLOES
                .iter()
                .map(|(reference, theme, question, fair)| KloeForm {
                    reference: (*reference).into(),
                    theme: (*theme).into(),
                    question: (*question).into(),
                    descriptors: vec![LevelDescriptor {
                        level: "Fair".into(),
                        descriptor: (*fair).into(),
                    }],
                })
                .collect(),
        },
    )
    .await?;
    let a = app
        .start_assessment(
            caller,
            &AssessmentForm {
                framework: FIRE_CPA.into(),
                unit: "NFRS".into(),
                title: "Fire CPA 2005".into(),
                self_assessed_on: "2004-10-01".into(),
            },
        )
        .await?;
    for (kloe, own, judged, evidence) in LINES {
        app.self_assess_line(
            caller,
            a.id,
            &LineForm {
                kloe: kloe.into(),
                level: Some(own.into()),
                evidence: evidence.into(),
                indicators: Vec::new(),
                documents: Vec::new(),
            },
        )
        .await?;
        app.judge_line(
            caller,
            a.id,
            &LineJudgementForm {
                kloe: kloe.into(),
                judgement: Some(judged.into()),
                note: String::new(),
            },
        )
        .await?;
    }
    for (kind, on, level, by) in [
        (
            "self",
            "2004-10-01",
            "Good",
            "Nottinghamshire Fire and Rescue Service",
        ),
        ("external", "2005-03-31", "Fair", "Audit Commission"),
    ] {
        app.record_judgement(
            caller,
            a.id,
            &JudgementForm {
                kind: kind.into(),
                judged_on: on.into(),
                judgement: level.into(),
                by_whom: by.into(),
            },
        )
        .await?;
    }
    app.save_improvement_plan(
        caller,
        &ImprovementPlanForm {
            code: ASSESSMENT_PLAN.into(),
            title: "Actions from the key lines of enquiry".into(),
            unit: "NFRS".into(),
            year: "2007/08".into(),
            description: "Actions raised where the self-assessment stood above the judgement."
                .into(),
            previous: None,
        },
    )
    .await?;
    app.save_plan_theme(
        caller,
        ASSESSMENT_PLAN,
        &ThemeForm {
            reference: "1".into(),
            title: "Performance management".into(),
            project_manager: "ACFO Andy Beale".into(),
            ..ThemeForm::default()
        },
    )
    .await?;
    app.raise_assessment_action(
        caller,
        a.id,
        &RaiseActionForm {
            kloe: "PM3".into(),
            plan: ASSESSMENT_PLAN.into(),
            theme: "1".into(),
            reference: "1.1".into(),
            action: "Link local performance indicators and individual objectives to the goals of the organisation".into(),
            lead: "ACFO Andy Beale".into(),
            due_on: Some("2008-03-31".into()),
        },
    )
    .await?;
    Ok(())
}
