//! The review through the study's lenses: a generated five-week corpus with known stacks,
//! commits, PRs, passing tests, affirmations, corrections, specific prompts and parts of the
//! system around the model gives exactly the expected figures (worked out by hand below, never
//! copied from a run); the real corpus gives elixir, python and typescript rows.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::path::PathBuf;

use common::review::{DAY, NOW_MS, recovered, summaries, window, write};
use common::transcript::Script;
use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::review::{Outcomes, Review, SessionSummary, Window};
use ringside::source::discover::{self, SessionFile};
use ringside::source::scan;

fn start(days_back: i64) -> i64 {
    NOW_MS - days_back * DAY
}

/// Rust, this week: reads CLAUDE.md (project memory) and `src/cli.rs`, edits it, a passing
/// `cargo test`, a commit; then "thanks, now run the tests again" (an affirmation and a
/// verification ask) and another passing test. ringside's own hook reports: not the user's.
fn rust_commit(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/app", start(1));
    // Opens like an affirmation, but a first prompt affirms nothing.
    s.prompt("thanks in advance: add a --verbose flag to src/cli.rs; done when cargo test passes");
    s.hook("/usr/local/bin/ringside hook");
    s.read("/home/dev/app/CLAUDE.md");
    s.read("/home/dev/app/src/cli.rs");
    s.edit_path("/home/dev/app/src/cli.rs", 1);
    s.bash("cargo test", true);
    s.bash("git commit -am 'verbose flag'", true);
    s.say("Done: the flag is in and the tests pass.");
    s.prompt("thanks, now run the tests again");
    s.bash("cargo test", true);
    s.say("All green.");
    s.text()
}

/// Elixir, this week: "fix it", three failing `mix test` runs, nothing written, then silence.
fn elixir_abandoned(id: &str, days_back: i64) -> String {
    let mut s = Script::new(id, "/home/dev/phx", start(days_back));
    s.prompt("fix it");
    s.bash("mix test", false);
    s.bash("mix test test/page_test.exs", false);
    s.bash("mix test --failed", false);
    s.say("The tests still fail; I could not find the cause.");
    s.text()
}

/// Elixir, this week: trouble, then "no, the error is in lib/app/page.ex…" (a correction and a
/// specific prompt), an edit and a passing `mix test`, then one more clean prompt.
fn elixir_recovered(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/phx", start(4));
    s.prompt("the page crashes");
    s.bash("mix test", false);
    s.bash("mix test test/page_test.exs", false);
    s.bash("mix test --failed", false);
    s.say("Still failing.");
    s.prompt("no, the error is in lib/app/page.ex: use Map.get there");
    s.edit_path("/home/dev/phx/lib/app/page.ex", 3);
    s.bash("mix test", true);
    s.say("Fixed: the tests pass.");
    s.prompt("now list the modules");
    s.bash("ls lib", true);
    s.say("Here they are.");
    s.text()
}

/// Python, this week: a custom slash command, a passing `pytest`, a failed then a successful
/// `gh pr create`; the user's own hook reports.
fn python_pr(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/ml", start(5));
    s.command(
        "ship-pr",
        "Run the tests, then open a pull request for this branch.",
    );
    s.hook("~/.claude/hooks/format.sh");
    s.bash("pytest -q", true);
    s.bash("gh pr create --fill --base nope", false);
    s.bash("gh pr create --fill", true);
    s.say("Opened the pull request.");
    s.text()
}

/// TypeScript, this week: a prompt in plan mode, a read and a new file, `npm run build`; then
/// "looks good" (an affirmation). Claude Code's internal callback hook reports: not the user's.
fn typescript_plan(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/web", start(6));
    s.prompt_in("plan the settings page", "plan");
    s.hook("callback");
    s.read("/home/dev/web/src/App.tsx");
    s.write("/home/dev/web/src/Settings.tsx");
    s.bash("npm run build", true);
    s.say("The settings page is in place.");
    s.prompt("looks good");
    s.say("Glad to hear it.");
    s.text()
}

/// Rust, baseline: one specific prompt, an edit, a passing `cargo test`.
fn rust_clean(id: &str, days_back: i64) -> String {
    let mut s = Script::new(id, "/home/dev/app", start(days_back));
    s.prompt("update the retry count in src/net.rs");
    s.edit(1);
    s.bash("cargo test", true);
    s.say("Updated.");
    s.text()
}

