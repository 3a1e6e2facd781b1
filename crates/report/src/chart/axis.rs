//! Axis arithmetic: "nice" tick values, the linear scale, and how many
//! period labels fit along the bottom without overlapping.

/// Step mantissas people read easily: ticks at 1, 2, 2.5 or 5 times a power of ten.
const MANTISSAS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
const MIN_TICKS: usize = 4;
const MAX_TICKS: usize = 6;
/// Beyond this, more decimals change nothing a chart can show.
const MAX_DECIMALS: u8 = 6;

/// Tick values for a value axis, evenly spaced, the first at or below the
/// data and the last at or above it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    pub step: f64,
}

impl Ticks {
    pub fn lo(&self) -> f64 {
        self.values[0]
    }

    pub fn hi(&self) -> f64 {
        self.values[self.values.len() - 1]
    }

    /// Maps the axis range onto `start..end` in drawing units.
    pub fn scale(&self, start: f64, end: f64) -> Scale {
        Scale {
            lo: self.lo(),
            hi: self.hi(),
            start,
            end,
        }
    }
}

/// A linear map from values to drawing units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    lo: f64,
    hi: f64,
    start: f64,
    end: f64,
}

impl Scale {
    pub fn at(&self, value: f64) -> f64 {
        self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)
    }
}

/// Chooses 4 to 6 nice ticks covering `min..=max`, each one exactly
/// representable with `decimals` places so that no two labels read the same.
///
/// A range too narrow to show at that precision (all values equal, say) is
/// padded around its middle first, without dipping below zero when the data
/// does not.
pub(crate) fn nice_ticks(min: f64, max: f64, decimals: u8) -> Ticks {
    let decimals = i32::from(decimals.min(MAX_DECIMALS));
    let unit = 10f64.powi(-decimals);
    let (mut lo, mut hi) = if min <= max { (min, max) } else { (max, min) };
    let non_negative = lo >= 0.0;
    let mid = lo / 2.0 + hi / 2.0;
    let all_equal = hi - lo <= mid.abs() * 1e-12;
    if all_equal || hi - lo < 4.0 * unit {
        // Ten percent either side keeps a flat line off the frame edges;
        // two units either side gives at least four distinct labels.
        let half = (2.0 * unit).max(if all_equal { mid.abs() * 0.1 } else { 0.0 });
        lo = mid - half;
        hi = mid + half;
        if all_equal && mid == 0.0 {
            // All zero has no scale of its own: 0 to 1 reads better than 0 to 0.4.
            lo = 0.0;
            hi = (4.0 * unit).max(1.0);
        } else if non_negative && lo < 0.0 {
            hi -= lo;
            lo = 0.0;
        }
    }

    let top_exponent = (hi - lo).log10().floor() as i32;
    let mut fallback = None;
    for exponent in (top_exponent - 2)..=(top_exponent + 1) {
        for mantissa in MANTISSAS {
            // 2.5 x 10^e needs one more decimal place than 1, 2 or 5 x 10^e.
            let places_needed = if mantissa == 2.5 {
                1 - exponent
            } else {
                -exponent
            };
            if places_needed > decimals {
                continue;
            }
            let step = mantissa * 10f64.powi(exponent);
            // A hair of slack so 0.30000000000000004 still counts as a multiple of 0.1.
            let first = (lo / step + 1e-9).floor() as i64;
            let last = (hi / step - 1e-9).ceil() as i64;
            let count = (last - first + 1) as usize;
            if count > MAX_TICKS {
                continue;
            }
            // Steps come smallest first, so the first that fits has the most ticks.
            let candidate = (first, last, mantissa, exponent);
            if count >= MIN_TICKS {
                return ticks(candidate);
            }
            fallback.get_or_insert(candidate);
        }
    }
    // The largest step tried spans the range in at most three ticks, so a fallback exists.
    ticks(fallback.unwrap_or((0, 1, 1.0, top_exponent + 1)))
}

