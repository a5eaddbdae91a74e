//! Conversions between JavaScript milliseconds (`Date.now()`, an f64) and the integer
//! units the tables store. Times before the epoch (a fake timer set to a negative time)
//! clamp to zero instead of wrapping.

/// Milliseconds to `per_ms` units, exact for whole milliseconds (the integer part is
/// scaled in integers; only the fraction goes through floating point).
fn scale(ms: f64, per_ms: u64) -> u64 {
    if !(ms.is_finite() && ms > 0.0) {
        return 0;
    }
    let whole = ms.trunc();
    let frac = ((ms - whole) * per_ms as f64).round() as u64;
    (whole as u64).saturating_mul(per_ms).saturating_add(frac)
}

/// Milliseconds to whole microseconds (fixed windows store microseconds).
pub fn ms_to_us(ms: f64) -> u64 {
    scale(ms, 1_000)
}

/// Microseconds back to milliseconds; exact for whole milliseconds.
pub fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1_000.0
}

/// Milliseconds to nanoseconds (GCRA state is governor's `Nanos`).
pub fn ms_to_ns(ms: f64) -> u64 {
    scale(ms, 1_000_000)
}

/// Nanoseconds to whole milliseconds, rounded up (a retry time must not be early).
pub fn ns_to_ms_ceil(ns: u64) -> f64 {
    ns.div_ceil(1_000_000) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_whole_milliseconds_exactly() {
        for ms in [0.0, 1.0, 1_764_300_000_123.0, 4_102_444_800_000.0] {
            assert_eq!(us_to_ms(ms_to_us(ms)), ms);
            assert_eq!(ns_to_ms_ceil(ms_to_ns(ms)), ms);
        }
    }

    #[test]
    fn clamps_negative_and_nan() {
        assert_eq!(ms_to_us(-5.0), 0);
        assert_eq!(ms_to_ns(f64::NAN), 0);
        assert_eq!(ns_to_ms_ceil(1), 1.0);
    }
}
