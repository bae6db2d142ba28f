use crate as pallet_ehr_emergency;
use codec::Encode;
use frame_support::{derive_impl, parameter_types, traits::ConstU64, BoundedVec};
use frame_system::EnsureRoot;
use pallet_ehr_acl::{Access, EncryptionKey, KeyProof, NewContent, RecordKind, Role};
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
		Emergency: pallet_ehr_emergency,
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
	type UserDeposit = ConstU64<100>;
	type RecordDeposit = ConstU64<50>;
	type GrantDeposit = ConstU64<10>;
	type RequestDeposit = ConstU64<5>;
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

/// Deposits, small enough that every endowed account pays many.
pub const SHARES_DEPOSIT: u64 = 20;
pub const EMERGENCY_DEPOSIT: u64 = 30;
/// Blocks a request stays open.
pub const ACCESS_BLOCKS: u64 = 100;
/// The window of the per-clinician limit, and the limit.
pub const RATE_WINDOW: u64 = 1_000;
pub const MAX_REQUESTS_PER_WINDOW: u32 = 3;

parameter_types! {
	pub static Threshold: u8 = 3;
	/// The deposits, changeable as a runtime upgrade would change them.
	pub static SharesDepositNow: u64 = SHARES_DEPOSIT;
	pub static EmergencyDepositNow: u64 = EMERGENCY_DEPOSIT;
}

impl pallet_ehr_emergency::Config for Test {
	type EscrowOrigin = EnsureRoot<u64>;
	type SharesDeposit = SharesDepositNow;
	type EmergencyDeposit = EmergencyDepositNow;
	type Threshold = Threshold;
	type AccessBlocks = ConstU64<ACCESS_BLOCKS>;
	type RateWindow = ConstU64<RATE_WINDOW>;
	type MaxRequestsPerWindow = frame_support::traits::ConstU32<MAX_REQUESTS_PER_WINDOW>;
	type WeightInfo = crate::weights::SubstrateWeight<Test>;
}

/// What every account from 1 to 255 starts with, except [`POOR`].
pub const ENDOWMENT: u64 = 1_000_000;
/// An account that can pay fees and a registration, but no more.
pub const POOR: u64 = 77;

/// The hospitals holding escrow keys in [`new_test_ext`], their agents
/// (account `100 + org`) and key secrets (`[50 + org; 32]`).
pub const ORGS: [u32; 4] = [1, 2, 3, 4];
pub fn agent(org: u32) -> u64 {
	100 + u64::from(org)
}

/// The registrar of hospital `org`.
pub fn registrar(org: u32) -> u64 {
	200 + u64::from(org)
}

pub const PATIENT: u64 = 1;
/// A doctor of hospital 1 with no grant: the emergency clinician.
pub const DOCTOR: u64 = 10;
/// A doctor of hospital 2 holding a ReadWrite grant on the patient's record.
pub const CARER: u64 = 11;

/// The X25519 key whose secret is `[n; 32]`.
pub fn enc_key(n: u8) -> EncryptionKey {
	ehr_key_proof::public_key(&[n; 32])
}

/// The proof, by the secret `[n; 32]`, that `who` holds `enc_key(n)`.
pub fn key_proof(who: u64, n: u8) -> KeyProof {
	let genesis = EhrAcl::genesis();
	let message = ehr_key_proof::key_proof_message(genesis.as_ref(), &who.encode(), &enc_key(n));
	ehr_key_proof::sign(&[n; 32], &message, &[n; 64])
}

pub fn escrow_secret(org: u32) -> u8 {
	50 + org as u8
}

pub fn set_escrow(org: u32, n: u8) -> DispatchResult {
	Emergency::set_escrow_key(
		RuntimeOrigin::root(),
		org,
		enc_key(n),
		key_proof(agent(org), n),
		agent(org),
	)
}

/// `by` (a registrar, or `who` itself) registers `who` as `role` with
/// `enc_key(n)`.
pub fn register(by: u64, who: u64, role: Role, n: u8) -> DispatchResult {
	let org = pallet_ehr_acl::Registrars::<Test>::get(by).unwrap_or_default();
	let consent = (by != who).then(|| {
		let message = ehr_key_proof::consent_message(
			EhrAcl::genesis().as_ref(),
			&who.encode(),
			&role.encode(),
			&enc_key(n),
			org,
			pallet_ehr_acl::Registrations::<Test>::get(who),
		);
		TestSignature(who, message)
	});
	EhrAcl::register_user(
		RuntimeOrigin::signed(by),
		who,
		role,
		enc_key(n),
		key_proof(who, n),
		consent,
	)
}

pub fn wrapped(tag: u8) -> pallet_ehr_acl::WrappedKey {
	BoundedVec::truncate_from(vec![tag; 80])
}

/// A record of `owner`, written by itself; returns its id.
pub fn add_record(owner: u64) -> u64 {
	let id = pallet_ehr_acl::NextRecordId::<Test>::get();
	EhrAcl::add_record(
		RuntimeOrigin::signed(owner),
		owner,
		BoundedVec::truncate_from(b"bafkreigh2akiscaildc".to_vec()),
		[7; 32],
		RecordKind::Note,
		(0, wrapped(1)),
		None,
		BoundedVec::new(),
	)
	.expect("add_record");
	id
}

/// Re-keys record `id` (its owner keeps the only other grants out).
pub fn rekey(owner: u64, id: u64) {
	let record = pallet_ehr_acl::Records::<Test>::get(id).unwrap();
	let keys = pallet_ehr_acl::Grants::<Test>::iter_prefix(id)
		.map(|(reader, grant)| (reader, grant.reader_key_version, wrapped(9)))
		.collect::<Vec<_>>();
	EhrAcl::update_record(
		RuntimeOrigin::signed(owner),
		id,
		NewContent {
			based_on: record.key_version,
			cid: record.cid,
			ciphertext_digest: [8; 32],
			keys: BoundedVec::truncate_from(keys),
		},
	)
	.expect("update_record");
}

/// One share per escrow hospital, for its current key; index = org.
pub fn shares() -> crate::Shares {
	BoundedVec::truncate_from(
		crate::Escrow::<Test>::get()
			.into_iter()
			.map(|e| crate::Share {
				org: e.org,
				escrow_key_version: e.version,
				index: e.org as u8,
				wrapped: wrapped(e.org as u8),
			})
			.collect(),
	)
}

/// Four hospitals with escrow keys and registrars; a patient with one
/// record (id 0) whose shares are deposited; a doctor of hospital 1 with
/// no grant; a doctor of hospital 2 with a ReadWrite grant. Block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=255u64)
			.map(|who| (who, if who == POOR { 150 } else { ENDOWMENT }))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_ehr_acl::GenesisConfig::<Test> {
		registrars: ORGS.iter().map(|org| (registrar(*org), *org)).collect(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		for org in ORGS {
			set_escrow(org, escrow_secret(org)).unwrap();
		}
		register(PATIENT, PATIENT, Role::Patient, 1).unwrap();
		register(registrar(1), DOCTOR, Role::Doctor, 10).unwrap();
		register(registrar(2), CARER, Role::Doctor, 11).unwrap();
		let id = add_record(PATIENT);
		EhrAcl::grant_access(
			RuntimeOrigin::signed(PATIENT),
			id,
			CARER,
			Access::ReadWrite,
			wrapped(2),
			1,
			0,
			None,
		)
		.unwrap();
		Emergency::deposit_shares(RuntimeOrigin::signed(PATIENT), id, 1, 3, shares()).unwrap();
		System::reset_events();
	});
	ext
}
