//! The colour-flash step of an oval check (AWS Face Liveness's
//! FaceMovementAndLightChallenge, FaceTec): with the face close in the oval,
//! the screen shows a random sequence of full-screen colours, and the check
//! looks for their reflection on the face.
//!
//! Here the step is a rehearsal of that: it is asked only after a notice and
//! only when the person starts it (some people are sensitive to flashing
//! light; `--no-flash` leaves it out), and it says whether the reflection
//! was strong enough for such a check to see, with what to change when it
//! was not. The measure is `measure::reflection`; docs/colour-flash.md has
//! the physics, the simulation the levels below were set on, and its limits.
//!
//! Pure: the sequence comes from a seed, the schedule from frame times.

use crate::measure::reflection::{self, FaceSample, Response, Shown};
use serde::{Deserialize, Serialize};

/// The colours a sequence draws from: the screen's primaries and their
/// mixes, each at full strength, so every channel is both lit and dark
/// within a sequence.
pub const FLASH_COLOURS: [[u8; 3]; 7] = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 0],
    [0, 255, 255],
    [255, 0, 255],
    [255, 255, 255],
];
/// Colours in one sequence.
pub const FLASH_COUNT: usize = 8;
/// How long each colour stays on. At 15 fps this leaves 7 frames per colour
/// after `reflection::SETTLE_S`; the whole sequence takes 4.8 s.
pub const FLASH_SEGMENT_S: f64 = 0.6;
/// A response is judged only when at least this many colours had the face
/// in view long enough (`reflection::MIN_FRAMES_PER_COLOUR`).
pub const FLASH_MIN_COLOURS: usize = 6;
/// The reflection is called visible when the screen's light, as measured,
/// is at least this share of the room's on the face (`Response::relative`)...
///
/// Set on the simulation (docs/colour-flash.md, `measure_flash`): real
/// zju-dev faces lit by a simulated screen are found (t >= `VISIBLE_T`) on
/// every clip from a true share of 0.04 up, which the measure reads as
/// 0.034 (auto-exposure and the background take a little of it); at 0.02
/// some clips are missed. A real check's camera also adjusts its white
/// balance and its stream is compressed on the way to a server, which no
/// camera here could show: this is the least a check could use, not what
/// any one service demands (none publishes it).
pub const VISIBLE_RELATIVE: f32 = 0.03;
/// ...and the face follows the screen this surely (`Response::t_stat`;
pub const VISIBLE_T: f32 = 6.0;

/// What the step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashVerdict {
    /// A check of this kind could see the screen's colours on the face.
    Visible,
    /// The face followed the screen too little for such a check.
    Weak,
    /// Too few colours had the face in view to tell.
    NotMeasured,
    /// The person chose not to run it.
    Skipped,
}

impl FlashVerdict {
    pub fn code(self) -> &'static str {
        match self {
            FlashVerdict::Visible => "visible",
            FlashVerdict::Weak => "weak",
            FlashVerdict::NotMeasured => "not_measured",
            FlashVerdict::Skipped => "skipped",
        }
    }

    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            FlashVerdict::Visible => Msg::FlashVisible,
            FlashVerdict::Weak => Msg::FlashWeak,
            FlashVerdict::NotMeasured => Msg::FlashNotMeasured,
            FlashVerdict::Skipped => Msg::FlashSkipped,
        }
    }
}

/// What to change so that the reflection shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashAdvice {
    FullBrightness,
    ComeCloser,
    DimRoom,
    AwayFromWindow,
    StayInOval,
}

impl FlashAdvice {
    pub fn code(self) -> &'static str {
        match self {
            FlashAdvice::FullBrightness => "full_brightness",
            FlashAdvice::ComeCloser => "come_closer",
            FlashAdvice::DimRoom => "dim_room",
            FlashAdvice::AwayFromWindow => "away_from_window",
            FlashAdvice::StayInOval => "stay_in_oval",
        }
    }

    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            FlashAdvice::FullBrightness => Msg::FlashAdviceBrightness,
            FlashAdvice::ComeCloser => Msg::FlashAdviceCloser,
            FlashAdvice::DimRoom => Msg::FlashAdviceDimRoom,
            FlashAdvice::AwayFromWindow => Msg::FlashAdviceWindow,
            FlashAdvice::StayInOval => Msg::FlashAdviceStayInOval,
        }
    }
}

/// The step's outcome, as the session JSON keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlashResult {
    pub verdict: FlashVerdict,
    /// The colours shown, in order, with their times.
    pub sequence: Vec<Shown>,
    /// The face's measured response (per colour, and the fit).
    pub response: Option<Response>,
    pub advice: Vec<FlashAdvice>,
}

