//! Hints: what would make a real check fail right now, with stable codes.
//!
//! Each frame gives raw conditions (pure functions of the frame's measures:
//! [`framing`], [`light`]); a [`Hysteresis`] per code turns them into hints
//! that appear only while a problem lasts and do not flicker, and every hint
//! that showed is kept as a [`HintSpan`] for the reports. A stream of one
//! frame is a photo: [`still`] judges it on that frame.

pub mod framing;
pub mod hysteresis;
pub mod light;
pub mod still;

use crate::events::{Attempt, Outcome};
use crate::measure::quality;
use crate::record::{FrameRecord, HintCode, HintSpan};
pub use hysteresis::{Change, Hysteresis};

/// How long the face must stay turned away before `not_facing_camera`
/// shows: longer than the deliberate prompted turns on head-dev (1.4-4.3 s
/// out and back, at most about 2 s past any angle).
pub const NOT_FACING_ON_S: f64 = 2.0;

/// The raw conditions of one frame: `Some(value)` where a code's condition
/// holds, with the measured value behind it.
pub type Conditions = [Option<f32>; HintCode::COUNT];

/// The raw conditions of one analysed frame of a `width` x `height` stream.
/// `not_steady` is decided by whoever knows the person should hold still
/// (the session), so it is not set here.
/// The share of the last second's frames whose pixels show a glasses frame
/// (`occlusion::GlassesMeter`), or this frame alone where no share was kept.
fn pixel_glasses_share(rec: &FrameRecord, o: &crate::measure::occlusion::OcclusionMeasures) -> f32 {
    rec.glasses_share
        .unwrap_or(if o.glasses() { 1.0 } else { 0.0 })
}

