//! Sessions: the turn-by-turn model of one transcript, built incrementally from events.

mod builder;
pub mod mode;
mod model;

pub use builder::Builder;
pub use model::{
    CheckRun, Compaction, Control, ModeEvidence, Session, SubagentFigures, Tally, Turn, TurnPrompt,
    WorkMode,
};
