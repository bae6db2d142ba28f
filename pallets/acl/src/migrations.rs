//! Storage migrations, each run once by the runtime's `Executive`.

use crate::pallet::{Config, Delegations, Grants, Pallet, Records};
use codec::Decode;
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;

/// Storage version 0 → 1: builds the `Delegations` index from `Grants`.
/// Every grant is read once (a chain of a few thousand grants, as before
/// any production use, fits one block); the delegated ones are indexed.
pub type V0ToV1<T> =
	VersionedMigration<0, 1, BuildDelegations<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

pub struct BuildDelegations<T>(core::marker::PhantomData<T>);

/// The fields a grant has begun with in every storage version so far.
#[derive(codec::Decode)]
struct GrantHead<AccountId> {
	_wrapped_key: crate::types::WrappedKey,
	_access: crate::types::Access,
	granted_by: AccountId,
}

impl<T: Config> UncheckedOnRuntimeUpgrade for BuildDelegations<T> {
	fn on_runtime_upgrade() -> Weight {
		let (mut reads, mut writes) = (0u64, 0u64);
		// Read as the leading fields every storage version shares: a chain
		// at version 0 upgrading straight to 2 runs this before `V1ToV2`,
		// and a grant decoded with the newest layout would not decode and
		// be skipped, leaving its delegation out of the index.
		for (id, reader) in Grants::<T>::iter_keys() {
			reads += 2;
			let raw = frame_support::storage::unhashed::get_raw(&Grants::<T>::hashed_key_for(
				id, &reader,
			));
			let Some(GrantHead { granted_by, .. }) =
				raw.and_then(|raw| GrantHead::<T::AccountId>::decode(&mut &raw[..]).ok())
			else {
				continue;
			};
			let Some(record) = Records::<T>::get(id) else { continue };
			if Pallet::<T>::is_delegation(&record, &granted_by, &reader) {
				Delegations::<T>::insert((id, &granted_by, &reader), ());
				writes += 1;
			}
		}
		T::DbWeight::get().reads_writes(reads, writes)
	}
}

/// Storage version 1 → 2: every grant records the reader's encryption key
/// version it wraps for; grants written before get 0, the reader's first
/// key (a grant whose reader had rotated by then shows as wrapping an older
/// key until it is re-keyed, even if it wraps the newest).
pub type V1ToV2<T> = VersionedMigration<
	1,
	2,
	RecordReaderKeyVersions<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// A grant as storage version 1 kept it.
#[derive(codec::Decode)]
struct GrantV1<AccountId, BlockNumber> {
	wrapped_key: crate::types::WrappedKey,
	access: crate::types::Access,
	granted_by: AccountId,
	granted_at: BlockNumber,
	expires_at: Option<BlockNumber>,
	key_version: u32,
}

pub struct RecordReaderKeyVersions<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for RecordReaderKeyVersions<T> {
	fn on_runtime_upgrade() -> Weight {
		let mut count = 0u64;
		Grants::<T>::translate::<GrantV1<T::AccountId, BlockNumberFor<T>>, _>(|_, _, old| {
			count += 1;
			Some(crate::types::Grant {
				wrapped_key: old.wrapped_key,
				access: old.access,
				granted_by: old.granted_by,
				granted_at: old.granted_at,
				expires_at: old.expires_at,
				key_version: old.key_version,
				reader_key_version: 0,
			})
		});
		T::DbWeight::get().reads_writes(count, count)
	}
}
