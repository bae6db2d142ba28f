//! The account's keys at rest: one JSON file holding the sr25519 signing
//! seed, the X25519 encryption secret and the encryption secrets it replaced
//! (retired by `ehr user rotate-key`, newest first), sealed with AES-256-GCM
//! under a key derived from a passphrase with Argon2id. Public keys are
//! stored in clear (and bound into the seal as associated data) so they can
//! be shown without the passphrase.

use crate::crypto::wrap::EncryptionKeypair;
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::CryptoRng;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use schnorrkel::{derive::ChainCode, ExpansionMode, MiniSecretKey};
use serde::{Deserialize, Serialize};
use std::{fs, io, path::Path, str::FromStr};
use subxt_signer::{bip39, sr25519::Keypair, DeriveJunction, ExposeSecret, SecretUri};
use zeroize::Zeroizing;

/// Format version of the keystore files written (version 1, without
/// retired keys, is still read).
pub const KEYSTORE_VERSION: u32 = 2;

/// Most retired encryption keys a keystore keeps; a rotation beyond drops
/// the oldest.
pub const MAX_RETIRED_KEYS: usize = 64;

/// Argon2id cost used for new keystores: 64 MiB, 3 passes, 1 lane.
pub const DEFAULT_KDF: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 3, lanes: 1 };

/// Shortest passphrase accepted for a new keystore.
pub const MIN_PASSPHRASE_LEN: usize = 8;

/// Argon2id costs a keystore file may ask for. A file is read before it is
/// authenticated, so an altered one must not make unlocking allocate
/// gigabytes or run for hours: memory 8 KiB ..= 1 GiB, 1 ..= 16 passes,
/// 1 ..= 16 lanes.
pub const KDF_LIMITS: (KdfParams, KdfParams) = (
	KdfParams { memory_kib: 8, iterations: 1, lanes: 1 },
	KdfParams { memory_kib: 1024 * 1024, iterations: 16, lanes: 16 },
);

/// Largest keystore file read (one with every retired key is under 16 KiB).
const MAX_FILE_LEN: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
	#[error("wrong passphrase, or the keystore file was altered")]
	WrongPassphrase,
	#[error("the passphrase must be at least {MIN_PASSPHRASE_LEN} characters")]
	WeakPassphrase,
	#[error("keystore file version {0} is not supported")]
	UnsupportedVersion(u32),
	#[error("the keystore file is malformed: {0}")]
	Malformed(String),
	#[error("{0} already exists; refusing to overwrite a keystore")]
	AlreadyExists(String),
	#[error("cannot use this secret URI: {0}")]
	BadSecretUri(String),
	#[error("cannot read or write the keystore: {0}")]
	Io(#[from] io::Error),
}

/// Argon2id parameters, stored in the file so they can be raised later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
	pub memory_kib: u32,
	pub iterations: u32,
	pub lanes: u32,
}

/// The public half of an account: what others need to address it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeys {
	/// SS58 address of the sr25519 signing key (the chain account).
	pub account: String,
	/// Hex of the X25519 public encryption key registered on chain.
	pub encryption_key: String,
	/// Hex of the retired encryption keys, newest first.
	#[serde(default, skip_serializing_if = "Vec::is_empty")]
	pub retired_keys: Vec<String>,
}

/// The keystore file as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeystoreFile {
	pub version: u32,
	pub public: PublicKeys,
	pub kdf: KdfParams,
	/// Hex of the 16-byte Argon2 salt.
	pub salt: String,
	/// Hex of the 12-byte AES-GCM nonce.
	pub nonce: String,
	/// Hex of the sealed secrets (signing seed, encryption secret, then the
	/// retired encryption secrets) and tag.
	pub sealed: String,
}

/// Unlocked keys. Secrets are wiped when this is dropped.
pub struct Keys {
	signing_seed: Zeroizing<[u8; 32]>,
	pub signer: Keypair,
	pub encryption: EncryptionKeypair,
	/// Encryption keys this one replaced, newest first: what was wrapped for
	/// them still opens.
	pub retired: Vec<EncryptionKeypair>,
}

