//! napi bindings for the ratelimit core. Stores live in a per-thread registry and are
//! named by a number, and every entry point is a plain function: a class method call
//! (unwrap of `this` plus the class identity check) costs several times a plain call,
//! and this is the per-request path. Every call takes the time from JavaScript
//! (`Date.now()`) and answers with one number, so no object is built on either side.

use crate::ratelimit::{Count, FixedWindow, GcraLimiter, DIGEST_MARK};
use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Status, ValueType};
use napi_derive::napi;
use std::cell::{Cell, RefCell};

/// Bytes of a key read without a heap allocation.
const INLINE_KEY: usize = 128;
/// Most UTF-8 bytes one UTF-16 code unit (or pair) takes: a longer string fills the buffer
/// to at least `INLINE_KEY - 1 - (MAX_CHAR_BYTES - 1)` bytes before V8 stops at a character.
const MAX_CHAR_BYTES: usize = 4;

/// A string key read from JavaScript in one call into a stack buffer (napi-rs's `String`
/// asks V8 for the length first, then allocates and copies: two calls and a malloc per
/// request). Keys that may not fit are read again the ordinary way.
///
/// UTF-8 alone would merge different JS keys: every lone surrogate becomes U+FFFD, so
/// '\ud800', '\udbff' and '\ufffd' would share a counter. A key whose UTF-8 holds U+FFFD
/// is read again as UTF-16 and, when it has a lone surrogate, stored under an escaped form
/// (see `escape_units`); the table digests every key that starts with `DIGEST_MARK`.
pub struct Key {
    inline: [u8; INLINE_KEY],
    len: usize,
    heap: Option<String>,
}

impl Key {
    fn as_str(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            None => std::str::from_utf8(&self.inline[..self.len]).unwrap_or(""),
        }
    }
}

impl TypeName for Key {
    fn type_name() -> &'static str {
        "String"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Key {}

const REPLACEMENT_UTF8: &[u8] = "\u{fffd}".as_bytes();

/// Whether the UTF-8 form of a key may stand for more than one JS string (a U+FFFD that may
/// have been a lone surrogate) or may look like an escaped or digested key.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.first() == Some(&(DIGEST_MARK as u8)) || bytes.windows(3).any(|w| w == REPLACEMENT_UTF8)
}

/// The stored form of a key from its UTF-16 code units, one-to-one over JS strings:
///   - well-formed, not starting with `DIGEST_MARK`: the string itself;
///   - well-formed, starting with `DIGEST_MARK`: `DIGEST_MARK` + "w" + the string;
///   - with a lone surrogate: `DIGEST_MARK` + "s" + each code unit as 4 hex digits.
///
/// Only the first form can be a plain key, so no two JS strings share a form.
pub fn escape_units(units: &[u16]) -> String {
    match String::from_utf16(units) {
        Ok(s) if !s.starts_with(DIGEST_MARK) => s,
        Ok(s) => format!("{DIGEST_MARK}w{s}"),
        Err(_) => {
            let mut out = String::with_capacity(2 + units.len() * 4);
            out.push(DIGEST_MARK);
            out.push('s');
            for unit in units {
                out.push_str(&format!("{unit:04x}"));
            }
            out
        }
    }
}

/// Reads a JS string as UTF-16 code units.
unsafe fn read_utf16(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Vec<u16>> {
    let mut len = 0;
    // SAFETY: a null buffer asks only for the length; `env`/`value` are from the callback.
    let status =
        unsafe { sys::napi_get_value_string_utf16(env, value, std::ptr::null_mut(), 0, &mut len) };
    if status != sys::Status::napi_ok {
        return Err(Error::new(
            Status::StringExpected,
            "the key must be a string",
        ));
    }
    let mut units = vec![0u16; len + 1];
    let mut written = 0;
    // SAFETY: the buffer holds len + 1 units, NUL included.
    let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), len + 1, &mut written)
    };
    if status != sys::Status::napi_ok {
        return Err(Error::new(
            Status::StringExpected,
            "the key must be a string",
        ));
    }
    units.truncate(written);
    Ok(units)
}

