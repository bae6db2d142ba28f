//! Joining the chain. Every encryption key registered comes with a proof,
//! made with the key's own secret, that its holder puts it on this account
//! of this chain. Someone registered by a registrar first signs a
//! [`Consent`] (this chain, its account, role, key and hospital) and hands
//! it over; the registrar submits it, and cannot change any of it.

use crate::chain::query;
use crate::{
	chain::{
		runtime::{self, runtime_types::ehr_runtime::ConsentSignature},
		AccountId, Keypair,
	},
	crypto::{os_rng, wrap::EncryptionKeypair},
	records::{RecordError, Role, Session},
};
use serde::{Deserialize, Serialize};
use subxt::transactions::Payload;

/// What an account signs to be registered by a registrar, as the JSON file
/// `ehr user consent` writes and `ehr user register --consent` reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
	/// SS58 address of the account to register.
	pub account: String,
	/// `patient`, `doctor`, `pharmacist` or `researcher`.
	pub role: String,
	/// The hospital (organisation id) whose registrar may submit this.
	pub hospital: u32,
	/// How many times the account was registered before: a consent is for
	/// one registration only.
	pub registration: u32,
	/// Hex of the X25519 encryption key to register.
	pub encryption_key: String,
	/// Hex of the genesis hash of the chain this is for.
	pub genesis_hash: String,
	/// Hex of the key's proof of possession (XEdDSA, 64 bytes).
	pub key_proof: String,
	/// Hex of the account's sr25519 signature over the consent message.
	pub signature: String,
}

/// The name a role has in a [`Consent`] and on the command line.
pub fn role_name(role: &Role) -> &'static str {
	match role {
		Role::Patient => "patient",
		Role::Doctor => "doctor",
		Role::Pharmacist => "pharmacist",
		Role::Researcher => "researcher",
	}
}

fn role_named(name: &str) -> Option<Role> {
	[Role::Patient, Role::Doctor, Role::Pharmacist, Role::Researcher]
		.into_iter()
		.find(|role| role_name(role) == name)
}

/// What `account` signs to consent to be registered on the chain with
/// `genesis_hash` as `role` of `hospital` with encryption key `key`, as its
/// registration number `registration` (0 for the first). The role is its
/// SCALE encoding, the pallet's variant index.
pub fn consent_message(
	genesis_hash: &[u8; 32],
	account: &AccountId,
	role: &Role,
	key: &[u8; 32],
	(hospital, registration): (u32, u32),
) -> Vec<u8> {
	let index = match role {
		Role::Patient => 0u8,
		Role::Doctor => 1,
		Role::Pharmacist => 2,
		Role::Researcher => 3,
	};
	ehr_key_proof::consent_message(genesis_hash, &account.0, &[index], key, hospital, registration)
}

/// The consent of `signer`'s account to be registered on the chain with
/// `genesis_hash` as `role` of `hospital`, with `encryption`'s key, as its
/// registration number `registration` (see [`query::registrations`]).
pub fn consent(
	signer: &Keypair,
	encryption: &EncryptionKeypair,
	genesis_hash: [u8; 32],
	role: Role,
	(hospital, registration): (u32, u32),
) -> Consent {
	let account = signer.public_key().to_account_id();
	let key = encryption.public_bytes();
	let message = consent_message(&genesis_hash, &account, &role, &key, (hospital, registration));
	Consent {
		account: account.to_string(),
		role: role_name(&role).to_string(),
		hospital,
		registration,
		encryption_key: hex::encode(key),
		genesis_hash: hex::encode(genesis_hash),
		key_proof: hex::encode(encryption.key_proof(&genesis_hash, &account.0, &mut os_rng())),
		signature: hex::encode(signer.sign(&message).0),
	}
}

/// The call by which `signer`'s account registers itself as `role` with
/// `encryption`'s key (with its proof) on the chain with `genesis_hash`.
pub fn self_registration(
	signer: &Keypair,
	encryption: &EncryptionKeypair,
	genesis_hash: [u8; 32],
	role: Role,
) -> impl Payload {
	let who = signer.public_key().to_account_id();
	let proof = encryption.key_proof(&genesis_hash, &who.0, &mut os_rng());
	runtime::transactions().ehr_acl().register_user(
		who,
		role,
		encryption.public_bytes(),
		proof,
		None,
	)
}

