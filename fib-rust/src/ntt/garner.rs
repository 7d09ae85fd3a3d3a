//! The constants of Garner's algorithm for the three primes: what the CRT (`super::crt`)
//! and its kernel (`super::kernels`) share, in a module of their own so that neither
//! depends on the other for them.

use super::{P1, P2, P3};

/// Constants of Garner's algorithm for the three primes, in Montgomery form so that
/// `Field::mul` by them multiplies by the plain value.
#[derive(Clone, Copy)]
pub(super) struct Garner {
    /// p1^-1 mod p2.
    pub(super) inv1: u32,
    /// (p1 p2)^-1 mod p3.
    pub(super) inv2: u32,
    /// p1 (p1 p2)^-1 mod p3.
    pub(super) p1_inv2: u32,
}

impl Garner {
    pub(super) const fn new() -> Self {
        const fn mont(x: u64, p: u32) -> u32 {
            (((x % p as u64) << 32) % p as u64) as u32
        }
        /// x^-1 mod p, as x^(p - 2) (Fermat), for a prime p.
        const fn inverse(x: u64, p: u32) -> u64 {
            let (p, mut base, mut exp, mut result) = (p as u64, x % p as u64, p as u64 - 2, 1);
            while exp > 0 {
                if exp & 1 == 1 {
                    result = result * base % p;
                }
                base = base * base % p;
                exp >>= 1;
            }
            result
        }
        const INV1: u64 = inverse(P1 as u64, P2); // p1^-1 mod p2
        const INV2: u64 = inverse(P1 as u64 % P3 as u64 * (P2 as u64 % P3 as u64), P3); // (p1 p2)^-1 mod p3
        Garner {
            inv1: mont(INV1, P2),
            inv2: mont(INV2, P3),
            p1_inv2: mont(P1 as u64 % P3 as u64 * INV2 % P3 as u64, P3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntt::field::Field;
    use crate::ntt::MAX_WORDS;

    #[test]
    fn garner_constants() {
        let (p1, p2, p3) = (u128::from(P1), u128::from(P2), u128::from(P3));
        let garner = Garner::new();
        // Out of Montgomery form: x / 2^32 mod p.
        let (inv1, inv2) = (
            Field::<P2>::mul(garner.inv1, 1),
            Field::<P3>::mul(garner.inv2, 1),
        );
        assert_eq!(p1 * u128::from(inv1) % p2, 1);
        assert_eq!(p1 * p2 * u128::from(inv2) % p3, 1);
        let p1_inv2 = Field::<P3>::mul(garner.p1_inv2, 1);
        assert_eq!(u128::from(p1_inv2), p1 * u128::from(inv2) % p3);
        // The coefficient bound of the `ntt` module documentation, with the margin
        // `combine` needs to tell negative coefficients by their last Garner digit alone.
        assert!(((MAX_WORDS as u128) << 65) + p1 * p2 < p1 * p2 * p3 / 2);
    }
}
