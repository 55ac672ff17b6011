//! The real corpus: every file parses, and the parser's counts agree with independent counts
//! computed here a different way (a second, simple pass over `serde_json::Value`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// Counts computed without the library: plain `Value`s and the rules of transcript-format.md.
#[derive(Debug, Default, PartialEq, Eq)]
struct Independent {
    tool_calls: u32,
    tool_errors: u32,
    model_calls: u32,
    output_tokens: u64,
}

fn independent(bytes: &[u8]) -> Independent {
    let mut calls = HashSet::new();
    let mut errored = HashSet::new();
    let mut answered = HashSet::new();
    let mut tokens: HashMap<String, u64> = HashMap::new();
    for line in bytes.split(|b| *b == b'\n') {
        let Ok(v) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        if v.get("isSidechain").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(content) = v.pointer("/message/content").and_then(Value::as_array) else {
            continue;
        };
        match kind {
            "assistant" => {
                let synthetic = v.pointer("/message/model").and_then(Value::as_str)
                    == Some("<synthetic>")
                    || v.get("isApiErrorMessage").and_then(Value::as_bool) == Some(true);
                if let (false, Some(id)) =
                    (synthetic, v.pointer("/message/id").and_then(Value::as_str))
                {
                    let out = v
                        .pointer("/message/usage/output_tokens")
                        .and_then(Value::as_u64)
                        .unwrap_or(0);
                    let e = tokens.entry(id.to_owned()).or_default();
                    *e = (*e).max(out);
                }
                for b in content {
                    if b.get("type").and_then(Value::as_str) == Some("tool_use")
                        && let Some(id) = b.get("id").and_then(Value::as_str)
                    {
                        calls.insert(id.to_owned());
                    }
                }
            }
            "user" => {
                for b in content {
                    if b.get("type").and_then(Value::as_str) != Some("tool_result") {
                        continue;
                    }
                    let Some(id) = b.get("tool_use_id").and_then(Value::as_str) else {
                        continue;
                    };
                    // Only the first result of a known call counts.
                    if calls.contains(id)
                        && answered.insert(id.to_owned())
                        && b.get("is_error").and_then(Value::as_bool) == Some(true)
                    {
                        errored.insert(id.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    Independent {
        tool_calls: calls.len() as u32,
        tool_errors: errored.len() as u32,
        model_calls: tokens.len() as u32,
        output_tokens: tokens.values().sum(),
    }
}

#[test]
fn every_corpus_file_parses_and_counts_agree_with_an_independent_pass() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::claude_files(&corpus);
    assert!(
        files.len() >= 15,
        "expected the whole corpus, found {}",
        files.len()
    );
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let p = common::pipeline_of(&bytes);
        let s = p.session();
        let t = &s.totals;
        let got = Independent {
            tool_calls: t.tool_calls,
            tool_errors: t.tool_errors,
            model_calls: t.model_calls,
            output_tokens: t.output_tokens,
        };
        assert_eq!(got, independent(&bytes), "{}", f.display());
        // Every line is accounted for: read, or skipped with a reason.
        let lines = bytecount_lines(&bytes);
        assert_eq!(p.stats().lines, lines, "{}", f.display());
    }
}

fn bytecount_lines(b: &[u8]) -> u64 {
    let n = b.iter().filter(|c| **c == b'\n').count() as u64;
    n + u64::from(!b.is_empty() && !b.ends_with(b"\n"))
}

/// Prompt counts checked by hand against each file (see the comments).
#[test]
fn human_prompts_in_the_real_sessions() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let cases: &[(&str, usize, &str)] = &[
        // 2 typed ("Implement spotter-gqc" l.5, "did you push?" l.1858) + 2 steering prompts that
        // exist only as queue-operation enqueues (l.497 "check again", l.603 "new beads…").
        // Task notifications queued at l.280 and l.520 are not the human.
        (common::AUTOCOMPACT, 4, "Implement spotter-gqc"),
        // "Work on bead…" l.7 and "continue implementation" l.1491; /compact (l.1484) is local,
        // the skill body at l.102 is isMeta, the summary at l.1482 is a compaction.
        (common::MANUAL_COMPACT, 2, "Work on bead spotter-4te"),
        // One prompt, then two rejected calls and an interrupt; /model is a local command.
        (
            "claude/real/spotter-2.1.38-short-reject-interrupt-slashcmd.jsonl",
            1,
            "mix phx.server",
        ),
        // "start phoenix…" l.4 and "scrolling back…" l.26; the queued "/mcp" is a command.
        (
            "claude/real/spotter-2.1.38-tool-heavy-interrupts.jsonl",
            2,
            "start phoenix",
        ),
        // /init at l.1 (1.0.17 wrote no expansion; the agent answered it) + 5 typed prompts.
        (
            "claude/real/sniffly-1.0.17-ai-music-short.jsonl",
            6,
            "/init",
        ),
        // The plugin command l.4 (expanded by the isMeta line after it) and "create the beads".
        (
            "claude/real/spotter-2.1.38-task-subagent-progress.jsonl",
            2,
            "/handgemacht:create-beads",
        ),
        // /orchestrator (expanded) and "Thanks! Please update CLAUDE.md…"; 405 sidechain lines
        // hold sub-agent instructions, never human prompts.
        (
            "claude/real/ccviewer-1.0.98-inline-sidechains-orchestrator.jsonl",
            2,
            "/orchestrator",
        ),
        ("claude/real/sniffly-1.0.17-summary-only-file.jsonl", 0, ""),
    ];
    for (file, prompts, first) in cases {
        let bytes = std::fs::read(corpus.join(file)).unwrap();
        let p = common::pipeline_of(&bytes);
        let s = p.session();
        assert_eq!(s.prompts(), *prompts, "{file}");
        if *prompts > 0 {
            let text = &s.turns.iter().find_map(|t| t.prompt.as_ref()).unwrap().text;
            assert!(text.starts_with(first), "{file}: first prompt {text:?}");
        }
    }
}

#[test]
fn the_long_sessions_match_their_documented_figures() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    // SOURCES.md: 152 API messages / 299 assistant lines / 186 tool calls; 7 tool errors,
    // 1 rejection, 1 interrupt for tool use; auto compaction.
    let s = common::pipeline_of(&std::fs::read(corpus.join(common::AUTOCOMPACT)).unwrap());
    let s = s.session();
    assert_eq!(
        (
            s.totals.tool_calls,
            s.totals.model_calls,
            s.totals.tool_errors
        ),
        (186, 152, 7)
    );
    assert_eq!((s.totals.rejections, s.totals.interrupts), (1, 1));
    assert_eq!(s.compactions.len(), 1);
    assert!(s.compactions[0].auto && s.compactions[0].pre_tokens == Some(167_094));
    assert_eq!(
        s.cwd.as_deref(),
        Some("/home/USER/projects/spotter-worktrees/spotter-gqc")
    );
    // SOURCES.md: 217 API messages and 242 tool calls; 12 tool errors; manual /compact.
    let s = common::pipeline_of(&std::fs::read(corpus.join(common::MANUAL_COMPACT)).unwrap());
    let s = s.session();
    assert_eq!(
        (
            s.totals.tool_calls,
            s.totals.model_calls,
            s.totals.tool_errors
        ),
        (242, 217, 12)
    );
    assert!(!s.compactions[0].auto);
    assert!(s.controls.iter().any(|c| c.command.starts_with("/compact")));
}

#[test]
fn sibling_cascade_is_one_failure_and_seven_cancellations() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let f = "claude/real/spotter-2.1.39-subagent-parallel-reads-sibling-error-cascade-agent-a2898e3.jsonl";
    let bytes = std::fs::read(corpus.join(f)).unwrap();
    let mut p = ringside::core::pipeline::Pipeline::for_agent("a2898e3");
    p.feed(&bytes);
    p.finish();
    let t = &p.session().subagents["a2898e3"].tally;
    assert_eq!((t.tool_errors, t.failed, t.cancelled), (8, 1, 7));
}

#[test]
fn reading_the_corpus_never_touches_it() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::claude_files(&corpus);
    let before: Vec<_> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    for f in &files {
        let subs = ringside::source::discover::subagents_of(f);
        let _ = ringside::source::read::read_session(f, &subs, &Default::default()).unwrap();
    }
    // `claude/real` is laid out like a `projects/` folder: one folder per project.
    let roots = ringside::source::discover::Roots {
        projects: vec![corpus.join("claude/real")],
        ..Default::default()
    };
    let found = ringside::source::discover::sessions(&roots);
    assert_eq!(found.len(), 2, "the two spotter session folders");
    assert!(found.iter().all(|s| s.subagents.len() == 2), "{found:?}");
    for (f, (bytes, mtime)) in files.iter().zip(before) {
        assert_eq!(std::fs::read(f).unwrap(), bytes, "{} changed", f.display());
        assert_eq!(
            std::fs::metadata(f).unwrap().modified().unwrap(),
            mtime,
            "{} mtime",
            f.display()
        );
    }
}

