//! `ehr user`: registration, consent and key rotation.

use super::{
	args::{parse_account, RoleArg},
	context::Ctx,
	error::{record_exit, CliError},
	record::renew_escrow,
};
use clap::Subcommand;
use ehr::chain::query;
use ehr::{
	crypto::{os_rng, wrap::EncryptionKeypair},
	files,
	records::{RecordError, Session},
	registration::{self, role_name, Consent},
};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum UserCommand {
	/// Register on chain. Without `--consent`: this keystore registers itself
	/// (as a patient; a registrar may register itself in another role). With
	/// it: a registrar submits someone's signed consent (`ehr user consent`),
	/// and that account joins the registrar's hospital.
	Register {
		#[arg(long, value_enum, default_value = "patient", conflicts_with = "consent")]
		role: RoleArg,
		/// A consent file written by `ehr user consent` for this chain and
		/// this registrar's hospital; it fixes account, role and key.
		#[arg(long)]
		consent: Option<PathBuf>,
	},
	/// Sign this keystore's consent to be registered by a registrar of
	/// `--hospital` as `--role`, with its encryption key, on the chain of
	/// `--node`; hand the JSON it prints (or writes to `--out`) to the
	/// registrar. It holds no secret.
	Consent {
		#[arg(long, value_enum)]
		role: RoleArg,
		/// The hospital (organisation id) whose registrar will register you.
		#[arg(long)]
		hospital: u32,
		/// Write the consent here instead of standard output.
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Show a user's registration (default: this keystore's account).
	Show { account: Option<String> },
	/// Replace this account's encryption key (after a compromise) and
	/// re-encrypt every record you own under fresh data keys, for every
	/// current reader; the old ciphertexts are unpinned. Interrupted, run it
	/// again: it finishes the same rotation instead of starting another.
	/// Retired keys stay in the keystore, so what was wrapped for them opens.
	RotateKey {
		/// Replace a key the chain holds that this keystore never had (one
		/// rotated from another device whose keystore is lost). What only
		/// that key opens stays unreadable.
		#[arg(long)]
		replace_unknown_key: bool,
		/// Start a new rotation even though the last one did not finish (a
		/// record it could not re-encrypt); this one re-encrypts those too.
		#[arg(long)]
		new_key: bool,
	},
}

pub async fn user(ctx: &Ctx, command: UserCommand) -> Result<(), CliError> {
	match command {
		UserCommand::Register { role, consent } => {
			let session = ctx.session(false).await?;
			let (who, role) = match consent {
				Some(file) => {
					let text = std::fs::read_to_string(&file).map_err(|e| {
						CliError::Usage(format!("cannot read {}: {e}", file.display()))
					})?;
					let consent: Consent = serde_json::from_str(&text).map_err(|e| {
						CliError::Usage(format!(
							"{} is not `ehr user consent` output: {e}",
							file.display()
						))
					})?;
					session.register_consented(&consent).await?
				}
				None => {
					session.register_self(role.into()).await?;
					(session.account(), role.into())
				}
			};
			let role = role_name(&role);
			ctx.out.done(
				&format!("registered {who} as {role}"),
				serde_json::json!({ "account": who.to_string(), "role": role }),
			);
		}
		UserCommand::Consent { role, hospital, out } => {
			let (_, _, keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			let me = keys.signer.public_key().to_account_id();
			let registered = query::registrations(&chain, &me).await?;
			let consent = registration::consent(
				&keys.signer,
				&keys.encryption,
				chain.genesis_hash().0,
				role.into(),
				(hospital, registered),
			);
			let text = serde_json::to_string_pretty(&consent).expect("serializes");
			match out {
				Some(path) => {
					// A consent is handed on to a registrar: never a half-written one.
					files::write_atomically(&path, format!("{text}\n").as_bytes()).map_err(
						|e| CliError::Usage(format!("cannot write {}: {e}", path.display())),
					)?;
					ctx.out.done(
						&format!("consent written to {}", path.display()),
						serde_json::json!({ "consent": path.display().to_string() }),
					);
				}
				None => println!("{text}"),
			}
		}
		UserCommand::Show { account } => {
			let who = match account {
				Some(a) => parse_account(&a)?,
				None => ctx.account()?,
			};
			let chain = ctx.chain().await?;
			let user = query::user(&chain, &who).await?;
			let registrar = query::registrar_org(&chain, &who).await?;
			if user.is_none() && registrar.is_none() {
				return Err(RecordError::NotRegistered(who).into());
			}
			ctx.out.user(&who, user.as_ref(), registrar);
		}
		UserCommand::RotateKey { replace_unknown_key, new_key } => {
			let path = &ctx.settings.keystore;
			// One rotation of a keystore at a time: two would each make a key.
			let _lock = files::lock(path)?;
			let (file, pass, keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			let mut session = Session {
				contacts: Some(ctx.contacts(&chain)),
				chain,
				ipfs: ctx.ipfs(),
				keys,
				progress: ctx.progress(),
				wait: ctx.wait,
			};
			let done = session
				.rotate_encryption_key(
					EncryptionKeypair::generate(&mut os_rng()),
					|keys| keys.seal(&pass, file.kdf, &mut os_rng())?.write(path, true),
					&files::beside(path, ".rotation.json"),
					replace_unknown_key,
					new_key,
				)
				.await?;
			let key = hex::encode(session.keys.encryption.public_bytes());
			let mut text = format!(
				"{} encryption key {key}; re-encrypted records {:?}.",
				if done.new_key { "new" } else { "finished the rotation to" },
				done.reencrypted
			);
			let mut escrow = serde_json::Map::new();
			for id in &done.reencrypted {
				let (renewed, value) = renew_escrow(&session, *id).await;
				if !value.is_null() {
					text.push_str(&format!(" Record {id}{renewed}."));
					escrow.insert(id.to_string(), value);
				}
			}
			if !done.unreadable.is_empty() {
				text.push_str(&format!(
					" Records {:?} open with no key of this keystore and were left as they are.",
					done.unreadable
				));
			}
			if let Some((_, first)) = done.failed.first() {
				let failed: Vec<String> =
					done.failed.iter().map(|(id, e)| format!("record {id}: {e}")).collect();
				return Err(CliError::Incomplete(
					format!(
						"{text} Not re-encrypted yet (still under the old data key):\n  {}\n\
						 Run `ehr user rotate-key` again once that is resolved.",
						failed.join("\n  ")
					),
					record_exit(first),
				));
			}
			text.push_str(
				" Grants you hold on other patients' records still open with your retired key \
				 (kept in the keystore); their owners move them to the new one with `ehr \
				 record rekey`, after confirming its fingerprint (`ehr contacts trust`).",
			);
			ctx.out.done(
				&text,
				serde_json::json!({
					"encryption_key": key,
					"new_key": done.new_key,
					"reencrypted": done.reencrypted,
					"unreadable": done.unreadable,
					"escrow": escrow,
				}),
			);
		}
	}
	Ok(())
}
