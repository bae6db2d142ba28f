//! # EHR access control
//!
//! Replaces the `aclService` Ethereum contract of Boumezbeur & Zarour (2021)
//! with a pallet that checks who calls what.
//!
//! - **Users**: accounts with a role and a public X25519 encryption key.
//!   Patients register themselves; a hospital's registrar registers its
//!   doctors, pharmacists and researchers. There are no passwords: identity is
//!   the account's signature.
//! - **Registrars**: accounts allowed to onboard staff for one hospital, added
//!   and removed by `RegistrarOrigin` (consortium governance).
//! - **Records**: an encrypted EHR in IPFS (CID + SHA-256 of the ciphertext),
//!   owned by a patient.
//! - **Grants**: per (record, reader), the record's data key wrapped to the
//!   reader's encryption key. The owner holds a grant to itself.
//! - **Requests** for access, which the owner approves or denies.
//! - **Access log**: `log_access` leaves an event for every read.
//!
//! Every call checks its origin, the caller's role and ownership, and fails
//! with a distinct error without changing state.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod invariants;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

// `add_record` takes the record's fields one by one, as they show in wallets
// and block explorers; clippy counts them in the code the macro generates.
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	pub type UserOf<T> = User<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type RecordOf<T> = Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type GrantOf<T> = Grant<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type NewContentOf<T> = NewContent<<T as frame_system::Config>::AccountId>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may add and remove registrars: consortium governance.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Most records one patient can own.
		#[pallet::constant]
		type MaxRecordsPerPatient: Get<u32>;
		/// Most grants one account can hold.
		#[pallet::constant]
		type MaxGrantsPerAccount: Get<u32>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Registered accounts.
	#[pallet::storage]
	pub type Users<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, UserOf<T>>;

	/// Registrars and the hospital each onboards for.
	#[pallet::storage]
	pub type Registrars<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, OrgId>;

	/// Records by id.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordOf<T>>;

	/// Index of records by owner.
	#[pallet::storage]
	pub type RecordsByOwner<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RecordId, ()>;

	/// Grants, found by record then reader.
	#[pallet::storage]
	pub type Grants<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RecordId, Blake2_128Concat, T::AccountId, GrantOf<T>>;

	/// Index of grants by reader.
	#[pallet::storage]
	pub type GrantsHeld<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RecordId, ()>;

	/// Pending access requests, by record then requester.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RecordId,
		Blake2_128Concat,
		T::AccountId,
		AccessRequest<BlockNumberFor<T>>,
	>;

	/// The id the next record gets.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Registrars present from genesis, with their hospital.
		pub registrars: alloc::vec::Vec<(T::AccountId, OrgId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, org) in &self.registrars {
				Registrars::<T>::insert(who, org);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		RegistrarAdded {
			registrar: T::AccountId,
			org: OrgId,
		},
		RegistrarRemoved {
			registrar: T::AccountId,
		},
		UserRegistered {
			who: T::AccountId,
			role: Role,
			org: Option<OrgId>,
			by: T::AccountId,
		},
		UserDeregistered {
			who: T::AccountId,
			by: T::AccountId,
			grants_dropped: u32,
		},
		EncryptionKeyRotated {
			who: T::AccountId,
			enc_key_version: u32,
		},
		RecordAdded {
			id: RecordId,
			owner: T::AccountId,
			author: T::AccountId,
			kind: RecordKind,
		},
		RecordUpdated {
			id: RecordId,
			by: T::AccountId,
			version: u32,
			key_version: u32,
		},
		RecordRemoved {
			id: RecordId,
			by: T::AccountId,
			grants_dropped: u32,
		},
		AccessGranted {
			id: RecordId,
			to: T::AccountId,
			by: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
		},
		AccessUpdated {
			id: RecordId,
			of: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
		},
		AccessRevoked {
			id: RecordId,
			from: T::AccountId,
			by: T::AccountId,
			key_rotated: bool,
		},
		AccessRequested {
			id: RecordId,
			by: T::AccountId,
			access: Access,
		},
		RequestAnswered {
			id: RecordId,
			requester: T::AccountId,
			approved: bool,
		},
		AccessLogged {
			id: RecordId,
			by: T::AccountId,
			version: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a registrar.
		AlreadyRegistrar,
		/// Only a registrar may do this.
		NotRegistrar,
		/// The account is already registered.
		AlreadyRegistered,
		/// The account is not registered.
		NotRegistered,
		/// An encryption key of all zeros is not a public key.
		InvalidEncryptionKey,
		/// The new encryption key equals the current one.
		SameEncryptionKey,
		/// Only the user or a registrar of the user's hospital may deregister it.
		NotAllowedToDeregister,
		/// The user still owns records; remove them first.
		UserOwnsRecords,
		/// Records can only be owned by patients.
		NotPatient,
		/// Writing into another patient's records needs a ReadWrite grant on one
		/// of them.
		NoCareRelationship,
		/// The CID is empty.
		EmptyCid,
		/// The CID holds a byte outside the multibase alphabets (ASCII letters,
		/// digits, `-` and `_`).
		InvalidCid,
		/// The patient owns the most records allowed.
		TooManyRecords,
		/// No record has this id.
		RecordNotFound,
		/// Only the record's owner may do this.
		NotRecordOwner,
		/// Only the owner or a ReadWrite grantee may change the record.
		NotAllowedToWrite,
		/// Only the owner or a ReadWrite grantee may grant access.
		NotAllowedToGrant,
		/// A ReadWrite grantee may only grant Read access.
		CannotDelegateReadWrite,
		/// The account already holds a grant on this record.
		AlreadyGranted,
		/// The account holds no grant on this record.
		GrantNotFound,
		/// The caller's grant has expired.
		GrantExpired,
		/// The caller's grant wraps an older data key; the record was re-keyed.
		GrantOutdated,
		/// The record has the most grants allowed.
		TooManyGrants,
		/// The grantee holds the most grants allowed.
		TooManyGrantsHeld,
		/// The expiry block is not in the future.
		ExpiryInPast,
		/// The owner's own grant cannot be changed or revoked.
		CannotChangeOwnerGrant,
		/// The wrapped keys do not match the record's readers one for one.
		RewrapMismatch,
		/// The wrapped key is empty.
		EmptyWrappedKey,
		/// A request for this record by this account is already pending.
		AlreadyRequested,
		/// No request for this record by this account is pending.
		RequestNotFound,
		/// Approving a request needs the data key wrapped for the requester.
		MissingWrappedKey,
		/// Record ids are exhausted.
		RecordIdOverflow,
		/// The record id given is not the next free one; read `NextRecordId`
		/// and wrap the keys for that id.
		UnexpectedRecordId,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Make `registrar` a registrar for hospital `org`.
		///
		/// Origin: `RegistrarOrigin` (consortium governance).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_registrar())]
		pub fn add_registrar(
			origin: OriginFor<T>,
			registrar: T::AccountId,
			org: OrgId,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(!Registrars::<T>::contains_key(&registrar), Error::<T>::AlreadyRegistrar);
			Registrars::<T>::insert(&registrar, org);
			Self::deposit_event(Event::RegistrarAdded { registrar, org });
			Ok(())
		}

		/// Stop `registrar` being a registrar. Users it registered stay.
		///
		/// Origin: `RegistrarOrigin` (consortium governance).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_registrar())]
		pub fn remove_registrar(origin: OriginFor<T>, registrar: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(Registrars::<T>::take(&registrar).is_some(), Error::<T>::NotRegistrar);
			Self::deposit_event(Event::RegistrarRemoved { registrar });
			Ok(())
		}

		/// Register `who` with `role` and public encryption key `enc_key`.
		///
		/// Origin: signed. A patient may register itself (`who` = caller, role
		/// `Patient`); any other registration needs a registrar, and the user
		/// joins the registrar's hospital.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_user())]
		pub fn register_user(
			origin: OriginFor<T>,
			who: T::AccountId,
			role: Role,
			enc_key: EncryptionKey,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			let self_registering_patient = caller == who && role == Role::Patient;
			let org = match Registrars::<T>::get(&caller) {
				Some(org) => Some(org),
				None if self_registering_patient => None,
				None => return Err(Error::<T>::NotRegistrar.into()),
			};
			ensure!(enc_key != [0u8; 32], Error::<T>::InvalidEncryptionKey);
			ensure!(!Users::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			let user = User {
				role,
				enc_key,
				enc_key_version: 0,
				registered_by: caller.clone(),
				org,
				registered_at: frame_system::Pallet::<T>::block_number(),
				records_owned: 0,
				grants_held: 0,
			};
			Users::<T>::insert(&who, user);
			Self::deposit_event(Event::UserRegistered { who, role, org, by: caller });
			Ok(())
		}

		/// Deregister `who` and drop every grant it holds.
		///
		/// Origin: signed, by `who` itself or a registrar of `who`'s hospital.
		/// Fails while `who` owns records. Weight grows with the grants held.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deregister_user(T::MaxGrantsPerAccount::get()))]
		pub fn deregister_user(
			origin: OriginFor<T>,
			who: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let caller = ensure_signed(origin)?;
			let user = Users::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let by_registrar = user.org.is_some() && Registrars::<T>::get(&caller) == user.org;
			ensure!(caller == who || by_registrar, Error::<T>::NotAllowedToDeregister);
			ensure!(user.records_owned == 0, Error::<T>::UserOwnsRecords);
			let mut dropped = 0u32;
			for id in GrantsHeld::<T>::drain_prefix(&who).map(|(id, ())| id) {
				Grants::<T>::remove(id, &who);
				Records::<T>::mutate(id, |r| {
					if let Some(r) = r {
						r.grant_count = r.grant_count.saturating_sub(1);
					}
				});
				dropped += 1;
			}
			Users::<T>::remove(&who);
			Self::deposit_event(Event::UserDeregistered {
				who,
				by: caller,
				grants_dropped: dropped,
			});
			Ok(Some(T::WeightInfo::deregister_user(dropped)).into())
		}

		/// Replace the caller's public encryption key. Grants already written
		/// stay wrapped to the old key until their records are re-keyed.
		///
		/// Origin: signed, a registered user.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::rotate_encryption_key())]
		pub fn rotate_encryption_key(
			origin: OriginFor<T>,
			enc_key: EncryptionKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(enc_key != [0u8; 32], Error::<T>::InvalidEncryptionKey);
			let version = Users::<T>::try_mutate(&who, |user| -> Result<u32, Error<T>> {
				let user = user.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(user.enc_key != enc_key, Error::<T>::SameEncryptionKey);
				user.enc_key = enc_key;
				user.enc_key_version = user.enc_key_version.saturating_add(1);
				Ok(user.enc_key_version)
			})?;
			Self::deposit_event(Event::EncryptionKeyRotated { who, enc_key_version: version });
			Ok(())
		}

		/// Add a record owned by `patient`, whose ciphertext is already pinned
		/// in IPFS at `cid`. `owner_key` is the data key wrapped to the
		/// patient; it becomes the owner's ReadWrite grant. `id` must be
		/// `NextRecordId`: wrapped keys are bound to the record id, so the
		/// client names the id it wrapped for and wraps again if another
		/// record took it first.
		///
		/// Origin: signed. The patient itself, or a clinician writing into the
		/// patient's records: then `via` names a record of the patient on which
		/// the caller holds a current ReadWrite grant, and `author_key` (the data
		/// key wrapped to the caller) gives the caller a ReadWrite grant too.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::add_record())]
		pub fn add_record(
			origin: OriginFor<T>,
			id: RecordId,
			patient: T::AccountId,
			cid: Cid,
			ciphertext_digest: Digest,
			kind: RecordKind,
			owner_key: WrappedKey,
			author_key: Option<(RecordId, WrappedKey)>,
		) -> DispatchResult {
			let author = ensure_signed(origin)?;
			ensure_cid::<T>(&cid)?;
			ensure!(!owner_key.is_empty(), Error::<T>::EmptyWrappedKey);
			let owner = Users::<T>::get(&patient).ok_or(Error::<T>::NotRegistered)?;
			ensure!(owner.role == Role::Patient, Error::<T>::NotPatient);
			ensure!(
				owner.records_owned < T::MaxRecordsPerPatient::get(),
				Error::<T>::TooManyRecords
			);
			let author_grant = if author == patient {
				None
			} else {
				let (via, key) = author_key.ok_or(Error::<T>::NoCareRelationship)?;
				ensure!(!key.is_empty(), Error::<T>::EmptyWrappedKey);
				let via_record = Records::<T>::get(via).ok_or(Error::<T>::NoCareRelationship)?;
				ensure!(via_record.owner == patient, Error::<T>::NoCareRelationship);
				let grant = Self::current_grant(via, &via_record, &author)
					.map_err(|_| Error::<T>::NoCareRelationship)?;
				ensure!(grant.access == Access::ReadWrite, Error::<T>::NoCareRelationship);
				let held = Users::<T>::get(&author).ok_or(Error::<T>::NotRegistered)?.grants_held;
				ensure!(held < T::MaxGrantsPerAccount::get(), Error::<T>::TooManyGrantsHeld);
				Some(key)
			};
			ensure!(
				owner.grants_held < T::MaxGrantsPerAccount::get(),
				Error::<T>::TooManyGrantsHeld
			);
			ensure!(id == NextRecordId::<T>::get(), Error::<T>::UnexpectedRecordId);
			let next = id.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;

			let now = frame_system::Pallet::<T>::block_number();
			let mut record = Record {
				owner: patient.clone(),
				author: author.clone(),
				cid,
				ciphertext_digest,
				kind,
				version: 1,
				key_version: 1,
				grant_count: 0,
				created_at: now,
				updated_at: now,
			};
			NextRecordId::<T>::put(next);
			RecordsByOwner::<T>::insert(&patient, id, ());
			Users::<T>::mutate(&patient, |u| {
				if let Some(u) = u {
					u.records_owned += 1;
				}
			});
			Self::insert_grant(
				id,
				&mut record,
				&patient,
				owner_key,
				Access::ReadWrite,
				&author,
				None,
			);
			if let Some(key) = author_grant {
				Self::insert_grant(id, &mut record, &author, key, Access::ReadWrite, &author, None);
			}
			Records::<T>::insert(id, record);
			Self::deposit_event(Event::RecordAdded { id, owner: patient, author, kind });
			Ok(())
		}

		/// Replace a record's content with a new version under a fresh data
		/// key. `content.keys` must hold the new key wrapped for exactly the
		/// record's current readers; expired grants are dropped.
		///
		/// Origin: signed, the owner or a holder of a current ReadWrite grant.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::update_record(content.keys.len() as u32))]
		pub fn update_record(
			origin: OriginFor<T>,
			id: RecordId,
			content: NewContentOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			if record.owner != who {
				let grant = Self::current_grant(id, &record, &who)
					.map_err(|e| Self::or_if_no_grant(e, Error::<T>::NotAllowedToWrite))?;
				ensure!(grant.access == Access::ReadWrite, Error::<T>::NotAllowedToWrite);
			}
			Self::apply_new_content(id, &mut record, content, None)?;
			let (version, key_version) = (record.version, record.key_version);
			Records::<T>::insert(id, record);
			Self::deposit_event(Event::RecordUpdated { id, by: who, version, key_version });
			Ok(())
		}

		/// Remove a record and every grant and request on it. The caller should
		/// unpin the ciphertext from IPFS.
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_record(MAX_GRANTS_PER_RECORD))]
		pub fn remove_record(origin: OriginFor<T>, id: RecordId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			let mut dropped = 0u32;
			for reader in Grants::<T>::drain_prefix(id).map(|(reader, _)| reader) {
				GrantsHeld::<T>::remove(&reader, id);
				Self::adjust_grants_held(&reader, false);
				dropped += 1;
			}
			let _ = Requests::<T>::clear_prefix(id, u32::MAX, None);
			Records::<T>::remove(id);
			RecordsByOwner::<T>::remove(&who, id);
			Users::<T>::mutate(&who, |u| {
				if let Some(u) = u {
					u.records_owned = u.records_owned.saturating_sub(1);
				}
			});
			Self::deposit_event(Event::RecordRemoved { id, by: who, grants_dropped: dropped });
			Ok(Some(T::WeightInfo::remove_record(dropped)).into())
		}

		/// Give `to` access to record `id`: `wrapped_key` is the record's
		/// current data key wrapped to `to`'s encryption key.
		///
		/// Origin: signed, the owner (any access) or a holder of a current
		/// ReadWrite grant (Read only, expiring no later than its own grant).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::grant_access())]
		pub fn grant_access(
			origin: OriginFor<T>,
			id: RecordId,
			to: T::AccountId,
			access: Access,
			wrapped_key: WrappedKey,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			let mut expires_at = expires_at;
			if record.owner != who {
				let own = Self::current_grant(id, &record, &who)
					.map_err(|e| Self::or_if_no_grant(e, Error::<T>::NotAllowedToGrant))?;
				ensure!(own.access == Access::ReadWrite, Error::<T>::NotAllowedToGrant);
				ensure!(access == Access::Read, Error::<T>::CannotDelegateReadWrite);
				expires_at = match (expires_at, own.expires_at) {
					(Some(a), Some(b)) => Some(a.min(b)),
					(a, b) => a.or(b),
				};
			}
			Self::ensure_future(expires_at)?;
			ensure!(!wrapped_key.is_empty(), Error::<T>::EmptyWrappedKey);
			let grantee = Users::<T>::get(&to).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!Grants::<T>::contains_key(id, &to), Error::<T>::AlreadyGranted);
			ensure!(record.grant_count < MAX_GRANTS_PER_RECORD, Error::<T>::TooManyGrants);
			ensure!(
				grantee.grants_held < T::MaxGrantsPerAccount::get(),
				Error::<T>::TooManyGrantsHeld
			);
			Self::insert_grant(id, &mut record, &to, wrapped_key, access, &who, expires_at);
			Records::<T>::insert(id, record);
			Requests::<T>::remove(id, &to);
			Self::deposit_event(Event::AccessGranted { id, to, by: who, access, expires_at });
			Ok(())
		}

		/// Change the access level or expiry of `of`'s grant on record `id`.
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::update_access())]
		pub fn update_access(
			origin: OriginFor<T>,
			id: RecordId,
			of: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			ensure!(of != who, Error::<T>::CannotChangeOwnerGrant);
			Self::ensure_future(expires_at)?;
			Grants::<T>::try_mutate(id, &of, |grant| -> DispatchResult {
				let grant = grant.as_mut().ok_or(Error::<T>::GrantNotFound)?;
				grant.access = access;
				grant.expires_at = expires_at;
				Ok(())
			})?;
			Self::deposit_event(Event::AccessUpdated { id, of, access, expires_at });
			Ok(())
		}

		/// Take away `from`'s access to record `id`. With `rotation`, the
		/// record moves to new ciphertext under a fresh data key in the same
		/// call, and `rotation.keys` must hold that key wrapped for exactly the
		/// readers that remain; the revoked reader's old key then opens nothing
		/// current.
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::revoke_access(
			rotation.as_ref().map_or(0, |r| r.keys.len() as u32)
		))]
		pub fn revoke_access(
			origin: OriginFor<T>,
			id: RecordId,
			from: T::AccountId,
			rotation: Option<NewContentOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			ensure!(from != who, Error::<T>::CannotChangeOwnerGrant);
			ensure!(Grants::<T>::contains_key(id, &from), Error::<T>::GrantNotFound);
			let key_rotated = rotation.is_some();
			if let Some(content) = rotation {
				Self::apply_new_content(id, &mut record, content, Some(&from))?;
			}
			Self::drop_grant(id, &mut record, &from);
			Records::<T>::insert(id, record);
			Self::deposit_event(Event::AccessRevoked { id, from, by: who, key_rotated });
			Ok(())
		}

		/// Ask the owner of record `id` for `access`.
		///
		/// Origin: signed, a registered user without a grant on the record.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::request_access())]
		pub fn request_access(
			origin: OriginFor<T>,
			id: RecordId,
			access: Access,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Users::<T>::contains_key(&who), Error::<T>::NotRegistered);
			ensure!(Records::<T>::contains_key(id), Error::<T>::RecordNotFound);
			ensure!(!Grants::<T>::contains_key(id, &who), Error::<T>::AlreadyGranted);
			ensure!(!Requests::<T>::contains_key(id, &who), Error::<T>::AlreadyRequested);
			let requested_at = frame_system::Pallet::<T>::block_number();
			Requests::<T>::insert(id, &who, AccessRequest { access, requested_at });
			Self::deposit_event(Event::AccessRequested { id, by: who, access });
			Ok(())
		}

		/// Approve or deny `requester`'s pending request on record `id`.
		/// Approving needs `wrapped_key` and grants the requested access.
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::answer_request())]
		pub fn answer_request(
			origin: OriginFor<T>,
			id: RecordId,
			requester: T::AccountId,
			wrapped_key: Option<WrappedKey>,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			let request = Requests::<T>::get(id, &requester).ok_or(Error::<T>::RequestNotFound)?;
			let approved = wrapped_key.is_some();
			if let Some(key) = wrapped_key {
				ensure!(!key.is_empty(), Error::<T>::EmptyWrappedKey);
				Self::ensure_future(expires_at)?;
				ensure!(record.grant_count < MAX_GRANTS_PER_RECORD, Error::<T>::TooManyGrants);
				let held =
					Users::<T>::get(&requester).ok_or(Error::<T>::NotRegistered)?.grants_held;
				ensure!(held < T::MaxGrantsPerAccount::get(), Error::<T>::TooManyGrantsHeld);
				Self::insert_grant(
					id,
					&mut record,
					&requester,
					key,
					request.access,
					&who,
					expires_at,
				);
				Records::<T>::insert(id, record);
				Self::deposit_event(Event::AccessGranted {
					id,
					to: requester.clone(),
					by: who,
					access: request.access,
					expires_at,
				});
			}
			Requests::<T>::remove(id, &requester);
			Self::deposit_event(Event::RequestAnswered { id, requester, approved });
			Ok(())
		}

		/// Leave a trace that the caller read record `id`'s current version.
		///
		/// Origin: signed, a holder of a current grant on the record.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::log_access())]
		pub fn log_access(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			Self::current_grant(id, &record, &who)?;
			Self::deposit_event(Event::AccessLogged { id, by: who, version: record.version });
			Ok(())
		}
	}

	/// A CID is stored as its string form: non-empty, and only characters of
	/// the multibase alphabets, so that no reader is handed a path, a query
	/// or a terminal escape sequence in its place.
	fn ensure_cid<T: Config>(cid: &Cid) -> Result<(), Error<T>> {
		ensure!(!cid.is_empty(), Error::<T>::EmptyCid);
		ensure!(
			cid.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'),
			Error::<T>::InvalidCid
		);
		Ok(())
	}

	impl<T: Config> Pallet<T> {
		/// `who`'s grant on record `id` if it is usable now: not expired and
		/// wrapping the record's current data key.
		pub fn current_grant(
			id: RecordId,
			record: &RecordOf<T>,
			who: &T::AccountId,
		) -> Result<GrantOf<T>, Error<T>> {
			let grant = Grants::<T>::get(id, who).ok_or(Error::<T>::GrantNotFound)?;
			ensure!(!Self::is_expired(&grant), Error::<T>::GrantExpired);
			ensure!(grant.key_version == record.key_version, Error::<T>::GrantOutdated);
			Ok(grant)
		}

		/// A missing grant means the caller has no standing at all: report the
		/// rule it broke instead. Expired and outdated grants keep their error.
		fn or_if_no_grant(e: Error<T>, instead: Error<T>) -> Error<T> {
			match e {
				Error::<T>::GrantNotFound => instead,
				other => other,
			}
		}

		fn is_expired(grant: &GrantOf<T>) -> bool {
			grant.expires_at.is_some_and(|at| frame_system::Pallet::<T>::block_number() >= at)
		}

		fn ensure_future(expires_at: Option<BlockNumberFor<T>>) -> Result<(), Error<T>> {
			match expires_at {
				Some(at) if at <= frame_system::Pallet::<T>::block_number() => {
					Err(Error::<T>::ExpiryInPast)
				}
				_ => Ok(()),
			}
		}

		/// Point `record` at new content and swap every remaining grant's
		/// wrapped key for the one in `content.keys`, which must name exactly
		/// the readers that keep access (`leaving` excluded, expired grants
		/// dropped). Writes grants only after every check passed.
		fn apply_new_content(
			id: RecordId,
			record: &mut RecordOf<T>,
			content: NewContentOf<T>,
			leaving: Option<&T::AccountId>,
		) -> Result<(), Error<T>> {
			ensure_cid::<T>(&content.cid)?;
			let mut expired = alloc::vec::Vec::new();
			let mut remaining = 0usize;
			for (reader, grant) in Grants::<T>::iter_prefix(id) {
				if Some(&reader) == leaving {
					continue;
				}
				if Self::is_expired(&grant) {
					expired.push(reader);
				} else {
					remaining += 1;
				}
			}
			ensure!(content.keys.len() == remaining, Error::<T>::RewrapMismatch);
			for (i, (reader, key)) in content.keys.iter().enumerate() {
				ensure!(!key.is_empty(), Error::<T>::EmptyWrappedKey);
				ensure!(
					!content.keys[..i].iter().any(|(r, _)| r == reader)
						&& Some(reader) != leaving
						&& !expired.contains(reader)
						&& Grants::<T>::contains_key(id, reader),
					Error::<T>::RewrapMismatch
				);
			}
			for reader in &expired {
				Self::drop_grant(id, record, reader);
			}
			record.key_version = record.key_version.saturating_add(1);
			for (reader, key) in content.keys {
				Grants::<T>::mutate(id, &reader, |g| {
					if let Some(g) = g {
						g.wrapped_key = key;
						g.key_version = record.key_version;
					}
				});
			}
			record.cid = content.cid;
			record.ciphertext_digest = content.ciphertext_digest;
			record.version = record.version.saturating_add(1);
			record.updated_at = frame_system::Pallet::<T>::block_number();
			Ok(())
		}

		fn insert_grant(
			id: RecordId,
			record: &mut RecordOf<T>,
			to: &T::AccountId,
			wrapped_key: WrappedKey,
			access: Access,
			by: &T::AccountId,
			expires_at: Option<BlockNumberFor<T>>,
		) {
			let grant = Grant {
				wrapped_key,
				access,
				granted_by: by.clone(),
				granted_at: frame_system::Pallet::<T>::block_number(),
				expires_at,
				key_version: record.key_version,
			};
			Grants::<T>::insert(id, to, grant);
			GrantsHeld::<T>::insert(to, id, ());
			record.grant_count += 1;
			Self::adjust_grants_held(to, true);
		}

		fn drop_grant(id: RecordId, record: &mut RecordOf<T>, from: &T::AccountId) {
			Grants::<T>::remove(id, from);
			GrantsHeld::<T>::remove(from, id);
			record.grant_count = record.grant_count.saturating_sub(1);
			Self::adjust_grants_held(from, false);
		}

		fn adjust_grants_held(who: &T::AccountId, up: bool) {
			Users::<T>::mutate(who, |u| {
				if let Some(u) = u {
					u.grants_held =
						if up { u.grants_held + 1 } else { u.grants_held.saturating_sub(1) };
				}
			});
		}

		/// Record `id` with all its grants.
		pub fn record_view(id: RecordId) -> Option<RecordView<T::AccountId, BlockNumberFor<T>>> {
			let record = Records::<T>::get(id)?;
			let grants = Grants::<T>::iter_prefix(id).collect();
			Some(RecordView { id, record, grants })
		}

		/// Ids of the records `owner` owns.
		pub fn records_of(owner: &T::AccountId) -> alloc::vec::Vec<RecordId> {
			let mut ids: alloc::vec::Vec<_> = RecordsByOwner::<T>::iter_key_prefix(owner).collect();
			ids.sort_unstable();
			ids
		}

		/// The grants `who` holds, by record.
		pub fn grants_held(who: &T::AccountId) -> alloc::vec::Vec<(RecordId, GrantOf<T>)> {
			let mut grants: alloc::vec::Vec<_> = GrantsHeld::<T>::iter_key_prefix(who)
				.filter_map(|id| Grants::<T>::get(id, who).map(|g| (id, g)))
				.collect();
			grants.sort_unstable_by_key(|(id, _)| *id);
			grants
		}
	}
}
