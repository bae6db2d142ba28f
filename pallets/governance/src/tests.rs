//! The council's root path, its slots and the lapse of stale motions, on the
//! real `pallet-collective` (see `mock.rs`).

use crate::{mock::*, Error, Event, OpenProposals};
use frame_support::{
	assert_noop, assert_ok,
	traits::{Hooks, Len},
	weights::Weight,
};
use pallet_collective::{CostOf, Instance1, Proposals, RawOrigin as CouncilOrigin};
use sp_core::H256;
use sp_runtime::DispatchError;

type CouncilEvent = pallet_collective::Event<Test, Instance1>;

fn remark(n: u8) -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![n] })
}

/// A root-only call wrapped for the council.
fn as_root_authorize_upgrade() -> RuntimeCall {
	RuntimeCall::Governance(crate::Call::dispatch_as_root {
		call: Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade {
			code_hash: H256::repeat_byte(7),
		})),
	})
}

fn propose(who: u64, threshold: u32, call: RuntimeCall) -> (H256, u32) {
	let len = codec::Encode::encoded_size(&call) as u32;
	assert_ok!(Council::propose(RuntimeOrigin::signed(who), threshold, Box::new(call), len));
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::Council(CouncilEvent::Proposed {
				proposal_hash, proposal_index, ..
			}) => Some((proposal_hash, proposal_index)),
			_ => None,
		})
		.expect("a Proposed event")
}

fn vote_and_close(motion: (H256, u32), ayes: &[u64], nays: &[u64]) {
	for who in ayes {
		assert_ok!(Council::vote(RuntimeOrigin::signed(*who), motion.0, motion.1, true));
	}
	for who in nays {
		assert_ok!(Council::vote(RuntimeOrigin::signed(*who), motion.0, motion.1, false));
	}
	assert_ok!(Council::close(
		RuntimeOrigin::signed(1),
		motion.0,
		motion.1,
		Weight::from_parts(1_000_000_000, 1_000_000),
		1_000
	));
}

/// The result of the latest execution of the motion `hash`.
fn executed(hash: H256) -> Option<Result<(), DispatchError>> {
	System::events().into_iter().rev().find_map(|r| match r.event {
		RuntimeEvent::Council(CouncilEvent::Executed { proposal_hash, result })
			if proposal_hash == hash =>
		{
			Some(result)
		}
		_ => None,
	})
}

fn upgrade_authorized() -> bool {
	System::events().into_iter().any(|r| {
		matches!(r.event, RuntimeEvent::System(frame_system::Event::UpgradeAuthorized { .. }))
	})
}

fn idle() -> Weight {
	Governance::on_idle(System::block_number(), Weight::MAX)
}

fn open_slots(who: u64) -> u32 {
	OpenProposals::<Test, Instance1>::get(who)
}

#[test]
fn two_thirds_of_the_council_act_as_root_and_a_bare_majority_does_not() {
	new_test_ext().execute_with(|| {
		// Three of five is a majority, not two thirds: the motion runs and
		// its call is refused.
		let motion = propose(1, 3, as_root_authorize_upgrade());
		vote_and_close(motion, &[1, 2, 3], &[]);
		assert_eq!(executed(motion.0), Some(Err(DispatchError::BadOrigin)));
		assert!(!upgrade_authorized());

		// Four of five: root.
		let motion = propose(2, 4, as_root_authorize_upgrade());
		vote_and_close(motion, &[1, 2, 3, 4], &[]);
		assert_eq!(executed(motion.0), Some(Ok(())));
		System::assert_has_event(Event::DispatchedAsRoot { result: Ok(()) }.into());
		assert!(upgrade_authorized());
	});
}

#[test]
fn no_one_else_is_root() {
	new_test_ext().execute_with(|| {
		let call = Box::new(RuntimeCall::System(frame_system::Call::authorize_upgrade {
			code_hash: H256::repeat_byte(7),
		}));
		for origin in [
			RuntimeOrigin::signed(1),
			RuntimeOrigin::none(),
			RuntimeOrigin::root(),
			CouncilOrigin::<u64, Instance1>::Members(3, 5).into(),
			CouncilOrigin::<u64, Instance1>::Member(1).into(),
		] {
			assert_noop!(
				Governance::dispatch_as_root(origin, call.clone()),
				DispatchError::BadOrigin
			);
		}
		assert_ok!(Governance::dispatch_as_root(
			CouncilOrigin::<u64, Instance1>::Members(4, 5).into(),
			call
		));
		assert!(upgrade_authorized());
	});
}

