//! One module per subcommand; each returns `anyhow::Result<()>` and prints only its own output.

pub mod config;
pub mod generate;
pub mod hook;
mod inside;
pub mod install;
mod log;
pub mod replay;
pub mod review;
pub mod score;
pub mod sessions;
pub mod statusline;
pub mod watch;

use std::io::IsTerminal;

/// Columns available for a table: `COLUMNS`, else the terminal's width, else 100.
#[must_use]
pub fn output_width() -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
    {
        return c.clamp(40, 400);
    }
    if std::io::stdout().is_terminal()
        && let Ok((w, _)) = crossterm::terminal::size()
    {
        return usize::from(w).clamp(40, 400);
    }
    100
}