/// A consent's fields, decoded.
struct Parsed {
	account: AccountId,
	role: Role,
	key: [u8; 32],
	genesis_hash: [u8; 32],
	key_proof: [u8; 64],
	signature: [u8; 64],
}

impl Consent {
	fn parse(&self) -> Result<Parsed, RecordError> {
		let bad = |field: &str, why: String| RecordError::BadConsent(format!("{field}: {why}"));
		fn bytes<const N: usize>(hex_text: &str) -> Result<[u8; N], String> {
			let raw = hex::decode(hex_text.trim_start_matches("0x")).map_err(|e| e.to_string())?;
			let len = raw.len();
			raw.try_into().map_err(|_| format!("{len} bytes, expected {N}"))
		}
		Ok(Parsed {
			account: self.account.parse().map_err(|e| bad("account", format!("{e:?}")))?,
			role: role_named(&self.role)
				.ok_or_else(|| bad("role", format!("unknown role {:?}", self.role)))?,
			key: bytes(&self.encryption_key).map_err(|e| bad("encryption_key", e))?,
			genesis_hash: bytes(&self.genesis_hash).map_err(|e| bad("genesis_hash", e))?,
			key_proof: bytes(&self.key_proof).map_err(|e| bad("key_proof", e))?,
			signature: bytes(&self.signature).map_err(|e| bad("signature", e))?,
		})
	}

	/// The `register_user` call a registrar submits for this consent.
	pub fn register_call(&self) -> Result<impl Payload, RecordError> {
		Ok(self.parse()?.into_call())
	}
}

impl Parsed {
	fn into_call(self) -> impl Payload {
		runtime::transactions().ehr_acl().register_user(
			self.account,
			self.role,
			self.key,
			self.key_proof,
			Some(ConsentSignature(self.signature)),
		)
	}
}

impl Session {
	/// Registers this keystore's account as `role` with its encryption key:
	/// a patient registering itself, or a registrar registering itself.
	pub async fn register_self(&self, role: Role) -> Result<(), RecordError> {
		let genesis = self.chain.genesis_hash().0;
		let call = self_registration(&self.keys.signer, &self.keys.encryption, genesis, role);
		self.submit(&call).await?;
		Ok(())
	}

	/// Submits `consent` as this keystore's registrar: the account joins the
	/// registrar's hospital. Refused before anything is sent when the
	/// consent is for another chain or another hospital; the chain checks
	/// the signatures. Returns whom it registered, as what.
	pub async fn register_consented(
		&self,
		consent: &Consent,
	) -> Result<(AccountId, Role), RecordError> {
		let c = consent.parse()?;
		let genesis = self.chain.genesis_hash().0;
		if c.genesis_hash != genesis {
			return Err(RecordError::ConsentForAnotherChain {
				consent: hex::encode(c.genesis_hash),
				chain: hex::encode(genesis),
			});
		}
		let org = query::registrar_org(&self.chain, &self.account()).await?;
		if org != Some(consent.hospital) {
			return Err(RecordError::ConsentForAnotherHospital { consent: consent.hospital, org });
		}
		let registered = query::registrations(&self.chain, &c.account).await?;
		if registered != consent.registration {
			return Err(RecordError::ConsentUsed {
				account: c.account,
				consent: consent.registration,
				registered,
			});
		}
		let registered = (c.account, c.role.clone());
		self.submit(&c.into_call()).await?;
		Ok(registered)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_consent_round_trips_and_names_its_fields_on_errors() {
		let keys = crate::keystore::Keys::generate(&mut os_rng());
		let consent = consent(&keys.signer, &keys.encryption, [7; 32], Role::Doctor, (3, 0));
		let parsed = consent.parse().expect("parses");
		assert_eq!(parsed.account, keys.signer.public_key().to_account_id());
		assert_eq!((parsed.role, parsed.key), (Role::Doctor, keys.encryption.public_bytes()));
		assert_eq!(parsed.genesis_hash, [7; 32]);
		let truncated = Consent { key_proof: "00".into(), ..consent.clone() };
		let error = truncated.parse().err().expect("refused").to_string();
		assert!(error.contains("key_proof") && error.contains("1 bytes, expected 64"), "{error}");
		let unknown = Consent { role: "surgeon".into(), ..consent };
		assert!(unknown.parse().is_err());
	}
}
