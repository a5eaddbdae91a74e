//! napi bindings for the jwt core (not implemented yet).
