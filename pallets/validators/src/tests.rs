//! The set changes only through `ManagerOrigin`, stays within bounds, and
//! reaches the session pallet once per change of the validators that have
//! session keys.

use crate as pallet_ehr_validators;
use frame_support::{
	assert_noop, assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, Contains},
};
use frame_system::EnsureRoot;
use pallet_session::SessionManager;
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
}

fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_ehr_validators::GenesisConfig::<Test> { validators: vec![1, 2, 3, 4] }
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
