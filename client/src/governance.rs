//! The hospitals' council, for its members: motions for the operations a
//! consortium does (admit or remove a hospital, add or remove a registrar,
//! upgrade the runtime, change a parameter, kill a motion), votes, closing,
//! and the list of open motions and the parameters' values read from proven
//! state.
//!
//! A motion's threshold is what its call needs: more than half of the
//! council's seats (registrars, kills), or at least two thirds (seats,
//! validators, and root: a runtime upgrade runs as
//! `Governance.dispatch_as_root`). A hospital's admission is one motion,
//! `Utility.batch_all` of its four steps, all or none.

use crate::{
	chain::{
		self,
		runtime::{
			self,
			council::events as council_events,
			governance::events::DispatchedAsRoot,
			runtime_types::{
				ehr_runtime::{
					configs::dynamic_params::{
						council as council_params, emergency as emergency_params, fees,
						storage as storage_params,
					},
					configs::{RuntimeParameters, RuntimeParametersKey, RuntimeParametersValue},
					RuntimeCall,
				},
				frame_system::pallet::Call as SystemCall,
				pallet_collective::pallet::Call as CouncilCall,
				pallet_ehr_acl::pallet::Call as AclCall,
				pallet_ehr_emergency::pallet::Call as EmergencyCall,
				pallet_ehr_governance::pallet::Call as GovernanceCall,
				pallet_ehr_storage::pallet::Call as StorageCall,
				pallet_ehr_validators::pallet::Call as ValidatorsCall,
				pallet_membership::pallet::Call as MembershipCall,
				pallet_node_authorization::pallet::Call as NodesCall,
				pallet_parameters::pallet::Call as ParametersCall,
				pallet_utility::pallet::Call as UtilityCall,
				sp_core::OpaquePeerId,
				sp_runtime::{DispatchError, ModuleError},
			},
			system::events as system_events,
		},
		AccountId, ChainError, Client, Keypair, Wait,
	},
	verified::Proven,
};
use serde::Serialize;
use sp_runtime::traits::{BlakeTwo256, Hash};
use std::{fmt, ops::RangeInclusive};
use subxt::{
	ext::scale_encode::EncodeAsType,
	utils::{MultiAddress, H256},
};

/// A hospital's organisation id on chain.
pub type OrgId = u32;

/// Why a governance command failed.
#[derive(Debug, thiserror::Error)]
pub enum GovError {
	#[error(transparent)]
	Chain(#[from] ChainError),
	#[error("no open motion {0}: `ehr gov list` shows the open ones")]
	NoSuchMotion(String),
	#[error(
		"`{0}` is not a libp2p peer id (base58, as `ehr-node key inspect-node-key` prints it)"
	)]
	BadPeerId(String),
	#[error("the chain refused the authorised code as a runtime ({0}); the authorisation is used up: build the runtime again, check its hash and propose it anew")]
	UpgradeRejected(String),
	#[error("no parameter `{0}`: {names}", names = Parameter::names())]
	NoSuchParameter(String),
	#[error("{parameter} must be a number from {} to {}, or `default` (got `{value}`)", parameter.range().start(), parameter.range().end())]
	OutOfRange { parameter: Parameter, value: String },
}

/// A setting the council changes without a runtime upgrade (the runtime's
/// `dynamic_params`, with the same defaults and ranges; the runtime refuses
/// a value outside the range).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parameter {
	/// The weight part of transaction fees, in percent of the benchmarked
	/// cost.
	FeeMultiplierPercent,
	/// Blocks a council motion stays open for votes.
	MotionDuration,
	/// How many hospitals' shares open a record in an emergency.
	EmergencyThreshold,
	/// Blocks an emergency request, and the access it gives, lasts.
	EmergencyAccessBlocks,
	/// How many hospitals must hold a record before it counts as durable.
	StorageReplicas,
}

impl Parameter {
	pub const ALL: [Parameter; 5] = [
		Parameter::FeeMultiplierPercent,
		Parameter::MotionDuration,
		Parameter::EmergencyThreshold,
		Parameter::EmergencyAccessBlocks,
		Parameter::StorageReplicas,
	];

