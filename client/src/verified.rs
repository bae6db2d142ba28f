//! Reads that do not trust the node: the newest finalized header is proven
//! by GRANDPA justifications, signed by an authority set the client follows
//! from a checkpoint it trusts (the genesis block, or one it verified
//! before), and every storage value is proven against that header's state
//! root with a Merkle read proof. A node that lies about a key, a record or
//! a grant gives an answer that fails one of these checks.
//!
//! What a node can still do: hide entries of a list (a listing of keys is
//! not proven complete, each entry found is), and serve old finalized
//! state; the latter is bounded by [`MAX_STALENESS`] against this
//! machine's clock.

use crate::chain::{AccountId, ChainError, Client};
use codec::{Decode, DecodeAll};
use finality_grandpa::{voter_set::VoterSet, Chain as _};
use sp_consensus_grandpa::{
	AuthorityId, AuthorityList, ConsensusLog, ScheduledChange, GRANDPA_ENGINE_ID,
};
use sp_core::{crypto::ByteArray, H256};
use sp_runtime::{
	generic::OpaqueDigestItemId,
	traits::{BlakeTwo256, Header as _},
};
use std::{
	collections::{HashMap, HashSet},
	path::{Path, PathBuf},
	time::{Duration, Instant},
};
use subxt::{ext::scale_decode::DecodeAsType, rpcs::rpc_params, storage::Address};

/// The chain's header type: block numbers are `u32`, hashes BLAKE2-256.
pub type Header = sp_runtime::generic::Header<u32, BlakeTwo256>;

/// Finalized state older than this (by its block's timestamp against this
/// machine's clock) is refused: a node serving it is behind, or withholding
/// newer blocks (a key rotation or a revocation, say). Finality follows
/// each 6 s block within about a second; the rest is clock skew and load.
pub const MAX_STALENESS: Duration = Duration::from_secs(60);

/// How long a read waits for finality to reach the node's best block.
pub const FINALITY_WAIT: Duration = Duration::from_secs(60);

/// An authority set the client trusts, and the block from which it signs:
/// where the next finality proof starts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
	/// The chain it belongs to.
	pub genesis_hash: H256,
	/// The block whose finality was proven (or the genesis block).
	pub hash: H256,
	pub number: u32,
	/// The GRANDPA set that finalizes the blocks after it.
	pub set_id: u64,
	/// Its members (ed25519 public keys) and their voting weights.
	pub authorities: Vec<(H256, u64)>,
}

impl Checkpoint {
	fn authority_list(&self) -> Result<AuthorityList, Unverified> {
		self.authorities
			.iter()
			.map(|(id, weight)| {
				AuthorityId::from_slice(id.as_bytes())
					.map(|id| (id, *weight))
					.map_err(|_| Unverified::new("an authority key is not 32 bytes"))
			})
			.collect()
	}
}

/// A header whose finality the client verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finalized {
	pub hash: H256,
	pub number: u32,
	pub state_root: H256,
}

/// An answer of the node that failed verification: it is lying, broken or
/// compromised (or a man in the middle rewrote it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unverified(String);

impl Unverified {
	fn new(reason: impl Into<String>) -> Self {
		Unverified(reason.into())
	}

	/// The node listed a key that its own proof shows absent.
	pub fn listed_but_absent() -> Self {
		Unverified::new("the node listed a storage key its read proof shows absent")
	}
}

impl From<Unverified> for ChainError {
	fn from(e: Unverified) -> Self {
		ChainError::Unverified(e.0)
	}
}

// The node's `WarpSyncProof` and GRANDPA justification, field for field.
#[derive(Decode)]
struct Justification {
	round: u64,
	commit: sp_consensus_grandpa::Commit<Header>,
	votes_ancestries: Vec<Header>,
}

#[derive(Decode)]
struct Fragment {
	header: Header,
	justification: Justification,
}

#[derive(Decode)]
struct FinalityProof {
	proofs: Vec<Fragment>,
	is_finished: bool,
}

/// The headers a justification carries to link its votes to its target.
struct Ancestry(HashMap<H256, Header>);

impl finality_grandpa::Chain<H256, u32> for Ancestry {
	fn ancestry(&self, base: H256, block: H256) -> Result<Vec<H256>, finality_grandpa::Error> {
		let mut route = Vec::new();
		let mut at = block;
		while at != base {
			let header = self.0.get(&at).ok_or(finality_grandpa::Error::NotDescendent)?;
			at = *header.parent_hash();
			route.push(at);
		}
		// The route ends with `base`, which is not part of it.
		route.pop();
		Ok(route)
	}
}

