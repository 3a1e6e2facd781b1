//! Budgets: allocations by programme area and line in thousands of pounds,
//! as a regional partnership prints them ("Indicative Allocation of
//! Resources Subject to Further Consultation Within the Region, £'000s"):
//! lines with sub-lines, each area's printed total, the lines below the
//! areas (support, contingency), the sub-total, what is already allocated,
//! the total and the funds available.
//!
//! The printed totals are kept beside the sums of their lines, so the page
//! can say whether the budget balances and, where it does not, by how much
//! and where. Amounts are whole pounds (exact: £k with up to three decimal
//! places), never floating point. An import whose totals do not add up is
//! refused unless the one importing accepts the imbalance; it is then held
//! as printed, and the page and the audit trail say what did not add up.

use std::io::Write;

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{BudgetLineRow, BudgetRow};

use crate::access::Caller;
use crate::error::text_field;
use crate::intelligence::{CsvRow, Problems, read_columns};
use crate::values::{CsvWriter, UnitRef};
use crate::{AppError, Stocktake};

use super::PartnershipRef;

/// The kinds of line a budget file holds, with what each is.
pub const LINE_KINDS: [(&str, &str); 9] = [
    (
        "line",
        "an allocation in a programme area (its amount may be blank where sub-lines follow)",
    ),
    (
        "sub_line",
        "a part of the line before it, such as (i) and (ii)",
    ),
    ("area_total", "the printed total of a programme area"),
    (
        "allocation",
        "an allocation outside the programme areas, such as support for struggling authorities",
    ),
    ("contingency", "the contingency"),
    ("sub_total", "the printed sub-total of everything above"),
    (
        "already_allocated",
        "projects already allocated, added to the sub-total",
    ),
    ("total", "the printed total"),
    (
        "funds_available",
        "the funds available, which the total must equal",
    ),
];

/// The columns of a budget file; `true` where an import needs the column.
const COLUMNS: &[(&str, bool)] = &[
    ("budget", true),
    ("unit", true),
    ("year", true),
    ("title", true),
    ("area", true),
    ("kind", true),
    ("description", true),
    ("amount", true),
    ("consultation", false),
];

/// The budget file, as named on the command line and in addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetFile;

impl BudgetFile {
    pub const NAME: &'static str = "budgets";

    /// The columns in the order an export writes them.
    pub fn columns() -> Vec<&'static str> {
        COLUMNS.iter().map(|(c, _)| *c).collect()
    }
}

/// Pounds as thousands, as budgets print them: `1,095`, `12.5`, `-40`.
pub fn thousands(pounds: i64) -> String {
    let whole = pounds.unsigned_abs() / 1000;
    let part = pounds.unsigned_abs() % 1000;
    let digits = whole.to_string();
    let mut out = String::new();
    if pounds < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if part > 0 {
        let decimals = format!("{part:03}");
        out.push('.');
        out.push_str(decimals.trim_end_matches('0'));
    }
    out
}

/// `£1,095k`.
fn money(pounds: i64) -> String {
    match thousands(pounds).strip_prefix('-') {
        Some(positive) => format!("-£{positive}k"),
        None => format!("£{}k", thousands(pounds)),
    }
}

