//! Scenarios run with `claude -p` (and `-p --continue`): each scripted reply becomes real
//! transcript lines written by the client, which ringside then scores.

use serde_json::Value;

use super::harness::{self, Harness};
use super::scenarios::{self, *};
use super::truth::{self, assert_matches_server};

fn dump(score: &Value) {
    if std::env::var_os("RINGSIDE_E2E_DUMP").is_some() {
        eprintln!("{}", serde_json::to_string_pretty(score).unwrap());
    }
}

#[test]
fn a_failing_check_loop_then_a_reframe_recovers() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let h = Harness::new("check-loop", claude, scenarios::check_loop);
    h.headless(LOOP_PROMPT, false);
    h.headless(REFRAME_PROMPT, true);
    h.save();
    let file = h.transcript();
    let score = h.score(&file);
    truth::assert_matches_client_cost(&Harness::lines(&file), &score);
    dump(&score);
    let lines = Harness::lines(&file);
    h.server.log(|log| {
        assert_matches_server(log, &score, &[&["loop"], &["reframe"]]);
        let turns = score["turns"].as_array().unwrap();
        let (t1, t2) = (&turns[0], &turns[1]);
        // Defect 1: a headless prompt is typed, and its turn starts at the `user` record.
        for (t, p) in [(t1, LOOP_PROMPT), (t2, REFRAME_PROMPT)] {
            assert_eq!(t["source"], "typed", "{t}");
            assert_eq!(t["line"], truth::prompt_line(&lines, p));
        }
        assert_eq!(score["session"]["entry_point"], "headless");
        // Four failing runs of make test, then a passing one after the reframe.
        let fails = truth::checks_of(log, "loop", "Bash");
        assert_eq!(fails.iter().filter(|(_, f)| *f).count(), 4, "{fails:?}");
        assert_eq!(t1["checks_failed"], 4);
        let pass = truth::checks_of(log, "reframe", "Bash");
        assert_eq!(pass.len(), 1);
        assert!(!pass[0].1, "the reframed fix passes");
        assert_eq!(t2["checks_run"], 1);
        assert_eq!(t2["checks_failed"], 0);
        // S5 fires at the second failing run with the same failure and no diagnosis between
        // (the same gate failing again for the same reasons); its nudge is shown there.
        let second = truth::result_line(&lines, &fails[1].0);
        assert!(
            truth::signals(t1).contains(&("S5".into(), second)),
            "S5 at line {second}: {:?}",
            truth::signals(t1)
        );
        let nudges = score["session"]["nudges"].as_array().unwrap();
        assert_eq!(nudges[0]["signal"], "S5", "{nudges:?}");
        assert_eq!(nudges[0]["at_line"], second);
        assert_eq!(nudges[0]["turn"], 1);
        // The reframe and the passing check are recovery moves, after the loop.
        let passed_at = truth::result_line(&lines, &pass[0].0);
        let recoveries: Vec<(String, u64)> = score["session"]["recoveries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    r["at_line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(
            recoveries.contains(&("R5".into(), passed_at)),
            "{recoveries:?}"
        );
        assert!(
            recoveries.contains(&("R4".into(), truth::prompt_line(&lines, REFRAME_PROMPT))),
            "{recoveries:?}"
        );
        assert_eq!(score["session"]["abandoned_at"], Value::Null);
    });
}

#[test]
fn a_commit_blocked_by_its_hook_is_retried_with_no_verify() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let h = Harness::new("blocked-commit", claude, scenarios::blocked_commit);
    h.failing_pre_commit_hook();
    h.headless(COMMIT_PROMPT, false);
    h.save();
    let file = h.transcript();
    let score = h.score(&file);
    truth::assert_matches_client_cost(&Harness::lines(&file), &score);
    dump(&score);
    let lines = Harness::lines(&file);
    h.server.log(|log| {
        assert_matches_server(log, &score, &[&["commit"]]);
        let commits = truth::checks_of(log, "commit", "Bash");
        let failed: Vec<bool> = commits.iter().map(|(_, f)| *f).collect();
        assert_eq!(
            failed,
            [true, true, false],
            "refused twice, then made without the hook"
        );
        let t = &score["turns"][0];
        assert_eq!(t["checks_run"], 3);
        assert_eq!(t["checks_failed"], 2);
        assert!(
            t["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["kind"] == "commit")
        );
        // S20: the hooks were skipped, at the --no-verify call.
        let bypass = truth::tool_use_line(&lines, &commits[2].0);
        assert!(
            truth::signals(t).contains(&("S20".into(), bypass)),
            "S20 at line {bypass}: {:?}",
            truth::signals(t)
        );
        // …and its nudge is shown at the call.
        let nudges = score["session"]["nudges"].as_array().unwrap();
        assert!(
            nudges
                .iter()
                .any(|n| n["signal"] == "S20" && n["at_line"] == bypass),
            "{nudges:?}"
        );
    });
    // The commit really was made without the hook.
    let out = h.ringside(&["--version"]);
    assert!(out.status.success());
    let log = std::process::Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(&h.project)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("Add notes"));
}

