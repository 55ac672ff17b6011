//! `ringside config`: where the config lives, whether it is valid, and the documented defaults.

use anyhow::Result;

use crate::cli::{ConfigArgs, Global};
use ringside::core::config::EXAMPLE;
use ringside::source::settings;
use ringside::tui::keys::Keys;

pub fn run(args: &ConfigArgs, global: &Global) -> Result<()> {
    if args.print_defaults {
        out!("{EXAMPLE}")?;
        return Ok(());
    }
    let dirs = settings::dirs();
    let default_path = dirs.as_ref().map(|d| d.config_file.display().to_string());
    match settings::load::<Keys>(global.config.as_deref()) {
        Ok(loaded) => match loaded.path {
            Some(p) => outln!("config: {} (valid)", p.display())?,
            None => outln!(
                "config: {} (not present: using the defaults; `ringside config --print-defaults > FILE` writes a starting point)",
                default_path.as_deref().unwrap_or("(no home directory)")
            )?,
        },
        Err(e) => return Err(e.into()),
    }
    if let Some(d) = dirs {
        outln!("data:   {}", d.data.display())?;
        outln!("cache:  {}", d.cache.display())?;
    }
    Ok(())
}
