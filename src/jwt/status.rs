//! Result codes of a verify or sign call, with the name and message JavaScript shows for
//! each. This file is their one source: `lib/jwt/tables.js` reads [`Status::ALL`] through
//! the binding, so a code added here has its message in JS without a second list.

/// Why a token was refused (or a signature could not be made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Status {
    /// Not three dot-separated segments.
    Malformed = 1,
    /// A segment is not base64url, the header is not a JSON object, or a character of the
    /// token is not ASCII.
    InvalidToken = 2,
    /// The header's `alg` is not allowed for this key and these options.
    InvalidAlgorithm = 3,
    /// The signature does not match.
    InvalidSignature = 4,
    /// The signature segment is empty.
    SignatureRequired = 5,
    /// The header has a `crit` member naming extensions this verifier does not implement.
    UnsupportedCrit = 6,
    /// The token is longer than the configured cap.
    TooLong = 7,
    /// The payload is not valid UTF-8.
    InvalidPayload = 8,
    /// Signing failed in the crypto backend.
    SignFailed = 9,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 9] = [
        Status::Malformed,
        Status::InvalidToken,
        Status::InvalidAlgorithm,
        Status::InvalidSignature,
        Status::SignatureRequired,
        Status::UnsupportedCrit,
        Status::TooLong,
        Status::InvalidPayload,
        Status::SignFailed,
    ];

    /// The numeric code handed to JavaScript.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The constant name JavaScript uses for it (`STATUS.MALFORMED`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Malformed => "MALFORMED",
            Status::InvalidToken => "INVALID_TOKEN",
            Status::InvalidAlgorithm => "INVALID_ALGORITHM",
            Status::InvalidSignature => "INVALID_SIGNATURE",
            Status::SignatureRequired => "SIGNATURE_REQUIRED",
            Status::UnsupportedCrit => "UNSUPPORTED_CRIT",
            Status::TooLong => "TOO_LONG",
            Status::InvalidPayload => "INVALID_PAYLOAD",
            Status::SignFailed => "SIGN_FAILED",
        }
    }

    /// The error message (jsonwebtoken's, where it has one).
    pub fn message(self) -> &'static str {
        match self {
            Status::Malformed => "jwt malformed",
            Status::InvalidToken | Status::InvalidPayload => "invalid token",
            Status::InvalidAlgorithm => "invalid algorithm",
            Status::InvalidSignature => "invalid signature",
            Status::SignatureRequired => "jwt signature is required",
            Status::UnsupportedCrit => {
                "jwt has a critical header parameter (crit) that rampart does not implement"
            }
            Status::TooLong => "jwt too long",
            Status::SignFailed => "signing failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_code_order_with_distinct_names_and_a_message_each() {
        for (i, status) in Status::ALL.iter().enumerate() {
            assert_eq!(status.code() as usize, i + 1);
            assert!(!status.message().is_empty());
        }
        let mut names: Vec<_> = Status::ALL.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Status::ALL.len());
    }
}
