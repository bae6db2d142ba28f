//! `ehr user rotate-key`: a new encryption key after a compromise, and every
//! record the account owns re-encrypted under a fresh data key (new
//! ciphertext, new CID, wrapped for every current reader), the old
//! ciphertext unpinned.
//!
//! It can be killed at any point and run again. The chain says where it
//! stopped: a record whose owner grant opens only with a retired key of the
//! keystore is not done yet, and a key the keystore saved but the chain does
//! not hold yet is put on chain before anything else. The keystore is saved
//! with the new key (the old one retired, still there) before the chain is
//! asked to take it, so no key the chain holds is ever lost. A small journal
//! next to the keystore names the ciphertexts pinned for a record's call
//! before the call goes out, so the next run unpins whichever of the old and
//! new ciphertext the chain does not point at.

use crate::{
	chain::{self, runtime, ChainError},
	crypto::{os_rng, wrap::EncryptionKeypair, DataKey},
	keystore::{Keys, KeystoreError},
	records::{query, RecordError, RecordId, RecordView, Session},
};
use serde::{Deserialize, Serialize};
use std::{
	path::{Path, PathBuf},
	sync::Mutex,
};

/// What [`Session::rotate_encryption_key`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
	/// This run put a new key on chain; `false` when it finished a rotation
	/// an earlier run had started (and whose key the chain already held).
	pub new_key: bool,
	/// Records re-encrypted by this run.
	pub reencrypted: Vec<RecordId>,
	/// Records the account owns whose key no key of this keystore opens
	/// (wrapped for a key rotated in from another keystore): left as they are.
	pub unreadable: Vec<RecordId>,
}

/// One record's re-encryption, written before its call goes out.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Step {
	record: RecordId,
	old_cid: String,
	new_cid: String,
}

/// The steps whose ciphertexts are not settled yet, in a JSON file written
/// atomically after every change.
struct Journal {
	path: PathBuf,
	steps: Mutex<Vec<Step>>,
}

impl Journal {
	fn bad(&self, e: impl ToString) -> RecordError {
		RecordError::Journal(self.path.display().to_string(), e.to_string())
	}

	fn open(path: &Path) -> Result<Journal, RecordError> {
		let journal = Journal { path: path.to_path_buf(), steps: Mutex::new(Vec::new()) };
		match std::fs::read(path) {
			Ok(bytes) => {
				*journal.steps.lock().expect("not poisoned") =
					serde_json::from_slice(&bytes).map_err(|e| journal.bad(e))?;
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
			Err(e) => return Err(journal.bad(e)),
		}
		Ok(journal)
	}

	fn steps(&self) -> Vec<Step> {
		self.steps.lock().expect("not poisoned").clone()
	}

	/// Applies `change` to the steps and saves them (the file goes when
	/// none is left).
	fn change(&self, change: impl FnOnce(&mut Vec<Step>)) -> Result<(), RecordError> {
		let mut steps = self.steps.lock().expect("not poisoned");
		change(&mut steps);
		if steps.is_empty() {
			return match std::fs::remove_file(&self.path) {
				Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.bad(e)),
				_ => Ok(()),
			};
		}
		let tmp = self.path.with_extension("tmp");
		let json = serde_json::to_vec_pretty(&*steps).expect("steps serialize");
		std::fs::write(&tmp, json)
			.and_then(|()| std::fs::File::open(&tmp)?.sync_all())
			.and_then(|()| std::fs::rename(&tmp, &self.path))
			.map_err(|e| self.bad(e))
	}
}

/// Whether a record's own grant opens with the keystore's current key.
enum Opened {
	Current,
	Retired(DataKey),
	Unreadable,
	Gone,
}

impl Session {
	/// Rotates this account's encryption key to `fresh` and re-encrypts
	/// every record it owns, or finishes a rotation an earlier run started
	/// (then `fresh` is not used). `persist` saves the keystore; `journal`
	/// is where the ciphertexts of an unfinished record are noted.
	///
	/// Grants this account holds on other patients' records keep opening
	/// with the retired key the keystore keeps; their owners re-wrap them
	/// for the new key with `ehr record rekey`.
	pub async fn rotate_encryption_key(
		&mut self,
		fresh: EncryptionKeypair,
		persist: impl Fn(&Keys) -> Result<(), KeystoreError>,
		journal: &Path,
	) -> Result<Rotation, RecordError> {
		let journal = Journal::open(journal)?;
		let me = self.account();
		// What a killed run sent lands (or fails) before anything is judged.
		chain::wait_for_pool(&self.chain, &me).await?;
		for step in journal.steps() {
			self.settle(&journal, step.record).await?;
		}
		let owned = query::records_of(&self.chain, &me).await?;
		let on_chain = self.encryption_key_of(&me).await?;
		let mut rotation = Rotation::default();
		let pending = self.keys.retired.iter().any(|k| k.public_bytes() == on_chain);
		if on_chain != self.keys.encryption.public_bytes() && pending {
			// An earlier run saved this key and was stopped before the chain
			// took it.
			self.put_key_on_chain(false, &persist).await?;
			rotation.new_key = true;
		} else if on_chain != self.keys.encryption.public_bytes()
			|| self.all_current(&owned).await?
		{
			// A new rotation; or the chain holds a key this keystore never
			// had (rotated from another keystore, or by a client that lost
			// it), which the keystore's key replaces.
			self.keys.retire_encryption_key(fresh);
			if let Err(e) = persist(&self.keys) {
				self.keys.restore_retired_key();
				return Err(e.into());
			}
			self.put_key_on_chain(true, &persist).await?;
			rotation.new_key = true;
		}
		for &id in &owned {
			match Self::retry_stale(id, || self.reencrypt_owned(&journal, id)).await? {
				Opened::Retired(_) => rotation.reencrypted.push(id),
				Opened::Unreadable => rotation.unreadable.push(id),
				Opened::Current | Opened::Gone => {}
			}
			// Attempts that lost a race leave steps behind.
			if journal.steps().iter().any(|s| s.record == id) {
				self.settle(&journal, id).await?;
			}
		}
		Ok(rotation)
	}

