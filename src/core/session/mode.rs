//! The work-mode guess: the dominant activity by volume of work (signals.md 1.3).

use super::model::{ModeEvidence, WorkMode};

/// Path classes the guess weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathClass {
    Test,
    Ops,
    Agent,
    Prose,
    Code,
}

/// Classifies an edited path.
#[must_use]
pub fn classify_path(path: &str) -> PathClass {
    let lower = path.to_ascii_lowercase();
    let file = crate::core::checks::file_name(&lower);
    if crate::core::checks::is_test_path(path) {
        PathClass::Test
    } else if lower.contains(".github/workflows")
        || file.starts_with("dockerfile")
        || file.ends_with(".tf")
        || file == "docker-compose.yml"
        || file == "compose.yaml"
        || lower.contains("/k8s/")
        || lower.contains("/helm/")
        || file.ends_with(".nix")
        || lower.contains(".gitlab-ci")
    {
        PathClass::Ops
    } else if file == "claude.md" || file == "agents.md" || lower.contains(".claude/") {
        PathClass::Agent
    } else if [".md", ".txt", ".rst", ".adoc", ".docx"]
        .iter()
        .any(|e| file.ends_with(e))
    {
        PathClass::Prose
    } else {
        PathClass::Code
    }
}

/// Words in a first prompt that say something is broken.
#[must_use]
pub fn says_broken(prompt: &str) -> bool {
    let p = prompt.to_ascii_lowercase();
    [
        "error",
        "fails",
        "failing",
        "failed",
        "broken",
        "bug",
        "crash",
        "doesn't work",
        "doesnt work",
        "does not work",
        "not working",
        "exception",
        "traceback",
        "panic",
        "regression",
        "fix ",
    ]
    .iter()
    .any(|w| p.contains(w))
}

/// The guess; `None` before any tool call.
#[must_use]
pub fn guess(e: &ModeEvidence, tool_calls: u32) -> Option<WorkMode> {
    if tool_calls == 0 {
        return None;
    }
    let edits = e.test_edits + e.ops_edits + e.agent_edits + e.prose_edits + e.code_edits;
    if edits == 0 {
        return Some(if e.plan_calls > 0 {
            WorkMode::Plan
        } else if e.script_runs > e.read_only {
            WorkMode::Analyze
        } else if e.ops_commands > 0 && e.ops_commands * 2 >= e.read_only {
            WorkMode::Operate
        } else {
            WorkMode::Understand
        });
    }
    let candidates = [
        (e.test_edits, WorkMode::Test),
        (e.ops_edits + e.ops_commands, WorkMode::Operate),
        (e.agent_edits, WorkMode::Orchestrate),
        (e.prose_edits, WorkMode::Communicate),
        (
            e.code_edits,
            if e.breakage {
                WorkMode::Fix
            } else {
                WorkMode::Build
            },
        ),
    ];
    let (n, mode) = candidates.iter().copied().max_by_key(|(n, _)| *n)?;
    // Writing tests to reproduce a breakage is still fixing it.
    if mode == WorkMode::Test && e.breakage && e.code_edits > 0 && e.code_edits * 2 >= n {
        return Some(WorkMode::Fix);
    }
    Some(mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_edits_and_mostly_reading_is_understand() {
        let e = ModeEvidence {
            read_only: 12,
            ..ModeEvidence::default()
        };
        assert_eq!(guess(&e, 12), Some(WorkMode::Understand));
        assert_eq!(guess(&e, 0), None);
    }

    #[test]
    fn code_edits_are_build_unless_something_was_broken() {
        let mut e = ModeEvidence {
            code_edits: 5,
            test_edits: 1,
            ..ModeEvidence::default()
        };
        assert_eq!(guess(&e, 9), Some(WorkMode::Build));
        e.breakage = true;
        assert_eq!(guess(&e, 9), Some(WorkMode::Fix));
    }

    #[test]
    fn path_classes() {
        assert_eq!(classify_path("tests/test_a.py"), PathClass::Test);
        assert_eq!(classify_path(".github/workflows/ci.yml"), PathClass::Ops);
        assert_eq!(classify_path("CLAUDE.md"), PathClass::Agent);
        assert_eq!(classify_path("docs/guide.md"), PathClass::Prose);
        assert_eq!(classify_path("src/main.rs"), PathClass::Code);
    }
}
