//! The demo's people and work in progress: one account per role (printed by
//! `stocktake demo`), the City group's station manager owning four fire
//! indicators with April 2025 figures in draft and submitted, a target
//! waiting for the committee, and April's data return, overdue for most
//! stations, with a station waived and two stories.

use stocktake::access::{AccountForm, ScopePart};
use stocktake::core::{IndicatorCode, Period};
use stocktake::returns::ReturnForm;
use stocktake::values::{
    FileKind, ImportMode, ImportOptions, Step, ValueInput, ValueRef, ValueRequest, number_text,
};
use stocktake::{AppError, Caller, Role, Stocktake};

/// A demo sign-in, as `stocktake demo` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSignIn {
    pub role: Role,
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    /// What they can see and do, in a few words.
    pub about: &'static str,
}

/// One account per role. Demo passwords only: a real installation makes its
/// first administrator with `stocktake init`.
pub const SIGN_INS: [DemoSignIn; 4] = [
    DemoSignIn {
        role: Role::Admin,
        name: "Ada Lovell",
        email: "admin@example.org",
        password: "demo-admin-password",
        about: "everything, including accounts",
    },
    DemoSignIn {
        role: Role::PerformanceOfficer,
        name: "Priya Shah",
        email: "officer@example.org",
        password: "demo-officer-password",
        about: "approves figures, ratifies targets, runs data returns",
    },
    DemoSignIn {
        role: Role::Owner,
        name: "Owen Marsh",
        email: "owner@example.org",
        password: "demo-owner-password",
        about: "enters the City stations' fire figures",
    },
    DemoSignIn {
        role: Role::Viewer,
        name: "Vera Holt",
        email: "viewer@example.org",
        password: "demo-viewer-password",
        about: "reads the fire service's approved figures",
    },
];

/// The indicators the City station manager owns.
const OWNED: [&str; 4] = ["FRS01", "FRS02", "FRS06", "FRS07"];

/// The City group: the stations in Nottingham.
const CITY: &str = "NFRS-CITY";

/// The fire service, the top of its tree.
const SERVICE: &str = "NFRS";

fn scope(part: &str) -> Result<ScopePart, AppError> {
    part.parse()
}

/// Makes the demo's accounts and its work in progress.
pub async fn load_people(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    for sign_in in &SIGN_INS {
        let (scope, owns) = match sign_in.role {
            Role::Admin | Role::PerformanceOfficer => (vec![ScopePart::Everything], Vec::new()),
            Role::Owner => (
                vec![scope(&format!("unit:{CITY}"))?],
                OWNED
                    .iter()
                    .map(|c| c.parse::<IndicatorCode>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| AppError::invalid("owns", e.to_string()))?,
            ),
            Role::Viewer => (vec![scope(&format!("unit:{SERVICE}"))?], Vec::new()),
        };
        app.save_account(
            admin,
            &AccountForm {
                email: sign_in.email.into(),
                name: sign_in.name.into(),
                role: sign_in.role,
                scope,
                owns,
                closed_groups: Vec::new(),
                disabled: None,
            },
            Some(sign_in.password),
        )
        .await?;
    }
    let officer = app.command_line_as(SIGN_INS[1].email)?;
    let owner = app.command_line_as(SIGN_INS[2].email)?;
    april_figures(app, &owner).await?;
    proposed_target(app, &officer).await?;
    april_return(app, &officer, &owner).await?;
    Ok(())
}

