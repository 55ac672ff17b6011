//! `ringside install statusline|hooks` and `ringside uninstall statusline|hooks`: ringside in
//! Claude Code's `settings.json`, and out of it again; `ringside install|uninstall codex-notify`:
//! ringside's hook as Codex's `notify` program in its `config.toml` (the same conversation).
//!
//! Shows the change as a unified diff, then writes it after confirmation (a prompt in a
//! terminal, `--yes` in scripts; neither: nothing is written). `--dry-run` only shows the diff.
//! The edit itself, the backup, the lock and the safe write are in
//! [`ringside::source::claude_settings`]; this module is the conversation with the user:
//!
//! - the file is read, edited and shown without the lock (a prompt may wait for minutes);
//! - after the user's yes, under the lock, it is read again: when it changed since it was shown
//!   (Claude Code or the user wrote it meanwhile), `--yes` merges again on the new text and an
//!   interactive run refuses (the user approved a diff that no longer applies);
//! - the same holds for a change between that read and the rename ([`CommitError::Changed`]).

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::cli::{InstallArgs, InstallWhat};
use ringside::source::agents::codex::config as codex_config;
use ringside::source::claude_settings::{self, Change, CommitError, Edited, Part, Snapshot};
use ringside::source::{clock, settings};

/// Whether the command adds ringside or takes it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Install,
    Uninstall,
}

/// How often a file that keeps changing under `--yes` is merged again before giving up.
const ATTEMPTS: usize = 5;

/// The file a command edits, as the user knows it, and who reads it.
struct Target {
    path: PathBuf,
    /// "Claude Code", "Codex".
    agent: &'static str,
    /// What is added or removed ("status line", "hooks", "notify program").
    label: &'static str,
}

pub fn run(args: &InstallArgs, mode: Mode) -> Result<()> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if mode == Mode::Install {
        warn_if_build_folder();
    }
    if args.what == InstallWhat::CodexNotify {
        let codex_home = std::env::var("CODEX_HOME").ok();
        let Some(path) = codex_config::path(codex_home.as_deref(), home.as_deref()) else {
            bail!("no home directory and no CODEX_HOME: cannot find Codex's config.toml");
        };
        // The arguments are written as a TOML list, not a shell line: no quoting.
        let me = own_program();
        let shown = path.display().to_string();
        let target = Target {
            path,
            agent: "Codex",
            label: "notify program",
        };
        return converse(args, mode, &target, &|text: &str| {
            codex_edit(text, mode, &me)
                .map_err(|e| anyhow::anyhow!("{shown}: {e} (nothing was changed)"))
        });
    }
    let part = match args.what {
        InstallWhat::Statusline => Part::Statusline,
        InstallWhat::Hooks | InstallWhat::CodexNotify => Part::Hooks,
    };
    let config_dir = std::env::var("CLAUDE_CONFIG_DIR").ok();
    let Some(path) = claude_settings::path(config_dir.as_deref(), home.as_deref()) else {
        bail!(
            "no home directory and no CLAUDE_CONFIG_DIR: cannot find Claude Code's settings.json"
        );
    };
    let me = own_command();
    let shown = path.display().to_string();
    let target = Target {
        path,
        agent: "Claude Code",
        label: part.label(),
    };
    converse(args, mode, &target, &|text: &str| {
        match mode {
            Mode::Install => claude_settings::install(text, part, &me),
            Mode::Uninstall => claude_settings::uninstall(text, part),
        }
        .map_err(|e| anyhow::anyhow!("{shown}: {e} (nothing was changed)"))
    })
}

