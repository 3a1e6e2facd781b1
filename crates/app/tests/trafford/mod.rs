//! The small Trafford fixture the data-table and publication suites share:
//! a district and three wards, two yearly indicators with approved values,
//! and a viewer, an owner and a performance officer with every unit in
//! scope; the databases it runs on are `support::database_urls`.

use std::sync::Arc;

use stocktake::access::{AccountForm, ScopePart};
use stocktake::{Caller, Interface, Role, Stocktake};

use crate::support::system;

pub const ORG_UNITS: &str = "code,name,level,parent_code
E08000009,Trafford,district,
E05000001,Altrincham,ward,E08000009
E05000002,Bowdon,ward,E08000009
E05000003,Broadheath,ward,E08000009
";

pub const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,decimals,description
NI 192,Household waste recycled,count,higher_is_better,year,tonnes,0,Tonnes of household waste sent for reuse recycling or composting
NI 195,Street cleanliness,count,lower_is_better,year,sites,0,Sites below grade B
";

/// Approved as loaded by the system caller.
pub const VALUES: &str = "indicator,org_unit,period,value
NI 192,E05000001,2024/25,4101
NI 192,E05000002,2024/25,4202
NI 195,E05000001,2024/25,9301
";

pub const PASSWORD: &str = "correct horse battery staple";

/// The fixture loaded, with its three accounts and `more` performance
/// officers, each `(email, scope)`.
pub async fn open(url: &str, more: &[(&str, &str)]) -> Arc<Stocktake> {
    let app = crate::support::loaded(url, ORG_UNITS, INDICATORS, VALUES).await;
    let accounts = [
        ("viewer@trafford.example", Role::Viewer, vec![], "all"),
        (
            "owner@trafford.example",
            Role::Owner,
            vec!["NI 192".parse().unwrap()],
            "all",
        ),
        (
            "officer@trafford.example",
            Role::PerformanceOfficer,
            vec![],
            "all",
        ),
    ]
    .into_iter()
    .chain(
        more.iter()
            .map(|&(email, scope)| (email, Role::PerformanceOfficer, vec![], scope)),
    );
    for (email, role, owns, scope) in accounts {
        app.save_account(
            &system(),
            &AccountForm {
                email: email.into(),
                name: email.into(),
                role,
                scope: vec![scope.parse::<ScopePart>().unwrap()],
                owns,
                closed_groups: Vec::new(),
                disabled: None,
            },
            Some(PASSWORD),
        )
        .await
        .unwrap();
    }
    app
}

pub async fn who(app: &Stocktake, email: &str) -> Caller {
    app.sign_in(Interface::Web, email, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
}
