//! A bounded table of per-key state: one compact entry per key, no allocation for keys of
//! up to 24 bytes (every IPv4 address and every /56 IPv6 network key), an intrusive
//! least-recently-used list so that a full table evicts its stalest key, and incremental
//! pruning of expired entries from the stale end, a few per call, never a full scan.
//!
//! Each entry carries a `stamp` (when it expires, in whatever unit the caller uses) and a
//! `hits` counter; the table itself knows nothing about windows or GCRA.

use compact_str::CompactString;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

const NIL: u32 = u32::MAX;

/// How many expired entries one call may remove: enough to outpace a flood that adds one
/// key per call, small enough to keep every call O(1).
pub const PRUNE_BUDGET: usize = 4;

/// Keys longer than this are stored as a 128-bit keyed digest (22 characters, inline), so
/// that memory stays bounded by `maxKeys` whatever the keys' length: a key generator that
/// reads a client-chosen header cannot make each entry cost kilobytes.
pub const MAX_STORED_KEY: usize = 64;

/// First character of every digest (and of no key stored as itself).
pub const DIGEST_MARK: char = '\u{1}';

#[derive(Debug)]
struct Entry {
    key: CompactString,
    stamp: u64,
    hits: u32,
    prev: u32,
    next: u32,
}

/// Slot number of an entry; valid until the next call that may evict or remove.
pub type Slot = u32;

#[derive(Debug)]
pub struct Table {
    index: HashTable<u32>,
    entries: Vec<Entry>,
    hasher: DefaultHashBuilder,
    /// Two independent SipHash keys for the digest of long keys.
    digest: (RandomState, RandomState),
    /// Most recently touched entry.
    head: u32,
    /// Least recently touched entry: the first to prune or evict.
    tail: u32,
    /// Free slots, linked through `next`.
    free: u32,
    len: usize,
    max_keys: usize,
}

impl Table {
    /// A table that holds at most `max_keys` keys (at least one).
    pub fn new(max_keys: usize) -> Self {
        Table {
            index: HashTable::new(),
            entries: Vec::new(),
            hasher: DefaultHashBuilder::default(),
            digest: (RandomState::new(), RandomState::new()),
            head: NIL,
            tail: NIL,
            free: NIL,
            len: 0,
            max_keys: max_keys.clamp(1, NIL as usize - 1),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// Bytes held by the table's own allocations (entries, index, and keys too long to
    /// be stored inline).
    pub fn heap_bytes(&self) -> usize {
        let spilled: usize = self
            .entries
            .iter()
            .filter(|e| e.key.is_heap_allocated())
            .map(|e| e.key.capacity())
            .sum();
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.index.capacity() * (std::mem::size_of::<u32>() + 1)
            + spilled
    }

    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The form a key is stored under: itself, or a digest when it is long. Keys that start
    /// with `\u{1}` are digested too, whatever their length: every digest starts with it, so
    /// no key stored as itself can ever equal another key's digest.
    fn stored<'k>(&self, key: &'k str) -> Cow<'k, str> {
        if key.len() <= MAX_STORED_KEY && !key.starts_with(DIGEST_MARK) {
            return Cow::Borrowed(key);
        }
        let a = self.digest.0.hash_one(key);
        let b = self.digest.1.hash_one(key);
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bits = (u128::from(a) << 64) | u128::from(b);
        // "\u{1}" + 21 base-64 digits (126 bits): 22 bytes, stored inline.
        let mut out = String::with_capacity(22);
        out.push(DIGEST_MARK);
        for i in 0..21 {
            out.push(ALPHABET[((bits >> (6 * i)) & 63) as usize] as char);
        }
        Cow::Owned(out)
    }

    /// The slot of `key`, if present. Does not change its recency.
    pub fn find(&self, key: &str) -> Option<Slot> {
        let key = self.stored(key);
        let key = key.as_ref();
        let entries = &self.entries;
        self.index
            .find(self.hash(key), |&i| entries[i as usize].key == key)
            .copied()
    }

    /// The slot of `key`, created with `stamp == 0` and `hits == 0` if it was missing
    /// (evicting the stalest key when the table is full), and marked most recent.
    pub fn touch(&mut self, key: &str) -> Slot {
        let stored = self.stored(key);
        let key = stored.as_ref();
        let hash = self.hash(key);
        let entries = &self.entries;
        if let Some(&slot) = self.index.find(hash, |&i| entries[i as usize].key == key) {
            self.move_to_head(slot);
            return slot;
        }
        if self.len >= self.max_keys {
            let stalest = self.tail;
            self.remove_slot(stalest);
        }
        let slot = self.allocate(key);
        let entries = &self.entries;
        let hasher = &self.hasher;
        self.index.insert_unique(hash, slot, |&i| {
            hasher.hash_one(entries[i as usize].key.as_str())
        });
        self.len += 1;
        self.push_head(slot);
        slot
    }

    pub fn stamp(&self, slot: Slot) -> u64 {
        self.entries[slot as usize].stamp
    }

    pub fn set_stamp(&mut self, slot: Slot, stamp: u64) {
        self.entries[slot as usize].stamp = stamp;
    }

    pub fn hits(&self, slot: Slot) -> u32 {
        self.entries[slot as usize].hits
    }

    pub fn set_hits(&mut self, slot: Slot, hits: u32) {
        self.entries[slot as usize].hits = hits;
    }

