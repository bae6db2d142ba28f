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
				pallet_ehr_emergency::pallet::Event as EmergencyEvent,
				pallet_ehr_validators::pallet::Event as ValidatorsEvent,
			},
		},
		AccountId, Client,
	},
	records::{rpc, RecordError, RecordId},
};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
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

/// One event of the history, as the block scan and the index both give it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
	pub block: u64,
	/// The block's hash (0x-hex): with `block` and `event_index`, where on
	/// chain `ehr audit verify` finds the event again.
	pub block_hash: String,
	/// The event's position among all its block's events.
	pub event_index: u32,
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

impl Entry {
	/// Whether both name the same event with the same content (whatever
	/// each knew of finality).
	pub fn says_the_same_as(&self, other: &Entry) -> bool {
		Entry { finalized: other.finalized, ..self.clone() } == *other
	}
}

/// What an event says, flattened.
struct Fields {
	record: Option<RecordId>,
	by: Option<AccountId>,
	subject: Option<AccountId>,
	details: String,
}

fn fields(event: &AclEvent) -> (&'static str, Fields) {
	let f = |record, by, subject, details: String| Fields { record, by, subject, details };
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
			f(
				Some(*id),
				Some(*author),
				Some(*owner),
				format!("{kind:?}, {}", content(cid, ciphertext_digest)),
			),
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
/// Whether an event is a step of a break-glass access (purpose of use
/// emergency treatment), which the patient's and auditors' views single
/// out.
pub fn is_emergency(event: &str) -> bool {
	matches!(
		event,
		"EmergencyRequested"
			| "EmergencyAnswered"
			| "ShareReleased"
			| "EmergencyRead"
			| "EmergencyClosed"
	)
}

fn emergency_fields(event: &EmergencyEvent) -> (&'static str, Fields) {
	let f = |record, by, subject, details: String| Fields { record, by, subject, details };
	match event {
		EmergencyEvent::EscrowKeySet { org, key, version, agent } => (
			"EscrowKeySet",
			f(
				None,
				None,
				Some(*agent),
				format!("hospital {org}'s escrow key version {version}: {}", hex::encode(key)),
			),
		),
		EmergencyEvent::EscrowKeyRemoved { org } => {
			("EscrowKeyRemoved", f(None, None, None, format!("hospital {org}")))
		}
		EmergencyEvent::EmergencyAccessSet { who, allowed } => (
			"EmergencyAccessSet",
			f(None, Some(*who), None, if *allowed { "allowed" } else { "refused" }.into()),
		),
		EmergencyEvent::SharesDeposited { record, by, key_version, threshold, orgs } => (
			"SharesDeposited",
			f(
				Some(*record),
				Some(*by),
				None,
				format!("key version {key_version}: {orgs} hospitals' shares, {threshold} open it"),
			),
		),
		EmergencyEvent::ShareRewrapped { record, org, escrow_key_version } => (
			"ShareRewrapped",
			f(
				Some(*record),
				None,
				None,
				format!("hospital {org}, escrow key version {escrow_key_version}"),
			),
		),
		EmergencyEvent::SharesRemoved { record, reason } => {
			("SharesRemoved", f(Some(*record), None, None, format!("{reason:?}")))
		}
		EmergencyEvent::EmergencyRequested {
			emergency,
			record,
			owner,
			requester,
			org,
			reason,
			note_digest,
			expires_at,
		} => (
			"EmergencyRequested",
			f(
				Some(*record),
				Some(*requester),
				Some(*owner),
				format!(
					"emergency {emergency}, purpose ETREAT, reason {}, by hospital {org}, until block {expires_at}{}",
					crate::emergency::reason_name(reason),
					note_digest.map(|d| format!(", note sha256 {}", hex::encode(d))).unwrap_or_default()
				),
			),
		),
		EmergencyEvent::EmergencyAnswered { emergency, record, org, approved } => (
			"EmergencyAnswered",
			f(
				Some(*record),
				None,
				None,
				format!(
					"emergency {emergency}: hospital {org} {}",
					if *approved { "approved" } else { "refused" }
				),
			),
		),
		EmergencyEvent::ShareReleased { emergency, record, org } => (
			"ShareReleased",
			f(Some(*record), None, None, format!("emergency {emergency}: hospital {org}'s share")),
		),
		EmergencyEvent::EmergencyRead { emergency, record, by, key_version } => (
			"EmergencyRead",
			f(
				Some(*record),
				Some(*by),
				None,
				format!("emergency {emergency}, key version {key_version}"),
			),
		),
		EmergencyEvent::EmergencyClosed { emergency, record, by, outcome } => (
			"EmergencyClosed",
			f(Some(*record), Some(*by), None, format!("emergency {emergency}: {outcome:?}")),
		),
	}
}

fn content(cid: &BoundedVec<u8>, digest: &[u8; 32]) -> String {
	format!("cid {}, sha256 {}", String::from_utf8_lossy(&cid.0), hex::encode(digest))
}

fn with_expiry(access: String, expires_at: &Option<u32>) -> String {
	match expires_at {
		Some(block) => format!("{access}, expires at block {block}"),
		None => access,
	}
}

/// The governance pallets whose events an auditor needs beside the ACL's:
/// who may validate, which nodes may connect, which hospitals are members,
/// what the council decided, what it ran as root, which motions lapsed.
const GOVERNANCE: [&str; 5] =
	["Validators", "NodeAuthorization", "HospitalMembership", "Council", "Governance"];

/// The system events an auditor needs: runtime upgrades authorised, applied
/// or rejected (not the per-extrinsic ones).
const UPGRADES: [&str; 3] =
	["UpgradeAuthorized", "CodeUpdated", "RejectedInvalidAuthorizedUpgrade"];

/// A governance event, flattened: the validators pallet's by name, the
/// others with their fields as the metadata describes them.
fn governance_fields(
	event: &subxt::events::Event<chain::Config>,
) -> Result<(String, Fields), RecordError> {
	let name = format!("{}.{}", event.pallet_name(), event.event_name());
	let f =
		|subject: Option<AccountId>, details| Fields { record: None, by: None, subject, details };
	Ok(match event.decode_as::<runtime::Event>().map_err(rpc)? {
		runtime::Event::Validators(
			ValidatorsEvent::ValidatorAdded { who } | ValidatorsEvent::ValidatorRemoved { who },
		) => (name, f(Some(who), String::new())),
		_ => {
			let fields = event
				.decode_fields_unchecked_as::<subxt::ext::scale_value::Composite<()>>()
				.map_err(rpc)?;
			(name, f(None, fields.to_string()))
		}
	})
}

/// A block's auditable events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEvents {
	pub number: u64,
	/// 0x-hex.
	pub hash: String,
	/// Possibly none.
	pub entries: Vec<Entry>,
}

