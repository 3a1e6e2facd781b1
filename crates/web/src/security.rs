//! What every request passes before any handler: only the configured host
//! names are answered (a page elsewhere cannot reach Stocktake through a name
//! it controls); a write from another site is refused (the browser's
//! `Sec-Fetch-Site` and `Origin` say where it came from, and every form
//! carries a token the other site cannot read); and every response carries
//! a Content-Security-Policy without inline script, frame denial, nosniff
//! and a referrer policy.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use std::net::IpAddr;
use stocktake::config::IpRange;

use crate::AppState;

/// The cookie holding the form token: read by no script, sent to no other site.
pub const CSRF_COOKIE: &str = "stocktake_csrf";

/// The form field (or, for file uploads, query parameter) carrying it.
pub const CSRF_FIELD: &str = "csrf";

/// The header an API client signed in with a session cookie sends it in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The form token of this request, for the forms a page renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

/// The policy: everything from this origin only, no inline script or
/// style, no plugins, no framing, forms post only here.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// The host a request names, lower case, without its port.
fn host_of(headers: &HeaderMap, request: &Request) -> Option<String> {
    let raw = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()))?;
    Some(strip_port(&raw).to_ascii_lowercase())
}

fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .split(']')
            .next()
            .map_or(authority, |h| &authority[..h.len() + 1]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// The client a request came from: the peer, unless the peer is a trusted
/// proxy. Then `X-Forwarded-For` is read from its right-hand end (each proxy
/// appends the address it was reached from), past every trusted proxy, to
/// the first address that is not one: the client as the nearest trusted
/// proxy saw it. Whatever a client wrote further left is never reached, so
/// it cannot choose the address it is counted against. An entry that is not
/// an address stops the walk at the last proxy trusted.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpRange]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|r| r.contains(a));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.into_iter().rev() {
        let Some(address) = forwarded_address(entry) else {
            break;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry's address: `203.0.113.9`, `2001:db8::1`, or
/// either with a port (`203.0.113.9:4711`, `[2001:db8::1]:4711`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|a| a.to_canonical())
}

fn refuse(api: bool, status: StatusCode, message: String) -> Response {
    if api {
        crate::api::ApiError::Request {
            status,
            message,
            field: None,
        }
        .into_response()
    } else {
        crate::pages::error_response(status, message)
    }
}

/// The value of a cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the browser says the request came from another site.
fn cross_site(headers: &HeaderMap, host: &str) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Some(format!(
            "the browser says it came from another site ({site})"
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| strip_port(rest.split('/').next().unwrap_or("")).to_ascii_lowercase());
        let request_authority = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or(host)
            .to_ascii_lowercase();
        let origin_authority = origin
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_ascii_lowercase());
        if origin == "null"
            || origin_host.is_none()
            || origin_authority.as_deref() != Some(request_authority.as_str())
        {
            return Some(format!("it came from {origin}"));
        }
    }
    None
}

