//! A hospital's storage agent. It follows the chain's finalized blocks and
//! keeps its hospital's kubo holding every record's current ciphertext:
//!
//! - a record added, updated or re-encrypted is pinned (fetched from the
//!   consortium's other kubos), checked against the digest on chain, and
//!   attested (`Replication.attest`); the CID it replaced is unpinned;
//! - a removed record is unpinned, its attestation released, and the
//!   daemon's garbage collection run, so no copy stays;
//! - what failed (the bytes not found yet, the daemon down) is tried again
//!   on later passes.
//!
//! Its cursor (the last block handled, the records it pinned) is a JSON
//! file written whole after each pass: a restart goes on from there, and
//! whatever a pass did before it was killed is done again, harmlessly (the
//! first pass of a process also unpins what a killed one pinned for a
//! version that is gone since). A
//! full pass over every record (a *reconcile*) replaces the block-by-block
//! one when the cursor is new, when the kubo's repo was made anew (another
//! peer id: a hospital that lost its storage), when the blocks since the
//! cursor are too many or pruned, and every [`RECONCILE_BLOCKS`] blocks.
//!
//! Decisions are taken on proven, GRANDPA-finalized state: a lying node can
//! withhold records (which the next reconcile on an honest node repairs) but
//! cannot make the agent unpin a current record. A record's bytes are read
//! and checked against its digest (at most `--max-record-bytes` of them)
//! before anything is pinned: a forged CID, even one another record uses,
//! is refused without touching any pin.

use ehr::{
	audit,
	chain::{self, runtime, ChainError, Client, Keypair, Wait},
	governance::OrgId,
	records::{RecordError, RecordId},
	replication,
	storage::{check_cid, Ipfs, StorageError},
	verified::Proven,
};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::{
	collections::{BTreeMap, BTreeSet},
	io::Write,
	path::{Path, PathBuf},
	time::Duration,
};

/// Blocks after which a pass is a full reconcile rather than block by
/// block: an hour of 6 s blocks.
pub const RECONCILE_BLOCKS: u64 = 600;
/// Most records handled block by block in one pass; more (a burst, or a
/// long absence) make the pass a reconcile, which pages through records.
pub const QUEUE: usize = 4096;
/// Blocks between two saves of a cursor in which only the block changed.
const SAVE_BLOCKS: u64 = 100;
/// Blocks between two garbage collections (a minute).
const GC_BLOCKS: u64 = 10;
/// Most records whose bytes are read at once.
const FETCHES: usize = 16;
/// Most records one attestation names (the pallet's `MAX_ATTESTATIONS`).
const ATTESTATIONS_PER_CALL: usize = 128;
/// Blocks before a record whose handling failed is tried again, doubled
/// at each failure up to [`RETRY_MAX`] (a day): a record whose bytes are
/// nowhere (a hostile CID) costs a pin timeout now and then, not every
/// pass.
const RETRY_FIRST: u64 = 10;
const RETRY_MAX: u64 = 14_400;

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
	#[error(transparent)]
	Chain(#[from] ChainError),
	#[error(transparent)]
	Record(#[from] RecordError),
	#[error(transparent)]
	Storage(#[from] StorageError),
	#[error("{0} is no hospital's storage agent on this chain: the council sets agents (`Replication.set_storage_agent`), and a consortium's genesis names the first ones")]
	NotAgent(String),
	#[error("the state file {path} is for the chain with genesis {file}, not this node's {node}: point --node at that chain, or --state at another file")]
	OtherChain { path: String, file: String, node: String },
	#[error("cannot use the state file {0}: {1}")]
	State(String, String),
	#[error("another storage agent runs with the state file {0}: one process per hospital")]
	Busy(String),
	#[error("this kubo holds pins of hospital {0}'s storage agent (named ehr-hospital-{0}-record-*): each hospital's agent needs a kubo of its own (a shared one would count one copy as two replicas); if that hospital's agent no longer uses this kubo, unpin them")]
	SharedKubo(OrgId),
}

/// A record version as the chain names it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Version {
	pub cid: String,
	/// SHA-256 of the ciphertext, hex.
	pub digest: String,
}

/// When a record whose handling failed is tried again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Retry {
	/// The first block at which it is.
	pub at: u64,
	/// The wait that led there.
	pub wait: u64,
	/// The version that failed, or whose attestation did (`None`: nothing
	/// known of the record): another version is tried at once, and its own
	/// failures start again from the first wait.
	pub version: Option<Version>,
}