impl FromNapiValue for Key {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut key = Key {
            inline: [0; INLINE_KEY],
            len: 0,
            heap: None,
        };
        let mut written = 0;
        // SAFETY: the buffer is INLINE_KEY bytes long and napi writes at most that many,
        // NUL included; `env` and `value` come straight from the napi callback.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                key.inline.as_mut_ptr().cast(),
                INLINE_KEY,
                &mut written,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::StringExpected,
                "the key must be a string",
            ));
        }
        // V8 stops before a character that does not fit, so a short count is not proof the
        // key was complete: only a count that leaves room for the longest character is.
        let complete = written + MAX_CHAR_BYTES < INLINE_KEY
            && std::str::from_utf8(&key.inline[..written]).is_ok();
        let escape = if complete {
            key.len = written;
            needs_escape(&key.inline[..written])
        } else {
            // SAFETY: as above.
            let full = unsafe { String::from_napi_value(env, value)? };
            let escape = needs_escape(full.as_bytes());
            key.heap = Some(full);
            escape
        };
        if escape {
            // SAFETY: as above.
            key.heap = Some(escape_units(&unsafe { read_utf16(env, value)? }));
        }
        Ok(key)
    }
}

/// `used * 2^32 + (resetTime - now)`: both parts of a count in one f64, when `used` is
/// below 2^21 and the reset is a whole number of milliseconds less than 2^32 away.
const PACK: f64 = 4_294_967_296.0;
const MAX_PACKED_USED: u32 = 1 << 21;
/// `hit`/`get` answer when there is no such store; `get` when the key has no live count.
const NO_STORE: f64 = -3.0;
const NO_COUNT: f64 = -2.0;
/// The count did not fit in one number: read `rateLastUsed()` and `rateLastReset()`.
const UNPACKED: f64 = -1.0;

enum Algorithm {
    FixedWindow(FixedWindow),
    Gcra(GcraLimiter),
}

thread_local! {
    static STORES: RefCell<Vec<Option<Algorithm>>> = const { RefCell::new(Vec::new()) };
    static LAST: Cell<Count> = const { Cell::new(Count { used: 0, reset_ms: 0.0 }) };
}

fn with_store<R>(id: u32, f: impl FnOnce(&mut Algorithm) -> R) -> Option<R> {
    STORES.with(|stores| {
        let mut stores = stores.borrow_mut();
        stores.get_mut(id as usize)?.as_mut().map(f)
    })
}

fn pack(count: Count, now: f64) -> f64 {
    LAST.with(|last| last.set(count));
    let ahead = count.reset_ms - now;
    if count.used < MAX_PACKED_USED && (0.0..PACK).contains(&ahead) && ahead.fract() == 0.0 {
        count.used as f64 * PACK + ahead
    } else {
        UNPACKED
    }
}

/// Creates a store (`gcra`: GCRA instead of the fixed window) and returns its id.
#[napi(catch_unwind)]
pub fn rate_store_create(gcra: bool, window_ms: f64, max_keys: u32) -> u32 {
    let max_keys = max_keys.max(1) as usize;
    let algorithm = if gcra {
        Algorithm::Gcra(GcraLimiter::new(window_ms, max_keys))
    } else {
        Algorithm::FixedWindow(FixedWindow::new(window_ms, max_keys))
    };
    STORES.with(|stores| {
        let mut stores = stores.borrow_mut();
        if let Some(free) = stores.iter().position(Option::is_none) {
            stores[free] = Some(algorithm);
            free as u32
        } else {
            stores.push(Some(algorithm));
            (stores.len() - 1) as u32
        }
    })
}

/// Frees a store and all its keys (the JS object was garbage-collected or shut down).
#[napi(catch_unwind)]
pub fn rate_store_drop(id: u32) {
    STORES.with(|stores| {
        if let Some(slot) = stores.borrow_mut().get_mut(id as usize) {
            *slot = None;
        }
    });
}

