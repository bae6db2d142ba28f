//! Break-glass emergency access (the runtime's `Emergency` pallet), client
//! side: see `docs/break-glass.md`.
//!
//! - A record's owner (or a ReadWrite grantee, after re-keying) splits the
//!   record's data key into one Shamir share per escrow hospital, any
//!   `threshold` of which rebuild it, and deposits each share wrapped to that
//!   hospital's escrow key ([`Session::escrow_shares`]).
//! - A registered doctor with no access breaks the glass
//!   ([`Session::break_glass`]); each hospital's escrow agent
//!   ([`EscrowAgent`]) answers by its policy and, once `threshold` hospitals
//!   approved, re-wraps its share to the doctor; the doctor rebuilds the key,
//!   logs the read on chain, then reads ([`Session::emergency_read`]).
//!
//! Everything an agent acts on is read from proven, GRANDPA-finalized state:
//! a node cannot make an agent release a share to a request the chain does
//! not hold.

use crate::{
	chain::{
		query,
		runtime::{
			self,
			emergency::events as emergency_events,
			runtime_types::{
				bounded_collections::bounded_vec::BoundedVec, pallet_ehr_emergency::types,
			},
		},
		AccountId, ChainError, Client, Keypair, Wait,
	},
	crypto::{
		envelope::{self, HEADER_LEN},
		os_rng,
		shamir::{self, ShamirError},
		wrap::{self, WrapContext},
		DataKey,
	},
	governance::{parameter_at, Parameter},
	keystore::Keys,
	records::{BlockNumber, Record, RecordError, RecordId, Role, Session, User, STALE_RETRIES},
	verified::{u64_suffix, Proven, Unverified, ID_TAIL},
};
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{path::Path, str::FromStr};
use zeroize::Zeroizing;

pub use types::{EmergencyOutcome, EmergencyReason};
pub type EmergencyId = u64;
pub type EscrowKey = types::EscrowKey<AccountId>;
pub type ShareDeposit = types::ShareDeposit<AccountId, u128>;
pub type Request = types::EmergencyRequest<AccountId, BlockNumber, u128>;

/// Why an emergency operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EmergencyError {
	#[error(transparent)]
	Record(#[from] RecordError),
	#[error("only {have} hospitals hold escrow keys, fewer than the threshold of {threshold}: no shares can be deposited yet")]
	TooFewEscrowHospitals { have: usize, threshold: u8 },
	#[error("no open emergency request {0} (closed, expired and closed, or never made)")]
	NotOpen(EmergencyId),
	#[error("emergency request {0} was made by another account")]
	NotYours(EmergencyId),
	#[error("emergency request {id} ended at block {at}: its access expired (make a new request if the emergency goes on)")]
	Expired { id: EmergencyId, at: u32 },
	#[error("{released} of the {threshold} shares needed for emergency request {id} are released so far: the hospitals have not answered yet (`ehr emergency status {id}`)")]
	SharesMissing { id: EmergencyId, released: usize, threshold: u8 },
	#[error("record {0} was re-keyed after the emergency request: its shares no longer open it; make a new request")]
	Rekeyed(RecordId),
	#[error("the share hospital {org} released does not open with this keystore: {cause}")]
	ShareNotForYou { org: u32, cause: wrap::UnwrapError },
	#[error("no threshold of the released shares rebuilds record {0}'s key (hospitals released wrong shares, or wrong ones were deposited): nothing was logged or written")]
	WrongShares(RecordId),
	#[error(transparent)]
	Shamir(#[from] ShamirError),
	#[error("this keystore's account is not the escrow agent of any hospital")]
	NotAnAgent,
	#[error("hospital {org}'s escrow key on chain is not this keystore's newest: the council has not adopted the last new key yet (`ehr escrow key` prints it for `ehr gov propose escrow-key`); make another only after that")]
	EscrowKeyPending { org: u32 },
}

impl From<ChainError> for EmergencyError {
	fn from(e: ChainError) -> Self {
		EmergencyError::Record(e.into())
	}
}

/// The hospitals' escrow keys, and the threshold shares are split for now.
pub async fn escrow(client: &Client) -> Result<(Vec<EscrowKey>, u8), ChainError> {
	let state = Proven::now(client).await?;
	escrow_at(&state).await
}

async fn escrow_at(state: &Proven) -> Result<(Vec<EscrowKey>, u8), ChainError> {
	let keys = state.fetch(runtime::storage().emergency().escrow(), ()).await?;
	let threshold = parameter_at(state, Parameter::EmergencyThreshold).await?.effective;
	Ok((keys.map_or_else(Vec::new, |k| k.0), threshold as u8))
}

/// Record `id`'s deposited shares, if any.
pub async fn deposit(client: &Client, id: RecordId) -> Result<Option<ShareDeposit>, ChainError> {
	Proven::now(client).await?.fetch(runtime::storage().emergency().deposits(), (id,)).await
}

/// Whether `who` refused emergency access to its records.
pub async fn opted_out(client: &Client, who: &AccountId) -> Result<bool, ChainError> {
	let state = Proven::now(client).await?;
	Ok(state.fetch(runtime::storage().emergency().opted_out(), (*who,)).await?.is_some())
}

/// Open request `emergency`, if there is one.
pub async fn request(
	client: &Client,
	emergency: EmergencyId,
) -> Result<Option<Request>, ChainError> {
	request_at(&Proven::now(client).await?, emergency).await
}

async fn request_at(state: &Proven, emergency: EmergencyId) -> Result<Option<Request>, ChainError> {
	state.fetch(runtime::storage().emergency().emergencies(), (emergency,)).await
}

/// Every open request, by id, at one proven state.
async fn open_requests(state: &Proven) -> Result<Vec<(EmergencyId, Request)>, ChainError> {
	let address = runtime::storage().emergency().emergencies();
	let keys = state.keys_under(&state.prefix(address.clone(), ())?, ID_TAIL).await?;
	let values = state.fetch_keys(&keys).await?;
	let mut open = Vec::with_capacity(keys.len());
	for (key, value) in keys.iter().zip(values) {
		let value = value.ok_or_else(Unverified::listed_but_absent)?;
		open.push((u64_suffix(key)?, state.decode(&address, &value)?));
	}
	open.sort_by_key(|(id, _)| *id);
	Ok(open)
}

/// An open request as `ehr emergency status` shows it.
#[derive(Debug, Serialize)]
pub struct RequestView {
	pub emergency: EmergencyId,
	pub record: RecordId,
	pub owner: AccountId,
	pub requester: AccountId,
	pub hospital: u32,
	pub reason: String,
	pub purpose_of_use: &'static str,
	pub key_version: u32,
	pub threshold: u8,
	pub opened_at: BlockNumber,
	pub expires_at: BlockNumber,
	pub approved_by: Vec<u32>,
	pub refused_by: Vec<u32>,
	pub released_by: Vec<u32>,
}

impl RequestView {
	pub fn new(emergency: EmergencyId, request: &Request) -> RequestView {
		let answered = |approve: bool| {
			request.answers.0.iter().filter(|a| a.approve == approve).map(|a| a.org).collect()
		};
		RequestView {
			emergency,
			record: request.record,
			owner: request.owner,
			requester: request.requester,
			hospital: request.org,
			reason: reason_name(&request.reason).to_string(),
			purpose_of_use: "ETREAT",
			key_version: request.key_version,
			threshold: request.threshold,
			opened_at: request.opened_at,
			expires_at: request.expires_at,
			approved_by: answered(true),
			refused_by: answered(false),
			released_by: request.released.0.iter().map(|r| r.org).collect(),
		}
	}
}

/// A reason's name, as `ehr emergency request --reason` takes it.
pub fn reason_name(reason: &EmergencyReason) -> &'static str {
	match reason {
		EmergencyReason::Unconscious => "unconscious",
		EmergencyReason::LifeThreatening => "life-threatening",
		EmergencyReason::CannotConsent => "cannot-consent",
		EmergencyReason::Other => "other",
	}
}

