//! The stall kinds that unseen sessions show, across ecosystems and agents: the same rules must
//! hold whatever runs the check (cargo, pytest, jest, vitest, go, Maven, Gradle, tsc, eslint,
//! ruff, rspec) and whichever agent runs it (Claude Code's Bash and Edit, Codex's exec_command
//! and apply_patch). For each kind: a positive case and a near miss, per ecosystem, per agent.

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

/// One ecosystem's check: the command, the file the agent edits, and three failing outputs:
/// `same` twice (the same failure with shifted line numbers, timings and seeds) and `other`
/// (another cause in the same check).
struct Eco {
    name: &'static str,
    cmd: &'static str,
    file: &'static str,
    same: [&'static str; 2],
    other: &'static str,
}

const ECOS: &[Eco] = &[
    Eco {
        name: "cargo",
        cmd: "cargo test -p shop",
        file: "/w/shop/src/cart.rs",
        same: [
            "running 4 tests\ntest cart::tests::discount ... FAILED\n\nfailures:\n\n---- cart::tests::discount stdout ----\nthread 'cart::tests::discount' panicked at src/cart.rs:41:9:\nassertion `left == right` failed\n  left: 30\n right: 25\n\ntest result: FAILED. 3 passed; 1 failed; finished in 0.01s",
            "running 4 tests\ntest cart::tests::discount ... FAILED\n\nfailures:\n\n---- cart::tests::discount stdout ----\nthread 'cart::tests::discount' panicked at src/cart.rs:43:9:\nassertion `left == right` failed\n  left: 30\n right: 25\n\ntest result: FAILED. 3 passed; 1 failed; finished in 0.02s",
        ],
        other: "error[E0425]: cannot find value `rate` in this scope\n  --> src/cart.rs:12:20\n\nerror: could not compile `shop` (lib) due to 1 previous error",
    },
    Eco {
        name: "pytest",
        cmd: "python -m pytest tests/test_cart.py -q",
        file: "/w/shop/shop/cart.py",
        same: [
            "F...\n=================================== FAILURES ===================================\n________________________________ test_discount _________________________________\n    def test_discount():\n>       assert total([10, 20], 5) == 25\nE       assert 30 == 25\n\ntests/test_cart.py:12: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_discount - assert 30 == 25\n1 failed, 3 passed in 0.05s",
            "F...\n=================================== FAILURES ===================================\n________________________________ test_discount _________________________________\n    def test_discount():\n>       assert total([10, 20], 5) == 25\nE       assert 30 == 25\n\ntests/test_cart.py:14: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_discount - assert 30 == 25\n1 failed, 3 passed in 0.07s",
        ],
        other: "E   ModuleNotFoundError: No module named 'shop.pricing'\n=========================== short test summary info ============================\nERROR tests/test_cart.py\n1 error in 0.04s",
    },
    Eco {
        name: "jest",
        cmd: "npx jest src/cart.test.js",
        file: "/w/shop/src/cart.js",
        same: [
            "FAIL src/cart.test.js\n  cart\n    ✕ applies the discount (4 ms)\n\n  ● cart › applies the discount\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 25\n    Received: 30\n\n      10 |   it('applies the discount', () => {\n    > 11 |     expect(total([10, 20], 5)).toBe(25);\n\nTests:       1 failed, 3 passed, 4 total",
            "FAIL src/cart.test.js\n  cart\n    ✕ applies the discount (6 ms)\n\n  ● cart › applies the discount\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 25\n    Received: 30\n\n      12 |   it('applies the discount', () => {\n    > 13 |     expect(total([10, 20], 5)).toBe(25);\n\nTests:       1 failed, 3 passed, 4 total",
        ],
        other: "FAIL src/cart.test.js\n  ● Test suite failed to run\n\n    Cannot find module './pricing' from 'src/cart.js'\n\nTests:       0 total",
    },
    Eco {
        name: "vitest",
        cmd: "npx vitest run src/cart.test.ts",
        file: "/w/shop/src/cart.ts",
        same: [
            " FAIL  src/cart.test.ts > cart > applies the discount\nAssertionError: expected 30 to be 25 // Object.is equality\n ❯ src/cart.test.ts:11:32\n\n Test Files  1 failed (1)\n      Tests  1 failed | 3 passed (4)\n   Duration  312ms",
            " FAIL  src/cart.test.ts > cart > applies the discount\nAssertionError: expected 30 to be 25 // Object.is equality\n ❯ src/cart.test.ts:13:32\n\n Test Files  1 failed (1)\n      Tests  1 failed | 3 passed (4)\n   Duration  298ms",
        ],
        other: " FAIL  src/cart.test.ts [ src/cart.test.ts ]\nError: Failed to resolve import \"./pricing\" from \"src/cart.ts\". Does the file exist?\n\n Test Files  1 failed (1)\n      Tests  no tests",
    },
    Eco {
        name: "go",
        cmd: "go test ./cart/...",
        file: "/w/shop/cart/cart.go",
        same: [
            "--- FAIL: TestDiscount (0.00s)\n    cart_test.go:12: total() = 30, want 25\nFAIL\nFAIL\texample.com/shop/cart\t0.003s\nFAIL",
            "--- FAIL: TestDiscount (0.00s)\n    cart_test.go:14: total() = 30, want 25\nFAIL\nFAIL\texample.com/shop/cart\t0.004s\nFAIL",
        ],
        other: "# example.com/shop/cart\ncart/cart.go:12:9: undefined: rate\nFAIL\texample.com/shop/cart [build failed]\nFAIL",
    },
    Eco {
        name: "maven",
        cmd: "mvn -q clean test -Dtest=CartTest",
        file: "/w/shop/src/main/java/shop/Cart.java",
        same: [
            "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.051 s <<< FAILURE! -- in shop.CartTest\n[ERROR] shop.CartTest.appliesDiscount -- Time elapsed: 0.012 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <25> but was: <30>\n\tat shop.CartTest.appliesDiscount(CartTest.java:12)\n[ERROR] Failures: \n[ERROR]   CartTest.appliesDiscount:12 expected: <25> but was: <30>\n[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0\n[INFO] BUILD FAILURE",
            "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.048 s <<< FAILURE! -- in shop.CartTest\n[ERROR] shop.CartTest.appliesDiscount -- Time elapsed: 0.010 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <25> but was: <30>\n\tat shop.CartTest.appliesDiscount(CartTest.java:14)\n[ERROR] Failures: \n[ERROR]   CartTest.appliesDiscount:14 expected: <25> but was: <30>\n[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0\n[INFO] BUILD FAILURE",
        ],
        other: "[ERROR] COMPILATION ERROR : \n[ERROR] /w/shop/src/main/java/shop/Cart.java:[12,20] cannot find symbol\n  symbol:   variable rate\n[INFO] BUILD FAILURE",
    },
    Eco {
        name: "gradle",
        cmd: "./gradlew :app:test --tests shop.CartTest",
        file: "/w/shop/app/src/main/kotlin/shop/Cart.kt",
        same: [
            "> Task :app:test FAILED\n\nCartTest > appliesDiscount() FAILED\n    org.opentest4j.AssertionFailedError at CartTest.kt:12\n\n4 tests completed, 1 failed\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':app:test'.\n\nBUILD FAILED in 3s",
            "> Task :app:test FAILED\n\nCartTest > appliesDiscount() FAILED\n    org.opentest4j.AssertionFailedError at CartTest.kt:14\n\n4 tests completed, 1 failed\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':app:test'.\n\nBUILD FAILED in 4s",
        ],
        other: "> Task :app:compileKotlin FAILED\ne: file:///w/shop/app/src/main/kotlin/shop/Cart.kt:12:20 Unresolved reference: rate\n\nFAILURE: Build failed with an exception.\n\nBUILD FAILED in 2s",
    },
    Eco {
        name: "npm build (Next.js)",
        cmd: "npm run build",
        file: "/w/shop/src/app/cart/page.tsx",
        same: [
            "> shop@0.1.0 build\n> next build\n\n   Creating an optimized production build ...\nFailed to compile.\n\n./src/app/cart/page.tsx:12:7\nType error: Type 'string' is not assignable to type 'number'.\n\n  10 |   const total = useTotal();\n> 12 |   const n: number = total.label;\n\nNext.js build worker exited with code: 1",
            "> shop@0.1.0 build\n> next build\n\n   Creating an optimized production build ...\nFailed to compile.\n\n./src/app/cart/page.tsx:14:7\nType error: Type 'string' is not assignable to type 'number'.\n\n  12 |   const total = useTotal();\n> 14 |   const n: number = total.label;\n\nNext.js build worker exited with code: 1",
        ],
        other: "> shop@0.1.0 build\n> next build\n\nFailed to compile.\n\n./src/app/cart/page.tsx\nModule not found: Can't resolve '@/lib/pricing'\n\n> Build failed because of webpack errors",
    },
    Eco {
        name: "tsc",
        cmd: "npx tsc --noEmit",
        file: "/w/shop/src/cart.ts",
        same: [
            "src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\nFound 1 error in src/cart.ts:12",
            "src/cart.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\nFound 1 error in src/cart.ts:14",
        ],
        other: "src/cart.ts(3,24): error TS2307: Cannot find module './pricing' or its corresponding type declarations.\n\nFound 1 error in src/cart.ts:3",
    },
    Eco {
        name: "eslint",
        cmd: "npx eslint src",
        file: "/w/shop/src/cart.js",
        same: [
            "/w/shop/src/cart.js\n  12:7  error  'rate' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)",
            "/w/shop/src/cart.js\n  14:7  error  'rate' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)",
        ],
        other: "/w/shop/src/cart.js\n  3:10  error  'format' is defined but never used  no-unused-vars\n  20:1  error  Expected indentation of 2 spaces but found 4  indent\n\n✖ 2 problems (2 errors, 0 warnings)",
    },
    Eco {
        name: "ruff",
        cmd: "ruff check shop",
        file: "/w/shop/shop/cart.py",
        same: [
            "shop/cart.py:12:5: F841 Local variable `rate` is assigned to but never used\nFound 1 error.",
            "shop/cart.py:14:5: F841 Local variable `rate` is assigned to but never used\nFound 1 error.",
        ],
        other: "shop/cart.py:1:8: F401 [*] `os` imported but unused\nFound 1 error.\n[*] 1 fixable with the `--fix` option.",
    },
    Eco {
        name: "rspec",
        cmd: "bundle exec rspec spec/cart_spec.rb",
        file: "/w/shop/app/models/cart.rb",
        same: [
            "F...\n\nFailures:\n\n  1) Cart#total applies the discount\n     Failure/Error: expect(cart.total).to eq(25)\n\n       expected: 25\n            got: 30\n     # ./spec/cart_spec.rb:12:in `block (3 levels)'\n\nFinished in 0.02 seconds\n4 examples, 1 failure\n\nFailed examples:\n\nrspec ./spec/cart_spec.rb:10 # Cart#total applies the discount",
            "F...\n\nFailures:\n\n  1) Cart#total applies the discount\n     Failure/Error: expect(cart.total).to eq(25)\n\n       expected: 25\n            got: 30\n     # ./spec/cart_spec.rb:14:in `block (3 levels)'\n\nFinished in 0.03 seconds\n4 examples, 1 failure\n\nFailed examples:\n\nrspec ./spec/cart_spec.rb:12 # Cart#total applies the discount",
        ],
        other: "An error occurred while loading ./spec/cart_spec.rb.\nFailure/Error: require 'pricing'\n\nLoadError:\n  cannot load such file -- pricing\n\nFinished in 0.0001 seconds\n0 examples, 0 failures, 1 error occurred outside of examples",
    },
];

const PASSED: &str = "All checks passed: 4 passed, 0 failed.";

/// The agent under test: how a session is written and read.
#[derive(Clone, Copy, Debug)]
enum Agent {
    Claude,
    Codex,
}

/// A session written for one agent, with the lines of what it did (for Claude Code: the line of
/// each check's result; for Codex: the line of each command's output).
struct Session {
    agent: Agent,
    claude: Transcript,
    codex: Rollout,
}

impl Session {
    fn new(agent: Agent, prompt: &str) -> Self {
        let mut s = Self {
            agent,
            claude: Transcript::new(),
            codex: Rollout::new(&thread_id(1), "/w/shop", 1_771_000_000_000),
        };
        s.prompt(prompt);
        s
    }

