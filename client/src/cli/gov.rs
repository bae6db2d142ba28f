//! `ehr gov`: the council's motions, for the hospitals on it. Parses, calls
//! `ehr::governance`, presents.

use super::{args::parse_account, context::Ctx, error::CliError};
use clap::Subcommand;
use ehr::{
	emergency::EscrowKeyProof,
	governance::{self, Closed, EscrowKeyEntry, Operation, OrgId, Parameter},
};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum GovCommand {
	/// The open motions: call, votes, threshold, last block to vote.
	List,
	/// The parameters the council sets (`propose set-parameter`): value,
	/// default, range.
	Params,
	/// Propose a motion (and vote aye on it); prints its index and hash.
	#[command(subcommand)]
	Propose(ProposeCommand),
	/// Vote on an open motion.
	Vote {
		/// The motion's index or 0x hash (`ehr gov list`).
		motion: String,
		/// Vote aye.
		#[arg(long, conflicts_with = "nay", required_unless_present = "nay")]
		aye: bool,
		/// Vote nay.
		#[arg(long)]
		nay: bool,
	},
	/// Close a motion whose votes decide it (or whose time is up): it runs,
	/// or it is dropped.
	Close {
		/// The motion's index or 0x hash.
		motion: String,
	},
	/// Apply a runtime upgrade the council authorised, from the same wasm
	/// file (any account may).
	ApplyUpgrade {
		/// The runtime's wasm file (e.g. ehr_runtime.compact.compressed.wasm).
		wasm: PathBuf,
	},
}

#[derive(Subcommand)]
pub enum ProposeCommand {
	/// Admit a hospital: council member, registrar of its hospital id, owner
	/// of its authorised node, validator (one motion, all or none). Its
	/// node should have set session keys (`Session.set_keys`) to validate.
	AdmitHospital {
		/// The hospital's account (SS58).
		account: String,
		/// Its hospital (organisation) id.
		#[arg(long)]
		org: OrgId,
		/// Its node's libp2p peer id (`ehr-node key inspect-node-key`).
		#[arg(long)]
		peer: String,
	},
	/// Remove a hospital: validator, node, registrar and council seat.
	RemoveHospital {
		account: String,
		/// Its node's libp2p peer id.
		#[arg(long)]
		peer: String,
	},
	/// Let an account register users for a hospital.
	AddRegistrar {
		account: String,
		#[arg(long)]
		org: OrgId,
	},
	/// Stop an account registering users.
	RemoveRegistrar { account: String },
	/// Authorise a runtime upgrade to this wasm file (two thirds needed);
	/// prints the code hash the others should check against their build.
	Upgrade {
		/// The runtime's wasm file.
		wasm: PathBuf,
	},
	/// Remove an open motion (a majority's decision).
	Kill {
		/// The motion's index or 0x hash.
		motion: String,
	},
	/// Change a parameter without a runtime upgrade (two thirds needed);
	/// `ehr gov params` lists them with their ranges.
	SetParameter {
		/// fee-multiplier-percent, motion-duration, emergency-threshold,
		/// emergency-access-blocks or storage-replicas.
		name: String,
		/// A number within the parameter's range, or `default`.
		value: String,
	},
	/// Make keys the escrow keys for emergency shares of hospitals `--org`
	/// (two thirds needed; several in one motion, all or none): for each,
	/// the file `ehr escrow key --out` wrote on its agent's machine, in the
	/// order of the `--org`s.
	EscrowKey {
		#[arg(long, required = true)]
		org: Vec<OrgId>,
		/// The files (agent, key, proof), one per `--org`.
		#[arg(required = true)]
		proof_files: Vec<PathBuf>,
	},
	/// Hospital `--org` stops holding emergency shares (two thirds needed).
	RemoveEscrowKey {
		#[arg(long)]
		org: OrgId,
	},
	/// Make ACCOUNT hospital `--org`'s storage agent, which attests on
	/// chain which records the hospital's kubo holds (`ehr-storage-agent`).
	StorageAgent {
		account: String,
		#[arg(long)]
		org: OrgId,
	},
	/// Hospital `--org`'s storage attestations stop counting.
	RemoveStorageAgent {
		#[arg(long)]
		org: OrgId,
	},
	/// Make sessions last BLOCKS blocks (two thirds needed; 10 to 14,400),
	/// from the next block number BLOCKS divides. Each session boundary's
	/// block carries no normal calls; a validator change applies two
	/// sessions after the change is made.
	SessionLength { blocks: u32 },
}

