//! `ehr access`: grants, revocations and requests.

use super::{args::parse_account, context::Ctx, error::CliError, record::renew_escrow};
use clap::{Args, Subcommand};
use ehr::{
	chain::{query, AccountId},
	records::{Access, Answer, RecordError, RecordId, Revocation},
};

#[derive(Subcommand)]
pub enum AccessCommand {
	/// Give each ACCOUNT access to record ID: a care team of up to 16 in
	/// one call, all or none.
	Grant {
		id: RecordId,
		#[arg(required = true, num_args = 1..=16, value_name = "ACCOUNT")]
		accounts: Vec<String>,
		#[command(flatten)]
		level: Level,
		/// `12h`, `30d` (from now) or `#BLOCK`; default: never.
		#[arg(long)]
		expires: Option<String>,
	},
	/// Take ACCOUNT's access away, and every grant ACCOUNT delegated;
	/// re-encrypts the record under a new key unless `--no-rotate`. The
	/// owner may revoke anyone; a ReadWrite grantee the grants it gave.
	Revoke {
		id: RecordId,
		account: String,
		/// Keep the current data key (the revoked reader may have kept it).
		#[arg(long)]
		no_rotate: bool,
	},
	/// Who may read record ID, and pending requests.
	List { id: RecordId },
	/// Ask record ID's owner for access.
	Request {
		id: RecordId,
		#[arg(long)]
		read_write: bool,
	},
	/// Approve ACCOUNT's pending request on record ID.
	Approve {
		id: RecordId,
		account: String,
		#[arg(long)]
		expires: Option<String>,
		/// Grant Read to a request for ReadWrite (less than asked; never more).
		#[arg(long)]
		read: bool,
	},
	/// Deny ACCOUNT's pending request on record ID.
	Deny { id: RecordId, account: String },
	/// Drop your own grant on record ID (and what you delegated from it).
	Renounce { id: RecordId },
	/// Withdraw your pending request on record ID.
	Cancel { id: RecordId },
}

#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Level {
	#[arg(long)]
	read: bool,
	#[arg(long)]
	read_write: bool,
}

fn level(level: &Level) -> Access {
	if level.read_write {
		Access::ReadWrite
	} else {
		Access::Read
	}
}

pub async fn access(ctx: &Ctx, command: AccessCommand) -> Result<(), CliError> {
	match command {
		AccessCommand::Grant { id, accounts, level: l, expires } => {
			let to = accounts.iter().map(|a| parse_account(a)).collect::<Result<Vec<_>, _>>()?;
			let session = ctx.session(false).await?;
			let expires = ctx.expiry(&session.chain, expires.as_deref()).await?;
			session.grant(id, &to, level(&l), expires).await?;
			let to: Vec<String> = to.iter().map(|a| a.to_string()).collect();
			ctx.out.done(
				&format!("granted {:?} on record {id} to {}", level(&l), to.join(", ")),
				serde_json::json!({ "id": id, "to": to, "access": format!("{:?}", level(&l)), "expires_at": expires }),
			);
		}
		AccessCommand::Revoke { id, account, no_rotate } => {
			let from = parse_account(&account)?;
			let session = ctx.session(!no_rotate).await?;
			let done = session.revoke(id, &from, !no_rotate).await?;
			let (renewed, escrow) = match no_rotate {
				true => (String::new(), serde_json::Value::Null),
				false => renew_escrow(&session, id).await,
			};
			let text = match (done, no_rotate) {
				(Revocation::Revoked, true) => format!("revoked {from} on record {id} (data key kept)"),
				(Revocation::Revoked, false) => format!("revoked {from} on record {id}; data key rotated"),
				(Revocation::RotatedOnly, _) => format!(
					"{from} holds no grant on record {id}; data key rotated, so a key {from} kept opens nothing current"
				),
			};
			ctx.out.done(
				&format!("{text}{renewed}"),
				serde_json::json!({
					"id": id,
					"from": from.to_string(),
					"revoked": done == Revocation::Revoked,
					"key_rotated": !no_rotate,
					"escrow": escrow,
				}),
			);
		}
		AccessCommand::List { id } => {
			let chain = ctx.chain().await?;
			let view = query::record(&chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
			let requests = query::requests(&chain, id).await?;
			// Which grants wrap a key their reader has rotated away from.
			let readers: Vec<AccountId> = view.grants.iter().map(|(who, _)| *who).collect();
			let users = query::users(&chain, &readers).await?;
			let versions: Vec<Option<u32>> =
				users.iter().map(|u| u.as_ref().map(|u| u.enc_key_version)).collect();
			let r = &view.record;
			let emergency =
				ehr::emergency::record_emergency(&chain, id, &r.owner, r.key_version).await?;
			let replicas = ehr::replication::replicas(&chain, id).await?;
			ctx.out.grants(&view, &requests, &versions, &emergency, replicas.as_ref());
		}
		AccessCommand::Request { id, read_write } => {
			let access = if read_write { Access::ReadWrite } else { Access::Read };
			ctx.session(false).await?.request(id, access.clone()).await?;
			ctx.out.done(
				&format!("asked for {access:?} on record {id}"),
				serde_json::json!({ "id": id, "access": format!("{access:?}") }),
			);
		}
		AccessCommand::Approve { id, account, expires, read } => {
			let requester = parse_account(&account)?;
			let session = ctx.session(false).await?;
			let expires = ctx.expiry(&session.chain, expires.as_deref()).await?;
			// The level is named, as read now: a request withdrawn and made
			// again for more before the call lands is not granted more.
			let asked = query::requests(&session.chain, id).await?;
			let asked = asked.iter().find(|(who, ..)| *who == requester).map(|(_, a, _)| a.clone());
			let access = if read { Access::Read } else { asked.unwrap_or(Access::Read) };
			session.answer(id, &requester, Answer::Approve(Some(access.clone())), expires).await?;
			ctx.out.done(
				&format!("approved {requester} on record {id} ({access:?})"),
				serde_json::json!({ "id": id, "requester": requester.to_string(), "approved": true, "access": format!("{access:?}") }),
			);
		}
		AccessCommand::Deny { id, account } => {
			let requester = parse_account(&account)?;
			ctx.session(false).await?.answer(id, &requester, Answer::Deny, None).await?;
			ctx.out.done(
				&format!("denied {requester} on record {id}"),
				serde_json::json!({ "id": id, "requester": requester.to_string(), "approved": false }),
			);
		}
		AccessCommand::Renounce { id } => {
			ctx.session(false).await?.renounce(id).await?;
			ctx.out.done(
				&format!("dropped your grant on record {id}"),
				serde_json::json!({ "id": id, "renounced": true }),
			);
		}
		AccessCommand::Cancel { id } => {
			ctx.session(false).await?.cancel_request(id).await?;
			ctx.out.done(
				&format!("withdrew your request on record {id}"),
				serde_json::json!({ "id": id, "cancelled": true }),
			);
		}
	}
	Ok(())
}
