//! The terminal front end for `watch` and `replay`: one select loop over terminal input,
//! dashboards from the reader thread (or the replay player's clock), a slow tick and SIGTERM;
//! drawing only when something changed. The terminal is restored on quit, on error, on panic
//! and on SIGTERM, SIGINT, SIGHUP and SIGQUIT ([`signals`], shared by every screen).

pub mod app;
pub mod keymap;
pub mod keys;
pub mod replay;
pub mod review;
pub mod signals;
pub mod theme;
pub mod view;

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use crate::source::feedback::{self, Feedback};
use crate::source::live::{self, Control, Feed, Msg};

use self::app::{App, Effect};
use self::keymap::Keymap;
use self::theme::Theme;

/// The UI's own tick: notices fade, the clock advances.
pub const UI_TICK: Duration = Duration::from_secs(1);

/// What the TUI needs besides its feed.
pub struct Options {
    pub keymap: Keymap,
    pub theme: Theme,
    /// Where feedback on nudges is recorded (`None`: not recorded).
    pub data_dir: Option<PathBuf>,
    /// The session id feedback is recorded under.
    pub session_label: String,
    /// How the user runs ringside, for hints (`ringside`, `cargo run --release --`).
    pub command: String,
    /// Said first (why this is the demo, say).
    pub notice: Option<String>,
}

/// Runs the TUI until the user quits.
///
/// # Errors
/// When the terminal cannot be set up or drawn to, or the reader cannot start.
pub fn run(feed: Feed, opts: Options) -> anyhow::Result<()> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let ctl = live::spawn(feed, tx)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut terminal = enter()?;
    let _guard = Guard;
    let mut app = App::new(opts.keymap.clone());
    app.command.clone_from(&opts.command);
    app.notice = opts.notice.clone().map(|n| (n, 0));
    let result = rt.block_on(event_loop(&mut terminal, &mut app, rx, &ctl, &opts));
    let _ = ctl.send(Msg::Control(Control::Quit));
    result.and_then(|()| signals::check())
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<live::Update>,
    ctl: &std::sync::mpsc::Sender<Msg>,
    opts: &Options,
) -> anyhow::Result<()> {
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(UI_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // For the end-to-end test of the panic hook: panic once the first frame is on screen.
    let test_panic = std::env::var_os("RINGSIDE_TEST_PANIC").is_some();
    loop {
        if app.dirty {
            terminal.draw(|f| view::render(f, app, opts.theme))?;
            app.dirty = false;
            if test_panic {
                test_panic_now();
            }
        }
        let effects = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => app.on_event(&ev),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            up = rx.recv() => match up {
                Some(u) => {
                    app.on_update(u);
                    // Coalesce a burst of updates into one draw.
                    while let Ok(u) = rx.try_recv() {
                        app.on_update(u);
                    }
                    Vec::new()
                }
                None => anyhow::bail!("the transcript reader stopped (see the log in the data dir)"),
            },
            _ = tick.tick() => {
                app.on_tick();
                Vec::new()
            }
            _ = signals::received() => break,
        };
        for e in effects {
            perform(e, ctl, opts);
        }
        if app.quit {
            break;
        }
    }
    Ok(())
}

#[expect(
    clippy::panic,
    reason = "requested by RINGSIDE_TEST_PANIC, to test the panic hook"
)]
fn test_panic_now() {
    panic!("test panic requested by RINGSIDE_TEST_PANIC");
}

fn perform(e: Effect, ctl: &std::sync::mpsc::Sender<Msg>, opts: &Options) {
    match e {
        Effect::Control(c) => {
            let _ = ctl.send(Msg::Control(c));
        }
        Effect::Feedback {
            session,
            signal,
            line,
            verdict,
        } => {
            let Some(dir) = &opts.data_dir else { return };
            let entry = Feedback {
                at: crate::source::clock::now().to_string(),
                // The session's id, so the weekly review can tie feedback to sessions; the label
                // ("live", "demo") only when the transcript named none.
                session: if session.is_empty() {
                    opts.session_label.clone()
                } else {
                    session
                },
                signal,
                line,
                verdict,
            };
            if let Err(err) = feedback::record(dir, &entry) {
                tracing::warn!("cannot record feedback in {}: {err}", dir.display());
            }
        }
        // Only the replay loop has a player.
        Effect::Replay(_) => {}
    }
}

/// Raw mode, the alternate screen and mouse reporting, with a panic hook that undoes them
/// before the panic message prints.
pub(crate) fn enter() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    signals::install();
    enable_raw_mode()?;
    ACTIVE.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
        restore();
        return Err(e);
    }
    let mut t = Terminal::new(CrosstermBackend::new(out))?;
    t.hide_cursor()?;
    t.clear()?;
    Ok(t)
}

/// Whether the terminal is in the TUI's modes (raw, alternate screen, mouse).
static ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a screen is up (the terminal is in the TUI's modes).
pub(crate) fn is_active() -> bool {
    ACTIVE.load(std::sync::atomic::Ordering::SeqCst)
}

/// Puts the terminal back, once. Never panics: errors are logged and ignored (there is nothing
/// better to do while leaving). Idempotent because it runs from the panic hook and again from the
/// guard while unwinding, and a second "leave alternate screen" makes some terminals (tmux) jump
/// the cursor back, so the shell would overwrite the panic message.
pub fn restore() {
    if !ACTIVE.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    if let Err(e) = disable_raw_mode() {
        tracing::warn!("disable raw mode: {e}");
    }
    if let Err(e) = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    ) {
        tracing::warn!("restore terminal: {e}");
    }
}

/// Restores the terminal when dropped (normal exit and error returns).
pub(crate) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}
