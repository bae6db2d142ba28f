//! The record workflows that combine the three parts: encrypt locally, store
//! the ciphertext in IPFS, and write or read its access list on chain.
//!
//! Order matters for safety: ciphertext is pinned before the chain record is
//! written (a chain failure unpins it again), and on reading the digest on
//! chain is checked before anything is decrypted; plaintext reaches the
//! output path only after every chunk authenticated.

use crate::{
	chain::{
		self, query,
		runtime::{
			self,
			runtime_types::{bounded_collections::bounded_vec::BoundedVec, pallet_ehr_acl::types},
		},
		AccountId, ChainError, Client, Wait,
	},
	contacts::{ContactError, Contacts},
	crypto::{
		envelope::{self, EnvelopeError, DEFAULT_CHUNK_SIZE},
		os_rng,
		wrap::{self, UnwrapError, WrapContext},
		DataKey,
	},
	keystore::{Keys, KeystoreError},
	progress::{Progress, Reported},
	storage::{Ipfs, StorageError, Stored},
};
use rand_core::RngCore;
use std::{
	fs::File,
	io::{BufReader, BufWriter, Read},
	path::{Path, PathBuf},
	sync::Arc,
};

pub use crate::chain::{
	query::{BlockNumber, Grant, Record, RecordId, RecordView, User},
	Access, RecordKind, Role,
};
type NewContent = types::NewContent<AccountId>;
type NewReader = types::NewReader<AccountId, BlockNumber>;

/// A reader's encryption key and its version, as the chain holds them.
pub type Recipient = ([u8; 32], u32);

/// Most readers `record add --share` can name: the chain takes them in the
/// same call as the record.
pub const MAX_INITIAL_READERS: usize = 16;

/// Most readers one grant call gives access to (a care team).
pub const MAX_GRANTED_AT_ONCE: usize = 16;

/// Most records one call logs reads of; more are logged in several calls.
pub const MAX_LOGGED_READS: usize = 64;

/// How often a call built on a view of a record that changed before it
/// landed (re-keyed, readers added or removed) is rebuilt and sent again.
pub const STALE_RETRIES: usize = 4;

/// Largest record accepted (64 GiB: a whole-slide image or a CT series).
pub const MAX_RECORD_BYTES: u64 = 64 << 30;

/// Opens `path` as a record's content: a regular file of at most
/// [`MAX_RECORD_BYTES`]. Returns it with its length.
pub fn open_input(path: &Path) -> Result<(File, u64), RecordError> {
	let bad = |reason: String| RecordError::BadInput(path.display().to_string(), reason);
	let file = File::open(path).map_err(|e| bad(e.to_string()))?;
	let meta = file.metadata().map_err(|e| bad(e.to_string()))?;
	if !meta.is_file() {
		return Err(bad("not a regular file".into()));
	}
	if meta.len() > MAX_RECORD_BYTES {
		return Err(bad(format!(
			"{} bytes is more than the {} GiB a record may hold",
			meta.len(),
			MAX_RECORD_BYTES >> 30
		)));
	}
	Ok((file, meta.len()))
}

