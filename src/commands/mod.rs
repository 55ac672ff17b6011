//! One module per subcommand; each returns `anyhow::Result<()>` and prints only its own output.
//!
//! Output goes through [`out!`] and [`outln!`], which return the write's error instead of
//! panicking like `print!`: when the reader has gone (`ringside score --demo | head -1`), the
//! command stops there and `main` exits quietly with status 0 (see [`is_broken_pipe`]).

/// `print!` that returns the write's `io::Result` (use with `?`).
macro_rules! out {
    ($($t:tt)*) => { $crate::commands::write_out(format_args!($($t)*)) };
}

/// `println!` that returns the write's `io::Result` (use with `?`).
macro_rules! outln {
    () => { $crate::commands::write_out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::commands::write_out(format_args!("{}\n", format_args!($($t)*))) };
}

pub mod codex_notify;
pub mod config;
pub mod export;
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

use std::io::{IsTerminal, Write as _};

/// Writes to stdout and flushes (what [`out!`] and [`outln!`] expand to).
///
/// # Errors
/// The write's error; a closed pipe is `BrokenPipe`.
pub fn write_out(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_fmt(args)?;
    o.flush()
}

/// The error, or one of its causes, is a write to a pipe whose reader has gone.
#[must_use]
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

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
