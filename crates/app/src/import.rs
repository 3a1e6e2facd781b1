//! Importing files: every line is checked before anything is written, every
//! bad line is reported with its line number, column and reason, and a file
//! with any bad line writes nothing. Values stream through in chunks inside
//! one transaction, so a file of millions of rows never sits in memory.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::io::Read;
use std::sync::Arc;

use serde::Serialize;
use stocktake_core::{
    DenominatorOverPeriods, Factor, Frequency, Group, Hierarchy, HierarchyError, Indicator, Kind,
    OrgUnit, Period, Polarity, Target,
};
use stocktake_store::{TargetRow, ValueRow};

use crate::files::{CsvRows, FileErrors, FileKind, Row, number};
use crate::{AppError, Stocktake};

/// Whether an import writes, or only checks and reports (the web preview).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    Preview,
    Write,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub kind: FileKind,
    pub file: String,
    /// Data rows read (and, when written, upserted).
    pub rows: u64,
    pub written: bool,
}

/// Rows of values written per statement batch.
const VALUE_CHUNK: usize = 5_000;

impl Stocktake {
    /// Imports one file. `progress` is told how many bytes have been read.
    #[tracing::instrument(skip_all, fields(kind = %kind, file = file))]
    pub async fn import(
        &self,
        kind: FileKind,
        file: &str,
        input: impl Read,
        mode: ImportMode,
        actor: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportSummary, AppError> {
        let rows = CsvRows::open(kind, file, input)?;
        let rows = match kind {
            FileKind::OrgUnits => self.import_org_units(file, rows, mode, actor).await?,
            FileKind::Groups => self.import_groups(file, rows, mode, actor).await?,
            FileKind::Indicators => self.import_indicators(file, rows, mode, actor).await?,
            FileKind::Values => {
                self.import_values(file, rows, mode, actor, progress)
                    .await?
            }
            FileKind::Targets => self.import_targets(file, rows, mode, actor).await?,
        };
        Ok(ImportSummary {
            kind,
            file: file.to_owned(),
            rows,
            written: mode == ImportMode::Write,
        })
    }

    /// Imports several files given as text, in the order given (units before
    /// the values that name them): the demo, fixtures and tests.
    pub async fn import_texts(
        &self,
        files: &[(FileKind, &str)],
        actor: &str,
    ) -> Result<Vec<ImportSummary>, AppError> {
        let mut done = Vec::with_capacity(files.len());
        for (kind, text) in files {
            let name = format!("{kind}.csv");
            done.push(
                self.import(
                    *kind,
                    &name,
                    text.as_bytes(),
                    ImportMode::Write,
                    actor,
                    &|_| {},
                )
                .await?,
            );
        }
        Ok(done)
    }

    async fn import_org_units(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &str,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut lines: HashMap<String, u64> = HashMap::new();
        let mut units = Vec::new();
        rows.for_each(&mut errors, |row, errors| {
            let code = row.get("code");
            let mut ok = required(row, &["code", "name", "level"], errors);
            if ok && let Some(first) = lines.get(code) {
                errors.push(
                    row.line,
                    Some("code"),
                    format!("unit {code} appears twice: also on line {first}"),
                );
                ok = false;
            }
            if ok && row.optional("parent_code") == Some(code) {
                errors.push(
                    row.line,
                    Some("parent_code"),
                    format!("unit {code} cannot be its own parent"),
                );
                ok = false;
            }
            if ok {
                lines.insert(code.to_owned(), row.line);
                units.push(OrgUnit {
                    code: code.to_owned(),
                    name: row.get("name").to_owned(),
                    level: row.get("level").to_owned(),
                    parent: row.optional("parent_code").map(str::to_owned),
                });
            }
        });
        // The file's units replace the database's units of the same code.
        let mut merged: Vec<OrgUnit> = self
            .analytics()
            .hierarchy()
            .units()
            .iter()
            .filter(|u| !lines.contains_key(&u.code))
            .cloned()
            .collect();
        merged.extend(units.iter().cloned());
        if let Err(problems) = Hierarchy::build(merged) {
            for problem in problems {
                match &problem {
                    HierarchyError::UnknownParent { code, .. } => errors.push(
                        lines.get(code).copied().unwrap_or(0),
                        Some("parent_code"),
                        problem.to_string(),
                    ),
                    HierarchyError::Cycle { path, .. } => {
                        let line = path
                            .split(" > ")
                            .find_map(|c| lines.get(c).copied())
                            .unwrap_or(0);
                        errors.push(line, Some("parent_code"), problem.to_string())
                    }
                    HierarchyError::Duplicate { code } => errors.push(
                        lines.get(code).copied().unwrap_or(0),
                        Some("code"),
                        problem.to_string(),
                    ),
                }
            }
        }
        finish(errors)?;
        if mode == ImportMode::Write && !units.is_empty() {
            self.store.upsert_org_units(&units, actor).await?;
            self.reload().await?;
        }
        Ok(units.len() as u64)
    }

    async fn import_groups(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &str,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut groups: Vec<Group> = Vec::new();
        let mut names: HashMap<String, (String, u64)> = HashMap::new();
        let mut seen: HashMap<(String, String), u64> = HashMap::new();
        let mut count = 0;
        {
            let cache = self.analytics();
            rows.for_each(&mut errors, |row, errors| {
                count += 1;
                if !required(row, &["group", "member"], errors) {
                    return;
                }
                let (group, member) = (row.get("group"), row.get("member"));
                if cache.hierarchy().find(member).is_none() {
                    errors.push(row.line, Some("member"), format!("unknown organisation unit {member}: import it in the org-units file first"));
                    return;
                }
                if let Some(first) = seen.insert((group.to_owned(), member.to_owned()), row.line) {
                    errors.push(row.line, Some("member"), format!("{member} is listed in group {group} twice: also on line {first}"));
                    return;
                }
                if let Some(name) = row.optional("group_name") {
                    match names.get(group) {
                        Some((other, line)) if other != name => errors.push(
                            row.line,
                            Some("group_name"),
                            format!("group {group} is named {other:?} on line {line} and {name:?} here: use one name"),
                        ),
                        Some(_) => {}
                        None => {
                            names.insert(group.to_owned(), (name.to_owned(), row.line));
                        }
                    }
                }
                match groups.iter_mut().find(|g| g.code == group) {
                    Some(g) => {
                        if !g.members.iter().any(|m| m == member) {
                            g.members.push(member.to_owned());
                        }
                    }
                    // A file adds members: a group already held keeps the ones it has.
                    None => {
                        let existing = cache.groups().iter().find(|g| g.code == group);
                        let mut members: Vec<String> = existing.map(|g| g.members.clone()).unwrap_or_default();
                        if !members.iter().any(|m| m == member) {
                            members.push(member.to_owned());
                        }
                        groups.push(Group {
                            code: group.to_owned(),
                            name: existing.map_or_else(|| group.to_owned(), |g| g.name.clone()),
                            members,
                        });
                    }
                }
            });
        }
        finish(errors)?;
        for g in &mut groups {
            if let Some((name, _)) = names.remove(&g.code) {
                g.name = name;
            }
        }
        if mode == ImportMode::Write && !groups.is_empty() {
            self.store.upsert_groups(&groups, actor).await?;
            let fresh = self.store.groups().await?;
            self.analytics_mut().set_groups(fresh);
            self.own_write(1).await?;
        }
        Ok(count)
    }

    async fn import_indicators(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &str,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut lines: HashMap<String, u64> = HashMap::new();
        let mut indicators: Vec<(u64, Indicator)> = Vec::new();
        rows.for_each(&mut errors, |row, errors| {
            if let Some(ind) = parse_indicator(row, errors) {
                if let Some(first) = lines.get(&ind.code) {
                    errors.push(
                        row.line,
                        Some("code"),
                        format!("indicator {} appears twice: also on line {first}", ind.code),
                    );
                    return;
                }
                lines.insert(ind.code.clone(), row.line);
                indicators.push((row.line, ind));
            }
        });
        // An indicator's frequency cannot change once it has values.
        let changed: Vec<(u64, Indicator, Frequency)> = {
            let cache = self.analytics();
            indicators
                .iter()
                .filter_map(|(line, ind)| {
                    let old = cache.indicator(cache.find_indicator(&ind.code)?);
                    (old.frequency != ind.frequency).then(|| (*line, ind.clone(), old.frequency))
                })
                .collect()
        };
        for (line, ind, old) in changed {
            let probe = stocktake_store::ValueFilter {
                indicator: Some(ind.code.clone()),
                limit: Some(1),
                ..Default::default()
            };
            if !self.store.values(&probe).await?.is_empty() {
                errors.push(
                    line,
                    Some("frequency"),
                    format!(
                        "indicator {} already has {} values, so its frequency cannot change to {}: keep {old}, or add a new indicator",
                        ind.code,
                        old.adjective(),
                        ind.frequency
                    ),
                );
            }
        }
        finish(errors)?;
        let indicators: Vec<Indicator> = indicators.into_iter().map(|(_, i)| i).collect();
        if mode == ImportMode::Write && !indicators.is_empty() {
            self.store.upsert_indicators(&indicators, actor).await?;
            {
                let mut cache = self.analytics_mut();
                for ind in &indicators {
                    cache.put_indicator(ind.clone());
                }
            }
            self.own_write(1).await?;
        }
        Ok(indicators.len() as u64)
    }

    async fn import_values(
        &self,
        file: &str,
        mut rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64, AppError> {
        let reference = self.reference();
        let mut errors = FileErrors::new(file);
        let mut first_line: FxHashMap<(u32, u32, Period), u64> = FxHashMap::default();
        let mut writer = match mode {
            ImportMode::Write => Some(self.store.begin_values().await?),
            ImportMode::Preview => None,
        };
        // Rows are kept for the cache only when a live cache needs them.
        let keep = mode == ImportMode::Write && self.values_loaded();
        let mut kept: Vec<(u32, u32, ValueRow)> = Vec::new();
        let mut chunk: Vec<ValueRow> = Vec::with_capacity(VALUE_CHUNK);
        let mut count = 0u64;
        while let Some(row) = rows.next(&mut errors) {
            count += 1;
            let parsed = reference.value(row.line, &ValueFields::of(&row), &mut errors);
            let line = row.line;
            if count.is_multiple_of(8192) {
                progress(rows.byte());
            }
            let Some((ind, unit, value)) = parsed else {
                continue;
            };
            if let Some(first) = first_line.insert((ind, unit, value.period), line) {
                errors.push(
                    line,
                    None,
                    format!(
                        "duplicate: line {first} already gives {} for {} in {}; keep one of them",
                        value.indicator, value.org_unit, value.period
                    ),
                );
                continue;
            }
            if !errors.is_empty() {
                // Keep checking the file, but stop writing: nothing will be kept.
                if let Some(w) = writer.take() {
                    w.rollback().await?;
                }
                kept = Vec::new();
                chunk = Vec::new();
                continue;
            }
            let Some(w) = writer.as_mut() else {
                continue; // A preview checks only.
            };
            if keep {
                kept.push((ind, unit, value.clone()));
            }
            chunk.push(value);
            if chunk.len() == VALUE_CHUNK {
                w.write(&chunk).await?;
                chunk.clear();
            }
        }
        progress(rows.byte());
        if !errors.is_empty() {
            if let Some(w) = writer.take() {
                w.rollback().await?;
            }
            return Err(errors.into());
        }
        if let Some(mut w) = writer {
            if !chunk.is_empty() {
                w.write(&chunk).await?;
            }
            w.commit(actor, &format!("imported {count} values from {file}"))
                .await?;
            if keep {
                let mut cache = self.analytics_mut();
                for (ind, unit, v) in kept {
                    cache.load_value(ind, unit, v.period, Some(v.observation), v.note);
                }
                let touched: std::collections::BTreeSet<u32> =
                    first_line.keys().map(|k| k.0).collect();
                for ind in touched {
                    cache.recompute(ind);
                }
            }
            self.own_write(1).await?;
        }
        Ok(count)
    }

    async fn import_targets(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &str,
    ) -> Result<u64, AppError> {
        let reference = self.reference();
        let mut errors = FileErrors::new(file);
        let mut first_line: FxHashMap<(u32, u32, Period), u64> = FxHashMap::default();
        let mut targets: Vec<(u32, u32, TargetRow)> = Vec::new();
        rows.for_each(&mut errors, |row, errors| {
            let key = reference.key(
                row.line,
                [row.get("indicator"), row.get("org_unit"), row.get("period")],
                errors,
                true,
            );
            // The numbers are checked even when the key is bad, so every problem on the line is reported.
            let target = number(row.line, "target", row.get("target"), errors);
            let tolerance = number(row.line, "tolerance", row.get("tolerance"), errors);
            let Some((ind, unit, period)) = key else {
                return;
            };
            let (Ok(target), Ok(tolerance)) = (target, tolerance) else {
                return;
            };
            let Some(target) = target else {
                errors.push(
                    row.line,
                    Some("target"),
                    "target is blank: give the target figure",
                );
                return;
            };
            let tolerance = tolerance.map_or(0.0, |t| t.value);
            if tolerance < 0.0 {
                errors.push(
                    row.line,
                    Some("tolerance"),
                    "tolerance is a percentage of the target and cannot be negative",
                );
                return;
            }
            if let Some(first) = first_line.insert((ind, unit, period), row.line) {
                errors.push(
                    row.line,
                    None,
                    format!("duplicate: line {first} already sets this target; keep one of them"),
                );
                return;
            }
            targets.push((
                ind,
                unit,
                TargetRow {
                    indicator: row.get("indicator").to_owned(),
                    org_unit: row.get("org_unit").to_owned(),
                    period,
                    target: Target {
                        target: target.value,
                        tolerance,
                    },
                },
            ));
        });
        finish(errors)?;
        if mode == ImportMode::Write && !targets.is_empty() {
            let rows: Vec<TargetRow> = targets.iter().map(|(_, _, t)| t.clone()).collect();
            self.store.upsert_targets(&rows, actor).await?;
            {
                let mut cache = self.analytics_mut();
                for (ind, unit, t) in &targets {
                    cache.set_target(*ind, *unit, t.period, Some(t.target));
                }
            }
            self.own_write(1).await?;
        }
        Ok(targets.len() as u64)
    }

    /// The units and indicators that imports check codes against, copied out
    /// of the cache so no lock is held while a file is read.
    pub(crate) fn reference(&self) -> Reference {
        let cache = self.analytics();
        Reference {
            hierarchy: cache.shared_hierarchy(),
            indicators: cache.indicators().to_vec(),
            by_code: cache
                .indicators()
                .iter()
                .enumerate()
                .map(|(i, ind)| (ind.code.clone(), i as u32))
                .collect(),
        }
    }
}

/// Codes a file may refer to.
pub(crate) struct Reference {
    pub hierarchy: Arc<Hierarchy>,
    pub indicators: Vec<Indicator>,
    pub by_code: HashMap<String, u32>,
}

/// The cells of one value, from a file row, a form or a JSON item.
pub(crate) struct ValueFields<'a> {
    pub indicator: &'a str,
    pub org_unit: &'a str,
    pub period: &'a str,
    pub value: &'a str,
    pub numerator: &'a str,
    pub denominator: &'a str,
    pub note: &'a str,
}

impl<'a> ValueFields<'a> {
    fn of(row: &'a Row<'a>) -> ValueFields<'a> {
        ValueFields {
            indicator: row.get("indicator"),
            org_unit: row.get("org_unit"),
            period: row.get("period"),
            value: row.get("value"),
            numerator: row.get("numerator"),
            denominator: row.get("denominator"),
            note: row.get("note"),
        }
    }
}

