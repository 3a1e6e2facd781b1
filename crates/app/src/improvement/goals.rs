//! Goals, the golden thread: a tree of community strategy outcomes,
//! corporate goals and service objectives (the level names are the
//! deployment's), and the indicators, risks, actions, projects and
//! partnerships linked to the goals they serve. A goal's page shows
//! everything beneath it and linked to it: subgoals, indicators with their
//! latest status, risks with their scores, and the rest by reference.

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{GoalLinkRow, GoalRow};

use super::optional;
use super::risks::Risk;
use crate::access::Caller;
use crate::error::text_field;
use crate::intelligence::code_field;
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// The kinds of item that may serve a goal, each checked to exist and to be
/// readable by whoever links it.
pub const LINK_KINDS: [&str; 5] = ["indicator", "risk", "action", "project", "partnership"];

/// A goal named, with its level.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalRef {
    #[cfg_attr(feature = "openapi", schema(example = "SAFER"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Safer communities"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "Corporate goal"))]
    pub level: String,
}

/// A goal in the tree.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goal {
    pub code: String,
    pub title: String,
    pub description: String,
    pub parent: Option<String>,
    pub unit: Option<UnitRef>,
    /// 1 at the top.
    pub depth: usize,
    /// The level's name in this deployment.
    pub level: String,
    pub position: i64,
    /// Items linked to this goal itself.
    pub links: usize,
}

/// A goal as a form or request gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalForm {
    #[cfg_attr(feature = "openapi", schema(example = "SAFER"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Safer communities"))]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The parent goal's code; none at the top.
    #[serde(default)]
    pub parent: Option<String>,
    /// The unit the goal belongs to, where it belongs to one.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub position: i64,
}

/// An item linked to a goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalLink {
    /// `indicator`, `risk`, `action`, `project` or `partnership`.
    #[cfg_attr(feature = "openapi", schema(example = "indicator"))]
    pub kind: String,
    /// An indicator's code, a risk's `REGISTER/CODE`, or the item's own reference.
    #[cfg_attr(feature = "openapi", schema(example = "FRS01"))]
    pub item_ref: String,
}

/// Links to add to a goal and links to take off it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalLinkChange {
    #[serde(default)]
    pub add: Vec<GoalLink>,
    #[serde(default)]
    pub remove: Vec<GoalLink>,
}

/// An indicator serving a goal, with its latest status for the goal's unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedIndicator {
    pub code: String,
    pub title: String,
    /// The unit the status is for.
    pub unit: String,
    pub period: String,
    /// The figure as shown, `-` where none.
    pub value: String,
    pub status: String,
    pub status_label: String,
    /// The goal it is linked to (this one or one beneath).
    pub goal: String,
}

/// A risk serving a goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedRisk {
    pub risk: Risk,
    pub goal: String,
}

/// A link the goal page cannot resolve itself (actions, projects,
/// partnerships), or a risk the caller may not read, shown by reference.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherLink {
    pub kind: String,
    pub item_ref: String,
    pub goal: String,
    /// The item in words: an action point's plan, reference and words, a
    /// project's or partnership's title; the reference where it has none.
    pub title: String,
    /// Its page.
    pub href: Option<String>,
    /// Where it stands: an action point's status, a project's state and
    /// latest RAG, a partnership's state.
    pub progress: String,
}

/// A goal's page: where it sits, everything beneath it, and everything
/// linked to it or to a goal beneath it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalView {
    pub goal: Goal,
    /// From the top down to its parent.
    pub path: Vec<GoalRef>,
    /// Every goal beneath it, in tree order.
    pub beneath: Vec<Goal>,
    pub indicators: Vec<LinkedIndicator>,
    pub risks: Vec<LinkedRisk>,
    pub others: Vec<OtherLink>,
    /// The links of this goal itself, for the form that takes them off.
    pub own_links: Vec<GoalLink>,
    pub editable: bool,
}

impl Stocktake {
    /// The names of the goal levels, from the top. Anyone signed in.
    pub async fn goal_levels(&self, caller: &Caller) -> Result<Vec<String>, AppError> {
        self.improvement_rights(caller)?;
        Ok(self.store.goal_levels().await?)
    }

