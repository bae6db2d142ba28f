//! Which hospitals hold each record's ciphertext: the replication pallet's
//! attestations, read from proven finalized state, the consortium's
//! replication setting, and the wait for a record to become durable.

use crate::{
	chain::{runtime, AccountId, ChainError, Client},
	governance::{parameter_at, OrgId, Parameter},
	records::{RecordError, RecordId},
	verified::{u64_suffix, Proven, ID_TAIL},
};
use serde::Serialize;
use std::{collections::BTreeMap, time::Duration};

/// Records listed per page while scanning every record.
const PAGE: u32 = 500;

/// How many hospitals hold one record's current ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Replicas {
	pub record: RecordId,
	/// Hospitals with storage agents that attested the current digest.
	pub holders: Vec<OrgId>,
	/// The consortium's replication setting.
	pub needed: u8,
	/// Hospitals with storage agents that have not attested it.
	pub missing: Vec<OrgId>,
}

impl Replicas {
	pub fn durable(&self) -> bool {
		self.holders.len() >= usize::from(self.needed)
	}
}

#[derive(Debug, thiserror::Error)]
pub enum ReplicationError {
	#[error(transparent)]
	Record(#[from] RecordError),
	#[error("record {} is held by {} of the {} hospitals it needs after {waited} s ({}); still missing: {}. The record is on chain and pinned where it was uploaded; `ehr storage status` shows when it becomes durable. Is every hospital's storage agent running?", .replicas.record, .replicas.holders.len(), .replicas.needed, orgs(&.replicas.holders, "no hospital yet"), orgs(&.replicas.missing, "none"))]
	NotDurable { replicas: Replicas, waited: u64 },
}

impl From<ChainError> for ReplicationError {
	fn from(e: ChainError) -> Self {
		ReplicationError::Record(e.into())
	}
}

fn orgs(orgs: &[OrgId], none: &str) -> String {
	if orgs.is_empty() {
		return none.to_string();
	}
	let names: Vec<String> = orgs.iter().map(|o| format!("hospital {o}")).collect();
	names.join(", ")
}

/// How many hospitals must hold a record (`storage-replicas`, held to its
/// range as the runtime holds it).
pub async fn needed(state: &Proven) -> Result<u8, ChainError> {
	let value = parameter_at(state, Parameter::StorageReplicas).await?;
	Ok(u8::try_from(value.effective).unwrap_or(u8::MAX))
}

/// Every hospital's storage agent.
pub async fn agents(state: &Proven) -> Result<BTreeMap<OrgId, AccountId>, ChainError> {
	let address = runtime::storage().replication().agent_of();
	let keys = state.keys_under(&state.prefix(address.clone(), ())?, 8 + 4).await?;
	let values = state.fetch_keys(&keys).await?;
	let mut agents = BTreeMap::new();
	for (key, value) in keys.iter().zip(values) {
		let value = value
			.ok_or_else(|| ChainError::from(crate::verified::Unverified::listed_but_absent()))?;
		let org = key[key.len() - 4..].try_into().map(u32::from_le_bytes).expect("4 bytes");
		agents.insert(org, state.decode(&address, &value)?);
	}
	Ok(agents)
}

/// The replicas of record `id` in `state`, given the agents and setting.
async fn replicas_at(
	state: &Proven,
	id: RecordId,
	agents: &BTreeMap<OrgId, AccountId>,
	needed: u8,
) -> Result<Option<Replicas>, ChainError> {
	let Some(record) = state.fetch(runtime::storage().ehr_acl().records(), (id,)).await? else {
		return Ok(None);
	};
	let holding = state.fetch(runtime::storage().replication().holdings(), (id,)).await?;
	let holders: Vec<OrgId> = holding
		.filter(|h| h.digest == record.ciphertext_digest)
		.map(|h| h.holders.0.into_iter().filter(|o| agents.contains_key(o)).collect())
		.unwrap_or_default();
	let missing = agents.keys().filter(|o| !holders.contains(o)).copied().collect();
	Ok(Some(Replicas { record: id, holders, needed, missing }))
}

/// Record `id`'s replicas now, if the record exists.
pub async fn replicas(client: &Client, id: RecordId) -> Result<Option<Replicas>, ChainError> {
	let state = Proven::now(client).await?;
	let agents = agents(&state).await?;
	replicas_at(&state, id, &agents, needed(&state).await?).await
}

/// Waits until record `id` is held by as many hospitals as the consortium
/// asks, calling `progress` whenever the count changes, for at most
/// `timeout`.
pub async fn wait_durable(
	client: &Client,
	id: RecordId,
	timeout: Duration,
	mut progress: impl FnMut(&Replicas),
) -> Result<Replicas, ReplicationError> {
	let started = std::time::Instant::now();
	let mut shown: Option<usize> = None;
	loop {
		let replicas = replicas(client, id).await?.ok_or(RecordError::RecordNotFound(id))?;
		if shown != Some(replicas.holders.len()) {
			shown = Some(replicas.holders.len());
			progress(&replicas);
		}
		if replicas.durable() {
			return Ok(replicas);
		}
		if started.elapsed() >= timeout {
			return Err(ReplicationError::NotDurable {
				replicas,
				waited: started.elapsed().as_secs(),
			});
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Every id of a map keyed by record id (`Twox64Concat`) under `prefix` in
/// `state`, page by page, as the node lists them (not proven complete;
/// no bound but the map's size).
pub async fn all_ids(state: &Proven, prefix: &[u8]) -> Result<Vec<RecordId>, ChainError> {
	let mut ids = Vec::new();
	let mut last: Option<Vec<u8>> = None;
	loop {
		let page = state.keys_after(prefix, ID_TAIL, last.as_deref(), PAGE).await?;
		for key in &page {
			ids.push(u64_suffix(key)?);
		}
		if page.len() < PAGE as usize {
			return Ok(ids);
		}
		last = page.last().cloned();
	}
}

/// Every record's replicas, from one finalized state: `only_short` keeps
/// those held by fewer hospitals than needed.
pub async fn status(client: &Client, only_short: bool) -> Result<Vec<Replicas>, ChainError> {
	let state = Proven::now(client).await?;
	let agents = agents(&state).await?;
	let needed = needed(&state).await?;
	let records = state.prefix(runtime::storage().ehr_acl().records(), ())?;
	let mut all = Vec::new();
	for id in all_ids(&state, &records).await? {
		if let Some(r) = replicas_at(&state, id, &agents, needed).await? {
			if !only_short || !r.durable() {
				all.push(r);
			}
		}
	}
	Ok(all)
}
