//! The I/O edge: finds transcripts and reads them, read-only. No terminal here.
//!
//! This is also the one place the wall clock is read ([`clock::now`]); `core` takes time as data.

pub mod agents;
pub mod atomic;
pub mod cache;
pub mod claude_settings;
pub mod clock;
pub mod discover;
pub mod eval;
pub mod export_state;
pub mod feedback;
pub mod follow;
pub mod listing;
pub mod live;
pub mod live_session;
pub mod otlp;
pub mod read;
pub mod replay;
pub mod scan;
pub mod settings;
pub mod snapshot;
pub mod tail;
