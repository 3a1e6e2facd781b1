//! Small samplers over the demo's seeded generator. `rand` itself only gives
//! uniform numbers; these few shapes (normal noise, Poisson counts, binomial
//! shares) are all the demo needs, so they are written out here rather than
//! pulling in another crate.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A uniform number in `lo..hi`.
pub(super) fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// A standard normal number (Box-Muller).
pub(super) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // 1 - u keeps the logarithm's argument in (0, 1].
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A multiplier with mean 1 and roughly `sigma` relative spread (log-normal),
/// so noise never turns a rate negative.
pub(super) fn noise(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    (sigma * normal(rng) - sigma * sigma / 2.0).exp()
}

/// A Poisson count with mean `lambda`: incidents arrive independently, so a
/// station's monthly count scatters around its expected rate like this.
pub(super) fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        // Inversion: walk up the cumulative distribution until it passes one
        // uniform number. Using exactly one number per count keeps later
        // draws in place when an expected rate is changed.
        let u = rng.random::<f64>();
        let mut k = 0;
        let mut p = (-lambda).exp();
        let mut cumulative = p;
        while u > cumulative && k < 1000 {
            k += 1;
            p *= lambda / k as f64;
            cumulative += p;
        }
        k
    } else {
        // Large means are close enough to normal, and this stays fast.
        (lambda + lambda.sqrt() * normal(rng)).round().max(0.0) as u32
    }
}

/// How many of `n` independent trials succeed with probability `p`.
pub(super) fn binomial(rng: &mut ChaCha8Rng, n: u32, p: f64) -> u32 {
    (0..n).filter(|_| rng.random::<f64>() < p).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn samplers_have_the_right_means() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let small: f64 = (0..n).map(|_| poisson(&mut rng, 3.5) as f64).sum::<f64>() / n as f64;
        let large: f64 = (0..n).map(|_| poisson(&mut rng, 80.0) as f64).sum::<f64>() / n as f64;
        let spread: f64 = (0..n).map(|_| noise(&mut rng, 0.2)).sum::<f64>() / n as f64;
        let share = binomial(&mut rng, n, 0.85) as f64 / n as f64;
        assert!((small - 3.5).abs() < 0.1, "{small}");
        assert!((large - 80.0).abs() < 0.5, "{large}");
        assert!((spread - 1.0).abs() < 0.01, "{spread}");
        assert!((share - 0.85).abs() < 0.01, "{share}");
    }
}
