//! kam patch: a byte-equality bitmask of a 64-byte block with stable intrinsics
//! (SSE2 is part of every x86_64 CPU), so line and field scans need not go byte by byte.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub fn eq_mask(block: &[u8; 64], c: u8) -> u64 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is always available on x86_64; loads are unaligned and in bounds.
    unsafe {
        let needle = _mm_set1_epi8(c as i8);
        let mut mask = 0u64;
        for i in 0..4 {
            let lane = _mm_loadu_si128(block.as_ptr().add(16 * i) as *const __m128i);
            let hits = _mm_movemask_epi8(_mm_cmpeq_epi8(lane, needle)) as u32 as u64;
            mask |= hits << (16 * i);
        }
        mask
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub fn eq_mask(block: &[u8; 64], c: u8) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0u64, |mask, (i, b)| mask | (((*b == c) as u64) << i))
}
