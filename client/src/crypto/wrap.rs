//! Wrapping a record's data key for one reader: HPKE base mode (RFC 9180)
//! with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM.
//!
//! The HPKE `info` binds what the wrapped key belongs to, so that a wrapped
//! key copied onto another record, another chain or another key version does
//! not open. Format v2 (written now) binds the chain, the record's owner, the
//! digest of the ciphertext the key opens and the key version: all known
//! before the call that stores it is included, so the chain can assign record
//! ids. Format v1 bound the record id instead, which the client had to guess;
//! it is still read (`WrapContext::V1`).

use super::DataKey;
use hpke::{
	aead::AesGcm256, kdf::HkdfSha256, kem::X25519HkdfSha256, Deserializable, Kem as _, OpModeR,
	OpModeS, Serializable,
};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

type Kem = X25519HkdfSha256;

/// Bytes of a wrapped key on chain: encapsulated key (32) + sealed data key
/// (32) + tag (16).
pub const WRAPPED_KEY_LEN: usize = 32 + 32 + 16;

/// What a wrapped key is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrapContext {
	/// Format v1: the chain, the record id and the key version.
	V1 { genesis_hash: [u8; 32], record_id: u64, key_version: u32 },
	/// Format v2: the chain, the record's owner (its account id), the SHA-256
	/// of the ciphertext this key version opens, and the key version.
	V2 { genesis_hash: [u8; 32], owner: [u8; 32], ciphertext_digest: [u8; 32], key_version: u32 },
	/// A break-glass share of a record key version, wrapped to one
	/// hospital's escrow key: the chain, the record's owner, the digest of
	/// the ciphertext the key opens, the key version, the hospital, the
	/// escrow key version and the share's x coordinate.
	EscrowShare {
		genesis_hash: [u8; 32],
		owner: [u8; 32],
		ciphertext_digest: [u8; 32],
		key_version: u32,
		org: u32,
		escrow_key_version: u32,
		x: u8,
	},
	/// A hospital's share re-wrapped to the clinician of emergency request
	/// `emergency`: the chain, the request, the record's key version and the
	/// share's x coordinate.
	EmergencyShare { genesis_hash: [u8; 32], emergency: u64, key_version: u32, x: u8 },
}

impl WrapContext {
	/// The HPKE `info`: a label, then the fields in fixed-width little endian.
	pub fn info(&self) -> Vec<u8> {
		match self {
			WrapContext::V1 { genesis_hash, record_id, key_version } => {
				let mut info = b"ehr-acl key wrap v1".to_vec();
				info.extend_from_slice(genesis_hash);
				info.extend_from_slice(&record_id.to_le_bytes());
				info.extend_from_slice(&key_version.to_le_bytes());
				info
			}
			WrapContext::V2 { genesis_hash, owner, ciphertext_digest, key_version } => {
				let mut info = b"ehr-acl key wrap v2".to_vec();
				info.extend_from_slice(genesis_hash);
				info.extend_from_slice(owner);
				info.extend_from_slice(ciphertext_digest);
				info.extend_from_slice(&key_version.to_le_bytes());
				info
			}
			WrapContext::EscrowShare {
				genesis_hash,
				owner,
				ciphertext_digest,
				key_version,
				org,
				escrow_key_version,
				x,
			} => {
				let mut info = b"ehr-acl escrow share v1".to_vec();
				info.extend_from_slice(genesis_hash);
				info.extend_from_slice(owner);
				info.extend_from_slice(ciphertext_digest);
				info.extend_from_slice(&key_version.to_le_bytes());
				info.extend_from_slice(&org.to_le_bytes());
				info.extend_from_slice(&escrow_key_version.to_le_bytes());
				info.push(*x);
				info
			}
			WrapContext::EmergencyShare { genesis_hash, emergency, key_version, x } => {
				let mut info = b"ehr-acl emergency share v1".to_vec();
				info.extend_from_slice(genesis_hash);
				info.extend_from_slice(&emergency.to_le_bytes());
				info.extend_from_slice(&key_version.to_le_bytes());
				info.push(*x);
				info
			}
		}
	}
}

/// Why a wrapped key could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UnwrapError {
	#[error("a wrapped key is {WRAPPED_KEY_LEN} bytes, this one is {0}")]
	BadLength(usize),
	#[error(
		"the wrapped key does not open with this key for this record, content and key version"
	)]
	NotForThisKeyOrContext,
}

