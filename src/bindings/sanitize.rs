//! napi bindings for the sanitize core (not implemented yet).