/// Thousands of pounds as written in a file or form: `1,095`, `1095`,
/// `12.5`, `-40`; commas only between groups of three, at most three
/// decimal places (a pound). Returns whole pounds.
pub(crate) fn parse_thousands(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let hint =
        "write thousands of pounds as digits, such as 1,095 or 12.5 (at most three decimal places)";
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let (whole, part) = match body.split_once('.') {
        Some((w, p)) => (w, Some(p)),
        None => (body, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_well = !whole.is_empty()
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && (groups.len() == 1
            || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    let part_well =
        part.is_none_or(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    if !grouped_well || !part_well {
        return Err(format!("{trimmed:?} is not an amount: {hint}"));
    }
    let whole: i64 = groups
        .concat()
        .parse()
        .ok()
        .filter(|w: &i64| *w <= 1_000_000_000)
        .ok_or_else(|| format!("{trimmed:?} is too large: {hint}"))?;
    let part: i64 = match part {
        Some(p) => format!("{p:0<3}").parse().unwrap_or(0),
        None => 0,
    };
    let pounds = whole * 1000 + part;
    Ok(if negative { -pounds } else { pounds })
}

/// A line of a budget as the page shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetLine {
    /// `line`, `sub_line`, `allocation`, `contingency`, `already_allocated`.
    pub kind: String,
    pub description: String,
    /// As printed, thousands of pounds (`1,095`); none where it prints none.
    pub amount: Option<String>,
    /// What the line counts for, thousands of pounds: its amount, or its
    /// sub-lines' sum where it prints none.
    pub counted: String,
    pub consultation: bool,
    pub sub_lines: Vec<BudgetSubLine>,
}

/// A part of a line, such as (i) and (ii) under a heading.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetSubLine {
    pub description: String,
    /// As printed, thousands of pounds.
    pub amount: Option<String>,
    pub consultation: bool,
}

/// A printed total checked against the sum of what it totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalCheck {
    /// What is totalled: `BPI`, `Sub total`, `TOTAL`, `Funds available`.
    pub what: String,
    /// As printed, thousands of pounds.
    pub printed: String,
    /// The sum of its lines, thousands of pounds.
    pub sum: String,
    pub agrees: bool,
    /// In words: `agrees` or `the lines come to £10k more than the printed £600k`.
    pub statement: String,
}

/// A programme area with its lines and totals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetArea {
    pub name: String,
    pub lines: Vec<BudgetLine>,
    /// The sum of its lines, thousands of pounds.
    pub sum: String,
    /// Its printed total and how it stands against the sum, where printed.
    pub printed: Option<TotalCheck>,
}

/// The block below the areas.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetSummary {
    /// The programme areas together, thousands of pounds.
    pub areas: String,
    /// The lines outside the areas (support, contingency) as printed.
    pub lines: Vec<BudgetLine>,
    /// Everything allocated (the areas, the lines outside them, what is
    /// already allocated), thousands of pounds.
    pub allocations: String,
    /// None where the budget prints no funds available.
    pub funds_available: Option<String>,
    /// Allocations of "subject to further consultation" lines, thousands.
    pub subject_to_consultation: String,
}

/// A budget as the page shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    #[cfg_attr(feature = "openapi", schema(example = "EMRIEP-2008-09"))]
    pub code: String,
    pub unit: UnitRef,
    #[cfg_attr(feature = "openapi", schema(example = "2008/09"))]
    pub year: String,
    pub title: String,
    pub areas: Vec<BudgetArea>,
    pub summary: BudgetSummary,
    /// Every printed total against its sum: areas, sub-total, total, and
    /// the funds available against the allocations.
    pub checks: Vec<TotalCheck>,
    /// Whether every printed total equals its sum and the allocations
    /// equal the funds available.
    pub balances: bool,
    /// In words: `Balances: allocations of £6,237k equal funds available
    /// of £6,237k`, or where and by how much it does not.
    pub statement: String,
    /// Who imported it knowing it did not balance, where someone did.
    pub imbalance_accepted_by: Option<String>,
    pub created_by: String,
    /// Partnerships funded from it.
    pub partnerships: Vec<PartnershipRef>,
}

fn total_check(what: &str, printed: i64, sum: i64) -> TotalCheck {
    let statement = match sum - printed {
        0 => format!(
            "{what}: the printed {} equals the sum of its lines",
            money(printed)
        ),
        d if d > 0 => format!(
            "{what}: the lines come to {}, {} more than the printed {}",
            money(sum),
            money(d),
            money(printed)
        ),
        d => format!(
            "{what}: the lines come to {}, {} less than the printed {}",
            money(sum),
            money(-d),
            money(printed)
        ),
    };
    TotalCheck {
        what: what.to_owned(),
        printed: thousands(printed),
        sum: thousands(sum),
        agrees: printed == sum,
        statement,
    }
}

/// Which line of the budget (its index among the lines) each check rests on,
/// so an import can name the line of a total that does not add up.
struct Worked {
    budget: Budget,
    /// The line index of each failing check's printed figure.
    failing: Vec<(usize, String)>,
}

