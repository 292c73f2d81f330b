//! Eight states side by side: state word `w` of every message in AVX-512 register `w`.

use crate::rounds::sponge;
use alloy_primitives::B256;
use std::arch::x86_64::{
    __m512i, _mm256_extract_epi64, _mm512_extracti64x4_epi64, _mm512_rolv_epi64, _mm512_set_epi64,
    _mm512_set1_epi64, _mm512_setzero_si512, _mm512_ternarylogic_epi64, _mm512_xor_si512,
};

/// Messages per pass.
pub(crate) const LANES: usize = 8;

/// AVX-512F, and AVX2 for the lane extraction (implied by AVX-512F on real CPUs; checked in
/// case a virtual machine exposes one without the other).
pub(crate) fn available() -> bool {
    std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx2")
}

/// Hashes `messages[i]` into `hashes[i]` for each `i` in `lanes`: at most eight messages,
/// all of one block count.
pub(crate) fn hash<M: AsRef<[u8]>>(messages: &[M], lanes: &[usize], hashes: &mut [B256]) {
    assert!(available(), "AVX-512 kernel called on a CPU without AVX-512");
    assert!(!lanes.is_empty() && lanes.len() <= LANES);
    // SAFETY: the CPU has AVX-512F and AVX2 (checked just above), all the kernel needs: it
    // takes no pointers, and every slice access in it is bounds-checked.
    #[allow(unsafe_code)]
    unsafe {
        hash_avx512(messages, lanes, hashes)
    }
}

#[target_feature(enable = "avx512f,avx2")]
fn hash_avx512<M: AsRef<[u8]>>(messages: &[M], lanes: &[usize], hashes: &mut [B256]) {
    sponge!(messages, lanes, hashes)
}

#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn load(lanes: [u64; LANES]) -> __m512i {
    let [l0, l1, l2, l3, l4, l5, l6, l7] = lanes.map(|l| l as i64);
    _mm512_set_epi64(l7, l6, l5, l4, l3, l2, l1, l0)
}

/// The eight 64-bit lanes of `v`, lowest first.
#[target_feature(enable = "avx512f,avx2")]
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

#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn zero() -> __m512i {
    _mm512_setzero_si512()
}

#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn xor(a: __m512i, b: __m512i) -> __m512i {
    _mm512_xor_si512(a, b)
}

/// `a ^ b ^ c` in one `vpternlogq`.
#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn xor3(a: __m512i, b: __m512i, c: __m512i) -> __m512i {
    _mm512_ternarylogic_epi64::<0x96>(a, b, c)
}

/// `a ^ (!b & c)` in one `vpternlogq`.
#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn chi(a: __m512i, b: __m512i, c: __m512i) -> __m512i {
    _mm512_ternarylogic_epi64::<0xd2>(a, b, c)
}

#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn rol(a: __m512i, by: u32) -> __m512i {
    _mm512_rolv_epi64(a, _mm512_set1_epi64(i64::from(by)))
}

#[target_feature(enable = "avx512f,avx2")]
#[inline]
fn splat(word: u64) -> __m512i {
    _mm512_set1_epi64(word as i64)
}