	pub fn name(self) -> &'static str {
		match self {
			Parameter::FeeMultiplierPercent => "fee-multiplier-percent",
			Parameter::MotionDuration => "motion-duration",
			Parameter::EmergencyThreshold => "emergency-threshold",
			Parameter::EmergencyAccessBlocks => "emergency-access-blocks",
			Parameter::StorageReplicas => "storage-replicas",
		}
	}

	/// What it sets, for voters and `ehr gov params`.
	pub fn about(self) -> &'static str {
		match self {
			Parameter::FeeMultiplierPercent => {
				"the weight part of transaction fees, in percent of the benchmarked cost (from the next block)"
			}
			Parameter::MotionDuration => {
				"blocks a council motion is open for votes (for motions proposed after the change)"
			}
			Parameter::EmergencyThreshold => {
				"how many hospitals' shares open a record in an emergency (for shares deposited after the change)"
			}
			Parameter::EmergencyAccessBlocks => {
				"blocks an emergency request, and the access it gives, lasts (for requests made after the change)"
			}
			Parameter::StorageReplicas => {
				"how many hospitals must hold a record's ciphertext before clients report it durable"
			}
		}
	}

	pub fn default_value(self) -> u32 {
		match self {
			Parameter::FeeMultiplierPercent => 100,
			Parameter::MotionDuration => 3 * 24 * 600,
			Parameter::EmergencyThreshold => 3,
			Parameter::EmergencyAccessBlocks => 24 * 600,
			Parameter::StorageReplicas => 2,
		}
	}

	pub fn range(self) -> RangeInclusive<u32> {
		match self {
			Parameter::FeeMultiplierPercent => 10..=10_000,
			Parameter::MotionDuration => 600..=30 * 24 * 600,
			Parameter::EmergencyThreshold => 2..=16,
			Parameter::EmergencyAccessBlocks => 30..=7 * 24 * 600,
			Parameter::StorageReplicas => 1..=16,
		}
	}

	fn names() -> String {
		Parameter::ALL.map(Parameter::name).join(", ")
	}

	pub fn parse(name: &str) -> Result<Parameter, GovError> {
		Parameter::ALL
			.into_iter()
			.find(|p| p.name() == name.trim())
			.ok_or_else(|| GovError::NoSuchParameter(name.to_string()))
	}

	/// `value` as a setting of this parameter: a number within its range,
	/// or `default` (`None`: the stored value is removed).
	pub fn value(self, value: &str) -> Result<Option<u32>, GovError> {
		if value.trim() == "default" {
			return Ok(None);
		}
		match value.trim().parse::<u32>() {
			Ok(v) if self.range().contains(&v) => Ok(Some(v)),
			_ => Err(GovError::OutOfRange { parameter: self, value: value.to_string() }),
		}
	}

	fn key(self) -> RuntimeParametersKey {
		match self {
			Parameter::FeeMultiplierPercent => RuntimeParametersKey::Fees(
				fees::ParametersKey::MultiplierPercent(fees::MultiplierPercent),
			),
			Parameter::MotionDuration => RuntimeParametersKey::Council(
				council_params::ParametersKey::MotionDuration(council_params::MotionDuration),
			),
			Parameter::EmergencyThreshold => RuntimeParametersKey::Emergency(
				emergency_params::ParametersKey::Threshold(emergency_params::Threshold),
			),
			Parameter::EmergencyAccessBlocks => RuntimeParametersKey::Emergency(
				emergency_params::ParametersKey::AccessBlocks(emergency_params::AccessBlocks),
			),
			Parameter::StorageReplicas => RuntimeParametersKey::Storage(
				storage_params::ParametersKey::Replicas(storage_params::Replicas),
			),
		}
	}

	fn key_value(self, value: Option<u32>) -> RuntimeParameters {
		match self {
			Parameter::FeeMultiplierPercent => RuntimeParameters::Fees(
				fees::Parameters::MultiplierPercent(fees::MultiplierPercent, value),
			),
			Parameter::MotionDuration => RuntimeParameters::Council(
				council_params::Parameters::MotionDuration(council_params::MotionDuration, value),
			),
			// `value` checks the range; a wider value becomes the most a u8
			// holds, which the chain refuses as out of range.
			Parameter::EmergencyThreshold => {
				RuntimeParameters::Emergency(emergency_params::Parameters::Threshold(
					emergency_params::Threshold,
					value.map(|v| u8::try_from(v).unwrap_or(u8::MAX)),
				))
			}
			Parameter::EmergencyAccessBlocks => RuntimeParameters::Emergency(
				emergency_params::Parameters::AccessBlocks(emergency_params::AccessBlocks, value),
			),
			Parameter::StorageReplicas => {
				RuntimeParameters::Storage(storage_params::Parameters::Replicas(
					storage_params::Replicas,
					value.map(|v| u8::try_from(v).unwrap_or(u8::MAX)),
				))
			}
		}
	}

	fn from_key_value(key_value: &RuntimeParameters) -> (Parameter, Option<u32>) {
		match key_value {
			RuntimeParameters::Fees(fees::Parameters::MultiplierPercent(_, value)) => {
				(Parameter::FeeMultiplierPercent, *value)
			}
			RuntimeParameters::Council(council_params::Parameters::MotionDuration(_, value)) => {
				(Parameter::MotionDuration, *value)
			}
			RuntimeParameters::Emergency(emergency_params::Parameters::Threshold(_, value)) => {
				(Parameter::EmergencyThreshold, value.map(u32::from))
			}
			RuntimeParameters::Emergency(emergency_params::Parameters::AccessBlocks(_, value)) => {
				(Parameter::EmergencyAccessBlocks, *value)
			}
			RuntimeParameters::Storage(storage_params::Parameters::Replicas(_, value)) => {
				(Parameter::StorageReplicas, value.map(u32::from))
			}
		}
	}
}

impl fmt::Display for Parameter {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(self.name())
	}
}

/// A parameter's value on chain, read from proven state.
#[derive(Clone, Debug, Serialize)]
pub struct ParameterValue {
	pub name: Parameter,
	/// What is stored, else the default.
	pub value: u32,
	/// What the runtime uses: `value` held to the range (root may store a
	/// value outside it).
	pub effective: u32,
	/// Whether the council set it (else it is the default, as this client
	/// knows it).
	pub set: bool,
	pub default: u32,
	pub min: u32,
	pub max: u32,
	pub about: &'static str,
}

