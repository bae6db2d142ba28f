//! # Which hospitals hold each record
//!
//! A record's ciphertext lives on IPFS; the ACL pallet keeps only its CID
//! and SHA-256 digest. So that no single hospital's loss loses a record,
//! every hospital runs a storage agent beside its IPFS node: it follows
//! finalized blocks, pins every record's current ciphertext, checks the
//! pinned bytes against the record's digest, and attests here that its
//! hospital holds them. A record counts as durable once enough hospitals
//! (the consortium's replication setting, read by clients) attest its
//! current digest.
//!
//! - **Agents**: one account per hospital, set by `AgentOrigin` (consortium
//!   governance) or at genesis; at most [`MAX_HOLDERS`] hospitals.
//! - **Holdings**: per record, the digest attested and the hospitals that
//!   hold it. An attestation names the digest it is for, and counts only
//!   while it is the record's current one (compare-and-set): an agent that
//!   attests a version superseded in the meantime changes nothing. A new
//!   digest starts a new list.
//! - **Releases**: an agent says its hospital no longer holds a record (it
//!   unpinned a removed or superseded one, or lost it); the entry of a
//!   removed or superseded record is cleared by the first release, so state
//!   does not outlive the records.
//!
//! What the chain cannot check: that an agent tells the truth. An
//! attestation is a hospital's signed statement, bound to the digest; a
//! hospital that attests what it does not hold is caught when a reader
//! asks its kubo for the bytes (and checks them against the digest).
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

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use pallet_ehr_acl::{Digest, OrgId};
use scale_info::TypeInfo;

/// Most hospitals with storage agents, and so most holders of a record.
pub const MAX_HOLDERS: u32 = 16;
/// Most records one `attest` call names, held and released together.
pub const MAX_ATTESTATIONS: u32 = 128;

pub type Holders = BoundedVec<OrgId, ConstU32<MAX_HOLDERS>>;

