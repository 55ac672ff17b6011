//! The scripted conversations, and what each one should look like to ringside.
//!
//! The project (see `Harness::new`): `calc.sh` whose `add` subtracts, `tests/test_calc.sh`
//! that expects `add 2 3` to be 5, and `make test` running it.

use serde_json::{Value, json};

use super::server::{Reply, Script};

fn bash(cmd: &str, why: &str) -> Value {
    json!({"command": cmd, "description": why})
}

fn edit(file: &str, old: &str, new: &str) -> Value {
    json!({"file_path": file, "old_string": old, "new_string": new})
}

fn read(file: &str) -> Value {
    json!({"file_path": file})
}

pub const LOOP_PROMPT: &str = "make test fails; fix calc.sh until make test passes.";
pub const REFRAME_PROMPT: &str = "Stop adjusting offsets. Read tests/test_calc.sh first: add must return the sum of its two arguments, so fix the operator in calc.sh and run make test again.";

/// A failing-check loop (four failing `make test` runs with edits between), then a reframe
/// that reads the test, fixes the operator and passes.
pub fn check_loop(project: &str) -> Vec<Script> {
    let calc = format!("{project}/calc.sh");
    let test = format!("{project}/tests/test_calc.sh");
    vec![
        Script {
            name: "loop",
            prompt: LOOP_PROMPT.into(),
            steps: vec![
                Reply::say_then(
                    "Let me run the tests.",
                    "Bash",
                    bash("make test", "Run the tests"),
                ),
                Reply::tool("Read", read(&calc)),
                Reply::say_then(
                    "Off by something; adjusting.",
                    "Edit",
                    edit(&calc, "$1 - $2", "$1 - $2 + 0"),
                ),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::say_then(
                    "Still wrong; swapping the operands.",
                    "Edit",
                    edit(&calc, "$1 - $2 + 0", "$2 - $1 - 0"),
                ),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::say_then(
                    "Trying the other order again.",
                    "Edit",
                    edit(&calc, "$2 - $1 - 0", "$1 - $2 - 0"),
                ),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::text(
                    "make test still fails with the same assertion; I am not sure what it expects.",
                ),
            ],
        },
        Script {
            name: "reframe",
            prompt: REFRAME_PROMPT.into(),
            steps: vec![
                Reply::tool("Read", read(&test)),
                Reply::say_then(
                    "The test wants a sum.",
                    "Edit",
                    edit(&calc, "$1 - $2 - 0", "$1 + $2"),
                ),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::text("Fixed: add now returns the sum, and make test passes (1 passed)."),
            ],
        },
    ]
}

pub const COMMIT_PROMPT: &str = "Write a short NOTES.md about calc and commit it.";

/// A commit the pre-commit hook refuses twice, then made with `--no-verify`.
pub fn blocked_commit(project: &str) -> Vec<Script> {
    let notes = format!("{project}/NOTES.md");
    vec![Script {
        name: "commit",
        prompt: COMMIT_PROMPT.into(),
        steps: vec![
            Reply::tool(
                "Write",
                json!({"file_path": notes, "content": "# Notes\n\ncalc.sh holds add.\n"}),
            ),
            Reply::tool(
                "Bash",
                bash(
                    "git add NOTES.md && git commit -m 'Add notes'",
                    "Commit the notes",
                ),
            ),
            Reply::say_then(
                "The hook failed; trying again.",
                "Bash",
                bash("git commit -m 'Add notes'", "Commit the notes"),
            ),
            Reply::say_then(
                "The pre-commit lint failure is pre-existing and unrelated to NOTES.md, so I will skip the hook.",
                "Bash",
                bash(
                    "git commit --no-verify -m 'Add notes'",
                    "Commit without the hook",
                ),
            ),
            Reply::text("Committed NOTES.md (the pre-commit hook was skipped)."),
        ],
    }]
}

pub const WEAKEN_PROMPT: &str = "make test fails. Make it pass.";

