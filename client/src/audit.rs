//! The auditor's view: who registered, granted, read, updated and revoked
//! what, rebuilt from the ACL pallet's events in finalized blocks. Needs no
//! keys and no write rights: anyone with RPC access can run it.

use crate::{
	chain::{
		self,
		runtime::{
			self,
			runtime_types::{
				bounded_collections::bounded_vec::BoundedVec,
				pallet_ehr_acl::pallet::Event as AclEvent,
			},
		},
		AccountId, Client,
	},
	records::{rpc, RecordError, RecordId},
};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use std::collections::BTreeSet;

/// Which history to rebuild.
#[derive(Clone, Debug)]
pub enum Subject {
	/// Everything that happened to one record.
	Record(RecordId),
	/// A patient's registration and everything on the records it owned.
	Patient(AccountId),
	/// Every event an account took part in, on any side.
	Account(AccountId),
}

/// One event of the history.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Entry {
	pub block: u64,
	/// Block time, RFC 3339 UTC.
	pub time: String,
	pub event: String,
	pub record: Option<RecordId>,
	/// The account that acted.
	pub by: Option<String>,
	/// The account acted upon.
	pub subject: Option<String>,
	/// The rest of the event, in words.
	pub details: String,
	/// Whether the block is finalized; a block that is not could still be
	/// replaced by a reorganisation.
	pub finalized: bool,
}

/// What an event says, flattened.
struct Fields {
	record: Option<RecordId>,
	by: Option<AccountId>,
	subject: Option<AccountId>,
	owner: Option<AccountId>,
	details: String,
}

fn fields(event: &AclEvent) -> (&'static str, Fields) {
	let f =
		|record, by, subject, details: String| Fields { record, by, subject, owner: None, details };
	match event {
		AclEvent::RegistrarAdded { registrar, org } => {
			("RegistrarAdded", f(None, None, Some(*registrar), format!("hospital {org}")))
		}
		AclEvent::RegistrarRemoved { registrar } => {
			("RegistrarRemoved", f(None, None, Some(*registrar), String::new()))
		}
		AclEvent::UserRegistered { who, role, org, by, enc_key } => (
			"UserRegistered",
			f(
				None,
				Some(*by),
				Some(*who),
				match org {
					Some(org) => {
						format!("{role:?} of hospital {org}, key {}", hex::encode(enc_key))
					}
					None => format!("{role:?}, key {}", hex::encode(enc_key)),
				},
			),
		),
		AclEvent::UserDeregistered { who, by } => {
			("UserDeregistered", f(None, Some(*by), Some(*who), String::new()))
		}
		AclEvent::DeregistrationContinues { who, by, grants_left } => (
			"DeregistrationContinues",
			f(None, Some(*by), Some(*who), format!("{grants_left} grants left to drop")),
		),
		AclEvent::EncryptionKeyRotated { who, enc_key, enc_key_version } => (
			"EncryptionKeyRotated",
			f(
				None,
				Some(*who),
				None,
				format!("key version {enc_key_version}: {}", hex::encode(enc_key)),
			),
		),
		AclEvent::RecordAdded { id, owner, author, kind, cid, ciphertext_digest } => (
			"RecordAdded",
			Fields {
				record: Some(*id),
				by: Some(*author),
				subject: Some(*owner),
				owner: Some(*owner),
				details: format!("{kind:?}, {}", content(cid, ciphertext_digest)),
			},
		),
		AclEvent::RecordUpdated { id, by, cid, ciphertext_digest, version, key_version } => (
			"RecordUpdated",
			f(
				Some(*id),
				Some(*by),
				None,
				format!(
					"version {version}, key version {key_version}, {}",
					content(cid, ciphertext_digest)
				),
			),
		),
		AclEvent::RecordRemoved { id, by } => {
			("RecordRemoved", f(Some(*id), Some(*by), None, String::new()))
		}
		AclEvent::GrantAdded { id, to, by, access, expires_at, key_version, reason } => (
			"GrantAdded",
			f(
				Some(*id),
				Some(*by),
				Some(*to),
				with_expiry(
					format!("{access:?} ({reason:?}), key version {key_version}"),
					expires_at,
				),
			),
		),
		AclEvent::AccessUpdated { id, of, by, granted_by, access, expires_at } => (
			"AccessUpdated",
			f(
				Some(*id),
				Some(*by),
				Some(*of),
				with_expiry(format!("{access:?}, given by {granted_by}"), expires_at),
			),
		),
		AclEvent::GrantRemoved { id, from, by, reason } => {
			("GrantRemoved", f(Some(*id), Some(*by), Some(*from), format!("{reason:?}")))
		}
		AclEvent::AccessRequested { id, by, access } => {
			("AccessRequested", f(Some(*id), Some(*by), None, format!("{access:?}")))
		}
		AclEvent::RequestClosed { id, requester, by, outcome } => {
			("RequestClosed", f(Some(*id), Some(*by), Some(*requester), format!("{outcome:?}")))
		}
		AclEvent::AccessLogged { id, by, version, key_version } => (
			"AccessLogged",
			f(
				Some(*id),
				Some(*by),
				None,
				format!("read version {version} (key version {key_version})"),
			),
		),
	}
}