fn read_wasm(path: &PathBuf) -> Result<Vec<u8>, CliError> {
	std::fs::read(path).map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
}

/// Bad input is refused before the node is reached.
pub async fn gov(ctx: &Ctx, command: GovCommand) -> Result<(), CliError> {
	match command {
		GovCommand::List => ctx.out.motions(&governance::motions(&ctx.chain().await?).await?),
		GovCommand::Params => {
			ctx.out.parameters(&governance::parameters(&ctx.chain().await?).await?)
		}
		GovCommand::Propose(what) => {
			// A kill, a removal and a session length read the chain to name
			// or check their operation.
			let mut connected = None;
			let operation = match what {
				ProposeCommand::AdmitHospital { account, org, peer } => Operation::AdmitHospital {
					account: parse_account(&account)?,
					org,
					peer: governance::parse_peer_id(&peer)?,
				},
				ProposeCommand::RemoveHospital { account, peer } => {
					let account = parse_account(&account)?;
					let peer = governance::parse_peer_id(&peer)?;
					// Its escrow key goes with it, if its hospital holds one.
					let chain = connected.insert(ctx.chain().await?);
					let org = ehr::chain::query::registrar_org(chain, &account).await?;
					let (escrow, _) = ehr::emergency::escrow(chain).await?;
					let escrow_org = org.filter(|org| escrow.iter().any(|e| e.org == *org));
					Operation::RemoveHospital { account, peer, escrow_org }
				}
				ProposeCommand::AddRegistrar { account, org } => {
					Operation::AddRegistrar { account: parse_account(&account)?, org }
				}
				ProposeCommand::RemoveRegistrar { account } => {
					Operation::RemoveRegistrar { account: parse_account(&account)? }
				}
				ProposeCommand::Upgrade { wasm } => {
					let code_hash = governance::code_hash(&read_wasm(&wasm)?);
					eprintln!("code hash 0x{} ({})", hex::encode(code_hash), wasm.display());
					Operation::AuthorizeUpgrade { code_hash }
				}
				ProposeCommand::Kill { motion } => {
					let chain = connected.insert(ctx.chain().await?);
					let motion = governance::find(chain, &motion).await?;
					Operation::Kill { proposal_hash: governance::parse_hash(&motion.hash)? }
				}
				ProposeCommand::SetParameter { name, value } => {
					let parameter = Parameter::parse(&name)?;
					Operation::SetParameter { parameter, value: parameter.value(&value)? }
				}
				ProposeCommand::EscrowKey { org, proof_files } => {
					if org.len() != proof_files.len() {
						return Err(CliError::Usage(format!(
							"{} --org for {} key files: name one hospital per file",
							org.len(),
							proof_files.len()
						)));
					}
					let mut entries = Vec::with_capacity(org.len());
					for (org, path) in org.into_iter().zip(proof_files) {
						let text = std::fs::read_to_string(&path).map_err(|e| {
							CliError::Usage(format!("cannot read {}: {e}", path.display()))
						})?;
						let proof = EscrowKeyProof::parse(&text)
							.map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
						entries.push(EscrowKeyEntry {
							org,
							key: proof.key,
							key_proof: proof.key_proof,
							agent: proof.agent,
						});
					}
					Operation::SetEscrowKeys(entries)
				}
				ProposeCommand::RemoveEscrowKey { org } => Operation::RemoveEscrowKey { org },
				ProposeCommand::StorageAgent { account, org } => {
					Operation::SetStorageAgent { org, account: parse_account(&account)? }
				}
				ProposeCommand::RemoveStorageAgent { org } => Operation::RemoveStorageAgent { org },
				ProposeCommand::SessionLength { blocks } => {
					let chain = connected.insert(ctx.chain().await?);
					let range = governance::session_lengths(chain).await?;
					if !range.contains(&blocks) {
						return Err(CliError::Usage(format!(
							"a session lasts {} to {} blocks",
							range.start(),
							range.end()
						)));
					}
					Operation::SetSessionLength { blocks }
				}
			};
			let chain = match connected {
				Some(chain) => chain,
				None => ctx.chain().await?,
			};
			let (_, _, keys) = ctx.unlock()?;
			let proposed = governance::propose(&chain, &keys.signer, &operation, ctx.wait).await?;
			let Some(index) = proposed.index else {
				// A council of one: the call ran at once.
				let closed = proposed.closed.clone();
				ctx.out.done(
					&format!("{}: {}", proposed.what, describe(closed.as_ref())),
					json!(proposed),
				);
				return failed_call(&proposed.what, closed);
			};
			let motion = index.to_string();
			if let Err(e) = governance::vote(&chain, &keys.signer, &motion, true, ctx.wait).await {
				let code = CliError::from(e).exit_code();
				return Err(CliError::Incomplete(
					format!(
						"motion {index} ({}) was proposed, but your aye did not land: vote with `ehr gov vote {index} --aye`",
						proposed.hash
					),
					code,
				));
			}
			ctx.out.done(
				&format!(
					"motion {index} proposed: {}\nhash {}; your aye is counted, {} ayes needed; the others vote with `ehr gov vote {index} --aye`",
					proposed.what, proposed.hash, proposed.threshold
				),
				json!(proposed),
			);
		}
		GovCommand::Vote { motion, aye, nay } => {
			let (_, _, keys) = ctx.unlock()?;
			let aye = aye && !nay;
			let chain = ctx.chain().await?;
			let voted = governance::vote(&chain, &keys.signer, &motion, aye, ctx.wait).await?;
			ctx.out.done(
				&format!(
					"voted {} on motion {} ({})",
					if aye { "aye" } else { "nay" },
					voted.index,
					voted.call
				),
				json!({ "index": voted.index, "hash": voted.hash, "aye": aye }),
			);
		}
		GovCommand::Close { motion } => {
			let (_, _, keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			let closed = governance::close(&chain, &keys.signer, &motion, ctx.wait).await?;
			ctx.out.done(&format!("motion {motion}: {}", describe(Some(&closed))), json!(closed));
			return failed_call(&motion, Some(closed));
		}
		GovCommand::ApplyUpgrade { wasm } => {
			let code = read_wasm(&wasm)?;
			let hash = hex::encode(governance::code_hash(&code));
			let (_, _, keys) = ctx.unlock()?;
			governance::apply_upgrade(&ctx.chain().await?, &keys.signer, code, ctx.wait).await?;
			ctx.out.done(
				&format!("runtime code 0x{hash} applied: it runs from the next block"),
				json!({ "code_hash": format!("0x{hash}") }),
			);
		}
	}
	Ok(())
}

/// An error when the council's call ran and failed (exit 4).
fn failed_call(motion: &str, closed: Option<Closed>) -> Result<(), CliError> {
	match closed {
		Some(Closed::Executed { error: Some(error) }) => Err(CliError::Incomplete(
			format!("the council approved {motion} but its call failed: {error}"),
			super::error::exit::REFUSED,
		)),
		_ => Ok(()),
	}
}

fn describe(closed: Option<&Closed>) -> String {
	match closed {
		Some(Closed::Executed { error: None }) => "approved and run".into(),
		Some(Closed::Executed { error: Some(error) }) => {
			format!("approved, but the call failed: {error}")
		}
		Some(Closed::Disapproved) => "disapproved".into(),
		None => "no outcome reported".into(),
	}
}
