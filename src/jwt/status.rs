//! Result codes of a verify or sign call. The numbers are shared with `lib/jwt/errors.js`;
//! keep them stable.

/// Why a token was refused (or a signature could not be made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Status {
    /// Not three dot-separated segments (`'jwt malformed'`).
    Malformed = 1,
    /// A segment is not base64url, or the header is not a JSON object (`'invalid token'`).
    InvalidToken = 2,
    /// The header's `alg` is not allowed for this key and these options (`'invalid algorithm'`).
    InvalidAlgorithm = 3,
    /// The signature does not match (`'invalid signature'`).
    InvalidSignature = 4,
    /// The signature segment is empty (`'jwt signature is required'`).
    SignatureRequired = 5,
    /// The header has a `crit` member naming extensions this verifier does not implement.
    UnsupportedCrit = 6,
    /// The token is longer than the configured cap.
    TooLong = 7,
    /// The payload is not valid UTF-8.
    InvalidPayload = 8,
    /// Signing failed in the crypto backend (a key it refuses, e.g. RSA under 2048 bits).
    SignFailed = 9,
}

impl Status {
    /// The numeric code handed to JavaScript.
    pub fn code(self) -> u32 {
        self as u32
    }
}