/// A record's break-glass state, as `ehr access list` shows it.
#[derive(Debug, Serialize)]
pub struct RecordEmergency {
	/// Its deposited shares, if any.
	pub escrowed: Option<Escrowed>,
	pub owner_opted_out: bool,
	/// Open emergency requests on it.
	pub open_requests: Vec<RequestView>,
}

/// A deposit of shares, as `ehr access list` shows it.
#[derive(Debug, Serialize)]
pub struct Escrowed {
	pub key_version: u32,
	/// Whether they open the record's current key (else the owner escrows
	/// it again: `ehr emergency escrow`).
	pub current: bool,
	pub threshold: u8,
	pub hospitals: Vec<u32>,
}

/// Record `id`'s break-glass state at one proven state: `owner` and
/// `key_version` are the record's.
pub async fn record_emergency(
	client: &Client,
	id: RecordId,
	owner: &AccountId,
	key_version: u32,
) -> Result<RecordEmergency, ChainError> {
	let state = Proven::now(client).await?;
	let deposit = state.fetch(runtime::storage().emergency().deposits(), (id,)).await?;
	let opted_out = state.fetch(runtime::storage().emergency().opted_out(), (*owner,)).await?;
	let open_requests = open_requests(&state)
		.await?
		.into_iter()
		.filter(|(_, r)| r.record == id)
		.map(|(e, r)| RequestView::new(e, &r))
		.collect();
	Ok(RecordEmergency {
		escrowed: deposit.map(|d| Escrowed {
			key_version: d.key_version,
			current: d.key_version == key_version,
			threshold: d.threshold,
			hospitals: d.shares.0.iter().map(|s| s.org).collect(),
		}),
		owner_opted_out: opted_out.is_some(),
		open_requests,
	})
}

/// What an escrow agent hands the council (`ehr gov propose escrow-key`):
/// its account, its escrow key and the proof that it holds the key's secret.
/// Nothing in it is secret.
#[derive(Debug)]
pub struct EscrowKeyProof {
	pub agent: AccountId,
	pub key: [u8; 32],
	pub key_proof: [u8; 64],
}

/// [`EscrowKeyProof`] as JSON: the account in SS58, the rest in hex.
#[derive(Serialize, Deserialize)]
struct EscrowKeyProofJson {
	agent: String,
	key: String,
	key_proof: String,
}

/// Refuses a new escrow key for `keys` (an agent's keystore) while the
/// council has not adopted its current one: the hospital's key on chain is
/// another (older) key of the keystore. Every new key retires one that
/// shares may still be wrapped to.
pub async fn may_make_escrow_key(chain: &Client, keys: &Keys) -> Result<(), EmergencyError> {
	let (escrow, _) = escrow(chain).await?;
	let me = keys.signer.public_key().to_account_id();
	match escrow.iter().find(|e| e.agent == me) {
		Some(e) if e.key != keys.encryption.public_bytes() => {
			Err(EmergencyError::EscrowKeyPending { org: e.org })
		}
		_ => Ok(()),
	}
}

impl EscrowKeyProof {
	/// The proof that `keys` (an agent's keystore) holds its encryption key,
	/// for the chain whose genesis hash is `genesis_hash`.
	pub fn new(keys: &Keys, genesis_hash: &[u8; 32]) -> EscrowKeyProof {
		let agent = keys.signer.public_key().to_account_id();
		EscrowKeyProof {
			agent,
			key: keys.encryption.public_bytes(),
			key_proof: keys.encryption.key_proof(genesis_hash, &agent.0, &mut os_rng()),
		}
	}

	pub fn to_json(&self) -> serde_json::Value {
		serde_json::to_value(EscrowKeyProofJson {
			agent: self.agent.to_string(),
			key: hex::encode(self.key),
			key_proof: hex::encode(self.key_proof),
		})
		.expect("serializes")
	}

