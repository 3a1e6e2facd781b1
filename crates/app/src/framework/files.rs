//! CSV import and export of indicator sets (their descriptions, and their
//! members as `set,indicator`) and of LAA targets; frameworks travel as
//! JSON (see [`super::FrameworkForm`]). An import is all or nothing and
//! names every bad line, with its column and how to put it right; a 36th
//! designated target is refused at its own line, saying the rule.

use std::collections::BTreeMap;
use std::io::Write;

use stocktake_store::{IndicatorSetRow, LaaTargetRow};

use super::laa::check_designated;
use super::{IndicatorSetForm, LaaTargetForm};
use crate::access::Caller;
use crate::intelligence::{CsvRow, Problems, read_columns};
use crate::values::CsvWriter;
use crate::{AppError, Stocktake};

/// The files this capability reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkFile {
    /// Each set's description: code, name, owner, dates.
    Sets,
    /// Which indicators belong to which set: `set,indicator`.
    SetMembers,
    /// The targets of local area agreements.
    LaaTargets,
}

impl FrameworkFile {
    pub const ALL: [FrameworkFile; 3] = [
        FrameworkFile::Sets,
        FrameworkFile::SetMembers,
        FrameworkFile::LaaTargets,
    ];

    /// As named in addresses and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkFile::Sets => "indicator-sets",
            FrameworkFile::SetMembers => "set-members",
            FrameworkFile::LaaTargets => "laa-targets",
        }
    }

    pub fn parse(text: &str) -> Result<FrameworkFile, AppError> {
        let text = text.trim().trim_end_matches(".csv");
        FrameworkFile::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    format!("{text:?} is not a file this takes: use indicator-sets, set-members or laa-targets"),
                )
            })
    }

    /// The columns, in the order exports write them; `required` ones must
    /// be in an imported file.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            FrameworkFile::Sets => &[
                ("code", true),
                ("name", true),
                ("owner", false),
                ("valid_from", false),
                ("valid_to", false),
                ("description", false),
            ],
            FrameworkFile::SetMembers => &[("set", true), ("indicator", true)],
            FrameworkFile::LaaTargets => &[
                ("laa", true),
                ("indicator", true),
                ("kind", true),
                ("theme", false),
                ("partner", false),
                ("baseline", false),
                ("baseline_period", false),
                ("target_1", false),
                ("target_2", false),
                ("target_3", false),
                ("stretch", false),
            ],
        }
    }
}

