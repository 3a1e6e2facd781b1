//! The PDF as a reader gets it: a real PDF, page numbers on every page,
//! and user text printed exactly as typed, however hostile.

use std::process::Command;

use stocktake_pdf::{Block, Cell, Document, Tone, escape, markup, page_count, render};

const HOSTILE: &str = "Costs #rose by $5 *fast* _now_ @ref <tag> \\ `code` [x] {y} = - + / // 1. ~";

fn document(blocks: Vec<Block>) -> Document {
    Document {
        title: "Quarterly performance report".into(),
        running_head: "Test Fire and Rescue Service".into(),
        period: "2024/25 Q3".into(),
        issue_line: "Draft — printed 29 November 2026".into(),
        contents: true,
        blocks,
    }
}

/// The text of `pdf` by pdftotext, where the machine has it (scripts/test.sh
/// makes sure it does).
fn text_of(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).ok()?;
    let out = match Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        // scripts/test.sh installs poppler-utils and says the text is required.
        Err(e) if std::env::var("STOCKTAKE_PDF_TEXT").as_deref() == Ok("required") => {
            panic!("pdftotext could not run ({e}): install poppler-utils")
        }
        Err(_) => return None,
    };
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn escaping_leaves_no_markup_character_bare() {
    let escaped = escape(HOSTILE);
    for c in [
        '#', '$', '*', '_', '@', '<', '>', '`', '[', ']', '{', '}', '=', '/', '~',
    ] {
        for (i, _) in escaped.match_indices(c) {
            assert_eq!(
                &escaped[i - 1..i],
                "\\",
                "{c:?} at {i} of {escaped:?} is not escaped"
            );
        }
    }
    // A backslash is doubled, never left to escape what follows.
    assert!(escaped.contains("\\\\"));
    // A blank line stays a paragraph break; a single line break is a space.
    assert_eq!(escape("one\ntwo\n\nthree"), "one two\n\nthree");
}

#[test]
fn hostile_text_is_printed_as_typed() {
    let doc = document(vec![
        Block::Cover {
            title: HOSTILE.into(),
            subtitle: "#panic()".into(),
            facts: vec![("Contact officer".into(), "A. Person <a@b.gov.uk>".into())],
        },
        Block::Heading {
            level: 1,
            text: "Exceptions #1".into(),
        },
        Block::Paragraph(HOSTILE.into()),
        Block::Table {
            columns: vec!["Indicator".into(), "Status".into()],
            widths: vec![],
            rows: vec![vec![Cell::plain("$x$"), Cell::toned("Red", Tone::Red)]],
        },
    ]);
    let pdf = render(&doc).expect("hostile text typesets");
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = text_of(&pdf) {
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("#rose by $5 *fast* _now_"), "{flat}");
        assert!(flat.contains("`code` [x] {y}"), "{flat}");
        assert!(flat.contains("#panic()"), "{flat}");
        assert!(flat.contains("$x$"), "{flat}");
    }
}

#[test]
fn every_page_is_numbered_with_the_period_and_issue_line() {
    let mut blocks = vec![Block::Cover {
        title: "Quarterly performance report".into(),
        subtitle: "2024/25 Q3".into(),
        facts: vec![],
    }];
    for n in 1..=3 {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("Section {n}"),
        });
        blocks.push(Block::Paragraph("Words. ".repeat(40)));
        blocks.push(Block::PageBreak);
    }
    let pdf = render(&document(blocks)).expect("typesets");
    assert!(pdf.starts_with(b"%PDF"));
    // Cover, contents, three sections.
    assert_eq!(page_count(&pdf), Some(5));
    if let Some(text) = text_of(&pdf) {
        for n in 1..=5 {
            assert!(text.contains(&format!("Page {n} of 5")), "page {n}: {text}");
        }
        assert!(text.matches("2024/25 Q3").count() >= 5, "{text}");
        assert!(text.matches("Draft — printed 29 November 2026").count() >= 5);
        assert!(text.contains("Contents"));
    }
}

#[test]
fn an_svg_chart_goes_in_as_an_image() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100"><rect x="10" y="10" width="80" height="80" fill="#c00"/><text x="100" y="50">Chart</text></svg>"##;
    let doc = document(vec![Block::Image {
        svg: svg.into(),
        width: 60,
        caption: Some("A red square".into()),
    }]);
    let (source, images) = markup(&doc);
    assert_eq!(images.len(), 1);
    assert!(source.contains("image(\"/image-0.svg\", format: \"svg\""));
    let pdf = render(&doc).expect("typesets");
    assert!(pdf.starts_with(b"%PDF"));
}
