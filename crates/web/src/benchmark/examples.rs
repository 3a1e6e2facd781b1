//! Examples for the OpenAPI description of benchmarking, in the shape of the
//! demo's fire and rescue service (stations compared on primary fires per
//! 10,000 population), checked against their schemas by the API tests.

use serde_json::{Value, json};

const FRS01_TITLE: &str = "Primary fires per 10,000 population";

fn unit(code: &str, name: &str, level: &str) -> Value {
    json!({"code": code, "name": name, "level": level})
}

#[allow(clippy::too_many_arguments)]
fn member(
    code: &str,
    name: &str,
    value: f64,
    numerator: f64,
    denominator: f64,
    rank: u32,
    quartile: u8,
    percentile: f64,
    from_median: f64,
    from_best: f64,
    picked: bool,
) -> Value {
    json!({
        "org_unit": code, "name": name, "level": "station",
        "value": value, "numerator": numerator, "denominator": denominator,
        "rank": rank, "quartile": quartile, "percentile": percentile,
        "distance_from_median": from_median, "distance_from_best": from_best,
        "picked": picked, "note": "entered", "approved": true
    })
}

pub fn benchmark() -> Value {
    json!({
        "indicator": "FRS01",
        "title": FRS01_TITLE,
        "unit": "per 10,000 population",
        "decimals": 2,
        "polarity": "lower_is_better",
        "percentage": false,
        "period": "2025-03",
        "period_label": "March 2025",
        "comparators": "Stockhill's nearest neighbours and Stockhill itself",
        "ranked_by": "1 is the lowest: lower is better",
        "picked": unit("NFRS-STOCKHILL", "Stockhill", "station"),
        "members": [
            member("NFRS-LONDON-ROAD", "London Road", 2.5, 10.0, 40000.0, 1, 1, 100.0, -0.4, 0.0, false),
            member("NFRS-STOCKHILL", "Stockhill", 2.8, 14.0, 50000.0, 2, 2, 66.7, -0.1, 0.3, true),
            member("NFRS-WORKSOP", "Worksop", 3.0, 6.0, 20000.0, 3, 3, 33.3, 0.1, 0.5, false),
            member("NFRS-MANSFIELD", "Mansfield", 4.5, 27.0, 60000.0, 4, 4, 0.0, 1.6, 2.0, false)
        ],
        "left_out": 0,
        "set": {
            "count": 4, "mean": 3.2, "median": 2.9,
            "lower_quartile": 2.73, "upper_quartile": 3.38,
            "min": 2.5, "max": 4.5, "best": 2.5,
            "aggregate": 3.21, "aggregate_numerator": 57.0, "aggregate_denominator": 170000.0
        },
        "approved_only": false
    })
}

/// A line of evidence on FRS01: its years' figures, and the judgement
/// (`trend`, `rank`, `quartile`, `hot_spot`) merged in.
fn evidence(figures: [(&str, f64, Option<&str>); 3], judged: Value) -> Value {
    let years: Vec<Value> = figures
        .iter()
        .map(|(year, value, direction)| json!({"year": year, "value": value, "direction": direction}))
        .collect();
    let mut line = json!({
        "indicator": "FRS01", "title": FRS01_TITLE, "unit": "per 10,000 population",
        "decimals": 2, "polarity": "lower_is_better", "year": "2024/25",
        "value": figures[2].1, "figures": years, "of": 4, "median": 2.9
    });
    for (k, v) in judged.as_object().expect("an object") {
        line[k] = v.clone();
    }
    line
}

pub fn picture() -> Value {
    json!({
        "unit": unit("NFRS", "Nottinghamshire Fire and Rescue Service", "service"),
        "level": "station",
        "levels": ["group", "station"],
        "year": "2024/25",
        "year_label": "2024/25",
        "years": 3,
        "rule": {
            "code": "WORST-QUARTILE-WORSENING",
            "name": "Worst quartile and worsening",
            "description": "in the worst quartile of the authorities in the picture, and worse than the year before beyond the stable band",
            "worst_quartiles": 1,
            "trend": "worsening",
            "comparators": "picture",
            "built_in": true
        },
        "authorities": [
            {
                "unit": unit("NFRS-MANSFIELD", "Mansfield", "station"),
                "hot_spots": 1, "declining": 1, "coasting": 0, "mixed": 0, "improving": 1,
                "too_little_data": 0, "indicators": 2,
                "lines": [evidence(
                    [("2022/23", 3.9, None), ("2023/24", 4.2, Some("worsening")), ("2024/25", 4.5, Some("worsening"))],
                    json!({"trend": "declining", "trend_label": "Declining", "rank": 4, "quartile": 4, "hot_spot": true}))]
            },
            {
                "unit": unit("NFRS-STOCKHILL", "Stockhill", "station"),
                "hot_spots": 0, "declining": 0, "coasting": 1, "mixed": 0, "improving": 1,
                "too_little_data": 0, "indicators": 2,
                "lines": [evidence(
                    [("2022/23", 2.7, None), ("2023/24", 2.8, Some("stable")), ("2024/25", 2.8, Some("stable"))],
                    json!({"trend": "coasting", "trend_label": "Coasting", "rank": 2, "quartile": 2, "hot_spot": false}))]
            }
        ],
        "indicators": [
            {"indicator": "FRS01", "title": FRS01_TITLE, "year": "2024/25"},
            {"indicator": "FRS09", "title": "Dwelling fires attended", "year": "2024/25"}
        ],
        "hot_spots": 1,
        "declining": 1,
        "coasting": 1,
        "approved_only": false
    })
}

pub fn neighbours() -> Value {
    json!({"neighbours": [
        {"unit": "NFRS-STOCKHILL", "neighbour": "NFRS-LONDON-ROAD", "rank": 1},
        {"unit": "NFRS-STOCKHILL", "neighbour": "NFRS-MANSFIELD", "rank": 2},
        {"unit": "NFRS-STOCKHILL", "neighbour": "NFRS-WORKSOP", "rank": 3}
    ]})
}