/// Checks that `justification` proves `header` final under the authority
/// set `set_id`: each precommit signed by a member for this round and set,
/// members holding more than two thirds of the weight precommitted to the
/// header or its descendants, and every ancestry header used to show it.
fn verify_justification(
	justification: &Justification,
	header: &Header,
	set_id: u64,
	authorities: &AuthorityList,
) -> Result<(), Unverified> {
	let commit = &justification.commit;
	if commit.target_hash != header.hash() || commit.target_number != header.number {
		return Err(Unverified::new("a justification is for another block than its header"));
	}
	let voters = VoterSet::new(authorities.iter().cloned())
		.ok_or_else(|| Unverified::new("the authority set is empty"))?;
	let mut buf = Vec::new();
	for signed in &commit.precommits {
		let message = finality_grandpa::Message::Precommit(signed.precommit.clone());
		let checked = sp_consensus_grandpa::check_message_signature_with_buffer(
			&message,
			&signed.id,
			&signed.signature,
			justification.round,
			set_id,
			&mut buf,
		);
		if !checked.is_valid() {
			return Err(Unverified::new(format!(
				"a precommit of block {} is not signed by its authority for set {set_id}",
				header.number
			)));
		}
	}
	let ancestry =
		Ancestry(justification.votes_ancestries.iter().map(|h| (h.hash(), h.clone())).collect());
	let result = finality_grandpa::validate_commit(commit, &voters, &ancestry)
		.map_err(|e| Unverified::new(format!("an invalid commit: {e:?}")))?;
	if !result.is_valid() {
		return Err(Unverified::new(format!(
			"block {} is not finalized by more than two thirds of authority set {set_id}",
			header.number
		)));
	}
	let base = commit
		.precommits
		.iter()
		.min_by_key(|signed| signed.precommit.target_number)
		.map(|signed| signed.precommit.target_hash)
		.ok_or_else(|| Unverified::new("a commit without precommits"))?;
	let mut used = HashSet::new();
	for signed in &commit.precommits {
		let target = signed.precommit.target_hash;
		if target != base {
			let route = ancestry
				.ancestry(base, target)
				.map_err(|_| Unverified::new("a precommit outside the justification's ancestry"))?;
			used.insert(target);
			used.extend(route);
		}
	}
	if used.len() != ancestry.0.len() || !ancestry.0.keys().all(|h| used.contains(h)) {
		return Err(Unverified::new("a justification carries headers no vote needs"));
	}
	Ok(())
}

/// The authority set `header` hands over to, if it is the last block of
/// its set (a standard change; a forced change breaks the chain of trust
/// and needs a new checkpoint).
fn scheduled_change(header: &Header) -> Option<ScheduledChange<u32>> {
	let id = OpaqueDigestItemId::Consensus(&GRANDPA_ENGINE_ID);
	header.digest.convert_first(|item| match item.try_to::<ConsensusLog<u32>>(id) {
		Some(ConsensusLog::ScheduledChange(change)) => Some(change),
		_ => None,
	})
}

/// Follows `proof` from `trusted`: each set-change header must be final
/// under the set it ends, and hands over to the next. Returns the newest
/// finalized header and the checkpoint after the last change.
fn follow(
	trusted: &Checkpoint,
	proof: &FinalityProof,
) -> Result<(Option<Finalized>, Checkpoint), Unverified> {
	let mut checkpoint = trusted.clone();
	let mut authorities = checkpoint.authority_list()?;
	let mut newest = None;
	for (index, fragment) in proof.proofs.iter().enumerate() {
		let header = &fragment.header;
		if header.number <= checkpoint.number {
			// A node whose newest justification is still the set change the
			// checkpoint is (nothing finalized through a justification since)
			// ends its proof with the checkpoint itself: nothing new, and
			// nothing to trust (warp proofs bound their last header below by
			// the start block, inclusive).
			let is_checkpoint =
				header.number == checkpoint.number && header.hash() == checkpoint.hash;
			if is_checkpoint && index + 1 == proof.proofs.len() && proof.is_finished {
				continue;
			}
			return Err(Unverified::new("a finality proof goes backwards"));
		}
		verify_justification(&fragment.justification, header, checkpoint.set_id, &authorities)?;
		let hash = header.hash();
		newest = Some(Finalized { hash, number: header.number, state_root: header.state_root });
		match scheduled_change(header) {
			// The runtime schedules changes with no delay (its sessions), so
			// the next set signs from the next block on; a delayed change
			// would be enacted later and is not followed.
			Some(change) if change.delay != 0 => {
				return Err(Unverified::new("a delayed authority-set change (not followed)"))
			}
			Some(change) => {
				authorities = change.next_authorities;
				checkpoint = Checkpoint {
					genesis_hash: checkpoint.genesis_hash,
					hash,
					number: header.number,
					set_id: checkpoint.set_id + 1,
					authorities: authorities
						.iter()
						.map(|(id, weight)| (H256::from_slice(id.as_slice()), *weight))
						.collect(),
				};
			}
			// Only the newest header of a finished proof may be inside a set.
			None if index + 1 == proof.proofs.len() && proof.is_finished => {}
			None => return Err(Unverified::new("a finality proof skips an authority-set change")),
		}
	}
	Ok((newest, checkpoint))
}

