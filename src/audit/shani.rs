//! HMAC-SHA256 of several candidate keys in lockstep on the SHA-NI instructions. A
//! SHA-256 block is a chain of dependent `sha256rnds2` steps, so one stream leaves the unit
//! idle between them; independent candidates interleaved fill those gaps (four lanes ran
//! 1.6-2.7x the blocks per second of one on this machine's AMD EPYC). The round sequence is
//! the one of the `sha2` crate's x86 backend, written once for N states.

#![allow(clippy::many_single_char_names)]

use core::arch::x86_64::*;

const K32: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// True when this CPU has the instructions (checked once per crack, not per candidate).
pub fn available() -> bool {
    is_x86_feature_detected!("sha")
        && is_x86_feature_detected!("sse2")
        && is_x86_feature_detected!("ssse3")
        && is_x86_feature_detected!("sse4.1")
}

/// What every candidate shares: the padded inner message blocks (they follow the 64-byte
/// key block, so the padding counts 64 + len bytes) and the expected signature as words.
pub struct Target {
    inner_blocks: Vec<[u8; 64]>,
    expected: [u32; 8],
}

impl Target {
    pub fn new(signing_input: &[u8], signature: &[u8; 32]) -> Self {
        let mut padded = signing_input.to_vec();
        padded.push(0x80);
        while padded.len() % 64 != 56 {
            padded.push(0);
        }
        let bits = ((64 + signing_input.len()) as u64) * 8;
        padded.extend_from_slice(&bits.to_be_bytes());
        let inner_blocks = padded
            .chunks_exact(64)
            .map(|c| c.try_into().expect("64-byte chunk"))
            .collect();
        let mut expected = [0u32; 8];
        for (w, c) in expected.iter_mut().zip(signature.chunks_exact(4)) {
            *w = u32::from_be_bytes(c.try_into().expect("4-byte chunk"));
        }
        Target {
            inner_blocks,
            expected,
        }
    }

    /// Whether each of `N` keys (at most 64 bytes each) signs the input.
    pub fn signs<const N: usize>(&self, keys: [&[u8]; N]) -> [bool; N] {
        debug_assert!(keys.iter().all(|k| k.len() <= 64));
        let pad = |key: &[u8], byte: u8| {
            let mut block = [byte; 64];
            for (b, k) in block.iter_mut().zip(key) {
                *b ^= k;
            }
            block
        };
        let ipads: [[u8; 64]; N] = core::array::from_fn(|l| pad(keys[l], 0x36));
        let opads: [[u8; 64]; N] = core::array::from_fn(|l| pad(keys[l], 0x5c));
        let mut inner = [IV; N];
        let mut outer = [IV; N];
        // SAFETY: only called after `available()` said the CPU has SHA-NI and SSE4.1.
        unsafe {
            compress(&mut inner, core::array::from_fn(|l| &ipads[l]));
            for block in &self.inner_blocks {
                compress(&mut inner, [block; N]);
            }
            compress(&mut outer, core::array::from_fn(|l| &opads[l]));
            let tails: [[u8; 64]; N] = core::array::from_fn(|l| outer_block(&inner[l]));
            compress(&mut outer, core::array::from_fn(|l| &tails[l]));
        }
        core::array::from_fn(|l| outer[l] == self.expected)
    }
}

/// The outer hash's second block: the inner digest, then the padding for 64 + 32 bytes.
fn outer_block(inner: &[u32; 8]) -> [u8; 64] {
    let mut block = [0u8; 64];
    for (c, w) in block.chunks_exact_mut(4).zip(inner) {
        c.copy_from_slice(&w.to_be_bytes());
    }
    block[32] = 0x80;
    block[56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
    block
}

#[inline(always)]
unsafe fn schedule(v0: __m128i, v1: __m128i, v2: __m128i, v3: __m128i) -> __m128i {
    let t1 = _mm_sha256msg1_epu32(v0, v1);
    let t2 = _mm_alignr_epi8(v3, v2, 4);
    let t3 = _mm_add_epi32(t1, t2);
    _mm_sha256msg2_epu32(t3, v3)
}

#[inline(always)]
unsafe fn rounds4(abef: &mut __m128i, cdgh: &mut __m128i, rest: __m128i, i: usize) {
    let kv = _mm_set_epi32(
        K32[4 * i + 3] as i32,
        K32[4 * i + 2] as i32,
        K32[4 * i + 1] as i32,
        K32[4 * i] as i32,
    );
    let t1 = _mm_add_epi32(rest, kv);
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, t1);
    let t2 = _mm_shuffle_epi32(t1, 0x0E);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, t2);
}

