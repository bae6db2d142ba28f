//! `ehr-indexer`: indexes the chain's audit events into SQLite or
//! PostgreSQL and serves them read-only over HTTP.

use clap::Parser;
use ehr::chain;
use ehr_indexer::{
	follow::{follow, FollowError, Progress, BATCH},
	http,
	store::Store,
};
use std::{net::SocketAddr, process::ExitCode, sync::Arc, time::Duration};

/// Follows the chain's finalized blocks into an index of audit events
/// (ACL and governance) and answers auditors over a read-only HTTP API.
/// Resumes where it stopped; run one per database.
#[derive(Parser)]
#[command(version)]
struct Cli {
	/// The node to follow (an archive node, to index from block 1).
	#[arg(long, env = "EHR_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// Accept plain ws:// to a node on another machine (a private network
	/// such as a Compose network); otherwise only wss:// or this machine.
	#[arg(long, env = "EHR_ALLOW_INSECURE_NODE")]
	allow_insecure_node: bool,
	/// The index: a SQLite file path (created if missing), `sqlite://…` or
	/// `postgres://user@host:port/db`.
	#[arg(long, env = "EHR_INDEX_DB", default_value = "ehr-index.sqlite")]
	db: String,
	/// Read the database URL from this file instead (a URL with a
	/// password stays out of the process list and the environment).
	#[arg(long, env = "EHR_INDEX_DB_FILE")]
	db_file: Option<std::path::PathBuf>,
	/// Where the HTTP API listens (read-only; keep it on loopback or behind
	/// an authenticating proxy).
	#[arg(long, env = "EHR_INDEX_LISTEN", default_value = "127.0.0.1:9960")]
	listen: SocketAddr,
	/// Index up to the current finalized head (or `--until`), then exit,
	/// without serving.
	#[arg(long)]
	once: bool,
	/// Stop after this block (with `--once`).
	#[arg(long, requires = "once")]
	until: Option<u64>,
	/// Blocks written per database transaction while catching up (fewer:
	/// shorter transactions; more: faster catch-up).
	#[arg(long, default_value_t = BATCH, value_parser = clap::value_parser!(u64).range(1..=4096))]
	batch_blocks: u64,
}

#[derive(Debug, thiserror::Error)]
enum Error {
	#[error(transparent)]
	Chain(#[from] chain::ChainError),
	#[error(transparent)]
	Follow(#[from] FollowError),
	#[error("cannot listen on {0}: {1}")]
	Listen(SocketAddr, std::io::Error),
	#[error("cannot read the database URL from {0}: {1}")]
	DbFile(std::path::PathBuf, std::io::Error),
}

impl Error {
	/// Whether waiting for the node and trying again may help.
	fn transient(&self) -> bool {
		use ehr::{chain::ChainError as C, records::RecordError as R};
		let lost = |e: &C| matches!(e, C::Unreachable { .. } | C::ConnectionLost(_) | C::Rpc(_));
		match self {
			Error::Chain(e) => lost(e),
			Error::Follow(FollowError::Chain(R::Chain(e))) => lost(e),
			Error::Follow(FollowError::Store(e)) => e.transient(),
			_ => false,
		}
	}
}

async fn run(cli: &Cli) -> Result<(), Error> {
	let client = chain::connect_allowing(&cli.node, cli.allow_insecure_node).await?;
	let genesis = format!("{:?}", client.genesis_hash());
	let db = match &cli.db_file {
		Some(path) => std::fs::read_to_string(path)
			.map_err(|e| Error::DbFile(path.clone(), e))?
			.trim()
			.to_string(),
		None => cli.db.clone(),
	};
	let store = Arc::new(Store::open(&db, &genesis).await.map_err(FollowError::from)?);
	let progress = Arc::new(Progress::default());
	if cli.once {
		let until = match cli.until {
			Some(until) => until,
			None => client
				.at_current_block()
				.await
				.map_err(ehr::records::rpc)
				.map_err(FollowError::from)?
				.block_number(),
		};
		let cursor = follow(&client, &store, Some(until), cli.batch_blocks, &progress).await?;
		eprintln!("indexed up to block {} ({})", cursor.block, cursor.hash);
		return Ok(());
	}
	let listener = tokio::net::TcpListener::bind(cli.listen)
		.await
		.map_err(|e| Error::Listen(cli.listen, e))?;
	eprintln!("serving the audit index on http://{}", cli.listen);
	let server = tokio::spawn(http::serve(listener, store.clone(), progress.clone()));
	let mut client = client;
	loop {
		let outcome = follow(&client, &store, None, cli.batch_blocks, &progress).await;
		let Err(e) = outcome.map_err(Error::from) else { continue };
		if !e.transient() {
			server.abort();
			return Err(e);
		}
		eprintln!("{e}; trying again");
		client = loop {
			tokio::time::sleep(Duration::from_secs(2)).await;
			match chain::connect_allowing(&cli.node, cli.allow_insecure_node).await {
				Ok(client) if format!("{:?}", client.genesis_hash()) == genesis => break client,
				Ok(_) => {
					server.abort();
					return Err(FollowError::Diverged {
						block: 0,
						stored: genesis,
						actual: "another chain".into(),
					}
					.into());
				}
				Err(_) => continue,
			}
		};
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(&cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}
