//! Configuration of each pallet in the runtime.

use crate::*;
use frame_support::traits::EitherOfDiverse;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{
		AsEnsureOriginWithArg, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, Contains, Get,
		InsideBoth, VariantCountOf,
	},
	weights::{constants::WEIGHT_REF_TIME_PER_MILLIS, IdentityFee, Weight},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{ConvertInto, OpaqueKeys},
	FixedPointNumber, Perbill,
};

/// The hospitals' council.
pub type CouncilCollective = pallet_collective::Instance1;

/// Consortium governance: more than half of the hospitals' council, or root.
pub type GovernanceOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>,
>;

/// The share of the council that acts as root (`Governance::dispatch_as_root`:
/// runtime upgrades and every other root-only call): at least
/// `ROOT_AYES_NUMERATOR / ROOT_AYES_DENOMINATOR` of the hospitals. There is
/// no sudo, on any chain.
pub const ROOT_AYES_NUMERATOR: u32 = 2;
pub const ROOT_AYES_DENOMINATOR: u32 = 3;
pub type RootOrigin = pallet_collective::EnsureProportionAtLeast<
	AccountId,
	CouncilCollective,
	ROOT_AYES_NUMERATOR,
	ROOT_AYES_DENOMINATOR,
>;

/// What changes who governs or who finalizes: the council's seats and the
/// validator set. As much as root (two thirds), since a bare majority that
/// could add seats or validators it controls would soon reach root, or the
/// two thirds GRANDPA needs.
pub type SupermajorityOrigin = EitherOfDiverse<EnsureRoot<AccountId>, RootOrigin>;

/// Members who do not vote count as nays, prime or not: a motion passes
/// only on the ayes cast (the collective's `PrimeDefaultVote` would count
/// abstentions as the prime's aye when a motion is closed after its end).
pub struct AbstentionsAreNays;
impl pallet_collective::DefaultVote for AbstentionsAreNays {
	fn default_vote(_prime: Option<bool>, _yes: u32, _no: u32, _seats: u32) -> bool {
		false
	}
}

/// Calls no signed account may make: peering changes outside governance.
/// Node ownership comes only from governance (`add_well_known_node`), so
/// nobody can claim a joining hospital's peer id before the council adds
/// it, nor hand an authorised node to another account; an owner still
/// manages its own node's extra connections. Root (the council's two
/// thirds) is not filtered.
pub struct GovernedPeering;
impl Contains<RuntimeCall> for GovernedPeering {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(
			call,
			RuntimeCall::NodeAuthorization(
				pallet_node_authorization::Call::claim_node { .. }
					| pallet_node_authorization::Call::remove_claim { .. }
					| pallet_node_authorization::Call::transfer_node { .. }
			)
		)
	}
}