/// What the agent keeps between runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cursor {
	/// The chain's genesis hash (0x-hex).
	pub genesis: String,
	/// The last finalized block whose records were handled (0: none yet).
	pub block: u64,
	/// The block of the last full reconcile.
	pub reconciled: u64,
	/// The kubo's peer id the pins were made on.
	pub peer: String,
	/// The version of each record this hospital pinned.
	pub pinned: BTreeMap<RecordId, Version>,
	/// Records whose last handling failed, and when to try again.
	pub retry: BTreeMap<RecordId, Retry>,
	/// Records whose current version this agent will not hold (its bytes
	/// do not match the digest, or are too many): left until it changes.
	pub refused: BTreeMap<RecordId, Version>,
	/// Something was unpinned and the garbage collection has not run since.
	pub gc_pending: bool,
}

impl Cursor {
	/// The cursor in `path`, or a new one if there is no file.
	pub fn load(path: &Path) -> Result<Cursor, AgentError> {
		match std::fs::read_to_string(path) {
			Ok(text) => serde_json::from_str(&text)
				.map_err(|e| AgentError::State(path.display().to_string(), e.to_string())),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Cursor::default()),
			Err(e) => Err(AgentError::State(path.display().to_string(), e.to_string())),
		}
	}

	/// Writes the cursor whole or not at all.
	pub fn save(&self, path: &Path) -> Result<(), AgentError> {
		let fail = |e: std::io::Error| AgentError::State(path.display().to_string(), e.to_string());
		let tmp = path.with_extension("tmp");
		let mut file = std::fs::File::create(&tmp).map_err(fail)?;
		file.write_all(&serde_json::to_vec(self).expect("serializes")).map_err(fail)?;
		// On disk before it replaces the old one: a power cut leaves one
		// whole cursor or the other, not an empty file.
		file.sync_all().map_err(fail)?;
		std::fs::rename(&tmp, path).map_err(fail)?;
		let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
		std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(fail)
	}
}

/// One thing the agent did or failed to do, for its log.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
	/// A pass began with a full reconcile, and why.
	Reconcile {
		block: u64,
		why: &'static str,
	},
	Pinned {
		record: RecordId,
		cid: String,
		bytes: u64,
	},
	Unpinned {
		record: RecordId,
		cid: String,
	},
	Attested {
		records: Vec<RecordId>,
		released: Vec<RecordId>,
	},
	/// The record's version is refused until the record changes: its bytes
	/// are not the record's ciphertext (a forged CID), or too many. Nothing
	/// was pinned.
	Refused {
		record: RecordId,
		cid: String,
		why: String,
	},
	Failed {
		record: Option<RecordId>,
		error: String,
	},
	GarbageCollected,
	/// A pass ended at `block`.
	Done {
		block: u64,
		pinned: usize,
		retry: usize,
	},
}

/// What the chain says a record should be held as.
struct Wanted {
	version: Version,
	digest: [u8; 32],
	/// Whether this hospital's attestation of `digest` stands.
	attested: bool,
	/// Whether this hospital's attestation of an older digest does.
	stale: bool,
}

/// A hospital's storage agent over one node and one kubo.
pub struct Agent {
	client: Client,
	ipfs: Ipfs,
	signer: Keypair,
	pub org: OrgId,
	state: PathBuf,
	pub cursor: Cursor,
	pin_timeout: Duration,
	max_bytes: u64,
	/// Whether a pass of this process has checked the daemon's pins: the
	/// first one does, and unpins what a killed process pinned without
	/// saving it in the cursor.
	swept: bool,
	/// The head at the last cursor saved, and at the last collection, by
	/// this process.
	saved: u64,
	collected: u64,
	/// Held while the agent lives: one process per state file.
	_lock: std::fs::File,
}

