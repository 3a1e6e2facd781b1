//! SVG writing shared by every chart: escaping, compact numbers, the
//! accessible outer element and the house palette.

use std::fmt::{self, Display, Write};

/// System UI font first, Arial as the fallback every renderer has (typst
/// embeds a metric-compatible face), so pages and PDFs look alike.
pub(crate) const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Arial, sans-serif";

/// Body text: GOV.UK black, 19:1 on white.
pub(crate) const TEXT: &str = "#0b0c0c";
/// Secondary text and axes: GOV.UK dark grey, 7:1 on white.
pub(crate) const TEXT_SECONDARY: &str = "#505a5f";
/// Grid lines only. They are decoration (the values are in the labels, the
/// `<desc>` and the page's table), so they may sit under 3:1 and stay quiet.
pub(crate) const GRID: &str = "#b1b4b6";
/// Value lines and bars: GOV.UK blue, 5.2:1 on white.
pub(crate) const VALUE: &str = "#1d70b8";
/// Target lines: black and dashed, so they never read as a value.
pub(crate) const TARGET: &str = "#0b0c0c";
pub(crate) const TARGET_DASH: &str = "6 4";

/// The smallest text any chart draws: WCAG asks for legible text and the
/// house rule is 12px at the chart's natural size.
pub(crate) const SMALL_TEXT: f64 = 13.0;
pub(crate) const BODY_TEXT: f64 = 14.0;

/// Text escaped for XML content and attributes alike. Characters XML 1.0
/// forbids (most C0 controls) are dropped, since one of them in a unit name
/// would make the whole SVG unreadable to an XML parser.
pub(crate) struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Charts escape thousands of labels: write each run of characters
        // that need nothing in one piece, not a character at a time.
        let text = self.0;
        let mut start = 0;
        for (at, c) in text.char_indices() {
            let replacement = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                '\t' | '\n' | '\r' => " ",
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "",
                _ => continue,
            };
            f.write_str(&text[start..at])?;
            f.write_str(replacement)?;
            start = at + c.len_utf8();
        }
        f.write_str(&text[start..])
    }
}

/// A coordinate rounded to one decimal place, written without a trailing
/// `.0` or a negative zero: charts carry hundreds of numbers, and this keeps
/// the output small and byte-for-byte stable.
#[derive(Clone, Copy)]
pub(crate) struct N(pub f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if !tenths.is_finite() {
            return f.write_str("0");
        }
        // Coordinates are bounded by the view box, so the cast cannot overflow.
        let tenths = tenths as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{frac}")
        }
    }
}

/// An estimate of rendered text width. Charts cannot measure text on the
/// server, so layout reserves 0.6 em a character: a little wider than Arial's
/// average, so labels err towards room to spare rather than overlap.
pub(crate) fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * font_size * 0.6
}

/// Cuts `text` to fit `width`, ending in an ellipsis when cut. The full text
/// stays in the row's tooltip and the chart's description.
pub(crate) fn fit_text(text: &str, width: f64, font_size: f64) -> String {
    let max_chars = (width / (font_size * 0.6)).floor().max(2.0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    // End on a whole word where there is one: a link whose visible text stops
    // mid-word no longer matches its accessible name (WCAG 2.5.3).
    let next = text.chars().nth(max_chars - 1);
    if next.is_some_and(|c| !c.is_whitespace())
        && let Some(space) = cut.rfind(char::is_whitespace)
    {
        cut.truncate(space);
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The caller's id prefix made safe for an XML id and for the
/// space-separated `aria-labelledby` list: anything but ASCII letters,
/// digits, `-` and `_` becomes `-`, and a leading digit gets a letter before it.
pub(crate) fn clean_id(id: &str) -> String {
    let mut clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !clean.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        clean.insert_str(0, "chart-");
    }
    clean
}

/// How the chart is exposed to assistive technology.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// One image, named by its title and described by its desc.
    Img,
    /// A labelled group: used when the chart holds links, because `img` makes
    /// its children presentational and would hide focusable links from
    /// screen readers (axe reports it as nested-interactive).
    Group,
}

/// How the chart sizes itself in a page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sizing {
    /// Full width of its container, height from the view box's aspect ratio.
    Fluid,
    /// Its natural size: sparklines sit in table cells, where a percentage
    /// width has nothing stable to resolve against.
    Fixed,
}

