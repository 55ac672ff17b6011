#!/usr/bin/env python3
"""Writes assets/demo/session.jsonl: the demo session ringside ships and plays with --demo.

The story (our own writing, in Claude Code 2.1.x's transcript shape):
  1. A healthy first prompt: add a --since flag; reads, edits, a build and a passing test run.
  2. A bug report. The agent edits, runs the test, fails; edits the same lines, fails again;
     a third time: a failing-test loop (ringside's S5 nudge), with an apology on the way.
     The user presses Esc.
  3. The reframe: the user states the root cause, the constraint and how to verify. The agent
     explains, makes one small change, the test passes (recovery), the full suite passes.
  4. "thanks, commit it": a commit lands.

Run it from the repository root: python3 assets/demo/build.py
"""
import json
import os

SESSION = "d3m0c0de-5e55-4a1e-9c0d-000000000001"
CWD = "/home/dev/projects/logslice"
BRANCH = "fix/since-timezone"
VERSION = "2.1.39"
MODEL = "claude-opus-4-6"
T0 = 1763647331000  # 2025-11-20T14:02:11Z

lines = []
state = {"t": T0, "uuid": 0, "parent": None, "msg": 0, "tool": 0}


def ts():
    ms = state["t"]
    import datetime
    d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def wait(seconds):
    state["t"] += int(seconds * 1000)


def uid():
    state["uuid"] += 1
    return f"0000{state['uuid']:04d}-demo-4000-8000-{state['uuid']:012d}"


def envelope(kind, **extra):
    u = uid()
    d = {
        "parentUuid": state["parent"],
        "isSidechain": False,
        "userType": "external",
        "cwd": CWD,
        "sessionId": SESSION,
        "version": VERSION,
        "gitBranch": BRANCH,
        "type": kind,
    }
    d.update(extra)
    d["uuid"] = u
    d["timestamp"] = ts()
    state["parent"] = u
    return d


def emit(d):
    lines.append(json.dumps(d, ensure_ascii=False, separators=(",", ":")))


def snapshot(prompt_uuid):
    emit({"type": "file-history-snapshot", "messageId": prompt_uuid,
          "snapshot": {"messageId": prompt_uuid, "trackedFileBackups": {}, "timestamp": ts()},
          "isSnapshotUpdate": False})


def prompt(text):
    wait(4)
    d = envelope("user", message={"role": "user", "content": text},
                 thinkingMetadata={"maxThinkingTokens": 31999}, todos=[], permissionMode="default")
    snapshot(d["uuid"])
    emit(d)


def hook_progress(event, name, command):
    emit(envelope("progress", data={"type": "hook_progress", "hookEvent": event, "hookName": name,
                                    "command": command}, parentToolUseID="hook", toolUseID="hook"))


def response(blocks, think=None, out=180):
    """One API response written as one line per content block, usage repeated, output growing."""
    state["msg"] += 1
    mid = f"msg_01Demo{state['msg']:06d}"
    req = f"req_011Demo{state['msg']:06d}"
    blocks = ([{"type": "thinking", "thinking": think, "signature": "EsMDemoSignature" + "A" * 120}] if think else []) + blocks
    ids = []
    for i, b in enumerate(blocks):
        wait(1.5 if b["type"] != "tool_use" else 0.6)
        last = i == len(blocks) - 1
        usage = {"input_tokens": 4, "cache_creation_input_tokens": 1200 + 40 * state["msg"],
                 "cache_read_input_tokens": 18000 + 2600 * state["msg"],
                 "output_tokens": out if last else 12, "service_tier": "standard"}
        if b["type"] == "tool_use":
            state["tool"] += 1
            b = dict(b, id=f"toolu_01Demo{state['tool']:05d}")
            ids.append(b["id"])
        emit(envelope("assistant", message={"model": MODEL, "id": mid, "type": "message", "role": "assistant",
                                             "content": [b], "stop_reason": None, "stop_sequence": None,
                                             "usage": usage}, requestId=req))
    return ids


def text(t):
    return {"type": "text", "text": t}


def use(name, **inp):
    return {"type": "tool_use", "name": name, "input": inp}


def result(tool_id, content, tur, is_error=False, seconds=1.0):
    wait(seconds)
    block = {"tool_use_id": tool_id, "type": "tool_result", "content": content}
    if is_error:
        block["is_error"] = True
    emit(envelope("user", message={"role": "user", "content": [block]}, toolUseResult=tur,
                  sourceToolAssistantUUID=state["parent"]))


