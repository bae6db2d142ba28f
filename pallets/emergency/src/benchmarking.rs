//! Benchmarks for every call, each in its worst case: the escrow list full
//! (`MAX_ESCROW_ORGS` hospitals), deposits with a share for each of them at
//! the longest wrapped size, requests with every answer and release they
//! can hold.

use super::*;
use crate::Pallet as Emergency;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::EnsureOrigin, BoundedVec};
use frame_system::RawOrigin;
use pallet_ehr_acl::{
	benchmarking::{enrolled, fund, owned_record, proven_key, wrapped},
	Access, OrgId, RecordId, Records, Role,
};

const SEED: u32 = 0;

fn agent<T: Config>(org: OrgId) -> T::AccountId {
	account("agent", org, SEED)
}

/// `MAX_ESCROW_ORGS` hospitals (1 to 16) with escrow keys, each registered
/// as governance registers it.
fn full_escrow<T: Config>() -> Result<(), BenchmarkError> {
	for org in 1..=MAX_ESCROW_ORGS {
		set_escrow::<T>(org, org as u8)?;
	}
	Ok(())
}

fn set_escrow<T: Config>(org: OrgId, seed: u8) -> Result<(), BenchmarkError> {
	let origin =
		T::EscrowOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let agent = agent::<T>(org);
	fund::<T>(&agent);
	let (key, proof) = proven_key::<T>(&agent, seed);
	Emergency::<T>::set_escrow_key(origin, org, key, proof, agent).expect("sets the escrow key");
	Ok(())
}

/// One share per escrow hospital, for its current key.
fn shares<T: Config>() -> Shares {
	BoundedVec::truncate_from(
		Escrow::<T>::get()
			.into_iter()
			.map(|e| Share {
				org: e.org,
				escrow_key_version: e.version,
				index: e.org as u8,
				wrapped: wrapped(e.org as u8),
			})
			.collect::<Vec<_>>(),
	)
}

/// A patient's new record with its shares deposited by the patient.
fn escrowed_record<T: Config>(name: &'static str, n: u32) -> (T::AccountId, RecordId) {
	let owner: T::AccountId = account(name, n, SEED);
	enrolled::<T>(&owner, Role::Patient, None);
	let id = owned_record::<T>(&owner);
	deposit_as::<T>(&owner, id);
	(owner, id)
}

fn deposit_as<T: Config>(by: &T::AccountId, id: RecordId) {
	let key_version = Records::<T>::get(id).expect("the record exists").key_version;
	Emergency::<T>::deposit_shares(
		RawOrigin::Signed(by.clone()).into(),
		id,
		key_version,
		Emergency::<T>::threshold(),
		shares::<T>(),
	)
	.expect("deposits the shares");
}

/// A registered doctor of hospital 1 (which holds an escrow key).
fn doctor<T: Config>(n: u32) -> T::AccountId {
	let who: T::AccountId = account("doctor", n, SEED);
	enrolled::<T>(&who, Role::Doctor, Some(1));
	who
}

fn request<T: Config>(by: &T::AccountId, id: RecordId) -> EmergencyId {
	let emergency = NextEmergencyId::<T>::get();
	Emergency::<T>::break_glass(
		RawOrigin::Signed(by.clone()).into(),
		id,
		EmergencyReason::Unconscious,
		Some([9; 32]),
	)
	.expect("breaks the glass");
	emergency
}

fn answer<T: Config>(org: OrgId, emergency: EmergencyId, approve: bool) {
	Emergency::<T>::answer_emergency(RawOrigin::Signed(agent::<T>(org)).into(), emergency, approve)
		.expect("answers");
}

fn release<T: Config>(org: OrgId, emergency: EmergencyId) {
	Emergency::<T>::release_share(
		RawOrigin::Signed(agent::<T>(org)).into(),
		emergency,
		wrapped(org as u8),
	)
	.expect("releases");
}

