//! Transforms shorter than the product: the coefficients they wrap, computed apart.
//!
//! A transform of T points gives the product's coefficients modulo X^T - 1: where the
//! product has L > T coefficients, each of its top ones, c(T + i), is added to c(i). A
//! transform may only have a power of two or three times one points, so a product just
//! longer than one of those lengths would pay for up to half as many points again: F(10^5)'s
//! last step has 1 085 coefficients of 64-bit words and took 1 536 points. With T = 1 024
//! instead, the m = L - T wrapped coefficients depend only on the factors' top m words
//! (c(T + i) sums a_j b_(T+i-j) with both indices at least len - m): the upper half of
//! the top words' product, which a second transform of at least 2m - 1 points (the
//! "tail", 128 points there) gives modulo the same primes. Each NTT then takes the tail's
//! coefficients off the lowest ones and puts them above the T others, before Garner's
//! algorithm and the carries. F(1.2*10^6)'s last step on the scalar path takes 16 384 +
//! 2 048 points instead of 24 576.
//!
//! (A first version computed the wrapped coefficients from their m^2 / 2 products of words
//! instead: as fast for a few, and no help for thousands.)

use super::Wanted;

/// A step's transform length, and the coefficients it wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// The transform's points.
    pub(super) points: usize,
    /// The products' coefficients: 2 longest - 1 for factors of `longest` words. Those
    /// from `points` on wrap.
    pub(super) coefficients: usize,
    /// The points of the tail, the transform of the top words (at most half of
    /// `points`); 0 where nothing wraps.
    pub(super) tail_points: usize,
}

impl Plan {
    /// The cheaper of the shortest transform that holds the products of factors of
    /// `longest` words, and the next shorter length that still holds the factors with
    /// the wrapped coefficients computed apart. `lengths(x)` is the shortest transform of
    /// at least x points; `shorter_may_be(points)` says whether the method can take a
    /// shorter transform of that length (the lane NTT: powers of two only).
    pub(super) fn for_factors(
        longest: usize,
        lengths: impl Fn(usize) -> usize,
        shorter_may_be: impl Fn(usize) -> bool,
    ) -> Plan {
        let coefficients = 2 * longest - 1;
        let full = Plan {
            points: lengths(coefficients),
            coefficients,
            tail_points: 0,
        };
        // The next shorter length: half, or three quarters of a power of two, or two
        // thirds of 3m points, whichever `lengths` takes.
        let shorter = [full.points / 2, full.points / 4 * 3, full.points / 3 * 2]
            .into_iter()
            .filter(|&points| {
                points < full.points
                    && points >= longest
                    && lengths(points) == points
                    && shorter_may_be(points)
            })
            .max();
        let Some(points) = shorter else {
            return full;
        };
        let short = Plan {
            points,
            coefficients,
            tail_points: lengths(2 * (coefficients - points) - 1),
        };
        if short.tail_points <= points / 2 && short.cost() < full.cost() {
            short
        } else {
            full
        }
    }

    /// The coefficients that wrap.
    pub(super) fn wrapped(self) -> usize {
        self.coefficients.saturating_sub(self.points)
    }

    /// The step's cost, as the butterflies of one transform: `points log2(points)` for
    /// the transform and for its tail.
    pub(super) fn cost(self) -> f64 {
        let work = |points: usize| match points {
            0 => 0.0,
            _ => points as f64 * (points as f64).log2(),
        };
        work(self.points) + work(self.tail_points)
    }

    /// The points of one transform that would cost as much (for `ntt_pays_off`).
    pub(super) fn effective_points(self) -> f64 {
        self.cost() / (self.points as f64).log2()
    }
}

/// The top `wrapped` words of a factor whose longer companion has `longest` words, from
/// the same place in both: their products' upper halves are the wrapped coefficients.
pub(super) fn top_words<T>(words: &[T], longest: usize, wrapped: usize) -> &[T] {
    &words[(longest - wrapped).min(words.len())..]
}

/// After both transforms: takes the tail's products (coefficients `wrapped - 1 ..
/// 2 wrapped - 1` of the top words' products: the product's from the transform's points
/// on) off the lowest coefficients, where the shorter transform added them, by `sub`
/// (modulo the prime), and moves them to the start of the tail, just above the
/// transform's points, where the carry pass reads them. For the products `wanted`, each
/// given as (transform, tail).
pub(super) fn unwrap<T: Copy>(
    wanted: Wanted,
    wrapped: usize,
    [products, squares]: [(&mut [T], &mut [T]); 2],
    sub: impl Fn(T, T) -> T,
) {
    for (is_wanted, (main, tail)) in [
        (wanted != Wanted::Odd, products),
        (wanted != Wanted::Even, squares),
    ] {
        if is_wanted {
            let top = wrapped - 1..2 * wrapped - 1;
            for (low, &high) in main.iter_mut().zip(&tail[top.clone()]) {
                *low = sub(*low, high);
            }
            tail.copy_within(top, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shorter_transform_and_a_tail_where_they_cost_less() {
        let lengths = |x: usize| super::super::transform_len(x.div_ceil(2));
        let plan = |longest| {
            let plan = Plan::for_factors(longest, lengths, |_| true);
            (plan.points, plan.wrapped(), plan.tail_points)
        };
        // F(10^5)'s last step in 64-bit words: 543 words, 1 085 coefficients: 1 024 points
        // and a tail of 128 for the 61 wrapped, rather than 1 536.
        assert_eq!(plan(543), (1024, 61, 128));
        // F(3*10^5)'s in 48-bit words: 4 096 + 512 points rather than 6 144.
        assert_eq!(plan(2171), (4096, 245, 512));
        // Just past a length by much: 1 024 + 768 points would cost more than 1 536 (and
        // the tail would be more than half).
        assert_eq!(plan(700), (1536, 0, 0));
        // A transform that holds the products wraps nothing.
        assert_eq!(plan(512), (1024, 0, 0));
        for longest in 1..5000 {
            let chosen = Plan::for_factors(longest, lengths, |_| true);
            let full = lengths(2 * longest - 1);
            let (points, wrapped, tail) = (chosen.points, chosen.wrapped(), chosen.tail_points);
            assert_eq!(lengths(points), points, "{longest}: a transform's length");
            assert!(points >= longest, "{longest}: the factors fit");
            assert_eq!(points + wrapped, chosen.coefficients.max(points));
            if wrapped == 0 {
                assert_eq!((points, tail), (full, 0), "{longest}");
            } else {
                assert!(
                    tail >= 2 * wrapped - 1 && tail <= points / 2,
                    "{longest}: {chosen:?}"
                );
                assert_eq!(lengths(tail), tail, "{longest}: the tail's length");
                assert!(points < full, "{longest}");
            }
        }
    }
}
