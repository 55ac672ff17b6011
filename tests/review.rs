//! `ringside review`: a generated multi-week corpus with known counts gives exactly the expected
//! aggregates; the cache returns what a cold run returns, follows a file that grows and survives
//! a damaged entry; the summary agrees with `score --json`; the real corpus reviews without
//! error; snapshots of the screen and the markdown.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use common::review::{DAY, NOW, NOW_MS, recovered, summaries, summaries_of, window, write};
use common::transcript::Script;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::review::{NudgeFeedback, Review, SessionSummary, Window};
use ringside::report::types::ScoreReport;
use ringside::source::discover::{self, Roots};
use ringside::source::read;
use ringside::tui::review::{ReviewState, render};
use ringside::tui::theme::Theme;

const PROMPTS: [&str; 3] = [
    "add a parser case for empty input in src/parse.rs",
    "rename the config loader to Settings everywhere",
    "write the changelog entry for version two",
];

/// A healthy session: `prompts` prompts, each with 3 listings and one edit (4 actions, 2 lines).
fn clean(id: &str, cwd: &str, start: i64, prompts: u32) -> String {
    let mut s = Script::new(id, cwd, start);
    for p in 0..prompts {
        s.prompt(PROMPTS[p as usize % PROMPTS.len()]);
        for i in 0..3 {
            s.bash(&format!("ls src/dir{i}"), true);
        }
        s.edit(p + 1);
        s.say("I changed the file as described.");
    }
    s.text()
}

/// One prompt, three different failing builds (an error streak), nothing written, then silence.
fn abandoned(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start);
    s.prompt("make the release build work on arm");
    s.bash("cargo build --release", false);
    s.bash("cargo build --release --target aarch64", false);
    s.bash("cargo build --release --locked", false);
    s.say("The build still fails; I could not find the cause.");
    s.text()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    files: Vec<PathBuf>,
}

/// Window (the last 7 days before NOW): 3 clean sessions of 2 prompts in `app`, 2 abandoned in
/// `infra`, 1 recovered in `app`. Baseline (8–35 days back): 12 clean sessions of 1 prompt on
/// 12 different days and 1 abandoned. Older than the baseline: 2 clean sessions (ignored).
fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("claude");
    let home = tmp.path().join("home");
    let (app, infra) = ("/home/dev/app", "/home/dev/infra");
    let mut files = Vec::new();
    for i in 0..3 {
        let start = NOW_MS - (i + 1) * DAY;
        files.push(write(
            &root,
            app,
            &format!("wc{i}"),
            &clean(&format!("wc{i}"), app, start, 2),
        ));
    }
    for i in 0..2 {
        let start = NOW_MS - (i + 4) * DAY;
        files.push(write(
            &root,
            infra,
            &format!("wa{i}"),
            &abandoned(&format!("wa{i}"), infra, start),
        ));
    }
    files.push(write(
        &root,
        app,
        "wr0",
        &recovered("wr0", app, NOW_MS - 6 * DAY),
    ));
    for i in 0..12 {
        let start = NOW_MS - (8 + 2 * i) * DAY;
        files.push(write(
            &root,
            app,
            &format!("bc{i:02}"),
            &clean(&format!("bc{i:02}"), app, start, 1),
        ));
    }
    files.push(write(
        &root,
        infra,
        "ba0",
        &abandoned("ba0", infra, NOW_MS - 30 * DAY),
    ));
    for i in 0..2 {
        let start = NOW_MS - (40 + i) * DAY;
        files.push(write(
            &root,
            app,
            &format!("oc{i}"),
            &clean(&format!("oc{i}"), app, start, 3),
        ));
    }
    Fixture {
        _tmp: tmp,
        root,
        home,
        files,
    }
}

fn review_of(root: &Path) -> Review {
    let feedback = vec![
        NudgeFeedback {
            at: Millis(NOW_MS - DAY),
            signal: "S4".into(),
            helpful: true,
        },
        NudgeFeedback {
            at: Millis(NOW_MS - 2 * DAY),
            signal: "S4".into(),
            helpful: false,
        },
        NudgeFeedback {
            at: Millis(NOW_MS - 20 * DAY),
            signal: "S4".into(),
            helpful: false,
        },
    ];
    Review::build(&summaries(root), &window(), &feedback)
}

