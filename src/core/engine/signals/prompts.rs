//! Prompts: what the user's words say. A near-duplicate re-prompt (S9), corrections piling up
//! (S10), frustration (S11), a vague prompt right after trouble (S12); and the recovery moves a
//! prompt makes after trouble: a specific check (R1), new information (R2), plan mode (R3), a
//! reframe (R4), an affirmation (R7). Feedback typed while rejecting a step is the user talking
//! too: it can be a correction or frustrated.
//!
//! A correction is a prompt whose first clause corrects the agent ("no, …", "still broken"), a
//! repeated prompt, or a prompt the agent itself answers by conceding it was wrong ("You're
//! right! …" as the first words of its reply). Corrections in a row, with no success between and
//! no new request between, are on the same point: the second one is nudged (S10).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::push_capped;
use crate::core::engine::detector::{Cx, Detector, Evidence, PromptFacts};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::engine::{seconds_ms, text};
use crate::core::event::{Event, EventKind, Outcome, Tool};
use crate::core::sanitize::one_line;
use crate::core::{LineNo, Millis};

/// S9–S12, R1–R4 from prompts, R7.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Prompts {
    /// The last two prompts, for re-prompts.
    prompts: VecDeque<PromptRec>,
    /// The correction chain's firing (S10).
    s10: Option<usize>,
    /// This turn's prompt, until the agent's first reply says whether it was a correction (a
    /// concession) or a new request (anything else, which ends the chain).
    pending: Option<LineNo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PromptRec {
    line: LineNo,
    at: Option<Millis>,
    /// When the agent's answer to it ended (its turn's last event), once the next prompt came.
    #[serde(default)]
    answered_at: Option<Millis>,
    text: String,
    words: text::Words,
    /// `text::fold(text)` when the prompt is long enough to be compared (S9), else empty.
    folded: String,
}

impl Detector for Prompts {
    fn prompt(&mut self, p: &PromptFacts<'_>, cx: &mut Cx<'_>) {
        let t = &cx.rules.config.thresholds;
        let turn = cx.turn_index();
        let prev_tier = turn
            .checked_sub(1)
            .and_then(|i| cx.mark(i))
            .map_or(0, |m| m.tier);
        let line = p.line;
        // The previous prompt was answered by the last event before this one.
        if let Some(prev) = self.prompts.back_mut() {
            prev.answered_at = cx.turn().last_at.or(prev.at);
        }
        let content = text::content_words(p.text);
        let folded = if content.len() >= t.s9_min_words as usize {
            text::fold(p.text)
        } else {
            String::new()
        };
        // A placeholder left where the text was removed says nothing: it repeats nothing and is
        // not vague (there is no evidence in it either way).
        let opaque = is_placeholder(p.text);
        let duplicate = if p.continuation || opaque {
            None
        } else {
            self.near_duplicate(p.text, &folded, &content, p.at, cx)
        };
        if let Some((prev_line, ago)) = duplicate {
            let detail = match ago {
                Some(ms) => format!(
                    "this prompt repeats the one at line {prev_line}, {} earlier",
                    crate::core::format::duration_short(ms)
                ),
                None => format!("this prompt repeats the one at line {prev_line}"),
            };
            cx.fire(SignalId::S9, vec![prev_line, line], 1.0, detail, 0);
        }
        self.pending = None;
        if p.correction || duplicate.is_some() {
            self.correction(line, None, cx);
        } else if !p.continuation && !p.answered_question {
            self.pending = (!NEW_REQUEST.is_match(&p.typed)).then_some(line);
            if self.pending.is_none() {
                end_chain(cx);
            }
        }
        if p.frustrated {
            cx.fire(
                SignalId::S11,
                vec![line],
                1.0,
                "this prompt sounds frustrated".into(),
                0,
            );
        }
        let t = &cx.rules.config.thresholds;
        let vague = p.words as u32 <= t.s12_max_words
            && !text::has_anchor(p.text)
            && !p.continuation
            && !opaque;
        if prev_tier >= 3 && vague && !p.answered_question {
            let detail = format!(
                "\"{}\" follows a troubled turn but adds nothing new",
                one_line(p.text, 40)
            );
            cx.fire(SignalId::S12, vec![line], 1.0, detail, 0);
        }
        if prev_tier >= 2 || cx.tier() >= 3 {
            recoveries(p, cx);
        }
        if cx.rules.lex.affirmation_in(&p.typed) {
            cx.recover(
                RecoveryId::R7,
                line,
                format!("\"{}\"", one_line(p.text, 40)),
            );
        }
        let rec = PromptRec {
            line,
            at: p.at,
            answered_at: None,
            words: content,
            text: p.text.to_owned(),
            folded,
        };
        push_capped(&mut self.prompts, rec, 2);
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::AgentText(t) => {
                if let Some(prompt) = self.pending.take() {
                    if CONCESSION.is_match(&t.text) {
                        self.correction(prompt, Some(ev.line), cx);
                    } else {
                        end_chain(cx);
                    }
                }
                return;
            }
            EventKind::Action(_) => {
                // The agent went to work without conceding anything: a new request.
                if self.pending.take().is_some() {
                    end_chain(cx);
                }
                return;
            }
            _ => {}
        }
        let EventKind::Result(r) = &ev.kind else {
            return;
        };
        let Outcome::Rejected {
            feedback: Some(text),
        } = &r.outcome
        else {
            return;
        };
        if cx.act().is_none_or(|a| a.tool == Tool::Ask) {
            return;
        }
        // Feedback typed while rejecting is the human talking: corrections and frustration count.
        if cx.rules.lex.is_correction(text) {
            self.correction(ev.line, None, cx);
        }
        if cx.rules.lex.is_frustrated(text) {
            cx.fire(
                SignalId::S11,
                vec![ev.line],
                1.0,
                "your feedback sounds frustrated".into(),
                0,
            );
        }
    }
}

