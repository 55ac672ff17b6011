//! Settings: thresholds, weights, bands, cooldown and lexicons, with their defaults.
//!
//! The defaults live in code ([`Config::default`]) and are documented, key by key, in
//! `config.example.toml` at the top of the repository; a test proves the two agree. Parsing is
//! strict: an unknown key, a wrong type or an out-of-range value is an error that names the key
//! and its line. A missing key takes its default. Reading the file is the edge's job
//! (`source::settings`); this module only turns text into a checked [`Config`].
//!
//! One section of the file belongs to a front end: `[keys]`, the TUI's key bindings. The core
//! knows where it sits in the file, not what it means: [`Config::parse_with`] hands it to the
//! front end's [`Section`] type, which checks it, and its problems are reported like the core's.

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// `config.example.toml`: every key with its default and meaning (a test holds it equal to
/// [`Config::default`]); `ringside config --print-defaults` prints it.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// Every setting. Each section is optional in the file.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub coach: Coach,
    pub statusline: StatusLine,
    pub hook: Hook,
    pub risk: Risk,
    pub weights: Weights,
    pub recovery: Recovery,
    pub thresholds: Thresholds,
    pub lexicon: Lexicon,
}

/// A section of the config file that belongs to a front end (the TUI's `[keys]`).
pub trait Section: Default + DeserializeOwned {
    /// Every entry that is not valid: (key, what is wrong), in the file's order.
    fn problems(&self) -> Vec<(&'static str, String)>;
}

/// The file's layout: the core's sections and the front end's `[keys]` (in the order that
/// "unknown field" messages list them).
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, bound(deserialize = "K: Section"))]
struct File<K> {
    coach: Coach,
    statusline: StatusLine,
    hook: Hook,
    risk: Risk,
    weights: Weights,
    recovery: Recovery,
    thresholds: Thresholds,
    lexicon: Lexicon,
    keys: K,
}

/// A `[keys]` section left unread: what [`Config::parse`] does with it.
#[derive(Default)]
struct Unread;

impl<'de> Deserialize<'de> for Unread {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Unread)
    }
}

impl Section for Unread {
    fn problems(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// When nudges may be shown.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Coach {
    /// At most one nudge per this many minutes.
    pub cooldown_minutes: f64,
    /// Show nudges at all (the scorecard and signals stay visible either way).
    pub nudges: bool,
    /// Record dismissed/helpful feedback in the data dir for the weekly review.
    pub record_feedback: bool,
}

impl Default for Coach {
    fn default() -> Self {
        Self {
            cooldown_minutes: 10.0,
            nudges: true,
            record_feedback: true,
        }
    }
}

/// `ringside statusline` inside Claude Code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusLine {
    /// 1: figures and the nudge on one row; 2: figures on the first, the nudge on a second.
    pub lines: u8,
    /// How long a `--chain` command may run before it is stopped (milliseconds).
    pub chain_timeout_ms: u64,
}

impl Default for StatusLine {
    fn default() -> Self {
        Self {
            lines: 1,
            chain_timeout_ms: 1000,
        }
    }
}

/// `ringside hook` inside Claude Code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hook {
    /// Show a due nudge to you through the hook's `systemMessage`.
    pub system_message: bool,
    /// Also hand the nudge to the agent as `additionalContext` on `UserPromptSubmit` (tagged
    /// `[ringside]`). Off by default: it changes what the agent reads.
    pub additional_context: bool,
}

impl Default for Hook {
    fn default() -> Self {
        Self {
            system_message: true,
            additional_context: false,
        }
    }
}

/// The abandonment-risk model (signals.md section 3).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Risk {
    /// Logistic intercept `b`.
    pub intercept: f64,
    /// Risk at or above this is "watch".
    pub watch: f64,
    /// Risk at or above this is "high".
    pub high: f64,
    /// A signal's weight halves every this many turns…
    pub half_life_turns: f64,
    /// …or every this many minutes, whichever decays faster.
    pub half_life_minutes: f64,
    /// Weight of "nothing written yet" while in trouble.
    pub nothing_written: f64,
    /// Failure tier from which risk is computed (below it: no risk shown).
    pub gate_tier: u8,
}

