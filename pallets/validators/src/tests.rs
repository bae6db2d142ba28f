//! The set changes only through `ManagerOrigin`, stays within bounds, and
//! reaches the session pallet once per change of the validators that have
//! session keys.

use crate as pallet_ehr_validators;
use frame_support::{
	assert_noop, assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Contains, Get, Hooks},
};
use frame_system::EnsureRoot;
use pallet_session::{PeriodicSessions, SessionManager, ShouldEndSession};
use sp_runtime::{BuildStorage, DispatchError};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Validators: pallet_ehr_validators,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// Who has set session keys.
	pub static WithKeys: Vec<u64> = vec![1, 2, 3, 4];
	/// The session's current and queued validators.
	pub static Current: Vec<u64> = vec![1, 2, 3, 4];
	pub static Queued: Vec<u64> = vec![1, 2, 3, 4];
}

pub struct HasKeys;
impl Contains<u64> for HasKeys {
	fn contains(who: &u64) -> bool {
		WithKeys::get().contains(who)
	}
}

impl pallet_ehr_validators::Config for Test {
	type ManagerOrigin = EnsureRoot<u64>;
	type MaxValidators = ConstU32<5>;
	type MinValidators = ConstU32<3>;
	type HasSessionKeys = HasKeys;
	type SessionValidators = Current;
	type DefaultSessionLength = ConstU64<100>;
	type MinSessionLength = ConstU64<5>;
	type MaxSessionLength = ConstU64<1000>;
}

fn new_test_ext() -> sp_io::TestExternalities {
	ext_with_session_length(None)
}

fn ext_with_session_length(session_length: Option<u64>) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_ehr_validators::GenesisConfig::<Test> { validators: vec![1, 2, 3, 4], session_length }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// A session boundary as `pallet-session` makes it: the queued set becomes
/// current; the next is the one the pallet hands over, or else the current
/// one, less validators without keys. Returns what the pallet handed over.
fn boundary(index: u32) -> Option<Vec<u64>> {
	Current::set(Queued::get());
	let handed = Validators::new_session(index);
	let next = handed.clone().unwrap_or_else(Current::get);
	Queued::set(next.into_iter().filter(HasKeys::contains).collect());
	handed
}

fn set() -> Vec<u64> {
	crate::Validators::<Test>::get().into_inner()
}

#[test]
fn governance_adds_and_removes_and_the_session_sees_it_once() {
	new_test_ext().execute_with(|| {
		WithKeys::set(vec![1, 2, 3, 4, 5]);
		assert_eq!(boundary(1), None, "no change, no new set");
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		System::assert_last_event(crate::Event::ValidatorAdded { who: 5 }.into());
		assert_eq!(boundary(2), Some(vec![1, 2, 3, 4, 5]));
		assert_eq!(boundary(3), None, "queued, not yet current: not handed again");
		assert_eq!(boundary(4), None);
		assert_eq!(Current::get(), vec![1, 2, 3, 4, 5]);
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		System::assert_last_event(crate::Event::ValidatorRemoved { who: 2 }.into());
		assert_eq!(boundary(5), Some(vec![1, 3, 4, 5]));
		assert_eq!(boundary(6), None);
	});
}

#[test]
fn a_validator_added_before_its_keys_joins_once_it_sets_them() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(boundary(1), None, "5 has no keys: the set is unchanged");
		assert_eq!(boundary(2), None);
		WithKeys::set(vec![1, 2, 3, 4, 5]);
		assert_eq!(boundary(3), Some(vec![1, 2, 3, 4, 5]));
		assert_eq!(boundary(4), None, "handed once");
		assert_eq!(Current::get(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn a_removed_validator_leaves_while_another_still_lacks_keys() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
		assert_eq!(boundary(1), Some(vec![1, 2, 4]));
		boundary(2);
		assert_eq!(Current::get(), vec![1, 2, 4]);
	});
}

#[test]
fn a_validator_that_purged_its_keys_comes_back_with_new_ones() {
	new_test_ext().execute_with(|| {
		WithKeys::set(vec![1, 2, 4]);
		assert_eq!(boundary(1), Some(vec![1, 2, 4]));
		boundary(2);
		assert_eq!(Current::get(), vec![1, 2, 4]);
		WithKeys::set(vec![1, 2, 3, 4]);
		assert_eq!(boundary(3), Some(vec![1, 2, 3, 4]));
		boundary(4);
		assert_eq!(Current::get(), vec![1, 2, 3, 4]);
		WithKeys::set(Vec::new());
		assert_eq!(boundary(5), None, "never an empty set");
	});
}