/// Every parameter's current value, from one proven state.
pub async fn parameters(client: &Client) -> Result<Vec<ParameterValue>, ChainError> {
	let state = Proven::now(client).await?;
	let mut values = Vec::with_capacity(Parameter::ALL.len());
	for parameter in Parameter::ALL {
		values.push(parameter_at(&state, parameter).await?);
	}
	Ok(values)
}

/// `parameter`'s value in proven `state`.
pub async fn parameter_at(
	state: &Proven,
	parameter: Parameter,
) -> Result<ParameterValue, ChainError> {
	let stored =
		state.fetch(runtime::storage().parameters().parameters(), (parameter.key(),)).await?;
	let stored = stored.map(|stored| match stored {
		RuntimeParametersValue::Fees(fees::ParametersValue::MultiplierPercent(v))
		| RuntimeParametersValue::Council(council_params::ParametersValue::MotionDuration(v))
		| RuntimeParametersValue::Emergency(emergency_params::ParametersValue::AccessBlocks(v)) => v,
		RuntimeParametersValue::Emergency(emergency_params::ParametersValue::Threshold(v))
		| RuntimeParametersValue::Storage(storage_params::ParametersValue::Replicas(v)) => u32::from(v),
	});
	let (min, max) = parameter.range().into_inner();
	let value = stored.unwrap_or(parameter.default_value());
	Ok(ParameterValue {
		name: parameter,
		value,
		effective: value.clamp(min, max),
		set: stored.is_some(),
		default: parameter.default_value(),
		min,
		max,
		about: parameter.about(),
	})
}

/// What a motion asks the council to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
	/// Make `account` a council member, the registrar of hospital `org`,
	/// the owner of the authorised node `peer` and a validator.
	AdmitHospital {
		account: AccountId,
		org: OrgId,
		peer: Vec<u8>,
	},
	/// Undo an admission: the account leaves the council, stops registering
	/// and validating, and its node `peer` loses its authorisation.
	RemoveHospital {
		account: AccountId,
		peer: Vec<u8>,
		/// Its hospital, if that holds an escrow key: removed first, so that
		/// its agent answers and releases nothing more.
		escrow_org: Option<OrgId>,
	},
	AddRegistrar {
		account: AccountId,
		org: OrgId,
	},
	RemoveRegistrar {
		account: AccountId,
	},
	/// Authorise the runtime whose code has this BLAKE2-256 hash; anyone
	/// then applies it with [`apply_upgrade`].
	AuthorizeUpgrade {
		code_hash: [u8; 32],
	},
	/// Remove an open motion (a majority's decision).
	Kill {
		proposal_hash: H256,
	},
	/// Set a parameter (`None`: back to its default).
	SetParameter {
		parameter: Parameter,
		value: Option<u32>,
	},
	/// Make each key its hospital's escrow key, held by that hospital's
	/// escrow agent (one motion, all or none).
	SetEscrowKeys(Vec<EscrowKeyEntry>),
	/// Hospital `org` stops holding emergency shares.
	RemoveEscrowKey {
		org: OrgId,
	},
	/// `account` attests which records hospital `org` holds.
	SetStorageAgent {
		org: OrgId,
		account: AccountId,
	},
	/// Hospital `org`'s attestations stop counting.
	RemoveStorageAgent {
		org: OrgId,
	},
	/// Sessions last `blocks` blocks: each boundary's block carries no
	/// calls, and a validator change applies two sessions after it.
	SetSessionLength {
		blocks: u32,
	},
}

impl Operation {
	/// Whether the call needs two thirds of the council (it changes the
	/// seats or the validators, or runs as root), not just a majority.
	pub fn needs_two_thirds(&self) -> bool {
		matches!(
			self,
			Operation::AdmitHospital { .. }
				| Operation::RemoveHospital { .. }
				| Operation::AuthorizeUpgrade { .. }
				| Operation::SetParameter { .. }
				| Operation::SetEscrowKeys(_)
				| Operation::RemoveEscrowKey { .. }
				| Operation::SetSessionLength { .. }
		)
	}

