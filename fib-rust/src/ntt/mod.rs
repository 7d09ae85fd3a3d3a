//! Big-integer products by number-theoretic transforms (NTT), for the doubling algorithm.
//!
//! num-bigint multiplies with Karatsuba and Toom-3 at most, so its cost grows like
//! n^1.46; at F(10^7) most of the doubling algorithm's time is a handful of products of
//! multi-million-bit numbers. This module computes such products in O(n log n):
//!
//! * the numbers are cut into 32-bit words, the coefficients of two polynomials;
//! * their product's coefficients (a convolution) are computed by NTTs modulo three
//!   primes p < 2^30 of the form 3 c 2^k + 1, with Montgomery multiplication on u32; a
//!   transform has a power of two or three times one points (`transform_len`), so that a
//!   product pays for at most a third more points than it needs, not twice as many;
//! * 2F(k+1) - F(k) is formed in the transform domain (it is linear), so its coefficients
//!   `2 b_i - a_i` lie in (-2^32, 2^33) and the products' coefficients may be negative; in
//!   absolute value they stay below `words * 2^32 * 2^33 = words * 2^65`;
//! * the Chinese remainder theorem rebuilds each coefficient exactly as a residue in
//!   [0, P), P = p1 p2 p3 (about 2^89.0), read as signed: exact while `words * 2^65 < P / 2`,
//!   far beyond [`MAX_WORDS`] = 2^21 words (F(10^7) needs about 2^17.7);
//! * carries are then propagated once, in i64 (see `crt::combine`).
//!
//! The forward transform is decimation-in-frequency (natural order in, bit-reversed out)
//! and the inverse decimation-in-time (bit-reversed in, natural out), so no bit-reversal
//! pass is needed: products are taken point by point in bit-reversed order. A transform
//! of 3m points first splits in three (radix 3, twisted) and then transforms each third.
//!
//! Where the code is:
//!
//! * this file: [`LentMultiplier`] (the entry point of `crate::doubling`), the tables and
//!   buffers it keeps, the primes and the size limits, and one doubling step per prime;
//! * `field`: arithmetic modulo one prime (Montgomery form);
//! * `transform`: the twiddle tables, the forward and inverse transforms and the
//!   point-by-point step, which choose a kernel for the instruction set in use;
//! * `kernels`: those kernels, once for any lanes (`kernels::generic`) and per instruction
//!   set (`kernels::avx512`, `kernels::avx2`, `kernels::simd128`);
//! * `crt`: the three residues back to one coefficient, and the carries;
//! * `two_primes`: the same step by two 62-bit primes on u64 words of 48 bits, for the
//!   scalar path of 64-bit targets, where one lane of u32 wastes a 64-bit multiplier;
//! * `float_primes`: the same step by three 50-bit primes in doubles on 64-bit words,
//!   for AVX2 with FMA and for AVX-512 ([`Method`] chooses);
//! * `wrapped`: where a step takes a transform shorter than its products (F(10^5)'s last
//!   step in doubles: 1 024 points for 1 085 coefficients, not 1 536), the coefficients it
//!   wraps, from a second, short transform of the factors' top words: all three NTTs (the
//!   lane NTT's shorter transforms are powers of two only).

mod crt;
mod field;
#[cfg(target_arch = "x86_64")]
mod float_primes;
mod garner;
mod kernels;
mod transform;
mod two_primes;
mod wrapped;

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use crt::combine;
use field::Field;
pub(crate) use transform::transform_len;
use transform::Twiddles;

use crate::isa::Isa;
use crate::limbs::{self, Limb, LIMB_BITS};

/// Factors of up to this many words: their products' transforms (at most 2^22 points)
/// fit every prime, and their coefficients stay below P / 2 (see `garner`'s tests).
pub(crate) const MAX_WORDS: usize = 1 << 21;

