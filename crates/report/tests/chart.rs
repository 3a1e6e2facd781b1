//! What a reader of a chart would check: it opens as an image with a name
//! and description, every status is drawn in its own shape, targets and
//! links appear only when given, and awkward data still draws sensibly.

use roxmltree::{Document, Node};
use stocktake_core::Status;
use stocktake_report::chart::{
    Bar, NO_DATA_TEXT, Point, TrendOptions, bar_chart, sparkline, status_shape, trend_chart,
    trend_chart_with,
};

fn point(label: &str, value: Option<f64>, target: Option<f64>, status: Status) -> Point {
    Point {
        label: label.to_string(),
        value,
        target,
        status,
    }
}

fn bar(label: &str, value: Option<f64>, status: Status, href: Option<&str>) -> Bar {
    Bar {
        label: label.to_string(),
        value,
        status,
        href: href.map(str::to_string),
    }
}

/// Twelve months of primary fires against a falling target, with a gap.
fn fires() -> Vec<Point> {
    let months = [
        "Apr 24", "May 24", "Jun 24", "Jul 24", "Aug 24", "Sep 24", "Oct 24", "Nov 24", "Dec 24",
        "Jan 25", "Feb 25", "Mar 25",
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
    ];
    months
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (label, value))| {
            let target = if i < 6 { 4.5 } else { 4.0 };
            let status = match value {
                None => Status::NoData,
                Some(v) if v <= target => Status::Green,
                Some(v) if v <= target * 1.05 => Status::Amber,
                Some(_) => Status::Red,
            };
            point(label, value, Some(target), status)
        })
        .collect()
}

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{svg}"))
}

fn has_class(node: &Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|c| c == class))
}

fn group<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Option<Node<'a, 'i>> {
    doc.descendants()
        .find(|n| n.has_tag_name("g") && has_class(n, class))
}

/// Status marks inside a group, as (element name, status class).
fn marks(root: Node) -> Vec<(String, String)> {
    root.descendants()
        .filter_map(|n| {
            let class = n.attribute("class")?.strip_prefix("status-")?;
            Some((n.tag_name().name().to_string(), class.to_string()))
        })
        .collect()
}

fn texts<'a>(root: Node<'a, '_>) -> Vec<&'a str> {
    root.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect()
}

fn view_box_height(doc: &Document) -> f64 {
    let view_box = doc.root_element().attribute("viewBox").unwrap();
    view_box.split(' ').nth(3).unwrap().parse().unwrap()
}

/// The name and description the way a screen reader finds them.
fn name_and_description(doc: &Document) -> (String, String) {
    let svg = doc.root_element();
    let ids: Vec<&str> = svg
        .attribute("aria-labelledby")
        .expect("aria-labelledby")
        .split(' ')
        .collect();
    assert_eq!(ids.len(), 2, "aria-labelledby names the title and the desc");
    let text_of = |id: &str| {
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element #{id}"));
        node.text().unwrap_or_default().to_string()
    };
    let (title, desc) = (text_of(ids[0]), text_of(ids[1]));
    assert!(!title.is_empty() && !desc.is_empty());
    (title, desc)
}

fn y_tick_values(doc: &Document) -> Vec<f64> {
    texts(group(doc, "y-axis").expect("a y axis"))
        .iter()
        .map(|t| {
            t.replace(',', "")
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("tick {t:?} is not a number"))
        })
        .collect()
}

