//! Read-only questions any client may ask, with or without keys. Every
//! answer is proven against a GRANDPA-finalized header that includes the
//! node's best block (see [`crate::verified`]); a forged one fails with
//! [`ChainError::Unverified`].

use super::{
	runtime::{self, runtime_types::pallet_ehr_acl::types},
	Access, AccountId, ChainError, Client,
};
use crate::verified::{account_suffix, u64_suffix, Proven, Unverified, ACCOUNT_TAIL, ID_TAIL};

pub type RecordId = u64;
pub type BlockNumber = u32;
pub type Record = types::Record<AccountId, BlockNumber>;
pub type Grant = types::Grant<AccountId, BlockNumber>;
pub type User = types::User<AccountId, BlockNumber>;

/// A record and every grant on it, as the runtime API returns them.
pub struct RecordView {
	pub id: RecordId,
	pub record: Record,
	pub grants: Vec<(AccountId, Grant)>,
	/// The block the view was read at.
	pub block: BlockNumber,
}

impl RecordView {
	/// `who`'s grant, if it holds one.
	pub fn grant_of(&self, who: &AccountId) -> Option<&Grant> {
		self.grants.iter().find(|(reader, _)| reader == who).map(|(_, g)| g)
	}

	/// The readers that keep access when the record is re-keyed in a block
	/// after this view, as the pallet counts them: not `leaving`, not a grant
	/// expired by then, and not a grant delegated by either.
	pub fn readers_after_rekey(&self, leaving: Option<&AccountId>) -> Vec<AccountId> {
		// The call lands in the next block at the earliest.
		let next = self.block + 1;
		let owner = &self.record.owner;
		let ends = |reader: &AccountId, g: &Grant| {
			Some(reader) == leaving
				|| (reader != owner && g.expires_at.is_some_and(|at| next >= at))
		};
		self.grants
			.iter()
			.filter(|(reader, g)| {
				let delegated_from_ending = reader != owner
					&& self
						.grants
						.iter()
						.any(|(d, dg)| *d == g.granted_by && d != reader && ends(d, dg));
				!ends(reader, g) && !delegated_from_ending
			})
			.map(|(reader, _)| *reader)
			.collect()
	}
}

