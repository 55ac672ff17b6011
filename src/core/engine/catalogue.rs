//! The signal catalogue: one row per stall signal (signals.md section 2, plus S20).
//!
//! A row holds everything about a signal except how it is detected: its code and name, the
//! family whose detector fires it (`signals/<family>.rs`), its config keys, how it counts toward
//! the failure tier and the risk score, when its nudge may be shown, and the nudge's headline and
//! advice. [`SignalId`] is generated from the rows, so a signal exists exactly when it has a row.
//!
//! Adding a signal (the README's "How it fits together" has the whole recipe):
//! 1. add a row to the `catalogue!` call below, at the end (the variant's position is its bit in
//!    the engine's active set, and catalogue order is the order reviews list signals);
//! 2. add its weight (`[weights]`) and thresholds (`[thresholds]`) to `config.rs` and
//!    `config.example.toml`; the tests at the bottom check the rows against the config;
//! 3. fire it from a detector in its family's file (`Cx::fire`), and write a positive and a
//!    near-miss scenario test in `tests.rs`.

use crate::core::agents::{Format, Shows};
use crate::core::config::Weights;

/// The detector family that fires a signal: one file under `signals/` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The same steps over and over, and long runs in trouble (`signals/loops.rs`).
    Loops,
    /// Tool failures in a row (`signals/errors.rs`).
    Errors,
    /// Tests, builds, lints and commit hooks: failing, bypassed, or never run (`signals/checks.rs`).
    Checks,
    /// The agent rewriting its own edits (`signals/edits.rs`).
    Edits,
    /// The user stopping the agent: interrupts and rejected steps (`signals/steering.rs`).
    Steering,
    /// What the user's prompts say: re-prompts, corrections, frustration, vagueness
    /// (`signals/prompts.rs`).
    Prompts,
    /// Reading without changing anything (`signals/exploration.rs`).
    Exploration,
    /// The agent talking instead of acting (`signals/monologue.rs`).
    Monologue,
    /// The context window filling up (`signals/context.rs`).
    Context,
    /// The API and the harness failing, not the user (`signals/harness.rs`).
    Harness,
    /// Time passing after trouble (`signals/silence.rs`).
    Silence,
}

/// How an active signal (fired in this turn or the previous one, not answered by a success since)
/// raises the live failure tier (signals.md 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// A hard failure item: tier 4 (two items: 5). Frustration, the study's "expressed frustration".
    Hard,
    /// Pushback or a stall: tier 3, the session has hit trouble.
    Pushback,
    /// A mild failure signal: tier 2.
    Mild,
    /// Never raises the tier (information and context).
    None,
}

/// How a signal counts in the risk score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// Its weight times its intensity, decayed.
    Weighted,
    /// Only alongside another weighted signal: it confirms, it never carries risk alone.
    Confirms,
    /// Never: information only (no weight key).
    Never,
}

/// When a firing may become a nudge (the gate in `gate.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Under trouble (tier 3) with risk at "watch" or above ("high" for a weight under 1), at most
    /// one nudge per cooldown, never the same signal twice in a row.
    Risk,
    /// Whatever the tier and risk (information worth saying), still one per cooldown.
    Always,
    /// Whatever the tier and risk, even inside the cooldown (a bypassed check).
    Urgent,
}

/// Whether a signal is a loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loop {
    No,
    /// Marks its turn as looping (the trouble gate of the long-run signal, S15).
    Turn,
    /// Also keeps the tier at 2 once answered: a recovered loop is still a mild failure.
    Sticky,
}

/// A signal's weight in the risk score: its key under `[weights]` and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct WeightKey {
    pub key: &'static str,
    pub get: fn(&Weights) -> f64,
}

/// One catalogue row. Every field is required, so a new row cannot forget one.
#[derive(Debug, Clone, Copy)]
pub struct Signal {
    pub id: SignalId,
    /// `S5` (the variant's name).
    pub code: &'static str,
    /// Lowercase catalogue name ("failing check loop").
    pub name: &'static str,
    pub family: Family,
    /// `None`: never in the risk score ([`Counts::Never`]).
    pub weight: Option<WeightKey>,
    /// Its keys under `[thresholds]` (a test checks they exist).
    pub thresholds: &'static [&'static str],
    pub trouble: Trouble,
    pub counts: Counts,
    pub gate: Gate,
    pub loops: Loop,
    /// Short headline for the status line and the nudge card, best as "situation: action" (the
    /// weekly review shows the action half).
    pub headline: &'static str,
    /// The advice half of a nudge (the evidence half is the firing's detail).
    pub advice: &'static str,
    /// Advice for the firing variants that need other words: `(variant, advice)`.
    pub variants: &'static [(u8, &'static str)],
}