#[test]
fn the_upgrade_drops_the_old_flag() {
	use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let key = frame_support::storage::storage_prefix(b"Validators", b"Changed");
		frame_support::storage::unhashed::put(&key, &true);
		StorageVersion::new(0).put::<Validators>();
		crate::migrations::V0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(frame_support::storage::unhashed::get::<bool>(&key), None);
		assert_eq!(StorageVersion::get::<Validators>(), 1);
	});
}

#[test]
fn refused_changes_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(1), 9),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::signed(1), 2),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 3),
			crate::Error::<Test>::AlreadyValidator
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 9),
			crate::Error::<Test>::NotValidator
		);
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 6),
			crate::Error::<Test>::TooManyValidators
		);
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 5));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 4));
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 3),
			crate::Error::<Test>::TooFewValidators
		);
		assert_eq!(set(), vec![1, 2, 3]);
	});
}

/// Sessions end every `length` blocks as `pallet-session` counts them.
fn boundaries(from: u64, to: u64) -> Vec<u64> {
	(from..=to)
		.filter(|n| {
			PeriodicSessions::<crate::SessionLengthOf<Test>, ConstU64<0>>::should_end_session(*n)
		})
		.collect()
}

#[test]
fn the_genesis_sets_the_session_length_and_the_default_stands_in() {
	ext_with_session_length(None).execute_with(|| {
		assert_eq!(
			crate::SessionLength::<Test>::get(),
			100,
			"stored: a later default does not move it"
		);
		assert_eq!(boundaries(1, 250), vec![100, 200]);
	});
	ext_with_session_length(Some(7)).execute_with(|| {
		assert_eq!(crate::SessionLengthOf::<Test>::get(), 7);
		assert_eq!(boundaries(1, 22), vec![7, 14, 21]);
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		assert_eq!(
			Validators::on_initialize(3),
			db.reads(1),
			"the session's read of the length is declared"
		);
	});
}

#[test]
#[should_panic(expected = "a session lasts MinSessionLength to MaxSessionLength blocks")]
fn a_genesis_session_below_the_minimum_is_refused() {
	ext_with_session_length(Some(4));
}

#[test]
#[should_panic(expected = "a session lasts MinSessionLength to MaxSessionLength blocks")]
fn a_genesis_session_beyond_the_maximum_is_refused() {
	ext_with_session_length(Some(1001));
}

#[test]
fn governance_changes_the_session_length_within_bounds() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::set_session_length(RuntimeOrigin::signed(1), 10),
			DispatchError::BadOrigin
		);
		for length in [0, 1, 4, 1001] {
			assert_noop!(
				Validators::set_session_length(RuntimeOrigin::root(), length),
				crate::Error::<Test>::SessionLengthOutOfRange
			);
		}
		assert_ok!(Validators::set_session_length(RuntimeOrigin::root(), 30));
		System::assert_last_event(crate::Event::SessionLengthSet { length: 30 }.into());
		assert_eq!(boundaries(101, 200), vec![120, 150, 180]);
	});
}

#[test]
fn a_stored_length_out_of_bounds_is_brought_within_them() {
	new_test_ext().execute_with(|| {
		crate::SessionLength::<Test>::put(0);
		assert_eq!(
			crate::SessionLengthOf::<Test>::get(),
			5,
			"0 would divide by zero in every block; below the minimum is raised to it"
		);
		crate::SessionLength::<Test>::put(u64::MAX);
		assert_eq!(crate::SessionLengthOf::<Test>::get(), 1000);
	});
}

#[test]
fn the_upgrade_keeps_the_session_length_the_chain_ran_with() {
	use frame_support::traits::{OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		crate::SessionLength::<Test>::kill();
		StorageVersion::new(1).put::<Validators>();
		crate::migrations::V1ToV2::<Test, ConstU64<10>>::on_runtime_upgrade();
		assert_eq!(crate::SessionLength::<Test>::get(), 10, "not the new default of 100");
		assert_eq!(StorageVersion::get::<Validators>(), 2);
		crate::SessionLength::<Test>::put(40);
		crate::migrations::V1ToV2::<Test, ConstU64<10>>::on_runtime_upgrade();
		assert_eq!(crate::SessionLength::<Test>::get(), 40, "runs once");
	});
}
