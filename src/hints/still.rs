//! A photo judged on its own: the one frame of a single-picture stream.
//!
//! Hints on a stream show only once their condition has lasted
//! ([`super::Hysteresis`]), and a photo has one frame, so without this a
//! photo would never get a hint. Here every code a single frame can show
//! (`HintCode::evidence`: light, framing, pose, what covers the face,
//! sharpness, noise, resolution) becomes a hint over that frame when its
//! per-frame condition holds, with the same thresholds as on video
//! ([`super::conditions`]). Codes that need frames over time (flicker,
//! frame rate, movement, pacing, holding still) never apply to a photo.

use super::Conditions;
use crate::record::{HintCode, HintSpan};

/// The hints of a photo whose one frame (`index`, at `time_s`) has the raw
/// conditions `cond`, in order of importance.
pub fn judge(index: u64, time_s: f64, cond: &Conditions) -> Vec<HintSpan> {
    HintCode::ALL
        .into_iter()
        .filter(|c| c.still_showable())
        .filter_map(|code| {
            cond[code.index()].map(|value| HintSpan {
                code,
                start_frame: index,
                end_frame: index,
                start_s: time_s,
                end_s: time_s,
                value,
                parts: Vec::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{conditions, HintTracker};
    use super::*;
    use crate::record::FrameRecord;

    /// A face framed as in the webcam footage, with the given lighting.
    fn photo(face_luma: f32, background: f32, clipped: f32, side: f32) -> FrameRecord {
        FrameRecord {
            index: 0,
            time_s: 0.0,
            face: true,
            faces_detected: 1,
            face_box: Some([230.0, 110.0, 400.0, 398.0]),
            face_luma: Some(face_luma),
            background_luma: Some(background),
            face_clipped: Some(clipped),
            side_balance: Some(side),
            ..Default::default()
        }
    }

    fn codes(spans: &[HintSpan]) -> Vec<HintCode> {
        spans.iter().map(|s| s.code).collect()
    }

    #[test]
    fn each_condition_of_the_frame_is_a_hint_over_that_frame() {
        let dark = photo(30.0, 25.0, 0.0, 0.0);
        let spans = judge(0, 0.0, &conditions(&dark, 640, 480));
        assert_eq!(codes(&spans), [HintCode::TooDark]);
        assert_eq!((spans[0].start_frame, spans[0].end_frame), (0, 0));
        assert_eq!(spans[0].value, 30.0);
        let backlit = photo(90.0, 230.0, 0.0, 0.0);
        assert_eq!(
            codes(&judge(0, 0.0, &conditions(&backlit, 640, 480))),
            [HintCode::Backlit]
        );
        let side_lit = photo(120.0, 100.0, 0.0, 0.45);
        assert_eq!(
            codes(&judge(0, 0.0, &conditions(&side_lit, 640, 480))),
            [HintCode::UnevenLight]
        );
        let blown = photo(240.0, 200.0, 0.4, 0.0);
        assert_eq!(
            codes(&judge(0, 0.0, &conditions(&blown, 640, 480))),
            [HintCode::TooBright]
        );
        // The same thresholds as video: just inside them, nothing.
        let fine = photo(light::TOO_DARK_LUMA + 1.0, 100.0, 0.0, 0.1);
        assert!(judge(0, 0.0, &conditions(&fine, 640, 480)).is_empty());
        let no_face = FrameRecord::default();
        assert_eq!(
            codes(&judge(0, 0.0, &conditions(&no_face, 640, 480))),
            [HintCode::NoFace]
        );
    }

    use super::super::light;

    #[test]
    fn codes_that_need_time_never_apply_to_a_photo() {
        let mut rec = photo(30.0, 25.0, 0.0, 0.0);
        // Whatever the measures say about rate, flicker and speed.
        rec.fps = Some(2.0);
        rec.flicker = Some(100.0);
        rec.head_speed_deg_s = Some(500.0);
        let mut cond = conditions(&rec, 640, 480);
        cond[HintCode::NotSteady.index()] = Some(1.0);
        cond[HintCode::TooSlow.index()] = Some(9.0);
        for c in [HintCode::LowFps, HintCode::Flicker, HintCode::MovingTooFast] {
            assert!(cond[c.index()].is_some(), "{c:?} holds on the frame");
        }
        assert_eq!(codes(&judge(0, 0.0, &cond)), [HintCode::TooDark]);
    }

    #[test]
    fn the_tracker_judges_a_one_frame_stream_as_a_photo() {
        let dark = photo(30.0, 25.0, 0.0, 0.0);
        let mut t = HintTracker::default();
        t.observe(&dark, 640, 480, &[], true);
        let spans = t.finish();
        assert_eq!(codes(&spans), [HintCode::TooDark], "{spans:?}");
        // Two frames are a clip: half a second of hold still applies.
        let mut t = HintTracker::default();
        for i in 0..2u64 {
            let mut r = dark.clone();
            r.index = i;
            r.time_s = i as f64 / 30.0;
            t.observe(&r, 640, 480, &[], false);
        }
        assert!(t.finish().is_empty());
        // A tracker used again after finish starts counting afresh.
        t.observe(&dark, 640, 480, &[], false);
        assert_eq!(codes(&t.finish()), [HintCode::TooDark]);
    }
}
