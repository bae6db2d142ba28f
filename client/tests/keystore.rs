//! The passphrase-sealed keystore file.

use ehr::{
	crypto::os_rng,
	keystore::{KdfParams, Keys, KeystoreError, KeystoreFile},
};

/// Cheap Argon2 parameters so the tests stay fast; the CLI uses the default.
const TEST_KDF: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, lanes: 1 };

#[test]
fn seal_write_read_unlock_round_trips() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("keys.json");
	let keys = Keys::generate(&mut os_rng());
	let file = keys.seal("correct horse battery", TEST_KDF, &mut os_rng()).unwrap();
	file.write(&path, false).unwrap();

	let text = std::fs::read_to_string(&path).unwrap();
	assert!(
		!text.contains(&hex::encode(keys.encryption.secret_bytes().as_ref())),
		"secret in clear"
	);
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
	}
	let unlocked = KeystoreFile::read(&path).unwrap().unlock("correct horse battery").unwrap();
	assert_eq!(unlocked.public(), keys.public());
	assert_eq!(unlocked.signer.public_key().0, keys.signer.public_key().0);
}

#[test]
fn wrong_passphrase_and_tampering_are_refused() {
	let keys = Keys::generate(&mut os_rng());
	let file = keys.seal("correct horse battery", TEST_KDF, &mut os_rng()).unwrap();
	assert!(matches!(file.unlock("wrong horse battery"), Err(KeystoreError::WrongPassphrase)));
	// Swapping in someone else's public key breaks the seal.
	let mut swapped = file.clone();
	swapped.public.encryption_key = Keys::generate(&mut os_rng()).public().encryption_key;
	assert!(matches!(swapped.unlock("correct horse battery"), Err(KeystoreError::WrongPassphrase)));
	let mut future = file;
	future.version = 2;
	assert!(matches!(
		future.unlock("correct horse battery"),
		Err(KeystoreError::UnsupportedVersion(2))
	));
}

#[test]
fn weak_passphrase_and_overwrite_are_refused() {
	let keys = Keys::generate(&mut os_rng());
	assert!(matches!(
		keys.seal("short", TEST_KDF, &mut os_rng()),
		Err(KeystoreError::WeakPassphrase)
	));
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("keys.json");
	let file = keys.seal("correct horse battery", TEST_KDF, &mut os_rng()).unwrap();
	file.write(&path, false).unwrap();
	assert!(matches!(file.write(&path, false), Err(KeystoreError::AlreadyExists(_))));
	file.write(&path, true).unwrap();
}
