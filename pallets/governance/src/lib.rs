//! # Consortium governance
//!
//! What the hospitals' council (`pallet-collective`) lacks for a consortium
//! that runs for years:
//!
//! - **A root path without sudo.** [`Pallet::dispatch_as_root`] runs a call
//!   as root when `RootOrigin` (at least two thirds of the council) asks:
//!   a runtime upgrade (`System::authorize_upgrade`, after which anyone may
//!   submit the code with `System::apply_authorized_upgrade`) or any other
//!   root-only call.
//! - **Bounded proposals per member.** [`ProposalSlot`] is the council's
//!   `Consideration`: each open proposal takes one of its proposer's
//!   `MaxProposalsPerMember` slots, so one hospital cannot fill the
//!   council's `MaxProposals` and lock the others out.
//! - **Stale motions lapse.** A motion nobody closed by its end is
//!   disapproved in the idle time of a later block, and finished motions
//!   give their proposer's slot back (also without `release_proposal_cost`).
//!
//! `I` is the council's instance of `pallet-collective`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

#[frame_support::pallet]
pub mod pallet {
	use super::WeightInfo;
	use alloc::{boxed::Box, vec::Vec};
	use frame_support::{
		dispatch::{extract_actual_weight, GetDispatchInfo},
		pallet_prelude::*,
		storage::unhashed,
		traits::{Consideration, MaybeConsideration, UnfilteredDispatchable},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use pallet_collective::{CostOf, ProposalOf, Proposals, Voting};

	#[pallet::pallet]
	pub struct Pallet<T, I = ()>(PhantomData<(T, I)>);

	#[pallet::config]
	pub trait Config<I: 'static = ()>:
		frame_system::Config<RuntimeEvent: From<Event<Self, I>>> + pallet_collective::Config<I>
	{
		/// The calls the council may run as root.
		type RuntimeCall: Parameter
			+ UnfilteredDispatchable<RuntimeOrigin = <Self as frame_system::Config>::RuntimeOrigin>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;
		/// Who may act as root: a qualified majority of the council.
		type RootOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
		/// Proposals one member may have open at a time.
		#[pallet::constant]
		type MaxProposalsPerMember: Get<u32>;
		type WeightInfo: WeightInfo;
	}

	/// How many open proposals (slots) each proposer holds.
	#[pallet::storage]
	pub type OpenProposals<T: Config<I>, I: 'static = ()> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config<I>, I: 'static = ()> {
		/// The council ran a call as root; `result` is the call's.
		DispatchedAsRoot { result: DispatchResult },
		/// A motion nobody closed by its end lapsed (it is disapproved).
		MotionLapsed { proposal_hash: T::Hash },
	}

	#[pallet::error]
	pub enum Error<T, I = ()> {
		/// The proposer has `MaxProposalsPerMember` proposals open already.
		TooManyOpenProposals,
	}

	#[pallet::hooks]
	impl<T: Config<I>, I: 'static> Hooks<BlockNumberFor<T>> for Pallet<T, I> {
		/// Lapses stale motions, then gives finished motions' slots back, as
		/// far as the block's remaining weight allows (what is left waits for
		/// a later block).
		fn on_idle(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			let mut meter = WeightMeter::with_limit(limit);
			Self::lapse_stale_motions(now, &mut meter);
			Self::release_finished_slots(&mut meter);
			meter.consumed()
		}
	}