impl Agent {
	/// The agent signing with `signer`, which must be a hospital's storage
	/// agent on the chain `client` serves, keeping its cursor in `state`,
	/// pinning ciphertexts of at most `max_bytes`.
	pub async fn new(
		client: Client,
		ipfs: Ipfs,
		signer: Keypair,
		state: PathBuf,
		pin_timeout: Duration,
		max_bytes: u64,
	) -> Result<Agent, AgentError> {
		let lock_path = state.with_extension("lock");
		let lock = std::fs::File::create(&lock_path)
			.map_err(|e| AgentError::State(lock_path.display().to_string(), e.to_string()))?;
		if lock.try_lock().is_err() {
			return Err(AgentError::Busy(state.display().to_string()));
		}
		let mut cursor = Cursor::load(&state)?;
		let genesis = format!("{:?}", client.genesis_hash());
		if cursor.genesis.is_empty() {
			cursor.genesis = genesis;
		} else if cursor.genesis != genesis {
			return Err(AgentError::OtherChain {
				path: state.display().to_string(),
				file: cursor.genesis,
				node: genesis,
			});
		}
		let mut agent = Agent {
			client,
			ipfs,
			signer,
			org: 0,
			state,
			cursor,
			pin_timeout,
			max_bytes,
			swept: false,
			saved: 0,
			collected: 0,
			_lock: lock,
		};
		agent.org = agent.org_at(&Proven::now(&agent.client).await?).await?;
		Ok(agent)
	}

	/// The hospital whose agent this account is in `state`.
	async fn org_at(&self, state: &Proven) -> Result<OrgId, AgentError> {
		let account = self.signer.public_key().to_account_id();
		state
			.fetch(runtime::storage().replication().agents(), (account,))
			.await?
			.ok_or_else(|| AgentError::NotAgent(account.to_string()))
	}

	/// Goes on over a new connection to the node (of the same chain: the
	/// genesis was checked when the agent began).
	pub fn reconnected(&mut self, client: Client) {
		if format!("{:?}", client.genesis_hash()) == self.cursor.genesis {
			self.client = client;
		}
	}

	/// One pass: everything finalized since the cursor, then the cursor
	/// saved (a pass that changed nothing but the block only every
	/// [`SAVE_BLOCKS`]: a restart redoes at most that many blocks' events).
	/// `report` hears each action as it happens. Fails with
	/// [`AgentError::NotAgent`] once the council removed or replaced this
	/// agent (nothing is done then).
	pub async fn step(&mut self, report: &mut impl FnMut(Action)) -> Result<(), AgentError> {
		let mut acted = false;
		let (head, reconciled) = self
			.pass(&mut |action| {
				acted = true;
				report(action)
			})
			.await?;
		if acted || reconciled || !self.swept || head >= self.saved + SAVE_BLOCKS {
			self.cursor.save(&self.state)?;
			self.saved = head;
		}
		self.swept = true;
		report(Action::Done {
			block: head,
			pinned: self.cursor.pinned.len(),
			retry: self.cursor.retry.len(),
		});
		Ok(())
	}