impl Reference {
    /// Reads and checks indicator, org_unit and period. `coarser_ok` allows a
    /// period longer than the indicator's frequency (targets are often annual).
    pub fn key(
        &self,
        line: u64,
        cells: [&str; 3],
        errors: &mut FileErrors,
        coarser_ok: bool,
    ) -> Option<(u32, u32, Period)> {
        let [code, unit_code, period] = cells.map(str::trim);
        let mut all_present = true;
        for (name, cell) in [
            ("indicator", code),
            ("org_unit", unit_code),
            ("period", period),
        ] {
            all_present &= present(line, name, cell, errors);
        }
        if !all_present {
            return None;
        }
        let ind = self.by_code.get(code).copied();
        if ind.is_none() {
            errors.push(
                line,
                Some("indicator"),
                format!("unknown indicator {code}: import it in the indicators file first"),
            );
        }
        let unit = self.hierarchy.find(unit_code);
        if unit.is_none() {
            errors.push(
                line,
                Some("org_unit"),
                format!(
                    "unknown organisation unit {unit_code}: import it in the org-units file first"
                ),
            );
        }
        let period = match period.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(line, Some("period"), e.to_string());
                None
            }
        };
        let (ind, unit, period) = (ind?, unit?, period?);
        let indicator = &self.indicators[ind as usize];
        let fits = period.frequency() == indicator.frequency
            || (coarser_ok && period.frequency() > indicator.frequency);
        if !fits {
            errors.push(
                line,
                Some("period"),
                format!(
                    "{period} is a {} but {} is collected by {}: write a {} such as {}",
                    period.frequency(),
                    indicator.code,
                    indicator.frequency,
                    indicator.frequency,
                    example_period(indicator.frequency)
                ),
            );
            return None;
        }
        Some((ind, unit, period))
    }

    /// Reads and checks one value; problems go to `errors` under `line`.
    pub fn value(
        &self,
        line: u64,
        cells: &ValueFields<'_>,
        errors: &mut FileErrors,
    ) -> Option<(u32, u32, ValueRow)> {
        let key = self.key(
            line,
            [cells.indicator, cells.org_unit, cells.period],
            errors,
            false,
        );
        let value = number(line, "value", cells.value, errors);
        let numerator = number(line, "numerator", cells.numerator, errors);
        let denominator = number(line, "denominator", cells.denominator, errors);
        let (ind, unit, period) = key?;
        let (Ok(value), Ok(numerator), Ok(denominator)) = (value, numerator, denominator) else {
            return None;
        };
        let indicator = &self.indicators[ind as usize];
        match indicator.observation(
            value,
            numerator.map(|n| n.value),
            denominator.map(|d| d.value),
        ) {
            Ok(observation) => Some((
                ind,
                unit,
                ValueRow {
                    indicator: indicator.code.clone(),
                    org_unit: self.hierarchy.unit(unit).code.clone(),
                    period,
                    observation,
                    note: Some(cells.note.trim())
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned),
                },
            )),
            Err(e) => {
                errors.push(line, Some(e.field()), e.to_string());
                None
            }
        }
    }
}

