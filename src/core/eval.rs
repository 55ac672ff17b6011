//! Scoring the coach against hand labels: which labelled stalls got a timely nudge, which got a
//! late one, which none, and which nudges fell inside a stretch where any nudge is noise.
//!
//! The labels file's schema and the definitions are those of the shared coaching README
//! (`../shared/coaching/README.md`):
//! - only main-thread stalls count (`thread` is `main` or absent);
//! - **timely**: a nudge at a line in `[start, warn_by]`;
//! - **late** (still on topic): a nudge in `(warn_by, end]`;
//! - **noise**: a nudge at a line inside a QUIET stretch;
//! - all ranges are inclusive, 1-based physical lines in file order.
//!
//! Nudges outside every label are "no opinion" and are listed, not counted.

use serde::{Deserialize, Serialize};

use super::LineNo;

/// A labels file (`labels.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct LabelSet {
    pub version: u32,
    pub sessions: Vec<LabelledSession>,
}

/// One labelled transcript. Fields the coach does not need (prompt lines, notes) are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledSession {
    /// Relative to the corpus folder.
    pub file: String,
    #[serde(default)]
    pub lines: Option<u64>,
    #[serde(default)]
    pub stalls: Vec<StallLabel>,
    #[serde(default)]
    pub quiet: Vec<QuietLabel>,
}

/// A moment where a coach should have warned.
#[derive(Debug, Clone, Deserialize)]
pub struct StallLabel {
    pub start: u64,
    pub end: u64,
    pub warn_by: u64,
    pub category: String,
    pub severity: u8,
    /// `main`, `sidechain` or `mixed`; absent means main.
    #[serde(default)]
    pub thread: Option<String>,
    #[serde(default)]
    pub evidence: String,
}

impl StallLabel {
    /// Counts for scoring: the coach reads the main thread only.
    #[must_use]
    pub fn is_main(&self) -> bool {
        self.thread.as_deref().is_none_or(|t| t == "main")
    }
}

/// A stretch where any nudge is noise.
#[derive(Debug, Clone, Deserialize)]
pub struct QuietLabel {
    pub start: u64,
    pub end: u64,
    #[serde(default)]
    pub why: String,
}

/// One nudge the coach showed: where, and which signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NudgeAt {
    pub line: u64,
    pub signal: String,
}

impl NudgeAt {
    #[must_use]
    pub fn new(line: LineNo, signal: &str) -> Self {
        Self {
            line: line.0,
            signal: signal.to_owned(),
        }
    }
}

/// How a stall label was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A nudge in `[start, warn_by]`.
    Timely,
    /// No timely nudge, but one in `(warn_by, end]`.
    Late,
    /// No nudge in `[start, end]`.
    Missed,
}

impl Verdict {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Timely => "timely",
            Verdict::Late => "late",
            Verdict::Missed => "missed",
        }
    }
}

/// The result for one main-thread stall label.
#[derive(Debug, Clone, Serialize)]
pub struct StallResult {
    pub start: u64,
    pub warn_by: u64,
    pub end: u64,
    pub category: String,
    pub severity: u8,
    pub verdict: Verdict,
    /// The nudge that decided the verdict (the first timely one, else the first late one).
    pub nudge: Option<NudgeAt>,
    /// Signals that fired in `[start, end]` (nudged or not), for diagnosis; not scored.
    pub fired: Vec<NudgeAt>,
}

/// A nudge inside a quiet stretch.
#[derive(Debug, Clone, Serialize)]
pub struct NoiseHit {
    pub quiet_start: u64,
    pub quiet_end: u64,
    pub nudge: NudgeAt,
}

/// One session scored.
#[derive(Debug, Clone, Serialize)]
pub struct SessionScore {
    pub file: String,
    /// Main-thread stalls, in label order.
    pub stalls: Vec<StallResult>,
    /// Stall labels left out because they lie in sub-agent lines.
    pub sidechain_stalls: usize,
    pub quiet_stretches: usize,
    pub noise: Vec<NoiseHit>,
    /// Signals that fired (nudged or not) inside a quiet stretch: timeline markers in a stretch
    /// that goes well. Not scored; a marker the user cannot act on there is noise too.
    pub quiet_markers: Vec<NoiseHit>,
    /// Nudges covered by no label (no opinion).
    pub unlabelled: Vec<NudgeAt>,
    pub nudges: usize,
}