/// Every string in the corpus (prompts, agent text, tool output, in every agent's format).
fn corpus_strings(corpus: &std::path::Path) -> HashSet<String> {
    fn walk(v: &Value, out: &mut HashSet<String>) {
        match v {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            Value::Object(o) => o.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut files = Vec::new();
    let mut dirs = vec![corpus.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "jsonl" || e == "json") {
                files.push(p);
            }
        }
    }
    let mut out = HashSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                walk(&v, &mut out);
            }
        }
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            walk(&v, &mut out);
        }
    }
    out
}

/// The byte tests that rule a pattern out before it runs never change an answer: over every
/// string in the corpus, each pattern and each function agrees with running every pattern.
#[test]
fn prefilters_never_change_a_result_on_the_corpus() {
    use ringside::core::classify::intent;
    use ringside::core::engine::text::{self, unfiltered};
    let Some(corpus) = common::corpus() else {
        return;
    };
    let strings = corpus_strings(&corpus);
    assert!(strings.len() > 1000, "{}", strings.len());
    let (mut hits, mut non_ascii) = (0, 0);
    let defaults = ringside::core::config::Lexicon::default();
    let (full, lean) = (
        text::Lexicons::new(&defaults),
        text::Lexicons::one_call(&defaults),
    );
    for s in &strings {
        for (name, filtered, all) in unfiltered::each(s) {
            assert_eq!(filtered, all, "{name} on {s:?}");
            hits += usize::from(all);
        }
        non_ascii += usize::from(!s.is_ascii());
        assert_eq!(text::has_anchor(s), unfiltered::has_anchor(s), "{s:?}");
        assert_eq!(
            text::brings_information(s),
            unfiltered::brings_information(s),
            "{s:?}"
        );
        assert_eq!(text::is_question(s), unfiltered::is_question(s), "{s:?}");
        assert_eq!(
            text::content_words(s),
            unfiltered::content_words(s),
            "{s:?}"
        );
        assert_eq!(text::human_text(s), unfiltered::human_text(s), "{s:?}");
        assert_eq!(full.every_answer(s), lean.every_answer(s), "{s:?}");
        assert_eq!(text::word_count(s), s.split_whitespace().count(), "{s:?}");
        assert_eq!(
            intent::intent_with_words(s),
            intent::unfiltered::intent_with_words(s),
            "{s:?}"
        );
    }
    // Both answers occur, and text a word test cannot rule out is there too.
    assert!(hits > 100 && hits < strings.len() * 8, "{hits}");
    assert!(non_ascii > 10, "{non_ascii}");
}

