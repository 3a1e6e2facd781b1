//! The stylesheet and script, embedded in the binary and served under
//! `/static/` with a content hash in the name, so they can be cached for a
//! year and still change the moment a new build ships.

use std::fmt::Write;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use stocktake::core::Status;
use stocktake_report::chart::heat_colour;

struct Asset {
    /// The name without its hash: `style.css`.
    name: &'static str,
    /// The name with its hash: `style.0123456789abcdef.css`.
    hashed: String,
    content_type: &'static str,
    body: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: String) -> Asset {
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        Asset {
            name,
            hashed: format!("{stem}.{:016x}.{ext}", hasher.finish()),
            content_type,
            body,
        }
    }
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        Asset::new("style.css", "text/css; charset=utf-8", stylesheet()),
        Asset::new(
            "enhance.js",
            "text/javascript; charset=utf-8",
            include_str!("../../static/enhance.js").to_owned(),
        ),
    ]
});

static CSS_HREF: LazyLock<String> = LazyLock::new(|| format!("/static/{}", ASSETS[0].hashed));
static JS_HREF: LazyLock<String> = LazyLock::new(|| format!("/static/{}", ASSETS[1].hashed));

pub fn css_href() -> &'static str {
    &CSS_HREF
}

pub fn js_href() -> &'static str {
    &JS_HREF
}

/// The house stylesheet plus the status colours, taken from the charts'
/// palette so a chip on a page and a mark in a chart never disagree.
fn stylesheet() -> String {
    let mut css = include_str!("../../static/style.css").to_owned();
    css.push_str("\n/* Status colours, generated from stocktake_report::chart::heat_colour. */\n");
    for status in Status::ALL {
        let key = status.as_str();
        let _ = writeln!(
            css,
            ".status--{key}, .count--{key}, .row--{key} {{ --status-colour: {0}; --row-colour: {0}; }}",
            heat_colour(status)
        );
    }
    css
}

/// Serves an asset: by its hashed name for a year, by its plain name
/// (for hand-written links) with revalidation.
pub async fn serve(Path(file): Path<String>) -> Response {
    for asset in ASSETS.iter() {
        let cache = if file == asset.hashed {
            "public, max-age=31536000, immutable"
        } else if file == asset.name {
            "no-cache"
        } else {
            continue;
        };
        return (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, cache),
            ],
            asset.body.as_str(),
        )
            .into_response();
    }
    super::missing_page(&format!("/static/{file}"))
}
