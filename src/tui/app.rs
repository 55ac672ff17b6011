//! The UI state and its update function: messages in, effects out, no I/O (the loop performs
//! the effects). Domain state stays in the reader thread; the UI holds the latest dashboard.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use crate::core::replay::{Command, PlaybackBar};
use crate::core::view::{Dashboard, TurnDetail};
use crate::source::feedback::Verdict;
use crate::source::live::{Control, SessionEntry, Showing, Update, Waiting};

use super::keymap::{Action, Keymap};

/// Which list has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Prompts,
    Live,
}

/// What covers the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Every key; scrolls on short screens.
    Help { scroll: usize },
    Detail {
        detail: Box<TurnDetail>,
        scroll: usize,
    },
    /// The session picker: `selected` indexes the rows that match `filter`; while `typing`,
    /// keys type into the filter (`/` starts, esc stops). It opens at once, `loading` until the
    /// reader sends the rows (what was typed meanwhile is kept).
    Sessions {
        rows: Vec<SessionEntry>,
        selected: usize,
        filter: String,
        typing: bool,
        loading: bool,
    },
}

/// The picker's rows that match `filter` (case-insensitive, in project, branch, first prompt or
/// id; every row when it is empty).
#[must_use]
pub fn filtered<'a>(rows: &'a [SessionEntry], filter: &str) -> Vec<&'a SessionEntry> {
    let needle = filter.to_lowercase();
    rows.iter()
        .filter(|r| {
            needle.is_empty()
                || [
                    r.project.as_deref(),
                    r.branch.as_deref(),
                    r.first_prompt.as_deref(),
                    Some(r.id.as_str()),
                ]
                .into_iter()
                .flatten()
                .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect()
}

/// Something for the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Tell the reader thread.
    Control(Control),
    /// Record feedback on the nudge shown.
    Feedback {
        /// The session the nudge belongs to (its id; empty when unknown).
        session: String,
        signal: String,
        line: u64,
        verdict: Verdict,
    },
    /// Tell the replay player.
    Replay(Command),
}

/// The UI state.
#[derive(Debug, Clone)]
pub struct App {
    pub keymap: Keymap,
    pub dash: Option<Dashboard>,
    pub showing: Option<Showing>,
    pub waiting: Option<Waiting>,
    /// How the user runs ringside, for hints (`ringside`, or `cargo run --release --` from a
    /// checkout).
    pub command: String,
    /// The latest notice and how many ticks it has been shown.
    pub notice: Option<(String, u32)>,
    pub focus: Pane,
    /// Selected prompt row (index into the dashboard's turns); `None` follows the latest.
    pub selected: Option<usize>,
    /// Rows scrolled up from the bottom of the live pane (0 follows new calls).
    pub live_scroll: usize,
    pub overlay: Option<Overlay>,
    /// Nudges the user already answered: (session id, nudge index, verdict). An index names a
    /// nudge only within its session.
    pub answered: Vec<(String, usize, Verdict)>,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Rows the prompt list showed last draw (for page keys).
    pub page: usize,
    /// The playback bar, when replaying.
    pub replay: Option<PlaybackBar>,
    /// The live pane was on screen last draw (Tab only moves to a pane that shows).
    pub live_shown: bool,
}

/// Ticks a notice stays in the status line.
const NOTICE_TICKS: u32 = 8;

impl App {
    /// An empty UI with these keys.
    #[must_use]
    pub fn new(keymap: Keymap) -> Self {
        Self {
            keymap,
            dash: None,
            showing: None,
            waiting: None,
            command: "ringside".into(),
            notice: None,
            focus: Pane::Prompts,
            selected: None,
            live_scroll: 0,
            overlay: None,
            answered: Vec::new(),
            quit: false,
            dirty: true,
            page: 10,
            replay: None,
            live_shown: false,
        }
    }

