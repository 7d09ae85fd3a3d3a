//! Fast doubling: walks the bits of n from the top, doubling k at each step.
//!
//! Two phases, by the size of the numbers:
//!
//! * below the NTT range, [`SquaringPair`] keeps F(k-1) and F(k) as limbs and takes each
//!   step with two squarings and no other product (GMP's `mpz_fib_ui` does the same):
//!   F(2k+1) = 4F(k)^2 - F(k-1)^2 + 2(-1)^k, F(2k-1) = F(k)^2 + F(k-1)^2,
//!   F(2k) = F(2k+1) - F(2k-1); if that phase reaches F(n), its last step is one
//!   product instead (`SquaringPair::last_step`);
//! * from the size where NTTs pay off ([`ntt_pays_off`], by `crate::tuning`'s cut-over), each
//!   step's two products go through NTTs (`crate::ntt`), from F(k) and F(k+1):
//!   F(2k) = F(k)(2F(k+1) - F(k)), F(2k+1) = F(k)^2 + F(k+1)^2.

use std::mem;
use std::ops::ControlFlow;
use std::sync::{Mutex, PoisonError};

use num_bigint::BigUint;

use crate::limbs::{self, Limb, Squaring};
use crate::ntt::{LentMultiplier, Method, Wanted};
use crate::tuning::CutOvers;
use crate::Progress;