def bash_result(tool_id, stdout, ok=True, code=1, seconds=3.0):
    for k in range(2):
        emit(envelope("progress", data={"type": "bash_progress", "output": "", "fullOutput": "",
                                        "elapsedTimeSeconds": k + 1, "totalLines": 0},
                      parentToolUseID=tool_id, toolUseID=f"bash-progress-{k}"))
    if ok:
        result(tool_id, stdout, {"stdout": stdout, "stderr": "", "interrupted": False, "isImage": False},
               seconds=seconds)
    else:
        result(tool_id, f"Exit code {code}\n{stdout}", f"Error: Exit code {code}\n{stdout}", is_error=True,
               seconds=seconds)


def read_result(tool_id, path, content):
    n = content.count("\n") + 1
    numbered = "\n".join(f"{i + 1:>6}\u2192{l}" for i, l in enumerate(content.split("\n")))
    result(tool_id, numbered, {"type": "text", "file": {"filePath": path, "content": content, "numLines": n,
                                                        "startLine": 1, "totalLines": n}}, seconds=0.3)


def edit_result(tool_id, path, old, new, start):
    old_l, new_l = old.split("\n"), new.split("\n")
    patch = [{"oldStart": start, "oldLines": len(old_l) + 2, "newStart": start, "newLines": len(new_l) + 2,
              "lines": ["     // context"] + [f"-{l}" for l in old_l] + [f"+{l}" for l in new_l] + ["     // context"]}]
    result(tool_id, f"The file {path} has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\n…",
           {"filePath": path, "oldString": old, "newString": new, "originalFile": "…", "structuredPatch": patch,
            "userModified": False, "replaceAll": False}, seconds=0.4)


def turn_end(ms):
    wait(0.2)
    emit(envelope("system", subtype="stop_hook_summary", hookCount=1,
                  hookInfos=[{"command": "~/.claude/hooks/notify.sh"}], hookErrors=[],
                  preventedContinuation=False, stopReason="", hasOutput=False, level="suggestion",
                  toolUseID="stop-hook", isMeta=False))
    emit(envelope("system", subtype="turn_duration", durationMs=ms, isMeta=False))


P = CWD
FILTER = f"{P}/src/filter.rs"
MAIN = f"{P}/src/main.rs"
TESTS = f"{P}/tests/since.rs"

# -- 1. A healthy first prompt ----------------------------------------------------------------
hook_progress("SessionStart", "SessionStart:startup", "~/.claude/hooks/session-start.sh")
prompt("Add a --since flag to logslice that takes either a duration like 2h or an RFC 3339 time, "
       "and drops log lines older than that. Keep the parsing in src/filter.rs.")
wait(3)
[r1, r2] = response([text("I'll look at how the CLI and the filter are structured first."),
                     use("Read", file_path=MAIN), use("Read", file_path=FILTER)],
                    think="The user wants a --since flag. Check main.rs for clap setup and filter.rs for the line filter.")
read_result(r1, MAIN, "use clap::Parser;\nmod filter;\n\n#[derive(Parser)]\nstruct Cli {\n    /// Only lines matching this level\n    #[arg(long)]\n    level: Option<String>,\n    files: Vec<std::path::PathBuf>,\n}")
read_result(r2, FILTER, "pub struct Filter {\n    pub level: Option<String>,\n}\n\nimpl Filter {\n    pub fn keep(&self, line: &LogLine) -> bool {\n        self.level.as_deref().is_none_or(|l| line.level == l)\n    }\n}")
[g1] = response([use("Grep", pattern="struct LogLine", path=f"{P}/src", output_mode="content")])
result(g1, "src/parse.rs:12:pub struct LogLine {", {"mode": "content", "numFiles": 1, "filenames": [], "content": "src/parse.rs:12:pub struct LogLine {", "numLines": 1}, seconds=0.5)
[e1] = response([text("I'll add the flag, a `parse_since` helper and the filter condition."),
                 use("Edit", file_path=FILTER, old_string="pub struct Filter {\n    pub level: Option<String>,\n}",
                     new_string="pub struct Filter {\n    pub level: Option<String>,\n    pub since: Option<DateTime<Utc>>,\n}")], out=420)
