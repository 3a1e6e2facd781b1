//! Part 1 of the demo: Nottinghamshire Fire and Rescue Service, five financial
//! years (April 2020 to March 2025) of monthly returns from its 24 real
//! stations, arranged service > group > district > station.
//!
//! Incidents are drawn station by station as Poisson counts around an
//! expected rate set by the population (or dwellings, or non-domestic
//! properties) the station covers, the kind of area, the month's season and
//! a slow trend, with a few local events on top (each explained in the
//! station's commentary). The component counts add up: primary fires are the
//! accidental dwelling fires plus other accidental primary fires plus the two
//! kinds of deliberate primary fire, so the indicators agree with each other.

use std::collections::BTreeSet;

use rand_chacha::ChaCha8Rng;
use stocktake_core::{DenominatorOverPeriods, Frequency, Kind, Period, Polarity, Status};

use super::random::{binomial, noise, poisson, uniform};
use super::reference::{self, AreaType, Station};
use super::{Def, Demo, Figure, Value, months_of};

const SERVICE: &str = "NFRS";
const SERVICE_NAME: &str = "Nottinghamshire Fire and Rescue Service";
const SET: &str = "Fire and Rescue Service";
/// 2020/21 to 2024/25.
const YEARS: std::ops::Range<i32> = 2020..2025;

/// The service's three groups and the districts (GSS codes) in each.
const GROUPS: [(&str, &str, &[&str]); 3] = [
    (
        "NFRS-NORTH",
        "North",
        &["E07000171", "E07000174", "E07000170", "E07000175"],
    ),
    ("NFRS-CITY", "City", &["E06000018"]),
    (
        "NFRS-SOUTH",
        "South",
        &["E07000172", "E07000173", "E07000176"],
    ),
];

/// The types of incident drawn per station and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Incident {
    /// Accidental dwelling fires.
    Dwelling,
    /// Other accidental primary fires: vehicles, non-domestic buildings, outdoor structures.
    OtherAccidental,
    /// Deliberate primary fires, not vehicles.
    Deliberate,
    /// Deliberate vehicle fires.
    DeliberateVehicle,
    /// False alarms from automatic fire detection.
    FalseAlarm,
}

const INCIDENTS: [Incident; 5] = [
    Incident::Dwelling,
    Incident::OtherAccidental,
    Incident::Deliberate,
    Incident::DeliberateVehicle,
    Incident::FalseAlarm,
];

impl Incident {
    /// Service-wide incidents in 2020/21 and the yearly change after it:
    /// magnitudes of a service covering 1.17 million people.
    fn baseline(self) -> (f64, f64) {
        match self {
            Incident::Dwelling => (505.0, 0.975),
            Incident::OtherAccidental => (280.0, 0.97),
            Incident::Deliberate => (560.0, 0.98),
            // Worsening: one of the two indicators going the wrong way.
            Incident::DeliberateVehicle => (215.0, 1.055),
            // Worsening too, as more premises fit automatic detection.
            Incident::FalseAlarm => (2050.0, 1.03),
        }
    }

    /// Month shape, April to March (normalised to mean 1 on use). Deliberate
    /// and outdoor fires peak in spring and summer with a bonfire-night spike
    /// in November; dwelling fires peak in the winter.
    fn season(self) -> [f64; 12] {
        match self {
            Incident::Dwelling => [
                0.93, 0.90, 0.88, 0.88, 0.90, 0.95, 1.02, 1.08, 1.18, 1.18, 1.07, 1.03,
            ],
            Incident::OtherAccidental => [
                1.05, 1.10, 1.15, 1.20, 1.15, 0.95, 0.90, 0.92, 0.88, 0.88, 0.85, 0.95,
            ],
            Incident::Deliberate => [
                1.45, 1.35, 1.15, 1.15, 1.20, 0.90, 0.95, 1.25, 0.60, 0.58, 0.60, 0.85,
            ],
            Incident::DeliberateVehicle => [
                0.95, 0.95, 0.95, 1.00, 1.00, 0.95, 1.10, 1.25, 1.00, 0.95, 0.90, 1.00,
            ],
            Incident::FalseAlarm => [
                0.95, 1.00, 1.08, 1.12, 1.05, 1.05, 1.00, 0.98, 0.95, 0.95, 0.93, 0.94,
            ],
        }
    }

