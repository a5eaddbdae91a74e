//! Native key objects, parsed once and reused for every verify or sign.
//!
//! Keys arrive as already-normalised DER (the JavaScript layer reads PEM, JWK, X.509 and
//! `KeyObject` inputs with `node:crypto` and exports them): PKCS#1 for RSA public keys,
//! SPKI for EC and Ed25519 public keys, PKCS#8 for private keys, raw bytes for secrets.
//! Each key knows the algorithm family it belongs to, so an RSA key can never act as an
//! HMAC secret, whatever a token's header says.

use std::sync::OnceLock;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RsaKeyPair, RsaParameters,
};
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use super::alg::{Alg, HMAC_MASK, RSA_MASK};
use super::status::Status;

/// The type of an asymmetric key, as the JavaScript layer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum KeyKind {
    Rsa = 1,
    EcP256 = 2,
    EcP384 = 3,
    EcP521 = 4,
    Ed25519 = 5,
}

impl KeyKind {
    /// Every kind, with the name JavaScript uses for it (`lib/jwt/tables.js`).
    pub const ALL: [(KeyKind, &'static str); 5] = [
        (KeyKind::Rsa, "rsa"),
        (KeyKind::EcP256, "ec-P-256"),
        (KeyKind::EcP384, "ec-P-384"),
        (KeyKind::EcP521, "ec-P-521"),
        (KeyKind::Ed25519, "ed25519"),
    ];

    /// The numeric code JavaScript passes for this kind.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The kind with this numeric code.
    pub fn from_code(code: u32) -> Option<KeyKind> {
        Some(match code {
            1 => KeyKind::Rsa,
            2 => KeyKind::EcP256,
            3 => KeyKind::EcP384,
            4 => KeyKind::EcP521,
            5 => KeyKind::Ed25519,
            _ => return None,
        })
    }

    /// The algorithms a key of this kind may be used with.
    pub fn mask(self) -> u32 {
        match self {
            KeyKind::Rsa => RSA_MASK,
            KeyKind::EcP256 => Alg::ES256.bit(),
            KeyKind::EcP384 => Alg::ES384.bit(),
            KeyKind::EcP521 => Alg::ES512.bit(),
            KeyKind::Ed25519 => Alg::EdDSA.bit(),
        }
    }
}

/// A key the backend refused, with a short reason for the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub &'static str);

/// An HMAC secret, keyed once for each SHA-2 size (the keyed state is cloned per use, so
/// the secret's pads are never recomputed).
pub struct HmacKey {
    k256: Hmac<Sha256>,
    k384: Hmac<Sha384>,
    k512: Hmac<Sha512>,
    len: usize,
}

impl HmacKey {
    /// Keys `secret` for HS256, HS384 and HS512. Any length is accepted here; the minimum
    /// length policy lives in the JavaScript layer, next to its error message.
    pub fn new(secret: &[u8]) -> HmacKey {
        HmacKey {
            k256: Hmac::new_from_slice(secret).expect("HMAC takes keys of any length"),
            k384: Hmac::new_from_slice(secret).expect("HMAC takes keys of any length"),
            k512: Hmac::new_from_slice(secret).expect("HMAC takes keys of any length"),
            len: secret.len(),
        }
    }

    /// The tag of `msg`.
    fn tag(&self, alg: Alg, msg: &[u8]) -> Vec<u8> {
        match alg {
            Alg::HS384 => self
                .k384
                .clone()
                .chain_update(msg)
                .finalize()
                .into_bytes()
                .to_vec(),
            Alg::HS512 => self
                .k512
                .clone()
                .chain_update(msg)
                .finalize()
                .into_bytes()
                .to_vec(),
            _ => self
                .k256
                .clone()
                .chain_update(msg)
                .finalize()
                .into_bytes()
                .to_vec(),
        }
    }