pub fn conditions(rec: &FrameRecord, width: u32, height: u32) -> Conditions {
    let mut c: Conditions = [None; HintCode::COUNT];
    let mut set = |code: HintCode, holds: bool, value: f32| {
        if holds {
            c[code.index()] = Some(value);
        }
    };
    if let Some(fps) = rec.fps {
        set(HintCode::LowFps, fps < quality::LOW_FPS_BELOW, fps as f32);
    }
    if !rec.face {
        set(HintCode::NoFace, true, 0.0);
        // A hand in the picture where no face is found is most likely over
        // it (docs/hands.md: 6 of 10 real hand-over-face photos without a
        // face found show a hand, 1 of 33 other faceless photos does).
        set(
            HintCode::HandOverFace,
            rec.hands_seen > 0,
            rec.hands_seen as f32,
        );
        return c;
    }
    // The detector's last count (it recounts every second, `vision::RECOUNT_S`).
    set(
        HintCode::MultipleFaces,
        rec.faces_detected > 1,
        rec.faces_detected as f32,
    );
    if let Some(f) = rec
        .face_box
        .and_then(|b| framing::Framing::measure(b, width, height))
    {
        set(HintCode::FaceCutOff, f.cut_off(), f.outside);
        set(HintCode::FaceTooSmall, f.too_small(), f.size);
        set(HintCode::FaceTooLarge, f.too_large(), f.size);
        let off = f.offset.0.abs().max(f.offset.1.abs());
        set(HintCode::FaceOffCenter, f.off_center(), off);
    }
    if let (Some(face_luma), Some(face_clipped), Some(side_balance)) =
        (rec.face_luma, rec.face_clipped, rec.side_balance)
    {
        let l = light::LightMeasures {
            face_luma,
            background_luma: rec.background_luma,
            face_clipped,
            side_balance,
        };
        set(HintCode::TooDark, l.too_dark(), face_luma);
        set(
            HintCode::Backlit,
            l.backlit(),
            l.backlight_ratio().unwrap_or(0.0),
        );
        set(HintCode::TooBright, l.too_bright(), face_clipped);
        set(HintCode::UnevenLight, l.uneven(), side_balance);
    }
    if let Some(v) = rec.flicker {
        set(
            HintCode::Flicker,
            v > crate::measure::flicker::FLICKER_ABOVE,
            v,
        );
    }
    if let Some(o) = &rec.occlusion {
        set(HintCode::Glare, o.glare(), o.glare);
        if rec.cover.is_none() {
            set(HintCode::Sunglasses, o.sunglasses(), o.eye_dark);
        }
        // An eye on the shadowed side of a side-lit face is dark because of
        // the light: `uneven_light` names that cause, and hair is judged
        // again once the light is even (docs/hints.md: two side-lit Yale
        // stills otherwise read as hair over an eye).
        let shadowed = rec
            .side_balance
            .is_some_and(|b| b.abs() > light::UNEVEN_BALANCE && b * o.eye_dark_diff < 0.0);
        set(
            HintCode::HairOverEyes,
            o.hair_over_eyes() && !shadowed,
            o.eye_dark_gap,
        );
        if rec.cover.is_none() {
            set(HintCode::Mask, o.mask(), o.lower_chroma);
            set(HintCode::Hat, o.hat(), o.forehead_luma);
        }
        // Glasses: the share of the last second's frames that show a frame
        // (`occlusion::GlassesMeter`; this frame alone where no share was
        // kept). Sunglasses are glasses, but the sunglasses advice is the one
        // to give.
        if rec.cover.is_none() {
            let share = pixel_glasses_share(rec, o);
            set(
                HintCode::Glasses,
                share >= crate::measure::occlusion::GLASSES_MIN_SHARE && !o.sunglasses(),
                share,
            );
        }
    }
    // Mask, sunglasses, clear glasses and hat: the learned decision on the
    // face's crop (`vision::cover`; the pixel rules above reached recall
    // 0.04-0.32 on real photos, docs/photos.md). Sunglasses are glasses,
    // but the sunglasses advice is the one to give.
    //
    // Where the two disagree, they are combined by what each is good at
    // (docs/occlusion.md, "Combined with each other and with the pixel
    // rules"): the pixel
    // sunglasses rule (dark eye boxes) raised no false alarm on real colour
    // photos and finds the lenses the network misses, so either names
    // sunglasses; clear glasses need both, because the learned heads call
    // some bare faces of webcam footage they never saw bespectacled (zju-dev,
    // held out by person) and the pixel lines fire on real photos' shadows.
    if let Some(c) = &rec.cover {
        let pixel_sunglasses = rec.occlusion.as_ref().is_some_and(|o| o.sunglasses());
        let sunglasses = c.sunglasses() || pixel_sunglasses;
        let pixel_glasses = rec.occlusion.as_ref().is_some_and(|o| {
            pixel_glasses_share(rec, o) >= crate::measure::occlusion::GLASSES_MIN_SHARE
        });
        set(HintCode::Mask, c.mask(), c.mask);
        set(HintCode::Sunglasses, sunglasses, c.sunglasses);
        set(HintCode::Hat, c.hat(), c.hat);
        set(
            HintCode::Glasses,
            c.eyeglasses() && pixel_glasses && !sunglasses,
            c.eyeglasses,
        );
    }
    // A hand over the face: MediaPipe's hand models near the face
    // (`vision::hand`, `measure::hands`); the pixel rule it replaces named
    // 1 of 47 real hands with 65 false alarms (docs/photos.md).
    if let Some(h) = &rec.hand_cover {
        set(HintCode::HandOverFace, h.covers(), h.most());
    }
    if let (Some(yaw), Some(pitch)) = (rec.yaw_deg, rec.pitch_deg) {
        set(
            HintCode::NotFacingCamera,
            quality::not_facing_camera(yaw, pitch),
            yaw.abs().max(pitch.abs()),
        );
    }
    if let Some(roll) = rec.roll_deg {
        set(HintCode::HeadTilted, quality::head_tilted(roll), roll);
    }
    if let Some(v) = rec.sharpness {
        set(
            HintCode::Blurry,
            quality::blurry(v, rec.sharpness_relative),
            rec.sharpness_relative.unwrap_or(v),
        );
    }
    if let Some(v) = rec.noise_sigma {
        set(HintCode::Noisy, v > quality::NOISY_ABOVE, v);
    }
    if let Some(v) = rec.inter_ocular_px {
        set(
            HintCode::LowResolution,
            v < quality::LOW_RESOLUTION_BELOW_PX,
            v,
        );
    }
    if let Some(v) = rec.head_speed_deg_s {
        set(HintCode::MovingTooFast, v > quality::TOO_FAST_DEG_S, v);
    }
    c
}

#[derive(Clone, Debug, Default)]
struct Run {
    /// First frame of the current raw run of the condition.
    raw_start: Option<(u64, f64)>,
    last_true: (u64, f64),
    /// The hint is showing: where its span started, and the value sum.
    open: Option<((u64, f64), f64, u32)>,
}

/// Hysteresis over every code, and the spans of the hints that showed.
#[derive(Clone, Debug)]
pub struct HintTracker {
    switches: [Hysteresis; HintCode::COUNT],
    runs: [Run; HintCode::COUNT],
    pub spans: Vec<HintSpan>,
    /// The last face seen was cut off by the frame edge: when and how much.
    cut_off_at: Option<(f64, f32)>,
    /// Frames fed since the last `finish`, and the first one's conditions:
    /// a stream of one frame is a photo, judged by [`still::judge`].
    frames: u64,
    first: Option<(u64, f64, Conditions)>,
    /// The face parts a hand covered while `hand_over_face` held (for its
    /// message), since the condition last started.
    hand_parts: Vec<crate::measure::hands::FacePart>,
}

