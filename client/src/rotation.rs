//! `ehr user rotate-key`: a new encryption key after a compromise, and every
//! record the account owns re-encrypted under a fresh data key (new
//! ciphertext, new CID, wrapped for every current reader), the old
//! ciphertext unpinned.
//!
//! It can be killed at any point and run again: the journal beside the
//! keystore names the key a rotation is moving to until every record is
//! done, and the chain says what is left: a record whose owner grant opens
//! only with a retired key of the keystore is not done yet, and a key the
//! keystore saved but the chain does not hold yet is put on chain before
//! anything else. The keystore is saved
//! with the new key (the old one retired, still there) before the chain is
//! asked to take it, and never goes back, so no key the chain holds is lost.
//! The journal also names the ciphertexts pinned for a record's call before
//! the call goes out, with the block after which the call can no
//! longer land; the next run unpins whichever of the old and new ciphertext
//! the record does not point at, keeping a new one whose call may still land.
//! The caller holds the keystore's lock for the whole run (two runs at once
//! would each make a key).

use crate::chain::query;
use crate::{
	chain::{self, runtime, ChainError, CALL_LIFETIME_BLOCKS},
	crypto::{os_rng, wrap::EncryptionKeypair, DataKey},
	keystore::{Keys, KeystoreError},
	records::{RecordError, RecordId, RecordView, Session},
};
use serde::{Deserialize, Serialize};
use std::{
	collections::BTreeSet,
	path::{Path, PathBuf},
	sync::Mutex,
};

/// What [`Session::rotate_encryption_key`] did.
#[derive(Debug, Default)]
pub struct Rotation {
	/// This run put a new key on chain; `false` when it finished a rotation
	/// an earlier run had started (and whose key the chain already held).
	pub new_key: bool,
	/// Records re-encrypted by this run.
	pub reencrypted: Vec<RecordId>,
	/// Records the account owns whose key no key of this keystore opens
	/// (wrapped for a key rotated in from another keystore): left as they are.
	pub unreadable: Vec<RecordId>,
	/// Records that could not be re-encrypted, and why (a reader's key
	/// changed, IPFS unreachable, ...): still under the old data key; run
	/// again once that is resolved.
	pub failed: Vec<(RecordId, RecordError)>,
}

/// One record's re-encryption, written before its call goes out.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Step {
	record: RecordId,
	old_cid: String,
	new_cid: String,
	/// After this block the call can no longer land (its lifetime ended).
	valid_until: u32,
}

/// What a rotation left to do, in a JSON file written atomically after every
/// change (and removed when nothing is left).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct State {
	/// Hex of the key a rotation is moving the records to, until every
	/// record is done: a run that finds the keystore's key here finishes
	/// that rotation instead of starting another.
	#[serde(default)]
	rotating_to: Option<String>,
	/// Ciphertexts not settled yet.
	#[serde(default)]
	steps: Vec<Step>,
}

struct Journal {
	path: PathBuf,
	state: Mutex<State>,
}

impl Journal {
	fn bad(&self, e: impl ToString) -> RecordError {
		RecordError::Journal(self.path.display().to_string(), e.to_string())
	}

	fn open(path: &Path) -> Result<Journal, RecordError> {
		let journal = Journal { path: path.to_path_buf(), state: Mutex::new(State::default()) };
		match std::fs::read(path) {
			Ok(bytes) => {
				*journal.state.lock().expect("not poisoned") =
					serde_json::from_slice(&bytes).map_err(|e| journal.bad(e))?;
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
			Err(e) => return Err(journal.bad(e)),
		}
		Ok(journal)
	}

	fn steps(&self) -> Vec<Step> {
		self.state.lock().expect("not poisoned").steps.clone()
	}

	fn rotating_to(&self) -> Option<String> {
		self.state.lock().expect("not poisoned").rotating_to.clone()
	}

	/// Applies `change` to the state and saves it.
	fn change(&self, change: impl FnOnce(&mut State)) -> Result<(), RecordError> {
		let mut state = self.state.lock().expect("not poisoned");
		change(&mut state);
		if state.rotating_to.is_none() && state.steps.is_empty() {
			return match std::fs::remove_file(&self.path) {
				Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.bad(e)),
				_ => Ok(()),
			};
		}
		let json = serde_json::to_vec_pretty(&*state).expect("the state serializes");
		crate::files::write_atomically(&self.path, &json).map_err(|e| self.bad(e))
	}
}

/// Whether a record's own grant opens with the keystore's current key.
enum Opened {
	Current,
	Retired,
	Unreadable,
	Gone,
}