/// Why a record operation failed; each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
	#[error(transparent)]
	Chain(Box<ChainError>),
	#[error(transparent)]
	Storage(#[from] StorageError),
	#[error("cannot read or write a local file: {0}")]
	Io(#[from] std::io::Error),
	#[error("cannot read {0} as a record: {1}")]
	BadInput(String, String),
	#[error("record {0} does not exist")]
	RecordNotFound(RecordId),
	#[error("{0} is not registered on chain: register first (`ehr user register`)")]
	NotRegistered(AccountId),
	#[error("you hold no grant on record {0}: ask its owner (`ehr access request {0}`)")]
	NoGrant(RecordId),
	#[error("your grant on record {0} has expired: ask its owner to renew it")]
	GrantExpired(RecordId),
	#[error("record {0} was re-keyed after your grant was written: your access was revoked or not renewed")]
	GrantOutdated(RecordId),
	#[error("only the owner or a ReadWrite grantee may change record {0}")]
	NotAllowedToWrite(RecordId),
	#[error("only the owner of record {0} may do this")]
	NotOwner(RecordId),
	#[error("the key wrapped for you on record {0} does not open with your keystore: {1}")]
	Unwrap(RecordId, UnwrapError),
	#[error("the ciphertext of record {0} failed authentication: {1}")]
	Envelope(RecordId, EnvelopeError),
	#[error("record {0} kept changing (re-keyed, its readers changed, or a reader rotated its encryption key) while this call was built; tried {STALE_RETRIES} times: look with `ehr access list {0}` (a reader whose key keeps changing can be revoked) and try again")]
	KeptChanging(RecordId),
	#[error("record {0} got new content (version {1}) while your update was on its way, and yours was not applied: read it and update again")]
	ChangedMeanwhile(RecordId, u32),
	#[error("a record can be shared with at most {MAX_INITIAL_READERS} readers as it is added ({0} given); grant the rest with `ehr access grant`")]
	TooManyReaders(usize),
	#[error("one grant gives access to 1 to {MAX_GRANTED_AT_ONCE} readers ({0} given); grant the rest in another")]
	GrantCount(usize),
	#[error("{0} is named twice in one call: name it once")]
	NamedTwice(String),
	#[error("{1}; its ciphertext stays pinned at {0} in case the call landed: look with `ehr record list` before retrying")]
	Unconfirmed(String, Box<ChainError>),
	#[error("this node keeps state only from block {available_from} on: history from block {from} needs an archive node (started with `--state-pruning archive`); point --node at one, or pass --since {available_from}")]
	HistoryPruned { from: u64, available_from: u64 },
	#[error("the encryption key {0} registered on chain is not usable for key agreement (a low-order X25519 point): nothing was wrapped for it; that account must rotate its key (`ehr user rotate-key`)")]
	UnusableKey(AccountId),
	#[error("the encryption key registered on chain for {account} (0x{on_chain}) is not the one in this keystore; nothing was signed. {}", if *.unfinished { "A rotation of this keystore was interrupted before the chain took its new key: `ehr user rotate-key` finishes it" } else { "It was rotated from another device (use that device's keystore), or this keystore is older" })]
	KeyNotOnChain { account: AccountId, on_chain: String, unfinished: bool },
	#[error("the chain holds an encryption key for {account} (0x{on_chain}) that this keystore never had: it was rotated from another device, whose keystore opens what is wrapped for it; use that keystore. Only if that key is lost, run `ehr user rotate-key --replace-unknown-key`: what only that key opens stays unreadable, and the other device is locked out")]
	UnknownKeyOnChain { account: AccountId, on_chain: String },
	#[error("revoked {from} on record {id}, but the record was not re-encrypted, so a data key {from} kept still opens its current content: {cause}. Once that is resolved, run `ehr record rekey {id}`")]
	RevokedNotRotated { id: RecordId, from: AccountId, cause: Box<RecordError> },
	#[error("not a consent file (`ehr user consent` output): {0}")]
	BadConsent(String),
	#[error("this consent was given for registration number {consent} of {account}, which has been registered {registered} times: it was used (or is for a later registration); ask the account for a new consent")]
	ConsentUsed { account: AccountId, consent: u32, registered: u32 },
	#[error("the consent was signed for the chain with genesis 0x{consent}, not this one (0x{chain}): ask for a consent to this chain")]
	ConsentForAnotherChain { consent: String, chain: String },
	#[error("the consent is for hospital {consent}, and this keystore is {}: only that hospital's registrar may submit it", match .org { Some(org) => format!("a registrar of hospital {org}"), None => "no registrar".to_string() })]
	ConsentForAnotherHospital { consent: u32, org: Option<u32> },
	#[error("the keystore could not be saved, and no key was rotated: {0}")]
	Keystore(#[from] KeystoreError),
	#[error(transparent)]
	Contact(#[from] ContactError),
	#[error("cannot use the rotation journal {0}: {1}")]
	Journal(String, String),
}

/// Any subxt failure (connection, storage, decoding) as a record error.
pub fn rpc(e: impl Into<subxt::Error>) -> RecordError {
	ChainError::from(e.into()).into()
}

impl From<ChainError> for RecordError {
	fn from(e: ChainError) -> Self {
		RecordError::Chain(Box::new(e))
	}
}

impl RecordError {
	/// The call was built on a view of the record that changed before it
	/// landed: it changed nothing, and building it again may succeed.
	fn is_stale(&self) -> bool {
		matches!(self, RecordError::Chain(e)
			if matches!(e.pallet_error(), Some("StaleKeyVersion" | "ReadersChanged" | "ReaderKeyRotated")))
	}
}

/// An owner's answer to an access request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
	/// Grant what is asked when the call lands (`None`), or the level
	/// named: `Some(Read)` to a request for ReadWrite; never more than asked
	/// (the chain refuses it). Front ends name the level they showed.
	Approve(Option<Access>),
	Deny,
}

/// What [`Session::revoke`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revocation {
	/// The grant (and what it delegated) was taken away.
	Revoked,
	/// The account held no grant (a revocation interrupted before its
	/// rotation, or no access to begin with): the record was only
	/// re-encrypted under a fresh key.
	RotatedOnly,
}

/// An open connection to the chain and IPFS, acting as one keystore's owner.
pub struct Session {
	pub chain: Client,
	pub ipfs: Ipfs,
	pub keys: Keys,
	/// Told how far each encryption and decryption got (`None`: nobody
	/// is watching).
	pub progress: Option<Arc<dyn Progress>>,
	/// The encryption keys this keystore pinned for other accounts (trust
	/// on first use). `None` turns the check off: data keys are wrapped for
	/// whatever key the chain proves (benchmarks, tests of other things).
	pub contacts: Option<Contacts>,
	/// How long each call waits: in a block, or finalized.
	pub wait: Wait,
}

impl Session {
	pub fn account(&self) -> AccountId {
		self.keys.signer.public_key().to_account_id()
	}

	/// What a key wrapped for `owner`'s record holding `digest`'s
	/// ciphertext at `key_version` is bound to.
	fn context(&self, owner: &AccountId, digest: [u8; 32], key_version: u32) -> WrapContext {
		WrapContext::V2 {
			genesis_hash: self.chain.genesis_hash().0,
			owner: owner.0,
			ciphertext_digest: digest,
			key_version,
		}
	}

	/// `data_key` wrapped to `who`'s encryption key `key` for `context`, as
	/// the chain stores it.
	fn wrap_for(
		data_key: &DataKey,
		(who, key): (&AccountId, &[u8; 32]),
		context: &WrapContext,
	) -> Result<BoundedVec<u8>, RecordError> {
		let wrapped = wrap::wrap(data_key, key, context, &mut os_rng())
			.map_err(|_| RecordError::UnusableKey(*who))?;
		Ok(BoundedVec(wrapped))
	}

	/// Runs `attempt` again while it fails because the record changed under
	/// it (each attempt reads the record afresh), at most [`STALE_RETRIES`]
	/// times.
	pub(crate) async fn retry_stale<T, F: std::future::Future<Output = Result<T, RecordError>>>(
		id: RecordId,
		mut attempt: impl FnMut() -> F,
	) -> Result<T, RecordError> {
		for _ in 0..STALE_RETRIES {
			match attempt().await {
				Err(e) if e.is_stale() => continue,
				done => return done,
			}
		}
		Err(RecordError::KeptChanging(id))
	}

	pub(crate) async fn submit<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
	) -> Result<chain::Events, RecordError> {
		Ok(chain::submit(&self.chain, call, &self.keys.signer, self.wait).await?)
	}

	pub(crate) async fn encryption_key_of(&self, who: &AccountId) -> Result<[u8; 32], RecordError> {
		let user = query::user(&self.chain, who).await?;
		Ok(user.ok_or_else(|| RecordError::NotRegistered(*who))?.enc_key)
	}

	/// `who`'s encryption key from the chain, to wrap a data key for: see
	/// [`Self::recipient_keys`].
	async fn recipient_key(&self, who: &AccountId) -> Result<Recipient, RecordError> {
		Ok(self.recipient_keys(std::slice::from_ref(who)).await?[0])
	}

	/// The encryption keys of `whos` from the chain (proven at one block),
	/// to wrap a data key for: refused if one is not registered, if nothing
	/// can be wrapped for its key, or (for another account, with contacts)
	/// if it is not the key this keystore pinned for it. Each with its key
	/// version, which the call names (the chain refuses a key wrapped for a
	/// version the reader has rotated away from).
	pub(crate) async fn recipient_keys(
		&self,
		whos: &[AccountId],
	) -> Result<Vec<Recipient>, RecordError> {
		let users = query::users(&self.chain, whos).await?;
		let me = self.account();
		whos.iter()
			.zip(users)
			.map(|(who, user)| {
				let user = user.ok_or(RecordError::NotRegistered(*who))?;
				let key = user.enc_key;
				wrap::check_recipient(&key, &mut os_rng())
					.map_err(|_| RecordError::UnusableKey(*who))?;
				if let Some(contacts) = self.contacts.as_ref().filter(|_| *who != me) {
					contacts.check(who, &key)?;
				}
				Ok((key, user.enc_key_version))
			})
			.collect()
	}

	/// Goes on only if the chain holds this keystore's encryption key for
	/// this account: otherwise what is wrapped for the account would not
	/// open with the keystore (an old keystore, or a key rotated from
	/// another device), and nothing should be signed or wrapped.
	pub(crate) async fn ensure_own_key(&self) -> Result<(), RecordError> {
		let me = self.account();
		let on_chain = self.encryption_key_of(&me).await?;
		if on_chain != self.keys.encryption.public_bytes() {
			let unfinished = self.keys.retired.iter().any(|k| k.public_bytes() == on_chain);
			return Err(RecordError::KeyNotOnChain {
				account: me,
				on_chain: hex::encode(on_chain),
				unfinished,
			});
		}
		Ok(())
	}

	/// Encrypts `input` (`len` bytes) under `data_key` and pins the
	/// ciphertext in IPFS as it is produced: the storage half of
	/// [`Session::add_record`]. Nothing is written to disk.
	pub async fn seal_and_store(
		&self,
		data_key: &DataKey,
		input: impl Read + Send + 'static,
		len: u64,
	) -> Result<Stored, RecordError> {
		let mut salt = [0u8; 16];
		os_rng().fill_bytes(&mut salt);
		let (key, progress) = (data_key.clone(), self.progress.clone());
		let (stored, sealed) = self
			.ipfs
			.add_pinned_from(move |out| {
				let mut input = Reported::new(BufReader::new(input), progress, "encrypt", len);
				envelope::encrypt(&key, DEFAULT_CHUNK_SIZE, salt, &mut input, &mut { out })
			})
			.await?;
		if let Err(e) = sealed {
			// A truncated envelope must not stay pinned.
			let _ = self.ipfs.unpin(&stored.cid).await;
			return Err(match e {
				EnvelopeError::Io(io) => RecordError::Io(io),
				other => RecordError::Envelope(0, other),
			});
		}
		Ok(stored)
	}

	/// Fetches record `id`'s ciphertext into a temporary file next to `near`
	/// and checks it against the digest on chain.
	async fn fetch_verified(
		&self,
		record: &Record,
		near: &Path,
	) -> Result<tempfile::NamedTempFile, RecordError> {
		let sealed = tempfile::NamedTempFile::new_in(near)?;
		let cid = String::from_utf8_lossy(&record.cid.0).into_owned();
		let (digest, _) = self.ipfs.cat_into(&cid, &mut BufWriter::new(sealed.as_file())).await?;
		if digest != record.ciphertext_digest {
			return Err(StorageError::DigestMismatch {
				expected: hex::encode(record.ciphertext_digest),
				actual: hex::encode(digest),
			}
			.into());
		}
		Ok(sealed)
	}

	/// Runs `op` and unpins `stored` if it fails: nothing on chain points at
	/// the ciphertext then, so it must not stay pinned. Unless the call was
	/// submitted and the node went away before saying whether it landed:
	/// then a chain record may point at the ciphertext, and it stays.
	pub(crate) async fn or_unpin<T>(
		&self,
		stored: &Stored,
		op: impl std::future::Future<Output = Result<T, RecordError>>,
	) -> Result<T, RecordError> {
		match op.await {
			Err(RecordError::Chain(e)) if matches!(*e, ChainError::OutcomeUnknown(_)) => {
				Err(RecordError::Unconfirmed(stored.cid.clone(), e))
			}
			Err(e) => {
				let _ = self.ipfs.unpin(&stored.cid).await;
				Err(e)
			}
			ok => ok,
		}
	}

	/// Encrypts `file`, pins the ciphertext, and records it on chain as owned
	/// by `patient` (the caller, or a patient whose record `via` the caller
	/// holds ReadWrite on), with a grant for each reader in `share` in the
	/// same call: the record never exists without them. Returns the id the
	/// chain gave the record.
	pub async fn add_record(
		&self,
		patient: &AccountId,
		file: &Path,
		kind: RecordKind,
		via: Option<RecordId>,
		share: &[(AccountId, Access)],
	) -> Result<RecordId, RecordError> {
		if share.len() > MAX_INITIAL_READERS {
			return Err(RecordError::TooManyReaders(share.len()));
		}
		let (input, len) = open_input(file)?;
		self.ensure_own_key().await?;
		let mut whos: Vec<AccountId> = share.iter().map(|(reader, _)| *reader).collect();
		whos.extend([*patient, self.account()]);
		let mut keys = self.recipient_keys(&whos).await?;
		let my_key = keys.pop().expect("this account's key");
		let owner_key = keys.pop().expect("the patient's key");
		let reader_keys: Vec<_> = share
			.iter()
			.zip(keys)
			.map(|((reader, access), key)| (*reader, access.clone(), key))
			.collect();
		let data_key = DataKey::generate(&mut os_rng());
		let stored = self.seal_and_store(&data_key, input, len).await?;
		self.or_unpin(&stored, async {
			// Everything the keys are bound to is known before the call lands.
			let context = self.context(patient, stored.digest, 1);
			let readers = reader_keys
				.iter()
				.map(|(reader, access, (key, version))| {
					Ok(NewReader {
						reader: *reader,
						access: access.clone(),
						wrapped_key: Self::wrap_for(&data_key, (reader, key), &context)?,
						reader_key_version: *version,
						expires_at: None,
					})
				})
				.collect::<Result<_, RecordError>>()?;
			let author_key = match via {
				Some(via) => Some((
					via,
					my_key.1,
					Self::wrap_for(&data_key, (&self.account(), &my_key.0), &context)?,
				)),
				None => None,
			};
			let call = runtime::transactions().ehr_acl().add_record(
				*patient,
				BoundedVec(stored.cid.clone().into_bytes()),
				stored.digest,
				kind,
				(owner_key.1, Self::wrap_for(&data_key, (patient, &owner_key.0), &context)?),
				author_key,
				BoundedVec(readers),
			);
			let events = self.submit(&call).await?;
			let added = crate::chain::first_event::<runtime::ehr_acl::events::RecordAdded>(
				&events,
				"EhrAcl.RecordAdded",
			)?;
			Ok(added.id)
		})
		.await
	}

	/// Record `id` as the best block has it, with the data key this
	/// account's current grant opens.
	pub(crate) async fn my_data_key(
		&self,
		id: RecordId,
	) -> Result<(RecordView, DataKey), RecordError> {
		self.ensure_own_key().await?;
		let view = query::record(&self.chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
		let (data_key, _) = self.open_grant(&view)?;
		Ok((view, data_key))
	}

	/// The data key this account's grant in `view` wraps, opened with the
	/// keystore's current key or, if it was wrapped before a rotation, a
	/// retired one; with whether the current key opened it.
	pub(crate) fn open_grant(&self, view: &RecordView) -> Result<(DataKey, bool), RecordError> {
		let id = view.id;
		let grant = view.grant_of(&self.account()).ok_or(RecordError::NoGrant(id))?;
		if grant.expires_at.is_some_and(|at| view.block >= at) {
			return Err(RecordError::GrantExpired(id));
		}
		let record = &view.record;
		if grant.key_version != record.key_version {
			return Err(RecordError::GrantOutdated(id));
		}
		let context = self.context(&record.owner, record.ciphertext_digest, grant.key_version);
		let mut last = UnwrapError::NotForThisKeyOrContext;
		for (n, key) in self.keys.encryption_keys().enumerate() {
			match wrap::unwrap(&grant.wrapped_key.0, key, &context) {
				Ok(data_key) => return Ok((data_key, n == 0)),
				Err(e) => last = e,
			}
		}
		Err(RecordError::Unwrap(id, last))
	}

	/// New content `stored` for the record in `view`, its data key wrapped
	/// for every reader that keeps access (see
	/// [`RecordView::readers_after_rekey`]), built on the view's key version.
	pub(crate) async fn new_content(
		&self,
		view: &RecordView,
		(cid, digest): (&str, [u8; 32]),
		data_key: &DataKey,
		leaving: Option<&AccountId>,
	) -> Result<NewContent, RecordError> {
		let record = &view.record;
		let context = self.context(&record.owner, digest, record.key_version + 1);
		let readers = view.readers_after_rekey(leaving);
		let their_keys = self.recipient_keys(&readers).await?;
		let keys = readers
			.iter()
			.zip(&their_keys)
			.map(|(reader, (key, version))| {
				Ok((*reader, *version, Self::wrap_for(data_key, (reader, key), &context)?))
			})
			.collect::<Result<Vec<_>, RecordError>>()?;
		Ok(types::NewContent {
			based_on: record.key_version,
			cid: BoundedVec(cid.as_bytes().to_vec()),
			ciphertext_digest: digest,
			keys: BoundedVec(keys),
		})
	}

	/// Replaces record `id`'s content with `file` under a fresh data key,
	/// wrapped for every current reader. If the record is re-keyed or its
	/// readers change before the call lands, the keys are wrapped again for
	/// the record as it is then (the ciphertext stays); if someone else
	/// updated its content meanwhile, nothing is overwritten and the update
	/// fails with [`RecordError::ChangedMeanwhile`]. Returns the new version.
	pub async fn update_record(&self, id: RecordId, file: &Path) -> Result<u32, RecordError> {
		let (view, _) = self.my_data_key(id).await?;
		let me = self.account();
		if view.record.owner != me
			&& view.grant_of(&me).map(|g| &g.access) != Some(&Access::ReadWrite)
		{
			return Err(RecordError::NotAllowedToWrite(id));
		}
		let (input, len) = open_input(file)?;
		// Every reader's key can be wrapped for before anything is uploaded.
		self.recipient_keys(&view.readers_after_rekey(None)).await?;
		let data_key = DataKey::generate(&mut os_rng());
		let stored = self.seal_and_store(&data_key, input, len).await?;
		let based_on = view.record.version;
		let replaced = self
			.or_unpin(
				&stored,
				Self::retry_stale(id, || async {
					let (view, _) = self.my_data_key(id).await?;
					if view.record.version != based_on {
						return Err(RecordError::ChangedMeanwhile(id, view.record.version));
					}
					let content = self
						.new_content(&view, (&stored.cid, stored.digest), &data_key, None)
						.await?;
					self.submit(&runtime::transactions().ehr_acl().update_record(id, content))
						.await?;
					Ok(view.record)
				}),
			)
			.await?;
		self.unpin_replaced(&replaced, &stored).await;
		Ok(replaced.version + 1)
	}

	/// Unpins the ciphertext `replaced` pointed at, now that nothing current
	/// does (unless the new content is the same bytes).
	pub(crate) async fn unpin_replaced(&self, replaced: &Record, stored: &Stored) {
		let old_cid = String::from_utf8_lossy(&replaced.cid.0);
		if old_cid != stored.cid {
			let _ = self.ipfs.unpin(&old_cid).await;
		}
	}

	/// Removes record `id` and every grant on it, then unpins its ciphertext.
	pub async fn remove_record(&self, id: RecordId) -> Result<(), RecordError> {
		let view = query::record(&self.chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
		if view.record.owner != self.account() {
			return Err(RecordError::NotOwner(id));
		}
		self.submit(&runtime::transactions().ehr_acl().remove_record(id)).await?;
		self.ipfs.unpin(&String::from_utf8_lossy(&view.record.cid.0)).await?;
		Ok(())
	}

	/// Gives each of `to` `access` to record `id` (for a delegate: Read,
	/// expiring with its own grant), until `expires_at`: one call for the
	/// whole team (`grant_access`, or `grant_access_many` for several), so
	/// either all of them get access or none does.
	pub async fn grant(
		&self,
		id: RecordId,
		to: &[AccountId],
		access: Access,
		expires_at: Option<BlockNumber>,
	) -> Result<(), RecordError> {
		if to.is_empty() || to.len() > MAX_GRANTED_AT_ONCE {
			return Err(RecordError::GrantCount(to.len()));
		}
		if let Some((_, twice)) = to.iter().enumerate().find(|(i, who)| to[..*i].contains(who)) {
			return Err(RecordError::NamedTwice(twice.to_string()));
		}
		Self::retry_stale(id, || async {
			let keys = self.recipient_keys(to).await?;
			let (view, data_key) = self.my_data_key(id).await?;
			let r = &view.record;
			let context = self.context(&r.owner, r.ciphertext_digest, r.key_version);
			let mut readers = to
				.iter()
				.zip(&keys)
				.map(|(reader, (key, version))| {
					Ok(NewReader {
						reader: *reader,
						access: access.clone(),
						wrapped_key: Self::wrap_for(&data_key, (reader, key), &context)?,
						reader_key_version: *version,
						expires_at,
					})
				})
				.collect::<Result<Vec<_>, RecordError>>()?;
			let acl = runtime::transactions().ehr_acl();
			if readers.len() == 1 {
				let one = readers.remove(0);
				let call = acl.grant_access(
					id,
					one.reader,
					one.access,
					one.wrapped_key,
					r.key_version,
					one.reader_key_version,
					one.expires_at,
				);
				self.submit(&call).await?;
				return Ok(());
			}
			self.submit(&acl.grant_access_many(id, r.key_version, BoundedVec(readers))).await?;
			Ok(())
		})
		.await
	}

	/// Drops this account's own grant on record `id` (and whatever it
	/// delegated from it).
	pub async fn renounce(&self, id: RecordId) -> Result<(), RecordError> {
		self.submit(&runtime::transactions().ehr_acl().renounce_grant(id)).await?;
		Ok(())
	}

	/// Takes `from`'s access to record `id` away, with every grant `from`
	/// delegated. With `rotate`, the record is re-encrypted under a fresh
	/// data key in the same extrinsic (new CID, key wrapped for the readers
	/// that remain), so a key `from` kept opens nothing current. If the
	/// record changes before the call lands (new content, re-key, readers),
	/// the call fails on chain without effect and is rebuilt from the record
	/// as it is then: the newest content is what gets re-encrypted. If it
	/// keeps changing (the account being revoked could do that on purpose),
	/// the access is taken away first and the key rotated by an update.
	///
	/// Run again after it was interrupted (the process killed between the
	/// revocation and the rotation), it finds `from` without a grant and
	/// only rotates: [`Revocation::RotatedOnly`].
	pub async fn revoke(
		&self,
		id: RecordId,
		from: &AccountId,
		rotate: bool,
	) -> Result<Revocation, RecordError> {
		if !rotate {
			self.submit(&runtime::transactions().ehr_acl().revoke_access(id, *from, None)).await?;
			return Ok(Revocation::Revoked);
		}
		let view = query::record(&self.chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
		if view.grant_of(from).is_none() {
			Self::retry_stale(id, || self.rotate(id, None)).await?;
			return Ok(Revocation::RotatedOnly);
		}
		// The grant went between the view and the call: an earlier run of
		// this revocation, killed after it submitted, landed first (or the
		// grantee renounced). What is left to do is the rotation.
		let gone = |e: &RecordError| matches!(e, RecordError::Chain(c) if c.pallet_error() == Some("GrantNotFound"));
		let acl = runtime::transactions().ehr_acl();
		match Self::retry_stale(id, || self.rotate(id, Some(from))).await {
			// A remaining reader's key cannot be wrapped for (changed since it
			// was pinned, unusable, deregistered): that must not keep `from`'s
			// access. Take it away; the re-encryption waits for the reader.
			Err(
				cause @ (RecordError::Contact(_)
				| RecordError::UnusableKey(_)
				| RecordError::NotRegistered(_)),
			) => {
				match self.submit(&acl.revoke_access(id, *from, None)).await {
					Err(e) if gone(&e) => {}
					taken => {
						taken?;
					}
				}
				return Err(RecordError::RevokedNotRotated {
					id,
					from: *from,
					cause: Box::new(cause),
				});
			}
			Err(RecordError::KeptChanging(_)) => {
				// Someone (the account being revoked, perhaps) keeps changing
				// the record so that a revocation built on it never lands:
				// take the access away first, which needs no view, then
				// rotate the key.
				match self.submit(&acl.revoke_access(id, *from, None)).await {
					Err(e) if gone(&e) => {}
					taken => {
						taken?;
					}
				}
			}
			Err(e) if gone(&e) => {}
			done => return done.map(|()| Revocation::Revoked),
		}
		// The access is gone by now: say so whatever keeps the re-encryption
		// from landing (a reader that keeps rotating its key included).
		match Self::retry_stale(id, || self.rotate(id, None)).await {
			Err(
				cause @ (RecordError::Contact(_)
				| RecordError::UnusableKey(_)
				| RecordError::NotRegistered(_)
				| RecordError::KeptChanging(_)),
			) => Err(RecordError::RevokedNotRotated { id, from: *from, cause: Box::new(cause) }),
			rotated => rotated.map(|()| Revocation::Revoked),
		}
	}

	/// Re-encrypts record `id`'s current content under a fresh data key for
	/// the readers that remain: in the call that revokes `leaving`, or as an
	/// update when nobody leaves.
	pub(crate) async fn rotate(
		&self,
		id: RecordId,
		leaving: Option<&AccountId>,
	) -> Result<(), RecordError> {
		let (view, old_key) = self.my_data_key(id).await?;
		// Gone meanwhile (an earlier run of this revocation, killed after it
		// sent its call, landed since): only rotate.
		let leaving = leaving.filter(|from| view.grant_of(from).is_some());
		self.recipient_keys(&view.readers_after_rekey(leaving)).await?;
		let new_key = DataKey::generate(&mut os_rng());
		let stored = self.reencrypt(&view.record, id, old_key, &new_key).await?;
		self.or_unpin(&stored, async {
			let content =
				self.new_content(&view, (&stored.cid, stored.digest), &new_key, leaving).await?;
			let acl = runtime::transactions().ehr_acl();
			match leaving {
				Some(from) => self.submit(&acl.revoke_access(id, *from, Some(content))).await,
				None => self.submit(&acl.update_record(id, content)).await,
			}
		})
		.await?;
		self.unpin_replaced(&view.record, &stored).await;
		Ok(())
	}

	/// Decrypts `record`'s current ciphertext with `old_key` and encrypts it
	/// under `new_key` into IPFS. Plaintext never touches the disk: the old
	/// envelope is decrypted straight into the new one through a pipe.
	pub(crate) async fn reencrypt(
		&self,
		record: &Record,
		id: RecordId,
		old_key: DataKey,
		new_key: &DataKey,
	) -> Result<Stored, RecordError> {
		let sealed = self.fetch_verified(record, &std::env::temp_dir()).await?;
		let len = sealed.as_file().metadata()?.len();
		let mut old = BufReader::new(File::open(sealed.path())?);
		let (plain_in, mut plain_out) = std::io::pipe()?;
		let decrypting =
			std::thread::spawn(move || envelope::decrypt(&old_key, &mut old, &mut plain_out));
		let stored = self.seal_and_store(new_key, plain_in, len).await;
		let decrypted = decrypting.join().expect("the decrypting thread does not panic");
		if let Err(e) = decrypted {
			return Err(match stored {
				// Sealing stopped first (IPFS down, ...) and broke the pipe.
				Err(sealing) => sealing,
				Ok(stored) => {
					// The new envelope holds a truncated plaintext: never keep it.
					let _ = self.ipfs.unpin(&stored.cid).await;
					RecordError::Envelope(id, e)
				}
			});
		}
		stored
	}

	/// Re-encrypts record `id` (which this account owns or may write) under
	/// a fresh data key, wrapped for every current reader's current
	/// encryption key: after a reader rotated its key, or to make sure a data
	/// key that leaked opens nothing current.
	pub async fn rekey(&self, id: RecordId) -> Result<(), RecordError> {
		Self::retry_stale(id, || self.rotate(id, None)).await
	}

	/// Fetches record `id`, checks its digest, decrypts it into `out` and
	/// leaves a trace on chain (`log_access`). Returns the version read.
	pub async fn get_record(&self, id: RecordId, out: &Path) -> Result<u32, RecordError> {
		Ok(self.get_records(&[(id, out.to_path_buf())]).await?[0])
	}

	/// [`Session::get_record`] for several records (a chart), 64 at a time
	/// ([`MAX_LOGGED_READS`]): each is read into its file in turn, then the
	/// batch's reads are logged in one call before the next batch is read.
	/// If one cannot be read, the records read before it are still logged
	/// and its error is returned. Returns the versions read.
	pub async fn get_records(
		&self,
		reads: &[(RecordId, PathBuf)],
	) -> Result<Vec<u32>, RecordError> {
		let ids: Vec<RecordId> = reads.iter().map(|(id, _)| *id).collect();
		if let Some((_, twice)) = ids.iter().enumerate().find(|(i, id)| ids[..*i].contains(id)) {
			return Err(RecordError::NamedTwice(format!("record {twice}")));
		}
		let mut versions = Vec::with_capacity(reads.len());
		for batch in reads.chunks(MAX_LOGGED_READS) {
			let (mut read, mut failed) = (Vec::with_capacity(batch.len()), None);
			for (id, out) in batch {
				match self.read_record(*id, out).await {
					Ok(version) => {
						read.push(*id);
						versions.push(version);
					}
					Err(e) => {
						failed = Some(e);
						break;
					}
				}
			}
			self.log_reads(&read).await?;
			if let Some(e) = failed {
				return Err(e);
			}
		}
		Ok(versions)
	}

	/// Logs this account's reads of `ids`: one call for all of them, or,
	/// if the chain refuses it (one grant revoked since its record was
	/// read), one per record, so that every read the chain still takes is
	/// logged. Returns the first failure.
	async fn log_reads(&self, ids: &[RecordId]) -> Result<(), RecordError> {
		let acl = runtime::transactions().ehr_acl();
		if ids.len() > 1 {
			match self.submit(&acl.log_access_many(BoundedVec(ids.to_vec()))).await {
				Err(RecordError::Chain(e)) if e.pallet_error().is_some() => {}
				logged => return logged.map(drop),
			}
		}
		let mut first = Ok(());
		for id in ids {
			if let (Err(e), Ok(())) = (self.submit(&acl.log_access(*id)).await, &first) {
				first = Err(e);
			}
		}
		first
	}

	/// [`Session::get_record`] without the trace on chain: the plaintext is
	/// in `out` when this returns.
	pub async fn read_record(&self, id: RecordId, out: &Path) -> Result<u32, RecordError> {
		let (view, data_key) = self.my_data_key(id).await?;
		self.decrypt_into(id, &view.record, data_key, out).await
	}

	/// Fetches `record`'s ciphertext, checks its digest and decrypts it with
	/// `data_key` into `out`, which appears only once every chunk checked
	/// out. Returns the version read.
	pub(crate) async fn decrypt_into(
		&self,
		id: RecordId,
		record: &Record,
		data_key: DataKey,
		out: &Path,
	) -> Result<u32, RecordError> {
		let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
		// The ciphertext streams from IPFS into the decrypting thread; the
		// plaintext lands in a temporary file that becomes `out` only once
		// the digest and every chunk's tag check out.
		let plain = tempfile::NamedTempFile::new_in(dir)?;
		let plain_out = plain.as_file().try_clone()?;
		let cid = String::from_utf8_lossy(&record.cid.0).into_owned();
		let progress = self.progress.clone();
		let (digest, _, decrypted) = self
			.ipfs
			.cat_to(&cid, move |sealed, len| {
				let mut input = Reported::new(sealed, progress, "decrypt", len);
				envelope::decrypt(&data_key, &mut input, &mut BufWriter::new(plain_out))
			})
			.await?;
		if digest != record.ciphertext_digest {
			return Err(StorageError::DigestMismatch {
				expected: hex::encode(record.ciphertext_digest),
				actual: hex::encode(digest),
			}
			.into());
		}
		decrypted.map_err(|e| RecordError::Envelope(id, e))?;
		plain.persist(out).map_err(|e| RecordError::Io(e.error))?;
		Ok(record.version)
	}

	/// Asks record `id`'s owner for `access`.
	pub async fn request(&self, id: RecordId, access: Access) -> Result<(), RecordError> {
		self.submit(&runtime::transactions().ehr_acl().request_access(id, access)).await?;
		Ok(())
	}

	/// Withdraws this account's pending request on record `id`.
	pub async fn cancel_request(&self, id: RecordId) -> Result<(), RecordError> {
		self.submit(&runtime::transactions().ehr_acl().cancel_request(id)).await?;
		Ok(())
	}

	/// Approves (wrapping the data key for `requester`, again if the record
	/// is re-keyed first) or denies a pending request on record `id`.
	pub async fn answer(
		&self,
		id: RecordId,
		requester: &AccountId,
		answer: Answer,
		expires_at: Option<BlockNumber>,
	) -> Result<(), RecordError> {
		let acl = runtime::transactions().ehr_acl();
		let Answer::Approve(access) = answer else {
			self.submit(&acl.answer_request(id, *requester, None)).await?;
			return Ok(());
		};
		Self::retry_stale(id, || async {
			let (their_key, their_version) = self.recipient_key(requester).await?;
			let (view, data_key) = self.my_data_key(id).await?;
			let r = &view.record;
			let context = self.context(&r.owner, r.ciphertext_digest, r.key_version);
			let approval = types::Approval {
				wrapped_key: Self::wrap_for(&data_key, (requester, &their_key), &context)?,
				key_version: r.key_version,
				reader_key_version: their_version,
				expires_at,
				access: access.clone(),
			};
			self.submit(&acl.answer_request(id, *requester, Some(approval))).await?;
			Ok(())
		})
		.await
	}
}