/// Works out a budget's sums and checks from its lines as held.
fn work_out(row: &BudgetRow, unit: UnitRef) -> Worked {
    let mut areas: Vec<BudgetArea> = Vec::new();
    let mut area_sums: Vec<i64> = Vec::new();
    let mut outside: Vec<BudgetLine> = Vec::new();
    let mut failing = Vec::new();
    let mut checks = Vec::new();
    let mut outside_sum = 0i64;
    let mut already = 0i64;
    let mut consultation = 0i64;
    let mut printed_sub_total = None;
    let mut printed_total = None;
    let mut funds = None;
    // Lines with sub-lines: (area index, line index in area, printed amount, line index in file).
    let mut parents: Vec<(usize, usize, Option<i64>, usize)> = Vec::new();
    let mut area_totals: Vec<(usize, i64, usize)> = Vec::new();
    let line_view = |l: &BudgetLineRow| BudgetLine {
        kind: l.kind.clone(),
        description: l.description.clone(),
        amount: l.amount.map(thousands),
        counted: thousands(l.amount.unwrap_or(0)),
        consultation: l.consultation,
        sub_lines: Vec::new(),
    };
    for (at, l) in row.lines.iter().enumerate() {
        let amount = l.amount.unwrap_or(0);
        let consulted = if l.consultation { amount } else { 0 };
        let area_at = |areas: &mut Vec<BudgetArea>, sums: &mut Vec<i64>| match areas
            .iter()
            .position(|a| a.name == l.area)
        {
            Some(i) => i,
            None => {
                areas.push(BudgetArea {
                    name: l.area.clone(),
                    lines: Vec::new(),
                    sum: String::new(),
                    printed: None,
                });
                sums.push(0);
                areas.len() - 1
            }
        };
        match l.kind.as_str() {
            "line" => {
                let a = area_at(&mut areas, &mut area_sums);
                areas[a].lines.push(line_view(l));
                area_sums[a] += amount;
                consultation += consulted;
            }
            "sub_line" => {
                let a = area_at(&mut areas, &mut area_sums);
                if let Some(parent) = areas[a].lines.last_mut() {
                    parent.sub_lines.push(BudgetSubLine {
                        description: l.description.clone(),
                        amount: l.amount.map(thousands),
                        consultation: l.consultation,
                    });
                    let p = areas[a].lines.len() - 1;
                    if !parents.iter().any(|x| x.0 == a && x.1 == p) {
                        let printed = row.lines[..at]
                            .iter()
                            .rev()
                            .find(|x| x.kind == "line")
                            .and_then(|x| x.amount);
                        let file_at = row.lines[..at]
                            .iter()
                            .rposition(|x| x.kind == "line")
                            .unwrap_or(at);
                        parents.push((a, p, printed, file_at));
                    }
                    // A heading with no amount of its own counts its sub-lines.
                    if row.lines[..at]
                        .iter()
                        .rev()
                        .find(|x| x.kind == "line")
                        .is_some_and(|x| x.amount.is_none())
                    {
                        area_sums[a] += amount;
                        consultation += consulted;
                    }
                }
            }
            "area_total" => {
                let a = area_at(&mut areas, &mut area_sums);
                area_totals.push((a, amount, at));
            }
            "allocation" | "contingency" => {
                outside.push(line_view(l));
                outside_sum += amount;
                consultation += consulted;
            }
            "already_allocated" => {
                outside.push(line_view(l));
                already += amount;
            }
            "sub_total" => printed_sub_total = Some((amount, at)),
            "total" => printed_total = Some((amount, at)),
            "funds_available" => funds = Some((amount, at)),
            _ => {}
        }
    }
    // Each heading's sub-lines, against the heading's own amount where printed.
    for (a, p, printed, file_at) in parents {
        let area_name = areas[a].name.clone();
        let line = &mut areas[a].lines[p];
        let sum: i64 = row
            .lines
            .iter()
            .skip(file_at + 1)
            .take_while(|x| x.kind == "sub_line")
            .map(|x| x.amount.unwrap_or(0))
            .sum();
        line.counted = thousands(printed.unwrap_or(sum));
        if let Some(printed) = printed {
            let check = total_check(&format!("{area_name}: {}", line.description), printed, sum);
            if !check.agrees {
                failing.push((file_at, check.statement.clone()));
            }
            checks.push(check);
        }
    }
    for (a, area) in areas.iter_mut().enumerate() {
        area.sum = thousands(area_sums[a]);
        if let Some(&(_, printed, at)) = area_totals.iter().find(|t| t.0 == a) {
            let check = total_check(&area.name, printed, area_sums[a]);
            if !check.agrees {
                failing.push((at, check.statement.clone()));
            }
            area.printed = Some(check.clone());
            checks.push(check);
        }
    }
    let areas_sum: i64 = area_sums.iter().sum();
    let sub_total = areas_sum + outside_sum;
    let allocations = sub_total + already;
    if let Some((printed, at)) = printed_sub_total {
        let check = total_check("Sub total", printed, sub_total);
        if !check.agrees {
            failing.push((at, check.statement.clone()));
        }
        checks.push(check);
    }
    if let Some((printed, at)) = printed_total {
        let check = total_check("Total", printed, allocations);
        if !check.agrees {
            failing.push((at, check.statement.clone()));
        }
        checks.push(check);
    }
    let statement = match funds {
        Some((available, at)) => {
            let funds_check = TotalCheck {
                what: "Funds available".to_owned(),
                printed: thousands(available),
                sum: thousands(allocations),
                agrees: available == allocations,
                statement: String::new(),
            };
            let said = match allocations - available {
                0 => format!(
                    "allocations of {} equal funds available of {}",
                    money(allocations),
                    money(available)
                ),
                d if d > 0 => format!(
                    "allocations of {} are {} over the funds available of {}",
                    money(allocations),
                    money(d),
                    money(available)
                ),
                d => format!(
                    "allocations of {} are {} short of the funds available of {}",
                    money(allocations),
                    money(-d),
                    money(available)
                ),
            };
            if !funds_check.agrees {
                failing.push((at, format!("Funds available: {said}")));
            }
            checks.push(TotalCheck {
                statement: format!("Funds available: {said}"),
                ..funds_check
            });
            let wrong: Vec<&TotalCheck> = checks.iter().filter(|c| !c.agrees).collect();
            if wrong.is_empty() {
                format!("Balances: {said}")
            } else if allocations == available {
                format!(
                    "Does not balance: {said}, but {} printed total{} {} not equal the sum of {} lines ({})",
                    wrong.len(),
                    if wrong.len() == 1 { "" } else { "s" },
                    if wrong.len() == 1 { "does" } else { "do" },
                    if wrong.len() == 1 { "its" } else { "their" },
                    wrong
                        .iter()
                        .map(|c| c.what.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                format!("Does not balance: {said}")
            }
        }
        None => {
            failing.push((
                row.lines.len().saturating_sub(1),
                "the budget has no funds_available line: add one so the allocations can be checked against it".to_owned(),
            ));
            format!(
                "Does not balance: allocations come to {} but no funds available are given",
                money(allocations)
            )
        }
    };
    let balances = failing.is_empty();
    Worked {
        budget: Budget {
            code: row.code.clone(),
            unit,
            year: row.year.clone(),
            title: row.title.clone(),
            areas,
            summary: BudgetSummary {
                areas: thousands(areas_sum),
                lines: outside,
                allocations: thousands(allocations),
                funds_available: funds.map(|(f, _)| thousands(f)),
                subject_to_consultation: thousands(consultation),
            },
            checks,
            balances,
            statement,
            imbalance_accepted_by: row.imbalance_accepted_by.clone(),
            created_by: row.created_by.clone(),
            partnerships: Vec::new(),
        },
        failing,
    }
}

/// `yes`, `no` or blank (no).
fn yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Ok(false),
        "yes" | "y" | "true" | "1" => Ok(true),
        other => Err(format!("{other:?} is not yes or no: leave it blank for no")),
    }
}

