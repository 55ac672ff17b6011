//! Sessions: the turn-by-turn model of one transcript, built incrementally from events.

mod builder;
pub mod mode;
mod model;

pub use builder::Builder;
pub use model::{
    ACTIVITY_KEEP, Activity, CheckRun, Compaction, Control, Footprint, ModeEvidence, Session,
    Status, SubagentFigures, Tally, Turn, TurnPrompt, WorkMode,
};
