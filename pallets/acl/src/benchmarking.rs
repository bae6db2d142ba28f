//! Benchmarks for every call, each in its worst case.
//!
//! Components are named as in [`WeightInfo`] and count what the call's
//! post-dispatch weight counts. Where a call's cost may grow with the other
//! grants of a record (a re-key walks them all), the record is filled with as
//! many other grants as the configuration lets one owner arrange (all of them
//! unless `MaxGrantsPerAccount` is small, as in the mock), given by as many
//! different accounts as can be (see [`per_helper`]).

use super::*;
use crate::Pallet as EhrAcl;
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Unbalanced},
		tokens::Precision,
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::Saturating;

const SEED: u32 = 0;

/// What the runtime gives the benchmarks for consented registrations: an
/// account whose signing key it holds, and that account's signatures.
pub trait BenchmarkHelper<AccountId, Signature> {
	/// A new account the helper can sign for.
	fn account() -> AccountId;
	/// `who`'s signature of `message`.
	fn sign(who: &AccountId, message: &[u8]) -> Signature;
}

/// A new encryption key for `who` (its secret is `[seed; 32]`) and its
/// proof of possession.
pub fn proven_key<T: Config>(who: &T::AccountId, seed: u8) -> (EncryptionKey, KeyProof) {
	let secret = [seed; 32];
	let key = ehr_key_proof::public_key(&secret);
	let genesis = EhrAcl::<T>::genesis();
	let message = ehr_key_proof::key_proof_message(genesis.as_ref(), &who.encode(), &key);
	(key, ehr_key_proof::sign(&secret, &message, &[0; 64]))
}

/// A wrapped key of the longest size, filled with `n`.
pub fn wrapped(n: u8) -> WrappedKey {
	BoundedVec::truncate_from(alloc::vec![n; MAX_WRAPPED_KEY_LEN as usize])
}

