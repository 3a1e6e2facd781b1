//! Risk charts: the heat map of a register (each cell's score, shaded by
//! its band, with the risks placed there before and after controls, named
//! in text) and a risk's score history (inherent and residual scores over
//! time as two step lines, told apart by dash and label, not colour alone).

use std::fmt::Write;

use super::svg::{Esc, Frame, GRID, N, Role, SMALL_TEXT, Sizing, TEXT, TEXT_SECONDARY, VALUE};

/// One cell of a matrix, as the heat map draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatCell {
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    /// `low`, `medium`, `high` or `severe`.
    pub band: String,
}

/// A risk placed on the heat map: its code, at its inherent or residual cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatMark {
    pub code: String,
    pub likelihood: i64,
    pub impact: i64,
    /// After controls (residual), or before (inherent).
    pub residual: bool,
}

/// A shade per band, each light enough for black text at 12:1 or better.
fn band_fill(band: &str) -> &'static str {
    match band {
        "severe" => "#f4b6ac",
        "high" => "#fcd3a8",
        "medium" => "#fff2a8",
        _ => "#cce2d8",
    }
}

/// The heat map: likelihood along the bottom (lowest at the left), impact up
/// the side (lowest at the bottom), each cell with its score and the codes
/// of the risks there, `Before:` (inherent) and `After:` (residual).
pub fn heat_map(
    id: &str,
    title: &str,
    likelihood_labels: &[String],
    impact_labels: &[String],
    cells: &[HeatCell],
    marks: &[HeatMark],
) -> String {
    let cols = likelihood_labels.len().max(1) as f64;
    let rows = impact_labels.len().max(1) as f64;
    let left = 130.0;
    let top = 10.0;
    let cell_w = if cols > 3.0 { 112.0 } else { 170.0 };
    let cell_h = if rows > 3.0 { 78.0 } else { 92.0 };
    let width = left + cols * cell_w + 10.0;
    let height = top + rows * cell_h + 64.0;
    let mut body = String::new();
    for cell in cells {
        let x = left + (cell.likelihood - 1) as f64 * cell_w;
        let y = top + (rows - cell.impact as f64) * cell_h;
        let _ = write!(
            body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{TEXT_SECONDARY}" stroke-width="1"/>"#,
            N(x),
            N(y),
            N(cell_w),
            N(cell_h),
            band_fill(&cell.band)
        );
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" font-size="{SMALL_TEXT}" font-weight="bold">Score {}</text>"#,
            N(x + 6.0),
            N(y + 17.0),
            cell.score
        );
        for (line, residual, word) in [(1.0, false, "Before"), (2.0, true, "After")] {
            let codes: Vec<&str> = marks
                .iter()
                .filter(|m| {
                    m.likelihood == cell.likelihood
                        && m.impact == cell.impact
                        && m.residual == residual
                })
                .map(|m| m.code.as_str())
                .collect();
            if codes.is_empty() {
                continue;
            }
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" font-size="{SMALL_TEXT}">{word}: {}</text>"#,
                N(x + 6.0),
                N(y + 17.0 + line * 20.0),
                Esc(&fit(&codes, cell_w - 12.0 - 60.0))
            );
        }
    }
    for (i, label) in impact_labels.iter().enumerate() {
        let y = top + (rows - 1.0 - i as f64) * cell_h + cell_h / 2.0;
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="{SMALL_TEXT}">{}</text>"#,
            N(left - 8.0),
            N(y + 4.0),
            Esc(label)
        );
    }
    for (i, label) in likelihood_labels.iter().enumerate() {
        let x = left + i as f64 * cell_w + cell_w / 2.0;
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}">{}</text>"#,
            N(x),
            N(top + rows * cell_h + 18.0),
            Esc(label)
        );
    }
    let _ = write!(
        body,
        r#"<text x="{}" y="{}" text-anchor="middle" font-weight="bold">Likelihood, lowest at the left →</text>"#,
        N(left + cols * cell_w / 2.0),
        N(top + rows * cell_h + 40.0)
    );
    let _ = write!(
        body,
        r#"<text x="8" y="{}" font-weight="bold">Impact ↑</text><text x="8" y="{}" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">highest at</text><text x="8" y="{}" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">the top</text>"#,
        N(top + 16.0),
        N(top + 34.0),
        N(top + 50.0)
    );
    let _ = write!(
        body,
        r#"<text x="{}" y="{}" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">Before: inherent risk, before controls. After: residual risk, with controls.</text>"#,
        N(left),
        N(top + rows * cell_h + 60.0)
    );
    let placed = marks.len();
    let desc = format!(
        "A {} by {} grid of likelihood by impact; {} risk positions placed, before and after controls. The same positions are in the table that follows.",
        likelihood_labels.len(),
        impact_labels.len(),
        placed
    );
    Frame {
        id,
        title,
        desc: &desc,
        width,
        height,
        role: Role::Img,
        sizing: Sizing::Fluid,
    }
    .wrap(&body)
}

