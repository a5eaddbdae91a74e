//! GCRA ("leaky bucket as a meter") through governor: `limit` requests per `windowMs`
//! with the burst spread smoothly, so there is no double burst at a window edge.
//!
//! governor runs on two things of ours: a [`Clock`] that reads the time the caller passed
//! in (JavaScript's `Date.now()`, so fake timers work), and a [`StateStore`] over the
//! bounded [`Table`], whose `stamp` holds each key's theoretical arrival time (TAT) in
//! nanoseconds since the epoch. The limiter starts at time zero, so TATs are absolute and
//! an entry whose TAT has passed is equivalent to no entry: pruning it loses nothing.

use super::table::{Table, PRUNE_BUDGET};
use super::time::{ms_to_ns, ns_to_ms_ceil};
use super::Count;
use governor::clock::Clock;
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::{Quota, RateLimiter};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::rc::Rc;
use std::time::Duration;

/// A clock whose time is set by the caller before each check.
#[derive(Debug, Clone, Default)]
pub struct PassedInClock(Rc<Cell<u64>>);

impl Clock for PassedInClock {
    type Instant = Nanos;
    fn now(&self) -> Nanos {
        Nanos::from(self.0.get())
    }
}

/// The shared table as governor's keyed state store.
#[derive(Debug, Clone)]
struct TableStore {
    table: Rc<RefCell<Table>>,
    /// The TAT the last allowed check wrote, for the caller's reset time.
    last_tat: Rc<Cell<u64>>,
}

impl StateStore for TableStore {
    type Key = String;

    fn measure_and_replace<T, F, E>(&self, key: &String, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut table = self.table.borrow_mut();
        let slot = table.touch(key);
        let tat = table.stamp(slot);
        let (value, next) = f((tat != 0).then(|| Nanos::from(tat)))?;
        let next = next.as_u64();
        table.set_stamp(slot, next);
        self.last_tat.set(next);
        Ok(value)
    }
}

type Limiter = RateLimiter<String, TableStore, PassedInClock, StateInformationMiddleware>;

/// Per-key GCRA limits over one bounded table. The limit may differ per request (a
/// `limit` function); one governor limiter is kept for each limit seen, all sharing the
/// table.
pub struct GcraLimiter {
    store: TableStore,
    clock: PassedInClock,
    window: Duration,
    limiters: HashMap<u32, Limiter>,
}

/// How many limiters with distinct limits to keep before starting afresh.
const MAX_LIMITERS: usize = 64;

impl GcraLimiter {
    pub fn new(window_ms: f64, max_keys: usize) -> Self {
        GcraLimiter {
            store: TableStore {
                table: Rc::new(RefCell::new(Table::new(max_keys))),
                last_tat: Rc::new(Cell::new(0)),
            },
            clock: PassedInClock::default(),
            window: Duration::from_nanos(ms_to_ns(window_ms).max(1)),
            limiters: HashMap::new(),
        }
    }

    pub fn table_len(&self) -> usize {
        self.store.table.borrow().len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.store.table.borrow().heap_bytes()
    }

    /// Time one request takes to drain out of the bucket: `windowMs / limit`.
    fn emission_interval(&self, limit: NonZeroU32) -> Duration {
        (self.window / limit.get()).max(Duration::from_nanos(1))
    }

    fn limiter(&mut self, limit: NonZeroU32) -> &Limiter {
        if !self.limiters.contains_key(&limit.get()) {
            if self.limiters.len() >= MAX_LIMITERS {
                self.limiters.clear();
            }
            let quota = Quota::with_period(self.emission_interval(limit))
                .expect("the period is at least one nanosecond")
                .allow_burst(limit);
            // Created at time zero, so governor's TATs are nanoseconds since the epoch.
            self.clock.0.set(0);
            let limiter: Limiter = RateLimiter::new(quota, self.store.clone(), self.clock.clone());
            self.limiters.insert(limit.get(), limiter);
        }
        &self.limiters[&limit.get()]
    }

    /// Checks one request for `key` at `now_ms` against `limit` per window. Allowed:
    /// `used = limit - remaining` and the reset is when the full burst is back. Blocked:
    /// `used = limit + 1` and the reset is the earliest time a retry can pass. A limit
    /// of zero blocks everything.
    pub fn hit(&mut self, key: &String, now_ms: f64, limit: u32) -> Count {
        let now = ms_to_ns(now_ms);
        self.store.table.borrow_mut().prune(now, PRUNE_BUDGET);
        let Some(limit_nz) = NonZeroU32::new(limit) else {
            return Count {
                used: 1,
                reset_ms: ns_to_ms_ceil(now) + self.window.as_millis() as f64,
            };
        };
        self.limiter(limit_nz);
        self.clock.0.set(now);
        match self.limiters[&limit_nz.get()].check_key(key) {
            Ok(snapshot) => Count {
                used: limit - snapshot.remaining_burst_capacity().min(limit),
                reset_ms: ns_to_ms_ceil(self.store.last_tat.get()),
            },
            Err(not_until) => Count {
                used: limit.saturating_add(1),
                reset_ms: ns_to_ms_ceil(not_until.earliest_possible().as_u64()),
            },
        }
    }

