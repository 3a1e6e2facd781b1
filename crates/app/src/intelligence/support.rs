//! The support matrix and costed menu, conflicts of interest, and support
//! requests: a council asks, the partnership triages the request to a
//! problem type, and it is routed to the providers who offer help with that
//! problem and have declared no conflict of interest with the council.

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::{ConflictRow, OfferRow, ProblemTypeRow, ProviderRow, RequestRow};

use super::{code_field, unit_in_scope};
use crate::access::Caller;
use crate::error::text_field;
use crate::values::UnitRef;
use crate::{AppError, Stocktake};

/// A kind of problem support is matched to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ProblemType {
    #[cfg_attr(feature = "openapi", schema(example = "COASTING"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Coasting"))]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Where the matrix shows it, lowest first.
    #[serde(default)]
    pub position: i64,
}

impl From<ProblemTypeRow> for ProblemType {
    fn from(r: ProblemTypeRow) -> Self {
        ProblemType {
            code: r.code,
            name: r.name,
            description: r.description,
            position: r.position,
        }
    }
}

/// One line of the costed menu: a provider's offer for a problem type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MenuItem {
    pub provider: String,
    pub provider_name: String,
    pub kind: String,
    pub problem_type: String,
    pub offer: String,
    /// Days a year the provider can give.
    pub capacity_days: f64,
    /// Pounds a day; 0 where free at the point of delivery.
    pub day_rate: i64,
    /// `free` at the point of delivery, or `funded` by the partnership.
    pub funding: String,
}

/// A problem type's row of the matrix.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    pub problem_type: ProblemType,
    pub offers: Vec<MenuItem>,
    /// No provider offers help with it: a gap in the offer.
    pub gap: bool,
    /// Days a year on offer, all providers together.
    pub capacity_days: f64,
}

/// The support matrix: problem types against providers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportMatrix {
    pub rows: Vec<MatrixRow>,
    pub providers: Vec<Provider>,
    /// The problem types no provider offers help with.
    pub gaps: Vec<String>,
    /// Whether the caller may change the matrix.
    pub editable: bool,
}

/// A provider with what it offers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub contact: String,
    pub offers: Vec<MenuItem>,
}

/// A provider as a form or file gives it, with its offers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct ProviderForm {
    #[cfg_attr(feature = "openapi", schema(example = "IDEA"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Improvement and Development Agency")
    )]
    pub name: String,
    /// Change agent, peer authority, expert...
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "change agent"))]
    pub kind: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub offers: Vec<OfferForm>,
}

/// What a provider offers for one problem type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct OfferForm {
    #[cfg_attr(feature = "openapi", schema(example = "CRISIS"))]
    pub problem_type: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Improvement support and a lead adviser")
    )]
    pub offer: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 40.0))]
    pub capacity_days: f64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub day_rate: i64,
    /// `free` or `funded`.
    #[cfg_attr(feature = "openapi", schema(example = "free"))]
    pub funding: String,
}

/// A declared conflict of interest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub provider: String,
    pub unit: UnitRef,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: String,
}

/// A conflict as a form or file declares it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ConflictForm {
    #[cfg_attr(feature = "openapi", schema(example = "AUDIT"))]
    pub provider: String,
    #[cfg_attr(feature = "openapi", schema(example = "E07000032"))]
    pub unit: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Appointed auditor of the council")
    )]
    pub reason: String,
}

/// A request for support, with where it is routed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportRequest {
    pub id: i64,
    pub unit: UnitRef,
    pub summary: String,
    pub asked_by: String,
    pub asked_on: String,
    pub problem_type: Option<String>,
    /// `new`, `triaged`, `planned` or `closed`.
    pub state: String,
    pub triaged_by: Option<String>,
    /// The offers for its problem type from providers with no conflict of
    /// interest with the unit; empty until triaged.
    pub routed_to: Vec<MenuItem>,
    /// Providers who offer help with the problem but are left out because
    /// they declared a conflict with the unit.
    pub left_out: Vec<String>,
}

/// The states a request moves through.
pub const REQUEST_STATES: [&str; 4] = ["new", "triaged", "planned", "closed"];

fn menu_item(provider: &ProviderRow, offer: &OfferRow) -> MenuItem {
    MenuItem {
        provider: provider.code.clone(),
        provider_name: provider.name.clone(),
        kind: provider.kind.clone(),
        problem_type: offer.problem_type.clone(),
        offer: offer.offer.clone(),
        capacity_days: offer.capacity_days,
        day_rate: offer.day_rate,
        funding: offer.funding.clone(),
    }
}