/// Scores one session's nudges against its labels; `firings` (every signal that fired, nudged or
/// not) are only listed beside each stall.
#[must_use]
pub fn score_session(
    labels: &LabelledSession,
    nudges: &[NudgeAt],
    firings: &[NudgeAt],
) -> SessionScore {
    let inside = |n: &NudgeAt, a: u64, b: u64| a <= n.line && n.line <= b;
    let stalls = labels
        .stalls
        .iter()
        .filter(|s| s.is_main())
        .map(|s| {
            let timely = nudges.iter().find(|n| inside(n, s.start, s.warn_by));
            let late = nudges
                .iter()
                .find(|n| n.line > s.warn_by && inside(n, s.start, s.end));
            let (verdict, nudge) = match (timely, late) {
                (Some(n), _) => (Verdict::Timely, Some(n.clone())),
                (None, Some(n)) => (Verdict::Late, Some(n.clone())),
                (None, None) => (Verdict::Missed, None),
            };
            StallResult {
                start: s.start,
                warn_by: s.warn_by,
                end: s.end,
                category: s.category.clone(),
                severity: s.severity,
                verdict,
                nudge,
                fired: firings
                    .iter()
                    .filter(|f| inside(f, s.start, s.end))
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    let in_quiet = |list: &[NudgeAt]| -> Vec<NoiseHit> {
        labels
            .quiet
            .iter()
            .flat_map(|q| {
                list.iter()
                    .filter(move |n| inside(n, q.start, q.end))
                    .map(|n| NoiseHit {
                        quiet_start: q.start,
                        quiet_end: q.end,
                        nudge: n.clone(),
                    })
            })
            .collect()
    };
    let noise = in_quiet(nudges);
    let quiet_markers = in_quiet(firings);
    // Every stall label (sub-agent ones too) is an opinion: a nudge there is not "unlabelled".
    let unlabelled = nudges
        .iter()
        .filter(|n| {
            !labels.stalls.iter().any(|s| inside(n, s.start, s.end))
                && !labels.quiet.iter().any(|q| inside(n, q.start, q.end))
        })
        .cloned()
        .collect();
    SessionScore {
        file: labels.file.clone(),
        stalls,
        sidechain_stalls: labels.stalls.iter().filter(|s| !s.is_main()).count(),
        quiet_stretches: labels.quiet.len(),
        noise,
        quiet_markers,
        unlabelled,
        nudges: nudges.len(),
    }
}

/// The targets: shares of stalls, and the most nudges allowed in quiet stretches.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Targets {
    /// Of severity >= `severe` stalls, the share that must get a timely nudge.
    pub timely: f64,
    /// Of all stalls, the share that must get a nudge in `[start, end]`.
    pub on_topic: f64,
    pub max_noise: usize,
    /// The severity from which a stall counts for the timely target.
    pub severe: u8,
}

impl Default for Targets {
    /// The development set's targets (4 of its 5 severe stalls timely, 4 of 5 on topic, no
    /// noise); the coaching README's floor is 60%.
    fn default() -> Self {
        Self {
            timely: 0.8,
            on_topic: 0.8,
            max_noise: 0,
            severe: 2,
        }
    }
}

/// Totals over sessions.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub sessions: usize,
    pub stalls: usize,
    pub severe: usize,
    pub severe_timely: usize,
    pub timely: usize,
    pub late: usize,
    pub missed: usize,
    /// Timely or late.
    pub on_topic: usize,
    pub quiet_stretches: usize,
    pub noise: usize,
    /// Signals that fired inside quiet stretches (reported, not a target).
    pub quiet_markers: usize,
    pub nudges: usize,
    pub targets: Targets,
    pub timely_met: bool,
    pub on_topic_met: bool,
    pub noise_met: bool,
}

impl Totals {
    /// All three targets met.
    #[must_use]
    pub fn met(&self) -> bool {
        self.timely_met && self.on_topic_met && self.noise_met
    }
}

/// Adds up session scores and checks them against `targets`.
#[must_use]
pub fn totals(scores: &[SessionScore], targets: Targets) -> Totals {
    let all: Vec<&StallResult> = scores.iter().flat_map(|s| &s.stalls).collect();
    let count = |v: Verdict| all.iter().filter(|s| s.verdict == v).count();
    let severe: Vec<&&StallResult> = all
        .iter()
        .filter(|s| s.severity >= targets.severe)
        .collect();
    let severe_timely = severe
        .iter()
        .filter(|s| s.verdict == Verdict::Timely)
        .count();
    let (timely, late, missed) = (
        count(Verdict::Timely),
        count(Verdict::Late),
        count(Verdict::Missed),
    );
    let noise = scores.iter().map(|s| s.noise.len()).sum();
    let share_met = |got: usize, of: usize, need: f64| {
        #[expect(clippy::cast_precision_loss, reason = "label counts are small")]
        let ok = of == 0 || got as f64 >= need * of as f64 - 1e-9;
        ok
    };
    Totals {
        sessions: scores.len(),
        stalls: all.len(),
        severe: severe.len(),
        severe_timely,
        timely,
        late,
        missed,
        on_topic: timely + late,
        quiet_stretches: scores.iter().map(|s| s.quiet_stretches).sum(),
        noise,
        quiet_markers: scores.iter().map(|s| s.quiet_markers.len()).sum(),
        nudges: scores.iter().map(|s| s.nudges).sum(),
        targets,
        timely_met: share_met(severe_timely, severe.len(), targets.timely),
        on_topic_met: share_met(timely + late, all.len(), targets.on_topic),
        noise_met: noise <= targets.max_noise,
    }
}

/// The smallest count that meets `share` of `of`.
#[must_use]
pub fn needed(share: f64, of: usize) -> usize {
    (0..=of)
        .find(|k| {
            #[expect(clippy::cast_precision_loss, reason = "label counts are small")]
            let ok = *k as f64 >= share * of as f64 - 1e-9;
            ok
        })
        .unwrap_or(of)
}

/// The report as text: per session, each stall's verdict (with the nudge that decided it and the
/// signals that fired there), the nudges in quiet stretches and elsewhere, then the totals
/// against the targets.
#[must_use]
pub fn render(scores: &[SessionScore], t: &Totals) -> String {
    use std::fmt::Write as _;
    let list = |v: &[NudgeAt]| {
        v.iter()
            .map(|n| format!("{}@{}", n.signal, n.line))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for s in scores {
        let _ = writeln!(out, "{}  (nudges: {})", s.file, s.nudges);
        for st in &s.stalls {
            let nudge = st
                .nudge
                .as_ref()
                .map_or_else(|| "-".to_owned(), |n| format!("{}@{}", n.signal, n.line));
            let _ = writeln!(
                out,
                "  stall {}..{}..{} {:<24} sev {}  {:<6}  {:<8} fired: {}",
                st.start,
                st.warn_by,
                st.end,
                st.category,
                st.severity,
                st.verdict.label(),
                nudge,
                if st.fired.is_empty() {
                    "-".to_owned()
                } else {
                    list(&st.fired)
                },
            );
        }
        if s.sidechain_stalls > 0 {
            let _ = writeln!(
                out,
                "  ({} stall labels in sub-agent lines, not counted)",
                s.sidechain_stalls
            );
        }
        for h in &s.noise {
            let _ = writeln!(
                out,
                "  NOISE {}@{} in quiet {}..{}",
                h.nudge.signal, h.nudge.line, h.quiet_start, h.quiet_end
            );
        }
        if !s.quiet_markers.is_empty() {
            let marks: Vec<NudgeAt> = s.quiet_markers.iter().map(|h| h.nudge.clone()).collect();
            let _ = writeln!(
                out,
                "  markers in quiet stretches (not scored): {}",
                list(&marks)
            );
        }
        if !s.unlabelled.is_empty() {
            let _ = writeln!(out, "  unlabelled (no opinion): {}", list(&s.unlabelled));
        }
    }
    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    let _ = writeln!(
        out,
        "\ntimely (severity >= {}): {} of {} (target {}: {})",
        t.targets.severe,
        t.severe_timely,
        t.severe,
        needed(t.targets.timely, t.severe),
        mark(t.timely_met)
    );
    let _ = writeln!(
        out,
        "on topic: {} of {} stalls ({} timely, {} late, {} missed; target {}: {})",
        t.on_topic,
        t.stalls,
        t.timely,
        t.late,
        t.missed,
        needed(t.targets.on_topic, t.stalls),
        mark(t.on_topic_met)
    );
    let _ = writeln!(
        out,
        "noise: {} nudges in {} quiet stretches (target at most {}: {}); {} nudges in {} sessions; {} signals fired inside quiet stretches",
        t.noise,
        t.quiet_stretches,
        t.targets.max_noise,
        mark(t.noise_met),
        t.nudges,
        t.sessions,
        t.quiet_markers
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stall(start: u64, warn_by: u64, end: u64, severity: u8, thread: Option<&str>) -> StallLabel {
        StallLabel {
            start,
            end,
            warn_by,
            category: "repeated-failing-check".into(),
            severity,
            thread: thread.map(str::to_owned),
            evidence: String::new(),
        }
    }

    fn session(stalls: Vec<StallLabel>, quiet: &[(u64, u64)]) -> LabelledSession {
        LabelledSession {
            file: "claude/real/x.jsonl".into(),
            lines: Some(500),
            stalls,
            quiet: quiet
                .iter()
                .map(|&(start, end)| QuietLabel {
                    start,
                    end,
                    why: String::new(),
                })
                .collect(),
        }
    }

    fn n(line: u64) -> NudgeAt {
        NudgeAt {
            line,
            signal: "S5".into(),
        }
    }

    #[test]
    fn ranges_are_inclusive_at_both_ends() {
        let s = session(vec![stall(100, 120, 150, 2, None)], &[(1, 99)]);
        let at = |line| score_session(&s, &[n(line)], &[]);
        assert_eq!(at(100).stalls[0].verdict, Verdict::Timely);
        assert_eq!(at(120).stalls[0].verdict, Verdict::Timely);
        assert_eq!(at(121).stalls[0].verdict, Verdict::Late);
        assert_eq!(at(150).stalls[0].verdict, Verdict::Late);
        assert_eq!(at(151).stalls[0].verdict, Verdict::Missed);
        assert_eq!(at(99).stalls[0].verdict, Verdict::Missed);
        assert_eq!(at(99).noise.len(), 1);
        assert_eq!(at(1).noise.len(), 1);
        assert!(at(100).noise.is_empty());
    }

    #[test]
    fn a_timely_nudge_wins_over_an_earlier_late_one_of_an_overlapping_label() {
        // Two overlapping labels: the nudge at 130 is late for the first, timely for the second.
        let s = session(
            vec![stall(100, 120, 150, 3, None), stall(125, 140, 150, 2, None)],
            &[],
        );
        let r = score_session(&s, &[n(130), n(110)], &[]);
        assert_eq!(r.stalls[0].verdict, Verdict::Timely);
        assert_eq!(r.stalls[0].nudge, Some(n(110)));
        assert_eq!(r.stalls[1].verdict, Verdict::Timely);
        assert_eq!(r.stalls[1].nudge, Some(n(130)));
    }

    #[test]
    fn sidechain_and_mixed_labels_do_not_count_and_their_nudges_are_not_unlabelled() {
        let s = session(
            vec![
                stall(10, 20, 30, 3, Some("sidechain")),
                stall(40, 45, 50, 3, Some("mixed")),
                stall(60, 70, 80, 2, Some("main")),
            ],
            &[],
        );
        let r = score_session(&s, &[n(15), n(90)], &[n(15), n(65)]);
        assert!(r.quiet_markers.is_empty());
        assert_eq!(r.stalls.len(), 1);
        assert_eq!(
            r.stalls[0].fired,
            vec![n(65)],
            "a firing is listed, not scored"
        );
        assert_eq!(r.sidechain_stalls, 2);
        assert_eq!(r.stalls[0].verdict, Verdict::Missed);
        assert_eq!(r.unlabelled, vec![n(90)]);
    }

    #[test]
    fn totals_count_severe_timely_on_topic_and_noise_against_the_targets() {
        let a = session(
            vec![stall(100, 120, 150, 2, None), stall(200, 210, 220, 1, None)],
            &[(1, 99)],
        );
        let b = session(vec![stall(300, 310, 320, 3, None)], &[(1, 299)]);
        let scores = [
            // a: severe one timely; the borderline one late.
            score_session(&a, &[n(110), n(215)], &[]),
            // b: missed, one nudge in its quiet stretch, and a signal that fired there.
            score_session(&b, &[n(50)], &[n(50), n(60)]),
        ];
        let t = totals(&scores, Targets::default());
        assert_eq!((t.stalls, t.severe, t.severe_timely), (3, 2, 1));
        assert_eq!((t.timely, t.late, t.missed, t.on_topic), (1, 1, 1, 2));
        assert_eq!((t.noise, t.quiet_stretches, t.nudges), (1, 2, 3));
        assert_eq!(t.quiet_markers, 2);
        assert!(!t.timely_met, "1 of 2 is under 80%");
        assert!(!t.on_topic_met, "2 of 3 is under 80%");
        assert!(!t.noise_met);
        assert!(!t.met());
        let loose = Targets {
            timely: 0.5,
            on_topic: 0.6,
            max_noise: 1,
            severe: 2,
        };
        assert!(totals(&scores, loose).met());
        let text = render(&scores, &t);
        assert!(text.contains("NOISE S5@50 in quiet 1..299"), "{text}");
        assert!(
            text.contains("timely (severity >= 2): 1 of 2 (target 2: MISSED)"),
            "{text}"
        );
        assert!(text.contains("stall 200..210..220"), "{text}");
        assert_eq!(scores[1].quiet_markers.len(), 2);
        assert!(
            text.contains("markers in quiet stretches (not scored): S5@50 S5@60"),
            "{text}"
        );
    }

    #[test]
    fn needed_counts_round_up() {
        assert_eq!(needed(0.8, 5), 4);
        assert_eq!(needed(0.6, 5), 3);
        assert_eq!(needed(0.8, 0), 0);
        assert_eq!(needed(1.0, 3), 3);
    }

    #[test]
    fn four_of_five_meets_an_eighty_percent_target_exactly() {
        let s = session(
            (0..5)
                .map(|i| stall(100 * (i + 1), 100 * (i + 1) + 5, 100 * (i + 1) + 9, 2, None))
                .collect(),
            &[],
        );
        let four = score_session(&s, &[n(100), n(200), n(300), n(400)], &[]);
        let t = totals(&[four], Targets::default());
        assert_eq!(t.severe_timely, 4);
        assert!(t.timely_met && t.on_topic_met && t.noise_met);
        let three = score_session(&s, &[n(100), n(200), n(300)], &[]);
        assert!(!totals(&[three], Targets::default()).timely_met);
    }

    #[test]
    fn the_shared_schema_parses_with_extra_fields() {
        let json = r#"{"version": 1, "sessions": [{"file": "claude/real/a.jsonl", "lines": 76,
            "prompts": 5, "prompt_lines": [38], "verdict": "partly", "notes": "n",
            "stalls": [{"start": 64, "end": 76, "warn_by": 74, "category": "near-duplicate-reprompt",
                        "severity": 2, "thread": "main", "evidence": "e", "recovered_at": null}],
            "quiet": [{"start": 1, "end": 62, "why": "w"}]}]}"#;
        let set: LabelSet = serde_json::from_str(json).expect("parses");
        assert_eq!(set.sessions[0].stalls[0].warn_by, 74);
        assert_eq!(set.sessions[0].quiet[0].end, 62);
        let r = score_session(&set.sessions[0], &[n(71)], &[]);
        assert_eq!(r.stalls[0].verdict, Verdict::Timely);
    }
}
