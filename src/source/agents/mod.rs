//! One adapter folder per agent format at the edge: where its files live and which files make up
//! a session. [`super::discover`] asks each of them (through its [`super::discover::Edge`]);
//! nothing else at the edge names a format's files or fields.

pub mod claude;
pub mod codex;
pub mod copilot;
pub mod gemini;
