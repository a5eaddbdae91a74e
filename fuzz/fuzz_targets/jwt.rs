//! Token parsing and verification. Two kinds of input, by the first byte:
//! - any bytes as a token, verified with an HMAC and an Ed25519 key allowing every
//!   algorithm: never a panic, and a token that verifies must carry exactly the canonical
//!   signature of its signing input (no malleable encodings, no `none`, no key confusion);
//! - a header and payload from the input, signed, then verified (must pass and give the
//!   payload back) and then changed at one byte (must fail);
//! - (first byte 2) the input as the UTF-16 units of a JS string, read as the binding reads
//!   a token: narrowed only when every unit is ASCII, and then exactly (widening the bytes
//!   gives the units back), so no two strings can verify as the same token.
#![no_main]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use rampart::jwt::keys::KeyKind;
use rampart::jwt::sign::sign;
use rampart::jwt::token::{ascii_from_utf16, decode_segment, read_header, split, HeaderMemo};
use rampart::jwt::verify::{payload_text, verify};
use rampart::jwt::{Alg, PrivateKey, PublicKey};

const SECRET: &[u8] = b"a-fuzzing-secret-of-64-bytes-....................................";
const ED_PKCS8: &str = "302e020100300506032b657004220420ac3587b07f74adb2326a9cb1397ab440dcb7c8e06a351805b7f11b375a415ea8";
const ED_SPKI: &str =
    "302a300506032b6570032100a4b91d321effee2e76fe578a61a55549811cdc29031cac50ad566a2a79addc11";
const MAX_LEN: usize = 8192;

struct Keys {
    pairs: Vec<(PrivateKey, PublicKey)>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| Keys {
        pairs: vec![
            (PrivateKey::hmac(SECRET), PublicKey::hmac(SECRET)),
            (
                PrivateKey::from_pkcs8(KeyKind::Ed25519, &hex(ED_PKCS8)).expect("pkcs8"),
                PublicKey::from_der(KeyKind::Ed25519, &hex(ED_SPKI)).expect("spki"),
            ),
        ],
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let memo = HeaderMemo::default();
    if mode == 2 {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        let mut bytes = vec![0u8; units.len()];
        let narrowed = ascii_from_utf16(&units, &mut bytes);
        assert_eq!(narrowed, units.iter().all(|&u| u < 0x80), "ASCII decision");
        if narrowed {
            let widened: Vec<u16> = bytes.iter().map(|&b| u16::from(b)).collect();
            assert_eq!(widened, units, "a narrowed token widens back to its string");
            for (_, public) in &keys().pairs {
                let _ = verify(&bytes, public, u32::MAX, MAX_LEN, &memo);
            }
        }
        return;
    }
    if mode & 1 == 0 {
        // Any bytes as a token.
        let _ = split(rest);
        let _ = read_header(rest);
        let _ = decode_segment(rest);
        for (private, public) in &keys().pairs {
            if let Ok(v) = verify(rest, public, u32::MAX, MAX_LEN, &memo) {
                let text = std::str::from_utf8(rest).expect("a verified token is ASCII");
                let (input, sig) = text.rsplit_once('.').expect("three segments");
                let expected = sign(input.as_bytes(), private, v.alg).expect("sign");
                // HMAC and Ed25519 signatures are deterministic: one canonical encoding.
                assert_eq!(
                    sig, expected,
                    "a verified token with a non-canonical signature"
                );
                let _ = payload_text(&v);
            }
        }
        return;
    }
    // A signed token from the input: header (alg chosen by the input) and payload bytes.
    let alg = [Alg::HS256, Alg::HS384, Alg::HS512, Alg::EdDSA][usize::from(mode >> 1) % 4];
    let (private, public) = &keys().pairs[usize::from(alg == Alg::EdDSA)];
    let Some((&cut, body)) = rest.split_first() else {
        return;
    };
    if body.is_empty() {
        return; // an empty payload segment is refused as malformed, as jsonwebtoken does
    }
    let header = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(body)
    );
    let sig = sign(input.as_bytes(), private, alg).expect("sign");
    let token = format!("{input}.{sig}");
    let v = verify(token.as_bytes(), public, u32::MAX, MAX_LEN, &memo)
        .expect("a signed token verifies");
    match payload_text(&v) {
        Ok(text) => assert_eq!(text.as_bytes(), body, "payload round trip"),
        Err(_) => assert!(
            std::str::from_utf8(body).is_err(),
            "a UTF-8 payload refused"
        ),
    }
    // Change one byte: the token must no longer verify.
    let mut changed = token.clone().into_bytes();
    let at = usize::from(cut) * changed.len() / 256;
    let new = if changed[at] == b'A' { b'B' } else { b'A' };
    changed[at] = new;
    assert!(
        verify(&changed, public, u32::MAX, MAX_LEN, &memo).is_err(),
        "a changed token verified: {}",
        String::from_utf8_lossy(&changed)
    );
});
