//! The demo database that `stocktake demo` loads: a fire and rescue service
//! (Nottinghamshire, monthly figures by station) and a region's councils (the
//! East Midlands, real recycling rates and generated national indicators).
//!
//! Everything is built from trimmed copies of real public reference files
//! (stations, the local authority hierarchy, populations, published recycling
//! rates) plus figures drawn from a fixed seed, and is written as Stocktake's
//! ordinary CSV import files, so the demo passes through exactly the checks a
//! user's own data does.

pub(crate) mod fire;
mod random;
mod reference;
pub(crate) mod region;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use stocktake_core::status::status;
use stocktake_core::{DenominatorOverPeriods, Frequency, Kind, Period, Polarity, Status, Target};

/// The import files of the demo, as CSV text with header rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFiles {
    pub org_units: String,
    pub groups: String,
    pub indicators: String,
    /// Where each indicator applies: the fire service's for its units, the
    /// councils' for councils.
    pub applies: String,
    pub values: String,
    pub targets: String,
    /// Each council's nearest neighbours: unit, neighbour, rank.
    pub neighbours: String,
    /// The regional team's hot-spot rules.
    pub hot_spot_rules: String,
}

/// Builds the demo. The same seed always gives the same files.
pub fn generate(seed: u64) -> DemoFiles {
    let mut demo = Demo::default();
    // Each part draws from its own stream, so changing one part leaves the
    // other's figures as they were.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    fire::build(&mut demo, &mut rng);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(2);
    region::build(&mut demo, &mut rng);
    demo.files()
}

/// One organisation unit row.
#[derive(Debug, Clone)]
struct Unit {
    code: String,
    name: String,
    level: &'static str,
    parent: Option<String>,
}

/// One group membership row.
#[derive(Debug, Clone)]
struct Member {
    group: &'static str,
    group_name: &'static str,
    member: String,
}

/// An indicator definition as the demo writes it.
#[derive(Debug, Clone)]
struct Def {
    code: &'static str,
    title: &'static str,
    kind: Kind,
    polarity: Polarity,
    frequency: Frequency,
    unit: &'static str,
    /// Ratios only: written as given, `10000`.
    factor: &'static str,
    decimals: u8,
    owner: &'static str,
    description: &'static str,
    set: &'static str,
    over: DenominatorOverPeriods,
}

impl Def {
    fn factor_value(&self) -> f64 {
        self.factor.parse().expect("demo factors are plain numbers")
    }

    /// The value as written in the file: computed from the parts for a ratio,
    /// so it always agrees with them.
    fn value_text(&self, figure: Figure) -> String {
        let value = match figure {
            Figure::Ratio {
                numerator,
                denominator,
            } => numerator as f64 / denominator as f64 * self.factor_value(),
            Figure::Plain(v) => v,
        };
        // Rounded as Stocktake rounds (half away from zero) before writing:
        // `format!` alone rounds a tie such as 3.125 down to even.
        format!(
            "{:.*}",
            self.decimals as usize,
            round_to(value, self.decimals)
        )
    }
}

/// A value: the parts of a ratio, or a plain figure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Figure {
    Ratio { numerator: i64, denominator: i64 },
    Plain(f64),
}

#[derive(Debug, Clone)]
struct Value {
    indicator: &'static str,
    unit: String,
    period: Period,
    figure: Figure,
    note: Option<String>,
}

#[derive(Debug, Clone)]
struct TargetRow {
    indicator: &'static str,
    unit: String,
    period: Period,
    target: f64,
    /// Decimals the target is written with.
    decimals: u8,
    tolerance: f64,
}

/// Tolerance of every demo target: 5% of the target counts as amber.
const TOLERANCE: f64 = 5.0;

/// The rows of the demo as they are built.
#[derive(Debug, Default)]
struct Demo {
    units: Vec<Unit>,
    members: Vec<Member>,
    defs: Vec<Def>,
    values: Vec<Value>,
    targets: Vec<TargetRow>,
    /// Where indicators apply: indicator, level, under.
    applies: Vec<(&'static str, &'static str, String)>,
    /// Nearest neighbours: unit, neighbour, rank.
    neighbours: Vec<(String, String, u32)>,
    /// Hot-spot rules: code, name, worst quartiles, trend, comparators.
    rules: Vec<[&'static str; 5]>,
}

impl Demo {
    fn unit(&mut self, code: &str, name: &str, level: &'static str, parent: Option<&str>) {
        self.units.push(Unit {
            code: code.to_owned(),
            name: name.to_owned(),
            level,
            parent: parent.map(str::to_owned),
        });
    }

