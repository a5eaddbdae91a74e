//! Reading a compact JWS (RFC 7515 §7.1) before any crypto: three segments, base64url
//! without padding, and a header that is a JSON object naming a known `alg`.

use std::borrow::Cow;
use std::cell::RefCell;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use super::alg::Alg;
use super::status::Status;

/// The three segments of a compact token, still encoded.
#[derive(Debug, Clone, Copy)]
pub struct Segments<'t> {
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'t [u8],
    pub header: &'t [u8],
    pub payload: &'t [u8],
    pub signature: &'t [u8],
}

/// Splits a token into its three segments. Anything other than exactly two dots is
/// `Malformed`; an empty header or payload is `InvalidToken`.
pub fn split(token: &[u8]) -> Result<Segments<'_>, Status> {
    let mut dots = [0usize; 2];
    let mut n = 0;
    for (i, &b) in token.iter().enumerate() {
        if b == b'.' {
            if n == 2 {
                return Err(Status::Malformed);
            }
            dots[n] = i;
            n += 1;
        }
    }
    if n != 2 {
        return Err(Status::Malformed);
    }
    let (first, second) = (dots[0], dots[1]);
    if first == 0 || second == first + 1 {
        return Err(Status::InvalidToken);
    }
    Ok(Segments {
        signing_input: &token[..second],
        header: &token[..first],
        payload: &token[first + 1..second],
        signature: &token[second + 1..],
    })
}

/// Narrows the UTF-16 code units of a JS string into `out` (same length) when every unit
/// is ASCII, which every character of a compact token is. Returns false otherwise: a
/// lossy narrowing (latin1's "keep the low byte") would let `\u{141}` stand for `A`, so a
/// token the signature checked would differ from the string the application holds.
pub fn ascii_from_utf16(units: &[u16], out: &mut [u8]) -> bool {
    debug_assert_eq!(units.len(), out.len());
    let mut seen = 0u16;
    for (byte, &unit) in out.iter_mut().zip(units) {
        seen |= unit;
        *byte = unit as u8;
    }
    seen < 0x80
}

/// Decodes one base64url segment (no padding, canonical trailing bits).
pub fn decode_segment(segment: &[u8]) -> Result<Vec<u8>, Status> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Status::InvalidToken)
}

/// A member whose mere presence matters, whatever its value (even `null`).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

/// The header members the core acts on. Everything else (`typ`, `kid`, and the key-carrying
/// `jwk`, `jku`, `x5u`, `x5c`) is ignored here: keys come only from the application.
#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow)]
    alg: Option<Cow<'a, str>>,
    #[serde(default)]
    crit: Present,
}

/// What the core learnt from a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `None` for `none` or a name rampart does not implement.
    pub alg: Option<Alg>,
}

/// Decodes and reads an encoded header. Not base64url or not a JSON object gives
/// `InvalidToken`; any `crit` member gives `UnsupportedCrit` (rampart implements no JWS
/// extensions, so every critical one is unknown, RFC 7515 §4.1.11).
pub fn read_header(encoded: &[u8]) -> Result<Header, Status> {
    let json = decode_segment(encoded)?;
    // serde would also read a struct from a JSON array; a header must be an object.
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Status::InvalidToken);
    }
    let raw: RawHeader = serde_json::from_slice(&json).map_err(|_| Status::InvalidToken)?;
    if raw.crit.0 {
        return Err(Status::UnsupportedCrit);
    }
    let alg = match raw.alg {
        Some(name) => Alg::from_name(name.as_bytes()),
        None => return Err(Status::InvalidToken),
    };
    Ok(Header { alg })
}

/// Remembers the last header that parsed, by its encoded bytes. Tokens from one issuer
/// share their header almost always, so most verifies skip the base64 and JSON work.
/// Single-threaded by design (one per native key object, used from the JS thread).
#[derive(Default)]
pub struct HeaderMemo {
    last: RefCell<Option<(Vec<u8>, Header)>>,
}

