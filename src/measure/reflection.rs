//! How much the face's colour follows the screen's: the measure behind a
//! colour-flash check (AWS Face Liveness, FaceTec).
//!
//! Physics (docs/colour-flash.md): skin reflects diffusely, so in linear
//! light each channel of the face is its albedo times the light falling on
//! it, the room's plus the screen's:
//!
//! ```text
//! face_c(t) = albedo_c * (E_room,c + E_screen,c * s_c(t))
//!           = a_c + b_c * s_c(t)
//! ```
//!
//! where `s_c(t)` is the screen's colour (linear, 0-1 per channel) when the
//! frame was exposed. `a_c` is the face under the room's light alone, `b_c`
//! what a full screen channel adds, and their ratio `b_c / a_c` is
//! `E_screen / E_room`: the screen's light against the room's. That ratio is
//! what decides whether a check can see the reflection; it grows with the
//! screen's brightness, with coming closer (the screen's light falls as the
//! square of the distance), and as the room gets darker.
//!
//! [`respond`] fits `a_c` and `b_c` per channel by least squares over the
//! frames shown each colour, after a settling time at each change, and
//! searches the display-to-camera delay (unknown: screens, cameras and the
//! capture pipeline each add some) for the one that fits best.
//!
//! Pure: face colours with their frame times in, a fit out.

use serde::{Deserialize, Serialize};

/// Frames exposed within this long after a colour change are not used: a
/// webcam frame integrates light over up to 33 ms, and a screen takes one or
/// two refreshes to change.
pub const SETTLE_S: f64 = 0.1;
/// Longest display-to-camera delay searched. A webcam frame reaches an
/// application 50-150 ms after exposure (docs/speed.md's capture latency),
/// and the colour shown follows the frame the session last saw.
pub const LAG_MAX_S: f64 = 0.3;
/// Step of the delay search.
pub const LAG_STEP_S: f64 = 1.0 / 60.0;
/// A colour is used only with at least this many frames inside it.
pub const MIN_FRAMES_PER_COLOUR: usize = 2;

/// One colour the screen showed, and when (the session's clock).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    /// sRGB, 0-255.
    pub colour: [u8; 3],
    pub start_s: f64,
    pub end_s: f64,
}

/// The face's mean colour on one frame (linear light, 0-1 per channel).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceSample {
    pub time_s: f64,
    pub rgb: [f32; 3],
}

/// The face's colour while one colour was shown.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColourResponse {
    pub colour: [u8; 3],
    /// Mean face colour, linear light.
    pub face_rgb: [f32; 3],
    /// Frames used.
    pub frames: usize,
}

/// How the face followed the screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The display-to-camera delay that fitted best, seconds.
    pub lag_s: f64,
    pub colours: Vec<ColourResponse>,
    /// The face under the room's light alone (`a_c`), linear.
    pub ambient: [f32; 3],
    /// What a full screen channel adds over the room's light (`b_c / a_c`),
    /// per channel.
    pub gain: [f32; 3],
    /// The median of `gain`: the screen's light against the room's.
    pub relative: f32,
    /// Frame-to-frame noise of the face colour around the fit, over
    /// `ambient` (median of the channels).
    pub noise: f32,
    /// How surely the face follows the screen: `b_c` over its standard
    /// error (median of the channels). Noise alone gives about 1.
    pub t_stat: f32,
}

/// Linear light of one sRGB channel value.
fn linear(v: u8) -> f64 {
    crate::measure::lighting::srgb_to_linear(v) as f64
}

struct ChannelFit {
    a: f64,
    b: f64,
    sigma: f64,
    t: f64,
}

/// Least squares `v = a + b s` over (s, v) pairs.
fn fit_channel(pairs: &[(f64, f64)]) -> Option<ChannelFit> {
    let n = pairs.len() as f64;
    if pairs.len() < 4 {
        return None;
    }
    let ms = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mv = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let sss: f64 = pairs.iter().map(|p| (p.0 - ms).powi(2)).sum();
    if sss <= 1e-9 {
        return None;
    }
    let ssv: f64 = pairs.iter().map(|p| (p.0 - ms) * (p.1 - mv)).sum();
    let b = ssv / sss;
    let a = mv - b * ms;
    let rss: f64 = pairs.iter().map(|p| (p.1 - a - b * p.0).powi(2)).sum();
    let sigma = (rss / (n - 2.0)).sqrt();
    let se = sigma / sss.sqrt();
    let t = if se > 0.0 { b / se } else { f64::INFINITY };
    Some(ChannelFit { a, b, sigma, t })
}

fn median3(v: [f64; 3]) -> f64 {
    let mut s = v;
    s.sort_by(|a, b| a.total_cmp(b));
    s[1]
}