fn assert_ticks_are_nice_and_cover(ticks: &[f64], min: f64, max: f64) {
    assert!((4..=6).contains(&ticks.len()), "{ticks:?}");
    assert!(
        ticks[0] <= min && ticks[ticks.len() - 1] >= max,
        "{ticks:?} do not cover {min}..{max}"
    );
    let step = ticks[1] - ticks[0];
    let exponent = step.log10().floor();
    let mantissa = step / 10f64.powf(exponent);
    assert!(
        [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .any(|m| (m - mantissa).abs() < 1e-6),
        "step {step} is not nice"
    );
    for pair in ticks.windows(2) {
        assert!(
            (pair[1] - pair[0] - step).abs() < step * 1e-6,
            "uneven ticks {ticks:?}"
        );
    }
}

#[test]
fn every_chart_is_an_image_with_a_title_and_description() {
    let bars = [bar("North", Some(3.0), Status::Green, None)];
    for (svg, fluid) in [
        (sparkline("spark", "Primary fires", &fires()), false),
        (
            trend_chart(
                "trend",
                "Primary fires",
                "per 10,000",
                1,
                &fires(),
                "lower is better",
            ),
            true,
        ),
        (
            bar_chart(
                "bars",
                "Primary fires by district",
                "per 10,000",
                1,
                &bars,
                Some(4.0),
            ),
            true,
        ),
    ] {
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(root.attribute("viewBox").is_some());
        assert_eq!(root.attribute("width") == Some("100%"), fluid);
        let font = root.attribute("font-family").unwrap();
        assert!(font.contains("system-ui") && font.contains("Arial"));
        name_and_description(&doc);
    }
}

#[test]
fn ids_come_from_the_callers_prefix_so_charts_can_share_a_page() {
    let a = trend_chart("fires-north", "Fires", "", 1, &fires(), "");
    let b = trend_chart("fires-south", "Fires", "", 1, &fires(), "");
    assert!(a.contains(r#"id="fires-north-title""#) && a.contains(r#"id="fires-north-desc""#));
    assert!(b.contains(r#"id="fires-south-title""#));
    assert_eq!(
        a,
        trend_chart("fires-north", "Fires", "", 1, &fires(), ""),
        "output is deterministic"
    );
}

#[test]
fn sparkline_title_gives_the_count_and_the_latest_figure() {
    let doc_text = sparkline("s", "Primary fires", &fires());
    let doc = parse(&doc_text);
    let (title, desc) = name_and_description(&doc);
    assert_eq!(
        title,
        "Trend of Primary fires: 12 periods, latest 4.1 (Near target)"
    );
    assert!(
        desc.contains("From Apr 24 to Mar 25") && desc.contains("No data for 1 of 12 periods"),
        "{desc}"
    );
    let marks = marks(doc.root_element());
    assert_eq!(
        marks,
        vec![("polygon".to_string(), "amber".to_string())],
        "only the latest point is marked"
    );
    // The gap in July breaks the line into two runs.
    let path = doc.descendants().find(|n| n.has_tag_name("path")).unwrap();
    assert_eq!(path.attribute("d").unwrap().matches('M').count(), 2);
}

#[test]
fn trend_marks_every_point_with_the_shape_of_its_status() {
    let points = vec![
        point("Q1", Some(10.0), Some(12.0), Status::Green),
        point("Q2", Some(12.4), Some(12.0), Status::Amber),
        point("Q3", Some(15.0), Some(12.0), Status::Red),
        point("Q4", None, Some(12.0), Status::NoData),
        point("Q5", Some(11.0), None, Status::NoTarget),
        point("Q6", Some(11.5), Some(12.0), Status::NotRated),
    ];
    let svg = trend_chart(
        "t",
        "Sickness absence",
        "days",
        1,
        &points,
        "lower is better",
    );
    let doc = parse(&svg);
    let drawn = marks(group(&doc, "points").unwrap());
    let expected = [
        ("circle", "green"),
        ("polygon", "amber"),
        ("rect", "red"),
        ("circle", "no_target"),
        ("polygon", "not_rated"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(e, c)| (e.to_string(), c.to_string()))
        .collect();
    assert_eq!(
        drawn, expected,
        "one mark per point with a value, none for the gap"
    );

    // Hollow marks differ from filled ones by more than colour.
    let no_target = doc
        .descendants()
        .find(|n| has_class(n, "status-no_target"))
        .unwrap();
    assert_eq!(no_target.attribute("fill"), Some("#fff"));

    // The legend names every shape that was drawn, and the two lines.
    let legend = group(&doc, "legend").unwrap();
    assert_eq!(
        texts(legend),
        vec![
            "Value",
            "Target",
            "On target",
            "Near target",
            "Off target",
            "Not rated",
            "No target"
        ]
    );
    assert_eq!(marks(legend).len(), 5);
}

#[test]
fn the_description_summarises_range_latest_and_target() {
    let svg = trend_chart(
        "t",
        "Primary fires",
        "per 10,000",
        1,
        &fires(),
        "lower is better",
    );
    let (_, desc) = name_and_description(&parse(&svg));
    assert_eq!(
        desc,
        "Primary fires from Apr 24 to Mar 25, 12 periods. Lowest 3.6 per 10,000 in Dec 24; highest 5.1 per 10,000 in Sep 24. \
         Latest 4.1 per 10,000 in Mar 25 against a target of 4.0 per 10,000: near target. No data for 1 of 12 periods. Lower is better."
    );
}

#[test]
fn target_line_appears_only_when_there_are_targets() {
    let with = parse_owned(trend_chart("t", "Fires", "", 1, &fires(), ""));
    assert!(with.contains(r#"class="target""#) && with.contains(">Target<"));

    let without: Vec<Point> = fires()
        .into_iter()
        .map(|p| Point { target: None, ..p })
        .collect();
    let svg = trend_chart("t", "Fires", "", 1, &without, "");
    parse(&svg);
    assert!(!svg.contains(r#"class="target""#) && !svg.contains(">Target<"));

    let bars = [bar("North", Some(3.0), Status::Green, None)];
    assert!(bar_chart("b", "Fires", "", 1, &bars, Some(4.0)).contains(r#"class="target""#));
    assert!(!bar_chart("b", "Fires", "", 1, &bars, None).contains(r#"class="target""#));
}

fn parse_owned(svg: String) -> String {
    parse(&svg);
    svg
}

#[test]
fn names_and_units_are_escaped() {
    let nasty = "A & B <x> \"quoted\" 'single'";
    let points = vec![
        point(nasty, Some(1.0), None, Status::NoTarget),
        point("Feb", Some(2.0), None, Status::NoTarget),
    ];
    let svg = trend_chart("t", nasty, nasty, 0, &points, nasty);
    assert!(svg.contains("A &amp; B &lt;x&gt; &quot;quoted&quot; &apos;single&apos;"));
    assert!(!svg.contains("A & B <x>"));
    let doc = parse(&svg);
    assert!(
        texts(doc.root_element()).contains(&nasty),
        "the reader sees the name as written"
    );

    let bars = [bar(nasty, Some(1.0), Status::Green, Some("/units?a=1&b=2"))];
    let svg = bar_chart("b", nasty, nasty, 0, &bars, None);
    assert!(svg.contains(r#"href="/units?a=1&amp;b=2""#));
    assert!(!svg.contains("A & B <x>"));
    parse(&svg);
    assert!(sparkline("s", nasty, &points).contains("Trend of A &amp; B &lt;x&gt;"));
}

#[test]
fn y_ticks_are_nice_numbers_covering_the_data_with_thousands_separators() {
    let points: Vec<Point> = [1234.0, 5678.0, 3210.0]
        .iter()
        .enumerate()
        .map(|(i, v)| point(&format!("P{i}"), Some(*v), None, Status::NoTarget))
        .collect();
    let svg = trend_chart("t", "Calls", "calls", 0, &points, "");
    let doc = parse(&svg);
    assert_ticks_are_nice_and_cover(&y_tick_values(&doc), 1234.0, 5678.0);
    assert!(
        texts(group(&doc, "y-axis").unwrap()).contains(&"6,000"),
        "{svg}"
    );
}

#[test]
fn awkward_series_still_draw_sensible_axes() {
    let series: [(&str, Vec<Option<f64>>, f64, f64); 5] = [
        ("single point", vec![Some(4.1)], 4.1, 4.1),
        (
            "negative values",
            vec![Some(-12.5), Some(3.0), Some(-0.5)],
            -12.5,
            3.0,
        ),
        ("all equal", vec![Some(7.0); 5], 7.0, 7.0),
        ("all zero", vec![Some(0.0); 4], 0.0, 0.0),
        ("tiny range", vec![Some(0.01), Some(0.02)], 0.01, 0.02),
    ];
    for (name, values, min, max) in series {
        let points: Vec<Point> = values
            .iter()
            .enumerate()
            .map(|(i, v)| point(&format!("P{i}"), *v, None, Status::NoTarget))
            .collect();
        let svg = trend_chart("t", name, "", 1, &points, "");
        let doc = parse(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{name}");
        let ticks = y_tick_values(&doc);
        assert_ticks_are_nice_and_cover(&ticks, min, max);
        if min == max {
            // Padded on both sides, except that zero stays on the floor.
            let below = ticks[0] < min || min == 0.0;
            assert!(
                below && ticks[ticks.len() - 1] > max,
                "{name}: a flat line is padded, {ticks:?}"
            );
        }
        if min >= 0.0 {
            assert!(
                ticks[0] >= 0.0,
                "{name}: the axis does not invent negatives, {ticks:?}"
            );
        }
        assert_eq!(
            marks(group(&doc, "points").unwrap()).len(),
            values.len(),
            "{name}"
        );
    }
}

#[test]
fn an_empty_range_says_there_is_no_data() {
    let empty: Vec<Point> = (0..6)
        .map(|i| point(&format!("P{i}"), None, Some(3.0), Status::NoData))
        .collect();
    for points in [empty, Vec::new()] {
        let svg = trend_chart("t", "Fires", "", 1, &points, "lower is better");
        let doc = parse(&svg);
        assert!(texts(doc.root_element()).contains(&NO_DATA_TEXT));
        assert!(group(&doc, "points").is_none());
        assert!(name_and_description(&doc).1.contains(NO_DATA_TEXT));
    }
    let spark = sparkline("s", "Fires", &[point("P0", None, None, Status::NoData)]);
    assert!(parse_owned(spark).contains(">No data<"));
}

#[test]
fn long_series_show_at_most_twelve_period_labels_ending_with_the_latest() {
    let points: Vec<Point> = (0..36)
        .map(|i| {
            point(
                &format!("M{i:02}"),
                Some(f64::from(i)),
                None,
                Status::NoTarget,
            )
        })
        .collect();
    let svg = trend_chart("t", "Fires", "", 0, &points, "");
    let doc = parse(&svg);
    let labels = texts(group(&doc, "x-axis").unwrap());
    assert!(labels.len() <= 12 && labels.len() >= 6, "{labels:?}");
    assert_eq!(labels.last(), Some(&"M35"));
}

#[test]
fn text_is_never_smaller_than_twelve_pixels_and_numbers_stay_short() {
    let bars = [
        bar("North", Some(-3.25), Status::Red, None),
        bar("South", Some(1.0 / 3.0), Status::Green, None),
    ];
    for svg in [
        sparkline("s", "Fires", &fires()),
        trend_chart("t", "Fires", "per 10,000", 2, &fires(), "lower is better"),
        bar_chart("b", "Fires", "per 10,000", 2, &bars, Some(0.5)),
    ] {
        let doc = parse(&svg);
        for node in doc.descendants() {
            if let Some(size) = node.attribute("font-size") {
                assert!(size.parse::<f64>().unwrap() >= 12.0, "font-size {size}");
            }
            // Drawing coordinates carry at most one decimal place.
            for attr in node
                .attributes()
                .filter(|a| !matches!(a.name(), "aria-label" | "href" | "id"))
            {
                let long = attr
                    .value()
                    .split(|c: char| !c.is_ascii_digit() && c != '.')
                    .any(|n| n.split('.').nth(1).is_some_and(|f| f.len() > 1));
                assert!(
                    !long,
                    "{}={:?} has more than one decimal",
                    attr.name(),
                    attr.value()
                );
            }
        }
    }
}

#[test]
fn bar_chart_grows_with_the_bars_and_links_each_unit() {
    let units = |n: usize| -> Vec<Bar> {
        (0..n)
            .map(|i| {
                bar(
                    &format!("District {i}"),
                    Some(i as f64),
                    Status::Green,
                    Some(&format!("/units/{i}")),
                )
            })
            .collect()
    };
    let three = parse_owned(bar_chart("b", "Fires", "", 0, &units(3), None));
    let ten = parse_owned(bar_chart("b", "Fires", "", 0, &units(10), None));
    let growth = view_box_height(&parse(&ten)) - view_box_height(&parse(&three));
    assert!((growth - 7.0 * 24.0).abs() < 0.5, "grew by {growth}");

    let doc = parse(&ten);
    let links: Vec<Node> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
    assert_eq!(links.len(), 10);
    assert_eq!(links[4].attribute("href"), Some("/units/4"));
    assert_eq!(
        links[4].attribute("aria-label"),
        Some("District 4: 4, On target")
    );
    // Links inside role="img" would be hidden from screen readers.
    assert_eq!(doc.root_element().attribute("role"), Some("group"));
    name_and_description(&doc);
}

#[test]
fn bar_chart_refuses_script_links() {
    let bars = [bar(
        "North",
        Some(1.0),
        Status::Green,
        Some("javascript:alert(1)"),
    )];
    let svg = bar_chart("b", "Fires", "", 0, &bars, None);
    assert!(!svg.contains("javascript") && !svg.contains("<a "));
    assert_eq!(parse(&svg).root_element().attribute("role"), Some("img"));
}

#[test]
fn missing_values_say_no_data_and_draw_no_bar() {
    let bars = [
        bar("North", Some(5.0), Status::Green, None),
        bar("South", None, Status::NoData, None),
        bar("East", Some(7.0), Status::Amber, None),
    ];
    let svg = bar_chart("b", "Fires", "", 0, &bars, Some(6.0));
    let doc = parse(&svg);
    let rows: Vec<Node> = group(&doc, "bars").unwrap().children().collect();
    assert_eq!(rows.len(), 3);
    let rects = |row: &Node| row.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert_eq!(rects(&rows[0]), 1);
    assert_eq!(rects(&rows[1]), 0);
    assert!(texts(rows[1]).contains(&"no data"));
    assert_eq!(
        marks(group(&doc, "values").unwrap()),
        vec![
            ("circle".into(), "green".into()),
            ("polygon".into(), "amber".into())
        ]
    );
    let (_, desc) = name_and_description(&doc);
    assert_eq!(
        desc,
        "Fires for 3 units. Highest East 7; lowest North 5. Target 6. 1 on target, 1 near target. 1 unit with no data."
    );
}

#[test]
fn negative_bars_grow_left_from_a_zero_line() {
    let bars = [
        bar("Gain", Some(8.0), Status::Green, None),
        bar("Loss", Some(-4.0), Status::Red, None),
    ];
    let svg = bar_chart("b", "Budget variance", "£000", 0, &bars, None);
    let doc = parse(&svg);
    let zero_line = group(&doc, "grid")
        .unwrap()
        .children()
        .find(|n| n.attribute("stroke") == Some("#505a5f"))
        .expect("a zero line");
    let zero_x: f64 = zero_line.attribute("x1").unwrap().parse().unwrap();
    let bar_rects: Vec<(f64, f64)> = group(&doc, "bars")
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class").is_none())
        .map(|n| {
            (
                n.attribute("x").unwrap().parse().unwrap(),
                n.attribute("width").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(
        (bar_rects[0].0 - zero_x).abs() < 0.11,
        "the gain starts at zero"
    );
    assert!(
        (bar_rects[1].0 + bar_rects[1].1 - zero_x).abs() < 0.11,
        "the loss ends at zero"
    );
    assert!(bar_rects[1].0 < zero_x);
}

#[test]
fn status_shapes_are_public_for_tables() {
    assert!(status_shape(Status::Red, 8.0, 8.0, 10.0).starts_with("<rect"));
    assert_eq!(
        stocktake_report::chart::heat_colour(Status::Amber),
        "#b35c00"
    );
    let icon = stocktake_report::chart::status_icon(Status::Green, 12.0);
    let doc = parse(&icon);
    assert_eq!(doc.root_element().attribute("aria-hidden"), Some("true"));
}

fn monthly(values: &[Option<f64>]) -> Vec<Point> {
    // Months from April 2023: "Apr 23", "May 23", ...
    const NAMES: [&str; 12] = [
        "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar",
    ];
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let year = 23 + (i + 9) / 12;
            point(
                &format!("{} {year}", NAMES[i % 12]),
                *v,
                None,
                Status::NoTarget,
            )
        })
        .collect()
}

#[test]
fn the_axis_starts_at_the_first_period_with_a_figure() {
    // Two empty years, then figures: the chart does not draw the empty years.
    let mut values = vec![None; 24];
    values.extend((0..12).map(|i| Some(f64::from(i))));
    let svg = trend_chart_with(
        "t",
        "Fires",
        "",
        0,
        &monthly(&values),
        "",
        &TrendOptions {
            per_year: 12,
            ..TrendOptions::default()
        },
    );
    let doc = parse(&svg);
    let labels = texts(group(&doc, "x-axis").unwrap());
    assert_eq!(labels.first(), Some(&"Apr 25"), "{labels:?}");
    let (_, desc) = name_and_description(&doc);
    assert!(desc.contains("from Apr 25 to Mar 26, 12 periods"), "{desc}");
}

#[test]
fn period_labels_fall_on_whole_steps_of_the_year() {
    // Five years of months: labels every quarter or more, always on the
    // first month of a quarter (Apr, Jul, Oct, Jan), never every nth point
    // counted back from the end.
    let values: Vec<Option<f64>> = (0..60).map(|i| Some(f64::from(i % 7))).collect();
    let svg = trend_chart_with(
        "t",
        "Fires",
        "",
        0,
        &monthly(&values),
        "",
        &TrendOptions {
            per_year: 12,
            ..TrendOptions::default()
        },
    );
    let doc = parse(&svg);
    let labels = texts(group(&doc, "x-axis").unwrap());
    assert!(labels.len() >= 4 && labels.len() <= 12, "{labels:?}");
    let months: Vec<&str> = labels.iter().map(|l| &l[..3]).collect();
    assert!(
        months.iter().all(|m| *m == months[0])
            || months
                .iter()
                .all(|m| ["Apr", "Jul", "Oct", "Jan"].contains(m)),
        "{labels:?}"
    );
    assert_eq!(labels[0], "Apr 23", "{labels:?}");
}

#[test]
fn the_line_is_named_for_what_it_is() {
    let svg = trend_chart_with(
        "t",
        "Fires",
        "fires",
        0,
        &fires(),
        "",
        &TrendOptions {
            value_label: "Monthly figure",
            ..TrendOptions::default()
        },
    );
    assert!(svg.contains(">Monthly figure<"), "{svg}");
    assert!(!svg.contains(">Value<"));
}

#[test]
fn a_narrow_chart_is_drawn_narrow_with_text_at_full_size() {
    let svg = trend_chart_with(
        "t",
        "Fires",
        "per 10,000",
        2,
        &fires(),
        "lower is better",
        &TrendOptions {
            width: 360.0,
            ..TrendOptions::default()
        },
    );
    let doc = parse(&svg);
    let view_box = doc.root_element().attribute("viewBox").unwrap();
    assert!(view_box.starts_with("0 0 360 "), "{view_box}");
    for node in doc.descendants() {
        if let Some(size) = node.attribute("font-size") {
            assert!(size.parse::<f64>().unwrap() >= 12.0, "font-size {size}");
        }
    }
}
