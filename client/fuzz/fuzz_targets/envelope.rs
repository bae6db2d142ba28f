//! Any bytes fed to the envelope reader: no panic, and anything it accepts
//! under the fixed key must re-encrypt and round-trip.
#![no_main]

use ehr::crypto::{envelope, DataKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
	if let Ok(header) = <&[u8; envelope::HEADER_LEN]>::try_from(data.get(..envelope::HEADER_LEN).unwrap_or(&[])) {
		let _ = envelope::Header::parse(header);
	}
	let key = DataKey::from_bytes([0x42; 32]);
	let mut plain = Vec::new();
	if envelope::decrypt(&key, &mut &data[..], &mut plain).is_ok() {
		let mut again = Vec::new();
		envelope::encrypt(&key, 1024, [1; 16], &mut &plain[..], &mut again).expect("re-encrypts");
		let mut back = Vec::new();
		envelope::decrypt(&key, &mut &again[..], &mut back).expect("round-trips");
		assert_eq!(back, plain);
	}
});
