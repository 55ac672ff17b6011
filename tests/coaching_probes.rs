//! Probes of whether the coaching rules generalise (issue 13): for each stall kind the unseen
//! sessions showed, the variations a real user or agent would plausibly produce (other wordings,
//! frameworks, languages, markers, gates; Claude Code and Codex where both can show it), each
//! beside a near-miss twin that must stay silent.
//!
//! A probe is a short script of steps played into one agent's transcript shape and read through
//! the whole pipeline; each table runs every probe and reports all that missed at once.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use common::rollout::{Rollout, thread_id};
use common::scenario::{Transcript, fired, nudges};
use ringside::core::Millis;
use ringside::core::agents::Format;
use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Agent {
    Claude,
    Codex,
}

use Agent::{Claude, Codex};

/// One thing that happens in a session.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// The user types a prompt.
    Prompt(&'static str),
    /// The agent writes to the user.
    Say(&'static str),
    /// A command; `Some(output)` fails with that output, `None` passes.
    Run(&'static str, Option<&'static str>),
    /// An edit of a file: path, old text, new text.
    Edit(&'static str, &'static str, &'static str),
    /// The file is deleted (Claude Code: `rm`; Codex: a patch that deletes it).
    Delete(&'static str),
    /// A file is read.
    Read(&'static str),
    /// The agent asks the user a question with options (Codex: the question as text).
    Ask(&'static str, &'static [&'static str]),
    /// `git commit` refused by a hook with this output (Claude Code: a PreToolUse hook).
    Blocked(&'static str),
    /// The API fails (Claude Code only; nothing for Codex).
    ApiError,
    /// The turn ends (nothing in a headless session).
    End,
    /// Time passes.
    Wait(i64),
}

use Step::{Ask, Blocked, Delete, Edit, End, Prompt, Read, Run, Say, Wait};

/// A script played into one agent's transcript.
struct Played {
    pipeline: Pipeline,
    /// The line each step ends on (its result, or its text).
    lines: Vec<u64>,
}

fn play(agent: Agent, headless: bool, steps: &[Step], idle_secs: i64) -> Played {
    let mut lines = Vec::new();
    match agent {
        Claude => {
            let mut t = Transcript::new();
            t.headless = headless;
            for s in steps {
                let line = match *s {
                    Prompt(text) => t.prompt(text),
                    Say(text) => t.say(text),
                    Run(cmd, fail) => t.bash(cmd, fail.is_none(), fail.unwrap_or("ok")),
                    Edit(path, old, new) => t.edit(path, old, new),
                    Delete(path) => t.bash(&format!("rm {path}"), true, ""),
                    Read(path) => t.read(path),
                    Ask(q, options) => t.ask(q, options),
                    Blocked(out) => t.commit_blocked("git add -A && git commit -m 'wip'", out),
                    Step::ApiError => t.api_error(529),
                    End => t.turn_end().unwrap_or(t.len()),
                    Wait(secs) => t.wait(secs).len(),
                };
                lines.push(line);
            }
            Played {
                pipeline: t.coach(idle_secs),
                lines,
            }
        }
        Codex => {
            let mut r = Rollout::new(&thread_id(7), "/w/shop", 1_771_000_000_000);
            for s in steps {
                let n = |r: &Rollout| r.lines.len() as u64;
                let line = match *s {
                    Prompt(text) => {
                        r.prompt(text);
                        n(&r)
                    }
                    Say(text) => {
                        r.say(text);
                        n(&r) - 1
                    }
                    Ask(q, options) => {
                        r.say(&format!("{q}\n\n1. {}", options.join("\n2. ")));
                        n(&r) - 1
                    }
                    Run(cmd, fail) => {
                        r.exec_output(cmd, i32::from(fail.is_some()), fail.unwrap_or("ok\n"));
                        n(&r)
                    }
                    Blocked(out) => {
                        r.exec_output("git add -A && git commit -m 'wip'", 1, out);
                        n(&r)
                    }
                    Edit(path, old, new) => {
                        r.patch_text(path, old, new);
                        n(&r)
                    }
                    Delete(path) => {
                        r.patch_delete(path);
                        n(&r)
                    }
                    Read(path) => {
                        r.exec_output(&format!("sed -n 1,80p {path}"), 0, "x\n");
                        n(&r)
                    }
                    Step::ApiError => n(&r),
                    End => {
                        if !headless {
                            r.end_turn();
                        }
                        n(&r)
                    }
                    Wait(secs) => {
                        r.t += secs * 1000;
                        n(&r)
                    }
                };
                lines.push(line);
            }
            let mut p =
                Pipeline::for_format(Format::Codex, Some("probe".into()), Rules::shared_default());
            p.feed(r.text().as_bytes());
            p.finish();
            p.tick(Millis(r.t + idle_secs * 1000));
            Played { pipeline: p, lines }
        }
    }
}

/// What a probe must show.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// A nudge of this signal at the step with this index (at its line or the call just before).
    Nudge(&'static str, usize),
    /// No nudge at all.
    Silent,
    /// This signal does not fire (other nudges may).
    Not(&'static str),
    /// This signal fires at the step with this index (its nudge may wait behind another's).
    Fires(&'static str, usize),
}

struct Probe {
    name: &'static str,
    agents: &'static [Agent],
    headless: bool,
    steps: Vec<Step>,
    want: Want,
}

const BOTH: &[Agent] = &[Claude, Codex];
const CLAUDE: &[Agent] = &[Claude];

fn probe(name: &'static str, agents: &'static [Agent], steps: Vec<Step>, want: Want) -> Probe {
    Probe {
        name,
        agents,
        headless: false,
        steps,
        want,
    }
}

/// Plays every probe for each of its agents; returns what missed.
fn misses(probes: &[Probe], idle_secs: i64) -> Vec<String> {
    let mut out = Vec::new();
    for pr in probes {
        for &agent in pr.agents {
            let played = play(agent, pr.headless, &pr.steps, idle_secs);
            let p = &played.pipeline;
            let got = nudges(p);
            let ok = match pr.want {
                Want::Nudge(code, i) => {
                    let line = played.lines[i];
                    got.iter()
                        .any(|(c, l)| c == code && (*l == line || *l + 1 == line))
                }
                Want::Silent => got.is_empty(),
                Want::Not(code) => fired(p, code).is_empty(),
                Want::Fires(code, i) => {
                    let line = played.lines[i];
                    fired(p, code).iter().any(|l| *l == line || *l + 1 == line)
                }
            };
            if !ok {
                let firings: Vec<String> = p
                    .engine()
                    .firings
                    .iter()
                    .map(|f| format!("{}@{}", f.signal.code(), f.at_line.0))
                    .collect();
                out.push(format!(
                    "{} [{agent:?}]: want {:?} (lines {:?}); nudges {got:?}; fired {firings:?}",
                    pr.name, pr.want, played.lines
                ));
            }
        }
    }
    out
}

fn assert_all(probes: &[Probe], idle_secs: i64) {
    let m = misses(probes, idle_secs);
    assert!(m.is_empty(), "{} missed:\n{}", m.len(), m.join("\n"));
}

// -- Bypass intent in the agent's own words (S21) -------------------------------------------------

const CART: &str = "/w/shop/shop/cart.py";
const HOOK_RUFF: &str = "ruff.....................................................................Failed\n- hook id: ruff\n- exit code: 1\n\nshop/legacy.py:12:5: F841 Local variable `rate` is assigned to but never used\nFound 1 error.";

/// Work went well, then the commit's hooks refused it: what the agent says next.
fn after_blocked_commit(says: &'static str) -> Vec<Step> {
    vec![
        Prompt("Add rounding to the cart total and commit it"),
        Edit(CART, "return total", "return round(total, 2)"),
        Run("python -m pytest -q", None),
        Blocked(HOOK_RUFF),
        Say(says),
    ]
}

#[test]
fn s21_dismissals_and_plans_in_other_words_are_nudged_when_said() {
    let said = [
        // dismissals
        "These lint errors existed before my change.",
        "The ruff finding has nothing to do with the rounding change.",
        "That error is in a file I didn't touch.",
        "The failure is in legacy.py, which I haven't modified.",
        "These errors come from existing code, not from my changes.",
        "This looks like a false alarm from the linter.",
        "The remaining failures are not caused by my edits.",
        "The linter is being overly strict here.",
        "Those findings were there before I started.",
        "The lint failure is outside the scope of this task.",
        "This test is non-deterministic; it passes on a rerun.",
        "The failure also happens on main, so it is not from this change.",
        // plans to get around it
        "I'll add an exclusion for this rule in the ruff config.",
        "Let me bypass the hook for now.",
        "I'll mark these tests as expected failures.",
        "Let me temporarily remove the failing assertion.",
        "I'll commit with `-n` so the hooks don't run.",
        "I'll relax the assertion to just check that a total is returned.",
        // offers
        "You can either fix the unused variable or add a `# noqa: F841` comment.",
        "Would you like me to skip the lint hook for this commit?",
        "Options:\n1. Fix the ruff finding in legacy.py\n2. Bypass the hook with SKIP=ruff",
    ];
    let probes: Vec<Probe> = said
        .iter()
        .map(|s| probe(s, BOTH, after_blocked_commit(s), Want::Nudge("S21", 4)))
        .collect();
    assert_all(&probes, 60);
}

#[test]
fn s21_a_bypass_among_the_options_of_a_question_is_nudged() {
    let asks: [(&str, &[&str]); 3] = [
        (
            "The pre-commit hook fails on a ruff finding in legacy.py. How should I proceed?",
            &["Fix the finding first", "Commit anyway, skipping the hooks"],
        ),
        (
            "The commit is blocked. What would you like me to do?",
            &["Fix the lint error", "Use --no-verify"],
        ),
        (
            "Ruff blocks the commit. Which do you prefer?",
            &["Fix legacy.py", "Disable the F841 rule in pyproject.toml"],
        ),
    ];
    let probes: Vec<Probe> = asks
        .iter()
        .map(|(q, o)| {
            let mut steps = after_blocked_commit("The hook rejected the commit.");
            steps.pop();
            steps.push(Ask(q, o));
            probe(q, BOTH, steps, Want::Nudge("S21", 4))
        })
        .collect();
    assert_all(&probes, 60);
}

#[test]
fn s21_near_miss_diagnoses_that_sound_alike_stay_silent() {
    let said = [
        "The failure was caused by my change to total(); fixing it now.",
        "Let me check whether these failures are pre-existing by running the suite on main.",
        "The failure is unrelated to rounding: the discount is applied twice. Fixing that.",
        "Not a false positive: the variable really is unused. Removing it.",
        "I won't use --no-verify; fixing the lint error instead.",
        "The hook caught a real bug, so I'll fix it rather than bypass it.",
        "The pre-existing tests still pass; the new one fails because the fixture is missing.",
        "Should I also update the changelog?",
        "I'll remove the unused variable the linter flagged.",
    ];
    let probes: Vec<Probe> = said
        .iter()
        .map(|s| probe(s, BOTH, after_blocked_commit(s), Want::Not("S21")))
        .collect();
    assert_all(&probes, 60);
}

#[test]
fn s21_dismissing_a_failure_from_the_previous_turn_is_nudged_before_the_bypass() {
    let steps = vec![
        Prompt("Add rounding to the cart total and commit it"),
        Edit(CART, "return total", "return round(total, 2)"),
        Blocked(HOOK_RUFF),
        Say("The commit was blocked by ruff: an unused variable in shop/legacy.py."),
        End,
        Prompt("ok, go ahead and get it committed"),
        Say(
            "The ruff finding is pre-existing and unrelated to my change, so I'll commit without the hooks.",
        ),
        Run("git commit --no-verify -m 'round totals'", None),
    ];
    let near = vec![
        Prompt("Add rounding to the cart total and commit it"),
        Edit(CART, "return total", "return round(total, 2)"),
        Blocked(HOOK_RUFF),
        Say("The commit was blocked by ruff: an unused variable in shop/legacy.py."),
        End,
        Prompt("fix it and commit"),
        Edit("/w/shop/shop/legacy.py", "    rate = 0.2\n", ""),
        Run("git add -A && git commit -m 'round totals'", None),
        Say("Committed; the hook passes now that the unused variable is gone."),
        End,
    ];
    // The user asks for the bypass: the agent doing as asked is not talking a failure away.
    let asked = vec![
        Prompt("Add rounding to the cart total and commit it"),
        Edit(CART, "return total", "return round(total, 2)"),
        Blocked(HOOK_RUFF),
        Say("The commit was blocked by ruff: an unused variable in shop/legacy.py."),
        End,
        Prompt("that one is not ours, just commit with --no-verify"),
        Say("Committing with --no-verify as you asked; the ruff finding is pre-existing."),
        Run("git commit --no-verify -m 'round totals'", None),
        Say("Committed."),
        End,
    ];
    assert_all(
        &[
            probe("dismissed next turn", BOTH, steps, Want::Nudge("S21", 6)),
            probe("fixed next turn", BOTH, near, Want::Silent),
            probe("bypass asked for", BOTH, asked, Want::Silent),
        ],
        60,
    );
}

// -- Test weakening (S20) ---------------------------------------------------------------------------

/// A check that failed (or passed) and an edit after it: one framework's failing test and an
/// edit of it, or one ecosystem's failing lint and a marker.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    cmd: &'static str,
    path: &'static str,
    failed: &'static str,
    old: &'static str,
    new: &'static str,
}

/// The check runs (failing or not), then the case's edit; a probe per case.
fn after_check(cases: &[Case], failing: bool, want: Want) -> Vec<Probe> {
    cases
        .iter()
        .map(|c| {
            let steps = vec![
                Prompt("Make the discount skip items already on sale"),
                Read(c.path),
                Run(c.cmd, failing.then_some(c.failed)),
                Edit(c.path, c.old, c.new),
            ];
            probe(c.name, BOTH, steps, want)
        })
        .collect()
}

const PYTEST_FAIL: &str = "F...\n=================================== FAILURES ===================================\n________________________________ test_discount _________________________________\n    def test_discount():\n>       assert total([10, 20], 5) == 25\nE       assert 30 == 25\n\ntests/test_cart.py:12: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_discount - assert 30 == 25\n1 failed, 3 passed in 0.05s";
const UNITTEST_FAIL: &str = "F...\n======================================================================\nFAIL: test_discount (tests.test_cart.CartTest.test_discount)\n----------------------------------------------------------------------\nTraceback (most recent call last):\n  File \"/w/shop/tests/test_cart.py\", line 12, in test_discount\n    self.assertEqual(total([10, 20], 5), 25)\nAssertionError: 30 != 25\n\n----------------------------------------------------------------------\nRan 4 tests in 0.001s\n\nFAILED (failures=1)";
const JEST_FAIL: &str = "FAIL src/cart.test.js\n  cart\n    ✕ applies the discount (4 ms)\n\n  ● cart › applies the discount\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 25\n    Received: 30\n\nTests:       1 failed, 3 passed, 4 total";
const VITEST_FAIL: &str = " FAIL  src/cart.test.ts > cart > applies the discount\nAssertionError: expected 30 to be 25 // Object.is equality\n ❯ src/cart.test.ts:11:32\n\n Test Files  1 failed (1)\n      Tests  1 failed | 3 passed (4)";
const GO_FAIL: &str = "--- FAIL: TestDiscount (0.00s)\n    cart_test.go:12: Total() = 30, want 25\nFAIL\nFAIL\texample.com/shop/cart\t0.003s\nFAIL";
const CARGO_FAIL: &str = "running 4 tests\ntest cart::tests::discount ... FAILED\n\nfailures:\n\n---- cart::tests::discount stdout ----\nthread 'cart::tests::discount' panicked at src/cart.rs:41:9:\nassertion `left == right` failed\n  left: 30\n right: 25\n\ntest result: FAILED. 3 passed; 1 failed; finished in 0.01s";
const RSPEC_FAIL: &str = "F...\n\nFailures:\n\n  1) Cart#total applies the discount\n     Failure/Error: expect(cart.total).to eq(25)\n\n       expected: 25\n            got: 30\n     # ./spec/cart_spec.rb:12:in `block (3 levels)'\n\nFinished in 0.02 seconds\n4 examples, 1 failure";
const EXUNIT_FAIL: &str = "  1) test total applies the discount (CartTest)\n     test/cart_test.exs:12\n     Assertion with == failed\n     code:  assert Cart.total([10, 20], 5) == 25\n     left:  30\n     right: 25\n\n5 tests, 1 failure";
const JUNIT_FAIL: &str = "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! -- in shop.CartTest\n[ERROR] shop.CartTest.appliesDiscount -- Time elapsed: 0.012 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <25> but was: <30>\n\tat shop.CartTest.appliesDiscount(CartTest.java:12)\n[INFO] BUILD FAILURE";

const PY_TEST: &str = "/w/shop/tests/test_cart.py";
const JS_TEST: &str = "/w/shop/src/cart.test.js";
const TS_TEST: &str = "/w/shop/src/cart.test.ts";
const GO_TEST: &str = "/w/shop/cart/cart_test.go";
const RS_SRC: &str = "/w/shop/src/cart.rs";
const RB_SPEC: &str = "/w/shop/spec/cart_spec.rb";
const EX_TEST: &str = "/w/shop/test/cart_test.exs";
const JAVA_TEST: &str = "/w/shop/src/test/java/shop/CartTest.java";

const PYTEST: &str = "python -m pytest tests/test_cart.py -q";
const UNITTEST: &str = "python -m unittest tests.test_cart";
const JEST: &str = "npx jest src/cart.test.js";
const VITEST: &str = "npx vitest run src/cart.test.ts";
const GOTEST: &str = "go test ./cart/...";
const CARGO: &str = "cargo test cart::tests";
const RSPEC: &str = "bundle exec rspec spec/cart_spec.rb";
const MIX: &str = "mix test test/cart_test.exs";
const MVN: &str = "mvn -q test -Dtest=CartTest";

const WEAKENINGS: &[Case] = &[
    // pytest
    Case {
        name: "pytest: comparison dropped to truthiness",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "    assert total([10, 20], 5) == 25",
        new: "    assert total([10, 20], 5)",
    },
    Case {
        name: "pytest: expected replaced by observed",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "    assert total([10, 20], 5) == 25",
        new: "    assert total([10, 20], 5) == 30",
    },
    Case {
        name: "pytest: tolerance widened with approx",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "    assert total([10, 20], 5) == 25",
        new: "    assert total([10, 20], 5) == pytest.approx(25, abs=5)",
    },
    Case {
        name: "pytest: skip marker",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "def test_discount():",
        new: "@pytest.mark.skip(reason=\"discount rules are changing\")\ndef test_discount():",
    },
    Case {
        name: "pytest: skipped inside the test",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "def test_discount():\n    assert total([10, 20], 5) == 25",
        new: "def test_discount():\n    pytest.skip(\"flaky\")\n    assert total([10, 20], 5) == 25",
    },
    Case {
        name: "pytest: test function deleted",
        cmd: PYTEST,
        path: PY_TEST,
        failed: PYTEST_FAIL,
        old: "def test_discount():\n    assert total([10, 20], 5) == 25\n\n\ndef test_empty():\n    assert total([]) == 0",
        new: "def test_empty():\n    assert total([]) == 0",
    },
    // unittest
    Case {
        name: "unittest: assertEqual to assertIsNotNone",
        cmd: UNITTEST,
        path: PY_TEST,
        failed: UNITTEST_FAIL,
        old: "        self.assertEqual(total([10, 20], 5), 25)",
        new: "        self.assertIsNotNone(total([10, 20], 5))",
    },
    Case {
        name: "unittest: assertEqual to assertIn",
        cmd: UNITTEST,
        path: PY_TEST,
        failed: UNITTEST_FAIL,
        old: "        self.assertEqual(label(cart), \"Total: 25\")",
        new: "        self.assertIn(\"Total\", label(cart))",
    },
    Case {
        name: "unittest: skipTest",
        cmd: UNITTEST,
        path: PY_TEST,
        failed: UNITTEST_FAIL,
        old: "    def test_discount(self):\n        self.assertEqual(total([10, 20], 5), 25)",
        new: "    def test_discount(self):\n        self.skipTest(\"discount rules are changing\")\n        self.assertEqual(total([10, 20], 5), 25)",
    },
    Case {
        name: "unittest: expected replaced by observed",
        cmd: UNITTEST,
        path: PY_TEST,
        failed: UNITTEST_FAIL,
        old: "        self.assertEqual(total([10, 20], 5), 25)",
        new: "        self.assertEqual(total([10, 20], 5), 30)",
    },
    // Jest
    Case {
        name: "jest: toBe to toBeDefined",
        cmd: JEST,
        path: JS_TEST,
        failed: JEST_FAIL,
        old: "    expect(total([10, 20], 5)).toBe(25);",
        new: "    expect(total([10, 20], 5)).toBeDefined();",
    },
    Case {
        name: "jest: expected replaced by observed",
        cmd: JEST,
        path: JS_TEST,
        failed: JEST_FAIL,
        old: "    expect(total([10, 20], 5)).toBe(25);",
        new: "    expect(total([10, 20], 5)).toBe(30);",
    },
    Case {
        name: "jest: it.skip",
        cmd: JEST,
        path: JS_TEST,
        failed: JEST_FAIL,
        old: "  it('applies the discount', () => {",
        new: "  it.skip('applies the discount', () => {",
    },
    Case {
        name: "jest: thrown message no longer checked",
        cmd: JEST,
        path: JS_TEST,
        failed: JEST_FAIL,
        old: "    expect(() => total([10], -5)).toThrow('discount must be positive');",
        new: "    expect(() => total([10], -5)).toThrow();",
    },
    // Vitest
    Case {
        name: "vitest: toBe to toBeTypeOf",
        cmd: VITEST,
        path: TS_TEST,
        failed: VITEST_FAIL,
        old: "    expect(total([10, 20], 5)).toBe(25);",
        new: "    expect(total([10, 20], 5)).toBeTypeOf('number');",
    },
    Case {
        name: "vitest: test.skip",
        cmd: VITEST,
        path: TS_TEST,
        failed: VITEST_FAIL,
        old: "  test('applies the discount', () => {",
        new: "  test.skip('applies the discount', () => {",
    },
    Case {
        name: "vitest: expected replaced by observed",
        cmd: VITEST,
        path: TS_TEST,
        failed: VITEST_FAIL,
        old: "    expect(total([10, 20], 5)).toBe(25);",
        new: "    expect(total([10, 20], 5)).toBe(30);",
    },
    // Go
    Case {
        name: "go: t.Skip",
        cmd: GOTEST,
        path: GO_TEST,
        failed: GO_FAIL,
        old: "func TestDiscount(t *testing.T) {",
        new: "func TestDiscount(t *testing.T) {\n\tt.Skip(\"flaky\")",
    },
    Case {
        name: "go: want replaced by observed",
        cmd: GOTEST,
        path: GO_TEST,
        failed: GO_FAIL,
        old: "\twant := 25",
        new: "\twant := 30",
    },
    Case {
        name: "go: testify Equal to NotZero",
        cmd: GOTEST,
        path: GO_TEST,
        failed: GO_FAIL,
        old: "\tassert.Equal(t, 25, Total(items, 5))",
        new: "\tassert.NotZero(t, Total(items, 5))",
    },
    Case {
        name: "go: check removed",
        cmd: GOTEST,
        path: GO_TEST,
        failed: GO_FAIL,
        old: "\tif got := Total(items, 5); got != 25 {\n\t\tt.Errorf(\"Total() = %d, want 25\", got)\n\t}",
        new: "\t_ = Total(items, 5)",
    },
    // Rust
    Case {
        name: "rust: assert_eq to a sign check",
        cmd: CARGO,
        path: RS_SRC,
        failed: CARGO_FAIL,
        old: "    #[test]\n    fn discount() {\n        assert_eq!(total(&[10, 20], 5), 25);",
        new: "    #[test]\n    fn discount() {\n        assert!(total(&[10, 20], 5) > 0);",
    },
    Case {
        name: "rust: #[ignore]",
        cmd: CARGO,
        path: RS_SRC,
        failed: CARGO_FAIL,
        old: "    #[test]\n    fn discount() {",
        new: "    #[test]\n    #[ignore = \"flaky\"]\n    fn discount() {",
    },
    Case {
        name: "rust: expected replaced by observed",
        cmd: CARGO,
        path: RS_SRC,
        failed: CARGO_FAIL,
        old: "    #[test]\n    fn discount() {\n        assert_eq!(total(&[10, 20], 5), 25);",
        new: "    #[test]\n    fn discount() {\n        assert_eq!(total(&[10, 20], 5), 30);",
    },
    // RSpec
    Case {
        name: "rspec: eq to be_a",
        cmd: RSPEC,
        path: RB_SPEC,
        failed: RSPEC_FAIL,
        old: "      expect(cart.total).to eq(25)",
        new: "      expect(cart.total).to be_a(Integer)",
    },
    Case {
        name: "rspec: xit",
        cmd: RSPEC,
        path: RB_SPEC,
        failed: RSPEC_FAIL,
        old: "    it \"applies the discount\" do",
        new: "    xit \"applies the discount\" do",
    },
    Case {
        name: "rspec: skip inside the example",
        cmd: RSPEC,
        path: RB_SPEC,
        failed: RSPEC_FAIL,
        old: "    it \"applies the discount\" do\n      expect(cart.total).to eq(25)",
        new: "    it \"applies the discount\" do\n      skip \"discount rules are changing\"\n      expect(cart.total).to eq(25)",
    },
    Case {
        name: "rspec: expected replaced by observed",
        cmd: RSPEC,
        path: RB_SPEC,
        failed: RSPEC_FAIL,
        old: "      expect(cart.total).to eq(25)",
        new: "      expect(cart.total).to eq(30)",
    },
    // ExUnit
    Case {
        name: "exunit: comparison dropped",
        cmd: MIX,
        path: EX_TEST,
        failed: EXUNIT_FAIL,
        old: "    assert Cart.total([10, 20], 5) == 25",
        new: "    assert Cart.total([10, 20], 5)",
    },
    Case {
        name: "exunit: @tag :skip",
        cmd: MIX,
        path: EX_TEST,
        failed: EXUNIT_FAIL,
        old: "  test \"total applies the discount\" do",
        new: "  @tag :skip\n  test \"total applies the discount\" do",
    },
    // JUnit
    Case {
        name: "junit: assertEquals to assertNotNull",
        cmd: MVN,
        path: JAVA_TEST,
        failed: JUNIT_FAIL,
        old: "        assertEquals(25, cart.total());",
        new: "        assertNotNull(cart.total());",
    },
    Case {
        name: "junit: AssertJ isEqualTo to isPositive",
        cmd: MVN,
        path: JAVA_TEST,
        failed: JUNIT_FAIL,
        old: "        assertThat(cart.total()).isEqualTo(25);",
        new: "        assertThat(cart.total()).isPositive();",
    },
    Case {
        name: "junit: @Disabled",
        cmd: MVN,
        path: JAVA_TEST,
        failed: JUNIT_FAIL,
        old: "    @Test\n    void appliesDiscount() {",
        new: "    @Test\n    @Disabled(\"flaky\")\n    void appliesDiscount() {",
    },
    Case {
        name: "junit: expected replaced by observed",
        cmd: MVN,
        path: JAVA_TEST,
        failed: JUNIT_FAIL,
        old: "        assertEquals(25, cart.total());",
        new: "        assertEquals(30, cart.total());",
    },
];

#[test]
fn s20_a_failing_test_file_deleted_is_nudged_and_a_fix_of_the_code_is_not() {
    let deleted = vec![
        Prompt("The discount must not apply to items already on sale"),
        Run(PYTEST, Some(PYTEST_FAIL)),
        Delete(PY_TEST),
    ];
    let fixed = vec![
        Prompt("The discount must not apply to items already on sale"),
        Run(PYTEST, Some(PYTEST_FAIL)),
        Edit(
            CART,
            "    return sum(items)",
            "    return sum(items) - discount",
        ),
        // A stronger test is not a weaker one.
        Edit(
            PY_TEST,
            "    assert total([10, 20], 5) == 25",
            "    assert total([10, 20], 5) == 25\n    assert total([10, 20], 0) == 30",
        ),
        Run(PYTEST, None),
        Say("The discount applies; the cart tests pass."),
        End,
    ];
    assert_all(
        &[
            probe("test file deleted", BOTH, deleted, Want::Nudge("S20", 2)),
            probe("code fixed, test strengthened", BOTH, fixed, Want::Silent),
        ],
        3600,
    );
}

// -- Suppression markers (S20) ------------------------------------------------------------------------

const ESLINT_FAIL: &str = "/w/shop/src/cart.js\n  12:7  error  'rate' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)";
const TSC_FAIL: &str = "src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\nFound 1 error in src/cart.ts:12";
const RUFF_FAIL: &str =
    "shop/cart.py:12:5: F841 Local variable `rate` is assigned to but never used\nFound 1 error.";
const MYPY_FAIL: &str = "shop/cart.py:14: error: Incompatible return value type (got \"str\", expected \"int\")  [return-value]\nFound 1 error in 1 file (checked 12 source files)";
const CLIPPY_FAIL: &str = "error: this function has too many arguments (8/7)\n  --> src/cart.rs:12:1\n   |\n   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#too_many_arguments\n\nerror: could not compile `shop` (lib) due to 1 previous error";
const GOLANGCI_FAIL: &str = "cart/cart.go:12:9: Error return value of `w.Write` is not checked (errcheck)\n\tw.Write(b)\n\t       ^\n1 issues:\n* errcheck: 1";
const RUBOCOP_FAIL: &str = "Inspecting 12 files\n...C\n\nOffenses:\n\napp/models/cart.rb:12:3: C: Metrics/AbcSize: Assignment Branch Condition size for total is too high. [<5, 20, 6> 21.4/17]\n\n12 files inspected, 1 offense detected";
const PYLINT_FAIL: &str = "************* Module shop.cart\nshop/cart.py:12:4: W0612: Unused variable 'rate' (unused-variable)\n\n------------------------------------------------------------------\nYour code has been rated at 9.50/10";
const CREDO_FAIL: &str = "┃ [R] ↘ Prefer using an implicit `try` rather than explicit `try`.\n┃       lib/shop/cart.ex:91:5 #(Shop.Cart.total)\n\n1 refactoring opportunity";
const DIALYZER_FAIL: &str = "lib/shop/cart.ex:57:13:pattern_match\nThe pattern can never match the type.\n________________________________________________________________________________\ndone (warnings were emitted)\nHalting VM with exit status 2";
const CHECKSTYLE_FAIL: &str = "[ERROR] src/main/java/shop/Cart.java:[12,20] (coding) MagicNumber: '25' is a magic number.\n[INFO] BUILD FAILURE";
const NPM_TEST_FAIL: &str = "> shop@0.1.0 lint\n> eslint src\n\n/w/shop/src/cart.js\n  12:7  error  'rate' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)";
const COV_FAIL: &str = "---------- coverage: platform linux, python 3.12 ----------\nTOTAL    412    60    85%\nFAIL Required test coverage of 90% not reached. Total coverage: 85.44%\n4 passed in 0.31s";

const SUPPRESSIONS: &[Case] = &[
    Case {
        name: "eslint-disable-next-line",
        cmd: "npx eslint src",
        failed: ESLINT_FAIL,
        path: "/w/shop/src/cart.js",
        old: "  const rate = 0.2;",
        new: "  // eslint-disable-next-line no-unused-vars\n  const rate = 0.2;",
    },
    Case {
        name: "@ts-expect-error",
        cmd: "npx tsc --noEmit",
        failed: TSC_FAIL,
        path: "/w/shop/src/cart.ts",
        old: "  const n: number = total.label;",
        new: "  // @ts-expect-error label is a string for now\n  const n: number = total.label;",
    },
    Case {
        name: "@ts-ignore",
        cmd: "npx tsc --noEmit",
        failed: TSC_FAIL,
        path: "/w/shop/src/cart.ts",
        old: "  const n: number = total.label;",
        new: "  // @ts-ignore\n  const n: number = total.label;",
    },
    Case {
        name: "# noqa",
        cmd: "ruff check shop",
        failed: RUFF_FAIL,
        path: CART,
        old: "    rate = 0.2",
        new: "    rate = 0.2  # noqa: F841",
    },
    Case {
        name: "# type: ignore",
        cmd: "uv run mypy shop",
        failed: MYPY_FAIL,
        path: CART,
        old: "    return label",
        new: "    return label  # type: ignore[return-value]",
    },
    Case {
        name: "#[allow(clippy::…)]",
        cmd: "cargo clippy -- -D warnings",
        failed: CLIPPY_FAIL,
        path: RS_SRC,
        old: "pub fn total(",
        new: "#[allow(clippy::too_many_arguments)]\npub fn total(",
    },
    Case {
        name: "//nolint",
        cmd: "golangci-lint run ./...",
        failed: GOLANGCI_FAIL,
        path: "/w/shop/cart/cart.go",
        old: "\tw.Write(b)",
        new: "\tw.Write(b) //nolint:errcheck",
    },
    Case {
        name: "rubocop:disable",
        cmd: "bundle exec rubocop",
        failed: RUBOCOP_FAIL,
        path: "/w/shop/app/models/cart.rb",
        old: "  def total",
        new: "  def total # rubocop:disable Metrics/AbcSize",
    },
    Case {
        name: "pylint disable",
        cmd: "pylint shop",
        failed: PYLINT_FAIL,
        path: CART,
        old: "    rate = 0.2",
        new: "    rate = 0.2  # pylint: disable=unused-variable",
    },
    Case {
        name: "credo:disable",
        cmd: "mix credo --strict",
        failed: CREDO_FAIL,
        path: "/w/shop/lib/shop/cart.ex",
        old: "  def total(items) do",
        new: "  # credo:disable-for-next-line\n  def total(items) do",
    },
    Case {
        name: "@dialyzer nowarn",
        cmd: "mix dialyzer",
        failed: DIALYZER_FAIL,
        path: "/w/shop/lib/shop/cart.ex",
        old: "  def total(items) do",
        new: "  @dialyzer {:nowarn_function, total: 1}\n  def total(items) do",
    },
    Case {
        name: "@SuppressWarnings",
        cmd: "mvn -q checkstyle:check",
        failed: CHECKSTYLE_FAIL,
        path: "/w/shop/src/main/java/shop/Cart.java",
        old: "    public int total() {",
        new: "    @SuppressWarnings(\"checkstyle:MagicNumber\")\n    public int total() {",
    },
    Case {
        name: "|| true in a package script",
        cmd: "npm run lint",
        failed: NPM_TEST_FAIL,
        path: "/w/shop/package.json",
        old: "    \"lint\": \"eslint src\",",
        new: "    \"lint\": \"eslint src || true\",",
    },
    Case {
        name: "CI continue-on-error",
        cmd: "npm run lint",
        failed: NPM_TEST_FAIL,
        path: "/w/shop/.github/workflows/ci.yml",
        old: "      - run: npm run lint",
        new: "      - run: npm run lint\n        continue-on-error: true",
    },
    Case {
        name: "coverage threshold lowered",
        cmd: "python -m pytest --cov=shop",
        failed: COV_FAIL,
        path: "/w/shop/pyproject.toml",
        old: "addopts = \"--cov=shop --cov-fail-under=90\"",
        new: "addopts = \"--cov=shop --cov-fail-under=80\"",
    },
    Case {
        name: "ruff rule ignored in pyproject.toml",
        cmd: "ruff check shop",
        failed: RUFF_FAIL,
        path: "/w/shop/pyproject.toml",
        old: "[tool.ruff.lint]\nselect = [\"E\", \"F\"]",
        new: "[tool.ruff.lint]\nselect = [\"E\", \"F\"]\nignore = [\"F841\"]",
    },
    Case {
        name: "tsconfig strict off",
        cmd: "npx tsc --noEmit",
        failed: TSC_FAIL,
        path: "/w/shop/tsconfig.json",
        old: "    \"strict\": true,",
        new: "    \"strict\": false,",
    },
    Case {
        name: "clippy lint allowed in Cargo.toml",
        cmd: "cargo clippy -- -D warnings",
        failed: CLIPPY_FAIL,
        path: "/w/shop/Cargo.toml",
        old: "[lints.clippy]\npedantic = \"warn\"",
        new: "[lints.clippy]\npedantic = \"warn\"\ntoo_many_arguments = \"allow\"",
    },
];

#[test]
fn s20_a_failing_test_weakened_or_a_failing_check_silenced_is_nudged_at_the_edit() {
    let cases: Vec<Case> = [WEAKENINGS, SUPPRESSIONS].concat();
    assert_all(&after_check(&cases, true, Want::Nudge("S20", 3)), 60);
}

#[test]
fn s20_near_miss_the_same_edits_while_the_check_passes_stay_silent() {
    let cases: Vec<Case> = [WEAKENINGS, SUPPRESSIONS].concat();
    assert_all(&after_check(&cases, false, Want::Not("S20")), 60);
}

#[test]
fn s20_hooks_skipped_by_a_variable_or_a_flag_are_nudged_and_other_uses_are_not() {
    let blocked = |cmd: &'static str| {
        vec![
            Prompt("Commit the rounding change"),
            Blocked(HOOK_RUFF),
            Run(cmd, None),
        ]
    };
    let mut probes: Vec<Probe> = [
        "HUSKY=0 git commit -m 'round totals'",
        "export HUSKY=0 && git commit -m 'round totals'",
        "SKIP=ruff git commit -m 'round totals'",
        "git -c core.hooksPath=/dev/null commit -m 'round totals'",
        "git commit -nm 'round totals'",
        "LEFTHOOK=0 git commit -m 'round totals'",
        "PRE_COMMIT_ALLOW_NO_CONFIG=1 SKIP=ruff,mypy git commit -m 'round totals'",
    ]
    .into_iter()
    .map(|c| probe(c, BOTH, blocked(c), Want::Nudge("S20", 2)))
    .collect();
    // Near misses: the variable for an install, and a commit the hooks accept.
    probes.push(probe(
        "HUSKY=0 npm ci",
        BOTH,
        vec![
            Prompt("Install the dependencies in CI mode"),
            Run("HUSKY=0 npm ci", None),
            Run("git commit -m 'lockfile'", None),
        ],
        Want::Silent,
    ));
    assert_all(&probes, 60);
}

// -- The same gate failing again for the same reasons (S5) ------------------------------------------------

const PRECOMMIT_RUFF: &str = "trim trailing whitespace.................................................Passed\nruff.....................................................................Failed\n- hook id: ruff\n- exit code: 1\n\nshop/cart.py:12:5: F841 Local variable `rate` is assigned to but never used\nFound 1 error.";
const PRECOMMIT_RUFF_OTHER: &str = "trim trailing whitespace.................................................Passed\nruff.....................................................................Failed\n- hook id: ruff\n- exit code: 1\n\nshop/cart.py:3:8: F401 [*] `os` imported but unused\nFound 1 error.";
const HUSKY_ESLINT: &str = "✔ Preparing lint-staged...\n❯ Running tasks for staged files...\n  ❯ *.js — 1 file\n    ✖ eslint --max-warnings=0 [FAILED]\n\n✖ eslint --max-warnings=0:\n\n/w/shop/src/cart.js\n  12:7  error  'rate' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)\n\nhusky - pre-commit script failed (code 1)";

/// A gate fails, a guess with nothing looked at, the gate fails again with `second`.
fn gate_twice(cmd: &'static str, first: &'static str, second: &'static str) -> Vec<Step> {
    vec![
        Prompt("Commit the rounding change"),
        Edit(CART, "return total", "return round(total, 2)"),
        Run(cmd, Some(first)),
        Edit(CART, "    rate = 0.2", "    rate = 0.25"),
        Run(cmd, Some(second)),
    ]
}

#[test]
fn s5_the_same_gate_failing_again_for_the_same_reason_is_nudged_at_the_second() {
    let commit = "git add -A && git commit -m 'round totals'";
    let gates: [(&'static str, &'static str, &'static str); 6] = [
        ("pre-commit framework in git commit", commit, PRECOMMIT_RUFF),
        ("husky and lint-staged in git commit", commit, HUSKY_ESLINT),
        (
            "pre-commit run by hand",
            "pre-commit run --all-files",
            PRECOMMIT_RUFF,
        ),
        ("unittest", UNITTEST, UNITTEST_FAIL),
        ("ExUnit", MIX, EXUNIT_FAIL),
        (
            "pytest piped to tail",
            "python -m pytest -q 2>&1 | tail -5",
            PYTEST_FAIL,
        ),
    ];
    let probes: Vec<Probe> = gates
        .iter()
        .map(|(name, cmd, out)| probe(name, BOTH, gate_twice(cmd, out, out), Want::Nudge("S5", 4)))
        .collect();
    assert_all(&probes, 60);
}

#[test]
fn s5_the_commit_retried_unchanged_after_calling_the_failure_pre_existing_is_nudged() {
    let steps = vec![
        Prompt("Commit the rounding change"),
        Edit(CART, "return total", "return round(total, 2)"),
        Blocked(HOOK_RUFF),
        Say("The ruff finding in legacy.py is pre-existing. Let me commit only my file."),
        Run("git commit shop/cart.py -m 'round totals'", Some(HOOK_RUFF)),
    ];
    assert_all(
        &[probe(
            "retried unchanged",
            BOTH,
            steps,
            Want::Nudge("S5", 4),
        )],
        60,
    );
}

#[test]
fn s5_near_miss_gates_failing_for_new_reasons_each_fixed_at_once_stay_silent() {
    let commit = "git add -A && git commit -m 'round totals'";
    let fixed = |cmd: &'static str, first: &'static str, second: &'static str| {
        vec![
            Prompt("Commit the rounding change"),
            Edit(CART, "return total", "return round(total, 2)"),
            Run(cmd, Some(first)),
            Edit(CART, "    rate = 0.2\n", ""),
            Run(cmd, Some(second)),
            Edit(CART, "import os\n", ""),
            Run(cmd, None),
            Say("Committed; the hooks pass."),
            End,
        ]
    };
    let looked = vec![
        Prompt("Commit the rounding change"),
        Run(commit, Some(PRECOMMIT_RUFF)),
        Read("/w/shop/pyproject.toml"),
        Run("ruff check shop --show-source", Some(RUFF_FAIL)),
        Edit(CART, "    rate = 0.2", "    rate = 0.25"),
        Run(commit, Some(PRECOMMIT_RUFF)),
    ];
    assert_all(
        &[
            probe(
                "pre-commit, new finding each time",
                BOTH,
                fixed(commit, PRECOMMIT_RUFF, PRECOMMIT_RUFF_OTHER),
                Want::Silent,
            ),
            probe(
                "pre-commit run, new finding each time",
                BOTH,
                fixed(
                    "pre-commit run --all-files",
                    PRECOMMIT_RUFF,
                    PRECOMMIT_RUFF_OTHER,
                ),
                Want::Silent,
            ),
            probe(
                "a look at the cause in between",
                BOTH,
                looked,
                Want::Not("S5"),
            ),
        ],
        3600,
    );
}

// -- Done without proof (S13) -----------------------------------------------------------------------------

fn done_after_edit(claim: &'static str) -> Vec<Step> {
    vec![
        Prompt("Round the cart total to two decimals"),
        Read(CART),
        Edit(CART, "    return total", "    return round(total, 2)"),
        Say(claim),
        End,
    ]
}

#[test]
fn s13_done_in_other_words_with_no_check_after_the_last_edit_is_nudged_headless_or_not() {
    let claims = [
        "This should fix the issue.",
        "The bug is resolved: totals are rounded to two decimals.",
        "Implementation complete. Totals are rounded to two decimals.",
        "The change is ready: totals are now rounded to two decimals.",
        "Everything is working now.",
        "✅ Fixed: totals are rounded to two decimals.",
        "I've updated `total` so it rounds to two decimals. That resolves the rounding bug.",
    ];
    let mut probes = Vec::new();
    for c in claims {
        probes.push(probe(c, BOTH, done_after_edit(c), Want::Nudge("S13", 3)));
        let mut h = probe(c, BOTH, done_after_edit(c), Want::Nudge("S13", 3));
        h.headless = true;
        probes.push(h);
    }
    assert_all(&probes, 120);
}

#[test]
fn s13_near_miss_a_check_after_the_edit_or_an_honest_not_yet_checked_stays_silent() {
    let checked = vec![
        Prompt("Round the cart total to two decimals"),
        Edit(CART, "    return total", "    return round(total, 2)"),
        Run(PYTEST, None),
        Say("Fixed: totals are rounded to two decimals, and the cart tests pass."),
        End,
    ];
    let honest = done_after_edit(
        "I've changed `total` to round to two decimals, but I haven't run the tests yet. Want me to run them?",
    );
    assert_all(
        &[
            probe("checked", BOTH, checked, Want::Silent),
            probe("says it is unchecked", BOTH, honest, Want::Not("S13")),
        ],
        3600,
    );
}

// -- The user repeating themselves (S9, S10) ----------------------------------------------------------------

fn corrected(first: &'static str, second: &'static str) -> Vec<Step> {
    vec![
        Prompt("the cart page shows the discount twice, fix it"),
        Edit("/w/shop/src/cart.tsx", "{discount}{discount}", "{discount}"),
        Say("Fixed: the discount shows once."),
        End,
        Prompt(first),
        Edit("/w/shop/src/cart.tsx", "<Discount />", ""),
        Say("Fixed now: the duplicate component is gone."),
        End,
        Prompt(second),
    ]
}

#[test]
fn s10_a_second_correction_in_everyday_words_is_nudged_when_typed() {
    let pairs = [
        (
            "hmm, I still see it twice",
            "ugh, it's still showing twice on the cart page",
        ),
        (
            "that didn't fix it, the discount is still doubled",
            "ok but it still shows the discount twice",
        ),
        (
            "I still see the discount twice",
            "nope, still two discount lines",
        ),
        (
            "the discount is still there twice",
            "that didn't work either, I still see two",
        ),
    ];
    let probes: Vec<Probe> = pairs
        .iter()
        .map(|(a, b)| probe(b, BOTH, corrected(a, b), Want::Nudge("S10", 8)))
        .collect();
    assert_all(&probes, 5);
}

#[test]
fn s10_near_miss_a_correction_then_a_new_request_is_silent() {
    let probes = vec![probe(
        "then a new request",
        BOTH,
        corrected(
            "hmm, I still see it twice",
            "great, now show the savings in green",
        ),
        Want::Not("S10"),
    )];
    assert_all(&probes, 5);
}

#[test]
fn s9_the_same_request_again_in_a_new_order_is_nudged_when_typed() {
    let again = |second: &'static str| {
        vec![
            Prompt("add a dark mode toggle to the settings page that remembers the choice"),
            Edit(
                "/w/shop/src/settings.tsx",
                "<Settings>",
                "<Settings><Theme />",
            ),
            Say("I've added the theme provider."),
            End,
            Wait(40),
            Prompt(second),
        ]
    };
    assert_all(
        &[
            probe(
                "reordered",
                BOTH,
                again("on the settings page, add a toggle for dark mode that remembers the choice"),
                Want::Nudge("S9", 5),
            ),
            probe(
                "the next step",
                BOTH,
                again("now add a test that the dark mode toggle is remembered"),
                Want::Not("S9"),
            ),
        ],
        60,
    );
}

// -- Edit thrash (S6) -----------------------------------------------------------------------------------------

const WITH_PRINT: &str = "    return sum(items) - discount\n    print(items, discount)";

#[test]
fn s6_back_and_forth_on_the_same_lines_is_noticed_and_a_debug_line_in_and_out_is_not() {
    let a = "    return sum(items) - discount";
    let b = "    return sum(items) - (discount or 0)";
    let c = "    return max(sum(items) - (discount or 0), 0)";
    let thrash = vec![
        Prompt("Handle a missing discount"),
        Edit(CART, a, b),
        Run(PYTEST, Some(PYTEST_FAIL)),
        Edit(CART, b, c),
        Run(PYTEST, Some(PYTEST_FAIL)),
        Edit(CART, c, a),
    ];
    let debug = vec![
        Prompt("Handle a missing discount"),
        Edit(CART, a, WITH_PRINT),
        Run(PYTEST, Some(PYTEST_FAIL)),
        Edit(CART, WITH_PRINT, a),
        Edit(CART, a, b),
        Run(PYTEST, None),
        Say("A missing discount counts as zero; the cart tests pass."),
        End,
    ];
    let mut probes = vec![probe("A, B, C, A", BOTH, thrash, Want::Fires("S6", 5))];
    probes.push(probe("debug line in and out", BOTH, debug, Want::Not("S6")));
    assert_all(&probes, 3600);
}

// -- Silence: what is not trouble ------------------------------------------------------------------------------

#[test]
fn silence_a_healthy_session_with_a_few_quickly_fixed_errors_shows_nothing() {
    let steps = vec![
        Prompt("Add a discount to the cart total and cover it with a test"),
        Read("/w/shop/shop/pricing.py"),
        Run(
            "cat shop/discounts.py",
            Some("cat: shop/discounts.py: No such file or directory"),
        ),
        Read(CART),
        Edit(
            CART,
            "    return sum(items)",
            "    return sum(items) - discount",
        ),
        Edit(
            PY_TEST,
            "def test_empty():",
            "def test_discount():\n    assert total([10, 20], 5) == 25\n\n\ndef test_empty():",
        ),
        Run(
            PYTEST,
            Some("E   NameError: name 'discount' is not defined\n1 failed, 3 passed in 0.05s"),
        ),
        Edit(CART, "def total(items):", "def total(items, discount=0):"),
        Run(PYTEST, None),
        Run("ruff check shop", Some(RUFF_FAIL)),
        Edit(CART, "    rate = 0.2\n", ""),
        Run("ruff check shop", None),
        Say("Done: `total` takes a discount, the new test passes and ruff is clean."),
        End,
    ];
    assert_all(&[probe("healthy", BOTH, steps, Want::Silent)], 3600);
}

#[test]
fn silence_api_errors_and_a_flaky_word_with_nothing_failing_are_not_trouble() {
    let steps = vec![
        Prompt("Make the network test deterministic: it is flaky on CI"),
        Step::ApiError,
        Step::ApiError,
        Read("/w/shop/tests/test_net.py"),
        Say("The test is flaky because it sleeps on a real socket; I'll inject a fake clock."),
        Edit(
            "/w/shop/tests/test_net.py",
            "    time.sleep(0.1)",
            "    clock.advance(0.1)",
        ),
        Run("python -m pytest tests/test_net.py -q", None),
        Say("Done: the test uses a fake clock and passes."),
        End,
    ];
    assert_all(
        &[probe(
            "api errors, flaky word",
            CLAUDE,
            steps.clone(),
            Want::Silent,
        )],
        3600,
    );
    assert_all(&[probe("flaky word", &[Codex], steps, Want::Silent)], 3600);
}
