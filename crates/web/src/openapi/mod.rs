//! The OpenAPI 3.1 description of the JSON API, gathered from every
//! capability's handlers, served at [`OPENAPI_PATH`] and browsable at
//! [`DOCS_PATH`] through Swagger UI served from the binary.

mod docs;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::access::api as access;
pub use crate::api::{DOCS_PATH, OPENAPI_PATH};
use crate::benchmark::api as benchmarking;
use crate::framework::api as framework;
use crate::improvement::api as improvement;
use crate::improvement::budgets;
use crate::improvement::goals::api as goals;
use crate::improvement::partnerships;
use crate::improvement::risks::api as risks;
use crate::intelligence::api as intelligence;
use crate::publication::api as publication;
use crate::reports::api as committee;
use crate::returns::api as returns;
use crate::tables::api as data_tables;
use crate::values::api::{cascade, reference, reports, search, values};

pub use docs::routes;

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stocktake API",
        description = "Performance management for UK councils and fire and rescue services: indicators, the organisation hierarchy, values and targets, scorecards and rollups, accounts and the audit trail.\n\n\
            Periods are written as UK public bodies write them: a financial year `2024/25` (April to March), a quarter `2024/25 Q1` (April to June) or a month `2025-01`.\n\n\
            Every error answers JSON with a `message` saying what was wrong and how to fix it, the `field` or parameter at fault where there is one, and for a batch, `errors` listing every bad item by position.\n\n\
            Every call needs an API token, sent as `Authorization: Bearer TOKEN`: make one on your account page, or with `stocktake --as EMAIL token create`. A token carries its account's rights (or only reading): what the account may not see is answered 403, and the figures a viewer reads are approved ones.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        reference::list_indicators,
        reference::get_indicator,
        reference::list_org_units,
        reference::get_org_unit,
        reference::list_groups,
        search::search,
        values::list_values,
        values::save_values,
        values::list_targets,
        values::move_values,
        values::ratify_targets,
        returns::value_history,
        cascade::cascade,
        reports::scorecard,
        reports::rollup,
        access::me,
        access::list_accounts,
        access::get_account,
        access::save_account,
        access::set_disabled,
        access::change_account,
        access::list_closed_groups,
        access::save_closed_group,
        access::delete_closed_group,
        access::add_member,
        access::remove_member,
        access::audit,
        access::history,
        returns::list_returns,
        returns::open_return,
        returns::get_return,
        returns::set_return_unit,
        returns::set_return_state,
        returns::tell_story,
        returns::owed,
        benchmarking::benchmark,
        benchmarking::picture,
        benchmarking::list_neighbours,
        benchmarking::save_neighbours,
        intelligence::list_intelligence,
        intelligence::record_intelligence,
        intelligence::list_sources,
        intelligence::save_source,
        intelligence::get_intelligence,
        intelligence::rewrite_intelligence,
        intelligence::unit_intelligence,
        intelligence::support_matrix,
        intelligence::list_problem_types,
        intelligence::save_problem_type,
        intelligence::save_providers,
        intelligence::list_conflicts,
        intelligence::declare_conflicts,
        intelligence::list_requests,
        intelligence::ask_for_support,
        intelligence::triage_request,
        intelligence::list_plans,
        intelligence::save_plan,
        intelligence::get_plan,
        intelligence::review_plan,
        intelligence::get_budget,
        intelligence::set_budget,
        intelligence::list_peers,
        intelligence::save_peers,
        intelligence::place_peer,
        intelligence::list_good_practice,
        intelligence::save_good_practice,
        intelligence::download_practice_file,
        intelligence::attach_practice_file,
        intelligence::remove_practice_file,
        committee::list_reports,
        committee::start_report,
        committee::get_report,
        committee::get_front_sheet,
        committee::save_front_sheet,
        committee::sign_off,
        committee::report_pdf,
        crate::reports::benchmark::get_report,
        crate::reports::benchmark::get_report_pdf,
        budgets::list_budgets,
        budgets::import_budgets,
        budgets::export_budgets,
        budgets::get_budget,
        partnerships::list_partnerships,
        partnerships::save_partnership,
        partnerships::export_partnerships,
        partnerships::import_partnerships,
        partnerships::get_partnership,
        partnerships::decide_partnership,
        partnerships::evaluate_partnership,
        partnerships::list_criteria,
        partnerships::save_criteria,
        improvement::list_plans,
        improvement::save_plan,
        improvement::get_plan,
        improvement::save_theme,
        improvement::add_action,
        improvement::export_actions,
        improvement::get_action,
        improvement::edit_action,
        improvement::add_progress,
        improvement::carry_forward,
        improvement::list_statuses,
        improvement::save_status,
        improvement::addressed_by,
        improvement::list_programmes,
        improvement::save_programme,
        improvement::get_programme,
        improvement::save_objective,
        improvement::save_workstream,
        improvement::save_milestone,
        improvement::add_comment,
        improvement::programme_report,
        improvement::list_projects,
        improvement::propose_project,
        improvement::get_project,
        improvement::decide_project,
        improvement::update_project,
        improvement::close_project,
        improvement::project_report,
        improvement::export_updates,
        risks::list_matrices,
        risks::save_matrix,
        risks::list_registers,
        risks::save_register,
        risks::get_register,
        risks::list_risks,
        risks::save_risks,
        risks::get_risk,
        risks::preview_matrix_change,
        risks::apply_matrix_change,
        risks::list_issues,
        risks::save_issues,
        goals::list_goals,
        goals::save_goals,
        goals::get_goal,
        goals::change_links,
        framework::list_sets,
        framework::save_set,
        framework::get_set,
        framework::list_laas,
        framework::save_laa,
        framework::get_laa,
        framework::save_laa_target,
        framework::list_frameworks,
        framework::save_framework,
        framework::get_framework,
        framework::delete_framework,
        framework::list_assessments,
        framework::start_assessment,
        framework::get_assessment,
        framework::delete_assessment,
        framework::self_assess_line,
        framework::judge_line,
        framework::record_judgement,
        framework::raise_action,
        publication::list_published,
        publication::publish_indicator,
        publication::list_boundaries,
        publication::import_boundaries,
        data_tables::list_tables,
        data_tables::define_table,
        data_tables::get_table,
        data_tables::delete_table,
        data_tables::export_rows,
        data_tables::import_rows,
        data_tables::publish_table,
    ),
    components(schemas(benchmarking::Detail)),
    modifiers(&Security),
    tags(
        (name = "reference", description = "Indicator definitions, the organisation hierarchy and groups, and search."),
        (name = "values", description = "Entered values and targets: read them, save values all or nothing, and cascade a target to the units below."),
        (name = "reports", description = "Scorecards and rollups, computed from the values the moment they are saved."),
        (name = "access", description = "Who is calling, the accounts and closed groups (administrators), and the audit trail of every change with its before and after."),
        (name = "returns", description = "Data returns: figures asked of units by a deadline, each unit's completeness, waivers, stories, and what you owe."),
        (name = "benchmarking", description = "Benchmarks across comparators (groups, nearest neighbours, levels), the regional picture of hot spots, declining and coasting indicators, and nearest neighbours."),
        (name = "intelligence", description = "The intelligence picture: dated records about each unit, judged and verified; records confidential to a closed group are read, found and counted only by its members."),
        (name = "improvement", description = "Improvement plans with themes and action points (counted by status, carried forward into next year's plan), work programmes reported quarterly, and projects through their gates: no update before approval, no closure without an evaluation."),
        (name = "risks", description = "Risk registers per unit and the region's: scoring matrices as data (the protocol's 3 x 3 and a 5 x 5), risks with inherent and residual cells, a change of matrix previewed then applied, and the issues log."),
        (name = "goals", description = "The golden thread: the goal tree and what serves each goal (indicators, risks, actions, projects, partnerships)."),
        (name = "support", description = "The support matrix and costed menu, support requests routed to unconflicted providers, support plans against the capped support budget, peers and good practice."),
        (name = "partnerships", description = "The partnership register: partnerships classified, with members, funding, business case and exit strategy; the proposal gate (scrutiny, then sanction by the senior team); the evaluation toolkit of weighted criteria and each partnership's scores."),
        (name = "framework", description = "The national framework: indicator sets with their owners and validity, Local Area Agreements designating at most 35 targets from the national set (a 36th refused, naming the rule), and frameworks of key lines of enquiry with assessments against them: self-assessment and judgement kept, the gap in words."),
        (name = "budgets", description = "Budgets by programme area and line in thousands of pounds, their printed totals checked against the sums of their lines and the funds available; CSV import (refused when it does not add up, unless the imbalance is accepted) and export."),
        (name = "publication", description = "Publishing on the open-data portal: indicators published or withdrawn with who and when; data tables that are not indicators (their own typed columns, rows imported from CSV all or nothing, published or withdrawn); area boundaries for maps imported from GeoJSON."),
        (name = "committee", description = "Committee reports: the quarterly performance report with its front sheet and sign-off chain (draft, reviewed, approved for committee, issued), frozen once issued, and its PDF."),
    )
)]
pub struct ApiDoc;

/// Every operation needs a token: the bearer scheme, required throughout,
/// and the 401 and 403 every operation can answer.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        openapi.security = Some(vec![SecurityRequirement::new::<_, _, &str>("token", [])]);
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        let unauthenticated = ResponseBuilder::new()
            .description(
                "No valid API token was sent (none, unknown, expired, revoked, or its account disabled): send `Authorization: Bearer TOKEN`.",
            )
            .content("application/json", error())
            .build();
        let forbidden = ResponseBuilder::new()
            .description(
                "The token's account may not do this: a unit outside its scope, an indicator it does not own, a role that may not, or a read-only token that may not write.",
            )
            .content("application/json", error())
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                responses
                    .entry("401".into())
                    .or_insert_with(|| unauthenticated.clone().into());
                responses
                    .entry("403".into())
                    .or_insert_with(|| forbidden.clone().into());
            }
        }
    }
}
