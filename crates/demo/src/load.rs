//! Loading the demo: the generated files go through the ordinary import,
//! so the demo exercises the same checks a user's files do; then the
//! service's and the region's targets are cascaded down their trees through
//! the ordinary cascade, and the demo opens on the fire service.

use stocktake::core::{CascadeMethod, Period};
use stocktake::values::{CascadeRequest, FileKind};
use stocktake::{AppError, Caller, Stocktake};

use crate::generate::{DemoFiles, generate};

/// The seed of the demo's generated figures: the same demo every time.
pub const DEMO_SEED: u64 = 20_250_401;

/// The unit the demo's pages open on.
pub const DEMO_HOME_UNIT: &str = "NFRS";

/// Years of history the demo's cascades share targets by.
const CASCADE_YEARS: u32 = 3;

/// Rows loaded by [`load_demo`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoLoaded {
    pub org_units: u64,
    pub groups: u64,
    pub indicators: u64,
    pub values: u64,
    /// Targets in the file and cascaded from them.
    pub targets: u64,
    /// Of those, cascaded.
    pub cascaded: u64,
}

/// Generates the demo files, imports them in dependency order, cascades
/// the targets, sets the home unit, then makes the demo's accounts (see
/// [`crate::SIGN_INS`]) and its work in progress: figures awaiting
/// approval, a proposed target, a data return; and the East Midlands
/// partnership (see [`crate::partnership`]).
pub async fn load_demo(app: &Stocktake, caller: &Caller) -> Result<DemoLoaded, AppError> {
    let files = generate(DEMO_SEED);
    let mut loaded = load_files(app, caller, &files).await?;
    let plans: [(&[&str], &str, std::ops::Range<i32>); 2] = [
        (&crate::generate::fire::CASCADED, "NFRS", 2022..2025),
        (&crate::generate::region::CASCADED, "E12000004", 2023..2025),
    ];
    for (indicators, top, years) in plans {
        for indicator in indicators {
            for year in years.clone() {
                loaded.cascaded +=
                    cascade_down(app, caller, indicator, top, Period::financial_year(year)).await?;
            }
        }
    }
    loaded.targets += loaded.cascaded;
    app.set_home_unit(caller, DEMO_HOME_UNIT).await?;
    crate::people::load_people(app, caller).await?;
    crate::partnership::load_partnership(app, caller).await?;
    crate::budgets::load_budgets(app, caller).await?;
    crate::partnership_register::load_register(app, caller).await?;
    crate::plans::load_plans(app, caller).await?;
    crate::risks::load_risks(app, caller).await?;
    crate::publication::load_publication(app, caller).await?;
    crate::framework::load_framework(app, caller).await?;
    crate::reports::load_reports(app, caller).await?;
    Ok(loaded)
}

/// Cascades `top`'s target to the units below, then theirs to the units
/// below them, down to the bottom of the tree; returns the targets set.
async fn cascade_down(
    app: &Stocktake,
    caller: &Caller,
    indicator: &str,
    top: &str,
    period: Period,
) -> Result<u64, AppError> {
    let mut set = 0;
    let mut parents = vec![top.to_owned()];
    while let Some(unit) = parents.pop() {
        let below = app.org_unit(caller, &unit)?.children;
        if below.is_empty() {
            continue;
        }
        let request = CascadeRequest {
            indicator: indicator.to_owned(),
            unit: unit.clone(),
            period,
            method: CascadeMethod::Share {
                years: CASCADE_YEARS,
            },
        };
        let saved = app.save_cascade(caller, &request, None, true).await?;
        set += saved.children.len() as u64;
        parents.extend(saved.children.into_iter().map(|c| c.unit.code));
    }
    Ok(set)
}

async fn load_files(
    app: &Stocktake,
    caller: &Caller,
    files: &DemoFiles,
) -> Result<DemoLoaded, AppError> {
    let done = app
        .import_texts(
            caller,
            &[
                (FileKind::OrgUnits, &files.org_units),
                (FileKind::Groups, &files.groups),
                (FileKind::Indicators, &files.indicators),
                (FileKind::Applies, &files.applies),
                (FileKind::Neighbours, &files.neighbours),
                (FileKind::HotSpotRules, &files.hot_spot_rules),
                (FileKind::Values, &files.values),
                (FileKind::Targets, &files.targets),
            ],
        )
        .await?;
    Ok(DemoLoaded {
        org_units: done[0].rows,
        groups: done[1].rows,
        indicators: done[2].rows,
        values: done[6].rows,
        targets: done[7].rows,
        cascaded: 0,
    })
}