	/// The pass of [`Agent::step`], up to the cursor in memory; returns the
	/// head it reached and whether the pass was a reconcile.
	async fn pass(&mut self, report: &mut impl FnMut(Action)) -> Result<(u64, bool), AgentError> {
		let state = Proven::now(&self.client).await?;
		if self.org_at(&state).await? != self.org {
			let account = self.signer.public_key().to_account_id();
			return Err(AgentError::NotAgent(account.to_string()));
		}
		let head = u64::from(state.head.number);
		let peer = self.ipfs.peer_id().await?;
		let why = if self.cursor.block == 0 {
			Some("first run")
		} else if self.cursor.peer != peer {
			Some("the IPFS repo is new (another peer id)")
		} else if head.saturating_sub(self.cursor.reconciled) >= RECONCILE_BLOCKS {
			Some("periodic")
		} else {
			None
		};
		let touched = match why {
			Some(_) => None,
			None => self.touched_since(head).await,
		};
		let reconcile = touched.is_none();
		// What a killed process unpinned may never have been collected.
		self.cursor.gc_pending |= !self.swept;
		let (ids, pins) = match touched {
			Some(ids) if self.swept => (ids, None),
			Some(ids) => (ids, Some(self.ipfs.pins().await?)),
			None => {
				let why = why.unwrap_or(
					"too many blocks or records since the last pass, or their state is gone",
				);
				report(Action::Reconcile { block: head, why });
				(self.every_record(&state).await?, Some(self.ipfs.pins().await?))
			}
		};
		let others: BTreeSet<OrgId> = pins
			.iter()
			.flat_map(|p| p.values())
			.filter_map(|name| parse_pin(name, self.org).map(|(org, _)| org))
			.filter(|org| *org != self.org)
			.collect();
		for other in others {
			// Pins of a hospital without an agent are left over (this
			// account was its agent once), not another agent's.
			let agent_of = runtime::storage().replication().agent_of();
			if state.fetch(agent_of, (other,)).await?.is_some() {
				return Err(AgentError::SharedKubo(other));
			}
		}
		self.cursor.peer = peer;
		let mut outcomes = Vec::new();
		let mut fetches = Vec::new();
		for id in ids {
			match self.plan(&state, head, id, pins.as_ref(), report).await {
				Ok(Plan::Fetch(wanted)) => fetches.push((id, wanted)),
				Ok(Plan::Done(done)) => outcomes.push((id, Ok(done))),
				Err(failure) => outcomes.push((id, Err(failure))),
			}
		}
		// Reads run side by side: a record whose bytes never come holds up
		// one of them for a pin timeout, not the records after it.
		let agent = &*self;
		let fetched: Vec<_> = futures::stream::iter(fetches)
			.map(|(id, wanted)| async move {
				let fetched = agent.fetch_and_check(id, &wanted).await;
				(id, wanted, fetched)
			})
			.buffer_unordered(FETCHES)
			.collect()
			.await;
		outcomes.extend(self.finish(fetched, report).await);
		let mut held = Vec::new();
		let mut released = Vec::new();
		for (id, outcome) in outcomes {
			match outcome {
				Ok(done) => {
					if !done.deferred {
						self.cursor.retry.remove(&id);
					}
					held.extend(done.held);
					released.extend(done.released.then_some(id));
				}
				Err(failure) => {
					self.retry_later(id, head, failure.version);
					released.extend(failure.release.then_some(id));
					report(Action::Failed { record: Some(id), error: failure.error.to_string() });
				}
			}
		}
		if let Some(pins) = &pins {
			self.unpin_orphans(pins, report).await;
		}
		self.attest(held, released, head, report).await;
		// A collection locks the repo against pins and uploads for as long
		// as it runs: at most one every `GC_BLOCKS` (but at once in the
		// first pass of a process).
		let collect = !self.swept || head >= self.collected + GC_BLOCKS;
		if self.cursor.gc_pending && collect {
			match self.ipfs.collect_garbage().await {
				Ok(()) => {
					self.cursor.gc_pending = false;
					self.collected = head;
					report(Action::GarbageCollected);
				}
				Err(e) => report(Action::Failed { record: None, error: e.to_string() }),
			}
		}
		self.cursor.block = head;
		if reconcile {
			self.cursor.reconciled = head;
		}
		Ok((head, reconcile))
	}

	/// Puts record `id` up for another try, later than the last time.
	/// `version`: the version that failed, if known; else the one the
	/// cursor knows for the record (a failed attestation). Another version
	/// than the last failure's starts again from the first wait.
	fn retry_later(&mut self, id: RecordId, head: u64, version: Option<Version>) {
		let last = self.cursor.retry.get(&id);
		let version = version
			.or_else(|| last.and_then(|r| r.version.clone()))
			.or_else(|| self.cursor.refused.get(&id).or(self.cursor.pinned.get(&id)).cloned());
		let wait = match last {
			// Put off in this pass already (its read failed, then the
			// attestation that released it).
			Some(r) if r.version == version && r.at > head => return,
			Some(r) if r.version == version => (r.wait * 2).min(RETRY_MAX),
			_ => RETRY_FIRST,
		};
		self.cursor.retry.insert(id, Retry { at: head + wait, wait, version });
	}