/// The share of a block that transactions may fill; the rest is kept for
/// operational calls (governance, emergencies) in a full block.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(85);
/// Compute per six-second block, in this machine's time (the weights in
/// `weights/` and the pallets' were measured on it): upstream's third of the
/// slot, so that a block whose every call hits its benchmarked worst case
/// is built in a third, imported by the others in a third, with a third
/// left for gossip and slower validators. Full ACL blocks re-executed by
/// `benchmark block` took 31 % of their weight (docs/benchmarks.md).
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(2_000 * WEIGHT_REF_TIME_PER_MILLIS, u64::MAX);
/// The share of a block `on_initialize` hooks are expected to take.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// Upstream's `with_sensible_defaults`, with the base block and base
	/// extrinsic costs measured here instead of on Parity's machine.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(crate::weights::BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |class| {
			class.base_extrinsic = crate::weights::ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |class| {
			class.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |class| {
			class.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			class.reserved =
				Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic();
	/// 5 MiB blocks, of which normal transactions may fill 85%.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	// The node is built with ParityDB only; measured here (weights/).
	type DbWeight = crate::weights::ParityDbWeight;
	// Upstream's benchmarked weights priced with `DbWeight`.
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	// The transaction extensions (nonce, era, genesis, ...) measured here;
	// `ExtrinsicBaseWeight` leaves out what they declare (weights/).
	type ExtensionsWeightInfo = crate::weights::SystemExtensionsWeight<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type BaseCallFilter = InsideBoth<GovernedPeering, ParametersInRange>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = crate::weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

/// Settings the council changes without a runtime upgrade, with
/// `Parameters.set_parameter` (two thirds of the council). A value outside
/// its range is refused (`ParametersInRange`) to every origin but root, and
/// read back clamped to it (`FeeMultiplier`, `MotionDuration`) whoever set
/// it; `None` restores the default.
#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod fees {
		/// The weight part of transaction fees (one planck per picosecond
		/// of a call's and its transaction extensions' benchmarked weight),
		/// in percent: 100 charges it, 200 twice it; the per-transaction
		/// base and the per-byte part stay. From the block after the change.
		#[codec(index = 0)]
		pub static MultiplierPercent: u32 = 100;
	}

	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod council {
		/// Blocks a council motion stays open for votes (three days of 6 s
		/// blocks); motions proposed after the change get the new length.
		#[codec(index = 0)]
		pub static MotionDuration: BlockNumber = 3 * 24 * 600;
	}

	#[dynamic_pallet_params]
	#[codec(index = 2)]
	pub mod emergency {
		/// How many hospitals' shares rebuild a record key, for shares
		/// deposited after the change (earlier deposits keep theirs).
		#[codec(index = 0)]
		pub static Threshold: u8 = 3;
		/// Blocks an emergency request, and the access it gives, lasts (a
		/// day of 6 s blocks); requests made after the change get it.
		#[codec(index = 1)]
		pub static AccessBlocks: BlockNumber = 24 * 600;
	}

	#[dynamic_pallet_params]
	#[codec(index = 3)]
	pub mod storage {
		/// How many hospitals must attest that they hold a record's
		/// ciphertext before clients report it durable
		/// (`ehr record add --durable`, `ehr storage status`).
		#[codec(index = 0)]
		pub static Replicas: u8 = 2;
	}
}

/// The values each parameter may take.
pub mod parameter_ranges {
	use super::BlockNumber;
	use core::ops::RangeInclusive;
	/// From a tenth of the benchmarked cost (spam stays costly) to a
	/// hundredfold.
	pub const FEE_MULTIPLIER_PERCENT: RangeInclusive<u32> = 10..=10_000;
	/// From an hour to thirty days.
	pub const MOTION_DURATION: RangeInclusive<BlockNumber> = 600..=30 * 24 * 600;
	/// At least two hospitals, at most every escrow hospital there can be.
	pub const EMERGENCY_THRESHOLD: RangeInclusive<u8> = 2..=16;
	/// From three minutes to a week. The floor leaves an agent reading
	/// finalized state (request to readable measured at 30 s on four
	/// validators) the 10 blocks it stops releasing before the end, and
	/// 20 more; the council picks the real length, a day by default.
	pub const EMERGENCY_ACCESS_BLOCKS: RangeInclusive<BlockNumber> = 30..=7 * 24 * 600;
	/// From one hospital (no replication) to every hospital there can be.
	pub const STORAGE_REPLICAS: RangeInclusive<u8> = 1..=16;
}

