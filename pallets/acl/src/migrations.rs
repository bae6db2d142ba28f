//! Storage migrations, each run once by the runtime's `Executive`.

use crate::pallet::{Config, Delegations, Grants, Pallet, Records};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};

/// Storage version 0 → 1: builds the `Delegations` index from `Grants`.
/// Every grant is read once (a chain of a few thousand grants, as before
/// any production use, fits one block); the delegated ones are indexed.
pub type V0ToV1<T> =
	VersionedMigration<0, 1, BuildDelegations<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

pub struct BuildDelegations<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for BuildDelegations<T> {
	fn on_runtime_upgrade() -> Weight {
		let (mut reads, mut writes) = (0u64, 0u64);
		for (id, reader, grant) in Grants::<T>::iter() {
			reads += 2;
			let Some(record) = Records::<T>::get(id) else { continue };
			if Pallet::<T>::is_delegation(&record, &grant.granted_by, &reader) {
				Delegations::<T>::insert((id, &grant.granted_by, &reader), ());
				writes += 1;
			}
		}
		T::DbWeight::get().reads_writes(reads, writes)
	}
}