	/// Reads the JSON `ehr escrow key` wrote.
	pub fn parse(text: &str) -> Result<EscrowKeyProof, String> {
		let bad = |what: &str| format!("not an escrow key file (`ehr escrow key` output): {what}");
		let json: EscrowKeyProofJson =
			serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
		let bytes = |text: &str| hex::decode(text.trim_start_matches("0x")).ok();
		Ok(EscrowKeyProof {
			agent: AccountId::from_str(&json.agent).map_err(|_| bad("`agent` is not SS58"))?,
			key: bytes(&json.key)
				.and_then(|b| b.try_into().ok())
				.ok_or_else(|| bad("`key` is not 32 bytes of hex"))?,
			key_proof: bytes(&json.key_proof)
				.and_then(|b| b.try_into().ok())
				.ok_or_else(|| bad("`key_proof` is not 64 bytes of hex"))?,
		})
	}
}

/// The reasons a clinician may give, by name.
impl FromStr for EmergencyReason {
	type Err = String;
	fn from_str(text: &str) -> Result<Self, String> {
		Ok(match text {
			"unconscious" => EmergencyReason::Unconscious,
			"life-threatening" => EmergencyReason::LifeThreatening,
			"cannot-consent" => EmergencyReason::CannotConsent,
			"other" => EmergencyReason::Other,
			_ => {
				return Err(format!(
				"`{text}` is not a reason: unconscious, life-threatening, cannot-consent or other"
			))
			}
		})
	}
}

/// What [`Session::escrow_shares`] deposited.
#[derive(Debug, Serialize)]
pub struct Deposited {
	pub record: RecordId,
	pub key_version: u32,
	pub threshold: u8,
	pub hospitals: Vec<u32>,
}

/// A request [`Session::break_glass`] made.
#[derive(Debug, Serialize)]
pub struct BrokenGlass {
	pub emergency: EmergencyId,
	pub record: RecordId,
	pub expires_at: BlockNumber,
	/// The free text's commitment on chain (SHA-256 of `nonce || text`),
	/// and the nonce, which the hospital keeps with the text to show they
	/// match.
	pub note_digest: Option<String>,
	pub note_nonce: Option<String>,
}

/// The commitment to a request's free text: a random nonce, and SHA-256 of
/// the nonce and the text (a short text cannot be guessed from it).
fn commit(text: &str) -> ([u8; 16], [u8; 32]) {
	let mut nonce = [0u8; 16];
	os_rng().fill_bytes(&mut nonce);
	let digest = Sha256::new().chain_update(nonce).chain_update(text.as_bytes()).finalize();
	(nonce, digest.into())
}

/// Whether a call failed because what it was built on changed (escrow,
/// threshold, key version): building it again may succeed.
fn escrow_changed(e: &RecordError) -> bool {
	matches!(e, RecordError::Chain(c)
		if matches!(c.pallet_error(), Some("SharesDoNotMatchEscrow" | "ThresholdChanged" | "StaleKeyVersion")))
}

impl Session {
	fn genesis(&self) -> [u8; 32] {
		self.chain.genesis_hash().0
	}

	/// Splits record `id`'s current data key into one share per escrow
	/// hospital (any `threshold` rebuild it) and deposits each, wrapped to
	/// that hospital's escrow key. The owner may replace a deposit; a
	/// ReadWrite grantee may deposit only for a key version without one.
	pub async fn escrow_shares(&self, id: RecordId) -> Result<Deposited, EmergencyError> {
		for _ in 0..STALE_RETRIES {
			match self.try_escrow_shares(id).await {
				Err(EmergencyError::Record(e)) if escrow_changed(&e) => continue,
				done => return done,
			}
		}
		Err(RecordError::KeptChanging(id).into())
	}

	async fn try_escrow_shares(&self, id: RecordId) -> Result<Deposited, EmergencyError> {
		let (view, data_key) = self.my_data_key(id).await?;
		let (escrow, threshold) = escrow(&self.chain).await?;
		if escrow.len() < usize::from(threshold) {
			return Err(EmergencyError::TooFewEscrowHospitals { have: escrow.len(), threshold });
		}
		let record = &view.record;
		let xs: Vec<u8> = (1..=escrow.len() as u8).collect();
		let split = shamir::split(&data_key, threshold, &xs, &mut os_rng())?;
		let mut shares = Vec::with_capacity(escrow.len());
		for (hospital, share) in escrow.iter().zip(&split) {
			let context = WrapContext::EscrowShare {
				genesis_hash: self.genesis(),
				owner: record.owner.0,
				ciphertext_digest: record.ciphertext_digest,
				key_version: record.key_version,
				org: hospital.org,
				escrow_key_version: hospital.version,
				x: share.x,
			};
			let wrapped =
				wrap::wrap(&DataKey::from_bytes(*share.y), &hospital.key, &context, &mut os_rng())
					.map_err(|_| RecordError::UnusableKey(hospital.agent))?;
			shares.push(types::Share {
				org: hospital.org,
				escrow_key_version: hospital.version,
				index: share.x,
				wrapped: BoundedVec(wrapped),
			});
		}
		let call = runtime::transactions().emergency().deposit_shares(
			id,
			record.key_version,
			threshold,
			BoundedVec(shares),
		);
		self.submit(&call).await?;
		Ok(Deposited {
			record: id,
			key_version: record.key_version,
			threshold,
			hospitals: escrow.iter().map(|e| e.org).collect(),
		})
	}

	/// Deposits new shares for record `id` if its shares no longer open it
	/// (an update, re-key or rotation changed its data key) and its owner
	/// allows emergency access; `None` if there was nothing to renew.
	pub async fn renew_escrow(&self, id: RecordId) -> Result<Option<Deposited>, EmergencyError> {
		let storage = runtime::storage();
		// Most records hold no shares: the best block tells without waiting
		// for finality (a lying node can only skip a renewal this way, as it
		// could by dropping the call).
		let best = crate::chain::at_best(&self.chain).await?;
		let held = best.storage().try_fetch(storage.emergency().deposits(), (id,)).await;
		if held.map_err(subxt::Error::from).map_err(ChainError::from)?.is_none() {
			return Ok(None);
		}
		let state = Proven::now(&self.chain).await?;
		let deposit = state.fetch(storage.emergency().deposits(), (id,)).await?;
		let record = state.fetch(storage.ehr_acl().records(), (id,)).await?;
		let (Some(deposit), Some(record)) = (deposit, record) else {
			return Ok(None);
		};
		let opted_out = state.fetch(storage.emergency().opted_out(), (record.owner,)).await?;
		if deposit.key_version == record.key_version || opted_out.is_some() {
			return Ok(None);
		}
		match self.escrow_shares(id).await {
			// The owner or another writer renewed them first.
			Err(EmergencyError::Record(RecordError::Chain(e)))
				if e.pallet_error() == Some("AlreadyDeposited") =>
			{
				Ok(None)
			}
			done => done.map(Some),
		}
	}

