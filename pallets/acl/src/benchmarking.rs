//! Benchmarks for every call, each in its worst case.

use super::*;
use crate::Pallet as EhrAcl;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;

const SEED: u32 = 0;

fn wrapped(n: u8) -> WrappedKey {
	BoundedVec::truncate_from(alloc::vec![n; MAX_WRAPPED_KEY_LEN as usize])
}

fn long_cid(n: u8) -> Cid {
	BoundedVec::truncate_from(alloc::vec![b'a' + n % 26; MAX_CID_LEN as usize])
}

fn registrar<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("registrar", 0, SEED);
	Registrars::<T>::insert(&who, 1);
	who
}

fn register<T: Config>(name: &'static str, index: u32, role: Role) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	let by = if role == Role::Patient { who.clone() } else { registrar::<T>() };
	EhrAcl::<T>::register_user(RawOrigin::Signed(by).into(), who.clone(), role, [7; 32])
		.expect("registers");
	who
}

fn new_record<T: Config>(owner: &T::AccountId) -> RecordId {
	let id = NextRecordId::<T>::get();
	EhrAcl::<T>::add_record(
		RawOrigin::Signed(owner.clone()).into(),
		id,
		owner.clone(),
		long_cid(1),
		[1; 32],
		RecordKind::Observation,
		wrapped(1),
		None,
	)
	.expect("adds");
	id
}

/// A record of a fresh patient read by `readers` doctors besides the owner.
fn shared_record<T: Config>(readers: u32) -> (T::AccountId, RecordId, Vec<T::AccountId>) {
	let owner = register::<T>("patient", 0, Role::Patient);
	let id = new_record::<T>(&owner);
	let readers: Vec<T::AccountId> = (0..readers)
		.map(|i| {
			let reader = register::<T>("reader", i, Role::Doctor);
			EhrAcl::<T>::grant_access(
				RawOrigin::Signed(owner.clone()).into(),
				id,
				reader.clone(),
				Access::ReadWrite,
				wrapped(2),
				None,
			)
			.expect("grants");
			reader
		})
		.collect();
	(owner, id, readers)
}

fn content_for<T: Config>(readers: impl Iterator<Item = T::AccountId>) -> NewContentOf<T> {
	NewContent {
		cid: long_cid(2),
		ciphertext_digest: [2; 32],
		keys: BoundedVec::truncate_from(readers.map(|r| (r, wrapped(3))).collect()),
	}
}

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_registrar() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("new-registrar", 0, SEED);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), 3);
		assert_eq!(Registrars::<T>::get(&who), Some(3));
		Ok(())
	}

	#[benchmark]
	fn remove_registrar() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = registrar::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(!Registrars::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn register_user() {
		let by = registrar::<T>();
		let who: T::AccountId = account("doctor", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(by), who.clone(), Role::Doctor, [7; 32]);
		assert!(Users::<T>::contains_key(&who));
	}

	#[benchmark]
	fn deregister_user(g: Linear<0, { T::MaxGrantsPerAccount::get() }>) {
		let who = register::<T>("doctor", 0, Role::Doctor);
		for i in 0..g {
			let owner = register::<T>("patient", i, Role::Patient);
			let id = new_record::<T>(&owner);
			EhrAcl::<T>::grant_access(
				RawOrigin::Signed(owner).into(),
				id,
				who.clone(),
				Access::Read,
				wrapped(2),
				None,
			)
			.expect("grants");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), who.clone());
		assert!(!Users::<T>::contains_key(&who));
		assert_last_event::<T>(Event::UserDeregistered {
			who: who.clone(),
			by: who,
			grants_dropped: g,
		});
	}

	#[benchmark]
	fn rotate_encryption_key() {
		let who = register::<T>("doctor", 0, Role::Doctor);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), [9; 32]);
		assert_eq!(Users::<T>::get(&who).map(|u| u.enc_key), Some([9; 32]));
	}

	#[benchmark]
	fn add_record() {
		// Worst case: a clinician writing into a patient's records.
		let (owner, via, readers) = shared_record::<T>(1);
		let doctor = readers[0].clone();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(doctor),
			NextRecordId::<T>::get(),
			owner.clone(),
			long_cid(3),
			[3; 32],
			RecordKind::Prescription,
			wrapped(1),
			Some((via, wrapped(2))),
		);
		assert_eq!(EhrAcl::<T>::records_of(&owner).len(), 2);
	}

	#[benchmark]
	fn update_record(k: Linear<1, MAX_GRANTS_PER_RECORD>) {
		let (owner, id, readers) = shared_record::<T>(k - 1);
		let content = content_for::<T>(core::iter::once(owner.clone()).chain(readers));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, content);
		assert_eq!(Records::<T>::get(id).map(|r| r.version), Some(2));
	}

	#[benchmark]
	fn remove_record(g: Linear<1, MAX_GRANTS_PER_RECORD>) {
		let (owner, id, _) = shared_record::<T>(g - 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		assert!(!Records::<T>::contains_key(id));
	}

	#[benchmark]
	fn grant_access() {
		let (owner, id, _) = shared_record::<T>(0);
		let to = register::<T>("pharmacist", 0, Role::Pharmacist);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, to.clone(), Access::Read, wrapped(4), None);
		assert!(Grants::<T>::contains_key(id, &to));
	}

	#[benchmark]
	fn update_access() {
		let (owner, id, readers) = shared_record::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, readers[0].clone(), Access::Read, None);
		assert_eq!(Grants::<T>::get(id, &readers[0]).map(|g| g.access), Some(Access::Read));
	}

	/// `k` readers keep access and get the rotated key.
	#[benchmark]
	fn revoke_access(k: Linear<1, { MAX_GRANTS_PER_RECORD - 1 }>) {
		let (owner, id, mut readers) = shared_record::<T>(k);
		let revoked = readers.pop().expect("k >= 1");
		let rotation = content_for::<T>(core::iter::once(owner.clone()).chain(readers));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, revoked.clone(), Some(rotation));
		assert!(!Grants::<T>::contains_key(id, &revoked));
	}

	#[benchmark]
	fn request_access() {
		let (_, id, _) = shared_record::<T>(0);
		let who = register::<T>("researcher", 0, Role::Researcher);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id, Access::Read);
		assert!(Requests::<T>::contains_key(id, &who));
	}

	#[benchmark]
	fn answer_request() {
		let (owner, id, _) = shared_record::<T>(0);
		let who = register::<T>("researcher", 0, Role::Researcher);
		EhrAcl::<T>::request_access(RawOrigin::Signed(who.clone()).into(), id, Access::Read)
			.expect("requests");
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, who.clone(), Some(wrapped(5)), None);
		assert!(Grants::<T>::contains_key(id, &who));
	}

	#[benchmark]
	fn log_access() {
		let (_, id, readers) = shared_record::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(readers[0].clone()), id);
	}

	impl_benchmark_test_suite!(EhrAcl, crate::mock::new_test_ext(), crate::mock::Test);
}