/// F(n), or `None` if `on_progress` asked to stop.
pub(crate) fn fib(
    n: u64,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<BigUint> {
    if n == 0 {
        return Some(BigUint::ZERO);
    }
    let total = u64::from(u64::BITS - n.leading_zeros());
    let bit = |done: u64| (n >> (total - done)) & 1 == 1;
    let cut_overs = CutOvers::current();
    // Some(()) to go on, None if the hook asked to stop: `report(done)?` returns then.
    let mut report = |done| {
        on_progress(Progress { done, total })
            .is_continue()
            .then_some(())
    };
    // The first steps from a table, as GMP does: k is the longest run of n's top bits
    // whose F(k) fits in 64 bits (6 or 7 steps of tiny numbers, whose fixed costs were
    // a tenth of F(10^4)'s time).
    let done_by_table = (1..=total)
        .take_while(|&done| n >> (total - done) <= TABLE_LAST_K)
        .last()
        .unwrap_or(1);
    let mut pair = SquaringPair::new(n >> (total - done_by_table), n, cut_overs);
    // Still one report per bit of n, as every implementation makes.
    for done in 1..=done_by_table {
        report(done)?;
    }
    let mut done = done_by_table;
    while done < total && !ntt_pays_off(&cut_overs, pair.bits()) {
        done += 1;
        if done == total {
            let f_n = pair.last_step(bit(done));
            report(done)?;
            let value = limbs::to_biguint(&f_n);
            keep_buffers([f_n]);
            return Some(value);
        }
        pair.step(bit(done));
        report(done)?;
    }
    if done == total {
        return Some(limbs::to_biguint(&pair.current));
    }
    // Invariant from here: a = F(k), b = F(k + 1), as limbs without zeros at the top.
    let (mut a, mut b) = pair.into_consecutive();
    let (mut even, mut odd) = (spare_buffer(0), spare_buffer(0));
    // The largest step starts from F(k + 1) with k <= n / 2: F(m) < 2^(0.6943 m); three
    // words of margin.
    let largest_bits = ((n / 2 + 2) as f64 * 0.694_242) as u64 + 96;
    let mut multiplier = LentMultiplier::new(largest_bits);
    while done < total {
        done += 1;
        let bit = bit(done);
        // The last step needs only F(n): one product instead of two, in the largest step.
        let wanted = match (done == total, bit) {
            (false, _) => Wanted::Both,
            (true, false) => Wanted::Even,
            (true, true) => Wanted::Odd,
        };
        multiplier.doubling_step((&a, &b), wanted, (&mut even, &mut odd));
        match (wanted, bit) {
            // (F(2k+1), F(2k+2) = F(2k) + F(2k+1)), in the buffers a and b leave.
            (Wanted::Both, true) => {
                mem::swap(&mut a, &mut odd);
                b.clear();
                b.resize(a.len().max(even.len()) + 1, 0);
                let carry = limbs::add_assign(&mut b, &a) | limbs::add_assign(&mut b, &even);
                debug_assert!(!carry);
                trim(&mut b);
            }
            (Wanted::Both, false) => {
                mem::swap(&mut a, &mut even);
                mem::swap(&mut b, &mut odd);
            }
            // The last step: F(n) alone.
            (Wanted::Even, _) => mem::swap(&mut a, &mut even),
            (Wanted::Odd, _) => mem::swap(&mut a, &mut odd),
        }
        report(done)?;
    }
    let value = limbs::to_biguint(&a);
    keep_buffers([a, b, even, odd]);
    Some(value)
}

/// How a squaring's cost grows with the size of the number above the Karatsuba range:
/// Toom-3 takes five squarings of a third of the size, n^(log 5 / log 3) = n^1.465.
const SQUARING_EXPONENT: f64 = 1.465;

/// Whether a doubling step from F(k) of `bits` bits is faster through NTTs than by
/// squarings.
///
/// The NTT's cost grows with its transform's length, a power of two or three times one,
/// and the squarings' with the number's own size, like `bits^1.465`: just past one of
/// those lengths the NTT pays for up to a third more points than it uses. So the rule
/// compares the two costs, as `padded log(padded)` against `bits^1.465`, scaled so that
/// they are equal at [`CutOvers::ntt_from_bits`] for a full transform. Measured on AVX2
/// (AMD EPYC, mulx-adx squarings), cut-over by size alone: an NTT half used lost to the
/// squarings at F(k) of 35 000 bits (the last step of F(10^5), 1.3x slower) and won at
/// 69 000 bits (F(2*10^5)); one 80 % used won at 26 000 bits (F(75 000)); no single size
/// did well at all n.
fn ntt_pays_off(cut_overs: &CutOvers, bits: u64) -> bool {
    // Below half the break-even size the squarings always win (the transform is at least
    // as long as the number): no floating point for the small steps.
    if bits < cut_overs.ntt_from_bits / 2 {
        return false;
    }
    let break_even = cut_overs.ntt_from_bits.max(4) as f64;
    // The bits the step's transform pays for: its length is a power of two or three
    // times one.
    let padded_bits = Method::current().padded_bits(bits) as f64;
    let ntt = padded_bits * padded_bits.log2() / (break_even * break_even.log2());
    let squarings = (bits as f64 / break_even).powf(SQUARING_EXPONENT);
    squarings >= ntt
}

/// F(k-1) and F(k) as limbs, and the buffers a step needs, allocated once for the largest
/// step this phase takes (a step of fresh vectors cost as much as its squarings at F(10^4)).
struct SquaringPair {
    /// F(k-1), F(k), without zero limbs at the top.
    previous: Vec<Limb>,
    current: Vec<Limb>,
    /// Whether k is odd: the sign of the 2(-1)^k term.
    k_is_odd: bool,
    square_of_previous: Vec<Limb>,
    square_of_current: Vec<Limb>,
    /// Three results of a step; two become the next pair, and the old pair's buffers
    /// take their place.
    results: [Vec<Limb>; 3],
    squaring: Squaring,
    scratch: Vec<Limb>,
}

/// F(k) for k in 0..=93, the largest k whose F(k) fits in 64 bits.
const TABLE_LAST_K: u64 = 93;
const FIBONACCI_TABLE: [u64; TABLE_LAST_K as usize + 1] = {
    let mut table = [0u64; TABLE_LAST_K as usize + 1];
    table[1] = 1;
    let mut k = 2;
    while k < table.len() {
        table[k] = table[k - 1] + table[k - 2];
        k += 1;
    }
    table
};

/// `value` as limbs, without zero limbs at the top.
fn push_u64(limbs: &mut Vec<Limb>, value: u64) {
    let mut rest = value;
    while rest != 0 {
        limbs.push(rest as Limb);
        rest = rest.checked_shr(limbs::LIMB_BITS).unwrap_or(0);
    }
}

impl SquaringPair {
    /// At `k` (1..=93, from the table), with room for F(n) or for the sizes where the
    /// NTT usually takes over, whichever is smaller: the buffers grow if a step needs more.
    fn new(k: u64, n: u64, cut_overs: CutOvers) -> Self {
        // F(m) < 2^(0.6943 m); a step at most doubles the size, plus a limb of margin.
        let largest_bits = ((n as f64 * 0.694_242) as u64 + 2).min(1 << 20);
        let largest = (largest_bits / u64::from(limbs::LIMB_BITS)) as usize + 4;
        let buffer = || spare_buffer(largest + 1);
        let squaring = Squaring::new(cut_overs);
        let mut pair = SquaringPair {
            previous: buffer(),
            current: buffer(),
            k_is_odd: k % 2 == 1,
            square_of_previous: buffer(),
            square_of_current: buffer(),
            results: [buffer(), buffer(), buffer()],
            squaring,
            scratch: spare_buffer(0), // grown by `step`
        };
        push_u64(&mut pair.previous, FIBONACCI_TABLE[k as usize - 1]);
        push_u64(&mut pair.current, FIBONACCI_TABLE[k as usize]);
        pair
    }

    fn bits(&self) -> u64 {
        limbs::bit_length(&self.current)
    }

    /// From (F(k-1), F(k)) to (F(2k), F(2k+1)) if `bit`, else to (F(2k-1), F(2k)): two
    /// squarings and three passes over their 2m limbs, as GMP's `mpn_fib2_ui`.
    fn step(&mut self, bit: bool) {
        let m = self.current.len();
        grow(&mut self.scratch, self.squaring.scratch_len(m));
        for (square, a) in [
            (&mut self.square_of_current, &self.current),
            (&mut self.square_of_previous, &self.previous),
        ] {
            // Every squaring writes all of its 2 a.len() limbs: no zeroing first.
            square.resize(2 * a.len(), 0);
            self.squaring.square(square, a, &mut self.scratch);
        }
        self.square_of_previous.resize(2 * m, 0);
        let (current, previous) = (&self.square_of_current, &self.square_of_previous);
        let [odd, below, even] = &mut self.results;
        for result in [&mut *odd, &mut *below, &mut *even] {
            result.resize(2 * m + 1, 0);
        }
        // odd = F(2k+1) = 4F(k)^2 - F(k-1)^2 + 2(-1)^k, in 2m + 1 limbs.
        odd[2 * m] = limbs::four_times_minus(&mut odd[..2 * m], current, previous);
        let overflow = if self.k_is_odd {
            limbs::sub_assign(odd, &[2])
        } else {
            limbs::add_assign(odd, &[2])
        };
        debug_assert!(!overflow);
        // below = F(2k-1) = F(k)^2 + F(k-1)^2.
        below[2 * m] = Limb::from(limbs::add(&mut below[..2 * m], current, previous));
        // even = F(2k) = F(2k+1) - F(2k-1).
        let borrow = limbs::sub(even, odd, below);
        debug_assert!(!borrow);
        let (new_previous, new_current) = if bit { (2, 0) } else { (1, 2) };
        mem::swap(&mut self.previous, &mut self.results[new_previous]);
        mem::swap(&mut self.current, &mut self.results[new_current]);
        trim(&mut self.previous);
        trim(&mut self.current);
        self.k_is_odd = bit;
    }

    /// F(2k + 1) if `bit`, else F(2k), by one product of numbers of m + 1 limbs (GMP's
    /// `mpz_fib_ui` ends the same way) where a step takes two squarings of m limbs: the
    /// product does the same multiplications without the squarings' doubling passes (and
    /// one Toom-3 interpolation instead of two), and the step's other results are not
    /// needed.
    /// F(2k) = F(k) (F(k) + 2F(k-1)); F(2k+1) = (2F(k) + F(k-1)) (2F(k) - F(k-1)) + 2(-1)^k.
    fn last_step(&mut self, bit: bool) -> Vec<Limb> {
        let length = self.current.len() + 1;
        let [x, y, product] = &mut self.results;
        zeroed(x, length);
        zeroed(y, length);
        // 2F(k) into y, then (F(k) or 2F(k) into x) and the second factor.
        let top = limbs::shl(&mut y[..length - 1], &self.current, 1);
        y[length - 1] = top;
        if bit {
            // x = 2F(k) + F(k-1), y = 2F(k) - F(k-1).
            x.copy_from_slice(y);
            let carry = limbs::add_assign(x, &self.previous);
            let borrow = limbs::sub_assign(y, &self.previous);
            debug_assert!(!carry && !borrow);
        } else {
            // x = F(k), y = F(k) + 2F(k-1): 2F(k) - F(k) + 2F(k-1).
            x[..length - 1].copy_from_slice(&self.current);
            x[length - 1] = 0;
            let borrow = limbs::sub_assign(y, &self.current);
            let carries = [
                limbs::add_assign(y, &self.previous),
                limbs::add_assign(y, &self.previous),
            ];
            debug_assert!(!borrow && carries == [false; 2]);
        }
        grow(&mut self.scratch, self.squaring.product_scratch_len(length));
        zeroed(product, 2 * length);
        self.squaring.multiply(product, x, y, &mut self.scratch);
        if bit {
            let overflow = if self.k_is_odd {
                limbs::sub_assign(product, &[2])
            } else {
                limbs::add_assign(product, &[2])
            };
            debug_assert!(!overflow);
        }
        let mut f_n = mem::take(product);
        trim(&mut f_n);
        f_n
    }

    /// (F(k), F(k+1)), for the NTT phase.
    fn into_consecutive(mut self) -> (Vec<Limb>, Vec<Limb>) {
        let mut next = spare_buffer(self.current.len() + 1);
        next.extend_from_slice(&self.current);
        next.push(0);
        let carry = limbs::add_assign(&mut next, &self.previous);
        debug_assert!(!carry);
        trim(&mut next);
        trim(&mut self.current);
        (mem::take(&mut self.current), next)
    }
}

impl Drop for SquaringPair {
    fn drop(&mut self) {
        let [odd, below, even] = &mut self.results;
        keep_buffers(
            [
                &mut self.previous,
                &mut self.current,
                &mut self.square_of_previous,
                &mut self.square_of_current,
                odd,
                below,
                even,
                &mut self.scratch,
            ]
            .map(mem::take),
        );
    }
}

/// Limb buffers kept from one computation to the next (at most [`SPARE_BUFFERS`], none
/// of more than [`SPARE_LIMBS`] limbs). Fresh buffers for every computation were memory
/// new to the process, faulted in page by page, zeroed, and handed back to the system at
/// its end: the kernel's share was 12 % of F(3*10^5)'s time on the scalar path.
static SPARE: Mutex<Vec<Vec<Limb>>> = Mutex::new(Vec::new());
const SPARE_BUFFERS: usize = 16;
const SPARE_LIMBS: usize = 1 << 17;

/// An empty buffer with room for `capacity` limbs: a spare one if there is one.
fn spare_buffer(capacity: usize) -> Vec<Limb> {
    // A poisoned lock only means another computation panicked: its buffers are fine.
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    let mut buffer = spare.unwrap_or_default();
    buffer.clear();
    buffer.reserve(capacity);
    buffer
}

/// Keeps `buffers` for the next computations, as many as there is room for.
fn keep_buffers(buffers: impl IntoIterator<Item = Vec<Limb>>) {
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    for buffer in buffers {
        if spare.len() < SPARE_BUFFERS && (1..=SPARE_LIMBS).contains(&buffer.capacity()) {
            spare.push(buffer);
        }
    }
}

/// `buffer` as `len` zero limbs.
fn zeroed(buffer: &mut Vec<Limb>, len: usize) {
    buffer.clear();
    buffer.resize(len, 0);
}

/// `buffer` at least `len` limbs long (scratch space: what it holds does not matter).
fn grow(buffer: &mut Vec<Limb>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, 0);
    }
}

fn trim(a: &mut Vec<Limb>) {
    let len = limbs::trimmed(a).len();
    a.truncate(len);
}
