//! express-rate-limit's fixed window: a key's window starts at its first hit and lasts
//! `windowMs`; the count starts again from zero once the window has passed.

use super::table::{Table, PRUNE_BUDGET};
use super::time::{ms_to_us, us_to_ms};
use super::Count;

#[derive(Debug)]
pub struct FixedWindow {
    table: Table,
    window_us: u64,
}

impl FixedWindow {
    pub fn new(window_ms: f64, max_keys: usize) -> Self {
        FixedWindow {
            table: Table::new(max_keys),
            window_us: ms_to_us(window_ms).max(1),
        }
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    /// Counts one hit for `key` at `now_ms`.
    pub fn hit(&mut self, key: &str, now_ms: f64) -> Count {
        let now = ms_to_us(now_ms);
        self.table.prune(now, PRUNE_BUDGET);
        let slot = self.table.touch(key);
        let mut reset = self.table.stamp(slot);
        let mut hits = self.table.hits(slot);
        if reset <= now {
            reset = now + self.window_us;
            hits = 0;
            self.table.set_stamp(slot, reset);
        }
        hits = hits.saturating_add(1);
        self.table.set_hits(slot, hits);
        Count {
            used: hits,
            reset_ms: us_to_ms(reset),
        }
    }

    /// Takes one hit back (for skipSuccessfulRequests / skipFailedRequests). Does nothing
    /// when the key is gone or its count is already zero.
    pub fn decrement(&mut self, key: &str) {
        if let Some(slot) = self.table.find(key) {
            let hits = self.table.hits(slot);
            if hits > 0 {
                self.table.set_hits(slot, hits - 1);
            }
        }
    }

    /// The live count of `key`, or `None` when it has none or its window has passed.
    pub fn get(&self, key: &str, now_ms: f64) -> Option<Count> {
        let slot = self.table.find(key)?;
        let reset = self.table.stamp(slot);
        if reset <= ms_to_us(now_ms) {
            return None;
        }
        Some(Count {
            used: self.table.hits(slot),
            reset_ms: us_to_ms(reset),
        })
    }

    pub fn reset_key(&mut self, key: &str) {
        self.table.remove(key);
    }

    pub fn reset_all(&mut self) {
        self.table.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_within_a_window_and_restarts_after() {
        let mut w = FixedWindow::new(1000.0, 100);
        let t0 = 1_764_300_000_000.0;
        assert_eq!(
            w.hit("k", t0),
            Count {
                used: 1,
                reset_ms: t0 + 1000.0
            }
        );
        assert_eq!(w.hit("k", t0 + 999.0).used, 2);
        assert_eq!(w.hit("k", t0 + 999.0).reset_ms, t0 + 1000.0);
        let c = w.hit("k", t0 + 1000.0);
        assert_eq!((c.used, c.reset_ms), (1, t0 + 2000.0));
    }

    #[test]
    fn decrement_get_and_reset() {
        let mut w = FixedWindow::new(1000.0, 100);
        w.hit("k", 5000.0);
        w.hit("k", 5000.0);
        w.decrement("k");
        assert_eq!(w.get("k", 5001.0).unwrap().used, 1);
        assert_eq!(w.get("k", 6000.0), None);
        w.reset_key("k");
        assert_eq!(w.get("k", 5001.0), None);
        w.decrement("missing");
        w.hit("a", 1.0);
        w.reset_all();
        assert!(w.table().is_empty());
    }

    #[test]
    fn expired_keys_are_pruned_as_new_ones_arrive() {
        let mut w = FixedWindow::new(10.0, 1_000_000);
        for i in 0..1000 {
            w.hit(&format!("old{i}"), 0.0);
        }
        for i in 0..1000 {
            w.hit(&format!("new{i}"), 100.0);
        }
        assert_eq!(w.table().len(), 1000, "each new key pruned old ones");
    }

    #[test]
    fn time_going_backwards_does_not_panic() {
        let mut w = FixedWindow::new(1000.0, 10);
        w.hit("k", 10_000.0);
        assert_eq!(w.hit("k", -1.0).used, 2);
    }
}
