//! The real reference files the demo is built on: trimmed copies under
//! `crates/demo/demo-data/` (see its README for sources and licences),
//! embedded so `stocktake demo` works on a machine without the shared data
//! folder. The files are read as published; their quirks (blank cells,
//! floating-point noise in values, rows of other indicators) are handled
//! here, not edited out of the files.

use std::collections::BTreeMap;

pub(super) const LA_HIERARCHY: &str =
    include_str!("../../demo-data/la_hierarchy_east_midlands.csv");
pub(super) const POPULATION: &str = include_str!("../../demo-data/population_east_midlands.csv");
pub(super) const FIRE_STATIONS: &str =
    include_str!("../../demo-data/fire_stations_nottinghamshire.csv");
pub(super) const STATION_AREAS: &str =
    include_str!("../../demo-data/nottinghamshire_station_areas.csv");
pub(super) const RECYCLING: &str =
    include_str!("../../demo-data/household_waste_recycling_rate_east_midlands.csv");

/// Reads a CSV with a header into rows of cells by column name.
fn records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("embedded demo data has a header")
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("embedded demo data is valid CSV");
            header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), r.get(i).unwrap_or("").trim().to_owned()))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column).map_or("", String::as_str)
}

/// One row of the local authority hierarchy: a district (current or
/// abolished) with the current district it became and its upper tier.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LaRow {
    pub code: String,
    pub name: String,
    /// The current district this code is now part of; itself when current.
    pub active_code: String,
    pub upper_code: String,
    pub upper_name: String,
    pub region_code: String,
    pub region_name: String,
    pub country_code: String,
    pub country_name: String,
    pub current: bool,
}

pub(super) fn la_hierarchy() -> Vec<LaRow> {
    records(LA_HIERARCHY)
        .iter()
        .map(|r| LaRow {
            code: cell(r, "LADCD").into(),
            name: cell(r, "LADNM").into(),
            active_code: cell(r, "LADCD_ACTIVE").into(),
            upper_code: cell(r, "UTLACD").into(),
            upper_name: cell(r, "UTLANM").into(),
            region_code: cell(r, "RGNCD").into(),
            region_name: cell(r, "RGNNM").into(),
            country_code: cell(r, "CTRYCD").into(),
            country_name: cell(r, "CTRYNM").into(),
            current: cell(r, "Current").eq_ignore_ascii_case("true"),
        })
        .collect()
}

/// Mid-2020 population by GSS code; authorities without a figure (those
/// abolished before 2020) are left out.
pub(super) fn populations() -> BTreeMap<String, f64> {
    records(POPULATION)
        .iter()
        .filter_map(|r| {
            let pop = cell(r, "pop-2020")
                .parse::<f64>()
                .ok()
                .filter(|p| *p > 0.0)?;
            Some((cell(r, "gss-code").to_owned(), pop))
        })
        .collect()
}

/// What kind of place a fire station covers; it scales how often each type
/// of incident happens per head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AreaType {
    City,
    Urban,
    Rural,
}

/// A Nottinghamshire fire station with the district it stands in and the
/// share of that district's population it serves (hand-made, from the
/// station's address and postcode).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Station {
    /// As in the Home Office list: `Stn 26 Arnold`.
    pub source_name: String,
    /// For people: `Arnold`.
    pub name: String,
    pub district_code: String,
    pub population_share: f64,
    pub area: AreaType,
}

/// The service's stations: those of the Home Office list whose service is
/// Nottinghamshire, joined to the hand-made district mapping. A station
/// missing from the mapping is an error in the committed data, caught by tests.
pub(super) fn nottinghamshire_stations() -> Vec<Station> {
    let areas = records(STATION_AREAS);
    records(FIRE_STATIONS)
        .iter()
        .filter(|r| cell(r, "frs_fullname").contains("Nottinghamshire"))
        .map(|r| {
            let source_name = cell(r, "station_name");
            let area = areas
                .iter()
                .find(|a| cell(a, "station_name") == source_name)
                .unwrap_or_else(|| {
                    panic!(
                        "station {source_name:?} has no row in nottinghamshire_station_areas.csv"
                    )
                });
            Station {
                source_name: source_name.to_owned(),
                name: cell(area, "name").to_owned(),
                district_code: cell(area, "district_code").to_owned(),
                population_share: cell(area, "population_share")
                    .parse()
                    .expect("population_share is a number"),
                area: match cell(area, "area_type") {
                    "city" => AreaType::City,
                    "rural" => AreaType::Rural,
                    _ => AreaType::Urban,
                },
            }
        })
        .collect()
}