/// Fits the face's response at one delay.
fn respond_at(samples: &[FaceSample], shown: &[Shown], lag: f64) -> Option<Response> {
    // Frames inside each colour, after its settling time.
    let mut per: Vec<Vec<[f32; 3]>> = vec![Vec::new(); shown.len()];
    for s in samples {
        let t = s.time_s - lag;
        if let Some(k) = shown
            .iter()
            .position(|c| t >= c.start_s + SETTLE_S && t < c.end_s)
        {
            if s.rgb.iter().all(|v| v.is_finite()) {
                per[k].push(s.rgb);
            }
        }
    }
    let mut colours = Vec::new();
    let mut pairs: [Vec<(f64, f64)>; 3] = Default::default();
    for (c, frames) in shown.iter().zip(&per) {
        if frames.len() < MIN_FRAMES_PER_COLOUR {
            continue;
        }
        let mut mean = [0.0f64; 3];
        for f in frames {
            for ch in 0..3 {
                mean[ch] += f[ch] as f64;
                pairs[ch].push((linear(c.colour[ch]), f[ch] as f64));
            }
        }
        colours.push(ColourResponse {
            colour: c.colour,
            face_rgb: mean.map(|m| (m / frames.len() as f64) as f32),
            frames: frames.len(),
        });
    }
    let fits = [
        fit_channel(&pairs[0])?,
        fit_channel(&pairs[1])?,
        fit_channel(&pairs[2])?,
    ];
    if fits.iter().any(|f| f.a <= 1e-6) {
        return None;
    }
    let gain = [0, 1, 2].map(|c| fits[c].b / fits[c].a);
    let noise = [0, 1, 2].map(|c| fits[c].sigma / fits[c].a);
    let t = [0, 1, 2].map(|c| fits[c].t);
    Some(Response {
        lag_s: lag,
        colours,
        ambient: [0, 1, 2].map(|c| fits[c].a as f32),
        gain: gain.map(|g| g as f32),
        relative: median3(gain) as f32,
        noise: median3(noise) as f32,
        t_stat: median3(t) as f32,
    })
}

/// How the face followed the screen over `shown` (in order, not
/// overlapping), from the face colours of the frames exposed meanwhile.
/// `None` when too few colours had a face, or the colours shown do not
/// vary every channel.
pub fn respond(samples: &[FaceSample], shown: &[Shown]) -> Option<Response> {
    let steps = (LAG_MAX_S / LAG_STEP_S).round() as usize;
    (0..=steps)
        .filter_map(|i| respond_at(samples, shown, i as f64 * LAG_STEP_S))
        .max_by(|a, b| a.t_stat.total_cmp(&b.t_stat))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQ: [[u8; 3]; 8] = [
        [255, 0, 0],
        [0, 255, 255],
        [0, 255, 0],
        [255, 0, 255],
        [0, 0, 255],
        [255, 255, 0],
        [255, 255, 255],
        [0, 255, 0],
    ];

    fn shown(seg: f64) -> Vec<Shown> {
        SEQ.iter()
            .enumerate()
            .map(|(i, &c)| Shown {
                colour: c,
                start_s: i as f64 * seg,
                end_s: (i + 1) as f64 * seg,
            })
            .collect()
    }

    /// A face of albedo 0.4/0.3/0.25 under room light 1 and a screen
    /// adding `g` of it, seen `lag` late, with deterministic noise.
    fn face(g: f64, lag: f64, noise: f64, seg: f64) -> Vec<FaceSample> {
        let sh = shown(seg);
        let mut rng = fastrand::Rng::with_seed(3);
        (0..(SEQ.len() as f64 * seg * 30.0) as usize)
            .map(|i| {
                let t = i as f64 / 30.0;
                let s = sh
                    .iter()
                    .find(|c| t - lag >= c.start_s && t - lag < c.end_s)
                    .map_or([0.0; 3], |c| c.colour.map(linear));
                let albedo = [0.4, 0.3, 0.25];
                let rgb = [0, 1, 2].map(|c| {
                    let v = albedo[c] * (1.0 + g * s[c]);
                    (v * (1.0 + noise * (rng.f64() * 2.0 - 1.0) * 1.7)) as f32
                });
                FaceSample { time_s: t, rgb }
            })
            .collect()
    }

    #[test]
    fn the_fit_recovers_the_screen_against_the_room_and_the_delay() {
        let r = respond(&face(0.2, 0.1, 0.005, 0.6), &shown(0.6)).expect("fit");
        assert!((r.relative - 0.2).abs() < 0.01, "{r:?}");
        // Any delay from the true one less the settling time fits cleanly.
        assert!(
            r.lag_s >= 0.1 - SETTLE_S - 1e-9 && r.lag_s <= 0.1 + LAG_STEP_S,
            "{r:?}"
        );
        assert!(r.t_stat > 20.0, "{r:?}");
        assert_eq!(r.colours.len(), SEQ.len());
    }

    #[test]
    fn noise_alone_does_not_follow_the_screen() {
        let r = respond(&face(0.0, 0.0, 0.005, 0.6), &shown(0.6)).expect("fit");
        assert!(r.relative.abs() < 0.005, "{r:?}");
        assert!(r.t_stat < 4.0, "{r:?}");
    }

    #[test]
    fn without_frames_or_without_varied_colours_there_is_no_fit() {
        assert!(respond(&[], &shown(0.6)).is_none());
        let white: Vec<Shown> = (0..6)
            .map(|i| Shown {
                colour: [255; 3],
                start_s: i as f64,
                end_s: i as f64 + 1.0,
            })
            .collect();
        assert!(respond(&face(0.2, 0.0, 0.005, 1.0), &white).is_none());
    }
}
