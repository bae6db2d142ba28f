//! The record workflows that combine the three parts: encrypt locally, store
//! the ciphertext in IPFS, and write or read its access list on chain.
//!
//! Order matters for safety: ciphertext is pinned before the chain record is
//! written (a chain failure unpins it again), and on reading the digest on
//! chain is checked before anything is decrypted; plaintext reaches the
//! output path only after every chunk authenticated.

use crate::{
	chain::{
		self,
		runtime::{
			self,
			runtime_types::{bounded_collections::bounded_vec::BoundedVec, pallet_ehr_acl::types},
		},
		AccountId, ChainError, Client,
	},
	crypto::{
		envelope::{self, EnvelopeError, DEFAULT_CHUNK_SIZE},
		os_rng,
		wrap::{self, UnwrapError, WrapContext},
		DataKey,
	},
	keystore::Keys,
	storage::{Ipfs, StorageError},
};
use rand_core::RngCore;
use std::{
	fs::File,
	io::{BufReader, BufWriter},
	path::Path,
};

pub use types::{Access, RecordKind, Role};
pub type RecordId = u64;
type Record = types::Record<AccountId, u32>;

/// Why a record operation failed; each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
	#[error(transparent)]
	Chain(Box<ChainError>),
	#[error(transparent)]
	Storage(#[from] StorageError),
	#[error("cannot read or write a local file: {0}")]
	Io(#[from] std::io::Error),
	#[error("record {0} does not exist")]
	RecordNotFound(RecordId),
	#[error("{0} is not registered on chain: register first (`ehr user register`)")]
	NotRegistered(AccountId),
	#[error("you hold no grant on record {0}: ask its owner (`ehr access request {0}`)")]
	NoGrant(RecordId),
	#[error("your grant on record {0} has expired")]
	GrantExpired(RecordId),
	#[error("record {0} was re-keyed after your grant was written: your access was revoked or not renewed")]
	GrantOutdated(RecordId),
	#[error("the key wrapped for you on record {0} does not open with your keystore: {1}")]
	Unwrap(RecordId, UnwrapError),
	#[error("the ciphertext of record {0} failed authentication: {1}")]
	Envelope(RecordId, EnvelopeError),
}

/// Any subxt failure (connection, storage, decoding) as a record error.
fn rpc(e: impl Into<subxt::Error>) -> RecordError {
	ChainError::Rpc(e.into()).into()
}

impl From<ChainError> for RecordError {
	fn from(e: ChainError) -> Self {
		RecordError::Chain(Box::new(e))
	}
}

/// An open connection to the chain and IPFS, acting as one keystore's owner.
pub struct Session {
	pub chain: Client,
	pub ipfs: Ipfs,
	pub keys: Keys,
}

impl Session {
	pub fn account(&self) -> AccountId {
		self.keys.signer.public_key().to_account_id()
	}

	fn context(&self, record_id: RecordId, key_version: u32) -> WrapContext {
		WrapContext { genesis_hash: self.chain.genesis_hash().0, record_id, key_version }
	}

	async fn encryption_key_of(&self, who: &AccountId) -> Result<[u8; 32], RecordError> {
		let at = self.chain.at_current_block().await.map_err(rpc)?;
		let user = at
			.storage()
			.try_fetch(runtime::storage().ehr_acl().users(), (*who,))
			.await
			.map_err(rpc)?
			.ok_or_else(|| RecordError::NotRegistered(*who))?;
		Ok(user.decode().map_err(rpc)?.enc_key)
	}

	/// Encrypts `file`, pins the ciphertext, and records it on chain as owned
	/// by `patient` (the caller, or a patient whose record `via` the caller
	/// holds ReadWrite on). Returns the new record's id.
	pub async fn add_record(
		&self,
		patient: &AccountId,
		file: &Path,
		kind: RecordKind,
		via: Option<RecordId>,
	) -> Result<RecordId, RecordError> {
		let mut rng = os_rng();
		let data_key = DataKey::generate(&mut rng);
		let sealed = tempfile::NamedTempFile::new()?;
		{
			let mut salt = [0u8; 16];
			rng.fill_bytes(&mut salt);
			let mut input = BufReader::new(File::open(file)?);
			let mut output = BufWriter::new(sealed.as_file());
			envelope::encrypt(&data_key, DEFAULT_CHUNK_SIZE, salt, &mut input, &mut output)
				.map_err(|e| match e {
					EnvelopeError::Io(io) => RecordError::Io(io),
					other => RecordError::Envelope(0, other),
				})?;
		}
		let stored = self.ipfs.add_pinned(sealed.path()).await?;
		let owner_key = self.encryption_key_of(patient).await?;
		let my_key = self.keys.encryption.public_bytes();

		let outcome = async {
			// The id is fixed before the record exists; if another record
			// takes it first, wrap again for the next one.
			for _ in 0..5 {
				let at = self.chain.at_current_block().await.map_err(rpc)?;
				let id = at
					.storage()
					.fetch(runtime::storage().ehr_acl().next_record_id(), ())
					.await
					.map_err(rpc)?
					.decode()
					.map_err(rpc)?;
				let context = self.context(id, 1);
				let owner_wrapped = wrap::wrap(&data_key, &owner_key, &context, &mut rng);
				let author = via.map(|via| {
					(via, BoundedVec(wrap::wrap(&data_key, &my_key, &context, &mut rng)))
				});
				let call = runtime::transactions().ehr_acl().add_record(
					id,
					*patient,
					BoundedVec(stored.cid.clone().into_bytes()),
					stored.digest,
					kind.clone(),
					BoundedVec(owner_wrapped),
					author,
				);
				match chain::submit(&self.chain, &call, &self.keys.signer).await {
					Ok(_) => return Ok(id),
					Err(e) if e.pallet_error() == Some("UnexpectedRecordId") => continue,
					Err(e) => return Err(RecordError::from(e)),
				}
			}
			Err(RecordError::from(ChainError::Dispatch(
				"record ids kept changing; try again".into(),
			)))
		}
		.await;
		if outcome.is_err() {
			// Nothing on chain points at the ciphertext: do not leave it pinned.
			let _ = self.ipfs.unpin(&stored.cid).await;
		}
		outcome
	}

	/// This account's current grant on record `id` and the data key it holds.
	async fn my_data_key(&self, id: RecordId) -> Result<(Record, DataKey), RecordError> {
		let me = self.account();
		let at = self.chain.at_current_block().await.map_err(rpc)?;
		let record = at
			.storage()
			.try_fetch(runtime::storage().ehr_acl().records(), (id,))
			.await
			.map_err(rpc)?
			.ok_or(RecordError::RecordNotFound(id))?
			.decode()
			.map_err(rpc)?;
		let grant = at
			.storage()
			.try_fetch(runtime::storage().ehr_acl().grants(), (id, me))
			.await
			.map_err(rpc)?
			.ok_or(RecordError::NoGrant(id))?
			.decode()
			.map_err(rpc)?;
		if grant.expires_at.is_some_and(|at_block| at.block_number() >= at_block as u64) {
			return Err(RecordError::GrantExpired(id));
		}
		if grant.key_version != record.key_version {
			return Err(RecordError::GrantOutdated(id));
		}
		let data_key = wrap::unwrap(
			&grant.wrapped_key.0,
			&self.keys.encryption,
			&self.context(id, grant.key_version),
		)
		.map_err(|e| RecordError::Unwrap(id, e))?;
		Ok((record, data_key))
	}

	/// Gives `to` access to record `id`: the data key this account holds,
	/// wrapped to `to`'s registered encryption key.
	pub async fn grant(
		&self,
		id: RecordId,
		to: &AccountId,
		access: Access,
		expires_at: Option<u32>,
	) -> Result<(), RecordError> {
		let (record, data_key) = self.my_data_key(id).await?;
		let their_key = self.encryption_key_of(to).await?;
		let wrapped =
			wrap::wrap(&data_key, &their_key, &self.context(id, record.key_version), &mut os_rng());
		let call = runtime::transactions().ehr_acl().grant_access(
			id,
			*to,
			access,
			BoundedVec(wrapped),
			expires_at,
		);
		chain::submit(&self.chain, &call, &self.keys.signer).await?;
		Ok(())
	}

	/// Fetches record `id`, checks its digest, decrypts it into `out` and
	/// leaves a trace on chain (`log_access`). Returns the version read.
	pub async fn get_record(&self, id: RecordId, out: &Path) -> Result<u32, RecordError> {
		let (record, data_key) = self.my_data_key(id).await?;

		let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
		let sealed = tempfile::NamedTempFile::new_in(dir)?;
		let cid = String::from_utf8_lossy(&record.cid.0).into_owned();
		let (digest, _) = self.ipfs.cat_into(&cid, &mut BufWriter::new(sealed.as_file())).await?;
		if digest != record.ciphertext_digest {
			return Err(StorageError::DigestMismatch {
				expected: hex::encode(record.ciphertext_digest),
				actual: hex::encode(digest),
			}
			.into());
		}
		let plain = tempfile::NamedTempFile::new_in(dir)?;
		envelope::decrypt(
			&data_key,
			&mut BufReader::new(File::open(sealed.path())?),
			&mut BufWriter::new(plain.as_file()),
		)
		.map_err(|e| RecordError::Envelope(id, e))?;
		plain.persist(out).map_err(|e| RecordError::Io(e.error))?;
		chain::submit(
			&self.chain,
			&runtime::transactions().ehr_acl().log_access(id),
			&self.keys.signer,
		)
		.await?;
		Ok(record.version)
	}
}