impl Keys {
	/// Fresh random keys.
	pub fn generate(rng: &mut impl CryptoRng) -> Self {
		let mut seed = Zeroizing::new([0u8; 32]);
		rng.fill_bytes(seed.as_mut());
		let encryption = EncryptionKeypair::generate(rng);
		Self::from_parts(seed, encryption)
	}

	/// Keys whose signing key is the one a Substrate secret URI names
	/// (`//Alice`, a mnemonic with hard junctions such as
	/// `"<words>//hospital//1"`, or `0x` and a 32-byte seed), with a fresh
	/// encryption key. The keystore holds a 32-byte seed, so a URI whose
	/// last step is a soft junction (`/name`) cannot be stored and is refused.
	pub fn from_secret_uri(suri: &str, rng: &mut impl CryptoRng) -> Result<Self, KeystoreError> {
		let bad = |reason: String| KeystoreError::BadSecretUri(reason);
		let uri = SecretUri::from_str(suri).map_err(|e| bad(e.to_string()))?;
		let phrase = uri.phrase.expose_secret();
		let mut seed = Zeroizing::new([0u8; 32]);
		if let Some(hex_seed) = phrase.strip_prefix("0x") {
			*seed =
				decode_hex(hex_seed, "seed").map_err(|_| bad("0x seed is not 32 bytes".into()))?;
		} else {
			// BIP-39 entropy stretched as Substrate does (substrate-bip39):
			// PBKDF2-HMAC-SHA512, salt "mnemonic" + password, 2048 rounds.
			let mnemonic = bip39::Mnemonic::parse(phrase).map_err(|e| bad(e.to_string()))?;
			let (entropy, len) = mnemonic.to_entropy_array();
			let salt = Zeroizing::new(format!(
				"mnemonic{}",
				uri.password.as_ref().map_or("", |p| p.expose_secret())
			));
			let mut stretched = Zeroizing::new([0u8; 64]);
			pbkdf2::pbkdf2_hmac::<sha2::Sha512>(
				&entropy[..len],
				salt.as_bytes(),
				2048,
				stretched.as_mut(),
			);
			seed.copy_from_slice(&stretched[..32]);
		}
		for junction in &uri.junctions {
			let DeriveJunction::Hard(chain_code) = junction else {
				return Err(bad("soft junctions (`/name`) cannot be stored; use `//name`".into()));
			};
			let parent = MiniSecretKey::from_bytes(seed.as_ref())
				.map_err(|e| bad(e.to_string()))?
				.expand(ExpansionMode::Ed25519);
			let (child, _) = parent.hard_derive_mini_secret_key(Some(ChainCode(*chain_code)), b"");
			*seed = child.to_bytes();
		}
		let keys = Self::from_parts(seed, EncryptionKeypair::generate(rng));
		let expected = Keypair::from_uri(&uri).map_err(|e| bad(e.to_string()))?.public_key();
		if keys.signer.public_key().0 != expected.0 {
			return Err(bad("the derived key does not match the URI's account".into()));
		}
		Ok(keys)
	}

	fn from_parts(signing_seed: Zeroizing<[u8; 32]>, encryption: EncryptionKeypair) -> Self {
		let signer =
			Keypair::from_secret_key(*signing_seed).expect("any 32 bytes are a mini secret key");
		Keys { signing_seed, signer, encryption, retired: Vec::new() }
	}

	pub fn public(&self) -> PublicKeys {
		PublicKeys {
			account: self.signer.public_key().to_account_id().to_string(),
			encryption_key: hex::encode(self.encryption.public_bytes()),
			retired_keys: self.retired.iter().map(|k| hex::encode(k.public_bytes())).collect(),
		}
	}

	/// Makes `new` the encryption key and keeps the one it replaces as the
	/// newest retired key (dropping the oldest beyond [`MAX_RETIRED_KEYS`]).
	pub fn retire_encryption_key(&mut self, new: EncryptionKeypair) {
		let old = std::mem::replace(&mut self.encryption, new);
		self.retired.insert(0, old);
		self.retired.truncate(MAX_RETIRED_KEYS);
	}