fn example_period(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Month => "2025-01",
        Frequency::Quarter => "2024/25 Q3",
        Frequency::Year => "2024/25",
    }
}

/// Reports blank required cells; true when all are present.
fn required(row: &Row<'_>, columns: &[&str], errors: &mut FileErrors) -> bool {
    let mut ok = true;
    for c in columns {
        ok &= present(row.line, c, row.get(c), errors);
    }
    ok
}

/// Reports a blank required cell; true when it has something in it.
fn present(line: u64, column: &str, cell: &str, errors: &mut FileErrors) -> bool {
    if cell.is_empty() {
        errors.push(
            line,
            Some(column),
            format!("{column} is blank: every row needs one"),
        );
    }
    !cell.is_empty()
}

fn finish(errors: FileErrors) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

/// Reads an indicators row.
fn parse_indicator(row: &Row<'_>, errors: &mut FileErrors) -> Option<Indicator> {
    let complete = required(
        row,
        &["code", "title", "kind", "polarity", "frequency"],
        errors,
    );
    fn checked<T>(
        line: u64,
        errors: &mut FileErrors,
        column: &str,
        result: Result<T, String>,
    ) -> Option<T> {
        result
            .map_err(|why| errors.push(line, Some(column), why))
            .ok()
    }
    let kind = checked(row.line, errors, "kind", row.get("kind").parse::<Kind>());
    let polarity = checked(
        row.line,
        errors,
        "polarity",
        row.get("polarity").parse::<Polarity>(),
    );
    let frequency = checked(
        row.line,
        errors,
        "frequency",
        row.get("frequency").parse::<Frequency>(),
    );
    let factor = checked(
        row.line,
        errors,
        "factor",
        match row.optional("factor") {
            None => Ok(Factor::ONE),
            Some(f) => f.parse::<Factor>(),
        },
    );
    let decimals = checked(
        row.line,
        errors,
        "decimals",
        match row.optional("decimals") {
            None => Ok(1),
            Some(d) => d
                .parse::<u8>()
                .ok()
                .filter(|d| *d <= 6)
                .ok_or_else(|| format!("decimals {d:?} is not a whole number from 0 to 6")),
        },
    );
    let over = checked(
        row.line,
        errors,
        "denominator_over_periods",
        row.get("denominator_over_periods")
            .parse::<DenominatorOverPeriods>(),
    );
    let (kind, polarity, frequency, factor, decimals, over) =
        (kind?, polarity?, frequency?, factor?, decimals?, over?);
    if !complete {
        return None;
    }
    if kind != Kind::Ratio && factor != Factor::ONE {
        errors.push(
            row.line,
            Some("factor"),
            format!(
                "factor applies only to ratio indicators, and this one is a {}: leave factor blank",
                kind.as_str()
            ),
        );
        return None;
    }
    if kind != Kind::Ratio && over != DenominatorOverPeriods::Sum {
        errors.push(
            row.line,
            Some("denominator_over_periods"),
            "denominator_over_periods applies only to ratio indicators: leave it blank",
        );
        return None;
    }
    Some(Indicator {
        code: row.get("code").to_owned(),
        title: row.get("title").to_owned(),
        description: row.get("description").to_owned(),
        unit: row.get("unit").to_owned(),
        polarity,
        kind,
        factor,
        frequency,
        decimals,
        owner: row.get("owner").to_owned(),
        set: row.get("set").to_owned(),
        denominator_over_periods: over,
    })
}