/// Python, baseline: a specific question, two reads.
fn python_read(id: &str, days_back: i64) -> String {
    let mut s = Script::new(id, "/home/dev/ml", start(days_back));
    // Opens like a correction, but a first prompt corrects nothing.
    s.prompt("no rush: explain how src/model.py loads the weights");
    s.read("/home/dev/ml/src/model.py");
    s.read("/home/dev/ml/src/data.py");
    s.say("It memory-maps them.");
    s.text()
}

/// Headless (`claude -p`: `entrypoint` `sdk-cli`), this week: a passing test and a commit.
/// Counted apart, in no other figure.
fn headless(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/app", start(2) + 3_600_000)
        .with_fields(r#""entrypoint":"sdk-cli""#);
    s.prompt("bump the version in Cargo.toml and commit");
    s.edit_path("/home/dev/app/Cargo.toml", 2);
    s.bash("cargo test", true);
    s.bash("git commit -am bump", true);
    s.say("Bumped and committed.");
    s.text()
}

/// The same front end as the others (`cli`), said out loud: counted like any session.
fn cli_named(id: &str) -> String {
    let mut s = Script::new(id, "/home/dev/app", start(1)).with_fields(r#""entrypoint":"cli""#);
    s.prompt("update the retry count in src/net.rs");
    s.edit(1);
    s.bash("cargo test", true);
    s.say("Updated.");
    s.text()
}

struct Corpus {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

/// This week (7 days back from NOW): `w-rust`, `w-ex-ab1`, `w-ex-ab2`, `w-ex-rec`, `w-py`,
/// `w-ts`, and `w-headless` (counted apart). Baseline (4 weeks before that): 8 clean Rust sessions (two per week), 3 recovered
/// Rust sessions (weeks 2–4), one Python read (week 1), each on its own day.
fn corpus() -> Corpus {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("claude");
    write(&root, "/home/dev/app", "w-rust", &rust_commit("w-rust"));
    write(
        &root,
        "/home/dev/phx",
        "w-ex-ab1",
        &elixir_abandoned("w-ex-ab1", 2),
    );
    write(
        &root,
        "/home/dev/phx",
        "w-ex-ab2",
        &elixir_abandoned("w-ex-ab2", 3),
    );
    write(
        &root,
        "/home/dev/phx",
        "w-ex-rec",
        &elixir_recovered("w-ex-rec"),
    );
    write(&root, "/home/dev/ml", "w-py", &python_pr("w-py"));
    write(&root, "/home/dev/web", "w-ts", &typescript_plan("w-ts"));
    for (i, d) in [10, 11, 17, 18, 24, 25, 31, 32].into_iter().enumerate() {
        let id = format!("b-clean{i}");
        write(&root, "/home/dev/app", &id, &rust_clean(&id, d));
    }
    for (i, d) in [9, 16, 23].into_iter().enumerate() {
        let id = format!("b-rec{i}");
        write(
            &root,
            "/home/dev/app",
            &id,
            &recovered(&id, "/home/dev/app", start(d)),
        );
    }
    write(&root, "/home/dev/ml", "b-py", &python_read("b-py", 30));
    write(
        &root,
        "/home/dev/app",
        "w-headless",
        &headless("w-headless"),
    );
    Corpus { _tmp: tmp, root }
}

fn outcomes(sessions: u64, trouble: u64, abandoned: u64, hard: u64) -> Outcomes {
    let share = |n: u64, d: u64| (d > 0).then(|| (n as f64 / d as f64 * 1000.0).round() / 1000.0);
    Outcomes {
        sessions,
        trouble,
        abandoned,
        abandoned_share: share(abandoned, trouble),
        hard_signal: hard,
        hard_signal_share: share(hard, sessions),
    }
}

fn summary<'a>(all: &'a [SessionSummary], id: &str) -> &'a SessionSummary {
    all.iter().find(|s| s.id == id).unwrap()
}

#[test]
fn each_session_gives_its_known_lens_counts() {
    let c = corpus();
    let all = summaries(&c.root);
    assert_eq!(all.len(), 19);
    assert!(summary(&all, "w-headless").lenses.headless);
    assert!(!summary(&all, "w-rust").lenses.headless);

    let l = &summary(&all, "w-rust").lenses;
    assert_eq!(
        (l.commits, l.prs, l.tests_passed, l.affirmations),
        (1, 0, 2, 1)
    );
    assert_eq!(
        (l.prompts, l.specific, l.verification, l.corrections),
        (2, 1, 1, 0)
    );
    // Two reads, an edit and two cargo runs are Rust evidence; CLAUDE.md and git are not.
    let stacks: Vec<(&str, u32)> = l.stacks.iter().map(|(s, n)| (s.label(), *n)).collect();
    assert_eq!(stacks, vec![("rust", 4)]);
    assert_eq!(
        (l.memory, l.skills, l.commands, l.hooks, l.plan_mode),
        (1, 0, 0, false, 0)
    );

    let l = &summary(&all, "w-ex-rec").lenses;
    assert_eq!((l.prompts, l.specific, l.corrections), (3, 1, 1));
    assert_eq!((l.tests_passed, l.affirmations), (1, 0));
    let ex = summary(&all, "w-ex-rec");
    assert!(ex.trouble && ex.recovered && !ex.abandoned);
    for id in ["w-ex-ab1", "w-ex-ab2"] {
        let s = summary(&all, id);
        assert!(s.trouble && s.abandoned, "{id}");
        assert!(!s.lenses.hard_signal(), "{id}");
    }

    // The slash command is a prompt but not a typed one; the failed `gh pr create` is no PR.
    let py = summary(&all, "w-py");
    assert_eq!(py.prompts, 1);
    let l = &py.lenses;
    assert_eq!((l.prompts, l.commands, l.prs, l.tests_passed), (0, 1, 1, 1));
    assert!(l.hooks);

    let l = &summary(&all, "w-ts").lenses;
    assert_eq!((l.plan_mode, l.affirmations, l.specific), (1, 1, 0));
    assert!(
        !l.hooks,
        "Claude Code's internal callback is not the user's hook"
    );
    let stacks: Vec<(&str, u32)> = l.stacks.iter().map(|(s, n)| (s.label(), *n)).collect();
    assert_eq!(stacks, vec![("typescript", 3)]);

    let l = &summary(&all, "b-rec0").lenses;
    assert!(!l.hard_signal(), "a passing build is not a hard signal");
    assert_eq!((l.prompts, l.specific), (3, 1));
}

#[test]
fn a_generated_five_weeks_give_exactly_the_expected_lens_figures() {
    let c = corpus();
    let r = Review::build(&summaries(&c.root), &window(), &[]);
    let (w, b) = (&r.week, &r.baseline);
    assert_eq!((w.sessions, b.sessions), (6, 12));
    assert!(r.history.enough, "{:?}", r.history);
    // The headless session is counted apart and in nothing else (its commit and passing test
    // are in no hard-signal figure, its Rust in no stack row, it is not listed).
    assert_eq!(
        (w.headless.sessions, w.headless.prompts, w.headless.actions),
        (1, 1, 3)
    );
    assert_eq!(b.headless.sessions, 0);
    assert!(r.sessions.iter().all(|s| s.id != "w-headless"));
    assert_eq!(r.days.iter().map(|d| d.sessions).sum::<u64>(), 18);

    // Hard signals: w-rust (commit, tests, yes), w-ex-rec (test), w-py (test, PR), w-ts (yes).
    assert_eq!((w.hard_signal, w.hard_signal_share), (4, Some(0.667)));
    let k = &w.hard_signals;
    assert_eq!((k.commit, k.pr, k.test_passed, k.affirmation), (1, 1, 3, 2));
    // Baseline: the 8 clean Rust sessions' passing tests.
    assert_eq!((b.hard_signal, b.hard_signal_share), (8, Some(0.667)));
    assert_eq!(b.hard_signals.test_passed, 8);

    // Behaviours: 9 typed prompts this week (2+1+1+3+0+2), 2 specific (w-rust's first,
    // w-ex-rec's second), 1 verification ask, 1 correction over 6 sessions.
    let h = &w.behaviours;
    assert_eq!(
        (h.prompts, h.specific, h.verification, h.corrections),
        (9, 2, 1, 1)
    );
    assert_eq!(
        (
            h.specific_share,
            h.verification_share,
            h.corrections_per_session
        ),
        (Some(0.222), Some(0.111), Some(0.17))
    );
    // Baseline: 3×3 + 8 + 1 = 18 prompts, 3 + 8 + 1 specific.
    let h = &b.behaviours;
    assert_eq!(
        (h.prompts, h.specific, h.verification, h.corrections),
        (18, 12, 0, 0)
    );

    // Work mix: build (w-rust, w-ts), fix (w-ex-rec), understand (the two abandoned elixir
    // sessions ran only checks), operate (w-py: a PR and no edits).
    let mix: Vec<(&str, u64, Option<f64>)> = w
        .work_mix
        .iter()
        .map(|m| (m.mode.as_str(), m.sessions, m.share))
        .collect();
    assert_eq!(
        mix,
        vec![
            ("build", 2, Some(0.333)),
            ("fix", 1, Some(0.167)),
            ("understand", 2, Some(0.333)),
            ("operate", 1, Some(0.167)),
        ]
    );
    // The trend: the four baseline weeks (oldest first), then this week.
    let trend: Vec<(u64, Vec<u64>)> = r
        .work_mix_trend
        .iter()
        .map(|t| (t.sessions, t.mix.iter().map(|m| m.sessions).collect()))
        .collect();
    assert_eq!(
        trend,
        vec![
            (3, vec![2, 0, 1, 0]),
            (3, vec![2, 1, 0, 0]),
            (3, vec![2, 1, 0, 0]),
            (3, vec![2, 1, 0, 0]),
            (6, vec![2, 1, 2, 1]),
        ]
    );
    assert_eq!(r.work_mix_trend[0].since, Millis(NOW_MS - 35 * DAY));
    assert_eq!(r.work_mix_trend[3].until, Millis(NOW_MS - 7 * DAY));
    assert!(r.work_mix_trend[4].in_window && !r.work_mix_trend[3].in_window);
    let modes: Vec<&str> = r.work_mix_trend[0]
        .mix
        .iter()
        .map(|m| m.mode.as_str())
        .collect();
    assert_eq!(modes, vec!["build", "fix", "understand", "operate"]);

    // The system around the model: memory (w-rust), a command and a hook (w-py), plan mode
    // (w-ts); the other three (the elixir sessions) had none of it.
    let a = &w.around_model;
    assert_eq!((a.sessions, a.share), (3, Some(0.5)));
    assert_eq!(
        (a.memory, a.skills, a.commands, a.hooks, a.plan_mode),
        (1, 0, 1, 1, 1)
    );
    assert_eq!(a.with, outcomes(3, 0, 0, 3));
    assert_eq!(a.without, outcomes(3, 3, 2, 1));
    assert_eq!(b.around_model.sessions, 0);
    assert_eq!(b.around_model.without, outcomes(12, 3, 0, 8));

    // By stack: most sessions first, then by name.
    let rows: Vec<(&str, u64, u64, u64)> = r
        .by_stack
        .iter()
        .map(|s| (s.stack, s.sessions, s.prompts, s.actions))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("elixir", 3, 5, 3),
            ("python", 1, 1, 2),
            ("rust", 1, 2, 6),
            ("typescript", 1, 2, 3),
        ]
    );
    let ex = &r.by_stack[0];
    assert_eq!(ex.actions_per_prompt, 0.6);
    // Per-prompt actions 0, 0, 0, 2, 1: exp(mean(ln(1+a))) − 1.
    let g = ((3f64.ln() + 2f64.ln()) / 5.0).exp_m1();
    assert_eq!(ex.actions_per_prompt_geomean, (g * 100.0).round() / 100.0);
    assert_eq!((ex.trouble, ex.recovered, ex.abandoned), (3, 1, 2));
    assert_eq!(
        (ex.recovered_share, ex.abandoned_share, ex.hard_signal_share),
        (Some(0.333), Some(0.667), Some(0.333))
    );
    // Over five weeks elixir is only this week's three; elsewhere is the other 15 sessions
    // (3 troubled Rust sessions, none abandoned; 11 with a hard signal).
    assert_eq!(ex.five_weeks, outcomes(3, 3, 2, 1));
    assert_eq!(ex.elsewhere, outcomes(15, 3, 0, 11));
    assert_eq!(
        ex.note.as_deref(),
        Some(
            "In elixir sessions you abandoned 2 of 3 troubled sessions over five weeks, against 0 of 3 elsewhere: plan first there (plan mode, Shift+Tab) and agree the approach before any edits."
        )
    );
    let rust = r.by_stack.iter().find(|s| s.stack == "rust").unwrap();
    assert_eq!(
        (rust.actions_per_prompt, rust.hard_signal_share),
        (3.0, Some(1.0))
    );
    assert_eq!(rust.five_weeks, outcomes(12, 3, 0, 9));
    assert_eq!(rust.elsewhere, outcomes(6, 3, 2, 3));
    // Rust differs from the rest, but for the better: no note.
    assert_eq!(rust.note, None);
    let py = r.by_stack.iter().find(|s| s.stack == "python").unwrap();
    assert_eq!(py.five_weeks, outcomes(2, 0, 0, 1));
    assert_eq!(py.note, None, "too few sessions to say anything");

    // Per session.
    let s = r.sessions.iter().find(|s| s.id == "w-py").unwrap();
    assert!(s.hard_signal);
    assert_eq!(s.stacks, vec!["python"]);
    assert_eq!(s.around_model, vec!["commands", "hooks"]);
    let s = r.sessions.iter().find(|s| s.id == "w-ex-ab1").unwrap();
    assert!(!s.hard_signal && s.around_model.is_empty());

    // Try this week: in troubled sessions 4 of 14 typed prompts were specific (w-ex-rec 1, the
    // recovered Rust sessions 3), against 10 of 13 in the others. Verification asks are rare
    // everywhere (0 of 14 against 1 of 13): no line. Around the model: only 3 sessions with it,
    // too few to compare: no line.
    let specific = "In your sessions that hit trouble, 4 of 14 prompts named a file, an identifier, a constraint or what done looks like, against 10 of 13 in the others (five weeks): open the next task with the file, the constraint and how you'll check it.";
    assert!(
        r.try_this_week.iter().any(|t| t == specific),
        "{:#?}",
        r.try_this_week
    );
    assert!(
        !r.try_this_week
            .iter()
            .any(|t| t.contains("asked for a check"))
    );
    assert!(
        !r.try_this_week
            .iter()
            .any(|t| t.contains("around the model"))
    );
    for t in &r.try_this_week {
        assert!(!t.to_lowercase().contains("novice"), "{t}");
    }
}