    /// A message from the reader thread.
    pub fn on_update(&mut self, u: Update) {
        self.dirty = true;
        match u {
            Update::Dashboard(d, showing) => {
                self.waiting = None;
                let same = self
                    .dash
                    .as_ref()
                    .is_some_and(|old| old.header.session_id == d.header.session_id)
                    && self.showing.as_ref() == Some(&showing);
                if !same {
                    // Another session: its rows and calls are not the ones scrolled to.
                    self.selected = None;
                    self.live_scroll = 0;
                }
                self.dash = Some(*d);
                self.showing = Some(showing);
            }
            Update::Waiting(w) => self.waiting = Some(w),
            Update::Notice(n) => self.notice = Some((n, 0)),
            Update::Sessions(new) => {
                let current = new.iter().position(|r| r.current).unwrap_or(0);
                match &mut self.overlay {
                    Some(Overlay::Sessions {
                        rows,
                        selected,
                        filter,
                        loading,
                        ..
                    }) => {
                        *rows = new;
                        *loading = false;
                        let n = filtered(rows, filter).len();
                        *selected = if filter.is_empty() { current } else { 0 }.min(n.max(1) - 1);
                    }
                    _ => {
                        self.overlay = Some(Overlay::Sessions {
                            rows: new,
                            selected: current,
                            filter: String::new(),
                            typing: false,
                            loading: false,
                        });
                    }
                }
            }
            Update::Detail(detail) => self.overlay = Some(Overlay::Detail { detail, scroll: 0 }),
        }
    }

    /// The clock ticked (notices fade).
    pub fn on_tick(&mut self) {
        if let Some((_, age)) = &mut self.notice {
            *age += 1;
            if *age > NOTICE_TICKS {
                self.notice = None;
                self.dirty = true;
            }
        }
    }

