//! napi bindings for the schema core (not implemented yet).
