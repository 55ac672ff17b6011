//! The readable `score` table: a header of session figures, one row per turn, then sub-agents and
//! skipped lines. Everything printed is sanitised (transcript text is untrusted) and fits the width
//! it is given.

use std::fmt::Write as _;

use crate::core::agents::Format;
use crate::core::event::EntryPoint;
use crate::core::format;
use crate::core::sanitize;

use super::types::{Figures, ScoreReport, TurnFigures};

/// Renders the report as a table at most `width` columns wide (minimum 60).
#[must_use]
pub fn score_table(r: &ScoreReport, width: usize) -> String {
    let width = width.max(60);
    let mut out = String::new();
    header(&mut out, r, width);
    out.push('\n');
    turns(&mut out, &r.turns, width);
    coaching(&mut out, r, width);
    subagents(&mut out, r, width);
    skipped(&mut out, r, width);
    out
}

fn header(out: &mut String, r: &ScoreReport, width: usize) {
    let s = &r.session;
    let f = &s.figures;
    let id = s.id.as_deref().unwrap_or("(no session id)");
    let _ = writeln!(out, "session  {}", sanitize::one_line(id, width - 9));
    if let Some(t) = &s.title {
        let _ = writeln!(out, "title    {}", sanitize::one_line(t, width - 9));
    }
    let project = match (&s.cwd, &s.git_branch) {
        (Some(c), Some(b)) => format!("{c}  ({b})"),
        (Some(c), None) => c.clone(),
        _ => "(unknown)".into(),
    };
    let _ = writeln!(out, "project  {}", sanitize::one_line(&project, width - 9));
    let mut meta = Vec::new();
    if let Some(m) = &s.model {
        meta.push(m.clone());
    }
    if let Some(v) = &s.agent_version {
        let agent = Format::by_id(s.agent).unwrap_or_default().agent();
        meta.push(format!("{agent} {v}"));
    }
    if let Some(e) = s.entry_point.filter(|e| *e != EntryPoint::Cli) {
        meta.push(e.key().to_owned());
    }
    if let Some(m) = s.work_mode {
        meta.push(format!("mode {}", m.label()));
    }
    if !meta.is_empty() {
        let _ = writeln!(
            out,
            "model    {}",
            sanitize::one_line(&meta.join(" · "), width - 9)
        );
    }
    if let (Some(start), Some(d)) = (s.started, s.duration_ms) {
        let when = start.to_string();
        let _ = writeln!(
            out,
            "time     {} UTC, {}",
            when.get(..16).unwrap_or(&when).replace('T', " "),
            format::duration_ms(d)
        );
    }
    let _ = writeln!(
        out,
        "prompts  {} · actions {} ({} per prompt, geometric mean {}) · model calls {}",
        s.prompts,
        f.actions,
        format::ratio(s.actions_per_prompt),
        format::ratio(s.actions_per_prompt_geomean),
        f.model_calls
    );
    let _ = writeln!(
        out,
        "work     {}, {} ({}) · {} output tokens · lines {} · {}",
        format::plural(u64::from(f.tool_calls), "tool call"),
        format::plural(u64::from(f.tool_errors), "error"),
        error_breakdown(f),
        format::compact(f.output_tokens),
        format::lines(f.lines_added, f.lines_removed),
        format::plural(s.files_touched as u64, "file")
    );
    let mut extra = Vec::new();
    if f.checks_run > 0 {
        extra.push(format!(
            "checks {} run, {} failed",
            f.checks_run, f.checks_failed
        ));
    }
    if f.interrupts > 0 {
        extra.push(format::plural(u64::from(f.interrupts), "interrupt"));
    }
    if !s.compactions.is_empty() {
        let lines: Vec<String> = s
            .compactions
            .iter()
            .map(|c| format!("{}{}", c.line, if c.auto { " auto" } else { "" }))
            .collect();
        extra.push(format!("compacted at line {}", lines.join(", ")));
    }
    if f.api_errors > 0 || s.api_retries > 0 {
        extra.push(format!(
            "{} API errors, {} retries",
            f.api_errors, s.api_retries
        ));
    }
    if !extra.is_empty() {
        let _ = writeln!(out, "         {}", extra.join(" · "));
    }
}