/// Codex's `notify` in or out, as an edit of the file's text.
fn codex_edit(text: &str, mode: Mode, me: &str) -> Result<Edited, String> {
    Ok(match mode {
        Mode::Install => match codex_config::merge_notify(text, me)? {
            codex_config::Merged::AlreadyPresent => Edited {
                text: text.to_owned(),
                change: Change::Unchanged,
            },
            codex_config::Merged::Added { text, kept } => Edited {
                text,
                change: Change::Added {
                    chained: kept.map(|k| k.join(" ")),
                },
            },
        },
        Mode::Uninstall => match codex_config::unmerge_notify(text)? {
            None => Edited {
                text: text.to_owned(),
                change: Change::Unchanged,
            },
            Some(codex_config::Unmerged { text, restored }) => Edited {
                text,
                change: Change::Removed {
                    restored: restored.map(|k| k.join(" ")),
                },
            },
        },
    })
}

/// Shows the change, asks, and writes it safely (see the module's notes).
fn converse(
    args: &InstallArgs,
    mode: Mode,
    target: &Target,
    edit: &dyn Fn(&str) -> Result<Edited>,
) -> Result<()> {
    let path = &target.path;
    let real = claude_settings::resolve(path)
        .with_context(|| format!("cannot follow {}", path.display()))?;
    let shown = if real == *path {
        path.display().to_string()
    } else {
        format!("{} (-> {})", path.display(), real.display())
    };
    let mut snap = read(&real)?;
    let mut edited = edit(snap.text.as_deref().unwrap_or(""))?;
    if edited.change == Change::Unchanged {
        match mode {
            Mode::Install => outln!(
                "ringside's {} already in {shown}: nothing to change",
                target.label
            )?,
            Mode::Uninstall => outln!(
                "no {} of ringside's in {shown}: nothing to remove",
                target.label
            )?,
        }
        return Ok(());
    }
    out!("{}", diff(&snap, &edited.text, path))?;
    say_what(&edited.change, args.what)?;
    if snap.read_only() {
        bail!(
            "{shown} is read-only (mode {:04o}): ringside leaves it alone. Make it writable \
             (`chmod u+w {}`) and run this again, or make the change above by hand.",
            snap.mode.unwrap_or(0),
            real.display()
        );
    }
    if args.dry_run {
        outln!("\n(dry run: nothing written)")?;
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!("not writing {shown} without confirmation: run with --yes");
        }
        out!("\nWrite this to {shown}? [y/N] ")?;
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            outln!("Nothing written.")?;
            return Ok(());
        }
    }
    let dirs = settings::dirs();
    let lock_dir = dirs
        .as_ref()
        .map_or_else(std::env::temp_dir, |d| d.data.join("locks"));
    // Another ringside holding the lock past the wait is an error; a lock that cannot be made at
    // all (an unwritable data dir) is not: the re-read before the rename still guards the file.
    let _lock = match claude_settings::lock(&lock_dir, &real) {
        Ok(l) => Some(l),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            bail!("{e} (nothing was changed)")
        }
        Err(e) => {
            eprintln!(
                "note: cannot take ringside's lock in {} ({e}); writing without it",
                lock_dir.display()
            );
            None
        }
    };
    for _ in 0..ATTEMPTS {
        let result =
            claude_settings::commit(&real, &snap, &edited.text, path, &stamp(), &mut || {});
        match result {
            Ok(done) => {
                outln!("Wrote {shown}.")?;
                if let Some(b) = done.backup {
                    outln!("The previous file is at {}.", b.display())?;
                }
                outln!("{} picks the change up in new sessions.", target.agent)?;
                return Ok(());
            }
            Err(CommitError::Changed(now)) => {
                if !args.yes {
                    bail!(
                        "{shown} changed after the diff was shown ({} or you wrote \
                         it meanwhile): nothing written. Run the command again to see the new diff.",
                        target.agent
                    );
                }
                eprintln!("note: {shown} changed meanwhile; merging into the new version");
                snap = now;
                edited = edit(snap.text.as_deref().unwrap_or(""))?;
                if edited.change == Change::Unchanged {
                    outln!("{shown} already has what was asked: nothing to change")?;
                    return Ok(());
                }
            }
            Err(CommitError::ReadOnly(m)) => {
                bail!("{shown} became read-only (mode {m:04o}): nothing written")
            }
            Err(CommitError::Io(e)) => {
                return Err(e).with_context(|| format!("cannot write {shown}"));
            }
        }
    }
    bail!("{shown} kept changing while ringside tried to write it: nothing written; try again")
}

