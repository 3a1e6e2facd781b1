//! Examples for the OpenAPI description, in the shape of the fire and rescue
//! service that `stocktake demo` loads (Nottinghamshire, monthly figures by
//! station), so "Try it out" against a demo database answers in kind. The
//! API tests check each example against its schema.

use serde_json::{Value, json};

const FRS01_TITLE: &str = "Primary fires per 10,000 population";

pub fn indicator() -> Value {
    json!({
        "code": "FRS01",
        "title": FRS01_TITLE,
        "description": "All primary fires attended, accidental and deliberate, per 10,000 people in the station area. Numerator: fires; denominator: population.",
        "unit": "per 10,000 population",
        "polarity": "lower_is_better",
        "kind": "ratio",
        "factor": {"multiply": 10000.0, "divide": 1.0},
        "frequency": "month",
        "decimals": 2,
        "owner": "Head of Prevention",
        "set": "Fire and Rescue Service",
        "denominator_over_periods": "latest"
    })
}

pub fn org_units() -> Value {
    json!({"org_units": [
        {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service", "parent_code": null, "depth": 0},
        {"code": "NFRS-CITY", "name": "City", "level": "group", "parent_code": "NFRS", "depth": 1},
        {"code": "NFRS-LONDON-ROAD", "name": "London Road", "level": "station", "parent_code": "NFRS-CITY", "depth": 2},
        {"code": "NFRS-STOCKHILL", "name": "Stockhill", "level": "station", "parent_code": "NFRS-CITY", "depth": 2},
        {"code": "NFRS-NORTH", "name": "North", "level": "group", "parent_code": "NFRS", "depth": 1},
        {"code": "NFRS-MANSFIELD", "name": "Mansfield", "level": "station", "parent_code": "NFRS-NORTH", "depth": 2}
    ]})
}

pub fn org_unit() -> Value {
    json!({
        "code": "NFRS-NORTH",
        "name": "North",
        "level": "group",
        "parent_code": "NFRS",
        "depth": 1,
        "path": ["NFRS", "NFRS-NORTH"],
        "children": ["NFRS-ASHFIELD", "NFRS-MANSFIELD", "NFRS-WORKSOP"]
    })
}

pub fn groups() -> Value {
    json!({"groups": [
        {"code": "EM-UNITARIES", "name": "East Midlands unitary authorities", "members": ["E06000015", "E06000016", "E06000017", "E06000018"]}
    ]})
}

pub fn value_list() -> Value {
    json!({
        "values": [
            {"indicator": "FRS01", "org_unit": "NFRS-STOCKHILL", "period": "2025-02", "value": 3.2, "numerator": 16.0, "denominator": 50000.0, "note": null, "state": "approved"},
            {"indicator": "FRS01", "org_unit": "NFRS-STOCKHILL", "period": "2025-03", "value": 2.8, "numerator": 14.0, "denominator": 50000.0,
             "note": "Fewer deliberate refuse fires after joint patrols with police.", "state": "submitted"}
        ],
        "more": false
    })
}

pub fn value_batch() -> Value {
    json!({"values": [
        {"indicator": "FRS01", "org_unit": "NFRS-STOCKHILL", "period": "2025-03", "numerator": 14, "denominator": 50000,
         "note": "Fewer deliberate refuse fires after joint patrols with police."},
        {"indicator": "FRS01", "org_unit": "NFRS-MANSFIELD", "period": "2025-03", "value": "4.50", "numerator": "27", "denominator": "60000"}
    ], "reason": "Corrected after the stations' incident logs were checked"})
}

pub fn batch_errors() -> Value {
    json!({
        "message": "2 problems found; nothing was written",
        "errors": [
            {"line": 2, "column": "org_unit", "message": "unknown organisation unit NFRS-NOWHERE: import it in the org-units file first"},
            {"line": 3, "column": "value", "message": "\"twelve\" is not a number: write a number such as 12.5 or leave it blank"}
        ]
    })
}

pub fn target_list() -> Value {
    json!({"targets": [
        {"indicator": "FRS01", "org_unit": "NFRS", "period": "2025-03", "target": 2.3, "tolerance": 5.0,
         "ratified": true, "proposed_by": "officer@example.org", "ratified_by": "officer@example.org", "ratified_at": "2025-03-12 10:04:00"},
        {"indicator": "FRS01", "org_unit": "NFRS-CITY", "period": "2025-03", "target": 3.0, "tolerance": 5.0,
         "ratified": false, "proposed_by": "officer@example.org", "ratified_by": null, "ratified_at": null}
    ]})
}

pub fn scorecard() -> Value {
    json!({
        "unit": {"code": "NFRS", "name": "Nottinghamshire Fire and Rescue Service", "level": "service"},
        "period": "2025-03",
        "period_label": "Mar 2025",
        "counts": {"green": 1, "amber": 0, "red": 0, "not_rated": 0, "no_target": 0, "no_data": 0},
        "rows": [{
            "indicator": "FRS01",
            "title": FRS01_TITLE,
            "set": "Fire and Rescue Service",
            "unit": "per 10,000 population",
            "decimals": 2,
            "period": "2025-03",
            "value": 2.144,
            "numerator": 250.0,
            "denominator": 1166000.0,
            "source": "rollup",
            "note": "rolled up from 3 units below",
            "target": 2.3,
            "tolerance": 5.0,
            "target_basis": "2025-03 target",
            "target_judges_year_to_date": false,
            "status": "green",
            "status_label": "On target",
            "previous": 2.251,
            "direction_previous": "improving",
            "same_period_last_year": 2.316,
            "direction_year": "improving",
            "year_to_date": 26.41,
            "year_to_date_last_year": 27.87,
            "year_to_date_change": -5.24,
            "commentary": null,
            "polarity": "lower_is_better",
            "judged_value": 2.144,
            "latest_with_data": false,
            "percentage": false,
            "year_to_date_change_measured": {"measure": "percent", "change": -5.24},
            "target_basis_short": "2025-03 target",
            "approved": true
        }],
        "approved_only": false
    })
}

pub fn rollup() -> Value {
    json!({
        "indicator": "FRS01",
        "title": FRS01_TITLE,
        "decimals": 2,
        "period": "2025-03",
        "level": "group",
        "rows": [
            {"org_unit": "NFRS-CITY", "name": "City", "level": "group", "depth": 1, "value": 2.9, "numerator": 96.0, "denominator": 331034.0,
             "source": "rollup", "note": "rolled up from 8 units below", "approved": false},
            {"org_unit": "NFRS-NORTH", "name": "North", "level": "group", "depth": 1, "value": 1.82, "numerator": 89.0, "denominator": 489011.0,
             "source": "rollup", "note": "rolled up from 9 of 10 units below (the rest have no data)", "approved": true}
        ]
    })
}
