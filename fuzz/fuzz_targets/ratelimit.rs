//! Rate-limit keys and clocks: a sequence of operations (hit, get, decrement, reset) on
//! arbitrary keys (any bytes, long, empty, non-ASCII) at arbitrary times (backwards,
//! NaN, huge) against both counters. Nothing panics, the tables stay within `max_keys`,
//! and the counts stay within their documented ranges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::ratelimit::{FixedWindow, GcraLimiter};

const MAX_KEYS: usize = 8;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let window_ms = f64::from(data[0]) * 37.0 + f64::from(data[1] & 3) * 1e12;
    let mut fixed = FixedWindow::new(window_ms, MAX_KEYS);
    let mut gcra = GcraLimiter::new(window_ms, MAX_KEYS);
    let mut now: f64 = 1.7e12;
    let mut rest = &data[2..];
    while rest.len() >= 3 {
        let (op, step, len) = (rest[0], rest[1], usize::from(rest[2] % 64));
        rest = &rest[3..];
        let take = len.min(rest.len());
        let key = String::from_utf8_lossy(&rest[..take]).into_owned();
        rest = &rest[take..];
        now = match step {
            255 => f64::NAN,
            254 => -1.0,
            253 => f64::MAX,
            252 => 0.0,
            s if s >= 200 => now - f64::from(s),
            s => now + f64::from(s) * 13.0,
        };
        let limit = u32::from(op >> 3);
        match op & 7 {
            0 | 1 | 2 => {
                let c = fixed.hit(&key, now);
                assert!(c.used >= 1, "a hit counted zero");
                let g = gcra.hit(&key, now, limit);
                assert!(
                    g.used <= limit.max(1) + 1,
                    "gcra used {} over limit {limit}",
                    g.used
                );
            }
            3 => {
                fixed.decrement(&key);
                gcra.decrement(&key, now, limit);
            }
            4 => {
                let _ = fixed.get(&key, now);
                let _ = gcra.get(&key, now, limit);
            }
            5 => {
                fixed.reset_key(&key);
                gcra.reset_key(&key);
            }
            6 => {
                let _ = fixed.table().heap_bytes();
                let _ = gcra.heap_bytes();
            }
            _ => {
                fixed.reset_all();
                gcra.reset_all();
            }
        }
        assert!(
            fixed.table().len() <= MAX_KEYS,
            "fixed window table over max_keys"
        );
        assert!(gcra.table_len() <= MAX_KEYS, "gcra table over max_keys");
    }
});
