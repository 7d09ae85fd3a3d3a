//! The doubling step's products by NTTs modulo two primes below 2^62, on u64: the scalar
//! path of 64-bit targets (`Isa::Scalar`: x86-64 CPUs without AVX2, and any 64-bit CPU
//! this crate has no SIMD kernels for).
//!
//! Why a second NTT: the lane NTT (three 30-bit primes on 32-bit words, `super`) is built
//! for SIMD lanes of u32. With one lane, a 64-bit CPU multiplies 64x64->128 bits as fast
//! as 32x32->64, so two primes of 62 bits can carry words of 48 bits: a product's
//! coefficients stay below `words * 2^48 * 2^49` (one factor is `2b - a`, with one bit
//! more), under P / 2 = 2^122.9 for up to 2^25 words. A product then takes two
//! transforms of its 48-bit words where the lane NTT takes three of its 32-bit words:
//! 2.25x fewer butterflies, each about as dear (one 64x64->128 product and two 64-bit
//! ones against three 32x32->64). On x86-64 the gain is smaller: LLVM compiles the lane
//! NTT's one-lane kernel to SSE2, two 32x32->64 products an instruction; measured, F(10^6)
//! and F(10^7) take 0.78-0.8x the time they took with it (docs/performance.md).
//!
//! Otherwise the same plan as the lane NTT (see the module `ntt`): a power of two or
//! three times one points, the forward transform by decimation in frequency (bit-reversed
//! out), the inverse by decimation in time (bit-reversed in), 2F(k+1) - F(k) formed in
//! the transform domain, Garner's algorithm and one pass of carries. Portable Rust: it is
//! the path every machine can take.

use super::transform_len;
use super::wrapped::{self, Plan};
use super::{words_for, words_of, LimbWriter, Wanted};
use crate::limbs::{self, Limb};

/// 91 625 968 979 * 3 * 2^24 + 1 and 91 625 968 974 * 3 * 2^24 + 1: both hold transforms
/// of 2^24 and of 3 * 2^23 points, and 4Q < 2^64 leaves room for a sum of two values.
const Q1: u64 = 4_611_686_018_309_947_393;
const Q2: u64 = 4_611_686_018_058_289_153;
/// 5 generates the multiplicative group of each.
const GENERATOR: u64 = 5;
/// The bits of a number that one point carries.
pub(super) const WORD_BITS: u32 = 48;
const WORD_MASK: u64 = (1 << WORD_BITS) - 1;

/// The transform for a step whose longer factor has `longest` words: the shortest that
/// holds the products, or a shorter one whose wrapped coefficients a second transform
/// of the top words gives (`wrapped`).
pub(super) fn plan(longest: usize) -> Plan {
    Plan::for_factors(
        longest,
        |points| transform_len(points.div_ceil(2)),
        |_| true,
    )
}

/// The longest transform both primes hold.
const MAX_POINTS: usize = 1 << 24;
/// Transforms longer than this run one level over the whole array and then each half
/// on its own, so that from this size down a transform's levels run in the L1/L2 caches.
const BLOCK: usize = 1 << 11;

/// Arithmetic modulo `P`. Values are kept in [0, P), or lazily in [0, 2P) or [0, 4P)
/// inside a transform (4P < 2^64), as David Harvey's NTT does ("Faster arithmetic for
/// number-theoretic transforms", 2014): fewer corrections per butterfly.
pub(super) struct Field<const P: u64>;