    /// How much more often it happens per unit of exposure in each kind of area.
    fn area_factor(self, area: AreaType) -> f64 {
        match (self, area) {
            (Incident::Dwelling, AreaType::City) => 1.25,
            (Incident::Dwelling, AreaType::Rural) => 0.85,
            (Incident::OtherAccidental, AreaType::Rural) => 1.3,
            (Incident::Deliberate, AreaType::City) => 1.9,
            (Incident::Deliberate, AreaType::Rural) => 0.45,
            (Incident::DeliberateVehicle, AreaType::City) => 1.6,
            (Incident::DeliberateVehicle, AreaType::Rural) => 0.5,
            (Incident::FalseAlarm, AreaType::City) => 1.3,
            (Incident::FalseAlarm, AreaType::Rural) => 0.8,
            _ => 1.0,
        }
    }

    /// Covid-19 in 2020/21: more deliberate and dwelling fires while people
    /// were at home in the first lockdown, fewer false alarms while offices,
    /// schools and shops were shut.
    fn covid(self, month: Period) -> f64 {
        let m = month.to_string();
        let spring = ["2020-04", "2020-05", "2020-06"].contains(&m.as_str());
        let closed = [
            "2020-07", "2020-08", "2020-09", "2021-01", "2021-02", "2021-03",
        ]
        .contains(&m.as_str());
        match self {
            Incident::Deliberate if spring => 1.25,
            Incident::Dwelling if spring => 1.08,
            Incident::FalseAlarm if spring => 0.7,
            Incident::FalseAlarm if closed => 0.85,
            _ => 1.0,
        }
    }
}

/// A local event: a station's expected count of one incident type scaled in
/// one month, and the commentary the station wrote about it.
struct Event {
    station: &'static str,
    month: &'static str,
    incident: Incident,
    factor: f64,
    note: Option<(&'static str, &'static str)>,
}

const EVENTS: &[Event] = &[
    Event {
        station: "NFRS-STOCKHILL",
        month: "2023-10",
        incident: Incident::DeliberateVehicle,
        factor: 2.0,
        note: Some((
            "FRS07",
            "Cars stolen in a run of burglaries in Bestwood were burnt out nearby. Police operation under way; crews report abandoned vehicles the same day.",
        )),
    },
    Event {
        station: "NFRS-STOCKHILL",
        month: "2024-06",
        incident: Incident::Deliberate,
        factor: 1.6,
        note: None,
    },
    Event {
        station: "NFRS-STOCKHILL",
        month: "2024-07",
        incident: Incident::Deliberate,
        factor: 2.4,
        note: Some((
            "FRS06",
            "Rise driven by a spate of deliberate refuse fires in Bulwell; joint patrols with police from August.",
        )),
    },
    Event {
        station: "NFRS-STOCKHILL",
        month: "2024-08",
        incident: Incident::Deliberate,
        factor: 2.0,
        note: Some((
            "FRS06",
            "Joint patrols with Nottinghamshire Police began in August; most fires were wheelie bins and fly-tipped waste on the Bulwell estates. The city council now clears reported fly-tipping within 48 hours.",
        )),
    },
    Event {
        station: "NFRS-STOCKHILL",
        month: "2024-09",
        incident: Incident::Deliberate,
        factor: 1.5,
        note: Some((
            "FRS06",
            "Falling back after the patrols. Arson reduction officers have visited 240 households in Bulwell and Highbury Vale to help clear stored refuse.",
        )),
    },
    Event {
        station: "NFRS-LONDON-ROAD",
        month: "2024-09",
        incident: Incident::FalseAlarm,
        factor: 1.5,
        note: Some((
            "FRS05",
            "Start of the university year: repeated false alarms from new student accommodation blocks. Fire protection officers are meeting the responsible persons of the five worst premises.",
        )),
    },
    Event {
        station: "NFRS-LONDON-ROAD",
        month: "2024-10",
        incident: Incident::FalseAlarm,
        factor: 1.35,
        note: Some((
            "FRS05",
            "Still high. A proposal to challenge automatic alarm calls from non-residential premises in daytime hours goes to the Fire Authority in December.",
        )),
    },
    Event {
        station: "NFRS-MANSFIELD",
        month: "2024-10",
        incident: Incident::DeliberateVehicle,
        factor: 2.6,
        note: Some((
            "FRS07",
            "A cluster of stolen cars burnt out on the edge of the Oak Tree estate. Intelligence shared with police; the district council has agreed faster removal of abandoned vehicles.",
        )),
    },
    Event {
        station: "NFRS-LONDON-ROAD",
        month: "2024-11",
        incident: Incident::Deliberate,
        factor: 1.6,
        note: Some((
            "FRS06",
            "Bonfire period: most were loose refuse and bins set alight in the Meadows and St Ann's. The bonfire and fireworks campaign ran with city schools from mid-October.",
        )),
    },
    Event {
        station: "NFRS-WORKSOP",
        month: "2024-12",
        incident: Incident::Dwelling,
        factor: 1.8,
        note: Some((
            "FRS02",
            "Most of this month's dwelling fires started in the kitchen. Safe and well visits are being targeted at flats in Manton and Kilton.",
        )),
    },
    Event {
        station: "NFRS-ASHFIELD",
        month: "2025-01",
        incident: Incident::DeliberateVehicle,
        factor: 2.2,
        note: Some((
            "FRS07",
            "Vehicle arson up in Kirkby and Sutton, linked by police to one group of offenders. Crews are reporting abandoned vehicles the same day.",
        )),
    },
];

