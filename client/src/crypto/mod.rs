//! Client-side encryption: the paper's hybrid scheme. Each record version is
//! encrypted under a fresh random data key ([`envelope`]); the data key is
//! wrapped to each reader's X25519 key ([`wrap`]). Nothing here touches the
//! network.

pub mod envelope;
pub mod shamir;
pub mod wrap;

use rand_core::{CryptoRng, OsRng, TryRngCore, UnwrapErr};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The operating system's random number generator; a failure to read it
/// aborts rather than produce weak keys.
pub fn os_rng() -> UnwrapErr<OsRng> {
	OsRng.unwrap_err()
}

/// A 256-bit symmetric key for one record version; wiped when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
	/// A fresh random key.
	pub fn generate(rng: &mut impl CryptoRng) -> Self {
		let mut key = [0u8; 32];
		rng.fill_bytes(&mut key);
		DataKey(key)
	}

	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		DataKey(bytes)
	}

	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}
}

impl core::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("DataKey(<redacted>)")
	}
}