	/// The operation a motion's call is, if it is one of these.
	pub fn from_call(call: &RuntimeCall) -> Option<Operation> {
		use RuntimeCall as C;
		let id = |who: &MultiAddress<AccountId, ()>| match who {
			MultiAddress::Id(id) => Some(*id),
			_ => None,
		};
		Some(match call {
			C::Utility(UtilityCall::batch_all { calls })
				if !calls.is_empty()
					&& calls.iter().all(|c| EscrowKeyEntry::from_call(c).is_some()) =>
			{
				Operation::SetEscrowKeys(
					calls.iter().filter_map(EscrowKeyEntry::from_call).collect(),
				)
			}
			C::Utility(UtilityCall::batch_all { calls }) => match calls.as_slice() {
				[C::HospitalMembership(MembershipCall::add_member { who }), C::EhrAcl(AclCall::add_registrar { registrar, org }), C::NodeAuthorization(NodesCall::add_well_known_node { node, owner }), C::Validators(ValidatorsCall::add_validator { who: validator })]
					if [id(who), id(owner), Some(*validator)]
						.iter()
						.all(|a| a.as_ref() == Some(registrar)) =>
				{
					Operation::AdmitHospital {
						account: *registrar,
						org: *org,
						peer: node.0.clone(),
					}
				}
				[rest @ .., C::Validators(ValidatorsCall::remove_validator { who: validator }), C::NodeAuthorization(NodesCall::remove_well_known_node { node }), C::EhrAcl(AclCall::remove_registrar { registrar }), C::HospitalMembership(MembershipCall::remove_member { who })]
					if [Some(*validator), id(who)]
						.iter()
						.all(|a| a.as_ref() == Some(registrar)) =>
				{
					let escrow_org = match rest {
						[] => None,
						[C::Emergency(EmergencyCall::remove_escrow_key { org })] => Some(*org),
						_ => return None,
					};
					Operation::RemoveHospital {
						account: *registrar,
						peer: node.0.clone(),
						escrow_org,
					}
				}
				_ => return None,
			},
			C::EhrAcl(AclCall::add_registrar { registrar, org }) => {
				Operation::AddRegistrar { account: *registrar, org: *org }
			}
			C::EhrAcl(AclCall::remove_registrar { registrar }) => {
				Operation::RemoveRegistrar { account: *registrar }
			}
			C::Governance(GovernanceCall::dispatch_as_root { call }) => match &**call {
				C::System(SystemCall::authorize_upgrade { code_hash }) => {
					Operation::AuthorizeUpgrade { code_hash: code_hash.0 }
				}
				_ => return None,
			},
			C::Council(CouncilCall::kill { proposal_hash }) => {
				Operation::Kill { proposal_hash: *proposal_hash }
			}
			C::Parameters(ParametersCall::set_parameter { key_value }) => {
				let (parameter, value) = Parameter::from_key_value(key_value);
				Operation::SetParameter { parameter, value }
			}
			C::Emergency(EmergencyCall::set_escrow_key { .. }) => {
				Operation::SetEscrowKeys(EscrowKeyEntry::from_call(call).into_iter().collect())
			}
			C::Emergency(EmergencyCall::remove_escrow_key { org }) => {
				Operation::RemoveEscrowKey { org: *org }
			}
			C::Replication(StorageCall::set_storage_agent { org, agent }) => {
				Operation::SetStorageAgent { org: *org, account: *agent }
			}
			C::Replication(StorageCall::remove_storage_agent { org }) => {
				Operation::RemoveStorageAgent { org: *org }
			}
			C::Validators(ValidatorsCall::set_session_length { length }) => {
				Operation::SetSessionLength { blocks: *length }
			}
			_ => return None,
		})
	}

	/// The call the council's motion carries.
	pub fn call(&self) -> RuntimeCall {
		let node = |peer: &Vec<u8>| OpaquePeerId(peer.clone());
		match self {
			Operation::AdmitHospital { account, org, peer } => batch(vec![
				RuntimeCall::HospitalMembership(MembershipCall::add_member {
					who: MultiAddress::Id(*account),
				}),
				RuntimeCall::EhrAcl(AclCall::add_registrar { registrar: *account, org: *org }),
				RuntimeCall::NodeAuthorization(NodesCall::add_well_known_node {
					node: node(peer),
					owner: MultiAddress::Id(*account),
				}),
				RuntimeCall::Validators(ValidatorsCall::add_validator { who: *account }),
			]),
			Operation::RemoveHospital { account, peer, escrow_org } => batch(
				escrow_org
					.map(|org| RuntimeCall::Emergency(EmergencyCall::remove_escrow_key { org }))
					.into_iter()
					.chain([
						RuntimeCall::Validators(ValidatorsCall::remove_validator { who: *account }),
						RuntimeCall::NodeAuthorization(NodesCall::remove_well_known_node {
							node: node(peer),
						}),
						RuntimeCall::EhrAcl(AclCall::remove_registrar { registrar: *account }),
						RuntimeCall::HospitalMembership(MembershipCall::remove_member {
							who: MultiAddress::Id(*account),
						}),
					])
					.collect(),
			),
			Operation::AddRegistrar { account, org } => {
				RuntimeCall::EhrAcl(AclCall::add_registrar { registrar: *account, org: *org })
			}
			Operation::RemoveRegistrar { account } => {
				RuntimeCall::EhrAcl(AclCall::remove_registrar { registrar: *account })
			}
			Operation::AuthorizeUpgrade { code_hash } => {
				RuntimeCall::Governance(GovernanceCall::dispatch_as_root {
					call: Box::new(RuntimeCall::System(SystemCall::authorize_upgrade {
						code_hash: H256(*code_hash),
					})),
				})
			}
			Operation::Kill { proposal_hash } => {
				RuntimeCall::Council(CouncilCall::kill { proposal_hash: *proposal_hash })
			}
			Operation::SetParameter { parameter, value } => {
				RuntimeCall::Parameters(ParametersCall::set_parameter {
					key_value: parameter.key_value(*value),
				})
			}
			Operation::SetEscrowKeys(entries) => match entries.as_slice() {
				[one] => one.call(),
				_ => batch(entries.iter().map(EscrowKeyEntry::call).collect()),
			},
			Operation::RemoveEscrowKey { org } => {
				RuntimeCall::Emergency(EmergencyCall::remove_escrow_key { org: *org })
			}
			Operation::SetStorageAgent { org, account } => {
				RuntimeCall::Replication(StorageCall::set_storage_agent {
					org: *org,
					agent: *account,
				})
			}
			Operation::RemoveStorageAgent { org } => {
				RuntimeCall::Replication(StorageCall::remove_storage_agent { org: *org })
			}
			Operation::SetSessionLength { blocks } => {
				RuntimeCall::Validators(ValidatorsCall::set_session_length { length: *blocks })
			}
		}
	}
}