/// Commentary on the service-wide sickness figure, month by month.
const SICKNESS_NOTES: &[(&str, &str)] = &[
    (
        "2024-12",
        "Winter rise: seasonal respiratory illness and a run of musculoskeletal injuries among on-call crews. Occupational health referrals are now made within five working days.",
    ),
    (
        "2025-01",
        "Long-term cases account for more than half of the days lost this month; phased returns are agreed for five of them.",
    ),
];

/// Sickness: working days lost per employee in each year (the annual rate
/// the months are drawn around) and the staff headcount.
const SICKNESS: [(f64, i64); 5] = [
    (8.4, 1032),
    (9.5, 1018),
    (9.9, 1009),
    (9.3, 1021),
    (9.0, 1015),
];
const SICKNESS_SEASON: [f64; 12] = [
    0.88, 0.86, 0.85, 0.86, 0.88, 0.95, 1.02, 1.08, 1.20, 1.22, 1.10, 1.00,
];

/// Planned status of each indicator's service-wide figure in 2024/25: most
/// green, a few amber and red. Earlier years fall where the figures fall.
const SERVICE_PLAN: [(&str, Status); 8] = [
    ("FRS01", Status::Green),
    ("FRS02", Status::Green),
    ("FRS03", Status::Green),
    ("FRS04", Status::Green),
    ("FRS05", Status::Red),
    ("FRS06", Status::Amber),
    ("FRS07", Status::Red),
    ("FRS08", Status::Amber),
];

/// A station with what the model needs.
struct Model {
    code: String,
    station: Station,
    /// Mid-2020 population of the station area.
    population: f64,
    /// A station's own lasting tendency, per incident type.
    effect: [f64; 5],
}

impl Model {
    fn population(&self, year: i32) -> i64 {
        (self.population * 1.005f64.powi(year - 2020)).round() as i64
    }

    /// Dwellings: fewer people per home in the city's student areas, more in
    /// the villages; housebuilding adds a little each year.
    fn dwellings(&self, year: i32) -> i64 {
        let people_per_dwelling = match self.station.area {
            AreaType::City => 2.45,
            AreaType::Urban => 2.3,
            AreaType::Rural => 2.25,
        };
        (self.population / people_per_dwelling * 1.008f64.powi(year - 2020)).round() as i64
    }

    /// Non-domestic properties: the city holds the offices, shops, hospitals
    /// and halls of residence.
    fn non_domestic(&self, year: i32) -> i64 {
        let people_per_property = match self.station.area {
            AreaType::City => 13.0,
            AreaType::Urban => 30.0,
            AreaType::Rural => 27.0,
        };
        (self.population / people_per_property * 1.003f64.powi(year - 2020)).round() as i64
    }

    /// Exposure to each incident type, before the area factor.
    fn exposure(&self, incident: Incident) -> f64 {
        let year = 2020;
        let base = match incident {
            Incident::Dwelling => self.dwellings(year) as f64,
            Incident::FalseAlarm => self.non_domestic(year) as f64,
            _ => self.population(year) as f64,
        };
        base * incident.area_factor(self.station.area) * self.effect[incident as usize]
    }
}

