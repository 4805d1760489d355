//! The native half of the npm package `cloudsso`: a `Client` class over the
//! Rust core. `index.js` wraps it (result and error classes, redaction in
//! `util.inspect`); this crate only converts arguments, calls the core, and
//! maps the core's error once.
//!
//! Modules, one job each: [`input`] reads JS values without echoing them,
//! [`convert`] turns JS objects into the core's builder and request,
//! [`failure`] is the one mapping from a failure to a JS error, [`task`] runs
//! a call on the libuv pool, [`client`] is the class JS sees.

#![deny(clippy::all)]

mod client;
mod convert;
mod failure;
mod input;
mod task;

/// The version of the Rust core inside this addon.
#[napi_derive::napi]
pub const CORE_VERSION: &str = cloudsso::VERSION;