/// What voters check: accounts in SS58, peer ids in base58, hashes whole.
impl fmt::Display for Operation {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let peer = |p: &Vec<u8>| bs58::encode(p).into_string();
		match self {
			Operation::AdmitHospital { account, org, peer: p } => write!(
				f,
				"admit hospital {org}: {account} (council seat, registrar, validator) with node {}",
				peer(p)
			),
			Operation::RemoveHospital { account, peer: p, escrow_org } => {
				write!(f, "remove hospital {account} and its node {}", peer(p))?;
				match escrow_org {
					Some(org) => write!(f, ", and hospital {org}'s escrow key"),
					None => Ok(()),
				}
			}
			Operation::AddRegistrar { account, org } => {
				write!(f, "make {account} a registrar of hospital {org}")
			}
			Operation::RemoveRegistrar { account } => write!(f, "{account} stops registering"),
			Operation::AuthorizeUpgrade { code_hash } => {
				write!(f, "authorise the runtime code 0x{}", hex::encode(code_hash))
			}
			Operation::Kill { proposal_hash } => {
				write!(f, "kill the motion {}", hex_hash(proposal_hash))
			}
			Operation::SetParameter { parameter, value: Some(value) } => {
				write!(f, "set {parameter} to {value} (default {}", parameter.default_value())?;
				let range = parameter.range();
				if !range.contains(value) {
					write!(
						f,
						"; OUTSIDE its range {}..={}: the chain refuses it",
						range.start(),
						range.end()
					)?;
				}
				write!(f, "): {}", parameter.about())
			}
			Operation::SetEscrowKeys(entries) => {
				f.write_str("emergency escrow keys: ")?;
				for (n, EscrowKeyEntry { org, key, agent, .. }) in entries.iter().enumerate() {
					let sep = if n == 0 { "" } else { "; " };
					write!(
						f,
						"{sep}hospital {org}: 0x{}, held by its agent {agent}",
						hex::encode(key)
					)?;
				}
				Ok(())
			}
			Operation::RemoveEscrowKey { org } => {
				write!(f, "hospital {org} stops holding emergency shares")
			}
			Operation::SetStorageAgent { org, account } => {
				write!(f, "make {account} hospital {org}'s storage agent (it attests which records the hospital holds)")
			}
			Operation::RemoveStorageAgent { org } => {
				write!(f, "hospital {org}'s storage attestations stop counting")
			}
			Operation::SetSessionLength { blocks } => write!(
				f,
				"sessions last {blocks} blocks, from the next block number {blocks} divides (a validator change applies two sessions after the change)"
			),
			Operation::SetParameter { parameter, value: None } => write!(
				f,
				"set {parameter} back to its default {}: {}",
				parameter.default_value(),
				parameter.about()
			),
		}
	}
}

/// One hospital's escrow key, with its agent and the agent's proof that
/// it holds the key (`ehr escrow key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscrowKeyEntry {
	pub org: OrgId,
	pub key: [u8; 32],
	pub key_proof: [u8; 64],
	pub agent: AccountId,
}

impl EscrowKeyEntry {
	fn call(&self) -> RuntimeCall {
		RuntimeCall::Emergency(EmergencyCall::set_escrow_key {
			org: self.org,
			key: self.key,
			key_proof: self.key_proof,
			agent: self.agent,
		})
	}

	fn from_call(call: &RuntimeCall) -> Option<EscrowKeyEntry> {
		match call {
			RuntimeCall::Emergency(EmergencyCall::set_escrow_key {
				org,
				key,
				key_proof,
				agent,
			}) => Some(EscrowKeyEntry { org: *org, key: *key, key_proof: *key_proof, agent: *agent }),
			_ => None,
		}
	}
}

fn batch(calls: Vec<RuntimeCall>) -> RuntimeCall {
	RuntimeCall::Utility(UtilityCall::batch_all { calls })
}

/// The ayes a motion needs among `seats`: more than half, or at least two
/// thirds (the runtime's `GovernanceOrigin`, and `SupermajorityOrigin` and
/// `RootOrigin`).
pub fn threshold(seats: u32, two_thirds: bool) -> u32 {
	if two_thirds {
		(2 * seats).div_ceil(3)
	} else {
		seats / 2 + 1
	}
}

/// The raw bytes of a base58 libp2p peer id, as the chain stores it.
pub fn parse_peer_id(text: &str) -> Result<Vec<u8>, GovError> {
	let bytes =
		bs58::decode(text.trim()).into_vec().map_err(|_| GovError::BadPeerId(text.to_string()))?;
	// An identity multihash of a protobuf public key (0x00, length, ...) or
	// a SHA-256 one (0x12 0x20 + 32 bytes).
	let well_formed = match bytes.as_slice() {
		[0x00, len, rest @ ..] => *len as usize == rest.len() && !rest.is_empty(),
		[0x12, 0x20, rest @ ..] => rest.len() == 32,
		_ => false,
	};
	if !well_formed {
		return Err(GovError::BadPeerId(text.to_string()));
	}
	Ok(bytes)
}

