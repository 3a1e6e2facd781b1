//! Small pieces every page shows the same way: figures, statuses, directions,
//! links, and the unit and period choosers. Plain data for the templates;
//! the markup is in `templates/macros.html`.

use std::sync::LazyLock;

use stocktake::core::status::Direction;
use stocktake::core::{Frequency, Period, Polarity, Status};
use stocktake::values::{UnitChoice, UnitRef};
use stocktake_report::chart;

/// A figure written with the indicator's decimals; none shows as "no data".
pub fn figure(value: Option<f64>, decimals: u8) -> Option<String> {
    value
        .filter(|v| v.is_finite())
        .map(|v| stocktake::core::indicator::format_number(v, decimals))
}

/// A numerator or denominator: whole numbers without decimals, others
/// with as many as they need, up to three.
pub fn plain(value: Option<f64>) -> Option<String> {
    value
        .filter(|v| v.is_finite())
        .map(|v| stocktake::core::indicator::format_number(v, plain_decimals(v)))
}

/// Decimals a plain number needs to be shown exactly, up to three.
pub fn plain_decimals(v: f64) -> u8 {
    (0..3u8)
        .find(|&d| (stocktake::core::indicator::round_to(v, d) - v).abs() < 1e-9)
        .unwrap_or(3)
}

/// A figure with its unit: "86.9%", "2.96 per 10,000 population".
pub fn figure_with_unit(value: Option<f64>, decimals: u8, unit: &str) -> Option<String> {
    figure(value, decimals).map(|n| stocktake::core::indicator::with_unit(n, unit))
}

/// A change as measured for the figure: "+4.2 points" for a percentage,
/// "−12.9%" otherwise.
pub fn measured_change(change: Option<stocktake::core::Change>) -> Option<String> {
    change
        .filter(|c| match c {
            stocktake::core::Change::Points(p) | stocktake::core::Change::Percent(p) => {
                p.is_finite()
            }
        })
        .map(stocktake::core::Change::text)
}

/// The months a year to date covers: "Apr 2024 to Mar 2025".
pub fn year_to_date_span(period: Period) -> String {
    let months = period.year_to_date();
    let first = Period::containing(*months.start(), Frequency::Month);
    let last = Period::containing(*months.end(), Frequency::Month);
    if first == last {
        first.label()
    } else {
        format!("{} to {}", first.label(), last.label())
    }
}

/// One step of a breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// Breadcrumbs from the top unit down to the one shown (the last,
/// current); none for a top unit, which has nothing above it.
pub fn crumbs(path: &[UnitRef], href: impl Fn(&str) -> String) -> Vec<Crumb> {
    if path.len() < 2 {
        return Vec::new();
    }
    path.iter()
        .enumerate()
        .map(|(n, u)| Crumb {
            label: u.name.clone(),
            href: href(&u.code),
            current: n + 1 == path.len(),
        })
        .collect()
}

/// A status as shown: colour (by class), shape and words.
#[derive(Debug, Clone)]
pub struct StatusView {
    pub key: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
}

static ICONS: LazyLock<Vec<(Status, String)>> = LazyLock::new(|| {
    Status::ALL
        .into_iter()
        .map(|s| (s, chart::status_icon(s, 14.0)))
        .collect()
});

impl StatusView {
    pub fn of(status: Status) -> StatusView {
        StatusView {
            key: status.as_str(),
            label: status.label(),
            icon: ICONS
                .iter()
                .find(|(s, _)| *s == status)
                .map_or("", |(_, icon)| icon.as_str()),
        }
    }
}

/// A direction of travel as shown: an arrow that reads without colour, and words.
#[derive(Debug, Clone)]
pub struct DirectionView {
    pub key: &'static str,
    pub arrow: &'static str,
    pub label: &'static str,
}

impl DirectionView {
    /// The arrow shows which way the figure moved; the words whether that
    /// is better or worse, by the indicator's polarity.
    pub fn of(direction: Direction, polarity: Polarity) -> DirectionView {
        DirectionView {
            key: direction.as_str(),
            arrow: direction.arrow(polarity),
            label: direction.label(),
        }
    }
}

