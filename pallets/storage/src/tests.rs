use crate::{mock::*, AgentOf, Agents, Error, Event, Holdings, MAX_HOLDERS};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

fn attest(org: u32, held: &[(u64, [u8; 32])], released: &[u64]) -> sp_runtime::DispatchResult {
	Storage::attest(
		RuntimeOrigin::signed(agent(org)),
		BoundedVec::truncate_from(held.to_vec()),
		BoundedVec::truncate_from(released.to_vec()),
	)
}

fn holders(record: u64) -> Vec<u32> {
	Storage::holders(record)
}

#[test]
fn hospitals_attest_the_current_digest() {
	new_test_ext().execute_with(|| {
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_ok!(attest(3, &[(0, [1; 32])], &[]));
		assert_eq!(holders(0), vec![1, 3]);
		System::assert_last_event(
			Event::Held { record: 0, org: 3, digest: [1; 32], holders: 2 }.into(),
		);
		// Attesting again changes nothing and says nothing.
		System::reset_events();
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_eq!(holders(0), vec![1, 3]);
		assert!(System::events().is_empty());
	});
}

#[test]
fn only_agents_attest_and_not_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Storage::attest(
				RuntimeOrigin::signed(PATIENT),
				BoundedVec::truncate_from(vec![(0, [1; 32])]),
				BoundedVec::new()
			),
			Error::<Test>::NotAgent
		);
		assert_noop!(attest(1, &[], &[]), Error::<Test>::NothingToAttest);
	});
}

#[test]
fn a_superseded_or_missing_digest_counts_for_nothing() {
	new_test_ext().execute_with(|| {
		// The agent read version 1 ([1; 32]); the owner updated to [2; 32]
		// before its attestation landed.
		put_record(0, [2; 32]);
		assert_ok!(attest(1, &[(0, [1; 32]), (9, [1; 32])], &[]));
		assert!(Holdings::<Test>::get(0).is_none());
		assert!(Holdings::<Test>::get(9).is_none());
		// The new digest starts a new list.
		assert_ok!(attest(2, &[(0, [2; 32])], &[]));
		assert_eq!(holders(0), vec![2]);
	});
}

#[test]
fn an_update_leaves_old_holders_uncounted_until_they_attest_again() {
	new_test_ext().execute_with(|| {
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_ok!(attest(2, &[(0, [1; 32])], &[]));
		put_record(0, [2; 32]);
		assert!(holders(0).is_empty());
		assert_ok!(attest(3, &[(0, [2; 32])], &[]));
		assert_eq!(holders(0), vec![3]);
		assert_eq!(Holdings::<Test>::get(0).unwrap().digest, [2; 32]);
	});
}

#[test]
fn releases_drop_a_holder_and_clear_removed_records() {
	new_test_ext().execute_with(|| {
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_ok!(attest(2, &[(0, [1; 32])], &[]));
		// A hospital that lost the record says so.
		assert_ok!(attest(2, &[], &[0]));
		assert_eq!(holders(0), vec![1]);
		System::assert_last_event(Event::Released { record: 0, org: 2 }.into());
		// Releasing what one does not hold changes nothing.
		assert_ok!(attest(3, &[], &[0, 7]));
		assert_eq!(holders(0), vec![1]);
		// Once the record is removed, any agent's release clears it.
		pallet_ehr_acl::Records::<Test>::remove(0);
		assert_ok!(attest(4, &[], &[0]));
		assert!(Holdings::<Test>::get(0).is_none());
		System::assert_last_event(Event::Cleared { record: 0 }.into());
	});
}

#[test]
fn the_last_release_removes_the_entry() {
	new_test_ext().execute_with(|| {
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_ok!(attest(1, &[], &[0]));
		assert!(Holdings::<Test>::get(0).is_none());
	});
}

#[test]
fn agents_are_set_by_governance_one_per_hospital() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Storage::set_storage_agent(RuntimeOrigin::signed(agent(1)), 5, 50),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Storage::set_storage_agent(RuntimeOrigin::root(), 5, agent(1)),
			Error::<Test>::AgentOfOther
		);
		// Replacing hospital 1's agent: the old account stops attesting,
		// what hospital 1 attested stays.
		assert_ok!(attest(1, &[(0, [1; 32])], &[]));
		assert_ok!(Storage::set_storage_agent(RuntimeOrigin::root(), 1, 50));
		assert_noop!(attest(1, &[(0, [1; 32])], &[]), Error::<Test>::NotAgent);
		assert_eq!(holders(0), vec![1]);
		assert_eq!(Agents::<Test>::get(50), Some(1));
		// Removing it: hospital 1's attestations stop counting.
		assert_ok!(Storage::remove_storage_agent(RuntimeOrigin::root(), 1));
		assert!(holders(0).is_empty());
		assert_noop!(
			Storage::remove_storage_agent(RuntimeOrigin::root(), 1),
			Error::<Test>::NoAgent
		);
	});
}

#[test]
fn at_most_max_holders_agents_and_a_full_list_drops_departed_hospitals() {
	new_test_ext().execute_with(|| {
		for org in 5..=MAX_HOLDERS {
			assert_ok!(Storage::set_storage_agent(RuntimeOrigin::root(), org, agent(org)));
		}
		assert_noop!(
			Storage::set_storage_agent(RuntimeOrigin::root(), 17, agent(17)),
			Error::<Test>::TooManyAgents
		);
		for org in 1..=MAX_HOLDERS {
			assert_ok!(attest(org, &[(0, [1; 32])], &[]));
		}
		assert_eq!(holders(0).len() as u32, MAX_HOLDERS);
		// Hospital 16 leaves, hospital 17 joins and attests: it takes the
		// place of the departed one.
		assert_ok!(Storage::remove_storage_agent(RuntimeOrigin::root(), 16));
		assert_ok!(Storage::set_storage_agent(RuntimeOrigin::root(), 17, agent(17)));
		assert_ok!(attest(17, &[(0, [1; 32])], &[]));
		let now = holders(0);
		assert!(now.contains(&17) && !now.contains(&16));
		assert_eq!(AgentOf::<Test>::count(), MAX_HOLDERS);
	});
}