/// One station's incidents in one month.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    dwelling: i64,
    other: i64,
    deliberate: i64,
    vehicle: i64,
    false_alarms: i64,
    injuries: i64,
    confined: i64,
}

pub(super) fn build(demo: &mut Demo, rng: &mut ChaCha8Rng) {
    let stations = reference::nottinghamshire_stations();
    let la = reference::la_hierarchy();
    let populations = reference::populations();

    units(demo, &stations, &la);
    indicators(demo);

    let models: Vec<Model> = stations
        .into_iter()
        .map(|s| Model {
            code: station_code(&s.name),
            // Every district has a population (a test checks); the fallback
            // only keeps a bad edit of the data from stopping the demo.
            population: populations
                .get(&s.district_code)
                .copied()
                .unwrap_or(100_000.0)
                * s.population_share,
            effect: [0; 5].map(|_| noise(rng, 0.12)),
            station: s,
        })
        .collect();
    let shares: Vec<f64> = INCIDENTS
        .iter()
        .map(|&i| models.iter().map(|m| m.exposure(i)).sum::<f64>())
        .collect();

    let missing = missing_returns(rng, &models);
    for year in YEARS {
        let step = year - 2020;
        // A station's year-on-year wobble, per incident type.
        let year_effect: Vec<[f64; 5]> = models
            .iter()
            .map(|_| [0; 5].map(|_| noise(rng, 0.05)))
            .collect();
        for (m, month) in months_of(year).enumerate() {
            let month_text = month.to_string();
            for (s, model) in models.iter().enumerate() {
                let mut expected = [0.0; 5];
                for (k, &incident) in INCIDENTS.iter().enumerate() {
                    let (annual, trend) = incident.baseline();
                    let season = incident.season();
                    let season = season[m] * 12.0 / season.iter().sum::<f64>();
                    let event: f64 = EVENTS
                        .iter()
                        .filter(|e| {
                            e.station == model.code
                                && e.month == month_text
                                && e.incident == incident
                        })
                        .map(|e| e.factor)
                        .product();
                    expected[k] = annual * trend.powi(step) * model.exposure(incident) / shares[k]
                        * season
                        / 12.0
                        * incident.covid(month)
                        * year_effect[s][k]
                        * event
                        * noise(rng, 0.1);
                }
                let dwelling = poisson(rng, expected[0]) as i64;
                // Fewer people hurt per fire and more fires kept to one room,
                // year on year: smoke alarms and safe and well visits.
                let injuries = poisson(rng, dwelling as f64 * 0.1 * 0.96f64.powi(step)) as i64;
                let confined = binomial(rng, dwelling as u32, 0.835 + 0.01 * step as f64) as i64;
                let counts = Counts {
                    dwelling,
                    other: poisson(rng, expected[1]) as i64,
                    deliberate: poisson(rng, expected[2]) as i64,
                    vehicle: poisson(rng, expected[3]) as i64,
                    false_alarms: poisson(rng, expected[4]) as i64,
                    injuries,
                    confined,
                };
                // A missed return: the station sent nothing that month. The
                // draws above are still made so the seed's other figures stay put.
                if missing.contains(&(s, month)) {
                    continue;
                }
                station_rows(demo, model, year, month, counts);
            }
        }
        sickness(demo, rng, year);
    }
    notes(demo);
    targets(demo, &models);
    applies(demo);
}

/// `NFRS-WEST-BRIDGFORD` for "West Bridgford".
fn station_code(name: &str) -> String {
    format!("{SERVICE}-{}", name.to_ascii_uppercase().replace(' ', "-"))
}

/// The service's tree. District units carry the service's prefix because the
/// same districts appear, under their own GSS codes, in the region's tree.
fn units(demo: &mut Demo, stations: &[Station], la: &[reference::LaRow]) {
    demo.unit(SERVICE, SERVICE_NAME, "service", None);
    for (group, name, districts) in GROUPS {
        demo.unit(group, name, "group", Some(SERVICE));
        for district in districts {
            let name = la
                .iter()
                .find(|r| r.code == *district)
                .map_or(*district, |r| r.name.as_str())
                .to_owned();
            let code = format!("{SERVICE}-{district}");
            demo.unit(&code, &name, "district", Some(group));
            let mut here: Vec<&Station> = stations
                .iter()
                .filter(|s| s.district_code == *district)
                .collect();
            here.sort_by(|a, b| a.name.cmp(&b.name));
            for s in here {
                demo.unit(&station_code(&s.name), &s.name, "station", Some(&code));
            }
        }
    }
}

