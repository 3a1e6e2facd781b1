//! The demo's open data: a handful of the fire service's and the region's
//! councils' indicators published on the portal, as a performance officer
//! would choose them (the measures the public asks about: fires, casualties
//! and recycling). The demo's units are real Nottinghamshire and East
//! Midlands authorities whose boundaries the demo does not carry, so its
//! maps list every area in their table; import the ONS boundaries on the
//! publication page to draw them.
//!
//! Beside the indicators, a data table that is not one: the fire service's
//! fire safety prosecutions heard in 2023/24, published with its own
//! columns. The cases are made up, and name premises by type only.

use stocktake::tables::{DataColumnForm, DataTableForm};
use stocktake::{AppError, Caller, Stocktake};

/// The indicators the demo publishes.
pub const PUBLISHED: [&str; 5] = ["FRS01", "FRS02", "FRS03", "NI191", "NI195a"];

pub async fn load_publication(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    for code in PUBLISHED {
        app.publish_indicator(caller, code, true).await?;
    }
    load_prosecutions(app, caller).await
}

/// The prosecutions table's code.
pub const PROSECUTIONS: &str = "NFRS-FIRE-PROSECUTIONS-2023-24";

/// Its rows: made-up cases, premises by type only, districts by the demo's
/// codes for the service's districts.
const PROSECUTION_ROWS: &str = "date_of_hearing,court,premises_type,district,articles_breached,outcome,fine,costs
2023-05-15,Nottingham Magistrates' Court,Takeaway with flat above,NFRS-E06000018,\"Articles 8, 9 and 14\",Guilty plea,\"8,000\",\"2,450.50\"
2023-07-04,Mansfield Magistrates' Court,House in multiple occupation,NFRS-E07000174,\"Articles 9, 11 and 17\",Guilty plea,\"12,500\",\"3,100\"
2023-09-21,Nottingham Crown Court,Care home,NFRS-E07000172,\"Articles 8, 9, 11 and 21\",Convicted after trial,\"45,000\",\"18,750\"
2023-11-08,Mansfield Magistrates' Court,Shop with living accommodation above,NFRS-E07000170,Articles 14 and 17,Guilty plea,\"3,500\",\"1,200\"
2024-01-30,Nottingham Magistrates' Court,Hotel,NFRS-E07000176,\"Articles 9, 14 and 21\",Guilty plea,\"20,000\",\"6,800\"
2024-03-12,Worksop Magistrates' Court,Converted warehouse used as flats,NFRS-E07000171,\"Articles 8, 14 and 17\",Conditional discharge,,950
";

/// Defines, fills and publishes the prosecutions table.
async fn load_prosecutions(app: &Stocktake, caller: &Caller) -> Result<(), AppError> {
    let column =
        |name: &str, title: &str, kind: &str, required: bool, description: &str| DataColumnForm {
            name: name.into(),
            title: title.into(),
            kind: kind.into(),
            decimals: if kind == "number" { 2 } else { 0 },
            required,
            description: description.into(),
        };
    app.define_data_table(
        caller,
        &DataTableForm {
            code: PROSECUTIONS.into(),
            title: "Fire safety prosecutions 2023/24".into(),
            description: "Prosecutions brought by the fire and rescue authority under the Regulatory Reform (Fire Safety) Order 2005 and heard between April 2023 and March 2024, with the outcome, fine and costs awarded. Premises are described by type only.".into(),
            unit: "NFRS".into(),
            licence: String::new(),
            source: "Fire protection case register, Nottinghamshire Fire and Rescue Service".into(),
            columns: vec![
                column("date_of_hearing", "Date of hearing", "date", true, "The day sentence was passed"),
                column("court", "Court", "text", true, ""),
                column("premises_type", "Premises type", "text", true, "The kind of premises, never its name or address"),
                column("district", "District", "unit", true, "The district the premises are in"),
                column("articles_breached", "Articles breached", "text", true, "Articles of the Regulatory Reform (Fire Safety) Order 2005 the offences were under"),
                column("outcome", "Outcome", "text", true, ""),
                column("fine", "Fine (£)", "number", false, "Blank where no fine was imposed"),
                column("costs", "Costs (£)", "number", false, "Prosecution costs awarded to the authority"),
            ],
        },
    )
    .await?;
    app.import_data_table_rows(
        caller,
        PROSECUTIONS,
        "fire-safety-prosecutions-2023-24.csv",
        PROSECUTION_ROWS.as_bytes(),
    )
    .await?;
    app.publish_data_table(caller, PROSECUTIONS, true).await?;
    Ok(())
}