impl<const P: u64> Field<P> {
    /// -P^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
    const NEG_INV: u64 = {
        let mut inv: u64 = 1;
        let mut i = 0;
        while i < 6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(P.wrapping_mul(inv)));
            i += 1;
        }
        inv.wrapping_neg()
    };
    /// floor(2^128 / P), a 66-bit number, for `Shoup::new`.
    const RECIPROCAL: u128 = u128::MAX / P as u128;

    /// Montgomery's product a b / 2^64 mod P, for a, b < 2P (result < P): the point by
    /// point products, of two variables.
    #[inline(always)]
    fn montgomery(a: u64, b: u64) -> u64 {
        let t = u128::from(a) * u128::from(b);
        let m = (t as u64).wrapping_mul(Self::NEG_INV);
        // t + m P < 2^126 + 2^126: no overflow; the sum is divisible by 2^64 and the
        // quotient below 2P.
        let u = ((t + u128::from(m) * u128::from(P)) >> 64) as u64;
        u.min(u.wrapping_sub(P))
    }

    /// `x mod P` for x < 2P.
    #[inline(always)]
    fn reduce(x: u64) -> u64 {
        x.min(x.wrapping_sub(P))
    }

    /// `x mod P` for x < 4P.
    #[inline(always)]
    fn reduce_from_4p(x: u64) -> u64 {
        Self::reduce(x.min(x.wrapping_sub(2 * P)))
    }

    #[inline(always)]
    fn add(a: u64, b: u64) -> u64 {
        Self::reduce(a + b)
    }

    #[inline(always)]
    fn sub(a: u64, b: u64) -> u64 {
        let d = a.wrapping_sub(b);
        d.min(d.wrapping_add(P))
    }

    /// Plain `base^exp mod P`; for tables and constants only.
    pub(super) const fn pow(base: u64, mut exp: u64) -> u64 {
        let (mut result, mut base) = (1u128, (base % P) as u128);
        while exp > 0 {
            if exp & 1 == 1 {
                result = result * base % P as u128;
            }
            base = base * base % P as u128;
            exp >>= 1;
        }
        result as u64
    }

    /// The plain `x^-1 mod P`.
    pub(super) const fn inverse(x: u64) -> u64 {
        Self::pow(x, P - 2)
    }
}

/// 1 / points mod P, plain, from `Twiddles::inverse_lengths` of a table that holds
/// transforms of `points` (2^k or 3 2^k).
pub(super) fn inverse_length(inverse_lengths: &[Vec<u64>; 2], points: usize) -> u64 {
    inverse_lengths[usize::from(!points.is_power_of_two())][points.trailing_zeros() as usize]
}

/// A constant factor w < P with its quotient floor(w 2^64 / P), for Victor Shoup's
/// product: x w mod P, up to one P, by one high and two low 64-bit products and no
/// reduction: the transforms' twiddle factors.
#[derive(Clone, Copy, Default)]
pub(super) struct Shoup {
    pub(super) w: u64,
    quotient: u64,
}

impl Shoup {
    fn new<const P: u64>(w: u64) -> Self {
        debug_assert!(w < P);
        // floor(w 2^128 / P) / 2^64 from the reciprocal, at most one below the quotient.
        let (high, low) = (
            (Field::<P>::RECIPROCAL >> 64) as u64,
            Field::<P>::RECIPROCAL as u64,
        );
        let mut quotient = w * high + ((u128::from(w) * u128::from(low)) >> 64) as u64;
        while (u128::from(w) << 64) - u128::from(quotient) * u128::from(P) >= u128::from(P) {
            quotient += 1;
        }
        Shoup { w, quotient }
    }

    /// -w, whose quotient is the complement of w's (w 2^64 / P is never an integer).
    fn negated<const P: u64>(self) -> Self {
        Shoup {
            w: P - self.w,
            quotient: !self.quotient,
        }
    }

    /// x w mod P, in [0, 2P), for any x < 2^64.
    #[inline(always)]
    fn times<const P: u64>(self, x: u64) -> u64 {
        let q = ((u128::from(x) * u128::from(self.quotient)) >> 64) as u64;
        x.wrapping_mul(self.w).wrapping_sub(q.wrapping_mul(P))
    }
}

