//! The live document guide (`document --camera`): looks at the document in
//! the camera's picture, says what to change, and takes the picture itself
//! once a check would accept it and the person holds it still.
//!
//! A *look* is one frame judged exactly as a photo is (`check::locate`
//! and `check::assess`, the same thresholds): the guide only decides what
//! to say and when to take the picture, from the looks it is given. It has
//! no clock and no camera: looks carry their stream time, and the caller
//! decides which frames to look at (live: the newest frame whenever the
//! previous look is done; from a file: one frame every [`LOOK_EVERY_S`]).

use super::check::DocIssue;
use super::find;

/// From a recording, a frame is looked at every this many seconds of its
/// own time: about what a live look costs on a two-core machine (text
/// detection 0.4 s and reading 0.6 s warm, 640x480, docs/documents.md), so
/// a recording is guided as a camera would be.
pub const LOOK_EVERY_S: f64 = 1.0;

/// The picture is taken when two looks in a row would be accepted and the
/// document's corners moved less than this share of the picture's diagonal
/// between them: the finder's own corner error is 0.5% of the diagonal
/// (median 4.8 px, docs/documents.md), a document carried across the
/// picture moves tens of percent between looks.
pub const STEADY_CORNER_SHARE: f64 = 0.02;

/// Two accepted looks further apart than this are not one steady hold.
pub const HOLD_MAX_GAP_S: f64 = 3.0;

/// What one look saw, in the terms the guide needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    pub time_s: f64,
    /// Frame number in the stream.
    pub frame: u64,
    pub width: u32,
    pub height: u32,
    /// The document's corners, when one was found.
    pub corners: Option<[[f32; 2]; 4]>,
    /// Every issue the photo judgement named, in its order.
    pub issues: Vec<DocIssue>,
}

/// What the guide says after a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Say {
    /// No document: show it inside the frame.
    Place,
    /// The photo would be refused for this: change it.
    Fix(DocIssue),
    /// Acceptable: hold still for the picture.
    HoldStill,
    /// The picture is taken (this look's frame).
    Taken,
}

/// The issues a better picture can mend, most basic first: what the guide
/// asks the person to change, one at a time. What the document itself says
/// (expired, a wrong check digit) is not the photo's fault: a picture is
/// taken anyway and the result says it.
pub const PHOTO_ISSUES: [DocIssue; 8] = [
    DocIssue::NoDocument,
    DocIssue::DocumentCutOff,
    DocIssue::TooSmall,
    DocIssue::Tilted,
    DocIssue::TooDark,
    DocIssue::Glare,
    DocIssue::Blurry,
    DocIssue::MrzUnreadable,
];

/// The guide's state: the last acceptable look, and whether the picture
/// is taken.
#[derive(Clone, Debug, Default)]
pub struct Guide {
    last_good: Option<Look>,
    taken: Option<Look>,
}

impl Guide {
    /// Feeds one look; says what to do.
    pub fn push(&mut self, look: &Look) -> Say {
        if self.taken.is_some() {
            return Say::Taken;
        }
        if let Some(i) = PHOTO_ISSUES.into_iter().find(|i| look.issues.contains(i)) {
            self.last_good = None;
            return if i == DocIssue::NoDocument {
                Say::Place
            } else {
                Say::Fix(i)
            };
        }
        if look.corners.is_none() {
            self.last_good = None;
            return Say::Place;
        }
        let steady = self
            .last_good
            .as_ref()
            .is_some_and(|prev| steady(prev, look));
        if steady {
            self.taken = Some(look.clone());
            return Say::Taken;
        }
        self.last_good = Some(look.clone());
        Say::HoldStill
    }

    /// The look whose frame was taken.
    pub fn taken(&self) -> Option<&Look> {
        self.taken.as_ref()
    }

    /// Starts again (the person asked for another picture).
    pub fn retake(&mut self) {
        *self = Guide::default();
    }
}