fn indicators(demo: &mut Demo) {
    let ratio = |code, title, polarity, unit, factor, owner, description, over| Def {
        code,
        title,
        kind: Kind::Ratio,
        polarity,
        frequency: Frequency::Month,
        unit,
        factor,
        decimals: 2,
        owner,
        description,
        set: SET,
        over,
    };
    use DenominatorOverPeriods::{Latest, Sum};
    use Polarity::{HigherIsBetter as Higher, LowerIsBetter as Lower};
    demo.defs.extend([
        ratio(
            "FRS01",
            "Primary fires per 10,000 population",
            Lower,
            "per 10,000 population",
            "10000",
            "Head of Prevention",
            "All primary fires attended (fires in buildings, vehicles and outdoor structures, or with casualties or rescues), accidental and deliberate, per 10,000 people in the station area. Numerator: fires; denominator: population. Rolls up by adding fires and population, never by averaging rates.",
            Latest,
        ),
        ratio(
            "FRS02",
            "Accidental dwelling fires per 10,000 dwellings",
            Lower,
            "per 10,000 dwellings",
            "10000",
            "Head of Prevention",
            "Fires in homes not started deliberately, per 10,000 dwellings in the station area. Numerator: accidental dwelling fires; denominator: dwellings.",
            Latest,
        ),
        ratio(
            "FRS03",
            "Injuries from accidental dwelling fires per 100,000 population",
            Lower,
            "per 100,000 population",
            "100000",
            "Head of Prevention",
            "Fatal and non-fatal casualties in accidental dwelling fires, excluding precautionary checks, per 100,000 people in the station area.",
            Latest,
        ),
        Def {
            decimals: 1,
            ..ratio(
                "FRS04",
                "% of accidental dwelling fires confined to room of origin",
                Higher,
                "%",
                "100",
                "Head of Response",
                "Of the month's accidental dwelling fires, the share where fire damage stayed in the room where the fire started: a sign of working smoke alarms and a quick response. Numerator: fires confined; denominator: accidental dwelling fires. A station with no dwelling fire in a month sends no figure.",
                Sum,
            )
        },
        ratio(
            "FRS05",
            "False alarms caused by automatic fire detection per 1,000 non-domestic properties",
            Lower,
            "per 1,000 non-domestic properties",
            "1000",
            "Head of Fire Protection",
            "Calls to automatic fire alarms in non-domestic premises that proved false, per 1,000 non-domestic properties in the station area.",
            Latest,
        ),
        ratio(
            "FRS06",
            "Deliberate primary fires (excluding vehicles) per 10,000 population",
            Lower,
            "per 10,000 population",
            "10000",
            "Arson Reduction Manager",
            "Primary fires started deliberately, other than in road vehicles, per 10,000 people in the station area.",
            Latest,
        ),
        ratio(
            "FRS07",
            "Deliberate vehicle fires per 10,000 population",
            Lower,
            "per 10,000 population",
            "10000",
            "Arson Reduction Manager",
            "Fires started deliberately in road vehicles, per 10,000 people in the station area.",
            Latest,
        ),
        ratio(
            "FRS08",
            "Working days lost to sickness per employee",
            Lower,
            "days per employee",
            "1",
            "Head of People and Organisational Development",
            "Working days and shifts lost to sickness absence by all staff (wholetime, on-call and support), divided by the staff headcount. Recorded for the whole service, not by station.",
            Latest,
        ),
    ]);
}

/// Four station-months with no return: small on-call stations, not at a
/// quarter's end (where a gap would distort the quarter's latest population),
/// one of them in February 2025 so the latest period shows a gap to chase.
fn missing_returns(rng: &mut ChaCha8Rng, models: &[Model]) -> BTreeSet<(usize, Period)> {
    let rural: Vec<usize> = (0..models.len())
        .filter(|&i| models[i].station.area == AreaType::Rural)
        .collect();
    let event_station = |i: usize| EVENTS.iter().any(|e| e.station == models[i].code);
    let candidates: Vec<usize> = rural.into_iter().filter(|&i| !event_station(i)).collect();
    let months = [
        Period::month(2021, 8),
        Period::month(2023, 5),
        Period::month(2024, 11),
        Period::month(2025, 2),
    ];
    months
        .into_iter()
        .map(|month| {
            (
                candidates[(uniform(rng, 0.0, 1.0) * candidates.len() as f64) as usize
                    % candidates.len()],
                month,
            )
        })
        .collect()
}