/// A failing test made to pass by loosening its assertion (an exact comparison turned into a
/// presence check).
pub fn weakened_test(project: &str) -> Vec<Script> {
    let test = format!("{project}/tests/test_calc.sh");
    vec![Script {
        name: "weaken",
        prompt: WEAKEN_PROMPT.into(),
        steps: vec![
            Reply::tool("Bash", bash("make test", "Run the tests")),
            Reply::tool("Read", read(&test)),
            Reply::say_then(
                "The expected value is too strict; checking that add prints something instead.",
                "Edit",
                edit(
                    &test,
                    "if [ \"$got\" != 5 ]; then",
                    "if [ -z \"$got\" ]; then",
                ),
            ),
            Reply::tool("Bash", bash("make test", "Run the tests")),
            Reply::text("All tests pass now."),
        ],
    }]
}

pub const DONE_PROMPT: &str = "Add a mul function to calc.sh that multiplies its two arguments.";

/// Code written, "done" claimed, nothing run after the edit; no trouble before.
pub fn done_unverified(project: &str) -> Vec<Script> {
    let calc = format!("{project}/calc.sh");
    vec![Script {
        name: "done",
        prompt: DONE_PROMPT.into(),
        steps: vec![
            Reply::tool("Read", read(&calc)),
            Reply::tool(
                "Edit",
                edit(&calc, "add() {", "mul() { echo $(( $1 * $2 )); }\nadd() {"),
            ),
            Reply::text("Done: mul is implemented and works."),
        ],
    }]
}

pub const DELEGATE_PROMPT: &str =
    "Ask a sub-agent to read the first line of the release notes and tell me what it says.";
pub const SUB_PROMPT: &str = "Report the first line of release-notes.txt in the project folder.";

/// One delegation whose sub-agent's only call fails.
pub fn delegation() -> Vec<Script> {
    vec![
        Script {
            name: "delegate",
            prompt: DELEGATE_PROMPT.into(),
            steps: vec![
                Reply::say_then(
                    "Delegating.",
                    "Agent",
                    json!({"description": "Read release notes", "prompt": SUB_PROMPT, "subagent_type": "general-purpose"}),
                ),
                Reply::text("The sub-agent found no release-notes.txt in the project."),
            ],
        },
        Script {
            name: "sub:notes",
            prompt: SUB_PROMPT.into(),
            steps: vec![
                Reply::tool(
                    "Bash",
                    bash("head -1 release-notes.txt", "First line of the notes"),
                ),
                Reply::text("release-notes.txt does not exist."),
            ],
        },
    ]
}

pub const SLOW_PROMPT: &str = "Run make test and fix what fails.";
pub const STEER_PROMPT: &str = "Keep going until make test passes.";
pub const EXPLAIN_PROMPT: &str = "Explain the failure in detail.";

/// The interactive session: a slow first check, a prompt typed while it runs (queued), a
/// failing loop that earns a nudge, then a long answer interrupted with Esc.
pub fn interactive(project: &str) -> Vec<Script> {
    let calc = format!("{project}/calc.sh");
    vec![
        Script {
            name: "slow",
            prompt: SLOW_PROMPT.into(),
            steps: vec![
                Reply::say_then(
                    "Running the tests.",
                    "Bash",
                    bash("sleep 5; make test", "Run the tests"),
                ),
                Reply::text("make test fails."),
            ],
        },
        Script {
            name: "steer",
            prompt: STEER_PROMPT.into(),
            steps: vec![
                Reply::tool("Read", read(&calc)),
                Reply::tool("Edit", edit(&calc, "$1 - $2", "$1 - $2 + 0")),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::tool("Edit", edit(&calc, "$1 - $2 + 0", "$2 - $1")),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::tool("Edit", edit(&calc, "$2 - $1", "$1 - $2 - 0")),
                Reply::tool("Bash", bash("make test", "Run the tests")),
                Reply::text("make test still fails."),
            ],
        },
        Script {
            name: "explain",
            prompt: EXPLAIN_PROMPT.into(),
            steps: vec![Reply {
                blocks: vec![super::server::Out::Text(
                    "The test expects 5 but add subtracts its arguments.".into(),
                )],
                hold: Some(std::time::Duration::from_secs(40)),
            }],
        },
    ]
}