    /// Removes `key`; true if it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.find(key) {
            Some(slot) => {
                self.remove_slot(slot);
                true
            }
            None => false,
        }
    }

    /// Removes every key and gives the memory back.
    pub fn clear(&mut self) {
        self.index = HashTable::new();
        self.entries = Vec::new();
        self.head = NIL;
        self.tail = NIL;
        self.free = NIL;
        self.len = 0;
    }

    /// Removes up to `budget` entries from the stale end whose stamp is at or before
    /// `now`, stopping at the first one still live. Returns how many were removed.
    pub fn prune(&mut self, now: u64, budget: usize) -> usize {
        let mut removed = 0;
        while removed < budget && self.tail != NIL {
            let tail = self.tail;
            if self.entries[tail as usize].stamp > now {
                break;
            }
            self.remove_slot(tail);
            removed += 1;
        }
        removed
    }

    fn allocate(&mut self, key: &str) -> Slot {
        let entry = Entry {
            key: CompactString::new(key),
            stamp: 0,
            hits: 0,
            prev: NIL,
            next: NIL,
        };
        if self.free != NIL {
            let slot = self.free;
            self.free = self.entries[slot as usize].next;
            self.entries[slot as usize] = entry;
            slot
        } else {
            self.entries.push(entry);
            (self.entries.len() - 1) as Slot
        }
    }

    fn remove_slot(&mut self, slot: Slot) {
        let hash = self.hash(self.entries[slot as usize].key.as_str());
        if let Ok(found) = self.index.find_entry(hash, |&i| i == slot) {
            found.remove();
        }
        self.unlink(slot);
        let entry = &mut self.entries[slot as usize];
        entry.key = CompactString::const_new("");
        entry.next = self.free;
        self.free = slot;
        self.len -= 1;
    }

    fn unlink(&mut self, slot: Slot) {
        let (prev, next) = {
            let e = &self.entries[slot as usize];
            (e.prev, e.next)
        };
        if prev != NIL {
            self.entries[prev as usize].next = next;
        } else {
            self.head = next;
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        } else {
            self.tail = prev;
        }
        let e = &mut self.entries[slot as usize];
        e.prev = NIL;
        e.next = NIL;
    }

    fn push_head(&mut self, slot: Slot) {
        let old = self.head;
        {
            let e = &mut self.entries[slot as usize];
            e.prev = NIL;
            e.next = old;
        }
        if old != NIL {
            self.entries[old as usize].prev = slot;
        } else {
            self.tail = slot;
        }
        self.head = slot;
    }

    fn move_to_head(&mut self, slot: Slot) {
        if self.head != slot {
            self.unlink(slot);
            self.push_head(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_that_looks_like_a_digest_is_digested_too() {
        let mut t = Table::new(10);
        let long = "k".repeat(MAX_STORED_KEY + 1);
        let digest = t.stored(&long).into_owned();
        assert!(digest.starts_with(DIGEST_MARK) && digest.len() <= MAX_STORED_KEY);
        // The digest's own text, used as a key, gets a digest of its own: a different counter.
        let a = t.touch(&long);
        let b = t.touch(&digest);
        assert_ne!(a, b);
        assert_eq!(t.len(), 2);
        assert!(matches!(t.stored("\u{1}x"), Cow::Owned(_)));
        assert!(matches!(t.stored("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn entries_are_compact() {
        assert!(std::mem::size_of::<Entry>() <= 48);
    }

    #[test]
    fn touch_creates_then_finds() {
        let mut t = Table::new(10);
        let a = t.touch("1.2.3.4");
        t.set_hits(a, 3);
        assert_eq!(t.touch("1.2.3.4"), a);
        assert_eq!(t.hits(a), 3);
        assert_eq!(t.len(), 1);
        assert_eq!(t.find("nope"), None);
    }

    #[test]
    fn evicts_the_stalest_when_full() {
        let mut t = Table::new(3);
        t.touch("a");
        t.touch("b");
        t.touch("c");
        t.touch("a"); // b is now the stalest
        t.touch("d");
        assert_eq!(t.len(), 3);
        assert!(t.find("b").is_none());
        assert!(t.find("a").is_some() && t.find("c").is_some() && t.find("d").is_some());
    }

    #[test]
    fn prunes_expired_from_the_stale_end_within_budget() {
        let mut t = Table::new(100);
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            let s = t.touch(k);
            t.set_stamp(s, 10 + i as u64);
        }
        assert_eq!(t.prune(11, 1), 1); // a only (budget)
        assert_eq!(t.prune(11, 10), 1); // b; c is live, stop
        assert_eq!(t.len(), 2);
        assert!(t.find("c").is_some());
    }

    #[test]
    fn long_keys_and_slot_reuse() {
        let mut t = Table::new(2);
        let long = "x".repeat(300);
        t.touch(&long);
        assert!(t.remove(&long));
        assert!(!t.remove(&long));
        let s = t.touch("short");
        assert_eq!(s, 0, "the freed slot is reused");
        t.clear();
        assert!(t.is_empty());
    }

    #[test]
    fn long_keys_are_stored_as_inline_digests() {
        let mut t = Table::new(100);
        let a = "a".repeat(8192);
        let mut b = a.clone();
        b.push('b');
        let sa = t.touch(&a);
        let sb = t.touch(&b);
        assert_ne!(sa, sb, "distinct long keys stay distinct");
        assert_eq!(t.touch(&a), sa, "the same long key finds its entry");
        assert_eq!(
            t.heap_bytes(),
            t.entries.capacity() * std::mem::size_of::<Entry>() + t.index.capacity() * 5
        );
        assert!(t.remove(&b));
        assert!(t.find(&b).is_none() && t.find(&a).is_some());
    }

    #[test]
    fn many_keys_stay_bounded() {
        let mut t = Table::new(1000);
        for i in 0..10_000u32 {
            t.touch(&format!("10.0.{}.{}", i >> 8, i & 255));
        }
        assert_eq!(t.len(), 1000);
        assert!(t.find("10.0.39.15").is_some()); // 9999
        assert!(t.find("10.0.0.0").is_none());
    }
}
