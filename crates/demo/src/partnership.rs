//! The East Midlands improvement partnership, as its regional support
//! protocol describes it: the change agents (GOEM, the IDeA, the Audit
//! Commission and the partnership's own support team) meeting as a closed
//! "Chatham House group", each with a demo account; open and confidential
//! intelligence about the councils the regional picture names (Melton and
//! South Holland coasting, Mansfield and Lincoln declining); the support
//! matrix of the protocol's problem types with its providers, their offers,
//! capacity and cost, one conflict of interest and a gap; a request from
//! Mansfield routed past the conflicted provider; Mansfield's support plan;
//! peers with a placement; a good practice entry; and the budget of
//! £6,237,000 with support capped at 5% and £236,000 allocated to it.

use stocktake::access::{AccountForm, ScopePart};
use stocktake::intelligence::{
    ConflictForm, GoodPractice, IntelligenceForm, OfferForm, PeerForm, PlacementForm, PlanForm,
    PlanProviderForm, ProviderForm,
};
use stocktake::{AppError, Caller, Role, Stocktake};

use crate::people::DemoSignIn;

/// The change agents' closed group.
pub const CHATHAM_HOUSE: &str = "CHATHAM-HOUSE";

/// The region the change agents work across.
const REGION: &str = "E12000004";

/// The councils the demo's regional picture names.
pub const MANSFIELD: &str = "E07000174";
pub const LINCOLN: &str = "E07000138";
pub const MELTON: &str = "E07000133";
pub const SOUTH_HOLLAND: &str = "E07000140";

/// The change agents' accounts: performance officers across the region,
/// members of the Chatham House group.
pub const CHANGE_AGENTS: [DemoSignIn; 4] = [
    DemoSignIn {
        role: Role::PerformanceOfficer,
        name: "Gail Moss (GOEM)",
        email: "goem@example.org",
        password: "demo-goem-password",
        about: "Government Office change agent, Chatham House group",
    },
    DemoSignIn {
        role: Role::PerformanceOfficer,
        name: "Ian Dean (IDeA)",
        email: "idea@example.org",
        password: "demo-idea-password",
        about: "IDeA change agent, Chatham House group",
    },
    DemoSignIn {
        role: Role::PerformanceOfficer,
        name: "Alys Carter (Audit Commission)",
        email: "audit@example.org",
        password: "demo-audit-password",
        about: "Audit Commission change agent, Chatham House group",
    },
    DemoSignIn {
        role: Role::PerformanceOfficer,
        name: "Sam Evans (EMRIEP)",
        email: "emriep@example.org",
        password: "demo-emriep-password",
        about: "partnership support team, Chatham House group",
    },
];

/// The partnership's annual budget, the share support may take, and the
/// business plan's line "Support for struggling authorities".
pub const ANNUAL_BUDGET: i64 = 6_237_000;
pub const CAP_PERCENT: f64 = 5.0;
pub const SUPPORT_ALLOCATION: i64 = 236_000;

/// The year the demo's plans are paid from.
pub const BUDGET_YEAR: &str = "2024/25";

/// Mansfield's support plan.
pub const MANSFIELD_PLAN: &str = "EM-2024-01";

