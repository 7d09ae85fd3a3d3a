//! Natural numbers as little-endian slices of machine words ("limbs"), with the few
//! operations the doubling algorithm needs below the NTT range: additions, subtractions
//! and, above all, squarings.
//!
//! Why not num-bigint here: a doubling step can be written with two squarings and no
//! other product (GMP's `mpz_fib_ui` does), and a squaring costs about half a product,
//! since each cross product `a_i a_j` appears twice and is computed once. num-bigint has
//! no squaring of its own (`&a * &a` is a full product), allocates every result, and its
//! cut-overs were tuned for products. Measured at F(10^4) on x86-64: 2.7x GMP's time with
//! num-bigint's three products a step, see `docs/performance.md` for the figures now.
//!
//! Limbs are 64 bits on 64-bit targets (a 64x64->128-bit product is one instruction) and
//! 32 bits elsewhere: wasm32 has no 64x64->128 multiply, but its i64 multiply gives
//! 32x32->64 exactly, so 32-bit limbs do as much work per instruction there.

#[cfg(target_pointer_width = "64")]
pub(crate) type Limb = u64;
#[cfg(target_pointer_width = "64")]
type Wide = u128;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) type Limb = u32;
#[cfg(not(target_pointer_width = "64"))]
type Wide = u64;

pub(crate) const LIMB_BITS: u32 = Limb::BITS;

mod carry_chain;
#[cfg(target_arch = "x86_64")]
mod mulx_adx;

use crate::tuning::{Basecase, CutOvers};

/// How squarings are done: which schoolbook loop, and the sizes at which they split.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Squaring {
    basecase: Basecase,
    karatsuba_from: usize,
    product_karatsuba_from: usize,
    toom3_from: usize,
    toom4_from: usize,
}

impl Squaring {
    /// The path running on this thread, with its cut-overs (`crate::tuning`).
    #[cfg(test)]
    pub(crate) fn current() -> Squaring {
        Squaring::new(CutOvers::current())
    }

    /// The path running on this thread, with these cut-overs.
    pub(crate) fn new(cut_overs: CutOvers) -> Squaring {
        Squaring {
            basecase: Basecase::current(),
            // Smaller numbers cannot be split in two, or in three.
            karatsuba_from: cut_overs.karatsuba_from.max(2),
            product_karatsuba_from: cut_overs.product_karatsuba_from.max(2),
            toom3_from: cut_overs.toom3_from.max(3),
            // Toom-4 splits in four parts of k = n/4 limbs, rounded up, the last one
            // shorter: not empty from 16 limbs on.
            toom4_from: cut_overs.toom4_from.max(16),
        }
    }

    /// Limbs of scratch space that [`Squaring::square`] needs for a number of `n` limbs.
    pub(crate) fn scratch_len(self, n: usize) -> usize {
        self.scratch_len_for(n, 1)
    }

    /// Limbs of scratch space that [`Squaring::multiply`] needs for factors of `n` limbs.
    pub(crate) fn product_scratch_len(self, n: usize) -> usize {
        self.scratch_len_for(n, 2)
    }

    /// Scratch for the square (`factors` 1) or the product (2) of numbers of `n` limbs:
    /// each split keeps its values once per factor, then their products, then theirs.
    fn scratch_len_for(self, n: usize, factors: usize) -> usize {
        if n < self.karatsuba_from_for(factors == 2) {
            0
        } else if n < self.toom3_from.min(self.toom4_from) {
            let high = n.div_ceil(2);
            // |x0 - x1| per factor, their product and the middle term, then the halves'.
            factors * high + 2 * high + (2 * high + 1) + self.scratch_len_for(high, factors)
        } else if n >= self.toom4_from {
            let k = n.div_ceil(4);
            // Five values of k + 1 limbs per factor, their five products and a temporary
            // of 2k + 2 limbs each, then theirs.
            5 * factors * (k + 1) + 6 * (2 * k + 2) + self.scratch_len_for(k + 1, factors)
        } else {
            let k = n.div_ceil(3);
            // Three values of k + 1 limbs per factor, their three products, a sum of
            // 2k + 3, then theirs.
            3 * factors * (k + 1)
                + 3 * (2 * k + 2)
                + (2 * k + 3)
                + self.scratch_len_for(k + 1, factors)
        }
    }

    /// `r = a b`, where `a` and `b` have the same length, `r` twice that and `scratch` at
    /// least [`Squaring::product_scratch_len`]`(a.len())`.
    pub(crate) fn multiply(self, r: &mut [Limb], a: &[Limb], b: &[Limb], scratch: &mut [Limb]) {
        self.product(r, a, Some(b), scratch);
    }

    /// `r = a^2`, where `r` has exactly `2 a.len()` limbs and `scratch` at least
    /// [`Squaring::scratch_len`]`(a.len())`.
    pub(crate) fn square(self, r: &mut [Limb], a: &[Limb], scratch: &mut [Limb]) {
        self.product(r, a, None, scratch);
    }

    /// Where Karatsuba's split starts: for products, or for squares.
    fn karatsuba_from_for(self, product: bool) -> usize {
        if product {
            self.product_karatsuba_from
        } else {
            self.karatsuba_from
        }
    }

    /// `r = a b`, or `a^2` when `b` is `None` (a squaring does about half the work).
    fn product(self, r: &mut [Limb], a: &[Limb], b: Option<&[Limb]>, scratch: &mut [Limb]) {
        debug_assert!(b.is_none_or(|b| b.len() == a.len()) && r.len() == 2 * a.len());
        if a.len() < self.karatsuba_from_for(b.is_some()) {
            match b {
                Some(b) => multiply_schoolbook(r, a, b, self.basecase),
                None => square_schoolbook(r, a, self.basecase),
            }
        } else if a.len() < self.toom3_from.min(self.toom4_from) {
            match b {
                Some(b) => multiply_karatsuba(r, a, b, scratch, self),
                None => square_karatsuba(r, a, scratch, self),
            }
        } else if a.len() < self.toom4_from {
            toom3(r, a, b, scratch, self);
        } else {
            toom4(r, a, b, scratch, self);
        }
    }
}