/// The City stations' April 2025 figures, entered by their owner: most
/// submitted for approval, the last station's still in draft.
async fn april_figures(app: &Stocktake, owner: &Caller) -> Result<(), AppError> {
    let march: Period = "2025-03"
        .parse()
        .map_err(|e| AppError::invalid("period", format!("{e}")))?;
    let april = march.next();
    let stations = city_stations(app, owner)?;
    let mut inputs = Vec::new();
    for station in &stations {
        for code in OWNED {
            let held = app
                .values(
                    owner,
                    &ValueRequest {
                        indicator: Some(code.into()),
                        org_unit: Some(station.clone()),
                        from: Some(march),
                        to: Some(march),
                        limit: Some(1),
                        ..ValueRequest::default()
                    },
                )
                .await?;
            let Some(last) = held.values.first() else {
                continue;
            };
            let (Some(n), Some(d)) = (last.numerator, last.denominator) else {
                continue;
            };
            inputs.push(ValueInput {
                indicator: code.into(),
                org_unit: station.clone(),
                period: april.to_string(),
                value: None,
                numerator: Some(number_text(n)),
                denominator: Some(number_text(d)),
                note: Some("Provisional: checked against the incident log on 2 May.".into()),
            });
        }
    }
    app.save_values(owner, &inputs, None).await?;
    // Every station but the last submits; the last is still checking.
    let last = stations.last().cloned().unwrap_or_default();
    let submitted: Vec<ValueRef> = inputs
        .iter()
        .filter(|i| i.org_unit != last)
        .map(|i| ValueRef {
            indicator: i.indicator.clone(),
            org_unit: i.org_unit.clone(),
            period: i.period.clone(),
        })
        .collect();
    if !submitted.is_empty() {
        app.move_values(owner, Step::Submit, &submitted, None)
            .await?;
    }
    Ok(())
}

/// The stations of the City group, in hierarchy order.
fn city_stations(app: &Stocktake, caller: &Caller) -> Result<Vec<String>, AppError> {
    Ok(app
        .org_units(caller, Some("station"))?
        .into_iter()
        .map(|u| u.code.to_string())
        .collect())
}

/// A 2025/26 target for false alarms, proposed and waiting for the
/// Performance Committee.
async fn proposed_target(app: &Stocktake, officer: &Caller) -> Result<(), AppError> {
    let file = "indicator,org_unit,period,target,tolerance\nFRS05,NFRS,2025/26,9.5,5\n";
    app.import(
        officer,
        FileKind::Targets,
        "targets-2025-26-proposed.csv",
        file.as_bytes(),
        ImportOptions {
            mode: ImportMode::Write,
            ratify_targets: false,
            reason: None,
        },
        &|_| {},
    )
    .await?;
    Ok(())
}

/// April's return from every station, due 15 May 2025: the City stations
/// have (mostly) submitted; one station is waived; the rest are overdue.
async fn april_return(app: &Stocktake, officer: &Caller, owner: &Caller) -> Result<(), AppError> {
    let stations: Vec<String> = app
        .org_units(officer, Some("station"))?
        .into_iter()
        .filter(|u| u.code.as_str().starts_with("NFRS-"))
        .map(|u| u.code.to_string())
        .collect();
    app.open_return(
        officer,
        &ReturnForm {
            code: "FRS-2025-04".into(),
            title: "Fire station returns, April 2025".into(),
            period: "2025-04".into(),
            deadline: "2025-05-15".into(),
            indicators: OWNED.iter().map(|c| (*c).to_owned()).collect(),
            units: stations.clone(),
            level: None,
            under: None,
        },
    )
    .await?;
    if let Some(waived) = stations.iter().find(|s| s.as_str() == "NFRS-WORKSOP") {
        app.set_return_unit(
            officer,
            "FRS-2025-04",
            waived,
            "waived",
            Some("Station closed for refurbishment in April; its calls were covered from Retford and counted there."),
        )
        .await?;
    }
    let city = city_stations(app, owner)?;
    if let Some(first) = city.first() {
        app.save_story(
            owner,
            "FRS-2025-04",
            first,
            None,
            "Safe and well visits in high-rise flats",
            "Crews visited 212 flats in the two tower blocks with the most kitchen fires last winter, fitting 96 smoke alarms. No dwelling fire was reported from either block in April.",
        )
        .await?;
        app.save_story(
            owner,
            "FRS-2025-04",
            first,
            None,
            "Working with the council on fly-tipping",
            "Deliberate refuse fires fell after the council cleared the three alleys we reported; we now share the fire map with its street-scene team every Monday.",
        )
        .await?;
    }
    Ok(())
}
