//! The schoolbook squaring's loops in x86-64 assembly, for CPUs with BMI2 (`mulx`) and
//! ADX (`adcx`, `adox`): Intel from Broadwell, AMD from Zen.
//!
//! Why assembly: a row `r += a * b` adds two numbers into each limb of `r`, the low half
//! of `a_j b` and the high half of `a_(j-1) b`. In Rust (`u128` sums) both additions go
//! through the one carry flag, so each limb waits for the last one's carry: about
//! 1.5-2x GMP's `mpn_sqr_basecase` time at 16-100 limbs, measured on an AMD EPYC. With
//! ADX the two additions carry through two flags (CF and OF), two independent chains,
//! and `mulx` leaves both flags alone. No compiler emits `adcx`/`adox` from Rust.
//!
//! The loops' control (`lea`, `jrcxz`, `jmp`) touches no flag, since both carries live in
//! the flags from one limb to the next.

use super::Limb;

/// `r += a * b` over `a.len()` limbs of `r`; returns the limb carried out.
///
/// # Safety
/// The CPU has BMI2 and ADX (`Basecase::MulxAdx` is chosen only then).
#[inline]
pub(super) unsafe fn add_mul_1(r: &mut [Limb], a: &[Limb], b: Limb) -> Limb {
    assert!(r.len() >= a.len());
    if a.is_empty() {
        return 0;
    }
    // The loop takes four limbs a pass; a length that is not a multiple of four enters
    // the first pass at limb `skip` of four, with both pointers moved back as far.
    let skip = (4 - a.len() % 4) % 4;
    let passes = a.len().div_ceil(4);
    let carry: Limb;
    // SAFETY: the loop reads `a[..a.len()]` and reads and writes `r[..a.len()]`: the first
    // pass starts at offset 8 * skip from the moved-back pointers, which are only ever
    // dereferenced there and beyond; in bounds by the assertion. The caller vouches for
    // the instructions.
    unsafe {
        core::arch::asm!(
            // Enter at limb `skip` of the first pass. Each entry clears CF and OF (xor)
            // and has the carry-in (zero) where that limb of the loop expects it.
            "xor {carry:e}, {carry:e}",
            "test {skip:e}, 1",
            "jnz 6f",
            "test {skip:e}, 2",
            "jnz 5f",
            "xor {zero:e}, {zero:e}",
            "jmp 20f",
            "5:",
            "xor {zero:e}, {zero:e}",
            "jmp 22f",
            "6:",
            "mov {high}, {carry}",
            "test {skip:e}, 2",
            "jnz 7f",
            "xor {zero:e}, {zero:e}",
            "jmp 21f",
            "7:",
            "xor {zero:e}, {zero:e}",
            "jmp 23f",
            // Limb j: its low half + the high half before it (CF chain), + r_j (OF chain).
            // The high half alternates between two registers.
            "20:",
            "mulx {high}, {low}, qword ptr [{a}]",
            "adcx {low}, {carry}",
            "adox {low}, qword ptr [{r}]",
            "mov qword ptr [{r}], {low}",
            "21:",
            "mulx {carry}, {low}, qword ptr [{a} + 8]",
            "adcx {low}, {high}",
            "adox {low}, qword ptr [{r} + 8]",
            "mov qword ptr [{r} + 8], {low}",
            "22:",
            "mulx {high}, {low}, qword ptr [{a} + 16]",
            "adcx {low}, {carry}",
            "adox {low}, qword ptr [{r} + 16]",
            "mov qword ptr [{r} + 16], {low}",
            "23:",
            "mulx {carry}, {low}, qword ptr [{a} + 24]",
            "adcx {low}, {high}",
            "adox {low}, qword ptr [{r} + 24]",
            "mov qword ptr [{r} + 24], {low}",
            "lea {a}, [{a} + 32]",
            "lea {r}, [{r} + 32]",
            "lea rcx, [rcx - 1]",
            "jrcxz 3f",
            "jmp 20b",
            "3:",
            // The last high half takes both carries: a high half is at most B - 2.
            "adcx {carry}, {zero}",
            "adox {carry}, {zero}",
            in("rdx") b,
            inout("rcx") passes => _,
            skip = in(reg) skip,
            a = inout(reg) a.as_ptr().wrapping_sub(skip) => _,
            r = inout(reg) r.as_mut_ptr().wrapping_sub(skip) => _,
            carry = out(reg) carry,
            high = out(reg) _,
            low = out(reg) _,
            zero = out(reg) _,
            options(nostack),
        );
    }
    carry
}

/// `r = 2 r + the squares a_i^2 at limbs 2i`, for `r` of `2 a.len()` limbs: the cross
/// products summed once become the square. The doubling is `r + r` along the CF chain,
/// the squares go in along the OF chain.
///
/// # Safety
/// The CPU has BMI2 and ADX.
#[inline]
pub(super) unsafe fn double_and_add_diagonal(r: &mut [Limb], a: &[Limb]) {
    assert_eq!(r.len(), 2 * a.len());
    if a.is_empty() {
        return;
    }
    // SAFETY: reads `a[..n]` and reads and writes `r[..2n]`, n = a.len(), one limb of `a`
    // and two of `r` a pass; the caller vouches for the instructions.
    unsafe {
        core::arch::asm!(
            "xor {zero:e}, {zero:e}",
            "2:",
            "mov rdx, qword ptr [{a}]",
            "mulx {high}, {low}, rdx",
            "mov {even}, qword ptr [{r}]",
            "mov {odd}, qword ptr [{r} + 8]",
            "adcx {even}, {even}",
            "adcx {odd}, {odd}",
            "adox {even}, {low}",
            "adox {odd}, {high}",
            "mov qword ptr [{r}], {even}",
            "mov qword ptr [{r} + 8], {odd}",
            "lea {a}, [{a} + 8]",
            "lea {r}, [{r} + 16]",
            "lea rcx, [rcx - 1]",
            "jrcxz 3f",
            "jmp 2b",
            "3:",
            inout("rcx") a.len() => _,
            a = inout(reg) a.as_ptr() => _,
            r = inout(reg) r.as_mut_ptr() => _,
            out("rdx") _,
            high = out(reg) _,
            low = out(reg) _,
            even = out(reg) _,
            odd = out(reg) _,
            zero = out(reg) _,
            options(nostack),
        );
    }
}
