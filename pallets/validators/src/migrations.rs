//! Storage migrations of the validators pallet.

use crate::{Config, Pallet, SessionLength};
use frame_support::{
	pallet_prelude::*,
	storage::{storage_prefix, unhashed},
	traits::{OnRuntimeUpgrade, PalletInfoAccess, StorageVersion},
};
use frame_system::pallet_prelude::BlockNumberFor;

/// Version 0 to 1: the `Changed` flag goes. `Handed` starts empty, so the
/// first boundary after the upgrade hands the session the validators with
/// keys once (one GRANDPA set change), and only real changes after that.
pub struct V0ToV1<T>(core::marker::PhantomData<T>);

impl<T: Config> OnRuntimeUpgrade for V0ToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		if StorageVersion::get::<Pallet<T>>() != 0 {
			return T::DbWeight::get().reads(1);
		}
		unhashed::kill(&storage_prefix(Pallet::<T>::name().as_bytes(), b"Changed"));
		StorageVersion::new(1).put::<Pallet<T>>();
		T::DbWeight::get().reads_writes(1, 2)
	}
}

/// Version 1 to 2: the session length, a constant of the runtime until
/// now, is stored; the chain keeps the length it ran with (`Before`), so an
/// upgrade moves no session boundary. Governance changes it afterwards
/// (`set_session_length`).
pub struct V1ToV2<T, Before>(core::marker::PhantomData<(T, Before)>);

impl<T: Config, Before: Get<BlockNumberFor<T>>> OnRuntimeUpgrade for V1ToV2<T, Before> {
	fn on_runtime_upgrade() -> Weight {
		if StorageVersion::get::<Pallet<T>>() != 1 {
			return T::DbWeight::get().reads(1);
		}
		SessionLength::<T>::put(Before::get());
		StorageVersion::new(2).put::<Pallet<T>>();
		T::DbWeight::get().reads_writes(1, 2)
	}
}
