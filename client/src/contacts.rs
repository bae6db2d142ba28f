//! Trust on first use for other accounts' encryption keys, like SSH's
//! `known_hosts`. The first time a keystore wraps a data key for an account,
//! the account's key (as the chain proves it) is pinned; when the chain later
//! holds another key for it, nothing is wrapped until the user confirms the
//! new key's fingerprint, compared with the account's owner out of band
//! (`ehr user show` on their side prints it). The chain only takes a key its
//! account signed for, so a changed key means the account rotated it, or
//! someone holding its signing key did.
//!
//! The pins live next to the keystore (`<keystore>.contacts.json`, mode
//! 0600: it says whom the user shares with), one map per chain (by genesis
//! hash), changed under a lock and written atomically.

use crate::chain::AccountId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

/// An account's encryption key as this keystore first saw it (or last
/// confirmed it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
	/// Hex of the X25519 public key.
	pub encryption_key: String,
	/// [`fingerprint`] of the key.
	pub fingerprint: String,
}

impl Pin {
	pub fn of(key: &[u8; 32]) -> Pin {
		Pin { encryption_key: hex::encode(key), fingerprint: fingerprint(key) }
	}
}

/// What can go wrong with the pins.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
	#[error("the encryption key of {account} is not the one this keystore pinned when it first wrapped for it (pinned {pinned}, now {now}): nothing was wrapped. If {account} rotated its key, compare the new fingerprint with them out of band (they see it in `ehr user show`), then run `ehr contacts trust {account} --fingerprint '{now}'`")]
	KeyChanged { account: AccountId, pinned: String, now: String },
	#[error("the fingerprint given for {account} is not that of its key on chain ({now}): nothing was pinned")]
	FingerprintMismatch { account: AccountId, now: String },
	#[error("cannot use the contacts file {0}: {1}")]
	File(String, String),
}

/// The pins of one keystore on one chain.
pub struct Contacts {
	path: PathBuf,
	chain: String,
}

/// The file: chain (genesis hash in hex) → account (SS58) → pin.
type Pins = BTreeMap<String, BTreeMap<String, Pin>>;

/// A key's fingerprint for comparing out of band: the first 16 bytes of
/// SHA-256("ehr-key-fingerprint v1" || key), as eight groups of four hex
/// digits.
pub fn fingerprint(key: &[u8; 32]) -> String {
	let digest = Sha256::new().chain_update(b"ehr-key-fingerprint v1").chain_update(key).finalize();
	let text = hex::encode(&digest[..16]);
	text.as_bytes()
		.chunks(4)
		.map(|group| std::str::from_utf8(group).expect("hex is ASCII"))
		.collect::<Vec<_>>()
		.join(" ")
}

/// Fingerprints compare without regard to spaces or case.
fn same_fingerprint(a: &str, b: &str) -> bool {
	let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
	plain(a).eq_ignore_ascii_case(&plain(b))
}

impl Contacts {
	/// The pins kept in `path` for the chain whose genesis hash is `genesis`.
	pub fn open(path: &Path, genesis: &[u8; 32]) -> Contacts {
		Contacts { path: path.to_path_buf(), chain: hex::encode(genesis) }
	}

	fn bad(&self, e: impl ToString) -> ContactError {
		ContactError::File(self.path.display().to_string(), e.to_string())
	}

