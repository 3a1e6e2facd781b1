//! Risk registers and goals for the demo: the East Midlands partnership's
//! regional register exactly as its protocol prints it (seven risks scored
//! on the protocol's 3 x 3 grid, with their owners, solutions, controls and
//! indicators) and its issues log; Mansfield's corporate register on the
//! 5 x 5 matrix; and a goal tree (the fire plan's corporate goals, the
//! region's outcomes) with indicators and risks linked to it.

use stocktake::improvement::{
    GoalForm, GoalLink, GoalLinkChange, IssueForm, RegisterForm, RiskFile, RiskForm,
};
use stocktake::{AppError, Caller, Stocktake};

use crate::partnership::MANSFIELD;

/// The region the partnership's register belongs to.
const REGION: &str = "E12000004";

/// The regional register's code.
pub const REGIONAL_REGISTER: &str = "EMRIEP";
/// Mansfield's corporate register's code.
pub const MANSFIELD_REGISTER: &str = "MDC-CORPORATE";

/// The protocol's risk register as printed ("EMRIEP – Risk Analysis
/// Criteria"): each printed score is a cell of the 3 x 3 grid. The next
/// review dates are the demo's own (the protocol prints none); risk 3's has
/// passed, so the register shows an overdue review.
pub const PROTOCOL_RISKS: &str = "\
code,title,owners,inherent_score,solution,controls,residual_score,risk_indicators,next_review,category
1,Failure to agree regional governance arrangements and support structure for EMRIEP,EMRIEP + LAs,9,Resolve by negotiation,LGA intervention/consultation,3,Report to the EMRIEP Steering Group,2027-03-31,Governance
2,Local authority buy in not achieved for the EMRIES and overall programme,EMRIEP + LAs,8,Consultation and strings attached to resource allocation,Consultation,3,Report to the EMRIEP Steering Group,2027-03-31,Governance
3,Failure to establish 5 robust sub regional partnerships to deliver significant elements of the EMRIES programme,EMRIEP + LAs,7,Resolve by negotiations and resource allocations,Consultation,3,Report to the EMRIEP Steering Group,2026-09-30,Partnership
4,\"Sub regional partnerships fail to implement programmes, provide oversight of LSPs & LAA delivery\",EMRIEP + LAs,7,Resolve by negotiations and resource allocations,Consultation,2,Report to the EMRIEP Steering Group,2027-03-31,Partnership
5,Failure to secure support from other partners to implement EMRIES programmes,EMRIEP + LAs + Partners,4,Resolve through joint working and collaboration over programmes,Consultation with EMRIEP steering group and appropriate action,2,Report to the EMRIEP Steering Group,2027-03-31,Partnership
6,Failure to deliver regional and sub regional programmes and therefore make best use of resources delegated from the Government,EMRIEP + LAs + Partners,5,Resolve through joint working and collaboration over programmes,Consultation with EMRIEP Steering Group and appropriate action,3,Early warning system of information gathering,2027-03-31,Delivery
7,Performance of EMRIEP in terms of leadership and management of the programmes of investment deficient,EMRIEP + LAs + Partners,6,Reflection on decisions taken and implementation track record,Reports to the EMRIEP Steering Group,2,Programme management reporting,2027-03-31,Delivery
";