/// Refuses `Parameters.set_parameter` with a value outside its range.
pub struct ParametersInRange;
impl Contains<RuntimeCall> for ParametersInRange {
	fn contains(call: &RuntimeCall) -> bool {
		use dynamic_params::{council, emergency, fees, storage};
		let RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value }) = call
		else {
			return true;
		};
		match key_value {
			RuntimeParameters::Fees(fees::Parameters::MultiplierPercent(_, value)) => {
				value.is_none_or(|v| parameter_ranges::FEE_MULTIPLIER_PERCENT.contains(&v))
			}
			RuntimeParameters::Council(council::Parameters::MotionDuration(_, value)) => {
				value.is_none_or(|v| parameter_ranges::MOTION_DURATION.contains(&v))
			}
			RuntimeParameters::Emergency(emergency::Parameters::Threshold(_, value)) => {
				value.is_none_or(|v| parameter_ranges::EMERGENCY_THRESHOLD.contains(&v))
			}
			RuntimeParameters::Emergency(emergency::Parameters::AccessBlocks(_, value)) => {
				value.is_none_or(|v| parameter_ranges::EMERGENCY_ACCESS_BLOCKS.contains(&v))
			}
			RuntimeParameters::Storage(storage::Parameters::Replicas(_, value)) => {
				value.is_none_or(|v| parameter_ranges::STORAGE_REPLICAS.contains(&v))
			}
		}
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Fees(dynamic_params::fees::Parameters::MultiplierPercent(
			dynamic_params::fees::MultiplierPercent,
			Some(100),
		))
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<SupermajorityOrigin>;
	/// Not benchmarked here (the pallet's `SubstrateWeight` is private):
	/// upstream's 6.2 µs with one read and one write priced at RocksDB's
	/// costs, about twice what ParityDB's would be (an overestimate).
	type WeightInfo = ();
}

/// `value` held to `range`: a value root set past the call filter, or one
/// a later runtime's narrower range excludes, acts as the nearest bound.
fn clamped<N: Ord + Copy>(value: N, range: core::ops::RangeInclusive<N>) -> N {
	value.clamp(*range.start(), *range.end())
}

/// The fee multiplier the council set (`fees::MultiplierPercent`).
pub struct FeeMultiplier;
impl Get<Multiplier> for FeeMultiplier {
	fn get() -> Multiplier {
		let percent = dynamic_params::fees::MultiplierPercent::get();
		Multiplier::saturating_from_rational(
			clamped(percent, parameter_ranges::FEE_MULTIPLIER_PERCENT),
			100,
		)
	}
}

/// The council's motion duration (`council::MotionDuration`).
pub struct MotionDuration;
impl Get<BlockNumber> for MotionDuration {
	fn get() -> BlockNumber {
		clamped(dynamic_params::council::MotionDuration::get(), parameter_ranges::MOTION_DURATION)
	}
}

/// The council's emergency threshold (`emergency::Threshold`).
pub struct EmergencyThreshold;
impl Get<u8> for EmergencyThreshold {
	fn get() -> u8 {
		clamped(dynamic_params::emergency::Threshold::get(), parameter_ranges::EMERGENCY_THRESHOLD)
	}
}

/// The council's emergency access length (`emergency::AccessBlocks`).
pub struct EmergencyAccessBlocks;
impl Get<BlockNumber> for EmergencyAccessBlocks {
	fn get() -> BlockNumber {
		clamped(
			dynamic_params::emergency::AccessBlocks::get(),
			parameter_ranges::EMERGENCY_ACCESS_BLOCKS,
		)
	}
}

/// Fees: one planck per picosecond of benchmarked execution time (times the
/// council's `fees::MultiplierPercent`) plus one per byte, so every ACL call
/// costs what its weight says.
impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

parameter_types! {
	/// The pallet runtimes before spec 205 had; its storage (the key) is
	/// removed on the upgrade.
	pub const SudoPalletName: &'static str = "Sudo";
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = ConstU32<64>;
	type MaxPeerIdLength = ConstU32<128>;
	type AddOrigin = GovernanceOrigin;
	type RemoveOrigin = GovernanceOrigin;
	type SwapOrigin = GovernanceOrigin;
	type ResetOrigin = GovernanceOrigin;
	type WeightInfo = ();
}