#[test]
fn a_test_weakened_to_pass() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let h = Harness::new("weakened-test", claude, scenarios::weakened_test);
    h.headless(WEAKEN_PROMPT, false);
    h.save();
    let file = h.transcript();
    let score = h.score(&file);
    truth::assert_matches_client_cost(&Harness::lines(&file), &score);
    dump(&score);
    h.server.log(|log| {
        assert_matches_server(log, &score, &[&["weaken"]]);
        let runs = truth::checks_of(log, "weaken", "Bash");
        let failed: Vec<bool> = runs.iter().map(|(_, f)| *f).collect();
        assert_eq!(failed, [true, false], "failed, then passed after the edit");
        let t = &score["turns"][0];
        assert_eq!(t["checks_failed"], 1);
        assert_eq!(t["checks_run"], 2);
        let files: Vec<&str> = t["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(
            files[0].ends_with("tests/test_calc.sh"),
            "only the test was edited: {files:?}"
        );
        assert_eq!(t["lines_added"], 1);
        assert_eq!(t["lines_removed"], 1);
    });
    // The edit that loosened the assertion is on disk, as the client made it.
    let test = std::fs::read_to_string(h.project.join("tests/test_calc.sh")).unwrap();
    assert!(test.contains("[ -z \"$got\" ]"), "{test}");
}

#[test]
fn done_claimed_with_no_check_run() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let h = Harness::new("done-unverified", claude, scenarios::done_unverified);
    h.headless(DONE_PROMPT, false);
    h.save();
    let file = h.transcript();
    let score = h.score(&file);
    truth::assert_matches_client_cost(&Harness::lines(&file), &score);
    dump(&score);
    let lines = Harness::lines(&file);
    h.server.log(|log| {
        assert_matches_server(log, &score, &[&["done"]]);
        let t = &score["turns"][0];
        assert_eq!(t["checks_run"], 0);
        assert_eq!(t["lines_added"], 1);
        assert_eq!(score["session"]["trouble"], false, "no trouble");
        assert_eq!(t["tool_errors"], 0);
        // Defect 2: no turn_duration in a headless run, yet the turn ends with the agent's
        // last words, and S13 fires there, not an hour later.
        assert!(!lines.iter().any(|l| l["subtype"] == "turn_duration"));
        let last = log.sent.iter().rfind(|s| s.script == Some("done")).unwrap();
        let done_line = *truth::reply_lines(&lines, &last.message_id).last().unwrap();
        assert!(
            truth::signals(t).contains(&("S13".into(), done_line)),
            "S13 at line {done_line}: {:?}",
            truth::signals(t)
        );
    });
}

#[test]
fn a_sub_agent_whose_only_call_failed() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let h = Harness::new("subagent", claude, |_| scenarios::delegation());
    h.headless(DELEGATE_PROMPT, false);
    h.save();
    let file = h.transcript();
    let score = h.score(&file);
    truth::assert_matches_client_cost(&Harness::lines(&file), &score);
    dump(&score);
    h.server.log(|log| {
        assert_matches_server(log, &score, &[&["delegate"]]);
        let sub_calls = truth::tools_of(log, "sub:notes");
        assert_eq!(sub_calls.len(), 1);
        assert!(log.results[&sub_calls[0].0], "the sub-agent's call failed");
        let sub = &score["subagents"][0];
        assert_eq!(sub["actions"], 0);
        assert_eq!(sub["failed"], 1);
        // Defect 5: the parent's delegated actions agree with the sub-agent's own figures.
        assert_eq!(score["session"]["delegated_actions"], sub["actions"]);
        assert_eq!(score["turns"][0]["delegated_actions"], sub["actions"]);
    });
}