/// The BLAKE2-256 hash of runtime code, as `authorize_upgrade` takes it.
pub fn code_hash(code: &[u8]) -> [u8; 32] {
	<BlakeTwo256 as Hash>::hash(code).0
}

/// An open motion, read from proven state.
#[derive(Clone, Debug, Serialize)]
pub struct Motion {
	pub index: u32,
	/// `0x` + hex of the proposal's hash.
	pub hash: String,
	/// `Pallet.call` of the proposal (and of each call of a batch).
	pub call: String,
	/// What it does, with every argument a voter checks (accounts, peer
	/// ids, code hashes); the call's full form when it is not one of
	/// [`Operation`]'s.
	pub what: String,
	/// Who proposed it.
	pub proposer: Option<String>,
	pub threshold: u32,
	pub ayes: Vec<String>,
	pub nays: Vec<String>,
	pub seats: u32,
	/// The last block in which votes count; a motion not closed by then
	/// lapses.
	pub end: u32,
	/// The block the state was read at.
	pub at: u32,
	/// The proposal's encoded length, which `close` must bound.
	pub length: u32,
}

/// What `Pallet.call` a call is, by the names the metadata gives.
fn describe(call: &RuntimeCall) -> String {
	if let RuntimeCall::Utility(UtilityCall::batch_all { calls }) = call {
		let inner: Vec<String> = calls.iter().map(describe).collect();
		return format!("Utility.batch_all[{}]", inner.join(", "));
	}
	if let RuntimeCall::Governance(GovernanceCall::dispatch_as_root { call }) = call {
		return format!("Governance.dispatch_as_root[{}]", describe(call));
	}
	// `Pallet(call { .. })` in the generated types' debug form.
	let debug = format!("{call:?}");
	let (pallet, rest) = debug.split_once('(').unwrap_or((&debug, ""));
	let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
	format!("{pallet}.{name}")
}

fn hex_hash(hash: &H256) -> String {
	format!("0x{}", hex::encode(hash.0))
}

/// The open motions, oldest first, with their votes, from one proven state.
pub async fn motions(client: &Client) -> Result<Vec<Motion>, GovError> {
	let state = Proven::now(client).await?;
	let council = runtime::storage().council();
	let hashes = state.fetch(council.proposals(), ()).await?.map(|v| v.0).unwrap_or_default();
	let seats = state.fetch(council.members(), ()).await?.unwrap_or_default().len() as u32;
	let mut open = Vec::with_capacity(hashes.len());
	for hash in hashes {
		let listed = || ChainError::from(crate::verified::Unverified::listed_but_absent());
		let key = state.key(council.proposal_of(), (hash,))?;
		let [raw] =
			<[_; 1]>::try_from(state.fetch_keys(&[key]).await?).expect("one key, one value");
		let raw = raw.ok_or_else(listed)?;
		let call = state.decode(&council.proposal_of(), &raw)?;
		let votes = state.fetch(council.voting(), (hash,)).await?.ok_or_else(listed)?;
		let proposer = state.fetch(council.cost_of(), (hash,)).await?.map(|(who, _)| who);
		let what =
			Operation::from_call(&call).map_or_else(|| format!("{call:?}"), |op| op.to_string());
		open.push(Motion {
			index: votes.index,
			hash: hex_hash(&hash),
			call: describe(&call),
			what,
			proposer: proposer.map(|who| who.to_string()),
			threshold: votes.threshold,
			ayes: votes.ayes.iter().map(ToString::to_string).collect(),
			nays: votes.nays.iter().map(ToString::to_string).collect(),
			seats,
			end: votes.end,
			at: state.head.number as u32,
			length: raw.len() as u32,
		});
	}
	open.sort_by_key(|m| m.index);
	Ok(open)
}

/// The open motion named by its index or `0x` hash.
pub async fn find(client: &Client, name: &str) -> Result<Motion, GovError> {
	let name = name.trim();
	motions(client)
		.await?
		.into_iter()
		.find(|m| m.index.to_string() == name || m.hash.eq_ignore_ascii_case(name))
		.ok_or_else(|| GovError::NoSuchMotion(name.to_string()))
}

/// A motion just proposed.
#[derive(Clone, Debug, Serialize)]
pub struct Proposed {
	/// `None` when the council has one seat: the call ran at once.
	pub index: Option<u32>,
	pub hash: String,
	pub threshold: u32,
	pub call: String,
	/// What it does (see [`Motion::what`]).
	pub what: String,
	/// How it ended, when it ran at once.
	pub closed: Option<Closed>,
}

/// The client at the finalized block, which reads with the metadata
/// compiled into this client.
async fn at_finalized(client: &Client) -> Result<chain::At, ChainError> {
	Ok(client.at_current_block().await.map_err(subxt::Error::from)?)
}

/// The SCALE encoding of `call`, as the runtime decodes it.
async fn encode(client: &Client, call: &RuntimeCall) -> Result<Vec<u8>, ChainError> {
	let at = at_finalized(client).await?;
	let metadata = at.metadata_ref();
	Ok(call
		.encode_as_type(metadata.outer_enums().call_enum_ty(), metadata.types())
		.expect("a generated call encodes with the metadata it was generated from"))
}