/// The review's byte tests before its set-up and verification patterns never change an answer:
/// over every string in the corpus, each agrees with running its pattern.
#[test]
fn review_prefilters_never_change_a_result_on_the_corpus() {
    use ringside::core::review::lenses::{self, unfiltered};
    let Some(corpus) = common::corpus() else {
        return;
    };
    let strings = corpus_strings(&corpus);
    assert!(strings.len() > 1000, "{}", strings.len());
    let mut hits = 0;
    for s in &strings {
        for (name, filtered, all) in unfiltered::each(s) {
            assert_eq!(filtered, all, "{name} on {s:?}");
            hits += usize::from(all);
        }
        assert_eq!(lenses::is_specific(s), unfiltered::is_specific(s), "{s:?}");
    }
    assert!(hits > 100 && hits < strings.len() * 5, "{hits}");
}

/// The fast top-level reader (`record::fast_record`) on every line of every corpus transcript:
/// where it reads a line its record is serde's, and it reads nearly all of them.
#[test]
fn the_fast_reader_reads_every_corpus_line_as_serde_does() {
    use ringside::core::agents::claude::record::{Record, fast_record};
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (mut read, mut deferred, mut serde_only) = (0usize, 0usize, 0usize);
    for f in common::claude_files(&corpus) {
        let bytes = std::fs::read(&f).unwrap();
        for line in bytes.split(|&b| b == b'\n') {
            let Ok(text) = std::str::from_utf8(line) else {
                continue;
            };
            let serde = serde_json::from_str::<Record<'_>>(text)
                .ok()
                .map(|r| format!("{r:?}"));
            match fast_record(text).map(|r| format!("{r:?}")) {
                Some(fast) => {
                    assert_eq!(Some(&fast), serde.as_ref(), "{}: {text}", f.display());
                    read += 1;
                }
                None if serde.is_some() => serde_only += 1,
                None => deferred += 1,
            }
        }
    }
    println!("fast reader: {read} lines read, {serde_only} left to serde, {deferred} invalid");
    assert!(read > 1_000, "the corpus has thousands of lines: {read}");
    assert!(
        serde_only * 100 <= read,
        "the fast reader defers at most 1% of the lines serde reads: {serde_only} of {read}"
    );
}