impl HeaderMemo {
    /// [`read_header`], answered from memory when the encoded header is the last one seen.
    pub fn read(&self, encoded: &[u8]) -> Result<Header, Status> {
        if let Ok(last) = self.last.try_borrow() {
            if let Some((bytes, header)) = last.as_ref() {
                if bytes.as_slice() == encoded {
                    return Ok(*header);
                }
            }
        }
        let header = read_header(encoded)?;
        if encoded.len() <= 512 {
            if let Ok(mut last) = self.last.try_borrow_mut() {
                *last = Some((encoded.to_vec(), header));
            }
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn ascii_from_utf16_refuses_every_non_ascii_unit() {
        let mut out = [0u8; 4];
        assert!(ascii_from_utf16(&[0x61, 0x2e, 0x5f, 0x7f], &mut out));
        assert_eq!(&out, b"a._\x7f");
        for bad in [0x80u16, 0xff, 0x141, 0xd800, 0xdfff, 0xfeff, 0xffff] {
            let units = [0x41, bad, 0x41, 0x41];
            assert!(!ascii_from_utf16(&units, &mut out), "{bad:#x}");
        }
        assert!(ascii_from_utf16(&[], &mut []));
    }

    #[test]
    fn split_counts_dots() {
        assert_eq!(split(b"a.b").unwrap_err(), Status::Malformed);
        assert_eq!(split(b"a.b.c.d").unwrap_err(), Status::Malformed);
        assert_eq!(split(b"").unwrap_err(), Status::Malformed);
        assert_eq!(split(b".b.c").unwrap_err(), Status::InvalidToken);
        assert_eq!(split(b"a..c").unwrap_err(), Status::InvalidToken);
        let s = split(b"aa.bb.cc").unwrap();
        assert_eq!(s.signing_input, b"aa.bb");
        assert_eq!(s.payload, b"bb");
        assert_eq!(s.signature, b"cc");
        assert_eq!(split(b"aa.bb.").unwrap().signature, b"");
    }

    #[test]
    fn header_memo_answers_repeats_and_never_caches_failures() {
        let memo = HeaderMemo::default();
        let good = b64(r#"{"alg":"ES256"}"#);
        let bad = b64(r#"{"alg":"ES256","crit":["x"]}"#);
        assert_eq!(memo.read(good.as_bytes()).unwrap().alg, Some(Alg::ES256));
        assert_eq!(memo.read(good.as_bytes()).unwrap().alg, Some(Alg::ES256));
        assert_eq!(memo.read(bad.as_bytes()), Err(Status::UnsupportedCrit));
        assert_eq!(memo.read(bad.as_bytes()), Err(Status::UnsupportedCrit));
        assert_eq!(memo.read(good.as_bytes()).unwrap().alg, Some(Alg::ES256));
    }

    #[test]
    fn header_reading() {
        let h = |j: &str| read_header(b64(j).as_bytes());
        assert_eq!(
            h(r#"{"alg":"HS256","typ":"JWT"}"#).unwrap().alg,
            Some(Alg::HS256)
        );
        assert_eq!(h(r#"{"alg":"none"}"#).unwrap().alg, None);
        assert_eq!(
            h(r#"{"alg":"HS256","crit":["exp"]}"#),
            Err(Status::UnsupportedCrit)
        );
        assert_eq!(
            h(r#"{"alg":"HS256","crit":null}"#),
            Err(Status::UnsupportedCrit)
        );
        assert_eq!(h(r#"{"typ":"JWT"}"#), Err(Status::InvalidToken));
        assert_eq!(h(r#"{"alg":7}"#), Err(Status::InvalidToken));
        assert_eq!(h(r#"["alg"]"#), Err(Status::InvalidToken));
        // A duplicated member is ambiguous (JSON.parse would take the last): refused.
        assert_eq!(
            h(r#"{"alg":"HS256","alg":"none"}"#),
            Err(Status::InvalidToken)
        );
        assert_eq!(h("not json"), Err(Status::InvalidToken));
        assert_eq!(read_header(b"***"), Err(Status::InvalidToken));
        assert_eq!(
            read_header(b"eyJhbGciOiJIUzI1NiJ9="),
            Err(Status::InvalidToken)
        );
        // Embedded keys are parsed past, never used.
        let with_jwk =
            r#"{"alg":"RS256","jwk":{"kty":"RSA","n":"x","e":"AQAB"},"jku":"https://evil"}"#;
        assert_eq!(h(with_jwk).unwrap().alg, Some(Alg::RS256));
    }
}