    /// A terminal event.
    pub fn on_event(&mut self, ev: &Event) -> Vec<Effect> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                if let Some(fx) = self.on_filter_key(k) {
                    return fx;
                }
                match self.keymap.resolve(k) {
                    Some(a) => self.on_action(a),
                    None => Vec::new(),
                }
            }
            Event::Mouse(m) => {
                let a = match m.kind {
                    MouseEventKind::ScrollDown => Action::Down,
                    MouseEventKind::ScrollUp => Action::Up,
                    _ => return Vec::new(),
                };
                self.on_action(a)
            }
            Event::Resize(..) => {
                self.dirty = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The session picker's filter takes the key: `/` starts typing; while typing, characters
    /// and backspace edit it, esc stops (clearing it), and arrows and enter still work.
    /// `None`: the key is not the filter's.
    fn on_filter_key(&mut self, k: &KeyEvent) -> Option<Vec<Effect>> {
        let Some(Overlay::Sessions {
            rows,
            selected,
            filter,
            typing,
            ..
        }) = &mut self.overlay
        else {
            return None;
        };
        let text_key = !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !*typing {
            if k.code == KeyCode::Char('/') && text_key {
                *typing = true;
                self.dirty = true;
                return Some(Vec::new());
            }
            return None;
        }
        match k.code {
            KeyCode::Char(c) if text_key => filter.push(c),
            KeyCode::Backspace => {
                filter.pop();
            }
            KeyCode::Esc => {
                filter.clear();
                *typing = false;
            }
            KeyCode::Enter | KeyCode::Up | KeyCode::Down => return None,
            _ => return None,
        }
        let n = filtered(rows, filter).len();
        *selected = (*selected).min(n.saturating_sub(1));
        self.dirty = true;
        Some(Vec::new())
    }

    /// A user action.
    pub fn on_action(&mut self, a: Action) -> Vec<Effect> {
        self.dirty = true;
        if a == Action::Quit {
            self.quit = true;
            return vec![Effect::Control(Control::Quit)];
        }
        if let Action::Player(command) = a {
            return match (&self.replay, &self.overlay) {
                (Some(_), None | Some(Overlay::Help { .. })) => {
                    self.overlay = None;
                    vec![Effect::Replay(command)]
                }
                _ => Vec::new(),
            };
        }
        match &mut self.overlay {
            Some(Overlay::Help { scroll }) => {
                if matches!(a, Action::Help | Action::Back | Action::Open) {
                    self.overlay = None;
                } else {
                    scroll_by(scroll, a, self.page);
                }
                return Vec::new();
            }
            Some(Overlay::Detail { scroll, .. }) => {
                match a {
                    Action::Back | Action::Open => self.overlay = None,
                    Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
                    _ => scroll_by(scroll, a, self.page),
                }
                return Vec::new();
            }
            Some(Overlay::Sessions {
                rows,
                selected,
                filter,
                ..
            }) => {
                let n = filtered(rows, filter).len();
                match a {
                    Action::Back => self.overlay = None,
                    Action::Down => *selected = (*selected + 1).min(n.saturating_sub(1)),
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Top => *selected = 0,
                    Action::Bottom => *selected = n.saturating_sub(1),
                    Action::Open => {
                        let pick = filtered(rows, filter)
                            .get(*selected)
                            .map(|r| r.path.clone());
                        self.overlay = None;
                        return pick
                            .map(|p| vec![Effect::Control(Control::Pin(p))])
                            .unwrap_or_default();
                    }
                    _ => {}
                }
                return Vec::new();
            }
            None => {}
        }
        match a {
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Sessions if self.replay.is_some() => {
                self.notice = Some((
                    "a replay shows one session: quit and run `ringside replay ID`".into(),
                    0,
                ));
            }
            Action::Sessions => {
                if matches!(self.showing, Some(Showing::Live { .. }) | None) {
                    self.overlay = Some(Overlay::Sessions {
                        rows: Vec::new(),
                        selected: 0,
                        filter: String::new(),
                        typing: false,
                        loading: true,
                    });
                    return vec![Effect::Control(Control::ListSessions)];
                }
                self.notice = Some(("the demo has no other sessions".into(), 0));
            }
            Action::NextPane => {
                self.focus = if self.focus == Pane::Prompts && self.live_shown {
                    Pane::Live
                } else {
                    Pane::Prompts
                };
            }
            Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom => {
                self.scroll(a);
            }
            Action::Open => {
                if let Some(i) = self.selected_turn() {
                    return vec![Effect::Control(Control::Detail(i))];
                }
            }
            // Esc steps back out of a selection or scroll; with nothing to step back from it
            // says how to quit rather than quitting (as in htop, lazygit and gitui).
            Action::Back if self.selected.is_none() && self.live_scroll == 0 => {
                self.notice = Some((format!("{} quits", self.keymap.first_key(Action::Quit)), 0));
            }
            Action::Back => {
                self.selected = None;
                self.live_scroll = 0;
            }
            Action::Dismiss | Action::Helpful => return self.answer(a),
            Action::Quit | Action::Player(_) => {}
        }
        Vec::new()
    }

    /// A new position in a replay: its dashboard and bar.
    pub fn on_replay(&mut self, dash: Dashboard, bar: PlaybackBar) {
        self.dirty = true;
        self.dash = Some(dash);
        self.replay = Some(bar);
        self.showing = Some(Showing::Replay);
        // The live pane follows the newest call as the replay moves.
        self.live_scroll = 0;
    }

    /// The prompt the selection points at (the latest when following).
    #[must_use]
    pub fn selected_turn(&self) -> Option<usize> {
        let n = self.dash.as_ref()?.turns.len();
        if n == 0 {
            return None;
        }
        Some(self.selected.unwrap_or(n - 1).min(n - 1))
    }

    fn scroll(&mut self, a: Action) {
        let page = self.page.max(1);
        match self.focus {
            Pane::Prompts => {
                let n = self.dash.as_ref().map_or(0, |d| d.turns.len());
                if n == 0 {
                    return;
                }
                let cur = self.selected.unwrap_or(n - 1);
                let next = match a {
                    Action::Down => cur + 1,
                    Action::Up => cur.saturating_sub(1),
                    Action::PageDown => cur + page,
                    Action::PageUp => cur.saturating_sub(page),
                    Action::Top => 0,
                    _ => n - 1,
                };
                // Selecting the last row goes back to following new prompts.
                self.selected = (next < n - 1).then_some(next);
            }
            Pane::Live => {
                let n = self
                    .dash
                    .as_ref()
                    .and_then(|d| d.current.as_ref())
                    .map_or(0, |c| c.activity.len());
                self.live_scroll = match a {
                    Action::Up => (self.live_scroll + 1).min(n),
                    Action::Down => self.live_scroll.saturating_sub(1),
                    Action::PageUp => (self.live_scroll + page).min(n),
                    Action::PageDown => self.live_scroll.saturating_sub(page),
                    Action::Top => n,
                    _ => 0,
                };
            }
        }
    }

    fn answer(&mut self, a: Action) -> Vec<Effect> {
        let session = self
            .dash
            .as_ref()
            .map(|d| d.header.session_id.clone())
            .unwrap_or_default();
        let Some(card) = self.dash.as_ref().and_then(|d| d.nudge.as_ref()) else {
            self.notice = Some(("no nudge to answer".into(), 0));
            return Vec::new();
        };
        let index = card.index;
        let dismiss = a == Action::Dismiss;
        if self.replay.is_some() {
            // A replay is history: nothing it shows is recorded, and it says so.
            self.notice = Some((
                if dismiss {
                    "hidden (a replay records no feedback)"
                } else {
                    "a replay records no feedback"
                }
                .into(),
                0,
            ));
            return if dismiss {
                vec![Effect::Control(Control::Dismiss(index))]
            } else {
                Vec::new()
            };
        }
        let verdict = if dismiss {
            Verdict::Dismissed
        } else {
            Verdict::Helpful
        };
        let given = |v: Verdict| {
            self.answered
                .iter()
                .any(|(s, i, w)| *s == session && *i == index && *w == v)
        };
        let was_helpful = given(Verdict::Helpful);
        let mut effects = Vec::new();
        // Each verdict once per nudge; a dismissal after "helpful" is recorded too, or the
        // nudge would come back after a restart.
        let recorded = given(verdict) || (verdict == Verdict::Helpful && given(Verdict::Dismissed));
        if !recorded {
            self.answered.push((session.clone(), index, verdict));
            effects.push(Effect::Feedback {
                session,
                signal: card.signal.code().to_owned(),
                line: card.at_line.0,
                verdict,
            });
        }
        if dismiss {
            effects.push(Effect::Control(Control::Dismiss(index)));
            self.notice = Some((
                if was_helpful {
                    "nudge hidden (still marked helpful for your weekly review)"
                } else {
                    "nudge dismissed (noted for your weekly review)"
                }
                .into(),
                0,
            ));
        } else {
            self.notice = Some((
                "thanks: marked helpful (noted for your weekly review)".into(),
                0,
            ));
        }
        effects
    }
}