// Each p - 1 has the factor 3 (for the transforms of 3 2^k points) and a power of two
// of at least 2^22; each prime is below 2^30, which the kernels' lazy sums need.
const P1: u32 = 754_974_721; // 45 * 2^24 + 1
const P2: u32 = 880_803_841; // 105 * 2^23 + 1
const P3: u32 = 943_718_401; // 225 * 2^22 + 1
/// A generator of each prime's multiplicative group, in the order P1, P2, P3.
const GENERATORS: [u32; 3] = [11, 26, 7];
/// Transforms longer than 2^22 points are not possible with P3.
const MAX_POINTS: usize = 1 << 22;

/// Which of a doubling step's two products to compute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wanted {
    /// F(2k) = a (2b - a) and F(2k+1) = a^2 + b^2.
    Both,
    /// F(2k) only.
    Even,
    /// F(2k+1) only.
    Odd,
}

impl Wanted {
    /// A step's results into `even` (F(2k)) and `odd` (F(2k+1)): each cleared, then, if
    /// wanted, rebuilt by `rebuild` from its residues (`residues[0]` for F(2k), `[1]` for
    /// F(2k+1)). Every NTT ends its step so.
    fn write_into<R>(
        self,
        (even, odd): (&mut Vec<Limb>, &mut Vec<Limb>),
        [even_residues, odd_residues]: [R; 2],
        mut rebuild: impl FnMut(R, &mut Vec<Limb>),
    ) {
        for (out, is_wanted, residues) in [
            (even, self != Wanted::Odd, even_residues),
            (odd, self != Wanted::Even, odd_residues),
        ] {
            out.clear();
            if is_wanted {
                rebuild(residues, out);
            }
        }
    }
}

/// The words of `word_bits` bits for factors of up to `bits` bits, and one more: 2b - a
/// has a bit more than b.
pub(super) fn words_for(bits: u64, word_bits: u32) -> usize {
    (bits as usize).div_ceil(word_bits as usize) + 1
}

/// One doubling step for one prime: residues of the wanted products, left in `products`
/// (F(2k)) and `squares` (F(2k+1)): each buffer holds the plan's points, then (where it
/// wraps) its tail's, and gets the products' coefficients in order (see `wrapped`).
///
/// Only F(k) and F(k+1) are transformed: 2F(k+1) - F(k) is formed in the transform
/// domain, which is linear.
fn doubling_products_mod<const P: u32>(
    (a, b): (&[u32], &[u32]),
    plan: wrapped::Plan,
    wanted: Wanted,
    twiddles: &Twiddles,
    (products, squares): (&mut [u32], &mut [u32]),
) {
    let (products, products_tail) = products.split_at_mut(plan.points);
    let (squares, squares_tail) = squares.split_at_mut(plan.points);
    transform_products::<P>((a, b), wanted, twiddles, (products, squares));
    let wrapped = plan.wrapped();
    if wrapped == 0 {
        return;
    }
    let longest = a.len().max(b.len());
    let top = |x| wrapped::top_words(x, longest, wrapped);
    let tails = (&mut *products_tail, &mut *squares_tail);
    transform_products::<P>((top(a), top(b)), wanted, twiddles, tails);
    let buffers = [(products, products_tail), (squares, squares_tail)];
    wrapped::unwrap(wanted, wrapped, buffers, Field::<P>::sub);
}