impl Default for Risk {
    fn default() -> Self {
        Self {
            intercept: -3.0,
            watch: 0.15,
            high: 0.40,
            half_life_turns: 2.0,
            half_life_minutes: 10.0,
            nothing_written: 1.0,
            gate_tier: 2,
        }
    }
}

/// Weight of each stall signal in the risk score.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub s1: f64,
    pub s2: f64,
    pub s3: f64,
    pub s4: f64,
    pub s5: f64,
    pub s6: f64,
    pub s7: f64,
    pub s8: f64,
    pub s9: f64,
    pub s10: f64,
    pub s11: f64,
    pub s12: f64,
    pub s13: f64,
    pub s14: f64,
    pub s15: f64,
    pub s16: f64,
    pub s17: f64,
    pub s19: f64,
    pub s20: f64,
    pub s21: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            s1: 1.5,
            s2: 1.0,
            s3: 1.0,
            s4: 1.0,
            s5: 1.5,
            s6: 1.0,
            s7: 0.5,
            s8: 1.0,
            s9: 1.0,
            s10: 1.5,
            s11: 1.0,
            s12: 1.0,
            s13: 0.5,
            s14: 0.5,
            s15: 0.5,
            s16: 0.5,
            s17: 0.0,
            s19: 1.0,
            s20: 1.0,
            s21: 1.0,
        }
    }
}

/// How much each recovery marker lowers risk (subtracted).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Recovery {
    pub r1: f64,
    pub r2: f64,
    pub r3: f64,
    pub r4: f64,
    pub r5: f64,
    pub r6: f64,
    pub r7: f64,
    pub r8: f64,
}

impl Default for Recovery {
    fn default() -> Self {
        Self {
            r1: 0.75,
            r2: 0.75,
            r3: 0.75,
            r4: 0.75,
            r5: 1.5,
            r6: 1.5,
            r7: 1.5,
            r8: 0.5,
        }
    }
}

/// When each signal fires.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub s1_same_failing_action: u32,
    pub s2_same_action_same_result: u32,
    pub s3_ping_pong_actions: u32,
    pub s4_error_streak: u32,
    pub s5_failing_check_runs: u32,
    pub s6_rewrites: u32,
    pub s7_interrupts: u32,
    pub s7_window_turns: u32,
    pub s8_rejections: u32,
    pub s9_similarity: f64,
    pub s9_window_minutes: f64,
    pub s9_min_words: u32,
    pub s10_corrections: u32,
    pub s12_max_words: u32,
    pub s13_unverified_turns: u32,
    pub s14_read_only_actions: u32,
    pub s14_same_file_reads: u32,
    pub s15_actions: u32,
    pub s15_minutes: f64,
    pub s15_errors: u32,
    pub s16_apologies: u32,
    pub s17_context_fraction: f64,
    pub s17_compactions: u32,
    pub s18_api_errors: u32,
    pub s18_window_minutes: f64,
    pub s18_timeouts: u32,
    pub s19_minutes: f64,
    pub s19_abandoned_minutes: f64,
    /// Seconds without events after the agent's last text that count as the end of a turn
    /// (for transcripts that do not write an end-of-turn marker).
    pub idle_turn_end_seconds: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            s1_same_failing_action: 3,
            s2_same_action_same_result: 4,
            s3_ping_pong_actions: 6,
            s4_error_streak: 3,
            s5_failing_check_runs: 3,
            s6_rewrites: 3,
            s7_interrupts: 3,
            s7_window_turns: 3,
            s8_rejections: 2,
            s9_similarity: 0.6,
            s9_window_minutes: 5.0,
            s9_min_words: 4,
            s10_corrections: 2,
            s12_max_words: 6,
            s13_unverified_turns: 2,
            s14_read_only_actions: 25,
            s14_same_file_reads: 3,
            s15_actions: 50,
            s15_minutes: 15.0,
            s15_errors: 5,
            s16_apologies: 3,
            s17_context_fraction: 0.8,
            s17_compactions: 2,
            s18_api_errors: 3,
            s18_window_minutes: 10.0,
            s18_timeouts: 3,
            s19_minutes: 10.0,
            s19_abandoned_minutes: 30.0,
            idle_turn_end_seconds: 30.0,
        }
    }
}

