//! Signing: the JavaScript layer builds `header.payload` (it owns the JSON), the core adds
//! the signature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::alg::Alg;
use super::keys::PrivateKey;
use super::status::Status;

/// The base64url signature of `signing_input` with `key` and `alg`.
pub fn sign(signing_input: &[u8], key: &PrivateKey, alg: Alg) -> Result<String, Status> {
    let sig = key.sign(alg, signing_input)?;
    Ok(URL_SAFE_NO_PAD.encode(sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::PublicKey;
    use crate::jwt::verify::{payload_text, verify};

    #[test]
    fn signed_tokens_verify() {
        let secret = b"a-secret-of-at-least-thirty-two-bytes!!";
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS512"}"#),
            URL_SAFE_NO_PAD.encode(r#"{"n":1}"#)
        );
        let sig = sign(input.as_bytes(), &PrivateKey::hmac(secret), Alg::HS512).unwrap();
        assert_eq!(sig.len(), 86);
        let token = format!("{input}.{sig}");
        let v = verify(
            token.as_bytes(),
            &PublicKey::hmac(secret),
            u32::MAX,
            8192,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(payload_text(&v).unwrap(), r#"{"n":1}"#);
    }
}