/// A state in the register layout the instructions want.
struct Lane {
    abef: __m128i,
    cdgh: __m128i,
    w: [__m128i; 4],
}

#[inline(always)]
unsafe fn load(state: &[u32; 8], block: &[u8; 64]) -> Lane {
    let mask = _mm_set_epi64x(
        0x0C0D_0E0F_0809_0A0Bu64 as i64,
        0x0405_0607_0001_0203u64 as i64,
    );
    let (abef, cdgh) = load_state(state);
    let data = block.as_ptr() as *const __m128i;
    Lane {
        abef,
        cdgh,
        w: [
            _mm_shuffle_epi8(_mm_loadu_si128(data), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(data.add(1)), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(data.add(2)), mask),
            _mm_shuffle_epi8(_mm_loadu_si128(data.add(3)), mask),
        ],
    }
}

/// The state words as ABEF and CDGH (the order `sha256rnds2` works on).
#[inline(always)]
unsafe fn load_state(state: &[u32; 8]) -> (__m128i, __m128i) {
    let ptr = state.as_ptr() as *const __m128i;
    let cdab = _mm_shuffle_epi32(_mm_loadu_si128(ptr), 0xB1);
    let efgh = _mm_shuffle_epi32(_mm_loadu_si128(ptr.add(1)), 0x1B);
    (
        _mm_alignr_epi8(cdab, efgh, 8),
        _mm_blend_epi16(efgh, cdab, 0xF0),
    )
}

/// Adds the block's result to the state it started from, and writes it back.
#[inline(always)]
unsafe fn store(state: &mut [u32; 8], abef: __m128i, cdgh: __m128i) {
    let (start_abef, start_cdgh) = load_state(state);
    let abef = _mm_add_epi32(abef, start_abef);
    let cdgh = _mm_add_epi32(cdgh, start_cdgh);
    let feba = _mm_shuffle_epi32(abef, 0x1B);
    let dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    let dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    let hgef = _mm_alignr_epi8(dchg, feba, 8);
    let ptr = state.as_mut_ptr() as *mut __m128i;
    _mm_storeu_si128(ptr, dcba);
    _mm_storeu_si128(ptr.add(1), hgef);
}

/// One SHA-256 block on each of `N` states, the rounds of all lanes interleaved.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn compress<const N: usize>(states: &mut [[u32; 8]; N], blocks: [&[u8; 64]; N]) {
    let mut x: [Lane; N] = core::array::from_fn(|l| load(&states[l], blocks[l]));
    for i in 0..4 {
        for lane in x.iter_mut() {
            let w = lane.w[i];
            rounds4(&mut lane.abef, &mut lane.cdgh, w, i);
        }
    }
    for i in 4..16 {
        for lane in x.iter_mut() {
            // The four message-word slots rotate: slot i % 4 takes the next schedule word.
            let w = &lane.w;
            let next = schedule(w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4], w[(i + 3) % 4]);
            lane.w[i % 4] = next;
            rounds4(&mut lane.abef, &mut lane.cdgh, next, i);
        }
    }
    for (state, lane) in states.iter_mut().zip(&x) {
        store(state, lane.abef, lane.cdgh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::hs256::signs;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    fn sign(key: &[u8], msg: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn agrees_with_the_hmac_crate() {
        if !available() {
            return;
        }
        // Message lengths around every padding edge, keys from empty to a full block.
        for len in [0usize, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300] {
            let msg: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            for klen in [0usize, 1, 8, 32, 63, 64] {
                let k1: Vec<u8> = (0..klen).map(|i| (i * 13 + 1) as u8).collect();
                let k2: Vec<u8> = (0..klen.max(1)).map(|i| (i * 31 + 5) as u8).collect();
                let t = Target::new(&msg, &sign(&k1, &msg));
                let (a, b) = (&k1[..], &k2[..]);
                assert_eq!(
                    t.signs([a, b, b, b]),
                    [true, false, false, false],
                    "len {len} klen {klen}"
                );
                assert_eq!(
                    t.signs([b, b, b, a]),
                    [false, false, false, true],
                    "len {len} klen {klen}"
                );
                assert_eq!(t.signs([b, a]), [false, true], "len {len} klen {klen}");
                assert_eq!(t.signs([a]), [true], "len {len} klen {klen}");
                assert!(signs(&k1, &msg, &sign(&k1, &msg)));
            }
        }
    }
}
