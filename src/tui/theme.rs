//! Styles. Every meaning is also carried by a symbol or a word (✓ ✗ ⚠ ▸, "high"), so the screen
//! reads the same with `NO_COLOR` set, where only bold and reverse remain.

use ratatui::style::{Color, Modifier, Style};

use crate::core::engine::Band;
use crate::core::replay::MarkKind;
use crate::core::session::Status;

/// The palette, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything (https://no-color.org).
    #[must_use]
    pub fn from_env() -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    #[must_use]
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    #[must_use]
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    #[must_use]
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }
    #[must_use]
    pub fn bad(self) -> Style {
        self.fg(Color::Red)
    }
    #[must_use]
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    #[must_use]
    pub fn accent(self) -> Style {
        self.fg(Color::Cyan)
    }
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    #[must_use]
    pub fn nudge_border(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// A band's style.
    #[must_use]
    pub fn band(self, band: Option<Band>) -> Style {
        match band {
            None | Some(Band::Low) => self.good(),
            Some(Band::Watch) => self.warn(),
            Some(Band::High) => self.bad().add_modifier(Modifier::BOLD),
        }
    }

    /// A scrubber mark's symbol (one column wide) and style.
    #[must_use]
    pub fn mark(self, k: MarkKind) -> (char, Style) {
        match k {
            MarkKind::Prompt => ('┃', self.accent()),
            MarkKind::Error => ('✗', self.bad()),
            MarkKind::Compaction => ('◇', self.dim()),
            MarkKind::Recovery => ('↺', self.good()),
            MarkKind::Signal => ('⚠', self.warn()),
            MarkKind::Nudge => ('✱', self.warn()),
            MarkKind::Abandoned => ('■', self.bad()),
        }
    }

    /// A tool call's symbol and style.
    #[must_use]
    pub fn status(self, s: Status) -> (&'static str, Style) {
        match s {
            Status::Running => ("◌", self.accent()),
            Status::Ok => ("✓", self.good()),
            Status::Failed => ("✗", self.bad()),
            Status::Rejected => ("⊘", self.warn()),
            Status::Cancelled => ("·", self.dim()),
            Status::Blocked => ("⊘", self.dim()),
            Status::Interrupted => ("⏹", self.warn()),
        }
    }
}
