//! `ehr-storage-agent`: keeps a hospital's kubo holding every current
//! record of the chain, and attests it on chain. One JSON line per action
//! on standard output; exit code 1 on a setup error (wrong passphrase, not
//! an agent, another chain's state file, another agent on the same state
//! file), once the council removed this agent, or on finding another
//! hospital's agent's pins on its kubo, 0 on a clean stop (SIGINT
//! or SIGTERM, or `--once`).

use clap::Parser;
use ehr::{chain, keystore::KeystoreFile, storage::Ipfs};
use ehr_storage_agent::{Action, Agent, AgentError};
use std::{
	path::{Path, PathBuf},
	time::Duration,
};

#[derive(Parser)]
#[command(version, about)]
struct Cli {
	/// The hospital's own node (WebSocket).
	#[arg(long, env = "EHR_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// Accept plain ws:// to a node on another machine (a private network
	/// you trust, such as a Compose network).
	#[arg(long, env = "EHR_ALLOW_INSECURE_NODE")]
	allow_insecure_node: bool,
	/// The hospital's kubo RPC API.
	#[arg(long, env = "EHR_IPFS_URL", default_value = "http://127.0.0.1:5001")]
	ipfs: String,
	/// The agent's keystore (`ehr keys import`/`new` writes one); its
	/// account must be the hospital's storage agent on chain.
	#[arg(long, env = "EHR_KEYSTORE")]
	keystore: PathBuf,
	/// A file holding the keystore's passphrase (else it is asked for).
	#[arg(long, env = "EHR_PASSPHRASE_FILE")]
	passphrase_file: Option<PathBuf>,
	/// Where the agent keeps its cursor (created on the first run).
	#[arg(long, env = "EHR_STORAGE_STATE", default_value = "ehr-storage-agent.json")]
	state: PathBuf,
	/// Seconds between passes.
	#[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=3600))]
	interval: u64,
	/// Seconds a pin may take to fetch a record's ciphertext from the
	/// consortium's other kubos before it is tried again on a later pass.
	#[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
	pin_timeout: u64,
	/// The largest ciphertext, in bytes, this hospital pins for others (a
	/// larger record is refused, and reported, until it changes).
	#[arg(long, default_value_t = 4 << 30)]
	max_record_bytes: u64,
	/// One pass, then exit (non-zero if it failed).
	#[arg(long)]
	once: bool,
}

/// A connection to `node`, starting from the finality checkpoint kept in
/// `checkpoint` (only a cache: another chain's is refused, and the proofs
/// start from genesis) and keeping newer ones there.
async fn connect(
	node: &str,
	allow_plain_remote: bool,
	checkpoint: &Path,
) -> Result<chain::Client, chain::ChainError> {
	let client = chain::connect_allowing(node, allow_plain_remote).await?;
	if let Ok(kept) = ehr::verified::read_checkpoint(checkpoint) {
		let _ = client.trust(kept);
	}
	client.keep_checkpoints(checkpoint.to_path_buf());
	Ok(client)
}

fn line(action: &Action) {
	println!("{}", serde_json::to_string(action).expect("serializes"));
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(e) = run(cli).await {
		eprintln!("ehr-storage-agent: {e}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
	let passphrase = match &cli.passphrase_file {
		Some(path) => std::fs::read_to_string(path)?.trim_end_matches(['\r', '\n']).to_string(),
		None => rpassword::prompt_password("keystore passphrase: ")?,
	};
	let keys = KeystoreFile::read(&cli.keystore)?.unlock(&passphrase)?;
	drop(passphrase);
	let checkpoint = cli.state.with_extension("checkpoint.json");
	let plain = cli.allow_insecure_node;
	let client = connect(&cli.node, plain, &checkpoint).await?;
	let ipfs = Ipfs::new(&cli.ipfs);
	let pin_timeout = Duration::from_secs(cli.pin_timeout);
	let mut agent =
		Agent::new(client, ipfs, keys.signer, cli.state, pin_timeout, cli.max_record_bytes).await?;
	eprintln!("ehr-storage-agent: hospital {}'s storage agent", agent.org);
	let mut report = |action: Action| line(&action);
	if cli.once {
		return Ok(agent.step(&mut report).await?);
	}
	let mut stop = Box::pin(async {
		let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
			.expect("installs a SIGTERM handler");
		tokio::select! {
			_ = tokio::signal::ctrl_c() => {}
			_ = term.recv() => {}
		}
	});
	loop {
		// A failed pass (node or kubo down) is reported and tried again;
		// the cursor moves only after a whole pass.
		tokio::select! {
			outcome = agent.step(&mut report) => {
				if let Err(e) = outcome {
					// The council removed or replaced this agent, or its
					// kubo is another hospital's too: stop.
					if matches!(e, AgentError::NotAgent(_) | AgentError::SharedKubo(_)) {
						return Err(e.into());
					}
					line(&Action::Failed { record: None, error: e.to_string() });
					// The connection may be what broke: the next pass
					// starts on a new one.
					if let Ok(client) = connect(&cli.node, plain, &checkpoint).await {
						agent.reconnected(client);
					}
				}
			}
			_ = &mut stop => return Ok(()),
		}
		tokio::select! {
			_ = tokio::time::sleep(Duration::from_secs(cli.interval)) => {}
			_ = &mut stop => return Ok(()),
		}
	}
}
