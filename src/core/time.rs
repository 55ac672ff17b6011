//! Time as data: transcript timestamps become [`Millis`]; nothing here reads the clock.

use std::fmt;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub i64);

impl Millis {
    /// Parses an RFC 3339 timestamp (`2026-02-10T21:11:56.846Z`). Anything else is `None`: a bad
    /// timestamp loses only the time of its line, never the line.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        fast_parse(s.as_bytes()).or_else(|| {
            s.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| Self(t.as_millisecond()))
        })
    }

    /// Milliseconds from `earlier` to `self`, never negative.
    #[must_use]
    pub fn since(self, earlier: Self) -> u64 {
        u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0)
    }

    /// `self` plus `ms` milliseconds.
    #[must_use]
    pub fn plus(self, ms: u64) -> Self {
        Self(self.0.saturating_add(i64::try_from(ms).unwrap_or(i64::MAX)))
    }

    /// The timestamp as a `jiff::Timestamp`, if it is in range.
    #[must_use]
    pub fn to_jiff(self) -> Option<jiff::Timestamp> {
        jiff::Timestamp::from_millisecond(self.0).ok()
    }
}

impl fmt::Display for Millis {
    /// RFC 3339 in UTC with milliseconds, as transcripts write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_jiff() {
            Some(t) => write!(f, "{t:.3}"),
            None => write!(f, "@{}ms", self.0),
        }
    }
}

/// RFC 3339 text in human-readable formats (JSON reports); a plain integer in binary ones (the
/// status line's saved state), where it is smaller and exact.
impl serde::Serialize for Millis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Millis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return <i64 as serde::Deserialize>::deserialize(d).map(Millis);
        }
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        text.strip_prefix('@')
            .and_then(|r| r.strip_suffix("ms"))
            .and_then(|n| n.parse().ok())
            .map(Millis)
            .or_else(|| Millis::parse(&text))
            .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time"))
    }
}

/// The exact shape Claude Code writes, `YYYY-MM-DDTHH:MM:SS[.fff]Z`, without a general parser.
fn fast_parse(b: &[u8]) -> Option<Millis> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = &b[19..b.len() - 1];
    let ms = match frac {
        [] => 0,
        [b'.', digits @ ..] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            let mut ms = 0i64;
            for i in 0..3 {
                ms = ms * 10 + digits.get(i).map_or(0, |d| i64::from(d - b'0'));
            }
            ms
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(Millis(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_jiff() {
        for s in [
            "2026-02-10T21:11:56.846Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999Z",
            "2000-03-01T00:00:00.5Z",
            "2099-12-31T12:00:00.123456Z",
        ] {
            let jiff: jiff::Timestamp = s.parse().unwrap();
            assert_eq!(
                fast_parse(s.as_bytes()),
                Some(Millis(jiff.as_millisecond())),
                "{s}"
            );
        }
    }

    #[test]
    fn offsets_fall_back_to_jiff() {
        assert_eq!(
            Millis::parse("2026-02-10T22:11:56.846+01:00"),
            Millis::parse("2026-02-10T21:11:56.846Z")
        );
    }

    #[test]
    fn garbage_is_none_not_a_panic() {
        for s in [
            "",
            "not-a-date",
            "[trimmed for fixture]",
            "2026-13-01T00:00:00Z",
            "2026-0",
        ] {
            assert_eq!(Millis::parse(s), None, "{s}");
        }
    }

    #[test]
    fn display_round_trips() {
        let t = Millis::parse("2026-02-10T21:11:56.846Z").unwrap();
        assert_eq!(t.to_string(), "2026-02-10T21:11:56.846Z");
    }
}