/// Makes the registers, their risks and issues, and the goal tree.
pub async fn load_risks(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    app.save_risk_register(
        admin,
        &RegisterForm {
            code: REGIONAL_REGISTER.into(),
            name: "EMRIEP regional risk register".into(),
            unit: REGION.into(),
            matrix: Some("PROTOCOL-3X3".into()),
            description: "The partnership's key risks, scored on the protocol's risk analysis criteria; reported to the EMRIEP Steering Group.".into(),
        },
    )
    .await?;
    app.import_risk_file(
        admin,
        REGIONAL_REGISTER,
        RiskFile::Risks,
        "emriep-risks.csv",
        PROTOCOL_RISKS.as_bytes(),
    )
    .await?;
    app.save_risk_issues(
        admin,
        REGIONAL_REGISTER,
        &[
            IssueForm {
                code: "I1".into(),
                title: "Two sub regional partnerships have not yet met".into(),
                description: "The Lincolnshire and Northamptonshire partnerships have no agreed terms of reference.".into(),
                owner: "EMRIEP + LAs".into(),
                impact: "Their share of the programme starts a quarter late.".into(),
                actions: "The chair writes to both leaders; the support team drafts terms of reference.".into(),
                status: Some("in_progress".into()),
                raised_on: Some("2026-07-14".into()),
            },
            IssueForm {
                code: "I2".into(),
                title: "CLG windfall allocation not yet confirmed in writing".into(),
                owner: "EMRIEP".into(),
                impact: "£1,161,000 of projects already allocated cannot be contracted.".into(),
                actions: "Finance lead to obtain written confirmation from GOEM.".into(),
                status: Some("open".into()),
                raised_on: Some("2026-09-02".into()),
                ..IssueForm::default()
            },
            IssueForm {
                code: "I3".into(),
                title: "Steering group papers issued late".into(),
                owner: "EMRIEP support team".into(),
                impact: "Members could not consult their authorities before the meeting.".into(),
                actions: "Papers now issued ten working days ahead.".into(),
                status: Some("closed".into()),
                raised_on: Some("2026-03-10".into()),
                ..IssueForm::default()
            },
        ],
    )
    .await?;

    app.save_risk_register(
        admin,
        &RegisterForm {
            code: MANSFIELD_REGISTER.into(),
            name: "Mansfield corporate risk register".into(),
            unit: MANSFIELD.into(),
            matrix: Some("STANDARD-5X5".into()),
            description:
                "The council's corporate risks, scored likelihood by impact on five steps.".into(),
        },
    )
    .await?;
    let risk = |code: &str, title: &str, il, ii, rl, ri| RiskForm {
        code: code.into(),
        title: title.into(),
        inherent_likelihood: Some(il),
        inherent_impact: Some(ii),
        residual_likelihood: Some(rl),
        residual_impact: Some(ri),
        ..RiskForm::default()
    };
    app.save_risks(
        admin,
        MANSFIELD_REGISTER,
        &[
            RiskForm {
                owners: vec!["Head of Environmental Services".into()],
                category: "Service delivery".into(),
                solution: "Food waste collections and a recycling campaign".into(),
                controls: "Monthly contract meetings; recycling rate reported quarterly".into(),
                risk_indicators: "Household waste recycled (NI 192)".into(),
                indicators: vec!["NI192".into()],
                next_review: Some("2027-01-31".into()),
                ..risk(
                    "R1",
                    "Recycling stays below the regional median and the council is judged coasting",
                    4,
                    4,
                    3,
                    3,
                )
            },
            RiskForm {
                owners: vec!["Chief Executive".into()],
                category: "Governance".into(),
                solution: "Recovery plan agreed with the partnership".into(),
                controls: "Support plan EM-2024-01; quarterly review by the change agents".into(),
                next_review: Some("2026-10-31".into()),
                ..risk(
                    "R2",
                    "Capacity to deliver the improvement plan is lost as senior posts fall vacant",
                    3,
                    5,
                    2,
                    4,
                )
            },
            RiskForm {
                owners: vec!["Section 151 Officer".into()],
                category: "Finance".into(),
                solution: "Medium-term financial plan refreshed".into(),
                controls: "Reserves policy; budget monitoring to cabinet".into(),
                next_review: Some("2027-03-31".into()),
                ..risk("R3", "Reserves fall below the prudent level", 2, 4, 2, 2)
            },
        ],
    )
    .await?;

    let goal = |code: &str, title: &str, parent: Option<&str>, unit: Option<&str>| GoalForm {
        code: code.into(),
        title: title.into(),
        parent: parent.map(str::to_owned),
        unit: unit.map(str::to_owned),
        ..GoalForm::default()
    };
    app.save_goals(
        admin,
        &[
            goal("SAFER", "Safer and stronger communities", None, None),
            goal(
                "NFRS-PREVENT",
                "Reduce fires, deaths and injuries",
                Some("SAFER"),
                Some("NFRS"),
            ),
            goal(
                "NFRS-HOME-SAFETY",
                "Home fire safety checks for every high-risk household",
                Some("NFRS-PREVENT"),
                Some("NFRS"),
            ),
            goal("OUTCOMES", "Better outcomes for people", None, None),
            goal(
                "EM-IMPROVE",
                "Every authority improving, none struggling or coasting",
                Some("OUTCOMES"),
                Some(REGION),
            ),
            goal(
                "EM-RECYCLE",
                "More household waste recycled across the region",
                Some("EM-IMPROVE"),
                Some(REGION),
            ),
        ],
    )
    .await?;
    let link = |kind: &str, item_ref: &str| GoalLink {
        kind: kind.into(),
        item_ref: item_ref.into(),
    };
    // The fire service's first action point of its CPA plan serves its
    // prevention goal (action points are linked by their number).
    let first_action = app
        .improvement_plan(admin, "NFRS-CPA-2005")
        .await?
        .themes
        .iter()
        .flat_map(|t| &t.actions)
        .map(|a| a.id.to_string())
        .next()
        .unwrap_or_default();
    for (goal, links) in [
        (
            "NFRS-PREVENT",
            vec![
                link("indicator", "FRS01"),
                link("indicator", "FRS02"),
                link("action", &first_action),
                link("partnership", "P-NOTTS-LAA"),
            ],
        ),
        (
            "NFRS-HOME-SAFETY",
            vec![link("indicator", "FRS05"), link("project", "TRACK-HFSC")],
        ),
        (
            "EM-IMPROVE",
            vec![
                link("risk", "EMRIEP/1"),
                link("risk", "EMRIEP/2"),
                link("risk", "EMRIEP/7"),
                link("partnership", "P-EMRIEP"),
            ],
        ),
        (
            "EM-RECYCLE",
            vec![
                link("indicator", "NI192"),
                link("risk", "EMRIEP/6"),
                link("risk", "MDC-CORPORATE/R1"),
            ],
        ),
    ] {
        app.change_goal_links(
            admin,
            goal,
            &GoalLinkChange {
                add: links,
                remove: Vec::new(),
            },
        )
        .await?;
    }
    Ok(())
}
