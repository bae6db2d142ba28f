use crate as pallet_ehr_storage;
use frame_support::{derive_impl, BoundedVec};
use frame_system::EnsureRoot;
use pallet_ehr_acl::{Digest, Record, RecordKind, Records};
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		EhrAcl: pallet_ehr_acl,
		Storage: pallet_ehr_storage,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_ehr_acl::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UserDeposit = frame_support::traits::ConstU64<100>;
	type RecordDeposit = frame_support::traits::ConstU64<50>;
	type GrantDeposit = frame_support::traits::ConstU64<10>;
	type RequestDeposit = frame_support::traits::ConstU64<5>;
	type MaxRecordsPerPatient = frame_support::traits::ConstU32<8>;
	type MaxGrantsPerAccount = frame_support::traits::ConstU32<8>;
	type MaxRequestsPerRecord = frame_support::traits::ConstU32<3>;
	type MaxRequestsPerAccount = frame_support::traits::ConstU32<2>;
	type MaxDropsPerDeregistration = frame_support::traits::ConstU32<8>;
	type Signature = TestSignature;
	type Signer = UintAuthorityId;
	type WeightInfo = pallet_ehr_acl::weights::SubstrateWeight<Test>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Self;
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_ehr_acl::benchmarking::BenchmarkHelper<u64, TestSignature> for Test {
	fn account() -> u64 {
		250
	}
	fn sign(who: &u64, message: &[u8]) -> TestSignature {
		TestSignature(*who, message.to_vec())
	}
}

impl pallet_ehr_storage::Config for Test {
	type AgentOrigin = EnsureRoot<u64>;
	type WeightInfo = crate::weights::SubstrateWeight<Test>;
}

/// Hospitals 1 to 4 have storage agents at genesis (account `100 + org`).
pub const ORGS: [u32; 4] = [1, 2, 3, 4];
pub fn agent(org: u32) -> u64 {
	100 + u64::from(org)
}

pub const PATIENT: u64 = 1;

/// Puts record `id` with ciphertext `digest` in the ACL's state, as
/// `add_record` or `update_record` would leave it.
pub fn put_record(id: u64, digest: Digest) {
	Records::<Test>::insert(
		id,
		Record {
			owner: PATIENT,
			author: PATIENT,
			cid: BoundedVec::truncate_from(b"bafkreigh2akiscaildc".to_vec()),
			ciphertext_digest: digest,
			kind: RecordKind::Note,
			version: 1,
			key_version: 1,
			grant_count: 1,
			request_count: 0,
			created_at: 1,
			updated_at: 1,
		},
	);
}

/// Four hospitals with storage agents; record 0 of digest `[1; 32]`.
/// Block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=255u64).map(|who| (who, 1_000_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_ehr_storage::GenesisConfig::<Test> {
		agents: ORGS.iter().map(|org| (*org, agent(*org))).collect(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		put_record(0, [1; 32]);
	});
	ext
}