	/// Allows (the default) or refuses emergency access to this account's
	/// records. Refusing makes every deposited share useless at once.
	pub async fn set_emergency_access(&self, allowed: bool) -> Result<(), EmergencyError> {
		self.submit(&runtime::transactions().emergency().set_emergency_access(allowed)).await?;
		Ok(())
	}

	/// Asks the hospitals to open record `id` for this account (a registered
	/// doctor of an escrow hospital without access) in an emergency. The
	/// free text `note` stays here: the chain holds only its commitment.
	pub async fn break_glass(
		&self,
		id: RecordId,
		reason: EmergencyReason,
		note: Option<&str>,
	) -> Result<BrokenGlass, EmergencyError> {
		self.ensure_own_key().await?;
		let note = note.map(commit);
		let call = runtime::transactions().emergency().break_glass(
			id,
			reason,
			note.map(|(_, digest)| digest),
		);
		let events = self.submit(&call).await?;
		let requested = crate::chain::first_event::<emergency_events::EmergencyRequested>(
			&events,
			"Emergency.EmergencyRequested",
		)?;
		Ok(BrokenGlass {
			emergency: requested.emergency,
			record: id,
			expires_at: requested.expires_at,
			note_digest: note.map(|(_, digest)| hex::encode(digest)),
			note_nonce: note.map(|(nonce, _)| hex::encode(nonce)),
		})
	}

	/// Rebuilds the key of request `emergency`'s record from the shares the
	/// hospitals released to this account (any `threshold` of them that
	/// open the record: a wrong share among them does not stop the read),
	/// logs the read on chain, then decrypts the record into `out`, which
	/// appears only once every chunk authenticated. Returns the record and
	/// the version read.
	pub async fn emergency_read(
		&self,
		emergency: EmergencyId,
		out: &Path,
	) -> Result<(RecordId, u32), EmergencyError> {
		self.ensure_own_key().await?;
		let state = Proven::now(&self.chain).await?;
		let request =
			request_at(&state, emergency).await?.ok_or(EmergencyError::NotOpen(emergency))?;
		if request.requester != self.account() {
			return Err(EmergencyError::NotYours(emergency));
		}
		// The read's block comes after the finalized head: at its end or
		// past it, the chain refuses the read.
		if request.expires_at <= state.head.number.saturating_add(1) {
			return Err(EmergencyError::Expired { id: emergency, at: request.expires_at });
		}
		let (id, threshold) = (request.record, request.threshold);
		let context = |x| WrapContext::EmergencyShare {
			genesis_hash: self.genesis(),
			emergency,
			key_version: request.key_version,
			x,
		};
		let mut shares = Vec::with_capacity(request.released.0.len());
		let mut unopened = None;
		for released in &request.released.0 {
			match wrap::unwrap(&released.wrapped.0, &self.keys.encryption, &context(released.index))
			{
				Ok(opened) => shares.push(shamir::Share {
					x: released.index,
					y: Zeroizing::new(*opened.as_bytes()),
				}),
				Err(cause) => unopened = unopened.or(Some((released.org, cause))),
			}
		}
		if shares.len() < usize::from(threshold) {
			return Err(match unopened {
				Some((org, cause)) => EmergencyError::ShareNotForYou { org, cause },
				None => EmergencyError::SharesMissing {
					id: emergency,
					released: shares.len(),
					threshold,
				},
			});
		}
		let view = query::record(&self.chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
		if view.record.key_version != request.key_version {
			return Err(EmergencyError::Rekeyed(id));
		}
		let cid = String::from_utf8_lossy(&view.record.cid.0).into_owned();
		let header: [u8; HEADER_LEN] = self
			.ipfs
			.head(&cid, HEADER_LEN)
			.await
			.map_err(RecordError::from)?
			.try_into()
			.map_err(|_| EmergencyError::WrongShares(id))?;
		let data_key =
			opening_key(&shares, threshold, &header).ok_or(EmergencyError::WrongShares(id))?;
		// The read is on chain before the plaintext is here.
		self.submit(&runtime::transactions().emergency().log_emergency_read(emergency)).await?;
		let version = self.decrypt_into(id, &view.record, data_key, out).await?;
		Ok((id, version))
	}

	/// Closes request `emergency` (its requester, the patient, or the
	/// requester's hospital's agent; anyone once it expired or went stale).
	pub async fn close_emergency(&self, emergency: EmergencyId) -> Result<(), EmergencyError> {
		self.submit(&runtime::transactions().emergency().close_emergency(emergency)).await?;
		Ok(())
	}
}

/// The key that some `threshold` of `shares` rebuild and that opens the
/// envelope whose header is `header`, trying every such subset (at most
/// C(16, 8) = 12,870 cheap checks): one wrong share does not hide the key
/// the others rebuild.
fn opening_key(
	shares: &[shamir::Share],
	threshold: u8,
	header: &[u8; HEADER_LEN],
) -> Option<DataKey> {
	let k = usize::from(threshold);
	let n = shares.len();
	if k == 0 || k > n {
		return None;
	}
	let mut picked: Vec<usize> = (0..k).collect();
	loop {
		let subset: Vec<shamir::Share> = picked
			.iter()
			.map(|&i| shamir::Share { x: shares[i].x, y: shares[i].y.clone() })
			.collect();
		if let Ok(key) = shamir::combine(&subset, threshold) {
			if envelope::opens(&key, header).is_ok() {
				return Some(key);
			}
		}
		// The next k-subset in lexicographic order.
		let mut at = k;
		loop {
			if at == 0 {
				return None;
			}
			at -= 1;
			if picked[at] < n - k + at {
				break;
			}
		}
		picked[at] += 1;
		for next in at + 1..k {
			picked[next] = picked[next - 1] + 1;
		}
	}
}

/// How an escrow agent answers requests it has not answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
	/// Approve a live request by a registered doctor of the hospital it
	/// names, while that hospital has fewer than
	/// [`MAX_APPROVED_PER_HOSPITAL`] other open requests this hospital
	/// approved; above that, leave it to a person.
	Approve,
	/// Refuse every request.
	Refuse,
	/// Answer nothing: a person answers with `ehr escrow answer`; the agent
	/// releases the share once the threshold approved.
	Manual,
}