/// How many times the owned records are listed again for records added
/// during the run.
const PASSES: usize = 3;

impl Session {
	/// Rotates this account's encryption key to `fresh` and re-encrypts
	/// every record it owns, or finishes the rotation an earlier run started
	/// and did not finish (then `fresh` is not used, unless `new_key`).
	/// `persist` saves the keystore; `journal` is where an unfinished
	/// rotation and the ciphertexts of an unfinished record are noted.
	///
	/// If the chain holds a key this keystore never had (rotated from
	/// another device, whose keystore opens what is wrapped for it), this
	/// refuses unless `replace_unknown`: replacing it would lock that device
	/// out and leave what only it opens unreadable.
	///
	/// Grants this account holds on other patients' records keep opening
	/// with the retired key the keystore keeps; their owners re-wrap them
	/// for the new key with `ehr record rekey`.
	pub async fn rotate_encryption_key(
		&mut self,
		fresh: EncryptionKeypair,
		persist: impl Fn(&Keys) -> Result<(), KeystoreError>,
		journal: &Path,
		replace_unknown: bool,
		new_key: bool,
	) -> Result<Rotation, RecordError> {
		let journal = Journal::open(journal)?;
		let me = self.account();
		// What a killed run sent lands (or fails) before anything is judged.
		chain::wait_for_pool(&self.chain, &me).await?;
		self.settle_all(&journal).await?;
		let on_chain = self.encryption_key_of(&me).await?;
		let current = self.keys.encryption.public_bytes();
		let pending = self.keys.retired.iter().any(|k| k.public_bytes() == on_chain);
		let mut rotation = Rotation::default();
		if on_chain != current && !pending && !replace_unknown {
			return Err(RecordError::UnknownKeyOnChain {
				account: me,
				on_chain: hex::encode(on_chain),
			});
		}
		let unfinished = journal.rotating_to() == Some(hex::encode(current));
		if on_chain == current && (!unfinished || new_key) || on_chain != current && !pending {
			// A new rotation; or (asked for) the chain holds a key this
			// keystore never had, which the keystore's key replaces.
			self.keys.retire_encryption_key(fresh);
			if let Err(e) = persist(&self.keys) {
				self.keys.restore_retired_key();
				return Err(e.into());
			}
		}
		let target = hex::encode(self.keys.encryption.public_bytes());
		journal.change(|state| state.rotating_to = Some(target))?;
		if self.keys.encryption.public_bytes() != on_chain {
			// Saved by this run or by an earlier one that was stopped
			// before the chain took it. Whatever the submission's outcome,
			// the keystore keeps the key: the next run submits it again.
			self.put_key_on_chain().await?;
			rotation.new_key = true;
		}
		let mut seen = BTreeSet::new();
		for _ in 0..PASSES {
			// Records added while this ran (a clinician wrapping for the old
			// key) are found by listing again.
			let owned = query::records_of(&self.chain, &me).await?;
			let new: Vec<RecordId> = owned.into_iter().filter(|id| seen.insert(*id)).collect();
			if new.is_empty() {
				break;
			}
			for id in new {
				match Self::retry_stale(id, || self.reencrypt_owned(&journal, id)).await {
					Ok(Opened::Retired) => rotation.reencrypted.push(id),
					Ok(Opened::Unreadable) => rotation.unreadable.push(id),
					Ok(Opened::Current | Opened::Gone) => {}
					// The chain no longer holds this keystore's key: another
					// run or device rotated meanwhile; stop everything.
					Err(e @ RecordError::KeyNotOnChain { .. }) => return Err(e),
					Err(e) => rotation.failed.push((id, e)),
				}
				// Attempts that lost a race leave steps behind.
				if journal.steps().iter().any(|s| s.record == id) {
					self.settle(&journal, id).await?;
				}
			}
		}
		if rotation.failed.is_empty() {
			journal.change(|state| state.rotating_to = None)?;
		}
		Ok(rotation)
	}

	/// Submits the keystore's encryption key to the chain with its proof.
	async fn put_key_on_chain(&self) -> Result<(), RecordError> {
		let key = &self.keys.encryption;
		let proof = key.key_proof(&self.chain.genesis_hash().0, &self.account().0, &mut os_rng());
		let call =
			runtime::transactions().ehr_acl().rotate_encryption_key(key.public_bytes(), proof);
		self.submit(&call).await?;
		Ok(())
	}

