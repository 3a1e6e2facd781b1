//! Nottinghamshire Fire and Rescue Service's CPA improvement plan, as its
//! March 2007 progress report to the Policy and Strategy Committee prints
//! it: four themes (performance management, people management, governance
//! and management, partnership working) with their lead members, project
//! managers, aims, key outcomes, partnership opportunities and links, and a
//! selection of the action points with the statuses printed; those "contained
//! within the 2007/08 business plan" carried forward into it. The "Track"
//! projects scrutinised by PaCT at different gates, and the local
//! government family's joint work programme 2007-08 with a few of its
//! objectives, workstreams and milestones.

use stocktake::improvement::{
    ActionForm, CarryForward, ClosureForm, CommentForm, ImprovementPlanForm, MilestoneForm,
    ObjectiveForm, ProgrammeForm, ProgressForm, ProjectDecisionForm, ProjectForm,
    ProjectUpdateForm, ThemeForm, WorkstreamForm,
};
use stocktake::{AppError, Caller, Stocktake};

/// The fire service: the plan's owner.
const SERVICE: &str = "NFRS";
/// The region the joint work programme is held against.
const REGION: &str = "E12000004";

/// The CPA improvement plan (November 2005 to March 2007).
pub const CPA_PLAN: &str = "NFRS-CPA-2005";
/// The 2007/08 business plan the open actions continue in.
pub const BUSINESS_PLAN: &str = "NFRS-BP-2007";

/// (reference, title, lead member, project manager, aims, key outcomes,
/// partnership opportunities, links to other plans)
type ThemeText = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const THEMES: [ThemeText; 4] = [
    (
        "1",
        "Performance management",
        "Cllr Pat Lally",
        "ACFO Andy Beale",
        "Improve business risk management arrangements below strategic level, assess senior management team performance against robust criteria, put in place the key components of a performance management framework, strengthen programme management, make target setting SMART, monitor individual performance against the goals of the organisation and manage sickness absence effectively.",
        "Demonstrable improvements to business risk management systems and processes. A robust system for recording and measuring senior management team performance. Local and national performance indicators managed and monitored against the goals of the organisation, resulting in real service delivery improvement. Improved project management through more effective programme management arrangements.",
        "Working with the private sector to map and understand current data processes; with partners or the private sector to implement new performance management software; with partners to roll out and evaluate Performance Net; with partners to identify ways of measuring prevention initiatives.",
        "IRMP; Performance Management Strategy",
    ),
    (
        "2",
        "People management",
        "Cllr Brent Charlesworth",
        "Peter Short",
        "Commence a programme of workplace assessments, develop an integrated approach to learning and development, ensure the HR strategy links to our core strategies and improve sickness absence management.",
        "A robust HR Strategy linked to core strategies that drives service improvement in areas such as sickness management and a workforce representative of the community. Robust methods for developing our staff.",
        "Working with the Fire Service College and regional partners on workplace assessor training; working regionally on Level 1 of the Assessment Development Centre project plan and on the sustainability of levels 2 to 4.",
        "IRMP (Community Safety Plan); Learning and Development Strategy",
    ),
    (
        "3",
        "Governance and management",
        "Cllr Pat Lally",
        "DCFO Frank Swann",
        "Committee structures that reflect and support change, sufficient training and development for members, and members who champion priorities.",
        "A well governed and managed service with effective committee structures. A robust Member training and development programme supporting the new governance structure. Improved Members' accountability for developing and managing our priorities.",
        "Identifying regional and national best practice for Member training and development.",
        "IRMP; Governance Policy; working with a regional or national partner to evaluate our corporate governance arrangements",
    ),
    (
        "4",
        "Partnership working",
        "Cllr Sybil Fielding",
        "DCFO Dave Horton",
        "A robust mechanism to manage partnerships across the service.",
        "The successful management and evaluation of all partnerships. Improved Members' accountability for developing and managing our priorities.",
        "Working regionally or nationally to develop a partnership evaluation toolkit and business case template; identifying best practice from other fire authorities and similar organisations.",
        "IRMP; Best Value Review of Partnerships",
    ),
];