	/// Undoes [`Self::retire_encryption_key`]: the newest retired key is the
	/// encryption key again.
	pub fn restore_retired_key(&mut self) {
		if !self.retired.is_empty() {
			self.encryption = self.retired.remove(0);
		}
	}

	/// Every encryption key this keystore holds, the current one first.
	pub fn encryption_keys(&self) -> impl Iterator<Item = &EncryptionKeypair> {
		std::iter::once(&self.encryption).chain(&self.retired)
	}

	/// Seals the keys under `passphrase`.
	pub fn seal(
		&self,
		passphrase: &str,
		kdf: KdfParams,
		rng: &mut impl CryptoRng,
	) -> Result<KeystoreFile, KeystoreError> {
		if passphrase.chars().count() < MIN_PASSPHRASE_LEN {
			return Err(KeystoreError::WeakPassphrase);
		}
		let mut salt = [0u8; 16];
		let mut nonce = [0u8; 12];
		rng.fill_bytes(&mut salt);
		rng.fill_bytes(&mut nonce);
		let public = self.public();
		let key = seal_key(passphrase, &salt, kdf)?;
		let mut secrets = Zeroizing::new(Vec::with_capacity(sealed_len(self.retired.len())));
		secrets.extend_from_slice(self.signing_seed.as_ref());
		for key in self.encryption_keys() {
			secrets.extend_from_slice(key.secret_bytes().as_ref());
		}
		key.seal_in_place_append_tag(
			Nonce::assume_unique_for_key(nonce),
			Aad::from(associated_data(KEYSTORE_VERSION, &public)),
			&mut *secrets,
		)
		.map_err(|_| KeystoreError::Malformed("cannot seal".into()))?;
		Ok(KeystoreFile {
			version: KEYSTORE_VERSION,
			public,
			kdf,
			salt: hex::encode(salt),
			nonce: hex::encode(nonce),
			sealed: hex::encode(&*secrets),
		})
	}
}

impl KeystoreFile {
	/// Opens the file's secrets with `passphrase`.
	pub fn unlock(&self, passphrase: &str) -> Result<Keys, KeystoreError> {
		self.check()?;
		let salt: [u8; 16] = decode_hex(&self.salt, "salt")?;
		let nonce: [u8; 12] = decode_hex(&self.nonce, "nonce")?;
		let mut sealed = Zeroizing::new(
			hex::decode(&self.sealed)
				.map_err(|_| KeystoreError::Malformed("sealed is not hex".into()))?,
		);
		let key = seal_key(passphrase, &salt, self.kdf)?;
		let secrets = key
			.open_in_place(
				Nonce::assume_unique_for_key(nonce),
				Aad::from(associated_data(self.version, &self.public)),
				&mut sealed,
			)
			.map_err(|_| KeystoreError::WrongPassphrase)?;
		let mut seed = Zeroizing::new([0u8; 32]);
		seed.copy_from_slice(&secrets[..32]);
		let mut encryption = secrets[32..].chunks_exact(32).map(|chunk| {
			let mut secret = Zeroizing::new([0u8; 32]);
			secret.copy_from_slice(chunk);
			EncryptionKeypair::from_secret(&secret)
		});
		let current = encryption.next().expect("check() saw at least one encryption secret");
		let mut keys = Keys::from_parts(seed, current);
		keys.retired = encryption.collect();
		if keys.public() != self.public {
			return Err(KeystoreError::Malformed("public keys do not match the secrets".into()));
		}
		Ok(keys)
	}

	pub fn read(path: &Path) -> Result<Self, KeystoreError> {
		let file = fs::File::open(path)?;
		if file.metadata()?.len() > MAX_FILE_LEN {
			return Err(KeystoreError::Malformed(format!("larger than {MAX_FILE_LEN} bytes")));
		}
		let mut text = String::new();
		io::Read::read_to_string(&mut io::Read::take(file, MAX_FILE_LEN), &mut text)
			.map_err(|e| KeystoreError::Malformed(e.to_string()))?;
		Self::parse(&text)
	}

