//! The national-scale workload for benchmarks: England, its regions,
//! districts and wards on the real codes of the ward lookup, with deterministic monthly
//! ward indicators and quarterly district indicators. Written as the ordinary
//! import files, so the benchmark measures the real import path.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use stocktake_core::Period;

/// What one run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    pub org_units: u64,
    pub wards: u64,
    pub districts: u64,
    pub indicators: u64,
    pub values: u64,
    pub targets: u64,
}

/// Shape of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Multiplies the indicators: scale 1 is 20 ward-level monthly ratios and
    /// 4 district-level quarterly indicators.
    pub scale: u32,
    /// Months of history, ending in March of a financial year.
    pub months: u32,
    /// Keep only this many districts (for quick checks); none keeps all.
    pub districts: Option<usize>,
    /// Write each ratio's value beside its numerator and denominator, as
    /// published data often gives them, so the import checks every value
    /// against its parts; otherwise the value is left blank and computed.
    pub with_values: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            scale: 1,
            months: 60,
            districts: None,
            with_values: false,
        }
    }
}

const WARD_INDICATORS: u32 = 20;
const DISTRICT_INDICATORS: u32 = 4;
/// The last month of the workload: March 2025, the end of 2024/25.
const LAST_MONTH: (i32, u32) = (2025, 3);
const SEED: u64 = 2008;

struct Ward {
    code: String,
    name: String,
    district: usize,
}

struct District {
    code: String,
    name: String,
    region: String,
}

/// Reads the ward lookup: for each district, the wards of its latest
/// boundary review (the lookup lists every ward since 2015, each under the
/// year it was introduced).
/// Wards, their districts, and region names by code.
type WardLookup = (Vec<Ward>, Vec<District>, BTreeMap<String, String>);

fn read_wards(path: &Path, keep_districts: Option<usize>) -> anyhow::Result<WardLookup> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read the ward lookup {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .with_context(|| format!("{}: column {name} is missing", path.display()))
    };
    let (wd, wn, lad, ladn, src, rg, rgn, ctry) = (
        col("WDCD")?,
        col("WDNM")?,
        col("LADCD_ACTIVE")?,
        col("LADNM_ACTIVE")?,
        col("SOURCEFILE")?,
        col("RGNCD")?,
        col("RGNNM")?,
        col("CTRYCD")?,
    );
    let mut rows = Vec::new();
    let mut latest: HashMap<String, String> = HashMap::new();
    for record in reader.records() {
        let r = record?;
        if &r[ctry] != "E92000001" || r[rg].is_empty() {
            continue;
        }
        let year = latest.entry(r[lad].to_owned()).or_default();
        if r[src] > **year {
            *year = r[src].to_owned();
        }
        rows.push(r);
    }
    let mut districts: Vec<District> = Vec::new();
    let mut district_index: HashMap<String, usize> = HashMap::new();
    let mut regions = BTreeMap::new();
    let mut wards = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        if r[src] != latest[&r[lad]] || !seen.insert(r[wd].to_owned()) {
            continue;
        }
        let d = match district_index.get(&r[lad]) {
            Some(&d) => d,
            None => {
                if keep_districts.is_some_and(|k| districts.len() >= k) {
                    continue;
                }
                districts.push(District {
                    code: r[lad].to_owned(),
                    name: r[ladn].to_owned(),
                    region: r[rg].to_owned(),
                });
                regions.insert(r[rg].to_owned(), r[rgn].to_owned());
                district_index.insert(r[lad].to_owned(), districts.len() - 1);
                districts.len() - 1
            }
        };
        wards.push(Ward {
            code: r[wd].to_owned(),
            name: r[wn].to_owned(),
            district: d,
        });
    }
    Ok((wards, districts, regions))
}