/// (theme, reference, action, lead, status as printed, progress: March 2007,
/// indicators it addresses). `carried_forward` marks "contained within the
/// 2007/08 business plan".
type ActionText = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const ACTIONS: [ActionText; 40] = [
    (
        "1",
        "1.1",
        "Recruit Business Risk Manager and improve the way the service manages its business and corporate risk",
        "ACFO Andy Beale",
        "complete",
        "The Service has recruited a risk manager who is responsible for developing the method of managing business and corporate risk. A policy for the management of business risk has now been implemented.",
        &[],
    ),
    (
        "1",
        "1.2",
        "Establish mandatory performance measures",
        "ACFO Andy Beale",
        "complete",
        "BVPI performance is now communicated to all employees through posters and the new performance management system (Views) on the intranet, at both a corporate and local level.",
        &[],
    ),
    (
        "1",
        "1.3",
        "Improve Member/Senior Management awareness and involvement in performance management issues",
        "ACFO Andy Beale",
        "complete_support",
        "A Members Performance Committee receives a detailed BVPI report quarterly, with commentary from the manager who owns each measure. Detailed BVPI reports go to PaCT for scrutiny, then to SMT and the Performance Committee.",
        &[],
    ),
    (
        "1",
        "1.4",
        "Develop performance management strategy and policy",
        "ACFO Andy Beale",
        "complete",
        "A performance management policy is in place detailing the roles and responsibilities of managers; a team of three Station Managers, a Group Support Manager and a Group Manager now looks solely at performance management.",
        &[],
    ),
    (
        "1",
        "1.5",
        "Review structure for Best Value Reviews",
        "ACFO Andy Beale",
        "complete",
        "Best Value Reviews into Partnerships, Special Services and Road Traffic Collisions were conducted in 2005/06; a formal process is now in place, with PaCT key to new reviews.",
        &[],
    ),
    (
        "1",
        "1.6",
        "Roll out Performance Net",
        "ACFO Andy Beale",
        "complete",
        "Performance Net is accessible across the organisation via the intranet, although it has not been supported as envisaged on the national forum.",
        &[],
    ),
    (
        "1",
        "1.7",
        "Revise the local performance indicators",
        "Service Performance Team",
        "complete",
        "Research has determined the appropriate local performance indicators; they will be put in place for the business year 2007/08.",
        &[],
    ),
    (
        "1",
        "1.8",
        "Cascade Best Value targets to the right levels in the organisation",
        "Service Performance Team",
        "complete",
        "BVPI targets have been cascaded to district level, creating ownership at corporate, group and district; PaCT agrees targets for the following three years each November.",
        &["FRS01"],
    ),
    (
        "1",
        "1.9",
        "Specify, procure, install and implement a computer based reporting system for managers and stakeholders of service delivery",
        "Service Performance Team",
        "complete",
        "Views has been purchased and implemented: service delivery BVPIs are reported at corporate, group, district and ward level, with five years of data for trends; full roll-out to Watch Managers in April 2007.",
        &[],
    ),
    (
        "1",
        "1.10",
        "Evaluate Performance Net",
        "Service Performance Team",
        "carried_forward",
        "The evaluation of Performance Net is part of the 2007/2008 business plan and will be conducted by the Service Performance Team.",
        &[],
    ),
    (
        "1",
        "1.11",
        "Develop methods for measuring prevention initiatives",
        "ACFO Andy Beale",
        "carried_forward",
        "The service is researching the most appropriate method of measuring the impact of prevention initiatives, to identify best practice aimed at making the community safer.",
        &["FRS01", "FRS02"],
    ),
    (
        "1",
        "1.12",
        "Review business risk management",
        "ACFO Andy Beale",
        "carried_forward",
        "The review will be conducted 12 months following implementation (July 2006).",
        &[],
    ),
    (
        "1",
        "1.13",
        "Communicate, sell and embed performance management across the organisation",
        "Service Performance Manager",
        "carried_forward",
        "A working group with Best Value Family Group 4 (Essex, Leicestershire, Staffordshire) is researching a performance management culture; considerable progress, but the action continues in the 2007/08 business plan.",
        &[],
    ),
    (
        "1",
        "1.14",
        "Review success of strategy and policy",
        "ACFO Andy Beale",
        "carried_forward",
        "The new policy will be reviewed 12 months from its implementation date (July 2006).",
        &[],
    ),
    (
        "1",
        "1.15",
        "Introduce a system of programme management so that all projects are managed effectively and contribute to the service aims",
        "Service Performance Team",
        "complete",
        "A programme management process (Track) has been developed: new projects are scrutinised by PaCT, monitored by the Service Performance Team and reported quarterly to PaCT and SMT, and closed with an evaluation.",
        &[],
    ),
    (
        "2",
        "2.1",
        "Agree new PDR system and pro forma",
        "Peter Short",
        "carried_forward",
        "Two page PDR system introduced, but the number of reviews remains low; the system is being revised to capture learning requirements centrally.",
        &[],
    ),
    (
        "2",
        "2.2",
        "Agree learning and development and workplace assessment strategies",
        "Peter Short",
        "carried_forward",
        "NVQ in place for new Wholetime Firefighter, Crew and Watch Managers; a system for maintaining operational competence is being trialled at Ashfield and Stockhill Fire Stations.",
        &[],
    ),
    (
        "2",
        "2.3",
        "Establish workplace assessor team and resources",
        "Peter Short",
        "complete",
        "A team of three assessors works with the assessment coordinator; the NVQ Assessment Centre achieved a grade A for the first time.",
        &[],
    ),
    (
        "2",
        "2.4",
        "Agree staff required for Assessment Development Centres",
        "Peter Short",
        "complete_support",
        "Staff have been trained to assist in the regional assessment and development exercises; ongoing support is required.",
        &[],
    ),
    (
        "2",
        "2.5",
        "Implement new methods for managing sickness absence and commence regular monitoring",
        "Peter Short",
        "carried_forward",
        "The FirstCare partnership is in place and due to be reviewed.",
        &[],
    ),
    (
        "2",
        "2.6",
        "Implement methods to ensure that the workforce reflects the community profile",
        "Peter Short",
        "carried_forward",
        "BVPI 17a (uniformed staff from ethnic minority communities) and BVPI 210 (women firefighters): the service will not meet its target in either.",
        &[],
    ),
    (
        "2",
        "2.7",
        "Evaluate success of PDR system",
        "Peter Short",
        "carried_forward",
        "",
        &[],
    ),
    (
        "2",
        "2.8",
        "Implement previously agreed workplace assessor quality assurance methodology",
        "Peter Short",
        "carried_forward",
        "Apart from the NVQ, quality assurance of workplace assessment is not yet part of any strategy; the workplace assessment strategy will incorporate it.",
        &[],
    ),
    (
        "2",
        "2.9",
        "Review methods to ensure workforce reflects the community profile",
        "Peter Short",
        "carried_forward",
        "A review of positive action to date is planned as part of the equality work towards a higher grade in the local government equality standard.",
        &[],
    ),
    (
        "3",
        "3.1",
        "Review governance in light of new guidance issued by the Audit Commission",
        "DCFO Frank Swann",
        "complete",
        "A new committee structure was agreed and implemented in March 2006, improving member/officer engagement at an accountable level.",
        &[],
    ),
    (
        "3",
        "3.2",
        "Agree member roles and responsibilities",
        "DCFO Frank Swann",
        "complete",
        "Each committee has a specific role, responsibility and terms of reference.",
        &[],
    ),
    (
        "3",
        "3.3",
        "Governance structure reflects national guidance",
        "DCFO Frank Swann",
        "complete",
        "Developed with the Good Governance Standard for Public Services, the Audit Commission's Corporate Governance and SOLACE's Good Governance in Local Government.",
        &[],
    ),
    (
        "3",
        "3.4",
        "Carry out Member training needs analysis",
        "DCFO Frank Swann",
        "carried_forward",
        "Scheduled for Spring 2007 following the embedding of the new structure, in partnership with the IDeA.",
        &[],
    ),
    (
        "3",
        "3.5",
        "Develop individual Member training plans, sign off and monitor",
        "DCFO Frank Swann",
        "carried_forward",
        "Individual PDPs for Members will follow the full training needs analysis commencing Spring 2007.",
        &[],
    ),
    (
        "3",
        "3.6",
        "Assign Members to committees",
        "Clerk to the Authority",
        "complete",
        "All members have been assigned to the new committees and chairs elected.",
        &[],
    ),
    (
        "3",
        "3.7",
        "Review Members handbook",
        "Clerk to the Authority",
        "complete",
        "The Members Handbook has been revised and is being checked by the Clerk to the Authority before re-issue.",
        &[],
    ),
    (
        "3",
        "3.8",
        "Review Member allowances",
        "Clerk to the Authority",
        "complete",
        "An independent remuneration panel's recommendations were adopted; revised allowances paid from April 2006.",
        &[],
    ),
    (
        "3",
        "3.9",
        "Implement new arrangements",
        "DCFO Frank Swann",
        "complete",
        "All new arrangements, except the full training needs analysis, have been implemented.",
        &[],
    ),
    (
        "3",
        "3.10",
        "Full evaluation of new governance arrangements (Performance Committee)",
        "DCFO Frank Swann",
        "complete",
        "The first full evaluation of the revised governance was presented to the Fire Authority in February 2007.",
        &[],
    ),
    (
        "4",
        "4.1",
        "Develop corporate policy for partnerships",
        "DCFO Dave Horton",
        "complete",
        "A comprehensive Best Value review of partnership working resulted in a draft policy.",
        &[],
    ),
    (
        "4",
        "4.2",
        "Develop evaluation toolkit to ascertain the benefits of partnerships to the organisation's corporate aims",
        "DCFO Dave Horton",
        "complete",
        "A draft evaluation toolkit has been developed, to be used by PaCT.",
        &[],
    ),
    (
        "4",
        "4.3",
        "Introduce partnership register",
        "DCFO Dave Horton",
        "complete_support",
        "PaCT maintains the partnerships register; full implementation is part of the 2007/2008 business plan.",
        &[],
    ),
    (
        "4",
        "4.4",
        "Develop partnership working business case template and exit strategy",
        "DCFO Dave Horton",
        "complete",
        "A business case template and an exit strategy protocol are part of the draft policy.",
        &[],
    ),
    (
        "4",
        "4.5",
        "Implement training programme for all staff",
        "DCFO Dave Horton",
        "carried_forward",
        "An analysis of training requirements is under way, to form part of a training strategy for everyone involved in partnership working.",
        &[],
    ),
    (
        "4",
        "4.6",
        "Review partnership arrangements within 12 months of the policy",
        "DCFO Dave Horton",
        "carried_forward",
        "To be programmed within 12 months of the implementation of the policy and protocols, as part of the performance management of the LAA and other partnerships.",
        &[],
    ),
];

