//! Shamir secret sharing of a record's data key over GF(2^8), byte by byte,
//! for break-glass escrow: any `threshold` shares rebuild the key, fewer
//! tell nothing about it. Each share is the 32 values at one nonzero `x` of
//! 32 random polynomials of degree `threshold - 1` whose constant terms are
//! the key's bytes.
//!
//! The field arithmetic runs in constant time (no tables, no branches on
//! secret values): shares and keys are secrets.

use super::DataKey;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// One share: its x coordinate (never 0) and the 32 values at it.
pub struct Share {
	pub x: u8,
	pub y: Zeroizing<[u8; 32]>,
}

/// Why a key could not be split or rebuilt.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShamirError {
	#[error("a threshold of {0} is below 2: one share would be the key")]
	ThresholdTooLow(u8),
	#[error("{count} shares cannot meet a threshold of {threshold}")]
	TooFewShares { count: usize, threshold: u8 },
	#[error("share x coordinates must be distinct and not 0")]
	BadX,
}

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, in constant time.
fn mul(mut a: u8, mut b: u8) -> u8 {
	let mut product = 0u8;
	for _ in 0..8 {
		product ^= a & (b & 1).wrapping_neg();
		let carry = (a >> 7).wrapping_neg();
		a = (a << 1) ^ (carry & 0x1b);
		b >>= 1;
	}
	product
}

/// The inverse of `a` (0 for 0): a^254, in constant time.
fn inv(a: u8) -> u8 {
	// 254 = 0b11111110: square-and-multiply over its fixed bits.
	let mut result = 1u8;
	let mut power = a;
	for bit in 0..8 {
		if bit > 0 {
			result = mul(result, power);
		}
		power = mul(power, power);
	}
	result
}

fn check_xs(xs: impl Iterator<Item = u8> + Clone) -> Result<(), ShamirError> {
	for (i, x) in xs.clone().enumerate() {
		if x == 0 || xs.clone().take(i).any(|other| other == x) {
			return Err(ShamirError::BadX);
		}
	}
	Ok(())
}

/// Splits `key` into one share per x in `xs`, any `threshold` of which
/// rebuild it.
pub fn split(
	key: &DataKey,
	threshold: u8,
	xs: &[u8],
	rng: &mut impl CryptoRng,
) -> Result<Vec<Share>, ShamirError> {
	if threshold < 2 {
		return Err(ShamirError::ThresholdTooLow(threshold));
	}
	if xs.len() < usize::from(threshold) {
		return Err(ShamirError::TooFewShares { count: xs.len(), threshold });
	}
	check_xs(xs.iter().copied())?;
	// coefficients[j][i]: the x^(j+1) coefficient of byte i's polynomial.
	let mut coefficients = Zeroizing::new(vec![[0u8; 32]; usize::from(threshold) - 1]);
	for c in coefficients.iter_mut() {
		rng.fill_bytes(c);
	}
	Ok(xs
		.iter()
		.map(|&x| {
			let mut y = Zeroizing::new([0u8; 32]);
			for (i, out) in y.iter_mut().enumerate() {
				// Horner: ((c_{k-1} x + c_{k-2}) x + ...) x + key_i.
				let mut acc = 0u8;
				for c in coefficients.iter().rev() {
					acc = mul(acc ^ c[i], x);
				}
				*out = acc ^ key.as_bytes()[i];
			}
			Share { x, y }
		})
		.collect())
}