/// The hospitals that hold a record's ciphertext of `digest`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Holding {
	pub digest: Digest,
	pub holders: Holders,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use pallet_ehr_acl::{RecordId, Records};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_ehr_acl::Config
	{
		/// Who sets and removes hospitals' storage agents: consortium
		/// governance.
		type AgentOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		type WeightInfo: WeightInfo;
	}

	/// Each storage agent's hospital.
	#[pallet::storage]
	pub type Agents<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, OrgId>;

	/// Each hospital's storage agent.
	#[pallet::storage]
	pub type AgentOf<T: Config> = CountedStorageMap<_, Twox64Concat, OrgId, T::AccountId>;

	/// Which hospitals hold each record's current ciphertext.
	#[pallet::storage]
	pub type Holdings<T: Config> = StorageMap<_, Twox64Concat, RecordId, Holding>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Storage agents present from genesis, with their hospital.
		pub agents: Vec<(OrgId, T::AccountId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (org, agent) in &self.agents {
				Pallet::<T>::set_agent(*org, agent.clone()).expect("valid genesis storage agents");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		AgentSet {
			org: OrgId,
			agent: T::AccountId,
		},
		AgentRemoved {
			org: OrgId,
			agent: T::AccountId,
		},
		/// `org` holds `record`'s ciphertext of `digest`; `holders`
		/// hospitals now do.
		Held {
			record: RecordId,
			org: OrgId,
			digest: Digest,
			holders: u32,
		},
		/// `org` no longer holds `record`'s current ciphertext.
		Released {
			record: RecordId,
			org: OrgId,
		},
		/// The holdings of a removed or superseded record were cleared.
		Cleared {
			record: RecordId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is no hospital's storage agent.
		NotAgent,
		/// The account is already another hospital's storage agent.
		AgentOfOther,
		/// The hospital has no storage agent.
		NoAgent,
		/// [`MAX_HOLDERS`] hospitals already have storage agents.
		TooManyAgents,
		/// An attestation must name at least one record.
		NothingToAttest,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Makes `agent` hospital `org`'s storage agent, in place of any
		/// other. What the hospital attested stays attested.
		///
		/// Origin: `AgentOrigin` (consortium governance).
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_storage_agent())]
		pub fn set_storage_agent(
			origin: OriginFor<T>,
			org: OrgId,
			agent: T::AccountId,
		) -> DispatchResult {
			T::AgentOrigin::ensure_origin(origin)?;
			Self::set_agent(org, agent)
		}

		/// Removes hospital `org`'s storage agent; its attestations stop
		/// counting.
		///
		/// Origin: `AgentOrigin` (consortium governance).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_storage_agent())]
		pub fn remove_storage_agent(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			T::AgentOrigin::ensure_origin(origin)?;
			let agent = AgentOf::<T>::take(org).ok_or(Error::<T>::NoAgent)?;
			Agents::<T>::remove(&agent);
			Self::deposit_event(Event::AgentRemoved { org, agent });
			Ok(())
		}

		/// The caller's hospital holds each `held` record's ciphertext of
		/// the digest named, and no longer holds each `released` record's.
		/// A held record whose digest is no longer current, or that was
		/// removed, is passed over (the agent's next pass sees why); a
		/// released record that was removed or superseded has its holdings
		/// cleared.
		///
		/// Origin: a hospital's storage agent.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::attest(held.len() as u32, released.len() as u32))]
		pub fn attest(
			origin: OriginFor<T>,
			held: BoundedVec<(RecordId, Digest), ConstU32<MAX_ATTESTATIONS>>,
			released: BoundedVec<RecordId, ConstU32<MAX_ATTESTATIONS>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let org = Agents::<T>::get(&who).ok_or(Error::<T>::NotAgent)?;
			ensure!(!held.is_empty() || !released.is_empty(), Error::<T>::NothingToAttest);
			for (record, digest) in held {
				Self::hold(record, org, digest);
			}
			for record in released {
				Self::release(record, org);
			}
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn set_agent(org: OrgId, agent: T::AccountId) -> DispatchResult {
			match Agents::<T>::get(&agent) {
				Some(of) if of == org => return Ok(()),
				Some(_) => return Err(Error::<T>::AgentOfOther.into()),
				None => {}
			}
			match AgentOf::<T>::get(org) {
				Some(old) => Agents::<T>::remove(old),
				None => ensure!(AgentOf::<T>::count() < MAX_HOLDERS, Error::<T>::TooManyAgents),
			}
			Agents::<T>::insert(&agent, org);
			AgentOf::<T>::insert(org, &agent);
			Self::deposit_event(Event::AgentSet { org, agent });
			Ok(())
		}

		fn hold(record: RecordId, org: OrgId, digest: Digest) {
			let Some(current) = Records::<T>::get(record) else { return };
			if current.ciphertext_digest != digest {
				return;
			}
			let mut holding = match Holdings::<T>::get(record) {
				Some(h) if h.digest == digest => h,
				_ => Holding { digest, holders: Holders::new() },
			};
			if holding.holders.contains(&org) {
				return;
			}
			if holding.holders.is_full() {
				// Only hospitals whose agents left can fill the list: at
				// most `MAX_HOLDERS` hospitals have agents.
				holding.holders.retain(|o| AgentOf::<T>::contains_key(o));
			}
			if holding.holders.try_push(org).is_err() {
				return;
			}
			let holders = holding.holders.len() as u32;
			Holdings::<T>::insert(record, holding);
			Self::deposit_event(Event::Held { record, org, digest, holders });
		}

		fn release(record: RecordId, org: OrgId) {
			let Some(mut holding) = Holdings::<T>::get(record) else { return };
			let current =
				Records::<T>::get(record).is_some_and(|r| r.ciphertext_digest == holding.digest);
			if !current {
				Holdings::<T>::remove(record);
				Self::deposit_event(Event::Cleared { record });
				return;
			}
			let Some(at) = holding.holders.iter().position(|o| *o == org) else { return };
			holding.holders.remove(at);
			if holding.holders.is_empty() {
				Holdings::<T>::remove(record);
			} else {
				Holdings::<T>::insert(record, holding);
			}
			Self::deposit_event(Event::Released { record, org });
		}

		/// The hospitals with agents that hold `record`'s current
		/// ciphertext (clients read the same from storage).
		#[cfg(any(test, feature = "runtime-benchmarks"))]
		pub fn holders(record: RecordId) -> Vec<OrgId> {
			let Some(holding) = Holdings::<T>::get(record) else { return Vec::new() };
			if Records::<T>::get(record).is_none_or(|r| r.ciphertext_digest != holding.digest) {
				return Vec::new();
			}
			holding.holders.into_iter().filter(|o| AgentOf::<T>::contains_key(o)).collect()
		}
	}
}