/// This machine's clock, in milliseconds since the epoch.
fn now_millis() -> u64 {
	let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
	since.map(|d| d.as_millis() as u64).unwrap_or_default()
}

/// Refuses `head` if its timestamp (`millis` since the epoch) is more than
/// [`MAX_STALENESS`] ago.
fn check_age(head: &Finalized, millis: u64) -> Result<(), ChainError> {
	let block_time = std::time::UNIX_EPOCH + Duration::from_millis(millis);
	let age = std::time::SystemTime::now().duration_since(block_time).unwrap_or_default();
	if age > MAX_STALENESS {
		return Err(ChainError::StaleState { block: head.number, age_secs: age.as_secs() });
	}
	Ok(())
}

/// What a client trusts: the newest checkpoint it verified, and the newest
/// finalized header it proved with that header's timestamp.
#[derive(Default)]
pub struct Trusted {
	checkpoint: Option<Checkpoint>,
	head: Option<(Finalized, u64)>,
	/// Where newer checkpoints are kept.
	keep: Option<PathBuf>,
}

/// Reads a checkpoint file (`ehr chain checkpoint` output).
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint, String> {
	let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
	serde_json::from_str(&text).map_err(|e| format!("{} is not a checkpoint: {e}", path.display()))
}

/// Writes `checkpoint` to `path` through a temporary file in the same
/// directory, so that a reader finds the old file or the new one.
fn write_atomically(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
	let dir = path.parent().unwrap_or(Path::new("."));
	std::fs::create_dir_all(dir)?;
	let mut file = tempfile::NamedTempFile::new_in(dir)?;
	serde_json::to_writer_pretty(&mut file, checkpoint)?;
	file.as_file().sync_all()?;
	file.persist(path).map_err(|e| e.error)?;
	Ok(())
}

/// The key of `Grandpa::Authorities`, the set in force at a block.
fn authorities_key() -> Vec<u8> {
	subxt::ext::frame_decode::storage::encode_storage_key_prefix("Grandpa", "Authorities").to_vec()
}

/// The key of `Timestamp::Now`, the time of a block.
fn timestamp_key() -> Vec<u8> {
	subxt::ext::frame_decode::storage::encode_storage_key_prefix("Timestamp", "Now").to_vec()
}

impl Client {
	async fn header(&self, hash: H256) -> Result<Header, ChainError> {
		let header: Option<Header> = self
			.rpc_client()
			.request("chain_getHeader", rpc_params![hash])
			.await
			.map_err(subxt::Error::from)?;
		let header =
			header.ok_or_else(|| Unverified::new(format!("the node has no block {hash:?}")))?;
		if header.hash() != hash {
			return Err(
				Unverified::new("the node's header does not hash to the block asked for").into()
			);
		}
		Ok(header)
	}

	/// The genesis block's authority set, proven against the genesis
	/// header (whose hash the connection checked when it was pinned). Needs
	/// a node that still has the genesis state: an archive node, or a chain
	/// younger than the node's pruning window.
	async fn genesis_checkpoint(&self) -> Result<Checkpoint, ChainError> {
		let genesis = H256(self.genesis_hash().0);
		let header = self.header(genesis).await?;
		let root = Finalized { hash: genesis, number: 0, state_root: header.state_root };
		let [authorities] = self.proven_raw(&root, [authorities_key()]).await?;
		let authorities =
			authorities.ok_or_else(|| Unverified::new("no authorities at genesis"))?;
		let authorities = Vec::<(H256, u64)>::decode_all(&mut &authorities[..])
			.map_err(|_| Unverified::new("undecodable genesis authorities"))?;
		Ok(Checkpoint { genesis_hash: genesis, hash: genesis, number: 0, set_id: 0, authorities })
	}

