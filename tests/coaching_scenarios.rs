//! Coaching scenarios in the shape the real client writes (see `common::scenario`): for each
//! detector a positive case and a near miss, read through the whole pipeline.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use common::scenario::{Transcript, fired, nudges};
use ringside::core::pipeline::Pipeline;

const CART: &str = "/home/dev/projects/shop/lib/cart.ex";
const CART_TEST: &str = "/home/dev/projects/shop/test/cart_test.exs";

fn nudged(p: &Pipeline, code: &str) -> Vec<u64> {
    nudges(p)
        .into_iter()
        .filter(|(c, _)| c == code)
        .map(|(_, l)| l)
        .collect()
}

fn detail(p: &Pipeline, code: &str) -> String {
    p.engine()
        .firings
        .iter()
        .find(|f| f.signal.code() == code)
        .map(|f| f.detail.clone())
        .unwrap_or_default()
}

/// A session where the work so far went well: a feature written, its tests green.
fn started() -> Transcript {
    let mut t = Transcript::new();
    t.prompt("Add a discount to the cart total and cover it with a test in test/cart_test.exs");
    t.read(CART);
    t.edit(
        CART,
        "def total(items), do: sum(items)",
        "def total(items, discount \\\\ 0), do: sum(items) - discount",
    );
    t.bash("mix test test/cart_test.exs", true, "5 tests, 0 failures");
    t
}

const ASSERTION_FAILED: &str = "  1) test total applies the discount (CartTest)\n     test/cart_test.exs:12\n     Assertion with == failed\n     code:  assert Cart.total([10, 20], 5) == 25\n     left:  30\n     right: 25\n\n5 tests, 1 failure";