/// Over five weeks, sessions with project memory mostly end with a commit; those without
/// mostly do not: the line names it. With the difference gone, there is no line.
#[test]
fn the_system_around_the_model_gets_a_line_only_where_sessions_without_it_fare_clearly_worse() {
    let build = |without_commits: usize| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("claude");
        for i in 0..6 {
            let id = format!("with{i}");
            let mut s = Script::new(&id, "/home/dev/app", start(2 + i as i64 * 5));
            s.prompt("add the retry option to src/net.rs");
            s.read("/home/dev/app/CLAUDE.md");
            s.edit(1);
            s.bash("git commit -am retry", true);
            s.say("Committed.");
            write(&root, "/home/dev/app", &id, &s.text());
        }
        for i in 0..6 {
            let id = format!("without{i}");
            let mut s = Script::new(&id, "/home/dev/lib", start(3 + i as i64 * 5));
            s.prompt("add the retry option to src/net.rs");
            s.edit(1);
            if i < without_commits {
                s.bash("git commit -am retry", true);
            }
            s.say("Done.");
            write(&root, "/home/dev/lib", &id, &s.text());
        }
        let r = Review::build(&summaries(&root), &window(), &[]);
        drop(tmp);
        r
    };
    let r = build(1);
    let line = "Sessions with project memory (CLAUDE.md, AGENTS.md) or other help around the model ended with a hard signal 6 of 6 times over five weeks, against 1 of 6 without any: give the projects without one a CLAUDE.md that says how to build, test and check the work.";
    assert!(
        r.try_this_week.iter().any(|t| t == line),
        "{:#?}",
        r.try_this_week
    );
    // 6 of 6 against 5 of 6: not clearly worse.
    let r = build(5);
    assert!(
        !r.try_this_week
            .iter()
            .any(|t| t.contains("around the model")),
        "{:#?}",
        r.try_this_week
    );
}