	/// Parses a keystore file's text and checks every field's shape (not
	/// yet its seal, which needs the passphrase).
	pub fn parse(text: &str) -> Result<Self, KeystoreError> {
		let file: KeystoreFile =
			serde_json::from_str(text).map_err(|e| KeystoreError::Malformed(e.to_string()))?;
		file.check()?;
		Ok(file)
	}

	fn check(&self) -> Result<(), KeystoreError> {
		let retired = self.public.retired_keys.len();
		match self.version {
			1 if retired > 0 => {
				return Err(KeystoreError::Malformed("a version 1 file has no retired keys".into()))
			}
			1 | KEYSTORE_VERSION if retired <= MAX_RETIRED_KEYS => {}
			1 | KEYSTORE_VERSION => {
				return Err(KeystoreError::Malformed(format!(
					"more than {MAX_RETIRED_KEYS} retired keys"
				)))
			}
			other => return Err(KeystoreError::UnsupportedVersion(other)),
		}
		let (low, high) = KDF_LIMITS;
		let k = self.kdf;
		if !(low.memory_kib..=high.memory_kib).contains(&k.memory_kib)
			|| !(low.iterations..=high.iterations).contains(&k.iterations)
			|| !(low.lanes..=high.lanes).contains(&k.lanes)
			|| k.memory_kib < 8 * k.lanes
		{
			return Err(KeystoreError::Malformed(format!(
				"Argon2 parameters {k:?} are outside {low:?} ..= {high:?}"
			)));
		}
		decode_hex::<16>(&self.salt, "salt")?;
		decode_hex::<12>(&self.nonce, "nonce")?;
		if hex::decode(&self.sealed).map_or(true, |s| s.len() != sealed_len(retired)) {
			return Err(KeystoreError::Malformed(format!(
				"sealed is not {} hex bytes",
				sealed_len(retired)
			)));
		}
		decode_hex::<32>(&self.public.encryption_key, "encryption_key")?;
		for key in &self.public.retired_keys {
			decode_hex::<32>(key, "a retired key")?;
		}
		subxt::utils::AccountId32::from_str(&self.public.account)
			.map_err(|_| KeystoreError::Malformed("account is not an SS58 address".into()))?;
		Ok(())
	}

	/// Writes the file with owner-only permissions; `replace` allows
	/// overwriting an existing keystore (atomically, via a temporary file).
	pub fn write(&self, path: &Path, replace: bool) -> Result<(), KeystoreError> {
		if !replace && path.exists() {
			return Err(KeystoreError::AlreadyExists(path.display().to_string()));
		}
		let json = serde_json::to_string_pretty(self).expect("keystore serializes");
		crate::files::write_atomically(path, json.as_bytes())?;
		Ok(())
	}
}

fn decode_hex<const N: usize>(text: &str, field: &str) -> Result<[u8; N], KeystoreError> {
	hex::decode(text)
		.ok()
		.and_then(|v| v.try_into().ok())
		.ok_or_else(|| KeystoreError::Malformed(format!("{field} is not {N} hex bytes")))
}

/// Bytes sealed for a keystore with `retired` retired keys: the signing
/// seed, the encryption secret and each retired secret, then the tag.
fn sealed_len(retired: usize) -> usize {
	32 + 32 * (1 + retired) + 16
}

/// What the seal of a version `version` file authenticates besides the
/// secrets: its public keys, one per line.
fn associated_data(version: u32, public: &PublicKeys) -> Vec<u8> {
	let mut text =
		format!("ehr-keystore v{version}\n{}\n{}", public.account, public.encryption_key);
	for key in &public.retired_keys {
		text.push('\n');
		text.push_str(key);
	}
	text.into_bytes()
}

fn seal_key(
	passphrase: &str,
	salt: &[u8; 16],
	kdf: KdfParams,
) -> Result<LessSafeKey, KeystoreError> {
	let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.lanes, Some(32))
		.map_err(|e| KeystoreError::Malformed(format!("bad Argon2 parameters: {e}")))?;
	let mut key = Zeroizing::new([0u8; 32]);
	Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
		.hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
		.map_err(|e| KeystoreError::Malformed(format!("Argon2 failed: {e}")))?;
	Ok(LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.as_ref()).expect("32-byte key")))
}
