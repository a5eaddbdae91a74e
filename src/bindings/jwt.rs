//! napi bindings for the jwt core. Keys are parsed once into native objects handed to JS
//! as `External` handles, and verify/sign are plain functions taking the handle: measured
//! here, a napi-rs class method call costs ~350 ns (its borrow tracking takes a global
//! lock), an `External` argument a fraction of that. Expected failures come back as
//! numbers (see `Status`), never as thrown JS errors; only a key the backend refuses
//! throws, once, when the key is created.

use std::mem::MaybeUninit;
use std::ptr;

use napi::bindgen_prelude::{Buffer, Either, External};
use napi::{check_status, sys, Error, JsString, JsValue, Result};
use napi_derive::napi;

use crate::jwt::alg::{ALL, HMAC_MASK, PKCS1_MASK, PSS_MASK};
use crate::jwt::keys::{KeyKind, PrivateKey, PublicKey};
use crate::jwt::token::{ascii_from_utf16, HeaderMemo};
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

/// Tokens up to this many characters (less the terminator) are read on the stack.
const STACK: usize = 8194;

/// A token's bytes, read from the JS string once, or the status that refuses it.
/// The string's UTF-16 code units are copied with one napi call (onto the stack when they
/// fit) and narrowed to bytes only when every unit is ASCII: the bytes verified are then
/// exactly the string the application holds, character for character, so `decode`, the
/// claims and `isRevoked` can never see a different token (see docs/jwt.md, "One reading
/// per token"). A string longer than `max_len` is refused before it is copied.
fn token_bytes<'a>(
    token: &JsString,
    max_len: usize,
    units: &'a mut [MaybeUninit<u16>; STACK],
    bytes: &'a mut [u8; STACK],
    heap_units: &'a mut Vec<u16>,
    heap_bytes: &'a mut Vec<u8>,
) -> Result<std::result::Result<&'a [u8], Status>> {
    let value = token.value();
    let mut written = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_utf16(
            value.env,
            value.value,
            units.as_mut_ptr().cast(),
            STACK,
            &mut written,
        )
    })?;
    let (units, bytes) = if written + 1 < STACK {
        // SAFETY: napi wrote `written` units (and a terminator) at the start of `units`.
        let units = unsafe { std::slice::from_raw_parts(units.as_ptr().cast::<u16>(), written) };
        (units, &mut bytes[..written])
    } else {
        let mut len = 0usize;
        check_status!(unsafe {
            sys::napi_get_value_string_utf16(value.env, value.value, ptr::null_mut(), 0, &mut len)
        })?;
        if len > max_len {
            return Ok(Err(Status::TooLong));
        }
        heap_units.resize(len + 1, 0);
        check_status!(unsafe {
            sys::napi_get_value_string_utf16(
                value.env,
                value.value,
                heap_units.as_mut_ptr(),
                heap_units.len(),
                &mut written,
            )
        })?;
        heap_bytes.resize(written, 0);
        (&heap_units[..written], &mut heap_bytes[..])
    };
    if !ascii_from_utf16(units, bytes) {
        return Ok(Err(Status::InvalidToken));
    }
    Ok(Ok(bytes))
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
    // The units are left uninitialised (napi writes them); only the bytes are zeroed.
    let mut units = [MaybeUninit::<u16>::uninit(); STACK];
    let mut bytes = [0u8; STACK];
    let (mut heap_units, mut heap_bytes) = (Vec::new(), Vec::new());
    let max_len = max_len as usize;
    let read = token_bytes(
        &token,
        max_len,
        &mut units,
        &mut bytes,
        &mut heap_units,
        &mut heap_bytes,
    )?;
    let result = read
        .and_then(|bytes| verify(bytes, &key.key, allowed, max_len, &key.memo))
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

/// A status code with its constant name and message.
#[napi(object)]
pub struct JwtStatusEntry {
    pub code: u32,
    pub name: String,
    pub message: String,
}

/// A key kind's code and its name (`rsa`, `ec-P-256`, …).
#[napi(object)]
pub struct JwtKeyKindEntry {
    pub code: u32,
    pub name: String,
}

/// The values JavaScript and Rust must agree on, from their one source (the core).
#[napi(object)]
pub struct JwtTables {
    /// Algorithm names by bit number.
    pub algorithms: Vec<String>,
    /// HS256/384/512.
    pub hmac_mask: u32,
    /// RS256/384/512.
    pub pkcs1_mask: u32,
    /// PS256/384/512.
    pub pss_mask: u32,
    pub key_kinds: Vec<JwtKeyKindEntry>,
    pub statuses: Vec<JwtStatusEntry>,
}

/// The jwt tables (read once by `lib/jwt/tables.js`).
#[napi(catch_unwind)]
pub fn jwt_tables() -> JwtTables {
    JwtTables {
        algorithms: ALL.iter().map(|a| a.name().to_string()).collect(),
        hmac_mask: HMAC_MASK,
        pkcs1_mask: PKCS1_MASK,
        pss_mask: PSS_MASK,
        key_kinds: KeyKind::ALL
            .iter()
            .map(|&(kind, name)| JwtKeyKindEntry {
                code: kind.code(),
                name: name.to_string(),
            })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| JwtStatusEntry {
                code: s.code(),
                name: s.name().to_string(),
                message: s.message().to_string(),
            })
            .collect(),
    }
}
