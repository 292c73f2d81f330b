//! Eight keccak256 states in the eight 64-bit lanes of AVX-512 registers: state word `w` of
//! every message in register `w`, so each step of Keccak-f\[1600\] (FIPS 202, section 3.2)
//! is one instruction for all eight.

use super::{LANES, RATE, block, blocks};
use alloy_primitives::B256;
use std::arch::x86_64::{
    __m512i, _mm256_extract_epi64, _mm512_extracti64x4_epi64, _mm512_rol_epi64, _mm512_rolv_epi64,
    _mm512_set_epi64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_ternarylogic_epi64,
    _mm512_xor_si512,
};

/// ι: the round constants.
const ROUND_CONSTANTS: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// ρ: the rotation of the word at `x + 5y`.
const ROTATIONS: [i64; 25] = [
    0, 1, 62, 28, 27, //
    36, 44, 6, 55, 20, //
    3, 10, 43, 25, 39, //
    41, 45, 15, 21, 8, //
    18, 2, 61, 56, 14,
];

/// `a ^ b ^ c`, as `vpternlogq` spells it.
const XOR3: i32 = 0x96;
/// χ's `a ^ (!b & c)`.
const CHI: i32 = 0xd2;

pub(super) fn available() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

/// Hashes `messages[i]` into `hashes[i]` for each `i` in `lanes`: at most eight messages,
/// all of one block count.
pub(super) fn hash(messages: &[&[u8]], lanes: &[usize], hashes: &mut [B256]) {
    assert!(available(), "AVX-512 kernel called on a CPU without AVX-512");
    assert!(lanes.len() <= LANES);
    // SAFETY: the CPU has AVX-512F, checked just above; the kernel takes no pointers.
    #[allow(unsafe_code)]
    unsafe {
        hash_avx512(messages, lanes, hashes)
    }
}

#[target_feature(enable = "avx512f")]
fn hash_avx512(messages: &[&[u8]], lanes: &[usize], hashes: &mut [B256]) {
    let count = blocks(messages[lanes[0]].len());
    let mut state = [_mm512_setzero_si512(); 25];
    // One block of each lane; a lane with no message hashes zeros, and is never read.
    let mut buffers = [[0u8; RATE]; LANES];
    for index in 0..count {
        for (buffer, &i) in buffers.iter_mut().zip(lanes) {
            debug_assert_eq!(blocks(messages[i].len()), count);
            block(messages[i], index, buffer);
        }
        for (w, word) in state.iter_mut().take(RATE / 8).enumerate() {
            let lane = |l: usize| {
                i64::from_le_bytes(buffers[l][8 * w..8 * w + 8].try_into().expect("8 bytes"))
            };
            let input = _mm512_set_epi64(
                lane(7),
                lane(6),
                lane(5),
                lane(4),
                lane(3),
                lane(2),
                lane(1),
                lane(0),
            );
            *word = _mm512_xor_si512(*word, input);
        }
        permute(&mut state);
    }
    for (w, word) in state.iter().take(4).enumerate() {
        let words = lanes_of(*word);
        for (l, &i) in lanes.iter().enumerate() {
            hashes[i][8 * w..8 * w + 8].copy_from_slice(&words[l].to_le_bytes());
        }
    }
}

/// The eight 64-bit lanes of `v`, lowest first.
#[target_feature(enable = "avx512f")]
fn lanes_of(v: __m512i) -> [u64; LANES] {
    let low = _mm512_extracti64x4_epi64::<0>(v);
    let high = _mm512_extracti64x4_epi64::<1>(v);
    [
        _mm256_extract_epi64::<0>(low) as u64,
        _mm256_extract_epi64::<1>(low) as u64,
        _mm256_extract_epi64::<2>(low) as u64,
        _mm256_extract_epi64::<3>(low) as u64,
        _mm256_extract_epi64::<0>(high) as u64,
        _mm256_extract_epi64::<1>(high) as u64,
        _mm256_extract_epi64::<2>(high) as u64,
        _mm256_extract_epi64::<3>(high) as u64,
    ]
}

/// Keccak-f\[1600\] on all eight states. The word at `(x, y)` is `a[x + 5y]`.
#[target_feature(enable = "avx512f")]
fn permute(a: &mut [__m512i; 25]) {
    for rc in ROUND_CONSTANTS {
        // θ: each word takes the parities of the columns beside it.
        let mut parity = [_mm512_setzero_si512(); 5];
        for (x, p) in parity.iter_mut().enumerate() {
            let three = _mm512_ternarylogic_epi64::<XOR3>(a[x], a[x + 5], a[x + 10]);
            *p = _mm512_ternarylogic_epi64::<XOR3>(three, a[x + 15], a[x + 20]);
        }
        let mut theta = [_mm512_setzero_si512(); 5];
        for (x, t) in theta.iter_mut().enumerate() {
            *t = _mm512_xor_si512(parity[(x + 4) % 5], _mm512_rol_epi64::<1>(parity[(x + 1) % 5]));
        }
        // ρ and π: the word at (x, y), rotated, moves to (y, 2x + 3y).
        let mut b = [_mm512_setzero_si512(); 25];
        for y in 0..5 {
            for x in 0..5 {
                let i = x + 5 * y;
                let word = _mm512_xor_si512(a[i], theta[x]);
                b[y + 5 * ((2 * x + 3 * y) % 5)] =
                    _mm512_rolv_epi64(word, _mm512_set1_epi64(ROTATIONS[i]));
            }
        }
        // χ: each row mixed with itself.
        for y in 0..5 {
            for x in 0..5 {
                a[x + 5 * y] = _mm512_ternarylogic_epi64::<CHI>(
                    b[x + 5 * y],
                    b[(x + 1) % 5 + 5 * y],
                    b[(x + 2) % 5 + 5 * y],
                );
            }
        }
        // ι
        a[0] = _mm512_xor_si512(a[0], _mm512_set1_epi64(rc as i64));
    }
}
