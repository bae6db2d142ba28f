//! `ehr-node`: a validator or full node of the EHR consortium chain.

// `sc_cli::Error` and `sc_service::Error` are large, but they are the
// framework's types and travel once, at start-up or exit.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