    fn def(&self, code: &str) -> &Def {
        self.defs
            .iter()
            .find(|d| d.code == code)
            .expect("indicator defined before use")
    }

    fn value(&mut self, indicator: &'static str, unit: &str, period: Period, figure: Figure) {
        self.values.push(Value {
            indicator,
            unit: unit.to_owned(),
            period,
            figure,
            note: None,
        });
    }

    /// The figure Stocktake shows for `units` together over the financial
    /// year starting in `year`: within each period the units combine, then
    /// the periods combine in time order, each by the indicator's kind (a
    /// latest-denominator ratio takes the last period's population). Targets
    /// are fitted to this figure, so it must follow the same rules.
    fn year_figure(&self, code: &str, units: &[&str], year: i32) -> Option<f64> {
        let def = self.def(code);
        // Per period: sum of values, numerators, denominators, and rows.
        let mut periods: BTreeMap<Period, (f64, f64, f64, u32)> = BTreeMap::new();
        for v in self.values.iter().filter(|v| {
            v.indicator == code
                && v.period.financial_year_start() == year
                && units.contains(&v.unit.as_str())
        }) {
            let e = periods.entry(v.period).or_default();
            match v.figure {
                Figure::Ratio {
                    numerator,
                    denominator,
                } => {
                    e.1 += numerator as f64;
                    e.2 += denominator as f64;
                }
                Figure::Plain(x) => e.0 += x,
            }
            e.3 += 1;
        }
        if periods.is_empty() {
            return None;
        }
        let n = periods.len() as f64;
        Some(match def.kind {
            Kind::Count => periods.values().map(|p| p.0).sum(),
            Kind::Mean => periods.values().map(|p| p.0 / p.3 as f64).sum::<f64>() / n,
            Kind::Snapshot => periods.values().last().map(|p| p.0)?,
            Kind::Ratio => {
                let numerator: f64 = periods.values().map(|p| p.1).sum();
                let denominator = match def.over {
                    DenominatorOverPeriods::Latest => periods.values().last().map(|p| p.2)?,
                    DenominatorOverPeriods::Sum => periods.values().map(|p| p.2).sum(),
                };
                numerator / denominator * def.factor_value()
            }
        })
    }

    /// Sets an annual target for `unit` (whose figure is made of the units
    /// in `parts`) as services commonly do: 2% better than the average of
    /// the last three years' outturns, which keeps targets steady through a
    /// single good or bad year. Where `wanted` is given, the target is moved
    /// just as far as needed for the year's figure to get that status, so
    /// the demo shows a planned mix of red, amber and green whatever the
    /// seed draws.
    fn plan_target(
        &mut self,
        code: &'static str,
        unit: &str,
        parts: &[&str],
        year: i32,
        wanted: Option<Status>,
    ) {
        let Some(value) = self.year_figure(code, parts, year) else {
            return;
        };
        let def = self.def(code);
        let (polarity, decimals) = (def.polarity, def.decimals);
        let past: Vec<f64> = (year - 3..year)
            .filter_map(|y| self.year_figure(code, parts, y))
            .collect();
        let baseline = if past.is_empty() {
            value
        } else {
            past.iter().sum::<f64>() / past.len() as f64
        };
        let percentage = def.unit.starts_with('%');
        let plan = match polarity {
            Polarity::LowerIsBetter => baseline * 0.98,
            _ if percentage => (baseline * 1.01).min(100.0),
            _ => baseline * 1.01,
        };
        let Some(wanted) = wanted else {
            self.push_target(code, unit, year, round_to(plan, 1), 1);
            return;
        };
        let (low, high) = match (polarity, wanted) {
            (Polarity::LowerIsBetter, Status::Green) => (1.01, 1.15),
            (Polarity::LowerIsBetter, Status::Amber) => (1.0 / 1.04, 1.0 / 1.012),
            (Polarity::LowerIsBetter, _) => (1.0 / 1.2, 1.0 / 1.07),
            (_, Status::Green) => (0.88, 0.99),
            (_, Status::Amber) => (1.0 / 0.988, 1.0 / 0.962),
            (_, _) => (1.0 / 0.93, 1.0 / 0.85),
        };
        let exact = plan.clamp(value * low, value * high);
        let shown = round_to(value, decimals);
        // Targets are set as round figures; finer ones only where rounding
        // would change the status.
        let (target, written) = (1..=4)
            .map(|d| (round_to(exact, d), d))
            .find(|(t, _)| {
                status(
                    polarity,
                    Some(shown),
                    Some(Target {
                        target: *t,
                        tolerance: TOLERANCE,
                    }),
                ) == wanted
            })
            .unwrap_or((exact, 6));
        self.push_target(code, unit, year, target, written);
    }