    fn prompt(&mut self, text: &str) -> u64 {
        match self.agent {
            Agent::Claude => self.claude.prompt(text),
            Agent::Codex => {
                self.codex.prompt(text);
                self.codex.lines.len() as u64
            }
        }
    }

    fn say(&mut self, text: &str) -> u64 {
        match self.agent {
            Agent::Claude => self.claude.say(text),
            Agent::Codex => {
                // `agent_message` is the line read; its `response_item` twin follows.
                self.codex.say(text);
                self.codex.lines.len() as u64 - 1
            }
        }
    }

    /// Lets time pass.
    fn wait(&mut self, secs: i64) {
        match self.agent {
            Agent::Claude => {
                self.claude.wait(secs);
            }
            Agent::Codex => self.codex.t += secs * 1000,
        }
    }

    /// A check; `None` passes.
    fn check(&mut self, cmd: &str, failing: Option<&str>) -> u64 {
        match self.agent {
            Agent::Claude => self
                .claude
                .bash(cmd, failing.is_none(), failing.unwrap_or(PASSED)),
            Agent::Codex => {
                self.codex.exec_output(
                    cmd,
                    i32::from(failing.is_some()),
                    failing.unwrap_or(PASSED),
                );
                self.codex.lines.len() as u64
            }
        }
    }