fn geomean(actions: &[u32]) -> f64 {
    let m = actions.iter().map(|a| f64::from(*a).ln_1p()).sum::<f64>() / actions.len() as f64;
    (m.exp_m1() * 100.0).round() / 100.0
}

#[test]
fn a_generated_month_gives_exactly_the_expected_aggregates() {
    let f = fixture();
    let r = review_of(&f.root);
    let w = &r.week;
    assert_eq!(w.sessions, 6);
    assert_eq!(w.prompts, 3 * 2 + 2 + 3);
    assert_eq!(w.actions, 3 * 2 * 4 + 3);
    assert_eq!(w.lines_added, 3 * 2 * 2 + 2);
    assert_eq!(
        w.output_tokens,
        3 * 2 * (4 * 30 + 20) + 2 * (3 * 30 + 20) + (6 * 30 + 3 * 20)
    );
    assert_eq!((w.trouble, w.recovered, w.abandoned), (3, 1, 2));
    assert_eq!(w.abandoned_share, Some(0.667));
    assert_eq!(
        w.actions_per_prompt_geomean,
        geomean(&[4, 4, 4, 4, 4, 4, 0, 0, 0, 2, 1])
    );
    let dist: Vec<(&str, u64)> = w
        .actions_distribution
        .iter()
        .map(|b| (b.actions, b.prompts))
        .collect();
    assert_eq!(
        dist,
        vec![
            ("0", 3),
            ("1-2", 2),
            ("3-5", 6),
            ("6-10", 0),
            ("11-20", 0),
            ("21-50", 0),
            ("51-100", 0),
            ("101+", 0)
        ]
    );
    let b = &r.baseline;
    assert_eq!((b.sessions, b.prompts, b.actions), (13, 13, 48));
    assert_eq!((b.trouble, b.abandoned), (1, 1));
    assert!(r.history.enough, "{:?}", r.history);
    assert_eq!(r.history.baseline_weeks, 4.0);

    // S4 (error streak) fired in every troubled session: 3 abandoned of 4 over the pool of 19,
    // against 3 abandoned of 19 overall.
    let s4 = r.signals.iter().find(|s| s.id == "S4").unwrap();
    assert_eq!((s4.sessions, s4.baseline_sessions), (3, 1));
    assert_eq!((s4.pool_sessions, s4.abandoned_after), (4, 3));
    assert_eq!(s4.lift, Some(4.75));
    assert_eq!(r.signals[0].id, "S4");

    let projects: Vec<(&str, u64, u64, u64)> = r
        .projects
        .iter()
        .map(|p| (p.key.as_str(), p.sessions, p.trouble, p.abandoned))
        .collect();
    assert_eq!(projects, vec![("app", 4, 1, 0), ("infra", 2, 2, 2)]);

    // Feedback inside the window only.
    let all = &r.nudges[0];
    assert_eq!(
        (all.signal.as_str(), all.dismissed, all.helpful),
        ("all", 1, 1)
    );

    // Days: from the baseline's first (partial) day to today, the last 8 touching the window;
    // prompts attributed by turn start.
    assert_eq!(r.days.len(), 36);
    assert_eq!(r.days.iter().filter(|d| d.in_window).count(), 8);
    assert_eq!(
        r.days
            .iter()
            .filter(|d| d.in_window)
            .map(|d| d.prompts)
            .sum::<u64>(),
        11
    );
    assert_eq!(r.days.iter().map(|d| d.sessions).sum::<u64>(), 19);
    assert_eq!(r.sessions.len(), 6);
    assert_eq!(r.try_this_week.len(), 3);
    assert!(
        r.try_this_week[0].starts_with("S4 (error streak)"),
        "{:?}",
        r.try_this_week
    );
}

