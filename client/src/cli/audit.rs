//! `ehr audit`: who did what, from the chain or an index checked against it.

use super::{args::parse_account, context::Ctx, error::CliError, output};
use clap::{Args, Subcommand};
use ehr::{
	audit::{self, Subject},
	chain,
	index::{Index, IndexStatus},
	records::{self, RecordId},
};

#[derive(Subcommand)]
pub enum AuditCommand {
	#[command(flatten)]
	History(HistoryCommand),
	/// Re-check what an index says about a subject against the chain (on
	/// an archive node): every row, or a random sample. Exit 6 when any
	/// row differs from the chain.
	Verify {
		#[command(subcommand)]
		subject: HistoryCommand,
		/// Re-read this many rows, drawn at random, instead of all.
		#[arg(long, global = true)]
		sample: Option<usize>,
		/// Also read every block of the window, so that an event the index
		/// left out anywhere is found (slow on a long chain).
		#[arg(long, global = true)]
		complete: bool,
	},
	/// How far an index is behind this node's finalized head.
	Status {
		#[arg(long, env = "EHR_INDEX_URL")]
		index: Option<String>,
	},
}

/// Whose history to show.
#[derive(Subcommand)]
pub enum HistoryCommand {
	/// Everything that happened to record ID.
	Record {
		id: RecordId,
		#[command(flatten)]
		options: AuditOptions,
	},
	/// A patient's registration and everything on its records.
	Patient {
		account: String,
		#[command(flatten)]
		options: AuditOptions,
	},
	/// Every event an account took part in.
	Account {
		account: String,
		#[command(flatten)]
		options: AuditOptions,
	},
}

#[derive(Args)]
pub struct AuditOptions {
	/// Ask this audit index (`ehr-indexer`'s URL) instead of reading every
	/// block from the node.
	#[arg(long, env = "EHR_INDEX_URL", global = true)]
	index: Option<String>,
	/// First block.
	#[arg(long, global = true)]
	since: Option<u64>,
	/// Last block.
	#[arg(long, global = true)]
	until: Option<u64>,
	/// From this time on (RFC 3339 UTC, e.g. 2026-12-01T00:00:00Z).
	#[arg(long, global = true)]
	from: Option<String>,
	/// Before this time (RFC 3339 UTC).
	#[arg(long, global = true)]
	to: Option<String>,
	/// Only these events (repeat, or comma-separate: GrantAdded,AccessLogged).
	#[arg(long = "event", value_delimiter = ',', global = true)]
	events: Vec<String>,
	#[arg(long, value_enum, default_value = "table", global = true)]
	format: output::Format,
}

impl AuditOptions {
	fn window(&self) -> Result<audit::Window, CliError> {
		audit::Window::new(
			self.since,
			self.until,
			self.from.as_deref(),
			self.to.as_deref(),
			self.events.clone(),
		)
		.map_err(CliError::Usage)
	}
}

impl HistoryCommand {
	fn parts(self) -> Result<(Subject, AuditOptions), CliError> {
		Ok(match self {
			HistoryCommand::Record { id, options } => (Subject::Record(id), options),
			HistoryCommand::Patient { account, options } => {
				(Subject::Patient(parse_account(&account)?), options)
			}
			HistoryCommand::Account { account, options } => {
				(Subject::Account(parse_account(&account)?), options)
			}
		})
	}
}

/// The index at `url`, after checking it follows the node's chain.
async fn index_of(chain: &chain::Client, url: &str) -> Result<(Index, IndexStatus), CliError> {
	let index = Index::new(url);
	let status = index.ensure_chain(&format!("{:?}", chain.genesis_hash())).await?;
	Ok((index, status))
}

pub async fn audit(ctx: &Ctx, command: AuditCommand) -> Result<(), CliError> {
	let chain = ctx.chain().await?;
	match command {
		AuditCommand::History(history) => {
			let (subject, options) = history.parts()?;
			let window = options.window()?;
			let entries = match ctx.index_url(&options.index) {
				Some(url) => {
					let (index, status) = index_of(&chain, url).await?;
					if window.until.is_none_or(|until| until > status.indexed_block) {
						eprintln!(
							"note: the index holds blocks up to {} (finalized head {} when it last looked)",
							status.indexed_block, status.finalized_block
						);
					}
					index.history(&subject, &window).await?
				}
				None => audit::history(&chain, &subject, &window).await?,
			};
			// --json stands for --format json unless another format is named.
			let format = match options.format {
				output::Format::Table if ctx.out.json => output::Format::Json,
				format => format,
			};
			output::audit(&entries, format);
		}
		AuditCommand::Verify { subject, sample, complete } => {
			let (subject, options) = subject.parts()?;
			let url = ctx.index_url(&options.index).ok_or_else(|| {
				CliError::Usage("verify checks an index: pass --index URL".into())
			})?;
			let (index, status) = index_of(&chain, url).await?;
			// Only what the index claims to hold can be held against it.
			let mut window = options.window()?;
			window.until =
				Some(window.until.map_or(status.indexed_block, |u| u.min(status.indexed_block)));
			let rows = index.history(&subject, &window).await?;
			let outcome = audit::verify(&chain, &subject, &window, rows, sample, complete).await?;
			ctx.out.verified(&outcome);
			if !outcome.discrepancies.is_empty() {
				return Err(CliError::Integrity(outcome.discrepancies.len()));
			}
		}
		AuditCommand::Status { index } => {
			let url = ctx
				.index_url(&index)
				.ok_or_else(|| CliError::Usage("pass --index URL (or EHR_INDEX_URL)".into()))?;
			let (_, status) = index_of(&chain, url).await?;
			let finalized = chain.at_current_block().await.map_err(records::rpc)?.block_number();
			ctx.out.index_status(&status, finalized);
		}
	}
	Ok(())
}