/// `2008/09`.
fn financial_year(text: &str) -> Result<String, String> {
    let text = text.trim();
    let ok = text.len() == 7
        && text.as_bytes()[4] == b'/'
        && text[..4]
            .parse::<u32>()
            .is_ok_and(|s| text[5..].parse::<u32>().is_ok_and(|y| (s + 1) % 100 == y));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a financial year: write it as 2008/09"
        ))
    }
}

impl Stocktake {
    /// The budgets of units in the caller's scope, newest year first.
    pub async fn budgets(&self, caller: &Caller) -> Result<Vec<Budget>, AppError> {
        let rights = self.improvement_rights(caller)?;
        let rows = self.store.budgets(None).await?;
        let partnerships = self.store.partnerships(None).await?;
        let cache = self.analytics();
        let mut out = Vec::new();
        for row in rows {
            let Some(unit) = cache.hierarchy().find(&row.unit) else {
                continue;
            };
            if !rights.sees(unit) {
                continue;
            }
            let mut budget = work_out(&row, UnitRef::of(&cache, unit)).budget;
            budget.partnerships = partnerships
                .iter()
                .filter(|p| p.budget.as_deref() == Some(row.code.as_str()))
                .filter(|p| {
                    cache
                        .hierarchy()
                        .find(&p.unit)
                        .is_some_and(|u| rights.sees(u))
                })
                .map(|p| PartnershipRef {
                    code: p.code.clone(),
                    name: p.name.clone(),
                })
                .collect();
            out.push(budget);
        }
        Ok(out)
    }