	/// The records named by events of the blocks after the cursor up to
	/// `head`, and those due to be tried again; `None` when they are too
	/// many, or a block's events cannot be read (its state pruned, ...): a
	/// reconcile then finds everything without them.
	async fn touched_since(&self, head: u64) -> Option<BTreeSet<RecordId>> {
		if head.saturating_sub(self.cursor.block) > QUEUE as u64 {
			return None;
		}
		let mut ids: BTreeSet<RecordId> =
			self.cursor.retry.iter().filter(|(_, r)| r.at <= head).map(|(id, _)| *id).collect();
		for number in self.cursor.block + 1..=head {
			let events = audit::block_events(&self.client, number).await.ok()?;
			ids.extend(events.entries.iter().filter_map(|e| e.record));
			if ids.len() > QUEUE {
				return None;
			}
		}
		Some(ids)
	}

	/// Every record on chain, every record with holdings, every record
	/// this hospital pinned or must try again.
	async fn every_record(&self, state: &Proven) -> Result<BTreeSet<RecordId>, AgentError> {
		let mut ids: BTreeSet<RecordId> = self.cursor.pinned.keys().copied().collect();
		ids.extend(self.cursor.retry.keys().copied());
		ids.extend(self.cursor.refused.keys().copied());
		let records = state.prefix(runtime::storage().ehr_acl().records(), ())?;
		ids.extend(replication::all_ids(state, &records).await?);
		let holdings = state.prefix(runtime::storage().replication().holdings(), ())?;
		ids.extend(replication::all_ids(state, &holdings).await?);
		Ok(ids)
	}

	async fn wanted(&self, state: &Proven, id: RecordId) -> Result<Option<Wanted>, AgentError> {
		let Some(record) = state.fetch(runtime::storage().ehr_acl().records(), (id,)).await? else {
			return Ok(None);
		};
		let cid = String::from_utf8(record.cid.0)
			.map_err(|_| StorageError::BadCid("not UTF-8".into()))?;
		check_cid(&cid)?;
		let holding = state.fetch(runtime::storage().replication().holdings(), (id,)).await?;
		let digest = record.ciphertext_digest;
		let mine = holding.filter(|h| h.holders.0.contains(&self.org)).map(|h| h.digest);
		let (attested, stale) = (mine == Some(digest), mine.is_some_and(|d| d != digest));
		let version = Version { cid, digest: hex::encode(digest) };
		Ok(Some(Wanted { version, digest, attested, stale }))
	}

	/// Brings record `id` to what the chain says at `head` as far as the
	/// chain and the cursor tell: a removed record unpinned and to release,
	/// a held one to attest; or says its bytes must be read
	/// ([`Plan::Fetch`]). `pins`: every pin of the daemon, in a reconcile or
	/// a process's first pass (a pin the cursor lists may have gone with
	/// the repo). The cursor changes only once the daemon did.
	async fn plan(
		&mut self,
		state: &Proven,
		head: u64,
		id: RecordId,
		pins: Option<&BTreeMap<String, String>>,
		report: &mut impl FnMut(Action),
	) -> Result<Plan, Failure> {
		let mut done = Handled::default();
		let Some(wanted) = self.wanted(state, id).await? else {
			self.cursor.refused.remove(&id);
			self.drop_pin(id, report).await?;
			// Whoever held it, the entry of a removed record goes.
			let holdings = runtime::storage().replication().holdings();
			done.released = state.fetch(holdings, (id,)).await?.is_some();
			return Ok(Plan::Done(done));
		};
		let backing_off = self.cursor.retry.get(&id).is_some_and(|r| {
			r.at > head && r.version.as_ref().is_none_or(|v| *v == wanted.version)
		});
		if backing_off {
			done.deferred = true;
			return Ok(Plan::Done(done));
		}
		if self.cursor.refused.get(&id) == Some(&wanted.version) {
			// What it replaced, if unpinning that failed before, and its
			// attestation of that, if releasing it failed.
			self.drop_pin(id, report).await?;
			done.released = wanted.attested || wanted.stale;
			return Ok(Plan::Done(done));
		}
		self.cursor.refused.remove(&id);
		let have = self.cursor.pinned.get(&id) == Some(&wanted.version)
			&& pins.is_none_or(|pins| pins.contains_key(&wanted.version.cid));
		if !have {
			return Ok(Plan::Fetch(wanted));
		}
		if !wanted.attested {
			done.held = Some((id, wanted.digest));
		}
		Ok(Plan::Done(done))
	}

