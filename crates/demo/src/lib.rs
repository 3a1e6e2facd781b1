//! The demo and the benchmark workload: generators that write Stocktake's
//! ordinary import files, so both pass through exactly the checks a user's
//! own files do.
//!
//! - [`generate`]: the demo database `stocktake demo` loads, a fire and
//!   rescue service and a region's councils, built from trimmed copies of
//!   real public files plus figures drawn from a fixed seed;
//! - [`load_demo`]: imports the demo into an open Stocktake, with one
//!   account per role ([`SIGN_INS`]) and work in progress, and the East
//!   Midlands partnership's change agents ([`partnership::CHANGE_AGENTS`]),
//!   intelligence, support matrix and a support plan; its risk register as
//!   the protocol prints it, with goals ([`risks`]); the fire service's
//!   improvement plans, Track projects and a joint work programme
//!   ([`plans`]); its quarterly performance reports, one issued and one
//!   on its way to committee ([`reports`]);
//! - [`framework`]: the national and Best Value indicator sets, a Local
//!   Area Agreement, and the fire CPA as a framework with a self-assessment,
//!   the judgement and an action it raised;
//! - [`bench`]: the national-scale workload `stocktake bench-data` writes.

pub mod bench;
pub mod budgets;
pub mod framework;
pub mod generate;
mod load;
pub mod partnership;
pub mod partnership_register;
mod people;
pub mod plans;
pub mod publication;
pub mod reports;
pub mod risks;

pub use generate::{DemoFiles, generate};
pub use load::{DEMO_HOME_UNIT, DEMO_SEED, DemoLoaded, load_demo};
pub use people::{DemoSignIn, SIGN_INS};