    /// One budget, for whoever sees its unit (anyone else is told there is none).
    pub async fn budget(&self, caller: &Caller, code: &str) -> Result<Budget, AppError> {
        self.budgets(caller)
            .await?
            .into_iter()
            .find(|b| b.code == code.trim())
            .ok_or_else(|| AppError::not_found("budget", code))
    }

    /// Writes the budget file for the budgets the caller sees (or the one
    /// with `code`), lines in the order printed; returns the data lines.
    /// Imported again, it gives the same budgets.
    pub async fn export_budgets(
        &self,
        caller: &Caller,
        code: Option<&str>,
        out: impl Write,
    ) -> Result<u64, AppError> {
        let rights = self.improvement_rights(caller)?;
        let io = |e: std::io::Error| AppError::Internal(e.into());
        if let Some(code) = code {
            // Refuses a budget the caller may not read, as its page would.
            self.budget(caller, code).await?;
        }
        let mut csv = CsvWriter::new(std::io::BufWriter::new(out));
        csv.write_row(BudgetFile::columns()).map_err(io)?;
        let mut lines = 0;
        for row in self.store.budgets(code.map(str::trim)).await? {
            if !self.sees_unit(&rights, &row.unit) {
                continue;
            }
            for l in &row.lines {
                lines += 1;
                csv.write_row([
                    row.code.clone(),
                    row.unit.clone(),
                    row.year.clone(),
                    row.title.clone(),
                    l.area.clone(),
                    l.kind.clone(),
                    l.description.clone(),
                    l.amount
                        .map(|a| thousands(a).replace(',', ""))
                        .unwrap_or_default(),
                    if l.consultation { "yes" } else { "" }.to_owned(),
                ])
                .map_err(io)?;
            }
        }
        csv.flush().map_err(io)?;
        Ok(lines)
    }