/// Writes org-units.csv, indicators.csv, values.csv and targets.csv to `out`.
pub fn write(wards_csv: &Path, shape: Shape, out: &Path) -> anyhow::Result<Workload> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let (wards, districts, regions) = read_wards(wards_csv, shape.districts)?;
    let mut workload = Workload {
        wards: wards.len() as u64,
        districts: districts.len() as u64,
        ..Workload::default()
    };
    let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
        let path = out.join(name);
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?,
        ))
    };

    let mut units = csv::Writer::from_writer(create("org-units.csv")?);
    units.write_record(["code", "name", "level", "parent_code"])?;
    units.write_record(["E92000001", "England", "country", ""])?;
    for (code, name) in &regions {
        units.write_record([code.as_str(), name, "region", "E92000001"])?;
    }
    for d in &districts {
        units.write_record([d.code.as_str(), &d.name, "district", &d.region])?;
    }
    for w in &wards {
        units.write_record([
            w.code.as_str(),
            &w.name,
            "ward",
            &districts[w.district].code,
        ])?;
    }
    units.flush()?;
    workload.org_units = 1 + regions.len() as u64 + districts.len() as u64 + wards.len() as u64;

    let ward_indicators = WARD_INDICATORS * shape.scale;
    let district_indicators = DISTRICT_INDICATORS * shape.scale;
    let mut indicators = csv::Writer::from_writer(create("indicators.csv")?);
    indicators.write_record([
        "code",
        "title",
        "kind",
        "polarity",
        "frequency",
        "unit",
        "factor",
        "decimals",
        "set",
        "denominator_over_periods",
    ])?;
    for i in 0..ward_indicators {
        let polarity = if i % 3 == 0 {
            "higher_is_better"
        } else {
            "lower_is_better"
        };
        indicators.write_record([
            &format!("W{:03}", i + 1),
            &format!("Ward rate {} per 1,000 residents", i + 1),
            "ratio",
            polarity,
            "month",
            "per 1,000 residents",
            "1000",
            "2",
            "Ward indicators",
            "latest",
        ])?;
    }
    for i in 0..district_indicators {
        let (kind, unit, factor) = if i % 2 == 0 {
            ("ratio", "%", "100")
        } else {
            ("count", "cases", "")
        };
        indicators.write_record([
            &format!("D{:03}", i + 1),
            &format!("District measure {}", i + 1),
            kind,
            "higher_is_better",
            "quarter",
            unit,
            factor,
            "1",
            "District indicators",
            "",
        ])?;
    }
    indicators.flush()?;
    workload.indicators = (ward_indicators + district_indicators) as u64;

    let last = Period::month(LAST_MONTH.0, LAST_MONTH.1);
    let first = last.offset(1 - shape.months as i32);
    let months: Vec<(Period, String)> = (0..shape.months as i32)
        .map(|m| first.offset(m))
        .map(|p| (p, p.to_string()))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut values = create("values.csv")?;
    values.write_all(b"indicator,org_unit,period,value,numerator,denominator,note\n")?;
    let mut line = Vec::with_capacity(96);
    for i in 0..ward_indicators {
        let code = format!("W{:03}", i + 1);
        let base_rate = 0.5 + (i % 7) as f64 * 0.6; // events per 1,000 residents a month
        let trend: f64 = if i % 4 == 0 { 1.004 } else { 0.997 };
        for w in &wards {
            let population = 3_000 + rng.random_range(0..9_000u32);
            let local = 0.6 + rng.random::<f64>() * 0.8;
            for (m, (period, text)) in months.iter().enumerate() {
                // Some returns are missing: about one in fifty.
                if rng.random_range(0..50u32) == 0 {
                    continue;
                }
                let season = 1.0
                    + 0.25
                        * ((period.first_month() % 12) as f64 / 12.0 * std::f64::consts::TAU).sin();
                let expected =
                    population as f64 / 1000.0 * base_rate * local * season * trend.powi(m as i32);
                let noise = 0.8 + rng.random::<f64>() * 0.4;
                let events = (expected * noise).round() as u64;
                line.clear();
                if shape.with_values {
                    // Per 1,000 residents, to the indicator's 2 decimals.
                    let rate = events as f64 / population as f64 * 1000.0;
                    writeln!(
                        line,
                        "{code},{},{text},{rate:.2},{events},{population},",
                        w.code
                    )?;
                } else {
                    writeln!(line, "{code},{},{text},,{events},{population},", w.code)?;
                }
                values.write_all(&line)?;
                workload.values += 1;
            }
        }
    }
    let quarters: Vec<String> = months
        .iter()
        .filter(|(p, _)| p.first_month() % 3 == 0)
        .map(|(p, _)| {
            Period::containing(p.first_month(), stocktake_core::Frequency::Quarter).to_string()
        })
        .collect();
    for i in 0..district_indicators {
        let code = format!("D{:03}", i + 1);
        for d in &districts {
            let size = 200 + rng.random_range(0..800u32);
            for q in &quarters {
                line.clear();
                if i % 2 == 0 {
                    let done = (size as f64 * (0.6 + rng.random::<f64>() * 0.35)).round() as u64;
                    if shape.with_values {
                        // A percentage, to the indicator's 1 decimal.
                        let percent = done as f64 / size as f64 * 100.0;
                        writeln!(line, "{code},{},{q},{percent:.1},{done},{size},", d.code)?;
                    } else {
                        writeln!(line, "{code},{},{q},,{done},{size},", d.code)?;
                    }
                } else {
                    writeln!(
                        line,
                        "{code},{},{q},{},,,",
                        d.code,
                        size / 4 + rng.random_range(0..40u32)
                    )?;
                }
                values.write_all(&line)?;
                workload.values += 1;
            }
        }
    }
    values.flush()?;

    // Annual targets for each district on the ward indicators.
    let mut targets = create("targets.csv")?;
    targets.write_all(b"indicator,org_unit,period,target,tolerance\n")?;
    let years: Vec<Period> = {
        let mut y: Vec<Period> = months.iter().map(|(p, _)| p.year()).collect();
        y.dedup();
        y
    };
    for i in 0..ward_indicators {
        let base_rate = 0.5 + (i % 7) as f64 * 0.6;
        for d in &districts {
            for year in &years {
                // A year of a latest-denominator rate is twelve months of events over the population.
                writeln!(
                    targets,
                    "W{:03},{},{year},{:.2},5",
                    i + 1,
                    d.code,
                    12.0 * base_rate * (0.9 + rng.random::<f64>() * 0.2)
                )?;
                workload.targets += 1;
            }
        }
    }
    targets.flush()?;
    Ok(workload)
}
