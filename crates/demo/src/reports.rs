//! The fire service's committee reports: the quarterly performance report
//! for 2024/25 Q2, issued to the Policy and Strategy Committee, and the one
//! for 2024/25 Q3 with its front sheet written in the fire plan's style,
//! reviewed by the senior management team and awaiting approval for
//! committee.

use stocktake::reports::{FrontSheet, Stage, parse_quarter};
use stocktake::{AppError, Caller, Stocktake};

/// The service the reports are for.
const SERVICE: &str = "NFRS";

/// The quarter whose report is on its way to committee.
pub const CURRENT_QUARTER: &str = "2024/25 Q3";
/// The quarter whose report has been issued.
pub const ISSUED_QUARTER: &str = "2024/25 Q2";

fn front_sheet(quarter: &str, month: &str) -> FrontSheet {
    FrontSheet {
        report_title: format!("Performance monitoring report: {quarter}"),
        purpose: format!(
            "To give Members an update on the Service's performance against the indicators of the Fire and Rescue Plan for the quarter ending {month}, and on the progress of the improvement plan."
        ),
        background: "The Authority agreed its Fire and Rescue Plan and its performance framework in February 2024. Members receive a report each quarter showing each indicator against its target, its direction of travel and, where it is off target, what is being done about it.\n\nThe indicators are grouped by the plan's themes: prevention, protection, response and the Service's people.".into(),
        report: "The summary page counts the indicators by status and lists those that have moved most since the same period last year. Each indicator then appears with its figure, its target, its status in words, its direction of travel, the year to date against the same period last year, its trend over two years and the commentary of its owner.\n\nThe exceptions section brings together the indicators that are off target and worsening, with the action being taken. Improvement plan progress is reported by the status of its action points.".into(),
        financial_implications: "There are no financial implications arising from this report. Any improvement activity it describes is funded within the Service's approved budget for 2024/25.".into(),
        personnel_implications: "There are no personnel implications arising from this report.".into(),
        equality_impact_assessment: "An equality impact assessment has not been undertaken as this report does not propose any change to policy or service delivery.".into(),
        crime_and_disorder_implications: "Deliberate fire setting is monitored within the prevention indicators; the Service continues to work with the Community Safety Partnerships to reduce it.".into(),
        legal_implications: "The Fire and Rescue National Framework for England requires the Authority to publish its performance; this report forms part of that duty.".into(),
        risk_management_implications: "Reporting performance to Members each quarter allows emerging risks to service delivery to be identified and managed. Indicators off target are reviewed by the senior management team each month.".into(),
        recommendations: "That Members note the contents of this report.\n\nThat Members consider the exceptions and the actions being taken to address them.".into(),
        background_papers: "None.".into(),
        contact_officer: "Mia Patel, Head of Performance and Intelligence. Tel. 0115 967 0880. Email: performance@notts-fire.gov.uk".into(),
    }
}

/// Starts both reports, fills their front sheets and moves them along the
/// chain: Q2 issued, Q3 reviewed. `admin` is an administrator.
pub async fn load_reports(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    for (quarter, month, stages) in [
        (
            ISSUED_QUARTER,
            "30 September 2024",
            &[Stage::Reviewed, Stage::Approved, Stage::Issued][..],
        ),
        (CURRENT_QUARTER, "31 December 2024", &[Stage::Reviewed][..]),
    ] {
        let id = app
            .start_quarterly_report(admin, SERVICE, parse_quarter(quarter)?)
            .await?;
        app.save_front_sheet(admin, id, front_sheet(quarter, month))
            .await?;
        for stage in stages {
            let note = match stage {
                Stage::Reviewed => Some("Reviewed by the senior management team"),
                Stage::Approved => Some("Approved for the Policy and Strategy Committee"),
                Stage::Issued => Some("Issued with the committee's agenda"),
                Stage::Draft => None,
            };
            app.move_committee_report(admin, id, *stage, note).await?;
        }
    }
    Ok(())
}
