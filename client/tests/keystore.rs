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

#[test]
fn secret_uris_import_the_account_they_name() {
	use subxt_signer::sr25519::dev;
	let alice = Keys::from_secret_uri("//Alice", &mut os_rng()).expect("//Alice imports");
	assert_eq!(alice.signer.public_key().0, dev::alice().public_key().0);
	let phrase = format!("{}//hospital//1", subxt_signer::DEV_PHRASE);
	let derived = Keys::from_secret_uri(&phrase, &mut os_rng()).expect("hard path imports");
	let uri: subxt_signer::SecretUri = phrase.parse().unwrap();
	let expected = subxt_signer::sr25519::Keypair::from_uri(&uri).unwrap().public_key();
	assert_eq!(derived.signer.public_key().0, expected.0);
	assert!(matches!(
		Keys::from_secret_uri("//Alice/soft", &mut os_rng()),
		Err(KeystoreError::BadSecretUri(_))
	));
	assert!(matches!(
		Keys::from_secret_uri("not a mnemonic at all", &mut os_rng()),
		Err(KeystoreError::BadSecretUri(_))
	));
}