#[test]
fn the_builder_writes_what_the_client_writes_and_a_healthy_session_stays_silent() {
    let mut t = Transcript::new();
    t.prompt("Add a discount field to the cart total and cover it with a test");
    t.read(CART);
    t.edit(
        CART,
        "def total(items), do: sum(items)",
        "def total(items, discount \\\\ 0), do: sum(items) - discount",
    );
    // One failure, fixed at once: not trouble.
    t.bash(
        "mix test test/cart_test.exs",
        false,
        "  1) test total (CartTest)\n     ** (UndefinedFunctionError) function Cart.sum/1 is undefined",
    );
    t.edit(CART, "sum(items) - discount", "Enum.sum(items) - discount");
    t.bash("mix test test/cart_test.exs", true, "5 tests, 0 failures");
    t.say("Done: `total/2` takes a discount, and the cart tests pass.");
    t.turn_end();
    let p = t.coach(3600);
    let s = p.session();
    assert_eq!(s.prompts(), 1);
    assert_eq!(s.totals.tool_calls, 5);
    assert_eq!(s.totals.failed, 1);
    assert_eq!(p.stats().skipped_total(), 0);
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

// -- S5: the same failure again after a fix ---------------------------------------------------

#[test]
fn s5_the_same_failure_after_a_fix_with_no_look_at_the_cause_is_an_early_warning() {
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.edit(CART, "sum(items) - discount", "sum(items) - discount * 2");
    let first = t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    // A guess, not a diagnosis: the same file edited again, nothing else looked at.
    t.edit(CART, "discount * 2", "discount + 0");
    let second = t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    let p = t.coach(60);
    assert_eq!(fired(&p, "S5"), vec![second]);
    let f = &p
        .engine()
        .firings
        .iter()
        .find(|f| f.signal.code() == "S5")
        .unwrap();
    assert_eq!(
        f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![first, second]
    );
    assert!(
        detail(&p, "S5").contains("same reason"),
        "{}",
        detail(&p, "S5")
    );
    assert_eq!(nudged(&p, "S5"), vec![second]);
}

#[test]
fn s5_near_miss_four_failures_of_one_test_file_each_with_another_cause_stay_silent() {
    let mut t = started();
    t.prompt("Add a LiveView page for the cart with a test");
    let causes = [
        "     error: undefined function get/2 (expected CartLiveTest to define such a function)",
        "  1) test mount renders (CartLiveTest)\n     ** (RuntimeError) no :secret_key_base configuration found in ShopWeb.Endpoint.",
        "  1) test mount renders (CartLiveTest)\n     ** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency.",
        "  1) test mount renders (CartLiveTest)\n     Assertion with =~ failed\n     code:  assert html =~ \"Cart\"",
    ];
    for (i, cause) in causes.iter().enumerate() {
        t.bash(
            "mix test test/shop_web/live/cart_live_test.exs",
            false,
            cause,
        );
        t.edit(
            "/home/dev/projects/shop/config/test.exs",
            &format!("# step {i}"),
            &format!("# step {}", i + 1),
        );
    }
    t.bash(
        "mix test test/shop_web/live/cart_live_test.exs",
        true,
        "5 tests, 0 failures",
    );
    t.say("All five LiveView tests pass.");
    t.turn_end();
    let p = t.coach(3600);
    assert!(fired(&p, "S5").is_empty());
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

#[test]
fn s5_near_miss_a_look_at_the_cause_between_two_same_failures_waits_for_a_third() {
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    t.grep("def sum");
    t.read("/home/dev/projects/shop/lib/pricing.ex");
    t.edit(CART, "sum(items) - discount", "sum(items) - discount * 2");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    let p = t.coach(60);
    assert!(fired(&p, "S5").is_empty(), "diagnosis in between");
    t.edit(CART, "discount * 2", "discount + 0");
    let third = t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    assert_eq!(
        fired(&t.coach(60), "S5"),
        vec![third],
        "the same reason a third time"
    );
}

// -- S21: bypass intent in the agent's own words ---------------------------------------------

const HOOK_CREDO: &str = "[CREDO]\\nChecking 88 source files ...\n┃ [R] ↘ Prefer using an implicit `try` rather than explicit `try`.\n┃       lib/shop/cart.ex:91:5";

#[test]
fn s21_calling_a_failure_pre_existing_is_nudged_before_the_bypass() {
    let mut t = started();
    t.prompt("Commit the discount work");
    let blocked = t.commit_blocked("git add -A && git commit -m 'feat: discount'", HOOK_CREDO);
    let says = t.say(
        "The Credo warnings are pre-existing and unrelated to my change. Let me commit with --no-verify.",
    );
    let bypass = t.bash(
        "git commit --no-verify -m 'feat: discount'",
        true,
        "[main 1a2b3c4] feat: discount",
    );
    let p = t.coach(60);
    assert_eq!(fired(&p, "S21"), vec![says]);
    assert_eq!(
        nudged(&p, "S21"),
        vec![says],
        "said before the bypass: {:?}",
        nudges(&p)
    );
    let f = p
        .engine()
        .firings
        .iter()
        .find(|f| f.signal.code() == "S21")
        .unwrap();
    assert_eq!(
        f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![blocked, says]
    );
    assert!(
        detail(&p, "S21").contains("pre-existing"),
        "{}",
        detail(&p, "S21")
    );
    // The act itself comes right after, at the command's call (the line before its result).
    assert_eq!(fired(&p, "S20"), vec![bypass - 1]);
}

#[test]
fn s21_a_bypass_offered_in_a_question_is_nudged() {
    let mut t = started();
    t.prompt("Commit the discount work");
    t.commit_blocked("git add -A && git commit -m 'feat: discount'", HOOK_CREDO);
    let asked = t.ask(
        "The pre-commit hook fails on a Credo readability check. How should I proceed?",
        &[
            "Fix the Credo finding first",
            "Commit with --no-verify and fix it later",
        ],
    );
    let p = t.coach(60);
    assert_eq!(fired(&p, "S21"), vec![asked]);
    assert_eq!(nudged(&p, "S21"), vec![asked]);
}

#[test]
fn s21_near_miss_ruling_the_bypass_out_or_talking_about_it_later_is_silent() {
    let mut t = started();
    t.prompt("Commit the discount work");
    t.commit_blocked("git add -A && git commit -m 'feat: discount'", HOOK_CREDO);
    t.say("Rather than skip the hook, let me fix the Credo finding.");
    t.edit(CART, "try do", "# implicit try");
    t.bash(
        "git add -A && git commit -m 'feat: discount'",
        true,
        "[main 1a2b3c4] feat: discount",
    );
    t.say("Committed. The Credo warning was not a false positive after all.");
    t.turn_end();
    t.prompt("Now add a changelog entry");
    t.say("Earlier the hook flagged a warning I first took for a false positive; it is fixed.");
    let p = t.coach(60);
    assert!(fired(&p, "S21").is_empty(), "{:?}", nudges(&p));
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

// -- S20: test weakening and suppression markers ---------------------------------------------

#[test]
fn s20_the_expected_value_replaced_by_the_observed_one() {
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.edit(CART, "sum(items) - discount", "sum(items)");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    t.edit(
        CART_TEST,
        "    assert Cart.total([10, 20], 5) == 25",
        "    assert Cart.total([10, 20], 5) == 30",
    );
    let p = t.coach(60);
    let lines = fired(&p, "S20");
    assert_eq!(lines.len(), 1, "{:?}", p.engine().firings);
    assert!(
        detail(&p, "S20").contains("failing run got"),
        "{}",
        detail(&p, "S20")
    );
    assert_eq!(nudged(&p, "S20"), lines);
}

#[test]
fn s20_an_exact_assertion_loosened_after_the_test_failed() {
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    t.edit(
        CART_TEST,
        "    assert Cart.total([10, 20], 5) == 25",
        "    assert is_integer(Cart.total([10, 20], 5))",
    );
    let p = t.coach(60);
    assert_eq!(fired(&p, "S20").len(), 1);
    assert!(
        detail(&p, "S20").contains("looser"),
        "{}",
        detail(&p, "S20")
    );
}

#[test]
fn s20_near_miss_writing_and_tightening_tests_while_nothing_fails() {
    let mut t = started();
    t.prompt("Add a test for the empty cart");
    t.edit(
        CART_TEST,
        "    assert is_integer(Cart.total([]))",
        "    assert Cart.total([]) == 0",
    );
    t.edit(
        CART_TEST,
        "    assert Cart.total([]) == 0",
        "    assert Cart.total([]) == 0\n    assert Cart.total([], 5) == 0",
    );
    // A changed expectation while the suite is green is a spec change the user can see.
    t.edit(
        CART_TEST,
        "    assert Cart.total([10, 20], 5) == 25",
        "    assert Cart.total([10, 20], 5) == 24",
    );
    t.bash("mix test test/cart_test.exs", true, "6 tests, 0 failures");
    let p = t.coach(60);
    assert!(fired(&p, "S20").is_empty(), "{:?}", p.engine().firings);
}

#[test]
fn s20_a_suppression_added_while_the_type_checker_fails() {
    let mut t = Transcript::new();
    t.prompt("Make `load_config` return a typed Settings object");
    t.edit(
        "/home/dev/app/settings.py",
        "def load_config():",
        "def load_config() -> Settings:",
    );
    t.bash(
        "uv run mypy app/",
        false,
        "app/settings.py:14: error: Incompatible return value type (got \"dict[str, Any]\", expected \"Settings\")  [return-value]\nFound 1 error in 1 file (checked 12 source files)",
    );
    let marker = t.edit(
        "/home/dev/app/settings.py",
        "    return raw",
        "    return raw  # type: ignore[return-value]",
    );
    let p = t.coach(60);
    assert_eq!(fired(&p, "S20"), vec![marker], "at the edit's result");
    assert!(
        detail(&p, "S20").contains("settings.py"),
        "{}",
        detail(&p, "S20")
    );
    // Near miss: the same marker in new code while every check is green.
    let mut calm = Transcript::new();
    calm.prompt("Add a loader for the legacy settings format");
    calm.bash(
        "uv run mypy app/",
        true,
        "Success: no issues found in 12 source files",
    );
    calm.edit(
        "/home/dev/app/legacy.py",
        "import yaml",
        "import yaml  # type: ignore[import-untyped]",
    );
    assert!(fired(&calm.coach(60), "S20").is_empty());
}

#[test]
fn s20_a_failing_check_run_again_with_its_exit_masked() {
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    let masked = t.bash(
        "mix test test/cart_test.exs || true",
        true,
        ASSERTION_FAILED,
    );
    let p = t.coach(60);
    assert_eq!(fired(&p, "S20"), vec![masked - 1], "at the command's call");
    // Near miss: the same habit while nothing is failing.
    let mut calm = started();
    calm.prompt("Show me the full test output");
    calm.bash("mix test || true", true, "12 tests, 0 failures");
    assert!(fired(&calm.coach(60), "S20").is_empty());
}

// -- S13: done without proof ------------------------------------------------------------------

#[test]
fn s13_done_with_no_check_after_the_last_edit_is_nudged_in_a_session_without_trouble() {
    for headless in [false, true] {
        let mut t = started();
        t.headless = headless;
        t.prompt("Round the total to two decimals");
        t.edit(
            CART,
            "sum(items) - discount",
            "Float.round(sum(items) - discount, 2)",
        );
        let done = t.say("Fixed: the total is now rounded to two decimals and should work now.");
        t.turn_end();
        let p = t.coach(120);
        assert_eq!(fired(&p, "S13"), vec![done], "headless {headless}");
        assert_eq!(nudged(&p, "S13"), vec![done], "headless {headless}");
    }
}

#[test]
fn s13_near_miss_the_check_ran_after_the_last_edit() {
    let mut t = started();
    t.prompt("Round the total to two decimals");
    t.edit(
        CART,
        "sum(items) - discount",
        "Float.round(sum(items) - discount, 2)",
    );
    t.bash("mix test", true, "12 tests, 0 failures");
    t.say("Fixed: the total is rounded to two decimals, and all tests pass.");
    t.turn_end();
    let p = t.coach(3600);
    assert!(fired(&p, "S13").is_empty());
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

// -- S9, S10: the user repeating themselves -----------------------------------------------------

#[test]
fn s9_a_near_duplicate_prompt_is_nudged_when_typed() {
    let mut t = started();
    t.say("Done.");
    t.turn_end();
    t.prompt("make the checkout page show the discount next to the total");
    t.say("The checkout page now shows the discount.");
    t.turn_end();
    t.wait(60);
    let again = t.prompt("make the checkout page show the discount next to the total please");
    let p = t.coach(5);
    assert_eq!(nudged(&p, "S9"), vec![again]);
    // Near miss: continuing twice is not asking twice.
    let mut c = started();
    c.prompt("continue");
    c.say("Next step done.");
    c.turn_end();
    c.prompt("continue");
    assert!(fired(&c.coach(5), "S9").is_empty());
}

#[test]
fn s10_the_second_correction_on_the_same_point_is_nudged_when_typed() {
    let mut t = started();
    t.say("The discount is applied.");
    t.turn_end();
    let first = t.prompt("no, the discount is applied twice on the cart page");
    t.edit(CART, "sum(items) - discount * 2", "sum(items) - discount");
    t.say("Fixed: the discount is applied once.");
    t.turn_end();
    let second = t.prompt("still wrong, the cart page shows it twice");
    let p = t.coach(5);
    assert_eq!(nudged(&p, "S10"), vec![second]);
    let f = p
        .engine()
        .firings
        .iter()
        .find(|f| f.signal.code() == "S10")
        .unwrap();
    assert_eq!(
        f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![first, second]
    );
}

#[test]
fn s10_corrections_the_agent_concedes_count_too() {
    let mut t = started();
    t.say("The receipt sound now plays a chord.");
    t.turn_end();
    t.prompt("it doesn't sound like a chord, the notes play one after another");
    t.say("You're absolutely right! The notes are scheduled in sequence. Let me layer them.");
    t.edit(CART, "play(notes)", "play_together(notes)");
    t.say("Perfect! The notes now play together.");
    t.turn_end();
    t.prompt("all of the receipts sound the same now");
    let conceded = t.say("You're absolutely right! Every receipt maps to the same chord.");
    let p = t.coach(5);
    assert_eq!(nudged(&p, "S10"), vec![conceded]);
}

#[test]
fn s10_near_miss_a_new_request_between_corrections_and_a_polite_yes() {
    let mut t = started();
    t.say("The discount is applied.");
    t.turn_end();
    t.prompt("no, the discount is applied twice");
    t.edit(CART, "discount * 2", "discount");
    t.say("Fixed.");
    t.turn_end();
    t.prompt("Add a currency symbol to the receipt");
    t.edit(CART, "format(total)", "format(total, :eur)");
    t.say("Added.");
    t.turn_end();
    t.prompt("can you also show the VAT line");
    t.say("You're right, the receipt should show VAT. Adding it.");
    t.turn_end();
    t.prompt("no, the VAT goes above the total");
    let p = t.coach(5);
    assert!(fired(&p, "S10").is_empty(), "{:?}", p.engine().firings);
}

// -- S6: back and forth --------------------------------------------------------------------------

#[test]
fn s6_back_and_forth_on_the_same_lines_fires_and_moving_forward_does_not() {
    let mut t = started();
    t.prompt("Make the total handle nil discounts");
    let a = t.edit(
        CART,
        "  def total(items, discount) do\n    sum(items) - discount\n  end",
        "  def total(items, discount) do\n    sum(items) - (discount || 0)\n  end",
    );
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    let back = t.edit(
        CART,
        "  def total(items, discount) do\n    sum(items) - (discount || 0)\n  end",
        "  def total(items, discount) do\n    sum(items) - discount\n  end",
    );
    let p = t.coach(60);
    let f = p
        .engine()
        .firings
        .iter()
        .find(|f| f.signal.code() == "S6")
        .unwrap();
    assert_eq!(f.at_line.0, back);
    assert!(f.evidence.iter().any(|l| l.0 == a - 1), "{:?}", f.evidence);
    // Near miss: four edits of one function, each moving forward.
    let mut fwd = started();
    fwd.prompt("Make the total handle nil discounts and rounding");
    let steps = [
        "sum(items) - discount",
        "sum(items) - (discount || 0)",
        "Float.round(sum(items) - (discount || 0), 2)",
        "items |> sum() |> Kernel.-(discount || 0) |> Float.round(2)",
    ];
    for w in steps.windows(2) {
        fwd.edit(CART, &format!("    {}", w[0]), &format!("    {}", w[1]));
    }
    assert!(fired(&fwd.coach(60), "S6").is_empty());
}

// -- S8, S17: what is not trouble -----------------------------------------------------------------

#[test]
fn s8_near_miss_parallel_calls_rejected_at_once_are_one_decision() {
    let mut t = Transcript::new();
    t.prompt("mix phx.server doesnt seem to start");
    t.reject_parallel(&[
        "mix phx.server 2>&1 | head -80",
        "ls /home/dev/projects/shop",
    ]);
    let p = t.coach(5);
    assert!(fired(&p, "S8").is_empty());
    // Two separate decisions in one turn are.
    let mut two = Transcript::new();
    two.prompt("clean up the build folder");
    two.reject_parallel(&["rm -rf _build"]);
    let second = two.reject_parallel(&["rm -rf deps"]);
    assert_eq!(fired(&two.coach(5), "S8"), vec![second]);
}

// -- S9, S12: a placeholder is not a prompt's words ---------------------------------------------

#[test]
fn s9_near_miss_prompts_whose_text_was_redacted_repeat_nothing() {
    let run = |text: &str| {
        let mut t = started();
        t.prompt(text);
        t.bash("mix test", false, ASSERTION_FAILED);
        t.bash("mix test", false, ASSERTION_FAILED);
        t.say("The test still fails.");
        t.turn_end();
        let again = t.prompt(text);
        (again, t.coach(60))
    };
    let (_, p) = run("[REDACTED]");
    assert!(fired(&p, "S9").is_empty(), "{:?}", nudges(&p));
    assert!(fired(&p, "S12").is_empty());
    // The same words typed twice are a repeat.
    let (again, p) = run("make the discount test pass without touching the test");
    assert_eq!(fired(&p, "S9"), vec![again]);
}

// -- Steering is not trouble: rejections and interrupts --------------------------------------

/// The highest failure tier any turn reached.
fn peak_tier(p: &Pipeline) -> u8 {
    p.engine()
        .turns
        .iter()
        .map(|t| t.peak_tier)
        .max()
        .unwrap_or(0)
}

#[test]
fn steering_near_miss_rejecting_the_first_steps_and_walking_off_is_no_stall() {
    // The user rejects both first calls, interrupts, and goes off to do it themselves.
    let mut t = Transcript::new();
    t.prompt("mix phx.server doesnt seem to start");
    t.say("Let me check the project structure and try running the server.");
    t.reject_parallel(&["mix phx.server 2>&1 | head -80", "ls lib"]);
    t.interrupt(true);
    let p = t.coach(20 * 60);
    assert!(peak_tier(&p) < 3, "tier {}", peak_tier(&p));
    assert!(fired(&p, "S19").is_empty(), "{:?}", nudges(&p));
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

#[test]
fn steering_near_miss_interrupting_to_redirect_twice_is_no_stall() {
    let mut t = Transcript::new();
    t.prompt("start phoenix in the background");
    t.bash("mix phx.server &", true, "Running ShopWeb.Endpoint");
    t.bash("curl -s localhost:4000/health", true, "ok");
    t.interrupt(false);
    t.prompt("scrolling back in the terminal page still does not work, search the web for xterm.js scroll issues");
    t.read(CART);
    t.interrupt(false);
    let p = t.coach(20 * 60);
    assert!(peak_tier(&p) < 3, "tier {}", peak_tier(&p));
    assert!(fired(&p, "S19").is_empty());
    assert!(nudges(&p).is_empty(), "{:?}", nudges(&p));
}

#[test]
fn steering_positive_a_rejection_does_not_hide_the_trouble_before_it() {
    // The same test fails the same way after a guess; the user rejects the next guess and goes
    // silent: the trouble is the failing check, and it is still there.
    let mut t = started();
    t.prompt("The discount must not apply to items already on sale");
    t.edit(CART, "sum(items) - discount", "sum(items) - discount * 2");
    t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    t.edit(CART, "discount * 2", "discount + 0");
    let second = t.bash("mix test test/cart_test.exs", false, ASSERTION_FAILED);
    t.reject_parallel(&["mix test --seed 0"]);
    t.interrupt(true);
    let p = t.coach(20 * 60);
    assert_eq!(nudged(&p, "S5"), vec![second]);
    assert!(peak_tier(&p) >= 3);
    assert_eq!(fired(&p, "S19").len(), 1, "silence after a real stall");
}

#[test]
fn s17_near_miss_an_automatic_compaction_in_a_healthy_session_is_no_warning() {
    let mut t = started();
    t.prompt("Now the receipts");
    t.auto_compact();
    t.edit(CART, "format(total)", "format(total, :eur)");
    t.bash("mix test", true, "12 tests, 0 failures");
    t.say("Receipts done; all tests pass.");
    t.turn_end();
    let p = t.coach(3600);
    assert!(fired(&p, "S17").is_empty());
    assert_eq!(
        p.session().compactions.len(),
        1,
        "still shown as a compaction"
    );
}

// -- The real client's own transcripts (tests/fixtures/real-client, saved by the e2e suite) -----

fn real_client(name: &str) -> Pipeline {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real-client")
        .join(name);
    let file = common::jsonl_files(&dir)
        .into_iter()
        .find(|f| !f.to_string_lossy().contains("/subagents/"))
        .unwrap();
    let mut p = Pipeline::new(Some(name.into()));
    p.feed(&std::fs::read(file).unwrap());
    p.finish();
    let end = p.engine().now().unwrap().0;
    p.tick(ringside::core::Millis(end + 3_600_000));
    p
}

#[test]
fn the_real_clients_weakened_test_is_nudged_at_the_words_and_at_the_edit() {
    // make test fails (l.7: "expected 5, got -1"); "The expected value is too strict" (l.10);
    // the check `[ "$got" != 5 ]` becomes `[ -z "$got" ]` (l.11, result l.12); "All tests pass".
    let p = real_client("weakened-test");
    assert_eq!(nudges(&p), [("S21".to_owned(), 10), ("S20".to_owned(), 12)]);
}

#[test]
fn the_real_clients_blocked_commit_is_nudged_before_the_no_verify() {
    // The hook rejects the commit (l.12); "the failure is pre-existing" (l.13); --no-verify (l.14).
    let p = real_client("blocked-commit");
    assert_eq!(nudges(&p), [("S21".to_owned(), 13), ("S20".to_owned(), 14)]);
}

#[test]
fn the_real_clients_headless_done_without_a_check_is_nudged_at_the_claim() {
    let p = real_client("done-unverified");
    assert_eq!(nudges(&p), [("S13".to_owned(), 10)]);
}
