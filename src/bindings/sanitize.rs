//! napi bindings for the sanitize core: a compiled policy as a class, cleaning strings
//! in and out. Options arrive as JSON already checked and merged by lib/sanitize.js.

use crate::sanitize::{Policy, PolicyOptions, Records};
use napi::bindgen_prelude::{ToNapiValue, TypeName, Uint32Array};
use napi::{sys, JsString, JsValue, ValueType};
use napi_derive::napi;

/// Tag and text records (see `sanitize::records`): `{ input, data, meta }`, `input` the
/// very JavaScript string they were read from (strings are ranges of it or of `data`), the
/// records as numbers in `meta` (a `Uint32Array`).
pub struct RecordBatch {
    input: sys::napi_value,
    data: String,
    meta: Vec<u32>,
}

impl RecordBatch {
    fn new(input: &JsString<'_>, records: Records<'_>) -> Self {
        RecordBatch {
            input: input.raw(),
            data: records.data,
            meta: records.meta,
        }
    }
}

impl TypeName for RecordBatch {
    fn type_name() -> &'static str {
        "RecordBatch"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for RecordBatch {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut object = std::ptr::null_mut();
        napi::check_status!(unsafe { sys::napi_create_object(env, &mut object) })?;
        let data = unsafe { String::to_napi_value(env, val.data) }?;
        let meta = unsafe { Uint32Array::to_napi_value(env, Uint32Array::new(val.meta)) }?;
        for (key, value) in [(c"input", val.input), (c"data", data), (c"meta", meta)] {
            napi::check_status!(unsafe {
                sys::napi_set_named_property(env, object, key.as_ptr(), value)
            })?;
        }
        Ok(object)
    }
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
    pub fn records(&self, input: JsString) -> napi::Result<RecordBatch> {
        let text = input.into_utf8()?;
        let records = crate::sanitize::records(&self.inner, text.as_str()?);
        Ok(RecordBatch::new(&input, records))
    }

    /// The record kinds in `records().meta`: [text, end, start, start self-closing, text
    /// to escape], then the `EXTRA` bit and `NAME_INLINE` (lib/sanitize/callbacks.js holds
    /// the same numbers; a test ties them).
    #[napi(catch_unwind)]
    pub fn record_kinds() -> Vec<u32> {
        use crate::sanitize::records as r;
        vec![
            r::TEXT,
            r::END,
            r::START,
            r::START_SELF_CLOSING,
            r::TEXT_ESCAPE,
            r::EXTRA,
            r::NAME_INLINE,
        ]
    }

    /// The names `records().meta` gives by number (lib/sanitize/callbacks.js holds the same
    /// list; a test ties them).
    #[napi(catch_unwind)]
    pub fn record_names() -> Vec<&'static str> {
        crate::sanitize::records::NAMES.to_vec()
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
    pub fn records_with_html5ever(&self, input: JsString) -> napi::Result<RecordBatch> {
        let text = input.into_utf8()?;
        let records = crate::sanitize::records_with_html5ever(&self.inner, text.as_str()?);
        Ok(RecordBatch::new(&input, records))
    }

    /// The same policy applied by ammonia alone: the tests' safety oracle.
    #[napi(catch_unwind)]
    pub fn clean_with_ammonia(&self, input: String) -> String {
        self.inner.clean_with_ammonia(&input)
    }
}
