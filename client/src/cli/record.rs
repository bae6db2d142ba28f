//! `ehr record`: add, read, update, re-key, remove and list records.

use super::{
	args::{parse_account, parse_share, KindArg},
	context::Ctx,
	error::CliError,
	storage::wait_durable,
};
use clap::Subcommand;
use ehr::chain::query;
use ehr::records::{self, RecordError, RecordId, Session};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum RecordCommand {
	/// Encrypt FILE, store it in IPFS and record it on chain.
	Add {
		file: PathBuf,
		#[arg(long, value_enum)]
		kind: KindArg,
		/// Write into this patient's records (needs `--via`).
		#[arg(long, requires = "via")]
		patient: Option<String>,
		/// A record of the patient on which you hold ReadWrite access.
		#[arg(long, requires = "patient")]
		via: Option<RecordId>,
		/// Share the record with ACCOUNT in the same call that adds it:
		/// `ACCOUNT` or `ACCOUNT:read` for Read, `ACCOUNT:readwrite` for
		/// ReadWrite (repeatable, at most 16; a clinician writing into a
		/// patient's records shares Read only).
		#[arg(long, value_name = "ACCOUNT[:ACCESS]")]
		share: Vec<String>,
		/// Wait until as many hospitals as the consortium asks
		/// (`storage-replicas`) hold the record's ciphertext (the default
		/// when the config file says `durable = true`).
		#[arg(long, conflicts_with = "no_durable")]
		durable: bool,
		/// Do not wait for other hospitals to hold the record.
		#[arg(long)]
		no_durable: bool,
		/// Seconds to wait for durability before failing (exit code 10;
		/// the record stays added, and its id is printed).
		#[arg(long, default_value_t = 300, value_name = "SECS")]
		durable_timeout: u64,
	},
	/// Fetch, verify and decrypt record ID into OUTPUT; with several IDs,
	/// OUTPUT is a directory and each goes to OUTPUT/record-ID. The reads are
	/// logged on chain, several in one call.
	Get {
		#[arg(required = true, value_name = "ID")]
		ids: Vec<RecordId>,
		#[arg(short, long)]
		output: PathBuf,
	},
	/// Replace record ID's content with FILE (owner or ReadWrite grantee).
	Update { id: RecordId, file: PathBuf },
	/// Re-encrypt record ID under a fresh data key for every current reader's
	/// current encryption key (after a reader rotated its key, or a data key
	/// leaked); same content, new ciphertext (owner or ReadWrite grantee).
	Rekey { id: RecordId },
	/// Remove record ID and all grants on it, and unpin its ciphertext.
	Rm { id: RecordId },
	/// List records owned by you (or `--patient`) and records shared with you.
	List {
		#[arg(long)]
		patient: Option<String>,
	},
}

/// After a call that changed record `id`'s data key: its break-glass shares
/// deposited again if it had some. The call landed either way, so a failure
/// is a warning in the text (and `escrow.error` in the JSON), not an error.
pub async fn renew_escrow(session: &Session, id: RecordId) -> (String, serde_json::Value) {
	match session.renew_escrow(id).await {
		Ok(None) => (String::new(), serde_json::Value::Null),
		Ok(Some(d)) => (
			format!(
				"; break-glass shares renewed (any {} of hospitals {:?})",
				d.threshold, d.hospitals
			),
			serde_json::json!({ "renewed": true, "threshold": d.threshold, "hospitals": d.hospitals }),
		),
		Err(e) => (
			format!(
				"; WARNING: its break-glass shares open the old key only, and renewing them failed \
				 ({e}): run `ehr emergency escrow {id}`"
			),
			serde_json::json!({ "renewed": false, "error": e.to_string() }),
		),
	}
}

