//! Finding units and indicators by code or name, from every page's search
//! box and the API: case- and accent-insensitive, every word of the query
//! somewhere in the code or name, exact codes first.

use serde::Serialize;

use super::scorecard::UnitRef;
use crate::{AppError, Caller, Stocktake};

/// The most hits of each kind a search returns.
pub const MAX_HITS: usize = 50;

/// An indicator found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorHit {
    pub code: String,
    pub title: String,
    pub set: String,
    /// Where it applies, in words: "stations under NFRS", "every unit".
    pub applies_to: String,
    /// A unit to show it for: the home unit where that reports it, else the
    /// first top unit that does.
    pub home_unit: Option<String>,
}

/// A unit found, with the units above it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitHit {
    pub unit: UnitRef,
    /// Names from the top unit down to the one above this, for telling
    /// apart units of the same name.
    pub within: Vec<String>,
}

/// What a search found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub units: Vec<UnitHit>,
    pub indicators: Vec<IndicatorHit>,
    /// True where there were more hits of a kind than listed.
    pub more: bool,
}

impl Stocktake {
    /// Units in the caller's scope and indicators whose code or name holds
    /// every word of `query`.
    pub fn search(&self, caller: &Caller, query: &str) -> Result<SearchResults, AppError> {
        let query = query.trim();
        if query.is_empty() {
            return Err(AppError::invalid(
                "q",
                "the search is empty: type part of a code or name",
            ));
        }
        if query.chars().count() > 100 {
            return Err(AppError::invalid(
                "q",
                "the search is longer than 100 characters: type part of a code or name",
            ));
        }
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
        let code_wanted = fold(query).replace(' ', "");
        let rank = |code: &str, name: &str| -> Option<u8> {
            let (code, name) = (fold(code), fold(name));
            let squeezed = code.replace(' ', "");
            if squeezed == code_wanted {
                return Some(0);
            }
            let text = format!("{code} {squeezed} {name}");
            if !words.iter().all(|w| text.contains(w.as_str())) {
                return None;
            }
            Some(
                if squeezed.starts_with(&code_wanted) || name.starts_with(&words[0]) {
                    1
                } else {
                    2
                },
            )
        };
        let home = self.home_unit(caller)?;
        let cache = self.analytics();
        let rights = self.rights(caller, &cache)?;
        let h = cache.hierarchy();
        let home = home.and_then(|c| h.find(&c));
        let mut units: Vec<(u8, UnitHit)> = h
            .all()
            .filter(|&u| rights.sees(u))
            .filter_map(|u| {
                let unit = h.unit(u);
                let r = rank(unit.code.as_str(), &unit.name)?;
                let mut within: Vec<String> = h
                    .ancestors(u)
                    .filter(|&a| rights.sees(a))
                    .map(|a| h.unit(a).name.clone())
                    .collect();
                within.reverse();
                Some((
                    r,
                    UnitHit {
                        unit: UnitRef::of(&cache, u),
                        within,
                    },
                ))
            })
            .collect();
        units.sort_by(|a, b| (a.0, &a.1.unit.name).cmp(&(b.0, &b.1.unit.name)));
        let mut indicators: Vec<(u8, IndicatorHit)> = cache
            .all_indicators()
            .filter_map(|i| {
                let ind = cache.indicator(i);
                let r = rank(ind.code.as_str(), &ind.title)?;
                Some((
                    r,
                    IndicatorHit {
                        code: ind.code.to_string(),
                        title: ind.title.clone(),
                        set: ind.set.clone(),
                        applies_to: stocktake_core::analytics::describe_rules(
                            cache.applies_rules(i),
                        ),
                        home_unit: home
                            .filter(|&u| cache.reported_at(i, u))
                            .or_else(|| {
                                rights
                                    .units(&cache)
                                    .into_iter()
                                    .find(|&r| cache.reported_at(i, r))
                            })
                            .map(|u| h.unit(u).code.to_string()),
                    },
                ))
            })
            .collect();
        indicators.sort_by(|a, b| (a.0, &a.1.code).cmp(&(b.0, &b.1.code)));
        let more = units.len() > MAX_HITS || indicators.len() > MAX_HITS;
        Ok(SearchResults {
            query: query.to_owned(),
            units: units.into_iter().take(MAX_HITS).map(|(_, u)| u).collect(),
            indicators: indicators
                .into_iter()
                .take(MAX_HITS)
                .map(|(_, i)| i)
                .collect(),
            more,
        })
    }
}

/// Lower case without the accents of Latin letters, so "Ynys Môn" is found
/// by "ynys mon".
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
            'ý' | 'ÿ' | 'ŷ' => 'y',
            'ŵ' => 'w',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Ynys Môn"), "ynys mon");
        assert_eq!(fold("NI 192"), "ni 192");
    }
}
