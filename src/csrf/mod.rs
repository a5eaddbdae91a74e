//! Double-submit CSRF tokens (csrf-csrf's format): a token is `hex(HMAC(secret, message))`,
//! a delimiter, and a random value; the JavaScript layer builds the message from the
//! session identifier and the random value. Here the tag is computed, and checked against
//! the cookie and request tokens in constant time, so the time a check takes says nothing
//! about how much of a forged token was right.

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

/// The HMAC hashes csrf-csrf's `hmacAlgorithm` may name, by the `node:crypto` name. The
/// position in this list is the number the JavaScript layer passes back.
pub const ALGORITHMS: [&str; 3] = ["sha256", "sha384", "sha512"];

/// A hash from [`ALGORITHMS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    /// The algorithm at `index` in [`ALGORITHMS`], if any.
    pub fn from_index(index: u32) -> Option<Algorithm> {
        match index {
            0 => Some(Algorithm::Sha256),
            1 => Some(Algorithm::Sha384),
            2 => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

fn tag(alg: Algorithm, secret: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(secret: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Algorithm::Sha256 => run::<Hmac<Sha256>>(secret, message),
        Algorithm::Sha384 => run::<Hmac<Sha384>>(secret, message),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(secret, message),
    }
}

/// The lower-case hex HMAC of `message` (what `createHmac(alg, secret).digest('hex')` gives).
pub fn sign_hex(alg: Algorithm, secret: &[u8], message: &[u8]) -> String {
    let bytes = tag(alg, secret, message);
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether the request carries a valid double-submit token: `cookie_token` and
/// `request_token` are the same bytes, and `tag_hex` (the tag part of that token) is the
/// HMAC of `message` under `secret`. Every comparison is constant time in the contents.
pub fn verify(
    alg: Algorithm,
    secret: &[u8],
    message: &[u8],
    tag_hex: &[u8],
    cookie_token: &[u8],
    request_token: &[u8],
) -> bool {
    let same_token: bool = cookie_token.ct_eq(request_token).into();
    let expected = sign_hex(alg, secret, message);
    // ct_eq is false for different lengths, and the length of a tag is public.
    let same_tag: bool = expected.as_bytes().ct_eq(tag_hex).into();
    same_token & same_tag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let tag = sign_hex(Algorithm::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            tag,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let tag512 = sign_hex(Algorithm::Sha512, b"Jefe", b"what do ya want for nothing?");
        assert!(
            tag512.starts_with("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554")
        );
        assert_eq!(sign_hex(Algorithm::Sha384, b"k", b"m").len(), 96);
    }

    #[test]
    fn verify_needs_equal_tokens_and_the_right_tag() {
        let tag = sign_hex(Algorithm::Sha256, b"secret", b"msg");
        let token = format!("{tag}.rand");
        let t = token.as_bytes();
        assert!(verify(
            Algorithm::Sha256,
            b"secret",
            b"msg",
            tag.as_bytes(),
            t,
            t
        ));
        assert!(!verify(
            Algorithm::Sha256,
            b"other",
            b"msg",
            tag.as_bytes(),
            t,
            t
        ));
        assert!(!verify(
            Algorithm::Sha256,
            b"secret",
            b"msg2",
            tag.as_bytes(),
            t,
            t
        ));
        assert!(!verify(
            Algorithm::Sha256,
            b"secret",
            b"msg",
            tag.as_bytes(),
            t,
            b"x"
        ));
        assert!(!verify(Algorithm::Sha256, b"secret", b"msg", b"", t, t));
        let mut flipped = tag.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        assert!(!verify(
            Algorithm::Sha256,
            b"secret",
            b"msg",
            &flipped,
            t,
            t
        ));
    }

    #[test]
    fn algorithm_indices_follow_the_list() {
        for (i, _) in ALGORITHMS.iter().enumerate() {
            assert!(Algorithm::from_index(i as u32).is_some());
        }
        assert!(Algorithm::from_index(ALGORITHMS.len() as u32).is_none());
    }
}
