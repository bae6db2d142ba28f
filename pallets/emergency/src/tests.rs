use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{InspectHold, Mutate},
	BoundedVec,
};
use pallet_ehr_acl::{Access, Role};

const RECORD: u64 = 0;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn break_glass(who: u64) -> EmergencyId {
	let id = NextEmergencyId::<Test>::get();
	assert_ok!(Emergency::break_glass(
		signed(who),
		RECORD,
		EmergencyReason::Unconscious,
		Some([3; 32])
	));
	id
}

fn answer(org: u32, emergency: EmergencyId, approve: bool) -> sp_runtime::DispatchResult {
	Emergency::answer_emergency(signed(agent(org)), emergency, approve)
}

fn release(org: u32, emergency: EmergencyId) -> sp_runtime::DispatchResult {
	Emergency::release_share(signed(agent(org)), emergency, wrapped(100 + org as u8))
}

fn held(who: u64, reason: HoldReason) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Emergency(reason), &who)
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Emergency(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// A registered pharmacist of hospital 1, a doctor of hospital 5 (no
/// escrow key) and a patient without grants.
fn more_users() {
	assert_ok!(register(registrar(1), 20, Role::Pharmacist, 20));
	assert_ok!(EhrAcl::add_registrar(RuntimeOrigin::root(), 205, 5));
	assert_ok!(register(205, 21, Role::Doctor, 21));
	assert_ok!(register(22, 22, Role::Patient, 22));
}

#[test]
fn three_hospitals_open_a_record_for_one_clinician_and_every_step_is_public() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		assert_eq!(held(DOCTOR, HoldReason::Emergency), EMERGENCY_DEPOSIT);
		// Nothing is released before three hospitals approved.
		assert_ok!(answer(1, e, true));
		assert_noop!(release(1, e), Error::<Test>::ThresholdNotReached);
		assert_ok!(answer(2, e, true));
		assert_noop!(release(2, e), Error::<Test>::ThresholdNotReached);
		assert_ok!(answer(3, e, true));
		// The requester cannot log a read it cannot have made.
		assert_noop!(
			Emergency::log_emergency_read(signed(DOCTOR), e),
			Error::<Test>::SharesMissing
		);
		for org in [1, 2, 3] {
			assert_ok!(release(org, e));
		}
		assert_noop!(release(3, e), Error::<Test>::AlreadyReleased);
		assert_noop!(Emergency::log_emergency_read(signed(CARER), e), Error::<Test>::NotRequester);
		assert_ok!(Emergency::log_emergency_read(signed(DOCTOR), e));
		let request = Emergencies::<Test>::get(e).unwrap();
		assert_eq!(
			request.released.iter().map(|r| (r.org, r.index)).collect::<Vec<_>>(),
			vec![(1, 1), (2, 2), (3, 3)]
		);
		assert_ok!(Emergency::close_emergency(signed(DOCTOR), e));
		assert_eq!(held(DOCTOR, HoldReason::Emergency), 0);
		assert!(
			Emergencies::<Test>::get(e).is_none() && OpenRequest::<Test>::get(DOCTOR).is_none()
		);
		assert_eq!(OpenOnPatient::<Test>::iter_prefix(PATIENT).count(), 0);
		assert_eq!(
			events(),
			vec![
				Event::EmergencyRequested {
					emergency: e,
					record: RECORD,
					owner: PATIENT,
					requester: DOCTOR,
					org: 1,
					reason: EmergencyReason::Unconscious,
					note_digest: Some([3; 32]),
					expires_at: 1 + ACCESS_BLOCKS,
				},
				Event::EmergencyAnswered { emergency: e, record: 0, org: 1, approved: true },
				Event::EmergencyAnswered { emergency: e, record: 0, org: 2, approved: true },
				Event::EmergencyAnswered { emergency: e, record: 0, org: 3, approved: true },
				Event::ShareReleased { emergency: e, record: 0, org: 1 },
				Event::ShareReleased { emergency: e, record: 0, org: 2 },
				Event::ShareReleased { emergency: e, record: 0, org: 3 },
				Event::EmergencyRead { emergency: e, record: RECORD, by: DOCTOR, key_version: 1 },
				Event::EmergencyClosed {
					emergency: e,
					record: RECORD,
					by: DOCTOR,
					outcome: EmergencyOutcome::Closed,
				},
			]
		);
	});
}