edit_result(e1, FILTER, "pub struct Filter {\n    pub level: Option<String>,\n}", "pub struct Filter {\n    pub level: Option<String>,\n    pub since: Option<DateTime<Utc>>,\n}", 1)
[e2] = response([use("Edit", file_path=FILTER, old_string="        self.level.as_deref().is_none_or(|l| line.level == l)",
                     new_string="        self.level.as_deref().is_none_or(|l| line.level == l)\n            && self.since.is_none_or(|s| line.time >= s)")], out=260)
edit_result(e2, FILTER, "        self.level.as_deref().is_none_or(|l| line.level == l)", "        self.level.as_deref().is_none_or(|l| line.level == l)\n            && self.since.is_none_or(|s| line.time >= s)", 7)
[e3] = response([use("Edit", file_path=FILTER, old_string="impl Filter {",
                     new_string="/// `2h`, `30m`, `1d` ago, or an RFC 3339 time.\npub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {\n    if let Ok(t) = DateTime::parse_from_rfc3339(s) {\n        return Ok(t.with_timezone(&Utc));\n    }\n    let (n, unit) = s.split_at(s.len() - 1);\n    let n: i64 = n.parse().map_err(|_| format!(\"not a duration: {s}\"))?;\n    let d = match unit {\n        \"m\" => Duration::minutes(n),\n        \"h\" => Duration::hours(n),\n        \"d\" => Duration::days(n),\n        _ => return Err(format!(\"unknown unit in {s}\")),\n    };\n    Ok(now - d)\n}\n\nimpl Filter {")], out=610)
edit_result(e3, FILTER, "impl Filter {", "/// `2h`, `30m`, `1d` ago, or an RFC 3339 time.\npub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {\n    …\n}\n\nimpl Filter {", 5)
[e4] = response([use("Edit", file_path=MAIN, old_string="    level: Option<String>,\n",
                     new_string="    level: Option<String>,\n    /// Drop lines older than this: 2h, 30m, 1d or an RFC 3339 time\n    #[arg(long)]\n    since: Option<String>,\n")], out=300)
edit_result(e4, MAIN, "    level: Option<String>,", "    level: Option<String>,\n    /// Drop lines older than this: 2h, 30m, 1d or an RFC 3339 time\n    #[arg(long)]\n    since: Option<String>,", 6)
[w1] = response([text("Now a test for both forms."),
                 use("Write", file_path=TESTS, content="use logslice::filter::parse_since;\nuse chrono::{TimeZone, Utc};\n\n#[test]\nfn since_accepts_durations() {\n    let now = Utc.with_ymd_and_hms(2025, 11, 20, 12, 0, 0).unwrap();\n    assert_eq!(parse_since(\"2h\", now).unwrap(), now - chrono::Duration::hours(2));\n}\n\n#[test]\nfn since_accepts_rfc3339() {\n    let now = Utc::now();\n    assert!(parse_since(\"2025-11-20T10:00:00Z\", now).is_ok());\n}\n")], out=380)
result(w1, f"File created successfully at: {TESTS}", {"type": "create", "filePath": TESTS, "content": "use logslice::filter::parse_since;\nuse chrono::{TimeZone, Utc};\n\n#[test]\nfn since_accepts_durations() {\n    let now = Utc.with_ymd_and_hms(2025, 11, 20, 12, 0, 0).unwrap();\n    assert_eq!(parse_since(\"2h\", now).unwrap(), now - chrono::Duration::hours(2));\n}\n\n#[test]\nfn since_accepts_rfc3339() {\n    let now = Utc::now();\n    assert!(parse_since(\"2025-11-20T10:00:00Z\", now).is_ok());\n}\n", "structuredPatch": []}, seconds=0.4)
[b1] = response([use("Bash", command="cargo build 2>&1 | tail -3", description="Build")])
bash_result(b1, "   Compiling logslice v0.3.0 (/home/dev/projects/logslice)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 4.21s", seconds=5)
[t1] = response([use("Bash", command="cargo test 2>&1 | tail -6", description="Run the tests")])
bash_result(t1, "running 12 tests\n............\ntest result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s", seconds=8)
response([text("Added `--since` (durations like `2h`, `30m`, `1d`, or an RFC 3339 time). The parsing lives in `parse_since` in src/filter.rs, the filter drops older lines, and two new tests cover both forms; all 12 tests pass.")], out=150)
turn_end(71_000)

