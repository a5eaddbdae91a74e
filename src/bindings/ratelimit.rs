//! napi bindings for the ratelimit core. Stores live in a per-thread registry and are
//! named by a number, and every entry point is a plain function: a class method call
//! (unwrap of `this` plus the class identity check) costs several times a plain call,
//! and this is the per-request path. Every call takes the time from JavaScript
//! (`Date.now()`) and answers with one number, so no object is built on either side.

use crate::ratelimit::{Count, FixedWindow, GcraLimiter};
use napi_derive::napi;
use std::cell::{Cell, RefCell};

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
pub fn rate_hit(id: u32, key: String, now: f64, limit: u32) -> f64 {
    with_store(id, |store| match store {
        Algorithm::FixedWindow(w) => w.hit(&key, now),
        Algorithm::Gcra(g) => g.hit(&key, now, limit),
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