#[test]
fn two_refusals_of_four_close_the_request_and_nothing_is_released() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		assert_ok!(answer(1, e, true));
		assert_ok!(answer(2, e, false));
		assert_noop!(release(1, e), Error::<Test>::ThresholdNotReached);
		assert_ok!(answer(3, e, false));
		assert!(Emergencies::<Test>::get(e).is_none());
		assert_eq!(held(DOCTOR, HoldReason::Emergency), 0);
		assert_eq!(
			events().last(),
			Some(&Event::EmergencyClosed {
				emergency: e,
				record: RECORD,
				by: agent(3),
				outcome: EmergencyOutcome::Refused,
			})
		);
		assert_noop!(answer(4, e, true), Error::<Test>::EmergencyNotFound);
	});
}

#[test]
fn only_each_hospitals_own_agent_answers_once_and_only_approvers_release() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		assert_noop!(
			Emergency::answer_emergency(signed(DOCTOR), e, true),
			Error::<Test>::NotEscrowAgent
		);
		assert_noop!(
			Emergency::answer_emergency(signed(registrar(2)), e, true),
			Error::<Test>::NotEscrowAgent
		);
		assert_ok!(answer(1, e, true));
		assert_noop!(answer(1, e, true), Error::<Test>::AlreadyAnswered);
		assert_noop!(answer(1, e, false), Error::<Test>::AlreadyAnswered);
		assert_ok!(answer(2, e, false));
		assert_ok!(answer(3, e, true));
		assert_ok!(answer(4, e, true));
		assert_noop!(release(2, e), Error::<Test>::NotApproved);
		assert_noop!(
			Emergency::release_share(signed(agent(1)), e, BoundedVec::new()),
			Error::<Test>::EmptyShare
		);
		assert_ok!(release(1, e));
		assert_noop!(answer(9, e, true), Error::<Test>::NotEscrowAgent);
	});
}

#[test]
fn a_hospital_that_joined_after_the_deposit_holds_no_share_to_answer_with() {
	new_test_ext().execute_with(|| {
		assert_ok!(set_escrow(5, escrow_secret(5)));
		let e = break_glass(DOCTOR);
		assert_noop!(answer(5, e, true), Error::<Test>::NoShareHeld);
		// And a deposit made now must include it.
		assert_noop!(
			Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 3, {
				let mut old = shares();
				old.pop();
				old
			}),
			Error::<Test>::SharesDoNotMatchEscrow
		);
	});
}

#[test]
fn only_a_registered_doctor_of_an_escrow_hospital_without_access_breaks_the_glass() {
	new_test_ext().execute_with(|| {
		more_users();
		let reason = EmergencyReason::LifeThreatening;
		for (who, error) in [
			(99, Error::<Test>::NotEmergencyClinician),
			(PATIENT, Error::<Test>::NotEmergencyClinician),
			(22, Error::<Test>::NotEmergencyClinician),
			(20, Error::<Test>::NotEmergencyClinician),
			(21, Error::<Test>::NotEmergencyClinician),
			(CARER, Error::<Test>::AlreadyHasAccess),
		] {
			assert_noop!(Emergency::break_glass(signed(who), RECORD, reason, None), error);
		}
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), 42, reason, None),
			Error::<Test>::RecordNotFound
		);
		// A hospital that left the escrow takes its doctors' right with it.
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 1));
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, reason, None),
			Error::<Test>::NotEmergencyClinician
		);
	});
}

#[test]
fn no_request_on_an_opted_out_patient_or_a_record_without_current_shares() {
	new_test_ext().execute_with(|| {
		let reason = EmergencyReason::CannotConsent;
		assert_ok!(Emergency::set_emergency_access(signed(PATIENT), false));
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, reason, None),
			Error::<Test>::OptedOut
		);
		assert_ok!(Emergency::set_emergency_access(signed(PATIENT), true));
		rekey(PATIENT, RECORD);
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, reason, None),
			Error::<Test>::NoShares
		);
		let fresh = add_record(PATIENT);
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), fresh, reason, None),
			Error::<Test>::NoShares
		);
		assert_noop!(
			Emergency::set_emergency_access(signed(99), false),
			Error::<Test>::NotRegistered
		);
	});
}

