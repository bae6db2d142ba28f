//! The envelope reader on hostile input. Two halves, chosen by the first
//! byte: raw bytes (the header parser and early checks), or a valid envelope
//! of the remaining bytes with one byte altered, which must never open
//! (this reaches the chunk-level checks that random bytes cannot).
#![no_main]

use ehr::crypto::{envelope, DataKey};
use libfuzzer_sys::fuzz_target;

fn open(key: &DataKey, sealed: &[u8]) -> Result<Vec<u8>, envelope::EnvelopeError> {
	let mut plain = Vec::new();
	envelope::decrypt(key, &mut &sealed[..], &mut plain).map(|_| plain)
}

fuzz_target!(|data: &[u8]| {
	let key = DataKey::from_bytes([0x42; 32]);
	let Some((&mode, rest)) = data.split_first() else { return };
	if mode % 2 == 0 {
		if let Ok(plain) = open(&key, rest) {
			// Anything accepted must re-encrypt and round-trip.
			let mut again = Vec::new();
			envelope::encrypt(&key, 1024, [1; 16], &mut &plain[..], &mut again).expect("re-encrypts");
			assert_eq!(open(&key, &again).expect("round-trips"), plain);
		}
		return;
	}
	let Some((&[a, b, xor], plain)) = rest.split_first_chunk::<3>().map(|(h, p)| (h, p)) else { return };
	let mut sealed = Vec::new();
	envelope::encrypt(&key, 1024, [2; 16], &mut &plain[..], &mut sealed).expect("encrypts");
	assert_eq!(open(&key, &sealed).expect("opens"), plain);
	let at = usize::from(u16::from_le_bytes([a, b])) % sealed.len();
	sealed[at] ^= xor.max(1);
	assert!(open(&key, &sealed).is_err(), "an altered envelope opened (byte {at})");
});