/// `r += a` where `r` is at least as long as `a`; returns the carry out of `r`.
pub(crate) fn add_assign(r: &mut [Limb], a: &[Limb]) -> bool {
    assert!(r.len() >= a.len());
    let r_ = r.as_mut_ptr();
    // SAFETY: `r` and `a` have `a.len()` limbs at least; `r` is both the sum and a term.
    let carry = unsafe { carry_chain::add_n(r_, r_, a.as_ptr(), a.len()) };
    carry && add_one(&mut r[a.len()..])
}

/// `r = a + b` for `a` and `b` of `r.len()` limbs, in one pass; returns the carry out.
pub(crate) fn add(r: &mut [Limb], a: &[Limb], b: &[Limb]) -> bool {
    assert!(a.len() == r.len() && b.len() == r.len());
    // SAFETY: three slices of r.len() limbs; `r` is borrowed mutably, so it overlaps neither.
    unsafe { carry_chain::add_n(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), r.len()) }
}

/// `r = a - b` for `a` and `b` of `r.len()` limbs, in one pass; returns the borrow out.
pub(crate) fn sub(r: &mut [Limb], a: &[Limb], b: &[Limb]) -> bool {
    assert!(a.len() == r.len() && b.len() == r.len());
    // SAFETY: as in `add`.
    unsafe { carry_chain::sub_n(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), r.len()) }
}

/// `r = 4a - b` for `a` and `b` of `r.len()` limbs, in one pass (GMP's `mpn_rsblsh2_n`);
/// returns the limb above `r`: the two bits shifted out of `a` less the final borrow
/// (so `4a - b` must not be negative).
pub(crate) fn four_times_minus(r: &mut [Limb], a: &[Limb], b: &[Limb]) -> Limb {
    debug_assert!(a.len() == r.len() && b.len() == r.len());
    let (mut shifted_out, mut borrow) = (0, false);
    for ((r, &a), &b) in r.iter_mut().zip(a).zip(b) {
        let quadrupled = (a << 2) | shifted_out;
        shifted_out = a >> (LIMB_BITS - 2);
        let (difference, b1) = quadrupled.overflowing_sub(b);
        let (difference, b2) = difference.overflowing_sub(Limb::from(borrow));
        *r = difference;
        borrow = b1 | b2;
    }
    shifted_out - Limb::from(borrow)
}

/// `r += 1`; returns the carry out of `r`.
fn add_one(r: &mut [Limb]) -> bool {
    for limb in r {
        let (sum, overflow) = limb.overflowing_add(1);
        *limb = sum;
        if !overflow {
            return false;
        }
    }
    true
}

/// `r -= a` where `r` is at least as long as `a`; returns the borrow out of `r`.
pub(crate) fn sub_assign(r: &mut [Limb], a: &[Limb]) -> bool {
    assert!(r.len() >= a.len());
    let r_ = r.as_mut_ptr();
    // SAFETY: as in `add_assign`.
    let borrow = unsafe { carry_chain::sub_n(r_, r_, a.as_ptr(), a.len()) };
    borrow && sub_one(&mut r[a.len()..])
}

/// `r -= 1`; returns the borrow out of `r`.
fn sub_one(r: &mut [Limb]) -> bool {
    for limb in r {
        let (difference, borrow) = limb.overflowing_sub(1);
        *limb = difference;
        if !borrow {
            return false;
        }
    }
    true
}

/// `r = a << shift` for `shift < LIMB_BITS`, over `a.len()` limbs; returns the bits
/// shifted out at the top.
pub(crate) fn shl(r: &mut [Limb], a: &[Limb], shift: u32) -> Limb {
    debug_assert!(shift > 0 && shift < LIMB_BITS && r.len() >= a.len());
    let mut carry = 0;
    for (r, &a) in r.iter_mut().zip(a) {
        *r = (a << shift) | carry;
        carry = a >> (LIMB_BITS - shift);
    }
    carry
}

/// `r = |a - b|` over `a.len()` limbs, where `b` is no longer than `a`.
/// Returns whether `a < b`.
fn abs_difference(r: &mut [Limb], a: &[Limb], b: &[Limb]) -> bool {
    let (high, low) = (&a[b.len()..], &a[..b.len()]);
    let a_is_larger = high.iter().any(|&limb| limb != 0)
        || low.iter().rev().cmp(b.iter().rev()) != std::cmp::Ordering::Less;
    let (larger, smaller) = if a_is_larger { (a, b) } else { (b, a) };
    r.fill(0);
    r[..larger.len()].copy_from_slice(larger);
    let smaller = &smaller[..smaller.len().min(r.len())];
    let borrow = sub_assign(r, smaller);
    debug_assert!(!borrow);
    !a_is_larger
}

