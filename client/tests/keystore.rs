//! The passphrase-sealed keystore file.

use ehr::{
	crypto::{os_rng, wrap::EncryptionKeypair},
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
	future.version = 3;
	assert!(matches!(
		future.unlock("correct horse battery"),
		Err(KeystoreError::UnsupportedVersion(3))
	));
}

/// Retired keys survive sealing in order, and their list is sealed too: a
/// retired key dropped, swapped or reordered in the file does not open.
#[test]
fn retired_keys_are_kept_and_sealed() {
	let mut keys = Keys::generate(&mut os_rng());
	let first = keys.encryption.public_bytes();
	keys.retire_encryption_key(EncryptionKeypair::generate(&mut os_rng()));
	let second = keys.encryption.public_bytes();
	keys.retire_encryption_key(EncryptionKeypair::generate(&mut os_rng()));
	let file = keys.seal("correct horse battery", TEST_KDF, &mut os_rng()).unwrap();
	assert_eq!(file.version, 2);
	let opened = file.unlock("correct horse battery").unwrap();
	let retired: Vec<[u8; 32]> = opened.retired.iter().map(|k| k.public_bytes()).collect();
	assert_eq!(retired, vec![second, first], "newest first");
	assert_eq!(opened.encryption.public_bytes(), keys.encryption.public_bytes());

	let refused = |edit: &dyn Fn(&mut KeystoreFile)| {
		let mut altered = file.clone();
		edit(&mut altered);
		altered.unlock("correct horse battery").err().expect("refused")
	};
	assert!(matches!(
		refused(&|f| f.public.retired_keys.reverse()),
		KeystoreError::WrongPassphrase
	));
	assert!(matches!(
		refused(&|f| f.public.retired_keys[1] = hex::encode([9u8; 32])),
		KeystoreError::WrongPassphrase
	));
	// One key fewer than the sealed secrets: refused by its shape.
	assert!(matches!(
		refused(&|f| {
			f.public.retired_keys.pop();
		}),
		KeystoreError::Malformed(_)
	));
	assert!(matches!(refused(&|f| f.version = 1), KeystoreError::Malformed(_)));

	// Undoing a rotation that the chain refused brings the old key back.
	keys.restore_retired_key();
	assert_eq!(keys.encryption.public_bytes(), second);
	assert_eq!(keys.retired.len(), 1);
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
