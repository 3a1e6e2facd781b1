//! Importing files: every line is checked before anything is written, every
//! bad line is reported with its line number, column and reason, and a file
//! with any bad line writes nothing. Values stream through in chunks inside
//! one transaction, so a file of millions of rows never sits in memory.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use rustc_hash::FxHashMap;
use serde::Serialize;
use stocktake_core::{
    AppliesRule, DenominatorOverPeriods, Factor, Frequency, Group, GroupCode, Hierarchy,
    HierarchyError, IndIdx, Indicator, IndicatorCode, Kind, NumberRules, OrgUnit, OrgUnitCode,
    Period, Polarity, Target, TextKind, UnitIdx,
};
use stocktake_store::{Actor, TargetRow, ValueRow};

use super::entry::{Refusal, reason_text, state_for};
use super::files::{CsvRows, FileErrors, FileKind, Row};
use super::judge::Change;
use super::parse::{ParsedValue, Reference, ValueFields, number, present, shown, text};
use crate::access::rights::Rights;
use crate::{AppError, Caller, Stocktake};

/// Whether an import writes, or only checks and reports (the web preview).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    Preview,
    Write,
}

/// How to import: write or only check, whether targets are ratified as
/// they are imported, and the reason for the audit trail (needed to change
/// approved values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    pub mode: ImportMode,
    /// Targets in the file are recorded as ratified (the committee has
    /// agreed them), so they judge figures at once; otherwise proposed.
    pub ratify_targets: bool,
    pub reason: Option<String>,
}

impl From<ImportMode> for ImportOptions {
    fn from(mode: ImportMode) -> ImportOptions {
        ImportOptions {
            mode,
            ratify_targets: false,
            reason: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub kind: FileKind,
    pub file: String,
    /// Data rows read (and, when written, upserted).
    pub rows: u64,
    pub written: bool,
    /// Values file rows that change figures already approved: a preview
    /// counts them, and the import then needs a reason.
    pub approved_changed: u64,
}

/// What every row of a values file is checked against.
#[derive(Clone, Copy)]
struct Checks<'a> {
    rights: &'a Rights,
    reason: Option<&'a str>,
    mode: ImportMode,
}

/// Rows of values written per statement batch.
const VALUE_CHUNK: usize = 5_000;

impl Stocktake {
    /// The kinds of file the caller may import: every kind for performance
    /// officers and administrators, values for owners, none for viewers
    /// (refused, saying so).
    pub fn import_kinds(&self, caller: &Caller) -> Result<Vec<FileKind>, AppError> {
        let rights = self.rights(caller, &self.analytics())?;
        rights.require_write()?;
        if rights.role.runs_framework() {
            Ok(FileKind::ALL.to_vec())
        } else if rights.enters_values() {
            Ok(vec![FileKind::Values])
        } else {
            Err(AppError::forbidden(format!(
                "you are signed in as a {}: files are imported by owners (their values) and performance officers",
                rights.role.label()
            )))
        }
    }