    /// An annual target with the demo's tolerance, written to `decimals`.
    fn push_target(
        &mut self,
        indicator: &'static str,
        unit: &str,
        year: i32,
        target: f64,
        decimals: u8,
    ) {
        self.targets.push(TargetRow {
            indicator,
            unit: unit.to_owned(),
            period: Period::financial_year(year),
            target,
            decimals,
            tolerance: TOLERANCE,
        });
    }

    fn files(&self) -> DemoFiles {
        let units = write_csv(
            &["code", "name", "level", "parent_code"],
            self.units.iter().map(|u| {
                vec![
                    u.code.clone(),
                    u.name.clone(),
                    u.level.to_owned(),
                    u.parent.clone().unwrap_or_default(),
                ]
            }),
        );
        let groups = write_csv(
            &["group", "member", "group_name"],
            self.members.iter().map(|m| {
                vec![
                    m.group.to_owned(),
                    m.member.clone(),
                    m.group_name.to_owned(),
                ]
            }),
        );
        let indicators = write_csv(
            &[
                "code",
                "title",
                "kind",
                "polarity",
                "frequency",
                "unit",
                "factor",
                "decimals",
                "owner",
                "description",
                "set",
                "denominator_over_periods",
            ],
            self.defs.iter().map(|d| {
                let ratio = d.kind == Kind::Ratio;
                vec![
                    d.code.to_owned(),
                    d.title.to_owned(),
                    d.kind.as_str().to_owned(),
                    d.polarity.as_str().to_owned(),
                    d.frequency.as_str().to_owned(),
                    d.unit.to_owned(),
                    // Stocktake rejects a factor or denominator rule on anything but a ratio.
                    if ratio {
                        d.factor.to_owned()
                    } else {
                        String::new()
                    },
                    d.decimals.to_string(),
                    d.owner.to_owned(),
                    d.description.to_owned(),
                    d.set.to_owned(),
                    if ratio {
                        d.over.as_str().to_owned()
                    } else {
                        String::new()
                    },
                ]
            }),
        );
        let defs: BTreeMap<&str, &Def> = self.defs.iter().map(|d| (d.code, d)).collect();
        let values = write_csv(
            &[
                "indicator",
                "org_unit",
                "period",
                "value",
                "numerator",
                "denominator",
                "note",
            ],
            self.values.iter().map(|v| {
                let (numerator, denominator) = match v.figure {
                    Figure::Ratio {
                        numerator,
                        denominator,
                    } => (numerator.to_string(), denominator.to_string()),
                    Figure::Plain(_) => (String::new(), String::new()),
                };
                vec![
                    v.indicator.to_owned(),
                    v.unit.clone(),
                    v.period.to_string(),
                    defs[v.indicator].value_text(v.figure),
                    numerator,
                    denominator,
                    v.note.clone().unwrap_or_default(),
                ]
            }),
        );
        let targets = write_csv(
            &["indicator", "org_unit", "period", "target", "tolerance"],
            self.targets.iter().map(|t| {
                vec![
                    t.indicator.to_owned(),
                    t.unit.clone(),
                    t.period.to_string(),
                    format!("{:.*}", t.decimals as usize, round_to(t.target, t.decimals)),
                    t.tolerance.to_string(),
                ]
            }),
        );
        let applies = write_csv(
            &["indicator", "level", "under"],
            self.applies.iter().map(|(indicator, level, under)| {
                vec![(*indicator).to_owned(), (*level).to_owned(), under.clone()]
            }),
        );
        let neighbours = write_csv(
            &["unit", "neighbour", "rank"],
            self.neighbours
                .iter()
                .map(|(u, n, rank)| vec![u.clone(), n.clone(), rank.to_string()]),
        );
        let hot_spot_rules = write_csv(
            &["code", "name", "worst_quartiles", "trend", "comparators"],
            self.rules
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect()),
        );
        DemoFiles {
            org_units: units,
            groups,
            indicators,
            applies,
            values,
            targets,
            neighbours,
            hot_spot_rules,
        }
    }
}

/// Rounds half away from zero, as Stocktake does before judging a figure.
fn round_to(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

/// CSV text with a header; the `csv` crate quotes names and notes with commas.
fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        w.write_record(&row).expect("writing to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail"))
        .expect("demo text is UTF-8")
}

/// The months of the financial year starting in April of `year`, in order.
fn months_of(year: i32) -> impl Iterator<Item = Period> {
    (0..12).map(move |i| Period::month(year + (3 + i) / 12, ((3 + i) % 12 + 1) as u32))
}

#[cfg(test)]
mod tests;