/// Under [`Policy::Approve`], how many requests of one requesting hospital
/// an agent approves within [`APPROVAL_WINDOW_BLOCKS`] before it asks a
/// person: a hostile registrar's fake doctors open few records before
/// someone looks (closing a request does not give its approval back).
pub const MAX_APPROVED_PER_HOSPITAL: usize = 3;

/// The window of [`MAX_APPROVED_PER_HOSPITAL`]: a day of 6 s blocks. An
/// agent counts the approvals it gave since it started.
pub const APPROVAL_WINDOW_BLOCKS: BlockNumber = 24 * 600;

/// An agent releases nothing to a request this close to its end (a minute
/// of blocks): a release that lands after the end is refused by the chain
/// but is public all the same.
pub const RELEASE_MARGIN_BLOCKS: BlockNumber = 10;

/// After an escrow key change, how many deposits an agent looks at per pass
/// for shares to re-wrap.
pub const REWRAP_PAGE: u32 = 64;

/// The most shares an agent re-wraps per pass, submitted together (one
/// block's wait): requests are not kept waiting behind a long sweep.
pub const REWRAPS_PER_PASS: usize = 16;

/// What an agent did in one [`EscrowAgent::step`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum AgentAction {
	Answered {
		emergency: EmergencyId,
		approved: bool,
		why: &'static str,
	},
	/// Left for a person (`ehr escrow answer`); reported once.
	Deferred {
		emergency: EmergencyId,
		why: &'static str,
	},
	Released {
		emergency: EmergencyId,
		to: AccountId,
	},
	/// A request of this hospital's staff that ended, closed (its deposit
	/// returned).
	Closed {
		emergency: EmergencyId,
		why: &'static str,
	},
	/// Something about one request failed; the others went on, and the
	/// next pass sees the new state.
	Failed {
		emergency: EmergencyId,
		error: String,
	},
	/// The hospital's escrow key on chain is not in this keystore; reported
	/// once.
	KeyNotHeld {
		org: u32,
		why: &'static str,
	},
	/// This hospital's share of `record`, opened with a replaced escrow key
	/// and wrapped to its current one.
	Rewrapped {
		record: RecordId,
		escrow_key_version: u32,
	},
	/// Re-wrapping the share of `record` failed (`None`: listing deposits
	/// or submitting failed). A share this agent cannot open is reported
	/// once and left; other failures are tried again by the next sweep.
	RewrapFailed {
		record: Option<RecordId>,
		error: String,
	},
}

/// A hospital's escrow agent: its keystore's account answers and releases,
/// its encryption key is the hospital's escrow key (retired keys open
/// shares not yet re-wrapped).
pub struct EscrowAgent {
	pub chain: Client,
	pub keys: Keys,
	pub policy: Policy,
	pub wait: Wait,
	/// Requests left to a person (never approved automatically after),
	/// with the escrow key version they were reported at: reported again
	/// after a key change, whose new key must answer anew.
	deferred: std::collections::BTreeMap<EmergencyId, u32>,
	/// The approvals this agent gave: the block and the requesting hospital.
	approved: Vec<(BlockNumber, u32)>,
	/// The escrow key version a sweep over every deposit re-wrapped this
	/// hospital's shares to, with nothing left to try again.
	swept_version: Option<u32>,
	/// The sweep under way.
	sweep: Option<Sweep>,
	/// Deposits (record, serial) whose share this agent cannot open: a
	/// wrong share, or one wrapped to a key its keystore never held.
	unopenable: std::collections::BTreeSet<(RecordId, u64)>,
	/// When a sweep that must be tried again may start.
	backoff: Backoff,
	/// The hospital's current escrow key is not in this keystore (reported
	/// once; [`EscrowAgent::missing_key`]).
	missing_key: bool,
}

/// The wait before a sweep is tried again: from [`RETRY_BLOCKS`] blocks,
/// doubling up to [`MAX_RETRY_BLOCKS`] while sweeps keep failing.
#[derive(Default)]
struct Backoff {
	not_before: BlockNumber,
	blocks: BlockNumber,
}

const RETRY_BLOCKS: BlockNumber = 10;
const MAX_RETRY_BLOCKS: BlockNumber = 600;

/// Why an agent that does not hold its hospital's escrow key still runs.
const KEY_NOT_HELD: &str = "the hospital's escrow key on chain is not in this keystore (a key made with `ehr escrow key --new` not read yet, or made from another copy of the keystore): requests are still answered, shares wrapped to keys it holds still released; a running agent reads its keystore again when the file changes";

/// A pass over every deposit, re-wrapping this hospital's shares to its
/// escrow key `version`.
struct Sweep {
	version: u32,
	/// The last deposit key looked at (`None`: none yet).
	after: Option<Vec<u8>>,
	/// Something failed that the next sweep tries again.
	retry: bool,
}