/// Makes the group, the change agents and the partnership's records.
pub async fn load_partnership(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    app.save_closed_group(
        admin,
        CHATHAM_HOUSE,
        "Chatham House group",
        "GOEM, the IDeA, the Audit Commission and the partnership's support team: they exchange, discuss and verify intelligence under Chatham House rules",
    )
    .await?;
    for agent in &CHANGE_AGENTS {
        app.save_account(
            admin,
            &AccountForm {
                email: agent.email.into(),
                name: agent.name.into(),
                role: agent.role,
                scope: vec![format!("unit:{REGION}").parse::<ScopePart>()?],
                owns: Vec::new(),
                closed_groups: vec![CHATHAM_HOUSE.to_owned()],
                disabled: None,
            },
            Some(agent.password),
        )
        .await?;
    }
    let goem = app.command_line_as(CHANGE_AGENTS[0].email)?;
    let idea = app.command_line_as(CHANGE_AGENTS[1].email)?;
    let audit = app.command_line_as(CHANGE_AGENTS[2].email)?;
    let emriep = app.command_line_as(CHANGE_AGENTS[3].email)?;
    app.set_support_budget(admin, ANNUAL_BUDGET, CAP_PERCENT, SUPPORT_ALLOCATION)
        .await?;
    let records = intelligence(app, &goem, &idea, &audit, &emriep).await?;
    matrix(app, &emriep).await?;
    app.declare_conflicts(
        &emriep,
        &[ConflictForm {
            provider: "AUDIT".into(),
            unit: MANSFIELD.into(),
            reason: "The Audit Commission is Mansfield's appointed auditor: it cannot also be commissioned to advise the council".into(),
        }],
        false,
    )
    .await?;
    let request = app
        .ask_for_support(
            &emriep,
            MANSFIELD,
            "Mansfield asks for help after its use of resources judgement fell to 2 and recycling slipped to 28th of 29 districts",
        )
        .await?;
    app.triage_support_request(&emriep, request.id, "CSF", Some("planned"))
        .await?;
    app.ask_for_support(
        &emriep,
        SOUTH_HOLLAND,
        "South Holland would like a challenge: recycling has not moved in three years",
    )
    .await?;
    registers(app, &emriep).await?;
    app.save_support_plan(
        &emriep,
        &PlanForm {
            code: MANSFIELD_PLAN.into(),
            unit: MANSFIELD.into(),
            title: "Mansfield: recovering use of resources and recycling".into(),
            problem_type: Some("CSF".into()),
            financial: "Reserves drawn down two years running; the medium-term plan does not balance".into(),
            capacity: "The finance team lost two senior posts; no programme office".into(),
            capability: "Commissioning skills are weak: the waste contract renegotiation has stalled".into(),
            political: "A new administration keen to act; scrutiny not yet engaged".into(),
            adviser: "Sam Evans, improvement adviser to the steering group".into(),
            internal_team: "A recovery board of the chief executive, section 151 officer and two cabinet members".into(),
            status: Some("agreed".into()),
            review_on: Some("2025-03-31".into()),
            budget_year: BUDGET_YEAR.into(),
            request: Some(request.id),
            confidential_to: None,
            providers: vec![
                PlanProviderForm {
                    provider: "IDEA".into(),
                    days: 20.0,
                    cost: None,
                },
                PlanProviderForm {
                    provider: "EMRIEP".into(),
                    days: 15.0,
                    cost: None,
                },
                PlanProviderForm {
                    provider: "EXCELLENT".into(),
                    days: 10.0,
                    cost: Some(6_500),
                },
            ],
            intelligence: records.mansfield_open,
            indicators: vec!["NI192".into()],
            practice: vec!["GP-FOOD-WASTE".into()],
        },
    )
    .await?;
    app.review_support_plan(
        &idea,
        MANSFIELD_PLAN,
        "2024-11-14",
        "The group suggests a peer challenge on commissioning before the waste contract is re-let",
    )
    .await?;
    app.place_peer(
        &emriep,
        &PlacementForm {
            id: None,
            peer: "PEER-CLLR-HART".into(),
            unit: MANSFIELD.into(),
            plan: Some(MANSFIELD_PLAN.into()),
            starts_on: "2024-11-18".into(),
            ends_on: Some("2025-01-31".into()),
            days: 6.0,
            evaluation: "Cabinet members valued the challenge; a scrutiny review of the waste contract followed".into(),
        },
    )
    .await?;
    Ok(())
}

/// The records the plan cites.
struct Recorded {
    mansfield_open: Vec<i64>,
}

/// A record as the demo writes it, one argument a field (as a table of
/// records reads best).
#[allow(clippy::too_many_arguments)]
fn record(
    unit: &str,
    source: &str,
    on: &str,
    judgement: Option<&str>,
    verification: &str,
    confidential: bool,
    indicators: &[&str],
    summary: &str,
) -> IntelligenceForm {
    IntelligenceForm {
        unit: unit.into(),
        source: source.into(),
        recorded_on: on.into(),
        summary: summary.into(),
        judgement: judgement.map(str::to_owned),
        verification: Some(verification.into()),
        confidential_to: confidential.then(|| CHATHAM_HOUSE.to_owned()),
        indicators: indicators.iter().map(|i| (*i).to_owned()).collect(),
    }
}