/// The roots of unity of every transform up to a length: as in the lane NTT's
/// `Twiddles`, `forward[len + j] = w^j` and `inverse[len + j] = w^-j` for a primitive
/// 2len-th root w; for 3m points, `thirds[k][m + j]` = z^j, z^2j, z^-j, z^-2j (k = 0 to 3)
/// for a primitive 3m-th root z, and the cube root of unity `omega` = z^m.
pub(super) struct Twiddles {
    pub(super) forward: Vec<Shoup>,
    pub(super) inverse: Vec<Shoup>,
    pub(super) thirds: [Vec<Shoup>; 4],
    pub(super) omega: Shoup,
    /// 1 / 2^k and 1 / (3 2^k) mod P at k, plain: the scale of an inverse transform of
    /// 2^k or 3 2^k points, taken from here rather than inverted at every step
    /// (`inverse_length`).
    pub(super) inverse_lengths: [Vec<u64>; 2],
}

impl Twiddles {
    /// For transforms up to `points`, from a generator of the group modulo P. Each table's
    /// largest level by one chain of products; each smaller level takes
    /// every other value of the one above (the square of a root is the next one down),
    /// and the inverse powers are the forward ones negated: w^-j = -w^(len - j).
    pub(super) fn new<const P: u64>(points: usize, generator: u64) -> Self {
        let power = if points.is_power_of_two() {
            points
        } else {
            points / 3 * 2
        }
        .max(2);
        let mut forward = vec![Shoup::default(); power];
        let w = Field::<P>::pow(generator, (P - 1) / power as u64);
        Self::powers::<P>(&mut forward[power / 2..], w);
        Self::halve_levels(&mut forward, power / 2);
        let mut inverse = vec![Shoup::default(); power];
        let mut len = 1;
        while len < power {
            inverse[len] = forward[len];
            for j in 1..len {
                inverse[len + j] = forward[2 * len - j].negated::<P>();
            }
            len *= 2;
        }
        // The thirds' twists for m up to the largest with 3m <= points.
        let largest = if points.is_power_of_two() {
            (power / 4).max(1)
        } else {
            power / 2
        };
        let mut thirds: [Vec<Shoup>; 4] = Default::default();
        let z = Field::<P>::pow(generator, (P - 1) / (3 * largest as u64));
        let z_inv = Field::<P>::inverse(z);
        let roots = [z, Field::<P>::pow(z, 2), z_inv, Field::<P>::pow(z_inv, 2)];
        for (table, root) in thirds.iter_mut().zip(roots) {
            table.resize(2 * largest, Shoup::default());
            Self::powers::<P>(&mut table[largest..], root);
            Self::halve_levels(table, largest);
        }
        Twiddles {
            forward,
            inverse,
            thirds,
            omega: Shoup::new::<P>(Field::<P>::pow(generator, (P - 1) / 3)),
            inverse_lengths: [1, 3].map(|odd| {
                let mut inverse = Field::<P>::inverse(odd);
                (0..=points.ilog2())
                    .map(|_| {
                        let this = inverse;
                        // Halved: inverse is even or inverse + P is.
                        inverse = if inverse.is_multiple_of(2) {
                            inverse / 2
                        } else {
                            (inverse + P) / 2
                        };
                        this
                    })
                    .collect()
            }),
        }
    }

    /// `table[j] = root^j`.
    fn powers<const P: u64>(table: &mut [Shoup], root: u64) {
        let root = Shoup::new::<P>(root);
        let mut power = 1;
        for slot in table {
            *slot = Shoup::new::<P>(power);
            power = Field::<P>::reduce(root.times::<P>(power));
        }
    }

    /// `table[len + j] = table[2 len + 2j]` for every level below `top`.
    fn halve_levels(table: &mut [Shoup], top: usize) {
        let mut len = top / 2;
        while len >= 1 {
            for j in 0..len {
                table[len + j] = table[2 * len + 2 * j];
            }
            len /= 2;
        }
    }
}

