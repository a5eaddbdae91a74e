//! napi bindings for the schema core: a compiled schema as a class, reused per request.
//! Expected failures (invalid data, bad JSON) come back as numbers and strings; JS throws.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use napi::bindgen_prelude::BufferSlice;
use napi_derive::napi;
use serde_json::Value;

use crate::schema::{check_body, parse_draft, BodyLimits, BodyOutcome, CompileOptions, Schema};

/// `checkBody` / `scanBody` results (low bits) and flags.
const BODY_OK: u32 = 0;
const BODY_SYNTAX: u32 = 1;
const BODY_TOO_DEEP: u32 = 2;
const BODY_INVALID: u32 = 3;
/// `checkBodyById` with an id that is not registered (a bug in the caller, never input).
const BODY_UNKNOWN_ID: u32 = 255;
/// Set when a `__proto__` key or `constructor.prototype` was seen.
const BODY_PROTO: u32 = 16;
/// The code bits below the flags.
const BODY_CODE_MASK: u32 = BODY_PROTO - 1;

/// The `checkBodyById` / `scanBody` codes, for JavaScript to read once (lib/validate/json.js
/// decodes them): one source for both languages.
#[napi(object)]
pub struct BodyStatusCodes {
    /// The body is JSON (and valid for the schema).
    pub ok: u32,
    /// Not JSON, or not UTF-8.
    pub syntax: u32,
    /// Nested deeper than the limit.
    pub too_deep: u32,
    /// Valid JSON the schema rejects (errors from `takeBodyErrors()`).
    pub invalid: u32,
    /// The schema id is not registered (a caller bug, never input).
    pub unknown_id: u32,
    /// Flag added to a code when a `__proto__` key or `constructor.prototype` was seen.
    pub proto_flag: u32,
    /// Mask that keeps the code without its flags.
    pub code_mask: u32,
}

/// The body status codes (see `BodyStatusCodes`).
#[napi(catch_unwind)]
pub fn body_status_codes() -> BodyStatusCodes {
    BodyStatusCodes {
        ok: BODY_OK,
        syntax: BODY_SYNTAX,
        too_deep: BODY_TOO_DEEP,
        invalid: BODY_INVALID,
        unknown_id: BODY_UNKNOWN_ID,
        proto_flag: BODY_PROTO,
        code_mask: BODY_CODE_MASK,
    }
}

/// A compiled JSON Schema.
#[napi]
pub struct CompiledSchema {
    inner: Rc<Schema>,
}

thread_local! {
    /// Compiled schemas by id, for the per-request calls: a plain function taking a number
    /// skips the class unwrapping and borrow tracking napi does for `&self` methods (about
    /// a fifth of a small body's cost). Each JS thread (worker) has its own table.
    static BY_ID: RefCell<Vec<Option<Rc<Schema>>>> = const { RefCell::new(Vec::new()) };
    /// The errors of the last `checkBodyById` that returned 3, as JSON text.
    static LAST_ERRORS: RefCell<Option<String>> = const { RefCell::new(None) };
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
        inner: Rc::new(inner),
    })
}

/// Checks a raw body against the schema registered as `id` while parsing it: 0 ok, 1 not
/// JSON, 2 too deep, 3 invalid (errors from `takeBodyErrors()`), plus 16 when prototype
/// keys were seen.
#[napi(catch_unwind)]
pub fn check_body_by_id(id: u32, body: BufferSlice<'_>, depth: u32) -> u32 {
    let Some(schema) = BY_ID.with(|t| t.borrow().get(id as usize).cloned().flatten()) else {
        return BODY_UNKNOWN_ID;
    };
    let limits = BodyLimits {
        depth: depth as usize,
    };
    match check_body(&body, Some(&schema), limits) {
        BodyOutcome::Invalid { proto, errors } => {
            LAST_ERRORS.with(|e| {
                *e.borrow_mut() = Some(serde_json::to_string(&errors).unwrap_or_default())
            });
            BODY_INVALID | if proto { BODY_PROTO } else { 0 }
        }
        other => code(other),
    }
}