/// A version's content as an auditor checks it: where it is and its digest.
fn content(cid: &BoundedVec<u8>, digest: &[u8; 32]) -> String {
	format!("cid {}, sha256 {}", String::from_utf8_lossy(&cid.0), hex::encode(digest))
}

fn with_expiry(access: String, expires_at: &Option<u32>) -> String {
	match expires_at {
		Some(block) => format!("{access}, expires at block {block}"),
		None => access,
	}
}

/// The ACL events of block `number` with the block's time.
async fn block_events(
	client: &Client,
	number: u64,
) -> Result<(u64, String, Vec<AclEvent>), RecordError> {
	let at = client.at_block(number).await.map_err(rpc)?;
	let events = at.events().fetch().await.map_err(rpc)?;
	let mut acl = Vec::new();
	for event in events.iter() {
		let event = event.map_err(rpc)?;
		if let runtime::Event::EhrAcl(inner) = event.decode_as::<runtime::Event>().map_err(rpc)? {
			acl.push(inner);
		}
	}
	let time = if acl.is_empty() {
		String::new()
	} else {
		let millis = at
			.storage()
			.fetch(runtime::storage().timestamp().now(), ())
			.await
			.map_err(rpc)?
			.decode()
			.map_err(rpc)?;
		chrono::DateTime::from_timestamp_millis(millis as i64)
			.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
			.unwrap_or_default()
	};
	Ok((number, time, acl))
}

/// Whether the node still has block `number`'s state (its events): a
/// pruning node discards state older than its window (256 blocks by
/// default); an archive node keeps all of it.
async fn has_state(client: &Client, number: u64) -> Result<bool, RecordError> {
	let discarded = |e: &dyn std::fmt::Display| e.to_string().contains("State already discarded");
	// Opening the block already reads its state (the runtime version).
	let at = match client.at_block(number).await {
		Ok(at) => at,
		Err(e) if discarded(&e) => return Ok(false),
		Err(e) => return Err(rpc(e)),
	};
	match at.events().fetch().await {
		Ok(_) => Ok(true),
		Err(e) if discarded(&e) => Ok(false),
		Err(e) => Err(rpc(e)),
	}
}

/// Fails with [`RecordError::HistoryPruned`] if the node no longer has the
/// state of block `first`, naming the oldest block it still has (found by
/// bisection up to `head`).
async fn ensure_history_from(client: &Client, first: u64, head: u64) -> Result<(), RecordError> {
	if first > head || has_state(client, first).await? {
		return Ok(());
	}
	let (mut missing, mut present) = (first, head);
	while present - missing > 1 {
		let mid = missing + (present - missing) / 2;
		if has_state(client, mid).await? {
			present = mid;
		} else {
			missing = mid;
		}
	}
	Err(RecordError::HistoryPruned { from: first, available_from: present })
}

/// Rebuilds `subject`'s history from block `since` to the best block,
/// oldest first, marking which entries are finalized. Blocks are fetched a
/// few at a time in parallel.
pub async fn history(
	client: &Client,
	subject: &Subject,
	since: u64,
) -> Result<Vec<Entry>, RecordError> {
	let finalized = client.at_current_block().await.map_err(rpc)?.block_number();
	let head = chain::at_best(client).await?.block_number();
	ensure_history_from(client, since.max(1), head).await?;
	let mut blocks = futures::stream::iter(since.max(1)..=head)
		.map(|number| block_events(client, number))
		.buffered(16);
	let mut patient_records = BTreeSet::new();
	let mut entries = Vec::new();
	while let Some((block, time, events)) = blocks.try_next().await? {
		for event in events {
			let (name, f) = fields(&event);
			if let (Subject::Patient(p), Some(owner), Some(id)) = (subject, &f.owner, f.record) {
				if owner == p {
					patient_records.insert(id);
				}
			}
			let involves =
				|who: &AccountId| f.by.as_ref() == Some(who) || f.subject.as_ref() == Some(who);
			let wanted = match subject {
				Subject::Record(id) => f.record == Some(*id),
				Subject::Account(who) => involves(who),
				Subject::Patient(p) => {
					f.record.is_some_and(|id| patient_records.contains(&id))
						|| (f.record.is_none() && involves(p))
				}
			};
			if wanted {
				entries.push(Entry {
					block,
					time: time.clone(),
					event: name.into(),
					record: f.record,
					by: f.by.map(|a| a.to_string()),
					subject: f.subject.map(|a| a.to_string()),
					details: f.details,
					finalized: block <= finalized,
				});
			}
		}
	}
	Ok(entries)
}
