//! Writes example charts to a folder for looking at by eye:
//! `cargo run -p stocktake-report --example chart_gallery -- /tmp/charts`.

use std::path::PathBuf;

use stocktake_core::Status;
use stocktake_report::chart::{Bar, Point, bar_chart, sparkline, status_icon, trend_chart};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "charts".into()));
    std::fs::create_dir_all(&dir)?;

    let months = [
        "Apr 24", "May 24", "Jun 24", "Jul 24", "Aug 24", "Sep 24", "Oct 24", "Nov 24", "Dec 24",
        "Jan 25", "Feb 25", "Mar 25", "Apr 25", "May 25", "Jun 25", "Jul 25", "Aug 25", "Sep 25",
    ];
    let values = [
        Some(4.6),
        Some(4.2),
        Some(3.9),
        None,
        Some(4.8),
        Some(5.1),
        Some(4.4),
        Some(4.0),
        Some(3.6),
        Some(3.8),
        Some(4.3),
        Some(4.1),
        Some(3.7),
        Some(3.5),
        Some(3.9),
        Some(3.4),
        Some(3.6),
        Some(3.3),
    ];
    let points: Vec<Point> = months
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (label, value))| {
            // Targets fall each financial year; the last quarter has none set yet.
            let target = match i {
                0..=11 => Some(4.2),
                12..=14 => Some(3.8),
                _ => None,
            };
            let status = match (value, target) {
                (None, _) => Status::NoData,
                (Some(_), None) => Status::NoTarget,
                (Some(v), Some(t)) if v <= t => Status::Green,
                (Some(v), Some(t)) if v <= t * 1.05 => Status::Amber,
                _ => Status::Red,
            };
            Point {
                label: label.to_string(),
                value,
                target,
                status,
            }
        })
        .collect();
    let trend = trend_chart(
        "fires",
        "Primary fires per 10,000 population",
        "per 10,000 population",
        1,
        &points,
        "lower is better",
    );
    std::fs::write(dir.join("trend.svg"), &trend)?;

    let districts = [
        ("Ashby & Coalville", Some(3.1), Status::Green),
        ("Blaby", Some(4.35), Status::Amber),
        ("Charnwood", Some(5.6), Status::Red),
        ("Harborough", None, Status::NoData),
        (
            "Hinckley and Bosworth Borough Council Area",
            Some(2.4),
            Status::Green,
        ),
        ("Melton", Some(4.0), Status::Green),
        ("North West Leicestershire", Some(6.9), Status::Red),
        ("Oadby & Wigston", Some(4.3), Status::Amber),
    ];
    let bars: Vec<Bar> = districts
        .iter()
        .enumerate()
        .map(|(i, (label, value, status))| Bar {
            label: label.to_string(),
            value: *value,
            status: *status,
            href: Some(format!("/units/{i}")),
        })
        .collect();
    let bars_svg = bar_chart(
        "districts",
        "Primary fires by district, 2024/25",
        "per 10,000 population",
        1,
        &bars,
        Some(4.2),
    );
    std::fs::write(dir.join("bars.svg"), &bars_svg)?;

    let variance = [
        ("Adult social care", 1250.0),
        ("Children's services", -830.0),
        ("Highways", 310.0),
        ("Waste", -95.0),
    ];
    let variance: Vec<Bar> = variance
        .iter()
        .map(|(label, v)| Bar {
            label: label.to_string(),
            value: Some(*v),
            status: Status::NotRated,
            href: None,
        })
        .collect();
    std::fs::write(
        dir.join("variance.svg"),
        bar_chart(
            "variance",
            "Budget variance by service",
            "£000",
            0,
            &variance,
            None,
        ),
    )?;

    // Net change swings either side of zero and has no targets.
    let net: Vec<Point> = [
        ("2021/22", 120.0),
        ("2022/23", -45.5),
        ("2023/24", -210.0),
        ("2024/25", 35.0),
    ]
    .iter()
    .map(|(label, v)| Point {
        label: label.to_string(),
        value: Some(*v),
        target: None,
        status: Status::NotRated,
    })
    .collect();
    std::fs::write(
        dir.join("net.svg"),
        trend_chart(
            "net",
            "Net change in housing stock",
            "dwellings",
            0,
            &net,
            "neither higher nor lower is better",
        ),
    )?;

    let empty: Vec<Point> = months[..6]
        .iter()
        .map(|m| Point {
            label: m.to_string(),
            value: None,
            target: None,
            status: Status::NoData,
        })
        .collect();
    std::fs::write(
        dir.join("empty.svg"),
        trend_chart("empty", "Primary fires", "", 1, &empty, ""),
    )?;

    let spark = sparkline("spark", "Primary fires", &points[..12]);
    std::fs::write(dir.join("sparkline.svg"), &spark)?;

    // A table as a page would show one, to see sparklines and icons at their natural size.
    let mut page = String::from(
        "<!doctype html><meta charset=utf-8><title>Charts</title>\
         <body style=\"font-family:system-ui,Arial,sans-serif;margin:24px;max-width:760px\">\
         <table style=\"border-collapse:collapse\"><tr><th align=left>Indicator</th><th>Trend</th><th align=left>Status</th></tr>",
    );
    for (name, slice, status) in [
        ("Primary fires", &points[..12], Status::Amber),
        ("Deliberate fires", &points[2..14], Status::Green),
        ("Road traffic collisions", &points[4..16], Status::Red),
        ("False alarms", &points[6..], Status::NoTarget),
    ] {
        page.push_str(&format!(
            "<tr><td style=\"padding:6px 16px 6px 0\">{name}</td><td style=\"padding:6px 16px\">{}</td><td>{} {}</td></tr>",
            sparkline(&format!("s-{name}"), name, slice),
            status_icon(status, 12.0),
            status.label()
        ));
    }
    page.push_str("</table>");
    page.push_str(&trend);
    page.push_str(&bars_svg);
    std::fs::write(dir.join("page.html"), page)?;
    println!("wrote charts to {}", dir.display());
    Ok(())
}
