//! ringside's log, `ringside.log` in the data dir. Logging is never fatal: a data dir that
//! cannot be created, a folder where the file should be, or a file owned by someone else (an
//! earlier `sudo ringside`) means no log, never a failed command.

use std::fs::File;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;

/// The log's file name in the data dir.
pub const FILE: &str = "ringside.log";

/// Log lines waiting for the writer thread before a caller waits for room.
const LINES_QUEUED: usize = 1024;

/// Opens the log for appending, creating the data dir as needed.
fn open(dir: &Path) -> std::io::Result<File> {
    std::fs::create_dir_all(dir)?;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(FILE))
}

fn filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env("RINGSIDE_LOG").unwrap_or_else(|_| "info".into())
}

/// For the screens and the review: logs go to the file, never to the terminal a screen owns.
/// When the file cannot be opened, one warning on stderr, printed before any screen is up (so it
/// is there, under the screen, once the screen closes), and the command runs on without a log.
pub fn init(data: Option<&Path>) -> Option<WorkerGuard> {
    let dir = data?;
    let file = match open(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "ringside: cannot write the log {}: {e}; running without it",
                dir.join(FILE).display()
            );
            return None;
        }
    };
    // A short queue that waits when full: the default holds 128,000 lines, allocated and
    // touched up front (about 4 MiB of page faults on every start) and dropping lines once full.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LINES_QUEUED)
        .lossy(false)
        .finish(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter())
        .try_init()
        .ok()?;
    Some(guard)
}

/// For `statusline` and `hook`, which must never print anything of their own: the file is opened
/// only when something is logged, and a log that cannot be written is silently left out.
pub fn init_quiet(data: Option<&Path>) {
    let Some(dir) = data.map(Path::to_path_buf) else {
        return;
    };
    let make = move || -> Box<dyn std::io::Write> {
        match open(&dir) {
            Ok(f) => Box::new(f),
            Err(_) => Box::new(std::io::sink()),
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(make)
        .with_ansi(false)
        .with_env_filter(filter())
        .try_init();
}
