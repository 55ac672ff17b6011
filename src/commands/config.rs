//! `ringside config`: where the config lives, whether it is valid, and the documented defaults.

use anyhow::Result;

use crate::cli::{ConfigArgs, Global};
use ringside::core::config::EXAMPLE;
use ringside::source::settings;
use ringside::tui::keys::Keys;

pub fn run(args: &ConfigArgs, global: &Global) -> Result<()> {
    if args.print_defaults {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let dirs = settings::dirs();
    let default_path = dirs.as_ref().map(|d| d.config_file.display().to_string());
    match settings::load::<Keys>(global.config.as_deref()) {
        Ok(loaded) => match loaded.path {
            Some(p) => println!("config: {} (valid)", p.display()),
            None => println!(
                "config: {} (not present: using the defaults; `ringside config --print-defaults > FILE` writes a starting point)",
                default_path.as_deref().unwrap_or("(no home directory)")
            ),
        },
        Err(e) => return Err(e.into()),
    }
    if let Some(d) = dirs {
        println!("data:   {}", d.data.display());
        println!("cache:  {}", d.cache.display());
    }
    Ok(())
}