/// The schoolbook squaring: each cross product once, doubled, then the squares of the
/// limbs on the diagonal (GMP's `mpn_sqr_basecase`).
fn square_schoolbook(r: &mut [Limb], a: &[Limb], basecase: Basecase) {
    r.fill(0);
    match basecase {
        Basecase::Portable => {
            add_cross_products_two_rows_at_a_time(r, a);
            double_and_add_diagonal(r, a);
        }
        #[cfg(target_arch = "x86_64")]
        Basecase::MulxAdx => {
            // A row at a time: row i adds a_i a_j at limb i + j for j > i, and its carry
            // lands at limb i + n, which no earlier row reached.
            let n = a.len();
            for i in 0..n.saturating_sub(1) {
                let row = &mut r[2 * i + 1..i + n];
                // SAFETY: Basecase::MulxAdx is chosen only where the CPU has BMI2 and ADX.
                r[i + n] = unsafe { mulx_adx::add_mul_1(row, &a[i + 1..], a[i]) };
            }
            // SAFETY: as above.
            unsafe { mulx_adx::double_and_add_diagonal(r, a) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        Basecase::MulxAdx => unreachable!("Basecase::MulxAdx is chosen only on x86-64"),
    }
}

/// `r += the cross products a_i a_j, i < j, at limb i + j`, for `r` of `2 a.len()` zero
/// limbs, in portable Rust. Two rows at a time ([`add_mul_2`]), so each limb of `r` is read
/// and written once per two rows. Measured at F(10^4) on x86-64 and not kept: a row at a
/// time, and column by column with the sums in registers ("Comba") with one or two carry
/// chains, 5-15 % slower.
fn add_cross_products_two_rows_at_a_time(r: &mut [Limb], a: &[Limb]) {
    let n = a.len();
    // Rows i and i + 1 (i even) add a_i a_j at limb i + j for j >= i + 2 and a_(i+1) a_j
    // at i + 1 + j, together; their two-limb carry lands at limbs i + n and i + n + 1,
    // which no earlier pair of rows reached. With n odd, the last row has no cross product.
    for i in (0..n.saturating_sub(1)).step_by(2) {
        let carry = add_mul_2(&mut r[2 * i + 2..i + n], &a[i + 2..], a[i], a[i + 1]);
        r[i + n] = carry as Limb;
        r[i + n + 1] = (carry >> LIMB_BITS) as Limb;
    }
    // Then the products the pairs left out, a_i a_(i+1) at limb 2i + 1.
    for i in (0..n.saturating_sub(1)).step_by(2) {
        let product = Wide::from(a[i]) * Wide::from(a[i + 1]);
        let pair = [product as Limb, (product >> LIMB_BITS) as Limb];
        let carry = add_assign(&mut r[2 * i + 1..], &pair);
        debug_assert!(!carry);
    }
}

/// The schoolbook product of two numbers of the same length: a row of `a` per limb of `b`.
fn multiply_schoolbook(r: &mut [Limb], a: &[Limb], b: &[Limb], basecase: Basecase) {
    let n = a.len();
    r.fill(0);
    match basecase {
        Basecase::Portable => {
            // Rows i and i + 1 together (add_mul_2): their carry lands at limbs i + n and
            // i + n + 1, which no earlier pair reached; with n odd, the last row alone.
            for i in (0..n).step_by(2) {
                let next = b.get(i + 1).copied().unwrap_or(0);
                let carry = add_mul_2(&mut r[i..i + n], a, b[i], next);
                r[i + n] = carry as Limb;
                if i + n + 1 < 2 * n {
                    r[i + n + 1] = (carry >> LIMB_BITS) as Limb;
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        Basecase::MulxAdx => {
            for (i, &limb) in b.iter().enumerate() {
                // SAFETY: Basecase::MulxAdx is chosen only where the CPU has BMI2 and ADX.
                r[i + n] = unsafe { mulx_adx::add_mul_1(&mut r[i..i + n], a, limb) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Basecase::MulxAdx => unreachable!("Basecase::MulxAdx is chosen only on x86-64"),
    }
}

/// Karatsuba's product: with a = a1 B^h + a0 and b = b1 B^h + b0,
/// a b = a1 b1 B^2h + (a0 b0 + a1 b1 - (a0 - a1)(b0 - b1)) B^h + a0 b0.
fn multiply_karatsuba(
    r: &mut [Limb],
    a: &[Limb],
    b: &[Limb],
    scratch: &mut [Limb],
    squaring: Squaring,
) {
    let n = a.len();
    let high = n.div_ceil(2);
    let (a0, a1) = a.split_at(high);
    let (b0, b1) = b.split_at(high);
    let (difference_a, scratch) = scratch.split_at_mut(high);
    let (difference_b, scratch) = scratch.split_at_mut(high);
    // (a0 - a1)(b0 - b1) is negative when exactly one difference is.
    let negative = abs_difference(difference_a, a0, a1) != abs_difference(difference_b, b0, b1);
    {
        let (r0, r1) = r.split_at_mut(2 * high);
        squaring.multiply(r0, a0, b0, scratch);
        // a1 and b1 are `n - high` limbs; their product fills the rest of r exactly.
        squaring.multiply(r1, a1, b1, scratch);
    }
    let (product, scratch) = scratch.split_at_mut(2 * high);
    squaring.multiply(product, difference_a, difference_b, scratch);
    // middle = a0 b0 + a1 b1 -+ |a0 - a1| |b0 - b1| = a0 b1 + a1 b0 >= 0, in 2 high + 1 limbs.
    let middle = &mut scratch[..2 * high + 1];
    middle[..2 * high].copy_from_slice(&r[..2 * high]);
    middle[2 * high] = 0;
    let carry = add_assign(middle, &r[2 * high..]);
    let overflow = if negative {
        add_assign(middle, product)
    } else {
        sub_assign(middle, product)
    };
    debug_assert!(!carry && !overflow);
    // Trimmed: for small odd n the middle term's top limbs (zero) lie past the end of r.
    let carry = add_assign(&mut r[high..], trimmed(middle));
    debug_assert!(!carry, "a b fits in 2n limbs");
}

/// `r = 2 r + the squares a_i^2 at limbs 2i`, in one pass: the cross products summed
/// once become the square.
fn double_and_add_diagonal(r: &mut [Limb], a: &[Limb]) {
    let (mut shifted_out, mut carry): (Limb, Wide) = (0, 0);
    for (i, &limb) in a.iter().enumerate() {
        let (low, high) = (r[2 * i], r[2 * i + 1]);
        let doubled_low = (low << 1) | shifted_out;
        let doubled_high = (high << 1) | (low >> (LIMB_BITS - 1));
        shifted_out = high >> (LIMB_BITS - 1);
        let square = Wide::from(limb) * Wide::from(limb);
        let sum = Wide::from(doubled_low) + (square as Limb as Wide) + carry;
        r[2 * i] = sum as Limb;
        let sum = Wide::from(doubled_high) + (square >> LIMB_BITS) + (sum >> LIMB_BITS);
        r[2 * i + 1] = sum as Limb;
        carry = sum >> LIMB_BITS;
    }
    debug_assert!(shifted_out == 0 && carry == 0, "a^2 < B^(2n)");
}

/// `r += a * (b0 + b1 B)` over `a.len()` limbs of `r`; returns the two limbs carried out.
#[inline]
fn add_mul_2(r: &mut [Limb], a: &[Limb], b0: Limb, b1: Limb) -> Wide {
    let mut carry: Wide = 0; // at limbs j and j + 1
    for (r, &a) in r.iter_mut().zip(a) {
        // Each sum is at most (B-1)^2 + 2(B-1) = B^2 - 1.
        let low = Wide::from(a) * Wide::from(b0) + Wide::from(*r) + (carry as Limb as Wide);
        *r = low as Limb;
        carry = Wide::from(a) * Wide::from(b1) + (low >> LIMB_BITS) + (carry >> LIMB_BITS);
    }
    carry
}

/// Toom-Cook's three-way product of `a` and `b` (`b` = `None`: the square of `a`): with
/// a = a2 X^2 + a1 X + a0 (X = B^k) and b likewise, a(x) b(x) is c4 x^4 + ... + c0, known
/// from its values at 0, 1, -1, 2 and infinity: five products of a third of the size,
/// where Karatsuba takes nine of a quarter. The coefficients are all non-negative, and
/// the order below keeps every intermediate value so too (the value at -1 alone may be
/// negative, and is carried as its absolute value and its sign): unsigned arithmetic.
fn toom3(r: &mut [Limb], a: &[Limb], b: Option<&[Limb]>, scratch: &mut [Limb], squaring: Squaring) {
    let n = a.len();
    let k = n.div_ceil(3);
    let values = if b.is_some() { 6 } else { 3 };
    let (at, scratch) = scratch.split_at_mut(values * (k + 1));
    let (w1, scratch) = scratch.split_at_mut(2 * k + 2);
    let (wm1, scratch) = scratch.split_at_mut(2 * k + 2);
    let (w2, scratch) = scratch.split_at_mut(2 * k + 2);
    let (t, scratch) = scratch.split_at_mut(2 * k + 3);
    let (a_at, b_at) = at.split_at_mut(3 * (k + 1));
    let a_negative = evaluate_toom3(a, k, a_at, t);
    let b_negative = b.map(|b| evaluate_toom3(b, k, b_at, t));
    let negative = b_negative.is_some_and(|b_negative| b_negative != a_negative);
    // The five products (or squares) of the values: w(1), w(-1), w(2), then c0 and c4.
    multiply_values(
        [&mut *w1, &mut *wm1, &mut *w2],
        (a_at, b.map(|_| &*b_at)),
        k,
        scratch,
        squaring,
    );
    multiply_ends(r, (a, b), k, 3, scratch, squaring);
    let (c0, c4) = (&r[..2 * k], &r[4 * k..]);
    // With w(-1) = -wm1 if negative, else wm1: t = (w(1) + w(-1)) / 2 = c0 + c2 + c4, then
    // c2; w1 = (w(1) - w(-1)) / 2 = c1 + c3.
    t[..2 * k + 2].copy_from_slice(w1);
    t[2 * k + 2] = 0;
    let (carry, borrow) = if negative {
        (add_assign(w1, wm1), sub_assign(t, wm1))
    } else {
        (add_assign(t, wm1), sub_assign(w1, wm1))
    };
    debug_assert!(!carry && !borrow);
    shr_one_in_place(t);
    shr_one_in_place(w1);
    let borrows = [sub_assign(t, c0), sub_assign(t, c4)];
    debug_assert_eq!(borrows, [false; 2]);
    let c2 = trimmed(t);
    // w2 = (w(2) - c0 - 4 c2 - 16 c4) / 2 = c1 + 4 c3, then 3 c3, then c3.
    let mut borrow = sub_assign(w2, c0);
    for (value, shift) in [(c2, 2), (c4, 4)] {
        let value = trimmed(value);
        let top = shl(&mut wm1[..value.len()], value, shift);
        wm1[value.len()] = top;
        borrow |= sub_assign(w2, &wm1[..=value.len()]);
    }
    shr_one_in_place(w2);
    borrow |= sub_assign(w2, trimmed(w1));
    debug_assert!(!borrow, "every intermediate value is non-negative");
    divide_exactly::<3>(w2);
    // w1 = c1 + c3 - c3.
    let borrow = sub_assign(w1, trimmed(w2));
    debug_assert!(!borrow);
    // r = c0 + c1 X + c2 X^2 + c3 X^3 + c4 X^4.
    let (c1, c2, c3) = (trimmed(w1), trimmed(t), trimmed(w2));
    let carries = [
        add_assign(&mut r[k..], c1),
        add_assign(&mut r[2 * k..], c2),
        add_assign(&mut r[3 * k..], c3),
    ];
    debug_assert_eq!(carries, [false; 3], "a b fits in 2n limbs");
}

/// Toom-Cook's products of the values, w = a(x) b(x) (or a(x)^2), into `products` in
/// turn: the values are `k + 1` limbs each, in order, in `a_at` and `b_at`.
fn multiply_values<'w>(
    products: impl IntoIterator<Item = &'w mut [Limb]>,
    (a_at, b_at): (&[Limb], Option<&[Limb]>),
    k: usize,
    scratch: &mut [Limb],
    squaring: Squaring,
) {
    fn value(at: &[Limb], k: usize, i: usize) -> &[Limb] {
        &at[i * (k + 1)..(i + 1) * (k + 1)]
    }
    for (i, w) in products.into_iter().enumerate() {
        squaring.product(
            w,
            value(a_at, k, i),
            b_at.map(|at| value(at, k, i)),
            scratch,
        );
    }
}

/// Toom-Cook's products at 0 and infinity, of the lowest parts (k limbs) and of the
/// highest (from limb (parts - 1) k), straight into their places in `r`; zeros between.
fn multiply_ends(
    r: &mut [Limb],
    (a, b): (&[Limb], Option<&[Limb]>),
    k: usize,
    parts: usize,
    scratch: &mut [Limb],
    squaring: Squaring,
) {
    let top = (parts - 1) * k;
    let (low, high) = r.split_at_mut(2 * k);
    let (between, highest) = high.split_at_mut(2 * top - 2 * k);
    between.fill(0);
    squaring.product(low, &a[..k], b.map(|b| &b[..k]), scratch);
    squaring.product(highest, &a[top..], b.map(|b| &b[top..]), scratch);
}

/// Toom-3's values of a = a2 X^2 + a1 X + a0 (X = B^k), each in k + 1 limbs of `at`:
/// a(1) = a0 + a1 + a2, |a(-1)| = |a0 + a2 - a1|, a(2) = a0 + 2 (a1 + 2 a2). Returns
/// whether a(-1) is negative; `temporary` has at least k + 1 limbs.
fn evaluate_toom3(a: &[Limb], k: usize, at: &mut [Limb], temporary: &mut [Limb]) -> bool {
    let (a0, rest) = a.split_at(k);
    let (a1, a2) = rest.split_at(k);
    let (p1, rest) = at.split_at_mut(k + 1);
    let (pm1, p2) = rest.split_at_mut(k + 1);
    p1.fill(0);
    p1[..k].copy_from_slice(a0);
    let carries = [add_assign(p1, a1), add_assign(p1, a2)];
    debug_assert_eq!(carries, [false; 2]);
    let sum = &mut temporary[..k + 1];
    sum.fill(0);
    sum[..k].copy_from_slice(a0);
    let carry = add_assign(sum, a2);
    debug_assert!(!carry);
    let negative = abs_difference(pm1, sum, a1);
    p2.fill(0);
    p2[..a2.len()].copy_from_slice(a2);
    let carries = [
        shl_one_in_place(p2) != 0,
        add_assign(p2, a1),
        shl_one_in_place(p2) != 0,
        add_assign(p2, a0),
    ];
    debug_assert_eq!(carries, [false; 4], "a(2) < 7 X fits in k + 1 limbs");
    negative
}

/// Toom-Cook's four-way product of `a` and `b` (`b` = `None`: the square of `a`): with
/// a = a3 X^3 + a2 X^2 + a1 X + a0 (X = B^k) and b likewise, a(x) b(x) is c6 x^6 + ... +
/// c0, known from its values at 0, 1, -1, 2, -2, 1/2 (as 2^6 c(1/2)) and infinity: seven
/// products of a quarter of the size, where Toom-3 takes five of a third (GMP's toom44,
/// whose points these are). The interpolation below is one that keeps every intermediate
/// value non-negative, since every c_i is. With s1, d1 the even and odd halves of c(1)
/// and c(-1), and s2, d2 those of c(2) and c(-2):
///
/// * c2 + c4 = s1 - c0 - c6 and c2 + 4 c4 = (s2 - c0 - 64 c6) / 4, hence c4 and c2;
/// * d1 = c1 + c3 + c5, d2 = c1 + 4 c3 + 16 c5 and, with h = 2^6 c(1/2),
///   g = (h - 64 c0 - 16 c2 - 4 c4 - c6) / 2 = 16 c1 + 4 c3 + c5; then
///   u = (d2 - d1) / 3 = c3 + 5 c5, v = (g - d1) / 3 = 5 c1 + c3 and
///   5 d1 - u - v = 3 c3, hence c3, then c5 and c1 (exact divisions by 3 and 5:
///   `divide_exactly`).
fn toom4(r: &mut [Limb], a: &[Limb], b: Option<&[Limb]>, scratch: &mut [Limb], squaring: Squaring) {
    let n = a.len();
    let k = n.div_ceil(4);
    let wide = 2 * k + 2;
    let values = if b.is_some() { 10 } else { 5 };
    let (at, scratch) = scratch.split_at_mut(values * (k + 1));
    let (products, scratch) = scratch.split_at_mut(5 * wide);
    let (t, scratch) = scratch.split_at_mut(wide);
    let (a_at, b_at) = at.split_at_mut(5 * (k + 1));
    let a_negative = evaluate_toom4(a, k, a_at, t);
    let b_negative = b.map(|b| evaluate_toom4(b, k, b_at, t));
    // Whether c(-1) and c(-2) are negative.
    let (negative_1, negative_2) = match b_negative {
        Some((b1, b2)) => (a_negative.0 != b1, a_negative.1 != b2),
        None => (false, false),
    };
    // The seven products (or squares): of the five values, then c0 and c6.
    multiply_values(
        products.chunks_exact_mut(wide),
        (a_at, b.map(|_| &*b_at)),
        k,
        scratch,
        squaring,
    );
    multiply_ends(r, (a, b), k, 4, scratch, squaring);
    let (c0, c6) = (trimmed(&r[..2 * k]), trimmed(&r[6 * k..]));
    let mut products = products.chunks_exact_mut(wide);
    let mut next = || products.next().expect("five products");
    let (w1, wm1, w2, wm2, wh) = (next(), next(), next(), next(), next());
    // From c(1) and |c(-1)|: t = 2 s1 = c(1) + c(-1), w1 = 2 d1 = c(1) - c(-1); then
    // wm1 = 2 s2, w2 = 4 d2 from c(2) and |c(-2)|. (c(1) >= |c(-1)|, c(2) >= |c(-2)|.)
    fn sum_and_difference(
        sum: &mut [Limb],
        value: &mut [Limb],
        magnitude: &[Limb],
        negative: bool,
    ) {
        sum.copy_from_slice(value);
        let (carry, borrow) = if negative {
            (add_assign(value, magnitude), sub_assign(sum, magnitude))
        } else {
            (add_assign(sum, magnitude), sub_assign(value, magnitude))
        };
        debug_assert!(!carry && !borrow);
    }
    sum_and_difference(t, w1, wm1, negative_1);
    sum_and_difference(wm1, w2, wm2, negative_2);
    for (value, halvings) in [(&mut *t, 1), (&mut *w1, 1), (&mut *wm1, 1), (&mut *w2, 2)] {
        for _ in 0..halvings {
            shr_one_in_place(value);
        }
    }
    // `wm2` is free from here: `shifted` writes `value << shift` there.
    let shifted = |wm2: &mut [Limb], value: &[Limb], shift: u32| -> usize {
        let value = trimmed(value);
        let top = shl(&mut wm2[..value.len()], value, shift);
        wm2[value.len()] = top;
        value.len() + 1
    };
    let mut borrow = false;
    // t = c2 + c4; wm1 = c2 + 4 c4, then 3 c4, then c4; t = c2.
    borrow |= sub_assign(t, c0) | sub_assign(t, c6);
    let len = shifted(wm2, c6, 6);
    borrow |= sub_assign(wm1, c0) | sub_assign(wm1, &wm2[..len]);
    shr_one_in_place(wm1);
    shr_one_in_place(wm1);
    borrow |= sub_assign(wm1, trimmed(t));
    divide_exactly::<3>(wm1);
    borrow |= sub_assign(t, trimmed(wm1));
    let (c2, c4) = (trimmed(t), trimmed(wm1));
    // wh = g = 16 c1 + 4 c3 + c5.
    borrow |= sub_assign(wh, c6);
    for (value, shift) in [(c0, 6), (c2, 4), (c4, 2)] {
        let len = shifted(wm2, value, shift);
        borrow |= sub_assign(wh, &wm2[..len]);
    }
    shr_one_in_place(wh);
    // w2 = u = c3 + 5 c5, wh = v = 5 c1 + c3; wm2 = 5 d1 - u - v = 3 c3, then c3.
    borrow |= sub_assign(w2, trimmed(w1)) | sub_assign(wh, trimmed(w1));
    divide_exactly::<3>(w2);
    divide_exactly::<3>(wh);
    let len = shifted(wm2, w1, 2);
    wm2[len..].fill(0);
    borrow |= add_assign(wm2, trimmed(w1));
    borrow |= sub_assign(wm2, trimmed(w2)) | sub_assign(wm2, trimmed(wh));
    divide_exactly::<3>(wm2);
    // w2 = c5, wh = c1.
    borrow |= sub_assign(w2, trimmed(wm2)) | sub_assign(wh, trimmed(wm2));
    divide_exactly::<5>(w2);
    divide_exactly::<5>(wh);
    debug_assert!(!borrow, "every intermediate value is non-negative");
    // r = c0 + c1 X + ... + c6 X^6.
    let mut carry = false;
    for (i, c) in [(1, &*wh), (2, &*t), (3, &*wm2), (4, &*wm1), (5, &*w2)] {
        carry |= add_assign(&mut r[i * k..], trimmed(c));
    }
    debug_assert!(!carry, "a b fits in 2n limbs");
}

/// Toom-4's values of a = a3 X^3 + a2 X^2 + a1 X + a0 (X = B^k), each in k + 1 limbs of
/// `at`: a(1), |a(-1)|, a(2), |a(-2)|, 2^3 a(1/2) = 8 a0 + 4 a1 + 2 a2 + a3 (each below
/// 15 X). Returns whether a(-1) and a(-2) are negative; `temporary` has at least
/// 2k + 2 limbs.
fn evaluate_toom4(a: &[Limb], k: usize, at: &mut [Limb], temporary: &mut [Limb]) -> (bool, bool) {
    let (a0, rest) = a.split_at(k);
    let (a1, rest) = rest.split_at(k);
    let (a2, a3) = rest.split_at(k);
    let mut values = at.chunks_exact_mut(k + 1);
    let mut next = || values.next().expect("five values");
    let (p1, pm1, p2, pm2, ph) = (next(), next(), next(), next(), next());
    let (even, odd) = temporary[..2 * k + 2].split_at_mut(k + 1);
    let set = |x: &mut [Limb], value: &[Limb]| {
        x.fill(0);
        x[..value.len()].copy_from_slice(value);
    };
    let mut carry = false;
    // even = a0 + a2, odd = a1 + a3.
    set(even, a0);
    set(odd, a1);
    carry |= add_assign(even, a2) | add_assign(odd, a3);
    carry |= add(p1, even, odd);
    let negative_1 = abs_difference(pm1, even, odd);
    // even = a0 + 4 a2, odd = 2 (a1 + 4 a3).
    even.fill(0);
    even[k] = shl(&mut even[..k], a2, 2);
    odd.fill(0);
    odd[a3.len()] = shl(&mut odd[..a3.len()], a3, 2);
    carry |= add_assign(even, a0) | add_assign(odd, a1);
    carry |= shl_one_in_place(odd) != 0;
    carry |= add(p2, even, odd);
    let negative_2 = abs_difference(pm2, even, odd);
    // ((2 a0 + a1) 2 + a2) 2 + a3, Horner's rule.
    set(ph, a0);
    for next in [a1, a2, a3] {
        carry |= shl_one_in_place(ph) != 0;
        carry |= add_assign(ph, next);
    }
    debug_assert!(!carry, "every value fits in k + 1 limbs");
    (negative_1, negative_2)
}

/// `a <<= 1`, as `a + a`; returns the bit shifted out.
fn shl_one_in_place(a: &mut [Limb]) -> Limb {
    let a_ = a.as_mut_ptr();
    // SAFETY: `a` is the sum and both terms, of a.len() limbs.
    Limb::from(unsafe { carry_chain::add_n(a_, a_, a_, a.len()) })
}

/// `a >>= 1` (the bit shifted out is dropped: callers halve even numbers).
fn shr_one_in_place(a: &mut [Limb]) {
    let mut carry = 0;
    for limb in a.iter_mut().rev() {
        let next = *limb << (LIMB_BITS - 1);
        *limb = (*limb >> 1) | carry;
        carry = next;
    }
}

/// `a /= D`, for an `a` that `D` divides and a `D` that divides B - 1 (3 and 5 do, for
/// 32- and 64-bit limbs), as GMP's `mpn_divexact_by3` by its `mpn_bdiv_dbm1c`: with
/// D d = B - 1, a = D q gives a d = q B - q, so each limb of q is the limb below it minus
/// a limb of a d. The products a_i d do not wait on one another, and what runs from limb
/// to limb is two subtractions: multiplying each limb by the inverse of 3 (Jebelean's way)
/// put two products in that chain, 5 % of F(10^5)'s time.
fn divide_exactly<const D: Limb>(a: &mut [Limb]) {
    const { assert!(Limb::MAX % D == 0, "D divides B - 1") };
    let d = Limb::MAX / D;
    // q_(i-1) - (the high half of a_(i-1) d) - the borrow: what limb i starts from.
    let mut start: Limb = 0;
    for limb in a.iter_mut() {
        let product = Wide::from(*limb) * Wide::from(d);
        let (quotient, borrow) = start.overflowing_sub(product as Limb);
        *limb = quotient;
        start = quotient
            .wrapping_sub((product >> LIMB_BITS) as Limb)
            .wrapping_sub(Limb::from(borrow));
    }
    debug_assert_eq!(start, 0, "D divides the number");
}

/// Karatsuba's squaring: with a = a1 B^h + a0,
/// a^2 = a1^2 B^2h + (a0^2 + a1^2 - (a0 - a1)^2) B^h + a0^2: three half-size squarings.
fn square_karatsuba(r: &mut [Limb], a: &[Limb], scratch: &mut [Limb], squaring: Squaring) {
    let n = a.len();
    let low = n.div_ceil(2);
    let (a0, a1) = a.split_at(low);
    let (difference, scratch) = scratch.split_at_mut(low);
    abs_difference(difference, a0, a1);
    {
        let (r0, r1) = r.split_at_mut(2 * low);
        squaring.square(r0, a0, scratch);
        squaring.square(r1, a1, scratch);
    }
    let (middle_square, scratch) = scratch.split_at_mut(2 * low);
    squaring.square(middle_square, difference, scratch);
    // middle = a0^2 + a1^2 - (a0 - a1)^2 = 2 a0 a1 >= 0, in 2 low + 1 limbs.
    let middle = &mut scratch[..2 * low + 1];
    middle[..2 * low].copy_from_slice(&r[..2 * low]);
    middle[2 * low] = 0;
    let carry = add_assign(middle, &r[2 * low..]);
    let borrow = sub_assign(middle, middle_square);
    debug_assert!(!carry && !borrow);
    // Trimmed: for n = 3 the middle term's top limb (zero) lies past the end of r.
    let carry = add_assign(&mut r[low..], trimmed(middle));
    debug_assert!(!carry, "a^2 fits in 2n limbs");
}

/// The number as a `BigUint`, the type the crate's API returns.
pub(crate) fn to_biguint(a: &[Limb]) -> num_bigint::BigUint {
    // num-bigint 0.4 takes 32-bit words only (it packs them into its own digits).
    #[cfg(target_pointer_width = "64")]
    let words: Vec<u32> = a
        .iter()
        .flat_map(|&limb| [limb as u32, (limb >> 32) as u32])
        .collect();
    #[cfg(not(target_pointer_width = "64"))]
    let words = a.to_vec();
    num_bigint::BigUint::new(words)
}

/// The number's limbs without the zero limbs at the top.
pub(crate) fn trimmed(a: &[Limb]) -> &[Limb] {
    let len = a
        .iter()
        .rposition(|&limb| limb != 0)
        .map_or(0, |top| top + 1);
    &a[..len]
}

/// The number's length in bits.
pub(crate) fn bit_length(a: &[Limb]) -> u64 {
    let a = trimmed(a);
    match a.last() {
        None => 0,
        Some(top) => u64::from(LIMB_BITS) * a.len() as u64 - u64::from(top.leading_zeros()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::{with_isa, Isa};
    use crate::tuning::with_cut_overs;
    use num_bigint::BigUint;

    fn to_big(a: &[Limb]) -> BigUint {
        to_biguint(a)
    }

    fn random_limbs(n: usize, seed: &mut u64) -> Vec<Limb> {
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                *seed as Limb
            })
            .collect()
    }

    /// Numbers of `n` limbs that exercise the squarings: random, every limb full (every
    /// carry chain as long as it gets), and equal halves (|a0 - a1| = 0 in Karatsuba).
    fn test_numbers(n: usize, seed: &mut u64) -> [Vec<Limb>; 3] {
        let half = random_limbs(n / 2, seed);
        let mut halves = half.clone();
        halves.extend(&half);
        halves.resize(n, 0);
        [random_limbs(n, seed), vec![Limb::MAX; n], halves]
    }

    fn check_squares(sizes: impl Iterator<Item = usize>, cut_overs: Option<CutOvers>) {
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for n in sizes {
            for (kind, a) in test_numbers(n, &mut seed).iter().enumerate() {
                let expected = to_big(a) * to_big(a);
                // Every path the machine runs: each has its schoolbook loop and cut-overs.
                for isa in Isa::available() {
                    let square = || {
                        let squaring = Squaring::current();
                        let mut r = vec![0; 2 * n];
                        let mut scratch = vec![0; squaring.scratch_len(n)];
                        squaring.square(&mut r, a, &mut scratch);
                        to_big(&r)
                    };
                    let square = || match cut_overs {
                        Some(cut_overs) => with_cut_overs(cut_overs, square),
                        None => square(),
                    };
                    let got = with_isa(isa, square);
                    assert_eq!(got, expected, "n = {n}, kind {kind}, {isa}, {cut_overs:?}");
                }
            }
        }
    }

    #[test]
    fn squares_match_num_bigint_at_every_size_across_the_cut_overs() {
        let mut sizes: Vec<usize> = (0..100).chain([257, 385, 500, 1023, 1024, 1025]).collect();
        for isa in Isa::available() {
            let cut_overs = CutOvers::default_for(isa);
            let cut_overs = [
                cut_overs.karatsuba_from,
                cut_overs.toom3_from,
                cut_overs.toom4_from,
            ];
            // (A path without Toom-4 has usize::MAX.)
            for from in cut_overs.into_iter().filter(|&from| from < 10_000) {
                sizes.extend(from.saturating_sub(3)..from + 40);
            }
        }
        sizes.sort_unstable();
        sizes.dedup();
        check_squares(sizes.into_iter(), None);
    }

    #[test]
    fn squares_are_right_under_any_cut_overs() {
        let ntt_from_bits = 1 << 14;
        // Toom-4 below 16 limbs is taken as 16; below Toom-3's cut-over it takes over from
        // Karatsuba directly.
        for (karatsuba_from, toom3_from, toom4_from) in [
            (0, 0, 0),
            (2, 3, 16),
            (2, 1000, 20),
            (5, 9, 17),
            (5, 9, usize::MAX),
            (1000, 1000, 1000),
        ] {
            let cut_overs = CutOvers {
                karatsuba_from,
                product_karatsuba_from: karatsuba_from,
                toom3_from,
                toom4_from,
                ntt_from_bits,
            };
            check_squares((0..40).chain([67, 128, 301, 611]), Some(cut_overs));
        }
    }

    #[test]
    fn products_match_num_bigint_on_every_path_and_cut_over() {
        let mut seed = 0x0DDB_1A5E_5BAD_5EED;
        // (Karatsuba, Toom-4) for products: Karatsuba from 2 or 5 brings Toom-3 down to 3
        // limbs as well; Toom-4 from 16 (its least) or 23 takes over from either.
        for split_from in [
            None,
            Some((2, usize::MAX)),
            Some((5, usize::MAX)),
            Some((2, 16)),
            Some((5, 23)),
        ] {
            for n in (0..90).chain([127, 128, 129, 200, 385, 500]) {
                for (a, b) in test_numbers(n, &mut seed)
                    .iter()
                    .zip(test_numbers(n, &mut seed).iter().rev())
                {
                    let expected = to_big(a) * to_big(b);
                    for isa in Isa::available() {
                        let product = || {
                            let squaring = Squaring::current();
                            let mut r = vec![0; 2 * n];
                            let mut scratch = vec![0; squaring.product_scratch_len(n)];
                            squaring.multiply(&mut r, a, b, &mut scratch);
                            to_big(&r)
                        };
                        let got = with_isa(isa, || match split_from {
                            Some((karatsuba_from, toom4_from)) => {
                                let cut_overs = CutOvers {
                                    product_karatsuba_from: karatsuba_from,
                                    toom4_from,
                                    ..CutOvers::current()
                                };
                                with_cut_overs(cut_overs, product)
                            }
                            None => product(),
                        });
                        assert_eq!(
                            got, expected,
                            "n = {n}, {isa}, (Karatsuba, Toom-4) from {split_from:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn exact_divisions_undo_multiplications() {
        let mut seed = 0x1234_5678_9ABC_DEF1;
        for n in [1, 2, 3, 17, 64] {
            for kind in 0..2 {
                let a = if kind == 0 {
                    random_limbs(n, &mut seed)
                } else {
                    vec![Limb::MAX; n]
                };
                for (divisor, divide) in [
                    (3, divide_exactly::<3> as fn(&mut [Limb])),
                    (5, divide_exactly::<5>),
                ] {
                    let mut multiple = vec![0; n + 1];
                    multiple[..n].copy_from_slice(&a);
                    let copy = multiple.clone();
                    for _ in 1..divisor {
                        assert!(!add_assign(&mut multiple, &copy));
                    }
                    divide(&mut multiple);
                    assert_eq!(&multiple[..n], &a[..], "n = {n}, divided by {divisor}");
                    assert_eq!(multiple[n], 0);
                }
            }
        }
    }

    /// The carry chains against num-bigint and against the portable loop (the same loop
    /// where that is the one that runs), with the sum written apart and over a term.
    #[test]
    fn carry_chains_add_and_subtract_at_every_length_in_place_or_not() {
        use carry_chain::portable;
        let mut seed = 0x2545_F491_4F6C_DD1D;
        let modulus = |n: usize| BigUint::from(1u8) << (n as u32 * LIMB_BITS);
        for n in 0..70 {
            for (a, b) in test_numbers(n, &mut seed)
                .into_iter()
                .zip(test_numbers(n, &mut seed).into_iter().rev())
            {
                let (big_a, big_b) = (to_big(&a), to_big(&b));
                let sum = &big_a + &big_b;
                let (mut r, mut in_place, mut portable_r) = (vec![0; n], a.clone(), vec![0; n]);
                let carry = add(&mut r, &a, &b);
                assert_eq!(add_assign(&mut in_place, &b), carry, "n = {n}");
                // SAFETY: three slices of n limbs.
                let portable_carry =
                    unsafe { portable::add_n(portable_r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), n) };
                assert_eq!((to_big(&r), carry), (&sum % modulus(n), sum >= modulus(n)));
                assert_eq!((&in_place, &portable_r, portable_carry), (&r, &r, carry));

                let borrow = big_a < big_b;
                let difference = if borrow {
                    modulus(n) + &big_a - &big_b
                } else {
                    &big_a - &big_b
                };
                let mut in_place = a.clone();
                assert_eq!(sub(&mut r, &a, &b), borrow, "n = {n}");
                assert_eq!(sub_assign(&mut in_place, &b), borrow);
                // SAFETY: as above.
                let portable_borrow =
                    unsafe { portable::sub_n(portable_r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), n) };
                assert_eq!(to_big(&r), difference);
                assert_eq!((&in_place, &portable_r, portable_borrow), (&r, &r, borrow));

                let mut doubled = a.clone();
                let top = shl_one_in_place(&mut doubled);
                assert_eq!(
                    to_big(&doubled) + (BigUint::from(top) << (n as u32 * LIMB_BITS)),
                    &big_a * 2u8
                );
            }
        }
    }

    #[test]
    fn additions_and_subtractions_carry_through() {
        let mut r = vec![Limb::MAX, Limb::MAX, 0];
        assert!(!add_assign(&mut r, &[1]));
        assert_eq!(r, [0, 0, 1]);
        assert!(!sub_assign(&mut r, &[1]));
        assert_eq!(r, [Limb::MAX, Limb::MAX, 0]);
        assert!(sub_assign(&mut [0, 0], &[1]));
        assert!(add_assign(&mut [Limb::MAX], &[1]));
        assert_eq!(bit_length(&[0, 1, 0]), u64::from(LIMB_BITS) + 1);
        assert_eq!(bit_length(&[0, 0]), 0);
    }
}