    /// Whether `tag` is the tag of `msg`, compared in constant time (`subtle`).
    fn check(&self, alg: Alg, msg: &[u8], tag: &[u8]) -> bool {
        match alg {
            Alg::HS384 => self
                .k384
                .clone()
                .chain_update(msg)
                .verify_slice(tag)
                .is_ok(),
            Alg::HS512 => self
                .k512
                .clone()
                .chain_update(msg)
                .verify_slice(tag)
                .is_ok(),
            _ => self
                .k256
                .clone()
                .chain_update(msg)
                .verify_slice(tag)
                .is_ok(),
        }
    }

    /// The secret's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An RSA public key; the backend binds a parsed key to one algorithm, so each of the six
/// RSA algorithms gets its own, parsed on first use.
pub struct RsaPublic {
    der: Vec<u8>,
    bits: u32,
    parsed: [OnceLock<Option<ParsedPublicKey>>; 6],
}

/// A key that verifies signatures.
pub enum PublicKey {
    Hmac(Box<HmacKey>),
    Rsa(Box<RsaPublic>),
    Ec(Alg, ParsedPublicKey),
    Ed25519(ParsedPublicKey),
}

fn ec_verify_alg(alg: Alg) -> &'static signature::EcdsaVerificationAlgorithm {
    match alg {
        Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Alg::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
        _ => &signature::ECDSA_P256_SHA256_FIXED,
    }
}

fn ec_alg_of(kind: KeyKind) -> Alg {
    match kind {
        KeyKind::EcP384 => Alg::ES384,
        KeyKind::EcP521 => Alg::ES512,
        _ => Alg::ES256,
    }
}

fn rsa_params(alg: Alg, bits: u32) -> Option<&'static RsaParameters> {
    let strong = bits >= 2048;
    Some(match alg {
        Alg::RS256 if strong => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::RS384 if strong => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::RS512 if strong => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::PS256 if strong => &signature::RSA_PSS_2048_8192_SHA256,
        Alg::PS384 if strong => &signature::RSA_PSS_2048_8192_SHA384,
        Alg::PS512 if strong => &signature::RSA_PSS_2048_8192_SHA512,
        // Keys under 2048 bits reach here only with allowInsecureKeySizes; the backend
        // verifies them for RS256 and RS512 only.
        Alg::RS256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        Alg::RS512 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        _ => return None,
    })
}

impl PublicKey {
    /// An HMAC secret.
    pub fn hmac(secret: &[u8]) -> PublicKey {
        PublicKey::Hmac(Box::new(HmacKey::new(secret)))
    }

    /// An asymmetric public key: PKCS#1 `RSAPublicKey` (or SPKI) DER for RSA, SPKI DER for
    /// EC and Ed25519.
    pub fn from_der(kind: KeyKind, der: &[u8]) -> Result<PublicKey, KeyError> {
        match kind {
            KeyKind::Rsa => {
                let bits = signature::RsaParameters::public_modulus_len(der)
                    .map_err(|_| KeyError("not an RSA public key"))?;
                let key = RsaPublic {
                    der: der.to_vec(),
                    bits,
                    parsed: Default::default(),
                };
                Ok(PublicKey::Rsa(Box::new(key)))
            }
            KeyKind::Ed25519 => ParsedPublicKey::new(&signature::ED25519, der)
                .map(PublicKey::Ed25519)
                .map_err(|_| KeyError("not an Ed25519 public key")),
            ec => {
                let alg = ec_alg_of(ec);
                ParsedPublicKey::new(ec_verify_alg(alg), der)
                    .map(|k| PublicKey::Ec(alg, k))
                    .map_err(|_| KeyError("not an EC public key on the expected curve"))
            }
        }
    }

    /// The algorithms this key can verify at all (before options narrow them).
    pub fn mask(&self) -> u32 {
        match self {
            PublicKey::Hmac(_) => HMAC_MASK,
            PublicKey::Rsa(_) => RSA_MASK,
            PublicKey::Ec(alg, _) => alg.bit(),
            PublicKey::Ed25519(_) => Alg::EdDSA.bit(),
        }
    }

