//! The set changes only through `ManagerOrigin`, stays within bounds, and
//! reaches the session pallet once per change.

use crate as pallet_ehr_validators;
use frame_support::{assert_noop, assert_ok, derive_impl, traits::ConstU32};
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

impl pallet_ehr_validators::Config for Test {
	type ManagerOrigin = EnsureRoot<u64>;
	type MaxValidators = ConstU32<5>;
	type MinValidators = ConstU32<3>;
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

fn set() -> Vec<u64> {
	crate::Validators::<Test>::get().into_inner()
}

#[test]
fn governance_adds_and_removes_and_the_session_sees_it_once() {
	new_test_ext().execute_with(|| {
		assert_eq!(Validators::new_session(1), None, "no change, no new set");
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		System::assert_last_event(crate::Event::ValidatorAdded { who: 5 }.into());
		assert_eq!(Validators::new_session(2), Some(vec![1, 2, 3, 4, 5]));
		assert_eq!(Validators::new_session(3), None);
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		System::assert_last_event(crate::Event::ValidatorRemoved { who: 2 }.into());
		assert_eq!(Validators::new_session(4), Some(vec![1, 3, 4, 5]));
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
