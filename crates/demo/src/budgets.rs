//! The East Midlands improvement partnership's 2008/09 budget, exactly as
//! its regional support protocol prints it: "Indicative Allocation of
//! Resources Subject to Further Consultation Within the Region, £'000s",
//! nine programme areas with their lines and printed totals (Smarter
//! Procurement's first line prints no amount; Better outcomes for people
//! has sub-lines (i) and (ii) under "Diagnostic work"), support for
//! struggling authorities, the contingency, the sub-total, the projects
//! already allocated (CLG windfall), the total and the funds available.
//! Loaded through the ordinary budget import, so it passes every check a
//! user's file does; every printed total equals the sum of its lines.

use stocktake::{AppError, Caller, Stocktake};

/// The budget's code.
pub const EMRIEP_BUDGET: &str = "EMRIEP-2008-09";

/// The region that holds it.
const REGION: &str = "E12000004";

const TITLE: &str =
    "Indicative Allocation of Resources Subject to Further Consultation Within the Region";

/// (area, kind, description, amount in £k as printed) in the order printed.
pub const LINES: [(&str, &str, &str, &str); 53] = [
    (
        "BPI",
        "line",
        "We will continue to support and provide resources for process reengineering and delivery of shared services.",
        "130",
    ),
    (
        "BPI",
        "line",
        "We will support business transformation projects that lead to increased customer focus and improved customer outcomes (lean systems approach).",
        "390",
    ),
    (
        "BPI",
        "line",
        "We will continue to support the business improvement skills development programme to enable local authorities to develop a sustainable capacity.",
        "20",
    ),
    (
        "BPI",
        "line",
        "We will provide a regional capacity to advise, promote and support local authorities BPI activities.",
        "50",
    ),
    (
        "BPI",
        "line",
        "We will promote the CLG national business process information toolkit and best practice examples",
        "20",
    ),
    ("BPI", "area_total", "Total", "610"),
    (
        "Smarter Procurement",
        "line",
        "We will deliver the key activities contained within the Procurement 2012 strategy now endorsed by all councils in the region.",
        "",
    ),
    (
        "Smarter Procurement",
        "line",
        "We will provide support to analyse KPI, savings data, case studies, best practice dissemination workshops, facilitate group meetings",
        "50",
    ),
    (
        "Smarter Procurement",
        "line",
        "We will provide support for a regional resource to deliver the regional initiatives programme, the best deals comparison service, maintain contract database and community web site",
        "180",
    ),
    (
        "Smarter Procurement",
        "line",
        "We will develop a training & skills programme on a regional basis which can then be assessed by sub regional groups.",
        "100",
    ),
    (
        "Smarter Procurement",
        "line",
        "We will continue to support cluster development",
        "60",
    ),
    (
        "Smarter Procurement",
        "line",
        "We recognise the importance of sustainability and support the statement issued by the RIEP Chief Executives Task Group and will provide support to facilitate delivery",
        "100",
    ),
    ("Smarter Procurement", "area_total", "Total", "490"),
    (
        "Asset management",
        "line",
        "We will continue and further develop a programme of capturing and communicating best practice and strategic guidance for local authorities.",
        "50",
    ),
    (
        "Asset management",
        "line",
        "We will continue to support our Highways Alliance work which has generated significant buy in from around the region, will continue to address the re thinking construction agenda and achieve significant improvements in design, commissioning and asset management.",
        "50",
    ),
    (
        "Asset management",
        "line",
        "We will continue to support our East Midlands Property Alliance work which has generated significant buy in from around the region, will continue to address the re thinking construction agenda and achieve significant improvements in design, commissioning and asset management.",
        "150",
    ),
    ("Asset management", "area_total", "Total", "250"),
    (
        "Waste",
        "line",
        "We will continue to encourage and support our Waste Management networks to develop regional solutions to pressing service delivery problems and efficiency needs which transcend local authority boundaries.",
        "200",
    ),
    (
        "Waste",
        "line",
        "We will provide a regional capacity to advise, promote and support local authorities Waste activities.",
        "70",
    ),
    ("Waste", "area_total", "Total", "270"),
    (
        "Care Services",
        "line",
        "We will continue to encourage and support our Adult Services networks to develop regional solutions to pressing service delivery problems and efficiency needs which transcend local authority boundaries",
        "160",
    ),
    (
        "Care Services",
        "line",
        "We will provide a regional capacity to advise, promote and support local authorities Adult & Children's Care activities",
        "70",
    ),
    (
        "Care Services",
        "line",
        "We will continue to encourage and support Children's Services networks to develop regional solutions to pressing service delivery problems and efficiency needs which transcend local authority boundaries.",
        "150",
    ),
    ("Care Services", "area_total", "Total", "380"),
    (
        "Innovation& transformation",
        "line",
        "We support the development of a consistent and effective regime of generating investment cycles through a process of `banking and re using` efficiency gains.",
        "10",
    ),
    (
        "Innovation& transformation",
        "line",
        "Invest to save fund.",
        "1,000",
    ),
    (
        "Innovation& transformation",
        "line",
        "Change management development programmes.",
        "25",
    ),
    (
        "Innovation& transformation",
        "line",
        "We will support the development of common standards for ICT systems to enable exchange of information and providing a platform for sharing of services.",
        "50",
    ),
    (
        "Innovation& transformation",
        "line",
        "We will promote examples of best practice.",
        "10",
    ),
    ("Innovation& transformation", "area_total", "Total", "1,095"),
    (
        "Capacity Building",
        "line",
        "We will support the promotion of the leadership academy programme.",
        "50",
    ),
    (
        "Capacity Building",
        "line",
        "We will support member development and mentoring programmes.",
        "200",
    ),
    (
        "Capacity Building",
        "line",
        "Exploiting the national graduate programme.",
        "50",
    ),
    (
        "Capacity Building",
        "line",
        "We will invest in workforce development to address known skill shortages",
        "180",
    ),
    (
        "Capacity Building",
        "line",
        "We will continue to invest in programme and project management development skills as a route to manage change effectively and deliver improvements on time and within budget.",
        "70",
    ),
    (
        "Capacity Building",
        "line",
        "We will develop the culture where authorities swap short sharp 'one hit' bursts of high level skills to address a specific problem area.",
        "90",
    ),
    ("Capacity Building", "area_total", "Total", "640"),
    (
        "Driving Improvement of authorities",
        "line",
        "We support Peer challenges to ensure authorities are equipped to meet the requirements of the CAA regime.",
        "70",
    ),
    (
        "Driving Improvement of authorities",
        "line",
        "Innovation coaching.",
        "50",
    ),
    (
        "Driving Improvement of authorities",
        "line",
        "We will continue with the programme already supported at a regional level with our existing resources, on a range of activities which support the implementation of the workforce strategy.",
        "50",
    ),
    (
        "Driving Improvement of authorities",
        "area_total",
        "Total",
        "170",
    ),
    (
        "Better outcomes for people",
        "line",
        "Activities to promote excellence in leadership within our local authorities and communities, including; peer challenge to shape and drive through our LAA and MAA stretch targets.",
        "225",
    ),
    (
        "Better outcomes for people",
        "line",
        "Partnership skills training.",
        "100",
    ),
    (
        "Better outcomes for people",
        "line",
        "Diagnostic work to assist our place shaping role through:",
        "",
    ),
    (
        "Better outcomes for people",
        "sub_line",
        "(i) customer segmentation and use of customer insight through our consultative arrangements",
        "125",
    ),
    (
        "Better outcomes for people",
        "sub_line",
        "(ii) deep performance benchmarking and analysis of expenditure over the major service blocks of Adult Care, Children's Services, Environmental Services to aid our approach to commission excellence in service delivery.",
        "100",
    ),
    ("Better outcomes for people", "area_total", "Total", "550"),
    (
        "",
        "allocation",
        "Support for struggling authorities",
        "236",
    ),
    ("", "contingency", "Contingency", "385"),
    ("", "sub_total", "Sub total", "5,076"),
    (
        "",
        "already_allocated",
        "Projects already allocated (CLG windfall)",
        "1,161",
    ),
    ("", "total", "TOTAL", "6,237"),
    ("", "funds_available", "Funds Available", "6,237"),
];

/// The budget file for the lines above: every allocation line is subject to
/// further consultation, as the table's title says.
pub fn budget_csv() -> String {
    let mut out =
        String::from("budget,unit,year,title,area,kind,description,amount,consultation\n");
    for (area, kind, description, amount) in LINES.iter() {
        let consultation = matches!(*kind, "line" | "sub_line" | "allocation" | "contingency");
        out.push_str(&format!(
            "{EMRIEP_BUDGET},{REGION},2008/09,{},{},{kind},{},{},{}\n",
            quoted(TITLE),
            quoted(area),
            quoted(description),
            quoted(amount),
            if consultation { "yes" } else { "" }
        ));
    }
    out
}

fn quoted(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Imports the budget.
pub async fn load_budgets(app: &Stocktake, admin: &Caller) -> Result<(), AppError> {
    app.import_budgets(admin, "emriep-2008-09.csv", budget_csv().as_bytes(), false)
        .await?;
    Ok(())
}
