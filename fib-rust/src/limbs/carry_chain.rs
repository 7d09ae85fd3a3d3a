//! The one loop under every addition and subtraction of limbs: `r = a ± b` along a carry.
//!
//! Why assembly on x86-64: Rust has no add-with-carry, so the portable loop keeps the
//! carry in a register as a bool, and LLVM moves it back into the flag on every limb
//! (`bt`, `adc`, `setb`): about 2 cycles a limb, measured on an AMD EPYC. Toom-3's and
//! Karatsuba's additions, shifts and subtractions were then 20-25 % of F(10^5)'s time
//! and made a 182-limb Toom-3 squaring 1.26x GMP's (5 squarings of 61 limbs within
//! 1.1x of GMP's, the rest in those passes). `adc` and `sbb` are in every x86-64 CPU,
//! so this needs no feature detection. Other targets keep the portable loop.

use super::Limb;

// Both loops have the same contract, whichever target's runs:
//
// `add_n(r, a, b, n)`: `r = a + b` over `n` limbs, returns the carry out;
// `sub_n(r, a, b, n)`: `r = a - b` over `n` limbs, returns the borrow out.
//
// # Safety
// `r`, `a` and `b` are valid for `n` limbs; `r` may be `a` or `b` (the same address, for
// `r += b` or `r = 2r`) but overlaps neither otherwise.
#[cfg(not(target_arch = "x86_64"))]
pub(super) use portable::{add_n, sub_n};
#[cfg(target_arch = "x86_64")]
pub(super) use x86_64::{add_n, sub_n};

#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) mod portable {
    use super::Limb;

    /// `add_n` in Rust (the contract is at the top of this file).
    pub(in super::super) unsafe fn add_n(
        r: *mut Limb,
        a: *const Limb,
        b: *const Limb,
        n: usize,
    ) -> bool {
        // SAFETY: as the caller vouches.
        unsafe { along_the_carry(r, a, b, n, Limb::overflowing_add) }
    }

    /// `sub_n` in Rust (the contract is at the top of this file).
    pub(in super::super) unsafe fn sub_n(
        r: *mut Limb,
        a: *const Limb,
        b: *const Limb,
        n: usize,
    ) -> bool {
        // SAFETY: as the caller vouches.
        unsafe { along_the_carry(r, a, b, n, Limb::overflowing_sub) }
    }

    /// `r = a op b` limb by limb, `op` also taking the carry (or borrow) in and out.
    #[inline(always)]
    unsafe fn along_the_carry(
        r: *mut Limb,
        a: *const Limb,
        b: *const Limb,
        n: usize,
        op: fn(Limb, Limb) -> (Limb, bool),
    ) -> bool {
        let mut carry = false;
        for i in 0..n {
            // SAFETY: i < n, and limb i of `a` and `b` is read before limb i of `r` is
            // written, so `r` may be either.
            unsafe {
                let (value, c1) = op(*a.add(i), *b.add(i));
                let (value, c2) = op(value, Limb::from(carry));
                *r.add(i) = value;
                carry = c1 | c2;
            }
        }
        carry
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_64 {
    use super::Limb;

    /// One loop for both: `op` is `adc` or `sbb`. The limbs that are not a multiple of
    /// four go first, one a pass, then four a pass; the carry stays in CF throughout,
    /// since the loops' control touches no flag but ZF (`dec` leaves CF alone, `jrcxz`
    /// and `mov` read and write no flag).
    macro_rules! carry_loop {
        ($op:literal, $r:expr, $a:expr, $b:expr, $n:expr) => {{
            let carry: u8;
            // SAFETY: reads `a[..n]` and `b[..n]` and writes `r[..n]`, each limb of `r`
            // after the same limb of `a` and `b` is read; valid as the caller vouches.
            unsafe {
                core::arch::asm!(
                    "xor {t0:e}, {t0:e}", // CF = 0
                    "jrcxz 6f",
                    "5:",
                    "mov {t0}, qword ptr [{a}]",
                    concat!($op, " {t0}, qword ptr [{b}]"),
                    "mov qword ptr [{r}], {t0}",
                    "lea {a}, [{a} + 8]",
                    "lea {b}, [{b} + 8]",
                    "lea {r}, [{r} + 8]",
                    "dec rcx",
                    "jnz 5b",
                    "6:",
                    "mov rcx, {blocks}",
                    "jrcxz 4f",
                    "3:",
                    "mov {t0}, qword ptr [{a}]",
                    "mov {t1}, qword ptr [{a} + 8]",
                    concat!($op, " {t0}, qword ptr [{b}]"),
                    concat!($op, " {t1}, qword ptr [{b} + 8]"),
                    "mov qword ptr [{r}], {t0}",
                    "mov qword ptr [{r} + 8], {t1}",
                    "mov {t0}, qword ptr [{a} + 16]",
                    "mov {t1}, qword ptr [{a} + 24]",
                    concat!($op, " {t0}, qword ptr [{b} + 16]"),
                    concat!($op, " {t1}, qword ptr [{b} + 24]"),
                    "mov qword ptr [{r} + 16], {t0}",
                    "mov qword ptr [{r} + 24], {t1}",
                    "lea {a}, [{a} + 32]",
                    "lea {b}, [{b} + 32]",
                    "lea {r}, [{r} + 32]",
                    "dec rcx",
                    "jnz 3b",
                    "4:",
                    "setc {carry}",
                    inout("rcx") $n % 4 => _,
                    blocks = in(reg) $n / 4,
                    a = inout(reg) $a => _,
                    b = inout(reg) $b => _,
                    r = inout(reg) $r => _,
                    t0 = out(reg) _,
                    t1 = out(reg) _,
                    carry = out(reg_byte) carry,
                    options(nostack),
                );
            }
            carry != 0
        }};
    }

    /// `add_n` by `adc` (the contract is at the top of this file).
    #[inline]
    pub(in super::super) unsafe fn add_n(
        r: *mut Limb,
        a: *const Limb,
        b: *const Limb,
        n: usize,
    ) -> bool {
        carry_loop!("adc", r, a, b, n)
    }

    /// `sub_n` by `sbb` (the contract is at the top of this file).
    #[inline]
    pub(in super::super) unsafe fn sub_n(
        r: *mut Limb,
        a: *const Limb,
        b: *const Limb,
        n: usize,
    ) -> bool {
        carry_loop!("sbb", r, a, b, n)
    }
}
