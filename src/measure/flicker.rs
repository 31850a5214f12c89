//! Light flicker: a fast, regular rise and fall of the scene's brightness.
//!
//! Lamps on mains power pulse at 100 Hz (50 Hz mains) or 120 Hz. A camera
//! sampling at 30 fps sees the 100 Hz pulse aliased to 10 Hz; at 24 or 15
//! fps to 4 or 5 Hz; at 25 fps (or 120 Hz light at 30 fps) the alias is 0
//! Hz and the flicker is invisible between frames, so it cannot be measured
//! there: "where the frame rate allows it". Liveness checks watch brightness
//! over time, and a pulsing background reads as a screen or a replay.
//!
//! The meter looks at the background's mean brightness (it does not move
//! with the person) over the last [`WINDOW_S`], removes its straight-line
//! trend, and finds the strongest sinusoid between [`MIN_HZ`] and the
//! Nyquist frequency (half the frame rate) by a direct Fourier sum at the
//! frames' own timestamps. The result is that sinusoid's amplitude as a
//! fraction of the mean brightness. Thresholds are in docs/flicker.md.

/// Seconds of samples the meter looks at.
pub const WINDOW_S: f64 = 1.0;
/// Slower changes are people and auto-exposure, not flicker.
pub const MIN_HZ: f64 = 3.0;
/// Samples needed in the window before there is an answer.
pub const MIN_SAMPLES: usize = 16;
/// Flicker is raised above this relative amplitude. On 42 real clips
/// (zju-dev, head-dev) as recorded no frame exceeds 0.013; with a 100 Hz
/// lamp 2% deep added, 60% of frames exceed 0.015, at 4% deep all do
/// (docs/flicker.md).
pub const FLICKER_ABOVE: f32 = 0.015;

const RING: usize = 128;
/// Spacing of the frequencies tried (Hz); the 1 s Hann window is about 2 Hz wide.
const FREQ_STEP_HZ: f64 = 0.5;
/// At most this many frequencies (up to 131 Hz of Nyquist).
const MAX_FREQS: usize = 256;

#[derive(Clone, Debug)]
pub struct FlickerMeter {
    samples: [(f64, f32); RING],
    head: usize,
    len: usize,
}

impl Default for FlickerMeter {
    fn default() -> Self {
        FlickerMeter {
            samples: [(0.0, 0.0); RING],
            head: 0,
            len: 0,
        }
    }
}

impl FlickerMeter {
    /// Feeds the background brightness at time `t` (`None`: not measured on
    /// this frame, which restarts the window). Returns the flicker amplitude
    /// (fraction of mean brightness) once the window holds enough frames.
    pub fn push(&mut self, t: f64, luma: Option<f32>) -> Option<f32> {
        let Some(v) = luma.filter(|v| v.is_finite() && *v > 0.0) else {
            self.len = 0;
            return None;
        };
        if !t.is_finite() {
            return None;
        }
        if self.len > 0 && t <= self.samples[self.head].0 {
            // Repeated or backward timestamps: start over.
            self.len = 0;
        }
        self.head = (self.head + 1) % RING;
        self.samples[self.head] = (t, v);
        self.len = (self.len + 1).min(RING);
        self.amplitude(t)
    }