/// The forward transform of `a` (a power of two or three times one points, values below
/// P): natural order in, bit-reversed order out (each third's, after the split in
/// three), values below 2P.
fn forward<const P: u64>(a: &mut [u64], twiddles: &Twiddles) {
    if a.len().is_power_of_two() {
        return forward_power_of_two::<P>(a, &twiddles.forward);
    }
    let m = a.len() / 3;
    let [z1, z2, _, _] = &twiddles.thirds;
    let (z1, z2) = (&z1[m..2 * m], &z2[m..2 * m]);
    let (first, rest) = a.split_at_mut(m);
    let (second, third) = rest.split_at_mut(m);
    let omega = twiddles.omega;
    for j in 0..m {
        let (x0, x1, x2) = (first[j], second[j], third[j]);
        // With omega^2 = -1 - omega: x0 + omega x1 + omega^2 x2 = x0 - x2 + t and
        // x0 + omega^2 x1 + omega x2 = x0 - x1 - t, where t = omega (x1 - x2).
        let t = Field::<P>::reduce(omega.times::<P>(x1 + P - x2));
        first[j] = Field::<P>::add(x0, Field::<P>::add(x1, x2));
        second[j] = Field::<P>::reduce(z1[j].times::<P>(x0 + 2 * P - x2 + t - P));
        third[j] = Field::<P>::reduce(z2[j].times::<P>(x0 + 2 * P - x1 - t));
    }
    for part in [first, second, third] {
        forward_power_of_two::<P>(part, &twiddles.forward);
    }
}

/// The inverse of `forward` (values below 2P in, below P out), times the number of points.
fn inverse<const P: u64>(a: &mut [u64], twiddles: &Twiddles) {
    if a.len().is_power_of_two() {
        inverse_power_of_two::<P>(a, &twiddles.inverse);
        return a
            .iter_mut()
            .for_each(|x| *x = Field::<P>::reduce_from_4p(*x));
    }
    let m = a.len() / 3;
    let [_, _, z1, z2] = &twiddles.thirds;
    let (z1, z2) = (&z1[m..2 * m], &z2[m..2 * m]);
    let (first, rest) = a.split_at_mut(m);
    let (second, third) = rest.split_at_mut(m);
    for part in [&mut *first, &mut *second, &mut *third] {
        inverse_power_of_two::<P>(part, &twiddles.inverse);
    }
    let omega = twiddles.omega;
    for j in 0..m {
        let u0 = Field::<P>::reduce_from_4p(first[j]);
        let u1 = Field::<P>::reduce(z1[j].times::<P>(second[j]));
        let u2 = Field::<P>::reduce(z2[j].times::<P>(third[j]));
        // u0 + omega^2 u1 + omega u2 = u0 - u1 + t and u0 + omega u1 + omega^2 u2 =
        // u0 - u2 - t, where t = omega (u2 - u1).
        let t = Field::<P>::reduce(omega.times::<P>(u2 + P - u1));
        first[j] = Field::<P>::add(u0, Field::<P>::add(u1, u2));
        second[j] = Field::<P>::reduce_from_4p(u0 + 2 * P - u1 + t - P);
        third[j] = Field::<P>::reduce_from_4p(u0 + 2 * P - u2 - t);
    }
}

/// Decimation in frequency: (x, y) -> (x + y, (x - y) w^j), from the butterflies half
/// the length apart down to neighbours; depth first above `BLOCK`, two levels a pass
/// below it. Values below 2P in and out.
fn forward_power_of_two<const P: u64>(a: &mut [u64], tw: &[Shoup]) {
    let n = a.len();
    if n > BLOCK {
        let (low, high) = a.split_at_mut(n / 2);
        for ((x, y), &w) in low.iter_mut().zip(high.iter_mut()).zip(&tw[n / 2..n]) {
            (*x, *y) = forward_butterfly::<P>(*x, *y, w);
        }
        forward_power_of_two::<P>(low, tw);
        forward_power_of_two::<P>(high, tw);
        return;
    }
    let mut half = n / 2;
    while half >= 4 {
        forward_two_levels::<P>(a, half, tw);
        half /= 4;
    }
    if half == 2 {
        // The last two levels, in blocks of four: twiddles 1 and w^1 (a fourth root),
        // then 1.
        let fourth_root = tw[3];
        for block in a.chunks_exact_mut(4) {
            let (y0, y2) = (
                add_below_2p::<P>(block[0], block[2]),
                sub_below_2p::<P>(block[0], block[2]),
            );
            let (y1, y3) = forward_butterfly::<P>(block[1], block[3], fourth_root);
            block.copy_from_slice(&[
                add_below_2p::<P>(y0, y1),
                sub_below_2p::<P>(y0, y1),
                add_below_2p::<P>(y2, y3),
                sub_below_2p::<P>(y2, y3),
            ]);
        }
    } else if half == 1 {
        for pair in a.chunks_exact_mut(2) {
            pair.copy_from_slice(&[
                add_below_2p::<P>(pair[0], pair[1]),
                sub_below_2p::<P>(pair[0], pair[1]),
            ]);
        }
    }
}

