//! The data every stage above perception shares: the per-frame record, what a
//! check asks for and what was seen, why a check could fail, and the head
//! angles more than one stage judges by. Plain data; it imports only the
//! measures whose results it carries, never the logic that reads it.

pub mod angles;
pub mod event;
pub mod frame_record;
pub mod hint;

pub use event::{Event, EventKind};
pub use frame_record::FrameRecord;
pub use hint::{Evidence, HintCode, HintSpan};
