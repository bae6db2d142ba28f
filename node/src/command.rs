//! Dispatches the command line to the node or a subcommand.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use ehr_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"EHR Consortium Node".into()
	}

	/// The package version alone: a git commit hash in it would make every
	/// commit rebuild the node (its build script watched `.git/HEAD`).
	fn impl_version() -> String {
		env!("CARGO_PKG_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/ehr-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development()?),
			"" | "local" => Box::new(chain_spec::local()?),
			"consortium" => Box::new(chain_spec::consortium()?),
			path => {
				Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?)
			}
		})
	}
}

/// The transaction pool's size unless `--pool-limit` / `--pool-kbytes` say
/// otherwise: a minute of load at full blocks. The fork-aware pool keeps a
/// call until its block is final, so there sc-cli's 8,192 calls (20 MiB)
/// capped a node at about 8,192 calls per finality lag (≈ 18 s under load
/// here): 455 calls/s. The single-state pool drops a call once it is in a
/// block, but a burst still waits in it, and a full pool refuses calls
/// (future calls are held up to a tenth of this).
const POOL_LIMIT: &str = "65536";
const POOL_KBYTES: &str = "131072";
/// The transaction pool unless `--pool-type` says otherwise: the
/// single-state pool. Under a burst (1,500 transfers/s offered to one dev
/// node, 20,000 waiting) the fork-aware pool, sc-cli's default, moved the
/// waiting calls into each new block's view out of nonce order, dropped
/// those past its future limit (a tenth of the pool) and so left gaps
/// behind which 20,000 valid calls waited for good, while blocks went out
/// empty; the single-state pool included every one at full blocks
/// (docs/benchmarks.md, run F). A permissioned chain of a few validators
/// under Aura and GRANDPA sees few forks, which the single-state pool
/// follows too (it resubmits the calls of retracted blocks).
const POOL_TYPE: &str = "single-state";

/// The command line, with this chain's pool defaults.
fn parse<I>(args: I) -> Result<Cli, clap::Error>
where
	I: IntoIterator,
	I::Item: Into<std::ffi::OsString> + Clone,
{
	use clap::{CommandFactory, FromArgMatches};
	let command = Cli::setup_command(Cli::command())
		.mut_arg("pool_limit", |a| a.default_value(POOL_LIMIT))
		.mut_arg("pool_kbytes", |a| a.default_value(POOL_KBYTES))
		.mut_arg("pool_type", |a| a.default_value(POOL_TYPE));
	Cli::from_arg_matches(&command.try_get_matches_from(args)?)
}

/// Parses the command line and runs what it asks for.
pub fn run() -> sc_cli::Result<()> {
	let cli = parse(std::env::args_os()).unwrap_or_else(|e| e.exit());

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(
						config.chain_spec,
					)),
				// The machine against Substrate's reference hardware: what a
				// hospital's validator is sized by.
				BenchmarkCmd::Machine(cmd) => {
					cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone())
				}
				// The fixed cost of a block and of an extrinsic (a remark) on
				// this machine: `ExtrinsicBaseWeight` and `BlockExecutionWeight`.
				BenchmarkCmd::Overhead(cmd) => {
					cmd.run_with_default_builder_and_spec::<Block, ()>(Some(config.chain_spec))
				}
				// Re-executes blocks of a chain (`--from`, `--to`): the real
				// time to import each next to the weight it declared.
				BenchmarkCmd::Block(cmd) => {
					let PartialComponents { client, .. } = service::new_partial(&config)?;
					cmd.run(client)
				}
				// Reads and writes of the keys of a chain's state (run it on a
				// chain that has seen use): the database weights.
				BenchmarkCmd::Storage(cmd) => {
					let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
					let db = backend.expose_db();
					let storage = backend.expose_storage();
					let cache = backend.expose_shared_trie_cache();
					cmd.run(config, client, db, storage, cache)
				}
				_ => Err("this node supports `benchmark pallet`, `machine`, `overhead`, \
				          `block` and `storage`"
					.into()),
			})
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_pool_holds_a_minute_of_load_unless_told_otherwise() {
		let cli = parse(["ehr-node", "--dev"]).unwrap();
		assert_eq!(cli.run.pool_config.pool_limit, 65_536);
		assert_eq!(cli.run.pool_config.pool_kbytes, 131_072);
		let cli = parse(["ehr-node", "--pool-limit", "100", "--pool-kbytes", "2048"]).unwrap();
		assert_eq!((cli.run.pool_config.pool_limit, cli.run.pool_config.pool_kbytes), (100, 2048));
	}

	#[test]
	fn the_pool_is_single_state_unless_told_otherwise() {
		use sc_cli::TransactionPoolType::{ForkAware, SingleState};
		let pool = |args: &[&str]| parse(args.iter().copied()).unwrap().run.pool_config.pool_type;
		assert!(matches!(pool(&["ehr-node", "--dev"]), SingleState));
		assert!(matches!(pool(&["ehr-node", "--pool-type", "fork-aware"]), ForkAware));
	}
}