/// The offers for `problem` from providers not conflicted with `unit`, and
/// the providers left out for a conflict.
pub(crate) fn route(
    providers: &[ProviderRow],
    conflicts: &[ConflictRow],
    problem: &str,
    unit: &str,
) -> (Vec<MenuItem>, Vec<String>) {
    let mut routed = Vec::new();
    let mut left_out = Vec::new();
    for provider in providers {
        for offer in provider.offers.iter().filter(|o| o.problem_type == problem) {
            let conflicted = conflicts
                .iter()
                .any(|c| c.provider == provider.code && c.unit == unit);
            if conflicted {
                left_out.push(provider.code.clone());
            } else {
                routed.push(menu_item(provider, offer));
            }
        }
    }
    (routed, left_out)
}

impl Stocktake {
    /// The problem types, in the matrix's order. Anyone signed in.
    pub async fn problem_types(&self, caller: &Caller) -> Result<Vec<ProblemType>, AppError> {
        self.intelligence_rights(caller)?;
        Ok(self
            .store
            .problem_types()
            .await?
            .into_iter()
            .map(ProblemType::from)
            .collect())
    }

    /// Adds or changes a problem type. Performance officers and administrators.
    pub async fn save_problem_type(
        &self,
        caller: &Caller,
        form: &ProblemType,
    ) -> Result<ProblemType, AppError> {
        self.intelligence_rights(caller)?
            .require_framework("keep the problem types")?;
        let row = ProblemTypeRow {
            code: code_field(
                "code",
                &form.code,
                "give the problem type a code, such as COASTING",
            )?
            .to_ascii_uppercase(),
            name: text_field(
                TextKind::Name,
                "name",
                &form.name,
                Some("give the problem type a name"),
            )?
            .to_owned(),
            description: text_field(
                TextKind::Description,
                "description",
                &form.description,
                None,
            )?
            .to_owned(),
            position: form.position,
        };
        self.store
            .save_problem_type(&row, &caller.audit_actor())
            .await?;
        Ok(row.into())
    }

