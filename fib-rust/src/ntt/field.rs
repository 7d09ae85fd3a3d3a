//! Arithmetic modulo one NTT prime: Montgomery products on u32, the scalar arithmetic
//! that every SIMD kernel (`super::kernels`) repeats lane by lane.

/// Arithmetic modulo one NTT prime `P`, with values in Montgomery form where noted.
#[derive(Clone, Copy)]
pub(super) struct Field<const P: u32>;

impl<const P: u32> Field<P> {
    /// -P^-1 mod 2^32, by Newton's iteration (each step doubles the correct low bits).
    pub(super) const NEG_INV: u32 = {
        let mut inv: u32 = 1;
        let mut i = 0;
        while i < 5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(P.wrapping_mul(inv)));
            i += 1;
        }
        inv.wrapping_neg()
    };
    /// 2^64 mod P: turns a plain value into Montgomery form with one multiplication.
    const R2: u32 = ((1u128 << 64) % P as u128) as u32;

    /// a b / 2^32 mod P, for a, b < P (result < P).
    #[inline(always)]
    pub(super) fn mul(a: u32, b: u32) -> u32 {
        let t = u64::from(a) * u64::from(b);
        let m = (t as u32).wrapping_mul(Self::NEG_INV);
        // t + m P < 2^60 + 2^62: no overflow; the sum is divisible by 2^32.
        let u = ((t + u64::from(m) * u64::from(P)) >> 32) as u32;
        u.min(u.wrapping_sub(P))
    }

    #[inline(always)]
    pub(super) fn add(a: u32, b: u32) -> u32 {
        let s = a + b; // < 2P < 2^31
        s.min(s.wrapping_sub(P))
    }

    #[inline(always)]
    pub(super) fn sub(a: u32, b: u32) -> u32 {
        let d = a.wrapping_sub(b);
        d.min(d.wrapping_add(P))
    }

    pub(super) fn pow(mut base: u32, mut exp: u64) -> u32 {
        // Plain (not Montgomery) modular exponentiation; used only to build tables.
        let mut result = 1u64;
        let mut b = u64::from(base) % u64::from(P);
        while exp > 0 {
            if exp & 1 == 1 {
                result = result * b % u64::from(P);
            }
            b = b * b % u64::from(P);
            exp >>= 1;
        }
        base = result as u32;
        base
    }

    pub(super) fn to_montgomery(x: u32) -> u32 {
        Self::mul(x % P, Self::R2)
    }
}

impl<const P: u32> Field<P> {
    /// A twiddle factor in Montgomery form as Victor Shoup's product takes it: the plain
    /// factor w and its quotient floor(w 2^32 / P).
    pub(super) fn shoup_pair(montgomery: u32) -> (u32, u32) {
        let plain = Self::mul(montgomery, 1);
        (plain, ((u64::from(plain) << 32) / u64::from(P)) as u32)
    }

    /// x w mod P by Shoup's product, for any u32 x (the scalar form of the simd128
    /// kernels' `mul_shoup`): with q = floor(x quotient / 2^32), x w - q P lies in [0, 2P),
    /// so its low 32 bits are it.
    #[cfg(test)]
    pub(super) fn mul_shoup(x: u32, (plain, quotient): (u32, u32)) -> u32 {
        let q = ((u64::from(x) * u64::from(quotient)) >> 32) as u32;
        let r = x.wrapping_mul(plain).wrapping_sub(q.wrapping_mul(P));
        r.min(r.wrapping_sub(P))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntt::{GENERATORS, P1, P2, P3};

    #[test]
    fn shoup_products_are_montgomery_products() {
        fn check<const P: u32>() {
            let mut seed = 0x9E37_79B9u32;
            for _ in 0..10_000 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let (x, w) = (seed, seed.rotate_left(11) % P);
                let montgomery = Field::<P>::to_montgomery(w);
                let expected = Field::<P>::mul(x % P, montgomery);
                assert_eq!(
                    Field::<P>::mul_shoup(x, Field::<P>::shoup_pair(montgomery)),
                    expected
                );
            }
            for (x, w) in [(u32::MAX, P - 1), (0, P - 1), (P - 1, 1), (u32::MAX, 0)] {
                let montgomery = Field::<P>::to_montgomery(w);
                let expected = Field::<P>::mul(x % P, montgomery);
                assert_eq!(
                    Field::<P>::mul_shoup(x, Field::<P>::shoup_pair(montgomery)),
                    expected
                );
            }
        }
        check::<P1>();
        check::<P2>();
        check::<P3>();
    }

    #[test]
    fn montgomery_constants() {
        fn check<const P: u32>(generator: u32) {
            assert_eq!(P.wrapping_mul(Field::<P>::NEG_INV.wrapping_neg()), 1);
            assert_eq!(Field::<P>::mul(Field::<P>::to_montgomery(12345), 1), 12345);
            assert_eq!(Field::<P>::pow(generator, u64::from(P - 1)), 1);
            // A generator: no power (P - 1) / q is 1, for each prime q dividing P - 1
            // (2, 3, 5 and, for P2 = 105 2^23 + 1, 7).
            for q in [2, 3, 5, 7]
                .into_iter()
                .filter(|&q| (P - 1).is_multiple_of(q))
            {
                assert_ne!(
                    Field::<P>::pow(generator, u64::from((P - 1) / q)),
                    1,
                    "{P}, {q}"
                );
            }
            assert!((P - 1).is_multiple_of(3), "transforms of 3 2^k points");
            assert!((P - 1).is_multiple_of(1 << 22), "transforms of 2^22 points");
            assert!(P < 1 << 30);
        }
        let [g1, g2, g3] = GENERATORS;
        check::<P1>(g1);
        check::<P2>(g2);
        check::<P3>(g3);
        // P - 1 has no other prime factor than those tried above.
        for (p, c) in [(P1, 45), (P2, 105), (P3, 225)] {
            let mut rest = c;
            for q in [3, 5, 7] {
                while rest % q == 0 {
                    rest /= q;
                }
            }
            assert_eq!(rest, 1);
            assert!(((p - 1) / c).is_power_of_two(), "c 2^k");
        }
    }
}
