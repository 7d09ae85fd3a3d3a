//! Transforms a little shorter than the product: the coefficients they wrap, exactly.
//!
//! A transform of T points gives the product's coefficients modulo X^T - 1: where the
//! product has L > T coefficients, each of its top ones, c(T + i), is added to c(i). A
//! transform may only have a power of two or three times one points, so a product just
//! longer than one of those lengths would pay for up to half as many points again, for a
//! few coefficients: F(10^5)'s last step has 1 085 coefficients of 64-bit words and took
//! 1 536 points. With T = 1 024 instead, the 61 wrapped coefficients are computed here
//! directly (they depend only on the factors' top 61 words: a triangle of products,
//! m^2 / 2 for m wrapped coefficients), subtracted from the lowest ones and written
//! above them by the carry pass.

use super::Wanted;

/// A coefficient of a product of words, exactly: `low + high 2^64`, the sums of the low
/// and of the high halves of its word products (so neither can overflow for any
/// transform this crate makes). Signed: F(2k)'s second factor 2F(k+1) - F(k) has
/// coefficients `2 b_i - a_i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Exact {
    pub(super) low: i128,
    pub(super) high: i128,
}

/// The sums over `j` of `x[j] y[i - j]`, as the low and high halves of the products.
#[derive(Clone, Copy, Default)]
struct Sum {
    low: u128,
    high: u128,
}

impl Sum {
    #[inline(always)]
    fn add_product(&mut self, x: u64, y: u64) {
        let product = u128::from(x) * u128::from(y);
        self.low += u128::from(product as u64);
        self.high += product >> 64;
    }

    fn signed(self) -> Exact {
        Exact {
            low: self.low as i128,
            high: self.high as i128,
        }
    }
}

/// Coefficient `i` of x y (words lowest first).
fn coefficient(x: &[u64], y: &[u64], i: usize) -> Sum {
    let mut sum = Sum::default();
    let first = i.saturating_sub(y.len() - 1);
    let last = i.min(x.len() - 1);
    for j in first..=last {
        sum.add_product(x[j], y[i - j]);
    }
    sum
}

/// Coefficient `i` of x^2: each product off the middle twice, from half the products.
fn square_coefficient(x: &[u64], i: usize) -> Sum {
    let first = i.saturating_sub(x.len() - 1);
    let mut half = Sum::default();
    // The pairs (j, i - j) with j < i - j.
    for j in first..i.div_ceil(2).max(first) {
        half.add_product(x[j], x[i - j]);
    }
    let mut sum = Sum {
        low: 2 * half.low,
        high: 2 * half.high,
    };
    if i.is_multiple_of(2) && i / 2 < x.len() {
        sum.add_product(x[i / 2], x[i / 2]);
    }
    sum
}

/// The coefficients `from..to` of a doubling step's products, exactly, from the words of
/// a = F(k) and b = F(k+1) (neither empty): into `even` those of a (2b - a), into `odd`
/// those of a^2 + b^2, each left empty unless `wanted`.
pub(super) fn top_coefficients(
    (a, b): (&[u64], &[u64]),
    (from, to): (usize, usize),
    wanted: Wanted,
    (even, odd): (&mut Vec<Exact>, &mut Vec<Exact>),
) {
    even.clear();
    odd.clear();
    for i in from..to {
        let a_squared = square_coefficient(a, i);
        if wanted != Wanted::Odd {
            let (ab, aa) = (coefficient(a, b, i).signed(), a_squared.signed());
            even.push(Exact {
                low: 2 * ab.low - aa.low,
                high: 2 * ab.high - aa.high,
            });
        }
        if wanted != Wanted::Even {
            let (aa, bb) = (a_squared.signed(), square_coefficient(b, i).signed());
            odd.push(Exact {
                low: aa.low + bb.low,
                high: aa.high + bb.high,
            });
        }
    }
}

/// A step's transform length, and the coefficients it wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// The transform's points.
    pub(super) points: usize,
    /// The products' coefficients: 2 longest - 1 for factors of `longest` words. Those
    /// from `points` on wrap (`top_coefficients`).
    pub(super) coefficients: usize,
}

