//! The HS256 secret cracker: tries each candidate secret as the HMAC-SHA256 key over a
//! token's signing input (`header.payload`) and compares with the token's signature.
//! The candidates come as one newline-separated buffer (one copy across the binding
//! instead of an array of strings), and the list is split across the CPU's threads.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};

type HmacSha256 = Hmac<Sha256>;

/// Splits a newline-separated list into candidates; a trailing `\r` (CRLF files) is
/// dropped and empty lines are kept, so the index of a hit is its line number.
pub fn candidates(list: &[u8]) -> Vec<&[u8]> {
    if list.is_empty() {
        return Vec::new();
    }
    let body = list.strip_suffix(b"\n").unwrap_or(list);
    body.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// True when `secret` signs `signing_input` into `signature` (HS256).
pub fn signs(secret: &[u8], signing_input: &[u8], signature: &[u8]) -> bool {
    // new_from_slice accepts keys of any length for HMAC; it cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return false;
    };
    mac.update(signing_input);
    // verify_slice compares in constant time and checks the length.
    mac.verify_slice(signature).is_ok()
}

/// The line number of the first candidate (in list order) that signs the input, if any.
/// `threads` of 0 or 1 runs on the calling thread.
pub fn crack(signing_input: &[u8], signature: &[u8], list: &[u8], threads: usize) -> Option<usize> {
    let words = candidates(list);
    if signature.len() != 32 || words.is_empty() {
        return None;
    }
    let threads = threads.clamp(1, 64).min(words.len());
    let search = Search::new(signing_input, signature);
    // `best` lets the later chunks stop once an earlier one hit.
    let best = AtomicUsize::new(usize::MAX);
    if threads == 1 {
        return search.first(&words, 0, &best);
    }
    // Each thread takes a contiguous chunk; the lowest hit wins so that the answer does
    // not depend on scheduling.
    let chunk = words.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (n, part) in words.chunks(chunk).enumerate() {
            let (best, search) = (&best, &search);
            scope.spawn(move || {
                if let Some(i) = search.first(part, n * chunk, best) {
                    best.fetch_min(i, Ordering::Relaxed);
                }
            });
        }
    });
    match best.into_inner() {
        usize::MAX => None,
        i => Some(i),
    }
}

/// Candidates hashed together on SHA-NI.
#[cfg(target_arch = "x86_64")]
const LANES: usize = 4;

/// One token's search: four candidates at a time on SHA-NI where the CPU has it, one at
/// a time through the `hmac` crate otherwise (and for keys longer than a block, which
/// HMAC hashes first).
struct Search<'a> {
    signing_input: &'a [u8],
    signature: &'a [u8],
    #[cfg(target_arch = "x86_64")]
    lanes: Option<super::shani::Target>,
}

impl<'a> Search<'a> {
    fn new(signing_input: &'a [u8], signature: &'a [u8]) -> Self {
        Search {
            signing_input,
            signature,
            #[cfg(target_arch = "x86_64")]
            lanes: match <&[u8; 32]>::try_from(signature) {
                Ok(sig) if super::shani::available() => {
                    Some(super::shani::Target::new(signing_input, sig))
                }
                _ => None,
            },
        }
    }

    /// The index (offset by `start`) of the first word that signs, stopping early once
    /// `best` holds a lower index found by another thread.
    fn first(&self, words: &[&[u8]], start: usize, best: &AtomicUsize) -> Option<usize> {
        let mut i = 0;
        while i < words.len() {
            if start + i > best.load(Ordering::Relaxed) {
                return None;
            }
            #[cfg(target_arch = "x86_64")]
            if let Some(lanes) = &self.lanes {
                if let Some(four) = words
                    .get(i..i + LANES)
                    .filter(|w| w.iter().all(|k| k.len() <= 64))
                {
                    let hits = lanes.signs([four[0], four[1], four[2], four[3]]);
                    if let Some(l) = hits.iter().position(|&h| h) {
                        return Some(start + i + l);
                    }
                    i += LANES;
                    continue;
                }
            }
            if signs(words[i], self.signing_input, self.signature) {
                return Some(start + i);
            }
            i += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], input: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(secret).unwrap();
        mac.update(input);
        mac.finalize().into_bytes().to_vec()
    }

    #[test]
    fn finds_the_line_of_the_secret() {
        let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0";
        let sig = sign(b"changeme", input);
        let list = b"secret\npassword\r\n\nchangeme\nother\n";
        assert_eq!(crack(input, &sig, list, 1), Some(3));
        assert_eq!(crack(input, &sig, list, 4), Some(3));
    }

    #[test]
    fn empty_secret_is_a_candidate() {
        let input = b"a.b";
        let sig = sign(b"", input);
        assert_eq!(crack(input, &sig, b"x\n\ny\n", 2), Some(1));
    }

    #[test]
    fn misses_and_bad_signatures() {
        let input = b"a.b";
        let sig = sign(b"not-in-list", input);
        assert_eq!(crack(input, &sig, b"a\nb\nc", 2), None);
        assert_eq!(crack(input, &sig[..31], b"not-in-list", 1), None);
        assert_eq!(crack(input, &sig, b"", 1), None);
    }

    #[test]
    fn long_keys_and_odd_positions() {
        let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0";
        let long = [b'k'; 100];
        let mut list = b"a\nb\nc\n".to_vec();
        list.extend_from_slice(&long);
        list.extend_from_slice(b"\nd\n");
        assert_eq!(crack(input, &sign(&long, input), &list, 1), Some(3));
        for (w, at) in [("a", 0), ("b", 1), ("c", 2), ("d", 4)] {
            assert_eq!(crack(input, &sign(w.as_bytes(), input), &list, 1), Some(at));
            assert_eq!(crack(input, &sign(w.as_bytes(), input), &list, 2), Some(at));
        }
    }

    #[test]
    fn every_lane_position_is_found() {
        let input = b"a.b";
        let words: Vec<String> = (0..11).map(|i| format!("word{i}")).collect();
        let list = words.join("\n");
        for (i, w) in words.iter().enumerate() {
            for threads in [1, 2, 3] {
                let found = crack(input, &sign(w.as_bytes(), input), list.as_bytes(), threads);
                assert_eq!(found, Some(i), "{w} with {threads} threads");
            }
        }
    }

    #[test]
    fn lowest_hit_wins_across_threads() {
        let input = b"a.b";
        let sig = sign(b"dup", input);
        let mut list = Vec::new();
        for i in 0..1000 {
            list.extend_from_slice(if i == 10 || i == 900 { b"dup" } else { b"no" });
            list.push(b'\n');
        }
        assert_eq!(crack(input, &sig, &list, 2), Some(10));
    }
}