pub async fn record(ctx: &Ctx, command: RecordCommand) -> Result<(), CliError> {
	match command {
		RecordCommand::Add {
			file,
			kind,
			patient,
			via,
			share,
			durable,
			no_durable,
			durable_timeout,
		} => {
			// The input can be a record before anything is sent anywhere.
			records::open_input(&file)?;
			let patient = patient.as_deref().map(parse_account).transpose()?;
			let share = share.iter().map(|s| parse_share(s)).collect::<Result<Vec<_>, _>>()?;
			if share.len() > records::MAX_INITIAL_READERS {
				return Err(RecordError::TooManyReaders(share.len()).into());
			}
			let session = ctx.session(true).await?;
			let owner = patient.unwrap_or_else(|| session.account());
			let id = session.add_record(&owner, &file, kind.into(), via, &share).await?;
			let shared: Vec<String> = share.iter().map(|(who, _)| who.to_string()).collect();
			let wait = durable || (ctx.settings.durable && !no_durable);
			let replicas = match wait {
				true => {
					let timeout = std::time::Duration::from_secs(durable_timeout);
					Some(wait_durable(ctx, &session.chain, id, timeout).await)
				}
				false => None,
			};
			let held = match &replicas {
				Some(Ok(r)) => {
					format!("; held by {} hospitals ({} needed)", r.holders.len(), r.needed)
				}
				Some(Err(_)) => "; not durable yet".to_string(),
				None => String::new(),
			};
			let durable = replicas.as_ref().map(|r| r.is_ok());
			let replicas_json = replicas.as_ref().and_then(|r| r.as_ref().ok());
			// The record landed: its id is shown even when the wait failed,
			// so that nobody adds it twice.
			ctx.out.done(
				&format!("added record {id}{held}"),
				serde_json::json!({ "id": id, "owner": owner.to_string(), "shared_with": shared, "durable": durable, "replicas": replicas_json }),
			);
			if let Some(Err(e)) = replicas {
				return Err(e);
			}
		}
		RecordCommand::Get { ids, output } => {
			let reads: Vec<(RecordId, PathBuf)> = match &ids[..] {
				[id] => vec![(*id, output)],
				_ => {
					std::fs::create_dir_all(&output).map_err(RecordError::Io)?;
					ids.iter().map(|id| (*id, output.join(format!("record-{id}")))).collect()
				}
			};
			let session = ctx.session(true).await?;
			let versions = session.get_records(&reads).await?;
			let text: Vec<String> = reads
				.iter()
				.zip(&versions)
				.map(|((id, out), v)| {
					format!("record {id} version {v} written to {}", out.display())
				})
				.collect();
			let json: Vec<_> = reads
				.iter()
				.zip(&versions)
				.map(|((id, out), v)| serde_json::json!({ "id": id, "version": v, "output": out.display().to_string() }))
				.collect();
			let json = match &json[..] {
				[one] => one.clone(),
				_ => serde_json::Value::Array(json),
			};
			ctx.out.done(&text.join("\n"), json);
		}
		RecordCommand::Update { id, file } => {
			// The input can be a record before anything is sent anywhere.
			records::open_input(&file)?;
			let session = ctx.session(true).await?;
			let version = session.update_record(id, &file).await?;
			let (renewed, escrow) = renew_escrow(&session, id).await;
			ctx.out.done(
				&format!("record {id} is now version {version}{renewed}"),
				serde_json::json!({ "id": id, "version": version, "escrow": escrow }),
			);
		}
		RecordCommand::Rekey { id } => {
			let session = ctx.session(true).await?;
			session.rekey(id).await?;
			let (renewed, escrow) = renew_escrow(&session, id).await;
			ctx.out.done(
				&format!("record {id} re-encrypted under a new data key{renewed}"),
				serde_json::json!({ "id": id, "rekeyed": true, "escrow": escrow }),
			);
		}
		RecordCommand::Rm { id } => {
			let session = ctx.session(true).await?;
			session.remove_record(id).await?;
			ctx.out.done(
				&format!("removed record {id}"),
				serde_json::json!({ "id": id, "removed": true }),
			);
		}
		RecordCommand::List { patient } => {
			let chain = ctx.chain().await?;
			let (owner, shared) = match patient {
				Some(p) => (parse_account(&p)?, false),
				None => (ctx.account()?, true),
			};
			let (views, held) = query::records_and_grants(&chain, &owner, shared).await?;
			ctx.out.records(&views, &held);
		}
	}
	Ok(())
}
