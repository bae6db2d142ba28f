//! Genesis states the node's chain specs are built from.

use crate::{AccountId, BalancesConfig, BlockNumber, RuntimeGenesisConfig, SessionKeys, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_ehr_acl::OrgId;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::OpaquePeerId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Hospital ids the development presets use.
pub const DEV_HOSPITAL: OrgId = 1;
pub const DEV_OTHER_HOSPITAL: OrgId = 2;

/// Balance every endowed development account starts with.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// Name of the four-hospital consortium preset (`--chain consortium`).
pub const CONSORTIUM_PRESET: &str = "consortium";

/// A validator: its account and its Aura (sr25519) and GRANDPA (ed25519)
/// session keys.
pub type Validator = (AccountId, AuraId, GrandpaId);

/// Everything that differs between the presets.
struct Genesis {
	validators: Vec<Validator>,
	endowed: Vec<AccountId>,
	registrars: Vec<(AccountId, OrgId)>,
	hospitals: Vec<AccountId>,
	nodes: Vec<(OpaquePeerId, AccountId)>,
	storage_agents: Vec<(OrgId, AccountId)>,
	/// Blocks per session; `None`: the runtime's `SESSION_BLOCKS`.
	session_length: Option<BlockNumber>,
}

fn genesis(g: Genesis) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: g
				.endowed
				.into_iter()
				.chain(g.storage_agents.iter().map(|(_, who)| who.clone()))
				.map(|who| (who, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		validators: pallet_ehr_validators::GenesisConfig {
			validators: g.validators.iter().map(|(who, _, _)| who.clone()).collect::<Vec<_>>(),
			session_length: g.session_length,
		},
		session: pallet_session::GenesisConfig {
			keys: g
				.validators
				.into_iter()
				.map(|(who, aura, grandpa)| (who.clone(), who, SessionKeys { aura, grandpa }))
				.collect::<Vec<_>>(),
		},
		ehr_acl: pallet_ehr_acl::GenesisConfig { registrars: g.registrars },
		hospital_membership: pallet_membership::GenesisConfig {
			members: g.hospitals.try_into().expect("at most 32 hospitals")
		},
		node_authorization: pallet_node_authorization::GenesisConfig { nodes: g.nodes },
		replication: pallet_ehr_storage::GenesisConfig { agents: g.storage_agents },
	})
}

/// The account and session keys of a well-known dev account.
fn validator(who: Sr25519Keyring, grandpa: Ed25519Keyring) -> Validator {
	(who.to_account_id(), who.public().into(), grandpa.public().into())
}

/// The storage agents' accounts of hospitals 1 to 5 (`//Alice//storage`
/// to `//Eve//storage`): development keys, like the rest of these presets.
/// Each hospital's agent signs with an account of its own, apart from its
/// escrow agent's, so that their transactions never share nonces.
pub const STORAGE_AGENTS: [[u8; 32]; 5] = [
	hex_literal::hex!("6096b7a58ed847b042b517b3536f4c1eb210a471c532b56e37abb162b63ab458"),
	hex_literal::hex!("d260089f7aab7d79656ba27721913dec9a8974f53b18f3bd07533f6ff07a5422"),
	hex_literal::hex!("06243d030c81aec55e0ff1db4168556f85ea9d17805bcfcf63b4ad7e8b042274"),
	hex_literal::hex!("4ce4473fc347fc0920c171f43c1e0ddf148797801e202c4a4e830705b23a0979"),
	hex_literal::hex!("8c2b29839bee773f498a29a4f4bf75b3048dbb3994ae1c3bafaa29acf6e91756"),
];

/// Hospitals 1 to `n`'s storage agents.
fn storage_agents(n: usize) -> Vec<(OrgId, AccountId)> {
	STORAGE_AGENTS.iter().take(n).zip(1..).map(|(key, org)| (org, AccountId::from(*key))).collect()
}

