//! The one place ringside reads the wall clock.

use crate::core::Millis;

/// Now, as milliseconds since the epoch.
#[must_use]
#[expect(
    clippy::disallowed_methods,
    reason = "the one clock: core receives time as data"
)]
pub fn now() -> Millis {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Millis(ms)
}

/// A monotonic instant, for measuring durations (benchmarks, frame gaps).
#[must_use]
#[expect(clippy::disallowed_methods, reason = "the one clock")]
pub fn instant() -> std::time::Instant {
    std::time::Instant::now()
}

/// Now as a `SystemTime`, to compare with file modification times.
#[must_use]
#[expect(clippy::disallowed_methods, reason = "the one clock")]
pub fn system() -> std::time::SystemTime {
    std::time::SystemTime::now()
}
