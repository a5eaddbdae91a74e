//! napi bindings for the jwt core: two classes, `JwtVerifyKey` and `JwtSignKey`, each a
//! key parsed once. Expected failures come back as numbers (see `Status`), never as thrown
//! JS errors; only misuse (a key the backend refuses) throws, once, at key creation.

use napi::bindgen_prelude::{Buffer, Either};
use napi::{Error, Result};
use napi_derive::napi;

use crate::jwt::keys::{KeyKind, PrivateKey, PublicKey};
use crate::jwt::verify::{payload_text, verify};
use crate::jwt::{sign, Alg, Status};

fn kind(code: u32) -> Result<KeyKind> {
    KeyKind::from_code(code).ok_or_else(|| Error::from_reason("unknown key kind"))
}

/// A key that verifies tokens: an HMAC secret or an asymmetric public key.
#[napi]
pub struct JwtVerifyKey {
    key: PublicKey,
}

#[napi]
impl JwtVerifyKey {
    /// An HMAC secret (raw bytes).
    #[napi(factory, catch_unwind)]
    pub fn secret(secret: Buffer) -> JwtVerifyKey {
        JwtVerifyKey {
            key: PublicKey::hmac(&secret),
        }
    }

    /// An asymmetric public key: `kind` 1 RSA (PKCS#1 DER), 2/3/4 EC P-256/384/521 and
    /// 5 Ed25519 (SPKI DER).
    #[napi(factory, catch_unwind)]
    pub fn public_der(kind_code: u32, der: Buffer) -> Result<JwtVerifyKey> {
        PublicKey::from_der(kind(kind_code)?, &der)
            .map(|key| JwtVerifyKey { key })
            .map_err(|e| Error::from_reason(e.0))
    }

    /// The algorithms (bit mask) this key's family allows.
    #[napi(getter, catch_unwind)]
    pub fn mask(&self) -> u32 {
        self.key.mask()
    }

    /// Key size in bits.
    #[napi(getter, catch_unwind)]
    pub fn bits(&self) -> u32 {
        self.key.bits()
    }

    /// Verifies `token` for the algorithms in `allowed`. Returns the payload's JSON text,
    /// or a status number when the token is refused.
    #[napi(catch_unwind)]
    pub fn verify(&self, token: String, allowed: u32, max_len: u32) -> Either<String, u32> {
        let result = verify(token.as_bytes(), &self.key, allowed, max_len as usize)
            .and_then(|v| payload_text(&v));
        match result {
            Ok(text) => Either::A(text),
            Err(status) => Either::B(status.code()),
        }
    }

    /// Verifies `token` and returns only a status (0 when valid): the caller decodes the
    /// payload itself.
    #[napi(catch_unwind)]
    pub fn check(&self, token: String, allowed: u32, max_len: u32) -> u32 {
        match verify(token.as_bytes(), &self.key, allowed, max_len as usize) {
            Ok(_) => 0,
            Err(status) => status.code(),
        }
    }
}

/// A key that signs tokens: an HMAC secret or an asymmetric private key.
#[napi]
pub struct JwtSignKey {
    key: PrivateKey,
}

#[napi]
impl JwtSignKey {
    /// An HMAC secret (raw bytes).
    #[napi(factory, catch_unwind)]
    pub fn secret(secret: Buffer) -> JwtSignKey {
        JwtSignKey {
            key: PrivateKey::hmac(&secret),
        }
    }

    /// An asymmetric private key from unencrypted PKCS#8 DER (`kind` as for verify keys).
    #[napi(factory, catch_unwind)]
    pub fn private_der(kind_code: u32, der: Buffer) -> Result<JwtSignKey> {
        PrivateKey::from_pkcs8(kind(kind_code)?, &der)
            .map(|key| JwtSignKey { key })
            .map_err(|e| Error::from_reason(e.0))
    }

    /// The algorithms (bit mask) this key's family allows.
    #[napi(getter, catch_unwind)]
    pub fn mask(&self) -> u32 {
        self.key.mask()
    }

    /// Key size in bits.
    #[napi(getter, catch_unwind)]
    pub fn bits(&self) -> u32 {
        self.key.bits()
    }

    /// The base64url signature of `signingInput` with algorithm number `alg`, or a status
    /// number when the key cannot sign with it.
    #[napi(catch_unwind)]
    pub fn sign(&self, signing_input: String, alg: u32) -> Either<String, u32> {
        let Some(alg) = Alg::from_index(alg) else {
            return Either::B(Status::InvalidAlgorithm.code());
        };
        match sign::sign(signing_input.as_bytes(), &self.key, alg) {
            Ok(sig) => Either::A(sig),
            Err(status) => Either::B(status.code()),
        }
    }
}