/// Each way a request stops opening the record: answers and releases are
/// refused, the requester cannot log a read, and anyone may close it.
#[test]
fn a_request_goes_stale_when_its_shares_or_its_requester_change() {
	let changes: [(&str, fn()); 6] = [
		("record re-keyed", || rekey(PATIENT, RECORD)),
		("shares replaced", || {
			assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 3, shares()));
		}),
		("patient opted out", || {
			assert_ok!(Emergency::set_emergency_access(signed(PATIENT), false));
		}),
		("requester rotated its key", || {
			assert_ok!(EhrAcl::rotate_encryption_key(
				signed(DOCTOR),
				enc_key(60),
				key_proof(DOCTOR, 60)
			));
		}),
		("requester deregistered", || {
			assert_ok!(EhrAcl::deregister_user(signed(registrar(1)), DOCTOR));
		}),
		("requester's hospital left", || {
			assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 1));
		}),
	];
	for (what, change) in changes {
		new_test_ext().execute_with(|| {
			let e = break_glass(DOCTOR);
			for org in [1, 2, 3] {
				assert_ok!(answer(org, e, true));
			}
			assert_ok!(release(2, e));
			change();
			assert_noop!(release(3, e), Error::<Test>::EmergencyStale);
			assert_noop!(answer(4, e, true), Error::<Test>::EmergencyStale);
			assert_noop!(
				Emergency::log_emergency_read(signed(DOCTOR), e),
				Error::<Test>::EmergencyStale
			);
			assert_ok!(Emergency::close_emergency(signed(99), e));
			assert_eq!(
				events().last(),
				Some(&Event::EmergencyClosed {
					emergency: e,
					record: RECORD,
					by: 99,
					outcome: EmergencyOutcome::Stale,
				}),
				"{what}"
			);
			assert_eq!(held(DOCTOR, HoldReason::Emergency), 0, "{what}");
			assert_eq!(OpenOnPatient::<Test>::iter_prefix(PATIENT).count(), 0, "{what}");
		});
	}
}

#[test]
fn a_request_expires_and_only_its_parties_close_it_before() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		assert_noop!(Emergency::close_emergency(signed(99), e), Error::<Test>::NotAllowedToClose);
		assert_noop!(
			Emergency::close_emergency(signed(agent(2)), e),
			Error::<Test>::NotAllowedToClose
		);
		System::set_block_number(1 + ACCESS_BLOCKS - 1);
		assert_ok!(answer(1, e, true));
		System::set_block_number(1 + ACCESS_BLOCKS);
		assert_noop!(answer(2, e, true), Error::<Test>::EmergencyExpired);
		assert_noop!(
			Emergency::log_emergency_read(signed(DOCTOR), e),
			Error::<Test>::EmergencyExpired
		);
		assert_ok!(Emergency::close_emergency(signed(99), e));
		assert!(matches!(
			events().last(),
			Some(Event::EmergencyClosed { outcome: EmergencyOutcome::Expired, .. })
		));
		assert_noop!(Emergency::close_emergency(signed(99), e), Error::<Test>::EmergencyNotFound);
		// The patient may end a request at once.
		let e = break_glass(DOCTOR);
		assert_ok!(Emergency::close_emergency(signed(PATIENT), e));
		assert!(matches!(
			events().last(),
			Some(Event::EmergencyClosed { outcome: EmergencyOutcome::ClosedByPatient, .. })
		));
	});
}

