//! JWS algorithm names (RFC 7518) and the masks that say which of them a key allows.

/// A JWS algorithm rampart implements. `none` is deliberately absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Alg {
    HS256 = 0,
    HS384 = 1,
    HS512 = 2,
    RS256 = 3,
    RS384 = 4,
    RS512 = 5,
    PS256 = 6,
    PS384 = 7,
    PS512 = 8,
    ES256 = 9,
    ES384 = 10,
    ES512 = 11,
    EdDSA = 12,
}

/// Every algorithm, in the order of their bit numbers.
pub const ALL: [Alg; 13] = [
    Alg::HS256,
    Alg::HS384,
    Alg::HS512,
    Alg::RS256,
    Alg::RS384,
    Alg::RS512,
    Alg::PS256,
    Alg::PS384,
    Alg::PS512,
    Alg::ES256,
    Alg::ES384,
    Alg::ES512,
    Alg::EdDSA,
];

/// The HMAC family.
pub const HMAC_MASK: u32 = 0b111;
/// RSASSA-PKCS1-v1_5 (RS*).
pub const PKCS1_MASK: u32 = 0b111 << 3;
/// RSASSA-PSS (PS*).
pub const PSS_MASK: u32 = 0b111 << 6;
/// RSASSA-PKCS1-v1_5 and RSASSA-PSS.
pub const RSA_MASK: u32 = PKCS1_MASK | PSS_MASK;

impl Alg {
    /// Parses an exact, case-sensitive JWS `alg` name. `none` and unknown names give `None`.
    pub fn from_name(name: &[u8]) -> Option<Alg> {
        Some(match name {
            b"HS256" => Alg::HS256,
            b"HS384" => Alg::HS384,
            b"HS512" => Alg::HS512,
            b"RS256" => Alg::RS256,
            b"RS384" => Alg::RS384,
            b"RS512" => Alg::RS512,
            b"PS256" => Alg::PS256,
            b"PS384" => Alg::PS384,
            b"PS512" => Alg::PS512,
            b"ES256" => Alg::ES256,
            b"ES384" => Alg::ES384,
            b"ES512" => Alg::ES512,
            b"EdDSA" => Alg::EdDSA,
            _ => return None,
        })
    }

    /// The algorithm whose bit number is `n`.
    pub fn from_index(n: u32) -> Option<Alg> {
        ALL.get(n as usize).copied()
    }

    /// The JWS name, as it appears in a header.
    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// This algorithm's bit in a mask.
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_none_is_unknown() {
        for alg in ALL {
            assert_eq!(Alg::from_name(alg.name().as_bytes()), Some(alg));
            assert_eq!(Alg::from_index(alg as u32), Some(alg));
        }
        assert_eq!(Alg::from_name(b"none"), None);
        assert_eq!(Alg::from_name(b"NONE"), None);
        assert_eq!(Alg::from_name(b"hs256"), None);
        assert_eq!(Alg::from_index(13), None);
    }

    #[test]
    fn masks_cover_their_families() {
        assert_eq!(
            HMAC_MASK,
            Alg::HS256.bit() | Alg::HS384.bit() | Alg::HS512.bit()
        );
        assert_eq!(RSA_MASK & HMAC_MASK, 0);
        assert_ne!(RSA_MASK & Alg::PS512.bit(), 0);
        assert_eq!(RSA_MASK & Alg::ES256.bit(), 0);
        assert_eq!(
            PKCS1_MASK,
            Alg::RS256.bit() | Alg::RS384.bit() | Alg::RS512.bit()
        );
        assert_eq!(
            PSS_MASK,
            Alg::PS256.bit() | Alg::PS384.bit() | Alg::PS512.bit()
        );
    }
}