fn station_rows(demo: &mut Demo, model: &Model, year: i32, month: Period, c: Counts) {
    let population = model.population(year);
    let ratio = |numerator, denominator| Figure::Ratio {
        numerator,
        denominator,
    };
    let unit = model.code.as_str();
    demo.value(
        "FRS01",
        unit,
        month,
        ratio(c.dwelling + c.other + c.deliberate + c.vehicle, population),
    );
    demo.value(
        "FRS02",
        unit,
        month,
        ratio(c.dwelling, model.dwellings(year)),
    );
    demo.value("FRS03", unit, month, ratio(c.injuries, population));
    // No dwelling fire, no share to report: a zero denominator is not a value.
    if c.dwelling > 0 {
        demo.value("FRS04", unit, month, ratio(c.confined, c.dwelling));
    }
    demo.value(
        "FRS05",
        unit,
        month,
        ratio(c.false_alarms, model.non_domestic(year)),
    );
    demo.value("FRS06", unit, month, ratio(c.deliberate, population));
    demo.value("FRS07", unit, month, ratio(c.vehicle, population));
}

/// Sickness is corporate: one service-wide return a month.
fn sickness(demo: &mut Demo, rng: &mut ChaCha8Rng, year: i32) {
    let (rate, headcount) = SICKNESS[(year - 2020) as usize];
    let season_total: f64 = SICKNESS_SEASON.iter().sum();
    for (m, month) in months_of(year).enumerate() {
        // Starters and leavers move the headcount a little month to month.
        let staff = headcount + (uniform(rng, -6.0, 6.0)).round() as i64;
        let days = staff as f64 * rate * SICKNESS_SEASON[m] / season_total * noise(rng, 0.07);
        demo.value(
            "FRS08",
            SERVICE,
            month,
            Figure::Ratio {
                numerator: days.round() as i64,
                denominator: staff,
            },
        );
    }
}

/// Puts the commentary on its rows.
fn notes(demo: &mut Demo) {
    let mut put = |indicator: &str, unit: &str, month: &str, note: &str| {
        if let Some(v) = demo.values.iter_mut().find(|v: &&mut Value| {
            v.indicator == indicator && v.unit == unit && v.period.to_string() == month
        }) {
            v.note = Some(note.to_owned());
        }
    };
    for e in EVENTS {
        if let Some((indicator, note)) = e.note {
            put(indicator, e.station, e.month, note);
        }
    }
    for (month, note) in SICKNESS_NOTES {
        put("FRS08", SERVICE, month, note);
    }
}

/// Annual targets for 2022/23 to 2024/25, service-wide for every
/// indicator. The groups', districts' and stations' are cascaded from these
/// when the demo loads (see `load.rs`), as the service's plan cascades its
/// corporate targets to local managers.
fn targets(demo: &mut Demo, models: &[Model]) {
    let all: Vec<&str> = models.iter().map(|m| m.code.as_str()).collect();
    for (code, plan) in SERVICE_PLAN {
        let parts: Vec<&str> = if code == "FRS08" {
            vec![SERVICE]
        } else {
            all.clone()
        };
        for year in 2022..2025 {
            demo.plan_target(code, SERVICE, &parts, year, (year == 2024).then_some(plan));
        }
    }
}

/// Where the service's indicators apply: incidents are returned by each
/// station, sickness by the service as a whole.
fn applies(demo: &mut Demo) {
    for (code, _) in SERVICE_PLAN {
        let level = if code == "FRS08" {
            "service"
        } else {
            "station"
        };
        demo.applies.push((code, level, SERVICE.to_owned()));
    }
}

/// The indicators whose targets the demo cascades from the service down to
/// its stations, and the years.
pub(crate) const CASCADED: [&str; 7] = [
    "FRS01", "FRS02", "FRS03", "FRS04", "FRS05", "FRS06", "FRS07",
];