/// Word lists, as case-insensitive regular expressions (one alternative per entry).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lexicon {
    /// The first clause of a correction ("no, …", "that's wrong", "you broke …").
    pub corrections: Vec<String>,
    /// Strong frustration aimed at the agent.
    pub frustration: Vec<String>,
    /// Prompts that only continue ("go on", "yes"): never re-prompts, never vague.
    pub continuations: Vec<String>,
    /// Affirmations ("thanks", "perfect", "lgtm").
    pub affirmations: Vec<String>,
    /// Agent apologies and give-ups.
    pub apologies: Vec<String>,
    /// Agent claims that the work is done.
    pub completion_claims: Vec<String>,
    /// Asks for a specific check ("run the tests", "show me the output").
    pub verification_asks: Vec<String>,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for Lexicon {
    fn default() -> Self {
        Self {
            corrections: words(&[
                r"no\b",
                r"nope\b",
                r"not (that|quite|what|right)\b",
                r"wrong\b",
                r"that'?s (not|wrong|incorrect)\b",
                r"still\b",
                r"again\b",
                r"same (error|issue|problem|thing)\b",
                r"it (still )?(does ?n[o']?t|didn'?t|won'?t|isn'?t) (work|run|compile|pass)",
                // The thing the agent was to fix, said to be still broken or still not working.
                r"(it|this|that|(the|my) [\w-]+( [\w-]+)?)('s| is| are)? still (not|broken|wrong|failing|fails|the same|blank|empty|missing|crashing|crashes|does ?n[o']?t|doesn'?t|did ?n[o']?t|is ?n[o']?t|won'?t|can'?t|shows?|showing|returns|throws|gives|does nothing|nothing|there|here|happening|present|visible|appearing|twice|doubled)\b",
                // The user still sees the problem: "I still see it twice", "I'm still getting a 500".
                r"i('m| am)? still (see|seeing|get|getting|have|having|hear|hearing)\b",
                // The fix did not help: "that didn't fix it", "this didn't work either".
                r"(it|this|that)( change| fix)? (did ?n[o']?t|does ?n[o']?t|has ?n[o']?t|hasn'?t|did not|does not) (work|fix|help|change|solve|do anything)",
                r"(the|my) [\w-]+( [\w-]+)? (still )?(does ?n[o']?t|did ?n[o']?t|wo ?n'?t|is ?n'?t|can'?t) (work|run|compile|pass|load|show|change|do anything)",
                r"nothing (happens|happened|changed|works)\b",
                r"you (forgot|missed|broke|deleted|removed|ignored|didn'?t)\b",
                r"why (did|are|would) you\b",
                r"i (said|meant|asked|told you)\b",
                r"revert\b",
                r"undo\b",
                r"stop\b",
                r"that'?s not what\b",
            ]),
            frustration: words(&[
                r"wtf\b",
                r"useless\b",
                r"stupid\b",
                r"idiot",
                r"for the last time\b",
                r"are you (even )?(listening|reading)\b",
                r"i give up\b",
                r"forget it\b",
                r"never ?mind\b",
                r"you (keep|always|never) ",
                r"what the (hell|fuck)",
                r"seriously\?",
                r"ffs\b",
                r"omfg\b",
                r"this is (ridiculous|insane|absurd)\b",
            ]),
            continuations: words(&[
                r"(ok(ay)?|yes|yep|yeah|sure|go( on| ahead)?|continue|proceed|next|do it|please do|sounds good|looks good|great|good|fine)[.! ]*",
                r"(please )?(continue|proceed|keep going|carry on|go on|resume)( with)?( the)?( \w+)?[.! ]*",
            ]),
            affirmations: words(&[
                r"thanks?\b",
                r"thank you\b",
                r"perfect\b",
                r"(it )?works( now)?\b",
                r"ship it\b",
                r"lgtm\b",
                r"exactly\b",
                r"great (job|work)\b",
                r"nice\b",
                r"awesome\b",
                r"well done\b",
                r"looks good\b",
            ]),
            apologies: words(&[
                r"i apologi[sz]e",
                r"(i'?m|i am) sorry",
                r"you'?re (absolutely )?right",
                r"let me try (a different|another) approach",
                r"i('?m| am) (unable|not able) to",
                r"i couldn'?t\b",
                r"this (isn'?t|is not) working",
                r"my (mistake|apologies)",
            ]),
            completion_claims: words(&[
                r"\b(is|are|it'?s|that'?s|has been|have been|now) (all )?(done|fixed|implemented|complete|completed|finished|working|in place)\b",
                r"^\W*(all )?(done|fixed|finished)\b",
                r"\ball (done|set)\b",
                r"\b(i'?ve|i have) (now )?(successfully )?(fixed|implemented|completed|finished)\b",
                r"should (now )?work\b",
                r"\ball (the )?(tests )?(are )?pass(ing)?\b",
                r"successfully (implemented|added|updated|fixed|completed)",
                r"^\W*(the )?(implementation|feature|fix|changes?|refactor|migration|task) (now )?(complete|completed|done|finished|in place|ready)\b",
                r"\b(is|are|has been|have been) (now )?resolved\b",
                r"\b(the )?(changes?|fix|feature|implementation) (is|are) (now )?ready\b|\b(is|are) (now )?ready (for review|to use|to go|to merge|to ship)\b",
                r"\b(this|that|it|which|these changes|the change|the fix) (should )?(now )?(resolves?|fix(es)?|solves?|addresses) (the|this|that|your) (\w+ )?(issue|bug|problem|error)\b",
            ]),
            verification_asks: words(&[
                r"\b(run|rerun|re-run|execute) (the |all |your )?(tests?|specs?|suite|build|linter|lint|checks?|`[^`]+`)",
                r"\bshow me (the )?(output|diff|log|logs|error|failing|test)",
                r"\bdid you (actually )?(run|call|commit|push|test|check|verify)",
                r"\bhow (do|will|would|can) (we|you|i) (know|check|verify|test)",
                r"\bwrite a (failing )?test\b",
                r"\bprove (it|that)\b",
            ]),
        }
    }
}

