//! Headless front ends: the `score` table and the JSON contract (`types`), the session report,
//! the weekly review's text, and the status line inside Claude Code (`status`).

pub mod lenses;
pub mod markdown;
pub mod review;
pub mod session;
pub mod status;
pub mod text;
pub mod types;