#[test]
fn a_member_holds_at_most_two_open_proposals_and_gets_them_back() {
	new_test_ext().execute_with(|| {
		let first = propose(1, 3, remark(1));
		let second = propose(1, 3, remark(2));
		let len = codec::Encode::encoded_size(&remark(3)) as u32;
		assert_noop!(
			Council::propose(RuntimeOrigin::signed(1), 3, Box::new(remark(3)), len),
			Error::<Test, Instance1>::TooManyOpenProposals
		);
		assert_eq!(Proposals::<Test, Instance1>::get().len(), 2);
		// The others are not locked out.
		propose(2, 3, remark(3));

		// Killed by a majority: the slot is free at once.
		assert_ok!(Council::kill(CouncilOrigin::<u64, Instance1>::Members(3, 5).into(), first.0));
		assert_eq!(open_slots(1), 1);
		propose(1, 3, remark(4));

		// Voted down and closed: the slot comes back in idle time.
		vote_and_close(second, &[], &[1, 2, 3]);
		assert_eq!(open_slots(1), 2);
		idle();
		assert_eq!(open_slots(1), 1);
		assert!(CostOf::<Test, Instance1>::get(second.0).is_none());
		propose(1, 3, remark(5));
	});
}

#[test]
fn proposing_a_decided_call_again_before_idle_time_keeps_the_slots_right() {
	new_test_ext().execute_with(|| {
		// Member 1's motion is voted down; in the same block, before idle
		// time gives its slot back, member 2 proposes the same call (same
		// hash), which overwrites the collective's record of member 1's slot.
		let first = propose(1, 3, remark(1));
		vote_and_close(first, &[], &[1, 2, 3]);
		let again = propose(2, 3, remark(1));
		assert_eq!(again.0, first.0);
		assert_eq!((open_slots(1), open_slots(2)), (0, 1));
		idle();
		assert_eq!((open_slots(1), open_slots(2)), (0, 1), "2's motion is still open");
		vote_and_close(again, &[], &[1, 2, 3]);
		idle();
		assert_eq!((open_slots(1), open_slots(2)), (0, 0));
	});
}

#[test]
fn a_motion_nobody_closed_lapses_after_its_end() {
	new_test_ext().execute_with(|| {
		let stale = propose(1, 3, remark(1));
		assert_ok!(Council::vote(RuntimeOrigin::signed(2), stale.0, stale.1, true));
		System::set_block_number(1 + MOTION_DURATION);
		idle();
		assert_eq!(Proposals::<Test, Instance1>::get().len(), 1, "open until its end");

		System::set_block_number(2 + MOTION_DURATION);
		let fresh = propose(2, 3, remark(2));
		idle();
		System::assert_has_event(Event::MotionLapsed { proposal_hash: stale.0 }.into());
		System::assert_has_event(CouncilEvent::Disapproved { proposal_hash: stale.0 }.into());
		assert_eq!(Proposals::<Test, Instance1>::get().into_inner(), vec![fresh.0]);
		assert_eq!(open_slots(1), 0);
		assert_eq!(open_slots(2), 1);
		assert_noop!(
			Council::vote(RuntimeOrigin::signed(3), stale.0, stale.1, true),
			pallet_collective::Error::<Test, Instance1>::ProposalMissing
		);
	});
}

#[test]
fn idle_time_does_only_what_the_block_has_room_for() {
	new_test_ext().execute_with(|| {
		let stale = propose(1, 3, remark(1));
		System::set_block_number(2 + MOTION_DURATION);
		assert_eq!(Governance::on_idle(System::block_number(), Weight::zero()), Weight::zero());
		let reads_only = <Test as frame_system::Config>::DbWeight::get().reads(4);
		assert!(Governance::on_idle(System::block_number(), reads_only).all_lte(reads_only));
		assert_eq!(Proposals::<Test, Instance1>::get().into_inner(), vec![stale.0]);
		assert!(idle().any_gt(Weight::zero()));
		assert!(Proposals::<Test, Instance1>::get().is_empty());
	});
}
