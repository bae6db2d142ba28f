//! Benchmarks for every call, each in its worst case: [`MAX_HOLDERS`]
//! hospitals with agents, every attested record's list full, one of its
//! holders gone (so each attestation prunes the list first).

use super::*;
use crate::Pallet as Storage;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{traits::EnsureOrigin, BoundedVec};
use frame_system::RawOrigin;
use pallet_ehr_acl::{
	benchmarking::{enrolled, owned_record},
	RecordId, Records, Role,
};

const SEED: u32 = 0;

fn agent<T: Config>(org: OrgId) -> T::AccountId {
	account("agent", org, SEED)
}

/// Hospitals 1 to [`MAX_HOLDERS`] with storage agents.
fn all_agents<T: Config>() {
	for org in 1..=MAX_HOLDERS {
		Storage::<T>::set_agent(org, agent::<T>(org)).expect("sets the agent");
	}
}

/// A record of its own patient, held by `holders`.
fn held_record<T: Config>(n: u32, holders: &[OrgId]) -> (RecordId, Digest) {
	let owner: T::AccountId = account("patient", n, SEED);
	enrolled::<T>(&owner, Role::Patient, None);
	let id = owned_record::<T>(&owner);
	let digest = Records::<T>::get(id).expect("the record exists").ciphertext_digest;
	Holdings::<T>::insert(
		id,
		Holding { digest, holders: BoundedVec::truncate_from(holders.to_vec()) },
	);
	(id, digest)
}

/// Every hospital with an agent, then hospital `MAX_HOLDERS` replaced by
/// hospital `MAX_HOLDERS + 1`, which calls.
fn newcomer<T: Config>() -> T::AccountId {
	all_agents::<T>();
	let origin = T::AgentOrigin::try_successful_origin().expect("governance origin");
	Storage::<T>::remove_storage_agent(origin, MAX_HOLDERS).expect("removes the agent");
	Storage::<T>::set_agent(MAX_HOLDERS + 1, agent::<T>(MAX_HOLDERS + 1)).expect("sets the agent");
	agent::<T>(MAX_HOLDERS + 1)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Replacing an agent with every hospital holding one.
	#[benchmark]
	fn set_storage_agent() -> Result<(), BenchmarkError> {
		all_agents::<T>();
		let origin =
			T::AgentOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let new = agent::<T>(100);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1, new.clone());
		assert_eq!(Agents::<T>::get(&new), Some(1));
		Ok(())
	}

	#[benchmark]
	fn remove_storage_agent() -> Result<(), BenchmarkError> {
		all_agents::<T>();
		let origin =
			T::AgentOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1);
		assert!(!AgentOf::<T>::contains_key(1));
		Ok(())
	}

	/// `h` records held, each with a full list of holders one of which
	/// left; `r` records released, each current and with a full list.
	#[benchmark]
	fn attest(
		h: Linear<0, MAX_ATTESTATIONS>,
		r: Linear<0, MAX_ATTESTATIONS>,
	) -> Result<(), BenchmarkError> {
		let caller = newcomer::<T>();
		let everyone: Vec<OrgId> = (1..=MAX_HOLDERS).collect();
		let mut with_caller: Vec<OrgId> = (1..MAX_HOLDERS).collect();
		with_caller.push(MAX_HOLDERS + 1);
		let held: Vec<_> = (0..h).map(|n| held_record::<T>(n, &everyone)).collect();
		let released: Vec<_> =
			(0..r).map(|n| held_record::<T>(MAX_ATTESTATIONS + n, &with_caller).0).collect();
		let (held, released) = if h + r == 0 {
			// The smallest call that is not refused: one record that is not there.
			(BoundedVec::new(), BoundedVec::truncate_from(alloc::vec![RecordId::MAX]))
		} else {
			(BoundedVec::truncate_from(held.clone()), BoundedVec::truncate_from(released))
		};
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), held.clone(), released.clone());
		for (id, _) in held {
			assert!(Storage::<T>::holders(id).contains(&(MAX_HOLDERS + 1)));
		}
		for id in released {
			assert!(!Storage::<T>::holders(id).contains(&(MAX_HOLDERS + 1)));
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Storage, crate::mock::new_test_ext(), crate::mock::Test);
}
