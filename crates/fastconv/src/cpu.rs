//! Which vector instructions the hand-written kernels use: the best the
//! CPU has, or less when `LIVENESS_COACH_SIMD` says so (`avx2` or
//! `portable`), to measure the fallbacks most laptops take on a machine
//! that has AVX-512 (docs/speed.md). The variable can only lower the level,
//! never raise it past what the CPU reports, so the kernels' safety (they
//! run only where their instructions exist) does not depend on it.

use std::sync::OnceLock;

/// The kernels' instruction sets, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Portable,
    /// AVX2 with FMA.
    Avx2,
    /// AVX-512F (with AVX2 and FMA).
    Avx512,
}

/// The level in use (decided once).
pub fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let cap = match std::env::var("LIVENESS_COACH_SIMD").as_deref() {
            Ok("portable") => Level::Portable,
            Ok("avx2") => Level::Avx2,
            _ => Level::Avx512,
        };
        detected().min(cap)
    })
}

#[cfg(target_arch = "x86_64")]
fn detected() -> Level {
    let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    if avx2 && is_x86_feature_detected!("avx512f") {
        Level::Avx512
    } else if avx2 {
        Level::Avx2
    } else {
        Level::Portable
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detected() -> Level {
    Level::Portable
}

/// AVX-512F, AVX2 and FMA may be used.
pub fn avx512() -> bool {
    level() >= Level::Avx512
}

/// AVX2 and FMA may be used.
pub fn avx2() -> bool {
    level() >= Level::Avx2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_never_above_the_cpu() {
        assert!(Level::Portable < Level::Avx2 && Level::Avx2 < Level::Avx512);
        assert!(level() <= detected());
        assert_eq!(avx512(), level() == Level::Avx512);
        assert!(!avx512() || avx2());
    }
}