/// What an agent read of an open request at one proven state.
enum Standing {
	/// It no longer opens its record (what the pallet's `live` checks):
	/// why. Anyone may close it.
	Ended(&'static str),
	/// It is live but ends within [`RELEASE_MARGIN_BLOCKS`]: too soon to
	/// release to.
	EndsSoon,
	/// It is live; with what it names, as read.
	Live(Box<Live>),
}

/// The requester, record and deposit a live request names, as read at the
/// state [`standing`] checked.
struct Live {
	requester: User,
	record: Record,
	deposit: ShareDeposit,
}

/// Whether request `request` still opens its record at proven `state`.
async fn standing(
	state: &Proven,
	request: &Request,
	escrow: &[EscrowKey],
) -> Result<Standing, ChainError> {
	let storage = runtime::storage();
	if request.expires_at <= state.head.number {
		return Ok(Standing::Ended("it expired"));
	}
	let record = state.fetch(storage.ehr_acl().records(), (request.record,)).await?;
	let Some(record) = record.filter(|r| r.key_version == request.key_version) else {
		return Ok(Standing::Ended("the record was re-keyed or removed"));
	};
	let opted_out = state.fetch(storage.emergency().opted_out(), (request.owner,)).await?;
	let opt_outs = state.fetch(storage.emergency().opt_outs(), (request.owner,)).await?;
	if opted_out.is_some() || opt_outs.unwrap_or(0) != request.owner_opt_outs {
		return Ok(Standing::Ended("the patient opted out"));
	}
	let user = state.fetch(storage.ehr_acl().users(), (request.requester,)).await?;
	let registrations =
		state.fetch(storage.ehr_acl().registrations(), (request.requester,)).await?;
	let leaving = state.fetch(storage.ehr_acl().leaving(), (request.requester,)).await?;
	let same = |u: &User| {
		u.role == Role::Doctor
			&& u.org == Some(request.org)
			&& u.enc_key_version == request.requester_key_version
	};
	let Some(requester) = user.filter(|u| {
		same(u) && registrations.unwrap_or(0) == request.registration && leaving.is_none()
	}) else {
		return Ok(Standing::Ended("the requester is no longer the doctor who asked"));
	};
	if !escrow.iter().any(|e| e.org == request.org && e.since == request.org_since) {
		return Ok(Standing::Ended("the requester's hospital left the escrow"));
	}
	let deposit = state.fetch(storage.emergency().deposits(), (request.record,)).await?;
	let Some(deposit) = deposit.filter(|d| d.serial == request.deposit) else {
		return Ok(Standing::Ended("the record's shares were replaced or withdrawn"));
	};
	if request.expires_at <= state.head.number.saturating_add(RELEASE_MARGIN_BLOCKS) {
		return Ok(Standing::EndsSoon);
	}
	Ok(Standing::Live(Box::new(Live { requester, record, deposit })))
}

impl EscrowAgent {
	pub fn new(chain: Client, keys: Keys, policy: Policy, wait: Wait) -> EscrowAgent {
		EscrowAgent {
			chain,
			keys,
			policy,
			wait,
			deferred: Default::default(),
			approved: Vec::new(),
			swept_version: None,
			sweep: None,
			unopenable: Default::default(),
			backoff: Backoff::default(),
			missing_key: false,
		}
	}

	fn account(&self) -> AccountId {
		self.keys.signer.public_key().to_account_id()
	}

	/// Whether the last pass found the hospital's escrow key missing from
	/// this agent's keys: its keystore should be read again.
	pub fn missing_key(&self) -> bool {
		self.missing_key
	}

	/// One pass over the open requests, at the newest proven finalized
	/// state: answers those this hospital holds a share of and has not
	/// answered with its current key (by the policy), releases its share
	/// to those the threshold of hospitals approved, and closes its own
	/// staff's requests that ended. A request that fails does not stop the
	/// others. After an escrow key change, it also re-wraps this
	/// hospital's shares to the new key, a few per pass.
	pub async fn step(&mut self) -> Result<Vec<AgentAction>, EmergencyError> {
		let state = Proven::now(&self.chain).await?;
		let (escrow, _) = escrow_at(&state).await?;
		let me = self.account();
		let mine = escrow.iter().find(|e| e.agent == me).ok_or(EmergencyError::NotAnAgent)?.clone();
		let holds = self.keys.encryption_keys().any(|k| k.public_bytes() == mine.key);
		let mut actions = Vec::new();
		if !holds && !self.missing_key {
			actions.push(AgentAction::KeyNotHeld { org: mine.org, why: KEY_NOT_HELD });
		}
		self.missing_key = !holds;
		let open = open_requests(&state).await?;
		self.deferred.retain(|id, _| open.iter().any(|(open, _)| open == id));
		let since = state.head.number.saturating_sub(APPROVAL_WINDOW_BLOCKS);
		self.approved.retain(|(at, _)| *at > since);
		for (emergency, request) in &open {
			match self.consider(&state, &escrow, &mine, *emergency, request).await {
				Ok(Some(action)) => actions.push(action),
				Ok(None) => {}
				Err(e) => actions
					.push(AgentAction::Failed { emergency: *emergency, error: e.to_string() }),
			}
		}
		// Re-wrapping needs the current key, and an older one to open with.
		let sweep = holds
			&& self.keys.encryption_keys().nth(1).is_some()
			&& self.swept_version != Some(mine.version)
			&& state.head.number >= self.backoff.not_before;
		if sweep {
			actions.extend(self.rewrap_some(&state, &mine).await);
		}
		Ok(actions)
	}

	/// Goes on with the sweep that re-wraps this hospital's shares still
	/// wrapped to a replaced escrow key (`mine` is its current one).
	async fn rewrap_some(&mut self, state: &Proven, mine: &EscrowKey) -> Vec<AgentAction> {
		let mut sweep = self.sweep.take().filter(|s| s.version == mine.version).unwrap_or(Sweep {
			version: mine.version,
			after: None,
			retry: false,
		});
		let mut actions = Vec::new();
		match self.rewrap_page(state, mine, &mut sweep, &mut actions).await {
			Ok(true) if !sweep.retry => {
				self.swept_version = Some(mine.version);
				self.backoff = Backoff::default();
			}
			// What failed is tried again by a new sweep, later and later.
			Ok(true) => {
				let blocks = (self.backoff.blocks * 2).clamp(RETRY_BLOCKS, MAX_RETRY_BLOCKS);
				let not_before = state.head.number.saturating_add(blocks);
				self.backoff = Backoff { not_before, blocks };
			}
			Ok(false) => self.sweep = Some(sweep),
			Err(e) => {
				actions.push(AgentAction::RewrapFailed { record: None, error: e.to_string() });
				self.sweep = Some(sweep);
			}
		}
		actions
	}

