//! napi bindings for the sanitize core: a compiled policy as a class, cleaning strings
//! in and out. Options arrive as JSON already checked and merged by lib/sanitize.js.

use crate::sanitize::{Policy, PolicyOptions};
use napi::bindgen_prelude::Uint32Array;
use napi_derive::napi;

/// Tag and text records (see `sanitize::records`): strings end to end in `data`, the
/// records as numbers in `meta`.
#[napi(object)]
pub struct RecordBatch {
    pub data: String,
    pub meta: Uint32Array,
}

/// A compiled sanitization policy: compile once, clean many strings.
#[napi]
pub struct HtmlPolicy {
    inner: Policy,
}

#[napi]
impl HtmlPolicy {
    /// Compiles complete options (JSON, sanitize-html names). Throws on an option that
    /// cannot be honoured; this runs once, at start-up.
    #[napi(constructor, catch_unwind)]
    pub fn new(options_json: String) -> napi::Result<Self> {
        let options: PolicyOptions = serde_json::from_str(&options_json)
            .map_err(|e| napi::Error::from_reason(format!("rampart/sanitize: bad options: {e}")))?;
        let inner = Policy::compile(&options)
            .map_err(|e| napi::Error::from_reason(format!("rampart/sanitize: {e}")))?;
        Ok(HtmlPolicy { inner })
    }

    /// Sanitizes one string.
    #[napi(catch_unwind)]
    pub fn clean(&self, input: String) -> String {
        self.inner.clean(&input).into_owned()
    }

    /// The input as flat tag and text records (see `sanitize::records`): the batch the
    /// JavaScript callbacks run over, in one call.
    #[napi(catch_unwind)]
    pub fn records(&self, input: String) -> RecordBatch {
        let r = crate::sanitize::records(&self.inner, &input);
        RecordBatch {
            data: r.data,
            meta: Uint32Array::new(r.meta),
        }
    }

    /// The record kinds in `records().meta`: [text, end, start, start self-closing]
    /// (lib/sanitize/callbacks.js holds the same numbers; a test ties them).
    #[napi(catch_unwind)]
    pub fn record_kinds() -> Vec<u32> {
        use crate::sanitize::records as r;
        vec![r::TEXT, r::END, r::START, r::START_SELF_CLOSING]
    }

    /// Sanitizes many strings in one call (a request body's fields).
    #[napi(catch_unwind)]
    pub fn clean_many(&self, inputs: Vec<String>) -> Vec<String> {
        inputs
            .iter()
            .map(|s| self.inner.clean(s).into_owned())
            .collect()
    }
}

/// The reference paths the tests compare the policy against (the `test-hooks` build only).
#[cfg(feature = "test-hooks")]
#[napi]
impl HtmlPolicy {
    /// `clean` with html5ever's tokenizer for everything (no byte-level lane): for tests.
    #[napi(catch_unwind)]
    pub fn clean_with_html5ever(&self, input: String) -> String {
        self.inner.clean_with_html5ever(&input)
    }

    /// `records` read by html5ever alone (no byte-level lane): for the differential test.
    #[napi(catch_unwind)]
    pub fn records_with_html5ever(&self, input: String) -> RecordBatch {
        let r = crate::sanitize::records_with_html5ever(&self.inner, &input);
        RecordBatch {
            data: r.data,
            meta: Uint32Array::new(r.meta),
        }
    }

    /// The same policy applied by ammonia alone: the tests' safety oracle.
    #[napi(catch_unwind)]
    pub fn clean_with_ammonia(&self, input: String) -> String {
        self.inner.clean_with_ammonia(&input)
    }
}