/// Every event of block `at` an auditor reads (the ACL pallet's and the
/// governance pallets'), with the block's number, hash and time, marked as
/// not finalized.
pub async fn block_events(
	client: &Client,
	at: impl Into<subxt::client::BlockNumberOrRef<chain::Config>>,
) -> Result<BlockEvents, RecordError> {
	let at = client.at_block(at).await.map_err(rpc)?;
	let (number, hash) = (at.block_number(), format!("{:?}", at.block_hash()));
	let events = at.events().fetch().await.map_err(rpc)?;
	let mut flat = Vec::new();
	for event in events.iter() {
		let event = event.map_err(rpc)?;
		let (name, f) = if event.pallet_name() == "EhrAcl" {
			let runtime::Event::EhrAcl(inner) = event.decode_as::<runtime::Event>().map_err(rpc)?
			else {
				continue;
			};
			let (name, f) = fields(&inner);
			(name.to_string(), f)
		} else if event.pallet_name() == "Emergency" {
			let runtime::Event::Emergency(inner) =
				event.decode_as::<runtime::Event>().map_err(rpc)?
			else {
				continue;
			};
			let (name, f) = emergency_fields(&inner);
			(name.to_string(), f)
		} else if GOVERNANCE.contains(&event.pallet_name())
			|| (event.pallet_name() == "System" && UPGRADES.contains(&event.event_name()))
		{
			governance_fields(&event)?
		} else {
			continue;
		};
		flat.push((event.index(), name, f));
	}
	if flat.is_empty() {
		return Ok(BlockEvents { number, hash, entries: Vec::new() });
	}
	let millis = at
		.storage()
		.fetch(runtime::storage().timestamp().now(), ())
		.await
		.map_err(rpc)?
		.decode()
		.map_err(rpc)?;
	let time = chrono::DateTime::from_timestamp_millis(millis as i64)
		.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
		.unwrap_or_default();
	let entries = flat
		.into_iter()
		.map(|(event_index, event, f)| Entry {
			block: number,
			block_hash: hash.clone(),
			event_index,
			time: time.clone(),
			event,
			record: f.record,
			by: f.by.map(|a| a.to_string()),
			subject: f.subject.map(|a| a.to_string()),
			details: f.details,
			finalized: false,
		})
		.collect();
	Ok(BlockEvents { number, hash, entries })
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
pub async fn ensure_history_from(
	client: &Client,
	first: u64,
	head: u64,
) -> Result<(), RecordError> {
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

/// Which part of a history to show: a block range, a time range (RFC 3339
/// UTC, as entries give it; `from` inclusive, `to` exclusive) and event
/// names (all when empty). The index answers the same window the same way.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Window {
	pub since: Option<u64>,
	pub until: Option<u64>,
	pub from: Option<String>,
	pub to: Option<String>,
	#[serde(default)]
	pub events: Vec<String>,
}

/// `text` (RFC 3339, any offset, any fraction) as the entries write
/// times: UTC, whole seconds, `Z`. Times compare as text in this form.
pub fn utc(text: &str) -> Result<String, String> {
	let time = chrono::DateTime::parse_from_rfc3339(text)
		.map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))?;
	Ok(time.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

impl Window {
	/// A window whose times are normalised with [`utc`]. A `from` with a
	/// fraction of a second still admits that whole second.
	pub fn new(
		since: Option<u64>,
		until: Option<u64>,
		from: Option<&str>,
		to: Option<&str>,
		events: Vec<String>,
	) -> Result<Window, String> {
		Ok(Window {
			since,
			until,
			from: from.map(utc).transpose()?,
			to: to.map(utc).transpose()?,
			events,
		})
	}

	/// The first block to read.
	pub fn first_block(&self) -> u64 {
		self.since.unwrap_or(1).max(1)
	}

	/// Whether `entry` falls in the window.
	pub fn admits(&self, entry: &Entry) -> bool {
		self.since.is_none_or(|b| entry.block >= b)
			&& self.until.is_none_or(|b| entry.block <= b)
			&& self.from.as_ref().is_none_or(|t| entry.time.as_str() >= t.as_str())
			&& self.to.as_ref().is_none_or(|t| entry.time.as_str() < t.as_str())
			&& (self.events.is_empty() || self.events.contains(&entry.event))
	}
}

/// Keeps the entries of `subject`'s history, in order. A patient's
/// history holds its records' events from their `RecordAdded` on, so the
/// filter remembers which records it has seen the patient add.
#[derive(Default)]
pub struct Filter {
	patient_records: BTreeSet<RecordId>,
}

impl Filter {
	/// A filter that already knows the records `subject` (a patient) owned
	/// at the end of block `before` (nothing to know for other subjects,
	/// or before block 1).
	pub async fn at(
		client: &Client,
		subject: &Subject,
		before: u64,
	) -> Result<Filter, RecordError> {
		let (Subject::Patient(patient), 1..) = (subject, before) else {
			return Ok(Filter::default());
		};
		let at = client.at_block(before).await.map_err(rpc)?;
		let api = runtime::runtime_apis().ehr_acl_api();
		let owned = at.runtime_apis().call(api.records_of(*patient)).await.map_err(rpc)?;
		Ok(Filter { patient_records: owned.into_iter().collect() })
	}
}

impl Filter {
	/// Whether `entry` (the next one in chain order) belongs to `subject`'s
	/// history.
	pub fn wants(&mut self, subject: &Subject, entry: &Entry) -> bool {
		let involves = |who: &AccountId| {
			let who = Some(who.to_string());
			entry.by == who || entry.subject == who
		};
		match subject {
			Subject::Record(id) => entry.record == Some(*id),
			Subject::Account(who) => involves(who),
			Subject::Patient(p) => {
				if let (Some(id), "RecordAdded") = (entry.record, entry.event.as_str()) {
					if entry.subject == Some(p.to_string()) {
						self.patient_records.insert(id);
					}
				}
				entry.record.is_some_and(|id| self.patient_records.contains(&id))
					|| (entry.record.is_none() && involves(p))
			}
		}
	}
}

/// Rebuilds `subject`'s history in `window` (up to the best block) by
/// reading every block's events, oldest first, marking which entries are
/// finalized. Blocks are fetched a few at a time in parallel. A patient's
/// history holds the events of every record it owned in the window.
pub async fn history(
	client: &Client,
	subject: &Subject,
	window: &Window,
) -> Result<Vec<Entry>, RecordError> {
	let finalized = client.at_current_block().await.map_err(rpc)?.block_number();
	let head = chain::at_best(client).await?.block_number();
	let last = window.until.map_or(head, |until| until.min(head));
	let first = window.first_block();
	// A patient's records of before the window: the state of the block
	// before it, which the node must still have too.
	let before = match subject {
		Subject::Patient(_) if first > 1 => first - 1,
		_ => first,
	};
	ensure_history_from(client, before, last).await.map_err(|e| match (e, subject) {
		// `--since N` for a patient needs block N - 1 as well.
		(RecordError::HistoryPruned { available_from, .. }, Subject::Patient(_)) => {
			RecordError::HistoryPruned { from: first, available_from: available_from + 1 }
		}
		(e, _) => e,
	})?;
	let mut filter = Filter::at(client, subject, first - 1).await?;
	let mut blocks =
		futures::stream::iter(first..=last).map(|number| block_events(client, number)).buffered(16);
	let mut entries = Vec::new();
	while let Some(block) = blocks.try_next().await? {
		for mut entry in block.entries {
			if filter.wants(subject, &entry) && window.admits(&entry) {
				entry.finalized = entry.block <= finalized;
				entries.push(entry);
			}
		}
	}
	Ok(entries)
}

/// What is wrong with an entry someone else (an index) claims is on chain,
/// or an event on chain it left out.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Discrepancy {
	pub entry: Entry,
	/// What the chain says instead.
	pub problem: String,
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Verification {
	/// Rows the index gave, and how many of them were re-read from chain.
	pub rows: usize,
	pub checked: usize,
	/// Blocks read from the chain.
	pub blocks: usize,
	pub discrepancies: Vec<Discrepancy>,
}

/// Whether `entry` names `who` on either side.
fn involves(entry: &Entry, who: &AccountId) -> bool {
	let who = Some(who.to_string());
	entry.by == who || entry.subject == who
}

/// Checks what an index answered for `subject` in `window` (`rows`, in
/// order) against the chain, through this client's node:
/// - every row is in order, once, inside the window, about the subject;
/// - each checked row (all, or `sample` drawn at random) names a finalized
///   block with that hash, and the event at its index says what the row
///   says;
/// - every block read has no event about the subject that the index left
///   out; with `complete`, every block of the window is read, so no
///   omission anywhere goes unseen.
pub async fn verify(
	client: &Client,
	subject: &Subject,
	window: &Window,
	rows: Vec<Entry>,
	sample: Option<usize>,
	complete: bool,
) -> Result<Verification, RecordError> {
	let finalized = client.at_current_block().await.map_err(rpc)?.block_number();
	let mut found = std::collections::BTreeMap::<(u64, u32), Discrepancy>::new();
	let mut flag = |entry: &Entry, problem: String| {
		found
			.entry((entry.block, entry.event_index))
			.or_insert_with(|| Discrepancy { entry: entry.clone(), problem });
	};
	let claimed: std::collections::BTreeMap<(u64, u32), &Entry> =
		rows.iter().map(|e| ((e.block, e.event_index), e)).collect();
	for pair in rows.windows(2) {
		if (pair[1].block, pair[1].event_index) <= (pair[0].block, pair[0].event_index) {
			flag(&pair[1], "out of order, or given twice".into());
		}
	}
	for entry in &rows {
		if !window.admits(entry) {
			flag(entry, "outside the window asked for".into());
		}
	}
	let checked = match sample {
		Some(n) => self::sample(rows.clone(), n),
		None => rows.clone(),
	};
	let mut blocks: Vec<u64> = checked.iter().map(|e| e.block).collect();
	blocks.sort();
	blocks.dedup();
	for entry in rows.iter().filter(|e| e.block > finalized) {
		flag(entry, format!("block {} is not finalized (finalized head {finalized})", entry.block));
	}
	blocks.retain(|b| *b <= finalized);
	if let Some(&first) = blocks.first() {
		ensure_history_from(client, first, finalized).await?;
	}
	let chain: std::collections::BTreeMap<u64, BlockEvents> = futures::stream::iter(blocks)
		.map(
			|number| async move { Ok::<_, RecordError>((number, block_events(client, number).await?)) },
		)
		.buffered(16)
		.try_collect()
		.await?;
	for entry in checked.iter().filter(|e| e.block <= finalized) {
		let block = &chain[&entry.block];
		let Some(on_chain) = block.entries.iter().find(|e| e.event_index == entry.event_index)
		else {
			flag(
				entry,
				format!(
					"block {} has no auditable event at index {}",
					entry.block, entry.event_index
				),
			);
			continue;
		};
		if block.hash != entry.block_hash {
			flag(entry, format!("block {} is {} on chain", entry.block, block.hash));
		} else if !on_chain.says_the_same_as(entry) {
			flag(
				entry,
				format!(
					"the chain says {} at {}: by {:?}, subject {:?}, record {:?}, {}",
					on_chain.event,
					on_chain.time,
					on_chain.by,
					on_chain.subject,
					on_chain.record,
					on_chain.details
				),
			);
		}
	}
	// The patient's records, as far as the chain and the rows tell.
	let mut patient_records: BTreeSet<RecordId> = match subject {
		Subject::Patient(p) => {
			let at = client.at_block(finalized).await.map_err(rpc)?;
			let api = runtime::runtime_apis().ehr_acl_api();
			at.runtime_apis().call(api.records_of(*p)).await.map_err(rpc)?.into_iter().collect()
		}
		_ => BTreeSet::new(),
	};
	let about = |entry: &Entry, records: &BTreeSet<RecordId>| match subject {
		Subject::Record(id) => entry.record == Some(*id),
		Subject::Account(who) => involves(entry, who),
		Subject::Patient(p) => {
			entry.record.is_some_and(|id| records.contains(&id))
				|| (entry.record.is_none() && involves(entry, p))
		}
	};
	let mut scanned = chain.len();
	let mut on_chain: Vec<Entry> = chain.into_values().flat_map(|b| b.entries).collect();
	if complete {
		let until = window.until.map_or(finalized, |u| u.min(finalized));
		let whole = Window { until: Some(until), ..window.clone() };
		scanned = (until + 1).saturating_sub(whole.first_block()) as usize;
		on_chain = history(client, subject, &whole).await?;
	}
	if let Subject::Patient(p) = subject {
		patient_records.extend(
			on_chain
				.iter()
				.filter(|e| e.event == "RecordAdded" && e.subject == Some(p.to_string()))
				.filter_map(|e| e.record),
		);
		// A record a row names that the patient no longer owns (removed
		// since) is the patient's only if the chain says so at the row's
		// block: the index's word is not enough.
		let mut asked = BTreeSet::new();
		let unknown: Vec<(RecordId, u64)> = rows
			.iter()
			.filter(|e| e.block <= finalized)
			.filter_map(|e| Some((e.record?, e.block)))
			.filter(|(id, _)| !patient_records.contains(id))
			.filter(|pair| asked.insert(*pair))
			.collect();
		if let Some(first) = unknown.iter().map(|(_, block)| *block).min() {
			ensure_history_from(client, first.saturating_sub(1).max(1), finalized).await?;
		}
		for (id, block) in unknown {
			if !patient_records.contains(&id) && owned_at(client, p, id, block).await? {
				patient_records.insert(id);
			}
		}
	}
	for entry in &on_chain {
		let wanted = complete || about(entry, &patient_records);
		if wanted
			&& window.admits(entry)
			&& !claimed.contains_key(&(entry.block, entry.event_index))
		{
			flag(entry, "on chain, but missing from the index".into());
		}
	}
	for entry in &rows {
		if !about(entry, &patient_records) {
			flag(entry, "not about the subject asked for".into());
		}
	}
	Ok(Verification {
		rows: rows.len(),
		checked: checked.len(),
		blocks: scanned,
		discrepancies: found.into_values().collect(),
	})
}

/// Whether `patient` owned record `id` in block `number`: its records
/// after the block, or before it (the block removed the record), or the
/// block added it for the patient (and removed it again).
async fn owned_at(
	client: &Client,
	patient: &AccountId,
	id: RecordId,
	number: u64,
) -> Result<bool, RecordError> {
	let subject = Subject::Patient(*patient);
	for at in [number, number.saturating_sub(1)] {
		if Filter::at(client, &subject, at).await?.patient_records.contains(&id) {
			return Ok(true);
		}
	}
	let added = block_events(client, number).await?.entries.into_iter().any(|e| {
		e.event == "RecordAdded" && e.record == Some(id) && e.subject == Some(patient.to_string())
	});
	Ok(added)
}

/// `n` of `entries` drawn at random (all of them if there are fewer), in
/// their order.
pub fn sample(mut entries: Vec<Entry>, n: usize) -> Vec<Entry> {
	use rand_core::RngCore;
	let mut rng = crate::crypto::os_rng();
	// A partial Fisher-Yates shuffle picks n distinct positions.
	let mut picked: Vec<usize> = (0..entries.len()).collect();
	let n = n.min(entries.len());
	for i in 0..n {
		let j = i + (rng.next_u64() % (picked.len() - i) as u64) as usize;
		picked.swap(i, j);
	}
	let mut keep = picked[..n].to_vec();
	keep.sort_unstable();
	let mut position = 0;
	entries.retain(|_| {
		let kept = keep.binary_search(&position).is_ok();
		position += 1;
		kept
	});
	entries
}
