//! napi bindings for the ratelimit core. Stores live in a per-thread registry and are
//! named by a number, and every entry point is a plain function: a class method call
//! (unwrap of `this` plus the class identity check) costs several times a plain call,
//! and this is the per-request path. Every call takes the time from JavaScript
//! (`Date.now()`) and answers with one number, so no object is built on either side.

use crate::ratelimit::{Count, FixedWindow, GcraLimiter};
use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Status, ValueType};
use napi_derive::napi;
use std::cell::{Cell, RefCell};

/// Bytes of a key read without a heap allocation.
const INLINE_KEY: usize = 128;

/// A string key read from JavaScript in one call into a stack buffer (napi-rs's `String`
/// asks V8 for the length first, then allocates and copies: two calls and a malloc per
/// request). Keys that may not fit are read again the ordinary way.
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
        // A full buffer may be a cut-off key (or one cut inside a UTF-8 sequence).
        if written + 1 < INLINE_KEY && std::str::from_utf8(&key.inline[..written]).is_ok() {
            key.len = written;
        } else {
            // SAFETY: as above.
            key.heap = Some(unsafe { String::from_napi_value(env, value)? });
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
pub fn rate_get(id: u32, key: String, now: f64, limit: u32) -> f64 {
    match with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.get(&key, now),
        Algorithm::Gcra(g) => g.get(&key, now, limit),
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
pub fn rate_decrement(id: u32, key: String, now: f64, limit: u32) {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.decrement(&key),
        Algorithm::Gcra(g) => g.decrement(&key, now, limit),
    });
}

/// Forgets one key.
#[napi(catch_unwind)]
pub fn rate_reset_key(id: u32, key: String) {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.reset_key(&key),
        Algorithm::Gcra(g) => g.reset_key(&key),
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