/// The values at `keys`, each of which the node listed: a listed key
/// proven absent is a lie.
async fn listed(state: &Proven, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ChainError> {
	let values = state.fetch_keys(keys).await?;
	values.into_iter().map(|v| v.ok_or_else(|| Unverified::listed_but_absent().into())).collect()
}

/// Record `id` with its grants, if it exists.
pub async fn record(client: &Client, id: RecordId) -> Result<Option<RecordView>, ChainError> {
	let state = Proven::now(client).await?;
	let records = runtime::storage().ehr_acl().records();
	let grants = runtime::storage().ehr_acl().grants();
	let readers = state.keys_under(&state.prefix(grants.clone(), (id,))?, ACCOUNT_TAIL).await?;
	let mut keys = vec![state.key(records.clone(), (id,))?];
	keys.extend(readers.iter().cloned());
	let mut values = state.fetch_keys(&keys).await?.into_iter();
	let Some(record) = values.next().flatten() else { return Ok(None) };
	let record = state.decode(&records, &record)?;
	let mut view = Vec::with_capacity(readers.len());
	for (key, value) in readers.iter().zip(values) {
		let value = value.ok_or_else(|| ChainError::from(Unverified::listed_but_absent()))?;
		view.push((account_suffix(key)?, state.decode(&grants, &value)?));
	}
	Ok(Some(RecordView { id, record, grants: view, block: state.head.number }))
}

/// Ids of the records `owner` owns, in order.
pub async fn records_of(client: &Client, owner: &AccountId) -> Result<Vec<RecordId>, ChainError> {
	let state = Proven::now(client).await?;
	let index = runtime::storage().ehr_acl().records_by_owner();
	let keys = state.keys_under(&state.prefix(index, (*owner,))?, ID_TAIL).await?;
	listed(&state, &keys).await?;
	let mut ids = keys.iter().map(|k| u64_suffix(k)).collect::<Result<Vec<_>, _>>()?;
	ids.sort_unstable();
	Ok(ids)
}

/// The grants `who` holds, by record id.
pub async fn grants_held(
	client: &Client,
	who: &AccountId,
) -> Result<Vec<(RecordId, Grant)>, ChainError> {
	let state = Proven::now(client).await?;
	let index = runtime::storage().ehr_acl().grants_held();
	let grants = runtime::storage().ehr_acl().grants();
	let mut ids = state
		.keys_under(&state.prefix(index, (*who,))?, ID_TAIL)
		.await?
		.iter()
		.map(|k| u64_suffix(k))
		.collect::<Result<Vec<_>, _>>()?;
	ids.sort_unstable();
	let keys = ids
		.iter()
		.map(|id| state.key(grants.clone(), (*id, *who)))
		.collect::<Result<Vec<_>, _>>()?;
	// The index is only a hint (the runtime API skipped an entry without
	// a grant too): what counts is a proven grant.
	let values = state.fetch_keys(&keys).await?;
	ids.into_iter()
		.zip(values)
		.filter_map(|(id, value)| value.map(|v| (id, v)))
		.map(|(id, value)| Ok((id, state.decode(&grants, &value)?)))
		.collect()
}

/// The registered user `who`, if any.
pub async fn user(client: &Client, who: &AccountId) -> Result<Option<User>, ChainError> {
	let state = Proven::now(client).await?;
	state.fetch(runtime::storage().ehr_acl().users(), (*who,)).await
}

/// The registered users `whos` (each if any), proven at one block.
pub async fn users(client: &Client, whos: &[AccountId]) -> Result<Vec<Option<User>>, ChainError> {
	let state = Proven::now(client).await?;
	let users = runtime::storage().ehr_acl().users();
	let keys =
		whos.iter().map(|who| state.key(users.clone(), (*who,))).collect::<Result<Vec<_>, _>>()?;
	state
		.fetch_keys(&keys)
		.await?
		.into_iter()
		.map(|value| value.map(|v| state.decode(&users, &v)).transpose())
		.collect()
}

/// How many times `who` has been registered (a consent names the next
/// registration by this count).
pub async fn registrations(client: &Client, who: &AccountId) -> Result<u32, ChainError> {
	let state = Proven::now(client).await?;
	let count = state.fetch(runtime::storage().ehr_acl().registrations(), (*who,)).await?;
	Ok(count.unwrap_or(0))
}

/// The hospital `who` registers users for, if it is a registrar.
pub async fn registrar_org(client: &Client, who: &AccountId) -> Result<Option<u32>, ChainError> {
	let state = Proven::now(client).await?;
	state.fetch(runtime::storage().ehr_acl().registrars(), (*who,)).await
}

/// Pending access requests on record `id`: who asked, for what, when.
pub async fn requests(
	client: &Client,
	id: RecordId,
) -> Result<Vec<(AccountId, Access, BlockNumber)>, ChainError> {
	let state = Proven::now(client).await?;
	let requests = runtime::storage().ehr_acl().requests();
	let keys = state.keys_under(&state.prefix(requests.clone(), (id,))?, ACCOUNT_TAIL).await?;
	let values = listed(&state, &keys).await?;
	keys.iter()
		.zip(values)
		.map(|(key, value)| {
			let request = state.decode(&requests, &value)?;
			Ok((account_suffix(key)?, request.access, request.requested_at))
		})
		.collect()
}

/// The number of the newest finalized block that includes the node's
/// best one (what `--expires` durations count from).
pub async fn block_number(client: &Client) -> Result<BlockNumber, ChainError> {
	Ok(client.finalized_now().await?.number)
}

/// The accounts a hospital registered as staff (doctors, pharmacists,
/// researchers), with their registrations, in the node's key order. Reads
/// the whole user map, patients included, at one block (at most
/// `MAX_LISTED` accounts): a list to choose readers from, not a directory
/// service.
pub async fn staff(client: &Client) -> Result<Vec<(AccountId, User)>, ChainError> {
	let state = Proven::now(client).await?;
	let users = runtime::storage().ehr_acl().users();
	let keys = state.keys_under(&state.prefix(users.clone(), ())?, ACCOUNT_TAIL).await?;
	let values = listed(&state, &keys).await?;
	let mut staff = Vec::new();
	for (key, value) in keys.iter().zip(values) {
		let user = state.decode(&users, &value)?;
		if user.org.is_some() && user.role != types::Role::Patient {
			staff.push((account_suffix(key)?, user));
		}
	}
	Ok(staff)
}

/// The records `owner` owns, and (with `shared`) those of others it holds a
/// grant on, each with that grant.
pub async fn records_and_grants(
	client: &Client,
	owner: &AccountId,
	shared: bool,
) -> Result<(Vec<RecordView>, Vec<(RecordView, Grant)>), ChainError> {
	let mut owned = Vec::new();
	for id in records_of(client, owner).await? {
		owned.extend(record(client, id).await?);
	}
	let mut held = Vec::new();
	if shared {
		for (id, grant) in grants_held(client, owner).await? {
			if let Some(view) = record(client, id).await? {
				if view.record.owner != *owner {
					held.push((view, grant));
				}
			}
		}
	}
	Ok((owned, held))
}