	/// Record `id` with the data key its own grant wraps, and which key of
	/// the keystore opened it.
	async fn open_owned(
		&self,
		id: RecordId,
	) -> Result<(Opened, Option<(RecordView, DataKey)>), RecordError> {
		let Some(view) = query::record(&self.chain, id).await? else {
			return Ok((Opened::Gone, None));
		};
		Ok(match self.open_grant(&view) {
			Ok((key, true)) => (Opened::Current, Some((view, key))),
			Ok((key, false)) => (Opened::Retired, Some((view, key))),
			Err(RecordError::Unwrap(..) | RecordError::NoGrant(_)) => (Opened::Unreadable, None),
			Err(e) => return Err(e),
		})
	}

	/// Re-encrypts record `id` if its own grant still wraps a retired key:
	/// new ciphertext under a fresh data key, pinned and noted in the
	/// journal before the call that points the record at it goes out.
	async fn reencrypt_owned(
		&self,
		journal: &Journal,
		id: RecordId,
	) -> Result<Opened, RecordError> {
		// The owner's new grant is wrapped for the key the chain holds:
		// only if that is this keystore's.
		self.ensure_own_key().await?;
		let (opened, view) = self.open_owned(id).await?;
		let (Opened::Retired, Some((view, old_key))) = (&opened, view) else { return Ok(opened) };
		// Every reader's key can be wrapped for before anything is uploaded.
		self.recipient_keys(&view.readers_after_rekey(None)).await?;
		let new_key = DataKey::generate(&mut os_rng());
		let stored = self.reencrypt(&view.record, id, old_key, &new_key).await?;
		// Read after the upload, which can take long: the call's lifetime
		// starts at a block at most this one's successor, so it cannot land
		// after `valid_until`.
		let now = self.chain.finalized_now().await?.number;
		let step = Step {
			record: id,
			old_cid: String::from_utf8_lossy(&view.record.cid.0).into_owned(),
			new_cid: stored.cid.clone(),
			valid_until: now.saturating_add(2 * CALL_LIFETIME_BLOCKS as u32),
		};
		if let Err(e) = journal.change(|state| state.steps.push(step)) {
			let _ = self.ipfs.unpin(&stored.cid).await;
			return Err(e);
		}
		let sent = async {
			let content =
				self.new_content(&view, (&stored.cid, stored.digest), &new_key, None).await?;
			self.submit(&runtime::transactions().ehr_acl().update_record(id, content)).await
		}
		.await;
		match sent {
			Ok(_) => Ok(opened),
			// Refused before it was sent, or refused by the runtime in a
			// block: it can never land, so its ciphertext goes.
			Err(e) if !matches!(&e, RecordError::Chain(c) if !matches!(**c, ChainError::Rejected { .. })) =>
			{
				self.ipfs.unpin(&stored.cid).await?;
				journal.change(|state| state.steps.retain(|s| s.new_cid != stored.cid))?;
				Err(e)
			}
			// It may have reached a pool and still land: the step keeps its
			// ciphertext pinned until its lifetime is over.
			Err(e) => Err(e),
		}
	}

	/// Settles the steps of every record the journal names.
	async fn settle_all(&self, journal: &Journal) -> Result<(), RecordError> {
		let ids: BTreeSet<RecordId> = journal.steps().iter().map(|s| s.record).collect();
		for id in ids {
			self.settle(journal, id).await?;
		}
		Ok(())
	}

	/// Unpins every ciphertext the journal names for record `id` that the
	/// record does not point at now, and drops those steps; a step whose
	/// call may still land (the record still points at the old ciphertext,
	/// and the call's lifetime has not ended) keeps its new ciphertext and
	/// stays for a later run.
	async fn settle(&self, journal: &Journal, id: RecordId) -> Result<(), RecordError> {
		let view = query::record(&self.chain, id).await?;
		let current = view.as_ref().map(|v| String::from_utf8_lossy(&v.record.cid.0).into_owned());
		let now = self.chain.finalized_now().await?.number;
		let mut settled = Vec::new();
		for step in journal.steps().into_iter().filter(|s| s.record == id) {
			let may_land = view.is_some()
				&& current.as_ref() == Some(&step.old_cid)
				&& now <= step.valid_until;
			for cid in [&step.old_cid, &step.new_cid] {
				if Some(cid) != current.as_ref() && !(may_land && *cid == step.new_cid) {
					self.ipfs.unpin(cid).await?;
				}
			}
			if !may_land {
				settled.push(step);
			}
		}
		journal.change(|state| state.steps.retain(|s| !settled.contains(s)))
	}
}
