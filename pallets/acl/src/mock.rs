use crate as pallet_ehr_acl;
use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		EhrAcl: pallet_ehr_acl,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxRecordsPerPatient: u32 = 4;
	pub const MaxGrantsPerAccount: u32 = 6;
}

impl pallet_ehr_acl::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxRecordsPerPatient = MaxRecordsPerPatient;
	type MaxGrantsPerAccount = MaxGrantsPerAccount;
	type WeightInfo = pallet_ehr_acl::weights::SubstrateWeight<Test>;
}

/// Registrar of hospital 1.
pub const REGISTRAR: u64 = 1;
/// Registrar of hospital 2.
pub const OTHER_REGISTRAR: u64 = 2;
pub const HOSPITAL: u32 = 1;
pub const OTHER_HOSPITAL: u32 = 2;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_ehr_acl::GenesisConfig::<Test> {
		registrars: vec![(REGISTRAR, HOSPITAL), (OTHER_REGISTRAR, OTHER_HOSPITAL)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
