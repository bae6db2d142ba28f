//! # EHR access control
//!
//! Replaces the `aclService` Ethereum contract of Boumezbeur & Zarour (2021)
//! with a pallet that checks who calls what.
//!
//! - **Users**: accounts with a role and a public X25519 encryption key.
//!   Patients register themselves; a hospital's registrar registers its
//!   doctors, pharmacists and researchers, and may register a patient (who
//!   then belongs to the hospital). There are no passwords: identity is the
//!   account's signature. Every key put on chain comes with a proof that its
//!   holder has the secret (an XEdDSA signature, see [`ehr_key_proof`]), and
//!   a registrar registers nobody without that account's signed consent to
//!   the role, key and hospital.
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
pub mod benchmarking;
#[cfg(test)]
mod invariants;
pub mod migrations;
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
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{IdentifyAccount, Verify, Zero};

	pub type UserOf<T> = User<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type RecordOf<T> = Record<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type GrantOf<T> = Grant<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type NewContentOf<T> = NewContent<<T as frame_system::Config>::AccountId>;
	pub type NewReaderOf<T> = NewReader<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type NewReadersOf<T> = BoundedVec<NewReaderOf<T>, ConstU32<MAX_INITIAL_READERS>>;
	pub type LoggedReads = BoundedVec<RecordId, ConstU32<MAX_LOGGED_READS>>;
	pub type ApprovalOf<T> = Approval<BlockNumberFor<T>>;
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// 1: the `Delegations` index; 2: `Grant::reader_key_version` (see
	/// [`crate::migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may add and remove registrars: consortium governance.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Holds the deposits that whoever creates state pays while it exists.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons, of which this pallet's are part.
		type RuntimeHoldReason: From<HoldReason>;
		/// Held from whoever registers a user (the patient itself or the
		/// registrar), released when the user is deregistered.
		#[pallet::constant]
		type UserDeposit: Get<BalanceOf<Self>>;
		/// Held from a record's author while the record exists.
		#[pallet::constant]
		type RecordDeposit: Get<BalanceOf<Self>>;
		/// Held from whoever gave a grant while the grant exists.
		#[pallet::constant]
		type GrantDeposit: Get<BalanceOf<Self>>;
		/// Held from a requester while its request is pending.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;
		/// Most records one patient can own.
		#[pallet::constant]
		type MaxRecordsPerPatient: Get<u32>;
		/// Most grants one account can give (an owner's own grant on its
		/// records not counted).
		#[pallet::constant]
		type MaxGrantsPerAccount: Get<u32>;
		/// Most grants one `deregister_user` call drops (held ones and what
		/// cascades from them); a call always drops at least one held grant
		/// with its delegates. More are drained over further calls.
		#[pallet::constant]
		type MaxDropsPerDeregistration: Get<u32>;
		/// Most pending requests on one record.
		#[pallet::constant]
		type MaxRequestsPerRecord: Get<u32>;
		/// Most pending requests one account can have.
		#[pallet::constant]
		type MaxRequestsPerAccount: Get<u32>;
		/// The signature an account gives to consent to its registration by
		/// a registrar (the runtime's transaction signature type).
		type Signature: Verify<Signer = Self::Signer> + Parameter;
		/// Who makes a [`Config::Signature`]: it identifies an account.
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
		/// Makes accounts and their consents for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// Why the pallet holds part of an account's balance.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A registered user.
		User,
		/// A record.
		Record,
		/// A grant given.
		Grant,
		/// A pending access request.
		Request,
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

	/// Index of delegated grants: record, the grantee that gave the grant
	/// from its own (never the owner), then the reader. Lets a revocation
	/// find what cascades without walking every grant of the record.
	#[pallet::storage]
	pub type Delegations<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, RecordId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		(),
	>;

	/// Accounts whose deregistration has begun and not finished: they can
	/// neither receive nor give a grant, nor ask for one, so nobody can keep
	/// the drain going by refilling them. The account itself (it owns no
	/// records) or its registrar finishes the drain; there is no way back.
	#[pallet::storage]
	pub type Leaving<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	/// How many times each account has been registered. Never removed: a
	/// registrar's registration needs the account's consent to the next
	/// number, so a consent is used at most once and cannot be replayed
	/// after a deregistration. (It saturates at `u32::MAX`, four billion
	/// registrations of one account away.)
	#[pallet::storage]
	pub type Registrations<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

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

	/// Index of pending requests by requester.
	#[pallet::storage]
	pub type RequestsMade<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RecordId, ()>;

	/// The id the next record gets.
	#[pallet::storage]
	pub type NextRecordId<T: Config> = StorageValue<_, RecordId, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Registrars present from genesis, with their hospital.
		pub registrars: Vec<(T::AccountId, OrgId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, org) in &self.registrars {
				Registrars::<T>::insert(who, org);
			}
		}
	}

	/// Every change of state, with who made it. An auditor rebuilds each
	/// record's grants, versions and requests from these alone.
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
			enc_key: EncryptionKey,
		},
		/// Follows the removal events of every grant and request it ended.
		UserDeregistered {
			who: T::AccountId,
			by: T::AccountId,
		},
		/// A deregistration dropped as many grants as one call may; `who`
		/// stays registered until a later `deregister_user` drops the rest.
		DeregistrationContinues {
			who: T::AccountId,
			by: T::AccountId,
			grants_left: u32,
		},
		EncryptionKeyRotated {
			who: T::AccountId,
			enc_key: EncryptionKey,
			enc_key_version: u32,
		},
		/// Version 1 of a record, under key version 1. Its grants follow as
		/// `GrantAdded`.
		RecordAdded {
			id: RecordId,
			owner: T::AccountId,
			author: T::AccountId,
			kind: RecordKind,
			cid: Cid,
			ciphertext_digest: Digest,
		},
		/// New ciphertext under a new data key: every grant still on the
		/// record now wraps `key_version` (grants that ended were removed by
		/// the `GrantRemoved` events just before). `version` is the content
		/// version: an update raises it, a revocation's re-encryption of the
		/// same content does not.
		RecordUpdated {
			id: RecordId,
			by: T::AccountId,
			cid: Cid,
			ciphertext_digest: Digest,
			version: u32,
			key_version: u32,
		},
		/// Follows the removal events of every grant and request on it.
		RecordRemoved {
			id: RecordId,
			by: T::AccountId,
		},
		GrantAdded {
			id: RecordId,
			to: T::AccountId,
			by: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
			key_version: u32,
			reason: GrantReason,
		},
		/// A grant's level or expiry changed; `granted_by` is who now answers
		/// for it (the owner, when it changed a delegated grant).
		AccessUpdated {
			id: RecordId,
			of: T::AccountId,
			by: T::AccountId,
			granted_by: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
		},
		GrantRemoved {
			id: RecordId,
			from: T::AccountId,
			by: T::AccountId,
			reason: RemovalReason,
		},
		AccessRequested {
			id: RecordId,
			by: T::AccountId,
			access: Access,
		},
		RequestClosed {
			id: RecordId,
			requester: T::AccountId,
			by: T::AccountId,
			outcome: RequestOutcome,
		},
		AccessLogged {
			id: RecordId,
			by: T::AccountId,
			version: u32,
			key_version: u32,
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
		/// Not an X25519 public key a secret can be agreed with: not
		/// canonically encoded, or a point of small order.
		InvalidEncryptionKey,
		/// The new encryption key equals the current one.
		SameEncryptionKey,
		/// The key proof is not a signature by the encryption key's secret
		/// over this chain, account and key.
		BadKeyProof,
		/// A registrar registering another account needs that account's
		/// consent.
		ConsentMissing,
		/// The consent is not the account's signature over this chain, role,
		/// key and the registrar's hospital.
		BadConsent,
		/// Only the user or a registrar of the user's hospital may deregister it.
		NotAllowedToDeregister,
		/// The user still owns records; remove them first.
		UserOwnsRecords,
		/// Records can only be owned by patients.
		NotPatient,
		/// Writing into another patient's records needs a current ReadWrite
		/// grant on one of them.
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
		/// Only the owner, or the grantee that delegated a grant, may revoke it.
		NotAllowedToRevoke,
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
		/// The caller has given the most grants allowed.
		TooManyGrantsGiven,
		/// The expiry block is not in the future.
		ExpiryInPast,
		/// The owner's own grant cannot be changed, revoked or renounced.
		CannotChangeOwnerGrant,
		/// The record was re-keyed since the caller read it: the call wraps or
		/// builds on an older key version. Read the record again and rebuild.
		StaleKeyVersion,
		/// The wrapped keys do not name exactly the record's current readers
		/// (a grant was added, removed or expired since the caller read them).
		/// Read the record again and rebuild.
		ReadersChanged,
		/// The same reader is named twice.
		DuplicateReader,
		/// The wrapped key is empty.
		EmptyWrappedKey,
		/// A request for this record by this account is already pending.
		AlreadyRequested,
		/// No request for this record by this account is pending.
		RequestNotFound,
		/// The record has the most pending requests allowed.
		TooManyRequests,
		/// The caller has the most pending requests allowed.
		TooManyRequestsOpen,
		/// The deposit cannot be held: the payer's free balance is too low.
		InsufficientDeposit,
		/// Record ids are exhausted.
		RecordIdOverflow,
		/// The account is being deregistered (over several calls): until it
		/// is gone it can neither receive nor give a grant, nor ask for one.
		AccountLeaving,
		/// A wrapped key names another encryption key version of its reader
		/// than the reader's current one: the reader rotated its key after
		/// the call was built. Wrap for its current key.
		ReaderKeyRotated,
		/// An approval grants more than the request asked for (ReadWrite to
		/// a Read request).
		AccessAboveRequest,
		/// A call that carries several operations carries none.
		EmptyBatch,
		/// The same record twice in one call.
		DuplicateRecord,
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
		/// joins the registrar's hospital. The caller pays `UserDeposit`,
		/// returned on deregistration.
		///
		/// `key_proof` is the XEdDSA signature by `enc_key`'s secret over
		/// [`ehr_key_proof::key_proof_message`] (genesis hash, `who`, key).
		/// A registrar registering another account passes `consent`: `who`'s
		/// signature over [`ehr_key_proof::consent_message`] (genesis hash,
		/// `who`, role, key, the registrar's hospital, and `who`'s number of
		/// earlier registrations from `Registrations`), so it cannot give an
		/// account a role, hospital or key the account did not choose, nor
		/// use a consent twice.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_user())]
		pub fn register_user(
			origin: OriginFor<T>,
			who: T::AccountId,
			role: Role,
			enc_key: EncryptionKey,
			key_proof: KeyProof,
			consent: Option<T::Signature>,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			let self_registering_patient = caller == who && role == Role::Patient;
			let org = match Registrars::<T>::get(&caller) {
				Some(org) => Some(org),
				None if self_registering_patient => None,
				None => return Err(Error::<T>::NotRegistrar.into()),
			};
			ensure!(is_usable_enc_key(&enc_key), Error::<T>::InvalidEncryptionKey);
			ensure!(!Users::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			Self::check_key_proof(&who, &enc_key, &key_proof)?;
			if caller != who {
				let consent = consent.ok_or(Error::<T>::ConsentMissing)?;
				let org = org.unwrap_or_default();
				let message = ehr_key_proof::consent_message(
					Self::genesis().as_ref(),
					&who.encode(),
					&role.encode(),
					&enc_key,
					org,
					Registrations::<T>::get(&who),
				);
				ensure!(consent.verify(&message[..], &who), Error::<T>::BadConsent);
			}
			Self::enroll(caller, who, role, enc_key, org)
		}

		/// Deregister `who`: drop every grant it holds (and what it delegated
		/// from them) and every request it made, and return the deposit to
		/// whoever registered it. One call drops at most
		/// `MaxDropsPerDeregistration` grants (held and cascaded): an account
		/// that others filled with more is drained over several calls
		/// (`DeregistrationContinues` says how many held grants are left), so
		/// nobody can make an account impossible to deregister.
		///
		/// Origin: signed, by `who` itself or a registrar of `who`'s hospital.
		/// Fails while `who` owns records. Weight grows with what is dropped.
		#[pallet::call_index(3)]
		#[pallet::weight(Pallet::<T>::deregister_worst_case())]
		pub fn deregister_user(
			origin: OriginFor<T>,
			who: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let caller = ensure_signed(origin)?;
			let user = Users::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let by_registrar = user.org.is_some() && Registrars::<T>::get(&caller) == user.org;
			ensure!(caller == who || by_registrar, Error::<T>::NotAllowedToDeregister);
			ensure!(user.records_owned == 0, Error::<T>::UserOwnsRecords);
			// Grants dropped: held by `who`, and cascading from those (what
			// `who` delegated on the same record), at most `budget` in all,
			// but always at least one held grant with its delegates.
			let budget = T::MaxDropsPerDeregistration::get();
			let (mut held, mut cascaded, mut unused) = (0u32, 0u32, 0u32);
			let ids: Vec<RecordId> =
				GrantsHeld::<T>::iter_key_prefix(&who).take(budget.max(1) as usize).collect();
			for (n, &id) in ids.iter().enumerate() {
				let delegates = Delegations::<T>::iter_key_prefix((id, &who)).count() as u32;
				if held > 0 && held + cascaded + 1 + delegates > budget {
					// The rest of `ids` was read for nothing, and this
					// record's delegates (their keys and the end of them).
					unused = (ids.len() - n) as u32 + delegates + 1;
					break;
				}
				let Some(mut record) = Records::<T>::get(id) else {
					// Never so while the indexes hold; if not, unblock.
					frame_support::defensive!("a held grant on a record that is gone");
					GrantsHeld::<T>::remove(&who, id);
					Self::update_user(&who, |u| u.grants_held = u.grants_held.saturating_sub(1));
					continue;
				};
				let dropped = Self::remove_grant_and_delegates(
					id,
					&mut record,
					&who,
					RemovalReason::Deregistered,
					&caller,
				);
				held += 1;
				cascaded += dropped - 1;
				Records::<T>::insert(id, record);
			}
			// With nothing left in the index the drain is over, whatever the
			// count says (they never differ while the indexes hold).
			let grants_left = Users::<T>::get(&who).map_or(0, |u| u.grants_held);
			if grants_left > 0 && !ids.is_empty() {
				Leaving::<T>::insert(&who, ());
				Self::deposit_event(Event::DeregistrationContinues {
					who,
					by: caller,
					grants_left,
				});
				let weight = T::WeightInfo::deregister_user(held, cascaded, 0)
					.saturating_add(T::DbWeight::get().reads_writes(unused.into(), 1));
				return Ok(Some(weight).into());
			}
			let asked: Vec<RecordId> = RequestsMade::<T>::iter_key_prefix(&who).collect();
			for id in &asked {
				if let Some(mut record) = Records::<T>::get(id) {
					Self::close_request(
						*id,
						&mut record,
						&who,
						RequestOutcome::Deregistered,
						&caller,
					);
					Records::<T>::insert(id, record);
				}
			}
			Users::<T>::remove(&who);
			Leaving::<T>::remove(&who);
			Self::release(HoldReason::User, &user.registered_by, T::UserDeposit::get());
			Self::deposit_event(Event::UserDeregistered { who, by: caller });
			Ok(Some(T::WeightInfo::deregister_user(held, cascaded, asked.len() as u32)).into())
		}

		/// Replace the caller's public encryption key. Grants already written
		/// stay wrapped to the old key until their records are re-keyed.
		/// `key_proof` proves possession of the new key, as for
		/// `register_user`.
		///
		/// Origin: signed, a registered user.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::rotate_encryption_key())]
		pub fn rotate_encryption_key(
			origin: OriginFor<T>,
			enc_key: EncryptionKey,
			key_proof: KeyProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(is_usable_enc_key(&enc_key), Error::<T>::InvalidEncryptionKey);
			ensure!(Users::<T>::contains_key(&who), Error::<T>::NotRegistered);
			Self::check_key_proof(&who, &enc_key, &key_proof)?;
			let version = Users::<T>::try_mutate(&who, |user| -> Result<u32, Error<T>> {
				let user = user.as_mut().ok_or(Error::<T>::NotRegistered)?;
				ensure!(user.enc_key != enc_key, Error::<T>::SameEncryptionKey);
				user.enc_key = enc_key;
				user.enc_key_version = user.enc_key_version.saturating_add(1);
				Ok(user.enc_key_version)
			})?;
			Self::deposit_event(Event::EncryptionKeyRotated {
				who,
				enc_key,
				enc_key_version: version,
			});
			Ok(())
		}

		/// Add a record owned by `patient`, whose ciphertext is already pinned
		/// in IPFS at `cid`, together with its first readers. The chain picks
		/// the id (see `RecordAdded`); wrapped keys are bound to the owner,
		/// the ciphertext digest and key version 1, all known before the call.
		/// `owner_key` is the data key wrapped to the patient (its ReadWrite
		/// grant). `readers` each get a grant in the same call: the record
		/// never exists without them.
		///
		/// Origin: signed. The patient itself (readers of any access), or a
		/// clinician writing into the patient's records: then `author_key`
		/// names a record of the patient on which the caller holds a current
		/// ReadWrite grant and the data key wrapped to the caller, whose
		/// ReadWrite grant on the new record expires with that grant; the
		/// clinician's readers are Read only and expire no later.
		///
		/// The author pays `RecordDeposit`, and `GrantDeposit` for each grant
		/// besides the owner's.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::add_record(readers.len() as u32))]
		pub fn add_record(
			origin: OriginFor<T>,
			patient: T::AccountId,
			cid: Cid,
			ciphertext_digest: Digest,
			kind: RecordKind,
			owner_key: (u32, WrappedKey),
			author_key: Option<(RecordId, u32, WrappedKey)>,
			readers: NewReadersOf<T>,
		) -> DispatchResult {
			let author = ensure_signed(origin)?;
			ensure_cid::<T>(&cid)?;
			let (owner_key_version, owner_key) = owner_key;
			ensure!(!owner_key.is_empty(), Error::<T>::EmptyWrappedKey);
			let owner = Users::<T>::get(&patient).ok_or(Error::<T>::NotRegistered)?;
			ensure!(owner.role == Role::Patient, Error::<T>::NotPatient);
			ensure!(
				owner.records_owned < T::MaxRecordsPerPatient::get(),
				Error::<T>::TooManyRecords
			);
			// `None`: the owner writes; `Some(limit)`: a clinician whose
			// rights on the new record end when its care relationship does.
			let author_grant = if author == patient {
				None
			} else {
				let (via, author_key_version, key) =
					author_key.ok_or(Error::<T>::NoCareRelationship)?;
				ensure!(!key.is_empty(), Error::<T>::EmptyWrappedKey);
				let via_record = Records::<T>::get(via).ok_or(Error::<T>::NoCareRelationship)?;
				ensure!(via_record.owner == patient, Error::<T>::NoCareRelationship);
				let grant = Self::current_grant(via, &via_record, &author)
					.map_err(|_| Error::<T>::NoCareRelationship)?;
				// The care relationship is a grant the owner gave: a grant
				// the clinician holds on a record it wrote itself would let
				// it write on after the owner revoked the original.
				ensure!(
					grant.access == Access::ReadWrite && grant.granted_by != author,
					Error::<T>::NoCareRelationship
				);
				Some((author_key_version, key, grant.expires_at))
			};
			let limit = author_grant.as_ref().and_then(|(_, _, expires_at)| *expires_at);
			for (i, r) in readers.iter().enumerate() {
				ensure!(
					r.reader != patient
						&& r.reader != author
						&& !readers[..i].iter().any(|o| o.reader == r.reader),
					Error::<T>::DuplicateReader
				);
				ensure!(!r.wrapped_key.is_empty(), Error::<T>::EmptyWrappedKey);
				ensure!(Users::<T>::contains_key(&r.reader), Error::<T>::NotRegistered);
				Self::ensure_future(r.expires_at)?;
				if author_grant.is_some() {
					ensure!(r.access == Access::Read, Error::<T>::CannotDelegateReadWrite);
				}
			}
			let id = NextRecordId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;
			Self::hold(HoldReason::Record, &author, T::RecordDeposit::get())?;

			let now = frame_system::Pallet::<T>::block_number();
			let mut record = Record {
				owner: patient.clone(),
				author: author.clone(),
				cid: cid.clone(),
				ciphertext_digest,
				kind,
				version: 1,
				key_version: 1,
				grant_count: 0,
				request_count: 0,
				created_at: now,
				updated_at: now,
			};
			NextRecordId::<T>::put(next);
			RecordsByOwner::<T>::insert(&patient, id, ());
			Self::update_user(&patient, |u| u.records_owned += 1);
			Self::deposit_event(Event::RecordAdded {
				id,
				owner: patient.clone(),
				author: author.clone(),
				kind,
				cid,
				ciphertext_digest,
			});
			let new = |reader_key_version, wrapped_key, access, expires_at| NewReader {
				reader: author.clone(),
				access,
				wrapped_key,
				reader_key_version,
				expires_at,
			};
			let owners = NewReader {
				reader: patient.clone(),
				..new(owner_key_version, owner_key, Access::ReadWrite, None)
			};
			Self::insert_grant(id, &mut record, owners, &author, GrantReason::Owner)?;
			let delegated = if let Some((version, key, expires_at)) = author_grant {
				let authors = new(version, key, Access::ReadWrite, expires_at);
				Self::insert_grant(id, &mut record, authors, &author, GrantReason::Authored)?;
				GrantReason::Delegated
			} else {
				GrantReason::Granted
			};
			for mut reader in readers {
				reader.expires_at = earliest(reader.expires_at, limit);
				Self::insert_grant(id, &mut record, reader, &author, delegated)?;
			}
			Records::<T>::insert(id, record);
			Ok(())
		}

		/// Replace a record's content with a new version under a fresh data
		/// key. `content.based_on` is the key version the caller built on;
		/// `content.keys` must hold the new key wrapped for exactly the
		/// record's current readers. Expired grants are dropped.
		///
		/// Origin: signed, the owner or a holder of a current ReadWrite grant.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::update_record(
			content.keys.len() as u32,
			rekey_dropped(
				content.keys.len() as u32,
				MAX_GRANTS_PER_RECORD.saturating_sub(content.keys.len() as u32),
			),
		).saturating_add(readers_keys_read::<T>(content.keys.len())))]
		pub fn update_record(
			origin: OriginFor<T>,
			id: RecordId,
			content: NewContentOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			if record.owner != who {
				let grant = Self::current_grant(id, &record, &who)
					.map_err(|e| Self::or_if_no_grant(e, Error::<T>::NotAllowedToWrite))?;
				ensure!(grant.access == Access::ReadWrite, Error::<T>::NotAllowedToWrite);
			}
			let kept = content.keys.len() as u32;
			let dropped = Self::apply_new_content(id, &mut record, content, None, &who)?;
			Records::<T>::insert(id, record);
			Ok(Some(T::WeightInfo::update_record(kept, rekey_dropped(kept, dropped))).into())
		}

		/// Remove a record and every grant and request on it, returning their
		/// deposits. The caller should unpin the ciphertext from IPFS.
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_record(
			MAX_GRANTS_PER_RECORD,
			T::MaxRequestsPerRecord::get(),
		))]
		pub fn remove_record(origin: OriginFor<T>, id: RecordId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			let readers: Vec<T::AccountId> = Grants::<T>::iter_key_prefix(id).collect();
			for reader in &readers {
				Self::remove_grant(id, &mut record, reader, RemovalReason::RecordRemoved, &who);
			}
			let requesters: Vec<T::AccountId> = Requests::<T>::iter_key_prefix(id).collect();
			for requester in &requesters {
				Self::close_request(
					id,
					&mut record,
					requester,
					RequestOutcome::RecordRemoved,
					&who,
				);
			}
			Records::<T>::remove(id);
			RecordsByOwner::<T>::remove(&who, id);
			Self::update_user(&who, |u| u.records_owned = u.records_owned.saturating_sub(1));
			Self::release(HoldReason::Record, &record.author, T::RecordDeposit::get());
			Self::deposit_event(Event::RecordRemoved { id, by: who });
			Ok(Some(T::WeightInfo::remove_record(readers.len() as u32, requesters.len() as u32))
				.into())
		}

		/// Give `to` access to record `id`: `wrapped_key` is the record's data
		/// key of `key_version` (the current one, else `StaleKeyVersion`)
		/// wrapped to `to`'s encryption key. A pending request of `to` closes.
		///
		/// Origin: signed, the owner (any access) or a holder of a current
		/// ReadWrite grant (Read only, expiring no later than its own grant,
		/// and revoked with it). The caller pays `GrantDeposit`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::grant_access())]
		pub fn grant_access(
			origin: OriginFor<T>,
			id: RecordId,
			to: T::AccountId,
			access: Access,
			wrapped_key: WrappedKey,
			key_version: u32,
			reader_key_version: u32,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let reader =
				NewReader { reader: to, access, wrapped_key, reader_key_version, expires_at };
			Self::grant_all(origin, id, key_version, [reader])
		}

		/// Change the access level or expiry of `of`'s grant on record `id`.
		/// Narrowing reaches what `of` delegated in the same call: to Read
		/// removes its delegated grants, an earlier expiry caps theirs. A
		/// delegated grant the owner changes becomes the owner's (its deposit
		/// moves to the owner).
		///
		/// Origin: signed, the record's owner.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::update_access(MAX_GRANTS_PER_RECORD - 2))]
		pub fn update_access(
			origin: OriginFor<T>,
			id: RecordId,
			of: T::AccountId,
			access: Access,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			ensure!(of != who, Error::<T>::CannotChangeOwnerGrant);
			Self::ensure_future(expires_at)?;
			let mut grant = Grants::<T>::get(id, &of).ok_or(Error::<T>::GrantNotFound)?;
			if grant.granted_by != who {
				Self::take_on_grant(&who)?;
				Self::give_up_grant(&grant.granted_by);
				Delegations::<T>::remove((id, &grant.granted_by, &of));
				grant.granted_by = who.clone();
			}
			grant.access = access;
			grant.expires_at = expires_at;
			Grants::<T>::insert(id, &of, &grant);
			Self::deposit_event(Event::AccessUpdated {
				id,
				of: of.clone(),
				by: who.clone(),
				granted_by: who.clone(),
				access,
				expires_at,
			});
			let delegates = Self::delegates_of(id, &of);
			for (reader, mut delegated) in delegates.iter().cloned() {
				if access == Access::Read {
					Self::remove_grant(id, &mut record, &reader, RemovalReason::Cascaded, &who);
				} else if earliest(delegated.expires_at, expires_at) != delegated.expires_at {
					delegated.expires_at = expires_at;
					Grants::<T>::insert(id, &reader, &delegated);
					Self::deposit_event(Event::AccessUpdated {
						id,
						of: reader,
						by: who.clone(),
						granted_by: of.clone(),
						access: delegated.access,
						expires_at,
					});
				}
			}
			Records::<T>::insert(id, record);
			Ok(Some(T::WeightInfo::update_access(delegates.len() as u32)).into())
		}

		/// Take `from`'s access to record `id` away, and with it every grant
		/// `from` delegated. With `rotation`, the record moves to new
		/// ciphertext under a fresh data key in the same call: `rotation`
		/// names the key version it built on and holds the new key wrapped
		/// for exactly the readers that remain, so a key `from` (or its
		/// delegates) kept opens nothing current.
		///
		/// Origin: signed, the record's owner, or the holder of a current
		/// ReadWrite grant revoking a grant it delegated.
		#[pallet::call_index(10)]
		#[pallet::weight(match rotation {
			// The owner stays: at most all other grants go.
			None => T::WeightInfo::revoke_access(MAX_GRANTS_PER_RECORD - 1),
			// `keys` readers stay; at most the rest of a full record goes.
			Some(r) => T::WeightInfo::revoke_and_rekey(
				r.keys.len() as u32,
				rekey_dropped(
					r.keys.len() as u32,
					MAX_GRANTS_PER_RECORD.saturating_sub(r.keys.len() as u32),
				),
			).saturating_add(readers_keys_read::<T>(r.keys.len())),
		})]
		pub fn revoke_access(
			origin: OriginFor<T>,
			id: RecordId,
			from: T::AccountId,
			rotation: Option<NewContentOf<T>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(from != record.owner, Error::<T>::CannotChangeOwnerGrant);
			let grant = Grants::<T>::get(id, &from).ok_or(Error::<T>::GrantNotFound)?;
			if record.owner != who {
				// A grantee drops its own grant with `renounce_grant`.
				ensure!(grant.granted_by == who && from != who, Error::<T>::NotAllowedToRevoke);
				let own = Self::current_grant(id, &record, &who)
					.map_err(|e| Self::or_if_no_grant(e, Error::<T>::NotAllowedToRevoke))?;
				ensure!(own.access == Access::ReadWrite, Error::<T>::NotAllowedToRevoke);
			}
			let weight = match rotation {
				Some(content) => {
					let kept = content.keys.len() as u32;
					let dropped =
						Self::apply_new_content(id, &mut record, content, Some(&from), &who)?;
					T::WeightInfo::revoke_and_rekey(kept, rekey_dropped(kept, dropped))
				}
				None => T::WeightInfo::revoke_access(Self::remove_grant_and_delegates(
					id,
					&mut record,
					&from,
					RemovalReason::Revoked,
					&who,
				)),
			};
			Records::<T>::insert(id, record);
			Ok(Some(weight).into())
		}

		/// Ask the owner of record `id` for `access`.
		///
		/// Origin: signed, a registered user without a grant on the record.
		/// At most `MaxRequestsPerRecord` pending per record and
		/// `MaxRequestsPerAccount` per requester; the requester pays
		/// `RequestDeposit` until the request closes.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::request_access())]
		pub fn request_access(
			origin: OriginFor<T>,
			id: RecordId,
			access: Access,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut user = Users::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!Leaving::<T>::contains_key(&who), Error::<T>::AccountLeaving);
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(!Grants::<T>::contains_key(id, &who), Error::<T>::AlreadyGranted);
			ensure!(!Requests::<T>::contains_key(id, &who), Error::<T>::AlreadyRequested);
			ensure!(
				record.request_count < T::MaxRequestsPerRecord::get(),
				Error::<T>::TooManyRequests
			);
			ensure!(
				user.requests_open < T::MaxRequestsPerAccount::get(),
				Error::<T>::TooManyRequestsOpen
			);
			Self::hold(HoldReason::Request, &who, T::RequestDeposit::get())?;
			let requested_at = frame_system::Pallet::<T>::block_number();
			Requests::<T>::insert(id, &who, AccessRequest { access, requested_at });
			RequestsMade::<T>::insert(&who, id, ());
			record.request_count += 1;
			Records::<T>::insert(id, record);
			user.requests_open += 1;
			Users::<T>::insert(&who, user);
			Self::deposit_event(Event::AccessRequested { id, by: who, access });
			Ok(())
		}

		/// Approve or deny `requester`'s pending request on record `id`.
		/// Approving grants the requested access (or Read, if
		/// `approval.access` says so) with the data key of
		/// `approval.key_version` (the current one, else `StaleKeyVersion`)
		/// wrapped for the requester.
		///
		/// Origin: signed, the record's owner, who pays `GrantDeposit` on
		/// approval.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::answer_request())]
		pub fn answer_request(
			origin: OriginFor<T>,
			id: RecordId,
			requester: T::AccountId,
			approval: Option<ApprovalOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner == who, Error::<T>::NotRecordOwner);
			let request = Requests::<T>::get(id, &requester).ok_or(Error::<T>::RequestNotFound)?;
			let outcome = if let Some(approval) = approval {
				ensure!(approval.key_version == record.key_version, Error::<T>::StaleKeyVersion);
				ensure!(!approval.wrapped_key.is_empty(), Error::<T>::EmptyWrappedKey);
				Self::ensure_future(approval.expires_at)?;
				let access = match approval.access {
					None => request.access,
					Some(access) if access == request.access || access == Access::Read => access,
					Some(_) => return Err(Error::<T>::AccessAboveRequest.into()),
				};
				let grant = NewReader {
					reader: requester.clone(),
					access,
					wrapped_key: approval.wrapped_key,
					reader_key_version: approval.reader_key_version,
					expires_at: approval.expires_at,
				};
				Self::insert_grant(id, &mut record, grant, &who, GrantReason::Approved)?;
				RequestOutcome::Approved
			} else {
				RequestOutcome::Denied
			};
			Self::close_request(id, &mut record, &requester, outcome, &who);
			Records::<T>::insert(id, record);
			Ok(())
		}

		/// Leave a trace that the caller read record `id`'s current version.
		///
		/// Origin: signed, a holder of a current grant on the record.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::log_access())]
		pub fn log_access(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::log_one(id, &who)
		}

		/// Drop the caller's own grant on record `id`, and every grant it
		/// delegated from it; their deposits go back to whoever paid them.
		///
		/// Origin: signed, a holder of a grant on the record other than its
		/// owner.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::renounce_grant(MAX_GRANTS_PER_RECORD - 2))]
		pub fn renounce_grant(origin: OriginFor<T>, id: RecordId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			ensure!(record.owner != who, Error::<T>::CannotChangeOwnerGrant);
			ensure!(Grants::<T>::contains_key(id, &who), Error::<T>::GrantNotFound);
			let dropped = Self::remove_grant_and_delegates(
				id,
				&mut record,
				&who,
				RemovalReason::Renounced,
				&who,
			);
			Records::<T>::insert(id, record);
			Ok(Some(T::WeightInfo::renounce_grant(dropped - 1)).into())
		}

		/// Withdraw the caller's pending request on record `id`; its deposit
		/// comes back.
		///
		/// Origin: signed, the requester.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::cancel_request())]
		pub fn cancel_request(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Requests::<T>::contains_key(id, &who), Error::<T>::RequestNotFound);
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			Self::close_request(id, &mut record, &who, RequestOutcome::Cancelled, &who);
			Records::<T>::insert(id, record);
			Ok(())
		}
		/// Give each of `readers` access to record `id` in one call, as
		/// [`Self::grant_access`] would one by one (a care team): `key_version`
		/// is the record's current data key version, each reader's
		/// `wrapped_key` that key wrapped to it. All or nothing: one refused
		/// reader (already a reader, not registered, over a limit) refuses
		/// the call.
		///
		/// Origin: signed, as for [`Self::grant_access`]; the caller pays a
		/// `GrantDeposit` per reader.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::grant_access_many((readers.len() as u32).max(1)))]
		pub fn grant_access_many(
			origin: OriginFor<T>,
			id: RecordId,
			key_version: u32,
			readers: NewReadersOf<T>,
		) -> DispatchResult {
			Self::grant_all(origin, id, key_version, readers)
		}

		/// Leave a trace that the caller read the current version of each of
		/// records `ids` (reads of several records at once, e.g. a patient's
		/// chart), as [`Self::log_access`] would one by one. All or nothing.
		///
		/// Origin: signed, a holder of a current grant on every record.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::log_access_many((ids.len() as u32).max(1)))]
		pub fn log_access_many(origin: OriginFor<T>, ids: LoggedReads) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!ids.is_empty(), Error::<T>::EmptyBatch);
			for (i, id) in ids.iter().enumerate() {
				ensure!(!ids[..i].contains(id), Error::<T>::DuplicateRecord);
				Self::log_one(*id, &who)?;
			}
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

	/// The grants a re-key keeping `kept` and dropping `dropped` is charged
	/// for dropping. Its benchmarks fit a cost linear in each, but a dropped
	/// grant given by a kept ReadWrite grantee costs more than one of an
	/// expired pair (its giver's account is touched too), and up to
	/// `min(kept, dropped)` of them can be: each is charged as one more
	/// dropped grant. Measured on 2026-12-02 at 16 kept and 16 dropped, the
	/// fit alone was 8.5 % (`revoke_and_rekey`) and 13 % (`update_record`)
	/// under the measured weight; this charge is about 50 % over it.
	pub fn rekey_dropped(kept: u32, dropped: u32) -> u32 {
		dropped.saturating_add(kept.min(dropped))
	}

	/// A re-key reads every remaining reader's `Users` entry (its current
	/// key version). The benchmark's readers have their entries read
	/// anyway at its largest number of dropped grants, so the measured
	/// weights put those reads in the constant rather than the per-reader
	/// slope: charged here per reader, on top (an over-charge of at most
	/// the 16 readers the benchmark measured).
	fn readers_keys_read<T: frame_system::Config>(readers: usize) -> Weight {
		T::DbWeight::get().reads(readers as u64)
	}

	/// The earlier of two expiries, `None` being never.
	fn earliest<B: Ord>(a: Option<B>, b: Option<B>) -> Option<B> {
		match (a, b) {
			(Some(a), Some(b)) => Some(a.min(b)),
			(a, b) => a.or(b),
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's genesis hash, which key proofs and consents sign.
		pub fn genesis() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}

		/// Registers `who` once every check has passed: `caller` pays the
		/// deposit. The benchmarks' set-up enrols users this way.
		pub(crate) fn enroll(
			caller: T::AccountId,
			who: T::AccountId,
			role: Role,
			enc_key: EncryptionKey,
			org: Option<OrgId>,
		) -> DispatchResult {
			Self::hold(HoldReason::User, &caller, T::UserDeposit::get())?;
			let user = User {
				role,
				enc_key,
				enc_key_version: 0,
				registered_by: caller.clone(),
				org,
				registered_at: frame_system::Pallet::<T>::block_number(),
				records_owned: 0,
				grants_held: 0,
				grants_given: 0,
				requests_open: 0,
			};
			Users::<T>::insert(&who, user);
			Registrations::<T>::mutate(&who, |n| *n = n.saturating_add(1));
			Self::deposit_event(Event::UserRegistered { who, role, org, by: caller, enc_key });
			Ok(())
		}

		/// Whether `proof` is an XEdDSA signature by `enc_key`'s secret over
		/// this chain, `who` and `enc_key`.
		pub fn check_key_proof(
			who: &T::AccountId,
			enc_key: &EncryptionKey,
			proof: &KeyProof,
		) -> Result<(), Error<T>> {
			use sp_core::ed25519;
			let message =
				ehr_key_proof::key_proof_message(Self::genesis().as_ref(), &who.encode(), enc_key);
			let public = ehr_key_proof::ed25519_public(enc_key).ok_or(Error::<T>::BadKeyProof)?;
			let signature = ed25519::Signature::from_raw(*proof);
			ensure!(
				signature.verify(&message[..], &ed25519::Public::from_raw(public)),
				Error::<T>::BadKeyProof
			);
			Ok(())
		}

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

		fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::Currency::hold(&reason.into(), who, amount)
				.map_err(|_| Error::<T>::InsufficientDeposit.into())
		}

		fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			// Best effort: nothing else takes from these holds, so the whole
			// amount is there.
			let _ = T::Currency::release(&reason.into(), who, amount, Precision::BestEffort);
		}

		/// `deregister_user`'s declared weight: the dearest corner of what one
		/// call can drop, `h` held and `c` cascaded grants with `h + c` at
		/// most the budget (or one held grant with its most delegates, if
		/// that is more) and at most `MAX_GRANTS_PER_RECORD - 2` delegates
		/// per held grant; every request; and what a call that stops early
		/// read for nothing (the held grants it did not reach, and the
		/// delegates of the one that did not fit).
		pub(crate) fn deregister_worst_case() -> Weight {
			let per_record = MAX_GRANTS_PER_RECORD - 2;
			let drops = T::MaxDropsPerDeregistration::get().max(1 + per_record);
			let requests = T::MaxRequestsPerAccount::get();
			// The most cascades one call can carry, the rest of its budget held.
			let carriers = drops.div_ceil(1 + per_record);
			let cascades = (drops - carriers).min(T::MaxGrantsPerAccount::get());
			T::WeightInfo::deregister_user(drops, 0, requests)
				.max(T::WeightInfo::deregister_user(drops - cascades, cascades, requests))
				.saturating_add(T::DbWeight::get().reads_writes((drops + per_record + 1).into(), 1))
		}

		/// The grants on record `id` that `delegator` gave as a grantee (not
		/// its own grant, and never the owner's).
		fn delegates_of(id: RecordId, delegator: &T::AccountId) -> Vec<(T::AccountId, GrantOf<T>)> {
			Delegations::<T>::iter_key_prefix((id, delegator))
				.filter_map(|reader| Grants::<T>::get(id, &reader).map(|g| (reader, g)))
				.collect()
		}

		/// Whether a grant `by` gives `reader` on `record` is a delegation:
		/// given by a grantee from its own grant, to someone else than the
		/// owner.
		pub(crate) fn is_delegation(
			record: &RecordOf<T>,
			by: &T::AccountId,
			reader: &T::AccountId,
		) -> bool {
			*by != record.owner && reader != by && *reader != record.owner
		}

		/// Point `record` at new content under key version `based_on + 1`,
		/// dropping `leaving` with its delegates (revoked) and expired grants
		/// with theirs, and swap every remaining grant's wrapped key for the
		/// one in `content.keys`, which must name exactly those readers.
		/// Returns how many grants were dropped.
		fn apply_new_content(
			id: RecordId,
			record: &mut RecordOf<T>,
			content: NewContentOf<T>,
			leaving: Option<&T::AccountId>,
			by: &T::AccountId,
		) -> Result<u32, DispatchError> {
			ensure!(content.based_on == record.key_version, Error::<T>::StaleKeyVersion);
			ensure_cid::<T>(&content.cid)?;
			for (i, (reader, _, key)) in content.keys.iter().enumerate() {
				ensure!(!key.is_empty(), Error::<T>::EmptyWrappedKey);
				ensure!(
					!content.keys[..i].iter().any(|(r, _, _)| r == reader),
					Error::<T>::DuplicateReader
				);
			}
			// Grants that end here: `leaving`, expired ones, and whatever
			// either delegated.
			let grants: Vec<(T::AccountId, GrantOf<T>)> = Grants::<T>::iter_prefix(id).collect();
			let ending_root = |reader: &T::AccountId, grant: &GrantOf<T>| {
				Some(reader) == leaving || (*reader != record.owner && Self::is_expired(grant))
			};
			let mut ending = Vec::new();
			for (reader, grant) in &grants {
				let reason = if Some(reader) == leaving {
					RemovalReason::Revoked
				} else if ending_root(reader, grant) {
					RemovalReason::Expired
				} else if *reader != record.owner
					&& grants
						.iter()
						.any(|(d, g)| *d == grant.granted_by && d != reader && ending_root(d, g))
				{
					RemovalReason::Cascaded
				} else {
					continue;
				};
				ending.push((reader.clone(), reason));
			}
			let remaining = grants.len() - ending.len();
			ensure!(
				content.keys.len() == remaining
					&& content.keys.iter().all(|(reader, _, _)| {
						Grants::<T>::contains_key(id, reader)
							&& !ending.iter().any(|(e, _)| e == reader)
					}),
				Error::<T>::ReadersChanged
			);
			// After the readers check: a reader that left since the call was
			// built is `ReadersChanged`, not `NotRegistered`.
			for (reader, version, _) in &content.keys {
				Self::ensure_current_key(reader, *version)?;
			}
			// Removals first, so that the events read in order: whatever is
			// left when `RecordUpdated` comes holds the new key version.
			for (reader, reason) in &ending {
				Self::remove_grant(id, record, reader, *reason, by);
			}
			record.key_version = record.key_version.saturating_add(1);
			for (reader, reader_key_version, key) in content.keys {
				Grants::<T>::mutate(id, &reader, |g| {
					if let Some(g) = g {
						g.wrapped_key = key;
						g.key_version = record.key_version;
						g.reader_key_version = reader_key_version;
					}
				});
			}
			record.cid = content.cid;
			record.ciphertext_digest = content.ciphertext_digest;
			// A revocation re-encrypts the same content: a new key version and
			// CID, not a new version.
			if leaving.is_none() {
				record.version = record.version.saturating_add(1);
			}
			record.updated_at = frame_system::Pallet::<T>::block_number();
			Self::deposit_event(Event::RecordUpdated {
				id,
				by: by.clone(),
				cid: record.cid.clone(),
				ciphertext_digest: record.ciphertext_digest,
				version: record.version,
				key_version: record.key_version,
			});
			Ok(ending.len() as u32)
		}

		/// `who` grants `readers` access to record `id` at `key_version`:
		/// the owner any access, a holder of a current ReadWrite grant Read
		/// only and expiring no later than its own grant (revoked with it).
		/// A pending request of each reader closes.
		fn grant_all(
			origin: OriginFor<T>,
			id: RecordId,
			key_version: u32,
			readers: impl IntoIterator<Item = NewReaderOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut readers = readers.into_iter().peekable();
			ensure!(readers.peek().is_some(), Error::<T>::EmptyBatch);
			let mut record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			// `None`: the owner; `Some(limit)`: a delegate, whose grants end
			// with its own.
			let delegate = if record.owner == who {
				None
			} else {
				let own = Self::current_grant(id, &record, &who)
					.map_err(|e| Self::or_if_no_grant(e, Error::<T>::NotAllowedToGrant))?;
				ensure!(own.access == Access::ReadWrite, Error::<T>::NotAllowedToGrant);
				Some(own.expires_at)
			};
			ensure!(key_version == record.key_version, Error::<T>::StaleKeyVersion);
			for mut reader in readers {
				let reason = match delegate {
					None => GrantReason::Granted,
					Some(limit) => {
						ensure!(reader.access == Access::Read, Error::<T>::CannotDelegateReadWrite);
						reader.expires_at = earliest(reader.expires_at, limit);
						GrantReason::Delegated
					}
				};
				Self::ensure_future(reader.expires_at)?;
				ensure!(!reader.wrapped_key.is_empty(), Error::<T>::EmptyWrappedKey);
				ensure!(Users::<T>::contains_key(&reader.reader), Error::<T>::NotRegistered);
				ensure!(!Grants::<T>::contains_key(id, &reader.reader), Error::<T>::AlreadyGranted);
				let to = reader.reader.clone();
				Self::insert_grant(id, &mut record, reader, &who, reason)?;
				Self::close_request(id, &mut record, &to, RequestOutcome::Granted, &who);
			}
			Records::<T>::insert(id, record);
			Ok(())
		}

		/// Logs `who`'s read of record `id`'s current version, if it holds a
		/// current grant on it.
		fn log_one(id: RecordId, who: &T::AccountId) -> DispatchResult {
			let record = Records::<T>::get(id).ok_or(Error::<T>::RecordNotFound)?;
			Self::current_grant(id, &record, who)?;
			Self::deposit_event(Event::AccessLogged {
				id,
				by: who.clone(),
				version: record.version,
				key_version: record.key_version,
			});
			Ok(())
		}

		/// Goes on if `version` is `reader`'s current encryption key
		/// version: a key wrapped for an older one would open only with a
		/// key the reader retired (perhaps because it leaked).
		fn ensure_current_key(reader: &T::AccountId, version: u32) -> DispatchResult {
			let user = Users::<T>::get(reader).ok_or(Error::<T>::NotRegistered)?;
			ensure!(user.enc_key_version == version, Error::<T>::ReaderKeyRotated);
			Ok(())
		}

		/// Changes registered user `who`'s counters; nothing if it is not
		/// registered (any more).
		fn update_user(who: &T::AccountId, change: impl FnOnce(&mut UserOf<T>)) {
			Users::<T>::mutate(who, |u| {
				if let Some(u) = u {
					change(u)
				}
			});
		}

		/// Counts a grant given by `by` (not on its own record) and holds its
		/// deposit.
		fn take_on_grant(by: &T::AccountId) -> DispatchResult {
			let mut giver = Users::<T>::get(by).ok_or(Error::<T>::NotRegistered)?;
			ensure!(
				giver.grants_given < T::MaxGrantsPerAccount::get(),
				Error::<T>::TooManyGrantsGiven
			);
			Self::hold(HoldReason::Grant, by, T::GrantDeposit::get())?;
			giver.grants_given += 1;
			Users::<T>::insert(by, giver);
			Ok(())
		}

		/// The reverse of [`Self::take_on_grant`].
		fn give_up_grant(by: &T::AccountId) {
			Self::update_user(by, |u| u.grants_given = u.grants_given.saturating_sub(1));
			Self::release(HoldReason::Grant, by, T::GrantDeposit::get());
		}

		fn insert_grant(
			id: RecordId,
			record: &mut RecordOf<T>,
			new: NewReaderOf<T>,
			by: &T::AccountId,
			reason: GrantReason,
		) -> DispatchResult {
			ensure!(record.grant_count < MAX_GRANTS_PER_RECORD, Error::<T>::TooManyGrants);
			ensure!(
				!Leaving::<T>::contains_key(&new.reader) && !Leaving::<T>::contains_key(by),
				Error::<T>::AccountLeaving
			);
			Self::ensure_current_key(&new.reader, new.reader_key_version)?;
			if new.reader != record.owner {
				Self::take_on_grant(by)?;
			}
			let grant = Grant {
				wrapped_key: new.wrapped_key,
				access: new.access,
				granted_by: by.clone(),
				granted_at: frame_system::Pallet::<T>::block_number(),
				expires_at: new.expires_at,
				key_version: record.key_version,
				reader_key_version: new.reader_key_version,
			};
			if Self::is_delegation(record, by, &new.reader) {
				Delegations::<T>::insert((id, by, &new.reader), ());
			}
			Grants::<T>::insert(id, &new.reader, grant);
			GrantsHeld::<T>::insert(&new.reader, id, ());
			record.grant_count += 1;
			Self::update_user(&new.reader, |u| u.grants_held += 1);
			Self::deposit_event(Event::GrantAdded {
				id,
				to: new.reader,
				by: by.clone(),
				access: new.access,
				expires_at: new.expires_at,
				key_version: record.key_version,
				reason,
			});
			Ok(())
		}

		fn remove_grant(
			id: RecordId,
			record: &mut RecordOf<T>,
			from: &T::AccountId,
			reason: RemovalReason,
			by: &T::AccountId,
		) {
			let Some(grant) = Grants::<T>::take(id, from) else { return };
			// Whether or not it was a delegation: every removal costs the
			// same, so the benchmarks price the dearer case whatever they drop.
			Delegations::<T>::remove((id, &grant.granted_by, from));
			GrantsHeld::<T>::remove(from, id);
			record.grant_count = record.grant_count.saturating_sub(1);
			Self::update_user(from, |u| u.grants_held = u.grants_held.saturating_sub(1));
			if *from != record.owner {
				Self::give_up_grant(&grant.granted_by);
			}
			Self::deposit_event(Event::GrantRemoved {
				id,
				from: from.clone(),
				by: by.clone(),
				reason,
			});
		}

		/// Removes `from`'s grant for `reason` and its delegated grants as
		/// cascaded. Returns how many grants went.
		fn remove_grant_and_delegates(
			id: RecordId,
			record: &mut RecordOf<T>,
			from: &T::AccountId,
			reason: RemovalReason,
			by: &T::AccountId,
		) -> u32 {
			let delegates = Self::delegates_of(id, from);
			Self::remove_grant(id, record, from, reason, by);
			for (reader, _) in &delegates {
				Self::remove_grant(id, record, reader, RemovalReason::Cascaded, by);
			}
			1 + delegates.len() as u32
		}

		/// Ends `requester`'s pending request on `id`, if any, and returns
		/// its deposit.
		fn close_request(
			id: RecordId,
			record: &mut RecordOf<T>,
			requester: &T::AccountId,
			outcome: RequestOutcome,
			by: &T::AccountId,
		) {
			if Requests::<T>::take(id, requester).is_none() {
				return;
			}
			RequestsMade::<T>::remove(requester, id);
			record.request_count = record.request_count.saturating_sub(1);
			Self::update_user(requester, |u| u.requests_open = u.requests_open.saturating_sub(1));
			Self::release(HoldReason::Request, requester, T::RequestDeposit::get());
			Self::deposit_event(Event::RequestClosed {
				id,
				requester: requester.clone(),
				by: by.clone(),
				outcome,
			});
		}

		/// Record `id` with all its grants.
		pub fn record_view(id: RecordId) -> Option<RecordView<T::AccountId, BlockNumberFor<T>>> {
			let record = Records::<T>::get(id)?;
			let grants = Grants::<T>::iter_prefix(id).collect();
			Some(RecordView { id, record, grants })
		}

		/// Ids of the records `owner` owns.
		pub fn records_of(owner: &T::AccountId) -> Vec<RecordId> {
			let mut ids: Vec<_> = RecordsByOwner::<T>::iter_key_prefix(owner).collect();
			ids.sort_unstable();
			ids
		}

		/// The grants `who` holds, by record.
		pub fn grants_held(who: &T::AccountId) -> Vec<(RecordId, GrantOf<T>)> {
			let mut grants: Vec<_> = GrantsHeld::<T>::iter_key_prefix(who)
				.filter_map(|id| Grants::<T>::get(id, who).map(|g| (id, g)))
				.collect();
			grants.sort_unstable_by_key(|(id, _)| *id);
			grants
		}
	}
}
