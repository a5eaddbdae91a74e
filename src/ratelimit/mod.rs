//! ratelimit core: not implemented yet.
