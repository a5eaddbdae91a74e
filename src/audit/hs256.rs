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
    if threads == 1 {
        return words
            .iter()
            .position(|w| signs(w, signing_input, signature));
    }
    // Each thread takes a contiguous chunk; the lowest hit wins so that the answer does
    // not depend on scheduling. `best` lets the later chunks stop once an earlier one hit.
    let best = AtomicUsize::new(usize::MAX);
    let chunk = words.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for (n, part) in words.chunks(chunk).enumerate() {
            let best = &best;
            scope.spawn(move || {
                let start = n * chunk;
                for (i, w) in part.iter().enumerate() {
                    if start + i > best.load(Ordering::Relaxed) {
                        return;
                    }
                    if signs(w, signing_input, signature) {
                        best.fetch_min(start + i, Ordering::Relaxed);
                        return;
                    }
                }
            });
        }
    });
    match best.into_inner() {
        usize::MAX => None,
        i => Some(i),
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
