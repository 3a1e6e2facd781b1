//! The partnership register, drawn from the documents behind the demo:
//! Nottinghamshire Fire and Rescue Service's improvement plan (a register
//! kept by PaCT, the performance and co-ordination team, classifying every
//! partnership, an evaluation toolkit, a business case and exit strategy
//! for each, proposals scrutinised by PaCT then sanctioned by SMT, the
//! Local Area Agreement and community safety fundraising); the Local
//! Authorities and HSE partnership programme after LASP; the Gloucester
//! Partnership (a local strategic partnership); and the East Midlands
//! improvement partnership, funded from its 2008/09 budget.

use stocktake::improvement::{DecisionForm, EvaluationForm, PartnershipForm, ScoreForm};
use stocktake::{AppError, Caller, Stocktake};

use crate::budgets::EMRIEP_BUDGET;

/// The fire service's Local Area Agreement partnership: active, evaluated twice.
pub const LAA: &str = "P-NOTTS-LAA";
/// The community safety fundraising proposal: scrutinised by PaCT, awaiting SMT.
pub const FUNDRAISING: &str = "P-NFRS-FUNDRAISING";
/// The HSE and local authorities partnership: through the gate and started.
pub const LASP: &str = "P-LASP";
/// The regional improvement partnership, funded from the budget.
pub const EMRIEP: &str = "P-EMRIEP";
/// The Gloucester Partnership.
pub const GLOUCESTER: &str = "P-GLOUCESTER";

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn scores(given: [i64; 5]) -> Vec<ScoreForm> {
    ["AIMS", "OUTCOMES", "VALUE", "GOVERNANCE", "RISK"]
        .into_iter()
        .zip(given)
        .map(|(c, score)| ScoreForm {
            criterion: c.to_owned(),
            score,
        })
        .collect()
}