#[test]
fn the_summary_agrees_with_score_json() {
    let f = fixture();
    let mut paths = f.files.clone();
    if let Some(c) = common::corpus() {
        paths.extend(common::claude_files(&c));
    }
    let rules = Rules::shared_default();
    for p in paths {
        let Ok(mut r) = read::read_session(&p, &discover::subagents_of(&p), &rules) else {
            continue;
        };
        r.engine.tick(Millis(NOW_MS), &r.session);
        let score = serde_json::to_value(ScoreReport::new(&r)).unwrap();
        let s = SessionSummary::new(
            &p.display().to_string(),
            r.bytes,
            &r.session,
            &r.engine,
            &r.stats,
            Millis(NOW_MS),
        );
        let j = &score["session"];
        let ctx = p.display().to_string();
        assert_eq!(j["prompts"], u64::from(s.prompts), "{ctx}");
        assert_eq!(j["actions"], s.actions, "{ctx}");
        assert_eq!(j["output_tokens"], s.output_tokens, "{ctx}");
        assert_eq!(j["lines_added"], s.lines_added, "{ctx}");
        assert_eq!(j["tier"], u64::from(s.tier), "{ctx}");
        assert_eq!(j["trouble"], s.trouble, "{ctx}");
        assert_eq!(j["abandoned_at"].is_null(), !s.abandoned, "{ctx}");
        assert_eq!(j["bytes"], s.bytes, "{ctx}");
        let count = |arr: &Value, key: &str| {
            let mut m = std::collections::BTreeMap::<String, u32>::new();
            for e in arr.as_array().unwrap() {
                *m.entry(e[key].as_str().unwrap().to_owned()).or_default() += 1;
            }
            m
        };
        assert_eq!(count(&j["nudges"], "signal"), s.nudges, "{ctx}");
        assert_eq!(count(&j["recoveries"], "id"), s.recoveries, "{ctx}");
        let fired: std::collections::BTreeMap<String, u32> = {
            let mut m = std::collections::BTreeMap::new();
            for t in score["turns"].as_array().unwrap() {
                for sig in t["signals"].as_array().unwrap() {
                    *m.entry(sig["id"].as_str().unwrap().to_owned()).or_default() += 1;
                }
            }
            m
        };
        assert_eq!(fired, s.signals, "{ctx}");
        let turn_actions: Vec<u64> = score["turns"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["preamble"].as_bool().unwrap())
            .map(|t| t["actions"].as_u64().unwrap())
            .collect();
        let mine: Vec<u64> = s.prompt_actions().map(u64::from).collect();
        assert_eq!(turn_actions, mine, "{ctx}");
    }
}

fn ringside(f: &Fixture) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("CLAUDE_CONFIG_DIR", &f.root)
        .env("RINGSIDE_HOME", &f.home)
        .env("TZ", "UTC")
        .args(["review", "--now", NOW]);
    c
}