/// The forward levels with butterflies `half` and `half / 2` apart, in one pass.
fn forward_two_levels<const P: u64>(a: &mut [u64], half: usize, tw: &[Shoup]) {
    let quarter = half / 2;
    let (outer, inner) = (&tw[half..2 * half], &tw[quarter..half]);
    for block in a.chunks_exact_mut(2 * half) {
        let (low, high) = block.split_at_mut(half);
        let (q0, q1) = low.split_at_mut(quarter);
        let (q2, q3) = high.split_at_mut(quarter);
        for j in 0..quarter {
            let (y0, y2) = forward_butterfly::<P>(q0[j], q2[j], outer[j]);
            let (y1, y3) = forward_butterfly::<P>(q1[j], q3[j], outer[quarter + j]);
            (q0[j], q1[j]) = forward_butterfly::<P>(y0, y1, inner[j]);
            (q2[j], q3[j]) = forward_butterfly::<P>(y2, y3, inner[j]);
        }
    }
}

/// (x + y, (x - y) w) for x, y below 2P, both results below 2P.
#[inline(always)]
fn forward_butterfly<const P: u64>(x: u64, y: u64, w: Shoup) -> (u64, u64) {
    (add_below_2p::<P>(x, y), w.times::<P>(x + 2 * P - y))
}

/// x + y mod P, below 2P, for x, y below 2P.
#[inline(always)]
fn add_below_2p<const P: u64>(x: u64, y: u64) -> u64 {
    let sum = x + y;
    sum.min(sum.wrapping_sub(2 * P))
}

/// x - y mod P, below 2P, for x, y below 2P.
#[inline(always)]
fn sub_below_2p<const P: u64>(x: u64, y: u64) -> u64 {
    add_below_2p::<P>(x, 2 * P - y)
}

/// Decimation in time, the levels of `forward_power_of_two` undone in reverse order:
/// (x, y) -> (x + y w^-j, x - y w^-j). Values below 4P in and out.
fn inverse_power_of_two<const P: u64>(a: &mut [u64], tw: &[Shoup]) {
    let n = a.len();
    if n > BLOCK {
        let (low, high) = a.split_at_mut(n / 2);
        inverse_power_of_two::<P>(low, tw);
        inverse_power_of_two::<P>(high, tw);
        for ((x, y), &w) in low.iter_mut().zip(high.iter_mut()).zip(&tw[n / 2..n]) {
            (*x, *y) = inverse_butterfly::<P>(*x, *y, w);
        }
        return;
    }
    let mut len = 1;
    if n.trailing_zeros() % 2 == 1 {
        // An odd number of levels: the first alone (twiddle 1).
        for pair in a.chunks_exact_mut(2) {
            let (u, v) = (below_2p::<P>(pair[0]), below_2p::<P>(pair[1]));
            pair.copy_from_slice(&[u + v, u + 2 * P - v]);
        }
        len = 2;
    }
    while len < n {
        inverse_two_levels::<P>(a, len, tw);
        len *= 4;
    }
}

