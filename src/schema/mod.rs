//! The JSON Schema core: compile a schema once, then validate parsed values or raw JSON
//! bytes against it, reporting ajv-shaped errors. Plain Rust, no napi types.
//!
//! - `compile`: options, draft detection, the in-process registry, the jsonschema build.
//! - `formats`: the format checks the contract names that the engine lacks for a draft.
//! - `errors`: jsonschema errors turned into ajv's `{ instancePath, schemaPath, keyword,
//!   params, message }`.
//! - `validate`: validating a `serde_json::Value` or a JSON string.
//! - `body`: the raw-bytes path of `json()`: UTF-8, syntax, depth, prototype keys and the
//!   schema, checked in one pass without building a tree when the schema allows it.
//! - `plan`: the keywords of a schema that can be checked while parsing (none when the
//!   schema uses others: those schemas always take the full validator).
//! - `emit`: the plan described for the JS validator `compile()` emits (patterns a
//!   backtracking engine runs in linear time as JS source, other strings checked natively).
//! - `walk`: the schema-driven serde visitor that checks a plan on raw bytes.

mod body;
mod compile;
mod emit;
mod errors;
mod formats;
mod plan;
mod validate;
mod walk;

pub use body::{check_body, BodyLimits, BodyOutcome};
pub use compile::{parse_draft, CompileError, CompileOptions, Schema};
pub use emit::Emitted;
pub use errors::AjvError;