/// A face lost this soon after it was seen cut off by the frame edge is
/// still "cut off", not "no face": the mesh loses a face that is half out of
/// the picture (on zju-dev shifted 55% sideways, about a quarter of the
/// frames), and the advice is to move back in, not to sit down in front of
/// the camera.
pub const CUT_OFF_HOLD_S: f64 = 2.0;

impl Default for HintTracker {
    fn default() -> Self {
        HintTracker {
            switches: std::array::from_fn(|i| match HintCode::ALL[i] {
                // Raised by the session only once the countdown restarted,
                // which already takes a real movement: show it at once. The
                // speed is already smoothed over 0.2 s, and a fast movement
                // is brief by nature.
                HintCode::NotSteady | HintCode::MovingTooFast => {
                    Hysteresis::new(0.0, hysteresis::OFF_AFTER_S)
                }
                // A turn asked by a prompt is not "looking away": only a pose
                // held longer than a prompt's turn is.
                HintCode::NotFacingCamera => {
                    Hysteresis::new(NOT_FACING_ON_S, hysteresis::OFF_AFTER_S)
                }
                _ => Hysteresis::default(),
            }),
            runs: std::array::from_fn(|_| Run::default()),
            spans: Vec::new(),
            cut_off_at: None,
            frames: 0,
            first: None,
            hand_parts: Vec::new(),
        }
    }
}

impl HintTracker {
    /// Feeds one frame's conditions.
    pub fn push(&mut self, index: u64, t: f64, cond: &Conditions) {
        self.frames += 1;
        if self.frames == 1 {
            self.first = Some((index, t, *cond));
        }
        for code in HintCode::ALL {
            let i = code.index();
            let run = &mut self.runs[i];
            let holds = cond[i];
            if let Some(v) = holds {
                if run.raw_start.is_none() {
                    run.raw_start = Some((index, t));
                }
                run.last_true = (index, t);
                if let Some((_, sum, n)) = &mut run.open {
                    *sum += v as f64;
                    *n += 1;
                }
            } else {
                run.raw_start = None;
            }
            match self.switches[i].push(t, holds.is_some()) {
                Some(Change::On { .. }) => {
                    let start = run.raw_start.unwrap_or((index, t));
                    run.open = Some((start, holds.unwrap_or(0.0) as f64, 1));
                }
                Some(Change::Off { .. }) => self.close(code),
                None => {}
            }
        }
    }

    /// Feeds one analysed frame: its raw conditions, the head movements
    /// that came back too slowly on it (`too_slow`, a span over the
    /// movement), and whether the session saw the head move in a hold.
    pub fn observe(
        &mut self,
        rec: &FrameRecord,
        width: u32,
        height: u32,
        near_misses: &[Attempt],
        unsteady: bool,
    ) {
        let mut cond = conditions(rec, width, height);
        let cut = HintCode::FaceCutOff.index();
        if rec.face {
            self.cut_off_at = cond[cut].map(|v| (rec.time_s, v));
        } else if let Some((_, v)) = self
            .cut_off_at
            .filter(|(t, _)| (0.0..CUT_OFF_HOLD_S).contains(&(rec.time_s - t)))
        {
            cond[cut] = Some(v);
            cond[HintCode::NoFace.index()] = None;
        }
        if unsteady {
            cond[HintCode::NotSteady.index()] = Some(crate::record::angles::STEADY_DEG);
        }
        let hand = HintCode::HandOverFace.index();
        if cond[hand].is_some() {
            let covered = rec
                .hand_cover
                .map(|h| h.covered(crate::measure::hands::COVERED_MIN))
                .unwrap_or_default();
            for p in covered {
                if !self.hand_parts.contains(&p) {
                    self.hand_parts.push(p);
                }
            }
        } else if !self.switches[hand].active() {
            self.hand_parts.clear();
        }
        self.push(rec.index, rec.time_s, &cond);
        for a in near_misses.iter().filter(|a| a.outcome == Outcome::TooLong) {
            self.spans.push(HintSpan {
                code: HintCode::TooSlow,
                start_frame: a.event.start_frame,
                end_frame: a.event.end_frame,
                start_s: a.event.start_s,
                end_s: a.event.end_s,
                value: (a.event.end_s - a.event.start_s) as f32,
                parts: Vec::new(),
            });
        }
    }

