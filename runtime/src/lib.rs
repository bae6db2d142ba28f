//! Runtime of the EHR consortium chain.
//!
//! Aura block production and GRANDPA finality by the hospitals' validators
//! (a set governance changes, applied by `pallet-session`), balances and
//! transaction fees (from benchmarked weights), peer authorisation, the
//! hospitals' council (which alone reaches root: there is no sudo), and
//! `pallet-ehr-acl`, the access-control list for
//! encrypted health records.
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` and `impl_runtime_apis!` expand to large items.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

mod apis;
pub use apis::RuntimeApi;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use pallet_ehr_acl;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// Declares [`VERSION`] with the given `spec_version` (a literal: the
/// `runtime_version` attribute writes it into the wasm's custom section,
/// where the node reads it).
macro_rules! runtime_version {
	($spec_version:tt) => {
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("ehr-consortium"),
			impl_name: alloc::borrow::Cow::Borrowed("ehr-consortium"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			// 5: an approval names the access it grants (spec 210); 4: sudo's
			// calls are gone (spec 205); 3: the calls that write a wrapped key
			// name the reader's key version (spec 204).
			transaction_version: 5,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "spec-bump"))]
runtime_version!(217);
// With `spec-bump`: one `spec_version` higher, an otherwise identical
// runtime, which the consortium test upgrades the running network to.
#[cfg(feature = "spec-bump")]
runtime_version!(218);

/// Blocks per session where the chain spec does not set
/// `validators.sessionLength`: validator set changes apply at session
/// boundaries (ten minutes apart), two sessions after governance made them.
/// Each boundary's block carries no calls (`pallet-session` takes its whole
/// weight), 1 % of the blocks at this length (10 % at the 10 blocks of
/// spec 214 and before, which the consortium test network keeps).
pub const SESSION_BLOCKS: BlockNumber = 100;

/// Target time between blocks.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// One unit of the fee token, in its smallest denomination.
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

pub type Signature = MultiSignature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// An account's consent to its registration (`pallet_ehr_acl`): an sr25519
/// signature by the account's own key, the only kind of account the
/// consortium's clients make. One kind, so the benchmarked weight is the
/// cost of every consent (a `MultiSignature` could also be ECDSA).
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
)]
pub struct ConsentSignature(pub sp_core::sr25519::Signature);

impl Verify for ConsentSignature {
	type Signer = sp_runtime::MultiSigner;

	fn verify<L: sp_runtime::traits::Lazy<[u8]>>(
		&self,
		mut message: L,
		signer: &AccountId,
	) -> bool {
		let public = sp_core::sr25519::Public::from_raw(signer.clone().into());
		sp_io::crypto::sr25519_verify(&self.0, message.get(), &public)
	}
}
pub type Balance = u128;
pub type Nonce = u32;
pub type Hash = sp_core::H256;
pub type BlockNumber = u32;
pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// Checks every signed transaction passes before it is dispatched.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);

pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Storage migrations this runtime runs once, on the upgrade to it.
type Migrations = (
	pallet_ehr_acl::migrations::V0ToV1<Runtime>,
	pallet_ehr_acl::migrations::V1ToV2<Runtime>,
	pallet_ehr_validators::migrations::V0ToV1<Runtime>,
	// Spec 214 and before ran 10-block sessions.
	pallet_ehr_validators::migrations::V1ToV2<Runtime, frame_support::traits::ConstU32<10>>,
	// Spec 205 removed sudo; drop this entry once every chain runs it.
	frame_support::migrations::RemovePallet<configs::SudoPalletName, weights::ParityDbWeight>,
);

// Declaration order is hook order: the validator set and session rotate
// before Aura and GRANDPA read their authorities. Indices stay stable.
frame_support::construct_runtime!(
	pub enum Runtime {
		System: frame_system = 0,
		Timestamp: pallet_timestamp = 1,
		Validators: pallet_ehr_validators = 14,
		Session: pallet_session = 13,
		Aura: pallet_aura = 2,
		Grandpa: pallet_grandpa = 3,
		Balances: pallet_balances = 4,
		TransactionPayment: pallet_transaction_payment = 5,
		NodeAuthorization: pallet_node_authorization = 7,
		EhrAcl: pallet_ehr_acl = 10,
		Council: pallet_collective::<Instance1> = 11,
		HospitalMembership: pallet_membership::<Instance1> = 12,
		Governance: pallet_ehr_governance::<Instance1> = 15,
		Utility: pallet_utility = 16,
		Parameters: pallet_parameters = 17,
		Emergency: pallet_ehr_emergency = 18,
		Replication: pallet_ehr_storage = 19,
	}
);