/// An X25519 key pair for receiving wrapped keys.
pub struct EncryptionKeypair {
	secret: <Kem as hpke::Kem>::PrivateKey,
	public: <Kem as hpke::Kem>::PublicKey,
}

impl EncryptionKeypair {
	pub fn generate(rng: &mut impl CryptoRng) -> Self {
		let (secret, public) = Kem::gen_keypair(rng);
		EncryptionKeypair { secret, public }
	}

	/// The key pair whose secret scalar is `secret`.
	pub fn from_secret(secret: &[u8; 32]) -> Self {
		let secret = <Kem as hpke::Kem>::PrivateKey::from_bytes(secret)
			.expect("any 32 bytes are an X25519 secret");
		let public = Kem::sk_to_pk(&secret);
		EncryptionKeypair { secret, public }
	}

	pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
		Zeroizing::new(self.secret.to_bytes().into())
	}

	pub fn public_bytes(&self) -> [u8; 32] {
		self.public.to_bytes().into()
	}

	/// Proof that the holder of this key puts it on `account` of the chain
	/// whose genesis hash is `genesis_hash`: the XEdDSA signature the chain
	/// checks on registration and rotation (see `ehr_key_proof`).
	pub fn key_proof(
		&self,
		genesis_hash: &[u8; 32],
		account: &[u8; 32],
		rng: &mut impl CryptoRng,
	) -> [u8; ehr_key_proof::PROOF_LEN] {
		let message = ehr_key_proof::key_proof_message(genesis_hash, account, &self.public_bytes());
		let mut random = Zeroizing::new([0u8; 64]);
		rng.fill_bytes(random.as_mut());
		ehr_key_proof::sign(&self.secret_bytes(), &message, &random)
	}
}

/// Why a key could not be wrapped for a recipient.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WrapError {
	/// A low-order X25519 point: key agreement with it yields the all-zero
	/// secret, which HPKE refuses (anyone could open what it wraps).
	#[error(
		"the recipient's encryption key is not usable for key agreement (a low-order X25519 point)"
	)]
	UnusableKey,
}

/// Wraps `data_key` to `recipient` (an X25519 public key) for `context`.
/// Fails, and wraps nothing, if `recipient` is not a key anyone could
/// agree a secret with.
pub fn wrap(
	data_key: &DataKey,
	recipient: &[u8; 32],
	context: &WrapContext,
	rng: &mut impl CryptoRng,
) -> Result<Vec<u8>, WrapError> {
	let pk =
		<Kem as hpke::Kem>::PublicKey::from_bytes(recipient).map_err(|_| WrapError::UnusableKey)?;
	let (encapped, sealed) = hpke::single_shot_seal::<AesGcm256, HkdfSha256, Kem, _>(
		&OpModeS::Base,
		&pk,
		&context.info(),
		data_key.as_bytes(),
		&[],
		rng,
	)
	.map_err(|_| WrapError::UnusableKey)?;
	let mut out = encapped.to_bytes().to_vec();
	out.extend_from_slice(&sealed);
	Ok(out)
}

/// Whether [`wrap`] can wrap for `recipient`, tried on a throwaway key, so
/// that a caller can refuse a recipient before doing any other work.
pub fn check_recipient(recipient: &[u8; 32], rng: &mut impl CryptoRng) -> Result<(), WrapError> {
	let probe = WrapContext::V1 { genesis_hash: [0; 32], record_id: 0, key_version: 0 };
	wrap(&DataKey::generate(rng), recipient, &probe, rng).map(|_| ())
}

/// Opens a key wrapped by [`wrap`] for `context` with the recipient's key.
pub fn unwrap(
	wrapped: &[u8],
	keypair: &EncryptionKeypair,
	context: &WrapContext,
) -> Result<DataKey, UnwrapError> {
	if wrapped.len() != WRAPPED_KEY_LEN {
		return Err(UnwrapError::BadLength(wrapped.len()));
	}
	let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrapped[..32])
		.map_err(|_| UnwrapError::NotForThisKeyOrContext)?;
	let opened = hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
		&OpModeR::Base,
		&keypair.secret,
		&encapped,
		&context.info(),
		&wrapped[32..],
		&[],
	)
	.map_err(|_| UnwrapError::NotForThisKeyOrContext)?;
	let opened = Zeroizing::new(opened);
	let bytes: [u8; 32] =
		opened.as_slice().try_into().map_err(|_| UnwrapError::NotForThisKeyOrContext)?;
	Ok(DataKey::from_bytes(bytes))
}