    /// Gives back one request's worth of capacity (for skipSuccessfulRequests /
    /// skipFailedRequests), never moving the TAT before `now`.
    pub fn decrement(&mut self, key: &str, now_ms: f64, limit: u32) {
        let Some(limit) = NonZeroU32::new(limit) else {
            return;
        };
        let t = self.emission_interval(limit).as_nanos() as u64;
        let now = ms_to_ns(now_ms);
        let mut table = self.store.table.borrow_mut();
        if let Some(slot) = table.find(key) {
            let tat = table.stamp(slot);
            if tat > now {
                table.set_stamp(slot, tat.saturating_sub(t).max(now).max(1));
            }
        }
    }

    /// The live state of `key`: capacity used and when the burst is fully back.
    pub fn get(&self, key: &str, now_ms: f64, limit: u32) -> Option<Count> {
        let limit = NonZeroU32::new(limit)?;
        let now = ms_to_ns(now_ms);
        let table = self.store.table.borrow();
        let tat = table.stamp(table.find(key)?);
        if tat <= now {
            return None;
        }
        let t = self.emission_interval(limit).as_nanos() as u64;
        let used = (tat - now).div_ceil(t).min(limit.get() as u64) as u32;
        Some(Count {
            used,
            reset_ms: ns_to_ms_ceil(tat),
        })
    }

    pub fn reset_key(&mut self, key: &str) {
        self.store.table.borrow_mut().remove(key);
    }

    pub fn reset_all(&mut self) {
        self.store.table.borrow_mut().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: f64 = 1_764_300_000_000.0;

    #[test]
    fn allows_a_burst_of_limit_then_blocks() {
        let mut g = GcraLimiter::new(1000.0, 100);
        let k = "k".to_string();
        for i in 1..=5 {
            let c = g.hit(&k, T0, 5);
            assert_eq!(c.used, i, "request {i}");
            assert_eq!(c.reset_ms, T0 + 200.0 * i as f64);
        }
        let blocked = g.hit(&k, T0, 5);
        assert_eq!(blocked.used, 6);
        assert_eq!(
            blocked.reset_ms,
            T0 + 200.0,
            "one slot frees after 1000/5 ms"
        );
    }

    #[test]
    fn replenishes_smoothly() {
        let mut g = GcraLimiter::new(1000.0, 100);
        let k = "k".to_string();
        for _ in 0..5 {
            g.hit(&k, T0, 5);
        }
        assert_eq!(g.hit(&k, T0 + 199.0, 5).used, 6);
        assert_eq!(g.hit(&k, T0 + 200.0, 5).used, 5);
        assert_eq!(g.hit(&k, T0 + 200.0, 5).used, 6);
        assert_eq!(g.get("k", T0 + 200.0, 5).unwrap().used, 5);
        // after a whole window the bucket is full again
        assert_eq!(g.hit(&k, T0 + 5000.0, 5).used, 1);
    }

    #[test]
    fn decrement_gives_capacity_back() {
        let mut g = GcraLimiter::new(1000.0, 100);
        let k = "k".to_string();
        for _ in 0..5 {
            g.hit(&k, T0, 5);
        }
        g.decrement("k", T0, 5);
        assert_eq!(g.hit(&k, T0, 5).used, 5);
    }

    #[test]
    fn zero_limit_blocks_and_per_request_limits_share_state() {
        let mut g = GcraLimiter::new(1000.0, 100);
        let k = "k".to_string();
        assert_eq!(g.hit(&k, T0, 0).used, 1);
        g.hit(&k, T0, 2);
        g.hit(&k, T0, 2);
        assert_eq!(g.hit(&k, T0, 2).used, 3);
        g.reset_key("k");
        assert_eq!(g.hit(&k, T0, 2).used, 1);
        g.reset_all();
        assert_eq!(g.table_len(), 0);
    }

    #[test]
    fn fake_time_before_the_epoch_is_safe() {
        let mut g = GcraLimiter::new(1000.0, 100);
        let k = "k".to_string();
        assert_eq!(g.hit(&k, -5.0, 1).used, 1);
        assert_eq!(g.hit(&k, -5.0, 1).used, 2);
    }
}
