//! `ringside install statusline|hooks`: merges ringside into Claude Code's `settings.json`;
//! `ringside install codex-notify`: makes ringside's hook Codex's `notify` program in its
//! `config.toml` (the same diff, confirmation and backup).
//!
//! Shows the change as a unified diff, then writes it after confirmation (a prompt in a
//! terminal, `--yes` in scripts; neither: nothing is written). The original is copied to
//! `settings.json.ringside-backup-<time>` first, and the new file replaces it atomically with
//! the same permissions. `--dry-run` only shows the diff.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

use crate::cli::{InstallArgs, InstallWhat};
use ringside::source::agents::codex::config as codex_config;
use ringside::source::atomic::{self, Durability};
use ringside::source::claude_settings::{self, Merged};
use ringside::source::clock;

pub fn run(args: &InstallArgs) -> Result<()> {
    if args.what == InstallWhat::CodexNotify {
        return codex_notify(args);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config_dir = std::env::var("CLAUDE_CONFIG_DIR").ok();
    let Some(path) = claude_settings::path(config_dir.as_deref(), home.as_deref()) else {
        bail!(
            "no home directory and no CLAUDE_CONFIG_DIR: cannot find Claude Code's settings.json"
        );
    };
    let original = read_original(&path)?;
    let mut root: Value = match original.as_deref() {
        Some(t) if !t.trim().is_empty() => serde_json::from_str(t).with_context(|| {
            format!(
                "{} is not valid JSON; fix it first (nothing was changed)",
                path.display()
            )
        })?,
        _ => Value::Object(serde_json::Map::new()),
    };
    let me = own_command();
    let merged = match args.what {
        InstallWhat::Statusline => claude_settings::merge_statusline(&mut root, &me),
        InstallWhat::Hooks | InstallWhat::CodexNotify => {
            claude_settings::merge_hooks(&mut root, &me)
        }
    }
    .map_err(|e| anyhow::anyhow!("{}: {e} (nothing was changed)", path.display()))?;
    let what = match args.what {
        InstallWhat::Statusline => "status line",
        InstallWhat::Hooks | InstallWhat::CodexNotify => "hooks",
    };
    let Merged::Added { chained } = merged else {
        println!(
            "ringside's {what} already in {}: nothing to change",
            path.display()
        );
        return Ok(());
    };
    let new = claude_settings::render(&root).map_err(anyhow::Error::msg)?;
    let kept = chained.map(|c| {
        format!("Your status line command `{c}` is kept: ringside runs it first (--chain).")
    });
    write_confirmed(
        &path,
        original.as_deref(),
        &new,
        args,
        kept.as_deref(),
        "Claude Code picks the change up in new sessions.",
    )
}

/// `install codex-notify`: ringside's hook as Codex's `notify` program, a program the user had
/// kept (run after ringside's).
fn codex_notify(args: &InstallArgs) -> Result<()> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let codex_home = std::env::var("CODEX_HOME").ok();
    let Some(path) = codex_config::path(codex_home.as_deref(), home.as_deref()) else {
        bail!("no home directory and no CODEX_HOME: cannot find Codex's config.toml");
    };
    let original = read_original(&path)?;
    // The arguments are written as a TOML list, not a shell line: no quoting.
    let me = own_program();
    let merged = codex_config::merge_notify(original.as_deref().unwrap_or(""), &me)
        .map_err(|e| anyhow::anyhow!("{}: {e} (nothing was changed)", path.display()))?;
    let codex_config::Merged::Added { text, kept } = merged else {
        println!(
            "ringside is already Codex's notify program in {}: nothing to change",
            path.display()
        );
        return Ok(());
    };
    let kept = kept.map(|k| {
        format!(
            "Your notify program `{}` is kept: ringside runs it after itself, with the same notification.",
            k.join(" ")
        )
    });
    write_confirmed(
        &path,
        original.as_deref(),
        &text,
        args,
        kept.as_deref(),
        "Codex picks the change up in new sessions.",
    )
}

fn read_original(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    }
}

/// Shows the change as a diff, then (unless a dry run) asks, backs the file up and writes it.
fn write_confirmed(
    path: &Path,
    original: Option<&str>,
    new: &str,
    args: &InstallArgs,
    note: Option<&str>,
    after: &str,
) -> Result<()> {
    let old = original.unwrap_or_default();
    let shown = path.display().to_string();
    print!(
        "{}",
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&shown, &shown)
    );
    if let Some(n) = note {
        println!("\n{n}");
    }
    if args.dry_run {
        println!("\n(dry run: nothing written)");
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "not writing {} without confirmation: run with --yes",
                path.display()
            );
        }
        print!("\nWrite this to {}? [y/N] ", path.display());
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing written.");
            return Ok(());
        }
    }
    let backup = match original {
        Some(_) => Some(backup(path)?),
        None => None,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    atomic::write(path, new.as_bytes(), Durability::Synced)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Some(p) = permissions {
        std::fs::set_permissions(path, p).ok();
    }
    println!("Wrote {}.", path.display());
    if let Some(b) = backup {
        println!("The previous file is at {}.", b.display());
    }
    println!("{after}");
    Ok(())
}

/// Copies the settings beside themselves, never over an earlier backup.
fn backup(path: &Path) -> Result<PathBuf> {
    let stamp = clock::now().0;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".ringside-backup-{stamp}"));
    let to = path.with_file_name(name);
    std::fs::copy(path, &to)
        .with_context(|| format!("cannot back up {} (nothing was changed)", path.display()))?;
    Ok(to)
}

/// This program as a program name: `ringside` when that is on `PATH` and is this program, else
/// its full path (unquoted: for an argument list).
fn own_program() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "ringside".into();
    };
    let exe = exe.canonicalize().unwrap_or(exe);
    if on_path(&exe) {
        "ringside".into()
    } else {
        exe.display().to_string()
    }
}

fn on_path(exe: &Path) -> bool {
    std::env::var_os("PATH").is_some_and(|p| {
        std::env::split_paths(&p).any(|dir| {
            dir.join("ringside")
                .canonicalize()
                .is_ok_and(|found| found == exe)
        })
    })
}

/// How settings.json should call ringside: `ringside` when that is on `PATH` and is this
/// program, else this program's full path, quoted for the shell.
fn own_command() -> String {
    let p = own_program();
    if p == "ringside" {
        p
    } else {
        claude_settings::shell_quote(&p)
    }
}