/// The inverse levels with butterflies `len` and `2 len` apart, in one pass.
fn inverse_two_levels<const P: u64>(a: &mut [u64], len: usize, tw: &[Shoup]) {
    let (inner, outer) = (&tw[len..2 * len], &tw[2 * len..4 * len]);
    for block in a.chunks_exact_mut(4 * len) {
        let (low, high) = block.split_at_mut(2 * len);
        let (q0, q1) = low.split_at_mut(len);
        let (q2, q3) = high.split_at_mut(len);
        for j in 0..len {
            let (y0, y1) = inverse_butterfly::<P>(q0[j], q1[j], inner[j]);
            let (y2, y3) = inverse_butterfly::<P>(q2[j], q3[j], inner[j]);
            (q0[j], q2[j]) = inverse_butterfly::<P>(y0, y2, outer[j]);
            (q1[j], q3[j]) = inverse_butterfly::<P>(y1, y3, outer[len + j]);
        }
    }
}

/// (x + y w, x - y w) for x, y below 4P, both results below 4P.
#[inline(always)]
fn inverse_butterfly<const P: u64>(x: u64, y: u64, w: Shoup) -> (u64, u64) {
    let (u, v) = (below_2p::<P>(x), w.times::<P>(y));
    (u + v, u + 2 * P - v)
}

/// x mod P, below 2P, for x below 4P.
#[inline(always)]
fn below_2p<const P: u64>(x: u64) -> u64 {
    x.min(x.wrapping_sub(2 * P))
}

/// One doubling step modulo `P`: `products` and `squares` hold the words of a = F(k)
/// and b = F(k+1), zero-padded to the plan's points, then (where it wraps) their top words
/// for the tail's transform; they get the residues of a (2b - a) and a^2 + b^2, below P,
/// the product's coefficients in order (those from the plan's points on where the tail
/// was).
fn doubling_products_mod<const P: u64>(
    (products, squares): (&mut [u64], &mut [u64]),
    plan: Plan,
    wanted: Wanted,
    twiddles: &Twiddles,
) {
    let (products, products_tail) = products.split_at_mut(plan.points);
    let (squares, squares_tail) = squares.split_at_mut(plan.points);
    transform_products::<P>((products, squares), wanted, twiddles);
    let wrapped = plan.wrapped();
    if wrapped == 0 {
        return;
    }
    // The top words' products: their coefficients wrapped - 1 .. 2 wrapped - 1 are the
    // product's from plan.points on, which the transform added to its lowest ones.
    transform_products::<P>((&mut *products_tail, &mut *squares_tail), wanted, twiddles);
    let buffers = [(products, products_tail), (squares, squares_tail)];
    wrapped::unwrap(wanted, wrapped, buffers, Field::<P>::sub);
}

/// One transform's products: from a and b, zero-padded, the residues of a (2b - a) and
/// a^2 + b^2 (those `wanted`), below P.
fn transform_products<const P: u64>(
    (products, squares): (&mut [u64], &mut [u64]),
    wanted: Wanted,
    twiddles: &Twiddles,
) {
    forward::<P>(products, twiddles);
    forward::<P>(squares, twiddles);
    // A Montgomery product divides by 2^64; `scale` = 2^64 / points undoes that and
    // the inverse transform's factor `points`.
    let two_to_64 = (1u128 << 64) % u128::from(P);
    let one_over_points = inverse_length(&twiddles.inverse_lengths, products.len());
    let scale = two_to_64 * u128::from(one_over_points) % u128::from(P);
    let scale = Shoup::new::<P>(scale as u64);
    for (x, y) in products.iter_mut().zip(squares.iter_mut()) {
        // From below 2P to below P: Montgomery's product takes either.
        let (a, b) = (Field::<P>::reduce(*x), Field::<P>::reduce(*y));
        // Only the products wanted (the last step needs one).
        if wanted != Wanted::Odd {
            let twice_b_minus_a = Field::<P>::sub(Field::<P>::add(b, b), a);
            *x = scale.times::<P>(Field::<P>::montgomery(a, twice_b_minus_a));
        }
        if wanted != Wanted::Even {
            let sum = Field::<P>::montgomery(a, a) + Field::<P>::montgomery(b, b);
            *y = scale.times::<P>(sum);
        }
    }
    if wanted != Wanted::Odd {
        inverse::<P>(products, twiddles);
    }
    if wanted != Wanted::Even {
        inverse::<P>(squares, twiddles);
    }
}

