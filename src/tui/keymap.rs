//! Keys to actions, from the config's `[keys]` table (defaults compiled in). A pure function of
//! the key event, tested without a terminal.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keys::Keys;
use crate::core::replay::Command;

/// What a key asks for: the screen's own actions, or a command for the replay player (whose
/// vocabulary is the player's, [`Command`]; watch ignores those and hides them from its help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextPane,
    Open,
    Back,
    Dismiss,
    Helpful,
    Sessions,
    Player(Command),
}

impl Action {
    /// What the help screen says it does, in watch or (`replaying`) in a replay.
    #[must_use]
    pub fn describe(self, replaying: bool) -> &'static str {
        match (self, replaying) {
            (Action::Open, true) => return "the selected prompt's detail (the nudge in full)",
            (Action::Dismiss, true) => return "hide the nudge (a replay records no feedback)",
            (Action::Helpful, true) => return "nothing in a replay (it records no feedback)",
            _ => {}
        }
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::Down => "next row / scroll down",
            Action::Up => "previous row / scroll up",
            Action::Top => "first row",
            Action::Bottom => "last row (and follow new ones)",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::NextPane => "switch between prompts and live activity",
            Action::Open => "the selected prompt's detail (the nudge in full) / follow a session",
            Action::Back => "close the overlay, clear the selection (q quits)",
            Action::Dismiss => "dismiss the nudge (noted for your weekly review)",
            Action::Helpful => "mark the nudge helpful (noted for your weekly review)",
            Action::Sessions => "pick the session to follow",
            Action::Player(c) => match c {
                Command::PlayPause => "play / pause",
                Command::Faster => "play faster (up to 64x)",
                Command::Slower => "play slower (down to 1x)",
                Command::StepBack => "one event back",
                Command::StepForward => "one event forward",
                Command::PrevPrompt => "previous prompt",
                Command::NextPrompt => "next prompt",
                Command::PrevMark => "previous signal or nudge",
                Command::NextMark => "next signal or nudge",
                Command::Start => "go to the start",
                Command::End => "go to the end",
                Command::Seek(_) => "go to a position",
            },
        }
    }
}

/// A key as configured: a code and the modifiers that matter.
type Key = (KeyCode, KeyModifiers);

/// The resolved keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<Key, Action>,
    /// Per action, its key names as written in the config (for help and hints).
    names: Vec<(Action, Vec<String>)>,
}

impl Keymap {
    /// Builds the keymap from a (validated) `[keys]` table.
    #[must_use]
    pub fn new(keys: &Keys) -> Self {
        let table: [(Action, &[String]); 25] = [
            (Action::Quit, &keys.quit),
            (Action::Help, &keys.help),
            (Action::Down, &keys.down),
            (Action::Up, &keys.up),
            (Action::Top, &keys.top),
            (Action::Bottom, &keys.bottom),
            (Action::PageDown, &keys.page_down),
            (Action::PageUp, &keys.page_up),
            (Action::NextPane, &keys.next_pane),
            (Action::Open, &keys.open),
            (Action::Back, &keys.back),
            (Action::Dismiss, &keys.dismiss),
            (Action::Helpful, &keys.helpful),
            (Action::Sessions, &keys.sessions),
            (Action::Player(Command::PlayPause), &keys.play),
            (Action::Player(Command::Faster), &keys.faster),
            (Action::Player(Command::Slower), &keys.slower),
            (Action::Player(Command::StepBack), &keys.step_back),
            (Action::Player(Command::StepForward), &keys.step_forward),
            (Action::Player(Command::PrevPrompt), &keys.prev_prompt),
            (Action::Player(Command::NextPrompt), &keys.next_prompt),
            (Action::Player(Command::PrevMark), &keys.prev_mark),
            (Action::Player(Command::NextMark), &keys.next_mark),
            (Action::Player(Command::Start), &keys.start),
            (Action::Player(Command::End), &keys.end),
        ];
        let mut map = HashMap::new();
        for (action, names) in &table {
            for n in *names {
                if let Some(k) = parse(n) {
                    map.entry(k).or_insert(*action);
                }
            }
        }
        let names = table.iter().map(|(a, n)| (*a, n.to_vec())).collect();
        Self { map, names }
    }

    /// The action a key press asks for.
    #[must_use]
    pub fn resolve(&self, ev: &KeyEvent) -> Option<Action> {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_)) {
            // The character already says whether shift was held ('G' vs 'g').
            mods.remove(KeyModifiers::SHIFT);
        }
        self.map.get(&(ev.code, mods)).copied()
    }

    /// The configured key names of an action, joined for display (`j/down`).
    #[must_use]
    pub fn keys_for(&self, action: Action) -> String {
        self.names
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, n)| n.join("/"))
            .unwrap_or_default()
    }

    /// The first configured key of an action (compact hints).
    #[must_use]
    pub fn first_key(&self, action: Action) -> String {
        self.names
            .iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, n)| n.first().cloned())
            .unwrap_or_default()
    }

    /// Every action with its keys, in the config's order (the help screen).
    pub fn all(&self) -> impl Iterator<Item = (Action, String)> + '_ {
        self.names.iter().map(|(a, n)| (*a, n.join("/")))
    }
}

impl Default for Keymap {
    fn default() -> Self {
        Self::new(&Keys::default())
    }
}

/// A key name (validated by the config) to a key.
fn parse(name: &str) -> Option<Key> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = name;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("shift-") {
            mods |= KeyModifiers::SHIFT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "esc" => KeyCode::Esc,
        "enter" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" => KeyCode::PageUp,
        "pgdown" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        "delete" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
        c => {
            let mut chars = c.chars();
            let ch = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            if mods.contains(KeyModifiers::SHIFT) {
                mods.remove(KeyModifiers::SHIFT);
                return Some((KeyCode::Char(ch.to_ascii_uppercase()), mods));
            }
            KeyCode::Char(ch)
        }
    };
    Some((code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn default_keys_resolve() {
        let k = Keymap::default();
        assert_eq!(
            k.resolve(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('g'), KeyModifiers::NONE)),
            Some(Action::Top)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(k.keys_for(Action::Down), "j/down");
    }

    #[test]
    fn configured_keys_replace_the_defaults() {
        let keys = Keys {
            quit: vec!["x".into(), "f10".into()],
            ..Keys::default()
        };
        let k = Keymap::new(&keys);
        assert_eq!(
            k.resolve(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::F(10), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.resolve(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
    }
}