	/// Submits the keystore's encryption key to the chain with its proof. If
	/// the call certainly did not land and `retired_now` (this run saved the
	/// key), the keystore goes back to the key the chain holds.
	async fn put_key_on_chain(
		&mut self,
		retired_now: bool,
		persist: &impl Fn(&Keys) -> Result<(), KeystoreError>,
	) -> Result<(), RecordError> {
		let key = &self.keys.encryption;
		let proof = key.key_proof(&self.chain.genesis_hash().0, &self.account().0, &mut os_rng());
		let call =
			runtime::transactions().ehr_acl().rotate_encryption_key(key.public_bytes(), proof);
		match self.submit(&call).await {
			Ok(_) => Ok(()),
			Err(RecordError::Chain(e)) if matches!(*e, ChainError::OutcomeUnknown(_)) => {
				Err(RecordError::Chain(e))
			}
			Err(e) if retired_now => {
				self.keys.restore_retired_key();
				persist(&self.keys)?;
				Err(e)
			}
			Err(e) => Err(e),
		}
	}

	/// Whether the own grant of every record in `owned` opens with the
	/// keystore's current key: no rotation is unfinished.
	async fn all_current(&self, owned: &[RecordId]) -> Result<bool, RecordError> {
		for &id in owned {
			if matches!(self.open_owned(id).await?.0, Opened::Retired(_)) {
				return Ok(false);
			}
		}
		Ok(true)
	}

	async fn open_owned(&self, id: RecordId) -> Result<(Opened, Option<RecordView>), RecordError> {
		let Some(view) = query::record(&self.chain, id).await? else {
			return Ok((Opened::Gone, None));
		};
		let opened = match self.open_grant(&view) {
			Ok((_, true)) => Opened::Current,
			Ok((key, false)) => Opened::Retired(key),
			Err(RecordError::Unwrap(..) | RecordError::NoGrant(_)) => Opened::Unreadable,
			Err(e) => return Err(e),
		};
		Ok((opened, Some(view)))
	}

	/// Re-encrypts record `id` if its own grant still wraps a retired key:
	/// new ciphertext under a fresh data key, pinned and noted in the
	/// journal before the call that points the record at it goes out.
	async fn reencrypt_owned(
		&self,
		journal: &Journal,
		id: RecordId,
	) -> Result<Opened, RecordError> {
		let (opened, view) = self.open_owned(id).await?;
		let (Opened::Retired(old_key), Some(view)) = (&opened, view) else { return Ok(opened) };
		let new_key = DataKey::generate(&mut os_rng());
		let stored = self.reencrypt(&view.record, id, old_key.clone(), &new_key).await?;
		let old_cid = String::from_utf8_lossy(&view.record.cid.0).into_owned();
		let step = Step { record: id, old_cid, new_cid: stored.cid.clone() };
		if let Err(e) = journal.change(|steps| steps.push(step)) {
			let _ = self.ipfs.unpin(&stored.cid).await;
			return Err(e);
		}
		self.or_unpin(&stored, async {
			let content =
				self.new_content(&view, (&stored.cid, stored.digest), &new_key, None).await?;
			self.submit(&runtime::transactions().ehr_acl().update_record(id, content)).await
		})
		.await?;
		Ok(opened)
	}

	/// Unpins every ciphertext the journal names for record `id` that the
	/// record does not point at now, and drops its steps.
	async fn settle(&self, journal: &Journal, id: RecordId) -> Result<(), RecordError> {
		let current = query::record(&self.chain, id)
			.await?
			.map(|view| String::from_utf8_lossy(&view.record.cid.0).into_owned());
		for step in journal.steps().iter().filter(|s| s.record == id) {
			for cid in [&step.old_cid, &step.new_cid] {
				if Some(cid) != current.as_ref() {
					self.ipfs.unpin(cid).await?;
				}
			}
		}
		journal.change(|steps| steps.retain(|s| s.record != id))
	}
}
