//! # Break-glass emergency access
//!
//! An unconscious patient arrives at a hospital that holds no grant on their
//! records. No hospital, validator or registrar can open a record alone;
//! `threshold` of the consortium's hospitals together can open one record
//! version, for one clinician, for a limited time, in public.
//!
//! - **Escrow keys**: each hospital's escrow agent holds an X25519 key,
//!   registered with a proof of possession by `EscrowOrigin` (consortium
//!   governance), and an account it signs its answers with.
//! - **Shares**: for each record version of an owner who did not opt out,
//!   the owner's client (or a ReadWrite grantee's, after it re-keyed the
//!   record) splits the data key into one Shamir share per hospital, any
//!   `threshold` of which rebuild it, and deposits each share wrapped to
//!   its hospital's escrow key. The chain checks that every hospital gets
//!   exactly one share, for its current key; it cannot check the shares
//!   themselves: the clinician's client checks the rebuilt key against the
//!   record's ciphertext, and the owner may always replace a deposit.
//! - **The emergency**: a registered doctor of a member hospital calls
//!   `break_glass` (reason code, SHA-256 of its free text). Each hospital's
//!   agent checks its policy and answers; once `threshold` approved, each
//!   approving agent re-wraps its share to the requester's encryption key
//!   (`release_share`). No share is released before the threshold is
//!   reached, so hospitals that would not open the record together reveal
//!   nothing. The requester rebuilds the key, reads, and logs the read.
//! - **Limits**: a request ends at `expires_at`; it goes stale when its
//!   shares stop opening the record (re-key, new deposit, opt-out) or the
//!   requester stops being who it was (key rotated, leaving, registered
//!   anew, hospital left), for good. Rate limits bound requests per
//!   clinician, and each hospital's staff to one open request per patient;
//!   both the request and the deposit of shares hold a deposit.
//!
//! What the chain cannot do: once a key is rebuilt it is known; "expiry"
//! ends the request, not the clinician's knowledge of that key version, so
//! the owner's client re-keys the record after an emergency. And any
//! `threshold` hospitals that collude off chain can unwrap their shares
//! without asking: that is what a threshold means, and why it is set by
//! governance and shown to patients, who may opt out.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision},
	};
	use frame_system::pallet_prelude::*;
	use pallet_ehr_acl::{
		Access, BalanceOf, EncryptionKey, KeyProof, Leaving, OrgId, RecordId, Records, Role, Users,
		WrappedKey,
	};
	use sp_runtime::traits::{Saturating, Zero};

	pub type EscrowKeyOf<T> = EscrowKey<<T as frame_system::Config>::AccountId>;
	pub type EscrowKeys<T> = BoundedVec<EscrowKeyOf<T>, ConstU32<MAX_ESCROW_ORGS>>;
	pub type ShareDepositOf<T> = ShareDeposit<<T as frame_system::Config>::AccountId, BalanceOf<T>>;
	pub type EmergencyOf<T> =
		EmergencyRequest<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_ehr_acl::Config<RuntimeHoldReason: From<HoldReason>>
	{
		/// Who registers and removes hospitals' escrow keys: consortium
		/// governance.
		type EscrowOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Held from whoever deposits a record's shares while they are kept.
		#[pallet::constant]
		type SharesDeposit: Get<BalanceOf<Self>>;
		/// Held from a requester while its emergency request is open.
		#[pallet::constant]
		type EmergencyDeposit: Get<BalanceOf<Self>>;
		/// How many shares rebuild a record key (at least 2), for deposits
		/// made from now on.
		type Threshold: Get<u8>;
		/// How long a request, and the access it gives, lasts.
		type AccessBlocks: Get<BlockNumberFor<Self>>;
		/// The window in which one clinician may make at most
		/// `MaxRequestsPerWindow` requests.
		#[pallet::constant]
		type RateWindow: Get<BlockNumberFor<Self>>;
		#[pallet::constant]
		type MaxRequestsPerWindow: Get<u32>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::AccessBlocks::get().is_zero(), "requests must last at least a block");
			assert!(!T::RateWindow::get().is_zero(), "the rate window must last at least a block");
			assert!(T::MaxRequestsPerWindow::get() > 0, "clinicians must be able to ask");
			assert!(
				u32::from(Self::threshold()) <= MAX_ESCROW_ORGS,
				"a threshold above the most escrow hospitals allows no deposit"
			);
		}
	}

	/// Why the pallet holds part of an account's balance.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A record's escrowed shares.
		Shares,
		/// An open emergency request.
		Emergency,
	}

	/// The hospitals' escrow keys, by hospital.
	#[pallet::storage]
	pub type Escrow<T: Config> = StorageValue<_, EscrowKeys<T>, ValueQuery>;

	/// The version the next escrow key of each hospital gets.
	#[pallet::storage]
	pub type NextEscrowVersion<T: Config> = StorageMap<_, Twox64Concat, OrgId, u32, ValueQuery>;

	/// Every escrow key ever registered, and its hospital: a key serves one
	/// hospital once (a key that left with one hospital never returns with
	/// another, holding the old shares wrapped to it).
	#[pallet::storage]
	pub type UsedEscrowKeys<T: Config> = StorageMap<_, Twox64Concat, EncryptionKey, OrgId>;

	/// Patients who opted out of emergency access (all others are in).
	#[pallet::storage]
	pub type OptedOut<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	/// How many times each patient opted out: a request made before an
	/// opt-out stays stale after the patient opts back in.
	#[pallet::storage]
	pub type OptOuts<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each record's escrowed shares.
	#[pallet::storage]
	pub type Deposits<T: Config> = StorageMap<_, Twox64Concat, RecordId, ShareDepositOf<T>>;

	/// The serial the next deposit gets.
	#[pallet::storage]
	pub type NextDepositSerial<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Open emergency requests.
	#[pallet::storage]
	pub type Emergencies<T: Config> = StorageMap<_, Twox64Concat, EmergencyId, EmergencyOf<T>>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextEmergencyId<T: Config> = StorageValue<_, EmergencyId, ValueQuery>;

	/// Each clinician's open request (one at a time).
	#[pallet::storage]
	pub type OpenRequest<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, EmergencyId>;

	/// Each clinician's requests in its current window: the window's first
	/// block and the count.
	#[pallet::storage]
	pub type RequestsInWindow<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (BlockNumberFor<T>, u32)>;

	/// The open request on each patient's records by each hospital's staff:
	/// one per hospital, so that no hospital's accounts can hold every slot
	/// of a patient, and a hospital can withdraw what its staff opened.
	#[pallet::storage]
	pub type OpenOnPatient<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, OrgId, EmergencyId>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		EscrowKeySet {
			org: OrgId,
			key: EncryptionKey,
			version: u32,
			agent: T::AccountId,
		},
		EscrowKeyRemoved {
			org: OrgId,
		},
		EmergencyAccessSet {
			who: T::AccountId,
			allowed: bool,
		},
		SharesDeposited {
			record: RecordId,
			by: T::AccountId,
			key_version: u32,
			threshold: u8,
			orgs: u32,
		},
		/// A hospital re-wrapped its share of the record to its new escrow key.
		ShareRewrapped {
			record: RecordId,
			org: OrgId,
			escrow_key_version: u32,
		},
		SharesRemoved {
			record: RecordId,
			reason: SharesRemovalReason,
		},
		/// Purpose of use: emergency treatment (`ETREAT`).
		EmergencyRequested {
			emergency: EmergencyId,
			record: RecordId,
			owner: T::AccountId,
			requester: T::AccountId,
			org: OrgId,
			reason: EmergencyReason,
			note_digest: Option<[u8; 32]>,
			expires_at: BlockNumberFor<T>,
		},
		EmergencyAnswered {
			emergency: EmergencyId,
			record: RecordId,
			org: OrgId,
			approved: bool,
		},
		ShareReleased {
			emergency: EmergencyId,
			record: RecordId,
			org: OrgId,
		},
		/// The requester read the record with the rebuilt key.
		EmergencyRead {
			emergency: EmergencyId,
			record: RecordId,
			by: T::AccountId,
			key_version: u32,
		},
		EmergencyClosed {
			emergency: EmergencyId,
			record: RecordId,
			by: T::AccountId,
			outcome: EmergencyOutcome,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The key is not an X25519 key a secret can be agreed with.
		InvalidEncryptionKey,
		/// The key proof is not a signature by the escrow key's secret over
		/// this chain, the agent account and the key.
		BadKeyProof,
		/// Another hospital has this agent, or the key was registered before.
		EscrowKeyInUse,
		/// The key equals the hospital's current escrow key.
		SameEscrowKey,
		/// Already as many hospitals hold escrow keys as allowed.
		TooManyEscrowOrgs,
		/// The hospital holds no escrow key.
		NoEscrowKey,
		/// The caller is not a hospital's escrow agent.
		NotEscrowAgent,
		/// The caller is not registered.
		NotRegistered,
		/// The account is being deregistered.
		AccountLeaving,
		/// No record has this id.
		RecordNotFound,
		/// Only the record's owner or a current ReadWrite grantee may deposit
		/// its shares.
		NotAllowedToDeposit,
		/// The shares are for another key version than the record's.
		StaleKeyVersion,
		/// The record's shares for this key version are deposited; only its
		/// owner may replace them.
		AlreadyDeposited,
		/// The shares do not name every hospital holding an escrow key
		/// exactly once, for its current key.
		SharesDoNotMatchEscrow,
		/// Share indices must be distinct and not 0.
		BadShareIndex,
		/// A wrapped share is empty.
		EmptyShare,
		/// Fewer hospitals hold escrow keys than the threshold.
		NotEnoughEscrowOrgs,
		/// The shares are split for another threshold than the chain's.
		ThresholdChanged,
		/// The deposit was replaced, or the escrow key changed again, since
		/// the call was built.
		DepositChanged,
		/// The record's owner opted out of emergency access.
		OptedOut,
		/// No shares of the record's current key are deposited.
		NoShares,
		/// The shares are still current: only stale shares may be removed by
		/// anyone but the record's owner or the depositor.
		SharesCurrent,
		/// The hospital's share is already for its current escrow key.
		ShareCurrent,
		/// Only a registered doctor of a hospital holding an escrow key may
		/// break the glass.
		NotEmergencyClinician,
		/// The caller already has access to the record.
		AlreadyHasAccess,
		/// The caller has an open request; close it first.
		RequestOpen,
		/// The caller made the most requests allowed in this window.
		TooManyRequests,
		/// A request by the same hospital's staff on this patient is open.
		PatientBusy,
		/// No open request has this id.
		EmergencyNotFound,
		/// The request has expired.
		EmergencyExpired,
		/// The request's shares no longer open the record, or its requester
		/// changed: close it.
		EmergencyStale,
		/// The hospital holds no share of this deposit.
		NoShareHeld,
		/// The hospital already answered.
		AlreadyAnswered,
		/// The hospital did not approve the request.
		NotApproved,
		/// Fewer hospitals approved than the threshold.
		ThresholdNotReached,
		/// The hospital already released its share.
		AlreadyReleased,
		/// Fewer shares were released than the threshold.
		SharesMissing,
		/// Only the requester may do this.
		NotRequester,
		/// Only the requester, its hospital or the patient may close an open
		/// request that is neither expired nor stale.
		NotAllowedToClose,
		/// The deposit cannot be held: the payer's free balance is too low.
		InsufficientDeposit,
		/// Ids are exhausted.
		IdOverflow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register or replace hospital `org`'s escrow key and agent.
		/// `key_proof` is the XEdDSA signature by `key`'s secret over the key
		/// proof message of `pallet_ehr_acl` (genesis hash, `agent`, key). A
		/// key serves one hospital, once. A replaced key's shares stay usable
		/// until the agent re-wraps them (`rewrap_share`) with the old key it
		/// keeps; answers given with the old key no longer count.
		///
		/// Origin: `EscrowOrigin` (consortium governance).
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_escrow_key())]
		pub fn set_escrow_key(
			origin: OriginFor<T>,
			org: OrgId,
			key: EncryptionKey,
			key_proof: KeyProof,
			agent: T::AccountId,
		) -> DispatchResult {
			<T as Config>::EscrowOrigin::ensure_origin(origin)?;
			ensure!(pallet_ehr_acl::is_usable_enc_key(&key), Error::<T>::InvalidEncryptionKey);
			let mut escrow = Escrow::<T>::get();
			let current = escrow.binary_search_by_key(&org, |e| e.org);
			if let Ok(at) = current {
				ensure!(escrow[at].key != key, Error::<T>::SameEscrowKey);
			}
			ensure!(
				!UsedEscrowKeys::<T>::contains_key(key)
					&& escrow.iter().all(|e| e.org == org || e.agent != agent),
				Error::<T>::EscrowKeyInUse
			);
			pallet_ehr_acl::Pallet::<T>::check_key_proof(&agent, &key, &key_proof)
				.map_err(|_| Error::<T>::BadKeyProof)?;
			let version = NextEscrowVersion::<T>::get(org);
			match current {
				Ok(at) => {
					let since = escrow[at].since;
					escrow[at] = EscrowKey { org, key, version, since, agent: agent.clone() };
				}
				Err(at) => escrow
					.try_insert(
						at,
						EscrowKey { org, key, version, since: version, agent: agent.clone() },
					)
					.map_err(|_| Error::<T>::TooManyEscrowOrgs)?,
			}
			Escrow::<T>::put(escrow);
			UsedEscrowKeys::<T>::insert(key, org);
			NextEscrowVersion::<T>::insert(org, version.saturating_add(1));
			Self::deposit_event(Event::EscrowKeySet { org, key, version, agent });
			Ok(())
		}

		/// Remove hospital `org`'s escrow key: it answers no more requests,
		/// its answers stop counting, and its staff's requests go stale.
		/// Deposits keep its share (it counts toward nothing) until replaced.
		///
		/// Origin: `EscrowOrigin` (consortium governance).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_escrow_key())]
		pub fn remove_escrow_key(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			<T as Config>::EscrowOrigin::ensure_origin(origin)?;
			let mut escrow = Escrow::<T>::get();
			let at = escrow
				.binary_search_by_key(&org, |e| e.org)
				.map_err(|_| Error::<T>::NoEscrowKey)?;
			escrow.remove(at);
			Escrow::<T>::put(escrow);
			Self::deposit_event(Event::EscrowKeyRemoved { org });
			Ok(())
		}

		/// Allow or refuse emergency access to the caller's records (allowed
		/// unless refused). Refusing makes every deposited share useless at
		/// once and every open request stale for good; `remove_shares` then
		/// takes the shares out of state. Shares stay in the chain's
		/// history: the client re-keys the records to make them worthless.
		///
		/// Origin: signed, a registered user.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::set_emergency_access())]
		pub fn set_emergency_access(origin: OriginFor<T>, allowed: bool) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Users::<T>::contains_key(&who), Error::<T>::NotRegistered);
			if allowed {
				OptedOut::<T>::remove(&who);
			} else if !OptedOut::<T>::contains_key(&who) {
				OptedOut::<T>::insert(&who, ());
				OptOuts::<T>::mutate(&who, |n| *n = n.saturating_add(1));
			}
			Self::deposit_event(Event::EmergencyAccessSet { who, allowed });
			Ok(())
		}

		/// Deposit the shares of record `id`'s data key at `key_version`
		/// (its current one), split for `threshold` (the chain's), one per
		/// hospital holding an escrow key, wrapped to that key. The owner
		/// may replace a deposit at any time; a ReadWrite grantee may only
		/// deposit for a key version that has none (after it re-keyed the
		/// record, say).
		///
		/// Origin: signed, the record's owner or a current ReadWrite grantee.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::deposit_shares())]
		pub fn deposit_shares(
			origin: OriginFor<T>,
			id: RecordId,
			key_version: u32,
			threshold: u8,
			shares: Shares,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			let is_owner = record.owner == who;
			ensure!(
				is_owner || Self::may_write(&who, id, &record),
				Error::<T>::NotAllowedToDeposit
			);
			ensure!(!Leaving::<T>::contains_key(&who), Error::<T>::AccountLeaving);
			ensure!(key_version == record.key_version, Error::<T>::StaleKeyVersion);
			ensure!(!OptedOut::<T>::contains_key(&record.owner), Error::<T>::OptedOut);
			let previous = Deposits::<T>::get(id);
			if let Some(previous) = &previous {
				ensure!(
					is_owner || previous.key_version != record.key_version,
					Error::<T>::AlreadyDeposited
				);
			}
			ensure!(threshold == Self::threshold(), Error::<T>::ThresholdChanged);
			Self::check_shares(&shares, threshold)?;
			let serial = NextDepositSerial::<T>::get();
			let next = serial.checked_add(1).ok_or(Error::<T>::IdOverflow)?;
			let held = T::SharesDeposit::get();
			Self::hold(HoldReason::Shares, &who, held)?;
			if let Some(previous) = previous {
				Self::release(HoldReason::Shares, &previous.depositor, previous.held);
				let reason = if previous.key_version == record.key_version {
					SharesRemovalReason::Replaced
				} else {
					SharesRemovalReason::Rekeyed
				};
				Self::deposit_event(Event::SharesRemoved { record: id, reason });
			}
			NextDepositSerial::<T>::put(next);
			let orgs = shares.len() as u32;
			Deposits::<T>::insert(
				id,
				ShareDeposit {
					key_version,
					threshold,
					depositor: who.clone(),
					held,
					serial,
					shares,
				},
			);
			Self::deposit_event(Event::SharesDeposited {
				record: id,
				by: who,
				key_version,
				threshold,
				orgs,
			});
			Ok(())
		}

		/// Replace the caller's hospital's share in deposit `serial` of
		/// record `id` with the same share wrapped to the hospital's escrow
		/// key `escrow_key_version` (its current one), after a key change.
		///
		/// Origin: signed, a hospital's escrow agent.
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::rewrap_share())]
		pub fn rewrap_share(
			origin: OriginFor<T>,
			id: RecordId,
			serial: u64,
			escrow_key_version: u32,
			wrapped: WrappedKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let escrow = Self::escrow_of_agent(&who)?;
			ensure!(!wrapped.is_empty(), Error::<T>::EmptyShare);
			ensure!(escrow.version == escrow_key_version, Error::<T>::DepositChanged);
			Deposits::<T>::try_mutate(id, |deposit| {
				let deposit = deposit.as_mut().ok_or(Error::<T>::NoShares)?;
				ensure!(deposit.serial == serial, Error::<T>::DepositChanged);
				let share = deposit
					.shares
					.iter_mut()
					.find(|s| s.org == escrow.org)
					.ok_or(Error::<T>::NoShareHeld)?;
				ensure!(share.escrow_key_version != escrow.version, Error::<T>::ShareCurrent);
				share.escrow_key_version = escrow.version;
				share.wrapped = wrapped;
				Ok::<_, Error<T>>(())
			})?;
			Self::deposit_event(Event::ShareRewrapped {
				record: id,
				org: escrow.org,
				escrow_key_version: escrow.version,
			});
			Ok(())
		}

		/// Remove record `id`'s shares: by the record's owner, or their
		/// depositor while it holds a current ReadWrite grant (it could
		/// re-key the record anyway), at any time; by anyone once they open nothing (the record was re-keyed
		/// or removed, or its owner opted out). The deposit goes back to
		/// who paid it.
		///
		/// Origin: signed.
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_shares())]
		pub fn remove_shares(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let deposit = Deposits::<T>::get(id).ok_or(Error::<T>::NoShares)?;
			let reason = match Records::<T>::get(id) {
				None => SharesRemovalReason::RecordRemoved,
				Some(record) if record.key_version != deposit.key_version => {
					SharesRemovalReason::Rekeyed
				}
				Some(record) if OptedOut::<T>::contains_key(&record.owner) => {
					SharesRemovalReason::OptedOut
				}
				Some(record)
					if record.owner == who
						|| (deposit.depositor == who && Self::may_write(&who, id, &record)) =>
				{
					SharesRemovalReason::Withdrawn
				}
				Some(_) => return Err(Error::<T>::SharesCurrent.into()),
			};
			Deposits::<T>::remove(id);
			Self::release(HoldReason::Shares, &deposit.depositor, deposit.held);
			Self::deposit_event(Event::SharesRemoved { record: id, reason });
			Ok(())
		}

		/// Ask the hospitals to open record `id` in an emergency. Purpose of
		/// use: emergency treatment. `note_digest` commits to the free text
		/// the requester's hospital keeps (SHA-256 of a random nonce and the
		/// text, so that short texts cannot be guessed from it). An earlier
		/// request of the same hospital's staff on the patient that expired
		/// or went stale is closed first.
		///
		/// Origin: signed, a registered doctor of a hospital holding an
		/// escrow key, with no access to the record and no open request.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::break_glass())]
		pub fn break_glass(
			origin: OriginFor<T>,
			id: RecordId,
			reason: EmergencyReason,
			note_digest: Option<[u8; 32]>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let user = Users::<T>::get(&who).ok_or(Error::<T>::NotEmergencyClinician)?;
			let (org, org_since) = user
				.org
				.filter(|_| user.role == Role::Doctor)
				.and_then(|org| Self::escrow_of_org(org).map(|e| (org, e.since)))
				.ok_or(Error::<T>::NotEmergencyClinician)?;
			ensure!(!Leaving::<T>::contains_key(&who), Error::<T>::AccountLeaving);
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(!OptedOut::<T>::contains_key(&record.owner), Error::<T>::OptedOut);
			ensure!(
				record.owner != who
					&& pallet_ehr_acl::Pallet::<T>::current_grant(id, &record, &who).is_err(),
				Error::<T>::AlreadyHasAccess
			);
			let deposit = Deposits::<T>::get(id)
				.filter(|d| d.key_version == record.key_version)
				.ok_or(Error::<T>::NoShares)?;
			ensure!(
				Self::members_holding(&deposit, &Escrow::<T>::get())
					>= u32::from(deposit.threshold),
				Error::<T>::NotEnoughEscrowOrgs
			);
			// The caller's own earlier request, if it ended, is closed first;
			// one still open stops it.
			let own = match OpenRequest::<T>::get(&who) {
				Some(own) => match Self::live(own) {
					Ok(_) => return Err(Error::<T>::RequestOpen.into()),
					Err(ended) => Some((own, ended)),
				},
				None => None,
			};
			let now = frame_system::Pallet::<T>::block_number();
			let (window, made) = match RequestsInWindow::<T>::get(&who) {
				Some((start, made)) if now < start.saturating_add(T::RateWindow::get()) => {
					(start, made)
				}
				_ => (now, 0),
			};
			ensure!(made < T::MaxRequestsPerWindow::get(), Error::<T>::TooManyRequests);
			let earlier = match OpenOnPatient::<T>::get(&record.owner, org) {
				Some(earlier) if own.is_some_and(|(own, _)| own == earlier) => None,
				Some(earlier) => match Self::live(earlier) {
					Ok(_) => return Err(Error::<T>::PatientBusy.into()),
					Err(outcome) => Some((earlier, outcome)),
				},
				None => None,
			};
			let emergency = NextEmergencyId::<T>::get();
			let next = emergency.checked_add(1).ok_or(Error::<T>::IdOverflow)?;
			let held = T::EmergencyDeposit::get();
			Self::hold(HoldReason::Emergency, &who, held)?;
			for (ended, outcome) in own.into_iter().chain(earlier) {
				Self::close(ended, who.clone(), Self::ending(outcome));
			}
			NextEmergencyId::<T>::put(next);
			RequestsInWindow::<T>::insert(&who, (window, made + 1));
			OpenOnPatient::<T>::insert(&record.owner, org, emergency);
			OpenRequest::<T>::insert(&who, emergency);
			let expires_at = now.saturating_add(T::AccessBlocks::get());
			Emergencies::<T>::insert(
				emergency,
				EmergencyRequest {
					requester: who.clone(),
					registration: pallet_ehr_acl::Registrations::<T>::get(&who),
					org,
					org_since,
					requester_key_version: user.enc_key_version,
					record: id,
					owner: record.owner.clone(),
					owner_opt_outs: OptOuts::<T>::get(&record.owner),
					key_version: record.key_version,
					deposit: deposit.serial,
					threshold: deposit.threshold,
					reason,
					note_digest,
					opened_at: now,
					expires_at,
					answers: BoundedVec::new(),
					released: BoundedVec::new(),
					held,
				},
			);
			Self::deposit_event(Event::EmergencyRequested {
				emergency,
				record: id,
				owner: record.owner,
				requester: who,
				org,
				reason,
				note_digest,
				expires_at,
			});
			Ok(())
		}

		/// Answer request `emergency` for the caller's hospital, after its
		/// policy checks. An answer stands while the hospital's escrow key
		/// is the one it was given with (after a key change the hospital
		/// answers again). A refusal that leaves fewer hospitals able to
		/// approve than the threshold closes the request.
		///
		/// Origin: signed, the escrow agent of a hospital holding a share of
		/// the request's deposit.
		#[pallet::call_index(7)]
		#[pallet::weight(<T as Config>::WeightInfo::answer_emergency())]
		pub fn answer_emergency(
			origin: OriginFor<T>,
			emergency: EmergencyId,
			approve: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let escrow = Self::escrow_of_agent(&who)?;
			let mut request = Self::live(emergency).map_err(Error::<T>::from)?;
			let deposit = Self::deposit_of(&request)?;
			ensure!(deposit.shares.iter().any(|s| s.org == escrow.org), Error::<T>::NoShareHeld);
			let answer = Answer { org: escrow.org, escrow_key_version: escrow.version, approve };
			match request.answers.iter().position(|a| a.org == escrow.org) {
				Some(at) => {
					ensure!(
						request.answers[at].escrow_key_version != escrow.version,
						Error::<T>::AlreadyAnswered
					);
					request.answers[at] = answer;
				}
				// One answer per share: the vector cannot overflow.
				None => {
					request.answers.try_push(answer).map_err(|_| Error::<T>::AlreadyAnswered)?
				}
			}
			Self::deposit_event(Event::EmergencyAnswered {
				emergency,
				record: request.record,
				org: escrow.org,
				approved: approve,
			});
			let escrow = Escrow::<T>::get();
			let could_approve = Self::members_holding(&deposit, &escrow)
				.saturating_sub(Self::counted(&request, &escrow, false));
			let threshold = u32::from(request.threshold);
			Emergencies::<T>::insert(emergency, request);
			if could_approve < threshold {
				Self::close(emergency, who, EmergencyOutcome::Refused);
			}
			Ok(())
		}

		/// Release the caller's hospital's share to the requester: `wrapped`
		/// is the share re-wrapped to the requester's encryption key. Only
		/// once the threshold of hospitals approved. Agents release only on
		/// verified, finalized state: a release is disclosed when it is
		/// submitted, whether or not the chain then accepts it.
		///
		/// Origin: signed, the escrow agent of a hospital that approved.
		#[pallet::call_index(8)]
		#[pallet::weight(<T as Config>::WeightInfo::release_share())]
		pub fn release_share(
			origin: OriginFor<T>,
			emergency: EmergencyId,
			wrapped: WrappedKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let escrow = Self::escrow_of_agent(&who)?;
			ensure!(!wrapped.is_empty(), Error::<T>::EmptyShare);
			let mut request = Self::live(emergency).map_err(Error::<T>::from)?;
			ensure!(
				request.answers.iter().any(|a| a.org == escrow.org
					&& a.escrow_key_version == escrow.version
					&& a.approve),
				Error::<T>::NotApproved
			);
			ensure!(
				Self::counted(&request, &Escrow::<T>::get(), true) >= u32::from(request.threshold),
				Error::<T>::ThresholdNotReached
			);
			ensure!(
				request.released.iter().all(|r| r.org != escrow.org),
				Error::<T>::AlreadyReleased
			);
			let deposit = Self::deposit_of(&request)?;
			let index = deposit
				.shares
				.iter()
				.find(|s| s.org == escrow.org)
				.map(|s| s.index)
				.ok_or(Error::<T>::NoShareHeld)?;
			request
				.released
				.try_push(ReleasedShare { org: escrow.org, index, wrapped })
				.map_err(|_| Error::<T>::AlreadyReleased)?;
			let record = request.record;
			Emergencies::<T>::insert(emergency, request);
			Self::deposit_event(Event::ShareReleased { emergency, record, org: escrow.org });
			Ok(())
		}

		/// Log that the requester read the record with the key its released
		/// shares rebuild.
		///
		/// Origin: signed, the requester, once the threshold of shares is
		/// released.
		#[pallet::call_index(9)]
		#[pallet::weight(<T as Config>::WeightInfo::log_emergency_read())]
		pub fn log_emergency_read(origin: OriginFor<T>, emergency: EmergencyId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let request = Self::live(emergency).map_err(Error::<T>::from)?;
			ensure!(request.requester == who, Error::<T>::NotRequester);
			ensure!(
				request.released.len() as u32 >= u32::from(request.threshold),
				Error::<T>::SharesMissing
			);
			Self::deposit_event(Event::EmergencyRead {
				emergency,
				record: request.record,
				by: who,
				key_version: request.key_version,
			});
			Ok(())
		}

		/// Close request `emergency` and return its deposit to the requester:
		/// by the requester, its hospital's escrow agent or the patient at
		/// any time; by anyone once it expired or went stale.
		///
		/// Origin: signed.
		#[pallet::call_index(10)]
		#[pallet::weight(<T as Config>::WeightInfo::close_emergency())]
		pub fn close_emergency(origin: OriginFor<T>, emergency: EmergencyId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let outcome = match Self::live(emergency) {
				Err(Ended::NotFound) => return Err(Error::<T>::EmergencyNotFound.into()),
				Err(ended) => Self::ending(ended),
				Ok(request) if request.requester == who => EmergencyOutcome::Closed,
				Ok(request) if request.owner == who => EmergencyOutcome::ClosedByPatient,
				Ok(request) if Self::escrow_of_org(request.org).is_some_and(|e| e.agent == who) => {
					EmergencyOutcome::ClosedByHospital
				}
				Ok(_) => return Err(Error::<T>::NotAllowedToClose.into()),
			};
			Self::close(emergency, who, outcome);
			Ok(())
		}
	}

	/// Why a request is no longer open for answers, releases and reads.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub enum Ended {
		NotFound,
		Expired,
		Stale,
	}

	impl<T: Config> From<Ended> for Error<T> {
		fn from(ended: Ended) -> Self {
			match ended {
				Ended::NotFound => Error::<T>::EmergencyNotFound,
				Ended::Expired => Error::<T>::EmergencyExpired,
				Ended::Stale => Error::<T>::EmergencyStale,
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// The escrow key of hospital `org`, if it holds one.
		pub fn escrow_of_org(org: OrgId) -> Option<EscrowKeyOf<T>> {
			let escrow = Escrow::<T>::get();
			escrow.binary_search_by_key(&org, |e| e.org).ok().map(|at| escrow[at].clone())
		}

		/// Whether `who` holds a current ReadWrite grant on record `id`.
		fn may_write(
			who: &T::AccountId,
			id: RecordId,
			record: &pallet_ehr_acl::RecordOf<T>,
		) -> bool {
			pallet_ehr_acl::Pallet::<T>::current_grant(id, record, who)
				.is_ok_and(|grant| grant.access == Access::ReadWrite)
		}

		fn escrow_of_agent(agent: &T::AccountId) -> Result<EscrowKeyOf<T>, Error<T>> {
			Escrow::<T>::get()
				.into_iter()
				.find(|e| &e.agent == agent)
				.ok_or(Error::<T>::NotEscrowAgent)
		}

		/// How many shares rebuild a record key for deposits made now.
		pub fn threshold() -> u8 {
			<T as Config>::Threshold::get().max(2)
		}

		/// Checks a deposit's shares against the escrow keys.
		fn check_shares(shares: &Shares, threshold: u8) -> Result<(), Error<T>> {
			let escrow = Escrow::<T>::get();
			ensure!(escrow.len() >= usize::from(threshold), Error::<T>::NotEnoughEscrowOrgs);
			ensure!(shares.len() == escrow.len(), Error::<T>::SharesDoNotMatchEscrow);
			for (i, share) in shares.iter().enumerate() {
				ensure!(
					escrow
						.iter()
						.any(|e| e.org == share.org && e.version == share.escrow_key_version),
					Error::<T>::SharesDoNotMatchEscrow
				);
				ensure!(!share.wrapped.is_empty(), Error::<T>::EmptyShare);
				ensure!(share.index != 0, Error::<T>::BadShareIndex);
				for other in &shares[..i] {
					ensure!(other.org != share.org, Error::<T>::SharesDoNotMatchEscrow);
					ensure!(other.index != share.index, Error::<T>::BadShareIndex);
				}
			}
			Ok(())
		}

		/// How many hospitals still in the escrow hold a share of `deposit`.
		fn members_holding(deposit: &ShareDepositOf<T>, escrow: &EscrowKeys<T>) -> u32 {
			deposit.shares.iter().filter(|s| escrow.iter().any(|e| e.org == s.org)).count() as u32
		}

		/// The answers of `request` that count (`approve`s or refusals):
		/// given by a hospital still holding the escrow key it answered with.
		fn counted(request: &EmergencyOf<T>, escrow: &EscrowKeys<T>, approve: bool) -> u32 {
			request
				.answers
				.iter()
				.filter(|a| {
					a.approve == approve
						&& escrow
							.iter()
							.any(|e| e.org == a.org && e.version == a.escrow_key_version)
				})
				.count() as u32
		}

		/// Request `emergency` if it is open, not expired, and still what it
		/// was made for: its shares open the record, the patient has not
		/// opted out since, and the requester is the same registration, role,
		/// hospital membership and encryption key.
		pub fn live(emergency: EmergencyId) -> Result<EmergencyOf<T>, Ended> {
			let request = Emergencies::<T>::get(emergency).ok_or(Ended::NotFound)?;
			if frame_system::Pallet::<T>::block_number() >= request.expires_at {
				return Err(Ended::Expired);
			}
			let record_current = Records::<T>::get(request.record)
				.is_some_and(|record| record.key_version == request.key_version);
			let owner_in = !OptedOut::<T>::contains_key(&request.owner)
				&& OptOuts::<T>::get(&request.owner) == request.owner_opt_outs;
			let requester_same = Users::<T>::get(&request.requester).is_some_and(|user| {
				user.role == Role::Doctor
					&& user.org == Some(request.org)
					&& user.enc_key_version == request.requester_key_version
			}) && pallet_ehr_acl::Registrations::<T>::get(&request.requester)
				== request.registration
				&& !Leaving::<T>::contains_key(&request.requester)
				&& Self::escrow_of_org(request.org).is_some_and(|e| e.since == request.org_since);
			if record_current && owner_in && requester_same && Self::deposit_of(&request).is_ok() {
				Ok(request)
			} else {
				Err(Ended::Stale)
			}
		}

		fn ending(ended: Ended) -> EmergencyOutcome {
			match ended {
				Ended::Expired => EmergencyOutcome::Expired,
				_ => EmergencyOutcome::Stale,
			}
		}

		/// The deposit whose shares `request` opens, if it is still kept.
		fn deposit_of(request: &EmergencyOf<T>) -> Result<ShareDepositOf<T>, Error<T>> {
			Deposits::<T>::get(request.record)
				.filter(|d| d.serial == request.deposit)
				.ok_or(Error::<T>::EmergencyStale)
		}

		/// Ends request `emergency` (which must exist) and returns its
		/// deposit.
		fn close(emergency: EmergencyId, by: T::AccountId, outcome: EmergencyOutcome) {
			let Some(request) = Emergencies::<T>::take(emergency) else { return };
			OpenRequest::<T>::remove(&request.requester);
			if OpenOnPatient::<T>::get(&request.owner, request.org) == Some(emergency) {
				OpenOnPatient::<T>::remove(&request.owner, request.org);
			}
			Self::release(HoldReason::Emergency, &request.requester, request.held);
			Self::deposit_event(Event::EmergencyClosed {
				emergency,
				record: request.record,
				by,
				outcome,
			});
		}

		fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			<T as pallet_ehr_acl::Config>::Currency::hold(&reason.into(), who, amount)
				.map_err(|_| Error::<T>::InsufficientDeposit.into())
		}

		fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			// Best effort: nothing else takes from these holds, and each
			// releases what it held.
			let _ = <T as pallet_ehr_acl::Config>::Currency::release(
				&reason.into(),
				who,
				amount,
				Precision::BestEffort,
			);
		}
	}
}