# -- 2. The bug, and a failing-test loop ----------------------------------------------------------
wait(95)
prompt("--since 2h drops lines from the last two hours when my machine is on Europe/Berlin. Fix it.")
wait(2)
[r3] = response([text("Let me look at how the log timestamps are parsed."), use("Read", file_path=f"{P}/src/parse.rs")],
                think="Timezone issue. The log lines probably have local times without an offset.")
read_result(r3, f"{P}/src/parse.rs", "pub struct LogLine {\n    pub time: DateTime<Utc>,\n    pub level: String,\n    pub text: String,\n}\n\npub fn parse(line: &str) -> Option<LogLine> {\n    let (stamp, rest) = line.split_once(' ')?;\n    let time = NaiveDateTime::parse_from_str(stamp, \"%Y-%m-%dT%H:%M:%S\").ok()?.and_utc();\n    …\n}")
[t2] = response([text("I'll add a test with a Berlin-local log line first."),
                 use("Edit", file_path=TESTS, old_string="#[test]\nfn since_accepts_rfc3339() {",
                     new_string="#[test]\nfn since_keeps_local_lines() {\n    let now = Utc.with_ymd_and_hms(2025, 11, 20, 12, 0, 0).unwrap();\n    let line = parse(\"2025-11-20T12:30:00 INFO started\").unwrap();\n    assert!(Filter { level: None, since: Some(parse_since(\"2h\", now).unwrap()) }.keep(&line));\n}\n\n#[test]\nfn since_accepts_rfc3339() {")], out=520)
edit_result(t2, TESTS, "#[test]\nfn since_accepts_rfc3339() {", "#[test]\nfn since_keeps_local_lines() {\n    …\n}\n\n#[test]\nfn since_accepts_rfc3339() {", 11)
FAIL = ("running 1 test\ntest since_keeps_local_lines ... FAILED\n\nfailures:\n\n---- since_keeps_local_lines stdout ----\n"
        "thread 'since_keeps_local_lines' panicked at tests/since.rs:16:5:\nassertion failed: Filter { level: None, since: Some(parse_since(\"2h\", now).unwrap()) }.keep(&line)\n\n"
        "failures:\n    since_keeps_local_lines\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 2 filtered out")
[t3] = response([use("Bash", command="cargo test since_keeps_local_lines 2>&1 | tail -15", description="Run the new test")])
bash_result(t3, FAIL, ok=False, code=101, seconds=6)
[f1] = response([text("The duration is subtracted in UTC. I'll compute it in local time instead."),
                 use("Edit", file_path=FILTER, old_string="    Ok(now - d)", new_string="    Ok((now.with_timezone(&Local) - d).with_timezone(&Utc))")], out=340)
edit_result(f1, FILTER, "    Ok(now - d)", "    Ok((now.with_timezone(&Local) - d).with_timezone(&Utc))", 14)
[t4] = response([use("Bash", command="cargo test since_keeps_local_lines 2>&1 | tail -15", description="Run the test again")])
bash_result(t4, FAIL, ok=False, code=101, seconds=6)
[f2] = response([text("I apologize, that conversion is a no-op. Let me try a different approach: shift `now` by the local offset."),
                 use("Edit", file_path=FILTER, old_string="    Ok((now.with_timezone(&Local) - d).with_timezone(&Utc))",
                     new_string="    let offset = Local::now().offset().fix().local_minus_utc();\n    Ok(now - d + Duration::seconds(i64::from(offset)))")], out=410)
edit_result(f2, FILTER, "    Ok((now.with_timezone(&Local) - d).with_timezone(&Utc))", "    let offset = Local::now().offset().fix().local_minus_utc();\n    Ok(now - d + Duration::seconds(i64::from(offset)))", 14)
[t5] = response([use("Bash", command="cargo test since_keeps_local_lines 2>&1 | tail -15", description="Run the test again")])
bash_result(t5, FAIL, ok=False, code=101, seconds=6)
[f3] = response([text("You're right to expect this to work; I'm sorry. Let me try yet another approach and subtract the offset instead."),
                 use("Edit", file_path=FILTER, old_string="    Ok(now - d + Duration::seconds(i64::from(offset)))",
                     new_string="    Ok(now - d - Duration::seconds(i64::from(offset)))")], out=300)
edit_result(f3, FILTER, "    Ok(now - d + Duration::seconds(i64::from(offset)))", "    Ok(now - d - Duration::seconds(i64::from(offset)))", 15)
[t6] = response([use("Bash", command="cargo test since_keeps_local_lines 2>&1 | tail -15", description="Run the test again")])
wait(2)
emit(envelope("user", message={"role": "user", "content": [{"type": "text", "text": "[Request interrupted by user]"}]}))
turn_end(262_000)