/// Moves an overlay's scroll by an action (the view clamps it to the content).
fn scroll_by(scroll: &mut usize, a: Action, page: usize) {
    let page = page.max(1);
    *scroll = match a {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => usize::MAX / 2,
        _ => *scroll,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::{View, fixtures};

    fn app_with_demo(lines: usize) -> App {
        let mut app = App::new(Keymap::default());
        let d = View::of(&fixtures::demo_until(lines)).dashboard();
        app.on_update(Update::Dashboard(
            Box::new(d),
            Showing::Demo { finished: false },
        ));
        app
    }

    #[test]
    fn dismissing_records_feedback_once_and_hides_the_nudge() {
        let mut app = app_with_demo(62);
        let fx = app.on_action(Action::Dismiss);
        assert!(
            matches!(&fx[0], Effect::Feedback { signal, verdict: Verdict::Dismissed, session, .. }
                if signal == "S5" && session == "demo")
        );
        assert_eq!(fx[1], Effect::Control(Control::Dismiss(0)));
        let fx = app.on_action(Action::Helpful);
        assert!(fx.is_empty(), "already answered: {fx:?}");
    }

    #[test]
    fn selection_follows_the_latest_until_moved() {
        let mut app = app_with_demo(97);
        assert_eq!(app.selected_turn(), Some(3));
        app.on_action(Action::Up);
        assert_eq!(app.selected_turn(), Some(2));
        assert_eq!(
            app.on_action(Action::Open),
            vec![Effect::Control(Control::Detail(2))]
        );
        app.on_action(Action::Bottom);
        assert_eq!(app.selected, None, "back to following");
    }

    #[test]
    fn help_opens_and_closes_and_quit_quits() {
        let mut app = app_with_demo(10);
        app.on_action(Action::Help);
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }));
        app.on_action(Action::Back);
        assert_eq!(app.overlay, None);
        assert_eq!(
            app.on_action(Action::Quit),
            vec![Effect::Control(Control::Quit)]
        );
        assert!(app.quit);
    }

    #[test]
    fn esc_clears_a_selection_and_never_quits() {
        let mut app = app_with_demo(97);
        app.on_action(Action::Up);
        assert!(app.selected.is_some());
        app.on_action(Action::Back);
        assert!(app.selected.is_none());
        app.on_action(Action::Back);
        assert!(
            !app.quit,
            "Esc with nothing to step back from does not quit"
        );
        assert_eq!(
            app.notice.as_ref().map(|(n, _)| n.as_str()),
            Some("q quits")
        );
    }

    #[test]
    fn a_dismissal_after_helpful_is_recorded_so_the_nudge_stays_hidden() {
        let mut app = app_with_demo(62);
        let fx = app.on_action(Action::Helpful);
        assert!(matches!(
            &fx[..],
            [Effect::Feedback {
                verdict: Verdict::Helpful,
                ..
            }]
        ));
        let fx = app.on_action(Action::Dismiss);
        assert!(
            matches!(
                &fx[0],
                Effect::Feedback {
                    verdict: Verdict::Dismissed,
                    ..
                }
            ),
            "{fx:?}"
        );
        assert_eq!(fx[1], Effect::Control(Control::Dismiss(0)));
        assert!(app.on_action(Action::Helpful).is_empty());
    }

    #[test]
    fn a_replay_records_no_feedback_and_says_so() {
        use crate::core::engine::Rules;
        use crate::core::replay::{Player, Replay};
        let bytes = include_bytes!("../../assets/demo/session.jsonl").to_vec();
        let r = std::sync::Arc::new(Replay::open(bytes, None, Rules::shared_default(), None));
        let mut p = Player::new(std::sync::Arc::clone(&r), 8.0);
        let nudge = r
            .next_mark(0, &[crate::core::replay::MarkKind::Nudge])
            .unwrap();
        p.seek(nudge);
        let mut app = App::new(Keymap::default());
        app.on_replay(p.dashboard(&[]), p.bar());
        assert!(app.on_action(Action::Helpful).is_empty());
        let fx = app.on_action(Action::Dismiss);
        assert_eq!(fx, vec![Effect::Control(Control::Dismiss(0))]);
        let (notice, _) = app.notice.clone().unwrap();
        assert!(notice.contains("records no feedback"), "{notice}");
    }

    fn entry(id: &str, project: &str, prompt: &str) -> SessionEntry {
        SessionEntry {
            path: format!("/p/{id}.jsonl").into(),
            id: id.into(),
            modified: None,
            bytes: 1,
            current: false,
            project: Some(project.into()),
            branch: None,
            first_prompt: Some(prompt.into()),
            prompts: 1,
            agent: "claude",
        }
    }

    fn key(c: KeyCode) -> Event {
        Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    #[test]
    fn the_picker_filters_as_you_type_and_follows_the_match() {
        let mut app = app_with_demo(97);
        app.on_update(Update::Sessions(vec![
            entry("aaaa", "logslice", "fix the timezone"),
            entry("bbbb", "spotter", "add tracing"),
            entry("cccc", "spotter", "Fix the Login"),
        ]));
        app.on_event(&key(KeyCode::Char('/')));
        for c in "fix".chars() {
            app.on_event(&key(KeyCode::Char(c)));
        }
        let Some(Overlay::Sessions { rows, filter, .. }) = &app.overlay else {
            panic!("the picker is open")
        };
        let ids: Vec<&str> = filtered(rows, filter)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["aaaa", "cccc"],
            "case-insensitive, in the first prompt"
        );
        // 'j' is typed into the filter, not a move; the arrow still moves.
        app.on_event(&key(KeyCode::Down));
        let fx = app.on_event(&key(KeyCode::Enter));
        assert_eq!(
            fx,
            vec![Effect::Control(Control::Pin("/p/cccc.jsonl".into()))]
        );
        // Esc while typing clears the filter and keeps the picker open.
        app.on_update(Update::Sessions(vec![entry("aaaa", "logslice", "x")]));
        app.on_event(&key(KeyCode::Char('/')));
        app.on_event(&key(KeyCode::Char('q')));
        assert!(!app.quit, "q is typed, not quit");
        app.on_event(&key(KeyCode::Esc));
        assert!(
            matches!(&app.overlay, Some(Overlay::Sessions { filter, typing: false, .. }) if filter.is_empty())
        );
    }
}
