//! The route table: every address the server answers, with who may use it
//! and a sample request. Routes are added only through [`Routes`], which
//! will not take one without its [`Access`], so a new route cannot be
//! added without saying who may use it; the permission-matrix test walks
//! this table for every role, inside and outside their scope, and anonymous.
//!
//! The access here is what the use cases enforce (permission lives in the
//! use case, from the caller); the table states it once more, where a test
//! can hold every route to it.

use std::collections::BTreeMap;

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;

use crate::AppState;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, signed in or not: the sign-in page, assets, the health
    /// probe, the API's description.
    Public,
    /// Anyone signed in; a unit named in the request must be in their scope.
    SignedIn,
    /// Those who enter figures: owners (their own indicators), performance
    /// officers and administrators, within their scope.
    Enters,
    /// Performance officers and administrators, within their scope.
    Framework,
    /// Administrators.
    Admin,
}

impl Access {
    /// Whether a role (none for anonymous) may use the route at all.
    pub fn allows(self, role: Option<stocktake::Role>) -> bool {
        use stocktake::Role;
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Enters, Some(r)) => r != Role::Viewer,
            (Access::Framework, Some(r)) => r.runs_framework(),
            (Access::Admin, Some(r)) => r == Role::Admin,
        }
    }
}

/// A request that exercises a route: a path (with `{UNIT}` standing for a
/// unit, in or outside the caller's scope) and a body (a form for pages,
/// JSON for the API), or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    pub path: &'static str,
    pub body: Option<&'static str>,
}

impl Sample {
    pub const fn path(path: &'static str) -> Sample {
        Sample { path, body: None }
    }

    pub const fn with(path: &'static str, body: &'static str) -> Sample {
        Sample {
            path,
            body: Some(body),
        }
    }

    /// Whether the sample names a unit, so scope matters.
    pub fn scoped(&self) -> bool {
        self.path.contains("{UNIT}") || self.body.is_some_and(|b| b.contains("{UNIT}"))
    }
}

/// One route as the table lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// As axum matches it: `/scorecard/{unit}`.
    pub path: &'static str,
    pub access: Access,
    pub sample: Sample,
}

/// Routes under construction, with their table.
#[derive(Default)]
pub struct Routes {
    methods: BTreeMap<&'static str, MethodRouter<AppState>>,
    table: Vec<Route>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        sample: Sample,
        route: MethodRouter<AppState>,
    ) -> Routes {
        let merged = match self.methods.remove(path) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        self.methods.insert(path, merged);
        self.table.push(Route {
            method,
            path,
            access,
            sample,
        });
        self
    }

    /// A GET route (HEAD is answered too).
    pub fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        sample: Sample,
        handler: H,
    ) -> Routes {
        self.add("GET", path, access, sample, axum::routing::get(handler))
    }

    /// A POST route.
    pub fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        sample: Sample,
        handler: H,
    ) -> Routes {
        self.add("POST", path, access, sample, axum::routing::post(handler))
    }

    /// A PATCH route: changes part of a record (the API only).
    pub fn patch<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        sample: Sample,
        handler: H,
    ) -> Routes {
        self.add("PATCH", path, access, sample, axum::routing::patch(handler))
    }

    /// A DELETE route (the API only).
    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        sample: Sample,
        handler: H,
    ) -> Routes {
        self.add(
            "DELETE",
            path,
            access,
            sample,
            axum::routing::delete(handler),
        )
    }

    /// Adds another capability's routes.
    pub fn merge(mut self, other: Routes) -> Routes {
        for (path, route) in other.methods {
            let merged = match self.methods.remove(path) {
                Some(existing) => existing.merge(route),
                None => route,
            };
            self.methods.insert(path, merged);
        }
        self.table.extend(other.table);
        self
    }

    /// The router, with a JSON 405 naming the methods each API address
    /// takes, and the table.
    pub fn build(self) -> (Router<AppState>, Vec<Route>) {
        let mut router = Router::new();
        for (path, route) in self.methods {
            let route = if path.starts_with("/api/v1/") {
                let allowed: Vec<&str> = self
                    .table
                    .iter()
                    .filter(|r| r.path == path)
                    .map(|r| r.method)
                    .collect();
                let allowed = allowed.join(", ");
                route.fallback(move || crate::api::method_not_allowed(allowed.clone()))
            } else {
                route
            };
            router = router.route(path, route);
        }
        (router, self.table)
    }

    /// The table alone.
    pub fn table(&self) -> &[Route] {
        &self.table
    }
}
