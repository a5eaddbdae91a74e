//! jwt core: not implemented yet.
