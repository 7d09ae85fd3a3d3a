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
//!   for AVX2 with FMA ([`Method`] chooses).

mod crt;
mod field;
#[cfg(target_arch = "x86_64")]
mod float_primes;
mod garner;
mod kernels;
mod transform;
mod two_primes;

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use num_bigint::BigUint;

use crt::combine;
use field::Field;
pub(crate) use transform::transform_len;
use transform::Twiddles;

use crate::isa::Isa;

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

/// One doubling step for one prime: residues of the wanted products, left in `products`
/// (F(2k)) and `squares` (F(2k+1)).
///
/// Only F(k) and F(k+1) are transformed: 2F(k+1) - F(k) is formed in the transform
/// domain, which is linear.
fn doubling_products_mod<const P: u32>(
    (a, b): (&[u32], &[u32]),
    wanted: Wanted,
    twiddles: &Twiddles,
    products: &mut [u32],
    squares: &mut [u32],
) {
    let points = products.len();
    // The words fill at most half of the points; the transform reads the rest of the
    // first half (a power of two), or of the first two thirds (3m points), as zeros.
    let read = if points.is_power_of_two() {
        points / 2
    } else {
        points / 3 * 2
    };
    for (words, out) in [(a, &mut *products), (b, &mut *squares)] {
        let input = &mut out[..read];
        input[..words.len()].copy_from_slice(words);
        input[words.len()..].fill(0);
        let whole_lanes = words.len().next_multiple_of(8).min(read);
        transform::to_residues::<P>(&mut input[..whole_lanes]);
        transform::forward_zero_padded::<P>(out, twiddles);
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
            scratch: vec![0; 6 * points],
            words: Vec::with_capacity(points),
        }
    }

    /// One doubling step from a = F(k), b = F(k+1): `(a (2b - a), a^2 + b^2)`, that is
    /// `(F(2k), F(2k+1))`, or only the one `wanted` (the other is then `None`).
    pub(crate) fn doubling_step(
        &mut self,
        a: &BigUint,
        b: &BigUint,
        wanted: Wanted,
    ) -> (Option<BigUint>, Option<BigUint>) {
        // 2b - a has at most one bit more than b: room for it in `words`.
        let words = (a.bits().max(b.bits()) as usize).div_ceil(32) + 1;
        let points = transform_len(words);
        assert!(
            points <= self.points,
            "LaneMultiplier made for smaller numbers"
        );
        let mut buffers = self.scratch[..6 * points].chunks_exact_mut(points);
        let mut next = || buffers.next().expect("six buffers");
        let (c1, s1, c2, s2, c3, s3) = (next(), next(), next(), next(), next(), next());
        self.words.clear();
        for number in [a, b] {
            for digit in number.iter_u64_digits() {
                self.words.extend([digit as u32, (digit >> 32) as u32]);
            }
        }
        // A final zero word from a 64-bit digit is harmless: it is a zero coefficient.
        let ab = self.words.split_at(2 * a.iter_u64_digits().len());
        doubling_products_mod::<P1>(ab, wanted, &self.tables[0], c1, s1);
        doubling_products_mod::<P2>(ab, wanted, &self.tables[1], c2, s2);
        doubling_products_mod::<P3>(ab, wanted, &self.tables[2], c3, s3);
        (
            (wanted != Wanted::Odd).then(|| combine(c1, c2, c3, 2 * words)),
            (wanted != Wanted::Even).then(|| combine(s1, s2, s3, 2 * words)),
        )
    }
}