/// Wraps a drawn `body` in the accessible outer `<svg>`.
pub(crate) struct Frame<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub width: f64,
    pub height: f64,
    pub role: Role,
    pub sizing: Sizing,
}

impl Frame<'_> {
    pub(crate) fn wrap(&self, body: &str) -> String {
        let id = clean_id(self.id);
        let mut out = String::with_capacity(body.len() + 512);
        let role = match self.role {
            Role::Img => "img",
            Role::Group => "group",
        };
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" "#,
            w = N(self.width),
            h = N(self.height),
        );
        let _ = match self.sizing {
            Sizing::Fluid => write!(out, r#"width="100%" "#),
            Sizing::Fixed => write!(
                out,
                r#"width="{}" height="{}" "#,
                N(self.width),
                N(self.height)
            ),
        };
        let _ = write!(
            out,
            r#"role="{role}" aria-labelledby="{id}-title {id}-desc" font-family="{FONT_FAMILY}" font-size="{BODY_TEXT}" fill="{TEXT}">"#
        );
        let _ = write!(
            out,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            Esc(self.title),
            Esc(self.desc),
        );
        out.push_str(body);
        out.push_str("</svg>");
        out
    }
}

/// A value with its unit as a sentence would say it: `4.1%`, `4.1 days`.
pub(crate) fn with_unit(number: &str, unit: &str) -> String {
    let unit = unit.trim();
    if unit.is_empty() {
        number.to_string()
    } else if unit.starts_with('%') {
        format!("{number}{unit}")
    } else {
        format!("{number} {unit}")
    }
}

/// Drops NaN and infinities, which have no place on an axis.
pub(crate) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// The first letter in capitals, for notes written in sentence case.
pub(crate) fn sentence_case(text: &str) -> String {
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_to_one_place_without_noise() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.04).to_string(), "12");
        assert_eq!(N(12.06).to_string(), "12.1");
        assert_eq!(N(-0.04).to_string(), "0");
        assert_eq!(N(-3.25).to_string(), "-3.3");
    }

    #[test]
    fn text_is_escaped_and_forbidden_controls_dropped() {
        assert_eq!(
            Esc("A & B <x> \"q\" 'a'\u{1}").to_string(),
            "A &amp; B &lt;x&gt; &quot;q&quot; &apos;a&apos;"
        );
        assert_eq!(
            Esc("Ynys Môn\tå–\u{FFFE}ü & \n").to_string(),
            "Ynys Môn å–ü &amp;  "
        );
        assert_eq!(Esc("").to_string(), "");
        assert_eq!(Esc("plain").to_string(), "plain");
    }

    #[test]
    fn ids_are_safe_for_aria_lists() {
        assert_eq!(clean_id("trend fires"), "trend-fires");
        assert_eq!(clean_id("9x"), "chart-9x");
        assert_eq!(clean_id("\"><script>"), "chart----script-");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit_text("Short", 100.0, 10.0), "Short");
        assert_eq!(fit_text("Kingston upon Hull", 60.0, 10.0), "Kingston…");
        assert_eq!(fit_text("North Northamptonshire", 120.0, 10.0), "North…");
        assert_eq!(
            fit_text("Northamptonshire", 60.0, 10.0),
            "Northampt…",
            "one long word is cut where it must be"
        );
    }

    #[test]
    fn units_join_as_a_sentence_says_them() {
        assert_eq!(with_unit("4.1", "%"), "4.1%");
        assert_eq!(with_unit("4.1", "days"), "4.1 days");
        assert_eq!(with_unit("4.1", ""), "4.1");
    }
}
