//! schema core: not implemented yet.
