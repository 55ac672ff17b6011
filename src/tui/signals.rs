//! SIGTERM, SIGINT, SIGHUP and SIGQUIT while a screen is up: the one path every screen (watch,
//! replay, review) shares.
//!
//! A signal thread (`signal-hook`) records the signal and wakes the screen's loop, which ends
//! like a quit: its [`super::Guard`] leaves raw mode, the alternate screen and mouse reporting
//! and shows the cursor, then the command returns [`Interrupted`] and the process exits with
//! 128 + the signal's number (143 for SIGTERM), as a shell expects. Should the loop not end
//! within [`GRACE`], or when no screen is up at all, the signal thread restores the terminal
//! itself and exits at once. In raw mode Ctrl-C and Ctrl-\ are keys, not signals, so these come
//! from `kill`, a closing terminal (SIGHUP) or a supervisor.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

/// How long the screen's loop gets to end by itself after a signal.
pub const GRACE: Duration = Duration::from_secs(2);

/// The signal that ended a screen (its number); the process should exit with `128 + signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted(pub i32);

impl Interrupted {
    /// The exit status a shell reports for a process ended by this signal.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(u8::MAX)
    }
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ended by signal {}", self.0)
    }
}

impl std::error::Error for Interrupted {}

/// The last signal received (0: none).
static PENDING: AtomicI32 = AtomicI32::new(0);

fn wake() -> &'static tokio::sync::Notify {
    static WAKE: OnceLock<tokio::sync::Notify> = OnceLock::new();
    WAKE.get_or_init(tokio::sync::Notify::new)
}

/// Starts the signal thread, once per process. Called when a screen is entered.
pub fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if let Err(e) = spawn() {
            tracing::warn!("cannot handle signals: {e}");
        }
    });
}

#[cfg(unix)]
fn spawn() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP, SIGQUIT])?;
    std::thread::Builder::new()
        .name("ringside-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                on_signal(sig);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
fn spawn() -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn on_signal(sig: i32) {
    let code = Interrupted(sig).exit_code();
    // A second signal, or none of the screens up: nothing waits for a loop to end.
    if PENDING.swap(sig, Ordering::SeqCst) != 0 || !super::is_active() {
        super::restore();
        std::process::exit(i32::from(code));
    }
    wake().notify_one();
    std::thread::spawn(move || {
        std::thread::sleep(GRACE);
        tracing::warn!("the screen did not end within {GRACE:?} of signal {sig}; leaving now");
        super::restore();
        std::process::exit(i32::from(code));
    });
}

/// The signal received since the screen started, if any.
#[must_use]
pub fn pending() -> Option<Interrupted> {
    match PENDING.load(Ordering::SeqCst) {
        0 => None,
        s => Some(Interrupted(s)),
    }
}

/// Resolves when a signal arrives (at once when one already has).
pub async fn received() -> Interrupted {
    loop {
        if let Some(i) = pending() {
            return i;
        }
        wake().notified().await;
    }
}

/// `Ok(())`, or the signal that ended the screen as an error carrying its exit code.
///
/// # Errors
/// [`Interrupted`] when a signal arrived.
pub fn check() -> anyhow::Result<()> {
    match pending() {
        Some(i) => Err(i.into()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(Interrupted(15).exit_code(), 143);
        assert_eq!(Interrupted(2).exit_code(), 130);
        assert_eq!(Interrupted(1).exit_code(), 129);
        assert_eq!(Interrupted(3).exit_code(), 131);
    }
}