/// Codes joined by commas, cut to what fits with "and N more".
fn fit(codes: &[&str], width: f64) -> String {
    let all = codes.join(", ");
    if super::svg::text_width(&all, SMALL_TEXT) <= width.max(40.0) {
        return all;
    }
    let mut shown = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        shown.push(*c);
        let text = format!("{} +{}", shown.join(", "), codes.len() - i - 1);
        if super::svg::text_width(&text, SMALL_TEXT) > width.max(40.0) {
            shown.pop();
            break;
        }
    }
    format!("{} +{}", shown.join(", "), codes.len() - shown.len())
}

/// One recorded state of a risk's scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorePoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub inherent: i64,
    pub residual: i64,
}

/// A risk's score history: inherent (dashed) and residual (solid) scores as
/// step lines over the recorded changes, each point labelled with its score.
pub fn score_history(id: &str, title: &str, max_score: i64, points: &[ScorePoint]) -> String {
    let width = 640.0;
    let height = 260.0;
    let left = 44.0;
    let right = 20.0;
    let top = 16.0;
    let plot_h = 170.0;
    let max = max_score.max(1) as f64;
    let n = points.len().max(1) as f64;
    let step = (width - left - right) / n;
    let y_of = |s: i64| top + plot_h - (s as f64 / max) * plot_h;
    let mut body = String::new();
    for tick in [0, max_score / 2, max_score] {
        let y = y_of(tick);
        let _ = write!(
            body,
            r#"<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{GRID}"/><text x="{}" y="{}" text-anchor="end" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">{tick}</text>"#,
            N(left),
            N(width - right),
            N(y),
            N(y),
            N(left - 6.0),
            N(y + 4.0)
        );
    }
    for (series, dash, dy) in [(false, "6 4", -6.0), (true, "", 16.0)] {
        let mut path = String::new();
        for (i, p) in points.iter().enumerate() {
            let s = if series { p.residual } else { p.inherent };
            let x0 = left + i as f64 * step;
            let x1 = x0 + step;
            let y = y_of(s);
            let _ = write!(
                path,
                "{}{} {} H{}",
                if i == 0 { "M" } else { " V" },
                if i == 0 {
                    format!("{}", N(x0))
                } else {
                    String::new()
                },
                N(y),
                N(x1)
            );
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}">{}{s}</text>"#,
                N(x0 + step / 2.0),
                N(y + dy),
                if series { "R " } else { "I " }
            );
        }
        let colour = if series { VALUE } else { TEXT };
        let _ = write!(
            body,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{}/>"#,
            if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            }
        );
    }
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="{SMALL_TEXT}" fill="{TEXT_SECONDARY}">{}</text>"#,
            N(left + i as f64 * step + step / 2.0),
            N(top + plot_h + 20.0),
            Esc(&p.date)
        );
    }
    let _ = write!(
        body,
        r#"<line x1="{l}" x2="{}" y1="{y}" y2="{y}" stroke="{TEXT}" stroke-width="2.5" stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="{SMALL_TEXT}">I: inherent score (dashed)</text><line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{VALUE}" stroke-width="2.5"/><text x="{}" y="{}" font-size="{SMALL_TEXT}">R: residual score (solid)</text>"#,
        N(left + 28.0),
        N(left + 34.0),
        N(top + plot_h + 54.0),
        N(left + 230.0),
        N(left + 258.0),
        N(left + 264.0),
        N(top + plot_h + 54.0),
        l = N(left),
        y = N(top + plot_h + 50.0),
    );
    let desc = match (points.first(), points.last()) {
        (Some(first), Some(last)) => format!(
            "{} recorded changes from {} to {}: inherent score {} to {}, residual score {} to {}. Every change is in the table that follows.",
            points.len(),
            first.date,
            last.date,
            first.inherent,
            last.inherent,
            first.residual,
            last.residual
        ),
        _ => "No scores recorded yet.".to_owned(),
    };
    Frame {
        id,
        title,
        desc: &desc,
        width,
        height,
        role: Role::Img,
        sizing: Sizing::Fluid,
    }
    .wrap(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_map_names_each_risk_before_and_after_in_its_cell() {
        let labels = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        let cells: Vec<HeatCell> = (1..=3)
            .flat_map(|i| {
                (1..=3).map(move |l| HeatCell {
                    likelihood: l,
                    impact: i,
                    score: 3 * (i - 1) + l,
                    band: "low".into(),
                })
            })
            .collect();
        let svg = heat_map(
            "risk-heat",
            "Heat map",
            &labels(3),
            &labels(3),
            &cells,
            &[
                HeatMark {
                    code: "1".into(),
                    likelihood: 3,
                    impact: 3,
                    residual: false,
                },
                HeatMark {
                    code: "1".into(),
                    likelihood: 3,
                    impact: 1,
                    residual: true,
                },
            ],
        );
        assert!(svg.contains("Score 9"));
        assert!(svg.contains("Before: 1"));
        assert!(svg.contains("After: 1"));
        assert!(svg.contains(r#"aria-labelledby="risk-heat-title risk-heat-desc""#));
    }
}