    /// A small edit of `path` (the `n`th).
    fn edit(&mut self, path: &str, n: u32) -> u64 {
        match self.agent {
            Agent::Claude => self.claude.edit(
                path,
                &format!("old line {n}"),
                &format!("new line {n}\nmore {n}"),
            ),
            Agent::Codex => {
                self.codex.patch(path, n);
                self.codex.lines.len() as u64
            }
        }
    }

    /// An edit of `path` that does not apply (its old text is not in the file).
    fn edit_failed(&mut self, path: &str, n: u32) -> u64 {
        match self.agent {
            Agent::Claude => {
                self.claude
                    .edit_failed(path, &format!("stale line {n}"), &format!("new line {n}"))
            }
            Agent::Codex => {
                self.codex.patch_failed(path, n);
                self.codex.lines.len() as u64
            }
        }
    }

    /// A read of `path` (Codex reads through the shell).
    fn read(&mut self, path: &str) -> u64 {
        match self.agent {
            Agent::Claude => self.claude.read(path),
            Agent::Codex => {
                self.codex
                    .exec_output(&format!("sed -n 1,80p {path}"), 0, "fn total() {}\n");
                self.codex.lines.len() as u64
            }
        }
    }

    fn end_turn(&mut self) {
        match self.agent {
            Agent::Claude => {
                self.claude.turn_end();
            }
            Agent::Codex => self.codex.end_turn(),
        }
    }