#[test]
fn rate_limits_bound_requests_per_clinician_and_open_requests_per_patient() {
	new_test_ext().execute_with(|| {
		let reason = EmergencyReason::Unconscious;
		let e = break_glass(DOCTOR);
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, reason, None),
			Error::<Test>::RequestOpen
		);
		assert_ok!(Emergency::close_emergency(signed(DOCTOR), e));
		for _ in 1..MAX_REQUESTS_PER_WINDOW {
			let e = break_glass(DOCTOR);
			assert_ok!(Emergency::close_emergency(signed(DOCTOR), e));
		}
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, reason, None),
			Error::<Test>::TooManyRequests
		);
		System::set_block_number(1 + RATE_WINDOW);
		let e = break_glass(DOCTOR);
		// One open request per hospital on a patient: a second doctor of
		// hospital 1 waits; a doctor of hospital 3 does not.
		assert_ok!(register(registrar(1), 30, Role::Doctor, 30));
		assert_ok!(register(registrar(3), 31, Role::Doctor, 31));
		assert_noop!(
			Emergency::break_glass(signed(30), RECORD, reason, None),
			Error::<Test>::PatientBusy
		);
		break_glass(31);
		// Hospital 1 withdraws its doctor's request; its other doctor asks.
		assert_noop!(
			Emergency::close_emergency(signed(agent(2)), e),
			Error::<Test>::NotAllowedToClose
		);
		assert_ok!(Emergency::close_emergency(signed(agent(1)), e));
		assert!(matches!(
			events().last(),
			Some(Event::EmergencyClosed { outcome: EmergencyOutcome::ClosedByHospital, .. })
		));
		let e = break_glass(30);
		// A request nobody closed stops holding the slot once it expired:
		// the next request of the hospital closes it.
		System::set_block_number(1 + RATE_WINDOW + ACCESS_BLOCKS);
		let next = break_glass(DOCTOR);
		assert!(Emergencies::<Test>::get(e).is_none());
		assert_eq!(held(30, HoldReason::Emergency), 0);
		assert_eq!(OpenOnPatient::<Test>::get(PATIENT, 1), Some(next));
		assert_eq!(OpenRequest::<Test>::get(30), None);
	});
}

#[test]
fn a_requester_that_cannot_pay_the_deposit_opens_nothing() {
	new_test_ext().execute_with(|| {
		// A registrar pays for POOR's registration; POOR keeps 10 of 150.
		assert_ok!(register(registrar(1), POOR, Role::Doctor, 77));
		assert_ok!(Balances::burn_from(
			&POOR,
			140,
			frame_support::traits::tokens::Preservation::Expendable,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Fortitude::Polite,
		));
		assert_noop!(
			Emergency::break_glass(signed(POOR), RECORD, EmergencyReason::Other, None),
			Error::<Test>::InsufficientDeposit
		);
	});
}

#[test]
fn the_owner_or_a_readwrite_grantee_deposits_shares_for_the_current_key_only() {
	new_test_ext().execute_with(|| {
		more_users();
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			RECORD,
			20,
			Access::Read,
			wrapped(3),
			1,
			0,
			None
		));
		for who in [20, DOCTOR, 99] {
			assert_noop!(
				Emergency::deposit_shares(signed(who), RECORD, 1, 3, shares()),
				Error::<Test>::NotAllowedToDeposit
			);
		}
		// A grantee cannot replace the owner's shares of this key version...
		assert_noop!(
			Emergency::deposit_shares(signed(CARER), RECORD, 1, 3, shares()),
			Error::<Test>::AlreadyDeposited
		);
		assert_noop!(
			Emergency::deposit_shares(signed(PATIENT), RECORD, 2, 3, shares()),
			Error::<Test>::StaleKeyVersion
		);
		// ...but deposits them after it re-keyed the record.
		rekey(CARER, RECORD);
		assert_ok!(Emergency::deposit_shares(signed(CARER), RECORD, 2, 3, shares()));
		assert_eq!(held(PATIENT, HoldReason::Shares), 0);
		assert_eq!(held(CARER, HoldReason::Shares), SHARES_DEPOSIT);
		assert_noop!(
			Emergency::deposit_shares(signed(CARER), RECORD, 2, 3, shares()),
			Error::<Test>::AlreadyDeposited
		);
		// The owner may always replace them.
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 2, 3, shares()));
		assert_eq!(held(CARER, HoldReason::Shares), 0);
		assert_eq!(held(PATIENT, HoldReason::Shares), SHARES_DEPOSIT);
		assert_eq!(Deposits::<Test>::get(RECORD).unwrap().depositor, PATIENT);
		// A grantee whose grant was revoked deposits nothing.
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), RECORD, CARER, None));
		let record = pallet_ehr_acl::Records::<Test>::get(RECORD).unwrap();
		assert_noop!(
			Emergency::deposit_shares(signed(CARER), RECORD, record.key_version, 3, shares()),
			Error::<Test>::NotAllowedToDeposit
		);
		assert_ok!(Emergency::set_emergency_access(signed(PATIENT), false));
		assert_noop!(
			Emergency::deposit_shares(signed(PATIENT), RECORD, record.key_version, 3, shares()),
			Error::<Test>::OptedOut
		);
	});
}

