//! Any text as a keystore file, and a real keystore file with any bytes
//! spliced in: parsing and unlocking never panic, never accept a wrong
//! passphrase, and never spend more than `KDF_LIMITS` allow.
#![no_main]

use ehr::{
	crypto::os_rng,
	keystore::{KdfParams, Keys, KeystoreError, KeystoreFile},
};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const PASSPHRASE: &str = "correct horse battery";
/// Cheap enough for thousands of unlocks a second.
const KDF: KdfParams = KdfParams { memory_kib: 8, iterations: 1, lanes: 1 };

/// A valid keystore file's text, sealed under `PASSPHRASE`.
static VALID: LazyLock<String> = LazyLock::new(|| {
	let file = Keys::generate(&mut os_rng()).seal(PASSPHRASE, KDF, &mut os_rng()).unwrap();
	serde_json::to_string_pretty(&file).unwrap()
});

fuzz_target!(|data: &[u8]| {
	let Some((&mode, rest)) = data.split_first() else { return };
	let text = if mode % 2 == 0 {
		String::from_utf8_lossy(rest).into_owned()
	} else {
		// Overwrite the valid file from an offset the input picks.
		let Some((offset, patch)) = rest.split_first_chunk::<2>() else { return };
		let mut bytes = VALID.as_bytes().to_vec();
		let at = usize::from(u16::from_le_bytes(*offset)) % bytes.len();
		let end = (at + patch.len()).min(bytes.len());
		bytes[at..end].copy_from_slice(&patch[..end - at]);
		String::from_utf8_lossy(&bytes).into_owned()
	};
	let Ok(file) = KeystoreFile::parse(&text) else { return };
	// Parsing bounded the cost; keep fuzzing fast by opening only cheap files.
	if file.kdf.memory_kib > 64 || file.kdf.iterations > 2 {
		return;
	}
	match file.unlock(PASSPHRASE) {
		// Only an unaltered seal opens, and then to the keys it names.
		Ok(keys) => assert_eq!(keys.public(), file.public),
		Err(
			KeystoreError::WrongPassphrase
			| KeystoreError::Malformed(_)
			| KeystoreError::UnsupportedVersion(_),
		) => {}
		Err(other) => panic!("unexpected error: {other}"),
	}
	assert!(file.unlock("not the passphrase").is_err());
});
