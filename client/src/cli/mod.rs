//! The `ehr` command line: arguments, one module per command group, the
//! context they share, and errors with their exit codes. Each command
//! parses, calls the library and presents the result; it decides nothing.

mod access;
pub(crate) mod args;
mod audit;
mod bars;
mod config;
mod contacts;
pub(crate) mod context;
mod emergency;
pub(crate) mod error;
mod gov;
mod keys;
mod output;
mod record;
mod storage;
mod user;

use clap::{Args, Parser, Subcommand};
use config::Settings;
use context::Ctx;
use ehr::{chain::Wait, records::RecordError};
use output::Out;
use std::path::PathBuf;

pub use error::CliError;

#[derive(Parser)]
#[command(
	name = "ehr",
	version,
	about = "Share encrypted health records over the EHR consortium chain",
	after_help = "Settings come from flags, then EHR_* environment variables, then the config \
	              file (~/.config/ehr/config.toml: node_url, ipfs_url, keystore, genesis_hash, index_url, \
	              allow_insecure_node).\n\
	              Exit codes: 0 ok, 1 failure, 2 usage, 3 keystore, 4 refused by the chain, \
	              5 node or IPFS unreachable (or lost mid-call), 6 integrity check failed, \
	              7 the node serves another chain, 8 the node no longer has the history asked \
	              for (use an archive node)."
)]
pub struct Cli {
	#[command(flatten)]
	global: Global,
	#[command(subcommand)]
	command: Command,
}

#[derive(Args)]
struct Global {
	/// Print machine-readable JSON instead of text.
	#[arg(long, global = true)]
	json: bool,
	/// Config file [default: ~/.config/ehr/config.toml].
	#[arg(long, global = true, env = "EHR_CONFIG")]
	config: Option<PathBuf>,
	/// Node WebSocket RPC endpoint [default: ws://127.0.0.1:9944].
	#[arg(long, global = true, env = "EHR_NODE_URL")]
	node: Option<String>,
	/// IPFS (kubo) RPC API endpoint [default: http://127.0.0.1:5001].
	#[arg(long, global = true, env = "EHR_IPFS_URL")]
	ipfs: Option<String>,
	/// Seconds a read waits for IPFS to find a record's ciphertext.
	#[arg(long, global = true, env = "EHR_IPFS_TIMEOUT", default_value_t = 30)]
	ipfs_timeout: u64,
	/// Keystore file [default: ~/.config/ehr/keystore.json].
	#[arg(long, global = true, env = "EHR_KEYSTORE")]
	keystore: Option<PathBuf>,
	/// Genesis hash (0x + 64 hex digits) of the consortium chain; a node
	/// serving another chain is refused before anything is signed.
	#[arg(long, global = true, env = "EHR_GENESIS")]
	genesis: Option<String>,
	/// Accept plain ws:// to a node on another machine (by default only
	/// wss://, or ws:// to this machine). Anyone on the path could then read
	/// and rewrite what the node answers.
	#[arg(long, global = true, env = "EHR_ALLOW_INSECURE_NODE")]
	allow_insecure_node: bool,
	/// GRANDPA checkpoint file (`ehr chain checkpoint` output) to prove
	/// finality from, for nodes that no longer keep the genesis state.
	#[arg(long, global = true, env = "EHR_FINALITY_CHECKPOINT")]
	finality_checkpoint: Option<PathBuf>,
	/// File holding the passphrase (else `EHR_PASSPHRASE`, else a prompt).
	#[arg(long, global = true)]
	passphrase_file: Option<PathBuf>,
	/// Never draw progress bars.
	#[arg(long, global = true)]
	no_progress: bool,
	/// Wait until each call is finalized (GRANDPA), not only in a block.
	#[arg(long, global = true)]
	finalized: bool,
}

