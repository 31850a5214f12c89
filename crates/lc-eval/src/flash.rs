//! A faithful simulation of a screen flashing colours onto a real face, for
//! calibrating the colour-flash step (`liveness_coach::session::flash`)
//! where no camera can be used (docs/colour-flash.md).
//!
//! Physics: in linear light a diffuse face pixel is its albedo times the
//! light falling on it. A real frame already holds `albedo * E_room`; the
//! screen adds `albedo * E_screen * s` for screen colour `s` (linear, 0-1 per
//! channel), so the lit pixel is the frame's own times
//! `1 + (E_screen / E_room) * s`. Only the face is near the screen: the
//! background, a few times farther away, gets `BACKGROUND_SHARE` of that
//! (the screen's light falls as the square of the distance). Then what a
//! webcam adds: a delay between the screen changing and the frame that
//! shows it, optional auto-exposure (the frame's mean brightness held
//! where it was), sensor noise in code values, 8-bit rounding; and, in
//! `measure_flash`, H.264 compression through ffmpeg.
//!
//! Limits (no camera here): real skin also reflects specularly (glossy
//! spots follow the screen more than diffuse skin does), real auto white
//! balance shifts the colours back, and the screen's spectrum is not a
//! camera's primaries; none of that is modelled.

use liveness_coach::frame::Frame;
use liveness_coach::measure::lighting::{linear_to_srgb, srgb_to_linear, FACE_OVAL};
use liveness_coach::vision::roi::inside;

/// The background's share of the face's added light: a wall 1.5-2 m behind
/// a face at 0.5 m gets 1/9-1/16 of it.
pub const BACKGROUND_SHARE: f32 = 0.1;

/// A room and a screen, as the simulation sees them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Room {
    pub name: &'static str,
    /// The screen's light on the face against the room's (`E_screen /
    /// E_room`) for a full channel.
    pub screen_over_room: f32,
    /// Sensor noise, sRGB code values (standard deviation per pixel).
    pub noise: f32,
    /// Hold the frame's mean brightness where it was (a camera's
    /// auto-exposure at its quickest).
    pub auto_exposure: bool,
}

/// Rooms of docs/colour-flash.md's physics table: a laptop screen at full
/// brightness lights a face at 40 cm with about 100 lux of white.
pub const ROOMS: [Room; 4] = [
    // An evening room lit by one lamp, ~50 lux: the screen outshines it.
    Room {
        name: "dim room (50 lux)",
        screen_over_room: 2.0,
        noise: 4.0,
        auto_exposure: true,
    },
    // An office, ~400 lux.
    Room {
        name: "office (400 lux)",
        screen_over_room: 0.25,
        noise: 2.0,
        auto_exposure: true,
    },
    // Beside a window in daylight, ~3000 lux.
    Room {
        name: "by a window (3000 lux)",
        screen_over_room: 0.033,
        noise: 1.0,
        auto_exposure: true,
    },
    // Outdoors in shade, ~10000 lux.
    Room {
        name: "outdoors (10000 lux)",
        screen_over_room: 0.01,
        noise: 1.0,
        auto_exposure: true,
    },
];

fn linear_table() -> [f32; 256] {
    std::array::from_fn(|i| srgb_to_linear(i as u8))
}

/// Lights `frame` (whose face has `landmarks`) with screen colour `screen`
/// in `room`; `rng` draws the sensor noise.
pub fn light_frame(
    frame: &mut Frame,
    landmarks: Option<&[[f32; 3]]>,
    screen: [u8; 3],
    room: &Room,
    rng: &mut fastrand_lite::Rng,
) {
    let lin = linear_table();
    let s = screen.map(srgb_to_linear);
    let poly: Vec<[f32; 2]> = landmarks
        .filter(|l| l.len() >= 468)
        .map(|l| FACE_OVAL.iter().map(|&i| [l[i][0], l[i][1]]).collect())
        .unwrap_or_default();
    let (w, h) = (frame.width as usize, frame.height as usize);
    let g = room.screen_over_room;
    let bounds = liveness_coach::vision::roi::bounds(poly.iter().copied());
    let mut out = vec![0f32; w * h * 3];
    let (mut before, mut after) = (0.0f64, 0.0f64);
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let on_face = bounds.is_some_and(|b| {
                px >= b[0] && px <= b[2] && py >= b[1] && py <= b[3] && inside(&poly, [px, py])
            });
            let share = if on_face { 1.0 } else { BACKGROUND_SHARE };
            let i = (y * w + x) * 3;
            for c in 0..3 {
                let v = lin[frame.rgb[i + c] as usize];
                let lit = v * (1.0 + g * share * s[c]);
                before += v as f64;
                after += lit as f64;
                out[i + c] = lit;
            }
        }
    }
    let k = if room.auto_exposure && after > 0.0 {
        (before / after) as f32
    } else {
        1.0
    };
    for (dst, v) in frame.rgb.iter_mut().zip(&out) {
        let code = linear_to_srgb(v * k) as f32 + room.noise * rng.gauss();
        *dst = code.round().clamp(0.0, 255.0) as u8;
    }
}