fn error_breakdown(f: &Figures) -> String {
    let mut parts = vec![format!("{} failed", f.failed)];
    for (n, what) in [
        (f.rejections, "rejected"),
        (f.cancelled, "cancelled"),
        (f.blocked, "blocked"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    parts.join(", ")
}

fn turns(out: &mut String, turns: &[TurnFigures], width: usize) {
    // #  line  prompt…  act  err  checks  lines  time  tier risk  signals
    let fixed = 4 + 7 + 5 + 5 + 8 + 12 + 7 + 5 + 6 + 12;
    let prompt_w = width.saturating_sub(fixed).max(12);
    let _ = writeln!(
        out,
        "{:>3} {:>6}  {:<prompt_w$} {:>4} {:>4} {:>7} {:>11} {:>6} {:>4} {:>5}  signals",
        "#", "line", "prompt", "act", "err", "checks", "lines", "time", "tier", "risk"
    );
    for t in turns {
        let f = &t.figures;
        let label = if t.preamble {
            "–".to_string()
        } else {
            t.number.to_string()
        };
        let text = if t.source == Some(crate::core::event::PromptSource::Queued) {
            format!("» {}", t.prompt)
        } else {
            t.prompt.clone()
        };
        let prompt = sanitize::one_line(&text, prompt_w);
        let pad = prompt_w.saturating_sub(sanitize::width(&prompt));
        let checks = match format::checks_short(f.checks_run, f.checks_failed) {
            c if c.is_empty() => "–".to_string(),
            c => c,
        };
        let risk = t
            .risk
            .as_ref()
            .map_or_else(|| "–".to_string(), |r| r.band.label().to_string());
        let mut codes: Vec<String> = t.signals.iter().map(|g| g.id.code().to_string()).collect();
        codes.dedup();
        if t.nudge.is_some() {
            codes.push("!".into());
        }
        let _ = writeln!(
            out,
            "{label:>3} {:>6}  {prompt}{:pad$} {:>4} {:>4} {:>7} {:>11} {:>6} {:>4} {:>5}  {}",
            t.line.0,
            "",
            f.actions,
            f.tool_errors,
            checks,
            format::lines(f.lines_added, f.lines_removed),
            t.duration_ms
                .map_or_else(|| "–".into(), format::duration_short),
            t.tier,
            risk,
            codes.join(" "),
        );
    }
    let queued = turns
        .iter()
        .any(|t| t.source == Some(crate::core::event::PromptSource::Queued));
    let _ = writeln!(
        out,
        "    checks: ✓2 two run, all passed · ✗1/3 one of three failed · ! a nudge was shown{}",
        if queued {
            " · » typed while the agent was working"
        } else {
            ""
        }
    );
}

fn coaching(out: &mut String, r: &ScoreReport, width: usize) {
    let s = &r.session;
    let risk = match &s.risk {
        Some(v) => {
            let parts: Vec<String> = v
                .contributions
                .iter()
                .take(3)
                .map(|c| {
                    format!(
                        "{} {} {:+}",
                        c.id,
                        crate::core::view::term_name(&c.id),
                        c.points
                    )
                })
                .collect();
            // Every signal can have decayed (scored long after): say so, not an empty list.
            let why = if parts.is_empty() {
                "nothing weighs now: the signals have faded".to_owned()
            } else {
                parts.join(", ")
            };
            format!("risk {} ({:.2}: {why})", v.band.label(), v.value)
        }
        None => "no risk (below the trouble gate)".into(),
    };
    let trouble = if s.trouble {
        "hit trouble"
    } else {
        "no trouble"
    };
    let _ = writeln!(out, "\ncoaching tier {} now · {trouble} · {risk}", s.tier);
    if let Some(a) = &s.abandoned_at {
        let _ = writeln!(
            out,
            "         likely abandoned after line {} (nothing written, long silence after trouble)",
            a.after_line
        );
    }
    if s.nudges.is_empty() {
        let _ = writeln!(out, "nudges   none");
    } else {
        let _ = writeln!(out, "nudges");
        for n in &s.nudges {
            // The advice whole, wrapped under its head line: a pipe is not a reason to cut it.
            let head = format!(
                "prompt {}, line {}, {} {}: {}",
                n.turn,
                n.at_line,
                n.signal,
                n.signal.name(),
                n.headline
            );
            hanging(out, &head, width);
            for part in sanitize::wrap(&n.text, width.saturating_sub(4).max(40)) {
                let _ = writeln!(out, "    {part}");
            }
        }
    }
    let signals: Vec<&super::types::SignalEntry> =
        r.turns.iter().flat_map(|t| &t.signals).collect();
    if !signals.is_empty() {
        let _ = writeln!(out, "signals");
        for g in signals {
            let ev: Vec<String> = g.evidence.iter().take(6).map(ToString::to_string).collect();
            let more = if g.evidence.len() > 6 { ", …" } else { "" };
            let line = format!(
                "{:<4}{} (lines {}{more}): {}",
                g.id.code(),
                g.name,
                ev.join(", "),
                g.detail
            );
            hanging(out, &line, width);
        }
    }
    if !s.recoveries.is_empty() {
        let moves: Vec<String> = s
            .recoveries
            .iter()
            .map(|m| format!("{} {} (line {})", m.id.code(), m.name, m.at_line))
            .collect();
        let _ = writeln!(out, "recovery moves");
        for part in sanitize::wrap(&moves.join(", "), width.saturating_sub(4).max(30)) {
            let _ = writeln!(out, "    {part}");
        }
    }
}

/// `text` wrapped to `width`: its first line indented two columns, the rest four.
fn hanging(out: &mut String, text: &str, width: usize) {
    let text = sanitize::one_line(text, 4000);
    for (i, part) in sanitize::wrap(&text, width.saturating_sub(4).max(40))
        .into_iter()
        .enumerate()
    {
        let indent = if i == 0 { "  " } else { "    " };
        let _ = writeln!(out, "{indent}{part}");
    }
}

fn subagents(out: &mut String, r: &ScoreReport, width: usize) {
    if r.subagents.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nsub-agents");
    for a in &r.subagents {
        let f = &a.figures;
        let what = if a.compactor {
            " (compaction summariser)"
        } else {
            ""
        };
        let line = format!(
            "{}{what}: {}, {}, {}, lines {}",
            a.id,
            format::plural(u64::from(f.tool_calls), "tool call"),
            format::plural(u64::from(f.tool_errors), "error"),
            format::plural(u64::from(f.model_calls), "model call"),
            format::lines(f.lines_added, f.lines_removed)
        );
        let _ = writeln!(out, "  {}", sanitize::one_line(&line, width - 2));
    }
}

fn skipped(out: &mut String, r: &ScoreReport, width: usize) {
    let s = &r.skipped;
    if s.total == 0 && s.repaired_utf8 == 0 && r.warnings.is_empty() {
        let _ = writeln!(out, "\nskipped  none: every line was read");
        return;
    }
    if s.total > 0 {
        let _ = writeln!(out, "\nskipped  {} lines:", s.total);
        for (reason, n) in &s.by_reason {
            let lines: Vec<String> = s
                .lines
                .iter()
                .filter(|l| l.reason.key() == reason)
                .take(8)
                .map(|l| l.line.to_string())
                .collect();
            let more = if (lines.len() as u64) < *n {
                ", …"
            } else {
                ""
            };
            let what = s
                .lines
                .iter()
                .find(|l| l.reason.key() == reason)
                .map_or("", |l| l.reason.describe());
            let text = format!("{n} {what} (line {}{more})", lines.join(", "));
            let _ = writeln!(out, "  {}", sanitize::one_line(&text, width - 2));
        }
    }
    if s.repaired_utf8 > 0 {
        let _ = writeln!(
            out,
            "repaired {} lines with invalid UTF-8 (bad bytes shown as �)",
            s.repaired_utf8
        );
    }
    for w in &r.warnings {
        let _ = writeln!(out, "warning  {}", sanitize::one_line(w, width - 9));
    }
}
