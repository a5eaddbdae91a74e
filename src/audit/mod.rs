//! Offline checks for `rampart audit`: plain Rust, no napi types.

pub mod hs256;
#[cfg(target_arch = "x86_64")]
pub mod shani;