    /// Reads the session, then lets `idle_secs` pass.
    fn coach(&self, idle_secs: i64) -> Pipeline {
        let (format, text, t) = match self.agent {
            Agent::Claude => (Format::Claude, self.claude.text(), None),
            Agent::Codex => (Format::Codex, self.codex.text(), Some(self.codex.t)),
        };
        let mut p = Pipeline::for_format(format, Some("eco".into()), Rules::shared_default());
        p.feed(text.as_bytes());
        p.finish();
        let end = t.or(p.engine().now().map(|m| m.0)).unwrap_or(0);
        p.tick(Millis(end + idle_secs * 1000));
        p
    }
}

const AGENTS: [Agent; 2] = [Agent::Claude, Agent::Codex];

// -- The same failing check retried with small edits --------------------------------------------

#[test]
fn the_same_check_failing_the_same_way_after_a_small_edit_is_nudged_in_every_ecosystem() {
    let mut missed = Vec::new();
    for agent in AGENTS {
        for eco in ECOS {
            let mut s = Session::new(
                agent,
                "make the cart discount work and keep the tests green",
            );
            s.edit(eco.file, 1);
            s.check(eco.cmd, Some(eco.same[0]));
            // A guess: the same file edited again, nothing looked at.
            s.edit(eco.file, 2);
            let second = s.check(eco.cmd, Some(eco.same[1]));
            let p = s.coach(60);
            let s5 = fired(&p, "S5");
            let nudged = nudges(&p).contains(&("S5".to_owned(), second));
            if s5 != [second] || !nudged {
                missed.push(format!(
                    "{agent:?} {}: S5 at {s5:?}, nudges {:?}, want S5 at {second}",
                    eco.name,
                    nudges(&p)
                ));
            }
        }
    }
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn near_miss_a_check_failing_for_different_causes_each_fixed_at_once_stays_silent_everywhere() {
    let mut noisy = Vec::new();
    for agent in AGENTS {
        for eco in ECOS {
            let mut s = Session::new(
                agent,
                "make the cart discount work and keep the tests green",
            );
            s.edit(eco.file, 1);
            s.check(eco.cmd, Some(eco.other));
            s.edit(eco.file, 2);
            s.check(eco.cmd, Some(eco.same[0]));
            s.edit(eco.file, 3);
            s.check(eco.cmd, None);
            s.say("Done: the discount applies and the checks pass.");
            s.end_turn();
            let p = s.coach(3600);
            if !nudges(&p).is_empty() || !fired(&p, "S5").is_empty() {
                noisy.push(format!("{agent:?} {}: {:?}", eco.name, nudges(&p)));
            }
        }
    }
    assert!(noisy.is_empty(), "{noisy:#?}");
}

#[test]
fn every_ecosystems_check_is_recognised_and_its_failure_named() {
    // What the two rules above stand on: each command is a check, and each failing output names
    // its failure, the same for the same cause and another for another cause.
    use ringside::core::checks::{classify_command, failure};
    use ringside::core::classify::failure::causes;
    let mut wrong = Vec::new();
    for eco in ECOS {
        if classify_command(eco.cmd).check.is_none() {
            wrong.push(format!("{}: `{}` is not a check", eco.name, eco.cmd));
        }
        let [a, b] = eco.same.map(failure);
        let other = failure(eco.other);
        let why = || {
            format!(
                "same: {:?} / {:?}, other: {:?}",
                causes(eco.same[0]),
                causes(eco.same[1]),
                causes(eco.other)
            )
        };
        if !(a.named && b.named && other.named) {
            wrong.push(format!("{}: not named ({})", eco.name, why()));
        } else if a.signature != b.signature || a.signature == other.signature {
            wrong.push(format!("{}: signatures ({})", eco.name, why()));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// -- An edit that does not apply, tried again and again ------------------------------------------

#[test]
fn edits_of_one_file_that_keep_failing_to_apply_are_the_same_failing_action() {
    for agent in AGENTS {
        let file = "/w/shop/src/cart.ts";
        let mut s = Session::new(agent, "rename total to subtotal in the cart module");
        let first = s.edit_failed(file, 1);
        s.read(file);
        let second = s.edit_failed(file, 2);
        s.read(file);
        let third = s.edit_failed(file, 3);
        let p = s.coach(60);
        assert_eq!(fired(&p, "S1"), [third], "{agent:?}");
        let f = p
            .engine()
            .firings
            .iter()
            .find(|f| f.signal.code() == "S1")
            .unwrap();
        assert_eq!(
            f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(),
            [first, second, third],
            "{agent:?}"
        );
        assert!(f.detail.contains("cart.ts"), "{}", f.detail);
        assert_eq!(nudges(&p), [("S1".to_owned(), third)], "{agent:?}");
    }
}

#[test]
fn near_miss_an_edit_that_applies_after_a_read_or_failures_spread_over_files_stay_silent() {
    for agent in AGENTS {
        let mut s = Session::new(agent, "rename total to subtotal in the cart module");
        // The usual stale edit: fails, the file is read, the next edit applies.
        s.edit_failed("/w/shop/src/cart.ts", 1);
        s.read("/w/shop/src/cart.ts");
        s.edit("/w/shop/src/cart.ts", 2);
        s.edit_failed("/w/shop/src/cart.ts", 3);
        s.read("/w/shop/src/cart.ts");
        s.edit("/w/shop/src/cart.ts", 4);
        // One failure each in two other files.
        s.edit_failed("/w/shop/src/order.ts", 5);
        s.edit("/w/shop/src/order.ts", 6);
        s.edit_failed("/w/shop/src/invoice.ts", 7);
        s.edit("/w/shop/src/invoice.ts", 8);
        s.check("npx tsc --noEmit", None);
        s.say("Renamed; the type check passes.");
        s.end_turn();
        let p = s.coach(3600);
        assert!(fired(&p, "S1").is_empty(), "{agent:?}");
        assert!(nudges(&p).is_empty(), "{agent:?}: {:?}", nudges(&p));
    }
}

// -- The user asking again, correcting again, and giving up ---------------------------------------

/// A turn of work on `file`: a few edits over `minutes`, ending with the agent's `claim`.
fn work(s: &mut Session, file: &str, minutes: i64, claim: &str) {
    for n in 0..4 {
        s.wait(minutes * 15);
        s.edit(file, 100 + n);
    }
    s.say(claim);
    s.end_turn();
}

#[test]
fn the_same_request_again_after_a_long_turn_is_a_re_prompt_when_it_is_typed() {
    for agent in AGENTS {
        let file = "/w/shop/src/settings.tsx";
        let ask = "add a dark mode toggle to the settings page that remembers the choice";
        let mut s = Session::new(agent, ask);
        // The agent works for eight minutes; the user reads the answer and asks again at once.
        work(&mut s, file, 8, "I've added the theme provider.");
        s.wait(40);
        let again =
            s.prompt("add a dark mode toggle to the settings page, it must remember the choice");
        let p = s.coach(60);
        assert_eq!(fired(&p, "S9"), [again], "{agent:?}");
        assert!(nudges(&p).contains(&("S9".to_owned(), again)), "{agent:?}");

        // Near miss: the next step on the same page is a new request, not a repeat.
        let mut near = Session::new(agent, ask);
        work(
            &mut near,
            file,
            8,
            "Done: the toggle is on the settings page and is saved.",
        );
        near.wait(40);
        near.prompt("now add a test for the settings page toggle");
        let p = near.coach(60);
        assert!(fired(&p, "S9").is_empty(), "{agent:?}");
    }
}

#[test]
fn corrections_in_new_words_while_the_agent_keeps_claiming_success_are_nudged_at_the_second() {
    for agent in AGENTS {
        let file = "/w/shop/src/login.tsx";
        let mut s = Session::new(
            agent,
            "the login button does nothing when I click it, fix it",
        );
        work(
            &mut s,
            file,
            2,
            "Fixed! The login button now submits the form. ✅",
        );
        s.prompt("still nothing happens when I click login");
        work(
            &mut s,
            file,
            2,
            "You're right. Fixed now: the handler is bound. Everything works.",
        );
        let second = s.prompt("it's STILL broken, clicking it does nothing at all");
        let p = s.coach(60);
        assert_eq!(fired(&p, "S10").len(), 1, "{agent:?}: {:?}", nudges(&p));
        assert!(
            nudges(&p).contains(&("S10".to_owned(), second)),
            "{agent:?}: {:?}",
            nudges(&p)
        );

        // Near miss: one correction, then a new request.
        let mut near = Session::new(
            agent,
            "the login button does nothing when I click it, fix it",
        );
        near.edit(file, 1);
        near.check("npx vitest run src/login.test.tsx", None);
        near.say("Fixed: the login button now submits the form, and its test passes.");
        near.end_turn();
        near.prompt("still nothing happens when I click login");
        for n in 0..2 {
            near.edit(file, 200 + n);
        }
        near.check("npx vitest run src/login.test.tsx", None);
        near.say("The handler was not bound; it is now, and the login test passes.");
        near.end_turn();
        near.prompt("great, now show a spinner while it submits");
        let p = near.coach(60);
        assert!(fired(&p, "S10").is_empty(), "{agent:?}");
        assert!(nudges(&p).is_empty(), "{agent:?}: {:?}", nudges(&p));
    }
}

#[test]
fn a_long_turn_of_edits_called_done_with_no_check_is_nudged_at_the_claim() {
    for agent in AGENTS {
        let mut s = Session::new(agent, "add CSV export to the orders page");
        s.check("npm test", None);
        for (n, f) in [
            "src/orders.ts",
            "src/csv.ts",
            "src/api/export.ts",
            "src/page.tsx",
        ]
        .iter()
        .enumerate()
        {
            s.edit(&format!("/w/shop/{f}"), u32::try_from(n).unwrap());
            s.edit(&format!("/w/shop/{f}"), 10 + u32::try_from(n).unwrap());
        }
        let claim = s.say("I've implemented CSV export. The feature is complete and ready to use.");
        s.end_turn();
        let p = s.coach(60);
        assert_eq!(fired(&p, "S13"), [claim], "{agent:?}");
        assert!(nudges(&p).contains(&("S13".to_owned(), claim)), "{agent:?}");

        // Near miss: the same work, checked after the last edit.
        let mut near = Session::new(agent, "add CSV export to the orders page");
        for (n, f) in ["src/orders.ts", "src/csv.ts"].iter().enumerate() {
            near.edit(&format!("/w/shop/{f}"), u32::try_from(n).unwrap());
        }
        near.check("npm test", None);
        near.say("I've implemented CSV export; the tests pass.");
        near.end_turn();
        let p = near.coach(60);
        assert!(fired(&p, "S13").is_empty(), "{agent:?}");
    }
}

#[test]
fn walking_away_after_the_same_failure_again_is_noticed_after_the_silence() {
    for agent in AGENTS {
        let eco = &ECOS[1];
        let mut s = Session::new(agent, "make the discount test pass");
        s.edit(eco.file, 1);
        s.check(eco.cmd, Some(eco.same[0]));
        s.edit(eco.file, 2);
        s.check(eco.cmd, Some(eco.same[1]));
        let last = s.say("I could not get the discount test to pass yet.");
        s.end_turn();
        let p = s.coach(45 * 60);
        assert_eq!(fired(&p, "S19").len(), 1, "{agent:?}");
        assert!(fired(&p, "S19")[0] >= last, "{agent:?}");
        assert!(
            nudges(&p).iter().any(|(c, l)| c == "S19" && *l >= last),
            "{agent:?}: {:?}",
            nudges(&p)
        );

        // Near miss: the failure fixed, then the user leaves a finished session.
        let mut near = Session::new(agent, "make the discount test pass");
        near.edit(eco.file, 1);
        near.check(eco.cmd, Some(eco.same[0]));
        near.edit(eco.file, 2);
        near.check(eco.cmd, None);
        near.say("The discount test passes now.");
        near.end_turn();
        let p = near.coach(45 * 60);
        assert!(fired(&p, "S19").is_empty(), "{agent:?}");
        assert!(nudges(&p).is_empty(), "{agent:?}: {:?}", nudges(&p));
    }
}
