//! napi bindings for the schema core: a compiled schema as a class, reused per request.
//! Expected failures (invalid data, bad JSON) come back as numbers and strings; JS throws.

use std::cell::RefCell;
use std::collections::HashMap;

use napi::bindgen_prelude::BufferSlice;
use napi_derive::napi;
use serde_json::Value;

use crate::schema::{check_body, parse_draft, BodyLimits, BodyOutcome, CompileOptions, Schema};

/// `checkBody` / `scanBody` results (low bits) and flags.
const BODY_OK: u32 = 0;
const BODY_SYNTAX: u32 = 1;
const BODY_TOO_DEEP: u32 = 2;
const BODY_INVALID: u32 = 3;
/// Set when a `__proto__` key or `constructor.prototype` was seen.
const BODY_PROTO: u32 = 16;

/// A compiled JSON Schema.
#[napi]
pub struct CompiledSchema {
    inner: Schema,
    last_errors: RefCell<Option<String>>,
}

/// Compiles a schema (JSON text). `schemas` is a JSON object of app-added schemas by URI;
/// `draft` the draft for a schema without `$schema`. Throws on an invalid schema: this runs
/// at start-up, never per request.
#[napi(catch_unwind)]
pub fn compile_schema(
    schema: String,
    all_errors: bool,
    validate_formats: bool,
    schemas: Option<String>,
    draft: Option<String>,
) -> napi::Result<CompiledSchema> {
    let default_draft = match draft.as_deref() {
        None => None,
        Some(name) => Some(parse_draft(name).ok_or_else(|| {
            napi::Error::from_reason(format!("unknown draft {name} (use '2020-12' or '07')"))
        })?),
    };
    let mut registry = HashMap::new();
    if let Some(text) = schemas {
        let parsed: serde_json::Map<String, Value> = serde_json::from_str(&text)
            .map_err(|e| napi::Error::from_reason(format!("options.schemas: {e}")))?;
        registry.extend(parsed);
    }
    let inner = Schema::compile_str(
        &schema,
        CompileOptions {
            all_errors,
            validate_formats,
            schemas: registry,
            default_draft,
        },
    )
    .map_err(|e| napi::Error::from_reason(e.0))?;
    Ok(CompiledSchema {
        inner,
        last_errors: RefCell::new(None),
    })
}

#[napi]
impl CompiledSchema {
    /// Validates JSON text: `null` when valid, else the ajv-shaped errors as JSON text (or
    /// `!` and a reason when the text is not JSON or nests deeper than serde's 128 levels).
    #[napi(catch_unwind)]
    pub fn validate_json(&self, json: String) -> Option<String> {
        let limits = BodyLimits { depth: usize::MAX };
        match check_body(json.as_bytes(), Some(&self.inner), limits) {
            BodyOutcome::Ok { .. } => None,
            BodyOutcome::Invalid { errors, .. } => {
                Some(serde_json::to_string(&errors).unwrap_or_default())
            }
            BodyOutcome::Syntax => Some("!must be a JSON value".into()),
            BodyOutcome::TooDeep => Some("!must not nest deeper than 128 levels".into()),
        }
    }

    /// Checks a raw body against the schema while parsing it: 0 ok, 1 not JSON, 2 too
    /// deep, 3 invalid (errors from `takeErrors()`), plus 16 when prototype keys were seen.
    #[napi(catch_unwind)]
    pub fn check_body(&self, body: BufferSlice<'_>, depth: u32) -> u32 {
        let outcome = check_body(
            &body,
            Some(&self.inner),
            BodyLimits {
                depth: depth as usize,
            },
        );
        match outcome {
            BodyOutcome::Invalid { proto, errors } => {
                *self.last_errors.borrow_mut() =
                    Some(serde_json::to_string(&errors).unwrap_or_default());
                BODY_INVALID | if proto { BODY_PROTO } else { 0 }
            }
            other => code(other),
        }
    }

    /// The errors of the last `checkBody` that returned 3, as JSON text.
    #[napi(catch_unwind)]
    pub fn take_errors(&self) -> String {
        self.last_errors
            .borrow_mut()
            .take()
            .unwrap_or_else(|| "[]".into())
    }

    /// Whether raw bodies are validated while parsing (no tree built).
    #[napi(getter, catch_unwind)]
    pub fn fast_path(&self) -> bool {
        self.inner.has_fast_path()
    }
}

/// Checks a raw body with no schema: syntax, UTF-8, depth and prototype keys (codes as
/// `CompiledSchema.checkBody`).
#[napi(catch_unwind)]
pub fn scan_body(body: BufferSlice<'_>, depth: u32) -> u32 {
    code(check_body(
        &body,
        None,
        BodyLimits {
            depth: depth as usize,
        },
    ))
}

fn code(outcome: BodyOutcome) -> u32 {
    match outcome {
        BodyOutcome::Ok { proto } => BODY_OK | if proto { BODY_PROTO } else { 0 },
        BodyOutcome::Syntax => BODY_SYNTAX,
        BodyOutcome::TooDeep => BODY_TOO_DEEP,
        BodyOutcome::Invalid { proto, .. } => BODY_INVALID | if proto { BODY_PROTO } else { 0 },
    }
}