/// A configuration problem, naming the key and (when known) its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ConfigError {
    pub line: Option<usize>,
    pub message: String,
}

impl Config {
    /// Parses and checks a config file's text, leaving the front end's `[keys]` unread.
    ///
    /// # Errors
    /// Unknown keys, wrong types and out-of-range values, each naming the key and its line.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        Self::parse_with::<Unread>(text).map(|(config, _)| config)
    }

    /// Parses and checks a config file's text, `[keys]` as the front end's section `K`. The
    /// first problem found is the error: the core's sections first, then `K`'s.
    ///
    /// # Errors
    /// Unknown keys, wrong types and out-of-range values, each naming the key and its line.
    pub fn parse_with<K: Section>(text: &str) -> Result<(Self, K), ConfigError> {
        let file: File<K> = toml::from_str(text).map_err(|e| ConfigError {
            line: e.span().map(|s| line_of_offset(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        let config = Config {
            coach: file.coach,
            statusline: file.statusline,
            hook: file.hook,
            risk: file.risk,
            weights: file.weights,
            recovery: file.recovery,
            thresholds: file.thresholds,
            lexicon: file.lexicon,
        };
        let core = config.validate().into_iter();
        let front = file
            .keys
            .problems()
            .into_iter()
            .map(|(k, m)| ("keys", k, m));
        if let Some((section, key, message)) = core.chain(front).next() {
            return Err(ConfigError {
                line: line_of_key(text, section, key),
                message: format!("[{section}] {key}: {message}"),
            });
        }
        Ok((config, file.keys))
    }

    /// Every rule broken: (section, key, what is wrong).
    #[must_use]
    pub fn validate(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut bad = Vec::new();
        let mut check = |ok: bool, section, key, msg: String| {
            if !ok {
                bad.push((section, key, msg));
            }
        };
        let c = &self.coach;
        check(
            c.cooldown_minutes >= 0.0 && c.cooldown_minutes <= 24.0 * 60.0,
            "coach",
            "cooldown_minutes",
            range_msg(c.cooldown_minutes, "0 to 1440"),
        );
        check(
            (1..=2).contains(&self.statusline.lines),
            "statusline",
            "lines",
            format!("'{}' must be 1 or 2", self.statusline.lines),
        );
        check(
            (1..=60_000).contains(&self.statusline.chain_timeout_ms),
            "statusline",
            "chain_timeout_ms",
            format!("'{}' must be 1 to 60000", self.statusline.chain_timeout_ms),
        );
        let r = &self.risk;
        check(
            r.watch > 0.0 && r.watch < 1.0,
            "risk",
            "watch",
            range_msg(r.watch, "between 0 and 1"),
        );
        check(
            r.high > r.watch && r.high < 1.0,
            "risk",
            "high",
            format!("'{}' must be above watch ({}) and below 1", r.high, r.watch),
        );
        check(
            r.intercept.is_finite() && r.intercept.abs() <= 20.0,
            "risk",
            "intercept",
            range_msg(r.intercept, "-20 to 20"),
        );
        check(
            r.half_life_turns > 0.0,
            "risk",
            "half_life_turns",
            range_msg(r.half_life_turns, "above 0"),
        );
        check(
            r.half_life_minutes > 0.0,
            "risk",
            "half_life_minutes",
            range_msg(r.half_life_minutes, "above 0"),
        );
        check(
            r.nothing_written >= 0.0 && r.nothing_written <= 10.0,
            "risk",
            "nothing_written",
            range_msg(r.nothing_written, "0 to 10"),
        );
        check(
            r.gate_tier <= 5,
            "risk",
            "gate_tier",
            format!("'{}' must be 0 to 5", r.gate_tier),
        );
        for (key, w) in self.weights.named() {
            check(
                (0.0..=10.0).contains(&w),
                "weights",
                key,
                range_msg(w, "0 to 10"),
            );
        }
        for (key, w) in self.recovery.named() {
            check(
                (0.0..=10.0).contains(&w),
                "recovery",
                key,
                range_msg(w, "0 to 10"),
            );
        }
        let t = &self.thresholds;
        for (key, v) in t.counts() {
            check(
                (1..=10_000).contains(&v),
                "thresholds",
                key,
                format!("'{v}' must be 1 to 10000"),
            );
        }
        check(
            t.s3_ping_pong_actions >= 4 && t.s3_ping_pong_actions.is_multiple_of(2),
            "thresholds",
            "s3_ping_pong_actions",
            format!(
                "'{}' must be an even number, at least 4",
                t.s3_ping_pong_actions
            ),
        );
        for (key, v) in [
            ("s9_similarity", t.s9_similarity),
            ("s17_context_fraction", t.s17_context_fraction),
        ] {
            check(
                v > 0.0 && v <= 1.0,
                "thresholds",
                key,
                range_msg(v, "above 0, at most 1"),
            );
        }
        for (key, v) in [
            ("s9_window_minutes", t.s9_window_minutes),
            ("s15_minutes", t.s15_minutes),
            ("s18_window_minutes", t.s18_window_minutes),
            ("s19_minutes", t.s19_minutes),
            ("s19_abandoned_minutes", t.s19_abandoned_minutes),
            ("idle_turn_end_seconds", t.idle_turn_end_seconds),
        ] {
            check(
                v > 0.0 && v <= 10_000.0,
                "thresholds",
                key,
                range_msg(v, "above 0, at most 10000"),
            );
        }
        for (key, list) in self.lexicon.named() {
            for p in list {
                if let Err(e) = regex::RegexBuilder::new(p).size_limit(1 << 20).build() {
                    let first = e.to_string().lines().last().unwrap_or("").trim().to_owned();
                    bad.push((
                        "lexicon",
                        key,
                        format!("'{p}' is not a valid regular expression ({first})"),
                    ));
                }
            }
        }
        bad
    }
}

impl Weights {
    /// (key, value) for every weight.
    #[must_use]
    pub fn named(&self) -> [(&'static str, f64); 20] {
        [
            ("s1", self.s1),
            ("s2", self.s2),
            ("s3", self.s3),
            ("s4", self.s4),
            ("s5", self.s5),
            ("s6", self.s6),
            ("s7", self.s7),
            ("s8", self.s8),
            ("s9", self.s9),
            ("s10", self.s10),
            ("s11", self.s11),
            ("s12", self.s12),
            ("s13", self.s13),
            ("s14", self.s14),
            ("s15", self.s15),
            ("s16", self.s16),
            ("s17", self.s17),
            ("s19", self.s19),
            ("s20", self.s20),
            ("s21", self.s21),
        ]
    }
}

impl Recovery {
    /// (key, value) for every recovery weight.
    #[must_use]
    pub fn named(&self) -> [(&'static str, f64); 8] {
        [
            ("r1", self.r1),
            ("r2", self.r2),
            ("r3", self.r3),
            ("r4", self.r4),
            ("r5", self.r5),
            ("r6", self.r6),
            ("r7", self.r7),
            ("r8", self.r8),
        ]
    }
}

impl Thresholds {
    fn counts(&self) -> [(&'static str, u32); 18] {
        [
            ("s1_same_failing_action", self.s1_same_failing_action),
            (
                "s2_same_action_same_result",
                self.s2_same_action_same_result,
            ),
            ("s3_ping_pong_actions", self.s3_ping_pong_actions),
            ("s4_error_streak", self.s4_error_streak),
            ("s5_failing_check_runs", self.s5_failing_check_runs),
            ("s6_rewrites", self.s6_rewrites),
            ("s7_interrupts", self.s7_interrupts),
            ("s7_window_turns", self.s7_window_turns),
            ("s8_rejections", self.s8_rejections),
            ("s9_min_words", self.s9_min_words),
            ("s10_corrections", self.s10_corrections),
            ("s12_max_words", self.s12_max_words),
            ("s13_unverified_turns", self.s13_unverified_turns),
            ("s14_read_only_actions", self.s14_read_only_actions),
            ("s14_same_file_reads", self.s14_same_file_reads),
            ("s15_actions", self.s15_actions),
            ("s15_errors", self.s15_errors),
            ("s16_apologies", self.s16_apologies),
        ]
    }
}

impl Lexicon {
    /// (key, list) for every word list.
    #[must_use]
    pub fn named(&self) -> [(&'static str, &[String]); 7] {
        [
            ("corrections", &self.corrections),
            ("frustration", &self.frustration),
            ("continuations", &self.continuations),
            ("affirmations", &self.affirmations),
            ("apologies", &self.apologies),
            ("completion_claims", &self.completion_claims),
            ("verification_asks", &self.verification_asks),
        ]
    }
}

fn range_msg(v: f64, rule: &str) -> String {
    format!("'{v}' must be {rule}")
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The line where `key` is set inside `[section]`, found by a plain scan.
fn line_of_key(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = name.trim().to_owned();
        } else if current == section
            && t.split('=').next().is_some_and(|k| k.trim() == key)
            && t.contains('=')
        {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        assert!(Config::default().validate().is_empty());
    }

    #[test]
    fn the_example_file_is_exactly_the_defaults() {
        assert_eq!(Config::parse(EXAMPLE).unwrap(), Config::default());
    }

    #[test]
    fn a_missing_key_takes_its_default() {
        let c = Config::parse("[coach]\ncooldown_minutes = 5\n").unwrap();
        assert!((c.coach.cooldown_minutes - 5.0).abs() < f64::EPSILON);
        assert!(c.coach.nudges);
        assert_eq!(c.thresholds, Thresholds::default());
    }

    #[test]
    fn an_unknown_key_names_the_key_and_line() {
        let e = Config::parse("[coach]\ncooldown_minutes = 5\ncooldwn = 3\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("cooldwn"), "{e}");
        let e = Config::parse("[nope]\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("nope"), "{e}");
    }

    #[test]
    fn a_wrong_type_names_the_line() {
        let e = Config::parse("\n[thresholds]\ns4_error_streak = \"three\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().starts_with("line 3: "), "{e}");
    }

    #[test]
    fn out_of_range_values_name_the_key_line_and_rule() {
        let e = Config::parse("[risk]\nwatch = 0.5\nhigh = 0.3\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("[risk] high") && e.message.contains("above watch"),
            "{e}"
        );
        let e = Config::parse("[thresholds]\n\ns4_error_streak = 0\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = Config::parse("[lexicon]\ncorrections = [\"(unclosed\"]\n").unwrap_err();
        assert!(e.message.contains("not a valid regular expression"), "{e}");
    }

    #[test]
    fn the_keys_section_is_the_front_ends() {
        // Left unread by the core (the TUI checks it: tui::keys), but still a known section.
        assert!(Config::parse("[keys]\nquit = [\"hyper-q\"]\n").is_ok());
        let e = Config::parse("[kyes]\n").unwrap_err();
        assert!(
            e.message.contains("unknown field `kyes`") && e.message.contains("`keys`"),
            "{e}"
        );
    }
}