/// Whether `b` follows `a` closely and with the document in the same place.
fn steady(a: &Look, b: &Look) -> bool {
    let (Some(ca), Some(cb)) = (a.corners, b.corners) else {
        return false;
    };
    let gap = b.time_s - a.time_s;
    let diag = ((b.width as f64).powi(2) + (b.height as f64).powi(2)).sqrt();
    (0.0..=HOLD_MAX_GAP_S).contains(&gap)
        && diag > 0.0
        && find::corner_error(&ca, &cb) <= STEADY_CORNER_SHARE * diag
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: [[f32; 2]; 4] = [
        [100.0, 100.0],
        [540.0, 100.0],
        [540.0, 380.0],
        [100.0, 380.0],
    ];

    fn look(t: f64, corners: Option<[[f32; 2]; 4]>, issues: &[DocIssue]) -> Look {
        Look {
            time_s: t,
            frame: (t * 30.0) as u64,
            width: 640,
            height: 480,
            corners,
            issues: issues.to_vec(),
        }
    }

    fn moved(dx: f32) -> [[f32; 2]; 4] {
        CARD.map(|[x, y]| [x + dx, y])
    }

    #[test]
    fn two_steady_acceptable_looks_take_the_picture() {
        let mut g = Guide::default();
        assert_eq!(
            g.push(&look(0.0, None, &[DocIssue::NoDocument])),
            Say::Place
        );
        assert_eq!(
            g.push(&look(1.0, Some(CARD), &[DocIssue::Glare, DocIssue::Blurry])),
            Say::Fix(DocIssue::Glare)
        );
        assert_eq!(g.push(&look(2.0, Some(CARD), &[])), Say::HoldStill);
        assert_eq!(g.push(&look(3.0, Some(moved(3.0)), &[])), Say::Taken);
        assert_eq!(g.taken().map(|l| l.time_s), Some(3.0));
        // Taken stays taken until a retake.
        assert_eq!(
            g.push(&look(4.0, None, &[DocIssue::NoDocument])),
            Say::Taken
        );
        g.retake();
        assert_eq!(g.push(&look(5.0, Some(CARD), &[])), Say::HoldStill);
    }

    #[test]
    fn a_moving_document_or_a_long_gap_is_not_a_hold() {
        let mut g = Guide::default();
        assert_eq!(g.push(&look(0.0, Some(CARD), &[])), Say::HoldStill);
        // 60 px of 800 px diagonal: carried, not held.
        assert_eq!(g.push(&look(1.0, Some(moved(60.0)), &[])), Say::HoldStill);
        assert_eq!(g.push(&look(5.0, Some(moved(60.0)), &[])), Say::HoldStill);
        assert_eq!(g.push(&look(6.0, Some(moved(61.0)), &[])), Say::Taken);
    }

    #[test]
    fn what_the_document_says_does_not_stop_the_picture_but_the_photo_does() {
        let mut g = Guide::default();
        let expired = [DocIssue::Expired, DocIssue::MrzInvalid];
        assert_eq!(g.push(&look(0.0, Some(CARD), &expired)), Say::HoldStill);
        assert_eq!(
            g.push(&look(1.0, Some(CARD), &[DocIssue::MrzUnreadable])),
            Say::Fix(DocIssue::MrzUnreadable)
        );
        // The bad look broke the hold.
        assert_eq!(g.push(&look(2.0, Some(CARD), &expired)), Say::HoldStill);
        assert_eq!(g.push(&look(3.0, Some(CARD), &expired)), Say::Taken);
        // The most basic problem is asked first.
        let mut g = Guide::default();
        let many = [
            DocIssue::Blurry,
            DocIssue::TooSmall,
            DocIssue::DocumentCutOff,
        ];
        assert_eq!(
            g.push(&look(0.0, Some(CARD), &many)),
            Say::Fix(DocIssue::DocumentCutOff)
        );
    }
}