fn number_text(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Stocktake {
    /// Writes a file of `kind` with what the caller may read; returns the
    /// number of data lines.
    pub async fn export_framework_file(
        &self,
        caller: &Caller,
        kind: FrameworkFile,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(kind.columns().iter().map(|(c, _)| *c))
            .map_err(io)?;
        let mut lines = 0u64;
        match kind {
            FrameworkFile::Sets => {
                for s in self.indicator_sets(caller).await? {
                    lines += 1;
                    csv.write_row([
                        s.code,
                        s.name,
                        s.owner,
                        s.valid_from.unwrap_or_default(),
                        s.valid_to.unwrap_or_default(),
                        s.description,
                    ])
                    .map_err(io)?;
                }
            }
            FrameworkFile::SetMembers => {
                for s in self.indicator_sets(caller).await? {
                    for m in s.members {
                        lines += 1;
                        csv.write_row([s.code.clone(), m.code]).map_err(io)?;
                    }
                }
            }
            FrameworkFile::LaaTargets => {
                let rights = self.rights(caller, &self.analytics())?;
                for row in self.store.laas().await? {
                    let seen = {
                        let cache = self.analytics();
                        cache
                            .hierarchy()
                            .find(&row.unit)
                            .is_some_and(|u| rights.sees(u))
                    };
                    if !seen {
                        continue;
                    }
                    for t in row.targets {
                        lines += 1;
                        csv.write_row([
                            row.code.clone(),
                            t.indicator,
                            t.kind,
                            t.theme,
                            t.partner,
                            number_text(t.baseline),
                            t.baseline_period,
                            number_text(t.targets[0]),
                            number_text(t.targets[1]),
                            number_text(t.targets[2]),
                            number_text(t.stretch),
                        ])
                        .map_err(io)?;
                    }
                }
            }
        }
        csv.flush().map_err(io)?;
        Ok(lines)
    }

    /// Reads a file of `kind` named `file` and saves every line, or none
    /// where any line is wrong (each named with its line and column).
    /// Returns the number of lines saved. Performance officers and
    /// administrators (within their scope for an agreement's targets).
    pub async fn import_framework_file(
        &self,
        caller: &Caller,
        kind: FrameworkFile,
        file: &str,
        bytes: &[u8],
    ) -> Result<u64, AppError> {
        self.rights(caller, &self.analytics())?
            .require_framework("import indicator sets and agreements")?;
        let rows = read_columns(kind.columns(), kind.as_str(), file, bytes)?;
        let mut problems = Problems::new(file);
        let count = rows.len() as u64;
        match kind {
            FrameworkFile::Sets => {
                let existing = self.store.indicator_sets().await?;
                let mut sets: Vec<IndicatorSetRow> = Vec::new();
                for row in &rows {
                    let form = IndicatorSetForm {
                        code: row.get("code"),
                        name: row.get("name"),
                        owner: row.get("owner"),
                        description: row.get("description"),
                        valid_from: row.optional("valid_from"),
                        valid_to: row.optional("valid_to"),
                        indicators: Vec::new(),
                    };
                    match self.checked_set(&form) {
                        Ok(mut set) => {
                            if sets.iter().any(|s| s.code == set.code) {
                                problems.add(
                                    row.line,
                                    AppError::invalid(
                                        "code",
                                        format!(
                                            "the set {} is described twice: keep one line for it",
                                            set.code
                                        ),
                                    ),
                                );
                                continue;
                            }
                            // A description leaves the members as they are.
                            set.indicators = existing
                                .iter()
                                .find(|e| e.code == set.code)
                                .map(|e| e.indicators.clone())
                                .unwrap_or_default();
                            sets.push(set);
                        }
                        Err(e) => problems.add(row.line, e),
                    }
                }
                problems.finish()?;
                self.store
                    .save_indicator_sets(&sets, false, &caller.audit_actor())
                    .await?;
            }
            FrameworkFile::SetMembers => {
                let existing = self.store.indicator_sets().await?;
                let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for row in &rows {
                    if let Err(e) = self.member_line(row, &existing, &mut members) {
                        problems.add(row.line, e);
                    }
                }
                problems.finish()?;
                let sets: Vec<IndicatorSetRow> = members
                    .into_iter()
                    .map(|(code, indicators)| IndicatorSetRow {
                        code,
                        indicators,
                        ..IndicatorSetRow::default()
                    })
                    .collect();
                self.store
                    .save_indicator_sets(&sets, true, &caller.audit_actor())
                    .await?;
            }
            FrameworkFile::LaaTargets => {
                let mut batches: BTreeMap<
                    String,
                    (stocktake_store::LaaRow, Vec<(u64, LaaTargetRow)>),
                > = BTreeMap::new();
                let mut national: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for row in &rows {
                    let code = row.get("laa");
                    if !batches.contains_key(&code) {
                        match self.writable_laa(caller, &code).await {
                            Ok((laa, members)) => {
                                national.insert(laa.code.clone(), members);
                                batches.insert(code.clone(), (laa, Vec::new()));
                            }
                            Err(AppError::NotFound { .. }) => {
                                problems.add(
                                    row.line,
                                    AppError::invalid(
                                        "laa",
                                        format!("no local area agreement you can change has the code {code:?}: add the agreement first"),
                                    ),
                                );
                                continue;
                            }
                            Err(e) => {
                                problems.add(row.line, e);
                                continue;
                            }
                        }
                    }
                    let (laa, targets) = batches.get_mut(&code).expect("added above");
                    let form = LaaTargetForm {
                        indicator: row.get("indicator"),
                        kind: row.optional("kind"),
                        theme: row.get("theme"),
                        partner: row.get("partner"),
                        baseline: row.optional("baseline"),
                        baseline_period: row.optional("baseline_period"),
                        target_1: row.optional("target_1"),
                        target_2: row.optional("target_2"),
                        target_3: row.optional("target_3"),
                        stretch: row.optional("stretch"),
                    };
                    match self.checked_target(laa, &national[&laa.code], &form) {
                        Ok(t) => {
                            if targets.iter().any(|(_, o)| o.indicator == t.indicator) {
                                problems.add(
                                    row.line,
                                    AppError::invalid(
                                        "indicator",
                                        format!(
                                            "{} is given twice for {}: keep one line for it",
                                            t.indicator, laa.code
                                        ),
                                    ),
                                );
                            } else {
                                targets.push((row.line, t));
                            }
                        }
                        Err(e) => problems.add(row.line, e),
                    }
                }
                for (laa, targets) in batches.values() {
                    let rows: Vec<LaaTargetRow> = targets.iter().map(|(_, t)| t.clone()).collect();
                    if let Err((at, message)) = check_designated(laa, &rows) {
                        problems.add(targets[at].0, AppError::invalid("kind", message));
                    }
                }
                problems.finish()?;
                let batches: Vec<(String, Vec<LaaTargetRow>)> = batches
                    .into_values()
                    .map(|(laa, targets)| (laa.code, targets.into_iter().map(|(_, t)| t).collect()))
                    .collect();
                self.store
                    .save_laa_targets(&batches, &caller.audit_actor())
                    .await?;
            }
        }
        Ok(count)
    }

    /// One `set,indicator` line, checked and added to `members`.
    fn member_line(
        &self,
        row: &CsvRow,
        existing: &[IndicatorSetRow],
        members: &mut BTreeMap<String, Vec<String>>,
    ) -> Result<(), AppError> {
        let set = row.get("set");
        let set = existing
            .iter()
            .find(|s| s.code.eq_ignore_ascii_case(set.trim()))
            .ok_or_else(|| {
                AppError::invalid(
                    "set",
                    format!("no indicator set has the code {set:?}: describe the set first (the indicator-sets file)"),
                )
            })?;
        let indicator = self
            .indicator_codes("indicator", &[row.get("indicator")])?
            .pop()
            .ok_or_else(|| AppError::invalid("indicator", "indicator is missing: give its code"))?;
        let list = members.entry(set.code.clone()).or_default();
        if list.contains(&indicator) {
            return Err(AppError::invalid(
                "indicator",
                format!(
                    "{indicator} is listed twice in {}: keep one line for it",
                    set.code
                ),
            ));
        }
        list.push(indicator);
        Ok(())
    }
}
