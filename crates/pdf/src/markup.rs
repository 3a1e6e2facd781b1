//! Writing a [`Document`] as typst markup. Every piece of text a user could
//! have typed goes through [`escape`] (or [`string`] inside code), so it is
//! printed, never run.

use std::fmt::Write;

use crate::world::image_path;
use crate::{Block, Cell, Document, Tone};

/// `text` made safe to place in typst markup: every ASCII punctuation mark
/// that could start markup or code (`#`, `$`, `*`, `_`, `@`, `<`, `\`,
/// backticks, brackets, `=` or `-` at a line's start, `//` comments...) is
/// escaped with a backslash; line breaks inside a paragraph become spaces
/// and blank lines stay paragraph breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let paragraphs: Vec<String> = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.trim().is_empty())
        .collect();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        for c in paragraph.chars() {
            match c {
                // Quotes and commas are never markup; left bare they are
                // typeset as proper quotation marks.
                '\'' | '"' | ',' => out.push(c),
                c if c.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(c);
                }
                // Control characters have no place in a printed report.
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

/// `text` as a typst string literal, for use inside code.
pub(crate) fn string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn fill(tone: Tone) -> Option<&'static str> {
    match tone {
        Tone::None => None,
        Tone::Green => Some("rgb(\"#cfe8d6\")"),
        Tone::Amber => Some("rgb(\"#fbe3b0\")"),
        Tone::Red => Some("rgb(\"#f5c6c6\")"),
        Tone::Grey => Some("rgb(\"#e4e4e4\")"),
    }
}

/// The set rules every document starts with: A4, the fonts built in, and
/// the running head and foot with "Page N of M" on every page.
fn preamble(doc: &Document) -> String {
    format!(
        r##"#set document(title: {title})
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en", region: "gb")
#set par(justify: false, leading: 0.6em, spacing: 0.9em)
#set page(
  paper: "a4",
  margin: (x: 2cm, top: 2.4cm, bottom: 2.2cm),
  header: context [
    #set text(size: 8.5pt, fill: luma(70))
    #if counter(page).get().first() > 1 [{head}]
    #h(1fr)
    {period}
    #v(-0.5em)
    #line(length: 100%, stroke: 0.4pt + luma(170))
  ],
  footer: context [
    #set text(size: 8.5pt, fill: luma(70))
    #line(length: 100%, stroke: 0.4pt + luma(170))
    #v(-0.5em)
    {issue}
    #h(1fr)
    Page #counter(page).display() of #counter(page).final().first()
  ],
)
#set heading(numbering: none)
#show heading.where(level: 1): it => [
  #set text(size: 16pt, weight: "bold", fill: rgb("#1d3557"))
  #block(above: 1.2em, below: 0.8em, it.body)
]
#show heading.where(level: 2): it => [
  #set text(size: 12.5pt, weight: "bold", fill: rgb("#1d3557"))
  #block(above: 1.1em, below: 0.6em, sticky: true, it.body)
]
#show heading.where(level: 3): it => [
  #set text(size: 11pt, weight: "bold")
  #block(above: 1em, below: 0.5em, sticky: true, it.body)
]
#set table(stroke: 0.4pt + luma(160), inset: 4pt)
#show table: set text(size: 9pt)
"##,
        title = string(&doc.title),
        head = escape(&doc.running_head),
        period = escape(&doc.period),
        issue = escape(&doc.issue_line),
    )
}

fn cell(out: &mut String, c: &Cell) {
    let body = if c.bold {
        format!("*{}*", escape(&c.text))
    } else {
        escape(&c.text)
    };
    match fill(c.tone) {
        Some(f) => {
            let _ = write!(out, "table.cell(fill: {f})[{body}], ");
        }
        None => {
            let _ = write!(out, "[{body}], ");
        }
    }
}

/// The typst source of `doc` and the images it names, in order
/// (`/image-0.svg`, `/image-1.svg`...).
pub fn markup(doc: &Document) -> (String, Vec<Vec<u8>>) {
    let mut out = preamble(doc);
    let mut images: Vec<Vec<u8>> = Vec::new();
    for (i, block) in doc.blocks.iter().enumerate() {
        write_block(&mut out, &mut images, block);
        if i == 0 && doc.contents {
            out.push_str(
                "#pagebreak()\n#outline(title: [Contents], depth: 2, indent: 1.2em)\n#pagebreak()\n",
            );
        }
    }
    (out, images)
}