    /// Imports one file. `progress` is told how many bytes have been read.
    ///
    /// Units, groups, indicators and targets are the framework's: only
    /// performance officers and administrators import them. Values may be
    /// imported by anyone who enters them, each line checked against the
    /// caller's rights (an owner's own indicators, within their scope).
    #[tracing::instrument(skip_all, fields(kind = %kind, file = file))]
    pub async fn import(
        &self,
        caller: &Caller,
        kind: FileKind,
        file: &str,
        input: impl Read,
        options: impl Into<ImportOptions>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportSummary, AppError> {
        let options = options.into();
        let mode = options.mode;
        let rights = self.rights(caller, &self.analytics())?;
        match kind {
            FileKind::Values => {
                rights.require_write()?;
                if !rights.enters_values() {
                    return Err(AppError::forbidden(format!(
                        "you are signed in as a {}: values are imported by their owners and performance officers",
                        rights.role.label()
                    )));
                }
            }
            _ => rights.require_framework(&format!("import {}", kind.noun()))?,
        }
        let rows = CsvRows::open(kind, file, input)?;
        let actor = caller.audit_actor();
        let actor = &actor;
        let mut approved_changed = 0;
        let rows = match kind {
            FileKind::OrgUnits => self.import_org_units(file, rows, mode, actor).await?,
            FileKind::Groups => self.import_groups(file, rows, mode, actor).await?,
            FileKind::Indicators => self.import_indicators(file, rows, mode, actor).await?,
            FileKind::Values => {
                let reason = reason_text(options.reason.as_deref())?;
                let (count, changed) = self
                    .import_values(file, rows, mode, actor, &rights, reason, progress)
                    .await?;
                approved_changed = changed;
                count
            }
            FileKind::Targets => {
                self.import_targets(file, rows, mode, actor, &rights, options.ratify_targets)
                    .await?
            }
            FileKind::Applies => self.import_applies(file, rows, mode, actor).await?,
            FileKind::Neighbours => {
                self.import_neighbours(file, rows, mode, &rights, actor)
                    .await?
            }
            FileKind::HotSpotRules => self.import_hot_spot_rules(file, rows, mode, actor).await?,
        };
        Ok(ImportSummary {
            kind,
            file: file.to_owned(),
            rows,
            written: mode == ImportMode::Write,
            approved_changed,
        })
    }

    /// Imports several files given as text, in the order given (units before
    /// the values that name them): the demo, fixtures and tests. Targets are
    /// taken as ratified.
    pub async fn import_texts(
        &self,
        caller: &Caller,
        files: &[(FileKind, &str)],
    ) -> Result<Vec<ImportSummary>, AppError> {
        let mut done = Vec::with_capacity(files.len());
        for (kind, text) in files {
            let name = format!("{kind}.csv");
            done.push(
                self.import(
                    caller,
                    *kind,
                    &name,
                    text.as_bytes(),
                    ImportOptions {
                        mode: ImportMode::Write,
                        ratify_targets: true,
                        reason: None,
                    },
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
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut lines: HashMap<OrgUnitCode, u64> = HashMap::new();
        let mut units = Vec::new();
        rows.for_each(&mut errors, |row, errors| {
            let code = code::<OrgUnitCode>(row, "code", errors);
            let parent = optional_code::<OrgUnitCode>(row, "parent_code", errors);
            let name = required_text(row, "name", TextKind::Name, errors);
            let level = required_text(row, "level", TextKind::Label, errors);
            let (Some(code), Ok(parent), Some(name), Some(level)) = (code, parent, name, level)
            else {
                return;
            };
            if let Some(first) = lines.get(&code) {
                errors.push(
                    row.line,
                    Some("code"),
                    format!("unit {code} appears twice: also on line {first}"),
                );
                return;
            }
            if parent.as_ref() == Some(&code) {
                errors.push(
                    row.line,
                    Some("parent_code"),
                    format!("unit {code} cannot be its own parent"),
                );
                return;
            }
            lines.insert(code.clone(), row.line);
            units.push(OrgUnit {
                code,
                name,
                level,
                parent,
            });
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
                let (line, column) = match &problem {
                    HierarchyError::UnknownParent { code, .. } => {
                        (lines.get(code).copied(), "parent_code")
                    }
                    HierarchyError::Cycle { path, .. } => (
                        path.split(" > ").find_map(|c| lines.get(c).copied()),
                        "parent_code",
                    ),
                    HierarchyError::Duplicate { code } => (lines.get(code).copied(), "code"),
                };
                errors.push(line.unwrap_or(0), Some(column), problem.to_string());
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
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut groups: Vec<Group> = Vec::new();
        let mut names: HashMap<GroupCode, (String, u64)> = HashMap::new();
        let mut seen: HashMap<(GroupCode, OrgUnitCode), u64> = HashMap::new();
        let mut count = 0;
        {
            let cache = self.analytics();
            rows.for_each(&mut errors, |row, errors| {
                count += 1;
                let group = code::<GroupCode>(row, "group", errors);
                let member = code::<OrgUnitCode>(row, "member", errors);
                let name = text(row.line, "group_name", TextKind::Name, row.get("group_name"), errors);
                let (Some(group), Some(member), Ok(name)) = (group, member, name) else {
                    return;
                };
                if cache.hierarchy().find(member.as_str()).is_none() {
                    errors.push(row.line, Some("member"), format!("unknown organisation unit {}: import it in the org-units file first", shown(member.as_str())));
                    return;
                }
                if let Some(first) = seen.insert((group.clone(), member.clone()), row.line) {
                    errors.push(row.line, Some("member"), format!("{member} is listed in group {group} twice: also on line {first}"));
                    return;
                }
                if let Some(name) = name {
                    match names.get(&group) {
                        Some((other, line)) if *other != name => errors.push(
                            row.line,
                            Some("group_name"),
                            format!("group {group} is named {other:?} on line {line} and {name:?} here: use one name"),
                        ),
                        Some(_) => {}
                        None => {
                            names.insert(group.clone(), (name, row.line));
                        }
                    }
                }
                match groups.iter_mut().find(|g| g.code == group) {
                    Some(g) => {
                        if !g.members.contains(&member) {
                            g.members.push(member);
                        }
                    }
                    // A file adds members: a group already held keeps the ones it has.
                    None => {
                        let existing = cache.groups().iter().find(|g| g.code == group);
                        let mut members: Vec<OrgUnitCode> = existing.map(|g| g.members.clone()).unwrap_or_default();
                        if !members.contains(&member) {
                            members.push(member);
                        }
                        groups.push(Group {
                            name: existing.map_or_else(|| group.to_string(), |g| g.name.clone()),
                            code: group,
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
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut lines: HashMap<IndicatorCode, u64> = HashMap::new();
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
                    let old = cache.indicator(cache.find_indicator(ind.code.as_str())?);
                    (old.frequency != ind.frequency).then(|| (*line, ind.clone(), old.frequency))
                })
                .collect()
        };
        for (line, ind, old) in changed {
            if self.store.indicator_has_values(ind.code.as_str()).await? {
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

    #[allow(clippy::too_many_arguments)]
    async fn import_values(
        &self,
        file: &str,
        mut rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &Actor,
        rights: &Rights,
        reason: Option<&str>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<(u64, u64), AppError> {
        let reference = Reference::of(&self.analytics());
        let mut errors = FileErrors::new(file);
        let mut first_line = FirstLines::new(reference.hierarchy().len());
        let mut writer = match mode {
            ImportMode::Write => Some(self.store.begin_values(actor).await?),
            ImportMode::Preview => None,
        };
        // The live cache takes every row once the import commits.
        let keep_all = mode == ImportMode::Write && self.options.load_values;
        let mut kept: Vec<(Change, Option<String>, bool)> = Vec::new();
        // Rows that could need commentary are judged once the whole file is
        // read, against every row of their indicators.
        let rules = self.commentary_rules();
        let targeted: BTreeSet<IndIdx> = {
            let cache = self.analytics();
            cache.indicators_with_targets().collect()
        };
        let mut judge_batch: Vec<Change> = Vec::new();
        let mut judge_rows: Vec<(usize, u64)> = Vec::new();
        let mut pending: Vec<(u64, ParsedValue)> = Vec::with_capacity(VALUE_CHUNK);
        let mut approved_changed = 0u64;
        let mut count = 0u64;
        while let Some(row) = rows.next(&mut errors) {
            count += 1;
            let parsed = reference.value(row.line, &ValueFields::of(&row), &mut errors);
            let line = row.line;
            if count.is_multiple_of(8192) {
                progress(rows.byte());
            }
            let Some(parsed) = parsed else {
                continue;
            };
            if let Some(first) =
                first_line.insert(parsed.indicator, parsed.unit, parsed.row.period, line)
            {
                errors.push(
                    line,
                    None,
                    format!(
                        "duplicate: line {first} already gives {} for {} in {}; keep one of them",
                        parsed.row.indicator, parsed.row.org_unit, parsed.row.period
                    ),
                );
                continue;
            }
            if rules.any() {
                let judged = rules.applies(targeted.contains(&parsed.indicator))
                    && parsed.row.note.is_none()
                    && (rules.when_moved_percent > 0.0
                        || reference.has_target(parsed.indicator, parsed.unit, parsed.row.period));
                if judged {
                    judge_rows.push((judge_batch.len(), line));
                }
                if judged || targeted.contains(&parsed.indicator) {
                    judge_batch.push(parsed.change());
                }
            }
            pending.push((line, parsed));
            if pending.len() == VALUE_CHUNK {
                self.write_checked(
                    &mut pending,
                    Checks {
                        rights,
                        reason,
                        mode,
                    },
                    &mut errors,
                    &mut writer,
                    keep_all.then_some(&mut kept),
                    &mut approved_changed,
                )
                .await?;
            }
        }
        self.write_checked(
            &mut pending,
            Checks {
                rights,
                reason,
                mode,
            },
            &mut errors,
            &mut writer,
            keep_all.then_some(&mut kept),
            &mut approved_changed,
        )
        .await?;
        progress(rows.byte());
        if !judge_rows.is_empty() {
            let positions: Vec<usize> = judge_rows.iter().map(|(p, _)| *p).collect();
            let verdicts = self.verdicts_once_saved(&judge_batch, &positions).await?;
            let cache = self.analytics();
            for ((position, line), verdict) in judge_rows.iter().zip(verdicts) {
                // Only rows without a note were put up for judging.
                let c = &judge_batch[*position];
                if let Some(message) = verdict.missing_commentary(
                    rules,
                    None,
                    &cache.indicator(c.indicator).code,
                    c.period,
                ) {
                    errors.push(*line, Some("note"), message);
                }
            }
            errors.sort_by_line();
        }
        if !errors.is_empty() {
            if let Some(w) = writer.take() {
                w.rollback().await?;
            }
            return Err(errors.into());
        }
        if let Some(w) = writer {
            w.commit(&format!("imported {count} values from {file}"), reason)
                .await?;
            if keep_all {
                let mut cache = self.analytics_mut();
                for (c, note, draft) in kept {
                    cache.load_value(c.indicator, c.unit, c.period, Some(c.observation), note);
                    cache.set_draft(c.indicator, c.unit, c.period, draft);
                }
                for ind in first_line.indicators() {
                    cache.recompute(ind);
                }
            }
            self.own_write(1).await?;
        }
        Ok((count, approved_changed))
    }

    /// Checks a chunk of parsed rows against the caller's rights and the
    /// locks on approved values (under one read of the cache), sets the state
    /// each is written in, and writes them unless the file already has a bad
    /// line: then writing stops (the transaction is rolled back) and checking
    /// goes on, so every bad line is reported.
    ///
    /// A preview by someone who may change approved figures counts the lines
    /// that would, in `approved_changed`: the confirmation then needs a reason.
    async fn write_checked(
        &self,
        pending: &mut Vec<(u64, ParsedValue)>,
        checks: Checks<'_>,
        errors: &mut FileErrors,
        writer: &mut Option<stocktake_store::ValueWriter>,
        kept: Option<&mut Vec<(Change, Option<String>, bool)>>,
        approved_changed: &mut u64,
    ) -> Result<(), AppError> {
        {
            let cache = self.analytics();
            for (line, parsed) in pending.iter_mut() {
                match state_for(
                    checks.rights,
                    &cache,
                    parsed.indicator,
                    parsed.unit,
                    parsed.row.period,
                    checks.reason,
                ) {
                    Ok(state) => parsed.row.state = state,
                    Err(Refusal::NeedsReason(_)) if checks.mode == ImportMode::Preview => {
                        *approved_changed += 1;
                    }
                    Err(refused) => refused.report(errors, *line),
                }
                if checks.reason.is_some()
                    && cache
                        .entered(parsed.indicator, parsed.unit, parsed.row.period)
                        .is_some()
                    && !cache.is_draft(parsed.indicator, parsed.unit, parsed.row.period)
                {
                    *approved_changed += 1;
                }
            }
        }
        if !errors.is_empty() {
            // Keep checking the file, but stop writing: nothing will be kept.
            if let Some(w) = writer.take() {
                w.rollback().await?;
            }
            pending.clear();
            return Ok(());
        }
        let Some(w) = writer.as_mut() else {
            pending.clear();
            return Ok(()); // A preview checks only.
        };
        if let Some(kept) = kept {
            kept.extend(
                pending
                    .iter()
                    .map(|(_, p)| (p.change(), p.row.note.clone(), !p.row.state.is_approved())),
            );
        }
        let rows: Vec<ValueRow> = pending.drain(..).map(|(_, p)| p.row).collect();
        w.write(&rows).await?;
        Ok(())
    }

    /// Where indicators apply: the rows of each indicator in the file
    /// replace its rules; a row with neither level nor unit makes it apply
    /// everywhere.
    async fn import_applies(
        &self,
        file: &str,
        rows: CsvRows<impl Read>,
        mode: ImportMode,
        actor: &Actor,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut rules: Vec<(IndicatorCode, Vec<AppliesRule>)> = Vec::new();
        let mut seen: HashMap<(IndicatorCode, AppliesRule), u64> = HashMap::new();
        let mut count = 0;
        {
            let cache = self.analytics();
            let levels = cache.hierarchy().levels().to_vec();
            rows.for_each(&mut errors, |row, errors| {
                count += 1;
                let indicator = code::<IndicatorCode>(row, "indicator", errors);
                let under = optional_code::<OrgUnitCode>(row, "under", errors);
                let level = text(row.line, "level", TextKind::Label, row.get("level"), errors);
                let (Some(indicator), Ok(under), Ok(level)) = (indicator, under, level) else {
                    return;
                };
                if cache.find_indicator(indicator.as_str()).is_none() {
                    errors.push(
                        row.line,
                        Some("indicator"),
                        format!("unknown indicator {}: import it in the indicators file first", shown(indicator.as_str())),
                    );
                    return;
                }
                if let Some(level) = &level
                    && !levels.contains(level)
                {
                    errors.push(
                        row.line,
                        Some("level"),
                        format!("unknown level {}: the levels are {}", shown(level), levels.join(", ")),
                    );
                    return;
                }
                if let Some(unit) = &under
                    && cache.hierarchy().find(unit.as_str()).is_none()
                {
                    errors.push(
                        row.line,
                        Some("under"),
                        format!("unknown organisation unit {}: import it in the org-units file first", shown(unit.as_str())),
                    );
                    return;
                }
                let rule = AppliesRule { level, under };
                if let Some(first) = seen.insert((indicator.clone(), rule.clone()), row.line) {
                    errors.push(row.line, None, format!("duplicate: line {first} already gives this rule for {indicator}; keep one of them"));
                    return;
                }
                match rules.iter_mut().find(|(c, _)| *c == indicator) {
                    Some((_, list)) => list.push(rule),
                    None => rules.push((indicator, vec![rule])),
                }
            });
        }
        finish(errors)?;
        if mode == ImportMode::Write && !rules.is_empty() {
            self.store.replace_applies(&rules, actor).await?;
            {
                let mut cache = self.analytics_mut();
                for (code, list) in &rules {
                    if let Some(i) = cache.find_indicator(code.as_str()) {
                        cache.set_applies(i, list.clone());
                    }
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
        actor: &Actor,
        rights: &Rights,
        ratify: bool,
    ) -> Result<u64, AppError> {
        let mut errors = FileErrors::new(file);
        let mut targets: Vec<(IndIdx, UnitIdx, TargetRow)> = Vec::new();
        {
            // The cache is written below: this read of it ends first.
            let cache = self.analytics();
            let reference = Reference::of(&cache);
            let mut first_line: FxHashMap<(IndIdx, UnitIdx, Period), u64> = FxHashMap::default();
            rows.for_each(&mut errors, |row, errors| {
                let key = reference.key(
                    row.line,
                    [row.get("indicator"), row.get("org_unit"), row.get("period")],
                    errors,
                    true,
                );
                // The numbers are checked even when the key is bad, so every problem on the line is reported.
                let target_rules = key.map_or(
                    NumberRules {
                        percent_allowed: true,
                    },
                    |(i, _, _)| reference.indicator(i).value_rules(),
                );
                let target = number(row.line, "target", row.get("target"), target_rules, errors);
                // Tolerance is itself a percentage (of the target).
                let percent = NumberRules {
                    percent_allowed: true,
                };
                let tolerance =
                    number(row.line, "tolerance", row.get("tolerance"), percent, errors);
                let Some((ind, unit, period)) = key else {
                    return;
                };
                // A performance officer sets targets within their scope.
                if let Err(refused) = rights.require_sees(&cache, unit) {
                    errors.push(row.line, Some("org_unit"), refused.to_string());
                    return;
                }
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
                        format!(
                            "duplicate: line {first} already sets this target; keep one of them"
                        ),
                    );
                    return;
                }
                targets.push((
                    ind,
                    unit,
                    TargetRow {
                        indicator: reference.indicator(ind).code.clone(),
                        org_unit: reference.hierarchy().unit(unit).code.clone(),
                        period,
                        target: Target {
                            target: target.value,
                            tolerance,
                        },
                        ratified: ratify,
                    },
                ));
            });
        }
        finish(errors)?;
        if mode == ImportMode::Write && !targets.is_empty() {
            let rows: Vec<TargetRow> = targets.iter().map(|(_, _, t)| t.clone()).collect();
            self.store.upsert_targets(&rows, actor).await?;
            {
                // Only a ratified target judges; a proposal replacing a
                // ratified target leaves none until it is ratified.
                let mut cache = self.analytics_mut();
                for (ind, unit, t) in &targets {
                    cache.set_target(*ind, *unit, t.period, ratify.then_some(t.target));
                }
            }
            self.own_write(1).await?;
        }
        Ok(targets.len() as u64)
    }
}

/// The line on which each indicator, unit and period was first given, to
/// refuse it given again. A file of millions of values gives most units of
/// each indicator and period, so the lines are kept per indicator and period
/// in a table of one slot per unit once that is the smaller; few units, a
/// small map.
struct FirstLines {
    units: usize,
    seen: FxHashMap<(IndIdx, Period), Slots>,
}

enum Slots {
    Few(FxHashMap<UnitIdx, u64>),
    /// The line, or 0 for none yet (line 1 is the header, never a value).
    Every(Vec<u32>),
}

impl FirstLines {
    fn new(units: usize) -> FirstLines {
        FirstLines {
            units,
            seen: FxHashMap::default(),
        }
    }

    /// Notes the line; the first line, if this was given before.
    fn insert(&mut self, i: IndIdx, u: UnitIdx, period: Period, line: u64) -> Option<u64> {
        let units = self.units;
        let slots = self
            .seen
            .entry((i, period))
            .or_insert_with(|| Slots::Few(FxHashMap::default()));
        if let Slots::Few(few) = slots
            && few.len() >= units / 4
        {
            let mut every = vec![0u32; units];
            for (unit, first) in few.drain() {
                every[unit.index()] = u32::try_from(first).unwrap_or(u32::MAX);
            }
            *slots = Slots::Every(every);
        }
        match slots {
            Slots::Few(few) => match few.entry(u) {
                std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(line);
                    None
                }
            },
            Slots::Every(every) => {
                let slot = &mut every[u.index()];
                if *slot != 0 {
                    return Some(u64::from(*slot));
                }
                // A file past four thousand million lines keeps the last slot.
                *slot = u32::try_from(line).unwrap_or(u32::MAX);
                None
            }
        }
    }

    /// The indicators given.
    fn indicators(&self) -> BTreeSet<IndIdx> {
        self.seen.keys().map(|(i, _)| *i).collect()
    }
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

/// Reads a required code cell of a type, reporting a blank or bad one.
pub(crate) fn code<T: std::str::FromStr<Err = stocktake_core::TextError>>(
    row: &Row<'_>,
    column: &str,
    errors: &mut FileErrors,
) -> Option<T> {
    if !present(row.line, column, row.get(column), errors) {
        return None;
    }
    optional_code(row, column, errors).ok().flatten()
}

/// Reads an optional code cell of a type; blank is none.
fn optional_code<T: std::str::FromStr<Err = stocktake_core::TextError>>(
    row: &Row<'_>,
    column: &str,
    errors: &mut FileErrors,
) -> Result<Option<T>, ()> {
    match row.optional(column) {
        None => Ok(None),
        Some(cell) => cell.parse::<T>().map(Some).map_err(|why| {
            errors.push(row.line, Some(column), format!("{column} {why}"));
        }),
    }
}

/// Reads a required text cell of a kind, reporting a blank, overlong or
/// invisible-character one.
pub(crate) fn required_text(
    row: &Row<'_>,
    column: &str,
    kind: TextKind,
    errors: &mut FileErrors,
) -> Option<String> {
    if !present(row.line, column, row.get(column), errors) {
        return None;
    }
    text(row.line, column, kind, row.get(column), errors)
        .ok()
        .flatten()
}

pub(crate) fn finish(errors: FileErrors) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

/// Reads an indicators row.
fn parse_indicator(row: &Row<'_>, errors: &mut FileErrors) -> Option<Indicator> {
    let code = code::<IndicatorCode>(row, "code", errors);
    let title = required_text(row, "title", TextKind::Title, errors);
    // Every blank is reported, so no short cut past the first.
    let mut complete = true;
    for column in ["kind", "polarity", "frequency"] {
        complete &= present(row.line, column, row.get(column), errors);
    }
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
    let unit = text(row.line, "unit", TextKind::Label, row.get("unit"), errors);
    let owner = text(row.line, "owner", TextKind::Label, row.get("owner"), errors);
    let set = text(row.line, "set", TextKind::Label, row.get("set"), errors);
    let description = text(
        row.line,
        "description",
        TextKind::Description,
        row.get("description"),
        errors,
    );
    let (code, title, kind, polarity, frequency, factor, decimals, over) = (
        code?, title?, kind?, polarity?, frequency?, factor?, decimals?, over?,
    );
    let (Ok(unit), Ok(owner), Ok(set), Ok(description)) = (unit, owner, set, description) else {
        return None;
    };
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
        code,
        title,
        description: description.unwrap_or_default(),
        unit: unit.unwrap_or_default(),
        polarity,
        kind,
        factor,
        frequency,
        decimals,
        owner: owner.unwrap_or_default(),
        set: set.unwrap_or_default(),
        denominator_over_periods: over,
    })
}
