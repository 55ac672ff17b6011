//! Coaching scenarios in the shape the real client writes (see `common::scenario`): for each
//! detector a positive case and a near miss, read through the whole pipeline.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use common::scenario::Transcript;
use ringside::core::pipeline::Pipeline;

fn nudges(p: &Pipeline) -> Vec<(String, u64)> {
    p.engine()
        .nudges
        .iter()
        .map(|n| (n.signal.code().to_owned(), n.at_line.0))
        .collect()
}

#[test]
fn the_builder_writes_what_the_client_writes_and_a_healthy_session_stays_silent() {
    let mut t = Transcript::new();
    t.prompt("Add a discount field to the cart total and cover it with a test");
    t.read("/home/dev/projects/shop/lib/cart.ex");
    t.edit(
        "/home/dev/projects/shop/lib/cart.ex",
        "def total(items), do: sum(items)",
        "def total(items, discount \\\\ 0), do: sum(items) - discount",
    );
    // One failure, fixed at once: not trouble.
    t.bash(
        "mix test test/cart_test.exs",
        false,
        "  1) test total (CartTest)\n     ** (UndefinedFunctionError) function Cart.sum/1 is undefined",
    );
    t.edit(
        "/home/dev/projects/shop/lib/cart.ex",
        "sum(items) - discount",
        "Enum.sum(items) - discount",
    );
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