/// Percent-encodes a path segment or query value: everything but the
/// unreserved characters of RFC 3986.
pub fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// Undoes [`encode`]; `None` for text that is not percent-encoded UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A value's key as a form's checkbox carries it: indicator, unit and
/// period, each encoded, joined by `|` (which a code may hold itself).
pub fn value_key(indicator: &str, unit: &str, period: &str) -> String {
    format!("{}|{}|{}", encode(indicator), encode(unit), encode(period))
}

/// The indicator, unit and period of a [`value_key`].
pub fn parse_value_key(key: &str) -> Option<(String, String, String)> {
    let mut parts = key.split('|');
    let (i, u, p) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((decode(i)?, decode(u)?, decode(p)?))
}

/// A day written `2025-05-15` as people read it: "15 May 2025".
pub fn long_date(day: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = day.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return day.to_owned();
    };
    match (m.parse::<usize>(), d.parse::<u32>()) {
        (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => day.to_owned(),
    }
}

/// `path?k=v&...` with the values encoded; empty values are left out.
pub fn href(path: &str, query: &[(&str, &str)]) -> String {
    let mut out = path.to_owned();
    let mut first = true;
    for (key, value) in query.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(if first { '?' } else { '&' });
        first = false;
        out.push_str(key);
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

pub fn scorecard_href(unit: &str, period: Period, extra: &[(&str, &str)]) -> String {
    let period = period.to_string();
    let mut query = vec![("period", period.as_str())];
    query.extend_from_slice(extra);
    href(&format!("/scorecard/{}", encode(unit)), &query)
}

pub fn indicator_href(code: &str, unit: &str, period: Period) -> String {
    href(
        &format!("/indicators/{}", encode(code)),
        &[("unit", unit), ("period", &period.to_string())],
    )
}

pub fn unit_href(unit: &str, period: Period) -> String {
    href(
        &format!("/units/{}", encode(unit)),
        &[("period", &period.to_string())],
    )
}

pub fn entry_href(unit: &str, period: Period) -> String {
    href(
        &format!("/entry/{}", encode(unit)),
        &[("period", &period.to_string())],
    )
}

/// A value's own page: its state, who moved it, and its history.
pub fn value_href(indicator: &str, unit: &str, period: Period) -> String {
    href(
        &format!("/values/{}/{}", encode(indicator), encode(unit)),
        &[("period", &period.to_string())],
    )
}

/// A data return's page.
pub fn return_href(code: &str) -> String {
    format!("/returns/{}", encode(code))
}

pub fn home_href(unit: &str, period: Period) -> String {
    href("/", &[("unit", unit), ("period", &period.to_string())])
}

/// A message as a sentence: capital first letter, closing full stop.
pub fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A line of an error summary, leading to the field at fault.
pub struct ErrorLink {
    pub href: String,
    pub message: String,
}

/// An option of a unit chooser.
#[derive(Debug, Clone)]
pub struct UnitOption {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The units of one tree in a chooser, under its top unit's name.
#[derive(Debug, Clone)]
pub struct UnitTree {
    pub label: String,
    pub options: Vec<UnitOption>,
}

/// Every unit, top down, children in name order, with `selected` marked; a
/// group of options per top unit. Labels say the level rather than being
/// indented with spaces, which read as blanks and break type-to-find.
pub fn unit_options(choices: &[UnitChoice], selected: &str) -> Vec<UnitTree> {
    let mut trees: Vec<UnitTree> = Vec::new();
    for unit in choices {
        if unit.depth == 0 || trees.is_empty() {
            trees.push(UnitTree {
                label: unit.name.clone(),
                options: Vec::new(),
            });
        }
        if let Some(tree) = trees.last_mut() {
            tree.options.push(UnitOption {
                selected: unit.code == selected,
                label: format!("{} ({})", unit.name, unit.level),
                code: unit.code.clone(),
            });
        }
    }
    trees
}

/// One group of a period chooser.
#[derive(Debug, Clone)]
pub struct PeriodGroup {
    pub label: &'static str,
    pub options: Vec<PeriodOption>,
}

#[derive(Debug, Clone)]
pub struct PeriodOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Recent months, quarters and financial years up to `latest`, with
/// `selected` among them even when it is older.
pub fn period_options(latest: Period, selected: Period) -> Vec<PeriodGroup> {
    let groups = [
        (Frequency::Month, "Months", 24),
        (Frequency::Quarter, "Quarters", 8),
        (Frequency::Year, "Financial years", 5),
    ];
    let end = latest.last_month().max(selected.last_month());
    groups
        .into_iter()
        .map(|(frequency, label, count)| {
            let newest = Period::containing(end, frequency);
            let mut periods: Vec<Period> = (0..count).map(|back| newest.offset(-back)).collect();
            if selected.frequency() == frequency && !periods.contains(&selected) {
                periods.push(selected);
            }
            PeriodGroup {
                label,
                options: periods
                    .into_iter()
                    .map(|p| PeriodOption {
                        value: p.to_string(),
                        label: p.label(),
                        selected: p == selected,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The current calendar month, from the system clock (UTC).
pub fn this_month() -> Period {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (year, month) = civil_month((secs / 86_400) as i64);
    Period::month(year, month)
}

/// The year and month of a day counted from 1970-01-01 (Howard Hinnant's
/// days-to-civil algorithm).
fn civil_month(days: i64) -> (i32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u32)
}

/// A file to download under its own name: a plain ASCII name for every
/// browser, and the name as it was (UTF-8, percent-encoded) for those that
/// read it.
pub fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let plain: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        encode(file_name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// A name safe in a download's file name: letters, digits and dashes.
pub fn file_stem(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_with_spaces_and_slashes_are_encoded() {
        assert_eq!(encode("NI 192"), "NI%20192");
        assert_eq!(encode("Môn/ü~"), "M%C3%B4n%2F%C3%BC~");
        assert_eq!(decode(&encode("Môn/ü~ &")).as_deref(), Some("Môn/ü~ &"));
        assert_eq!(
            indicator_href("NI 192", "E10000024", "2024/25 Q1".parse().unwrap()),
            "/indicators/NI%20192?unit=E10000024&period=2024%2F25%20Q1"
        );
    }

    #[test]
    fn value_keys_survive_codes_with_bars_and_slashes() {
        let key = value_key("A|B", "NI 192", "2024/25 Q1");
        assert_eq!(key.matches('|').count(), 2);
        assert_eq!(
            parse_value_key(&key),
            Some(("A|B".into(), "NI 192".into(), "2024/25 Q1".into()))
        );
        assert_eq!(parse_value_key("FRS01|ST1"), None);
        assert_eq!(parse_value_key("FRS01|ST1|%zz"), None);
    }

    #[test]
    fn deadlines_read_as_dates() {
        assert_eq!(long_date("2025-05-15"), "15 May 2025");
        assert_eq!(long_date("2025-13-01"), "2025-13-01");
    }

    #[test]
    fn days_become_months() {
        assert_eq!(civil_month(0), (1970, 1));
        assert_eq!(civil_month(20_089), (2025, 1)); // 2025-01-01
        assert_eq!(civil_month(20_088), (2024, 12));
    }

    #[test]
    fn file_names_keep_letters_and_digits() {
        assert_eq!(file_stem("2024/25 Q1"), "2024-25-Q1");
        assert_eq!(file_stem("NI 192"), "NI-192");
    }

    #[test]
    fn period_choices_include_an_older_selection() {
        let latest: Period = "2025-01".parse().unwrap();
        let old: Period = "2019-06".parse().unwrap();
        let groups = period_options(latest, old);
        assert_eq!(groups[0].options[0].value, "2025-01");
        assert!(
            groups[0]
                .options
                .iter()
                .any(|o| o.value == "2019-06" && o.selected)
        );
        assert_eq!(groups[1].options[0].value, "2024/25 Q4");
        assert_eq!(groups[2].options[0].value, "2024/25");
    }
}
