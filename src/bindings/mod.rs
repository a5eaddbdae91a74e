//! The only `#[napi]` code: thin wrappers that convert cheap JS types (strings, Buffers,
//! numbers) into calls on the plain Rust cores. Every entry point uses
//! `#[napi(catch_unwind)]` so that a panic becomes a JS error instead of aborting Node.

mod audit;

mod csrf;

mod diagnostics;

mod jwt;

mod ratelimit;

mod sanitize;

mod schema;
