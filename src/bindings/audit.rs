//! napi bindings for `rampart audit`'s offline HS256 secret cracker.

use crate::audit::hs256;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// Tries every line of `candidates` (newline-separated) as the HS256 secret of a token
/// whose signing input is `signingInput` and signature `signature` (raw bytes). Returns
/// the line number of the first secret that signs it, or -1. Spreads the list over
/// `threads` threads (0 or 1: the calling thread).
#[napi(catch_unwind)]
pub fn audit_crack_hs256(
    signing_input: Buffer,
    signature: Buffer,
    candidates: Buffer,
    threads: u32,
) -> i64 {
    hs256::crack(&signing_input, &signature, &candidates, threads as usize).map_or(-1, |i| i as i64)
}