	fn load(&self) -> Result<Pins, ContactError> {
		match std::fs::read(&self.path) {
			Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| self.bad(e)),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Pins::new()),
			Err(e) => Err(self.bad(e)),
		}
	}

	fn save(&self, pins: &Pins) -> Result<(), ContactError> {
		let json = serde_json::to_vec_pretty(pins).expect("pins serialize");
		crate::files::write_atomically(&self.path, &json).map_err(|e| self.bad(e))
	}

	/// Reads the pins, lets `change` change them and saves them if it says
	/// so, all under the file's lock: two `ehr` processes pinning at once
	/// keep both pins.
	fn change<T>(
		&self,
		change: impl FnOnce(&mut BTreeMap<String, Pin>) -> (bool, Result<T, ContactError>),
	) -> Result<T, ContactError> {
		let _lock = crate::files::lock(&self.path).map_err(|e| self.bad(e))?;
		let mut pins = self.load()?;
		let (changed, outcome) = change(pins.entry(self.chain.clone()).or_default());
		if changed {
			self.save(&pins)?;
		}
		outcome
	}

	/// The pins on this chain, by account.
	pub fn list(&self) -> Result<BTreeMap<String, Pin>, ContactError> {
		Ok(self.load()?.remove(&self.chain).unwrap_or_default())
	}

	/// Goes on if `who`'s key is `key` as pinned, pinning it if `who` has
	/// no pin yet; refuses a key that differs from the pin.
	pub fn check(&self, who: &AccountId, key: &[u8; 32]) -> Result<(), ContactError> {
		self.change(|pins| match pins.get(&who.to_string()) {
			Some(pin) if pin.encryption_key == hex::encode(key) => (false, Ok(())),
			Some(pin) => (
				false,
				Err(ContactError::KeyChanged {
					account: *who,
					pinned: pin.fingerprint.clone(),
					now: fingerprint(key),
				}),
			),
			None => {
				pins.insert(who.to_string(), Pin::of(key));
				(true, Ok(()))
			}
		})
	}

	/// Pins `key` for `who` after the user confirmed `confirmed`, the
	/// fingerprint they compared out of band; returns the pin it replaced.
	pub fn trust(
		&self,
		who: &AccountId,
		key: &[u8; 32],
		confirmed: &str,
	) -> Result<Option<Pin>, ContactError> {
		if !same_fingerprint(confirmed, &fingerprint(key)) {
			return Err(ContactError::FingerprintMismatch { account: *who, now: fingerprint(key) });
		}
		self.change(|pins| (true, Ok(pins.insert(who.to_string(), Pin::of(key)))))
	}

	/// Drops `who`'s pin (the next wrap pins its key afresh); returns it.
	pub fn forget(&self, who: &AccountId) -> Result<Option<Pin>, ContactError> {
		self.change(|pins| (true, Ok(pins.remove(&who.to_string()))))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn first_use_pins_and_a_changed_key_is_refused_until_confirmed() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("k.contacts.json");
		let (chain, other) = (Contacts::open(&path, &[1; 32]), Contacts::open(&path, &[2; 32]));
		let who = AccountId([7; 32]);
		let (old, new) = ([3u8; 32], [4u8; 32]);
		chain.check(&who, &old).unwrap();
		chain.check(&who, &old).unwrap();
		let changed = chain.check(&who, &new).unwrap_err();
		assert!(
			matches!(&changed, ContactError::KeyChanged { now, .. } if *now == fingerprint(&new))
		);
		// Another chain's pins are its own.
		other.check(&who, &new).unwrap();
		// A wrong fingerprint pins nothing; the right one (any spacing or
		// case) does.
		assert!(chain.trust(&who, &new, &fingerprint(&old)).is_err());
		chain.check(&who, &new).unwrap_err();
		let confirmed = fingerprint(&new).replace(' ', "").to_uppercase();
		assert_eq!(chain.trust(&who, &new, &confirmed).unwrap(), Some(Pin::of(&old)));
		chain.check(&who, &new).unwrap();
		assert_eq!(chain.forget(&who).unwrap(), Some(Pin::of(&new)));
		chain.check(&who, &old).unwrap();
		assert_eq!(chain.list().unwrap().len(), 1);
	}

	#[test]
	fn fingerprints_are_eight_groups_of_four_hex_digits() {
		let fp = fingerprint(&[0; 32]);
		assert_eq!(fp.len(), 8 * 4 + 7);
		assert!(fp.split(' ').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())));
		assert_ne!(fp, fingerprint(&[1; 32]));
	}
}
