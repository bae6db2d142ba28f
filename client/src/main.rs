//! `ehr`: the command-line client of the EHR consortium chain.
//!
//! `main` parses arguments and calls [`cli::run`]; `run` returns a
//! `Result`; `main` turns it into one message on stderr and an exit code.

mod cli;
mod portal;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
	let cli = cli::Cli::parse();
	match cli::run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::from(e.exit_code())
		}
	}
}
