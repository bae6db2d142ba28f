//! A council of five (accounts 1–5) with this pallet's slots, root path and
//! lapse, on the real `pallet-collective`.

use crate as pallet_ehr_governance;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use frame_system::EnsureRoot;
use pallet_collective::{EnsureProportionAtLeast, EnsureProportionMoreThan, Instance1};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Council: pallet_collective::<Instance1>,
		Governance: pallet_ehr_governance::<Instance1>,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	/// Priced reads and writes, so the idle-time budget means something.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

/// Blocks a motion stays open.
pub const MOTION_DURATION: u64 = 10;
pub const COUNCIL: [u64; 5] = [1, 2, 3, 4, 5];

parameter_types! {
	pub MaxProposalWeight: Weight = Weight::from_parts(1_000_000_000_000, u64::MAX);
}

impl pallet_collective::Config<Instance1> for Test {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = ConstU64<MOTION_DURATION>;
	type MaxProposals = ConstU32<6>;
	type MaxMembers = ConstU32<8>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = ();
	type SetMembersOrigin = EnsureRoot<u64>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureProportionMoreThan<u64, Instance1, 1, 2>;
	type KillOrigin = EnsureProportionMoreThan<u64, Instance1, 1, 2>;
	type Consideration = crate::ProposalSlot<Test, Instance1>;
}

pub struct TestWeights;
impl crate::WeightInfo for TestWeights {
	fn dispatch_as_root() -> Weight {
		Weight::from_parts(10_000, 0)
	}
}

impl pallet_ehr_governance::Config<Instance1> for Test {
	type RuntimeCall = RuntimeCall;
	type RootOrigin = EnsureProportionAtLeast<u64, Instance1, 2, 3>;
	type MaxProposalsPerMember = ConstU32<2>;
	type WeightInfo = TestWeights;
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		council: pallet_collective::GenesisConfig {
			members: COUNCIL.to_vec(),
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