/// The same figures in all three formats: the JSON fields, the markdown tables, the screen.
#[test]
fn json_markdown_and_the_screen_show_the_lenses() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let c = corpus();
    let r = Review::build(&summaries(&c.root), &window(), &[]);
    let note = r.by_stack[0].note.clone().unwrap();

    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["schema"], 1);
    assert_eq!(j["week"]["hard_signal_share"], 0.667);
    assert_eq!(j["baseline"]["hard_signal_share"], 0.667);
    assert_eq!(j["week"]["behaviours"]["specific"], 2);
    assert_eq!(j["week"]["around_model"]["without"]["abandoned"], 2);
    assert_eq!(j["week"]["headless"]["sessions"], 1);
    assert_eq!(j["week"]["work_mix"][0]["mode"], "build");
    assert_eq!(j["work_mix_trend"].as_array().unwrap().len(), 5);
    assert_eq!(j["by_stack"][0]["stack"], "elixir");
    assert_eq!(j["by_stack"][0]["elsewhere"]["sessions"], 15);
    assert_eq!(j["by_stack"][0]["note"], note.as_str());
    let s = j["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "w-rust")
        .unwrap();
    assert_eq!(s["hard_signal"], true);
    assert_eq!(s["stacks"], serde_json::json!(["rust"]));
    assert_eq!(s["around_model"], serde_json::json!(["memory"]));

    let md = ringside::report::review::markdown(&r);
    for want in [
        "## Hard signals",
        "| sessions with a hard signal present | 4 of 6 (67%) | 67% |",
        "## By stack",
        "| elixir | 3 | 5 | 0.4 | 3 | 33% | 67% | 33% |",
        "## Work mix",
        "| fix | · | 33% | 33% | 33% | 17% |",
        "## Three behaviours",
        "| prompts that set up the task specifically | 2 of 9 (22%) | 67% |",
        "## The system around the model",
        "| without | 3 | 33% | 3 | 67% |",
        "## Headless and SDK sessions",
        "| sessions | 1 | 0 |",
    ] {
        assert!(md.contains(want), "{want}\n{md}");
    }
    assert!(md.contains(&format!("- {note}")), "{md}");

    let mut state = ringside::tui::review::ReviewState::with_theme(
        r,
        ringside::tui::theme::Theme { color: false },
    );
    let mut t = Terminal::new(TestBackend::new(120, 400)).unwrap();
    t.draw(|f| ringside::tui::review::render(f, &mut state))
        .unwrap();
    let screen: String = t
        .backend()
        .buffer()
        .content()
        .chunks(120)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    for want in [
        "Hard signals",
        "By stack",
        "Work mix",
        "Three behaviours",
        "Headless and SDK sessions",
    ] {
        assert!(screen.contains(want), "{want}\n{screen}");
    }
    assert!(
        screen.contains("▸ In elixir sessions you abandoned 2 of 3"),
        "{screen}"
    );
    assert!(screen.contains("4 of 6 (67%)"), "{screen}");
}

