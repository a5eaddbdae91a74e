//! napi bindings for the csrf core: plain functions over strings (the secret may be a
//! Buffer), one call per token made or checked.

use crate::csrf::{self, Algorithm, ALGORITHMS};
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;

fn algorithm(index: u32) -> napi::Result<Algorithm> {
    Algorithm::from_index(index)
        .ok_or_else(|| napi::Error::from_reason(format!("rampart/csrf: no HMAC algorithm {index}")))
}

fn bytes(secret: &Either<String, Buffer>) -> &[u8] {
    match secret {
        Either::A(text) => text.as_bytes(),
        Either::B(buffer) => buffer,
    }
}

/// The HMAC hash names csrf-csrf's `hmacAlgorithm` may take; an index into this list is
/// what `csrfSign` and `csrfVerify` receive.
#[napi(catch_unwind)]
pub fn csrf_algorithms() -> Vec<String> {
    ALGORITHMS.iter().map(|s| s.to_string()).collect()
}

/// The lower-case hex HMAC of `message` under `secret`.
#[napi(catch_unwind)]
pub fn csrf_sign(
    algorithm_index: u32,
    secret: Either<String, Buffer>,
    message: String,
) -> napi::Result<String> {
    Ok(csrf::sign_hex(
        algorithm(algorithm_index)?,
        bytes(&secret),
        message.as_bytes(),
    ))
}

/// Whether `cookieToken` equals `requestToken` and `tag` is the HMAC of `message` under
/// `secret`, all compared in constant time.
#[napi(catch_unwind)]
pub fn csrf_verify(
    algorithm_index: u32,
    secret: Either<String, Buffer>,
    message: String,
    tag: String,
    cookie_token: String,
    request_token: String,
) -> napi::Result<bool> {
    Ok(csrf::verify(
        algorithm(algorithm_index)?,
        bytes(&secret),
        message.as_bytes(),
        tag.as_bytes(),
        cookie_token.as_bytes(),
        request_token.as_bytes(),
    ))
}