/// An open request on a full escrow, every hospital approving, the shares
/// of all but the last released.
fn approved_request<T: Config>() -> Result<(T::AccountId, EmergencyId), BenchmarkError> {
	full_escrow::<T>()?;
	let (_, id) = escrowed_record::<T>("patient", 0);
	let requester = doctor::<T>(0);
	let emergency = request::<T>(&requester, id);
	for org in 1..=MAX_ESCROW_ORGS {
		answer::<T>(org, emergency, true);
	}
	for org in 1..MAX_ESCROW_ORGS {
		release::<T>(org, emergency);
	}
	Ok((requester, emergency))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Replacing a key in a full escrow list: a key proof checked.
	#[benchmark]
	fn set_escrow_key() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let origin =
			T::EscrowOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let agent = agent::<T>(MAX_ESCROW_ORGS);
		let (key, proof) = proven_key::<T>(&agent, 200);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, MAX_ESCROW_ORGS, key, proof, agent);
		assert_eq!(Emergency::<T>::escrow_of_org(MAX_ESCROW_ORGS).map(|e| e.key), Some(key));
		Ok(())
	}

	#[benchmark]
	fn remove_escrow_key() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let origin =
			T::EscrowOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1);
		assert!(Emergency::<T>::escrow_of_org(1).is_none());
		Ok(())
	}

	/// Opting out.
	#[benchmark]
	fn set_emergency_access() {
		let who: T::AccountId = account("patient", 0, SEED);
		enrolled::<T>(&who, Role::Patient, None);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), false);
		assert!(OptedOut::<T>::contains_key(&who));
	}

	/// The owner replaces a full deposit with another.
	#[benchmark]
	fn deposit_shares() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let (owner, id) = escrowed_record::<T>("patient", 0);
		let threshold = Emergency::<T>::threshold();
		let shares = shares::<T>();
		let key_version = Records::<T>::get(id).expect("the record exists").key_version;
		let serial = NextDepositSerial::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, key_version, threshold, shares);
		assert_eq!(Deposits::<T>::get(id).map(|d| d.serial), Some(serial));
		Ok(())
	}

	/// The last hospital of a full deposit re-wraps its share after a key
	/// change.
	#[benchmark]
	fn rewrap_share() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let (_, id) = escrowed_record::<T>("patient", 0);
		set_escrow::<T>(MAX_ESCROW_ORGS, 201)?;
		let version = NextEscrowVersion::<T>::get(MAX_ESCROW_ORGS) - 1;
		let serial = Deposits::<T>::get(id).expect("kept").serial;
		#[extrinsic_call]
		_(RawOrigin::Signed(agent::<T>(MAX_ESCROW_ORGS)), id, serial, version, wrapped(7));
		let deposit = Deposits::<T>::get(id).expect("kept");
		assert!(deposit.shares.iter().all(|s| s.org != MAX_ESCROW_ORGS || s.wrapped[0] == 7));
		Ok(())
	}

	/// A ReadWrite grantee withdraws the full deposit it made (its grant is
	/// looked up).
	#[benchmark]
	fn remove_shares() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let owner: T::AccountId = account("patient", 0, SEED);
		enrolled::<T>(&owner, Role::Patient, None);
		let id = owned_record::<T>(&owner);
		let carer = doctor::<T>(1);
		let key_version = Records::<T>::get(id).expect("the record exists").key_version;
		pallet_ehr_acl::Pallet::<T>::grant_access(
			RawOrigin::Signed(owner).into(),
			id,
			carer.clone(),
			Access::ReadWrite,
			wrapped(2),
			key_version,
			0,
			None,
		)
		.expect("grants");
		deposit_as::<T>(&carer, id);
		#[extrinsic_call]
		_(RawOrigin::Signed(carer), id);
		assert!(!Deposits::<T>::contains_key(id));
		Ok(())
	}

	/// A doctor whose own earlier request went stale, as has another
	/// request of its hospital's staff on the same patient: both are full
	/// (every hospital answered and released) and stale only at the last
	/// check `live` makes (their deposits were replaced), and both are
	/// closed.
	#[benchmark]
	fn break_glass() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let (patient, id) = escrowed_record::<T>("patient", 0);
		let (other, elsewhere) = escrowed_record::<T>("patient", 1);
		let requester = doctor::<T>(0);
		let colleague = doctor::<T>(1);
		let own = request::<T>(&requester, elsewhere);
		let earlier = request::<T>(&colleague, id);
		for emergency in [own, earlier] {
			for org in 1..=MAX_ESCROW_ORGS {
				answer::<T>(org, emergency, true);
			}
			for org in 1..=MAX_ESCROW_ORGS {
				release::<T>(org, emergency);
			}
		}
		deposit_as::<T>(&other, elsewhere);
		deposit_as::<T>(&patient, id);
		#[extrinsic_call]
		_(RawOrigin::Signed(requester.clone()), id, EmergencyReason::Unconscious, Some([9; 32]));
		assert!(!Emergencies::<T>::contains_key(own) && !Emergencies::<T>::contains_key(earlier));
		assert_eq!(OpenOnPatient::<T>::get(&patient, 1), OpenRequest::<T>::get(&requester));
		Ok(())
	}

	/// The last hospital refuses a request every other one answered, which
	/// leaves too few to approve: the request is closed.
	#[benchmark]
	fn answer_emergency() -> Result<(), BenchmarkError> {
		full_escrow::<T>()?;
		let (_, id) = escrowed_record::<T>("patient", 0);
		let emergency = request::<T>(&doctor::<T>(0), id);
		let threshold = u32::from(Emergency::<T>::threshold());
		// `threshold - 1` approvals and `MAX - threshold` refusals leave
		// exactly `threshold` hospitals able to approve; one more refusal
		// closes the request.
		for org in 1..MAX_ESCROW_ORGS {
			answer::<T>(org, emergency, org < threshold);
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(agent::<T>(MAX_ESCROW_ORGS)), emergency, false);
		assert!(!Emergencies::<T>::contains_key(emergency));
		Ok(())
	}

	/// The last share of a full request.
	#[benchmark]
	fn release_share() -> Result<(), BenchmarkError> {
		let (_, emergency) = approved_request::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(agent::<T>(MAX_ESCROW_ORGS)), emergency, wrapped(3));
		let request = Emergencies::<T>::get(emergency).expect("open");
		assert_eq!(request.released.len() as u32, MAX_ESCROW_ORGS);
		Ok(())
	}

	#[benchmark]
	fn log_emergency_read() -> Result<(), BenchmarkError> {
		let (requester, emergency) = approved_request::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(requester), emergency);
		Ok(())
	}

	/// The requester closes a full request.
	#[benchmark]
	fn close_emergency() -> Result<(), BenchmarkError> {
		let (requester, emergency) = approved_request::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(requester.clone()), emergency);
		assert!(!Emergencies::<T>::contains_key(emergency));
		assert!(!OpenRequest::<T>::contains_key(&requester));
		Ok(())
	}

	impl_benchmark_test_suite!(Emergency, crate::mock::new_test_ext(), crate::mock::Test);
}