    fn amplitude(&self, now: f64) -> Option<f32> {
        // The samples of the window, oldest first.
        let n = (0..self.len)
            .take_while(|&k| now - self.samples[(self.head + RING - k) % RING].0 <= WINDOW_S)
            .count();
        if n < MIN_SAMPLES {
            return None;
        }
        let at = |k: usize| self.samples[(self.head + RING - (n - 1 - k)) % RING];
        let span = at(n - 1).0 - at(0).0;
        if span <= 0.0 {
            return None;
        }
        let nyquist = 0.5 * (n - 1) as f64 / span;
        if nyquist <= MIN_HZ {
            return None;
        }
        // Straight-line fit (least squares) to remove slow drift.
        let (mut st, mut sv, mut stt, mut stv) = (0.0, 0.0, 0.0, 0.0);
        let t0 = at(0).0;
        for k in 0..n {
            let (t, v) = at(k);
            let t = t - t0;
            st += t;
            sv += v as f64;
            stt += t * t;
            stv += t * v as f64;
        }
        let nf = n as f64;
        let mean = sv / nf;
        let den = nf * stt - st * st;
        let slope = if den.abs() > 1e-12 {
            (nf * stv - st * sv) / den
        } else {
            0.0
        };
        let icept = (sv - slope * st) / nf;
        // Hann-weighted Fourier sums every FREQ_STEP_HZ from MIN_HZ up to
        // Nyquist. Each sample's phasor is stepped from one frequency to the
        // next by a rotation, so a frame costs two sin/cos per sample.
        let freqs = (((nyquist - MIN_HZ) / FREQ_STEP_HZ) as usize + 1).min(MAX_FREQS);
        let mut sums = [(0.0f64, 0.0f64); MAX_FREQS];
        let mut wsum = 0.0;
        for k in 0..n {
            let (t, v) = at(k);
            let t = t - t0;
            let w = 0.5 - 0.5 * (std::f64::consts::TAU * t / span).cos();
            let wr = w * (v as f64 - (icept + slope * t));
            wsum += w;
            let (s0, c0) = (std::f64::consts::TAU * MIN_HZ * t).sin_cos();
            let (ds, dc) = (std::f64::consts::TAU * FREQ_STEP_HZ * t).sin_cos();
            let (mut c, mut s) = (c0, s0);
            for acc in sums.iter_mut().take(freqs) {
                acc.0 += wr * c;
                acc.1 += wr * s;
                (c, s) = (c * dc - s * ds, s * dc + c * ds);
            }
        }
        if wsum <= 0.0 || mean <= 0.0 {
            return None;
        }
        let best = sums[..freqs]
            .iter()
            .map(|(re, im)| 2.0 * (re * re + im * im).sqrt() / wsum)
            .fold(0.0f64, f64::max);
        Some((best / mean) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(fps: f64, seconds: f64, signal: impl Fn(f64) -> f32) -> Option<f32> {
        let mut m = FlickerMeter::default();
        let mut last = None;
        let n = (fps * seconds) as usize;
        for i in 0..n {
            let t = i as f64 / fps;
            last = m.push(t, Some(signal(t)));
        }
        last
    }

    #[test]
    fn a_pulsing_light_is_measured_at_its_amplitude() {
        // 100 Hz light seen at 30 fps: a 10 Hz alias, 5% deep.
        let a = run(30.0, 2.0, |t| {
            100.0 * (1.0 + 0.05 * (std::f64::consts::TAU * 10.0 * t).sin() as f32)
        })
        .expect("enough frames");
        assert!((a - 0.05).abs() < 0.01, "{a}");
        // At 15 fps the same light aliases to 5 Hz, still below Nyquist.
        let a = run(15.0, 3.0, |t| {
            100.0 * (1.0 + 0.05 * (std::f64::consts::TAU * 5.0 * t).sin() as f32)
        })
        .expect("enough frames");
        assert!((a - 0.05).abs() < 0.015, "{a}");
    }

    #[test]
    fn steady_or_slowly_changing_light_is_not_flicker() {
        let still = run(30.0, 2.0, |_| 120.0).expect("enough frames");
        assert!(still < 1e-4, "{still}");
        // Auto-exposure settling: a ramp and a 1 Hz swell.
        let slow = run(30.0, 2.0, |t| {
            100.0 + 20.0 * t as f32 + 5.0 * (std::f64::consts::TAU * 1.0 * t).sin() as f32
        })
        .expect("enough frames");
        assert!(slow < FLICKER_ABOVE, "{slow}");
    }

    #[test]
    fn too_few_frames_or_gaps_give_no_answer() {
        // 5 fps: Nyquist 2.5 Hz is below MIN_HZ.
        assert_eq!(run(5.0, 4.0, |_| 100.0), None);
        let mut m = FlickerMeter::default();
        for i in 0..40 {
            m.push(i as f64 / 30.0, Some(100.0));
        }
        assert_eq!(m.push(2.0, None), None);
        assert_eq!(m.push(2.1, Some(100.0)), None);
        // Backward time restarts instead of mixing streams.
        assert_eq!(m.push(0.0, Some(100.0)), None);
        assert_eq!(m.push(f64::NAN, Some(100.0)), None);
    }
}