	/// One page of `sweep`: the next [`REWRAP_PAGE`] deposits, at most
	/// [`REWRAPS_PER_PASS`] shares re-wrapped in one submission; whether it
	/// reached the end. The page's shares that need it are re-wrapped, or
	/// reported, before the sweep moves past them.
	async fn rewrap_page(
		&mut self,
		state: &Proven,
		mine: &EscrowKey,
		sweep: &mut Sweep,
		actions: &mut Vec<AgentAction>,
	) -> Result<bool, EmergencyError> {
		let address = runtime::storage().emergency().deposits();
		let prefix = state.prefix(address.clone(), ())?;
		let keys = state.keys_after(&prefix, ID_TAIL, sweep.after.as_deref(), REWRAP_PAGE).await?;
		let values = state.fetch_keys(&keys).await?;
		let mut at_end = keys.len() < REWRAP_PAGE as usize;
		let (mut after, mut calls) = (sweep.after.clone(), Vec::new());
		for (key, value) in keys.iter().zip(values) {
			if calls.len() == REWRAPS_PER_PASS {
				at_end = false;
				break;
			}
			let value =
				value.ok_or_else(Unverified::listed_but_absent).map_err(ChainError::from)?;
			let deposit: ShareDeposit = state.decode(&address, &value)?;
			let id = u64_suffix(key)?;
			after = Some(key.clone());
			let Some(share) = deposit.shares.0.iter().find(|s| {
				s.org == mine.org
					&& s.escrow_key_version != mine.version
					&& !self.unopenable.contains(&(id, deposit.serial))
			}) else {
				continue;
			};
			match self.rewrap_call(state, mine, id, &deposit, share).await {
				Ok(Some(call)) => calls.push((id, call)),
				// The deposit opens nothing any more.
				Ok(None) => {}
				Err(e @ EmergencyError::ShareNotForYou { .. }) => {
					self.unopenable.insert((id, deposit.serial));
					actions
						.push(AgentAction::RewrapFailed { record: Some(id), error: e.to_string() });
				}
				Err(e) => return Err(e),
			}
		}
		if !calls.is_empty() {
			let mut batch = crate::chain::Batch::new(&self.chain, &self.keys.signer).await?;
			calls.iter().for_each(|(_, call)| batch.push(call));
			for ((id, _), outcome) in calls.iter().zip(batch.submit(self.wait).await) {
				match outcome {
					Ok(_) => actions.push(AgentAction::Rewrapped {
						record: *id,
						escrow_key_version: mine.version,
					}),
					// Replaced or removed meanwhile (a new deposit is wrapped
					// to the current key, a new key starts a new sweep), or
					// re-wrapped by another process of this agent.
					Err(e)
						if matches!(
							e.pallet_error(),
							Some("DepositChanged" | "NoShares" | "NoShareHeld" | "ShareCurrent")
						) => {}
					Err(e) => {
						sweep.retry = true;
						actions.push(AgentAction::RewrapFailed {
							record: Some(*id),
							error: e.to_string(),
						});
					}
				}
			}
		}
		sweep.after = after;
		Ok(at_end)
	}

	/// The call that replaces this hospital's `share` of record `id`'s
	/// `deposit`, opened with a replaced escrow key, by the same share
	/// wrapped to its current one (`mine`); `None` if the deposit opens
	/// nothing any more (the record was re-keyed or removed).
	async fn rewrap_call(
		&self,
		state: &Proven,
		mine: &EscrowKey,
		id: RecordId,
		deposit: &ShareDeposit,
		share: &types::Share,
	) -> Result<Option<impl subxt::transactions::Payload>, EmergencyError> {
		let record = state.fetch(runtime::storage().ehr_acl().records(), (id,)).await?;
		let Some(record) = record.filter(|r| r.key_version == deposit.key_version) else {
			return Ok(None);
		};
		let genesis_hash = self.chain.genesis_hash().0;
		let context = |escrow_key_version| WrapContext::EscrowShare {
			genesis_hash,
			owner: record.owner.0,
			ciphertext_digest: record.ciphertext_digest,
			key_version: deposit.key_version,
			org: share.org,
			escrow_key_version,
			x: share.index,
		};
		let opened =
			open_with_any(&self.keys, &share.wrapped.0, &context(share.escrow_key_version))
				.map_err(|cause| EmergencyError::ShareNotForYou { org: share.org, cause })?;
		let wrapped = wrap::wrap(&opened, &mine.key, &context(mine.version), &mut os_rng())
			.map_err(|_| RecordError::UnusableKey(mine.agent))?;
		Ok(Some(runtime::transactions().emergency().rewrap_share(
			id,
			deposit.serial,
			mine.version,
			BoundedVec(wrapped),
		)))
	}

	async fn consider(
		&mut self,
		state: &Proven,
		escrow: &[EscrowKey],
		mine: &EscrowKey,
		emergency: EmergencyId,
		request: &Request,
	) -> Result<Option<AgentAction>, EmergencyError> {
		let emergency_calls = runtime::transactions().emergency();
		let live = match standing(state, request, escrow).await? {
			Standing::Live(live) => live,
			// Expired and stale requests anyone may close; this hospital
			// closes its own staff's (others' are theirs to close).
			Standing::Ended(why) if request.org == mine.org => {
				let call = emergency_calls.close_emergency(emergency);
				return Ok(Some(
					self.run(emergency, &call, AgentAction::Closed { emergency, why }).await,
				));
			}
			Standing::Ended(_) | Standing::EndsSoon => return Ok(None),
		};
		let Some(share) = live.deposit.shares.0.iter().find(|s| s.org == mine.org) else {
			return Ok(None);
		};
		let answered = request
			.answers
			.0
			.iter()
			.find(|a| a.org == mine.org && a.escrow_key_version == mine.version);
		match answered {
			None => {
				let decided = match self.deferred.contains_key(&emergency) {
					true => None,
					false => self.decide(request),
				};
				let Some((approve, why)) = decided else {
					if self.deferred.insert(emergency, mine.version) != Some(mine.version) {
						let why = "left to a person: `ehr escrow answer`";
						return Ok(Some(AgentAction::Deferred { emergency, why }));
					}
					return Ok(None);
				};
				let call = emergency_calls.answer_emergency(emergency, approve);
				let done = AgentAction::Answered { emergency, approved: approve, why };
				let action = self.run(emergency, &call, done).await;
				if approve && matches!(action, AgentAction::Answered { .. }) {
					self.approved.push((state.head.number, request.org));
				}
				Ok(Some(action))
			}
			Some(answer)
				if answer.approve
					&& approvals(request, escrow) >= u32::from(request.threshold)
					&& request.released.0.iter().all(|r| r.org != mine.org) =>
			{
				let wrapped = self.share_for_requester(emergency, request, &live, share)?;
				let call = emergency_calls.release_share(emergency, BoundedVec(wrapped));
				let done = AgentAction::Released { emergency, to: request.requester };
				Ok(Some(self.run(emergency, &call, done).await))
			}
			Some(_) => Ok(None),
		}
	}