/// The form token a request carries: the `csrf` query parameter (file
/// uploads), else the field of a form body, which is read here and handed on.
async fn token_in(request: Request) -> (Request, Option<String>) {
    let from_query = request.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v)
    });
    if from_query.is_some() {
        return (request, from_query);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (request, None);
    }
    let (parts, body) = request.into_parts();
    // Forms are small; a body past this is no form Stocktake renders.
    let Ok(bytes) = to_bytes(body, 4 * 1024 * 1024).await else {
        return (Request::from_parts(parts, Body::empty()), None);
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| {
            fields
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    (Request::from_parts(parts, Body::from(bytes)), token)
}

/// The guard every request passes.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let headers = request.headers().clone();
    let Some(host) = host_of(&headers, &request) else {
        return refuse(
            api,
            StatusCode::BAD_REQUEST,
            "the request names no host".into(),
        );
    };
    if !state.hosts.contains(&host) {
        tracing::warn!(host, "refused a request for a host name not allowed");
        return refuse(
            api,
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server does not answer to the host name {host}: add it to allowed_hosts if it is this server's"
            ),
        );
    }
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let cookie_token = cookie(&headers, CSRF_COOKIE).filter(|t| t.len() == 64);
    let mut request = request;
    if unsafe_method {
        if let Some(why) = cross_site(&headers, &host) {
            tracing::warn!(why, path = %request.uri().path(), "refused a cross-site write");
            return refuse(
                api,
                StatusCode::FORBIDDEN,
                format!(
                    "this change was refused because {why}: make changes from Stocktake's own pages"
                ),
            );
        }
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer "));
        let signed_cookie = cookie(&headers, crate::access::session::COOKIE).is_some();
        // A token-carrying API client is no browser; nor is a request with
        // no session: it can change nothing anyway.
        let needs_token = if api { !bearer && signed_cookie } else { true };
        if needs_token {
            let given = if api {
                headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            } else {
                let (back, token) = token_in(request).await;
                request = back;
                token
            };
            let good = matches!((&cookie_token, &given), (Some(c), Some(g)) if c == g);
            if !good {
                tracing::warn!(path = %request.uri().path(), "refused a write without its form token");
                return refuse(
                    api,
                    StatusCode::FORBIDDEN,
                    if api {
                        format!(
                            "a signed-in browser's change needs the {CSRF_HEADER} header: or use an API token"
                        )
                    } else {
                        "the form has expired or did not come from Stocktake's own page: go back, reload the page and try again".into()
                    },
                );
            }
        }
    }
    let (token, fresh) = match cookie_token {
        Some(t) => (t, false),
        None => (new_token(), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    // The open-data portal holds no form and keeps nothing about a visitor.
    let open_data = request.uri().path() == "/open" || request.uri().path().starts_with("/open/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if fresh && !open_data {
        let secure = if state.settings.https() {
            "; Secure"
        } else {
            ""
        };
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
        )) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    if state.settings.https() {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    fn client(peer: &str, values: &[&str], trusted: &[&str]) -> String {
        let trusted: Vec<IpRange> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        client_address(peer.parse().unwrap(), &forwarded(values), &trusted).to_string()
    }

    #[test]
    fn the_client_is_the_address_the_nearest_trusted_proxy_saw() {
        let proxies = ["10.0.0.0/8"];
        // No proxies trusted: the header is anyone's to write, and ignored.
        assert_eq!(client("10.0.0.2", &["203.0.113.9"], &[]), "10.0.0.2");
        // From an untrusted peer, likewise.
        assert_eq!(
            client("198.51.100.4", &["203.0.113.9"], &proxies),
            "198.51.100.4"
        );
        // Through the load balancer.
        assert_eq!(
            client("10.0.0.2", &["203.0.113.9"], &proxies),
            "203.0.113.9"
        );
        // A client's own header is to the left of what the proxy appended.
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4, 203.0.113.9"], &proxies),
            "203.0.113.9"
        );
        // Two trusted proxies in a row, the header split over two lines.
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4, 203.0.113.9", "10.9.9.9"], &proxies),
            "203.0.113.9"
        );
        // With ports, and IPv6.
        assert_eq!(
            client("10.0.0.2", &["[2001:db8::7]:4711"], &proxies),
            "2001:db8::7"
        );
        assert_eq!(
            client("10.0.0.2", &["203.0.113.9:4711"], &proxies),
            "203.0.113.9"
        );
        // An IPv4 peer written as IPv6 is the IPv4 address.
        assert_eq!(
            client("::ffff:10.0.0.2", &["203.0.113.9"], &proxies),
            "203.0.113.9"
        );
        // A proxy that sent no header, or nonsense: the proxy itself.
        assert_eq!(client("10.0.0.2", &[], &proxies), "10.0.0.2");
        assert_eq!(client("10.0.0.2", &["unknown"], &proxies), "10.0.0.2");
        // Nonsense left of a good address is never reached.
        assert_eq!(
            client("10.0.0.2", &["nonsense, 203.0.113.9"], &proxies),
            "203.0.113.9"
        );
        // Every hop a trusted proxy: the furthest one named.
        assert_eq!(
            client("10.0.0.2", &["10.1.1.1, 10.2.2.2"], &proxies),
            "10.1.1.1"
        );
    }
}