/// One transform's products: from a and b, the residues of a (2b - a) and a^2 + b^2 (those
/// `wanted`), below P.
fn transform_products<const P: u32>(
    (a, b): (&[u32], &[u32]),
    wanted: Wanted,
    twiddles: &Twiddles,
    (products, squares): (&mut [u32], &mut [u32]),
) {
    let points = products.len();
    // Factors that fill at most half of the points (all but a shorter transform's): the
    // transform reads the rest of the first half (a power of two), or of the first two
    // thirds (3m points), as zeros.
    let longest = a.len().max(b.len());
    let half = if points.is_power_of_two() {
        points / 2
    } else {
        points / 3 * 2
    };
    let read = if longest <= half { half } else { points };
    for (words, out) in [(a, &mut *products), (b, &mut *squares)] {
        let input = &mut out[..read];
        input[..words.len()].copy_from_slice(words);
        input[words.len()..].fill(0);
        let whole_lanes = words.len().next_multiple_of(8).min(read);
        transform::to_residues::<P>(&mut input[..whole_lanes]);
        if read == points {
            transform::forward_power_of_two_whole::<P>(out, twiddles);
        } else {
            transform::forward_zero_padded::<P>(out, twiddles);
        }
    }
    // The residues carry a factor 2^-32 from `to_residues`, the pointwise products two
    // more from their Montgomery products (one for the scale) and the inverse transform
    // a factor `points`: the scale undoes them all, so the inverse gives plain residues.
    let n_inv = Field::<P>::pow(points as u32 % P, u64::from(P - 2));
    let scale = (0..4).fold(n_inv, |x, _| Field::<P>::to_montgomery(x));
    transform::doubling_pointwise::<P>(products, squares, scale);
    if wanted != Wanted::Odd {
        transform::inverse::<P>(products, twiddles);
    }
    if wanted != Wanted::Even {
        transform::inverse::<P>(squares, twiddles);
    }
}

/// The lane NTT's tables and buffers for every transform up to a size.
pub(crate) struct LaneMultiplier {
    points: usize,
    tables: [Twiddles; 3],
    /// Residues of the two products for each prime, reused from step to step: fresh
    /// buffers of megabytes each step would cost page faults, not only allocations.
    scratch: Vec<u32>,
    /// The 32-bit words of a and b, read out of their `BigUint`s once for all primes.
    words: Vec<u32>,
}

impl LaneMultiplier {
    /// Ready for factors of up to `max_words` 32-bit words each.
    pub(crate) fn new(max_words: usize) -> Self {
        let points = transform_len(max_words);
        assert!(
            points <= MAX_POINTS && max_words < MAX_WORDS,
            "too large for the NTT primes"
        );
        let [g1, g2, g3] = GENERATORS;
        LaneMultiplier {
            points,
            tables: [
                Twiddles::new::<P1>(points, g1),
                Twiddles::new::<P2>(points, g2),
                Twiddles::new::<P3>(points, g3),
            ],
            // Each buffer holds a transform and its tail's (at most half as long).
            scratch: vec![0; 6 * (points + points / 2)],
            words: Vec::with_capacity(points),
        }
    }

    /// One doubling step from a = F(k), b = F(k+1): `even` = a (2b - a) = F(2k) and
    /// `odd` = a^2 + b^2 = F(2k+1), or only the one `wanted` (the other is left empty).
    pub(crate) fn doubling_step(
        &mut self,
        (a, b): (&[Limb], &[Limb]),
        wanted: Wanted,
        (even, odd): (&mut Vec<Limb>, &mut Vec<Limb>),
    ) {
        self.words.clear();
        push_words(&mut self.words, a);
        let a_len = self.words.len();
        push_words(&mut self.words, b);
        let (a, b) = self.words.split_at(a_len);
        // Without zero words at the top (a limb's upper half may be).
        let trimmed = |words: &[u32]| words.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
        let (a, b) = (&a[..trimmed(a)], &b[..trimmed(b)]);
        let plan = lane_plan(a.len().max(b.len()).max(1));
        let points = plan.points;
        assert!(
            points <= self.points,
            "LaneMultiplier made for smaller numbers"
        );
        let span = points + plan.tail_points;
        let mut buffers = self.scratch[..6 * span].chunks_exact_mut(span);
        let mut next = || buffers.next().expect("six buffers");
        let (c1, s1, c2, s2, c3, s3) = (next(), next(), next(), next(), next(), next());
        let [t1, t2, t3] = &self.tables;
        doubling_products_mod::<P1>((a, b), plan, wanted, t1, (&mut *c1, &mut *s1));
        doubling_products_mod::<P2>((a, b), plan, wanted, t2, (&mut *c2, &mut *s2));
        doubling_products_mod::<P3>((a, b), plan, wanted, t3, (&mut *c3, &mut *s3));
        let coefficients = plan.coefficients.min(points + plan.wrapped());
        wanted.write_into(
            (even, odd),
            [(c1, c2, c3), (s1, s2, s3)],
            |(r1, r2, r3), out| {
                combine(r1, r2, r3, coefficients, LimbWriter::new(out, 32));
            },
        );
    }
}