#[derive(Subcommand)]
enum Command {
	/// Create and manage this account's keys.
	#[command(subcommand)]
	Keys(keys::KeysCommand),
	/// Register users and inspect them.
	#[command(subcommand)]
	User(user::UserCommand),
	/// Add, read, update, remove and list encrypted records.
	#[command(subcommand)]
	Record(record::RecordCommand),
	/// Grant, revoke, list, request and answer access to records.
	#[command(subcommand)]
	Access(access::AccessCommand),
	/// Rebuild who did what from chain events (no keys needed).
	#[command(subcommand)]
	Audit(audit::AuditCommand),
	/// What this client checks its node's answers against.
	#[command(subcommand)]
	Chain(ChainCommand),
	/// The encryption keys this keystore pinned for the accounts it wrapped
	/// data keys for (trust on first use).
	#[command(subcommand)]
	Contacts(contacts::ContactsCommand),
	/// The hospitals' council: propose, vote on and close motions (admit or
	/// remove a hospital, registrars, runtime upgrades).
	#[command(subcommand)]
	Gov(gov::GovCommand),
	/// Break-glass access: escrow records with the hospitals, opt out, ask
	/// for and read a record in an emergency.
	#[command(subcommand)]
	Emergency(emergency::EmergencyCommand),
	/// A hospital's escrow agent: its key for the council, the service that
	/// answers emergency requests and releases shares.
	#[command(subcommand)]
	Escrow(emergency::EscrowCommand),
	/// Which hospitals hold each record's ciphertext (their storage agents
	/// attest it on chain).
	#[command(subcommand)]
	Storage(storage::StorageCommand),
	/// Serve the patient portal on this machine (127.0.0.1 only): open the
	/// address it prints in a browser and unlock with the passphrase.
	Portal {
		/// Port to listen on (0: any free port).
		#[arg(long, default_value_t = 8470)]
		port: u16,
	},
}

#[derive(Subcommand)]
enum ChainCommand {
	/// Print, as JSON, the newest GRANDPA checkpoint this client can prove
	/// from the one it trusts (genesis hash, block, authority set). Hand it
	/// out with the genesis hash: clients whose nodes no longer keep the
	/// genesis state start from it (`finality_checkpoint` in their config).
	Checkpoint,
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
	let g = cli.global;
	let settings = Settings::load(
		g.config.as_deref(),
		g.node,
		g.ipfs,
		g.keystore,
		g.genesis,
		g.allow_insecure_node,
		g.finality_checkpoint,
	)?;
	let out = Out { json: g.json };
	let ctx = Ctx {
		settings,
		ipfs_timeout: std::time::Duration::from_secs(g.ipfs_timeout),
		out,
		bars: !g.json && !g.no_progress,
		wait: if g.finalized { Wait::Finalized } else { Wait::InBlock },
		passphrase_file: g.passphrase_file,
	};
	match cli.command {
		Command::Keys(command) => keys::keys(&ctx, command).await,
		Command::User(command) => user::user(&ctx, command).await,
		Command::Record(command) => record::record(&ctx, command).await,
		Command::Access(command) => access::access(&ctx, command).await,
		Command::Audit(command) => audit::audit(&ctx, command).await,
		Command::Contacts(command) => contacts::contacts(&ctx, command).await,
		Command::Gov(command) => gov::gov(&ctx, command).await,
		Command::Emergency(command) => emergency::emergency(&ctx, command).await,
		Command::Escrow(command) => emergency::escrow(&ctx, command).await,
		Command::Storage(command) => storage::storage(&ctx, command).await,
		Command::Portal { port } => {
			crate::portal::serve(ctx, port, |url| {
				println!("EHR portal at {url} (open it in your browser; Ctrl-C stops it)");
			})
			.await
		}
		Command::Chain(ChainCommand::Checkpoint) => {
			let chain = ctx.chain().await?;
			chain.finalized_now().await.map_err(RecordError::from)?;
			let checkpoint = chain.checkpoint().await.map_err(RecordError::from)?;
			println!("{}", serde_json::to_string_pretty(&checkpoint).expect("serializes"));
			Ok(())
		}
	}
}