impl FlashResult {
    pub fn skipped() -> FlashResult {
        FlashResult {
            verdict: FlashVerdict::Skipped,
            sequence: Vec::new(),
            response: None,
            advice: Vec::new(),
        }
    }

    /// One line for the person: the verdict and, when measured, the screen's
    /// light against the room's.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Msg;
        let verdict = lang.text(self.verdict.message());
        match &self.response {
            Some(r) if self.verdict != FlashVerdict::NotMeasured => lang.fill(
                Msg::FlashResultLine,
                &[
                    ("verdict", verdict),
                    ("pct", &format!("{:.0}%", r.relative.max(0.0) * 100.0)),
                ],
            ),
            _ => lang.fill(Msg::FlashResultShort, &[("verdict", verdict)]),
        }
    }

    /// A real check of this kind would pass on it (skipped counts as not
    /// failed: the person chose not to rehearse it).
    pub fn failed(&self) -> bool {
        matches!(self.verdict, FlashVerdict::Weak | FlashVerdict::NotMeasured)
    }
}

/// A random sequence of `FLASH_COUNT` colours for attempt `attempt`: no
/// colour twice in a row, and every channel both lit and dark at least
/// twice (so each channel's response can be fitted).
pub fn sequence(seed: u64, attempt: u32) -> Vec<[u8; 3]> {
    let mut rng =
        fastrand::Rng::with_seed(seed ^ 0xF1A5_4C01_0000_0000 ^ (attempt as u64).wrapping_mul(31));
    loop {
        let mut v: Vec<[u8; 3]> = Vec::with_capacity(FLASH_COUNT);
        while v.len() < FLASH_COUNT {
            let c = FLASH_COLOURS[rng.usize(..FLASH_COLOURS.len())];
            if v.last() != Some(&c) {
                v.push(c);
            }
        }
        let varied = (0..3).all(|ch| {
            let lit = v.iter().filter(|c| c[ch] > 0).count();
            lit >= 2 && FLASH_COUNT - lit >= 2
        });
        if varied {
            return v;
        }
    }
}

/// The step under way: the schedule, and what the face did.
#[derive(Clone, Debug)]
pub struct Flash {
    shown: Vec<Shown>,
    samples: Vec<FaceSample>,
    sizes: Vec<f32>,
    frames: usize,
    backlit: usize,
}

/// What the flash step reads from one frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlashFrame {
    pub time_s: f64,
    /// Mean face colour, linear (`lighting::Lighting::face_rgb_linear`).
    pub face_rgb: Option<[f32; 3]>,
    /// Face height over frame height.
    pub face_size: Option<f32>,
    /// Face and background luma (0-255).
    pub light: Option<(f32, f32)>,
}

impl Flash {
    /// `colours` shown from `start_s`, `FLASH_SEGMENT_S` each.
    pub fn new(colours: &[[u8; 3]], start_s: f64) -> Flash {
        let shown = colours
            .iter()
            .enumerate()
            .map(|(i, &colour)| Shown {
                colour,
                start_s: start_s + i as f64 * FLASH_SEGMENT_S,
                end_s: start_s + (i + 1) as f64 * FLASH_SEGMENT_S,
            })
            .collect();
        Flash {
            shown,
            samples: Vec::new(),
            sizes: Vec::new(),
            frames: 0,
            backlit: 0,
        }
    }

    /// The colour to show at `t` (`None` before the start and after the end).
    pub fn colour_at(&self, t: f64) -> Option<[u8; 3]> {
        self.shown
            .iter()
            .find(|s| t >= s.start_s && t < s.end_s)
            .map(|s| s.colour)
    }

    /// Every colour has been shown, and frames exposed up to
    /// `reflection::LAG_MAX_S` later have been seen.
    pub fn done(&self, t: f64) -> bool {
        self.shown
            .last()
            .is_none_or(|s| t >= s.end_s + reflection::LAG_MAX_S)
    }

    /// Fraction of the sequence shown at `t`.
    pub fn progress(&self, t: f64) -> f32 {
        match (self.shown.first(), self.shown.last()) {
            (Some(a), Some(b)) if b.end_s > a.start_s => {
                ((t - a.start_s) / (b.end_s - a.start_s)).clamp(0.0, 1.0) as f32
            }
            _ => 1.0,
        }
    }

    pub fn push(&mut self, f: &FlashFrame) {
        self.frames += 1;
        if let Some(rgb) = f.face_rgb {
            self.samples.push(FaceSample {
                time_s: f.time_s,
                rgb,
            });
        }
        if let Some(s) = f.face_size.filter(|s| s.is_finite()) {
            self.sizes.push(s);
        }
        if let Some((face, bg)) = f.light {
            let m = crate::hints::light::LightMeasures {
                face_luma: face,
                background_luma: Some(bg),
                face_clipped: 0.0,
                side_balance: 0.0,
            };
            if m.backlit() {
                self.backlit += 1;
            }
        }
    }