impl Signal {
    /// The advice for one firing variant.
    #[must_use]
    pub fn advice_for(&self, variant: u8) -> &'static str {
        self.variants
            .iter()
            .find(|(v, _)| *v == variant)
            .map_or(self.advice, |(_, a)| a)
    }

    /// Its weight under these settings (0 for a signal that never counts).
    #[must_use]
    pub fn weight_in(&self, w: &Weights) -> f64 {
        self.weight.map_or(0.0, |k| (k.get)(w))
    }
}

/// What a signal's rule reads that not every agent format records (the rest: prompts, tool calls,
/// time, commands): a signal is off, never fired, for the sessions of a format that cannot show
/// it ([`crate::core::agents::Format::shows`]). Signals not listed read only what every format
/// has.
const NEEDS: &[(SignalId, Shows)] = &[
    (SignalId::S1, Shows::TOOL_RESULTS),
    (SignalId::S2, Shows::TOOL_RESULTS),
    (SignalId::S3, Shows::TOOL_RESULTS),
    (SignalId::S4, Shows::TOOL_RESULTS),
    (SignalId::S5, Shows::TOOL_RESULTS),
    (SignalId::S6, Shows::EDIT_TEXT),
    (SignalId::S7, Shows::INTERRUPTS),
    (SignalId::S8, Shows::REJECTIONS),
    (SignalId::S9, Shows::PROMPTS),
    (SignalId::S10, Shows::PROMPTS),
    (SignalId::S11, Shows::PROMPTS),
    (SignalId::S12, Shows::PROMPTS),
    (SignalId::S13, Shows::AGENT_TEXT),
    (SignalId::S15, Shows::TOOL_RESULTS),
    (SignalId::S16, Shows::AGENT_TEXT),
    (SignalId::S17, Shows::CONTEXT),
];

impl SignalId {
    /// What its rule reads that a format may not record ([`NEEDS`]).
    #[must_use]
    pub fn needs(self) -> Shows {
        NEEDS
            .iter()
            .find(|(s, _)| *s == self)
            .map_or(Shows::NOTHING, |(_, n)| *n)
    }

    /// Whether it can fire on a session of `format`.
    #[must_use]
    pub fn available_in(self, format: Format) -> bool {
        format.shows().covers(self.needs())
    }
}

/// Generates [`SignalId`] (one variant per row, in order) and the rows themselves.
macro_rules! catalogue {
    ($($id:ident { $($field:ident: $value:expr),* $(,)? })+) => {
        /// A stall signal: one catalogue row each, in catalogue order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SignalId {
            $($id,)+
        }

        impl SignalId {
            /// Every signal, in catalogue order.
            pub const ALL: [SignalId; [$(SignalId::$id),+].len()] = [$(SignalId::$id),+];
        }

        /// The rows, in [`SignalId`] order.
        static ROWS: [Signal; [$(SignalId::$id),+].len()] = [$(Signal {
            id: SignalId::$id,
            code: stringify!($id),
            $($field: $value,)*
        }),+];
    };
}

impl SignalId {
    /// Its catalogue row.
    #[must_use]
    pub fn row(self) -> &'static Signal {
        &ROWS[self as usize]
    }
}

/// Every row, in catalogue order.
#[must_use]
pub fn rows() -> &'static [Signal] {
    &ROWS
}

