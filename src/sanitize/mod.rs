//! sanitize core: not implemented yet.
