//! Numbers for people: durations, counts, token figures. Shared by the table, the TUI and the
//! status line so they never disagree.

/// `850ms`, `12s`, `4m05s`, `1h15m`, `2d03h`.
#[must_use]
pub fn duration_ms(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        _ if ms < 1000 => format!("{ms}ms"),
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// Compact duration without seconds past an hour: `45s`, `12m`, `1h15m`.
#[must_use]
pub fn duration_short(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `999`, `1.2k`, `45k`, `1.2M`.
#[must_use]
pub fn compact(n: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display rounding")]
    let f = n as f64;
    match n {
        0..1000 => n.to_string(),
        1000..10_000 => format!("{:.1}k", f / 1e3),
        10_000..1_000_000 => format!("{:.0}k", f / 1e3),
        1_000_000..10_000_000 => format!("{:.1}M", f / 1e6),
        _ => format!("{:.0}M", f / 1e6),
    }
}

/// `1,234,567`.
#[must_use]
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One decimal place, without a trailing `.0` for whole numbers below 100: `4.5`, `12`, `130`.
#[must_use]
pub fn ratio(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x >= 100.0 || (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// `+12 −3` for lines added and removed (`–` when neither).
#[must_use]
pub fn lines(added: u64, removed: u64) -> String {
    match (added, removed) {
        (0, 0) => "–".into(),
        (a, 0) => format!("+{}", compact(a)),
        (0, r) => format!("−{}", compact(r)),
        (a, r) => format!("+{} −{}", compact(a), compact(r)),
    }
}

/// Checks in words, the one notation (failed of run): `2 passed`, `1 of 3 failed`, `–`.
#[must_use]
pub fn checks(run: u32, failed: u32) -> String {
    match (run, failed) {
        (0, _) => "–".into(),
        (r, 0) => format!("{r} passed"),
        (r, f) => format!("{f} of {r} failed"),
    }
}

/// Checks in a table cell, the same notation: `✓2` (2 run, all passed), `✗1/3` (1 of 3 failed).
#[must_use]
pub fn checks_short(run: u32, failed: u32) -> String {
    match (run, failed) {
        (0, _) => String::new(),
        (r, 0) => format!("✓{r}"),
        (r, f) => format!("✗{f}/{r}"),
    }
}

/// How long ago, to the largest unit: `40s`, `12m`, `3h`, `5d`.
#[must_use]
pub fn age(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// `1 interrupt`, `2 interrupts`.
#[must_use]
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_over_a_grid_of_magnitudes() {
        let d: Vec<String> = [
            0, 999, 1_000, 59_999, 60_000, 245_000, 3_600_000, 4_500_000, 90_000_000,
        ]
        .iter()
        .map(|&ms| duration_ms(ms))
        .collect();
        assert_eq!(
            d,
            [
                "0ms", "999ms", "1s", "59s", "1m00s", "4m05s", "1h00m", "1h15m", "1d01h"
            ]
        );
        let c: Vec<String> = [
            0, 999, 1000, 1234, 9999, 45_000, 999_999, 1_200_000, 45_000_000,
        ]
        .iter()
        .map(|&n| compact(n))
        .collect();
        assert_eq!(
            c,
            [
                "0", "999", "1.0k", "1.2k", "10.0k", "45k", "1000k", "1.2M", "45M"
            ]
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(ratio(4.54), "4.5");
        assert_eq!(ratio(12.0), "12");
        assert_eq!(ratio(130.4), "130");
        assert_eq!(ratio(f64::NAN), "–");
        assert_eq!(lines(12, 3), "+12 −3");
        assert_eq!(lines(0, 0), "–");
        assert_eq!(duration_short(4_500_000), "1h15m");
        assert_eq!(duration_short(65_000), "1m");
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "file"), "0 files");
        assert_eq!(
            [checks(0, 0), checks(2, 0), checks(3, 1), checks(3, 3)],
            ["–", "2 passed", "1 of 3 failed", "3 of 3 failed"]
        );
        assert_eq!(
            [checks_short(0, 0), checks_short(2, 0), checks_short(27, 9)],
            ["", "✓2", "✗9/27"]
        );
        let ages: Vec<String> = [0, 59_999, 60_000, 3_599_999, 3_600_000, 25_000_000_000]
            .iter()
            .map(|&ms| age(ms))
            .collect();
        assert_eq!(ages, ["0s", "59s", "1m", "59m", "1h", "289d"]);
    }
}