    /// Key size in bits (RSA modulus, HMAC secret, EC field), for size policy and messages.
    pub fn bits(&self) -> u32 {
        match self {
            PublicKey::Hmac(k) => (k.len() * 8) as u32,
            PublicKey::Rsa(k) => k.bits,
            PublicKey::Ec(Alg::ES384, _) => 384,
            PublicKey::Ec(Alg::ES512, _) => 521,
            PublicKey::Ec(..) => 256,
            PublicKey::Ed25519(_) => 256,
        }
    }

    /// Checks `sig` over `msg` with `alg`. An algorithm outside this key's family is a
    /// failed verification, never an attempt: this is what makes algorithm confusion
    /// impossible. HMAC tags are compared in constant time.
    pub fn verify(&self, alg: Alg, msg: &[u8], sig: &[u8]) -> bool {
        if self.mask() & alg.bit() == 0 {
            return false;
        }
        match self {
            PublicKey::Hmac(k) => k.check(alg, msg, sig),
            PublicKey::Rsa(k) => {
                let slot = (alg as usize) - (Alg::RS256 as usize);
                let parsed = k.parsed[slot].get_or_init(|| {
                    rsa_params(alg, k.bits).and_then(|p| ParsedPublicKey::new(p, &k.der).ok())
                });
                match parsed {
                    Some(key) => key.verify_sig(msg, sig).is_ok(),
                    None => false,
                }
            }
            PublicKey::Ec(_, k) | PublicKey::Ed25519(k) => k.verify_sig(msg, sig).is_ok(),
        }
    }
}