fn write_block(out: &mut String, images: &mut Vec<Vec<u8>>, block: &Block) {
    match block {
        Block::Cover {
            title,
            subtitle,
            facts,
        } => {
            let _ = writeln!(
                out,
                "#v(3cm)\n#text(size: 24pt, weight: \"bold\", fill: rgb(\"#1d3557\"))[{}]\n\n#v(0.3cm)\n#text(size: 14pt)[{}]\n#v(1cm)",
                escape(title),
                escape(subtitle)
            );
            if !facts.is_empty() {
                out.push_str("#table(columns: (auto, 1fr), stroke: none, inset: (x: 0pt, y: 4pt), column-gutter: 12pt,\n");
                for (label, value) in facts {
                    let _ = writeln!(out, "  [*{}*], [{}],", escape(label), escape(value));
                }
                out.push_str(")\n");
            }
        }
        Block::Heading { level, text } => {
            let level = (*level).clamp(1, 3) as usize;
            let _ = writeln!(out, "\n{} {}\n", "=".repeat(level), escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "\n{}\n", escape(text));
        }
        Block::Note(text) => {
            let _ = writeln!(
                out,
                "\n#text(size: 8.5pt, fill: luma(60))[{}]\n",
                escape(text)
            );
        }
        Block::Passages(passages) => {
            for (label, text) in passages {
                let body = if text.trim().is_empty() {
                    "None.".to_owned()
                } else {
                    escape(text)
                };
                let _ = writeln!(
                    out,
                    "\n#block(above: 1em, below: 0.4em, sticky: true)[#text(weight: \"bold\", fill: rgb(\"#1d3557\"))[{}]]\n{}\n",
                    escape(label),
                    body
                );
            }
        }
        Block::Table {
            columns,
            widths,
            rows,
        } => {
            let spec = if widths.len() == columns.len() {
                widths
                    .iter()
                    .map(|w| format!("{w}fr"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                vec!["1fr"; columns.len()].join(", ")
            };
            let _ = write!(
                out,
                "\n#table(columns: ({spec},), fill: (_, y) => if y == 0 {{ luma(225) }},\n  table.header("
            );
            for c in columns {
                let _ = write!(out, "[*{}*], ", escape(c));
            }
            out.push_str("),\n");
            for row in rows {
                out.push_str("  ");
                for c in row.iter().take(columns.len()) {
                    cell(out, c);
                }
                for _ in row.len()..columns.len() {
                    out.push_str("[], ");
                }
                out.push('\n');
            }
            out.push_str(")\n");
        }
        Block::Image {
            svg,
            width,
            caption,
        } => {
            let n = images.len();
            images.push(svg.as_bytes().to_vec());
            let _ = writeln!(
                out,
                "\n#block(breakable: false)[#image({}, format: \"svg\", width: {}%)]",
                string(&image_path(n)),
                (*width).clamp(10, 100)
            );
            if let Some(caption) = caption {
                let _ = writeln!(
                    out,
                    "#text(size: 8pt, fill: luma(70))[{}]\n",
                    escape(caption)
                );
            }
        }
        Block::Tiles(tiles) => {
            let _ = write!(
                out,
                "\n#grid(columns: ({}), column-gutter: 6pt,\n",
                vec!["1fr"; tiles.len().max(1)].join(", ")
            );
            for (label, figure, tone) in tiles {
                let f = fill(*tone).unwrap_or("luma(245)");
                let _ = writeln!(
                    out,
                    "  block(fill: {f}, inset: 8pt, radius: 3pt, width: 100%)[#text(size: 18pt, weight: \"bold\")[{}] \\ #text(size: 9pt)[{}]],",
                    escape(figure),
                    escape(label)
                );
            }
            out.push_str(")\n");
        }
        Block::Keep(blocks) => {
            out.push_str("\n#block(breakable: false, width: 100%)[\n");
            for b in blocks {
                write_block(out, images, b);
            }
            out.push_str("]\n");
        }
        Block::PageBreak => out.push_str("\n#pagebreak(weak: true)\n"),
    }
}
