//! Small string sets and maps for tag, attribute and scheme names, with a fast hash
//! (FNV-1a: the keys are short and chosen by the developer, not by the attacker's input
//! alone, and a lookup is on the per-tag hot path).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Build = BuildHasherDefault<Fnv>;

#[derive(Default, Clone)]
pub(crate) struct NameSet(HashSet<Box<str>, Build>);

impl NameSet {
    pub(crate) fn from_iter<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = NameSet::default();
        for n in names {
            set.insert(n);
        }
        set
    }
    pub(crate) fn insert(&mut self, name: &str) {
        self.0.insert(name.into());
    }
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }
    /// The stored name equal to `name` (borrowed from the set, so it lives as long as it).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| &**s)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|s| &**s)
    }
}

pub(crate) struct NameMap<V>(HashMap<Box<str>, V, Build>);

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap(HashMap::default())
    }
}

impl<V> NameMap<V> {
    pub(crate) fn insert(&mut self, name: &str, value: V) {
        self.0.insert(name.into(), value);
    }
    pub(crate) fn get(&self, name: &str) -> Option<&V> {
        self.0.get(name)
    }
    pub(crate) fn remove(&mut self, name: &str) -> Option<V> {
        self.0.remove(name)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (&**k, v))
    }
}

/// `*` matches any run of characters (sanitize-html's glob form, e.g. `data-*`).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("data-*", "data-id"));
        assert!(!glob_match("data-*", "aria-id"));
        assert!(glob_match("*-x-*", "a-x-b"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("a*b", "ab-"));
    }

    #[test]
    fn sets_and_maps() {
        let s = NameSet::from_iter(["a", "b"]);
        assert!(s.contains("a") && !s.contains("c"));
        let mut m = NameMap::default();
        m.insert("k", 1);
        assert_eq!(m.get("k"), Some(&1));
    }
}