/// R1–R4: the moves a prompt makes after trouble.
fn recoveries(p: &PromptFacts<'_>, cx: &mut Cx<'_>) {
    if p.asks_verification {
        cx.recover(RecoveryId::R1, p.line, "asked for a specific check".into());
    }
    if text::brings_information(p.text) {
        cx.recover(
            RecoveryId::R2,
            p.line,
            "added the error, a file or the expected result".into(),
        );
    }
    if p.plan_mode {
        cx.recover(RecoveryId::R3, p.line, "switched to plan mode".into());
    }
    if p.reframe {
        cx.recover(
            RecoveryId::R4,
            p.line,
            format!("reframed the task in {} words", p.words),
        );
    }
}

impl Prompts {
    /// One of the last two prompts said the same, within the window after its answer (a user
    /// who asks again as soon as they read the answer repeats themselves however long the agent
    /// worked): its line and how long ago it was typed.
    fn near_duplicate(
        &self,
        text: &str,
        folded: &str,
        words: &text::Words,
        at: Option<Millis>,
        cx: &Cx<'_>,
    ) -> Option<(LineNo, Option<u64>)> {
        let t = &cx.rules.config.thresholds;
        let window = seconds_ms(t.s9_window_minutes * 60.0);
        self.prompts.iter().rev().find_map(|p| {
            let ago = at.zip(p.at).map(|(a, b)| a.since(b));
            let since_answer = at.zip(p.answered_at.or(p.at)).map(|(a, b)| a.since(b));
            if since_answer.is_some_and(|ms| ms > window) {
                return None;
            }
            let identical = p.text.trim() == text.trim();
            let long_enough =
                words.len() >= t.s9_min_words as usize && p.words.len() >= t.s9_min_words as usize;
            (identical
                || (long_enough
                    && text::similar_at_least(folded, &p.folded, words, &p.words, t.s9_similarity)))
            .then_some((p.line, ago))
        })
    }

    /// A correction (or a repeated prompt) on `line`, `conceded` on the agent's reply that owned
    /// up to it: S10 from the threshold, the same firing growing while the chain goes on in this
    /// turn or the next.
    fn correction(&mut self, line: LineNo, conceded: Option<LineNo>, cx: &mut Cx<'_>) {
        let s = &mut *cx.standing;
        s.corrections += 1;
        // Lines come in order; two corrections on one line (two rejected steps) show it once.
        if s.correction_lines.last() != Some(line) {
            s.correction_lines.push(line);
        }
        let need = cx.rules.config.thresholds.s10_corrections as usize;
        let n = cx.standing.corrections;
        if n < need {
            return;
        }
        let mut evidence = Evidence::from(&cx.standing.correction_lines);
        if let Some(c) = conceded {
            evidence.lines.push(c);
            evidence.total += 1;
        }
        let first = cx.standing.correction_lines.first().unwrap_or(line);
        let detail = if conceded.is_some() {
            format!(
                "you have corrected Claude {n} times in a row since line {first}, and it conceded again"
            )
        } else {
            format!("you have corrected Claude {n} times in a row since line {first}")
        };
        let turn = cx.turn_index();
        match self.s10 {
            Some(i) if cx.firing(i).is_some_and(|f| f.turn + 1 >= turn) => {
                cx.update(i, evidence, 1.0, detail);
            }
            _ => self.s10 = Some(cx.fire(SignalId::S10, evidence, 1.0, detail, 0)),
        }
    }
}

/// The agent's reply starts by owning up to a mistake: the prompt before it was a correction.
static CONCESSION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::core::checks::ascii_re(
        r"(?i)^\W*(?:(?:you'?re|you are) (?:absolutely |totally |completely |quite )?(?:right|correct)\b|good (?:catch|point|eye)\b|my (?:mistake|bad|apologies)\b|i apologi[sz]e\b|(?:i'?m )?sorry\b|oops\b)",
    )
});

/// A prompt that asks for something new rather than pointing at what is wrong ("can you also…",
/// "now add…"): a concession to it is politeness, not a correction.
static NEW_REQUEST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::core::checks::ascii_re(
        r"(?i)^\W*(?:(?:can|could|would|will) you\b|please\b|pls\b|let'?s\b|also\b|next\b|now\b|and\b|ok(?:ay)?\b|great\b|thanks?\b|thank you\b)",
    )
});

/// The whole text is one bracketed placeholder, as redaction and trimming leave them
/// (`[REDACTED]`, `[trimmed for fixture]`, `[content removed]`).
fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.len() > 2
        && t.len() <= 80
        && t.starts_with('[')
        && t.ends_with(']')
        && !t[1..t.len() - 1].contains(['[', ']', '\n'])
}

/// A new request: the correction chain is over.
fn end_chain(cx: &mut Cx<'_>) {
    cx.standing.corrections = 0;
    cx.standing.correction_lines.clear();
}