/// The two primes' tables and buffers, for factors up to a size.
pub(crate) struct Multiplier {
    pub(super) points: usize,
    tables: [Twiddles; 2],
    /// Two products' residues for each prime, reused from step to step.
    scratch: Vec<u64>,
}

impl Multiplier {
    /// Ready for factors of up to `max_bits` bits each.
    pub(super) fn new(max_bits: u64) -> Self {
        let points = transform_len(words_for(max_bits, WORD_BITS));
        assert!(points <= MAX_POINTS, "too large for the NTT primes");
        Multiplier {
            points,
            tables: [
                Twiddles::new::<Q1>(points, GENERATOR),
                Twiddles::new::<Q2>(points, GENERATOR),
            ],
            // Each buffer holds a transform and its tail's (at most half as long).
            scratch: vec![0; 4 * (points + points / 2)],
        }
    }

    /// `even` = a (2b - a) and `odd` = a^2 + b^2 for a = F(k), b = F(k+1), or only the
    /// one `wanted` (the other is left empty).
    pub(super) fn doubling_step(
        &mut self,
        (a, b): (&[Limb], &[Limb]),
        wanted: Wanted,
        (even, odd): (&mut Vec<Limb>, &mut Vec<Limb>),
    ) {
        let bits = limbs::bit_length(a).max(limbs::bit_length(b));
        let longest = bits.div_ceil(u64::from(WORD_BITS)) as usize;
        let plan = plan(longest.max(1));
        let (points, wrapped) = (plan.points, plan.wrapped());
        assert!(points <= self.points, "Multiplier made for smaller numbers");
        // Each buffer: the transform's points, then the tail's.
        let span = points + plan.tail_points;
        let (first, second) = self.scratch[..4 * span].split_at_mut(2 * span);
        let (c1, s1) = first.split_at_mut(span);
        let (c2, s2) = second.split_at_mut(span);
        for (number, buffer) in [(a, &mut *c1), (b, &mut *s1)] {
            let (main, tail) = buffer.split_at_mut(points);
            split_into_words(number, main);
            // The top `wrapped` words, whose product's upper half is the wrapped
            // coefficients (`wrapped`).
            if wrapped > 0 {
                let top = wrapped::top_words(&main[..longest], longest, wrapped);
                tail[..wrapped].copy_from_slice(top);
                tail[wrapped..].fill(0);
            }
        }
        c2.copy_from_slice(c1);
        s2.copy_from_slice(s1);
        doubling_products_mod::<Q1>((c1, s1), plan, wanted, &self.tables[0]);
        doubling_products_mod::<Q2>((c2, s2), plan, wanted, &self.tables[1]);
        let coefficients = plan.coefficients.min(points + wrapped);
        wanted.write_into(
            (even, odd),
            [(&*c1, &*c2), (&*s1, &*s2)],
            |(r1, r2), out| {
                combine(r1, r2, coefficients, LimbWriter::new(out, WORD_BITS));
            },
        );
    }
}

/// `number`'s 48-bit words into `out`, zeros after them.
fn split_into_words(number: &[Limb], out: &mut [u64]) {
    let mut words = 0;
    for (slot, word) in out.iter_mut().zip(words_of(number, WORD_BITS)) {
        *slot = word;
        words += 1;
    }
    out[words..].fill(0);
}

