//! Stocktake's PDF documents, typeset by typst as a library with its fonts
//! embedded in the binary: no outside program, no font files on disk.
//!
//! A face hands over a [`Document`] (headings, paragraphs, fact lists,
//! tables with status cells, SVG images: the same SVG the HTML page shows)
//! and gets PDF bytes back. The document is written out as typst markup
//! with every piece of user text escaped ([`escape`]), so a commentary
//! holding `#`, `$` or `]` prints as written and never runs as code.

mod markup;
mod world;

use serde::{Deserialize, Serialize};

pub use markup::{escape, markup};

/// A document to typeset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The title on the cover and in the PDF's metadata.
    pub title: String,
    /// Printed at the top of every page after the first, left: who and what.
    pub running_head: String,
    /// Printed at the top of every page, right: the period ("2024/25 Q3").
    pub period: String,
    /// Printed at the foot of every page, left: "Issued 14 January 2025" or
    /// "Draft — printed 29 November 2026".
    pub issue_line: String,
    /// Whether to print a table of contents after the first block.
    pub contents: bool,
    pub blocks: Vec<Block>,
}

/// One piece of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// The cover: a large title, a line under it and the facts beside it.
    Cover {
        title: String,
        subtitle: String,
        facts: Vec<(String, String)>,
    },
    /// A heading: level 1 starts a section listed in the contents.
    Heading { level: u8, text: String },
    /// Plain text; blank lines start new paragraphs.
    Paragraph(String),
    /// Smaller, grey text: a note on how to read what follows.
    Note(String),
    /// Labelled passages, each label bold above its text (a front sheet).
    Passages(Vec<(String, String)>),
    /// A table; `widths` are relative column widths (empty: equal).
    Table {
        columns: Vec<String>,
        widths: Vec<u8>,
        rows: Vec<Vec<Cell>>,
    },
    /// An SVG drawing, `width` percent of the text width, with its text
    /// alternative printed small beneath where `caption` is given.
    Image {
        svg: String,
        width: u8,
        caption: Option<String>,
    },
    /// Counts shown as boxes side by side: (label, figure, tone).
    Tiles(Vec<(String, String, Tone)>),
    /// Blocks kept together on one page where they fit (an indicator's
    /// heading, figures, chart and commentary).
    Keep(Vec<Block>),
    /// Starts a new page.
    PageBreak,
}

/// One table cell: its words and, for a status, its colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
    pub bold: bool,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::None,
            bold: false,
        }
    }

    pub fn toned(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            tone,
            bold: false,
        }
    }

    pub fn bold(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::None,
            bold: true,
        }
    }
}

/// The colour behind a cell. A status is always printed in words too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    None,
    Green,
    Amber,
    Red,
    Grey,
}

/// Why a document could not be typeset. The markup is ours, so this is a
/// fault in Stocktake, not in the user's text: the message says where.
#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be typeset: {0}")]
pub struct PdfError(pub String);

/// Typesets `document` as PDF bytes.
pub fn render(document: &Document) -> Result<Vec<u8>, PdfError> {
    let (source, images) = markup(document);
    compile(&source, images)
}

/// Typesets typst `source` with `images` as virtual files (`/image-N.svg`,
/// N from 0) into PDF bytes.
pub fn compile(source: &str, images: Vec<Vec<u8>>) -> Result<Vec<u8>, PdfError> {
    let world = world::ReportWorld::new(source, images);
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    let document = warned.output.map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// How many pages `pdf` has, read from its page tree's count (for tests
/// and the command line's message).
pub fn page_count(pdf: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(pdf);
    // The root page tree is the /Pages object with the largest /Count.
    text.match_indices("/Type /Pages")
        .chain(text.match_indices("/Type/Pages"))
        .filter_map(|(at, _)| {
            let start = text[..at].rfind("obj")?;
            let end = at + text[at..].find("endobj")?;
            let object = &text[start..end];
            let count = object.find("/Count")?;
            object[count + 6..]
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        })
        .max()
}