	/// The checkpoint the next finality proof starts from.
	pub async fn checkpoint(&self) -> Result<Checkpoint, ChainError> {
		let known = self.trusted().lock().expect("not poisoned").checkpoint.clone();
		if let Some(checkpoint) = known {
			return Ok(checkpoint);
		}
		// Proven once per client, not at every read.
		let genesis = self.genesis_checkpoint().await?;
		let mut trusted = self.trusted().lock().expect("not poisoned");
		Ok(trusted.checkpoint.get_or_insert(genesis).clone())
	}

	/// Trusts `checkpoint` from now on: a file the consortium handed out
	/// (`ehr chain checkpoint`), or one this client verified and kept.
	pub fn trust(&self, checkpoint: Checkpoint) -> Result<(), ChainError> {
		let genesis = H256(self.genesis_hash().0);
		if checkpoint.genesis_hash != genesis {
			return Err(ChainError::WrongChain {
				url: "the finality checkpoint".into(),
				expected: format!("{:?}", checkpoint.genesis_hash),
				actual: format!("{genesis:?}"),
			});
		}
		self.trusted().lock().expect("not poisoned").checkpoint = Some(checkpoint);
		Ok(())
	}

	/// Keeps each newer checkpoint this client verifies in `path` (written
	/// whole or not at all), for the next run to start from.
	pub fn keep_checkpoints(&self, path: PathBuf) {
		self.trusted().lock().expect("not poisoned").keep = Some(path);
	}

	/// Moves the trusted checkpoint to `checkpoint`, which the client just
	/// verified, and keeps it where [`Client::trust`] said.
	fn advance(&self, checkpoint: &Checkpoint) {
		let keep = {
			let mut trusted = self.trusted().lock().expect("not poisoned");
			trusted.checkpoint = Some(checkpoint.clone());
			trusted.keep.clone()
		};
		// Only a cache: the next run starts from an older checkpoint if
		// this write fails.
		if let Some(path) = keep {
			let _ = write_atomically(&path, checkpoint);
		}
	}

	/// The newest header the node can prove final, following authority-set
	/// changes from the trusted checkpoint (which moves forward with them).
	/// Never from an older one: a node that does not know the checkpoint's
	/// block gets no second try from genesis, where keys of retired
	/// validators could sign a fork.
	pub async fn finalized(&self) -> Result<Finalized, ChainError> {
		let checkpoint = self.checkpoint().await?;
		self.finalized_from(checkpoint).await
	}

	async fn finalized_from(&self, mut checkpoint: Checkpoint) -> Result<Finalized, ChainError> {
		loop {
			let proof: sp_core::Bytes = self
				.rpc_client()
				.request("ehr_finalityProof", rpc_params![checkpoint.hash])
				.await
				.map_err(|e| ChainError::NoFinalityProof(e.to_string()))?;
			let proof = FinalityProof::decode_all(&mut &proof.0[..])
				.map_err(|_| Unverified::new("an undecodable finality proof"))?;
			let (newest, next) = follow(&checkpoint, &proof)?;
			if !proof.is_finished && next == checkpoint {
				return Err(
					Unverified::new("a finality proof that neither ends nor advances").into()
				);
			}
			if next != checkpoint {
				checkpoint = next;
				self.advance(&checkpoint);
			}
			if proof.is_finished {
				return match newest {
					Some(newest) => Ok(newest),
					// Nothing finalized after the checkpoint (a chain that just
					// started): the checkpoint itself is the newest.
					None => {
						let header = self.header(checkpoint.hash).await?;
						Ok(Finalized {
							hash: checkpoint.hash,
							number: header.number,
							state_root: header.state_root,
						})
					}
				};
			}
		}
	}