#[test]
fn shares_name_every_escrow_hospital_once_for_its_current_key() {
	new_test_ext().execute_with(|| {
		let deposit = |shares| Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 3, shares);
		let mut missing = shares();
		missing.pop();
		let mut doubled = shares();
		doubled[3].org = 1;
		let mut foreign = shares();
		foreign[3].org = 9;
		let mut old_key = shares();
		old_key[0].escrow_key_version += 1;
		let mut zero = shares();
		zero[1].index = 0;
		let mut same_index = shares();
		same_index[1].index = same_index[0].index;
		let mut empty = shares();
		empty[2].wrapped = BoundedVec::new();
		for (bad, error) in [
			(missing, Error::<Test>::SharesDoNotMatchEscrow),
			(doubled, Error::<Test>::SharesDoNotMatchEscrow),
			(foreign, Error::<Test>::SharesDoNotMatchEscrow),
			(old_key, Error::<Test>::SharesDoNotMatchEscrow),
			(zero, Error::<Test>::BadShareIndex),
			(same_index, Error::<Test>::BadShareIndex),
			(empty, Error::<Test>::EmptyShare),
		] {
			assert_noop!(deposit(bad), error);
		}
		// Fewer escrow hospitals than the threshold: no deposit at all.
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 4));
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 3));
		assert_noop!(deposit(shares()), Error::<Test>::NotEnoughEscrowOrgs);
		// The threshold is never below two, whatever the runtime says.
		Threshold::set(1);
		assert_noop!(
			Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 1, shares()),
			Error::<Test>::ThresholdChanged
		);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 2, shares()));
		assert_eq!(Deposits::<Test>::get(RECORD).unwrap().threshold, 2);
	});
}

#[test]
fn stale_shares_are_anyones_to_remove_current_ones_only_the_owners() {
	new_test_ext().execute_with(|| {
		assert_noop!(Emergency::remove_shares(signed(99), RECORD), Error::<Test>::SharesCurrent);
		assert_noop!(Emergency::remove_shares(signed(CARER), RECORD), Error::<Test>::SharesCurrent);
		assert_ok!(Emergency::set_emergency_access(signed(PATIENT), false));
		assert_ok!(Emergency::remove_shares(signed(99), RECORD));
		assert_eq!(
			events().last(),
			Some(&Event::SharesRemoved { record: RECORD, reason: SharesRemovalReason::OptedOut })
		);
		assert_eq!(held(PATIENT, HoldReason::Shares), 0);
		assert_noop!(Emergency::remove_shares(signed(99), RECORD), Error::<Test>::NoShares);
		assert_ok!(Emergency::set_emergency_access(signed(PATIENT), true));
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 3, shares()));
		rekey(PATIENT, RECORD);
		assert_ok!(Emergency::remove_shares(signed(99), RECORD));
		assert_eq!(
			events().last(),
			Some(&Event::SharesRemoved { record: RECORD, reason: SharesRemovalReason::Rekeyed })
		);
		let other = add_record(PATIENT);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), other, 1, 3, shares()));
		assert_ok!(Emergency::remove_shares(signed(PATIENT), other));
	});
}