/// Makes the register: five partnerships, their decisions and evaluations.
pub async fn load_register(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    app.save_partnerships(
        admin,
        &[
            PartnershipForm {
                code: LAA.into(),
                name: "Nottinghamshire Local Area Agreement partnership".into(),
                unit: "NFRS".into(),
                classification: "strategic".into(),
                purpose: "Agree and deliver the Local Area Agreement's targets with the county's partners; the service's objectives for 2007-2010 take the LAA as a key focus".into(),
                members: list(&["Nottinghamshire County Council", "Nottinghamshire Police", "Nottinghamshire Fire and Rescue Service", "NHS Nottinghamshire County", "District councils"]),
                lead: "Nottinghamshire County Council".into(),
                funding: "Pump priming cash for stretch targets and pooled funds where available".into(),
                contribution: Some(40_000),
                budget: None,
                goals: list(&["Reduce accidental dwelling fires", "Safer and stronger communities"]),
                business_case: "The LAA is the only vehicle for agreeing targets between local government, its delivery partners and central government; stretch targets attract reward grant".into(),
                exit_strategy: "Runs with the agreement to 2010; the service's targets move into the next agreement or its own plan".into(),
                review_on: Some("2009-03-31".into()),
                state: Some("active".into()),
            },
            PartnershipForm {
                code: FUNDRAISING.into(),
                name: "Community safety fundraising partnership".into(),
                unit: "NFRS".into(),
                classification: "delivery".into(),
                purpose: "Fund community safety projects with partners from inception, through the service's community safety fundraiser".into(),
                members: list(&["Nottinghamshire Fire and Rescue Service", "Local businesses", "Charitable trusts"]),
                lead: "Community safety fundraiser".into(),
                funding: "External sponsorship and grants".into(),
                contribution: Some(15_000),
                budget: None,
                goals: list(&["Ensure appropriate use of funding for partnership working in support of strategic objectives"]),
                business_case: "Closer links between fundraising and the strategic objectives; projects funded from the start rather than by bids after they begin".into(),
                exit_strategy: "Each project ends when its funding ends; the fundraiser's role returns to marketing if the partnership is dissolved".into(),
                review_on: Some("2008-03-31".into()),
                state: None,
            },
            PartnershipForm {
                code: LASP.into(),
                name: "Local Authorities and HSE partnership programme".into(),
                unit: "E12000004".into(),
                classification: "enforcement".into(),
                purpose: "Build on the LA Strategic Enabling Programme (LASP): develop the partnership between HSE and local authorities as enforcing authorities, making partnership the way we do business".into(),
                members: list(&["Health and Safety Executive", "LACoRS", "East Midlands local authorities"]),
                lead: "HSE Local Authority Unit".into(),
                funding: "Seeding resources and input from HSE and LACoRS".into(),
                contribution: None,
                budget: None,
                goals: list(&["Outcome-focused success criteria for health and safety", "Better regulation"]),
                business_case: "Evidence that the partnership delivers cost-effective health and safety outcomes; joint work avoids duplicated inspection".into(),
                exit_strategy: "Self-sustaining by March 2008, when HSE and LACoRS seeding resources end".into(),
                review_on: Some("2008-03-31".into()),
                state: None,
            },
            PartnershipForm {
                code: EMRIEP.into(),
                name: "East Midlands Regional Improvement and Efficiency Partnership".into(),
                unit: "E12000004".into(),
                classification: "strategic".into(),
                purpose: "Support improvement and efficiency across the region's councils, and support for struggling and weak councils".into(),
                members: list(&["East Midlands councils", "Government Office for the East Midlands", "IDeA", "Audit Commission"]),
                lead: "EMRIEP Steering Group".into(),
                funding: "Regional improvement and efficiency funding, with the CLG windfall".into(),
                contribution: None,
                budget: Some(EMRIEP_BUDGET.into()),
                goals: list(&["Improvement and efficiency", "No council left struggling"]),
                business_case: "Councils pooling regional capacity deliver what none could alone".into(),
                exit_strategy: "The steering group approves an annual business plan and budget; the partnership ends when the funding stream does".into(),
                review_on: Some("2009-03-31".into()),
                state: Some("active".into()),
            },
            PartnershipForm {
                code: GLOUCESTER.into(),
                name: "Gloucester Partnership".into(),
                unit: "E92000001".into(),
                classification: "strategic".into(),
                purpose: "The local strategic partnership: a shared vision and priorities for the place, set out in a Sustainable Community Strategy, and the Local Area Agreement".into(),
                members: list(&["Gloucester City Council", "Gloucestershire County Council", "Police", "Primary care trust", "Voluntary and community sector", "Business sector"]),
                lead: "Gloucester City Council".into(),
                funding: "Partners' contributions".into(),
                contribution: None,
                budget: None,
                goals: list(&["Sustainable Community Strategy priorities"]),
                business_case: "The Local Government and Public Involvement in Health Act 2007 makes the LSP the starting point of the local performance framework".into(),
                exit_strategy: "A statutory framework: reviewed, not ended".into(),
                review_on: Some("2008-12-31".into()),
                state: Some("active".into()),
            },
        ],
    )
    .await?;
    let decide = |step: &str, body: &str, outcome: &str, on: &str| DecisionForm {
        step: step.into(),
        body: body.into(),
        outcome: outcome.into(),
        decided_on: on.into(),
        notes: String::new(),
    };
    app.decide_partnership(
        admin,
        FUNDRAISING,
        &decide(
            "scrutinise",
            "PaCT",
            "Satisfied on compliance, evaluation methods, finance, exit strategy and performance management",
            "2007-05-10",
        ),
    )
    .await?;
    for (step, body, outcome, on) in [
        (
            "scrutinise",
            "PaCT",
            "Satisfied: evaluation methods and exit strategy agreed",
            "2007-02-01",
        ),
        ("sanction", "SMT", "Sanctioned", "2007-02-20"),
        ("start", "", "Started", "2007-04-01"),
    ] {
        app.decide_partnership(admin, LASP, &decide(step, body, outcome, on))
            .await?;
    }
    for (code, on, given, notes) in [
        (
            LAA,
            "2007-03-31",
            [3, 3, 2, 3, 2],
            "First evaluation with the draft toolkit",
        ),
        (
            LAA,
            "2008-03-31",
            [4, 4, 3, 4, 3],
            "Stretch targets on track; governance clearer",
        ),
        (LASP, "2007-09-30", [4, 3, 4, 3, 3], ""),
        (EMRIEP, "2008-06-30", [5, 3, 4, 4, 3], ""),
    ] {
        app.evaluate_partnership(
            admin,
            code,
            &EvaluationForm {
                evaluated_on: on.into(),
                notes: notes.into(),
                scores: scores(given),
            },
        )
        .await?;
    }
    Ok(())
}