    /// Imports a budget file, all or nothing: each budget it names is
    /// replaced, lines and all. A line that is wrong is named with its
    /// column and how to fix it; a budget whose printed totals do not equal
    /// the sums of their lines, or whose allocations do not equal the funds
    /// available, is refused (naming the total's line) unless
    /// `accept_imbalance`: then it is held as printed, and the imbalance is
    /// shown on its page and written in the audit line. Performance
    /// officers and administrators, for units in their scope. Returns the
    /// budgets as saved.
    pub async fn import_budgets(
        &self,
        caller: &Caller,
        file: &str,
        bytes: &[u8],
        accept_imbalance: bool,
    ) -> Result<Vec<Budget>, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("import budgets")?;
        let rows = read_columns(COLUMNS, BudgetFile::NAME, file, bytes)?;
        let mut problems = Problems::new(file);
        let mut budgets: Vec<(BudgetRow, Vec<u64>)> = Vec::new();
        let existing = self.store.budgets(None).await?;
        for row in &rows {
            match self.checked_budget_line(&rights, row, &mut budgets, &existing) {
                Ok(()) => {}
                Err(e) => problems.add(row.line, e),
            }
        }
        if rows.is_empty() {
            problems.add(
                2,
                AppError::invalid(
                    "budget",
                    "the file has no lines: add a line for each allocation and total",
                ),
            );
        }
        problems.finish()?;
        let mut problems = Problems::new(file);
        let mut summaries = Vec::new();
        for (budget, line_numbers) in &mut budgets {
            let worked = work_out(
                budget,
                UnitRef {
                    code: budget.unit.clone(),
                    name: String::new(),
                    level: String::new(),
                },
            );
            if worked.failing.is_empty() {
                budget.imbalance_accepted_by = None;
                budget.imbalance = String::new();
                summaries.push(format!(
                    "budget {} imported: {}",
                    budget.code, worked.budget.statement
                ));
                continue;
            }
            if accept_imbalance {
                budget.imbalance_accepted_by = Some(caller.actor());
                budget.imbalance = worked
                    .failing
                    .iter()
                    .map(|(_, s)| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                summaries.push(format!(
                    "budget {} imported with its imbalance accepted: {}",
                    budget.code, budget.imbalance
                ));
                continue;
            }
            for (at, statement) in worked.failing {
                problems.add(
                    line_numbers.get(at).copied().unwrap_or(2),
                    AppError::invalid(
                        "amount",
                        format!(
                            "budget {} does not add up: {statement}. Correct the figure, or import the file again accepting the imbalance to hold it as printed",
                            budget.code
                        ),
                    ),
                );
            }
        }
        problems.finish()?;
        let rows: Vec<BudgetRow> = budgets.into_iter().map(|(b, _)| b).collect();
        self.store
            .save_budgets(&rows, &summaries.join("; "), &caller.audit_actor())
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            out.push(self.budget(caller, &row.code).await?);
        }
        Ok(out)
    }

    /// Checks one line of a budget file and adds it to its budget.
    fn checked_budget_line(
        &self,
        rights: &crate::access::rights::Rights,
        row: &CsvRow,
        budgets: &mut Vec<(BudgetRow, Vec<u64>)>,
        existing: &[BudgetRow],
    ) -> Result<(), AppError> {
        let code = text_field(
            TextKind::Code,
            "budget",
            &row.get("budget"),
            Some("budget is missing: give the budget a code, such as EMRIEP-2008-09"),
        )?
        .to_owned();
        let unit_code = row.get("unit");
        let unit = {
            let cache = self.analytics();
            let u = crate::values::find_unit(&cache, unit_code.trim())
                .map_err(|e| AppError::invalid("unit", e.to_string()))?;
            rights.require_sees(&cache, u)?;
            cache.hierarchy().unit(u).code.to_string()
        };
        if let Some(old) = existing.iter().find(|b| b.code == code)
            && !self.sees_unit(rights, &old.unit)
        {
            return Err(AppError::forbidden(format!(
                "budget {code} belongs to a unit outside your scope: you may not replace it"
            )));
        }
        let year = financial_year(&row.get("year")).map_err(|m| AppError::invalid("year", m))?;
        let title = text_field(
            TextKind::Title,
            "title",
            &row.get("title"),
            Some("title is missing: give the budget's title on every line"),
        )?
        .to_owned();
        let kind = row.get("kind").trim().to_ascii_lowercase();
        if !LINE_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "{kind:?} is not a kind of line: use one of {}",
                    LINE_KINDS
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let area = text_field(TextKind::Title, "area", &row.get("area"), None)?.to_owned();
        let in_area = ["line", "sub_line", "area_total"].contains(&kind.as_str());
        if in_area && area.is_empty() {
            return Err(AppError::invalid(
                "area",
                format!("area is missing: a {kind} belongs to a programme area, such as BPI"),
            ));
        }
        if !in_area && !area.is_empty() {
            return Err(AppError::invalid(
                "area",
                format!("a {kind} line sits below the programme areas: leave area blank"),
            ));
        }
        let description = text_field(
            TextKind::Description,
            "description",
            &row.get("description"),
            None,
        )?
        .to_owned();
        let amount = match row.optional("amount") {
            Some(text) => Some(parse_thousands(&text).map_err(|m| AppError::invalid("amount", m))?),
            None if kind == "line" => None,
            None => {
                return Err(AppError::invalid(
                    "amount",
                    format!(
                        "amount is missing: a {kind} line needs an amount in thousands of pounds"
                    ),
                ));
            }
        };
        let consultation =
            yes_no(&row.get("consultation")).map_err(|m| AppError::invalid("consultation", m))?;
        let at = match budgets.iter().position(|(b, _)| b.code == code) {
            Some(at) => at,
            None => {
                budgets.push((
                    BudgetRow {
                        code: code.clone(),
                        unit: unit.clone(),
                        year: year.clone(),
                        title: title.clone(),
                        ..BudgetRow::default()
                    },
                    Vec::new(),
                ));
                budgets.len() - 1
            }
        };
        let (budget, numbers) = &mut budgets[at];
        for (field, given, held) in [
            ("unit", &unit, &budget.unit),
            ("year", &year, &budget.year),
            ("title", &title, &budget.title),
        ] {
            if given != held {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "budget {code} has {field} {held:?} on its first line but {given:?} here: give the same {field} on every line of a budget"
                    ),
                ));
            }
        }
        let previous = budget.lines.last();
        match kind.as_str() {
            "sub_line"
                if !previous.is_some_and(|p| {
                    p.area == area && (p.kind == "line" || p.kind == "sub_line")
                }) =>
            {
                return Err(AppError::invalid(
                    "kind",
                    "a sub_line must follow the line it is part of, in the same area",
                ));
            }
            "area_total"
                if budget
                    .lines
                    .iter()
                    .any(|l| l.kind == "area_total" && l.area == area) =>
            {
                return Err(AppError::invalid(
                    "kind",
                    format!("{area} already has its area_total: give each area one"),
                ));
            }
            "line" | "sub_line"
                if budget
                    .lines
                    .iter()
                    .any(|l| l.kind == "area_total" && l.area == area) =>
            {
                return Err(AppError::invalid(
                    "kind",
                    format!(
                        "{area}'s area_total is above this line: put an area's lines before its total"
                    ),
                ));
            }
            "contingency" | "sub_total" | "already_allocated" | "total" | "funds_available"
                if budget.lines.iter().any(|l| l.kind == kind) =>
            {
                return Err(AppError::invalid(
                    "kind",
                    format!("budget {code} already has a {kind} line: give it one"),
                ));
            }
            _ => {}
        }
        budget.lines.push(BudgetLineRow {
            area,
            kind,
            description,
            amount,
            consultation,
        });
        numbers.push(row.line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_read_exactly() {
        assert_eq!(parse_thousands("1,095"), Ok(1_095_000));
        assert_eq!(parse_thousands("1095"), Ok(1_095_000));
        assert_eq!(parse_thousands("12.5"), Ok(12_500));
        assert_eq!(parse_thousands("0.001"), Ok(1));
        assert_eq!(parse_thousands("-40"), Ok(-40_000));
        for bad in ["9,9", "1,0950", "12.3456", "£12", "", "1.", "one"] {
            assert!(parse_thousands(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thousands_are_written_as_printed() {
        assert_eq!(thousands(1_095_000), "1,095");
        assert_eq!(thousands(6_237_000), "6,237");
        assert_eq!(thousands(12_500), "12.5");
        assert_eq!(thousands(-40_000), "-40");
        assert_eq!(money(-40_000), "-£40k");
    }

    fn line(area: &str, kind: &str, amount: Option<i64>) -> BudgetLineRow {
        BudgetLineRow {
            area: area.into(),
            kind: kind.into(),
            description: String::new(),
            amount: amount.map(|a| a * 1000),
            consultation: false,
        }
    }

    fn unit() -> UnitRef {
        UnitRef {
            code: "EM".into(),
            name: "East Midlands".into(),
            level: "region".into(),
        }
    }

    #[test]
    fn a_heading_counts_its_sub_lines() {
        let row = BudgetRow {
            lines: vec![
                line("Better outcomes", "line", Some(225)),
                line("Better outcomes", "line", None),
                line("Better outcomes", "sub_line", Some(125)),
                line("Better outcomes", "sub_line", Some(100)),
                line("Better outcomes", "area_total", Some(450)),
                line("", "funds_available", Some(450)),
            ],
            ..BudgetRow::default()
        };
        let worked = work_out(&row, unit());
        assert_eq!(worked.budget.areas[0].sum, "450");
        assert!(worked.budget.balances, "{}", worked.budget.statement);
        assert_eq!(
            worked.budget.statement,
            "Balances: allocations of £450k equal funds available of £450k"
        );
    }

    #[test]
    fn a_printed_total_that_is_not_the_sum_is_shown_with_the_difference() {
        let row = BudgetRow {
            lines: vec![
                line("BPI", "line", Some(130)),
                line("BPI", "line", Some(390)),
                line("BPI", "area_total", Some(500)),
                line("", "funds_available", Some(500)),
            ],
            ..BudgetRow::default()
        };
        let worked = work_out(&row, unit());
        assert!(!worked.budget.balances);
        assert_eq!(worked.failing[0].0, 2);
        assert_eq!(
            worked.budget.areas[0].printed.as_ref().unwrap().statement,
            "BPI: the lines come to £520k, £20k more than the printed £500k"
        );
        assert_eq!(
            worked.budget.statement,
            "Does not balance: allocations of £520k are £20k over the funds available of £500k"
        );
    }
}