/// Deposits of the ACL pallet: held from whoever creates the state, returned
/// when it goes. 15-25x the fee of the call that creates it (spec 212), so
/// that state costs more to keep than to write once.
pub const USER_DEPOSIT: Balance = 10 * MILLI_UNIT;
pub const RECORD_DEPOSIT: Balance = 20 * MILLI_UNIT;
pub const GRANT_DEPOSIT: Balance = 10 * MILLI_UNIT;
pub const REQUEST_DEPOSIT: Balance = 5 * MILLI_UNIT;

impl pallet_ehr_acl::Config for Runtime {
	type RegistrarOrigin = GovernanceOrigin;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UserDeposit = ConstU128<USER_DEPOSIT>;
	type RecordDeposit = ConstU128<RECORD_DEPOSIT>;
	type GrantDeposit = ConstU128<GRANT_DEPOSIT>;
	type RequestDeposit = ConstU128<REQUEST_DEPOSIT>;
	type MaxRecordsPerPatient = ConstU32<1_000>;
	type MaxGrantsPerAccount = ConstU32<512>;
	type MaxRequestsPerRecord = ConstU32<32>;
	type MaxRequestsPerAccount = ConstU32<64>;
	/// Two full records' worth of grants per call; more drain over further
	/// calls.
	type MaxDropsPerDeregistration = ConstU32<64>;
	type Signature = ConsentSignature;
	type Signer = sp_runtime::MultiSigner;
	type WeightInfo = pallet_ehr_acl::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AclBenchmarkHelper;
}

/// Deposits of the emergency pallet: a record's escrowed shares (about a
/// record's worth of state), an open emergency request.
pub const SHARES_DEPOSIT: Balance = 20 * MILLI_UNIT;
pub const EMERGENCY_DEPOSIT: Balance = 10 * MILLI_UNIT;

impl pallet_ehr_emergency::Config for Runtime {
	/// Escrow keys decide which hospitals' shares open records: as much as
	/// the validator set (two thirds), since a bare majority that could
	/// replace other hospitals' keys would gather a threshold of shares
	/// for every deposit made after.
	type EscrowOrigin = SupermajorityOrigin;
	type SharesDeposit = ConstU128<SHARES_DEPOSIT>;
	type EmergencyDeposit = ConstU128<EMERGENCY_DEPOSIT>;
	type Threshold = EmergencyThreshold;
	type AccessBlocks = EmergencyAccessBlocks;
	/// Ten requests a day per clinician.
	type RateWindow = ConstU32<{ 24 * 600 }>;
	type MaxRequestsPerWindow = ConstU32<10>;
	type WeightInfo = pallet_ehr_emergency::weights::SubstrateWeight<Runtime>;
}

/// Storage agents say which hospitals hold which records: a majority of
/// the council sets them, as it sets registrars. A false agent can only
/// overstate how many copies exist, which a read through its hospital's
/// kubo finds out.
impl pallet_ehr_storage::Config for Runtime {
	type AgentOrigin = GovernanceOrigin;
	type WeightInfo = pallet_ehr_storage::weights::SubstrateWeight<Runtime>;
}

/// Benchmark accounts are sr25519 keys made in the benchmark's keystore, so
/// that a consent is a real signature, verified as on a live chain.
#[cfg(feature = "runtime-benchmarks")]
pub struct AclBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl AclBenchmarkHelper {
	const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"ehrb");
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_ehr_acl::benchmarking::BenchmarkHelper<AccountId, ConsentSignature>
	for AclBenchmarkHelper
{
	fn account() -> AccountId {
		sp_io::crypto::sr25519_generate(Self::KEY_TYPE, None).into()
	}
	fn sign(who: &AccountId, message: &[u8]) -> ConsentSignature {
		let public = sp_core::sr25519::Public::from_raw(who.clone().into());
		ConsentSignature(
			sp_io::crypto::sr25519_sign(Self::KEY_TYPE, &public, message)
				.expect("the benchmark keystore holds the key it made"),
		)
	}
}