	/// Finishes the records whose bytes were read, checked and pinned
	/// (`Ok`: their size), or not. Every version pinned joins the cursor
	/// before any version it replaced is unpinned: no unpin takes a CID that
	/// another record's new version has.
	async fn finish(
		&mut self,
		fetched: Vec<(RecordId, Wanted, Result<u64, StorageError>)>,
		report: &mut impl FnMut(Action),
	) -> Vec<(RecordId, Result<Handled, Failure>)> {
		let mut outcomes = Vec::new();
		let mut replaced = Vec::new();
		let mut refused = Vec::new();
		for (id, wanted, fetched) in fetched {
			// What this hospital attested and cannot hold now (or an older
			// version it attested), it says it no longer holds.
			let release = wanted.attested || wanted.stale;
			let mut done = Handled::default();
			match fetched {
				Ok(bytes) => {
					let cid = wanted.version.cid.clone();
					report(Action::Pinned { record: id, cid, bytes });
					let old = self.cursor.pinned.insert(id, wanted.version.clone());
					replaced
						.extend(old.filter(|old| old.cid != wanted.version.cid).map(|o| (id, o)));
					if !wanted.attested {
						done.held = Some((id, wanted.digest));
					}
				}
				Err(e @ (StorageError::TooLarge { .. } | StorageError::DigestMismatch { .. })) => {
					let why = e.to_string();
					report(Action::Refused { record: id, cid: wanted.version.cid.clone(), why });
					self.cursor.refused.insert(id, wanted.version.clone());
					// The version it replaced is not current either: dropped
					// below.
					done.released = release;
					refused.push((id, done, wanted.version));
					continue;
				}
				Err(error) => {
					let failure =
						Failure { error: error.into(), release, version: Some(wanted.version) };
					outcomes.push((id, Err(failure)));
					continue;
				}
			}
			outcomes.push((id, Ok(done)));
		}
		for (id, old) in replaced {
			// Left pinned if this fails: the next sweep unpins it.
			if let Err(e) = self.unpin_version(id, &old, report).await {
				report(Action::Failed { record: Some(id), error: e.to_string() });
			}
		}
		for (id, done, version) in refused {
			// Tried again later if this fails (a refused version's record
			// drops what the cursor still lists).
			let release = done.released;
			let dropped = match self.drop_pin(id, report).await {
				Ok(()) => Ok(done),
				Err(error) => Err(Failure { error, release, version: Some(version) }),
			};
			outcomes.push((id, dropped));
		}
		outcomes
	}

	/// Reads `wanted`'s bytes (at most `max_bytes`) and checks them against
	/// the digest on chain, then pins them: nothing is pinned that is not
	/// the record's ciphertext. Returns the size.
	async fn fetch_and_check(&self, id: RecordId, wanted: &Wanted) -> Result<u64, StorageError> {
		let cid = &wanted.version.cid;
		let (digest, bytes) = self.ipfs.digest_of(cid, self.max_bytes, self.pin_timeout).await?;
		if digest != wanted.digest {
			return Err(StorageError::DigestMismatch {
				expected: wanted.version.digest.clone(),
				actual: hex::encode(digest),
			});
		}
		self.ipfs.pin(cid, &pin_name(self.org, id), self.pin_timeout).await?;
		Ok(bytes)
	}

	/// Unpins what the cursor says this hospital pinned for record `id`
	/// (unless another record it holds has the same CID), then forgets it.
	async fn drop_pin(
		&mut self,
		id: RecordId,
		report: &mut impl FnMut(Action),
	) -> Result<(), AgentError> {
		let Some(old) = self.cursor.pinned.get(&id).cloned() else { return Ok(()) };
		self.unpin_version(id, &old, report).await?;
		self.cursor.pinned.remove(&id);
		Ok(())
	}

	/// Unpins `old`, a version of record `id`, unless another record the
	/// cursor holds has its CID.
	async fn unpin_version(
		&mut self,
		id: RecordId,
		old: &Version,
		report: &mut impl FnMut(Action),
	) -> Result<(), AgentError> {
		let shared = self.cursor.pinned.iter().any(|(other, v)| *other != id && v.cid == old.cid);
		if !shared {
			self.ipfs.unpin(&old.cid).await?;
			self.cursor.gc_pending = true;
			report(Action::Unpinned { record: id, cid: old.cid.clone() });
		}
		Ok(())
	}

