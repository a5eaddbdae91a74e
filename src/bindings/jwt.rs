//! napi bindings for the jwt core. Keys are parsed once into native objects handed to JS
//! as `External` handles, and verify/sign are plain functions taking the handle: measured
//! here, a napi-rs class method call costs ~350 ns (its borrow tracking takes a global
//! lock), an `External` argument a fraction of that. Expected failures come back as
//! numbers (see `Status`), never as thrown JS errors; only a key the backend refuses
//! throws, once, when the key is created.

use std::ptr;

use napi::bindgen_prelude::{Buffer, Either, External};
use napi::{check_status, sys, Error, JsString, JsValue, Result};
use napi_derive::napi;

use crate::jwt::keys::{KeyKind, PrivateKey, PublicKey};
use crate::jwt::token::HeaderMemo;
use crate::jwt::verify::{payload_text, verify};
use crate::jwt::{sign, Alg, Status};

fn kind(code: u32) -> Result<KeyKind> {
    KeyKind::from_code(code).ok_or_else(|| Error::from_reason("unknown key kind"))
}

/// A key that verifies tokens, with the memo of the last header it read.
pub struct VerifyKey {
    key: PublicKey,
    memo: HeaderMemo,
}

/// A key that signs tokens.
pub struct SignKey {
    key: PrivateKey,
}

/// An HMAC secret (raw bytes) as a verify key.
#[napi(catch_unwind)]
pub fn jwt_verify_key_secret(secret: Buffer) -> External<VerifyKey> {
    External::new(VerifyKey {
        key: PublicKey::hmac(&secret),
        memo: HeaderMemo::default(),
    })
}

/// An asymmetric public key: `kind` 1 RSA (PKCS#1 DER), 2/3/4 EC P-256/384/521 and
/// 5 Ed25519 (SPKI DER).
#[napi(catch_unwind)]
pub fn jwt_verify_key_public(kind_code: u32, der: Buffer) -> Result<External<VerifyKey>> {
    PublicKey::from_der(kind(kind_code)?, &der)
        .map(|key| {
            External::new(VerifyKey {
                key,
                memo: HeaderMemo::default(),
            })
        })
        .map_err(|e| Error::from_reason(e.0))
}

/// `[mask, bits]`: the algorithms (bit mask) the key's family allows, and its size.
#[napi(catch_unwind)]
pub fn jwt_verify_key_info(key: &External<VerifyKey>) -> Vec<u32> {
    vec![key.key.mask(), key.key.bits()]
}

/// Copies a JS string's one-byte (latin1) form into `stack` with a single napi call, or
/// onto the heap when it does not fit. A token is base64url and dots, so anything outside
/// latin1 is already invalid; the lossy conversion can only turn it into other invalid
/// bytes, and what is verified is exactly what is decoded and returned.
fn token_bytes<'a>(
    token: &JsString,
    stack: &'a mut [u8],
    heap: &'a mut Vec<u8>,
) -> Result<&'a [u8]> {
    let value = token.value();
    let mut written = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_latin1(
            value.env,
            value.value,
            stack.as_mut_ptr().cast(),
            stack.len(),
            &mut written,
        )
    })?;
    if written + 1 < stack.len() {
        return Ok(&stack[..written]);
    }
    let mut len = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_latin1(value.env, value.value, ptr::null_mut(), 0, &mut len)
    })?;
    heap.resize(len + 1, 0);
    check_status!(unsafe {
        sys::napi_get_value_string_latin1(
            value.env,
            value.value,
            heap.as_mut_ptr().cast(),
            heap.len(),
            &mut written,
        )
    })?;
    Ok(&heap[..written])
}

/// Verifies `token` for the algorithms in `allowed`. Returns the payload's JSON text, or a
/// status number when the token is refused.
#[napi(catch_unwind)]
pub fn jwt_verify(
    key: &External<VerifyKey>,
    token: JsString,
    allowed: u32,
    max_len: u32,
) -> Result<Either<String, u32>> {
    let mut stack = [0u8; 8194];
    let mut heap = Vec::new();
    let bytes = token_bytes(&token, &mut stack, &mut heap)?;
    let result = verify(bytes, &key.key, allowed, max_len as usize, &key.memo)
        .and_then(|v| payload_text(&v));
    Ok(match result {
        Ok(text) => Either::A(text),
        Err(status) => Either::B(status.code()),
    })
}

/// An HMAC secret (raw bytes) as a sign key.
#[napi(catch_unwind)]
pub fn jwt_sign_key_secret(secret: Buffer) -> External<SignKey> {
    External::new(SignKey {
        key: PrivateKey::hmac(&secret),
    })
}

/// An asymmetric private key from unencrypted PKCS#8 DER (`kind` as for verify keys).
#[napi(catch_unwind)]
pub fn jwt_sign_key_private(kind_code: u32, der: Buffer) -> Result<External<SignKey>> {
    PrivateKey::from_pkcs8(kind(kind_code)?, &der)
        .map(|key| External::new(SignKey { key }))
        .map_err(|e| Error::from_reason(e.0))
}

/// `[mask, bits]` of a sign key.
#[napi(catch_unwind)]
pub fn jwt_sign_key_info(key: &External<SignKey>) -> Vec<u32> {
    vec![key.key.mask(), key.key.bits()]
}

/// The base64url signature of `signing_input` with algorithm number `alg`, or a status
/// number when the key cannot sign with it.
#[napi(catch_unwind)]
pub fn jwt_sign(key: &External<SignKey>, signing_input: String, alg: u32) -> Either<String, u32> {
    let Some(alg) = Alg::from_index(alg) else {
        return Either::B(Status::InvalidAlgorithm.code());
    };
    match sign::sign(signing_input.as_bytes(), &key.key, alg) {
        Ok(sig) => Either::A(sig),
        Err(status) => Either::B(status.code()),
    }
}