/// The lane NTT's transform for a step whose longer factor has `longest` 32-bit words:
/// the shortest that holds the products, or a shorter power of two with a tail
/// (`wrapped`; its forward transform of 3m points assumes the last third zero).
fn lane_plan(longest: usize) -> wrapped::Plan {
    wrapped::Plan::for_factors(
        longest,
        |points| transform_len(points.div_ceil(2)),
        usize::is_power_of_two,
    )
}

/// The 32-bit words of a number given as limbs, appended to `words`: on 32-bit targets
/// (wasm32), a copy.
fn push_words(words: &mut Vec<u32>, number: &[Limb]) {
    #[cfg(target_pointer_width = "64")]
    words.extend(
        number
            .iter()
            .flat_map(|&limb| [limb as u32, (limb >> 32) as u32]),
    );
    #[cfg(not(target_pointer_width = "64"))]
    words.extend_from_slice(number);
}

/// The words of `bits` bits (at most 64) of a number given as limbs, lowest first: the
/// coefficients of the polynomials an NTT multiplies.
pub(super) fn words_of(number: &[Limb], bits: u32) -> impl Iterator<Item = u64> + '_ {
    let count = (number.len() * LIMB_BITS as usize).div_ceil(bits as usize);
    let mask = u128::MAX >> (128 - bits);
    let (mut pending, mut pending_bits) = (0u128, 0);
    let mut limbs = number.iter();
    (0..count).map(move |_| {
        while pending_bits < bits {
            match limbs.next() {
                Some(&limb) => {
                    pending |= u128::from(limb) << pending_bits;
                    pending_bits += LIMB_BITS;
                }
                // The last word: what is left, and zeros above it.
                None => pending_bits = bits,
            }
        }
        let word = (pending & mask) as u64;
        (pending, pending_bits) = (pending >> bits, pending_bits - bits);
        word
    })
}

/// Words of some bits (each below 2^bits), lowest first, appended to limbs: how each NTT's
/// carry pass writes its result.
pub(super) struct LimbWriter<'a> {
    limbs: &'a mut Vec<Limb>,
    bits: u32,
    pending: u128,
    pending_bits: u32,
}

impl<'a> LimbWriter<'a> {
    pub(super) fn new(limbs: &'a mut Vec<Limb>, bits: u32) -> Self {
        LimbWriter {
            limbs,
            bits,
            pending: 0,
            pending_bits: 0,
        }
    }

    #[inline]
    pub(super) fn push(&mut self, word: u64) {
        if self.bits == LIMB_BITS {
            // Words that are limbs (the lane NTT's on wasm32): no shifts of 128 bits, which
            // 32-bit targets do in several steps.
            return self.limbs.push(word as Limb);
        }
        self.pending |= u128::from(word) << self.pending_bits;
        self.pending_bits += self.bits;
        while self.pending_bits >= LIMB_BITS {
            self.limbs.push(self.pending as Limb);
            self.pending >>= LIMB_BITS;
            self.pending_bits -= LIMB_BITS;
        }
    }

    /// The last carry (non-negative) above the words; the number is left without zero
    /// limbs at the top.
    pub(super) fn finish(self, carry: u128) {
        let mut rest = (carry << self.pending_bits) | self.pending;
        let mut high = if self.pending_bits == 0 {
            0
        } else {
            carry >> (128 - self.pending_bits)
        };
        while rest != 0 || high != 0 {
            self.limbs.push(rest as Limb);
            rest = (rest >> LIMB_BITS) | (high << (128 - LIMB_BITS));
            high >>= LIMB_BITS;
        }
        let len = limbs::trimmed(self.limbs).len();
        self.limbs.truncate(len);
    }
}

