//! Verification of a compact JWS: structure, header, algorithm, then the signature.
//! Cheap checks come first, so malformed or oversized input never reaches the crypto.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::alg::Alg;
use super::keys::PublicKey;
use super::status::Status;
use super::token::{decode_segment, split, HeaderMemo};

/// A token whose signature checked out.
#[derive(Debug)]
pub struct Verified<'t> {
    pub alg: Alg,
    /// The payload segment, still base64url-encoded.
    pub payload: &'t [u8],
}

/// Verifies `token` with `key`, accepting only the algorithms in `allowed` (a mask of
/// [`Alg::bit`]s) that also belong to the key's family. Claims are not looked at here.
/// `memo` remembers the last header parsed (see [`HeaderMemo`]).
pub fn verify<'t>(
    token: &'t [u8],
    key: &PublicKey,
    allowed: u32,
    max_len: usize,
    memo: &HeaderMemo,
) -> Result<Verified<'t>, Status> {
    if token.len() > max_len {
        return Err(Status::TooLong);
    }
    let segments = split(token)?;
    let header = memo.read(segments.header)?;
    if segments.signature.is_empty() {
        return Err(Status::SignatureRequired);
    }
    let alg = match header.alg {
        Some(alg) if alg.bit() & allowed & key.mask() != 0 => alg,
        _ => return Err(Status::InvalidAlgorithm),
    };
    // A signature is at most 1024 bytes (RSA-8192), decoded on the stack.
    let mut buf = [0u8; 1024];
    let len = URL_SAFE_NO_PAD
        .decode_slice(segments.signature, &mut buf)
        .map_err(|_| Status::InvalidSignature)?;
    if !key.verify(alg, segments.signing_input, &buf[..len]) {
        return Err(Status::InvalidSignature);
    }
    Ok(Verified {
        alg,
        payload: segments.payload,
    })
}

/// Decodes a verified payload to its JSON text.
pub fn payload_text(verified: &Verified<'_>) -> Result<String, Status> {
    let bytes = decode_segment(verified.payload)?;
    String::from_utf8(bytes).map_err(|_| Status::InvalidPayload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::PrivateKey;

    const ALL: u32 = u32::MAX;

    fn make(header: &str, payload: &str, key: &PrivateKey, alg: Alg) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let sig = key.sign(alg, input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    #[test]
    fn hs256_verifies_and_returns_payload() {
        let secret = [42u8; 32];
        let token = make(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"u"}"#,
            &PrivateKey::hmac(&secret),
            Alg::HS256,
        );
        let key = PublicKey::hmac(&secret);
        let v = verify(token.as_bytes(), &key, ALL, 8192, &HeaderMemo::default()).unwrap();
        assert_eq!(v.alg, Alg::HS256);
        assert_eq!(payload_text(&v).unwrap(), r#"{"sub":"u"}"#);
        // Not allowed by the options mask.
        assert_eq!(
            verify(
                token.as_bytes(),
                &key,
                Alg::HS512.bit(),
                8192,
                &HeaderMemo::default()
            )
            .unwrap_err(),
            Status::InvalidAlgorithm
        );
        // Over the length cap, before anything else.
        assert_eq!(
            verify(token.as_bytes(), &key, ALL, 10, &HeaderMemo::default()).unwrap_err(),
            Status::TooLong
        );
    }

    #[test]
    fn tampering_is_detected() {
        let secret = [1u8; 32];
        let token = make(
            r#"{"alg":"HS256"}"#,
            r#"{"admin":false}"#,
            &PrivateKey::hmac(&secret),
            Alg::HS256,
        );
        let key = PublicKey::hmac(&secret);
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(r#"{"admin":true}"#),
            parts[2]
        );
        assert_eq!(
            verify(forged.as_bytes(), &key, ALL, 8192, &HeaderMemo::default()).unwrap_err(),
            Status::InvalidSignature
        );
        let no_sig = format!("{}.{}.", parts[0], parts[1]);
        assert_eq!(
            verify(no_sig.as_bytes(), &key, ALL, 8192, &HeaderMemo::default()).unwrap_err(),
            Status::SignatureRequired
        );
        let bad_b64 = format!("{}.{}.{}!", parts[0], parts[1], parts[2]);
        assert_eq!(
            verify(bad_b64.as_bytes(), &key, ALL, 8192, &HeaderMemo::default()).unwrap_err(),
            Status::InvalidSignature
        );
    }

    #[test]
    fn alg_none_is_never_accepted() {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(r#"{"a":1}"#)
        );
        let key = PublicKey::hmac(&[0u8; 32]);
        for token in [format!("{input}."), format!("{input}.AAAA")] {
            let err =
                verify(token.as_bytes(), &key, ALL, 8192, &HeaderMemo::default()).unwrap_err();
            assert!(matches!(
                err,
                Status::SignatureRequired | Status::InvalidAlgorithm
            ));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        const ALPHABET: &[u8] = b"eyJhbGciOiJIUzI1NiJ9.-_AZaz09=+/\xff{}\"";
        let key = PublicKey::hmac(&[0u8; 32]);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut buf = Vec::with_capacity(len);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                buf.push(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
            }
            assert!(verify(&buf, &key, ALL, 8192, &HeaderMemo::default()).is_err());
        }
    }
}