#[test]
fn escrow_keys_come_from_governance_with_a_proof_and_are_never_shared() {
	new_test_ext().execute_with(|| {
		let n = 70;
		assert_noop!(
			Emergency::set_escrow_key(signed(1), 5, enc_key(n), key_proof(agent(5), n), agent(5)),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Emergency::set_escrow_key(
				RuntimeOrigin::root(),
				5,
				[0; 32],
				key_proof(agent(5), n),
				agent(5)
			),
			Error::<Test>::InvalidEncryptionKey
		);
		// A proof made for another agent does not carry over.
		assert_noop!(
			Emergency::set_escrow_key(
				RuntimeOrigin::root(),
				5,
				enc_key(n),
				key_proof(agent(6), n),
				agent(5)
			),
			Error::<Test>::BadKeyProof
		);
		// Another hospital's key or agent.
		assert_noop!(set_escrow(5, escrow_secret(1)), Error::<Test>::EscrowKeyInUse);
		assert_noop!(
			Emergency::set_escrow_key(
				RuntimeOrigin::root(),
				5,
				enc_key(n),
				key_proof(agent(1), n),
				agent(1)
			),
			Error::<Test>::EscrowKeyInUse
		);
		assert_noop!(set_escrow(1, escrow_secret(1)), Error::<Test>::SameEscrowKey);
		assert_noop!(
			Emergency::remove_escrow_key(RuntimeOrigin::root(), 9),
			Error::<Test>::NoEscrowKey
		);
		for org in 5..=16 {
			assert_ok!(set_escrow(org, escrow_secret(org)));
		}
		assert_noop!(set_escrow(17, escrow_secret(17)), Error::<Test>::TooManyEscrowOrgs);
		assert_eq!(
			Escrow::<Test>::get().iter().map(|e| e.org).collect::<Vec<_>>(),
			(1..=16).collect::<Vec<_>>()
		);
	});
}

#[test]
fn a_new_escrow_key_gets_a_new_version_and_the_agent_rewraps_its_shares() {
	new_test_ext().execute_with(|| {
		let serial = Deposits::<Test>::get(RECORD).unwrap().serial;
		let rewrap = |agent_of: u32, serial: u64, version: u32| {
			Emergency::rewrap_share(signed(agent(agent_of)), RECORD, serial, version, wrapped(50))
		};
		assert_noop!(rewrap(2, serial, 0), Error::<Test>::ShareCurrent);
		let e = break_glass(DOCTOR);
		assert_ok!(answer(2, e, true));
		assert_ok!(set_escrow(2, 90));
		assert_eq!(Emergency::escrow_of_org(2).unwrap().version, 1);
		// The answer given with the old key no longer counts: hospital 2
		// answers again.
		assert_ok!(answer(2, e, true));
		assert_noop!(answer(2, e, true), Error::<Test>::AlreadyAnswered);
		assert_noop!(
			Emergency::rewrap_share(signed(DOCTOR), RECORD, serial, 1, wrapped(50)),
			Error::<Test>::NotEscrowAgent
		);
		// A re-wrap built for another deposit or another key version.
		assert_noop!(rewrap(2, serial + 1, 1), Error::<Test>::DepositChanged);
		assert_noop!(rewrap(2, serial, 0), Error::<Test>::DepositChanged);
		assert_ok!(rewrap(2, serial, 1));
		let share = Deposits::<Test>::get(RECORD).unwrap().shares[1].clone();
		assert_eq!((share.org, share.escrow_key_version, share.wrapped), (2, 1, wrapped(50)));
		// Re-wrapping the same share keeps open requests open.
		assert_ok!(answer(3, e, true));
		// Leaving and coming back never reuses a version or a key.
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 2));
		assert_noop!(set_escrow(2, 90), Error::<Test>::EscrowKeyInUse);
		assert_ok!(set_escrow(2, 91));
		assert_eq!(Emergency::escrow_of_org(2).unwrap().version, 2);
		assert_noop!(
			Emergency::rewrap_share(signed(agent(2)), 42, serial, 2, wrapped(50)),
			Error::<Test>::NoShares
		);
	});
}

/// What once made a request stale never makes it live again: the requester
/// registered anew (as a patient, without anyone's consent), the patient
/// opted back in, the requester's hospital came back.
#[test]
fn a_stale_request_stays_stale_when_what_changed_comes_back() {
	let round_trips: [(&str, fn()); 4] = [
		("requester deregistered and registered itself again", || {
			assert_ok!(EhrAcl::deregister_user(signed(registrar(1)), DOCTOR));
			assert_ok!(register(DOCTOR, DOCTOR, Role::Patient, 10));
		}),
		// Same role, hospital, key and key version: only the registration
		// count tells.
		("requester deregistered and registered again as before", || {
			assert_ok!(EhrAcl::deregister_user(signed(registrar(1)), DOCTOR));
			assert_ok!(register(registrar(1), DOCTOR, Role::Doctor, 10));
		}),
		("patient opted out and in again", || {
			assert_ok!(Emergency::set_emergency_access(signed(PATIENT), false));
			assert_ok!(Emergency::set_emergency_access(signed(PATIENT), true));
		}),
		("requester's hospital left and came back", || {
			assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 1));
			assert_ok!(set_escrow(1, 80));
		}),
	];
	for (what, round_trip) in round_trips {
		new_test_ext().execute_with(|| {
			let e = break_glass(DOCTOR);
			for org in [2, 3, 4] {
				assert_ok!(answer(org, e, true));
			}
			round_trip();
			assert_eq!(Emergency::live(e).err(), Some(Ended::Stale), "{what}");
			assert_noop!(release(2, e), Error::<Test>::EmergencyStale);
		});
	}
}