    /// The support matrix: each problem type with the offers for it (the
    /// costed menu), and those with none shown as gaps. Anyone signed in.
    pub async fn support_matrix(&self, caller: &Caller) -> Result<SupportMatrix, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let types = self.store.problem_types().await?;
        let providers = self.store.support_providers().await?;
        let rows: Vec<MatrixRow> = types
            .into_iter()
            .map(|t| {
                let offers: Vec<MenuItem> = providers
                    .iter()
                    .flat_map(|p| {
                        p.offers
                            .iter()
                            .filter(|o| o.problem_type == t.code)
                            .map(move |o| menu_item(p, o))
                    })
                    .collect();
                MatrixRow {
                    gap: offers.is_empty(),
                    capacity_days: offers.iter().map(|o| o.capacity_days).sum(),
                    problem_type: t.into(),
                    offers,
                }
            })
            .collect();
        Ok(SupportMatrix {
            gaps: rows
                .iter()
                .filter(|r| r.gap)
                .map(|r| r.problem_type.name.clone())
                .collect(),
            rows,
            providers: providers
                .iter()
                .map(|p| Provider {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    kind: p.kind.clone(),
                    contact: p.contact.clone(),
                    offers: p.offers.iter().map(|o| menu_item(p, o)).collect(),
                })
                .collect(),
            editable: rights.require_framework("keep the matrix").is_ok(),
        })
    }

    /// Saves providers with their offers, all or none. Performance officers
    /// and administrators.
    pub async fn save_support_providers(
        &self,
        caller: &Caller,
        forms: &[ProviderForm],
    ) -> Result<usize, AppError> {
        self.intelligence_rights(caller)?
            .require_framework("keep the support matrix")?;
        let types = self.store.problem_types().await?;
        let rows = forms
            .iter()
            .map(|f| checked_provider(f, &types))
            .collect::<Result<Vec<_>, _>>()?;
        self.store
            .save_support_providers(&rows, &caller.audit_actor())
            .await?;
        Ok(rows.len())
    }

    /// The declared conflicts of interest with units in the caller's scope.
    pub async fn support_conflicts(&self, caller: &Caller) -> Result<Vec<Conflict>, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let rows = self.store.support_conflicts().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .filter_map(|c| {
                let unit = cache.hierarchy().find(&c.unit)?;
                rights.sees(unit).then(|| Conflict {
                    provider: c.provider,
                    unit: UnitRef::of(&cache, unit),
                    reason: c.reason,
                    declared_by: c.declared_by,
                    declared_at: c.declared_at,
                })
            })
            .collect())
    }

    /// Declares conflicts (or withdraws them), all or none. Performance
    /// officers and administrators, for units in their scope.
    pub async fn declare_conflicts(
        &self,
        caller: &Caller,
        forms: &[ConflictForm],
        withdraw: bool,
    ) -> Result<usize, AppError> {
        self.intelligence_rights(caller)?
            .require_framework("declare conflicts of interest")?;
        let mut rows = Vec::with_capacity(forms.len());
        for form in forms {
            let mut row = self
                .check_conflict(caller, form)
                .await
                .or_else(|e| match e {
                    // Withdrawing needs no reason.
                    AppError::Invalid { ref field, .. } if withdraw && field == "reason" => {
                        Ok(ConflictRow {
                            provider: form.provider.trim().to_owned(),
                            unit: form.unit.trim().to_owned(),
                            reason: String::new(),
                            declared_by: caller.actor(),
                            declared_at: String::new(),
                        })
                    }
                    e => Err(e),
                })?;
            if withdraw {
                row.reason.clear();
            }
            rows.push(row);
        }
        self.store
            .save_support_conflicts(&rows, withdraw, &caller.audit_actor())
            .await?;
        Ok(rows.len())
    }

    /// A conflict form checked: a known provider, a unit in the caller's
    /// scope, a reason.
    pub(crate) async fn check_conflict(
        &self,
        caller: &Caller,
        form: &ConflictForm,
    ) -> Result<ConflictRow, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("declare conflicts of interest")?;
        // The unit first: one outside the caller's scope is refused before
        // anything else is looked at.
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", &form.unit)?;
        let providers = self.store.support_providers().await?;
        let provider = form.provider.trim();
        let Some(provider) = providers
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(provider))
        else {
            return Err(AppError::invalid(
                "provider",
                format!(
                    "no support provider has the code {provider:?}: add it to the matrix first"
                ),
            ));
        };
        let reason = text_field(
            TextKind::Note,
            "reason",
            &form.reason,
            Some("reason is missing: say why the provider is conflicted"),
        )?;
        Ok(ConflictRow {
            provider: provider.code.clone(),
            unit,
            reason: reason.to_owned(),
            declared_by: caller.actor(),
            declared_at: String::new(),
        })
    }

    /// Support requests for units in the caller's scope, newest first, each
    /// with the providers it is routed to.
    pub async fn support_requests(&self, caller: &Caller) -> Result<Vec<SupportRequest>, AppError> {
        self.requests_where(caller, None).await
    }

    /// One support request, for whoever's scope holds its unit.
    pub async fn support_request(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<SupportRequest, AppError> {
        self.requests_where(caller, Some(id))
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("support request", &id.to_string()))
    }

    async fn requests_where(
        &self,
        caller: &Caller,
        id: Option<i64>,
    ) -> Result<Vec<SupportRequest>, AppError> {
        let rights = self.intelligence_rights(caller)?;
        let rows = self.store.support_requests(id).await?;
        let providers = self.store.support_providers().await?;
        let conflicts = self.store.support_conflicts().await?;
        let cache = self.analytics();
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let unit = cache.hierarchy().find(&r.unit)?;
                if !rights.sees(unit) {
                    return None;
                }
                let (routed_to, left_out) = match &r.problem_type {
                    Some(problem) => route(&providers, &conflicts, problem, &r.unit),
                    None => (Vec::new(), Vec::new()),
                };
                Some(SupportRequest {
                    id: r.id,
                    unit: UnitRef::of(&cache, unit),
                    summary: r.summary,
                    asked_by: r.asked_by,
                    asked_on: r.asked_on,
                    problem_type: r.problem_type,
                    state: r.state,
                    triaged_by: r.triaged_by,
                    routed_to,
                    left_out,
                })
            })
            .collect())
    }

    /// A council asks for help: owners, performance officers and
    /// administrators, for a unit in their scope.
    pub async fn ask_for_support(
        &self,
        caller: &Caller,
        unit: &str,
        summary: &str,
    ) -> Result<SupportRequest, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_write()?;
        if !rights.enters_values() {
            return Err(AppError::forbidden(
                "you are signed in as a viewer: ask an owner, a performance officer or an administrator to request support",
            ));
        }
        let unit = unit_in_scope(&self.analytics(), &rights, "unit", unit)?;
        let summary = text_field(
            TextKind::Description,
            "summary",
            summary,
            Some("summary is missing: say what help is wanted"),
        )?;
        let id = self
            .store
            .save_support_request(
                &RequestRow {
                    id: 0,
                    unit,
                    summary: summary.to_owned(),
                    asked_by: caller.actor(),
                    asked_on: crate::clock::today(),
                    problem_type: None,
                    state: "new".into(),
                    triaged_by: None,
                },
                &caller.audit_actor(),
            )
            .await?;
        self.support_request(caller, id).await
    }

    /// Triages a request to a problem type (and moves its state), which
    /// routes it to the unconflicted providers. Performance officers and
    /// administrators, for units in their scope.
    pub async fn triage_support_request(
        &self,
        caller: &Caller,
        id: i64,
        problem_type: &str,
        state: Option<&str>,
    ) -> Result<SupportRequest, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("triage support requests")?;
        let request = self.support_request(caller, id).await?;
        let types = self.store.problem_types().await?;
        let problem = problem_type.trim();
        let problem = types
            .iter()
            .find(|t| t.code.eq_ignore_ascii_case(problem))
            .ok_or_else(|| {
                AppError::invalid(
                    "problem_type",
                    format!(
                        "{problem:?} is not a problem type: use one of {}",
                        types
                            .iter()
                            .map(|t| t.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        let state = state
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("triaged");
        if !REQUEST_STATES.contains(&state) {
            return Err(AppError::invalid(
                "state",
                format!(
                    "{state:?} is not a state: use {}",
                    REQUEST_STATES.join(", ")
                ),
            ));
        }
        self.store
            .save_support_request(
                &RequestRow {
                    id: request.id,
                    unit: request.unit.code.clone(),
                    problem_type: Some(problem.code.clone()),
                    state: state.to_owned(),
                    ..RequestRow::default()
                },
                &caller.audit_actor(),
            )
            .await?;
        self.support_request(caller, id).await
    }
}

/// A provider form checked against the problem types.
pub(crate) fn checked_provider(
    form: &ProviderForm,
    types: &[ProblemTypeRow],
) -> Result<ProviderRow, AppError> {
    let mut offers = Vec::with_capacity(form.offers.len());
    for offer in &form.offers {
        let problem = offer.problem_type.trim();
        let problem = types
            .iter()
            .find(|t| t.code.eq_ignore_ascii_case(problem))
            .ok_or_else(|| {
                AppError::invalid(
                    "problem_type",
                    format!(
                        "{problem:?} is not a problem type: use one of {}",
                        types
                            .iter()
                            .map(|t| t.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        let funding = offer.funding.trim().to_ascii_lowercase();
        if funding != "free" && funding != "funded" {
            return Err(AppError::invalid(
                "funding",
                format!(
                    "{:?} is not a funding: use free (free at the point of delivery) or funded (the partnership pays)",
                    offer.funding
                ),
            ));
        }
        if !offer.capacity_days.is_finite() || offer.capacity_days < 0.0 {
            return Err(AppError::invalid(
                "capacity_days",
                "capacity_days must be 0 or more",
            ));
        }
        if offer.day_rate < 0 {
            return Err(AppError::invalid(
                "day_rate",
                "day_rate must be 0 or more pounds",
            ));
        }
        offers.push(OfferRow {
            problem_type: problem.code.clone(),
            offer: text_field(
                TextKind::Description,
                "offer",
                &offer.offer,
                Some("offer is missing: say what the provider offers"),
            )?
            .to_owned(),
            capacity_days: offer.capacity_days,
            day_rate: if funding == "free" { 0 } else { offer.day_rate },
            funding,
        });
    }
    Ok(ProviderRow {
        code: code_field("code", &form.code, "give the provider a code, such as IDEA")?
            .to_ascii_uppercase(),
        name: text_field(
            TextKind::Name,
            "name",
            &form.name,
            Some("give the provider a name"),
        )?
        .to_owned(),
        kind: text_field(TextKind::Label, "kind", &form.kind, None)?.to_owned(),
        contact: text_field(TextKind::Label, "contact", &form.contact, None)?.to_owned(),
        offers,
    })
}
