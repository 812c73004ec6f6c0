//! Exact rescaling for sums of weights and positions near the ends of the f64 range.
//!
//! Multiplying by a power of two only changes the exponent, so as long as no value leaves the
//! normal range, sums, products and ratios of rescaled numbers are the very numbers the plain
//! computation gives, times that power: ordinary inputs keep every bit, and inputs near 1e308
//! or 1e-308 stay finite and nonzero.

/// 2^e for e in -1074..=1023 (subnormal powers included); clamped outside.
pub fn pow2(e: i32) -> f64 {
    let e = e.clamp(-1074, 1023);
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// floor(log2 |x|) for a finite nonzero x, subnormals included.
pub fn exponent(x: f64) -> i32 {
    let bits = x.abs().to_bits();
    let biased = (bits >> 52) as i32;
    if biased == 0 {
        // Subnormal: the leading one of the mantissa gives the exponent.
        let mantissa = bits & ((1u64 << 52) - 1);
        -1011 - mantissa.leading_zeros() as i32
    } else {
        biased - 1023
    }
}

/// The power of two that brings `max` (finite, > 0) into 1..2, limited to what is itself
/// representable; 1 for 0 or a non-finite `max`.
pub fn scale_for(max: f64) -> f64 {
    if max > 0.0 && max.is_finite() {
        pow2(-exponent(max).clamp(-1022, 1023))
    } else {
        1.0
    }
}

/// `x` times 2^e, in steps so that no factor is out of range; exact unless the result is
/// subnormal.
fn ldexp(x: f64, e: i32) -> f64 {
    let (mut x, mut e) = (x, e);
    while e < -1022 {
        let step = (e + 1022).max(-1022);
        x *= pow2(step);
        e -= step;
        if x == 0.0 {
            return x;
        }
    }
    while e > 1023 {
        x *= pow2(1023);
        e -= 1023;
    }
    x * pow2(e)
}

/// `(m, e)` with x = m 2^e and m in 1..2, for a finite x > 0.
fn split(x: f64) -> (f64, i32) {
    let e = exponent(x);
    (ldexp(x, -e), e)
}

/// Capability x salience for each pair, all times one power of two chosen so that the largest
/// lies in 1..4. Each product is formed from the mantissas, so it neither overflows nor
/// underflows on its own: where `c * s` is a normal number, the result is exactly `c * s` times
/// that power, so ratios of weights keep every bit.
pub fn weights(pairs: impl IntoIterator<Item = (f64, f64)>, out: &mut Vec<f64>) {
    out.clear();
    let mut parts: Vec<(f64, i32)> = Vec::new();
    for (c, s) in pairs {
        let w = c * s;
        parts.push(
            if w.is_nan() || c <= 0.0 || s <= 0.0 || !c.is_finite() || !s.is_finite() {
                (if w > 0.0 { w } else { 0.0 }, 0)
            } else {
                let ((mc, ec), (ms, es)) = (split(c), split(s));
                (mc * ms, ec + es)
            },
        );
    }
    let top = parts
        .iter()
        .filter(|p| p.0 > 0.0)
        .map(|p| p.1)
        .max()
        .unwrap_or(0);
    out.extend(parts.iter().map(|&(m, e)| ldexp(m, e - top)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_and_exponents() {
        assert_eq!(pow2(0), 1.0);
        assert_eq!(pow2(-1074), f64::from_bits(1));
        assert_eq!(pow2(1023), 2f64.powi(1023));
        assert_eq!(exponent(1.0), 0);
        assert_eq!(exponent(3.0), 1);
        assert_eq!(exponent(f64::MAX), 1023);
        assert_eq!(exponent(f64::MIN_POSITIVE), -1022);
        assert_eq!(exponent(f64::from_bits(1)), -1074);
        assert_eq!(exponent(f64::MIN_POSITIVE / 2.0), -1023);
        assert_eq!(scale_for(1e308) * 1e308, 1e308 / 2f64.powi(1023));
    }

    #[test]
    fn weights_are_exact_multiples_of_the_plain_products() {
        let pairs = [(100.0, 0.9), (40.0, 1.0), (7.5, 0.25), (3.0, 0.0)];
        let mut w = Vec::new();
        weights(pairs, &mut w);
        let k = w[0] / (100.0 * 0.9);
        assert_eq!(k.to_bits() & ((1u64 << 52) - 1), 0, "a power of two");
        for (&(c, s), &x) in pairs.iter().zip(&w) {
            assert_eq!(x, c * s * k);
        }
        // Products below the smallest f64 keep their ratios.
        weights([(1e-200, 1e-200), (3e-200, 1e-200)], &mut w);
        assert!((w[1] / w[0] - 3.0).abs() < 1e-15 && w[1] >= 1.0, "{w:?}");
        weights([(1e308, 0.5), (1e308, 0.8)], &mut w);
        assert!((w[1] / w[0] - 1.6).abs() < 1e-15, "{w:?}");
    }
}
