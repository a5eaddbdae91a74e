//! rampart's native core. Each capability is a plain Rust module with no JavaScript
//! types inside; `bindings` is the only place that speaks napi.

pub mod audit;
pub mod csrf;
pub mod jwt;
pub mod ratelimit;
pub mod sanitize;
pub mod schema;

// Under `cargo test` the napi macros register nothing, so the bindings look unused there.
#[cfg_attr(test, allow(dead_code))]
mod bindings;
