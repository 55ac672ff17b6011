//! The `[keys]` section of the config file: which keys do what on the watch and replay screens.
//! Key names stay plain words here (`q`, `ctrl-c`, `pgdown`); [`super::keymap`] turns them into
//! terminal key events. The core reads the file's other sections and hands this one over as a
//! [`Section`], so the file is one file and its messages name the key and line as before.

use serde::Deserialize;

use crate::core::config::Section;

/// TUI key bindings: each action takes a list of keys (`q`, `esc`, `ctrl-c`, `down`, `pgup`…).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Keys {
    pub quit: Vec<String>,
    pub help: Vec<String>,
    pub down: Vec<String>,
    pub up: Vec<String>,
    pub top: Vec<String>,
    pub bottom: Vec<String>,
    pub page_down: Vec<String>,
    pub page_up: Vec<String>,
    pub next_pane: Vec<String>,
    pub open: Vec<String>,
    pub back: Vec<String>,
    pub dismiss: Vec<String>,
    pub helpful: Vec<String>,
    pub sessions: Vec<String>,
    pub play: Vec<String>,
    pub faster: Vec<String>,
    pub slower: Vec<String>,
    pub step_back: Vec<String>,
    pub step_forward: Vec<String>,
    pub prev_prompt: Vec<String>,
    pub next_prompt: Vec<String>,
    pub prev_mark: Vec<String>,
    pub next_mark: Vec<String>,
    pub start: Vec<String>,
    pub end: Vec<String>,
}

impl Default for Keys {
    fn default() -> Self {
        Self {
            quit: words(&["q", "ctrl-c"]),
            help: words(&["?"]),
            down: words(&["j", "down"]),
            up: words(&["k", "up"]),
            top: words(&["g", "home"]),
            bottom: words(&["G", "end"]),
            page_down: words(&["pgdown", "ctrl-d"]),
            page_up: words(&["pgup", "ctrl-u"]),
            next_pane: words(&["tab"]),
            open: words(&["enter"]),
            back: words(&["esc", "backspace"]),
            dismiss: words(&["d"]),
            helpful: words(&["h"]),
            sessions: words(&["s"]),
            play: words(&["space"]),
            faster: words(&["+", "="]),
            slower: words(&["-"]),
            step_back: words(&["left"]),
            step_forward: words(&["right"]),
            prev_prompt: words(&["["]),
            next_prompt: words(&["]"]),
            prev_mark: words(&["{"]),
            next_mark: words(&["}"]),
            start: words(&["0"]),
            end: words(&["$"]),
        }
    }
}

impl Keys {
    /// (action, keys) for every binding.
    #[must_use]
    pub fn named(&self) -> [(&'static str, &[String]); 25] {
        [
            ("quit", &self.quit),
            ("help", &self.help),
            ("down", &self.down),
            ("up", &self.up),
            ("top", &self.top),
            ("bottom", &self.bottom),
            ("page_down", &self.page_down),
            ("page_up", &self.page_up),
            ("next_pane", &self.next_pane),
            ("open", &self.open),
            ("back", &self.back),
            ("dismiss", &self.dismiss),
            ("helpful", &self.helpful),
            ("sessions", &self.sessions),
            ("play", &self.play),
            ("faster", &self.faster),
            ("slower", &self.slower),
            ("step_back", &self.step_back),
            ("step_forward", &self.step_forward),
            ("prev_prompt", &self.prev_prompt),
            ("next_prompt", &self.next_prompt),
            ("prev_mark", &self.prev_mark),
            ("next_mark", &self.next_mark),
            ("start", &self.start),
            ("end", &self.end),
        ]
    }
}

/// A key name the TUI understands: one character, a named key, `f1`–`f12`, with an optional
/// `ctrl-`/`alt-`/`shift-` prefix.
#[must_use]
pub fn valid_key(k: &str) -> bool {
    let mut rest = k;
    for m in ["ctrl-", "alt-", "shift-"] {
        if let Some(r) = rest.strip_prefix(m) {
            rest = r;
        }
    }
    rest.chars().count() == 1
        || matches!(
            rest,
            "esc"
                | "enter"
                | "tab"
                | "backtab"
                | "backspace"
                | "up"
                | "down"
                | "left"
                | "right"
                | "home"
                | "end"
                | "pgup"
                | "pgdown"
                | "space"
                | "delete"
                | "insert"
        )
        || rest
            .strip_prefix('f')
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (1..=12).contains(&n))
}

impl Section for Keys {
    fn problems(&self) -> Vec<(&'static str, String)> {
        let mut bad = Vec::new();
        let mut bound: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for (key, list) in self.named() {
            for k in list {
                if let Some(other) = bound.insert(k.as_str(), key).filter(|o| *o != key) {
                    bad.push((key, format!("'{k}' is bound to both {other} and {key}")));
                }
                if !valid_key(k) {
                    bad.push((
                        key,
                        format!(
                            "'{k}' is not a key (try q, esc, enter, tab, up, pgdown, ctrl-c, f1…)"
                        ),
                    ));
                }
            }
        }
        bad
    }
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::{Config, EXAMPLE};

    fn keys_of(text: &str) -> Result<Keys, crate::core::config::ConfigError> {
        Config::parse_with::<Keys>(text).map(|(_, k)| k)
    }

    #[test]
    fn the_example_file_has_exactly_the_default_keys() {
        assert_eq!(keys_of(EXAMPLE).unwrap(), Keys::default());
        assert!(Keys::default().problems().is_empty());
    }

    #[test]
    fn bad_keys_name_the_key_line_and_rule() {
        let e = keys_of("[keys]\nquit = [\"hyper-q\"]\n").unwrap_err();
        assert!(e.message.contains("'hyper-q' is not a key"), "{e}");
        assert!(e.message.starts_with("[keys] quit: "), "{e}");
        let e = keys_of("[keys]\n\ndismiss = [\"q\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("'q' is bound to both quit and dismiss"),
            "{e}"
        );
        let e = keys_of("[keys]\nqiut = [\"q\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown field `qiut`"), "{e}");
        let e = keys_of("[keys]\nquit = \"q\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn a_core_error_comes_before_a_key_error() {
        let e = keys_of("[keys]\nquit = [\"hyper-q\"]\n[risk]\nhigh = 0.1\n").unwrap_err();
        assert!(e.message.starts_with("[risk] high"), "{e}");
    }

    #[test]
    fn key_names() {
        for k in [
            "q",
            "?",
            "G",
            "esc",
            "ctrl-c",
            "shift-tab",
            "f5",
            "pgdown",
            "alt-enter",
        ] {
            assert!(valid_key(k), "{k}");
        }
        for k in ["", "ctrl-", "f13", "escape-key", "qq"] {
            assert!(!valid_key(k), "{k}");
        }
    }
}
