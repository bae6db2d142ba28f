//! Proof of possession of an X25519 encryption key, and the bytes that a key
//! proof and a registration consent sign.
//!
//! An account's encryption key is an X25519 public key (a Montgomery `u`
//! coordinate). Its holder proves it has the secret with an XEdDSA signature
//! (Signal's XEdDSA specification): the Montgomery point is mapped to the
//! Edwards point with sign bit 0, and the signature is an ordinary Ed25519
//! signature under that Edwards key, made with the X25519 secret (negated
//! when its Edwards point has sign bit 1). A verifier therefore needs only
//! [`ed25519_public`] and any Ed25519 verifier; the pallet uses the runtime's
//! `ed25519_verify` host function.
//!
//! The messages bind the chain (its genesis hash) and the account, so a proof
//! made for one account or chain is worth nothing on another.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use curve25519_dalek::{
	edwards::EdwardsPoint,
	montgomery::MontgomeryPoint,
	scalar::{clamp_integer, Scalar},
};
use sha2::{Digest, Sha512};

/// Bytes of an XEdDSA signature: `R` (32) then `s` (32).
pub const PROOF_LEN: usize = 64;

/// What a key proof signs: that the holder of `key`'s secret puts it on
/// `account` on the chain with `genesis`.
pub fn key_proof_message(genesis: &[u8], account: &[u8], key: &[u8; 32]) -> Vec<u8> {
	[b"ehr-acl key proof v1".as_slice(), genesis, account, key].concat()
}

/// What an account signs (with its own account key) to agree to be
/// registered by a registrar: on the chain with `genesis`, as `role` (its
/// SCALE encoding), with encryption key `key`, in hospital `org`, as its
/// registration number `registration` (how many times the account was
/// registered before), so that a consent is used at most once.
pub fn consent_message(
	genesis: &[u8],
	account: &[u8],
	role: &[u8],
	key: &[u8; 32],
	org: u32,
	registration: u32,
) -> Vec<u8> {
	[
		b"ehr-acl consent v2".as_slice(),
		genesis,
		account,
		role,
		key,
		&org.to_le_bytes(),
		&registration.to_le_bytes(),
	]
	.concat()
}

/// The X25519 public key of `secret` (32 bytes, clamped as X25519 does).
pub fn public_key(secret: &[u8; 32]) -> [u8; 32] {
	MontgomeryPoint::mul_base_clamped(*secret).to_bytes()
}

/// The Ed25519 public key (compressed Edwards point, sign bit 0) an XEdDSA
/// signature by the holder of X25519 key `key` verifies under; `None` for
/// the one `u` (p - 1) that has no Edwards image.
pub fn ed25519_public(key: &[u8; 32]) -> Option<[u8; 32]> {
	MontgomeryPoint(*key).to_edwards(0).map(|point| point.compress().to_bytes())
}

/// XEdDSA signature of `message` by the X25519 secret `secret` (32 bytes, as
/// stored; clamped here as X25519 does). `random` is 64 fresh random bytes
/// (the specification's `Z`); it only hides the nonce, so fixed bytes give a
/// valid, deterministic signature.
pub fn sign(secret: &[u8; 32], message: &[u8], random: &[u8; 64]) -> [u8; PROOF_LEN] {
	let k = Scalar::from_bytes_mod_order(clamp_integer(*secret));
	let edwards = EdwardsPoint::mul_base(&k).compress();
	// The verifier picks sign bit 0; sign with the secret of that point.
	let negate = edwards.to_bytes()[31] >> 7 == 1;
	let a = if negate { -k } else { k };
	let mut public = edwards.to_bytes();
	public[31] &= 0x7f;
	// hash_1 of the specification: SHA-512 of (2^256 - 2) little endian, then a, M, Z.
	let mut prefix = [0xff; 32];
	prefix[0] = 0xfe;
	let r = scalar_of(
		Sha512::new()
			.chain_update(prefix)
			.chain_update(a.as_bytes())
			.chain_update(message)
			.chain_update(random),
	);
	let big_r = EdwardsPoint::mul_base(&r).compress();
	let h = scalar_of(
		Sha512::new().chain_update(big_r.as_bytes()).chain_update(public).chain_update(message),
	);
	let s = r + h * a;
	let mut signature = [0; PROOF_LEN];
	signature[..32].copy_from_slice(big_r.as_bytes());
	signature[32..].copy_from_slice(s.as_bytes());
	signature
}

/// A SHA-512 digest as a scalar (reduced modulo the group order).
fn scalar_of(hash: Sha512) -> Scalar {
	Scalar::from_bytes_mod_order_wide(&hash.finalize().into())
}

#[cfg(test)]
mod tests {
	use super::*;
	use ed25519_dalek::{Signature, VerifyingKey};

	fn verifies(key: &[u8; 32], message: &[u8], proof: &[u8; PROOF_LEN]) -> bool {
		let Some(public) = ed25519_public(key) else { return false };
		let public = VerifyingKey::from_bytes(&public).expect("a curve point");
		public.verify_strict(message, &Signature::from_bytes(proof)).is_ok()
	}

	#[test]
	fn signatures_verify_under_the_converted_key_for_either_sign_bit() {
		let mut signs = [false; 2];
		for seed in 0u8..32 {
			let secret = [seed.wrapping_mul(37).wrapping_add(1); 32];
			let negated =
				EdwardsPoint::mul_base_clamped(secret).compress().to_bytes()[31] >> 7 == 1;
			signs[usize::from(negated)] = true;
			let key = public_key(&secret);
			let message = key_proof_message(&[7; 32], &[seed; 32], &key);
			let proof = sign(&secret, &message, &[seed; 64]);
			assert!(verifies(&key, &message, &proof), "seed {seed}");
			assert!(!verifies(&key, b"another message", &proof), "seed {seed}");
		}
		assert_eq!(signs, [true, true], "both sign bits exercised");
	}

	#[test]
	fn a_proof_does_not_verify_for_another_key() {
		let (one, other) = ([3; 32], [4; 32]);
		let message = key_proof_message(&[7; 32], &[1; 32], &public_key(&one));
		let proof = sign(&one, &message, &[0; 64]);
		assert!(!verifies(&public_key(&other), &message, &proof));
	}

	#[test]
	fn messages_bind_every_field() {
		let base = consent_message(&[1; 32], &[2; 32], &[3], &[4; 32], 5, 6);
		for changed in [
			consent_message(&[9; 32], &[2; 32], &[3], &[4; 32], 5, 6),
			consent_message(&[1; 32], &[9; 32], &[3], &[4; 32], 5, 6),
			consent_message(&[1; 32], &[2; 32], &[9], &[4; 32], 5, 6),
			consent_message(&[1; 32], &[2; 32], &[3], &[9; 32], 5, 6),
			consent_message(&[1; 32], &[2; 32], &[3], &[4; 32], 9, 6),
			consent_message(&[1; 32], &[2; 32], &[3], &[4; 32], 5, 9),
		] {
			assert_ne!(base, changed);
		}
		assert_ne!(key_proof_message(&[1; 32], &[2; 32], &[4; 32])[..20], base[..20]);
	}

	#[test]
	fn p_minus_one_has_no_edwards_key() {
		let mut p_minus_one = [0xff; 32];
		p_minus_one[0] = 0xec;
		p_minus_one[31] = 0x7f;
		assert_eq!(ed25519_public(&p_minus_one), None);
	}
}
