//! Where ringside keeps its own files, and reading the config file.
//!
//! Directories come from `directories` (`~/.config/ringside`, `~/.local/share/ringside`,
//! `~/.cache/ringside` on Linux). `RINGSIDE_HOME`, when set, puts all three under one folder:
//! tests use it, and so can anyone who wants ringside's files somewhere else.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::core::config::{Config, ConfigError, Section};

/// ringside's own folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    pub config_file: PathBuf,
    pub data: PathBuf,
    pub cache: PathBuf,
}

/// ringside's folders, or `None` when the platform has no home directory.
#[must_use]
pub fn dirs() -> Option<Dirs> {
    if let Some(home) = std::env::var_os("RINGSIDE_HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        return Some(Dirs {
            config_file: home.join("config.toml"),
            data: home.join("data"),
            cache: home.join("cache"),
        });
    }
    let p = directories::ProjectDirs::from("", "", "ringside")?;
    Some(Dirs {
        config_file: p.config_dir().join("config.toml"),
        data: p.data_dir().to_path_buf(),
        cache: p.cache_dir().to_path_buf(),
    })
}

/// A loaded configuration and where it came from: the core's settings, and the front end's
/// `[keys]` section as `K` (the TUI's `tui::keys::Keys`).
#[derive(Debug, Clone)]
pub struct Loaded<K> {
    pub config: Config,
    pub keys: K,
    /// The file read, when one was.
    pub path: Option<PathBuf>,
}

/// Why the config file could not be used.
#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("cannot read config {path}: {error}", path = .path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("config {path}: {error}", path = .path.display())]
    Invalid { path: PathBuf, error: ConfigError },
}

/// Reads `explicit` (which must exist), else the default config file (absent means defaults).
///
/// # Errors
/// Naming the file, and for bad content the line and key.
pub fn load<K: Section>(explicit: Option<&Path>) -> Result<Loaded<K>, SettingsError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match dirs() {
            Some(d) if d.config_file.exists() => d.config_file,
            _ => {
                return Ok(Loaded {
                    config: Config::default(),
                    keys: K::default(),
                    path: None,
                });
            }
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(error) => return Err(SettingsError::Unreadable { path, error }),
    };
    let (config, keys) = match Config::parse_with(&text) {
        Ok(c) => c,
        Err(error) => return Err(SettingsError::Invalid { path, error }),
    };
    Ok(Loaded {
        config,
        keys,
        path: Some(path),
    })
}