/// Open and confidential intelligence about the four councils.
async fn intelligence(
    app: &Stocktake,
    goem: &Caller,
    idea: &Caller,
    audit: &Caller,
    emriep: &Caller,
) -> Result<Recorded, AppError> {
    let mut mansfield_open = Vec::new();
    let open: [(&Caller, IntelligenceForm, bool); 10] = [
        (
            audit,
            record(
                MANSFIELD,
                "UOR",
                "2023-11-30",
                Some("3"),
                "verified",
                false,
                &[],
                "Use of resources judged 3: performing well; financial planning sound",
            ),
            false,
        ),
        (
            audit,
            record(
                MANSFIELD,
                "UOR",
                "2024-11-29",
                Some("2"),
                "verified",
                false,
                &[],
                "Use of resources judged 2: adequate only; reserves drawn down and value for money weak",
            ),
            true,
        ),
        (
            goem,
            record(
                MANSFIELD,
                "DOT",
                "2024-12-06",
                Some("Not improving adequately"),
                "reported",
                false,
                &["NI192"],
                "Direction of travel: not improving adequately; recycling has fallen since 2021/22",
            ),
            false,
        ),
        (
            emriep,
            record(
                MANSFIELD,
                "COMPARATORS",
                "2024-10-01",
                None,
                "verified",
                false,
                &["NI192"],
                "Regional comparators: household waste recycled 32.1% (2021/22), 30.3%, 30.6% (2023/24): declining, 28th of 29 districts",
            ),
            true,
        ),
        (
            emriep,
            record(
                LINCOLN,
                "COMPARATORS",
                "2024-10-01",
                None,
                "verified",
                false,
                &["NI192"],
                "Regional comparators: recycling declining over three years",
            ),
            false,
        ),
        (
            goem,
            record(
                LINCOLN,
                "SELF",
                "2024-09-12",
                None,
                "reported",
                false,
                &[],
                "Self assessment: the council sees waste and customer contact as its priorities for improvement",
            ),
            false,
        ),
        (
            audit,
            record(
                LINCOLN,
                "UOR",
                "2024-11-29",
                Some("2"),
                "verified",
                false,
                &[],
                "Use of resources judged 2: adequate; asset management weak",
            ),
            false,
        ),
        (
            emriep,
            record(
                MELTON,
                "COMPARATORS",
                "2024-10-01",
                None,
                "verified",
                false,
                &["NI192"],
                "Regional comparators: recycling 43.5%, 42.9%, 43.0%: coasting, no demonstrable year on year improvement",
            ),
            false,
        ),
        (
            goem,
            record(
                MELTON,
                "DOT",
                "2024-12-06",
                Some("Improving adequately"),
                "reported",
                false,
                &[],
                "Direction of travel: improving adequately, though recycling has stood still",
            ),
            false,
        ),
        (
            emriep,
            record(
                SOUTH_HOLLAND,
                "COMPARATORS",
                "2024-10-01",
                None,
                "verified",
                false,
                &["NI192"],
                "Regional comparators: recycling 31.4% in 2023/24 and coasting, low in the region",
            ),
            false,
        ),
    ];
    for (who, form, cited) in open {
        let saved = app.record_intelligence(who, None, &form).await?;
        if cited {
            mansfield_open.push(saved.id);
        }
    }
    let confidential: [(&Caller, IntelligenceForm); 3] = [
        (
            idea,
            record(
                MANSFIELD,
                "ANECDOTE",
                "2024-12-10",
                None,
                "reported",
                true,
                &[],
                "The chief executive is expected to leave in the spring; cabinet is split on the budget",
            ),
        ),
        (
            goem,
            record(
                MANSFIELD,
                "ARA",
                "2024-12-12",
                Some("Red"),
                "verified",
                true,
                &[],
                "Annual risk assessment: red on finance; the change agents agree early support is needed",
            ),
        ),
        (
            audit,
            record(
                SOUTH_HOLLAND,
                "ANECDOTE",
                "2024-12-11",
                None,
                "disputed",
                true,
                &[],
                "Members are said to be reluctant to seek help; the group could not verify it",
            ),
        ),
    ];
    for (who, form) in confidential {
        app.record_intelligence(who, None, &form).await?;
    }
    Ok(Recorded { mansfield_open })
}