/// Counts one request: `used * 2^32 + (resetTime - now)`, or -1 when that does not fit
/// (then read `rateLastUsed()` and `rateLastReset()`), or -3 for an unknown store.
/// `limit` matters only for GCRA.
#[napi(catch_unwind)]
pub fn rate_hit(id: u32, #[napi(ts_arg_type = "string")] key: Key, now: f64, limit: u32) -> f64 {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.hit(key.as_str(), now),
        Algorithm::Gcra(g) => g.hit(&key.as_str().to_string(), now, limit),
    })
    .map_or(NO_STORE, |count| pack(count, now))
}

/// The live count of a key, packed as by `rate_hit`; -2 when the key has none.
#[napi(catch_unwind)]
pub fn rate_get(id: u32, #[napi(ts_arg_type = "string")] key: Key, now: f64, limit: u32) -> f64 {
    let key = key.as_str();
    match with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.get(key, now),
        Algorithm::Gcra(g) => g.get(key, now, limit),
    }) {
        None => NO_STORE,
        Some(None) => NO_COUNT,
        Some(Some(count)) => pack(count, now),
    }
}

/// `used` of the last `rate_hit`/`rate_get`.
#[napi(catch_unwind)]
pub fn rate_last_used() -> u32 {
    LAST.with(|last| last.get().used)
}

/// `resetTime` (ms since the epoch) of the last `rate_hit`/`rate_get`.
#[napi(catch_unwind)]
pub fn rate_last_reset() -> f64 {
    LAST.with(|last| last.get().reset_ms)
}

/// Takes one request back.
#[napi(catch_unwind)]
pub fn rate_decrement(id: u32, #[napi(ts_arg_type = "string")] key: Key, now: f64, limit: u32) {
    let key = key.as_str();
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.decrement(key),
        Algorithm::Gcra(g) => g.decrement(key, now, limit),
    });
}

/// Forgets one key.
#[napi(catch_unwind)]
pub fn rate_reset_key(id: u32, #[napi(ts_arg_type = "string")] key: Key) {
    let key = key.as_str();
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.reset_key(key),
        Algorithm::Gcra(g) => g.reset_key(key),
    });
}

/// Forgets every key.
#[napi(catch_unwind)]
pub fn rate_reset_all(id: u32) {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.reset_all(),
        Algorithm::Gcra(g) => g.reset_all(),
    });
}

/// Number of keys a store tracks now.
#[napi(catch_unwind)]
pub fn rate_size(id: u32) -> u32 {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.table().len() as u32,
        Algorithm::Gcra(g) => g.table_len() as u32,
    })
    .unwrap_or(0)
}

/// Bytes of native memory a store holds.
#[napi(catch_unwind)]
pub fn rate_heap_bytes(id: u32) -> f64 {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.table().heap_bytes(),
        Algorithm::Gcra(g) => g.heap_bytes(),
    })
    .unwrap_or(0) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn escaped_forms_are_one_to_one() {
        let lone_a = escape_units(&[0xd800]);
        let lone_b = escape_units(&[0xd801]);
        assert_ne!(lone_a, lone_b);
        assert_ne!(lone_a, escape_units(&units("\u{fffd}")));
        assert_eq!(escape_units(&units("\u{fffd}")), "\u{fffd}");
        assert_eq!(escape_units(&units("plain")), "plain");
        // A well-formed key spelling an escaped form does not meet it.
        let mimic = format!("{DIGEST_MARK}sd800");
        assert_eq!(lone_a, mimic);
        assert_ne!(escape_units(&units(&mimic)), lone_a);
    }

    #[test]
    fn only_keys_that_can_be_ambiguous_are_escaped() {
        assert!(needs_escape("a\u{fffd}".as_bytes()));
        assert!(needs_escape(b"\x01abc"));
        assert!(!needs_escape(b"10.0.0.1"));
        assert!(!needs_escape("caf\u{e9}".as_bytes()));
    }
}
