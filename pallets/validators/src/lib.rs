//! # Consortium validators
//!
//! The hospitals that author and finalize blocks. Governance
//! (`ManagerOrigin`: two thirds of the hospitals' council) adds and removes
//! them; `pallet-session` reads the set at each session boundary through
//! [`pallet_session::SessionManager`], so a change takes effect two
//! sessions later without a code change or restart. A validator also needs
//! session keys (`Session::set_keys`) before it is scheduled: the set handed
//! to the session holds the validators that have keys, and is handed over
//! whenever it differs from the session's current set (a validator added
//! before its keys joins at the first boundary after it sets them; one that
//! purges its keys leaves, and comes back when it sets new ones).
//! `MinValidators` bounds removals; a validator purging its own keys is
//! outside it.
//!
//! The pallet also holds the session length: set per chain in its genesis
//! (`validators.sessionLength` in the chain spec; `DefaultSessionLength`
//! where it is not set), changed by `ManagerOrigin`, and handed to
//! `pallet_session::PeriodicSessions` by [`SessionLengthOf`] within
//! `MinSessionLength..=MaxSessionLength`. `pallet-session` takes a whole block's weight at
//! each boundary, so the length trades capacity (a block without calls per
//! session) against how soon a validator change applies (two sessions).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod migrations;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{Contains, Get},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::One;

	/// 1: the `Changed` flag is gone (the set is compared with the
	/// session's instead). 2: `SessionLength` holds the session length.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may change the set: consortium governance.
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Most validators the set may hold.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Fewest validators the set may hold (GRANDPA needs more than 2/3
		/// of them online, so removing below this risks the chain).
		#[pallet::constant]
		type MinValidators: Get<u32>;
		/// The accounts that have session keys (`pallet_session::NextKeys`):
		/// a validator without them cannot author or vote.
		type HasSessionKeys: Contains<Self::AccountId>;
		/// The current session's validators (`pallet_session::Validators`):
		/// what the session keeps, less any without keys, when it is handed
		/// no new set.
		type SessionValidators: Get<Vec<Self::AccountId>>;
		/// Blocks per session where the genesis does not set them.
		#[pallet::constant]
		type DefaultSessionLength: Get<BlockNumberFor<Self>>;
		/// Fewest blocks per session (at least 1): each boundary's block
		/// carries no normal calls, so short sessions take capacity (at 1,
		/// all of it).
		#[pallet::constant]
		type MinSessionLength: Get<BlockNumberFor<Self>>;
		/// Most blocks per session (a longer one would delay validator
		/// changes beyond use).
		#[pallet::constant]
		type MaxSessionLength: Get<BlockNumberFor<Self>>;
	}

	/// The validator accounts, in the order they were added.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Blocks per session.
	#[pallet::storage]
	pub type SessionLength<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultSessionLength>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		pub validators: Vec<T::AccountId>,
		/// Blocks per session; `None`: `DefaultSessionLength`.
		pub session_length: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let set: BoundedVec<_, _> =
				self.validators.clone().try_into().expect("genesis validators fit MaxValidators");
			Validators::<T>::put(set);
			let length = self.session_length.unwrap_or_else(T::DefaultSessionLength::get);
			assert!(
				Pallet::<T>::in_range(length),
				"a session lasts MinSessionLength to MaxSessionLength blocks"
			);
			SessionLength::<T>::put(length);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// `pallet-session` reads [`SessionLength`] in every block and
		/// declares no weight for it in blocks without a boundary: declared
		/// here.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads(1)
		}

		fn integrity_test() {
			assert!(T::MinSessionLength::get() >= One::one(), "a session lasts at least one block");
			assert!(
				Pallet::<T>::in_range(T::DefaultSessionLength::get()),
				"a session lasts MinSessionLength to MaxSessionLength blocks"
			);
		}
	}

	/// The session length, for `pallet_session::PeriodicSessions`: the
	/// stored one, brought within `MinSessionLength..=MaxSessionLength` (a
	/// raw chain spec or `System::set_storage` could store anything, and a
	/// length of 0 would halt the chain: the session pallet divides by it).
	pub struct SessionLengthOf<T>(PhantomData<T>);

	impl<T: Config> Get<BlockNumberFor<T>> for SessionLengthOf<T> {
		fn get() -> BlockNumberFor<T> {
			SessionLength::<T>::get().clamp(T::MinSessionLength::get(), T::MaxSessionLength::get())
		}
	}

	impl<T: Config> Pallet<T> {
		fn in_range(length: BlockNumberFor<T>) -> bool {
			(T::MinSessionLength::get()..=T::MaxSessionLength::get()).contains(&length)
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` will validate from the session after next.
		ValidatorAdded { who: T::AccountId },
		/// `who` stops validating from the session after next.
		ValidatorRemoved { who: T::AccountId },
		/// Sessions last `length` blocks from now on: the next boundary is
		/// the next block whose number `length` divides.
		SessionLengthSet { length: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already validates.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set holds `MaxValidators` already.
		TooManyValidators,
		/// Removing would leave fewer than `MinValidators`.
		TooFewValidators,
		/// A session lasts `MinSessionLength` to `MaxSessionLength` blocks.
		SessionLengthOutOfRange,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add `who` to the validator set.
		///
		/// Origin: `ManagerOrigin`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::DbWeight::get().reads_writes(1, 2).saturating_add(Weight::from_parts(10_000_000, 0)))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				ensure!(!set.contains(&who), Error::<T>::AlreadyValidator);
				set.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Remove `who` from the validator set.
		///
		/// Origin: `ManagerOrigin`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::DbWeight::get().reads_writes(1, 2).saturating_add(Weight::from_parts(10_000_000, 0)))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let at = set.iter().position(|v| v == &who).ok_or(Error::<T>::NotValidator)?;
				ensure!(set.len() as u32 > T::MinValidators::get(), Error::<T>::TooFewValidators);
				set.remove(at);
				Ok(())
			})?;
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}

		/// Make sessions last `length` blocks (`MinSessionLength` to
		/// `MaxSessionLength`).
		///
		/// Origin: `ManagerOrigin`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::DbWeight::get().writes(1).saturating_add(Weight::from_parts(10_000_000, 0)))]
		pub fn set_session_length(
			origin: OriginFor<T>,
			length: BlockNumberFor<T>,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			ensure!(Self::in_range(length), Error::<T>::SessionLengthOutOfRange);
			SessionLength::<T>::put(length);
			Self::deposit_event(Event::SessionLengthSet { length });
			Ok(())
		}
	}

	impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
		/// The validators with session keys, when they differ from the
		/// session's current set; `None` (the session keeps its set)
		/// otherwise, so that GRANDPA starts a new authority set only on a
		/// real change. Never an empty set.
		fn new_session(_index: u32) -> Option<Vec<T::AccountId>> {
			let ready: Vec<_> =
				Validators::<T>::get().into_iter().filter(T::HasSessionKeys::contains).collect();
			(!ready.is_empty() && ready != T::SessionValidators::get()).then_some(ready)
		}

		fn end_session(_index: u32) {}

		fn start_session(_index: u32) {}
	}
}
