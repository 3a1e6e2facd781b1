//! Every file is either imported exactly or refused whole. Files are
//! generated with their columns in any order, cells quoted or not, LF or CRLF
//! line ends, numbers spelt every way the grammar allows and several ways it
//! does not (a decimal comma, commas out of place, a percent sign on a
//! count, accounting brackets, a space inside), notes holding commas, quote
//! marks, line breaks, tabs and formula characters, and now and then an
//! unknown code, a bad period or a repeated row. The generator knows which
//! files are good, and what each row means. A good file must import, and its
//! export give back exactly the rows written. Any file at all is either
//! refused with nothing written, or imported giving back exactly the rows
//! meant: never different figures (a bad file that still reads one way only,
//! such as a bare note of just a line break, may import).

use std::collections::BTreeMap;

use proptest::prelude::*;
use stocktake::values::{FileKind, ImportMode};
use stocktake::{Caller, OpenOptions, Stocktake};

const ORG_UNITS: &str = "code,name,level,parent_code\nS,Service,service,\nA,A,station,S\nB,B,station,S\nC,C,station,S\n";
const INDICATORS: &str = "code,title,kind,polarity,frequency,unit,factor,decimals\n\
FIRES,Primary fires,count,lower_is_better,month,fires,,0\n\
CONF,Fires confined,ratio,higher_is_better,month,%,100,1\n";

/// How a figure is written in its cell.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Plain,
    Thousands,
    Exponent,
    Plus,
    Padded,
    Percent,
    // Refused:
    DecimalComma,
    MisplacedComma,
    Brackets,
    InnerSpace,
    Junk,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    // Faults are rare enough that about half the files are good.
    prop_oneof![
        24 => Just(Spelling::Plain),
        8 => Just(Spelling::Thousands),
        4 => Just(Spelling::Exponent),
        4 => Just(Spelling::Plus),
        4 => Just(Spelling::Padded),
        4 => Just(Spelling::Percent),
        1 => Just(Spelling::DecimalComma),
        1 => Just(Spelling::MisplacedComma),
        1 => Just(Spelling::Brackets),
        1 => Just(Spelling::InnerSpace),
        1 => Just(Spelling::Junk),
    ]
}

/// A figure: whole units and thousandths, 0 to 9,999,999.999.
#[derive(Debug, Clone, Copy)]
struct Figure {
    thousandths: u64,
    decimals: usize,
}

impl Figure {
    fn value(self) -> f64 {
        self.plain().parse().unwrap()
    }

    /// `1234.5`: the integer part and, where there are decimals, the point.
    fn plain(self) -> String {
        let whole = self.thousandths / 1000;
        let fraction = format!("{:03}", self.thousandths % 1000);
        match self.decimals {
            0 => whole.to_string(),
            d => format!("{whole}.{}", &fraction[..d]),
        }
    }

    fn whole_digits(self) -> String {
        (self.thousandths / 1000).to_string()
    }

    /// The cell's text and whether the grammar takes it, for an indicator
    /// that is (or is not) a percentage.
    fn spell(self, spelling: Spelling, percentage: bool) -> (String, bool) {
        let plain = self.plain();
        let whole = self.whole_digits();
        let rest = plain.strip_prefix(&whole).unwrap_or("");
        match spelling {
            Spelling::Plain => (plain, true),
            Spelling::Thousands => (format!("{}{rest}", group(&whole)), true),
            Spelling::Exponent => {
                // 1234.5 as 1.2345e3.
                let digits = whole.len() as i32 - 1;
                let (head, tail) = whole.split_at(1);
                let fraction = format!("{tail}{}", rest.trim_start_matches('.'));
                let mantissa = if fraction.is_empty() {
                    head.to_owned()
                } else {
                    format!("{head}.{fraction}")
                };
                (format!("{mantissa}e{digits}"), true)
            }
            Spelling::Plus => (format!("+{plain}"), true),
            Spelling::Padded => (format!("  {plain} "), true),
            Spelling::Percent => (format!("{plain}%"), percentage),
            // 12.5 as 12,5: with one or two decimals this is never a
            // thousands separator, so always refused.
            Spelling::DecimalComma if (1..=2).contains(&self.decimals) => {
                (plain.replace('.', ","), false)
            }
            Spelling::DecimalComma | Spelling::Junk => (format!("{plain}x"), false),
            Spelling::MisplacedComma => (format!("{whole},{rest}0").replace(",.", ",,"), false),
            Spelling::Brackets => (format!("({plain})"), false),
            Spelling::InnerSpace if whole.len() >= 2 => {
                (format!("{} {}{rest}", &whole[..1], &whole[1..]), false)
            }
            Spelling::InnerSpace => (format!("{plain} 5"), false),
        }
    }
}

/// `1234567` as `1,234,567`.
fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn figure() -> impl Strategy<Value = Figure> {
    (0u64..10_000_000_000, 0usize..=3).prop_map(|(thousandths, decimals)| {
        // Keep only the decimals chosen, so the figure is what is written.
        let scale = 10u64.pow(3 - decimals as u32);
        Figure {
            thousandths: thousandths / scale * scale,
            decimals,
        }
    })
}

/// Commentary, from an alphabet that tests the quoting.
fn note() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::char::range('a', 'z').prop_map(String::from),
            2 => Just(" ".to_owned()),
            1 => Just(",".to_owned()),
            1 => Just("\"".to_owned()),
            1 => Just("\n".to_owned()),
            1 => Just("\t".to_owned()),
            1 => Just("é".to_owned()),
            1 => Just("'".to_owned()),
            1 => Just("=".to_owned()),
            1 => Just("+".to_owned()),
            1 => Just("-".to_owned()),
            1 => Just("@".to_owned()),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