/// Proposes `operation` with the threshold its call needs among the
/// council's current seats. The proposer still votes (`vote`).
pub async fn propose(
	client: &Client,
	signer: &Keypair,
	operation: &Operation,
	wait: Wait,
) -> Result<Proposed, GovError> {
	let state = Proven::now(client).await?;
	let members = state.fetch(runtime::storage().council().members(), ()).await?;
	let seats = members.unwrap_or_default().len() as u32;
	let call = operation.call();
	let encoded = encode(client, &call).await?;
	let needed = threshold(seats, operation.needs_two_thirds());
	let tx = runtime::transactions().council().propose(needed, call.clone(), encoded.len() as u32);
	let events = chain::submit(client, &tx, signer, wait).await?;
	let proposed = events.find_first::<council_events::Proposed>().transpose().map_err(decode)?;
	Ok(Proposed {
		index: proposed.as_ref().map(|p| p.proposal_index),
		hash: hex_hash(&H256(<BlakeTwo256 as Hash>::hash(&encoded).0)),
		threshold: needed,
		call: describe(&call),
		what: operation.to_string(),
		closed: match proposed {
			Some(_) => None,
			None => Some(outcome(&events)?),
		},
	})
}

/// A call's error as `Pallet.Error` by the metadata's names (else its
/// debug form).
fn error_name(metadata: &subxt::Metadata, error: &DispatchError) -> String {
	let DispatchError::Module(ModuleError { index, error: code }) = error else {
		return format!("{error:?}");
	};
	metadata
		.pallet_by_error_index(*index)
		.and_then(|pallet| {
			let variant = pallet.error_variant_by_index(code[0])?;
			Some(format!("{}.{}", pallet.name(), variant.name))
		})
		.unwrap_or_else(|| format!("{error:?}"))
}

fn decode(e: subxt::error::EventsError) -> ChainError {
	ChainError::from(subxt::Error::from(e))
}

/// How the motion whose execution or rejection `events` hold ended.
fn outcome(events: &chain::Events) -> Result<Closed, GovError> {
	if let Some(executed) =
		events.find_first::<council_events::Executed>().transpose().map_err(decode)?
	{
		let inner = events.find_first::<DispatchedAsRoot>().transpose().map_err(decode)?;
		let error = match (executed.result, inner.map(|e| e.result)) {
			(Err(e), _) | (Ok(()), Some(Err(e))) => {
				Some(error_name(chain::Config::default().metadata(), &e))
			}
			_ => None,
		};
		return Ok(Closed::Executed { error });
	}
	if events.find_first::<council_events::Disapproved>().transpose().map_err(decode)?.is_some() {
		return Ok(Closed::Disapproved);
	}
	Err(ChainError::MissingEvent("Council.Executed or Council.Disapproved").into())
}

/// Votes on the open motion `name` (index or hash).
pub async fn vote(
	client: &Client,
	signer: &Keypair,
	name: &str,
	aye: bool,
	wait: Wait,
) -> Result<Motion, GovError> {
	let motion = find(client, name).await?;
	let hash = parse_hash(&motion.hash)?;
	let tx = runtime::transactions().council().vote(hash, motion.index, aye);
	chain::submit(client, &tx, signer, wait).await?;
	Ok(motion)
}

/// A motion's `0x` hash as the chain's type.
pub fn parse_hash(text: &str) -> Result<H256, GovError> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.map(H256)
		.ok_or_else(|| GovError::NoSuchMotion(text.to_string()))
}

/// How a closed motion ended.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Closed {
	/// Approved and run; `error` is the call's failure, if it failed (for
	/// a root call, the inner call's).
	Executed {
		error: Option<String>,
	},
	Disapproved,
}

/// Closes the open motion `name`: runs it if the ayes reached its
/// threshold, drops it if the nays made that impossible or its time is up.
pub async fn close(
	client: &Client,
	signer: &Keypair,
	name: &str,
	wait: Wait,
) -> Result<Closed, GovError> {
	let motion = find(client, name).await?;
	let hash = parse_hash(&motion.hash)?;
	// The most any motion's call may weigh (a constant of the metadata
	// compiled in, not the node's word): the fee held for it beyond what
	// the call used is refunded.
	let weight = at_finalized(client)
		.await?
		.constants()
		.entry(runtime::constants().council().max_proposal_weight())
		.map_err(|e| ChainError::from(subxt::Error::from(e)))?;
	let tx = runtime::transactions().council().close(hash, motion.index, weight, motion.length);
	let events = chain::submit(client, &tx, signer, wait).await?;
	outcome(&events)
}

/// The session lengths the chain accepts (`MinSessionLength` to
/// `MaxSessionLength` blocks, read at the finalized block).
pub async fn session_lengths(client: &Client) -> Result<RangeInclusive<u32>, GovError> {
	let at = at_finalized(client).await?;
	let constant = |address| {
		at.constants().entry(address).map_err(|e| ChainError::from(subxt::Error::from(e)))
	};
	let min = constant(runtime::constants().validators().min_session_length())?;
	let max = constant(runtime::constants().validators().max_session_length())?;
	Ok(min..=max)
}