/// Loads the plans, the projects and the work programme.
pub async fn load_plans(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    load_improvement_plan(app, caller).await?;
    load_projects(app, caller).await?;
    load_work_programme(app, caller).await
}

async fn load_improvement_plan(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    app.save_improvement_plan(
        caller,
        &ImprovementPlanForm {
            code: CPA_PLAN.into(),
            title: "CPA improvement plan".into(),
            unit: SERVICE.into(),
            year: "2006/07".into(),
            description: "Agreed with the Audit Commission in November 2005 after the Comprehensive Performance Assessment judged the service Fair; progress reported to the Policy and Strategy Committee on 30 March 2007. A selection of its sixty action points, as the report prints them.".into(),
            previous: None,
        },
    )
    .await?;
    for (reference, title, member, manager, aims, outcomes, partners, links) in THEMES {
        app.save_plan_theme(
            caller,
            CPA_PLAN,
            &ThemeForm {
                reference: reference.into(),
                title: title.into(),
                lead_member: member.into(),
                project_manager: manager.into(),
                aims: aims.into(),
                key_outcomes: outcomes.into(),
                partnership_opportunities: partners.into(),
                linked_plans: links.into(),
            },
        )
        .await?;
    }
    let mut carry = Vec::new();
    for (theme, reference, action, lead, status, progress, indicators) in ACTIONS {
        let carried = status == "carried_forward";
        let saved = app
            .save_plan_action(
                caller,
                CPA_PLAN,
                None,
                &ActionForm {
                    theme: theme.into(),
                    reference: reference.into(),
                    action: action.into(),
                    lead: lead.into(),
                    due_on: Some("2007-03-31".into()),
                    status: Some(if carried { "in_progress" } else { status }.into()),
                    indicators: indicators.iter().map(|i| (*i).to_owned()).collect(),
                },
            )
            .await?;
        if !progress.is_empty() {
            app.add_action_progress(
                caller,
                saved.id,
                &ProgressForm {
                    noted_on: Some("2007-03-30".into()),
                    note: progress.into(),
                    status: None,
                },
            )
            .await?;
        }
        if carried {
            carry.push(saved.id);
        }
    }
    // The first carried makes the 2007/08 business plan; the rest follow it.
    for (n, id) in carry.into_iter().enumerate() {
        app.carry_action_forward(
            caller,
            id,
            &CarryForward {
                plan: (n == 0).then(|| BUSINESS_PLAN.to_owned()),
                title: (n == 0).then(|| "Business plan".to_owned()),
            },
        )
        .await?;
    }
    Ok(())
}