/// Validates JSON text against the schema registered as `id` (as
/// `CompiledSchema.validateJson`).
#[napi(catch_unwind)]
pub fn validate_json_by_id(id: u32, json: String) -> Option<String> {
    let schema = BY_ID.with(|t| t.borrow().get(id as usize).cloned().flatten())?;
    validate_json_with(&schema, &json)
}

/// The plan of the schema registered as `id`, described for the JS validator
/// lib/validate/emit.js builds (`null` when the schema has no plan).
#[napi(catch_unwind)]
pub fn schema_plan_by_id(id: u32) -> Option<String> {
    let schema = BY_ID.with(|t| t.borrow().get(id as usize).cloned().flatten())?;
    schema.emitted().map(|e| e.description.clone())
}

/// The native string checks of an emitted validator, batched: whether every string passes
/// the pattern or format of its slot (one call per validation, not one per string).
#[napi(catch_unwind)]
pub fn check_strings_by_id(id: u32, slots: Vec<u32>, strings: Vec<String>) -> bool {
    BY_ID.with(|t| {
        t.borrow()
            .get(id as usize)
            .and_then(Option::as_ref)
            .and_then(|s| s.emitted())
            .is_some_and(|e| e.check_strings(&slots, &strings))
    })
}

/// One native string check of an emitted validator: whether `string` passes the pattern
/// or format of `slot` (the explain function's rare path, finding which string failed;
/// cheaper to call than the batched form).
#[napi(catch_unwind)]
pub fn check_string_by_id(id: u32, slot: u32, string: String) -> bool {
    BY_ID.with(|t| {
        t.borrow()
            .get(id as usize)
            .and_then(Option::as_ref)
            .and_then(|s| s.emitted())
            .is_some_and(|e| e.check_string(slot, &string))
    })
}

/// The errors of the last `checkBodyById` that returned 3, as JSON text.
#[napi(catch_unwind)]
pub fn take_body_errors() -> String {
    LAST_ERRORS
        .with(|e| e.borrow_mut().take())
        .unwrap_or_else(|| "[]".into())
}

/// Frees an id from `CompiledSchema.register()` (JS calls it when the validator is collected).
#[napi(catch_unwind)]
pub fn release_schema_id(id: u32) {
    BY_ID.with(|t| {
        if let Some(slot) = t.borrow_mut().get_mut(id as usize) {
            *slot = None;
        }
    });
}

fn validate_json_with(schema: &Schema, json: &str) -> Option<String> {
    let limits = BodyLimits { depth: usize::MAX };
    match check_body(json.as_bytes(), Some(schema), limits) {
        BodyOutcome::Ok { .. } => None,
        BodyOutcome::Invalid { errors, .. } => {
            Some(serde_json::to_string(&errors).unwrap_or_default())
        }
        BodyOutcome::Syntax => Some("!must be a JSON value".into()),
        BodyOutcome::TooDeep => Some("!must not nest deeper than 128 levels".into()),
    }
}

#[napi]
impl CompiledSchema {
    /// Validates JSON text: `null` when valid, else the ajv-shaped errors as JSON text (or
    /// `!` and a reason when the text is not JSON or nests deeper than serde's 128 levels).
    #[napi(catch_unwind)]
    pub fn validate_json(&self, json: String) -> Option<String> {
        validate_json_with(&self.inner, &json)
    }

    /// Registers the schema for the by-id calls and returns its id (reusing freed slots).
    #[napi(catch_unwind)]
    pub fn register(&self) -> u32 {
        BY_ID.with(|t| {
            let mut table = t.borrow_mut();
            let schema = Some(Rc::clone(&self.inner));
            match table.iter().position(Option::is_none) {
                Some(free) => {
                    table[free] = schema;
                    free as u32
                }
                None => {
                    table.push(schema);
                    (table.len() - 1) as u32
                }
            }
        })
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
