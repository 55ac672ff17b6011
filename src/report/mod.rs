//! Headless front ends: the `score` table and the JSON contract (`types`).

pub mod review;
pub mod session;
pub mod text;
pub mod types;