	/// In a reconcile or a process's first pass: unpins every pin this
	/// hospital's agent named (`ehr-hospital-ORG-record-ID`) whose CID no
	/// record it holds has (left by a pass killed before it saved the
	/// cursor, or by a lost cursor).
	async fn unpin_orphans(
		&mut self,
		pins: &BTreeMap<String, String>,
		report: &mut impl FnMut(Action),
	) {
		let held: BTreeSet<&str> = self.cursor.pinned.values().map(|v| v.cid.as_str()).collect();
		let mut orphans = Vec::new();
		for (cid, name) in pins {
			let Some((org, record)) = parse_pin(name, self.org) else { continue };
			if org != self.org {
				continue;
			}
			if !held.contains(cid.as_str()) {
				orphans.push((record, cid));
			}
		}
		for (record, cid) in orphans {
			match self.ipfs.unpin(cid).await {
				Ok(()) => {
					self.cursor.gc_pending = true;
					report(Action::Unpinned { record, cid: cid.clone() });
				}
				Err(e) => report(Action::Failed { record: Some(record), error: e.to_string() }),
			}
		}
	}

	/// Submits what this hospital now holds and no longer holds, in calls
	/// of at most [`ATTESTATIONS_PER_CALL`] records each; a call that fails
	/// puts its records up for a later pass.
	async fn attest(
		&mut self,
		held: Vec<(RecordId, [u8; 32])>,
		released: Vec<RecordId>,
		head: u64,
		report: &mut impl FnMut(Action),
	) {
		use runtime::runtime_types::bounded_collections::bounded_vec::BoundedVec;
		let mut held = held.into_iter().peekable();
		let mut released = released.into_iter().peekable();
		while held.peek().is_some() || released.peek().is_some() {
			let h: Vec<_> = held.by_ref().take(ATTESTATIONS_PER_CALL).collect();
			let r: Vec<_> = released.by_ref().take(ATTESTATIONS_PER_CALL).collect();
			let call =
				runtime::tx().replication().attest(BoundedVec(h.clone()), BoundedVec(r.clone()));
			let records: Vec<RecordId> = h.iter().map(|(id, _)| *id).collect();
			match chain::submit(&self.client, &call, &self.signer, Wait::InBlock).await {
				Ok(_) => report(Action::Attested { records, released: r }),
				Err(e) => {
					for id in records.iter().chain(&r) {
						self.retry_later(*id, head, None);
					}
					report(Action::Failed { record: None, error: e.to_string() });
				}
			}
		}
	}
}

/// The name hospital `org`'s agent gives its pin of record `id`.
fn pin_name(org: OrgId, id: RecordId) -> String {
	format!("ehr-hospital-{org}-record-{id}")
}

/// The hospital and record of a pin named by [`pin_name`], or by an agent
/// of `own` before pins named their hospital (`ehr-record-ID`).
fn parse_pin(name: &str, own: OrgId) -> Option<(OrgId, RecordId)> {
	if let Some(record) = name.strip_prefix("ehr-record-") {
		return Some((own, record.parse().ok()?));
	}
	let (org, record) = name.strip_prefix("ehr-hospital-")?.split_once("-record-")?;
	Some((org.parse().ok()?, record.parse().ok()?))
}

/// Why a record could not be handled, whether this hospital's attestation
/// of it must go, and the version that failed.
struct Failure {
	error: AgentError,
	release: bool,
	version: Option<Version>,
}

impl<E: Into<AgentError>> From<E> for Failure {
	fn from(e: E) -> Self {
		Failure { error: e.into(), release: false, version: None }
	}
}

/// What a record needs once the chain and the cursor were read.
enum Plan {
	Done(Handled),
	/// Its current version must be read, checked and pinned.
	Fetch(Wanted),
}

/// What handling one record left to submit.
#[derive(Default)]
struct Handled {
	held: Option<(RecordId, [u8; 32])>,
	released: bool,
	/// Backing off after a failure: its retry stands.
	deferred: bool,
}