/// A hospital whose key was removed (say, its agent was compromised) or
/// replaced counts for nothing: its approval does not make the threshold,
/// and its new agent cannot release on the old agent's approval.
#[test]
fn answers_count_only_from_hospitals_holding_the_key_they_answered_with() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		for org in [2, 3, 4] {
			assert_ok!(answer(org, e, true));
		}
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 4));
		assert_noop!(release(2, e), Error::<Test>::ThresholdNotReached);
		assert_ok!(set_escrow(4, 81));
		// Back with a new key, hospital 4's old approval still counts for
		// nothing.
		assert_noop!(release(2, e), Error::<Test>::ThresholdNotReached);
		assert_noop!(release(4, e), Error::<Test>::NotApproved);
		assert_ok!(answer(4, e, true));
		assert_ok!(release(4, e));
		// A removed hospital's share is no approval to wait for: with
		// hospital 3 gone, one refusal leaves two possible approvals of
		// three needed, and closes the request.
		let other = add_record(PATIENT);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), other, 1, 3, shares()));
		assert_ok!(register(registrar(2), 40, Role::Doctor, 40));
		let r = NextEmergencyId::<Test>::get();
		assert_ok!(Emergency::break_glass(signed(40), other, EmergencyReason::Other, None));
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 3));
		assert_ok!(answer(1, r, false));
		assert!(Emergencies::<Test>::get(r).is_none());
	});
}

#[test]
fn shares_are_split_for_the_chains_threshold_and_their_deposit_is_returned_as_held() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 2, shares()),
			Error::<Test>::ThresholdChanged
		);
		Threshold::set(4);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 4, shares()));
		assert_eq!(Deposits::<Test>::get(RECORD).unwrap().threshold, 4);
		// A request uses its deposit's threshold, whatever the chain's now.
		Threshold::set(3);
		let e = break_glass(DOCTOR);
		for org in [1, 2, 3] {
			assert_ok!(answer(org, e, true));
		}
		assert_noop!(release(1, e), Error::<Test>::ThresholdNotReached);
		// The depositor, not only the owner, may take its shares back.
		rekey(CARER, RECORD);
		assert_ok!(Emergency::deposit_shares(signed(CARER), RECORD, 2, 3, shares()));
		assert_ok!(Emergency::remove_shares(signed(CARER), RECORD));
		assert_eq!(
			events().last(),
			Some(&Event::SharesRemoved { record: RECORD, reason: SharesRemovalReason::Withdrawn })
		);
		assert_eq!(held(CARER, HoldReason::Shares), 0);
		assert_eq!(held(PATIENT, HoldReason::Shares), 0);
	});
}

#[test]
fn nothing_is_released_or_logged_after_a_request_ended() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		for org in [1, 2, 3] {
			assert_ok!(answer(org, e, true));
		}
		assert_ok!(release(1, e));
		assert_ok!(Emergency::close_emergency(signed(PATIENT), e));
		assert_noop!(release(2, e), Error::<Test>::EmergencyNotFound);
		assert_noop!(
			Emergency::log_emergency_read(signed(DOCTOR), e),
			Error::<Test>::EmergencyNotFound
		);
		let e = break_glass(DOCTOR);
		for org in [1, 2, 3] {
			assert_ok!(answer(org, e, true));
		}
		System::set_block_number(1 + ACCESS_BLOCKS);
		assert_noop!(release(1, e), Error::<Test>::EmergencyExpired);
		// A removed record's shares are anyone's to clear.
		assert_ok!(Emergency::close_emergency(signed(99), e));
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), RECORD, CARER, None));
		assert_ok!(EhrAcl::remove_record(signed(PATIENT), RECORD));
		assert_ok!(Emergency::remove_shares(signed(99), RECORD));
		assert_eq!(
			events().last(),
			Some(&Event::SharesRemoved {
				record: RECORD,
				reason: SharesRemovalReason::RecordRemoved
			})
		);
		assert_eq!(held(PATIENT, HoldReason::Shares), 0);
	});
}