/// Applies a runtime upgrade two thirds of the council authorised, with the
/// code whose hash they approved. Any account may submit it.
pub async fn apply_upgrade(
	client: &Client,
	signer: &Keypair,
	code: Vec<u8>,
	wait: Wait,
) -> Result<(), GovError> {
	let tx = runtime::transactions().system().apply_authorized_upgrade(code);
	let events = chain::submit(client, &tx, signer, wait).await?;
	if events.find_first::<system_events::CodeUpdated>().transpose().map_err(decode)?.is_some() {
		return Ok(());
	}
	match events
		.find_first::<system_events::RejectedInvalidAuthorizedUpgrade>()
		.transpose()
		.map_err(decode)?
	{
		Some(rejected) => Err(GovError::UpgradeRejected(format!("{:?}", rejected.error))),
		None => Err(ChainError::MissingEvent("System.CodeUpdated").into()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn thresholds_are_a_majority_or_two_thirds() {
		let majority: Vec<u32> = (1..=7).map(|n| threshold(n, false)).collect();
		assert_eq!(majority, [1, 2, 2, 3, 3, 4, 4]);
		let root: Vec<u32> = (1..=7).map(|n| threshold(n, true)).collect();
		assert_eq!(root, [1, 2, 2, 3, 4, 4, 5]);
	}

	#[test]
	fn peer_ids_are_checked() {
		// Hospital 1's node in the consortium preset.
		let id = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
		let bytes = parse_peer_id(id).unwrap();
		assert_eq!(bytes.len(), 38);
		assert_eq!(&bytes[..2], [0x00, 0x24]);
		for bad in ["", "not-base58-0OIl", "12D3KooW", "3yZe7d"] {
			assert!(parse_peer_id(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn an_admission_is_one_batch_of_four_steps() {
		let op = Operation::AdmitHospital {
			account: AccountId([5; 32]),
			org: 5,
			peer: vec![0, 2, 1, 2],
		};
		assert!(op.needs_two_thirds());
		assert_eq!(Operation::from_call(&op.call()), Some(op.clone()));
		assert_eq!(
			describe(&op.call()),
			"Utility.batch_all[HospitalMembership.add_member, EhrAcl.add_registrar, \
			 NodeAuthorization.add_well_known_node, Validators.add_validator]"
		);
		let sessions = Operation::SetSessionLength { blocks: 600 };
		assert!(sessions.needs_two_thirds());
		assert_eq!(Operation::from_call(&sessions.call()), Some(sessions.clone()));
		let upgrade = Operation::AuthorizeUpgrade { code_hash: [1; 32] };
		assert!(upgrade.needs_two_thirds());
		assert_eq!(Operation::from_call(&upgrade.call()), Some(upgrade.clone()));
		assert!(!Operation::AddRegistrar { account: AccountId([5; 32]), org: 5 }.needs_two_thirds());
		assert_eq!(
			describe(&upgrade.call()),
			"Governance.dispatch_as_root[System.authorize_upgrade]"
		);
	}

	#[test]
	fn escrow_keys_and_a_removal_with_its_escrow_key_read_back_as_what_they_are() {
		let entry = |org| EscrowKeyEntry {
			org,
			key: [org as u8; 32],
			key_proof: [7; 64],
			agent: AccountId([org as u8; 32]),
		};
		for entries in [vec![entry(1)], vec![entry(1), entry(2), entry(3)]] {
			let op = Operation::SetEscrowKeys(entries);
			assert!(op.needs_two_thirds());
			assert_eq!(Operation::from_call(&op.call()), Some(op.clone()));
		}
		for escrow_org in [None, Some(4)] {
			let op = Operation::RemoveHospital {
				account: AccountId([4; 32]),
				peer: vec![0, 2, 1, 2],
				escrow_org,
			};
			assert_eq!(Operation::from_call(&op.call()), Some(op.clone()));
			assert_eq!(op.to_string().contains("hospital 4's escrow key"), escrow_org.is_some());
		}
		// A batch that mixes an escrow key with anything else is not named
		// as an escrow-key motion (voters see its raw calls).
		let mixed = batch(vec![
			entry(1).call(),
			RuntimeCall::EhrAcl(AclCall::remove_registrar { registrar: AccountId([1; 32]) }),
		]);
		assert_eq!(Operation::from_call(&mixed), None);
	}

	#[test]
	fn parameters_take_values_in_their_range_or_default() {
		let fee = Parameter::parse("fee-multiplier-percent").unwrap();
		assert_eq!(fee.value("200").unwrap(), Some(200));
		assert_eq!(fee.value("default").unwrap(), None);
		for bad in ["0", "9", "10001", "-5", "1.5", "", "lots"] {
			assert!(matches!(fee.value(bad), Err(GovError::OutOfRange { .. })), "{bad}");
		}
		assert!(matches!(Parameter::parse("fees"), Err(GovError::NoSuchParameter(_))));
		// A motion built elsewhere with a value the chain refuses says so.
		let too_low = Operation::SetParameter { parameter: fee, value: Some(1) };
		assert!(too_low.to_string().contains("OUTSIDE its range 10..=10000"), "{too_low}");
		let fine = Operation::SetParameter { parameter: fee, value: Some(10) };
		assert!(!fine.to_string().contains("OUTSIDE"), "{fine}");
		for parameter in Parameter::ALL {
			assert!(parameter.range().contains(&parameter.default_value()));
			for value in [Some(*parameter.range().end()), None] {
				let op = Operation::SetParameter { parameter, value };
				assert!(op.needs_two_thirds());
				assert_eq!(Operation::from_call(&op.call()), Some(op.clone()));
			}
		}
	}
}
