//! The UI state and its update function: messages in, effects out, no I/O (the loop performs
//! the effects). Domain state stays in the reader thread; the UI holds the latest dashboard.

use ratatui::crossterm::event::{Event, KeyEventKind, MouseEventKind};

use crate::core::replay::{Command, PlaybackBar};
use crate::core::view::{Dashboard, TurnDetail};
use crate::source::feedback::Verdict;
use crate::source::live::{Control, SessionEntry, Showing, Update};

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
    Help,
    Detail {
        detail: Box<TurnDetail>,
        scroll: usize,
    },
    Sessions {
        rows: Vec<SessionEntry>,
        selected: usize,
    },
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
    pub waiting: Option<String>,
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
        }
    }

    /// A message from the reader thread.
    pub fn on_update(&mut self, u: Update) {
        self.dirty = true;
        match u {
            Update::Dashboard(d, showing) => {
                self.waiting = None;
                self.dash = Some(*d);
                self.showing = Some(showing);
            }
            Update::Waiting(w) => self.waiting = Some(w),
            Update::Notice(n) => self.notice = Some((n, 0)),
            Update::Sessions(rows) => {
                let selected = rows.iter().position(|r| r.current).unwrap_or(0);
                self.overlay = Some(Overlay::Sessions { rows, selected });
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
            Event::Key(k) if k.kind != KeyEventKind::Release => match self.keymap.resolve(k) {
                Some(a) => self.on_action(a),
                None => Vec::new(),
            },
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

    /// A user action.
    pub fn on_action(&mut self, a: Action) -> Vec<Effect> {
        self.dirty = true;
        if a == Action::Quit {
            self.quit = true;
            return vec![Effect::Control(Control::Quit)];
        }
        if let Action::Player(command) = a {
            return match (&self.replay, &self.overlay) {
                (Some(_), None | Some(Overlay::Help)) => {
                    self.overlay = None;
                    vec![Effect::Replay(command)]
                }
                _ => Vec::new(),
            };
        }
        match &mut self.overlay {
            Some(Overlay::Help) => {
                if matches!(a, Action::Help | Action::Back | Action::Open) {
                    self.overlay = None;
                }
                return Vec::new();
            }
            Some(Overlay::Detail { detail, scroll }) => {
                let max = detail.activity.len() + detail.signals.len() + 20;
                match a {
                    Action::Back | Action::Open => self.overlay = None,
                    Action::Down => *scroll = (*scroll + 1).min(max),
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::PageDown => *scroll = (*scroll + 10).min(max),
                    Action::PageUp => *scroll = scroll.saturating_sub(10),
                    Action::Top => *scroll = 0,
                    Action::Bottom => *scroll = max,
                    Action::Help => self.overlay = Some(Overlay::Help),
                    _ => {}
                }
                return Vec::new();
            }
            Some(Overlay::Sessions { rows, selected }) => {
                match a {
                    Action::Back => self.overlay = None,
                    Action::Down => *selected = (*selected + 1).min(rows.len().saturating_sub(1)),
                    Action::Up => *selected = selected.saturating_sub(1),
                    Action::Top => *selected = 0,
                    Action::Bottom => *selected = rows.len().saturating_sub(1),
                    Action::Open => {
                        let pick = rows.get(*selected).map(|r| r.path.clone());
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
            Action::Help => self.overlay = Some(Overlay::Help),
            Action::Sessions if self.replay.is_some() => {
                self.notice = Some((
                    "a replay shows one session: quit and run `ringside replay ID`".into(),
                    0,
                ));
            }
            Action::Sessions => {
                if matches!(self.showing, Some(Showing::Live { .. }) | None) {
                    return vec![Effect::Control(Control::ListSessions)];
                }
                self.notice = Some(("the demo has no other sessions".into(), 0));
            }
            Action::NextPane => {
                self.focus = if self.focus == Pane::Prompts {
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
            // Esc steps back out of a selection or scroll first, then quits (q always quits).
            Action::Back if self.selected.is_none() && self.live_scroll == 0 => self.quit = true,
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
        let verdict = if a == Action::Dismiss {
            Verdict::Dismissed
        } else {
            Verdict::Helpful
        };
        let index = card.index;
        let mut effects = Vec::new();
        if !self
            .answered
            .iter()
            .any(|(s, i, _)| *s == session && *i == index)
        {
            self.answered.push((session.clone(), index, verdict));
            effects.push(Effect::Feedback {
                session,
                signal: card.signal.code().to_owned(),
                line: card.at_line.0,
                verdict,
            });
        }
        if verdict == Verdict::Dismissed {
            effects.push(Effect::Control(Control::Dismiss(index)));
            self.notice = Some(("nudge dismissed (noted for your weekly review)".into(), 0));
        } else {
            self.notice = Some((
                "thanks: marked helpful (noted for your weekly review)".into(),
                0,
            ));
        }
        effects
    }
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
        assert_eq!(app.overlay, Some(Overlay::Help));
        app.on_action(Action::Back);
        assert_eq!(app.overlay, None);
        assert_eq!(
            app.on_action(Action::Quit),
            vec![Effect::Control(Control::Quit)]
        );
        assert!(app.quit);
    }

    #[test]
    fn esc_clears_a_selection_first_then_quits() {
        let mut app = app_with_demo(97);
        app.on_action(Action::Up);
        assert!(app.selected.is_some());
        app.on_action(Action::Back);
        assert!(app.selected.is_none());
        assert!(!app.quit, "the first Esc only steps back");
        app.on_action(Action::Back);
        assert!(app.quit, "Esc with nothing to step back from quits");
    }
}