    /// Judges what was seen.
    pub fn finish(self) -> FlashResult {
        let response = reflection::respond(&self.samples, &self.shown);
        let measured = response
            .as_ref()
            .is_some_and(|r| r.colours.len() >= FLASH_MIN_COLOURS);
        let verdict = match &response {
            _ if !measured => FlashVerdict::NotMeasured,
            Some(r) if r.relative >= VISIBLE_RELATIVE && r.t_stat >= VISIBLE_T => {
                FlashVerdict::Visible
            }
            _ => FlashVerdict::Weak,
        };
        let mut advice = Vec::new();
        match verdict {
            FlashVerdict::NotMeasured => advice.push(FlashAdvice::StayInOval),
            FlashVerdict::Weak => {
                advice.push(FlashAdvice::FullBrightness);
                let mut sizes = self.sizes.clone();
                sizes.sort_by(|a, b| a.total_cmp(b));
                let median = sizes.get(sizes.len() / 2).copied();
                if median.is_none_or(|s| s < crate::events::acceptance::MOVE_CLOSER_FILL) {
                    advice.push(FlashAdvice::ComeCloser);
                }
                advice.push(FlashAdvice::DimRoom);
                if self.backlit * 2 > self.frames {
                    advice.push(FlashAdvice::AwayFromWindow);
                }
            }
            FlashVerdict::Visible | FlashVerdict::Skipped => {}
        }
        FlashResult {
            verdict,
            sequence: self.shown,
            response,
            advice,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::lighting::srgb_to_linear;

    #[test]
    fn sequences_repeat_with_their_seed_and_vary_every_channel() {
        let a = sequence(5, 0);
        assert_eq!(a, sequence(5, 0));
        assert_ne!(a, sequence(5, 1));
        assert_eq!(a.len(), FLASH_COUNT);
        assert!(a.windows(2).all(|w| w[0] != w[1]));
        for ch in 0..3 {
            assert!(a.iter().any(|c| c[ch] == 0) && a.iter().any(|c| c[ch] == 255));
        }
    }

    /// A face seen at 30 fps whose colour follows the screen by `g`.
    fn run(g: f32, size: f32, light: (f32, f32)) -> FlashResult {
        let colours = sequence(1, 0);
        let mut f = Flash::new(&colours, 10.0);
        let mut t = 10.0;
        let mut rng = fastrand::Rng::with_seed(9);
        while !f.done(t) {
            let s = f
                .colour_at(t - 0.05)
                .map_or([0.0; 3], |c| c.map(srgb_to_linear));
            let rgb = [0.3f32, 0.2, 0.15]
                .iter()
                .zip(s)
                .map(|(a, s)| a * (1.0 + g * s) * (1.0 + 0.004 * (rng.f32() - 0.5)))
                .collect::<Vec<_>>();
            f.push(&FlashFrame {
                time_s: t,
                face_rgb: Some([rgb[0], rgb[1], rgb[2]]),
                face_size: Some(size),
                light: Some(light),
            });
            t += 1.0 / 30.0;
        }
        f.finish()
    }

    #[test]
    fn a_strong_reflection_is_visible_and_a_faint_one_gets_advice() {
        let strong = run(0.3, 0.8, (120.0, 100.0));
        assert_eq!(strong.verdict, FlashVerdict::Visible, "{strong:?}");
        assert!(strong.advice.is_empty());
        let faint = run(0.01, 0.5, (60.0, 200.0));
        assert_eq!(faint.verdict, FlashVerdict::Weak, "{faint:?}");
        assert_eq!(
            faint.advice,
            vec![
                FlashAdvice::FullBrightness,
                FlashAdvice::ComeCloser,
                FlashAdvice::DimRoom,
                FlashAdvice::AwayFromWindow
            ]
        );
        // Close and not backlit: only the screen and the room to change.
        let close = run(0.01, 0.8, (120.0, 100.0));
        assert_eq!(
            close.advice,
            vec![FlashAdvice::FullBrightness, FlashAdvice::DimRoom]
        );
    }

    #[test]
    fn without_the_face_nothing_is_measured() {
        let colours = sequence(2, 0);
        let mut f = Flash::new(&colours, 0.0);
        let mut t = 0.0;
        while !f.done(t) {
            f.push(&FlashFrame {
                time_s: t,
                ..Default::default()
            });
            t += 1.0 / 30.0;
        }
        let r = f.finish();
        assert_eq!(r.verdict, FlashVerdict::NotMeasured);
        assert!(r.failed());
        assert_eq!(r.advice, vec![FlashAdvice::StayInOval]);
        assert_eq!(r.sequence.len(), FLASH_COUNT);
    }
}