async fn load_projects(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    // Closed with its evaluation: the Views roll-out.
    let views = ProjectForm {
        code: "TRACK-VIEWS".into(),
        title: "Views performance management software".into(),
        unit: SERVICE.into(),
        description: "Specify, procure, install and implement a computer based reporting system for managers and stakeholders of service delivery.".into(),
        manager: "Service Performance Manager".into(),
        health_safety: "Display screen equipment assessments for the new users; no operational risk.".into(),
        equality_impact: "Screens tested with a screen reader; performance shown in words as well as colours.".into(),
        risk_analysis: "Supplier delay and data migration errors: fixed-price contract, five years of data checked against the returns.".into(),
        stakeholder_analysis: "SMT, district managers, watch managers, Members' Performance Committee, the Audit Commission.".into(),
        indicators: vec!["FRS01".into()],
    };
    // Approved with updates: home fire safety checks.
    let checks = ProjectForm {
        code: "TRACK-HFSC".into(),
        title: "Home fire safety checks for older residents".into(),
        unit: SERVICE.into(),
        description: "Targeted home fire safety checks with smoke alarms fitted, for residents over 65 referred by social services.".into(),
        manager: "Group Manager, Community Safety".into(),
        health_safety: "Crews visit in pairs; lone working procedure for community safety advocates.".into(),
        equality_impact: "Positive for older and disabled residents; leaflets in community languages.".into(),
        risk_analysis: "Referral volumes depend on the data sharing agreement with social services.".into(),
        stakeholder_analysis: "Social services, Age Concern, district councils, the Local Area Agreement partners.".into(),
        indicators: vec!["FRS01".into(), "FRS02".into()],
    };
    // Proposed, its stakeholder analysis still to come.
    let register = ProjectForm {
        code: "TRACK-PARTNERS".into(),
        title: "Partnership register and evaluation toolkit roll-out".into(),
        unit: SERVICE.into(),
        description: "Classify and evaluate every partnership the service is in, using the toolkit PaCT maintains.".into(),
        manager: "DCFO Dave Horton".into(),
        health_safety: "No operational risk.".into(),
        equality_impact: "Partnerships screened for their reach into under-represented communities.".into(),
        risk_analysis: "Partners may not supply evaluation data: write it into each agreement.".into(),
        stakeholder_analysis: String::new(),
        indicators: Vec::new(),
    };
    for form in [&views, &checks, &register] {
        app.propose_project(caller, form).await?;
    }
    for (code, on) in [("TRACK-VIEWS", "2005-12-05"), ("TRACK-HFSC", "2007-04-02")] {
        app.decide_project(
            caller,
            code,
            &ProjectDecisionForm {
                outcome: "approve".into(),
                body: "PaCT".into(),
                decided_on: Some(on.into()),
                text: "Approved by the Performance and Coordination Team: feasible, linked to the corporate goals; monitored through Track and reported quarterly to PaCT and SMT.".into(),
            },
        )
        .await?;
    }
    for (code, on, rag, progress, issues) in [
        (
            "TRACK-VIEWS",
            "2006-03-31",
            "amber",
            "Software purchased; data for the previous five years being loaded.",
            "Ward boundaries for 2002/03 to be mapped.",
        ),
        (
            "TRACK-VIEWS",
            "2006-09-29",
            "green",
            "Service delivery BVPIs reported at corporate, group, district and ward level.",
            "",
        ),
        (
            "TRACK-VIEWS",
            "2007-03-30",
            "green",
            "Available to all employees on the intranet; roll-out to Watch Managers in April 2007.",
            "",
        ),
        (
            "TRACK-HFSC",
            "2007-06-29",
            "green",
            "1,150 checks completed and 1,420 smoke alarms fitted this quarter.",
            "",
        ),
        (
            "TRACK-HFSC",
            "2007-09-28",
            "amber",
            "Referrals from social services slower than planned.",
            "Data sharing agreement awaiting sign-off.",
        ),
        (
            "TRACK-HFSC",
            "2007-12-21",
            "green",
            "Data sharing agreement signed; referrals back on plan.",
            "",
        ),
    ] {
        app.add_project_update(
            caller,
            code,
            &ProjectUpdateForm {
                updated_on: Some(on.into()),
                progress: progress.into(),
                rag: rag.into(),
                issues: issues.into(),
            },
        )
        .await?;
    }
    app.close_project(
        caller,
        "TRACK-VIEWS",
        &ClosureForm {
            closed_on: Some("2007-04-30".into()),
            what_worked: "Managers at every level use the same figures; commentary from indicator owners goes straight into the quarterly report.".into(),
            lessons_learned: "Load the history before launch, and train watch managers alongside the roll-out rather than after it.".into(),
        },
    )
    .await?;
    Ok(())
}