fn long_cid(n: u8) -> Cid {
	BoundedVec::truncate_from(alloc::vec![b'a' + n % 26; MAX_CID_LEN as usize])
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

/// An expiry one block away; [`expire`] makes it pass.
fn soon<T: Config>() -> Option<BlockNumberFor<T>> {
	Some(now::<T>().saturating_add(1u32.into()))
}

fn expire<T: Config>() {
	frame_system::Pallet::<T>::set_block_number(now::<T>().saturating_add(1u32.into()));
}

fn key_version<T: Config>(id: RecordId) -> u32 {
	Records::<T>::get(id).expect("the record exists").key_version
}

fn grants_given<T: Config>(who: &T::AccountId) -> u32 {
	Users::<T>::get(who).map_or(0, |u| u.grants_given)
}

/// Credits `who` with enough for every deposit a benchmark makes it pay.
///
/// `Config::Currency` is only `fungible::MutateHold`, which implies
/// `fungible::Unbalanced` (not `fungible::Mutate`): the balance is written
/// directly, leaving total issuance as it was, which no benchmarked call reads.
pub fn fund<T: Config>(who: &T::AccountId) {
	let deposits = T::UserDeposit::get()
		.saturating_add(T::RecordDeposit::get())
		.saturating_add(T::GrantDeposit::get())
		.saturating_add(T::RequestDeposit::get());
	let amount =
		T::Currency::minimum_balance().saturating_add(deposits.saturating_mul(10_000u32.into()));
	T::Currency::increase_balance(who, amount, Precision::Exact).expect("funds the account");
}

/// For the benchmarks of pallets built on this one: registers `who` (funded
/// first) as `role` of hospital `org`, as `register_user` would once its
/// signatures are checked.
pub fn enrolled<T: Config>(who: &T::AccountId, role: Role, org: Option<OrgId>) {
	fund::<T>(who);
	EhrAcl::<T>::enroll(who.clone(), who.clone(), role, [7; 32], org).expect("registers");
}

/// For the benchmarks of pallets built on this one: a new record of
/// registered `owner`, whose only reader is its owner.
pub fn owned_record<T: Config>(owner: &T::AccountId) -> RecordId {
	let id = NextRecordId::<T>::get();
	EhrAcl::<T>::add_record(
		RawOrigin::Signed(owner.clone()).into(),
		owner.clone(),
		long_cid(1),
		[1; 32],
		RecordKind::Observation,
		(0, wrapped(1)),
		None,
		BoundedVec::new(),
	)
	.expect("adds a record");
	id
}

/// New content for record `id`: its key wrapped for every reader that stays
/// once `leaving`, what `leaving` delegated, and the expired grants go.
fn content_for<T: Config>(id: RecordId, leaving: Option<&T::AccountId>) -> NewContentOf<T> {
	let now = now::<T>();
	let keys: Vec<_> = Grants::<T>::iter_prefix(id)
		.filter(|(reader, g)| {
			Some(reader) != leaving
				&& Some(&g.granted_by) != leaving
				&& g.expires_at.is_none_or(|at| at > now)
		})
		.map(|(reader, _)| (reader, 0, wrapped(3)))
		.collect();
	NewContent {
		based_on: key_version::<T>(id),
		cid: long_cid(2),
		ciphertext_digest: [2; 32],
		keys: BoundedVec::truncate_from(keys),
	}
}

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

/// Builds the state a benchmark starts from. Every account it makes is new
/// and funded.
struct Setup<T: Config> {
	registrar: T::AccountId,
	accounts: u32,
}

impl<T: Config> Setup<T> {
	fn new() -> Self {
		let registrar: T::AccountId = account("registrar", 0, SEED);
		Registrars::<T>::insert(&registrar, 1);
		fund::<T>(&registrar);
		Setup { registrar, accounts: 0 }
	}

	fn account(&mut self, name: &'static str) -> T::AccountId {
		let who = account(name, self.accounts, SEED);
		self.accounts += 1;
		fund::<T>(&who);
		who
	}

	/// A registered user (enrolled directly, as `register_user` does once
	/// its signatures are checked): a patient registers itself, anyone else
	/// is registered by the registrar.
	fn user(&mut self, name: &'static str, role: Role) -> T::AccountId {
		let who = self.account(name);
		let (by, org) = match role {
			Role::Patient => (who.clone(), None),
			_ => (self.registrar.clone(), Registrars::<T>::get(&self.registrar)),
		};
		EhrAcl::<T>::enroll(by, who.clone(), role, [7; 32], org).expect("registers");
		who
	}

	/// A record of a new patient, with no reader but its owner.
	fn record(&mut self) -> (T::AccountId, RecordId) {
		let owner = self.user("patient", Role::Patient);
		let id = owned_record::<T>(&owner);
		(owner, id)
	}

	/// A record `author` writes into `owner`'s records through its ReadWrite
	/// grant on `via`.
	fn authored_record(
		&mut self,
		author: &T::AccountId,
		owner: &T::AccountId,
		via: RecordId,
	) -> RecordId {
		let id = NextRecordId::<T>::get();
		EhrAcl::<T>::add_record(
			RawOrigin::Signed(author.clone()).into(),
			owner.clone(),
			long_cid(4),
			[4; 32],
			RecordKind::Note,
			(0, wrapped(1)),
			Some((via, 0, wrapped(2))),
			BoundedVec::new(),
		)
		.expect("adds an authored record");
		id
	}

	/// `by` gives `to` access to record `id`.
	fn give(
		&mut self,
		by: &T::AccountId,
		id: RecordId,
		to: &T::AccountId,
		access: Access,
		expires_at: Option<BlockNumberFor<T>>,
	) {
		EhrAcl::<T>::grant_access(
			RawOrigin::Signed(by.clone()).into(),
			id,
			to.clone(),
			access,
			wrapped(2),
			key_version::<T>(id),
			0,
			expires_at,
		)
		.expect("grants");
	}

	/// A new doctor whom `by` gives access to record `id`.
	fn reader(
		&mut self,
		by: &T::AccountId,
		id: RecordId,
		access: Access,
		expires_at: Option<BlockNumberFor<T>>,
	) -> T::AccountId {
		let reader = self.user("reader", Role::Doctor);
		self.give(by, id, &reader, access, expires_at);
		reader
	}

	/// `n` more grants on `owner`'s record `id`, expiring at `expires_at`:
	/// ReadWrite grants of the owner's to helpers, each delegating
	/// [`per_helper`] Read grants.
	fn fill(
		&mut self,
		owner: &T::AccountId,
		id: RecordId,
		n: u32,
		expires_at: Option<BlockNumberFor<T>>,
	) {
		let mut left = n;
		while left > 0 {
			let helper = self.reader(owner, id, Access::ReadWrite, expires_at);
			let delegated = (left - 1).min(per_helper::<T>());
			for _ in 0..delegated {
				self.reader(&helper, id, Access::Read, None);
			}
			left -= 1 + delegated;
		}
	}

	/// `kept` lasting grants and `dropped` grants that expire at the next
	/// block on `owner`'s record `id`. Where the owner may give a grant to
	/// every reader (the runtime), the kept grants are ReadWrite, each
	/// delegating one of the expiring ones, so that each dropped grant has a
	/// giver of its own as far as kept grants go; the rest expire in
	/// [`Self::fill`]'s pairs.
	fn fill_for_rekey(&mut self, owner: &T::AccountId, id: RecordId, kept: u32, dropped: u32) {
		if per_helper::<T>() > 1 {
			self.fill(owner, id, kept, None);
			self.fill(owner, id, dropped, soon::<T>());
			return;
		}
		let mut left = dropped;
		for _ in 0..kept {
			let helper = self.reader(owner, id, Access::ReadWrite, None);
			if left > 0 {
				self.reader(&helper, id, Access::Read, soon::<T>());
				left -= 1;
			}
		}
		self.fill(owner, id, left, soon::<T>());
	}

	/// Fills `owner`'s record `id` with lasting grants until it is full or
	/// the owner may give no more than `reserve` further grants.
	fn fill_up(&mut self, owner: &T::AccountId, id: RecordId, reserve: u32) {
		let helpers = T::MaxGrantsPerAccount::get()
			.saturating_sub(grants_given::<T>(owner))
			.saturating_sub(reserve);
		let free = Records::<T>::get(id).map_or(0, |r| MAX_GRANTS_PER_RECORD - r.grant_count);
		self.fill(owner, id, free.min(helpers.saturating_mul(per_helper::<T>() + 1)), None);
	}
}

/// How many Read grants each helper of [`Setup::fill`] delegates: one where
/// an owner may give a grant to every reader of a full record, so that as
/// many grants as can be have distinct givers (each giver's deposit is
/// storage of its own to touch when the grant goes); as many as it may
/// where it may not (the mock).
fn per_helper<T: Config>() -> u32 {
	let most = T::MaxGrantsPerAccount::get();
	if most >= MAX_GRANTS_PER_RECORD {
		1
	} else {
		most
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_registrar() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("new-registrar", 0, SEED);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), 3);
		assert_eq!(Registrars::<T>::get(&who), Some(3));
		Ok(())
	}

	#[benchmark]
	fn remove_registrar() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = Setup::<T>::new().registrar;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(!Registrars::<T>::contains_key(&who));
		Ok(())
	}

	/// A registrar registers another account: a key proof and a consent
	/// checked.
	#[benchmark]
	fn register_user() {
		let setup = Setup::<T>::new();
		let who = T::BenchmarkHelper::account();
		let (key, proof) = proven_key::<T>(&who, 7);
		let message = ehr_key_proof::consent_message(
			EhrAcl::<T>::genesis().as_ref(),
			&who.encode(),
			&Role::Doctor.encode(),
			&key,
			1,
			0,
		);
		let consent = T::BenchmarkHelper::sign(&who, &message);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(setup.registrar.clone()),
			who.clone(),
			Role::Doctor,
			key,
			proof,
			Some(consent),
		);
		assert_eq!(Users::<T>::get(&who).map(|u| u.enc_key), Some(key));
	}

	/// `h` grants the user holds dropped, each on a record of another
	/// patient, and `c` it delegated from them cascading (spread over those
	/// records, at most a record's room each); `q` requests closed. The
	/// user's registrar deregisters it. Each count goes to half a call's
	/// budget, so that all of them are dropped in the one call measured.
	#[benchmark]
	fn deregister_user(
		h: Linear<1, { T::MaxDropsPerDeregistration::get() / 2 }>,
		c: Linear<
			0,
			{
				(T::MaxDropsPerDeregistration::get() / 2)
					.min(T::MaxGrantsPerAccount::get())
					.min(MAX_GRANTS_PER_RECORD - 2)
			},
		>,
		q: Linear<0, { T::MaxRequestsPerAccount::get() }>,
	) {
		let mut setup = Setup::<T>::new();
		let who = setup.user("doctor", Role::Doctor);
		let held: Vec<RecordId> = (0..h)
			.map(|_| {
				let (owner, id) = setup.record();
				setup.give(&owner, id, &who, Access::ReadWrite, None);
				id
			})
			.collect();
		for i in 0..c {
			setup.reader(&who, held[i as usize % held.len()], Access::Read, None);
		}
		for _ in 0..q {
			let (_, id) = setup.record();
			EhrAcl::<T>::request_access(RawOrigin::Signed(who.clone()).into(), id, Access::Read)
				.expect("requests");
		}
		let registrar = setup.registrar.clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar.clone()), who.clone());
		assert!(!Users::<T>::contains_key(&who));
		assert_last_event::<T>(Event::UserDeregistered { who, by: registrar });
	}

	#[benchmark]
	fn rotate_encryption_key() {
		let who = Setup::<T>::new().user("doctor", Role::Doctor);
		let (key, proof) = proven_key::<T>(&who, 9);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, proof);
		assert_eq!(Users::<T>::get(&who).map(|u| u.enc_key), Some(key));
	}

	/// A clinician writing into a patient's records through an expiring
	/// ReadWrite grant, with `r` Read readers (each capped to that expiry and
	/// each a grant the clinician may give).
	#[benchmark]
	fn add_record(
		r: Linear<0, { MAX_INITIAL_READERS.min(T::MaxGrantsPerAccount::get().saturating_sub(1)) }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, via) = setup.record();
		let until = Some(now::<T>().saturating_add(100u32.into()));
		let clinician = setup.reader(&owner, via, Access::ReadWrite, until);
		let readers: Vec<NewReaderOf<T>> = (0..r)
			.map(|_| NewReader {
				reader: setup.user("reader", Role::Doctor),
				access: Access::Read,
				wrapped_key: wrapped(3),
				reader_key_version: 0,
				expires_at: None,
			})
			.collect();
		let id = NextRecordId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(clinician),
			owner.clone(),
			long_cid(3),
			[3; 32],
			RecordKind::Prescription,
			(0, wrapped(1)),
			Some((via, 0, wrapped(2))),
			BoundedVec::truncate_from(readers),
		);
		assert_eq!(Records::<T>::get(id).map(|r| r.grant_count), Some(r + 2));
	}

	/// A ReadWrite grantee re-keys a record whose `k` readers (the owner and
	/// itself included) keep access and whose `e` expired grants go.
	#[benchmark]
	fn update_record(
		k: Linear<2, { MAX_GRANTS_PER_RECORD / 2 }>,
		e: Linear<0, { MAX_GRANTS_PER_RECORD / 2 }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let writer = setup.reader(&owner, id, Access::ReadWrite, None);
		setup.fill_for_rekey(&owner, id, k - 2, e);
		expire::<T>();
		let content = content_for::<T>(id, None);
		#[extrinsic_call]
		_(RawOrigin::Signed(writer), id, content);
		assert_eq!(Records::<T>::get(id).map(|r| (r.version, r.grant_count)), Some((2, k)));
	}

	/// `g` grants (the owner's included) and `q` requests go with the record.
	#[benchmark]
	fn remove_record(
		g: Linear<1, MAX_GRANTS_PER_RECORD>,
		q: Linear<0, { T::MaxRequestsPerRecord::get() }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		setup.fill(&owner, id, g - 1, None);
		for _ in 0..q {
			let who = setup.user("researcher", Role::Researcher);
			EhrAcl::<T>::request_access(RawOrigin::Signed(who).into(), id, Access::Read)
				.expect("requests");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		assert!(!Records::<T>::contains_key(id));
	}

	/// A ReadWrite grantee delegates, capped to its own expiry, to an account
	/// whose pending request closes.
	#[benchmark]
	fn grant_access() {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let until = Some(now::<T>().saturating_add(100u32.into()));
		let delegator = setup.reader(&owner, id, Access::ReadWrite, until);
		let to = setup.user("pharmacist", Role::Pharmacist);
		EhrAcl::<T>::request_access(RawOrigin::Signed(to.clone()).into(), id, Access::Read)
			.expect("requests");
		let key_version = key_version::<T>(id);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(delegator),
			id,
			to.clone(),
			Access::Read,
			wrapped(4),
			key_version,
			0,
			None,
		);
		assert!(Grants::<T>::contains_key(id, &to));
		assert!(!Requests::<T>::contains_key(id, &to));
	}

	/// The owner narrows to Read the grant of the clinician that wrote the
	/// record (so the grant, and its deposit, become the owner's), removing
	/// the `d` grants the clinician delegated; the record is otherwise full.
	#[benchmark]
	fn update_access(
		d: Linear<
			0,
			{ (MAX_GRANTS_PER_RECORD - 2).min(T::MaxGrantsPerAccount::get().saturating_sub(1)) },
		>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, via) = setup.record();
		let author = setup.reader(&owner, via, Access::ReadWrite, None);
		let id = setup.authored_record(&author, &owner, via);
		for _ in 0..d {
			setup.reader(&author, id, Access::Read, None);
		}
		// The owner keeps one grant it may give: taking the author's over.
		setup.fill_up(&owner, id, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), id, author.clone(), Access::Read, None);
		let grant = Grants::<T>::get(id, &author).expect("the grant stays");
		assert_eq!((grant.access, grant.granted_by), (Access::Read, owner));
		assert_eq!(grants_given::<T>(&author), 0);
	}

	/// The owner revokes a ReadWrite grant without re-keying: `d` grants go
	/// (the revoked one and what it delegated); the record is otherwise
	/// full.
	#[benchmark]
	fn revoke_access(
		d: Linear<1, { (MAX_GRANTS_PER_RECORD - 1).min(T::MaxGrantsPerAccount::get() + 1) }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let revoked = setup.reader(&owner, id, Access::ReadWrite, None);
		for _ in 1..d {
			setup.reader(&revoked, id, Access::Read, None);
		}
		setup.fill_up(&owner, id, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, revoked.clone(), None);
		assert!(!Grants::<T>::contains_key(id, &revoked));
		assert_eq!(grants_given::<T>(&revoked), 0);
	}

	/// The owner revokes a ReadWrite grant and re-keys: `k` readers (the
	/// owner included) keep access, `d` grants go (the revoked one and
	/// expired ones with what those delegated, each helper's delegation
	/// given by a giver of its own).
	#[benchmark]
	fn revoke_and_rekey(
		k: Linear<1, { MAX_GRANTS_PER_RECORD / 2 }>,
		d: Linear<1, { MAX_GRANTS_PER_RECORD / 2 }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let revoked = setup.reader(&owner, id, Access::ReadWrite, None);
		if per_helper::<T>() == 1 {
			setup.fill_for_rekey(&owner, id, k - 1, d - 1);
		} else {
			// The mock's owner may give few grants: as many expiring ones as
			// it still may, the rest delegated by the revoked grantee.
			setup.fill(&owner, id, k - 1, None);
			let room = T::MaxGrantsPerAccount::get()
				.saturating_sub(grants_given::<T>(&owner))
				.saturating_mul(per_helper::<T>() + 1);
			let expired = (d - 1).min(room);
			for _ in expired..d - 1 {
				setup.reader(&revoked, id, Access::Read, None);
			}
			setup.fill(&owner, id, expired, soon::<T>());
		}
		expire::<T>();
		let rotation = content_for::<T>(id, Some(&revoked));
		#[extrinsic_call]
		revoke_access(RawOrigin::Signed(owner), id, revoked.clone(), Some(rotation));
		assert!(!Grants::<T>::contains_key(id, &revoked));
		assert_eq!(Records::<T>::get(id).map(|r| r.grant_count), Some(k));
	}

	#[benchmark]
	fn request_access() {
		let mut setup = Setup::<T>::new();
		let (_, id) = setup.record();
		let who = setup.user("researcher", Role::Researcher);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id, Access::ReadWrite);
		assert!(Requests::<T>::contains_key(id, &who));
	}

	/// The owner approves, paying the grant's deposit.
	#[benchmark]
	fn answer_request() {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let who = setup.user("researcher", Role::Researcher);
		EhrAcl::<T>::request_access(RawOrigin::Signed(who.clone()).into(), id, Access::Read)
			.expect("requests");
		let approval = Approval {
			wrapped_key: wrapped(5),
			key_version: key_version::<T>(id),
			reader_key_version: 0,
			expires_at: None,
			access: None,
		};
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, who.clone(), Some(approval));
		assert!(Grants::<T>::contains_key(id, &who));
		assert!(!Requests::<T>::contains_key(id, &who));
	}

	#[benchmark]
	fn log_access() {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let reader = setup.reader(&owner, id, Access::Read, None);
		#[extrinsic_call]
		_(RawOrigin::Signed(reader), id);
	}

	/// A ReadWrite grantee renounces, taking the `d` grants it delegated
	/// with it; the record is otherwise full.
	#[benchmark]
	fn renounce_grant(
		d: Linear<0, { (MAX_GRANTS_PER_RECORD - 2).min(T::MaxGrantsPerAccount::get()) }>,
	) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let holder = setup.reader(&owner, id, Access::ReadWrite, None);
		for _ in 0..d {
			setup.reader(&holder, id, Access::Read, None);
		}
		setup.fill_up(&owner, id, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(holder.clone()), id);
		assert!(!Grants::<T>::contains_key(id, &holder));
		assert_eq!(grants_given::<T>(&holder), 0);
	}

	#[benchmark]
	fn cancel_request() {
		let mut setup = Setup::<T>::new();
		let (_, id) = setup.record();
		let who = setup.user("researcher", Role::Researcher);
		EhrAcl::<T>::request_access(RawOrigin::Signed(who.clone()).into(), id, Access::Read)
			.expect("requests");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), id);
		assert!(!Requests::<T>::contains_key(id, &who));
	}

	/// A delegate (a holder of an expiring ReadWrite grant) gives `n` new
	/// readers Read access in one call, each closing a pending request of
	/// the reader's where the record has room for them (all, in the
	/// runtime).
	#[benchmark]
	fn grant_access_many(n: Linear<1, { MAX_INITIAL_READERS.min(T::MaxGrantsPerAccount::get()) }>) {
		let mut setup = Setup::<T>::new();
		let (owner, id) = setup.record();
		let until = Some(now::<T>().saturating_add(100u32.into()));
		let delegator = setup.reader(&owner, id, Access::ReadWrite, until);
		let mut readers = Vec::new();
		for i in 0..n {
			let to = setup.user("pharmacist", Role::Pharmacist);
			if i < T::MaxRequestsPerRecord::get() {
				EhrAcl::<T>::request_access(RawOrigin::Signed(to.clone()).into(), id, Access::Read)
					.expect("requests");
			}
			readers.push(NewReader {
				reader: to,
				access: Access::Read,
				wrapped_key: wrapped(4),
				reader_key_version: 0,
				expires_at: None,
			});
		}
		let last = readers.last().expect("n >= 1").reader.clone();
		let readers: NewReadersOf<T> = BoundedVec::truncate_from(readers);
		let key_version = key_version::<T>(id);
		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), id, key_version, readers);
		assert_eq!(grants_given::<T>(&delegator), n);
		assert_eq!(Grants::<T>::get(id, &last).expect("granted").expires_at, until);
		assert_eq!(Records::<T>::get(id).expect("exists").request_count, 0);
	}

	/// A reader logs its reads of `n` records in one call.
	#[benchmark]
	fn log_access_many(n: Linear<1, MAX_LOGGED_READS>) {
		let mut setup = Setup::<T>::new();
		let reader = setup.user("reader", Role::Doctor);
		let mut ids = Vec::new();
		for _ in 0..n {
			let (owner, id) = setup.record();
			setup.give(&owner, id, &reader, Access::Read, None);
			ids.push(id);
		}
		let last = *ids.last().expect("n >= 1");
		let ids: LoggedReads = BoundedVec::truncate_from(ids);
		#[extrinsic_call]
		_(RawOrigin::Signed(reader.clone()), ids);
		assert_last_event::<T>(Event::AccessLogged {
			id: last,
			by: reader,
			version: 1,
			key_version: 1,
		});
	}

	impl_benchmark_test_suite!(EhrAcl, crate::mock::new_test_ext(), crate::mock::Test);
}