/// A key that makes signatures.
pub enum PrivateKey {
    Hmac(Box<HmacKey>),
    Rsa(RsaKeyPair),
    Ec(Alg, EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl PrivateKey {
    /// An HMAC secret.
    pub fn hmac(secret: &[u8]) -> PrivateKey {
        PrivateKey::Hmac(Box::new(HmacKey::new(secret)))
    }

    /// An asymmetric private key from unencrypted PKCS#8 DER.
    pub fn from_pkcs8(kind: KeyKind, der: &[u8]) -> Result<PrivateKey, KeyError> {
        match kind {
            KeyKind::Rsa => RsaKeyPair::from_pkcs8(der)
                .map(PrivateKey::Rsa)
                .map_err(|_| {
                    KeyError("the RSA private key was refused (keys under 2048 bits cannot sign)")
                }),
            KeyKind::Ed25519 => Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                .map(PrivateKey::Ed25519)
                .map_err(|_| KeyError("not an Ed25519 private key")),
            ec => {
                let alg = ec_alg_of(ec);
                let signing = match alg {
                    Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    Alg::ES512 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                    _ => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                };
                EcdsaKeyPair::from_pkcs8(signing, der)
                    .map(|k| PrivateKey::Ec(alg, k))
                    .map_err(|_| KeyError("not an EC private key on the expected curve"))
            }
        }
    }

    /// The algorithms this key can sign with.
    pub fn mask(&self) -> u32 {
        match self {
            PrivateKey::Hmac(_) => HMAC_MASK,
            PrivateKey::Rsa(_) => RSA_MASK,
            PrivateKey::Ec(alg, _) => alg.bit(),
            PrivateKey::Ed25519(_) => Alg::EdDSA.bit(),
        }
    }

    /// Key size in bits.
    pub fn bits(&self) -> u32 {
        match self {
            PrivateKey::Hmac(k) => (k.len() * 8) as u32,
            PrivateKey::Rsa(k) => (k.public_modulus_len() * 8) as u32,
            PrivateKey::Ec(Alg::ES384, _) => 384,
            PrivateKey::Ec(Alg::ES512, _) => 521,
            PrivateKey::Ec(..) => 256,
            PrivateKey::Ed25519(_) => 256,
        }
    }

    /// The public half (SPKI DER for EC/Ed25519, PKCS#1 for RSA), for tests and self-checks.
    pub fn public_der(&self) -> Option<Vec<u8>> {
        match self {
            PrivateKey::Hmac(_) => None,
            PrivateKey::Rsa(k) => Some(k.public_key().as_ref().to_vec()),
            PrivateKey::Ec(_, k) => Some(k.public_key().as_ref().to_vec()),
            PrivateKey::Ed25519(k) => Some(k.public_key().as_ref().to_vec()),
        }
    }

    /// Signs `msg` with `alg`, which must belong to this key's family.
    pub fn sign(&self, alg: Alg, msg: &[u8]) -> Result<Vec<u8>, Status> {
        if self.mask() & alg.bit() == 0 {
            return Err(Status::InvalidAlgorithm);
        }
        match self {
            PrivateKey::Hmac(k) => Ok(k.tag(alg, msg)),
            PrivateKey::Rsa(k) => {
                let encoding: &'static dyn signature::RsaEncoding = match alg {
                    Alg::RS256 => &signature::RSA_PKCS1_SHA256,
                    Alg::RS384 => &signature::RSA_PKCS1_SHA384,
                    Alg::RS512 => &signature::RSA_PKCS1_SHA512,
                    Alg::PS256 => &signature::RSA_PSS_SHA256,
                    Alg::PS384 => &signature::RSA_PSS_SHA384,
                    _ => &signature::RSA_PSS_SHA512,
                };
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(encoding, &SystemRandom::new(), msg, &mut sig)
                    .map_err(|_| Status::SignFailed)?;
                Ok(sig)
            }
            PrivateKey::Ec(_, k) => k
                .sign(&SystemRandom::new(), msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| Status::SignFailed),
            PrivateKey::Ed25519(k) => Ok(k.sign(msg).as_ref().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair};

    #[test]
    fn key_kinds_round_trip_through_their_codes() {
        for (kind, name) in KeyKind::ALL {
            assert_eq!(KeyKind::from_code(kind.code()), Some(kind), "{name}");
        }
        assert_eq!(KeyKind::from_code(0), None);
        assert_eq!(KeyKind::from_code(KeyKind::ALL.len() as u32 + 1), None);
    }

    fn ec_pair(kind: KeyKind) -> (PrivateKey, PublicKey) {
        let signing = match kind {
            KeyKind::EcP384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            KeyKind::EcP521 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
            _ => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        };
        let doc = EcdsaKeyPair::generate_pkcs8(signing, &SystemRandom::new()).unwrap();
        let private = PrivateKey::from_pkcs8(kind, doc.as_ref()).unwrap();
        let public = PublicKey::from_der(kind, &private.public_der().unwrap());
        // The backend's public_key() is the raw point; SPKI is what JS sends, and the
        // parser takes both.
        (private, public.unwrap())
    }

    #[test]
    fn hmac_round_trip_and_wrong_secret() {
        let key = PrivateKey::hmac(&[7u8; 32]);
        let sig = key.sign(Alg::HS256, b"a.b").unwrap();
        assert_eq!(sig.len(), 32);
        assert!(PublicKey::hmac(&[7u8; 32]).verify(Alg::HS256, b"a.b", &sig));
        assert!(!PublicKey::hmac(&[8u8; 32]).verify(Alg::HS256, b"a.b", &sig));
        assert!(!PublicKey::hmac(&[7u8; 32]).verify(Alg::HS384, b"a.b", &sig));
        assert!(!PublicKey::hmac(&[7u8; 32]).verify(Alg::HS256, b"a.c", &sig));
    }

    #[test]
    fn ec_and_ed25519_round_trip() {
        for (kind, alg) in [
            (KeyKind::EcP256, Alg::ES256),
            (KeyKind::EcP384, Alg::ES384),
            (KeyKind::EcP521, Alg::ES512),
        ] {
            let (private, public) = ec_pair(kind);
            let sig = private.sign(alg, b"x.y").unwrap();
            assert!(public.verify(alg, b"x.y", &sig), "{alg:?}");
            assert!(!public.verify(alg, b"x.z", &sig));
            assert!(!public.verify(Alg::HS256, b"x.y", &sig));
        }
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let private = PrivateKey::from_pkcs8(KeyKind::Ed25519, doc.as_ref()).unwrap();
        let public = PublicKey::from_der(KeyKind::Ed25519, &private.public_der().unwrap()).unwrap();
        let sig = private.sign(Alg::EdDSA, b"x.y").unwrap();
        assert!(public.verify(Alg::EdDSA, b"x.y", &sig));
        assert!(!public.verify(Alg::EdDSA, b"x.y!", &sig));
    }

    #[test]
    fn rsa_pkcs1_and_pss_round_trip() {
        use aws_lc_rs::encoding::AsDer;
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let pkcs8 = pair.as_der().unwrap();
        let private = PrivateKey::from_pkcs8(KeyKind::Rsa, pkcs8.as_ref()).unwrap();
        assert_eq!(private.bits(), 2048);
        let public = PublicKey::from_der(KeyKind::Rsa, &private.public_der().unwrap()).unwrap();
        assert_eq!(public.bits(), 2048);
        for alg in [
            Alg::RS256,
            Alg::RS384,
            Alg::RS512,
            Alg::PS256,
            Alg::PS384,
            Alg::PS512,
        ] {
            let sig = private.sign(alg, b"h.p").unwrap();
            assert!(public.verify(alg, b"h.p", &sig), "{alg:?}");
            assert!(!public.verify(alg, b"h.q", &sig), "{alg:?}");
        }
        // A PKCS#1 v1.5 signature is not a PSS one, nor SHA-256 a SHA-512 one.
        let sig = private.sign(Alg::RS256, b"m").unwrap();
        assert!(!public.verify(Alg::PS256, b"m", &sig));
        assert!(!public.verify(Alg::RS512, b"m", &sig));
    }

    #[test]
    fn algorithm_confusion_is_refused_by_the_key_itself() {
        let (private, public) = ec_pair(KeyKind::EcP256);
        assert_eq!(
            private.sign(Alg::HS256, b"m"),
            Err(Status::InvalidAlgorithm)
        );
        assert_eq!(
            private.sign(Alg::ES384, b"m"),
            Err(Status::InvalidAlgorithm)
        );
        // An HMAC tag made with the public key's bytes as the secret never verifies.
        let der = private.public_der().unwrap();
        let forged = PrivateKey::hmac(&der).sign(Alg::HS256, b"m").unwrap();
        assert!(!public.verify(Alg::HS256, b"m", &forged));
    }

    /// Backend timing for the README (run: `cargo test --profile fast --lib
    /// hmac_backend_timing -- --ignored --nocapture`); /tmp-style RustCrypto twin in the
    /// README's notes.
    #[test]
    #[ignore]
    fn hmac_backend_timing() {
        let msg = vec![b'a'; 228];
        let key = PublicKey::hmac(&[7u8; 32]);
        let tag = PrivateKey::hmac(&[7u8; 32]).sign(Alg::HS256, &msg).unwrap();
        for round in 0..5 {
            let n = 1_000_000;
            let start = std::time::Instant::now();
            let mut ok = 0;
            for _ in 0..n {
                if key.verify(Alg::HS256, std::hint::black_box(&msg), &tag) {
                    ok += 1;
                }
            }
            let ns = start.elapsed().as_nanos() as f64 / n as f64;
            println!("hmac-sha256 verify (pre-keyed): {ns:.0} ns/op (round {round}, ok {ok})");
        }
    }

    #[test]
    fn garbage_keys_are_errors_not_panics() {
        assert!(PublicKey::from_der(KeyKind::Rsa, b"nope").is_err());
        assert!(PublicKey::from_der(KeyKind::EcP256, b"").is_err());
        assert!(PublicKey::from_der(KeyKind::Ed25519, &[0u8; 3]).is_err());
        assert!(PrivateKey::from_pkcs8(KeyKind::Rsa, &[1, 2, 3]).is_err());
        assert!(KeyKind::from_code(0).is_none());
    }
}