/// Which NTT a computation takes: with AVX2 or AVX-512, and FMA, three 50-bit primes in
/// doubles (`float_primes`, in 4 or 8 lanes); on the scalar path of a 64-bit target, two 62-bit primes on u64
/// (`two_primes`), whose single lane does twice the work of a u32 one; elsewhere the lane
/// NTT, three 30-bit primes on u32, with SIMD kernels per instruction set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    U32Lanes,
    U64Scalar,
    #[cfg(target_arch = "x86_64")]
    F64Fma,
}

impl Method {
    /// The method of the path running on this thread.
    pub(crate) fn current() -> Method {
        match Isa::current() {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 | Isa::Avx512 if float_primes::runs_here() => Method::F64Fma,
            Isa::Scalar if cfg!(target_pointer_width = "64") => Method::U64Scalar,
            _ => Method::U32Lanes,
        }
    }

    /// The name used in tables and by the bindings' `build_info()`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Method::U32Lanes => "u32-lanes",
            Method::U64Scalar => "u64-scalar",
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => "f64-fma",
        }
    }

    /// This method for factors of up to `bits` bits, or the lane NTT if they are too large
    /// for its primes.
    fn for_bits(self, bits: u64) -> Method {
        #[cfg(target_arch = "x86_64")]
        if self == Method::F64Fma
            && words_for(bits, float_primes::WORD_BITS) > float_primes::MAX_WORDS
        {
            return Method::U32Lanes;
        }
        let _ = bits; // (the other methods take any size the crate allows)
        self
    }

    /// The bits a step from F(k) of `bits` bits pays for: its transform's points (and its
    /// tail's, `wrapped`) times the bits of a factor that a point carries (half a word: a
    /// factor fills at most half the points).
    pub(crate) fn padded_bits(self, bits: u64) -> u64 {
        let (word_bits, plan): (u32, fn(usize) -> wrapped::Plan) = match self.for_bits(bits) {
            Method::U32Lanes => (32, lane_plan),
            Method::U64Scalar => (two_primes::WORD_BITS, two_primes::plan),
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => (float_primes::WORD_BITS, float_primes::plan),
        };
        // F(k + 1) has at most one bit more.
        let longest = (bits + 1).div_ceil(u64::from(word_bits)) as usize;
        (plan(longest).effective_points() * f64::from(word_bits / 2)) as u64
    }

    /// The points of this method's transforms for factors of up to `bits` bits.
    fn points_for(self, bits: u64) -> usize {
        match self {
            Method::U32Lanes => transform_len(lane_words_for(bits)),
            Method::U64Scalar => transform_len(words_for(bits, two_primes::WORD_BITS)),
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => float_primes::points_for(words_for(bits, float_primes::WORD_BITS)),
        }
    }
}

/// One computation's NTT tables and buffers.
/// (Boxed: a computation makes one, and the three differ in size.)
pub(crate) enum Multiplier {
    U32Lanes(Box<LaneMultiplier>),
    U64Scalar(Box<two_primes::Multiplier>),
    #[cfg(target_arch = "x86_64")]
    F64Fma(Box<float_primes::Multiplier>),
}

impl Multiplier {
    /// Ready for factors of up to `max_bits` bits each, by `method`.
    fn new(method: Method, max_bits: u64) -> Self {
        match method {
            Method::U32Lanes => {
                Multiplier::U32Lanes(Box::new(LaneMultiplier::new(lane_words_for(max_bits))))
            }
            Method::U64Scalar => {
                Multiplier::U64Scalar(Box::new(two_primes::Multiplier::new(max_bits)))
            }
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => Multiplier::F64Fma(Box::new(float_primes::Multiplier::new(max_bits))),
        }
    }

    fn method(&self) -> Method {
        match self {
            Multiplier::U32Lanes(_) => Method::U32Lanes,
            Multiplier::U64Scalar(_) => Method::U64Scalar,
            #[cfg(target_arch = "x86_64")]
            Multiplier::F64Fma(_) => Method::F64Fma,
        }
    }

    fn points(&self) -> usize {
        match self {
            Multiplier::U32Lanes(multiplier) => multiplier.points,
            Multiplier::U64Scalar(multiplier) => multiplier.points,
            #[cfg(target_arch = "x86_64")]
            Multiplier::F64Fma(multiplier) => multiplier.points,
        }
    }