/// One published recycling rate.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RateRow {
    pub code: String,
    pub name: String,
    /// The financial year's starting year: 2023 for `2023/24`.
    pub year: i32,
    /// Percent, rounded to the 1 decimal DEFRA publishes.
    pub rate: f64,
}

/// The household waste recycling rates in `text` (the Trafford Data Lab
/// layout). Rows of other measures (calendar-year Scottish figures), blank
/// or unreadable values and periods that are not financial years are skipped.
pub(super) fn recycling_rates(text: &str) -> Vec<RateRow> {
    records(text)
        .iter()
        .filter(|r| cell(r, "indicator") == "Waste Reused/Recycled/Composted")
        .filter_map(|r| {
            let year = financial_year(cell(r, "period"))?;
            let value = cell(r, "value")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())?;
            Some(RateRow {
                code: cell(r, "area_code").to_owned(),
                name: cell(r, "area_name").to_owned(),
                year,
                // The file carries binary noise such as 47.599999999999994;
                // DEFRA publishes one decimal.
                rate: (value * 10.0).round() / 10.0,
            })
        })
        .collect()
}

/// `2023/24` is 2023; anything else (a calendar year, a blank) is none.
fn financial_year(text: &str) -> Option<i32> {
    let (start, end) = text.split_once('/')?;
    let start: i32 = start.parse().ok()?;
    let end: i32 = end.parse().ok()?;
    (end == (start + 1) % 100).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nottinghamshire_station_is_mapped_to_a_district() {
        let stations = nottinghamshire_stations();
        assert_eq!(stations.len(), 24);
        let codes: Vec<&str> = stations.iter().map(|s| s.district_code.as_str()).collect();
        for code in [
            "E07000170",
            "E07000171",
            "E07000172",
            "E07000173",
            "E07000174",
            "E07000175",
            "E07000176",
            "E06000018",
        ] {
            let shares: f64 = stations
                .iter()
                .filter(|s| s.district_code == code)
                .map(|s| s.population_share)
                .sum();
            assert!((shares - 1.0).abs() < 1e-9, "{code} shares add to {shares}");
        }
        assert!(
            codes
                .iter()
                .all(|c| c.starts_with("E07") || *c == "E06000018")
        );
    }

    #[test]
    fn recycling_quirks_are_handled_not_imported() {
        let text = "area_code,area_name,period,indicator,measure,unit,value\n\
            E07000032,Amber Valley,2015/16,Waste Reused/Recycled/Composted,Proportion,Percent,32.7\n\
            E06000062,West Northamptonshire,2021/22,Waste Reused/Recycled/Composted,Proportion,Percent,47.599999999999994\n\
            E07000033,Bolsover,2016/17,Waste Reused/Recycled/Composted,Proportion,Percent,\n\
            S12000033,Aberdeen City,2019,Recycling,Percentage,Waste,43.1\n\
            E07000034,Chesterfield,,Waste Reused/Recycled/Composted,Proportion,Percent,40\n";
        let rows = recycling_rates(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].code.as_str(), rows[0].year, rows[0].rate),
            ("E07000032", 2015, 32.7)
        );
        assert_eq!(rows[1].rate, 47.6);
    }

    #[test]
    fn the_hierarchy_and_populations_cover_the_region() {
        let la = la_hierarchy();
        let pops = populations();
        assert!(la.iter().all(|r| r.region_code == "E12000004"));
        for r in la.iter().filter(|r| r.current) {
            assert!(pops.contains_key(&r.code), "no population for {}", r.code);
        }
    }
}
