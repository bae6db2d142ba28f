use crate as pallet_ehr_acl;
use codec::Encode;
use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage, DispatchResult,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		EhrAcl: pallet_ehr_acl,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	/// Priced reads and writes, so tests of charged weights see them.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const MaxRecordsPerPatient: u32 = 4;
	pub const MaxGrantsPerAccount: u32 = 6;
	pub const MaxDropsPerDeregistration: u32 = 6;
}

/// Deposits, small enough that every endowed account pays many.
pub const USER_DEPOSIT: u64 = 100;
pub const RECORD_DEPOSIT: u64 = 50;
pub const GRANT_DEPOSIT: u64 = 10;
pub const REQUEST_DEPOSIT: u64 = 5;
/// What every account from 1 to 255 starts with, except [`POOR`].
pub const ENDOWMENT: u64 = 1_000_000;
/// An account that can pay fees but no deposit.
pub const POOR: u64 = 77;

impl pallet_ehr_acl::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UserDeposit = frame_support::traits::ConstU64<USER_DEPOSIT>;
	type RecordDeposit = frame_support::traits::ConstU64<RECORD_DEPOSIT>;
	type GrantDeposit = frame_support::traits::ConstU64<GRANT_DEPOSIT>;
	type RequestDeposit = frame_support::traits::ConstU64<REQUEST_DEPOSIT>;
	type MaxRecordsPerPatient = MaxRecordsPerPatient;
	type MaxGrantsPerAccount = MaxGrantsPerAccount;
	type MaxRequestsPerRecord = frame_support::traits::ConstU32<3>;
	type MaxRequestsPerAccount = frame_support::traits::ConstU32<2>;
	type MaxDropsPerDeregistration = MaxDropsPerDeregistration;
	type Signature = TestSignature;
	type Signer = UintAuthorityId;
	type WeightInfo = pallet_ehr_acl::weights::SubstrateWeight<Test>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Self;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<u64, TestSignature> for Test {
	fn account() -> u64 {
		200
	}
	fn sign(who: &u64, message: &[u8]) -> TestSignature {
		TestSignature(*who, message.to_vec())
	}
}

/// The X25519 key whose secret is `[n; 32]`.
pub fn enc_key(n: u8) -> pallet_ehr_acl::EncryptionKey {
	ehr_key_proof::public_key(&[n; 32])
}

/// The proof, by the secret `[n; 32]`, that `who` holds `enc_key(n)`.
pub fn key_proof(who: u64, n: u8) -> pallet_ehr_acl::KeyProof {
	let genesis = EhrAcl::genesis();
	let message = ehr_key_proof::key_proof_message(genesis.as_ref(), &who.encode(), &enc_key(n));
	ehr_key_proof::sign(&[n; 32], &message, &[n; 64])
}

/// `who`'s consent to be registered as `role` with `enc_key(n)` in `org`,
/// for its next registration.
pub fn consent(who: u64, role: pallet_ehr_acl::Role, n: u8, org: u32) -> TestSignature {
	let genesis = EhrAcl::genesis();
	let message = ehr_key_proof::consent_message(
		genesis.as_ref(),
		&who.encode(),
		&role.encode(),
		&enc_key(n),
		org,
		pallet_ehr_acl::Registrations::<Test>::get(who),
	);
	TestSignature(who, message)
}

/// `by` registers `who` as `role` with `enc_key(n)`, with a valid key proof
/// and (when `by` registers someone else) `who`'s consent.
pub fn register(by: u64, who: u64, role: pallet_ehr_acl::Role, n: u8) -> DispatchResult {
	let org = pallet_ehr_acl::Registrars::<Test>::get(by).unwrap_or_default();
	let consent = (by != who).then(|| consent(who, role, n, org));
	EhrAcl::register_user(
		RuntimeOrigin::signed(by),
		who,
		role,
		enc_key(n),
		key_proof(who, n),
		consent,
	)
}

/// `who` rotates to `enc_key(n)` with a valid key proof.
pub fn rotate(who: u64, n: u8) -> DispatchResult {
	EhrAcl::rotate_encryption_key(RuntimeOrigin::signed(who), enc_key(n), key_proof(who, n))
}

/// Registrar of hospital 1.
pub const REGISTRAR: u64 = 1;
/// Registrar of hospital 2.
pub const OTHER_REGISTRAR: u64 = 2;
pub const HOSPITAL: u32 = 1;
pub const OTHER_HOSPITAL: u32 = 2;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=255u64).map(|who| (who, if who == POOR { 1 } else { ENDOWMENT })).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_ehr_acl::GenesisConfig::<Test> {
		registrars: vec![(REGISTRAR, HOSPITAL), (OTHER_REGISTRAR, OTHER_HOSPITAL)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		// As a chain's genesis does: storage versions start at the pallets'.
		<AllPalletsWithSystem as frame_support::traits::OnGenesis>::on_genesis();
		System::set_block_number(1);
	});
	ext
}

/// What `who` has on hold for this pallet, all reasons together.
pub fn held(who: u64) -> u64 {
	use frame_support::traits::fungible::InspectHold;
	[
		RuntimeHoldReason::EhrAcl(pallet_ehr_acl::HoldReason::User),
		RuntimeHoldReason::EhrAcl(pallet_ehr_acl::HoldReason::Record),
		RuntimeHoldReason::EhrAcl(pallet_ehr_acl::HoldReason::Grant),
		RuntimeHoldReason::EhrAcl(pallet_ehr_acl::HoldReason::Request),
	]
	.iter()
	.map(|reason| Balances::balance_on_hold(reason, &who))
	.sum()
}