	#[pallet::call]
	impl<T: Config<I>, I: 'static> Pallet<T, I> {
		/// Run `call` as root.
		///
		/// Origin: `RootOrigin` (at least two thirds of the council, through
		/// a council motion).
		#[pallet::call_index(0)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(<T as Config<I>>::WeightInfo::dispatch_as_root().saturating_add(info.call_weight), info.class)
		})]
		pub fn dispatch_as_root(
			origin: OriginFor<T>,
			call: Box<<T as Config<I>>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::RootOrigin::ensure_origin(origin)?;
			let info = call.get_dispatch_info();
			let result = call.dispatch_bypass_filter(frame_system::RawOrigin::Root.into());
			let used = extract_actual_weight(&result, &info);
			Self::deposit_event(Event::DispatchedAsRoot {
				result: result.map(|_| ()).map_err(|e| e.error),
			});
			Ok(Some(<T as Config<I>>::WeightInfo::dispatch_as_root().saturating_add(used)).into())
		}
	}

	/// `pallet_collective::Votes` as it is stored (its fields are private);
	/// only the end is read. The tests run against the real pallet, so a
	/// change of its layout fails them.
	#[derive(Decode)]
	struct StoredVotes<AccountId, BlockNumber> {
		_index: u32,
		_threshold: u32,
		_ayes: Vec<AccountId>,
		_nays: Vec<AccountId>,
		end: BlockNumber,
	}

	impl<T: Config<I>, I: 'static> Pallet<T, I> {
		/// The block after which the motion `hash` can no longer be voted on.
		fn motion_end(hash: &T::Hash) -> Option<BlockNumberFor<T>> {
			unhashed::get::<StoredVotes<T::AccountId, BlockNumberFor<T>>>(
				&Voting::<T, I>::hashed_key_for(hash),
			)
			.map(|votes| votes.end)
		}

		/// Disapproves every motion whose end has passed (a close in the same
		/// block, which runs before idle time, still decides it as usual).
		fn lapse_stale_motions(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
			let db = T::DbWeight::get();
			if meter.try_consume(db.reads(1)).is_err() {
				return;
			}
			for hash in Proposals::<T, I>::get() {
				if meter.try_consume(db.reads(1)).is_err() {
					return;
				}
				if Self::motion_end(&hash).is_none_or(|end| end >= now) {
					continue;
				}
				// Removing the motion, then its slot (`release`).
				if meter.try_consume(db.reads_writes(3, 5)).is_err() {
					return;
				}
				pallet_collective::Pallet::<T, I>::do_disapprove_proposal(hash);
				Self::deposit_event(Event::MotionLapsed { proposal_hash: hash });
				Self::release(&hash);
			}
		}

		/// Gives back the slots of motions that are no longer open (closed,
		/// disapproved or lapsed); a killed motion's slot went when it was
		/// killed.
		fn release_finished_slots(meter: &mut WeightMeter) {
			let db = T::DbWeight::get();
			let mut finished = Vec::new();
			for hash in CostOf::<T, I>::iter_keys() {
				if meter.try_consume(db.reads(2)).is_err() {
					break;
				}
				if !ProposalOf::<T, I>::contains_key(hash) {
					finished.push(hash);
				}
			}
			for hash in finished {
				if meter.try_consume(db.reads_writes(2, 2)).is_err() {
					return;
				}
				Self::release(&hash);
			}
		}

		/// Drops the slot the proposal `hash` holds, if any.
		fn release(hash: &T::Hash) {
			if let Some((who, slot)) = CostOf::<T, I>::take(hash) {
				// Dropping a slot cannot fail.
				let _ = slot.drop(&who);
			}
		}

		fn free_slot(who: &T::AccountId) {
			OpenProposals::<T, I>::mutate_exists(who, |open| {
				*open = open.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
			});
		}
	}

	/// The council's `Consideration`: an open proposal holds one of its
	/// proposer's `MaxProposalsPerMember` slots until it is closed, killed or
	/// lapses.
	#[derive(
		Encode,
		Decode,
		MaxEncodedLen,
		TypeInfo,
		CloneNoBound,
		PartialEqNoBound,
		EqNoBound,
		DebugNoBound,
	)]
	#[scale_info(skip_type_params(T, I))]
	#[codec(mel_bound())]
	pub struct ProposalSlot<T, I = ()>(PhantomData<fn() -> (T, I)>);

	impl<T: Config<I>, I: 'static> Consideration<T::AccountId, u32> for ProposalSlot<T, I> {
		/// Takes one of `who`'s slots for the proposal `pallet-collective`
		/// has just appended to `Proposals`. A finished proposal of the same
		/// call whose slot was not given back yet (its `CostOf` entry, which
		/// the collective is about to overwrite) gives it back first.
		fn new(who: &T::AccountId, _open_proposals: u32) -> Result<Self, DispatchError> {
			if let Some(hash) = Proposals::<T, I>::get().last() {
				Pallet::<T, I>::release(hash);
			}
			OpenProposals::<T, I>::try_mutate(who, |open| {
				ensure!(
					*open < T::MaxProposalsPerMember::get(),
					Error::<T, I>::TooManyOpenProposals
				);
				*open += 1;
				Ok(Self(PhantomData))
			})
		}

		fn update(self, _: &T::AccountId, _: u32) -> Result<Self, DispatchError> {
			Ok(self)
		}

		fn drop(self, who: &T::AccountId) -> Result<(), DispatchError> {
			Pallet::<T, I>::free_slot(who);
			Ok(())
		}

		/// A killed proposal's slot is freed as well: the council's `kill`
		/// is its sanction, not a lost slot.
		fn burn(self, who: &T::AccountId) {
			Pallet::<T, I>::free_slot(who);
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn ensure_successful(who: &T::AccountId, _: u32) {
			OpenProposals::<T, I>::remove(who);
		}
	}

	impl<T: Config<I>, I: 'static> MaybeConsideration<T::AccountId, u32> for ProposalSlot<T, I> {
		fn is_none(&self) -> bool {
			false
		}
	}
}