#[test]
fn a_session_that_names_the_cli_front_end_is_counted_like_any_other() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("claude");
    write(&root, "/home/dev/app", "cli", &cli_named("cli"));
    write(&root, "/home/dev/app", "hl", &headless("hl"));
    let all = summaries(&root);
    assert!(!summary(&all, "cli").lenses.headless);
    let r = Review::build(&all, &window(), &[]);
    assert_eq!((r.week.sessions, r.week.headless.sessions), (1, 1));
    // One hard signal (the cli session's passing test), one commit-free session listed.
    assert_eq!((r.week.hard_signal, r.week.hard_signals.commit), (1, 0));
    assert_eq!(r.sessions.len(), 1);
}

#[test]
fn the_real_corpus_has_elixir_python_and_typescript_rows() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let now = Millis(NOW_MS);
    let mut all = Vec::new();
    for p in common::claude_files(&corpus) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("agent-") || p.components().any(|c| c.as_os_str() == "subagents") {
            continue;
        }
        let f = SessionFile {
            id: name,
            path: p.clone(),
            size: 0,
            modified: None,
            subagents: discover::subagents_of(&p),
            format: discover::format_of_file(&p),
        };
        all.push(scan::summarize(&f, &Rules::shared_default(), now).unwrap());
    }
    let w = Window {
        since: Millis(0),
        ..window()
    };
    let r = Review::build(&all, &w, &[]);
    let stacks: Vec<&str> = r.by_stack.iter().map(|s| s.stack).collect();
    for want in ["elixir", "python", "typescript"] {
        assert!(stacks.contains(&want), "{stacks:?}");
    }
    for s in &r.by_stack {
        eprintln!(
            "corpus by_stack: {} sessions={} prompts={} actions/prompt={} geomean={} trouble={} recovered={:?} abandoned={:?} hard_signal={:?} note={:?}",
            s.stack,
            s.sessions,
            s.prompts,
            s.actions_per_prompt,
            s.actions_per_prompt_geomean,
            s.trouble,
            s.recovered_share,
            s.abandoned_share,
            s.hard_signal_share,
            s.note
        );
    }
    let w = &r.week;
    eprintln!(
        "corpus week: sessions={} hard_signal={} ({:?}) {:?} behaviours={:?} around={}/{:?} mix={:?}",
        w.sessions,
        w.hard_signal,
        w.hard_signal_share,
        w.hard_signals,
        w.behaviours,
        w.around_model.sessions,
        (
            w.around_model.memory,
            w.around_model.skills,
            w.around_model.commands,
            w.around_model.hooks,
            w.around_model.plan_mode
        ),
        w.work_mix
            .iter()
            .map(|m| (m.mode.as_str(), m.sessions))
            .collect::<Vec<_>>()
    );
    // The Elixir sessions are the spotter ones: they commit and pass `mix test`.
    let ex = r.by_stack.iter().find(|s| s.stack == "elixir").unwrap();
    assert!(ex.hard_signal >= 2, "{ex:?}");
}

