//! The values pages.

mod approvals;
mod cascade;
mod entry;
pub(crate) mod export;
mod home;
mod import;
mod indicator;
mod scorecard;
mod search;
mod spreadsheet;
mod unit;
mod value;

use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get("/", SignedIn, Sample::path("/?unit={UNIT}"), home::page)
        .get(
            "/scorecard",
            SignedIn,
            Sample::path("/scorecard?unit={UNIT}"),
            scorecard::choose,
        )
        .get(
            "/scorecard/{unit}",
            SignedIn,
            Sample::path("/scorecard/{UNIT}?period=2025-01"),
            scorecard::page,
        )
        .get(
            "/indicators/{code}",
            SignedIn,
            Sample::path("/indicators/FRS01?unit={UNIT}&period=2025-01"),
            indicator::page,
        )
        .get(
            "/units/{code}",
            SignedIn,
            Sample::path("/units/{UNIT}?period=2025-01"),
            unit::page,
        )
        .get(
            "/entry/{unit}",
            Enters,
            Sample::path("/entry/{UNIT}?period=2025-01"),
            entry::page,
        )
        .post(
            "/entry/{unit}",
            Enters,
            Sample::with("/entry/{UNIT}?period=2025-01", ""),
            entry::save,
        )
        .post(
            "/entry/{unit}/submit",
            Enters,
            Sample::with("/entry/{UNIT}/submit?period=2025-01", ""),
            entry::submit,
        )
        .get("/import", Enters, Sample::path("/import"), import::page)
        .post(
            "/import",
            Enters,
            Sample::with("/import", "kind=values"),
            import::preview,
        )
        .post(
            "/import/confirm",
            Enters,
            Sample::with("/import/confirm", "token=0123456789abcdef"),
            import::confirm,
        )
        .get(
            "/export/scorecard/{file}",
            SignedIn,
            Sample::path("/export/scorecard/{UNIT}.csv?period=2025-01"),
            export::scorecard,
        )
        .get(
            "/export/indicators/{file}",
            SignedIn,
            Sample::path("/export/indicators/FRS01.csv?unit={UNIT}&period=2025-01"),
            export::indicator,
        )
        .get(
            "/search",
            SignedIn,
            Sample::path("/search?q=station"),
            search::page,
        )
        .get(
            "/targets/cascade",
            Framework,
            Sample::path("/targets/cascade?indicator=FRS01&unit={UNIT}&period=2025/26"),
            cascade::page,
        )
        .post(
            "/targets/cascade",
            Framework,
            Sample::with(
                "/targets/cascade",
                "indicator=FRS01&unit={UNIT}&period=2025/26&method=equally&fingerprint=0",
            ),
            cascade::save,
        )
        .get(
            "/values/{indicator}/{unit}",
            SignedIn,
            Sample::path("/values/FRS01/{UNIT}?period=2025-01"),
            value::page,
        )
        .post(
            "/values/{indicator}/{unit}/step",
            Enters,
            Sample::with("/values/FRS01/{UNIT}/step?period=2025-01", "step=submit"),
            value::step,
        )
        .get(
            "/approvals",
            Framework,
            Sample::path("/approvals"),
            approvals::page,
        )
        .post(
            "/approvals",
            Framework,
            Sample::with("/approvals", "step=approve&value=FRS01%7C{UNIT}%7C2025-01"),
            approvals::decide,
        )
        .post(
            "/approvals/reopen",
            Framework,
            Sample::with(
                "/approvals/reopen",
                "approved=FRS01%7C{UNIT}%7C2025-01&reason=A+call+was+counted+twice",
            ),
            approvals::reopen,
        )
        .post(
            "/approvals/ratify",
            Framework,
            Sample::with("/approvals/ratify", "target=FRS01%7C{UNIT}%7C2025%2F26"),
            approvals::ratify,
        )
        .get(
            "/approvals/waiting.csv",
            Framework,
            Sample::path("/approvals/waiting.csv"),
            approvals::export,
        )
}