catalogue! {
    S1 {
        name: "same failing action",
        family: Family::Loops,
        weight: Some(WeightKey { key: "s1", get: |w| w.s1 }),
        thresholds: &["s1_same_failing_action"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Sticky,
        headline: "Same call failing: ask for the root cause",
        advice: "Press Esc and ask: \"Stop retrying. What is the root cause of this error? Explain it before you change anything.\"",
        // 1: edits of one file that do not apply.
        variants: &[(1, "Press Esc and ask: \"Re-read the file, quote the exact lines you mean to change, then make one edit (or rewrite the whole function).\"")],
    }
    S2 {
        name: "same action, same result",
        family: Family::Loops,
        weight: Some(WeightKey { key: "s2", get: |w| w.s2 }),
        thresholds: &["s2_same_action_same_result"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Sticky,
        headline: "Same step, same result: change tack",
        advice: "Tell Claude what is different now, or ask: \"Summarise in three lines what you know, then try something else.\"",
        variants: &[],
    }
    S3 {
        name: "ping-pong loop",
        family: Family::Loops,
        weight: Some(WeightKey { key: "s3", get: |w| w.s3 }),
        thresholds: &["s3_ping_pong_actions"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Turn,
        headline: "Going in circles: ask what's ruled out",
        advice: "Ask: \"List what you have ruled out so far, then pick a different approach before editing again.\"",
        variants: &[],
    }
    S4 {
        name: "error streak",
        family: Family::Errors,
        weight: Some(WeightKey { key: "s4", get: |w| w.s4 }),
        thresholds: &["s4_error_streak"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Sticky,
        headline: "Errors piling up: ask what's really wrong",
        advice: "Ask: \"Before the next attempt: what do you think is actually wrong, and how will we know it is fixed?\"",
        variants: &[],
    }
    S5 {
        name: "failing check loop",
        family: Family::Checks,
        weight: Some(WeightKey { key: "s5", get: |w| w.s5 }),
        thresholds: &["s5_failing_check_runs"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Turn,
        headline: "Check keeps failing: root cause first",
        advice: "Ask for the root cause before more edits: \"Why does it still fail the same way? Quote the failing line, make the smallest change that fixes it, and leave the test alone.\"",
        // 1: the commit's own hooks rejected it again.
        variants: &[(1, "Ask: \"Run the failing check yourself, fix exactly what it reports, then commit.\" Skipping the hook is not a fix.")],
    }
    S6 {
        name: "edit thrash",
        family: Family::Edits,
        weight: Some(WeightKey { key: "s6", get: |w| w.s6 }),
        thresholds: &["s6_rewrites"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::Turn,
        headline: "Editing back and forth: pick one",
        advice: "Ask: \"What did the first version get wrong? Settle on one approach, say how you will check it, then edit once.\"",
        variants: &[],
    }
    S7 {
        name: "interrupt burst",
        family: Family::Steering,
        weight: Some(WeightKey { key: "s7", get: |w| w.s7 }),
        thresholds: &["s7_interrupts", "s7_window_turns"],
        // Steering, not trouble: stopping the agent to redirect it is the expert move. It adds
        // to trouble that other evidence shows, never makes it on its own.
        trouble: Trouble::None,
        counts: Counts::Confirms,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Many interrupts: restate the goal once",
        advice: "Instead of steering step by step, restate the goal and the one rule it keeps missing, in a single message.",
        variants: &[],
    }
    S8 {
        name: "rejected steps",
        family: Family::Steering,
        weight: Some(WeightKey { key: "s8", get: |w| w.s8 }),
        thresholds: &["s8_rejections"],
        // Steering, not trouble (as S7): a rejected step is the user deciding.
        trouble: Trouble::None,
        counts: Counts::Confirms,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Steps rejected: state the rule or plan",
        advice: "Tell Claude the rule it keeps breaking (\"only edit src/api; never touch migrations\"), or switch to plan mode (Shift+Tab) and approve the approach before any edits.",
        variants: &[],
    }
    S9 {
        name: "near-duplicate re-prompt",
        family: Family::Prompts,
        weight: Some(WeightKey { key: "s9", get: |w| w.s9 }),
        thresholds: &["s9_similarity", "s9_window_minutes", "s9_min_words"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        // The user's own evidence: said when it is typed (not later, not skipped for a cooldown).
        gate: Gate::Urgent,
        loops: Loop::No,
        headline: "Asked twice: add what's missing",
        advice: "Rewording rarely helps. Add what is missing (the exact symptom, where it happens, how you will check it), or /clear and start fresh with that.",
        variants: &[],
    }
    S10 {
        name: "repeated correction",
        family: Family::Prompts,
        weight: Some(WeightKey { key: "s10", get: |w| w.s10 }),
        thresholds: &["s10_corrections"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        // The user's own evidence: said when it is typed (not later, not skipped for a cooldown).
        gate: Gate::Urgent,
        loops: Loop::No,
        headline: "Corrected twice: restate it once, fully",
        advice: "Correcting again rarely lands. Claude Code's own advice: /clear and restart with one specific prompt (what is wrong, the constraint it keeps missing, how you will check it).",
        variants: &[],
    }
    S11 {
        name: "frustration",
        family: Family::Prompts,
        weight: Some(WeightKey { key: "s11", get: |w| w.s11 }),
        thresholds: &[],
        trouble: Trouble::Hard,
        counts: Counts::Confirms,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Frustrating: write down what done is",
        advice: "Take thirty seconds: write what \"done\" looks like as one checkable sentence, and ask Claude to work toward exactly that.",
        variants: &[],
    }
    S12 {
        name: "vague prompt after trouble",
        family: Family::Prompts,
        weight: Some(WeightKey { key: "s12", get: |w| w.s12 }),
        thresholds: &["s12_max_words"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Vague after trouble: add one specific",
        advice: "Give Claude one concrete thing: the exact error text, the file or function, or what you expected versus what happened.",
        variants: &[],
    }
    S13 {
        name: "claimed done, nothing verified",
        family: Family::Checks,
        weight: Some(WeightKey { key: "s13", get: |w| w.s13 }),
        thresholds: &["s13_unverified_turns"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        // Whatever the tier: an unchecked "done" is worth saying before you accept it.
        gate: Gate::Always,
        loops: Loop::No,
        headline: "Says done, nothing run: ask for proof",
        advice: "Ask: \"Run the tests (or the build) and show me the output\", or say how you will check it yourself.",
        // 1: turns of edits without a check (same advice); 2: done, but the last check failed.
        variants: &[(2, "Ask: \"Show me the failing check's output and fix it before calling this done.\"")],
    }
    S14 {
        name: "exploration without progress",
        family: Family::Exploration,
        weight: Some(WeightKey { key: "s14", get: |w| w.s14 }),
        thresholds: &["s14_read_only_actions", "s14_same_file_reads"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Lots of reading, no change: narrow it",
        advice: "Narrow it down: name the file or function you suspect, or ask \"Use a sub-agent to investigate this and report back in five bullets.\"",
        variants: &[],
    }
    S15 {
        name: "long troubled run",
        family: Family::Loops,
        weight: Some(WeightKey { key: "s15", get: |w| w.s15 }),
        thresholds: &["s15_actions", "s15_minutes", "s15_errors"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Long troubled run: ask for a status",
        advice: "Press Esc and ask for a status: what is done, what is failing, and what it will try next.",
        variants: &[],
    }
    S16 {
        name: "apology monologue",
        family: Family::Monologue,
        weight: Some(WeightKey { key: "s16", get: |w| w.s16 }),
        thresholds: &["s16_apologies"],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Apologising in circles: facts vs guesses",
        advice: "Apologies are not progress. Ask Claude to write what it knows for sure, what it is guessing, and one experiment that tells them apart.",
        variants: &[],
    }
    S17 {
        name: "context pressure",
        family: Family::Context,
        weight: Some(WeightKey { key: "s17", get: |w| w.s17 }),
        thresholds: &["s17_context_fraction", "s17_compactions"],
        // Information: fired only while the session is in trouble, where a fresh context helps.
        trouble: Trouble::None,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Context filling up: compact or clear",
        advice: "Same task? /compact with what to keep (\"/compact keep the failing test and the API contract\"). New task? /clear.",
        variants: &[],
    }
    S18 {
        name: "harness trouble",
        family: Family::Harness,
        weight: None,
        thresholds: &["s18_api_errors", "s18_window_minutes", "s18_timeouts"],
        trouble: Trouble::None,
        counts: Counts::Never,
        gate: Gate::Always,
        loops: Loop::No,
        headline: "API or tool trouble: not you",
        advice: "This is not you: wait a minute or switch model, and tell Claude how to run long processes (in the background; tests without watch mode). No need to rephrase the task.",
        variants: &[],
    }
    S19 {
        name: "silence after trouble",
        family: Family::Silence,
        weight: Some(WeightKey { key: "s19", get: |w| w.s19 }),
        thresholds: &["s19_minutes", "s19_abandoned_minutes"],
        trouble: Trouble::Mild,
        counts: Counts::Weighted,
        gate: Gate::Risk,
        loops: Loop::No,
        headline: "Stuck? One small next step",
        advice: "Before walking away: give Claude a one-line summary of where you are and ask for the smallest next step you can check, or /clear and restart with that summary.",
        // 1: nothing has been written yet.
        variants: &[(1, "Nothing has been written yet. Before walking away, ask for one small piece you can check in two minutes.")],
    }
    S20 {
        name: "check bypass",
        family: Family::Checks,
        weight: Some(WeightKey { key: "s20", get: |w| w.s20 }),
        thresholds: &[],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        gate: Gate::Urgent,
        loops: Loop::No,
        headline: "Check bypassed: ask for the real fix",
        advice: "Ask: \"Don't skip or weaken checks. Show me the failure and fix its cause.\"",
        // 1: the expected value replaced by the observed one.
        variants: &[(1, "Ask: \"Is the test wrong or the code? Put the expected value back unless you can show the spec says otherwise.\"")],
    }
    S21 {
        name: "bypass intent",
        family: Family::Checks,
        weight: Some(WeightKey { key: "s21", get: |w| w.s21 }),
        thresholds: &[],
        trouble: Trouble::Pushback,
        counts: Counts::Weighted,
        // Before the bypass happens, even inside the cooldown.
        gate: Gate::Urgent,
        loops: Loop::No,
        headline: "About to get around a check: stop it",
        // 0: the failure called pre-existing, unrelated, a false positive or flaky.
        advice: "Ask for evidence before accepting that: \"Show me it fails the same way without your change. Until then, treat it as yours and fix the cause.\"",
        // 1: says it will skip or silence the check; 2: offers you a way around it.
        variants: &[
            (1, "Press Esc before it happens: \"Don't skip or silence the check. Show me the exact failure and fix its cause.\""),
            (2, "Pick the fix, not the bypass: \"Fix the cause: show me the failing output and the smallest change that makes it pass.\""),
        ],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::core::config::{Config, EXAMPLE};

    #[test]
    fn rows_are_in_id_order_with_unique_codes_names_and_headlines() {
        let mut seen = BTreeSet::new();
        for (i, row) in rows().iter().enumerate() {
            assert_eq!(row.id as usize, i, "{}", row.code);
            assert_eq!(SignalId::ALL[i], row.id);
            assert_eq!(row.code, format!("{:?}", row.id));
            for text in [row.code, row.name, row.headline, row.advice] {
                assert!(
                    !text.is_empty() && seen.insert(text),
                    "{}: {text:?}",
                    row.code
                );
            }
            assert!(
                row.headline.chars().count() <= 48 && !row.headline.contains('\n'),
                "{}: a headline is a few words on one line",
                row.code
            );
        }
        assert!(rows().len() <= 32, "the active set is a u32 bit set");
    }

    #[test]
    fn weights_in_the_rows_are_exactly_the_config_weights() {
        let c = Config::default();
        let named = c.weights.named();
        let from_rows: Vec<(&str, f64)> = rows()
            .iter()
            .filter_map(|r| r.weight.map(|k| (k.key, (k.get)(&c.weights))))
            .collect();
        assert_eq!(from_rows, named.to_vec(), "same keys, order and values");
        for r in rows() {
            assert_eq!(r.weight.is_none(), r.counts == Counts::Never, "{}", r.code);
        }
        // Each getter reads its own field: change one weight, only that row moves.
        for (key, _) in named {
            let text = format!("[weights]\n{key} = 7.25\n");
            let changed = Config::parse(&text).unwrap();
            for r in rows() {
                let w = r.weight_in(&changed.weights);
                let own = r.weight.is_some_and(|k| k.key == key);
                assert_eq!(
                    (w - 7.25).abs() < 1e-12,
                    own,
                    "{key} moved {} to {w}",
                    r.code
                );
            }
        }
    }

    #[test]
    fn threshold_keys_in_the_rows_are_the_config_thresholds() {
        let example: toml::Table = toml::from_str(EXAMPLE).unwrap();
        let in_file: BTreeSet<&str> = example["thresholds"]
            .as_table()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut claimed = BTreeSet::new();
        for r in rows() {
            for key in r.thresholds {
                assert!(in_file.contains(key), "{}: unknown threshold {key}", r.code);
                assert!(claimed.insert(*key), "{key} claimed twice");
                let prefix = format!("{}_", r.code.to_lowercase());
                assert!(key.starts_with(&prefix), "{key} is not {}'s", r.code);
            }
        }
        // The one engine-wide threshold belongs to no signal.
        let unclaimed: Vec<&&str> = in_file.difference(&claimed).collect();
        assert_eq!(unclaimed, [&"idle_turn_end_seconds"]);
    }

    #[test]
    fn needs_name_each_signal_once_and_formats_turn_off_only_what_they_lack() {
        let mut seen = BTreeSet::new();
        for (s, _) in NEEDS {
            assert!(seen.insert(*s), "{s:?} listed twice");
        }
        for s in SignalId::ALL {
            assert!(
                s.available_in(Format::Claude),
                "{s:?}: Claude Code shows everything"
            );
        }
        let off: Vec<SignalId> = SignalId::ALL
            .into_iter()
            .filter(|s| !s.available_in(Format::Copilot))
            .collect();
        assert_eq!(off, [SignalId::S8]);
        assert!(SignalId::S19.needs() == Shows::NOTHING);
    }

    #[test]
    fn advice_variants_fall_back_to_the_default() {
        let s13 = SignalId::S13.row();
        assert_eq!(s13.advice_for(0), s13.advice);
        assert_eq!(s13.advice_for(1), s13.advice);
        assert_ne!(s13.advice_for(2), s13.advice);
        assert_eq!(SignalId::S1.row().advice_for(9), SignalId::S1.row().advice);
    }
}