/// Deposits go back as they were held, whatever the runtime asks now.
#[test]
fn holds_are_released_as_held_after_the_deposits_changed() {
	new_test_ext().execute_with(|| {
		let e = break_glass(DOCTOR);
		SharesDepositNow::set(SHARES_DEPOSIT * 3);
		EmergencyDepositNow::set(1);
		assert_ok!(Emergency::close_emergency(signed(DOCTOR), e));
		assert_eq!(held(DOCTOR, HoldReason::Emergency), 0);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 1, 3, shares()));
		assert_eq!(held(PATIENT, HoldReason::Shares), SHARES_DEPOSIT * 3);
		SharesDepositNow::set(SHARES_DEPOSIT);
		assert_ok!(Emergency::remove_shares(signed(PATIENT), RECORD));
		assert_eq!(held(PATIENT, HoldReason::Shares), 0);
	});
}

/// A clinician's own ended request, and another clinician's of the same
/// hospital, are closed by the next request instead of blocking it.
#[test]
fn ended_requests_are_closed_by_the_next_one() {
	new_test_ext().execute_with(|| {
		let first = break_glass(DOCTOR);
		System::set_block_number(1 + ACCESS_BLOCKS);
		let second = break_glass(DOCTOR);
		assert!(Emergencies::<Test>::get(first).is_none());
		assert_eq!(OpenRequest::<Test>::get(DOCTOR), Some(second));
		assert_eq!(OpenOnPatient::<Test>::get(PATIENT, 1), Some(second));
		assert_eq!(held(DOCTOR, HoldReason::Emergency), EMERGENCY_DEPOSIT);
		// Stale now (the record re-keyed, shares deposited again): another
		// doctor of hospital 1 takes the slot, and the events say so first.
		rekey(PATIENT, RECORD);
		assert_ok!(Emergency::deposit_shares(signed(PATIENT), RECORD, 2, 3, shares()));
		assert_ok!(register(registrar(1), 30, Role::Doctor, 30));
		System::reset_events();
		let third = break_glass(30);
		assert!(matches!(
			events()[..],
			[
				Event::EmergencyClosed { emergency, outcome: EmergencyOutcome::Stale, by: 30, .. },
				Event::EmergencyRequested { .. },
			] if emergency == second
		));
		assert_eq!(OpenOnPatient::<Test>::get(PATIENT, 1), Some(third));
		assert_eq!(OpenRequest::<Test>::get(DOCTOR), None);
		assert_eq!(held(DOCTOR, HoldReason::Emergency), 0);
	});
}

#[test]
fn no_request_when_too_few_share_holding_hospitals_remain() {
	new_test_ext().execute_with(|| {
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 3));
		assert_ok!(Emergency::remove_escrow_key(RuntimeOrigin::root(), 4));
		assert_noop!(
			Emergency::break_glass(signed(DOCTOR), RECORD, EmergencyReason::Other, None),
			Error::<Test>::NotEnoughEscrowOrgs
		);
	});
}

/// A grantee that deposited shares and then lost its grant cannot take
/// them away from the patient.
#[test]
fn a_former_grantee_cannot_withdraw_the_shares_it_deposited() {
	new_test_ext().execute_with(|| {
		rekey(CARER, RECORD);
		assert_ok!(Emergency::deposit_shares(signed(CARER), RECORD, 2, 3, shares()));
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), RECORD, CARER, None));
		assert_noop!(Emergency::remove_shares(signed(CARER), RECORD), Error::<Test>::SharesCurrent);
		assert_ok!(Emergency::remove_shares(signed(PATIENT), RECORD));
		assert_eq!(held(CARER, HoldReason::Shares), 0);
	});
}
