//! Rate counting for `rampart/rate-limit`: a bounded per-key table ([`table`]), the
//! fixed-window counter of express-rate-limit ([`window`]) and a GCRA limiter driven by
//! governor ([`gcra`]). Time is always passed in by the caller (JavaScript's `Date.now()`),
//! never read from the system clock, so fake timers in an app's tests keep working.

pub mod gcra;
pub mod table;
pub mod time;
pub mod window;

pub use gcra::GcraLimiter;
pub use table::{Table, DIGEST_MARK};
pub use window::FixedWindow;

/// What one counted request looks like to the caller: hits used in the current window
/// (for GCRA: the burst capacity used, `limit + 1` when blocked) and the time in
/// milliseconds since the epoch when the count resets (for GCRA: when the request that
/// was blocked may be retried, or when the burst is fully restored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count {
    pub used: u32,
    pub reset_ms: f64,
}
