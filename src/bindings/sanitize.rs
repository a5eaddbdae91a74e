//! napi bindings for the sanitize core: a compiled policy as a class, cleaning strings
//! in and out. Options arrive as JSON already checked and merged by lib/sanitize.js.

use crate::sanitize::{Policy, PolicyOptions, Records};
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{check_status, sys, JsString, JsValue, ValueType};
use napi_derive::napi;
use std::ptr;

/// A JavaScript string from Rust. A string of Latin-1 characters (ASCII or up to U+00FF,
/// as most cleaned HTML is) is handed over as Latin-1 bytes, which V8 copies; any other as
/// UTF-8, which V8 decodes (two passes).
unsafe fn js_string(env: sys::napi_env, s: &str) -> napi::Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    let latin1 = |bytes: &[u8], out: &mut sys::napi_value| unsafe {
        sys::napi_create_string_latin1(env, bytes.as_ptr().cast(), bytes.len() as isize, out)
    };
    check_status!(if s.is_ascii() {
        latin1(s.as_bytes(), &mut out)
    } else if let Some(bytes) = to_latin1(s) {
        latin1(&bytes, &mut out)
    } else {
        unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out) }
    })?;
    Ok(out)
}

/// `s` as Latin-1 bytes, or `None` if it holds a character above U+00FF. ASCII runs are
/// copied eight bytes at a time.
fn to_latin1(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while let Some(chunk) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if word & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            i += 8;
        }
        while i < b.len() && b[i] < 0x80 {
            i += 1;
        }
        out.extend_from_slice(&b[start..i]);
        if i < b.len() {
            // U+0080 to U+00FF are 0xC2 or 0xC3 and one continuation byte in UTF-8.
            let lead = b[i];
            if lead != 0xC2 && lead != 0xC3 {
                return None;
            }
            out.push(((lead & 0x03) << 6) | (b[i + 1] & 0x3F));
            i += 2;
        }
    }
    Some(out)
}

/// A cleaned string, returned through `js_string`.
pub struct Cleaned(String);

impl TypeName for Cleaned {
    fn type_name() -> &'static str {
        "string"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for Cleaned {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe { js_string(env, &val.0) }
    }
}

/// Tag and text records (see `sanitize::records`), as the array `[input, data, meta]`:
/// `input` the very JavaScript string they were read from (strings are ranges of it or of
/// `data`), the records as numbers in `meta` (a `Uint32Array` over memory V8 owns: no
/// external buffer and finalizer per batch).
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
        let data = unsafe { js_string(env, &val.data) }?;
        let bytes = std::mem::size_of_val(val.meta.as_slice());
        let mut memory = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        check_status!(unsafe {
            sys::napi_create_arraybuffer(env, bytes, &mut memory, &mut buffer)
        })?;
        if bytes > 0 {
            // SAFETY: `memory` is the new buffer's `bytes` writable bytes; the source is
            // `meta`'s, the same length; they cannot overlap.
            unsafe {
                ptr::copy_nonoverlapping(val.meta.as_ptr().cast::<u8>(), memory.cast::<u8>(), bytes)
            };
        }
        let mut meta = ptr::null_mut();
        check_status!(unsafe {
            sys::napi_create_typedarray(
                env,
                sys::TypedarrayType::uint32_array,
                val.meta.len(),
                buffer,
                0,
                &mut meta,
            )
        })?;
        let mut array = ptr::null_mut();
        check_status!(unsafe { sys::napi_create_array_with_length(env, 3, &mut array) })?;
        for (i, value) in [val.input, data, meta].into_iter().enumerate() {
            check_status!(unsafe { sys::napi_set_element(env, array, i as u32, value) })?;
        }
        Ok(array)
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
    pub fn clean(&self, input: String) -> Cleaned {
        Cleaned(self.inner.clean(&input).into_owned())
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
    /// to escape], then the `EXTRA` and `ESCAPE` bits and `NAME_INLINE`
    /// (read by lib/sanitize/callbacks.js on its first policy with callbacks).
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
            r::ESCAPE,
            r::NAME_INLINE,
        ]
    }

    /// The names `records().meta` gives by number (read by lib/sanitize/callbacks.js on its
    /// first policy with callbacks).
    #[napi(catch_unwind)]
    pub fn record_names() -> Vec<&'static str> {
        crate::sanitize::records::NAMES.to_vec()
    }

    /// Sanitizes many strings in one call (a request body's fields).
    #[napi(catch_unwind)]
    pub fn clean_many(&self, inputs: Vec<String>) -> Vec<Cleaned> {
        inputs
            .iter()
            .map(|s| Cleaned(self.inner.clean(s).into_owned()))
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

#[cfg(test)]
mod tests {
    use super::to_latin1;

    #[test]
    fn latin1_strings_convert_others_do_not() {
        assert_eq!(
            to_latin1("plain ascii, longer than eight"),
            Some(b"plain ascii, longer than eight".to_vec())
        );
        let s = "caf\u{e9} \u{b7} \u{80}\u{ff} and more text";
        let expected: Vec<u8> = s.chars().map(|c| c as u8).collect();
        assert_eq!(to_latin1(s), Some(expected));
        assert_eq!(to_latin1("ascii then \u{100}"), None);
        assert_eq!(to_latin1("\u{20ac}"), None);
        assert_eq!(to_latin1("\u{1f600}"), None);
        assert_eq!(to_latin1(""), Some(Vec::new()));
    }
}
