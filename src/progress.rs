//! A progress line on stderr for long work, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ringside::source::clock;

/// Counts work done and redraws `label: done/total` at most ten times a second.
pub struct Progress {
    label: &'static str,
    total: u64,
    done: AtomicU64,
    shown: bool,
    last: Mutex<Option<std::time::Instant>>,
}

impl Progress {
    /// A progress line for `total` units; silent unless stderr is a terminal and there is work.
    #[must_use]
    pub fn new(label: &'static str, total: u64) -> Self {
        let shown = std::io::stderr().is_terminal() && total > 20;
        Self {
            label,
            total,
            done: AtomicU64::new(0),
            shown,
            last: Mutex::new(None),
        }
    }

    /// Records `n` more units done.
    pub fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if !self.shown {
            return;
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        let now = clock::instant();
        if last.is_some_and(|l| now.duration_since(l).as_millis() < 100) && done < self.total {
            return;
        }
        *last = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}: {done}/{}\x1b[K", self.label, self.total);
        let _ = err.flush();
    }

    /// Clears the line.
    pub fn finish(&self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
