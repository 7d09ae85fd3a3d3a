//! Which SIMD instructions the kernels use: one value, detected once, narrowed on request.
//!
//! The carry-save adder (`carry_save`) and the NTT (`ntt`) both ask [`Isa::current`]
//! before choosing a kernel, so one setting decides both:
//!
//! * by default, the widest instruction set this CPU has (checked at run time on x86-64)
//!   or this build was compiled for (WebAssembly's simd128 and aarch64's NEON are there
//!   at compile time);
//! * `FIB_RUST_ISA=scalar|avx2|avx512|simd128|neon` narrows it for the whole process, so that a
//!   machine with AVX-512 can run, and test, what a laptop without it runs. A name that is
//!   unknown or wider than the machine is ignored, with a warning on stderr;
//! * [`with_isa`] narrows it for one thread while a closure runs: the tests run every path
//!   the machine has, one after another, in one process.
//!
//! Only paths the machine can run are ever chosen, so forcing one can never execute an
//! instruction the CPU lacks.

use std::cell::Cell;
use std::fmt;
use std::sync::OnceLock;
use std::thread::LocalKey;

/// An instruction set the kernels are written for, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Portable Rust, one lane: every machine.
    Scalar,
    /// WebAssembly SIMD, 128-bit vectors (builds with `target-feature=+simd128`).
    Simd128,
    /// aarch64 Advanced SIMD (NEON), 128-bit vectors: every aarch64 CPU has it.
    Neon,
    /// x86-64 AVX2, 256-bit vectors.
    Avx2,
    /// x86-64 AVX-512F, 512-bit vectors.
    Avx512,
}

/// The environment variable that narrows [`Isa::current`] for a process.
pub const ISA_VARIABLE: &str = "FIB_RUST_ISA";

thread_local! {
    static FORCED: Cell<Option<Isa>> = const { Cell::new(None) };
}

static SELECTED: OnceLock<Isa> = OnceLock::new();

impl Isa {
    /// Every instruction set, narrowest first.
    pub const ALL: [Isa; 5] = [Isa::Scalar, Isa::Simd128, Isa::Neon, Isa::Avx2, Isa::Avx512];

    /// The name used by `FIB_RUST_ISA` and by the Python binding's `build_info()`.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Simd128 => "simd128",
            Isa::Neon => "neon",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// The instruction set named `name`, if any.
    pub fn from_name(name: &str) -> Option<Isa> {
        Isa::ALL.into_iter().find(|isa| isa.name() == name)
    }

    /// Whether this machine (and build) can run this instruction set's kernels.
    pub fn runs_here(self) -> bool {
        match self {
            Isa::Scalar => true,
            Isa::Simd128 => cfg!(all(target_arch = "wasm32", target_feature = "simd128")),
            Isa::Neon => cfg!(all(target_arch = "aarch64", target_feature = "neon")),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => std::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                // The AVX-512 kernels also use AVX2 for their shortest levels.
                std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx2")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Isa::Avx2 | Isa::Avx512 => false,
        }
    }

    /// The widest instruction set this machine can run.
    pub fn detected() -> Isa {
        Isa::available().pop().unwrap_or(Isa::Scalar)
    }

    /// Every instruction set this machine can run, narrowest first: the paths to test.
    pub fn available() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|isa| isa.runs_here()).collect()
    }

    /// What the kernels use now, on this thread (see the module documentation).
    #[inline]
    pub fn current() -> Isa {
        FORCED
            .with(Cell::get)
            .unwrap_or_else(|| *SELECTED.get_or_init(Isa::from_environment))
    }

    fn from_environment() -> Isa {
        let detected = Isa::detected();
        let Ok(name) = std::env::var(ISA_VARIABLE) else {
            return detected;
        };
        match Isa::from_name(name.trim()) {
            Some(isa) if isa.runs_here() => isa,
            _ => {
                let known: Vec<&str> = Isa::available().iter().map(|isa| isa.name()).collect();
                eprintln!(
                    "fib-rust: {ISA_VARIABLE}={name:?} is not one this machine runs ({}): \
                     using {detected}",
                    known.join(", ")
                );
                detected
            }
        }
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether this CPU has AVX2 and FMA (checked once): where the AVX2 path multiplies in
/// doubles (`crate::ntt`'s float NTT), and its NTT cut-over (`crate::tuning`) is that one's.
pub(crate) fn avx2_with_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static DETECTED: OnceLock<bool> = OnceLock::new();
        *DETECTED.get_or_init(|| {
            std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Runs `work` with the kernels of `isa` on this thread, then restores what was there.
///
/// # Panics
/// If this machine cannot run `isa` (see [`Isa::available`]).
pub fn with_isa<T>(isa: Isa, work: impl FnOnce() -> T) -> T {
    assert!(isa.runs_here(), "{isa} kernels cannot run on this machine");
    with_thread_setting(&FORCED, isa, work)
}

/// Runs `work` with `setting` (a thread-local override: `with_isa`, `with_cut_overs`) set
/// to `value`, then restores what was there, also if `work` panics.
pub(crate) fn with_thread_setting<S: Copy + 'static, T>(
    setting: &'static LocalKey<Cell<Option<S>>>,
    value: S,
    work: impl FnOnce() -> T,
) -> T {
    struct Restore<S: Copy + 'static>(&'static LocalKey<Cell<Option<S>>>, Option<S>);
    impl<S: Copy + 'static> Drop for Restore<S> {
        fn drop(&mut self) {
            self.0.with(|cell| cell.set(self.1));
        }
    }
    let _restore = Restore(setting, setting.with(|cell| cell.replace(Some(value))));
    work()
}
