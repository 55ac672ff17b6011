//! The `ringside` binary: parse the command line, dispatch, turn errors into exit codes.

mod cli;
mod commands;
mod progress;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Claude Code runs `statusline` and `hook`: a bad flag there must not print into its
            // UI or exit 2 (which blocks a prompt).
            let inside = std::env::args()
                .skip(1)
                .any(|a| a == "statusline" || a == "hook");
            if inside && e.use_stderr() {
                return std::process::ExitCode::SUCCESS;
            }
            e.exit()
        }
    };
    let result = match &cli.command {
        Some(cli::Command::Replay(args)) => commands::replay::run(args, &cli.global),
        Some(cli::Command::Statusline(args)) => {
            commands::statusline::run(args, &cli.global);
            Ok(())
        }
        Some(cli::Command::Hook(args)) => {
            commands::hook::run(args, &cli.global);
            Ok(())
        }
        Some(cli::Command::Install(args)) => {
            commands::install::run(args, commands::install::Mode::Install)
        }
        Some(cli::Command::Uninstall(args)) => {
            commands::install::run(args, commands::install::Mode::Uninstall)
        }
        Some(cli::Command::Score(args)) => commands::score::run(args, &cli.global),
        Some(cli::Command::Sessions(args)) => commands::sessions::run(args, &cli.global),
        Some(cli::Command::Config(args)) => commands::config::run(args, &cli.global),
        Some(cli::Command::Review(args)) => commands::review::run(args, &cli.global),
        Some(cli::Command::Export(args)) => commands::export::run(args, &cli.global),
        Some(cli::Command::Cache(args)) => commands::review::cache(args),
        Some(cli::Command::Watch(args)) => commands::watch::run(args, &cli.global),
        Some(cli::Command::Completions(args)) => commands::generate::completions(args.shell),
        Some(cli::Command::Man) => commands::generate::man(),
        None => commands::watch::run(&cli.watch, &cli.global),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The reader of our output went away (`| head`): stop quietly, as Unix tools do.
            if commands::is_broken_pipe(&e) {
                return std::process::ExitCode::SUCCESS;
            }
            if let Some(i) = e.downcast_ref::<ringside::tui::signals::Interrupted>() {
                return std::process::ExitCode::from(i.exit_code());
            }
            eprintln!("ringside: {e:#}");
            // An export whose records wait in the spool: try again later (sysexits' TEMPFAIL).
            if e.downcast_ref::<commands::export::Undelivered>().is_some() {
                return std::process::ExitCode::from(commands::export::UNDELIVERED);
            }
            std::process::ExitCode::FAILURE
        }
    }
}