    fn close(&mut self, code: HintCode) {
        let run = &mut self.runs[code.index()];
        if let Some(((start_frame, start_s), sum, n)) = run.open.take() {
            let (end_frame, end_s) = run.last_true;
            self.spans.push(HintSpan {
                code,
                start_frame,
                end_frame: end_frame.max(start_frame),
                start_s,
                end_s: end_s.max(start_s),
                value: (sum / n.max(1) as f64) as f32,
                parts: if code == HintCode::HandOverFace {
                    sorted_parts(std::mem::take(&mut self.hand_parts))
                } else {
                    Vec::new()
                },
            });
        }
    }

    /// The face parts a hand covers while `hand_over_face` holds (for the
    /// live message).
    pub fn hand_parts(&self) -> Vec<crate::measure::hands::FacePart> {
        sorted_parts(self.hand_parts.clone())
    }

    /// Whether a hint is showing.
    pub fn active(&self, code: HintCode) -> bool {
        self.switches[code.index()].active()
    }

    /// The hints showing now, most important first.
    pub fn showing(&self) -> impl Iterator<Item = HintCode> + '_ {
        HintCode::ALL.into_iter().filter(|c| self.active(*c))
    }

    /// Ends the stream: hints still showing end at their last frame. A
    /// stream of a single frame is a photo: its hints are that frame's
    /// conditions for every code a still can show ([`still::judge`]), since
    /// no condition can last on one frame.
    pub fn finish(&mut self) -> Vec<HintSpan> {
        for code in HintCode::ALL {
            self.close(code);
            self.switches[code.index()].reset();
        }
        let photo = (self.frames == 1).then(|| self.first.take()).flatten();
        self.frames = 0;
        self.first = None;
        let parts = sorted_parts(std::mem::take(&mut self.hand_parts));
        if let Some((index, t, cond)) = photo {
            self.spans.clear();
            let mut out = still::judge(index, t, &cond);
            for s in out.iter_mut().filter(|s| s.code == HintCode::HandOverFace) {
                s.parts.clone_from(&parts);
            }
            return out;
        }
        let mut out = std::mem::take(&mut self.spans);
        out.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        out
    }
}

/// Parts in the order of `FacePart::ALL` (eyes first).
fn sorted_parts(
    mut parts: Vec<crate::measure::hands::FacePart>,
) -> Vec<crate::measure::hands::FacePart> {
    use crate::measure::hands::FacePart;
    parts.sort_by_key(|p| FacePart::ALL.iter().position(|q| q == p));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u64, face: bool, luma: f32) -> FrameRecord {
        FrameRecord {
            index: i,
            time_s: i as f64 / 30.0,
            face,
            face_box: face.then_some([230.0, 110.0, 400.0, 398.0]),
            face_luma: face.then_some(luma),
            background_luma: face.then_some(luma * 0.8),
            face_clipped: face.then_some(0.0),
            side_balance: face.then_some(0.0),
            ..Default::default()
        }
    }

    #[test]
    fn a_dark_stretch_and_a_lost_face_become_spans() {
        let mut t = HintTracker::default();
        // 0-2 s fine, 2-5 s dark, 5-6 s fine, 6-8 s no face, 8-10 s fine.
        for i in 0..300u64 {
            let s = i as f64 / 30.0;
            let r = if (2.0..5.0).contains(&s) {
                rec(i, true, 30.0)
            } else if (6.0..8.0).contains(&s) {
                rec(i, false, 0.0)
            } else {
                rec(i, true, 150.0)
            };
            t.push(i, s, &conditions(&r, 640, 480));
            if (3.0..5.0).contains(&s) {
                assert_eq!(t.showing().collect::<Vec<_>>(), vec![HintCode::TooDark]);
            }
        }
        let spans = t.finish();
        let codes: Vec<_> = spans.iter().map(|s| s.code).collect();
        assert_eq!(
            codes,
            vec![HintCode::TooDark, HintCode::NoFace],
            "{spans:?}"
        );
        assert!((spans[0].start_s - 2.0).abs() < 0.05 && (spans[0].end_s - 5.0).abs() < 0.05);
        assert!((spans[0].value - 30.0).abs() < 0.01);
        assert!((spans[1].start_s - 6.0).abs() < 0.05 && (spans[1].end_s - 8.0).abs() < 0.05);
    }

    #[test]
    fn codes_are_stable_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in HintCode::ALL {
            assert!(seen.insert(c.code()));
            assert_eq!(HintCode::parse(c.code()), Some(c));
            assert_eq!(HintCode::ALL[c.index()], c);
        }
    }
}