fn ticks((first, last, mantissa, exponent): (i64, i64, f64, i32)) -> Ticks {
    // Dividing by a power of ten rather than multiplying by its inverse gives
    // the nearest double to 0.3, not 0.30000000000000004.
    let value = |k: i64| {
        if exponent < 0 {
            k as f64 * mantissa / 10f64.powi(-exponent)
        } else {
            k as f64 * mantissa * 10f64.powi(exponent)
        }
    };
    Ticks {
        values: (first..=last).map(value).collect(),
        step: value(1),
    }
}

/// Which of `count` period labels to show when at most `room` fit: every
/// k-th, counted back from the latest so the newest period is always labelled.
pub(crate) fn shown_labels(count: usize, room: usize) -> impl Iterator<Item = usize> {
    let stride = count.div_ceil(room.max(1)).max(1);
    (0..count).filter(move |i| (count - 1 - i).is_multiple_of(stride))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_nice(step: f64) -> bool {
        let exponent = step.log10().floor();
        let mantissa = step / 10f64.powf(exponent);
        MANTISSAS.iter().any(|m| (m - mantissa).abs() < 1e-9) || (mantissa - 10.0).abs() < 1e-9
    }

    fn check(min: f64, max: f64, decimals: u8) {
        let t = nice_ticks(min, max, decimals);
        let slack = t.step * 1e-6;
        assert!(
            t.lo() <= min + slack && t.hi() >= max - slack,
            "{min}..{max} not covered by {:?}",
            t.values
        );
        assert!(
            (2..=MAX_TICKS).contains(&t.values.len()),
            "{min}..{max}: {:?}",
            t.values
        );
        assert!(is_nice(t.step), "{min}..{max}: step {}", t.step);
        let labels: Vec<String> = t
            .values
            .iter()
            .map(|v| stocktake_core::indicator::format_number(*v, decimals))
            .collect();
        let mut unique = labels.clone();
        unique.dedup();
        assert_eq!(
            unique, labels,
            "{min}..{max} at {decimals} places gives repeated labels"
        );
    }

    #[test]
    fn ticks_are_nice_and_cover_the_data() {
        let mut x: u64 = 12345;
        // A fixed pseudo-random walk over many magnitudes: deterministic, so a failure repeats.
        for _ in 0..5000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let a = ((x >> 11) % 100_000) as f64 / 100.0 - 300.0;
            let scale = 10f64.powi(((x >> 40) % 7) as i32 - 2);
            let b = a + ((x >> 20) % 5000) as f64 / 10.0;
            check(a * scale, b * scale, ((x >> 50) % 3) as u8);
        }
    }

    #[test]
    fn typical_ranges_get_the_ticks_a_person_would_draw() {
        assert_eq!(
            nice_ticks(3.0, 97.0, 0).values,
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(
            nice_ticks(0.0, 10.5, 1).values,
            vec![0.0, 2.5, 5.0, 7.5, 10.0, 12.5]
        );
        assert_eq!(
            nice_ticks(-12.0, 30.0, 0).values,
            vec![-20.0, -10.0, 0.0, 10.0, 20.0, 30.0]
        );
    }

    #[test]
    fn flat_and_zero_data_are_padded_without_going_negative() {
        assert_eq!(
            nice_ticks(5.0, 5.0, 0).values,
            vec![3.0, 4.0, 5.0, 6.0, 7.0]
        );
        assert_eq!(
            nice_ticks(0.0, 0.0, 0).values,
            vec![0.0, 1.0, 2.0, 3.0, 4.0]
        );
        assert_eq!(
            nice_ticks(0.0, 0.0, 1).values,
            vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
        let t = nice_ticks(1000.0, 1000.0, 0);
        assert!(t.lo() < 1000.0 && t.hi() > 1000.0 && t.values.len() >= 4);
        assert_eq!(nice_ticks(0.2, 0.2, 0).lo(), 0.0);
    }

    #[test]
    fn the_latest_label_is_always_shown() {
        assert_eq!(shown_labels(5, 12).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(
            shown_labels(36, 12).collect::<Vec<_>>(),
            (0..36).filter(|i| i % 3 == 2).collect::<Vec<_>>()
        );
        assert_eq!(shown_labels(13, 12).last(), Some(12));
        assert!(shown_labels(13, 12).count() <= 12);
    }
}
