//! napi bindings for the ratelimit core: one native store object per limiter. Every call
//! takes the time from JavaScript (`Date.now()`) and answers with one number, so the hot
//! path builds no object on either side of the boundary.

use crate::ratelimit::{Count, FixedWindow, GcraLimiter};
use napi_derive::napi;

/// `used * 2^32 + (resetTime - now)`: both parts of a count in one f64, when `used` is
/// below 2^21 and the reset is a whole number of milliseconds less than 2^32 away.
const PACK: f64 = 4_294_967_296.0;
const MAX_PACKED_USED: u32 = 1 << 21;

enum Algorithm {
    FixedWindow(FixedWindow),
    Gcra(GcraLimiter),
}

/// A bounded in-memory rate store (the engine behind `MemoryStore`).
#[napi]
pub struct NativeRateStore {
    algorithm: Algorithm,
    last: Count,
}

fn pack(count: Count, now: f64) -> f64 {
    let ahead = count.reset_ms - now;
    if count.used < MAX_PACKED_USED && ahead >= 0.0 && ahead < PACK && ahead.fract() == 0.0 {
        count.used as f64 * PACK + ahead
    } else {
        -1.0
    }
}

#[napi]
impl NativeRateStore {
    /// `gcra`: GCRA instead of the fixed window; `windowMs`; `maxKeys` (at least 1).
    #[napi(constructor, catch_unwind)]
    pub fn new(gcra: bool, window_ms: f64, max_keys: u32) -> Self {
        let max_keys = max_keys.max(1) as usize;
        let algorithm = if gcra {
            Algorithm::Gcra(GcraLimiter::new(window_ms, max_keys))
        } else {
            Algorithm::FixedWindow(FixedWindow::new(window_ms, max_keys))
        };
        NativeRateStore {
            algorithm,
            last: Count {
                used: 0,
                reset_ms: 0.0,
            },
        }
    }

    /// Counts one request: `used * 2^32 + (resetTime - now)`, or -1 when that does not fit
    /// (then read `lastUsed()` and `lastReset()`). `limit` matters only for GCRA.
    #[napi(catch_unwind)]
    pub fn hit(&mut self, key: String, now: f64, limit: u32) -> f64 {
        let count = match &mut self.algorithm {
            Algorithm::FixedWindow(w) => w.hit(&key, now),
            Algorithm::Gcra(g) => g.hit(&key, now, limit),
        };
        self.last = count;
        pack(count, now)
    }

    /// The live count of a key, packed as by `hit`; -2 when the key has none.
    #[napi(catch_unwind)]
    pub fn get(&mut self, key: String, now: f64, limit: u32) -> f64 {
        let count = match &self.algorithm {
            Algorithm::FixedWindow(w) => w.get(&key, now),
            Algorithm::Gcra(g) => g.get(&key, now, limit),
        };
        match count {
            Some(count) => {
                self.last = count;
                pack(count, now)
            }
            None => -2.0,
        }
    }

    /// `used` of the last `hit`/`get`.
    #[napi(catch_unwind)]
    pub fn last_used(&self) -> u32 {
        self.last.used
    }

    /// `resetTime` (ms since the epoch) of the last `hit`/`get`.
    #[napi(catch_unwind)]
    pub fn last_reset(&self) -> f64 {
        self.last.reset_ms
    }

    /// Takes one request back.
    #[napi(catch_unwind)]
    pub fn decrement(&mut self, key: String, now: f64, limit: u32) {
        match &mut self.algorithm {
            Algorithm::FixedWindow(w) => w.decrement(&key),
            Algorithm::Gcra(g) => g.decrement(&key, now, limit),
        }
    }

    #[napi(catch_unwind)]
    pub fn reset_key(&mut self, key: String) {
        match &mut self.algorithm {
            Algorithm::FixedWindow(w) => w.reset_key(&key),
            Algorithm::Gcra(g) => g.reset_key(&key),
        }
    }

    #[napi(catch_unwind)]
    pub fn reset_all(&mut self) {
        match &mut self.algorithm {
            Algorithm::FixedWindow(w) => w.reset_all(),
            Algorithm::Gcra(g) => g.reset_all(),
        }
    }

    /// Number of keys tracked now.
    #[napi(catch_unwind)]
    pub fn size(&self) -> u32 {
        match &self.algorithm {
            Algorithm::FixedWindow(w) => w.table().len() as u32,
            Algorithm::Gcra(g) => g.table_len() as u32,
        }
    }

    /// Bytes of native memory the store holds.
    #[napi(catch_unwind)]
    pub fn heap_bytes(&self) -> f64 {
        (match &self.algorithm {
            Algorithm::FixedWindow(w) => w.table().heap_bytes(),
            Algorithm::Gcra(g) => g.heap_bytes(),
        }) as f64
    }
}