fn read(real: &Path) -> Result<Snapshot> {
    claude_settings::read(real).with_context(|| format!("cannot read {}", real.display()))
}

fn diff(snap: &Snapshot, new: &str, path: &Path) -> String {
    let old = snap.text.as_deref().unwrap_or("");
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}

fn say_what(change: &Change, what: InstallWhat) -> std::io::Result<()> {
    match (change, what) {
        (Change::Added { chained: Some(c) }, InstallWhat::CodexNotify) => outln!(
            "\nYour notify program `{c}` is kept: ringside runs it after itself, with the same \
             notification; `ringside uninstall codex-notify` puts it back."
        ),
        (Change::Added { chained: Some(c) }, _) => outln!(
            "\nYour status line command `{c}` is kept: ringside runs it first (--chain); \
             `ringside uninstall statusline` puts it back."
        ),
        (Change::Removed { restored: Some(c) }, InstallWhat::CodexNotify) => {
            outln!("\nYour notify program `{c}` is put back.")
        }
        (Change::Removed { restored: Some(c) }, _) => {
            outln!("\nYour status line command `{c}` is put back.")
        }
        _ => Ok(()),
    }
}

/// The backup's name part: local date and time, `2026-02-11-143005`.
fn stamp() -> String {
    let now = clock::now();
    jiff::Timestamp::from_millisecond(now.0)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d-%H%M%S")
                .to_string()
        })
        .unwrap_or_else(|_| now.0.to_string())
}

/// When this binary is a cargo build (`cargo run`, `target/release/ringside`), settings.json
/// would call a path that `cargo clean` deletes: say so before anything is written.
fn warn_if_build_folder() {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let exe = exe.canonicalize().unwrap_or(exe);
    if in_build_folder(&exe) {
        eprintln!(
            "warning: this ringside is a build in a cargo target folder ({}).\n\
             settings.json would call that path, which stops working after `cargo clean` or a \
             rebuild elsewhere. Install it first with `cargo install --path .`, then run \
             `ringside install` from your PATH.",
            exe.display()
        );
    }
}

/// `exe` lies in a cargo target folder (`…/target/<profile>/…`, which holds `CACHEDIR.TAG`).
fn in_build_folder(exe: &Path) -> bool {
    exe.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "target")
            && (dir.join("CACHEDIR.TAG").is_file()
                || exe
                    .strip_prefix(dir)
                    .ok()
                    .and_then(|rest| rest.components().next())
                    .is_some_and(|c| matches!(c.as_os_str().to_str(), Some("debug" | "release"))))
    })
}

/// This program as others should call it: `ringside` when that is on `PATH` and is this
/// program, else this program's full path.
fn own_program() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "ringside".into();
    };
    let exe = exe.canonicalize().unwrap_or(exe);
    let on_path = std::env::var_os("PATH").is_some_and(|p| {
        std::env::split_paths(&p).any(|dir| {
            dir.join("ringside")
                .canonicalize()
                .is_ok_and(|found| found == exe)
        })
    });
    if on_path {
        "ringside".into()
    } else {
        exe.display().to_string()
    }
}

/// How settings.json should call ringside: [`own_program`], quoted for the shell.
fn own_command() -> String {
    let p = own_program();
    if p == "ringside" {
        p
    } else {
        claude_settings::shell_quote(&p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_folders_are_recognised() {
        assert!(in_build_folder(Path::new("/src/r/target/release/ringside")));
        assert!(in_build_folder(Path::new("/src/r/target/debug/ringside")));
        assert!(!in_build_folder(Path::new("/home/u/.cargo/bin/ringside")));
        assert!(!in_build_folder(Path::new("/usr/local/bin/ringside")));
        assert!(!in_build_folder(Path::new("/opt/target/bin/ringside")));
    }
}
