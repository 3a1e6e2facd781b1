//! Who is calling: every use case takes a [`Caller`], saying who is acting
//! and through which face. Permission checks live in the use cases and read
//! it; the audit trail names it.

mod caller;

pub use caller::{Caller, Interface};