async fn load_work_programme(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    const CODE: &str = "LGA-JWP-2007";
    app.save_work_programme(
        caller,
        &ProgrammeForm {
            code: CODE.into(),
            title: "Joint work programme to support councils".into(),
            unit: REGION.into(),
            year: "2007/08".into(),
            description: "\"Helping People, Improving Places\": the work of the LGA, LGE, LGIB, 4ps, LACORS and the IDeA to support local government, 2007-08 to 2009-10.".into(),
        },
    )
    .await?;
    for (reference, title) in [
        ("1", "Supporting public service improvement"),
        ("2", "Improving the quality of leadership and the workforce"),
        (
            "3",
            "Strengthening councils as convenors of local public services",
        ),
    ] {
        app.save_programme_objective(
            caller,
            CODE,
            &ObjectiveForm {
                reference: reference.into(),
                title: title.into(),
            },
        )
        .await?;
    }
    let streams = [
        (
            "1",
            "1.1",
            "Support for public health",
            "process",
            "IDeA",
            &[(
                "Core elements subsumed into core business",
                "2008-03-31",
                None,
            )][..],
            &[(
                "2007-07-20",
                "Leadership academy cohort two under way; peer reviews booked with four councils.",
            )][..],
        ),
        (
            "1",
            "1.2",
            "Gateway reviews",
            "process",
            "4ps",
            &[(
                "Gateway reviews delivered in 2007/08 reported",
                "2007-09-30",
                Some("2007-10-12"),
            )][..],
            &[(
                "2007-09-14",
                "Around 150 reviews delivered to date; savings of over 5% of whole life costs indicated.",
            )][..],
        ),
        (
            "1",
            "1.3",
            "Procurement packs for fire and police",
            "product",
            "4ps",
            &[(
                "Fire and police procurement pack published",
                "2007-12-31",
                None,
            )][..],
            &[][..],
        ),
        (
            "2",
            "2.1",
            "National graduate development programme",
            "process",
            "IDeA",
            &[("67 graduates recruited", "2007-09-30", Some("2007-09-03"))][..],
            &[(
                "2007-08-10",
                "Programme revised to be financially self-sustaining after Capacity Building Fund support ends.",
            )][..],
        ),
        (
            "2",
            "2.2",
            "Leadership development best practice network",
            "product",
            "IDeA",
            &[("Network launched", "2007-06-30", Some("2007-06-21"))][..],
            &[][..],
        ),
        (
            "3",
            "3.1",
            "Local area agreement support",
            "process",
            "IDeA",
            &[
                (
                    "Support offer from market research published",
                    "2007-05-31",
                    Some("2007-05-15"),
                ),
                (
                    "All LAA authorities offered on-site support",
                    "2007-12-31",
                    None,
                ),
            ][..],
            &[(
                "2007-08-31",
                "On-site consultancy with 12 LAA areas; knowledge sharing events in three regions.",
            )][..],
        ),
    ];
    for (objective, reference, title, kind, lead, milestones, comments) in streams {
        let programme = app
            .save_workstream(
                caller,
                CODE,
                &WorkstreamForm {
                    objective: objective.into(),
                    reference: reference.into(),
                    title: title.into(),
                    kind: kind.into(),
                    lead: lead.into(),
                },
            )
            .await?;
        let id = programme
            .objectives
            .iter()
            .flat_map(|o| &o.workstreams)
            .find(|w| w.reference == reference)
            .map(|w| w.id)
            .ok_or_else(|| AppError::not_found("workstream", reference))?;
        for (title, due, done) in milestones {
            app.save_milestone(
                caller,
                id,
                None,
                &MilestoneForm {
                    title: (*title).into(),
                    due_on: (*due).into(),
                    done_on: done.map(str::to_owned),
                },
            )
            .await?;
        }
        for (on, note) in comments {
            app.add_programme_comment(
                caller,
                id,
                &CommentForm {
                    noted_on: Some((*on).into()),
                    note: (*note).into(),
                },
            )
            .await?;
        }
    }
    Ok(())
}
