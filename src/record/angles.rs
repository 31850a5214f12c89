//! Head angles that more than one stage judges by.

/// How far (degrees, yaw or pitch) the head may stray from its neutral pose
/// and still count as at rest: the head detector learns the neutral pose
/// only inside this band. Frontal jitter of the pose on zju-dev and head-dev
/// stays within 1 degree (docs/head-pose.md).
pub const NEUTRAL_BAND_DEG: f32 = 3.0;

/// How far (degrees, yaw or pitch) the head may drift from where the hold
/// began before the countdown starts again, and what `not_steady` measures
/// against: the neutral band, since a head inside it is at rest.
pub const STEADY_DEG: f32 = NEUTRAL_BAND_DEG;