#[derive(Debug, Clone)]
struct Line {
    indicator: &'static str,
    unit: &'static str,
    month: u32,
    figure: Figure,
    spelling: Spelling,
    note: String,
    /// Cells written without quotes, even where they need them.
    bare: bool,
}

fn line() -> impl Strategy<Value = Line> {
    (
        prop_oneof![30 => Just("FIRES"), 30 => Just("CONF"), 1 => Just("NOPE")],
        prop_oneof![20 => Just("A"), 20 => Just("B"), 20 => Just("C"), 1 => Just("ZZ")],
        prop_oneof![60 => 0u32..14, 1 => Just(14u32)],
        figure(),
        spelling(),
        note(),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(indicator, unit, month, figure, spelling, note, bare)| Line {
                indicator,
                unit,
                month,
                figure,
                spelling,
                note,
                bare,
            },
        )
}

/// A month of 2024/25, or (for 14) one that does not exist.
fn period(month: u32) -> String {
    match month {
        14 => "2024-13".to_owned(),
        m => {
            let index = 2024 * 12 + 3 + m as i32;
            format!("{}-{:02}", index / 12, index % 12 + 1)
        }
    }
}

/// A cell as written: quoted when its text needs it, unless the line
/// leaves its cells bare. Returns the text and whether it reads back as given.
fn cell(text: &str, bare: bool) -> (String, bool) {
    let needs = text.contains([',', '"', '\n', '\r', '\t']);
    if !needs {
        (text.to_owned(), true)
    } else if bare && !text.starts_with('"') {
        (text.to_owned(), false)
    } else {
        (format!("\"{}\"", text.replace('"', "\"\"")), true)
    }
}

/// The note as the import keeps it: trimmed, the leading quote mark of an
/// exported formula dropped, trimmed again (a note never starts or ends with
/// spaces), and none where blank.
fn kept_note(note: &str) -> Option<String> {
    let trimmed = note.trim();
    let mut chars = trimmed.chars();
    let kept = match (chars.next(), chars.next()) {
        (Some('\''), Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'')) => &trimmed[1..],
        _ => trimmed,
    };
    Some(kept.trim().to_owned()).filter(|n| !n.is_empty())
}

/// A generated file: its text, and the rows it must give if it is good.
#[derive(Debug)]
struct File {
    text: String,
    good: bool,
    rows: BTreeMap<(String, String, String), (f64, Option<String>)>,
}

fn file() -> impl Strategy<Value = File> {
    (
        prop::collection::vec(line(), 1..9),
        Just(()).prop_perturb(|_, mut rng| {
            let mut order: Vec<usize> = (0..5).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            order
        }),
        prop::bool::ANY,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(lines, order, crlf, bom)| {
            let names = ["indicator", "org_unit", "period", "value", "note"];
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            text.push_str(
                &order
                    .iter()
                    .map(|&i| names[i])
                    .collect::<Vec<_>>()
                    .join(","),
            );
            text.push_str(end);
            let mut good = true;
            let mut rows = BTreeMap::new();
            for l in &lines {
                let percentage = l.indicator == "CONF";
                let (value, value_ok) = l.figure.spell(l.spelling, percentage);
                let period = period(l.month);
                let mut cells = Vec::new();
                let mut written_ok = true;
                for &i in &order {
                    let (text, ok) = match i {
                        0 => cell(l.indicator, l.bare),
                        1 => cell(l.unit, l.bare),
                        2 => cell(&period, l.bare),
                        3 => cell(&value, l.bare),
                        _ => cell(&l.note, l.bare),
                    };
                    written_ok &= ok;
                    cells.push(text);
                }
                text.push_str(&cells.join(","));
                text.push_str(end);
                let key = (l.indicator.to_owned(), l.unit.to_owned(), period.clone());
                good &= written_ok
                    && value_ok
                    && l.indicator != "NOPE"
                    && l.unit != "ZZ"
                    && l.month != 14
                    && !rows.contains_key(&key);
                rows.insert(key, (l.figure.value(), kept_note(&l.note)));
            }
            File { text, good, rows }
        })
}

/// The values export read back as (indicator, unit, period) -> (value, note).
fn exported(csv: &[u8]) -> BTreeMap<(String, String, String), (f64, Option<String>)> {
    let mut reader = csv::Reader::from_reader(csv);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let note = r[6].to_owned();
            let note = kept_note(&note);
            (
                (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()),
                (r[3].parse().unwrap(), note),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_file_is_imported_exactly_or_refused_whole(file in file()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("p.db").display());
            let app = Stocktake::open(&url, OpenOptions::default()).await.unwrap();
            let caller = Caller::system("property");
            app.import_texts(&caller, &[(FileKind::OrgUnits, ORG_UNITS), (FileKind::Indicators, INDICATORS)])
                .await
                .unwrap();
            let result = app
                .import(&caller, FileKind::Values, "generated.csv", file.text.as_bytes(), ImportMode::Write, &|_| {})
                .await;
            let mut out = Vec::new();
            app.export(&caller, FileKind::Values, &mut out).await.unwrap();
            let stored = exported(&out);
            match result {
                Ok(_) => prop_assert_eq!(&stored, &file.rows, "imported rows differ from the file:\n{}", file.text),
                Err(e) => {
                    prop_assert!(!file.good, "a good file was refused: {e}\n{}", file.text);
                    prop_assert!(stored.is_empty(), "a refused file wrote rows: {:?}", stored);
                }
            }
            Ok(())
        })?;
    }
}