/// Rebuilds the key from `threshold` or more shares (all are used: shares
/// of another key, or altered ones, rebuild a wrong key, which the record's
/// authenticated encryption then refuses).
pub fn combine(shares: &[Share], threshold: u8) -> Result<DataKey, ShamirError> {
	if shares.len() < usize::from(threshold.max(2)) {
		return Err(ShamirError::TooFewShares { count: shares.len(), threshold });
	}
	check_xs(shares.iter().map(|s| s.x))?;
	let mut key = Zeroizing::new([0u8; 32]);
	for (j, share) in shares.iter().enumerate() {
		// The Lagrange basis polynomial of x_j at 0: prod x_m / (x_m - x_j),
		// where subtraction is xor.
		let mut basis = 1u8;
		for (m, other) in shares.iter().enumerate() {
			if m != j {
				basis = mul(basis, mul(other.x, inv(other.x ^ share.x)));
			}
		}
		for (out, y) in key.iter_mut().zip(share.y.iter()) {
			*out ^= mul(*y, basis);
		}
	}
	Ok(DataKey::from_bytes(*key))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::crypto::os_rng;

	#[test]
	fn field_inverse_and_product_agree_for_every_element() {
		for a in 1..=255u8 {
			assert_eq!(mul(a, inv(a)), 1, "{a}");
		}
		assert_eq!(inv(0), 0);
		// The AES field's textbook example: {57} x {83} = {c1}.
		assert_eq!(mul(0x57, 0x83), 0xc1);
	}

	#[test]
	fn any_threshold_of_shares_rebuilds_the_key_and_fewer_cannot_be_combined() {
		let key = DataKey::generate(&mut os_rng());
		let xs = [1, 2, 3, 4, 200];
		let shares = split(&key, 3, &xs, &mut os_rng()).unwrap();
		let pick = |ids: &[usize]| -> Vec<Share> {
			ids.iter().map(|&i| Share { x: shares[i].x, y: shares[i].y.clone() }).collect()
		};
		for ids in [[0, 1, 2], [0, 3, 4], [4, 2, 1], [1, 3, 4]] {
			assert_eq!(combine(&pick(&ids), 3).unwrap().as_bytes(), key.as_bytes(), "{ids:?}");
		}
		assert_eq!(combine(&pick(&[0, 1, 2, 3, 4]), 3).unwrap().as_bytes(), key.as_bytes());
		assert_eq!(
			combine(&pick(&[0, 1]), 3).err(),
			Some(ShamirError::TooFewShares { count: 2, threshold: 3 })
		);
		// Two shares interpolated as if they were enough give another key.
		assert_ne!(combine(&pick(&[0, 1]), 2).unwrap().as_bytes(), key.as_bytes());
	}

	/// With threshold - 1 shares fixed, every value of a key byte is still
	/// possible: for each candidate byte there is a third share making it
	/// the rebuilt one (here, over all 256 values of one share byte).
	#[test]
	fn fewer_shares_than_the_threshold_leave_every_key_byte_possible() {
		let key = DataKey::generate(&mut os_rng());
		let shares = split(&key, 3, &[1, 2, 3], &mut os_rng()).unwrap();
		let mut seen = [false; 256];
		for guess in 0..=255u8 {
			let mut third = shares[2].y.clone();
			third[0] = guess;
			let candidate = [
				Share { x: 1, y: shares[0].y.clone() },
				Share { x: 2, y: shares[1].y.clone() },
				Share { x: 3, y: third },
			];
			seen[usize::from(combine(&candidate, 3).unwrap().as_bytes()[0])] = true;
		}
		assert!(seen.iter().all(|s| *s));
	}

	/// Sixteen hospitals, all needed, at the far ends of the x range; and
	/// one altered share among more than the threshold spoils the key, a
	/// subset without it does not.
	#[test]
	fn the_widest_split_rebuilds_and_an_altered_share_shows() {
		let key = DataKey::generate(&mut os_rng());
		let xs: Vec<u8> = (240..=255).collect();
		let shares = split(&key, 16, &xs, &mut os_rng()).unwrap();
		assert_eq!(combine(&shares, 16).unwrap().as_bytes(), key.as_bytes());
		let shares = split(&key, 3, &[1, 2, 3, 4], &mut os_rng()).unwrap();
		let mut altered: Vec<Share> =
			shares.iter().map(|s| Share { x: s.x, y: s.y.clone() }).collect();
		altered[3].y[5] ^= 1;
		assert_ne!(combine(&altered, 3).unwrap().as_bytes(), key.as_bytes());
		assert_eq!(combine(&altered[..3], 3).unwrap().as_bytes(), key.as_bytes());
	}

	#[test]
	fn bad_parameters_are_refused() {
		let key = DataKey::generate(&mut os_rng());
		assert_eq!(
			split(&key, 1, &[1, 2], &mut os_rng()).err(),
			Some(ShamirError::ThresholdTooLow(1))
		);
		assert_eq!(
			split(&key, 3, &[1, 2], &mut os_rng()).err(),
			Some(ShamirError::TooFewShares { count: 2, threshold: 3 })
		);
		assert_eq!(split(&key, 2, &[1, 0, 3], &mut os_rng()).err(), Some(ShamirError::BadX));
		assert_eq!(split(&key, 2, &[1, 3, 3], &mut os_rng()).err(), Some(ShamirError::BadX));
		let shares = split(&key, 2, &[5, 6], &mut os_rng()).unwrap();
		let twice =
			[Share { x: 5, y: shares[0].y.clone() }, Share { x: 5, y: shares[1].y.clone() }];
		assert_eq!(combine(&twice, 2).err(), Some(ShamirError::BadX));
	}
}
