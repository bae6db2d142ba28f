//! Any bytes as a wrapped key: no panic.
#![no_main]

use ehr::crypto::wrap::{unwrap, EncryptionKeypair, WrapContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
	let keypair = EncryptionKeypair::from_secret(&[7; 32]);
	let context = WrapContext::V2 {
		genesis_hash: [0; 32],
		owner: [1; 32],
		ciphertext_digest: [2; 32],
		key_version: 1,
	};
	let _ = unwrap(data, &keypair, &context);
});