impl Plan {
    /// The cheaper of the shortest transform that holds the products of factors of
    /// `longest` words, and the next shorter length that still holds the factors with
    /// the wrapped coefficients computed apart. `lengths(x)` is the shortest transform of
    /// at least x points; a wrapped coefficient costs about `wrap_cost` points of one
    /// transform (measured per method: a product of words against a butterfly).
    pub(super) fn for_factors(
        longest: usize,
        lengths: impl Fn(usize) -> usize,
        wrap_cost: f64,
    ) -> Plan {
        let coefficients = 2 * longest - 1;
        let full = lengths(coefficients);
        let plan = |points| Plan {
            points,
            coefficients,
        };
        // The next shorter length: half, or three quarters of a power of two, or two
        // thirds of 3m points, whichever `lengths` takes.
        let shorter = [full / 2, full / 4 * 3, full / 3 * 2]
            .into_iter()
            .filter(|&points| points < full && points >= longest && lengths(points) == points)
            .max();
        match shorter {
            Some(points) if plan(points).cost(wrap_cost) < plan(full).cost(wrap_cost) => {
                plan(points)
            }
            _ => plan(full),
        }
    }

    /// The coefficients that wrap.
    pub(super) fn wrapped(self) -> usize {
        self.coefficients.saturating_sub(self.points)
    }

    /// The step's cost, in points of one transform: `points log2(points)`, and for m
    /// wrapped coefficients, m^2 products of words (a^2's, ab's and b^2's triangles).
    pub(super) fn cost(self, wrap_cost: f64) -> f64 {
        let points = self.points as f64;
        let wrapped = self.wrapped() as f64;
        points * points.log2() + wrapped * wrapped * wrap_cost
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigUint;

    use super::*;

    /// The exact value of a coefficient.
    fn value(exact: Exact) -> num_bigint::BigInt {
        num_bigint::BigInt::from(exact.low) + (num_bigint::BigInt::from(exact.high) << 64)
    }

    #[test]
    fn top_coefficients_are_the_products_coefficients() {
        // Words of all ones (the largest sums) and mixed ones, of unequal lengths.
        let a: Vec<u64> = (0..37u64).map(|i| u64::MAX - i * i * 7_919).collect();
        let b: Vec<u64> = (0..40u64).map(|i| u64::MAX / (i + 1)).collect();
        let (mut even, mut odd) = (Vec::new(), Vec::new());
        let len = a.len().max(b.len());
        top_coefficients(
            (&a, &b),
            (30, 2 * len - 1),
            Wanted::Both,
            (&mut even, &mut odd),
        );
        assert_eq!(even.len(), 2 * len - 1 - 30);
        for (i, (&e, &o)) in (30..).zip(even.iter().zip(&odd)) {
            let term = |x: &[u64], y: &[u64]| -> num_bigint::BigInt {
                (0..=i)
                    .filter(|&j| j < x.len() && i - j < y.len())
                    .map(|j| num_bigint::BigInt::from(BigUint::from(x[j]) * y[i - j]))
                    .sum()
            };
            let (ab, aa, bb) = (term(&a, &b), term(&a, &a), term(&b, &b));
            assert_eq!(value(e), 2 * ab - &aa, "a (2b - a), coefficient {i}");
            assert_eq!(value(o), aa + bb, "a^2 + b^2, coefficient {i}");
        }
        top_coefficients((&a, &b), (30, 40), Wanted::Even, (&mut even, &mut odd));
        assert_eq!((even.len(), odd.len()), (10, 0));
        top_coefficients((&a, &b), (30, 40), Wanted::Odd, (&mut even, &mut odd));
        assert_eq!((even.len(), odd.len()), (0, 10));
    }

    #[test]
    fn a_few_wrapped_coefficients_beat_a_longer_transform() {
        let lengths = |x: usize| super::super::transform_len(x.div_ceil(2));
        // F(10^5)'s last step: 543 words, 1 085 coefficients: 1 024 points and 61 wrapped
        // rather than 1 536.
        let plan = Plan::for_factors(543, lengths, 1.0);
        assert_eq!((plan.points, plan.wrapped()), (1024, 61));
        // Just past a length by much: the full transform.
        let plan = Plan::for_factors(700, lengths, 1.0);
        assert_eq!((plan.points, plan.wrapped()), (1536, 0));
        // Never shorter than the factors.
        let plan = Plan::for_factors(1000, lengths, 0.0);
        assert!(plan.points >= 1000, "{plan:?}");
        // A transform that holds the products wraps nothing.
        let plan = Plan::for_factors(512, lengths, 1.0);
        assert_eq!((plan.points, plan.wrapped()), (1024, 0));
    }
}
