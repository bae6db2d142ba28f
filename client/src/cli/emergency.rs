//! `ehr emergency` (patients and clinicians) and `ehr escrow` (a hospital's
//! escrow agent): break-glass access. Parses, calls `ehr::emergency`,
//! presents.

use super::{context::Ctx, error::CliError};
use clap::{Subcommand, ValueEnum};
use ehr::{
	crypto::{os_rng, wrap::EncryptionKeypair},
	emergency::{
		self, AgentAction, EmergencyError, EmergencyId, EmergencyReason, EscrowAgent,
		EscrowKeyProof, Policy, RequestView,
	},
	files,
};
use serde_json::json;
use std::{path::PathBuf, time::Duration};

#[derive(Subcommand)]
pub enum EmergencyCommand {
	/// Escrow record RECORD's key with the hospitals (its owner, or a
	/// ReadWrite grantee after re-keying): one share per escrow hospital,
	/// any threshold of which open this version of the record in an
	/// emergency.
	Escrow { record: u64 },
	/// Refuse emergency access to your records: every share deposited for
	/// them stops counting at once.
	OptOut,
	/// Allow emergency access to your records again (the default); records
	/// need their shares deposited again (`ehr emergency escrow`).
	OptIn,
	/// Break the glass: ask the hospitals to open RECORD for you (a
	/// registered doctor without access). Public on chain, purpose of use
	/// emergency treatment (ETREAT).
	Request {
		record: u64,
		/// unconscious, life-threatening, cannot-consent or other.
		#[arg(long)]
		reason: EmergencyReason,
		/// A file with the free text (`-`: standard input), kept by your
		/// hospital; only its salted SHA-256 goes on chain (the nonce is
		/// printed: keep it with the text). Not a command-line argument,
		/// which shell history and process lists would show.
		#[arg(long)]
		note_file: Option<PathBuf>,
	},
	/// An open request: who asked, why, and which hospitals approved,
	/// refused and released their shares.
	Status { emergency: EmergencyId },
	/// Rebuild the record's key from the released shares, log the read on
	/// chain, and decrypt the record into OUT.
	Read {
		emergency: EmergencyId,
		#[arg(long)]
		out: PathBuf,
	},
	/// Close a request (its requester, the patient or the requester's
	/// hospital; anyone once it expired).
	Close { emergency: EmergencyId },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PolicyArg {
	/// Approve live requests by registered doctors of the requesting
	/// hospital (a few per hospital at once; then a person decides).
	Approve,
	/// Refuse every request.
	Refuse,
	/// Answer nothing (a person answers with `ehr escrow answer`); release
	/// the share once the threshold approved.
	Manual,
}

#[derive(Subcommand)]
pub enum EscrowCommand {
	/// Print (or write to --out) this keystore's escrow key and the proof
	/// that it holds it, for the council (`ehr gov propose escrow-key`).
	Key {
		#[arg(long)]
		out: Option<PathBuf>,
		/// Make a new escrow key first (a rotation): the keystore keeps the
		/// old one, which opens shares until the agent re-wrapped them to
		/// the new key once the council adopted it. Refused while the
		/// council has not adopted the last new key.
		#[arg(long)]
		new: bool,
	},
	/// Answer requests and release this hospital's shares, acting only on
	/// finalized, proven state; one JSON line per action.
	Run {
		/// approve (live requests by registered doctors of the requesting
		/// hospital, a few per hospital at once, then a person), refuse, or
		/// manual (a person answers every request).
		#[arg(long, value_enum, default_value = "manual")]
		policy: PolicyArg,
		/// One pass, then exit.
		#[arg(long)]
		once: bool,
		/// Seconds between passes (at least 1).
		#[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
		interval: u64,
	},
	/// Answer a request for this hospital (a person's decision).
	Answer {
		emergency: EmergencyId,
		#[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
		approve: bool,
		#[arg(long)]
		refuse: bool,
	},
}

pub async fn emergency(ctx: &Ctx, command: EmergencyCommand) -> Result<(), CliError> {
	match command {
		EmergencyCommand::Escrow { record } => {
			let session = ctx.session(false).await?;
			let done = session.escrow_shares(record).await?;
			ctx.out.done(
				&format!(
					"record {record} (key version {}) escrowed with hospitals {:?}: any {} of them can open it in an emergency",
					done.key_version, done.hospitals, done.threshold
				),
				json!(done),
			);
		}
		EmergencyCommand::OptOut | EmergencyCommand::OptIn => {
			let allowed = matches!(command, EmergencyCommand::OptIn);
			ctx.session(false).await?.set_emergency_access(allowed).await?;
			let text = if allowed {
				"emergency access allowed: escrow your records again (`ehr emergency escrow`)"
			} else {
				"emergency access refused: the shares of your records open nothing now"
			};
			ctx.out.done(text, json!({ "emergency_access": allowed }));
		}
		EmergencyCommand::Request { record, reason, note_file } => {
			let note = match note_file {
				None => None,
				Some(path) if path.as_os_str() == "-" => {
					let mut text = String::new();
					std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
					Some(text)
				}
				Some(path) => Some(std::fs::read_to_string(&path).map_err(|e| {
					CliError::Usage(format!("cannot read the note {}: {e}", path.display()))
				})?),
			};
			let session = ctx.session(false).await?;
			let made = session.break_glass(record, reason, note.as_deref()).await?;
			ctx.out.done(
				&format!(
					"emergency request {} on record {record}: the hospitals are asked; it ends at block {}{}",
					made.emergency,
					made.expires_at,
					made.note_nonce
						.as_ref()
						.map(|n| format!("\nkeep the note with its nonce {n}"))
						.unwrap_or_default()
				),
				json!(made),
			);
		}
		EmergencyCommand::Status { emergency: id } => {
			let request = emergency::request(&ctx.chain().await?, id)
				.await?
				.ok_or(emergency::EmergencyError::NotOpen(id))?;
			let view = RequestView::new(id, &request);
			ctx.out.done(
				&format!(
					"emergency request {id} on record {} by {} (hospital {}), reason {}: approved by {:?}, refused by {:?}, shares released by {:?} ({} needed); ends at block {}",
					view.record,
					view.requester,
					view.hospital,
					view.reason,
					view.approved_by,
					view.refused_by,
					view.released_by,
					view.threshold,
					view.expires_at
				),
				json!(view),
			);
		}
		EmergencyCommand::Read { emergency: id, out } => {
			let session = ctx.session(true).await?;
			let (record, version) = session.emergency_read(id, &out).await?;
			ctx.out.done(
				&format!(
					"record {record} version {version} written to {} (emergency read logged on chain)",
					out.display()
				),
				json!({ "emergency": id, "record": record, "version": version, "out": out }),
			);
		}
		EmergencyCommand::Close { emergency: id } => {
			ctx.session(false).await?.close_emergency(id).await?;
			ctx.out.done(&format!("emergency request {id} closed"), json!({ "emergency": id }));
		}
	}
	Ok(())
}

pub async fn escrow(ctx: &Ctx, command: EscrowCommand) -> Result<(), CliError> {
	match command {
		EscrowCommand::Key { out, new } => {
			let path = &ctx.settings.keystore;
			// One change of a keystore at a time.
			let _lock = files::lock(path)?;
			let (file, pass, mut keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			if new {
				emergency::may_make_escrow_key(&chain, &keys).await?;
				keys.retire_encryption_key(EncryptionKeypair::generate(&mut os_rng()));
				keys.seal(&pass, file.kdf, &mut os_rng())?.write(path, true)?;
			}
			let proof = EscrowKeyProof::new(&keys, &chain.genesis_hash().0);
			let json = proof.to_json();
			let text = serde_json::to_string_pretty(&json).expect("serializes");
			if let Some(path) = &out {
				std::fs::write(path, &text)?;
			}
			ctx.out.done(&text, json);
		}
		EscrowCommand::Run { policy, once, interval } => {
			let modified =
				|| std::fs::metadata(&ctx.settings.keystore).and_then(|m| m.modified()).ok();
			let mut read_at = modified();
			let (_, _, keys) = ctx.unlock()?;
			let policy = match policy {
				PolicyArg::Approve => Policy::Approve,
				PolicyArg::Refuse => Policy::Refuse,
				PolicyArg::Manual => Policy::Manual,
			};
			// A service starts before its node is up: it waits for it.
			let chain = loop {
				match ctx.chain().await {
					Ok(chain) => break chain,
					Err(e) if once => return Err(e),
					Err(e) => waiting(&e),
				}
				tokio::time::sleep(Duration::from_secs(interval)).await;
			};
			let mut agent = EscrowAgent::new(chain, keys, policy, ctx.wait);
			loop {
				match agent.step().await {
					Ok(actions) => actions.iter().for_each(print_action),
					Err(e) if once => return Err(e.into()),
					// A service waits out what a later pass may not meet: its
					// key not registered yet, the node away (connect again).
					Err(e) => {
						waiting(&e);
						if !matches!(e, EmergencyError::NotAnAgent) {
							if let Ok(chain) = ctx.chain().await {
								agent.chain = chain;
							}
						}
					}
				}
				// A new key adopted: read the keystore again once it changed.
				let now = modified();
				if agent.missing_key() && now != read_at {
					match ctx.unlock() {
						Ok((_, _, keys)) => (agent.keys, read_at) = (keys, now),
						Err(e) => waiting(&e),
					}
				}
				if once {
					break;
				}
				tokio::time::sleep(Duration::from_secs(interval)).await;
			}
		}
		EscrowCommand::Answer { emergency: id, approve, refuse } => {
			let (_, _, keys) = ctx.unlock()?;
			let approve = approve && !refuse;
			emergency::answer(&ctx.chain().await?, &keys.signer, id, approve, ctx.wait).await?;
			ctx.out.done(
				&format!(
					"emergency request {id} {} for this hospital",
					if approve { "approved" } else { "refused" }
				),
				json!({ "emergency": id, "approved": approve }),
			);
		}
	}
	Ok(())
}

/// Why the service waits, as one JSON line on stderr.
fn waiting(error: &dyn std::fmt::Display) {
	eprintln!("{}", json!({ "action": "waiting", "error": error.to_string() }));
}

/// One JSON line per action on stdout, for the operator's log.
fn print_action(action: &AgentAction) {
	println!("{}", serde_json::to_string(action).expect("serializes"));
}