	/// The policy's answer to live `request` (`None`: a person decides).
	/// [`standing`] checked that its requester is still the registered
	/// doctor of the requesting hospital who asked.
	fn decide(&self, request: &Request) -> Option<(bool, &'static str)> {
		match self.policy {
			Policy::Manual => None,
			Policy::Refuse => Some((false, "this hospital's policy refuses emergency requests")),
			Policy::Approve => {
				let approved_from_there =
					self.approved.iter().filter(|(_, org)| *org == request.org).count();
				(approved_from_there < MAX_APPROVED_PER_HOSPITAL).then_some((
					true,
					"the requester is a registered doctor of the requesting hospital",
				))
			}
		}
	}

	/// This hospital's `share` opened with its escrow key (or a retired one)
	/// and wrapped again to the key the requester asked with ([`standing`]
	/// checked that it is still the requester's).
	fn share_for_requester(
		&self,
		emergency: EmergencyId,
		request: &Request,
		live: &Live,
		share: &types::Share,
	) -> Result<Vec<u8>, EmergencyError> {
		let (user, record) = (&live.requester, &live.record);
		let genesis_hash = self.chain.genesis_hash().0;
		let context = WrapContext::EscrowShare {
			genesis_hash,
			owner: request.owner.0,
			ciphertext_digest: record.ciphertext_digest,
			key_version: request.key_version,
			org: share.org,
			escrow_key_version: share.escrow_key_version,
			x: share.index,
		};
		let opened = open_with_any(&self.keys, &share.wrapped.0, &context)
			.map_err(|cause| EmergencyError::ShareNotForYou { org: share.org, cause })?;
		let to = WrapContext::EmergencyShare {
			genesis_hash,
			emergency,
			key_version: request.key_version,
			x: share.index,
		};
		Ok(wrap::wrap(&opened, &user.enc_key, &to, &mut os_rng())
			.map_err(|_| RecordError::UnusableKey(request.requester))?)
	}

	/// Submits `call`: `done` if the chain took it, else what failed.
	async fn run<Call: subxt::transactions::Payload>(
		&self,
		emergency: EmergencyId,
		call: &Call,
		done: AgentAction,
	) -> AgentAction {
		match crate::chain::submit(&self.chain, call, &self.keys.signer, self.wait).await {
			Ok(_) => done,
			Err(e) => AgentAction::Failed { emergency, error: e.to_string() },
		}
	}
}

/// Opens `wrapped` with the keystore's current key or a retired one.
fn open_with_any(
	keys: &Keys,
	wrapped: &[u8],
	context: &WrapContext,
) -> Result<DataKey, wrap::UnwrapError> {
	let mut last = wrap::UnwrapError::NotForThisKeyOrContext;
	for key in keys.encryption_keys() {
		match wrap::unwrap(wrapped, key, context) {
			Ok(opened) => return Ok(opened),
			Err(e) => last = e,
		}
	}
	Err(last)
}

/// The approvals of `request` that count: given by a hospital still holding
/// the escrow key it answered with.
fn approvals(request: &Request, escrow: &[EscrowKey]) -> u32 {
	request
		.answers
		.0
		.iter()
		.filter(|a| {
			a.approve && escrow.iter().any(|e| e.org == a.org && e.version == a.escrow_key_version)
		})
		.count() as u32
}

/// Answers request `emergency` for the hospital whose agent `signer` is (a
/// person's decision under [`Policy::Manual`]).
pub async fn answer(
	client: &Client,
	signer: &Keypair,
	emergency: EmergencyId,
	approve: bool,
	wait: Wait,
) -> Result<(), EmergencyError> {
	let call = runtime::transactions().emergency().answer_emergency(emergency, approve);
	crate::chain::submit(client, &call, signer, wait).await?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_wrong_share_does_not_hide_the_key_the_others_rebuild() {
		let key = DataKey::generate(&mut os_rng());
		let mut sealed = Vec::new();
		envelope::encrypt(&key, 1024, [3; 16], &mut &b"allergies"[..], &mut sealed).unwrap();
		let header: [u8; HEADER_LEN] = sealed[..HEADER_LEN].try_into().unwrap();
		let mut shares = shamir::split(&key, 3, &[1, 2, 3, 4, 5], &mut os_rng()).unwrap();
		// A hostile hospital's share, first in line.
		shares[0].y[0] ^= 1;
		let found = opening_key(&shares, 3, &header).expect("found among the others");
		assert_eq!(found.as_bytes(), key.as_bytes());
		// Two wrong shares of four leave no three that open it.
		shares[1].y[5] ^= 1;
		assert!(opening_key(&shares[..4], 3, &header).is_none());
		// Every share right, k = n and k = 2 both work.
		let shares = shamir::split(&key, 2, &[7, 9], &mut os_rng()).unwrap();
		assert!(opening_key(&shares, 2, &header).is_some());
		assert!(opening_key(&shares, 3, &header).is_none());
	}
}
