//! JWT core: parse keys once, verify and sign compact JWS tokens.
//!
//! The JavaScript layer owns options, claims and error messages; this module owns
//! everything that must be fast or must be right about bytes: the token's structure,
//! its header, the algorithm/key match and the signature. It speaks in [`Status`] codes,
//! never in errors that carry strings, so the binding can return a number.
//!
//! - [`alg`]: the algorithm names and the bit masks that say which ones a key allows.
//! - [`token`]: splitting a compact token and reading its header (before any crypto).
//! - [`keys`]: native key objects (HMAC secrets, RSA/EC/Ed25519 public and private keys).
//! - [`verify`]: structure → header → algorithm → signature, returning the payload bytes.
//! - [`sign`]: signatures for a `header.payload` signing input.
//! - [`status`]: the result codes shared with JavaScript.
//!
//! Backends, chosen by measurement (see the README's jwt section): RustCrypto `hmac` +
//! `sha2` for HS*, aws-lc-rs for RS*, PS*, ES* and EdDSA.

pub mod alg;
pub mod keys;
pub mod sign;
pub mod status;
pub mod token;
pub mod verify;

pub use alg::Alg;
pub use keys::{KeyError, PrivateKey, PublicKey};
pub use status::Status;