	/// [`Client::finalized`] once finality has reached the block the node
	/// calls best now (so that calls this client just saw included are
	/// read back), and its state is recent by this machine's clock. The
	/// last such header is kept, and reused while the best block has not
	/// moved past it (a command reading many records proves finality once).
	pub async fn finalized_now(&self) -> Result<Finalized, ChainError> {
		let best: Header = self
			.rpc_client()
			.request("chain_getHeader", rpc_params![])
			.await
			.map_err(subxt::Error::from)?;
		let known = self.trusted().lock().expect("not poisoned").head;
		if let Some((head, millis)) = known.filter(|(head, _)| head.number >= best.number) {
			check_age(&head, millis)?;
			return Ok(head);
		}
		let started = Instant::now();
		loop {
			let head = self.finalized().await?;
			if known.is_some_and(|(seen, _)| head.number < seen.number) {
				return Err(Unverified::new("the node's finalized head went backwards").into());
			}
			if head.number >= best.number {
				let [now] = self.proven_raw(&head, [timestamp_key()]).await?;
				let millis = match now {
					Some(now) => u64::decode_all(&mut &now[..])
						.map_err(|_| Unverified::new("an undecodable block timestamp"))?,
					// Only the genesis state has no time; it holds no users
					// or records, so its age cannot mislead.
					None if head.number == 0 => now_millis(),
					None => return Err(Unverified::new("a finalized block without a time").into()),
				};
				check_age(&head, millis)?;
				self.trusted().lock().expect("not poisoned").head = Some((head, millis));
				return Ok(head);
			}
			if started.elapsed() > FINALITY_WAIT {
				return Err(ChainError::FinalityStalled {
					finalized: head.number,
					best: best.number,
				});
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// The values at `keys` in the state of `at`, each proven against its
	/// state root (`None`: proven absent).
	pub async fn proven_raw<const N: usize>(
		&self,
		at: &Finalized,
		keys: [Vec<u8>; N],
	) -> Result<[Option<Vec<u8>>; N], ChainError> {
		let values = self.proven_many(at, &keys).await?;
		Ok(values.try_into().expect("one value per key"))
	}

	/// [`Client::proven_raw`] for any number of keys, in one round trip.
	pub async fn proven_many(
		&self,
		at: &Finalized,
		keys: &[Vec<u8>],
	) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
		if keys.is_empty() {
			return Ok(Vec::new());
		}
		let proof = self
			.rpc_methods()
			.state_get_read_proof(keys.iter().map(Vec::as_slice), Some(at.hash))
			.await
			.map_err(subxt::Error::from)?;
		let db = sp_trie::StorageProof::new(proof.proof.into_iter().map(|b| b.0))
			.into_memory_db::<BlakeTwo256>();
		keys.iter()
			.map(|key| {
				sp_trie::read_trie_value::<sp_trie::LayoutV1<BlakeTwo256>, _>(
					&db,
					&at.state_root,
					key,
					None,
					None,
				)
				.map_err(|_| {
					Unverified::new(format!(
						"the node's read proof for block {} does not prove its answer",
						at.number
					))
					.into()
				})
			})
			.collect()
	}

	/// Every key under `prefix` at `at` that is `prefix.len() + tail` bytes
	/// long, as the node lists them (the list is not proven complete; prove
	/// each value with [`Client::proven_many`]), at most [`MAX_LISTED`].
	pub async fn keys_under(
		&self,
		at: &Finalized,
		prefix: &[u8],
		tail: usize,
	) -> Result<Vec<Vec<u8>>, ChainError> {
		const PAGE: u32 = 1000;
		let mut keys: Vec<Vec<u8>> = Vec::new();
		loop {
			let page =
				self.keys_after(at, prefix, tail, keys.last().map(Vec::as_slice), PAGE).await?;
			let full = page.len() == PAGE as usize;
			if keys.len() + page.len() > MAX_LISTED {
				return Err(
					Unverified::new("the node listed more keys than the chain holds").into()
				);
			}
			keys.extend(page);
			if !full {
				return Ok(keys);
			}
		}
	}

	/// Up to `count` keys under `prefix` at `at` that come after `after` (from
	/// the first, without it) and are `prefix.len() + tail` bytes long, as
	/// the node lists them (not proven complete).
	pub async fn keys_after(
		&self,
		at: &Finalized,
		prefix: &[u8],
		tail: usize,
		after: Option<&[u8]>,
		count: u32,
	) -> Result<Vec<Vec<u8>>, ChainError> {
		let page = self
			.rpc_methods()
			.state_get_keys_paged(prefix, count, after, Some(at.hash))
			.await
			.map_err(subxt::Error::from)?;
		let mut last = after;
		let in_order = page.len() <= count as usize
			&& page.iter().all(|key| {
				let next = key.starts_with(prefix)
					&& key.len() == prefix.len() + tail
					&& last.is_none_or(|last| key.as_slice() > last);
				last = Some(key);
				next
			});
		if !in_order {
			return Err(Unverified::new("the node listed keys out of order or range").into());
		}
		Ok(page)
	}
}

/// The most keys one listing takes: more than any list the pallet bounds
/// (grants of a record, records of an owner, grants held) can hold.
pub const MAX_LISTED: usize = 100_000;

/// The bytes a `Blake2_128Concat` account adds to a map key.
pub const ACCOUNT_TAIL: usize = 16 + 32;
/// The bytes a `Twox64Concat` `u64` adds to a map key.
pub const ID_TAIL: usize = 8 + 8;

/// Storage of one finalized block, every value proven.
pub struct Proven {
	client: Client,
	at: subxt::client::ClientAtBlock<
		crate::chain::Config,
		subxt::client::OnlineClientAtBlockImpl<crate::chain::Config>,
	>,
	pub head: Finalized,
}

impl Proven {
	/// The newest finalized state, once it includes the node's best block.
	pub async fn now(client: &Client) -> Result<Proven, ChainError> {
		let head = client.finalized_now().await?;
		let at = client
			.at_block(subxt::backend::BlockRef::from_hash(subxt::utils::H256(head.hash.0)))
			.await
			.map_err(subxt::Error::from)?;
		Ok(Proven { client: client.clone(), at, head })
	}

	/// The key of `address` at `parts` (the whole key of one value, or the
	/// prefix of a map's entries).
	pub fn key<Addr: Address>(
		&self,
		address: Addr,
		parts: Addr::KeyParts,
	) -> Result<Vec<u8>, ChainError> {
		let entry = self.at.storage().entry(address).map_err(subxt::Error::from)?;
		Ok(entry.fetch_key(parts).map_err(subxt::Error::from)?)
	}

	/// The prefix of the entries of map `address` under `parts`.
	pub fn prefix<Addr: Address, P>(&self, address: Addr, parts: P) -> Result<Vec<u8>, ChainError>
	where
		P: subxt::storage::PrefixOf<Addr::KeyParts>,
	{
		let entry = self.at.storage().entry(address).map_err(subxt::Error::from)?;
		Ok(entry.iter_key(parts).map_err(subxt::Error::from)?)
	}

	/// Decodes a proven value of `address`.
	pub fn decode<Addr: Address>(
		&self,
		address: &Addr,
		bytes: &[u8],
	) -> Result<Addr::Value, ChainError> {
		let metadata = self.at.metadata_ref();
		let ty = metadata
			.pallet_by_name(address.pallet_name())
			.and_then(|p| p.storage())
			.and_then(|s| s.entry_by_name(address.entry_name()))
			.map(|e| e.value_ty())
			.ok_or(ChainError::MetadataMismatch)?;
		let cursor = &mut &bytes[..];
		let value = Addr::Value::decode_as_type(cursor, ty, metadata.types())
			.map_err(|_| Unverified::new("a proven value does not decode"))?;
		if !cursor.is_empty() {
			return Err(Unverified::new("a proven value has bytes left over").into());
		}
		Ok(value)
	}

	/// The value of `address` at `parts`, proven (`None`: proven absent).
	pub async fn fetch<Addr: Address + Clone>(
		&self,
		address: Addr,
		parts: Addr::KeyParts,
	) -> Result<Option<Addr::Value>, ChainError> {
		let key = self.key(address.clone(), parts)?;
		let [value] = self.client.proven_raw(&self.head, [key]).await?;
		value.map(|v| self.decode(&address, &v)).transpose()
	}

	/// The values at `keys`, proven, in one round trip.
	pub async fn fetch_keys(&self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, ChainError> {
		self.client.proven_many(&self.head, keys).await
	}

	/// The keys under `prefix`, as the node lists them.
	pub async fn keys_under(&self, prefix: &[u8], tail: usize) -> Result<Vec<Vec<u8>>, ChainError> {
		self.client.keys_under(&self.head, prefix, tail).await
	}

	/// Up to `count` keys under `prefix` after `after`, as the node lists them.
	pub async fn keys_after(
		&self,
		prefix: &[u8],
		tail: usize,
		after: Option<&[u8]>,
		count: u32,
	) -> Result<Vec<Vec<u8>>, ChainError> {
		self.client.keys_after(&self.head, prefix, tail, after, count).await
	}
}

/// The account at the end of a map key whose last hasher is
/// `Blake2_128Concat` over an account.
pub fn account_suffix(key: &[u8]) -> Result<AccountId, ChainError> {
	let tail = key.len().checked_sub(32).map(|at| &key[at..]);
	tail.and_then(|t| <[u8; 32]>::try_from(t).ok())
		.map(AccountId)
		.ok_or_else(|| Unverified::new("a storage key too short for an account").into())
}

/// The `u64` at the end of a map key whose last hasher is `Twox64Concat`.
pub fn u64_suffix(key: &[u8]) -> Result<u64, ChainError> {
	let tail = key.len().checked_sub(8).map(|at| &key[at..]);
	tail.and_then(|t| <[u8; 8]>::try_from(t).ok())
		.map(u64::from_le_bytes)
		.ok_or_else(|| Unverified::new("a storage key too short for an id").into())
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use sp_consensus_grandpa::AuthoritySignature;
	use sp_core::{ed25519, Pair};
	use sp_runtime::{Digest, DigestItem};

	fn header(number: u32, parent: H256, digest: Digest) -> Header {
		Header::new(number, H256::zero(), H256::repeat_byte(number as u8), parent, digest)
	}

	fn voters(seed: u8, n: u8) -> Vec<ed25519::Pair> {
		(0..n).map(|i| ed25519::Pair::from_seed(&[seed + i; 32])).collect()
	}

	fn set(pairs: &[ed25519::Pair]) -> AuthorityList {
		pairs.iter().map(|p| (AuthorityId::from(p.public()), 1)).collect()
	}

	fn checkpoint(at: &Header, set_id: u64, pairs: &[ed25519::Pair]) -> Checkpoint {
		let authorities = pairs.iter().map(|p| (H256(p.public().0), 1)).collect();
		Checkpoint {
			genesis_hash: H256::zero(),
			hash: at.hash(),
			number: at.number,
			set_id,
			authorities,
		}
	}

	/// A justification of `target` by `signers`, each precommitting to
	/// `target` in round 7 of set `set_id`.
	fn justify(target: &Header, signers: &[ed25519::Pair], set_id: u64) -> Justification {
		let precommit = finality_grandpa::Precommit::<H256, u32> {
			target_hash: target.hash(),
			target_number: target.number,
		};
		let payload = sp_consensus_grandpa::localized_payload(
			7,
			set_id,
			&finality_grandpa::Message::Precommit(precommit.clone()),
		);
		let precommits = signers
			.iter()
			.map(|pair| finality_grandpa::SignedPrecommit {
				precommit: precommit.clone(),
				signature: AuthoritySignature::from(pair.sign(&payload)),
				id: AuthorityId::from(pair.public()),
			})
			.collect();
		Justification {
			round: 7,
			commit: finality_grandpa::Commit {
				target_hash: target.hash(),
				target_number: target.number,
				precommits,
			},
			votes_ancestries: Vec::new(),
		}
	}

	#[test]
	fn a_justification_needs_two_thirds_of_the_set_signing_this_block_in_this_set() {
		let set0 = voters(1, 4);
		let h1 = header(1, H256::zero(), Digest::default());
		assert_eq!(verify_justification(&justify(&h1, &set0[..3], 0), &h1, 0, &set(&set0)), Ok(()));
		// Two of four is not enough, nor are three for another set id.
		assert!(verify_justification(&justify(&h1, &set0[..2], 0), &h1, 0, &set(&set0)).is_err());
		assert!(verify_justification(&justify(&h1, &set0[..3], 1), &h1, 0, &set(&set0)).is_err());
		// Strangers' votes do not count.
		let strangers = voters(100, 2);
		let mixed = [set0[0], set0[1], strangers[0], strangers[1]];
		assert!(verify_justification(&justify(&h1, &mixed, 0), &h1, 0, &set(&set0)).is_err());
		// The same votes do not prove a header with another state root.
		let mut forged = h1.clone();
		forged.state_root = H256::repeat_byte(0xee);
		assert!(
			verify_justification(&justify(&h1, &set0[..3], 0), &forged, 0, &set(&set0)).is_err()
		);
		// A vote whose signature was made for another block is refused.
		let mut tampered = justify(&h1, &set0[..3], 0);
		tampered.commit.precommits[0].signature =
			justify(&forged, &set0[..1], 0).commit.precommits[0].signature.clone();
		assert!(verify_justification(&tampered, &h1, 0, &set(&set0)).is_err());
		// Headers no vote needs are refused.
		let mut padded = justify(&h1, &set0[..3], 0);
		padded.votes_ancestries.push(header(9, H256::zero(), Digest::default()));
		assert!(verify_justification(&padded, &h1, 0, &set(&set0)).is_err());
	}

	#[test]
	fn votes_for_descendants_count_through_their_ancestry() {
		let set0 = voters(1, 4);
		let h1 = header(1, H256::zero(), Digest::default());
		let h2 = header(2, h1.hash(), Digest::default());
		let mut j = justify(&h1, &set0[..2], 0);
		let on_h2 = justify(&h2, &set0[2..3], 0);
		j.commit.precommits.extend(on_h2.commit.precommits);
		assert!(verify_justification(&j, &h1, 0, &set(&set0)).is_err(), "h2 unknown");
		j.votes_ancestries.push(h2.clone());
		assert_eq!(verify_justification(&j, &h1, 0, &set(&set0)), Ok(()));
	}

	#[test]
	fn authority_set_changes_are_followed_and_skipping_one_is_refused() {
		let set0 = voters(1, 4);
		let set1 = voters(50, 3);
		let genesis = header(0, H256::zero(), Digest::default());
		let change = ConsensusLog::<u32>::ScheduledChange(ScheduledChange {
			next_authorities: set(&set1),
			delay: 0,
		});
		let digest =
			Digest { logs: vec![DigestItem::Consensus(GRANDPA_ENGINE_ID, change.encode())] };
		let h3 = header(3, H256::repeat_byte(3), digest);
		let h9 = header(9, H256::repeat_byte(9), Digest::default());
		let trusted = checkpoint(&genesis, 0, &set0);
		let fragment = |h: &Header, signers: &[ed25519::Pair], set_id| Fragment {
			header: h.clone(),
			justification: justify(h, signers, set_id),
		};
		let proof = FinalityProof {
			proofs: vec![fragment(&h3, &set0[..3], 0), fragment(&h9, &set1[..3], 1)],
			is_finished: true,
		};
		let (newest, next) = follow(&trusted, &proof).unwrap();
		assert_eq!(
			newest.map(|f| (f.hash, f.number, f.state_root)),
			Some((h9.hash(), 9, h9.state_root))
		);
		assert_eq!(next, checkpoint(&h3, 1, &set1));
		// The old set can no longer finalize after its hand-over.
		let stale = FinalityProof {
			proofs: vec![fragment(&h3, &set0[..3], 0), fragment(&h9, &set0[..4], 0)],
			is_finished: true,
		};
		assert!(follow(&trusted, &stale).is_err());
		// A proof that hides the change (the new set's block right away) fails.
		let skipping =
			FinalityProof { proofs: vec![fragment(&h9, &set1[..3], 1)], is_finished: true };
		assert!(follow(&trusted, &skipping).is_err());
		// Only the newest header of a finished proof may lack a change.
		let unfinished =
			FinalityProof { proofs: vec![fragment(&h9, &set0[..3], 0)], is_finished: false };
		assert!(follow(&trusted, &unfinished).is_err());
		// A change the runtime would enact later is not followed.
		let delayed = ConsensusLog::<u32>::ScheduledChange(ScheduledChange {
			next_authorities: set(&set1),
			delay: 1,
		});
		let digest =
			Digest { logs: vec![DigestItem::Consensus(GRANDPA_ENGINE_ID, delayed.encode())] };
		let h4 = header(4, H256::repeat_byte(3), digest);
		let later = FinalityProof { proofs: vec![fragment(&h4, &set0[..3], 0)], is_finished: true };
		assert!(follow(&trusted, &later).is_err());
		// A node whose newest justification is still the checkpoint's block
		// (upstream warp proofs include the start block) proves nothing new.
		let from_h3 = checkpoint(&h3, 1, &set1);
		let same = FinalityProof { proofs: vec![fragment(&h3, &set1[..3], 1)], is_finished: true };
		assert_eq!(follow(&from_h3, &same).unwrap(), (None, from_h3.clone()));
		// Anything else at or below the checkpoint is refused: the checkpoint
		// before other fragments, or another block.
		let twice = FinalityProof {
			proofs: vec![fragment(&h3, &set1[..3], 1), fragment(&h9, &set1[..3], 1)],
			is_finished: true,
		};
		assert!(follow(&from_h3, &twice).is_err());
		let other3 = header(3, H256::repeat_byte(7), Digest::default());
		let back =
			FinalityProof { proofs: vec![fragment(&other3, &set1[..3], 1)], is_finished: true };
		assert!(follow(&from_h3, &back).is_err());
	}

	#[test]
	fn ancestry_routes_exclude_the_base_and_refuse_strangers() {
		let h0 = header(0, H256::zero(), Digest::default());
		let h1 = header(1, h0.hash(), Digest::default());
		let h2 = header(2, h1.hash(), Digest::default());
		let chain = Ancestry([h1.clone(), h2.clone()].into_iter().map(|h| (h.hash(), h)).collect());
		assert_eq!(chain.ancestry(h0.hash(), h2.hash()).unwrap(), vec![h1.hash()]);
		assert_eq!(chain.ancestry(h0.hash(), h0.hash()).unwrap(), Vec::<H256>::new());
		assert!(chain.ancestry(h2.hash(), h0.hash()).is_err());
	}

	#[test]
	fn storage_keys_end_in_the_account_or_id() {
		let account = AccountId([7; 32]);
		let key = [vec![1; 32], vec![2; 16], account.0.to_vec()].concat();
		assert_eq!(account_suffix(&key).unwrap(), account);
		assert_eq!(u64_suffix(&[vec![1; 40], 5u64.to_le_bytes().to_vec()].concat()).unwrap(), 5);
		assert!(account_suffix(&[0; 31]).is_err());
		assert!(u64_suffix(&[0; 7]).is_err());
	}
}