fn dev_registrars() -> Vec<(AccountId, OrgId)> {
	vec![
		(Sr25519Keyring::Alice.to_account_id(), DEV_HOSPITAL),
		(Sr25519Keyring::Bob.to_account_id(), DEV_OTHER_HOSPITAL),
	]
}

/// A development chain: `validators`, Alice registrar of hospital 1 and Bob
/// of hospital 2, both on the council (two of two act as root), every dev
/// account endowed.
fn dev_genesis(validators: Vec<Validator>) -> Value {
	genesis(Genesis {
		validators,
		endowed: Sr25519Keyring::iter().map(|k| k.to_account_id()).collect(),
		registrars: dev_registrars(),
		hospitals: vec![Sr25519Keyring::Alice.to_account_id(), Sr25519Keyring::Bob.to_account_id()],
		nodes: Vec::new(),
		storage_agents: storage_agents(2),
		session_length: None,
	})
}

/// One validator (Alice), who is also registrar of hospital 1; Bob
/// registers for hospital 2. Every well-known dev account is endowed.
pub fn development_config_genesis() -> Value {
	dev_genesis(vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)])
}

/// Two validators, Alice and Bob; otherwise as the development preset.
pub fn local_config_genesis() -> Value {
	dev_genesis(vec![
		validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
	])
}

/// libp2p peer ids (raw bytes) of the consortium's nodes when started with
/// `--node-key` 0x…01 to 0x…05 (`scripts/consortium` does): hospitals 1–4
/// at genesis, and the fifth hospital's node, which governance adds later.
pub const CONSORTIUM_PEERS: [[u8; 38]; 5] = [
	hex_literal::hex!(
		"0024080112204cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29"
	),
	hex_literal::hex!(
		"0024080112207422b9887598068e32c4448a949adb290d0f4e35b9e01b0ee5f1a1e600fe2674"
	),
	hex_literal::hex!(
		"002408011220f381626e41e7027ea431bfe3009e94bdd25a746beec468948d6c3c7c5dc9a54b"
	),
	hex_literal::hex!(
		"002408011220fd50b8e3b144ea244fbf7737f550bc8dd0c2650bbc1aada833ca17ff8dbf329b"
	),
	hex_literal::hex!(
		"002408011220fde4fba030ad002f7c2f7d4c331f49d13fb0ec747eceebec634f1ff4cbca9def"
	),
];

/// Blocks per session of the consortium test network: short, so that a
/// validator change applies within a minute or two (the consortium test
/// waits for it), at the cost of a block without calls in every ten.
pub const CONSORTIUM_SESSION_BLOCKS: BlockNumber = 10;

/// Four hospitals, one validator each: Alice, Bob, Charlie and Dave are
/// hospitals 1–4 (their accounts, session keys, registrars and nodes).
/// Validators, registrars, nodes and hospitals change only by a council
/// majority, and root-only calls (upgrades) need three of the four. The dev accounts' well-known keys make this a
/// test network; a real consortium builds the same shape from its own keys
/// (see the README).
pub fn consortium_config_genesis() -> Value {
	let hospitals = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];
	let accounts: Vec<AccountId> = hospitals.iter().map(|(k, _)| k.to_account_id()).collect();
	genesis(Genesis {
		validators: hospitals.iter().map(|(k, g)| validator(*k, *g)).collect(),
		endowed: Sr25519Keyring::iter().map(|k| k.to_account_id()).collect(),
		registrars: accounts.iter().cloned().zip(1..).collect(),
		hospitals: accounts.clone(),
		nodes: CONSORTIUM_PEERS
			.iter()
			.zip(accounts)
			.map(|(peer, owner)| (OpaquePeerId(peer.to_vec()), owner))
			.collect(),
		storage_agents: storage_agents(4),
		session_length: Some(CONSORTIUM_SESSION_BLOCKS),
	})
}

/// The genesis patch of the named preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		CONSORTIUM_PRESET => consortium_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(CONSORTIUM_PRESET),
	]
}