fn json(c: &mut Command) -> Value {
    let out = c.args(["--format", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The last scan's line in ringside's log: "review: N sessions (M from cache, …".
fn from_cache(home: &Path) -> usize {
    let log = std::fs::read_to_string(home.join("data/ringside.log")).unwrap_or_default();
    let line = log.lines().rev().find(|l| l.contains("review: ")).unwrap();
    let after = line.split(" sessions (").nth(1).unwrap();
    after.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn the_cache_matches_a_cold_run_follows_growth_and_survives_damage() {
    let f = fixture();
    let cold = json(ringside(&f).arg("--no-cache"));
    assert_eq!(cold["week"]["sessions"], 6);
    assert!(!f.home.join("cache/review/summaries.jsonl").exists());

    let first = json(&mut ringside(&f));
    assert_eq!(first, cold);
    assert_eq!(from_cache(&f.home), 0);
    let warm = json(&mut ringside(&f));
    assert_eq!(warm, cold);
    assert_eq!(from_cache(&f.home), 21);

    // A file grows: only it is read again, and the review shows the new prompt.
    let grown = f.files.iter().find(|p| p.ends_with("wc0.jsonl")).unwrap();
    let mut s = Script::new("wc0", "/home/dev/app", NOW_MS - DAY + 3_600_000);
    s.prompt("one more thing: document the parser case");
    s.bash("ls docs", true);
    s.say("Documented.");
    let mut text = std::fs::read_to_string(grown).unwrap();
    text.push_str(&s.text());
    std::fs::write(grown, text).unwrap();
    let after = json(&mut ringside(&f));
    assert_eq!(from_cache(&f.home), 20);
    assert_eq!(
        after["week"]["prompts"],
        cold["week"]["prompts"].as_u64().unwrap() + 1
    );
    assert_eq!(after, json(ringside(&f).arg("--no-cache")));

    // A damaged entry is dropped and rebuilt, never fatal.
    let index = f.home.join("cache/review/summaries.jsonl");
    let text = std::fs::read_to_string(&index).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[3] = lines[3][..lines[3].len() / 2].to_owned();
    std::fs::write(&index, lines.join("\n") + "\n").unwrap();
    assert_eq!(json(&mut ringside(&f)), after);
    assert_eq!(from_cache(&f.home), 20);
    assert_eq!(json(&mut ringside(&f)), after);
    assert_eq!(from_cache(&f.home), 21);

    // Garbage for a header: everything rebuilt, still the same review.
    std::fs::write(&index, "not json\n").unwrap();
    assert_eq!(json(&mut ringside(&f)), after);
    assert_eq!(from_cache(&f.home), 0);

    // `cache clear` removes it, and says so; a second time there is nothing left.
    let clear = || {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("ringside"))
            .env("RINGSIDE_HOME", &f.home)
            .args(["cache", "clear"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(clear().starts_with("Cleared the review's session summaries in "));
    assert!(!index.exists());
    assert!(clear().starts_with("Nothing cached in "));
}

/// A folder named relative to where ringside runs is the same folder, with the same cache
/// entries, as its absolute name: the second run reads nothing again.
#[test]
fn a_relative_config_dir_shares_the_cache_with_its_absolute_name() {
    let f = fixture();
    let parent = f.root.parent().unwrap();
    let name = f.root.file_name().unwrap();
    let relative = json(
        ringside(&f)
            .current_dir(parent)
            .env("CLAUDE_CONFIG_DIR", name),
    );
    assert_eq!(from_cache(&f.home), 0);
    let absolute = json(&mut ringside(&f));
    assert_eq!(absolute, relative);
    assert_eq!(from_cache(&f.home), 21);
    let dotted = json(
        ringside(&f)
            .current_dir(parent)
            .env("CLAUDE_CONFIG_DIR", std::path::Path::new(".").join(name)),
    );
    assert_eq!(dotted, relative);
    assert_eq!(from_cache(&f.home), 21);
}

#[test]
fn markdown_and_project_filter_from_the_command_line() {
    let f = fixture();
    let out = ringside(&f)
        .args(["--format", "markdown", "--project", "/home/dev/infra"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| sessions | 2 |"), "{md}");
    assert!(!md.contains("w-clean"), "{md}");
}

#[test]
fn the_real_corpus_reviews_without_error() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // The corpus's session folders stand in for a projects/ folder.
    let roots = Roots {
        projects: vec![corpus.join("claude/real"), corpus.join("claude/handmade")],
        ..Roots::default()
    };
    let all = summaries_of(&roots);
    assert!(!all.is_empty());
    let w = Window {
        since: Millis(0),
        ..window()
    };
    let r = Review::build(&all, &w, &[]);
    assert_eq!(r.week.sessions as usize, all.len());
    let md = ringside::report::review::markdown(&r);
    assert!(!md.contains('\u{1b}'));
    let _ = tmp;
}

fn screen(
    r: Review,
    w: u16,
    h: u16,
    keys: &[ratatui::crossterm::event::KeyCode],
) -> Terminal<TestBackend> {
    let mut state = ReviewState::with_theme(r, Theme { color: false });
    for k in keys {
        state.on_key(
            *k,
            ratatui::crossterm::event::KeyModifiers::NONE,
            usize::from(h - 1),
        );
    }
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(f, &mut state)).unwrap();
    t
}

#[test]
fn snapshots_of_the_review_screen_and_markdown() {
    use ratatui::crossterm::event::KeyCode;
    let f = fixture();
    let r = review_of(&f.root);
    insta::assert_snapshot!(
        "review_top_100x40",
        screen(r.clone(), 100, 40, &[]).backend()
    );
    insta::assert_snapshot!(
        "review_sessions_100x30",
        screen(r.clone(), 100, 30, &[KeyCode::Tab, KeyCode::Tab]).backend()
    );
    insta::assert_snapshot!(
        "review_help_60x20",
        screen(r.clone(), 60, 20, &[KeyCode::Char('?')]).backend()
    );
    insta::assert_snapshot!("review_markdown", ringside::report::review::markdown(&r));
    let mut state = ReviewState::with_theme(r, Theme { color: false });
    state.on_key(
        KeyCode::Tab,
        ratatui::crossterm::event::KeyModifiers::NONE,
        20,
    );
    let picked = state.selected().unwrap().to_owned();
    assert_eq!(
        state.on_key(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
            20
        ),
        Some(ringside::tui::review::Exit::Open(picked))
    );
}

/// A month of two agents: Claude Code sessions (the clean ones above) and Codex rollouts (two
/// clean, one troubled and left, in the period; two in the baseline). The review counts them
/// together and apart: `by_agent`, each session's `agent`, the markdown's "By agent" table, and
/// `--agent` reads only one agent's sessions.
#[test]
fn a_generated_multi_agent_month_counts_each_agent_apart() {
    use common::rollout::{Rollout, thread_id};
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let claude = home.join(".claude");
    let codex = home.join(".codex");
    let app = "/home/dev/app";
    for i in 0..3 {
        let start = NOW_MS - (i + 1) * DAY;
        write(
            &claude,
            app,
            &format!("mc{i}"),
            &clean(&format!("mc{i}"), app, start, 2),
        );
    }
    let rollout = |n: u32, start: i64, trouble: bool| {
        let mut r = Rollout::new(&thread_id(n), app, start);
        r.prompt("add the empty-input case to src/parse.rs");
        r.exec("ls src", true);
        r.patch("src/parse.rs", n);
        if trouble {
            r.prompt("the build of the parser crate fails: make cargo build pass");
            for _ in 0..3 {
                r.exec("cargo build -p parser", false);
            }
            r.say("The build still fails; I could not find the cause.");
        } else {
            r.exec("cargo test -p parser", true);
            r.say("Done: the tests pass.");
        }
        r.end_turn();
        r.write(&codex, start);
    };
    for (n, days, trouble) in [
        (1, 1, false),
        (2, 2, false),
        (3, 3, true),
        (4, 10, false),
        (5, 20, false),
    ] {
        rollout(n, NOW_MS - days * DAY, trouble);
    }
    let roots = Roots {
        projects: vec![claude.join("projects")],
        codex: vec![codex.join("sessions")],
        ..Roots::default()
    };
    let summaries = summaries_of(&roots);
    assert_eq!(summaries.len(), 8);
    let r = Review::build(&summaries, &window(), &[]);
    assert_eq!(r.week.sessions, 6);
    let by_agent: Vec<(&str, u64, u64, u64, u64)> = r
        .by_agent
        .iter()
        .map(|g| {
            (
                g.key.as_str(),
                g.sessions,
                g.prompts,
                g.lines_added,
                g.trouble,
            )
        })
        .collect();
    assert_eq!(
        by_agent,
        vec![("claude-code", 3, 6, 12, 0), ("codex", 3, 4, 6, 1)],
        "each agent's sessions, prompts, lines (a patch adds two), trouble"
    );
    let codex_rows: Vec<&str> = r
        .sessions
        .iter()
        .filter(|s| s.agent == "codex")
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(codex_rows.len(), 3);
    assert!(codex_rows.contains(&thread_id(3).as_str()));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["by_agent"][1]["key"], "codex");
    assert_eq!(
        json["sessions"][0]["agent"].as_str().map(|a| a.len() > 3),
        Some(true)
    );

    // The command: markdown with the agents table; --agent reads one agent.
    let review = |extra: &[&str]| {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("ringside"))
            .env("HOME", &home)
            .env("RINGSIDE_HOME", tmp.path().join("rs"))
            .env_remove("CLAUDE_CONFIG_DIR")
            .env_remove("CODEX_HOME")
            .env("TZ", "UTC")
            .args(["review", "--now", NOW, "--no-cache"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let md = review(&["--format", "markdown"]);
    assert!(md.contains("## By agent"), "{md}");
    assert!(md.contains("| codex | 3 |"), "{md}");
    let only: Value =
        serde_json::from_str(&review(&["--format", "json", "--agent", "codex"])).unwrap();
    assert_eq!(only["week"]["sessions"], 3);
    assert_eq!(only["by_agent"].as_array().unwrap().len(), 1);
    assert_eq!(only["baseline"]["sessions"], 2);
}
