//! keccak256 written once over vector words: the sponge ([`sponge!`]) and the 24 rounds of
//! Keccak-f\[1600\] (FIPS 202, section 3.2, [`permute!`]), apart from the instructions. The
//! vector module (`avx512`) supplies those (`zero`, `xor`, `xor3`, `rol`, `chi`, `splat`,
//! `load`, `lanes_of`, `LANES`) and expands the macros inside a function compiled for its CPU
//! features, so another instruction set needs only its own. (An AVX2 one, four lanes, was
//! written so and measured slower than the scalar assembly on the project's Xeon: 21.0
//! against 17.9 µs for 64 messages of 66 bytes; it is not kept.)

/// ι: the round constants.
pub(crate) const ROUND_CONSTANTS: [u64; 24] = [
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
pub(crate) const ROTATIONS: [u32; 25] = [
    0, 1, 62, 28, 27, //
    36, 44, 6, 55, 20, //
    3, 10, 43, 25, 39, //
    41, 45, 15, 21, 8, //
    18, 2, 61, 56, 14,
];

/// Keccak-f\[1600\] on the state `$a` (`[V; 25]`, the word at `(x, y)` in `$a[x + 5y]`), with
/// the calling module's `zero`, `xor`, `xor3`, `rol`, `chi` and `splat`.
macro_rules! permute {
    ($a:expr) => {{
        use $crate::rounds::{ROTATIONS, ROUND_CONSTANTS};
        let a = $a;
        for rc in ROUND_CONSTANTS {
            // θ: each word takes the parities of the columns beside it.
            let mut parity = [zero(); 5];
            for (x, p) in parity.iter_mut().enumerate() {
                *p = xor3(xor3(a[x], a[x + 5], a[x + 10]), a[x + 15], a[x + 20]);
            }
            let mut theta = [zero(); 5];
            for (x, t) in theta.iter_mut().enumerate() {
                *t = xor(parity[(x + 4) % 5], rol(parity[(x + 1) % 5], 1));
            }
            // ρ and π: the word at (x, y), rotated, moves to (y, 2x + 3y).
            let mut b = [zero(); 25];
            for y in 0..5 {
                for x in 0..5 {
                    let i = x + 5 * y;
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rol(xor(a[i], theta[x]), ROTATIONS[i]);
                }
            }
            // χ: each row mixed with itself, `b ^ (!next & after_next)`.
            for y in 0..5 {
                for x in 0..5 {
                    a[x + 5 * y] =
                        chi(b[x + 5 * y], b[(x + 1) % 5 + 5 * y], b[(x + 2) % 5 + 5 * y]);
                }
            }
            // ι
            a[0] = xor(a[0], splat(rc));
        }
    }};
}

/// Hashes `$messages[i]` into `$hashes[i]` for each `i` in `$lanes` (at most `LANES`
/// messages, all of one block count), one message per lane.
macro_rules! sponge {
    ($messages:expr, $lanes:expr, $hashes:expr) => {{
        use $crate::{RATE, block, blocks};
        let (messages, lanes, hashes) = ($messages, $lanes, $hashes);
        let count = blocks(messages[lanes[0]].as_ref().len());
        let mut state = [zero(); 25];
        // One block of each lane; a lane with no message hashes zeros, and is never read.
        let mut buffers = [[0u8; RATE]; LANES];
        for index in 0..count {
            for (buffer, &i) in buffers.iter_mut().zip(lanes) {
                debug_assert_eq!(blocks(messages[i].as_ref().len()), count);
                block(messages[i].as_ref(), index, buffer);
            }
            for (w, word) in state.iter_mut().take(RATE / 8).enumerate() {
                let lanes: [u64; LANES] = std::array::from_fn(|l| {
                    u64::from_le_bytes(buffers[l][8 * w..8 * w + 8].try_into().expect("8 bytes"))
                });
                *word = xor(*word, load(lanes));
            }
            $crate::rounds::permute!(&mut state);
        }
        for (w, word) in state.iter().take(4).enumerate() {
            let words = lanes_of(*word);
            for (l, &i) in lanes.iter().enumerate() {
                hashes[i][8 * w..8 * w + 8].copy_from_slice(&words[l].to_le_bytes());
            }
        }
    }};
}

pub(crate) use {permute, sponge};