/// Frames of `clip` played forward, backward, forward... (a still face
/// looks the same either way) until `seconds` long at `fps`.
pub fn long_enough(clip: &[Frame], seconds: f64, fps: f64) -> Vec<Frame> {
    let mut out = Vec::new();
    if clip.is_empty() {
        return out;
    }
    let n = (seconds * fps).ceil() as usize;
    let period = if clip.len() > 1 {
        2 * (clip.len() - 1)
    } else {
        1
    };
    for i in 0..n {
        let k = i % period;
        let j = if k < clip.len() { k } else { period - k };
        let mut f = clip[j].clone();
        f.index = i as u64;
        f.time_s = i as f64 / fps;
        out.push(f);
    }
    out
}

/// Rehearses the colour flash on `frames` (a still face) in `room`: the
/// product's own analysis and session run on the lit frames exactly as
/// live, with the flash started `start_s` into the clip, and each frame lit
/// by the colour the session showed `latency_s` before it was exposed.
/// Returns the session's flash result and the lit frames (for encoding).
pub fn rehearse(
    files: &liveness_coach::models::ModelFiles,
    frames: &[Frame],
    room: &Room,
    start_s: f64,
    latency_s: f64,
    seed: u64,
) -> anyhow::Result<(
    Option<liveness_coach::session::flash::FlashResult>,
    Vec<Frame>,
)> {
    light_clip(files, frames, room, start_s, latency_s, seed)
}

/// Runs the product's analysis and session over already lit frames, with
/// Space pressed at `start_s`; the flash result of the attempt.
pub fn judge(
    files: &liveness_coach::models::ModelFiles,
    frames: &[Frame],
    start_s: f64,
    seed: u64,
) -> anyhow::Result<Option<liveness_coach::session::flash::FlashResult>> {
    let (mut coach, mut started) = (coach(files, seed)?, false);
    for f in frames {
        if !started && f.time_s >= start_s {
            coach.input(liveness_coach::session::Input::Start);
            started = true;
        }
        coach.step(f, &mut ())?;
        if coach.session.finished() {
            break;
        }
    }
    coach.finish();
    Ok(coach.session.attempts.first().and_then(|a| a.flash.clone()))
}

fn coach(
    files: &liveness_coach::models::ModelFiles,
    seed: u64,
) -> anyhow::Result<liveness_coach::coach::Coach> {
    use liveness_coach::analysis::{Analyzer, AnalyzerOptions};
    use liveness_coach::session::SessionConfig;
    let analyzer = Analyzer::new(files, AnalyzerOptions::default())?;
    Ok(liveness_coach::coach::Coach::new(
        analyzer,
        SessionConfig {
            challenges: Vec::new(),
            intro: false,
            seed,
            flash: true,
            ..SessionConfig::default()
        },
    ))
}

/// Lights each frame with the colour a live session would have shown
/// `latency_s` before it: the session runs on the lit frames as they are
/// made, so the schedule and the verdict are the product's own.
fn light_clip(
    files: &liveness_coach::models::ModelFiles,
    frames: &[Frame],
    room: &Room,
    start_s: f64,
    latency_s: f64,
    seed: u64,
) -> anyhow::Result<(
    Option<liveness_coach::session::flash::FlashResult>,
    Vec<Frame>,
)> {
    use liveness_coach::analysis::{Analyzer, AnalyzerOptions};
    // Landmarks of the unlit face, for where the screen's light falls.
    let mut truth = Analyzer::new(files, AnalyzerOptions::default())?;
    let mut live = coach(files, seed)?;
    let mut shown: Vec<(f64, [u8; 3])> = Vec::new();
    let mut rng = fastrand_lite::Rng::new(seed ^ 0x5EED);
    let mut started = false;
    let mut out = Vec::with_capacity(frames.len());
    for f in frames {
        let (_, obs, _) = truth.step(f, &mut ())?;
        let t = f.time_s - latency_s;
        let colour = shown
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map_or([0, 0, 0], |s| s.1);
        let mut lit = f.clone();
        light_frame(
            &mut lit,
            obs.face.as_ref().map(|x| x.landmarks.as_slice()),
            colour,
            room,
            &mut rng,
        );
        if !started && f.time_s >= start_s {
            live.input(liveness_coach::session::Input::Start);
            started = true;
        }
        live.step(&lit, &mut ())?;
        shown.push((f.time_s, live.session.flash_colour().unwrap_or([0, 0, 0])));
        out.push(lit);
    }
    live.finish();
    let result = live.session.attempts.first().and_then(|a| a.flash.clone());
    Ok((result, out))
}

/// A tiny deterministic normal-noise source (no extra dependency).
pub mod fastrand_lite {
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }

        fn next_f32(&mut self) -> f32 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            ((v >> 40) as f32 + 0.5) / (1u64 << 24) as f32
        }

        /// A standard normal draw (Box-Muller).
        pub fn gauss(&mut self) -> f32 {
            let (u, v) = (self.next_f32(), self.next_f32());
            (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
        }
    }
}
