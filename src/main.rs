//! Parses the command line, then runs a headless command or starts the GUI.

use std::process::ExitCode;

use clap::Parser as _;
use pledge_explorer::cli::{Cli, run};

fn main() -> ExitCode {
    env_logger::init();
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        #[cfg(feature = "gui")]
        None => pledge_explorer::app::run_gui(cli.file, cli.recover),
        #[cfg(not(feature = "gui"))]
        None => {
            eprintln!("pledge-explorer: built without the app (feature `gui`); see --help for the commands");
            ExitCode::from(2)
        }
    }
}