/// The support matrix: the protocol's problem types (seeded by the
/// schema) against its providers. Nobody offers help for authorities
/// moving towards excellence: a gap.
async fn matrix(app: &Stocktake, emriep: &Caller) -> Result<(), AppError> {
    let offer = |problem: &str, what: &str, days: f64, rate: i64| OfferForm {
        problem_type: problem.into(),
        offer: what.into(),
        capacity_days: days,
        day_rate: rate,
        funding: if rate == 0 { "free" } else { "funded" }.into(),
    };
    let providers = [
        ProviderForm {
            code: "GOEM".into(),
            name: "Government Office for the East Midlands".into(),
            kind: "change agent".into(),
            contact: "goem@example.org".into(),
            offers: vec![offer(
                "CRISIS",
                "Leads with the authority when it reaches crisis point; brokers national help",
                15.0,
                0,
            )],
        },
        ProviderForm {
            code: "IDEA".into(),
            name: "Improvement and Development Agency (IDeA)".into(),
            kind: "change agent".into(),
            contact: "idea@example.org".into(),
            offers: vec![
                offer(
                    "CRISIS",
                    "Improvement support: a lead adviser and a recovery plan",
                    40.0,
                    0,
                ),
                offer(
                    "CSF",
                    "Improvement support on use of resources and commissioning",
                    30.0,
                    0,
                ),
            ],
        },
        ProviderForm {
            code: "AUDIT".into(),
            name: "Audit Commission".into(),
            kind: "change agent".into(),
            contact: "audit@example.org".into(),
            offers: vec![offer(
                "CSF",
                "Use of resources diagnostic and value for money review",
                20.0,
                850,
            )],
        },
        ProviderForm {
            code: "EMRIEP".into(),
            name: "EMRIEP support team".into(),
            kind: "partnership".into(),
            contact: "emriep@example.org".into(),
            offers: vec![
                offer(
                    "SERVICE",
                    "Regional waste capacity: advice on disposal facilities and contracts",
                    30.0,
                    600,
                ),
                offer(
                    "CSF",
                    "Commissioning and procurement support through the regional programme",
                    25.0,
                    600,
                ),
            ],
        },
        ProviderForm {
            code: "EXCELLENT".into(),
            name: "Excellent Council team (South Kesteven)".into(),
            kind: "peer authority".into(),
            contact: "".into(),
            offers: vec![offer(
                "COASTING",
                "A team from an authority rated excellent works alongside the council's managers",
                20.0,
                650,
            )],
        },
        ProviderForm {
            code: "PEERS".into(),
            name: "Member and officer peers".into(),
            kind: "peers".into(),
            contact: "".into(),
            offers: vec![
                offer(
                    "CHALLENGE",
                    "A peer challenge before problems fester",
                    25.0,
                    0,
                ),
                offer(
                    "COASTING",
                    "Mentoring and buddying for key managers and members",
                    15.0,
                    0,
                ),
            ],
        },
    ];
    app.save_support_providers(emriep, &providers).await?;
    Ok(())
}

/// The peer register and the good practice library.
async fn registers(app: &Stocktake, emriep: &Caller) -> Result<(), AppError> {
    app.save_peers(
        emriep,
        &[
            PeerForm {
                code: "PEER-CLLR-HART".into(),
                name: "Cllr Ann Hart".into(),
                kind: "member".into(),
                home: "Rushcliffe".into(),
                skills: "Leadership, scrutiny, waste".into(),
                recruited_on: Some("2023-05-01".into()),
                accredited_on: Some("2023-09-20".into()),
                accredited_until: Some("2026-09-19".into()),
            },
            PeerForm {
                code: "PEER-OFF-OKAFOR".into(),
                name: "Grace Okafor".into(),
                kind: "officer".into(),
                home: "South Kesteven".into(),
                skills: "Finance, commissioning, use of resources".into(),
                recruited_on: Some("2024-01-15".into()),
                accredited_on: Some("2024-04-10".into()),
                accredited_until: Some("2027-04-09".into()),
            },
        ],
    )
    .await?;
    app.save_good_practice(
        emriep,
        &[GoodPractice {
            code: "GP-FOOD-WASTE".into(),
            kind: "case_study".into(),
            title: "Food waste collections lift recycling".into(),
            summary: "How a district added weekly food waste collections and raised its recycling rate by six points in two years".into(),
            unit: Some("E07000141".into()),
            link: "https://www.local.gov.uk/case-studies".into(),
            problem_types: vec!["SERVICE".into(), "COASTING".into()],
            indicators: vec!["NI192".into()],
            file: None,
        }],
    )
    .await?;
    app.attach_practice_file(
        emriep,
        "GP-FOOD-WASTE",
        "food-waste-case-study.txt",
        FOOD_WASTE_CASE_STUDY.as_bytes(),
    )
    .await?;
    Ok(())
}

/// The case study attached to the demo's good practice entry: a short
/// write-up, as a district would share it.
const FOOD_WASTE_CASE_STUDY: &str = "\
Food waste collections lift recycling: a case study

What we did
We added a weekly food waste collection for every household, with a kitchen
caddy and a kerbside bin, and moved residual waste to fortnightly.

What happened
The recycling rate (NI 192) rose by six points over two years. Residual
waste per household fell, and complaints settled after the first quarter.

What we would tell another council
Tell residents early and twice; deliver caddies before the first
collection; agree the disposal contract for food waste before launch.
";