# -- 3. The reframe ---------------------------------------------------------------------------------
wait(48)
prompt("Stop editing parse_since. The real problem is in src/parse.rs: log timestamps are local time "
       "without an offset, and parse() calls .and_utc() on them, so every line is shifted by the UTC offset. "
       "Explain that back to me first, then make the smallest change: parse the naive time as Local and convert "
       "it to UTC. Leave the test as it is. Revert parse_since to `Ok(now - d)`, then run `cargo test since` and show me the output.")
wait(3)
[v1] = response([text("You're pointing at the right place. `parse()` reads `2025-11-20T12:30:00` as 12:30 UTC, but it was written "
                      "at 12:30 Berlin time (11:30 UTC). `--since 2h` is computed correctly in UTC, so lines look an hour "
                      "newer or older than they are, and the filter keeps or drops the wrong ones. The fix belongs in parse(), "
                      "not in parse_since. First I'll put parse_since back."),
                 use("Edit", file_path=FILTER, old_string="    let offset = Local::now().offset().fix().local_minus_utc();\n    Ok(now - d - Duration::seconds(i64::from(offset)))",
                     new_string="    Ok(now - d)")],
                think="The user explained the root cause: naive local times treated as UTC.", out=520)
edit_result(v1, FILTER, "    let offset = Local::now().offset().fix().local_minus_utc();\n    Ok(now - d - Duration::seconds(i64::from(offset)))", "    Ok(now - d)", 14)
[v2] = response([use("Edit", file_path=f"{P}/src/parse.rs",
                     old_string="    let time = NaiveDateTime::parse_from_str(stamp, \"%Y-%m-%dT%H:%M:%S\").ok()?.and_utc();",
                     new_string="    let naive = NaiveDateTime::parse_from_str(stamp, \"%Y-%m-%dT%H:%M:%S\").ok()?;\n    // Log stamps are local wall-clock time without an offset.\n    let time = Local.from_local_datetime(&naive).earliest()?.with_timezone(&Utc);")], out=330)
edit_result(v2, f"{P}/src/parse.rs", "    let time = NaiveDateTime::parse_from_str(stamp, \"%Y-%m-%dT%H:%M:%S\").ok()?.and_utc();", "    let naive = NaiveDateTime::parse_from_str(stamp, \"%Y-%m-%dT%H:%M:%S\").ok()?;\n    // Log stamps are local wall-clock time without an offset.\n    let time = Local.from_local_datetime(&naive).earliest()?.with_timezone(&Utc);", 9)
[v3] = response([use("Bash", command="TZ=Europe/Berlin cargo test since 2>&1 | tail -8", description="Run the since tests in Berlin time")])
bash_result(v3, "running 3 tests\ntest since_accepts_durations ... ok\ntest since_accepts_rfc3339 ... ok\ntest since_keeps_local_lines ... ok\n\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 10 filtered out; finished in 0.01s", seconds=6)
[v4] = response([text("The three `since` tests pass in Berlin time. Running the whole suite:"),
                 use("Bash", command="cargo test 2>&1 | tail -4", description="Run all tests")])
bash_result(v4, "running 13 tests\n.............\ntest result: ok. 13 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s", seconds=8)
response([text("```\ntest since_keeps_local_lines ... ok\ntest result: ok. 3 passed; 0 failed\n```\n"
               "The change is two lines in `parse()`: log stamps are read as local time and converted to UTC. "
               "`parse_since` is back to `Ok(now - d)`, the test is unchanged, and all 13 tests pass.")], out=190)
turn_end(64_000)

# -- 4. Commit ------------------------------------------------------------------------------------------
wait(40)
prompt("thanks, that was it. commit it")
wait(2)
[c1] = response([use("Bash", command="git add -A && git commit -m \"Read log timestamps as local time; add --since\"",
                     description="Commit")])
bash_result(c1, "[fix/since-timezone 4e1c9a2] Read log timestamps as local time; add --since\n 4 files changed, 41 insertions(+), 3 deletions(-)\n create mode 100644 tests/since.rs", seconds=2)
response([text("Committed as 4e1c9a2 on fix/since-timezone.")], out=40)
turn_end(9_000)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "session.jsonl")
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print(f"wrote {len(lines)} lines to {out}")
