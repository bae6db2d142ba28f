//! `ehr contacts`: the encryption keys this keystore pinned.

use super::{args::parse_account, context::Ctx, error::CliError};
use clap::Subcommand;
use ehr::chain::query;
use ehr::{contacts::Pin, records::RecordError};

#[derive(Subcommand)]
pub enum ContactsCommand {
	/// The accounts pinned on this chain, with their keys' fingerprints.
	List,
	/// Pin ACCOUNT's current encryption key after comparing its fingerprint
	/// with the account's owner out of band (they see it in `ehr user show`).
	Trust {
		account: String,
		/// The fingerprint the owner confirmed (spaces and case do not matter).
		#[arg(long)]
		fingerprint: String,
	},
	/// Drop ACCOUNT's pin: the next wrap pins whatever key it has then.
	Forget { account: String },
}

pub async fn contacts(ctx: &Ctx, command: ContactsCommand) -> Result<(), CliError> {
	let chain = ctx.chain().await?;
	let contacts = ctx.contacts(&chain);
	match command {
		ContactsCommand::List => ctx.out.contacts(&contacts.list().map_err(RecordError::from)?),
		ContactsCommand::Trust { account, fingerprint } => {
			let who = parse_account(&account)?;
			let user = query::user(&chain, &who).await?.ok_or(RecordError::NotRegistered(who))?;
			let old =
				contacts.trust(&who, &user.enc_key, &fingerprint).map_err(RecordError::from)?;
			let pin = Pin::of(&user.enc_key);
			ctx.out.done(
				&format!(
					"pinned {who}'s encryption key {} (fingerprint {}){}",
					pin.encryption_key,
					pin.fingerprint,
					old.as_ref()
						.map(|o| format!(", replacing {}", o.fingerprint))
						.unwrap_or_default()
				),
				serde_json::json!({ "account": who.to_string(), "pinned": pin, "replaced": old }),
			);
		}
		ContactsCommand::Forget { account } => {
			let who = parse_account(&account)?;
			let old = contacts.forget(&who).map_err(RecordError::from)?;
			ctx.out.done(
				&match &old {
					Some(pin) => {
						format!("forgot {who}'s pinned key (fingerprint {})", pin.fingerprint)
					}
					None => format!("{who} had no pinned key"),
				},
				serde_json::json!({ "account": who.to_string(), "forgot": old }),
			);
		}
	}
	Ok(())
}