/// Which NTT a computation takes: with AVX2 and FMA, three 50-bit primes in doubles
/// (`float_primes`); on the scalar path of a 64-bit target, two 62-bit primes on u64
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
        Method::for_isa(Isa::current())
    }

    /// The method of `isa`'s path on this machine.
    pub(crate) fn for_isa(isa: Isa) -> Method {
        match isa {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 if float_primes::runs_here() => Method::F64Fma,
            Isa::Scalar if cfg!(target_pointer_width = "64") => Method::U64Scalar,
            _ => Method::U32Lanes,
        }
    }

    /// This method for factors of up to `bits` bits, or the lane NTT if they are too large
    /// for its primes.
    fn for_bits(self, bits: u64) -> Method {
        match self {
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma if float_primes::words_for(bits) > float_primes::MAX_WORDS => {
                Method::U32Lanes
            }
            method => method,
        }
    }

    /// The bits a step from F(k) of `bits` bits pays for: its transform's points times
    /// the bits of a factor that a point carries (half a word: a factor fills at most
    /// half the points).
    pub(crate) fn padded_bits(self, bits: u64) -> u64 {
        match self.for_bits(bits) {
            // F(k + 1) has at most one bit more, 2F(k+1) - F(k) one more again.
            Method::U32Lanes => {
                let words = (bits + 1).div_ceil(32) + 1;
                transform_len(words as usize) as u64 * 16
            }
            Method::U64Scalar => {
                let words = two_primes::words_for(bits + 1);
                transform_len(words) as u64 * u64::from(two_primes::WORD_BITS / 2)
            }
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => {
                let words = float_primes::words_for(bits + 1);
                float_primes::points_for(words) as u64 * u64::from(float_primes::WORD_BITS / 2)
            }
        }
    }

    /// The points of this method's transforms for factors of up to `bits` bits.
    fn points_for(self, bits: u64) -> usize {
        match self {
            Method::U32Lanes => transform_len(words_of(bits)),
            Method::U64Scalar => transform_len(two_primes::words_for(bits)),
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => float_primes::points_for(float_primes::words_for(bits)),
        }
    }
}

/// One computation's NTT tables and buffers.
pub(crate) enum Multiplier {
    U32Lanes(LaneMultiplier),
    U64Scalar(two_primes::Multiplier),
    #[cfg(target_arch = "x86_64")]
    F64Fma(float_primes::Multiplier),
}

impl Multiplier {
    /// Ready for factors of up to `max_bits` bits each, by `method`.
    fn new(method: Method, max_bits: u64) -> Self {
        match method {
            Method::U32Lanes => Multiplier::U32Lanes(LaneMultiplier::new(words_of(max_bits))),
            Method::U64Scalar => Multiplier::U64Scalar(two_primes::Multiplier::new(max_bits)),
            #[cfg(target_arch = "x86_64")]
            Method::F64Fma => Multiplier::F64Fma(float_primes::Multiplier::new(max_bits)),
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

    /// One doubling step from a = F(k), b = F(k+1): `(F(2k), F(2k+1))`, or only the one
    /// `wanted` (the other is then `None`).
    pub(crate) fn doubling_step(
        &mut self,
        a: &BigUint,
        b: &BigUint,
        wanted: Wanted,
    ) -> (Option<BigUint>, Option<BigUint>) {
        match self {
            Multiplier::U32Lanes(multiplier) => multiplier.doubling_step(a, b, wanted),
            Multiplier::U64Scalar(multiplier) => multiplier.doubling_step(a, b, wanted),
            #[cfg(target_arch = "x86_64")]
            Multiplier::F64Fma(multiplier) => multiplier.doubling_step(a, b, wanted),
        }
    }
}

/// The 32-bit words of a number of `bits` bits.
fn words_of(bits: u64) -> usize {
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
    use super::*;

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
        // 12 288; in two_primes' 48-bit words, 768 take 1 024 points and 767 768.
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
        ];
        let mut methods = vec![Method::U32Lanes, Method::U64Scalar];
        #[cfg(target_arch = "x86_64")]
        if float_primes::runs_here() {
            methods.push(Method::F64Fma);
        }
        for method in methods {
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
                    let both = multiplier.doubling_step(&a, &b, Wanted::Both);
                    assert_eq!(
                        both,
                        (Some(f2k.clone()), Some(f2k1.clone())),
                        "{method:?}: {len_a} x {len_b}"
                    );
                    let even = multiplier.doubling_step(&a, &b, Wanted::Even);
                    assert_eq!(
                        even,
                        (Some(f2k), None),
                        "{method:?}: F(2k) only, {len_a} x {len_b}"
                    );
                    let odd = multiplier.doubling_step(&a, &b, Wanted::Odd);
                    assert_eq!(
                        odd,
                        (None, Some(f2k1)),
                        "{method:?}: F(2k+1) only, {len_a} x {len_b}"
                    );
                }
            }
        }
    }
}
