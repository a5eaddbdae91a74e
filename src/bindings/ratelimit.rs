//! napi bindings for the ratelimit core (not implemented yet).