    /// Names the goal levels, from the top. Administrators.
    pub async fn save_goal_levels(
        &self,
        caller: &Caller,
        names: &[String],
    ) -> Result<Vec<String>, AppError> {
        self.improvement_rights(caller)?
            .require_admin("name the goal levels")?;
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(AppError::invalid(
                "levels",
                "name at least one level, the top first",
            ));
        }
        for n in &names {
            text_field(TextKind::Label, "levels", n, None)?;
        }
        self.store
            .save_goal_levels(&names, &caller.audit_actor())
            .await?;
        Ok(names)
    }

    /// Every goal the caller may read, in tree order (each goal followed by
    /// those beneath it). Goals of a unit outside the caller's scope are
    /// left out, with everything beneath them.
    pub async fn goals(&self, caller: &Caller) -> Result<Vec<Goal>, AppError> {
        let rights = self.improvement_rights(caller)?;
        let rows = self.store.goals().await?;
        let links = self.store.goal_links().await?;
        let levels = self.store.goal_levels().await?;
        let mut out = Vec::new();
        // Depth-first from the top, so each goal comes before those beneath.
        #[allow(clippy::too_many_arguments)]
        fn walk(
            app: &Stocktake,
            rights: &crate::access::rights::Rights,
            rows: &[GoalRow],
            links: &[GoalLinkRow],
            levels: &[String],
            parent: Option<&str>,
            depth: usize,
            out: &mut Vec<Goal>,
        ) {
            for row in rows.iter().filter(|r| r.parent.as_deref() == parent) {
                if row
                    .unit
                    .as_deref()
                    .is_some_and(|u| !app.sees_unit(rights, u))
                {
                    continue;
                }
                out.push(Goal {
                    code: row.code.clone(),
                    title: row.title.clone(),
                    description: row.description.clone(),
                    parent: row.parent.clone(),
                    unit: row.unit.as_deref().map(|u| app.goal_unit(u)),
                    depth,
                    level: levels
                        .get(depth - 1)
                        .cloned()
                        .unwrap_or_else(|| format!("Level {depth}")),
                    position: row.position,
                    links: links.iter().filter(|l| l.goal == row.code).count(),
                });
                if depth < 64 {
                    walk(
                        app,
                        rights,
                        rows,
                        links,
                        levels,
                        Some(&row.code),
                        depth + 1,
                        out,
                    );
                }
            }
        }
        walk(self, &rights, &rows, &links, &levels, None, 1, &mut out);
        Ok(out)
    }

    fn goal_unit(&self, code: &str) -> UnitRef {
        let cache = self.analytics();
        match cache.hierarchy().find(code) {
            Some(u) => UnitRef::of(&cache, u),
            None => UnitRef {
                code: code.to_owned(),
                name: code.to_owned(),
                level: String::new(),
            },
        }
    }

    /// Adds goals or changes them, all or none. Performance officers and
    /// administrators; a goal's unit must be in their scope.
    pub async fn save_goals(
        &self,
        caller: &Caller,
        forms: &[GoalForm],
    ) -> Result<Vec<Goal>, AppError> {
        let rights = self.improvement_rights(caller)?;
        rights.require_framework("keep the goals")?;
        let known = self.store.goals().await?;
        let mut rows = Vec::with_capacity(forms.len());
        for form in forms {
            let code = code_field("code", &form.code, "give the goal a code, such as SAFER")?;
            if let Some(u) = known
                .iter()
                .find(|k| k.code == code)
                .and_then(|k| k.unit.as_deref())
                && !self.sees_unit(&rights, u)
            {
                return Err(AppError::forbidden(format!(
                    "goal {code} belongs to {u}, outside your scope"
                )));
            }
            let parent = optional(&form.parent);
            if let Some(p) = &parent
                && !known.iter().any(|k| k.code == *p)
                && !forms.iter().any(|f| f.code.trim() == p)
            {
                return Err(AppError::invalid(
                    "parent",
                    format!("no goal has the code {p:?}: add the parent goal first"),
                ));
            }
            let unit = match optional(&form.unit) {
                Some(u) => Some(crate::intelligence::unit_in_scope(
                    &self.analytics(),
                    &rights,
                    "unit",
                    &u,
                )?),
                None => None,
            };
            rows.push(GoalRow {
                code,
                title: text_field(
                    TextKind::Title,
                    "title",
                    &form.title,
                    Some("give the goal a title"),
                )?
                .to_owned(),
                description: text_field(
                    TextKind::Description,
                    "description",
                    &form.description,
                    None,
                )?
                .to_owned(),
                parent,
                unit,
                position: form.position,
            });
        }
        self.store.save_goals(&rows, &caller.audit_actor()).await?;
        let all = self.goals(caller).await?;
        Ok(all
            .into_iter()
            .filter(|g| rows.iter().any(|r| r.code == g.code))
            .collect())
    }

    /// A goal's page. Anyone signed in who may read the goal.
    pub async fn goal(&self, caller: &Caller, code: &str) -> Result<GoalView, AppError> {
        let rights = self.improvement_rights(caller)?;
        let all = self.goals(caller).await?;
        let at = all
            .iter()
            .position(|g| g.code.eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::not_found("goal", code.trim()))?;
        let goal = all[at].clone();
        let beneath: Vec<Goal> = all[at + 1..]
            .iter()
            .take_while(|g| g.depth > goal.depth)
            .cloned()
            .collect();
        let mut path = Vec::new();
        let mut parent = goal.parent.clone();
        while let Some(p) = parent {
            match all.iter().find(|g| g.code == p) {
                Some(g) => {
                    path.insert(
                        0,
                        GoalRef {
                            code: g.code.clone(),
                            title: g.title.clone(),
                            level: g.level.clone(),
                        },
                    );
                    parent = g.parent.clone();
                }
                None => break,
            }
        }
        let codes: Vec<&str> = std::iter::once(goal.code.as_str())
            .chain(beneath.iter().map(|g| g.code.as_str()))
            .collect();
        let links: Vec<GoalLinkRow> = self
            .store
            .goal_links()
            .await?
            .into_iter()
            .filter(|l| codes.contains(&l.goal.as_str()))
            .collect();
        // The latest status of each indicator, for the unit of the goal it
        // is linked to (its own, or the nearest above it that has one), or
        // failing that the home unit.
        let unit_of = |code: &str| -> Option<String> {
            let mut at = all.iter().find(|g| g.code == code);
            while let Some(g) = at {
                if let Some(u) = &g.unit {
                    return Some(u.code.clone());
                }
                at = g
                    .parent
                    .as_deref()
                    .and_then(|p| all.iter().find(|x| x.code == p));
            }
            None
        };
        let home = self.home_unit(caller)?;
        let period = self.latest_period(caller)?;
        let mut scorecards: Vec<(String, Option<crate::values::Scorecard>)> = Vec::new();
        let mut indicators = Vec::new();
        let mut risks = Vec::new();
        let mut others = Vec::new();
        let mut readable_registers: Option<Vec<String>> = None;
        for link in &links {
            match link.kind.as_str() {
                "indicator" => {
                    let unit = unit_of(&link.goal).or_else(|| home.clone());
                    let scorecard = match (&unit, period) {
                        (Some(u), Some(p)) => {
                            if !scorecards.iter().any(|(c, _)| c == u) {
                                scorecards.push((u.clone(), self.scorecard(caller, u, p).ok()));
                            }
                            scorecards
                                .iter()
                                .find(|(c, _)| c == u)
                                .and_then(|(_, s)| s.as_ref())
                        }
                        _ => None,
                    };
                    let line = scorecard
                        .and_then(|s| s.rows.iter().find(|r| r.indicator == link.item_ref));
                    let title = {
                        let cache = self.analytics();
                        cache
                            .find_indicator(link.item_ref.as_str())
                            .map(|i| cache.indicator(i).title.clone())
                    };
                    let Some(title) = title else {
                        others.push(OtherLink {
                            kind: link.kind.clone(),
                            item_ref: link.item_ref.clone(),
                            goal: link.goal.clone(),
                            title: link.item_ref.clone(),
                            href: None,
                            progress: "no longer defined".into(),
                        });
                        continue;
                    };
                    indicators.push(LinkedIndicator {
                        code: link.item_ref.clone(),
                        title,
                        unit: scorecard.map_or_else(String::new, |s| s.unit.name.clone()),
                        period: line.map_or_else(String::new, |l| l.period.label()),
                        value: line.map_or_else(|| "-".to_owned(), |l| l.format(l.value)),
                        status: line
                            .map_or_else(|| "no_data".to_owned(), |l| l.status.as_str().to_owned()),
                        status_label: line.map_or("No data", |l| l.status.label()).to_owned(),
                        goal: link.goal.clone(),
                    });
                }
                "risk" => {
                    let registers = match &readable_registers {
                        Some(r) => r,
                        None => readable_registers.insert(
                            self.risk_registers(caller)
                                .await?
                                .into_iter()
                                .map(|r| r.code)
                                .collect(),
                        ),
                    };
                    let found = match link.item_ref.split_once('/') {
                        Some((reg, code)) if registers.iter().any(|r| r == reg) => {
                            self.risk(caller, reg, code).await.ok()
                        }
                        _ => None,
                    };
                    // A risk in a register outside the caller's scope is
                    // not named at all.
                    if let Some(detail) = found {
                        risks.push(LinkedRisk {
                            risk: detail.risk,
                            goal: link.goal.clone(),
                        });
                    }
                }
                kind => {
                    // An action point, project or partnership the caller
                    // may not read is not named at all.
                    if let Some(item) = self.linked_item(caller, kind, &link.item_ref).await {
                        others.push(OtherLink {
                            kind: link.kind.clone(),
                            item_ref: item.item_ref,
                            goal: link.goal.clone(),
                            title: item.title,
                            href: Some(item.href),
                            progress: item.progress,
                        });
                    }
                }
            }
        }
        risks.sort_by_key(|l| std::cmp::Reverse(l.risk.residual.score));
        let own_links = links
            .iter()
            .filter(|l| l.goal == goal.code)
            .map(|l| GoalLink {
                kind: l.kind.clone(),
                item_ref: l.item_ref.clone(),
            })
            .collect();
        Ok(GoalView {
            editable: rights.require_framework("keep the goals").is_ok(),
            goal,
            path,
            beneath,
            indicators,
            risks,
            others,
            own_links,
        })
    }

    /// Links items to a goal and takes others off. Performance officers and
    /// administrators. An indicator must exist and a risk must be in a
    /// register they may read (`REGISTER/CODE`); actions, projects and
    /// partnerships are kept by their reference.
    pub async fn change_goal_links(
        &self,
        caller: &Caller,
        goal: &str,
        change: &GoalLinkChange,
    ) -> Result<GoalView, AppError> {
        self.improvement_rights(caller)?
            .require_framework("link items to goals")?;
        let view = self.goal(caller, goal).await?;
        let mut add = Vec::new();
        for link in &change.add {
            add.push(self.checked_link(caller, &view.goal.code, link).await?);
        }
        let remove: Vec<GoalLinkRow> = change
            .remove
            .iter()
            .map(|l| GoalLinkRow {
                goal: view.goal.code.clone(),
                kind: l.kind.trim().to_ascii_lowercase(),
                item_ref: l.item_ref.trim().to_owned(),
            })
            .collect();
        self.store
            .change_goal_links(&view.goal.code, &add, &remove, &caller.audit_actor())
            .await?;
        self.goal(caller, &view.goal.code).await
    }

    async fn checked_link(
        &self,
        caller: &Caller,
        goal: &str,
        link: &GoalLink,
    ) -> Result<GoalLinkRow, AppError> {
        let kind = link.kind.trim().to_ascii_lowercase();
        if !LINK_KINDS.contains(&kind.as_str()) {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "{:?} is not a kind of item a goal links to: use {}",
                    link.kind,
                    LINK_KINDS.join(", ")
                ),
            ));
        }
        let item_ref = text_field(
            TextKind::Label,
            "item_ref",
            &link.item_ref,
            Some("item_ref is missing: name the item by its code"),
        )?
        .to_owned();
        let item_ref = match kind.as_str() {
            "indicator" => {
                let cache = self.analytics();
                let i = crate::values::find_indicator(&cache, &item_ref)
                    .map_err(|e| AppError::invalid("item_ref", e.to_string()))?;
                cache.indicator(i).code.to_string()
            }
            "risk" => {
                let Some((reg, code)) = item_ref.split_once('/') else {
                    return Err(AppError::invalid(
                        "item_ref",
                        format!(
                            "{item_ref:?} names no register: name a risk as REGISTER/CODE, such as EMRIEP/1"
                        ),
                    ));
                };
                let detail = self.risk(caller, reg, code).await.map_err(|_| {
                    AppError::invalid(
                        "item_ref",
                        format!("no risk {code:?} in a register {reg:?} you may read"),
                    )
                })?;
                format!("{}/{}", detail.register.code, detail.risk.code)
            }
            kind => match self.linked_item(caller, kind, &item_ref).await {
                Some(item) => item.item_ref,
                None => {
                    let what = match kind {
                        "action" => "no action point has the number",
                        "project" => "no project has the code",
                        _ => "no partnership has the code",
                    };
                    return Err(AppError::invalid(
                        "item_ref",
                        format!("{what} {item_ref:?} among those you may read"),
                    ));
                }
            },
        };
        Ok(GoalLinkRow {
            goal: goal.to_owned(),
            kind,
            item_ref,
        })
    }

    /// An action point (by its number), project or partnership (by its
    /// code) a goal links to, as the caller may read it; none where it does
    /// not exist or is outside their scope.
    async fn linked_item(&self, caller: &Caller, kind: &str, item_ref: &str) -> Option<LinkedItem> {
        let item_ref = item_ref.trim();
        match kind {
            "action" => {
                let id: i64 = item_ref.parse().ok()?;
                let a = self.plan_action(caller, id).await.ok()?;
                Some(LinkedItem {
                    item_ref: a.id.to_string(),
                    title: format!("{} {}: {}", a.plan, a.reference, a.action),
                    href: format!("/actions/{}", a.id),
                    progress: if a.overdue {
                        format!("{} (overdue)", a.status_name)
                    } else {
                        a.status_name
                    },
                })
            }
            "project" => {
                let p = self.project(caller, item_ref).await.ok()?;
                Some(LinkedItem {
                    href: format!("/projects/{}", p.code),
                    progress: match &p.latest_rag {
                        Some(rag) => format!("{}, latest rating {rag}", p.state),
                        None => p.state.clone(),
                    },
                    item_ref: p.code,
                    title: p.title,
                })
            }
            "partnership" => {
                let p = self.partnership(caller, item_ref).await.ok()?;
                Some(LinkedItem {
                    href: format!("/partnerships/{}", p.code),
                    progress: p.state_name,
                    item_ref: p.code,
                    title: p.name,
                })
            }
            _ => None,
        }
    }

    /// The goals an item serves (of those the caller may read): for the
    /// item's own page.
    pub async fn goals_served_by(
        &self,
        caller: &Caller,
        kind: &str,
        item_ref: &str,
    ) -> Result<Vec<GoalRef>, AppError> {
        let goals = self.goals(caller).await?;
        Ok(self
            .store
            .goal_links()
            .await?
            .into_iter()
            .filter(|l| l.kind == kind && l.item_ref.eq_ignore_ascii_case(item_ref))
            .filter_map(|l| goals.iter().find(|g| g.code == l.goal))
            .map(|g| GoalRef {
                code: g.code.clone(),
                title: g.title.clone(),
                level: g.level.clone(),
            })
            .collect())
    }
}

/// An item a goal links to, resolved.
struct LinkedItem {
    item_ref: String,
    title: String,
    href: String,
    progress: String,
}