/// Who has session keys, for the validator set handed to the session.
pub struct HasSessionKeys;
impl Contains<AccountId> for HasSessionKeys {
	fn contains(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
}

/// The current session's validators.
pub struct SessionValidators;
impl frame_support::traits::Get<Vec<AccountId>> for SessionValidators {
	fn get() -> Vec<AccountId> {
		pallet_session::Validators::<Runtime>::get()
	}
}

impl pallet_ehr_validators::Config for Runtime {
	type ManagerOrigin = SupermajorityOrigin;
	type MaxValidators = ConstU32<32>;
	/// No hospital, nor any pair, can be left to validate alone by
	/// removals (a development chain's single validator cannot be removed).
	/// GRANDPA needs more than two thirds online: four tolerate one down.
	type MinValidators = ConstU32<3>;
	type HasSessionKeys = HasSessionKeys;
	type SessionValidators = SessionValidators;
	type DefaultSessionLength = ConstU32<SESSION_BLOCKS>;
	/// A minute: shorter sessions take more than a tenth of the blocks.
	type MinSessionLength = ConstU32<10>;
	/// A day: validator changes apply within two.
	type MaxSessionLength = ConstU32<{ 24 * 600 }>;
}

parameter_types! {
	pub const SessionOffset: BlockNumber = 0;
}

/// Blocks per session: the chain's genesis sets them.
type SessionLength = pallet_ehr_validators::SessionLengthOf<Runtime>;

/// Sessions hand the validator set governance chose to Aura and GRANDPA.
impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionLength, SessionOffset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionLength, SessionOffset>;
	type SessionManager = Validators;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = ConstU128<0>;
}

parameter_types! {
	pub const MaxHospitals: u32 = 32;
	/// What a motion's call may weigh: the room operational calls keep in a
	/// full block (300 ms; `set_code` weighs 127 ms here), so that a motion can
	/// be closed however full the blocks are.
	pub MaxProposalWeight: Weight = Perbill::from_percent(15) * RuntimeBlockWeights::get().max_block;
}

/// The hospitals' council: any member proposes a call (a registrar, a node,
/// a validator, a hospital), the others vote, and it runs with the
/// council's origin once more than half agree (registrars, nodes); seats,
/// validators and root-only calls need two thirds. A majority may
/// disapprove or kill a proposal. Each member holds at most
/// `MaxProposalsPerMember` open proposals.
impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	/// A motion is open for `council::MotionDuration` (three days unless the
	/// council changed it); one nobody closed by then lapses
	/// (`pallet-ehr-governance`).
	type MotionDuration = MotionDuration;
	/// Every member's `MaxProposalsPerMember`, for the largest council.
	type MaxProposals = ConstU32<{ 32 * 4 }>;
	type MaxMembers = MaxHospitals;
	type DefaultVote = AbstentionsAreNays;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = GovernanceOrigin;
	type KillOrigin = GovernanceOrigin;
	type Consideration = pallet_ehr_governance::ProposalSlot<Runtime, CouncilCollective>;
}

/// `batch_all`: several calls in one transaction or one council motion (a
/// hospital's admission: member, registrar, node and validator), all or
/// none. Each inner call keeps the caller's origin and call filter.
impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = crate::weights::pallet_utility::WeightInfo<Runtime>;
}

impl pallet_ehr_governance::Config<CouncilCollective> for Runtime {
	type RuntimeCall = RuntimeCall;
	type RootOrigin = RootOrigin;
	type MaxProposalsPerMember = ConstU32<4>;
	type WeightInfo = pallet_ehr_governance::weights::SubstrateWeight<Runtime>;
}

/// Who sits on the council: the member hospitals, changed by two thirds of
/// the council.
impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = SupermajorityOrigin;
	type RemoveOrigin = SupermajorityOrigin;
	type SwapOrigin = SupermajorityOrigin;
	type ResetOrigin = SupermajorityOrigin;
	type PrimeOrigin = SupermajorityOrigin;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = MaxHospitals;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}