    /// One doubling step from a = F(k), b = F(k+1): `even` = F(2k) and `odd` = F(2k+1),
    /// or only the one `wanted` (the other is left empty); without zero limbs at the top.
    pub(crate) fn doubling_step(
        &mut self,
        ab: (&[Limb], &[Limb]),
        wanted: Wanted,
        out: (&mut Vec<Limb>, &mut Vec<Limb>),
    ) {
        match self {
            Multiplier::U32Lanes(multiplier) => multiplier.doubling_step(ab, wanted, out),
            Multiplier::U64Scalar(multiplier) => multiplier.doubling_step(ab, wanted, out),
            #[cfg(target_arch = "x86_64")]
            Multiplier::F64Fma(multiplier) => multiplier.doubling_step(ab, wanted, out),
        }
    }
}

/// The 32-bit words of a number of `bits` bits.
fn lane_words_for(bits: u64) -> usize {
    bits.div_ceil(32) as usize
}

/// The largest multiplier a finished computation left, for the next one: its tables and
/// buffers (12 MB for F(10^7)) took more time to make and to fault into memory than a
/// tenth of the computation, every time. FFT libraries keep their plans the same way.
static SPARE: Mutex<Option<Multiplier>> = Mutex::new(None);

/// A multiplier for one computation: the spare one if it is of this thread's method and
/// large enough, else a new one. Dropped (also when a computation stops early), it
/// becomes the spare if it is the larger, or the spare is of another method.
/// Computations running at the same time each have their own.
pub(crate) struct LentMultiplier(Option<Multiplier>);

impl LentMultiplier {
    /// For factors of up to `max_bits` bits.
    pub(crate) fn new(max_bits: u64) -> Self {
        let method = Method::current().for_bits(max_bits);
        let points = method.points_for(max_bits);
        // A poisoned lock only means another computation panicked: its spare is fine.
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        let multiplier = match spare.take() {
            Some(multiplier) if multiplier.method() == method && multiplier.points() >= points => {
                multiplier
            }
            other => {
                *spare = other;
                drop(spare);
                Multiplier::new(method, max_bits)
            }
        };
        LentMultiplier(Some(multiplier))
    }
}

impl Deref for LentMultiplier {
    type Target = Multiplier;
    fn deref(&self) -> &Multiplier {
        self.0.as_ref().expect("lent until dropped")
    }
}

impl DerefMut for LentMultiplier {
    fn deref_mut(&mut self) -> &mut Multiplier {
        self.0.as_mut().expect("lent until dropped")
    }
}

