//! Offline checks for `rampart audit`: plain Rust, no napi types.

pub mod hs256;
