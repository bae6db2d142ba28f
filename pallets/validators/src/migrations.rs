//! Storage migrations of the validators pallet.

use crate::{Config, Pallet};
use frame_support::{
	pallet_prelude::*,
	storage::{storage_prefix, unhashed},
	traits::{OnRuntimeUpgrade, PalletInfoAccess, StorageVersion},
};

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