impl Drop for LentMultiplier {
    fn drop(&mut self) {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(multiplier) = self.0.take() {
            let keep = spare.as_ref().is_none_or(|kept| {
                kept.method() != multiplier.method() || kept.points() < multiplier.points()
            });
            if keep {
                *spare = Some(multiplier);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;

    use super::*;

    /// The number's limbs, without zeros at the top.
    fn limbs_of(number: &BigUint) -> Vec<Limb> {
        let mut limbs: Vec<Limb> = number
            .to_u32_digits()
            .chunks(LIMB_BITS as usize / 32)
            .map(|words| {
                words
                    .iter()
                    .rev()
                    .fold(0, |limb, &word| (limb << 16 << 16) | Limb::from(word))
            })
            .collect();
        limbs.truncate(limbs::trimmed(&limbs).len());
        limbs
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn numbers_too_large_for_the_float_primes_take_the_lane_ntt() {
        let largest = (float_primes::MAX_WORDS as u64 - 1) * 64;
        assert_eq!(Method::F64Fma.for_bits(largest), Method::F64Fma);
        assert_eq!(Method::F64Fma.for_bits(largest + 64), Method::U32Lanes);
        assert_eq!(Method::U64Scalar.for_bits(u64::MAX / 2), Method::U64Scalar);
    }

    #[test]
    fn words_and_limbs_round_trip() {
        let number =
            BigUint::parse_bytes(b"123456789abcdef0fedcba9876543210aa55aa55ff", 16).unwrap();
        for bits in [32, 48, 64] {
            let limbs = limbs_of(&number);
            let mut back = Vec::new();
            let mut writer = LimbWriter::new(&mut back, bits);
            // Words that are whole (no carries), and a carry above them: the number plus
            // 5 2^(bits * words).
            let words: Vec<u64> = words_of(&limbs, bits).collect();
            for &word in &words {
                assert!(bits == 64 || word >> bits == 0);
                writer.push(word);
            }
            writer.finish(5);
            let expected = &number + (BigUint::from(5u32) << (bits as usize * words.len()));
            assert_eq!(limbs::to_biguint(&back), expected, "{bits}-bit words");
            assert_eq!(
                back,
                limbs_of(&expected),
                "{bits}-bit words: no zero limbs on top"
            );
        }
    }

    #[test]
    fn doubling_step_matches_num_bigint() {
        // Worst-case words (all ones) and irregular lengths.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut words = |n: usize| -> Vec<u32> {
            (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u32
                })
                .collect()
        };
        // Transforms of powers of two and of three times one, full and hardly used: in the
        // lane NTT's 32-bit words, 24 words take 48 points, 700 1 536, 1 100 3 072, 5 000
        // 12 288; in two_primes' 48-bit words, 768 take 1 024 points and 767 768; in
        // float_primes' 64-bit words, 1 023 take 1 024 points and 1 024 1 536.
        let lengths = [
            (1, 1),
            (3, 3),
            (7, 8),
            (22, 23),
            (100, 101),
            (699, 700),
            (767, 768),
            (1023, 1024),
            (1099, 1100),
            (4999, 5000),
            // float_primes' transforms shorter than the products, wrapping 15, 37 and 75
            // of their coefficients (`wrapped`): 1 024 and 3 072 points.
            (1030, 1040),
            (3100, 3110),
            (1090, 1100),
        ];
        #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
        let mut methods = vec![Method::U32Lanes, Method::U64Scalar];
        #[cfg(target_arch = "x86_64")]
        if float_primes::runs_here() {
            methods.push(Method::F64Fma);
        }
        let (mut even, mut odd) = (Vec::new(), Vec::new());
        // Each method on every path this machine runs: the lane NTT's kernels, and the float
        // NTT's four or eight lanes, are chosen by the path.
        let paths = methods
            .into_iter()
            .flat_map(|method| Isa::available().into_iter().map(move |isa| (method, isa)));
        for (method, isa) in paths {
            crate::isa::with_isa(isa, || {
                let mut multiplier = Multiplier::new(method, 5000 * 32);
                for (len_a, len_b) in lengths {
                    for all_ones in [false, true] {
                        let (wa, wb) = if all_ones {
                            (vec![u32::MAX; len_a], vec![u32::MAX; len_b])
                        } else {
                            (words(len_a), words(len_b))
                        };
                        let (a, b) = (BigUint::new(wa), BigUint::new(wb));
                        let b = if b < a { &a + &b } else { b }; // F(k+1) >= F(k)
                        let (f2k, f2k1) = (&a * ((&b << 1u8) - &a), &a * &a + &b * &b);
                        let (f2k, f2k1) = (limbs_of(&f2k), limbs_of(&f2k1));
                        let ab = (&limbs_of(&a)[..], &limbs_of(&b)[..]);
                        for (wanted, expected) in [
                            (Wanted::Both, (&f2k[..], &f2k1[..])),
                            (Wanted::Even, (&f2k[..], &[][..])),
                            (Wanted::Odd, (&[][..], &f2k1[..])),
                        ] {
                            multiplier.doubling_step(ab, wanted, (&mut even, &mut odd));
                            assert_eq!(
                                (&even[..], &odd[..]),
                                expected,
                                "{method:?} on {isa}: {len_a} x {len_b}, {}",
                                match wanted {
                                    Wanted::Both => "both",
                                    Wanted::Even => "F(2k) only",
                                    Wanted::Odd => "F(2k+1) only",
                                }
                            );
                        }
                    }
                }
            });
        }
    }
}