/// Rebuilds the first `words` coefficients from their residues (Garner's algorithm: x =
/// r1 + Q1 t, t = (r2 - r1) / Q1 mod Q2), reads them as signed and adds them up with
/// their carries, 48 bits apart.
fn combine(r1: &[u64], r2: &[u64], words: usize, mut out: LimbWriter) {
    const Q1_INVERSE: u64 = Field::<Q2>::inverse(Q1 % Q2);
    let q1_inverse = Shoup::new::<Q2>(Q1_INVERSE);
    let mut carry: i128 = 0;
    for (&x1, &x2) in r1.iter().zip(r2).take(words) {
        // Q2 < Q1 < 2 Q2: one subtraction reduces x1 modulo Q2.
        let t = Field::<Q2>::reduce(
            q1_inverse.times::<Q2>(Field::<Q2>::sub(x2, Field::<Q2>::reduce(x1))),
        );
        // x in [0, P) is negative, x - P, when t > Q2 / 2: exact while |x| stays Q1 away
        // from P / 2 (it stays below 2^118, P / 2 is about 2^122.9).
        let t = i128::from(t) - if t > Q2 / 2 { i128::from(Q2) } else { 0 };
        let sum = carry + i128::from(x1) + i128::from(Q1) * t;
        out.push(sum as u64 & WORD_MASK);
        carry = sum >> WORD_BITS; // a floor division
    }
    debug_assert!(carry >= 0, "a product of F(k)s is positive");
    out.finish(carry as u128);
}

/// The prime factors of `n`, by trial division: for the tests of the primes' generators.
#[cfg(test)]
pub(super) fn prime_factors(n: u64) -> Vec<u64> {
    let (mut rest, mut factors, mut f) = (n, Vec::new(), 2);
    while f * f <= rest {
        if rest % f == 0 {
            factors.push(f);
            while rest % f == 0 {
                rest /= f;
            }
        }
        f += 1;
    }
    if rest > 1 {
        factors.push(rest);
    }
    factors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primes_hold_the_transforms_and_the_products() {
        for q in [Q1, Q2] {
            // 3 * 2^24 divides Q - 1, and 5 is a generator: its powers by (Q - 1) / f are not
            // one for each prime factor f of Q - 1.
            assert_eq!((q - 1) % (3 << 24), 0);
            let factors = prime_factors(q - 1);
            let pow = |base: u64, exp: u64| match q {
                Q1 => Field::<Q1>::pow(base, exp),
                _ => Field::<Q2>::pow(base, exp),
            };
            for f in factors {
                assert_ne!(
                    pow(GENERATOR, (q - 1) / f),
                    1,
                    "{q}: order divides (q-1)/{f}"
                );
            }
            assert!(q < 1 << 62);
        }
        // The largest coefficient of the largest product, with Q1 of margin, below P / 2.
        let max_words = (MAX_POINTS / 2) as u128;
        assert!(
            (max_words << (2 * WORD_BITS + 1)) + u128::from(Q1)
                < u128::from(Q1) * u128::from(Q2) / 2
        );
    }

    #[test]
    fn products_agree_with_plain_ones() {
        let plain = |a: u64, b: u64| (u128::from(a) * u128::from(b) % u128::from(Q1)) as u64;
        let two_to_64 = ((1u128 << 64) % u128::from(Q1)) as u64;
        for (a, b) in [
            (0, 5),
            (1, 1),
            (Q1 - 1, Q1 - 1),
            (123_456_789_012, Q1 - 2),
            (Q1 + 7, 2 * Q1 - 1),
        ] {
            // Montgomery's: a b / 2^64, from operands below 2P.
            let montgomery = Field::<Q1>::montgomery(a, b);
            assert!(montgomery < Q1);
            assert_eq!(
                plain(montgomery, two_to_64),
                plain(a % Q1, b % Q1),
                "{a} * {b}"
            );
            // Shoup's, by a constant below P, of anything below 2^64: up to one P.
            let w = b % Q1;
            for x in [a, a + 2 * Q1, u64::MAX] {
                let product = Shoup::new::<Q1>(w).times::<Q1>(x);
                assert!(product < 2 * Q1);
                assert_eq!(product % Q1, plain(x % Q1, w), "{x} * {w}");
                let negated = Shoup::new::<Q1>(w).negated::<Q1>();
                if w != 0 {
                    assert_eq!(negated.quotient, Shoup::new::<Q1>(Q1 - w).quotient);
                }
            }
        }
    }

    // The whole doubling step against num-bigint: `super::tests`, for both methods.
}