fn screen_lines(r: Review, w: u16, h: u16) -> Vec<String> {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut state = ringside::tui::review::ReviewState::with_theme(
        r,
        ringside::tui::theme::Theme { color: false },
    );
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ringside::tui::review::render(f, &mut state))
        .unwrap();
    t.backend()
        .buffer()
        .content()
        .chunks(usize::from(w))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect()
}

/// At 50 columns the labels give way and every figure stays whole; a window that is not a week
/// is "this period".
#[test]
fn the_lens_tables_fit_fifty_columns_and_name_the_period() {
    let c = corpus();
    let all = summaries(&c.root);
    let lines = screen_lines(Review::build(&all, &window(), &[]), 50, 400);
    // The last line that starts so (the work modes table above has an "understand" row too).
    let row = |start: &str| {
        lines
            .iter()
            .rfind(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{start}\n{}", lines.join("\n")))
            .trim_end()
            .to_owned()
    };
    // Tables that fit beside a 10-column label: cut labels, whole figures.
    for (start, end) in [
        ("sessions with a ha…", "4 of 6 (67%)              67%"),
        ("prompts that set up", "2 of 9 (22%)       67%"),
        ("understand", "33%      ·      ·      ·        33%"),
    ] {
        let r = row(start);
        assert!(r.ends_with(end), "{r:?} should end with {end:?}");
    }
    // Wider ones: each row as lines of whole "figure header" pairs.
    let at = lines
        .iter()
        .rposition(|l| l.starts_with("elixir:"))
        .unwrap();
    let elixir: Vec<&str> = lines[at..at + 3].iter().map(|l| l.trim_end()).collect();
    assert_eq!(
        elixir,
        vec![
            "elixir: 3 sessions · 5 prompts",
            "  0.4 actions/prompt · 3 trouble · 33% recovered",
            "  67% abandoned · 33% hard signal",
        ]
    );
    assert!(row("python:").starts_with("python: 1 session · 1 prompt"));
    assert!(row("without:").starts_with("without: 3 sessions · 33% hard signal"));
    for l in &lines {
        assert!(ringside::core::sanitize::width(l.trim_end()) <= 50, "{l}");
    }
    let two_weeks = Window {
        since: Millis(NOW_MS - 14 * DAY),
        ..window()
    };
    let md = ringside::report::review::markdown(&Review::build(&all, &two_weeks, &[]));
    assert!(md.contains("|  | this period | baseline / week |"), "{md}");
    let lenses = &md[md.find("## Hard signals").unwrap()..md.find("## Sessions").unwrap()];
    assert!(!lenses.contains("this week"), "{lenses}");
    assert!(
        lenses.contains("| mode | 01-16 | 01-23 | 01-30 | this period |"),
        "{lenses}"
    );
}
