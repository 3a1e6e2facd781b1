//! Data returns over HTTP: the pages (the list, opening a return, a
//! return's completeness per unit with waivers and stories, its CSV) and
//! the JSON API (the same, and what the caller owes).

pub(crate) mod api;
mod pages;

use crate::routes::{Access, Routes, Sample};

pub fn routes() -> Routes {
    use Access::{Enters, Framework, SignedIn};
    Routes::new()
        .get("/returns", SignedIn, Sample::path("/returns"), pages::list)
        .get(
            "/returns/new",
            Framework,
            Sample::path("/returns/new"),
            pages::new,
        )
        .post(
            "/returns",
            Framework,
            Sample::with(
                "/returns",
                "code=R2&title=February+figures&period=2025-02&deadline=2025-03-15&indicator=FRS01&units={UNIT}",
            ),
            pages::open,
        )
        .get(
            "/returns/{code}",
            SignedIn,
            Sample::path("/returns/R1"),
            pages::show,
        )
        .get(
            "/returns/{code}/completeness.csv",
            SignedIn,
            Sample::path("/returns/R1/completeness.csv"),
            pages::export,
        )
        .post(
            "/returns/{code}/units",
            Framework,
            Sample::with(
                "/returns/R1/units",
                "unit={UNIT}&state=waived&reason=Station+closed+for+refurbishment",
            ),
            pages::set_unit,
        )
        .post(
            "/returns/{code}/stories",
            Enters,
            Sample::with(
                "/returns/R1/stories",
                "unit={UNIT}&title=Safe+and+well+visits&body=Crews+visited+212+flats",
            ),
            pages::story,
        )
        .merge(api::routes())
}
