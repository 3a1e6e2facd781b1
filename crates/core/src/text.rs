//! Codes and other text fields: what each may hold and how long it may be,
//! checked the same whichever face the text arrives through (a form, the API,
//! a file). Codes are parsed once into types of their own, so an indicator's
//! code can never be passed where a unit's is meant.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kinds of text Stocktake keeps, each with its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An indicator's, unit's or group's code.
    Code,
    /// A unit's or group's name; a person's name.
    Name,
    /// An indicator's title.
    Title,
    /// A level in the hierarchy, an indicator's unit of measure, an owner, a set.
    Label,
    /// An indicator's definition.
    Description,
    /// Commentary on a figure.
    Note,
}

impl TextKind {
    /// The most characters (not bytes) the text may have.
    pub const fn max_chars(self) -> usize {
        match self {
            TextKind::Code => 64,
            TextKind::Name | TextKind::Title => 200,
            TextKind::Label => 100,
            TextKind::Description | TextKind::Note => 4000,
        }
    }

    /// Whether the text may run over several lines.
    const fn multi_line(self) -> bool {
        matches!(self, TextKind::Description | TextKind::Note)
    }

    fn noun(self) -> &'static str {
        match self {
            TextKind::Code => "a code",
            TextKind::Name => "a name",
            TextKind::Title => "a title",
            TextKind::Label => "this field",
            TextKind::Description => "a description",
            TextKind::Note => "commentary",
        }
    }
}

/// Why a text was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is blank: give {0}")]
    Blank(&'static str),
    #[error("is {chars} characters long, and {noun} may have at most {max}: shorten it")]
    TooLong {
        chars: usize,
        max: usize,
        noun: &'static str,
    },
    #[error("holds the invisible control character {0}, which cannot be shown or typed: remove it")]
    Control(String),
    #[error("runs over more than one line: {0} must fit on one line")]
    LineBreak(&'static str),
}

/// Checks a text of a kind: its length and that it holds nothing invisible.
/// Tabs and line breaks are allowed where the kind runs over several lines.
pub fn check_text(kind: TextKind, text: &str) -> Result<(), TextError> {
    let chars = text.chars().count();
    if chars > kind.max_chars() {
        return Err(TextError::TooLong {
            chars,
            max: kind.max_chars(),
            noun: kind.noun(),
        });
    }
    for c in text.chars() {
        let line_break = matches!(c, '\n' | '\r');
        if line_break && !kind.multi_line() {
            return Err(TextError::LineBreak(kind.noun()));
        }
        let allowed = line_break || (c == '\t' && kind.multi_line());
        if c.is_control() && !allowed {
            return Err(TextError::Control(format!("U+{:04X}", c as u32)));
        }
    }
    Ok(())
}

/// A code people use for a thing: trimmed, never blank, one line, at most
/// [`TextKind::Code`]'s limit.
macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Box<str>);

        impl $name {
            /// Reads a code: surrounding spaces are dropped; blank, overlong
            /// and invisible characters are refused.
            pub fn parse(text: &str) -> Result<$name, TextError> {
                let code = text.trim();
                if code.is_empty() {
                    return Err(TextError::Blank(concat!("the ", $what, "'s code")));
                }
                check_text(TextKind::Code, code)?;
                Ok($name(code.into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = TextError;
            fn from_str(text: &str) -> Result<$name, TextError> {
                $name::parse(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Maps keyed by code can be searched with a plain `&str`.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!("The ", $what, "'s code: one line, at most 64 characters.")))
                    .min_length(Some(1))
                    .max_length(Some(TextKind::Code.max_chars()))
                    .examples([$example])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

code_type!(
    /// An indicator's code: `NI 192`, `BVPI 142ii`, `FRS01`.
    IndicatorCode,
    "indicator",
    "FRS01"
);
code_type!(
    /// An organisation unit's code: a GSS code such as `E07000173`, or a local one.
    OrgUnitCode,
    "organisation unit",
    "E31000030"
);
code_type!(
    /// A group's code: `EAST-MIDLANDS`, `FAMILY-4`.
    GroupCode,
    "group",
    "NFRS-AREAS"
);
code_type!(
    /// A hot-spot rule's code: `WORST-QUARTILE-WORSENING`.
    RuleCode,
    "hot-spot rule",
    "WORST-QUARTILE-WORSENING"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_refuse_blanks_control_characters_and_length() {
        assert_eq!(
            IndicatorCode::parse("  NI 192 ").unwrap().as_str(),
            "NI 192"
        );
        assert_eq!(
            OrgUnitCode::parse("  ").unwrap_err().to_string(),
            "is blank: give the organisation unit's code"
        );
        assert_eq!(
            OrgUnitCode::parse("E06\u{0}000015")
                .unwrap_err()
                .to_string(),
            "holds the invisible control character U+0000, which cannot be shown or typed: remove it"
        );
        let long = "X".repeat(65);
        assert_eq!(
            GroupCode::parse(&long).unwrap_err().to_string(),
            "is 65 characters long, and a code may have at most 64: shorten it"
        );
        assert!(IndicatorCode::parse("A\nB").is_err());
    }

    #[test]
    fn notes_may_run_over_lines_but_names_may_not() {
        assert!(check_text(TextKind::Note, "Two lines\nof commentary\twith a tab").is_ok());
        assert_eq!(
            check_text(TextKind::Name, "Two\nlines")
                .unwrap_err()
                .to_string(),
            "runs over more than one line: a name must fit on one line"
        );
        let note = "é".repeat(4001);
        assert_eq!(
            check_text(TextKind::Note, &note).unwrap_err().to_string(),
            "is 4001 characters long, and commentary may have at most 4000: shorten it"
        );
    }

    #[test]
    fn a_code_reads_as_its_text() {
        let code = IndicatorCode::parse("FRS01").unwrap();
        assert_eq!(code, "FRS01");
        assert_eq!(format!("{code}"), "FRS01");
        assert_eq!(format!("{code:?}"), "\"FRS01\"");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"FRS01\"");
        let back: IndicatorCode = serde_json::from_str("\" FRS01 \"").unwrap();
        assert_eq!(back, code);
        assert!(serde_json::from_str::<IndicatorCode>("\"\"").is_err());
    }
}
