//! The replay loop: the watch screen driven by a [`Player`] instead of the reader thread.
//! Terminal input and the player's next due stop in one select; drawing only on change.

use std::time::Duration;

use futures_util::StreamExt as _;
use ratatui::crossterm::event::EventStream;

use crate::core::replay::Player;
use crate::source::clock;
use crate::source::live::{Control, Update};

use super::app::{App, Effect};
use super::keymap::Keymap;
use super::theme::Theme;
use super::{Guard, enter, signals, view};

/// Frames never come faster than this while playing (several stops may pass in one).
const FRAME: Duration = Duration::from_millis(33);

/// Plays `player` until the user quits.
///
/// # Errors
/// When the terminal cannot be set up or drawn to.
pub fn run(mut player: Player, keymap: Keymap, theme: Theme) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut terminal = enter()?;
    let _guard = Guard;
    let mut app = App::new(keymap);
    let mut dismissed: Vec<usize> = Vec::new();
    app.on_replay(player.dashboard(&dismissed), player.bar());
    rt.block_on(async {
        let mut input = EventStream::new();
        let mut last = clock::instant();
        loop {
            if app.dirty {
                terminal.draw(|f| view::render(f, &mut app, theme))?;
                app.dirty = false;
            }
            let due = player.due_in_ms().map_or(Duration::from_secs(3600), |ms| {
                Duration::from_millis(ms).max(FRAME)
            });
            let mut changed = false;
            let effects = tokio::select! {
                ev = input.next() => match ev {
                    Some(Ok(ev)) => app.on_event(&ev),
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                },
                () = tokio::time::sleep(due), if player.playing() => Vec::new(),
                _ = signals::received() => break,
            };
            // Wall time moves the player only while it plays.
            let now = clock::instant();
            let wall = u64::try_from(now.duration_since(last).as_millis()).unwrap_or(u64::MAX);
            last = now;
            changed |= player.advance(wall);
            for e in effects {
                match e {
                    Effect::Replay(c) => changed |= player.command(c),
                    Effect::Control(Control::Detail(i)) => {
                        if let Some(d) = player.view().detail(i) {
                            app.on_update(Update::Detail(Box::new(d)));
                        }
                    }
                    Effect::Control(Control::Dismiss(i)) => {
                        dismissed.push(i);
                        changed = true;
                    }
                    // Feedback is for live nudges; a replay records nothing.
                    Effect::Control(_) | Effect::Feedback { .. } => {}
                }
            }
            if let Some(e) = player.take_error() {
                app.on_update(Update::Notice(e.to_string()));
                changed = true;
            }
            if changed {
                // Keep the bar's play state current even when only playing/paused changed.
                app.on_replay(player.dashboard(&dismissed), player.bar());
            }
            if app.quit {
                break;
            }
        }
        Ok::<(), anyhow::Error>(())
    })?;
    signals::check()
}
