use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
	traits::PalletInfoAccess,
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::{testing::TestSignature, DispatchError, DispatchResult};

const PATIENT: u64 = 10;
const DOCTOR: u64 = 20;
const PHARMACIST: u64 = 30;
const RESEARCHER: u64 = 40;
const OTHER_PATIENT: u64 = 50;
const STRANGER: u64 = 99;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// The data key of `key_version` wrapped to `who`: distinct for every pair.
fn key(who: u64, key_version: u32) -> WrappedKey {
	[who as u8, key_version as u8].repeat(40).try_into().unwrap()
}

fn cid(s: &str) -> Cid {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn next_id() -> RecordId {
	NextRecordId::<Test>::get()
}

fn user(who: u64) -> UserOf<Test> {
	Users::<Test>::get(who).expect("registered")
}

fn record(id: RecordId) -> RecordOf<Test> {
	Records::<Test>::get(id).expect("record exists")
}

fn grant_of(id: RecordId, who: u64) -> GrantOf<Test> {
	Grants::<Test>::get(id, who).expect("grant exists")
}

/// Who holds a grant on record `id`, in account order.
fn readers(id: RecordId) -> Vec<u64> {
	let mut readers: Vec<u64> = Grants::<Test>::iter_key_prefix(id).collect();
	readers.sort();
	readers
}

fn key_version(id: RecordId) -> u32 {
	Records::<Test>::get(id).map_or(1, |r| r.key_version)
}

// ---- events ----

/// This pallet's events since the last `System::reset_events`, in order.
fn acl_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::EhrAcl(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// `GrantAdded` events since the last reset, in order, as
/// (to, by, access, expires_at, reason).
fn grants_added() -> Vec<(u64, u64, Access, Option<u64>, GrantReason)> {
	acl_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::GrantAdded { to, by, access, expires_at, reason, .. } => {
				Some((to, by, access, expires_at, reason))
			}
			_ => None,
		})
		.collect()
}

/// Grants on `id` removed since the last reset, with why, sorted by account
/// (one call removes them in storage order, which is by hash).
fn removals(id: RecordId) -> Vec<(u64, RemovalReason)> {
	let mut removed: Vec<_> = acl_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::GrantRemoved { id: on, from, reason, .. } if on == id => Some((from, reason)),
			_ => None,
		})
		.collect();
	removed.sort_by_key(|(who, _)| *who);
	removed
}

/// This pallet's latest event (the balance holds and releases it makes emit
/// theirs as well).
fn last_event() -> Event<Test> {
	acl_events().pop().expect("an event")
}

// ---- calls ----

fn register_all() {
	assert_ok!(register(PATIENT, PATIENT, Role::Patient, 1));
	assert_ok!(register(OTHER_PATIENT, OTHER_PATIENT, Role::Patient, 5));
	assert_ok!(register(REGISTRAR, DOCTOR, Role::Doctor, 2));
	assert_ok!(register(REGISTRAR, PHARMACIST, Role::Pharmacist, 3));
	assert_ok!(register(REGISTRAR, RESEARCHER, Role::Researcher, 4));
}

/// Registers `accounts` as researchers of hospital 1.
fn register_staff(accounts: impl IntoIterator<Item = u64>) {
	for who in accounts {
		assert_ok!(register(REGISTRAR, who, Role::Researcher, 4));
	}
}

/// An `add_record` call being put together.
struct NewRecord {
	by: u64,
	patient: u64,
	cid: Cid,
	owner_key: (u32, WrappedKey),
	author_key: Option<(RecordId, u32, WrappedKey)>,
	readers: Vec<NewReaderOf<Test>>,
}

impl NewRecord {
	/// `patient` adding a record of its own.
	fn of(patient: u64) -> Self {
		Self {
			by: patient,
			patient,
			cid: cid("bafy-note"),
			owner_key: (kv(patient), key(patient, 1)),
			author_key: None,
			readers: Vec::new(),
		}
	}

	/// `clinician` writing into `patient`'s records on the strength of its
	/// ReadWrite grant on record `via`.
	fn written_by(clinician: u64, patient: u64, via: RecordId) -> Self {
		let author_key = Some((via, kv(clinician), key(clinician, 1)));
		Self { by: clinician, author_key, ..Self::of(patient) }
	}

	fn reader(mut self, who: u64, access: Access, expires_at: Option<u64>) -> Self {
		let (wrapped_key, reader_key_version) = (key(who, 1), kv(who));
		self.readers.push(NewReader {
			reader: who,
			access,
			wrapped_key,
			reader_key_version,
			expires_at,
		});
		self
	}

	fn try_add(self) -> DispatchResult {
		EhrAcl::add_record(
			signed(self.by),
			self.patient,
			self.cid,
			[1; 32],
			RecordKind::Note,
			self.owner_key,
			self.author_key,
			self.readers.try_into().unwrap(),
		)
	}

	/// The `RecordAdded` event of this call, had it landed as record `id`.
	fn added_as(&self, id: RecordId) -> Event<Test> {
		Event::RecordAdded {
			id,
			owner: self.patient,
			author: self.by,
			kind: RecordKind::Note,
			cid: self.cid.clone(),
			ciphertext_digest: [1; 32],
		}
	}

	/// Adds the record; returns the id the chain gave it.
	fn add(self) -> RecordId {
		let id = next_id();
		assert_ok!(self.try_add());
		id
	}
}

/// `by` gives `to` access to record `id`, wrapping the current data key.
fn grant(
	by: u64,
	id: RecordId,
	to: u64,
	access: Access,
	expires_at: Option<u64>,
) -> DispatchResult {
	let key_version = key_version(id);
	let wrapped = key(to, key_version);
	EhrAcl::grant_access(signed(by), id, to, access, wrapped, key_version, kv(to), expires_at)
}

/// `who`'s current encryption key version, what a key wrapped for it now
/// names.
fn kv(who: u64) -> u32 {
	Users::<Test>::get(who).map_or(0, |u| u.enc_key_version)
}

/// New content built on key version `based_on`, its data key wrapped for
/// `readers`.
fn rekey(based_on: u32, readers: &[u64]) -> NewContent<u64> {
	let keys: Vec<_> =
		readers.iter().map(|who| (*who, kv(*who), key(*who, based_on + 1))).collect();
	NewContent {
		based_on,
		cid: cid(&format!("bafy-v{}", based_on + 1)),
		ciphertext_digest: [based_on as u8 + 1; 32],
		keys: keys.try_into().unwrap(),
	}
}

/// `by` re-keys record `id` for `readers`, built on its current key version.
fn update(by: u64, id: RecordId, readers: &[u64]) -> DispatchResultWithPostInfo {
	EhrAcl::update_record(signed(by), id, rekey(key_version(id), readers))
}

fn revoke(by: u64, id: RecordId, from: u64) -> DispatchResultWithPostInfo {
	EhrAcl::revoke_access(signed(by), id, from, None)
}

fn approval(to: u64, key_version: u32, expires_at: Option<u64>) -> Option<Approval<u64>> {
	let wrapped_key = key(to, key_version);
	Some(Approval {
		wrapped_key,
		key_version,
		reader_key_version: kv(to),
		expires_at,
		access: None,
	})
}

// ---- fixtures ----

/// Everyone registered; the patient's record 0 with the doctor holding
/// ReadWrite, given by the patient.
fn record_shared_with_doctor() -> RecordId {
	register_all();
	NewRecord::of(PATIENT).reader(DOCTOR, Access::ReadWrite, None).add()
}

/// As [`record_shared_with_doctor`], and the doctor has delegated Read to
/// the pharmacist.
fn record_with_delegate() -> RecordId {
	let id = record_shared_with_doctor();
	assert_ok!(grant(DOCTOR, id, PHARMACIST, Access::Read, None));
	id
}

// ---- registrars ----

/// The owner revokes the doctor: the pharmacist's grant, which the doctor
/// gave, goes in the same call and only the owner is left.
fn revoke_doctor_and_its_delegate(id: RecordId) {
	System::reset_events();
	assert_ok!(revoke(PATIENT, id, DOCTOR));
	assert_eq!(
		removals(id),
		vec![(DOCTOR, RemovalReason::Revoked), (PHARMACIST, RemovalReason::Cascaded)]
	);
	assert_eq!(readers(id), vec![PATIENT]);
}

#[test]
fn governance_adds_and_removes_registrars() {
	new_test_ext().execute_with(|| {
		assert_ok!(EhrAcl::add_registrar(RawOrigin::Root.into(), 3, 7));
		assert_eq!(Registrars::<Test>::get(3), Some(7));
		assert_eq!(last_event(), Event::RegistrarAdded { registrar: 3, org: 7 });
		assert_ok!(EhrAcl::remove_registrar(RawOrigin::Root.into(), 3));
		assert_eq!(Registrars::<Test>::get(3), None);
		assert_eq!(last_event(), Event::RegistrarRemoved { registrar: 3 });
	});
}

#[test]
fn registrar_changes_need_governance_and_are_checked() {
	new_test_ext().execute_with(|| {
		assert_noop!(EhrAcl::add_registrar(signed(REGISTRAR), 3, 7), DispatchError::BadOrigin);
		assert_noop!(
			EhrAcl::remove_registrar(signed(REGISTRAR), OTHER_REGISTRAR),
			DispatchError::BadOrigin
		);
		assert_noop!(
			EhrAcl::add_registrar(RawOrigin::Root.into(), REGISTRAR, 9),
			Error::<Test>::AlreadyRegistrar
		);
		assert_noop!(
			EhrAcl::remove_registrar(RawOrigin::Root.into(), 3),
			Error::<Test>::NotRegistrar
		);
	});
}

// ---- users ----

#[test]
fn patient_registers_itself_and_registrar_registers_staff() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(PATIENT, PATIENT, Role::Patient, 1));
		assert_eq!((user(PATIENT).org, user(PATIENT).registered_by), (None, PATIENT));
		assert_eq!(
			last_event(),
			Event::UserRegistered {
				who: PATIENT,
				role: Role::Patient,
				org: None,
				by: PATIENT,
				enc_key: enc_key(1)
			}
		);
		assert_ok!(register(REGISTRAR, DOCTOR, Role::Doctor, 2));
		let doctor = user(DOCTOR);
		assert_eq!(
			(doctor.role, doctor.org, doctor.enc_key, doctor.registered_by),
			(Role::Doctor, Some(HOSPITAL), enc_key(2), REGISTRAR)
		);
		assert_eq!(
			last_event(),
			Event::UserRegistered {
				who: DOCTOR,
				role: Role::Doctor,
				org: Some(HOSPITAL),
				by: REGISTRAR,
				enc_key: enc_key(2)
			}
		);
	});
}

#[test]
fn register_user_errors() {
	new_test_ext().execute_with(|| {
		// Staff cannot register themselves, nor can anyone register others.
		assert_noop!(register(DOCTOR, DOCTOR, Role::Doctor, 2), Error::<Test>::NotRegistrar);
		assert_noop!(
			register(PATIENT, OTHER_PATIENT, Role::Patient, 2),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, [0; 32], [0; 64], None),
			Error::<Test>::InvalidEncryptionKey
		);
		assert_ok!(register(PATIENT, PATIENT, Role::Patient, 1));
		assert_noop!(
			register(PATIENT, PATIENT, Role::Patient, 1),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			EhrAcl::register_user(
				RawOrigin::None.into(),
				PATIENT,
				Role::Patient,
				enc_key(1),
				key_proof(PATIENT, 1),
				None
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn deregister_by_self_or_own_hospital_registrar_drops_grants_and_requests() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		System::reset_events();
		assert_ok!(EhrAcl::deregister_user(signed(REGISTRAR), DOCTOR));
		assert!(!Users::<Test>::contains_key(DOCTOR));
		assert!(Grants::<Test>::get(id, DOCTOR).is_none());
		assert!(GrantsHeld::<Test>::get(DOCTOR, id).is_none());
		assert_eq!(record(id).grant_count, 1);
		assert_eq!(
			acl_events(),
			vec![
				Event::GrantRemoved {
					id,
					from: DOCTOR,
					by: REGISTRAR,
					reason: RemovalReason::Deregistered
				},
				Event::UserDeregistered { who: DOCTOR, by: REGISTRAR },
			]
		);

		System::reset_events();
		assert_ok!(EhrAcl::deregister_user(signed(RESEARCHER), RESEARCHER));
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!(record(id).request_count, 0);
		assert_eq!(
			acl_events(),
			vec![
				Event::RequestClosed {
					id,
					requester: RESEARCHER,
					by: RESEARCHER,
					outcome: RequestOutcome::Deregistered
				},
				Event::UserDeregistered { who: RESEARCHER, by: RESEARCHER },
			]
		);
	});
}

/// Storage keys of the grants on record `id` that a call run by `call` read
/// (their values are in the call's storage proof), by reader.
fn grants_read(id: RecordId, call: impl FnOnce()) -> Vec<u64> {
	let mut ext = new_test_ext();
	let mut readers = Vec::new();
	ext.execute_with(|| {
		// The doctor holds ReadWrite and delegated to the pharmacist; five
		// other readers the patient gave access to have nothing to do with
		// either.
		assert_eq!(record_with_delegate(), id);
		register_staff(60..65);
		for other in 60..65 {
			assert_ok!(grant(PATIENT, id, other, Access::Read, None));
		}
		readers = Grants::<Test>::iter_key_prefix(id).collect();
	});
	ext.commit_all().unwrap();
	let root = *ext.as_backend().root();
	let ((), proof) = ext.execute_and_prove(call);
	let mut read: Vec<u64> = readers
		.into_iter()
		.filter(|reader| {
			let key = Grants::<Test>::hashed_key_for(id, reader);
			sp_state_machine::read_proof_check::<sp_runtime::traits::BlakeTwo256, _>(
				root,
				proof.clone(),
				[key],
			)
			.is_ok()
		})
		.collect();
	read.sort_unstable();
	read
}

/// Dropping a grant finds what cascades from it through `Delegations`, not
/// by reading every grant of the record: what a call touches (and what its
/// weight must price) grows with what it drops, not with the record.
#[test]
fn cascades_read_only_the_grants_they_drop() {
	let id = 0;
	let deregistered = grants_read(id, || {
		assert_ok!(EhrAcl::deregister_user(signed(REGISTRAR), DOCTOR));
	});
	assert_eq!(deregistered, vec![DOCTOR, PHARMACIST]);
	let revoked = grants_read(id, || {
		assert_ok!(revoke(PATIENT, id, DOCTOR));
	});
	assert_eq!(revoked, vec![DOCTOR, PHARMACIST]);
	let renounced = grants_read(id, || {
		assert_ok!(EhrAcl::renounce_grant(signed(DOCTOR), id));
	});
	assert_eq!(renounced, vec![DOCTOR, PHARMACIST]);
	let narrowed = grants_read(id, || {
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::Read, None));
	});
	assert_eq!(narrowed, vec![DOCTOR, PHARMACIST]);
}

/// A chain from before the `Delegations` index (storage version 0) gets the
/// index built on the upgrade, so that revoking a delegator still takes
/// what it delegated before; a new chain starts at the current version and
/// the migration does nothing on it.
#[test]
fn upgrade_to_storage_version_1_builds_the_delegations_index() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		assert_eq!(EhrAcl::on_chain_storage_version(), 2);
		let id = record_with_delegate();
		let index: Vec<_> = Delegations::<Test>::iter_keys().collect();
		assert_eq!(index, vec![(id, DOCTOR, PHARMACIST)]);
		crate::migrations::V0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Delegations::<Test>::iter_keys().collect::<Vec<_>>(), index);

		let _ = Delegations::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<EhrAcl>();
		crate::migrations::V0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(EhrAcl::on_chain_storage_version(), 1);
		assert_eq!(Delegations::<Test>::iter_keys().collect::<Vec<_>>(), index);
		revoke_doctor_and_its_delegate(id);
	});
}

/// Every wrapped key names the reader's encryption key version it is
/// wrapped for, and the grant keeps it: a key built before the reader
/// rotated (for a key it may have retired because it leaked) is refused in
/// every call that writes one, and changes nothing.
#[test]
fn wrapped_keys_name_the_readers_current_key_version() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_eq!(grant_of(id, DOCTOR).reader_key_version, 0);
		assert_ok!(rotate(PHARMACIST, 40));
		assert_ok!(rotate(DOCTOR, 41));
		let stale = |e| assert_eq!(e, Error::<Test>::ReaderKeyRotated.into());
		let (wrapped, version) = (key(PHARMACIST, 1), key_version(id));
		let granting = |reader_key_version| {
			EhrAcl::grant_access(
				signed(PATIENT),
				id,
				PHARMACIST,
				Access::Read,
				wrapped.clone(),
				version,
				reader_key_version,
				None,
			)
		};
		assert_noop!(granting(0), Error::<Test>::ReaderKeyRotated);
		assert_ok!(granting(1));
		assert_eq!(grant_of(id, PHARMACIST).reader_key_version, 1);

		// A re-key naming the doctor's old version (an update, a revocation
		// that rotates); then its current one.
		let mut old = rekey(version, &[PATIENT, DOCTOR, PHARMACIST]);
		old.keys[1].1 = 0;
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), id, old),
			Error::<Test>::ReaderKeyRotated
		);
		let mut old = rekey(version, &[PATIENT, DOCTOR]);
		old.keys[1].1 = 0;
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, PHARMACIST, Some(old)),
			Error::<Test>::ReaderKeyRotated
		);
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR, PHARMACIST]));
		assert_eq!(grant_of(id, DOCTOR).reader_key_version, 1);

		// A new record's own key and its author's, for a version that is
		// not the current one.
		let owners = NewRecord { owner_key: (1, key(PATIENT, 1)), ..NewRecord::of(PATIENT) };
		assert_noop!(owners.try_add(), Error::<Test>::ReaderKeyRotated);
		let mut authors = NewRecord::written_by(DOCTOR, PATIENT, id);
		authors.author_key.as_mut().unwrap().1 = 0;
		assert_noop!(authors.try_add(), Error::<Test>::ReaderKeyRotated);

		// A new record's reader, and an approval, for an old version.
		let reader = NewRecord::of(PATIENT).reader(PHARMACIST, Access::Read, None);
		let mut old_reader = reader;
		old_reader.readers[0].reader_key_version = 0;
		stale(old_reader.try_add().unwrap_err());
		assert_ok!(EhrAcl::renounce_grant(signed(PHARMACIST), id));
		assert_ok!(EhrAcl::request_access(signed(PHARMACIST), id, Access::Read));
		let version = key_version(id);
		let old_approval = Approval {
			wrapped_key: key(PHARMACIST, version),
			key_version: version,
			reader_key_version: 0,
			expires_at: None,
			access: None,
		};
		assert_noop!(
			EhrAcl::answer_request(signed(PATIENT), id, PHARMACIST, Some(old_approval)),
			Error::<Test>::ReaderKeyRotated
		);
		assert_ok!(EhrAcl::answer_request(
			signed(PATIENT),
			id,
			PHARMACIST,
			approval(PHARMACIST, version, None)
		));
		assert_eq!(grant_of(id, PHARMACIST).reader_key_version, 1);

		// A reader that left after the call was built: the readers changed.
		let content = rekey(key_version(id), &[PATIENT, DOCTOR, PHARMACIST]);
		assert_ok!(EhrAcl::deregister_user(signed(PHARMACIST), PHARMACIST));
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), id, content),
			Error::<Test>::ReadersChanged
		);
	});
}

/// Stores `who`'s grant on record `id` as storage version 1 kept it (the
/// same fields without the last).
fn store_grant_as_v1(id: RecordId, who: u64) {
	let g = grant_of(id, who);
	let v1 = (g.wrapped_key, g.access, g.granted_by, g.granted_at, g.expires_at, g.key_version);
	frame_support::storage::unhashed::put_raw(
		&Grants::<Test>::hashed_key_for(id, who),
		&v1.encode(),
	);
}

/// A chain at storage version 0 upgrading straight to 2 runs both
/// migrations in the runtime's order: the index is built from grants still
/// in the old layout, and every grant decodes afterwards.
#[test]
fn upgrade_from_storage_version_0_runs_both_migrations() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		let index: Vec<_> = Delegations::<Test>::iter_keys().collect();
		let holders = readers(id);
		let _ = Delegations::<Test>::clear(u32::MAX, None);
		for who in &holders {
			store_grant_as_v1(id, *who);
		}
		assert_eq!(Grants::<Test>::iter().count(), 0, "the old layout does not decode");
		StorageVersion::new(0).put::<EhrAcl>();
		<(crate::migrations::V0ToV1<Test>, crate::migrations::V1ToV2<Test>)>::on_runtime_upgrade();
		assert_eq!(EhrAcl::on_chain_storage_version(), 2);
		assert_eq!(Delegations::<Test>::iter_keys().collect::<Vec<_>>(), index);
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), holders.len());
		revoke_doctor_and_its_delegate(id);
	});
}

/// Grants written before storage version 2 get reader key version 0
/// ("unknown") on the upgrade, everything else kept.
#[test]
fn upgrade_to_storage_version_2_marks_reader_key_versions_unknown() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(rotate(DOCTOR, 41));
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR]));
		let before = grant_of(id, DOCTOR);
		assert_eq!(before.reader_key_version, 1);
		store_grant_as_v1(id, DOCTOR);
		StorageVersion::new(1).put::<EhrAcl>();
		crate::migrations::V1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(EhrAcl::on_chain_storage_version(), 2);
		assert_eq!(grant_of(id, DOCTOR), Grant { reader_key_version: 0, ..before });
		// A second run does nothing.
		crate::migrations::V1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(grant_of(id, DOCTOR).reader_key_version, 0);
	});
}

#[test]
fn deregister_user_errors() {
	new_test_ext().execute_with(|| {
		let _ = record_shared_with_doctor();
		assert_noop!(
			EhrAcl::deregister_user(signed(STRANGER), STRANGER),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			EhrAcl::deregister_user(signed(OTHER_REGISTRAR), DOCTOR),
			Error::<Test>::NotAllowedToDeregister
		);
		assert_noop!(
			EhrAcl::deregister_user(signed(PHARMACIST), DOCTOR),
			Error::<Test>::NotAllowedToDeregister
		);
		// A self-registered patient belongs to no hospital.
		assert_noop!(
			EhrAcl::deregister_user(signed(REGISTRAR), PATIENT),
			Error::<Test>::NotAllowedToDeregister
		);
		assert_noop!(
			EhrAcl::deregister_user(signed(PATIENT), PATIENT),
			Error::<Test>::UserOwnsRecords
		);
	});
}

#[test]
fn rotate_encryption_key_replaces_key_and_bumps_version() {
	new_test_ext().execute_with(|| {
		register_all();
		assert_ok!(rotate(DOCTOR, 9));
		assert_eq!((user(DOCTOR).enc_key, user(DOCTOR).enc_key_version), (enc_key(9), 1));
		assert_eq!(
			last_event(),
			Event::EncryptionKeyRotated { who: DOCTOR, enc_key: enc_key(9), enc_key_version: 1 }
		);
	});
}

/// Keys nobody could agree a secret with, by class: each is refused at
/// registration and at rotation, and changes nothing.
#[test]
fn unusable_encryption_keys_are_refused() {
	let le = |hex: &str| -> EncryptionKey {
		let bytes: Vec<u8> =
			(0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
		bytes.try_into().unwrap()
	};
	let p_minus = |n: u8| {
		let mut k = [0xff; 32];
		k[0] = 0xed - n;
		k[31] = 0x7f;
		k
	};
	let with_top_bit = |mut k: EncryptionKey| {
		k[31] |= 0x80;
		k
	};
	let unusable = [
		// Small order, canonical.
		("zero", [0; 32]),
		("one", le("0100000000000000000000000000000000000000000000000000000000000000")),
		("order 8", le("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")),
		("order 8'", le("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")),
		("p - 1", p_minus(1)),
		// Not canonical: at or above the field prime (p is 0, p + 1 is 1).
		("p", p_minus(0)),
		("p + 1", {
			let mut k = p_minus(0);
			k[0] = 0xee;
			k
		}),
		("2^255 - 1", {
			let mut k = [0xff; 32];
			k[31] = 0x7f;
			k
		}),
		// Not canonical: the top bit set on an otherwise good key.
		("top bit", with_top_bit(enc_key(2))),
		("top bit on zero", with_top_bit([0; 32])),
	];
	new_test_ext().execute_with(|| {
		register_all();
		for (class, key) in unusable {
			assert!(!is_usable_enc_key(&key), "{class}");
			assert_noop!(
				EhrAcl::register_user(signed(REGISTRAR), 60, Role::Doctor, key, [0; 64], None),
				Error::<Test>::InvalidEncryptionKey
			);
			assert_noop!(
				EhrAcl::rotate_encryption_key(signed(DOCTOR), key, [0; 64]),
				Error::<Test>::InvalidEncryptionKey
			);
		}
		// The largest canonical encoding that is not of small order passes
		// the key check (and then needs a proof nobody can make).
		assert!(is_usable_enc_key(&p_minus(2)));
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), p_minus(2), key_proof(DOCTOR, 9)),
			Error::<Test>::BadKeyProof
		);
	});
}

#[test]
fn rotate_encryption_key_errors() {
	new_test_ext().execute_with(|| {
		register_all();
		assert_noop!(rotate(STRANGER, 9), Error::<Test>::NotRegistered);
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), [0; 32], [0; 64]),
			Error::<Test>::InvalidEncryptionKey
		);
		assert_noop!(rotate(DOCTOR, 2), Error::<Test>::SameEncryptionKey);
	});
}

/// A key goes on chain only with a proof by its secret over this chain, the
/// account and the key: a proof by another secret, for another account, on
/// another chain or for another key is refused, at registration and at
/// rotation, and changes nothing.
#[test]
fn key_proofs_are_checked() {
	new_test_ext().execute_with(|| {
		register_all();
		let genesis = EhrAcl::genesis();
		let other_chain = {
			let message =
				ehr_key_proof::key_proof_message(&[1; 32], &STRANGER.encode(), &enc_key(30));
			ehr_key_proof::sign(&[30; 32], &message, &[0; 64])
		};
		assert_ne!(genesis.as_ref(), &[1; 32]);
		for (case, proof) in [
			("by another secret", key_proof(STRANGER, 31)),
			("for another account", key_proof(PATIENT, 30)),
			("on another chain", other_chain),
			("all zero", [0; 64]),
		] {
			let by_patient = EhrAcl::register_user(
				signed(STRANGER),
				STRANGER,
				Role::Patient,
				enc_key(30),
				proof,
				None,
			);
			assert_eq!(by_patient, Err(Error::<Test>::BadKeyProof.into()), "{case}");
			let by_registrar = EhrAcl::register_user(
				signed(REGISTRAR),
				STRANGER,
				Role::Doctor,
				enc_key(30),
				proof,
				Some(consent(STRANGER, Role::Doctor, 30, HOSPITAL)),
			);
			assert_eq!(by_registrar, Err(Error::<Test>::BadKeyProof.into()), "{case}");
		}
		// The doctor's proof for key 9 does not rotate it to key 10.
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), enc_key(10), key_proof(DOCTOR, 9)),
			Error::<Test>::BadKeyProof
		);
		// Another account's proof of its own key does not let the doctor
		// claim that key.
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), enc_key(1), key_proof(PATIENT, 1)),
			Error::<Test>::BadKeyProof
		);
		assert!(!Users::<Test>::contains_key(STRANGER));
		assert_ok!(register(STRANGER, STRANGER, Role::Patient, 30));
		assert_ok!(rotate(DOCTOR, 10));
	});
}

/// A registrar registers another account only with that account's consent
/// to exactly this role, key and hospital; a patient may be registered by a
/// registrar this way (and then belongs to its hospital).
#[test]
fn registration_by_a_registrar_needs_the_subjects_consent() {
	new_test_ext().execute_with(|| {
		let proof = key_proof(DOCTOR, 2);
		let attempt = |consent: Option<TestSignature>| {
			EhrAcl::register_user(
				signed(REGISTRAR),
				DOCTOR,
				Role::Doctor,
				enc_key(2),
				proof,
				consent,
			)
		};
		assert_noop!(attempt(None), Error::<Test>::ConsentMissing);
		let genesis = EhrAcl::genesis();
		let message = ehr_key_proof::consent_message(
			genesis.as_ref(),
			&DOCTOR.encode(),
			&Role::Doctor.encode(),
			&enc_key(2),
			HOSPITAL,
			0,
		);
		for (case, bad) in [
			("signed by the registrar", TestSignature(REGISTRAR, message)),
			("to another role", consent(DOCTOR, Role::Researcher, 2, HOSPITAL)),
			("to another key", consent(DOCTOR, Role::Doctor, 3, HOSPITAL)),
			("to another hospital", consent(DOCTOR, Role::Doctor, 2, OTHER_HOSPITAL)),
		] {
			assert_eq!(attempt(Some(bad)), Err(Error::<Test>::BadConsent.into()), "{case}");
		}
		assert!(!Users::<Test>::contains_key(DOCTOR));
		assert_ok!(attempt(Some(consent(DOCTOR, Role::Doctor, 2, HOSPITAL))));
		assert_eq!(user(DOCTOR).org, Some(HOSPITAL));
		// A patient too, with its consent; it joins the registrar's hospital.
		assert_noop!(
			EhrAcl::register_user(
				signed(REGISTRAR),
				PATIENT,
				Role::Patient,
				enc_key(1),
				key_proof(PATIENT, 1),
				None
			),
			Error::<Test>::ConsentMissing
		);
		assert_ok!(register(REGISTRAR, PATIENT, Role::Patient, 1));
		assert_eq!((user(PATIENT).org, user(PATIENT).registered_by), (Some(HOSPITAL), REGISTRAR));
	});
}

/// Two registrars of the hospital submit the same consent in one block: the
/// first registers the account, the second is refused and holds nothing.
#[test]
fn the_same_consent_submitted_twice_at_once_registers_once() {
	new_test_ext().execute_with(|| {
		let second = 60;
		Registrars::<Test>::insert(second, HOSPITAL);
		let given = consent(DOCTOR, Role::Doctor, 2, HOSPITAL);
		let by = |registrar: u64| {
			EhrAcl::register_user(
				signed(registrar),
				DOCTOR,
				Role::Doctor,
				enc_key(2),
				key_proof(DOCTOR, 2),
				Some(given.clone()),
			)
		};
		assert_ok!(by(REGISTRAR));
		assert_noop!(by(second), Error::<Test>::AlreadyRegistered);
		assert_eq!((held(REGISTRAR), held(second)), (USER_DEPOSIT, 0));
		assert_eq!(
			(user(DOCTOR).registered_by, Registrations::<Test>::get(DOCTOR)),
			(REGISTRAR, 1)
		);
	});
}

/// A consent is used at most once: after the account is deregistered, its
/// registrar cannot register it again with the consent it once gave (say,
/// to bring back a key it has since rotated away from); a new consent, to
/// the account's next registration, works.
#[test]
fn a_consent_cannot_be_replayed_after_deregistration() {
	new_test_ext().execute_with(|| {
		let given = consent(DOCTOR, Role::Doctor, 2, HOSPITAL);
		let replay = || {
			EhrAcl::register_user(
				signed(REGISTRAR),
				DOCTOR,
				Role::Doctor,
				enc_key(2),
				key_proof(DOCTOR, 2),
				Some(given.clone()),
			)
		};
		assert_ok!(replay());
		assert_eq!(Registrations::<Test>::get(DOCTOR), 1);
		assert_ok!(rotate(DOCTOR, 9));
		assert_ok!(EhrAcl::deregister_user(signed(REGISTRAR), DOCTOR));
		assert_noop!(replay(), Error::<Test>::BadConsent);
		assert_ok!(register(REGISTRAR, DOCTOR, Role::Doctor, 9));
		assert_eq!(Registrations::<Test>::get(DOCTOR), 2);
	});
}

// ---- records ----

#[test]
fn patient_adds_record_with_its_first_readers_in_one_call() {
	new_test_ext().execute_with(|| {
		register_all();
		System::reset_events();
		let call = NewRecord::of(PATIENT).reader(DOCTOR, Access::ReadWrite, None).reader(
			PHARMACIST,
			Access::Read,
			Some(20),
		);
		let added_event = call.added_as(0);
		let id = call.add();
		assert_eq!((id, next_id()), (0, 1));
		let added = record(id);
		assert_eq!(
			(added.owner, added.author, added.version, added.key_version, added.grant_count),
			(PATIENT, PATIENT, 1, 1, 3)
		);
		assert_eq!(
			grant_of(id, PHARMACIST),
			Grant {
				wrapped_key: key(PHARMACIST, 1),
				access: Access::Read,
				granted_by: PATIENT,
				granted_at: 1,
				expires_at: Some(20),
				key_version: 1,
				reader_key_version: 0
			}
		);
		assert_eq!(grant_of(id, PATIENT).access, Access::ReadWrite);
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![id]);
		let patient = user(PATIENT);
		assert_eq!((patient.records_owned, patient.grants_held, patient.grants_given), (1, 1, 2));
		assert_eq!(acl_events()[0], added_event);
		assert_eq!(
			grants_added(),
			vec![
				(PATIENT, PATIENT, Access::ReadWrite, None, GrantReason::Owner),
				(DOCTOR, PATIENT, Access::ReadWrite, None, GrantReason::Granted),
				(PHARMACIST, PATIENT, Access::Read, Some(20), GrantReason::Granted),
			]
		);
		assert_eq!(acl_events().len(), 4);
	});
}

#[test]
fn doctor_with_read_write_writes_into_patient_records() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		System::reset_events();
		let call =
			NewRecord::written_by(DOCTOR, PATIENT, via).reader(PHARMACIST, Access::Read, None);
		let added_event = call.added_as(via + 1);
		let id = call.add();
		assert_eq!(id, via + 1);
		let added = record(id);
		assert_eq!((added.owner, added.author, added.grant_count), (PATIENT, DOCTOR, 3));
		let authors = grant_of(id, DOCTOR);
		assert_eq!((authors.access, authors.granted_by), (Access::ReadWrite, DOCTOR));
		assert_eq!(grant_of(id, PHARMACIST).granted_by, DOCTOR);
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![via, id]);
		assert_eq!(acl_events()[0], added_event);
		assert_eq!(
			grants_added(),
			vec![
				(PATIENT, DOCTOR, Access::ReadWrite, None, GrantReason::Owner),
				(DOCTOR, DOCTOR, Access::ReadWrite, None, GrantReason::Authored),
				(PHARMACIST, DOCTOR, Access::Read, None, GrantReason::Delegated),
			]
		);
		// The author's readers hang on its grant; the owner's grant, though
		// the author wrote it, does not.
		revoke_doctor_and_its_delegate(id);
	});
}

#[test]
fn author_grant_takes_the_via_grants_expiry_and_cannot_outlive_it() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(
			signed(PATIENT),
			via,
			DOCTOR,
			Access::ReadWrite,
			Some(50)
		));
		let id = NewRecord::written_by(DOCTOR, PATIENT, via)
			.reader(PHARMACIST, Access::Read, Some(80))
			.reader(RESEARCHER, Access::Read, None)
			.reader(OTHER_PATIENT, Access::Read, Some(30))
			.add();
		let expiry = |who| grant_of(id, who).expires_at;
		assert_eq!(expiry(DOCTOR), Some(50));
		// The clinician's readers end no later than the clinician.
		assert_eq!(
			(expiry(PHARMACIST), expiry(RESEARCHER), expiry(OTHER_PATIENT)),
			(Some(50), Some(50), Some(30))
		);
		assert_eq!(expiry(PATIENT), None);

		System::set_block_number(50);
		assert_noop!(EhrAcl::log_access(signed(DOCTOR), id), Error::<Test>::GrantExpired);
		// Nor does the written record carry the care relationship on.
		assert_noop!(
			NewRecord::written_by(DOCTOR, PATIENT, id).try_add(),
			Error::<Test>::NoCareRelationship
		);
	});
}

#[test]
fn add_record_errors() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		let by_doctor = || NewRecord::written_by(DOCTOR, PATIENT, via);
		assert_noop!(
			NewRecord { cid: cid(""), ..NewRecord::of(PATIENT) }.try_add(),
			Error::<Test>::EmptyCid
		);
		// Paths, queries, spaces, escape sequences and non-ASCII are not CIDs.
		for bad in ["bafy/../../etc", "bafy?arg=x", "bafy x", "bafy\u{1b}[2J", "bafyé"] {
			assert_noop!(
				NewRecord { cid: cid(bad), ..NewRecord::of(PATIENT) }.try_add(),
				Error::<Test>::InvalidCid
			);
		}
		assert_noop!(
			NewRecord { owner_key: (0, BoundedVec::new()), ..NewRecord::of(PATIENT) }.try_add(),
			Error::<Test>::EmptyWrappedKey
		);
		assert_noop!(NewRecord::of(STRANGER).try_add(), Error::<Test>::NotRegistered);
		assert_noop!(NewRecord::of(DOCTOR).try_add(), Error::<Test>::NotPatient);

		// A clinician needs a care relationship: a current ReadWrite grant
		// on a record of the same patient.
		for no_care in [
			NewRecord { author_key: None, ..by_doctor() },
			NewRecord::written_by(PHARMACIST, PATIENT, via),
			NewRecord::written_by(DOCTOR, OTHER_PATIENT, via),
			NewRecord::written_by(DOCTOR, PATIENT, 9),
		] {
			assert_noop!(no_care.try_add(), Error::<Test>::NoCareRelationship);
		}
		assert_ok!(grant(PATIENT, via, PHARMACIST, Access::Read, None));
		assert_noop!(
			NewRecord::written_by(PHARMACIST, PATIENT, via).try_add(),
			Error::<Test>::NoCareRelationship
		);
		assert_noop!(
			NewRecord { author_key: Some((via, 0, BoundedVec::new())), ..by_doctor() }.try_add(),
			Error::<Test>::EmptyWrappedKey
		);

		// Readers: each once, never the owner or the author, registered,
		// with a key and a future expiry; a clinician's only Read.
		let researcher_twice = NewRecord::of(PATIENT)
			.reader(RESEARCHER, Access::Read, None)
			.reader(RESEARCHER, Access::ReadWrite, None);
		for duplicate in [
			NewRecord::of(PATIENT).reader(PATIENT, Access::Read, None),
			researcher_twice,
			by_doctor().reader(PATIENT, Access::Read, None),
			by_doctor().reader(DOCTOR, Access::Read, None),
		] {
			assert_noop!(duplicate.try_add(), Error::<Test>::DuplicateReader);
		}
		assert_noop!(
			NewRecord::of(PATIENT).reader(STRANGER, Access::Read, None).try_add(),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			NewRecord::of(PATIENT).reader(RESEARCHER, Access::Read, Some(1)).try_add(),
			Error::<Test>::ExpiryInPast
		);
		let mut keyless = NewRecord::of(PATIENT).reader(RESEARCHER, Access::Read, None);
		keyless.readers[0].wrapped_key = BoundedVec::new();
		assert_noop!(keyless.try_add(), Error::<Test>::EmptyWrappedKey);
		assert_noop!(
			by_doctor().reader(RESEARCHER, Access::ReadWrite, None).try_add(),
			Error::<Test>::CannotDelegateReadWrite
		);

		for _ in 1..MaxRecordsPerPatient::get() {
			NewRecord::of(PATIENT).add();
		}
		assert_noop!(NewRecord::of(PATIENT).try_add(), Error::<Test>::TooManyRecords);
	});
}

#[test]
fn add_record_readers_land_all_or_nothing() {
	new_test_ext().execute_with(|| {
		register_all();
		let readers = 100..100 + MaxGrantsPerAccount::get() as u64 + 1;
		register_staff(readers.clone());
		let held_before = held(PATIENT);
		// The last reader is one grant more than the patient may give: the
		// grants before it were written in the call, and go with it.
		let too_many =
			readers.fold(NewRecord::of(PATIENT), |r, who| r.reader(who, Access::Read, None));
		assert_noop!(too_many.try_add(), Error::<Test>::TooManyGrantsGiven);
		assert_noop!(
			NewRecord::of(PATIENT)
				.reader(DOCTOR, Access::Read, None)
				.reader(STRANGER, Access::Read, None)
				.try_add(),
			Error::<Test>::NotRegistered
		);
		assert_eq!(next_id(), 0);
		assert_eq!(held(PATIENT), held_before);
		assert_eq!(Grants::<Test>::iter().count(), 0);
	});
}

#[test]
fn concurrent_adds_from_different_patients_get_consecutive_ids() {
	new_test_ext().execute_with(|| {
		register_all();
		// Both clients build their call before either lands: nothing in it
		// names the id, so neither can be refused for the other's.
		let patients = NewRecord::of(PATIENT).reader(DOCTOR, Access::Read, None);
		let other_patients = NewRecord::of(OTHER_PATIENT).reader(DOCTOR, Access::Read, None);
		System::reset_events();
		assert_ok!(patients.try_add());
		assert_ok!(other_patients.try_add());
		let added: Vec<(RecordId, u64)> = acl_events()
			.into_iter()
			.filter_map(|e| match e {
				Event::RecordAdded { id, owner, .. } => Some((id, owner)),
				_ => None,
			})
			.collect();
		assert_eq!(added, vec![(0, PATIENT), (1, OTHER_PATIENT)]);
		assert_eq!((readers(0), readers(1)), (vec![PATIENT, DOCTOR], vec![DOCTOR, OTHER_PATIENT]));
		assert_eq!(next_id(), 2);
	});
}

#[test]
fn expired_care_relationship_cannot_write() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), via, DOCTOR, Access::ReadWrite, Some(5)));
		System::set_block_number(5);
		assert_noop!(
			NewRecord::written_by(DOCTOR, PATIENT, via).try_add(),
			Error::<Test>::NoCareRelationship
		);
	});
}

#[test]
fn update_record_rekeys_every_reader() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		System::reset_events();
		assert_ok!(EhrAcl::update_record(signed(DOCTOR), id, rekey(1, &[PATIENT, DOCTOR])));
		let updated = record(id);
		assert_eq!(
			(updated.version, updated.key_version, updated.cid, updated.ciphertext_digest),
			(2, 2, cid("bafy-v2"), [2; 32])
		);
		for who in [PATIENT, DOCTOR] {
			let grant = grant_of(id, who);
			assert_eq!((grant.wrapped_key, grant.key_version), (key(who, 2), 2));
		}
		assert_eq!(
			acl_events(),
			vec![Event::RecordUpdated {
				id,
				by: DOCTOR,
				cid: cid("bafy-v2"),
				ciphertext_digest: [2; 32],
				version: 2,
				key_version: 2
			}]
		);
	});
}

#[test]
fn update_record_drops_expired_grants() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, Some(3)));
		System::set_block_number(3);
		// An expired reader is no reader: naming it is naming the wrong set.
		assert_noop!(
			update(PATIENT, id, &[PATIENT, DOCTOR, PHARMACIST]),
			Error::<Test>::ReadersChanged
		);
		System::reset_events();
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR]));
		assert_eq!(readers(id), vec![PATIENT, DOCTOR]);
		assert_eq!(record(id).grant_count, 2);
		assert_eq!((user(PHARMACIST).grants_held, user(PATIENT).grants_given), (0, 1));
		// Removals come first: whatever holds a grant after `RecordUpdated`
		// holds the new key.
		assert_eq!(
			acl_events()[0],
			Event::GrantRemoved {
				id,
				from: PHARMACIST,
				by: PATIENT,
				reason: RemovalReason::Expired
			}
		);
		assert!(matches!(acl_events()[1], Event::RecordUpdated { key_version: 2, .. }));
	});
}

#[test]
fn update_record_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		let all = [PATIENT, DOCTOR, PHARMACIST];
		let mut keyless = rekey(1, &all);
		keyless.keys[2].2 = BoundedVec::new();
		let cases = [
			(STRANGER, rekey(1, &all), Error::<Test>::NotAllowedToWrite),
			(PHARMACIST, rekey(1, &all), Error::<Test>::NotAllowedToWrite),
			(PATIENT, rekey(0, &all), Error::<Test>::StaleKeyVersion),
			(PATIENT, rekey(2, &all), Error::<Test>::StaleKeyVersion),
			// Keys must name exactly the current readers: one missing, one
			// without a grant, one twice.
			(PATIENT, rekey(1, &[PATIENT, DOCTOR]), Error::<Test>::ReadersChanged),
			(
				PATIENT,
				rekey(1, &[PATIENT, DOCTOR, PHARMACIST, RESEARCHER]),
				Error::<Test>::ReadersChanged,
			),
			(
				PATIENT,
				rekey(1, &[PATIENT, DOCTOR, PHARMACIST, DOCTOR]),
				Error::<Test>::DuplicateReader,
			),
			(PATIENT, NewContent { cid: cid(""), ..rekey(1, &all) }, Error::<Test>::EmptyCid),
			(
				PATIENT,
				NewContent { cid: cid("v2/../../x"), ..rekey(1, &all) },
				Error::<Test>::InvalidCid,
			),
			(PATIENT, keyless, Error::<Test>::EmptyWrappedKey),
		];
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), 9, rekey(1, &all)),
			Error::<Test>::RecordNotFound
		);
		for (by, content, error) in cases {
			assert_noop!(EhrAcl::update_record(signed(by), id, content), error);
		}
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(4)));
		System::set_block_number(4);
		assert_noop!(update(DOCTOR, id, &all), Error::<Test>::GrantExpired);
	});
}

#[test]
fn remove_record_drops_every_grant_and_request() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		System::reset_events();
		assert_ok!(EhrAcl::remove_record(signed(PATIENT), id));
		assert!(Records::<Test>::get(id).is_none());
		assert!(readers(id).is_empty());
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert!(EhrAcl::records_of(&PATIENT).is_empty());
		assert!(EhrAcl::grants_held(&DOCTOR).is_empty());
		let counts = |who| {
			let u = user(who);
			(u.records_owned, u.grants_held, u.grants_given, u.requests_open)
		};
		for who in [PATIENT, DOCTOR, PHARMACIST, RESEARCHER] {
			assert_eq!(counts(who), (0, 0, 0, 0));
		}
		assert_eq!(
			removals(id),
			vec![
				(PATIENT, RemovalReason::RecordRemoved),
				(DOCTOR, RemovalReason::RecordRemoved),
				(PHARMACIST, RemovalReason::RecordRemoved),
			]
		);
		assert!(acl_events().contains(&Event::RequestClosed {
			id,
			requester: RESEARCHER,
			by: PATIENT,
			outcome: RequestOutcome::RecordRemoved
		}));
		assert_eq!(last_event(), Event::RecordRemoved { id, by: PATIENT });
		// Ids are never reused.
		assert_eq!(NewRecord::of(PATIENT).add(), id + 1);
	});
}

#[test]
fn remove_record_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(EhrAcl::remove_record(signed(PATIENT), 9), Error::<Test>::RecordNotFound);
		assert_noop!(EhrAcl::remove_record(signed(DOCTOR), id), Error::<Test>::NotRecordOwner);
	});
}

// ---- compare-and-set: calls built on what the caller read ----

#[test]
fn update_built_on_a_replaced_key_version_is_stale() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		// Patient and doctor both read key version 1; the doctor lands first.
		let patients = rekey(1, &[PATIENT, DOCTOR]);
		assert_ok!(EhrAcl::update_record(signed(DOCTOR), id, rekey(1, &[PATIENT, DOCTOR])));
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), id, patients),
			Error::<Test>::StaleKeyVersion
		);
		// Read again and rebuilt, it lands.
		assert_ok!(EhrAcl::update_record(signed(PATIENT), id, rekey(2, &[PATIENT, DOCTOR])));
		assert_eq!((record(id).version, record(id).key_version), (3, 3));
	});
}

#[test]
fn update_and_revoke_built_on_the_same_view() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		// Both read key version 1: the doctor updates for all three readers,
		// the patient revokes the pharmacist and re-keys for the other two.
		let doctors_update = rekey(1, &[PATIENT, DOCTOR, PHARMACIST]);
		let patients_revoke = rekey(1, &[PATIENT, DOCTOR]);
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), id, PHARMACIST, Some(patients_revoke)));
		// Had the update landed, it would have handed the revoked pharmacist
		// the new key.
		assert_noop!(
			EhrAcl::update_record(signed(DOCTOR), id, doctors_update),
			Error::<Test>::StaleKeyVersion
		);
		assert_eq!(readers(id), vec![PATIENT, DOCTOR]);
		assert_eq!(record(id).key_version, 2);
	});
}

#[test]
fn revoke_without_rotation_racing_an_update_makes_the_update_fail() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		let doctors_update = rekey(1, &[PATIENT, DOCTOR, PHARMACIST]);
		assert_ok!(revoke(PATIENT, id, PHARMACIST));
		// The key version did not move, but the readers did.
		assert_noop!(
			EhrAcl::update_record(signed(DOCTOR), id, doctors_update),
			Error::<Test>::ReadersChanged
		);
	});
}

#[test]
fn grant_racing_a_rekey_makes_the_rekey_fail() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, RESEARCHER, Access::Read, None));
		let patients_update = rekey(1, &[PATIENT, DOCTOR, RESEARCHER]);
		let patients_revoke = rekey(1, &[PATIENT, DOCTOR]);
		// The doctor's delegation lands first; either re-key would leave the
		// pharmacist on the old key.
		assert_ok!(grant(DOCTOR, id, PHARMACIST, Access::Read, None));
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), id, patients_update),
			Error::<Test>::ReadersChanged
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, RESEARCHER, Some(patients_revoke)),
			Error::<Test>::ReadersChanged
		);
	});
}

#[test]
fn grant_wrapping_an_old_key_version_is_stale() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR]));
		for (by, key_version) in [(PATIENT, 1), (PATIENT, 3), (DOCTOR, 1)] {
			assert_noop!(
				EhrAcl::grant_access(
					signed(by),
					id,
					PHARMACIST,
					Access::Read,
					key(PHARMACIST, key_version),
					key_version,
					0,
					None
				),
				Error::<Test>::StaleKeyVersion
			);
		}
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		assert_eq!(grant_of(id, PHARMACIST).key_version, 2);
	});
}

#[test]
fn approval_wrapping_an_old_key_version_is_stale() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR]));
		assert_noop!(
			EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, approval(RESEARCHER, 1, None)),
			Error::<Test>::StaleKeyVersion
		);
		assert_ok!(EhrAcl::answer_request(
			signed(PATIENT),
			id,
			RESEARCHER,
			approval(RESEARCHER, 2, None)
		));
		assert_eq!(grant_of(id, RESEARCHER).key_version, 2);
	});
}

// ---- grants ----

#[test]
fn owner_grants_access() {
	new_test_ext().execute_with(|| {
		register_all();
		let id = NewRecord::of(PATIENT).add();
		assert_ok!(grant(PATIENT, id, DOCTOR, Access::ReadWrite, Some(40)));
		assert_eq!(
			last_event(),
			Event::GrantAdded {
				id,
				to: DOCTOR,
				by: PATIENT,
				access: Access::ReadWrite,
				expires_at: Some(40),
				key_version: 1,
				reason: GrantReason::Granted
			}
		);
		let grant = grant_of(id, DOCTOR);
		assert_eq!(
			(grant.granted_by, grant.wrapped_key.clone(), grant.key_version),
			(PATIENT, key(DOCTOR, 1), 1)
		);
		assert_eq!(EhrAcl::grants_held(&DOCTOR), vec![(id, grant)]);
		assert_eq!(record(id).grant_count, 2);
		assert_eq!((user(PATIENT).grants_given, user(DOCTOR).grants_held), (1, 1));
	});
}

#[test]
fn read_write_grantee_delegates_read_within_its_own_expiry() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(50)));
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, None));
		assert_ok!(grant(DOCTOR, id, PHARMACIST, Access::Read, Some(80)));
		let grant = grant_of(id, PHARMACIST);
		assert_eq!(
			(grant.granted_by, grant.access, grant.expires_at),
			(DOCTOR, Access::Read, Some(50))
		);
		assert_eq!(grant_of(id, RESEARCHER).expires_at, Some(50));
		assert_eq!(
			last_event(),
			Event::GrantAdded {
				id,
				to: PHARMACIST,
				by: DOCTOR,
				access: Access::Read,
				expires_at: Some(50),
				key_version: 1,
				reason: GrantReason::Delegated
			}
		);
		assert_eq!(user(DOCTOR).grants_given, 2);
	});
}

#[test]
fn grant_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(
			grant(PATIENT, 9, PHARMACIST, Access::Read, None),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			grant(STRANGER, id, PHARMACIST, Access::Read, None),
			Error::<Test>::NotAllowedToGrant
		);
		assert_noop!(
			grant(DOCTOR, id, PHARMACIST, Access::ReadWrite, None),
			Error::<Test>::CannotDelegateReadWrite
		);
		assert_noop!(
			grant(PATIENT, id, STRANGER, Access::Read, None),
			Error::<Test>::NotRegistered
		);
		assert_noop!(grant(PATIENT, id, DOCTOR, Access::Read, None), Error::<Test>::AlreadyGranted);
		assert_noop!(
			grant(PATIENT, id, PHARMACIST, Access::Read, Some(1)),
			Error::<Test>::ExpiryInPast
		);
		assert_noop!(
			EhrAcl::grant_access(
				signed(PATIENT),
				id,
				PHARMACIST,
				Access::Read,
				BoundedVec::new(),
				1,
				0,
				None
			),
			Error::<Test>::EmptyWrappedKey
		);
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		assert_noop!(
			grant(PHARMACIST, id, RESEARCHER, Access::Read, None),
			Error::<Test>::NotAllowedToGrant
		);
		// An expired grant keeps its own error.
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(3)));
		System::set_block_number(3);
		assert_noop!(
			grant(DOCTOR, id, RESEARCHER, Access::Read, None),
			Error::<Test>::GrantExpired
		);
	});
}

#[test]
fn granting_closes_the_grantees_pending_request() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_ok!(EhrAcl::request_access(signed(PHARMACIST), id, Access::Read));
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, None));
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!((record(id).request_count, user(RESEARCHER).requests_open), (1, 0));
		assert_eq!(held(RESEARCHER), 0);
		assert_eq!(
			last_event(),
			Event::RequestClosed {
				id,
				requester: RESEARCHER,
				by: DOCTOR,
				outcome: RequestOutcome::Granted
			}
		);
	});
}

#[test]
fn update_access_changes_level_and_expiry() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::Read, Some(9)));
		let grant = grant_of(id, DOCTOR);
		assert_eq!(
			(grant.access, grant.expires_at, grant.granted_by),
			(Access::Read, Some(9), PATIENT)
		);
		assert_eq!(
			last_event(),
			Event::AccessUpdated {
				id,
				of: DOCTOR,
				by: PATIENT,
				granted_by: PATIENT,
				access: Access::Read,
				expires_at: Some(9)
			}
		);
	});
}

#[test]
fn update_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let update_access = |by: u64, on: RecordId, of: u64, expires_at: Option<u64>| {
			EhrAcl::update_access(signed(by), on, of, Access::Read, expires_at)
		};
		assert_noop!(update_access(PATIENT, 9, DOCTOR, None), Error::<Test>::RecordNotFound);
		assert_noop!(update_access(DOCTOR, id, DOCTOR, None), Error::<Test>::NotRecordOwner);
		assert_noop!(
			update_access(PATIENT, id, PATIENT, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(update_access(PATIENT, id, DOCTOR, Some(1)), Error::<Test>::ExpiryInPast);
		assert_noop!(update_access(PATIENT, id, PHARMACIST, None), Error::<Test>::GrantNotFound);
	});
}

#[test]
fn revoke_without_rotation_removes_the_grant() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(revoke(PATIENT, id, DOCTOR));
		assert_eq!(readers(id), vec![PATIENT]);
		assert_eq!((record(id).grant_count, user(DOCTOR).grants_held), (1, 0));
		assert_eq!(user(PATIENT).grants_given, 0);
		assert_eq!(
			last_event(),
			Event::GrantRemoved { id, from: DOCTOR, by: PATIENT, reason: RemovalReason::Revoked }
		);
	});
}

#[test]
fn revoke_with_rotation_rekeys_the_rest_atomically() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		System::reset_events();
		let rotation = rekey(1, &[PATIENT, PHARMACIST]);
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, Some(rotation)));
		// Same content, new ciphertext and key: the version stays.
		let rotated = record(id);
		assert_eq!(
			(rotated.cid, rotated.version, rotated.key_version, rotated.grant_count),
			(cid("bafy-v2"), 1, 2, 2)
		);
		let grant = grant_of(id, PHARMACIST);
		assert_eq!((grant.wrapped_key, grant.key_version), (key(PHARMACIST, 2), 2));
		assert_eq!(readers(id), vec![PATIENT, PHARMACIST]);
		assert_eq!(
			acl_events()[0],
			Event::GrantRemoved { id, from: DOCTOR, by: PATIENT, reason: RemovalReason::Revoked }
		);
		assert!(matches!(acl_events()[1], Event::RecordUpdated { key_version: 2, .. }));
	});
}

#[test]
fn revoke_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(grant(PATIENT, id, RESEARCHER, Access::Read, None));
		assert_noop!(revoke(PATIENT, 9, DOCTOR), Error::<Test>::RecordNotFound);
		assert_noop!(revoke(PATIENT, id, PATIENT), Error::<Test>::CannotChangeOwnerGrant);
		assert_noop!(revoke(DOCTOR, id, PATIENT), Error::<Test>::CannotChangeOwnerGrant);
		assert_noop!(revoke(PATIENT, id, OTHER_PATIENT), Error::<Test>::GrantNotFound);
		// Only the owner, or the delegator of that very grant.
		for (by, from) in [(STRANGER, DOCTOR), (DOCTOR, RESEARCHER), (RESEARCHER, PHARMACIST)] {
			assert_noop!(revoke(by, id, from), Error::<Test>::NotAllowedToRevoke);
		}
		// The re-key must leave out the revoked reader and its delegates,
		// and name everyone else once.
		let revoke_doctor_rekeying = |readers: &[u64], based_on: u32| {
			EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, Some(rekey(based_on, readers)))
		};
		for readers in [
			&[PATIENT, RESEARCHER, DOCTOR][..],
			&[PATIENT, RESEARCHER, PHARMACIST],
			&[PATIENT],
			&[],
		] {
			assert_noop!(revoke_doctor_rekeying(readers, 1), Error::<Test>::ReadersChanged);
		}
		assert_noop!(
			revoke_doctor_rekeying(&[PATIENT, RESEARCHER, PATIENT], 1),
			Error::<Test>::DuplicateReader
		);
		assert_noop!(
			revoke_doctor_rekeying(&[PATIENT, RESEARCHER], 0),
			Error::<Test>::StaleKeyVersion
		);
	});
}

// ---- delegation ----

#[test]
fn delegator_revokes_a_grant_it_gave() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(revoke(DOCTOR, id, PHARMACIST));
		assert_eq!(readers(id), vec![PATIENT, DOCTOR]);
		assert_eq!(user(DOCTOR).grants_given, 0);
		assert_eq!(
			last_event(),
			Event::GrantRemoved {
				id,
				from: PHARMACIST,
				by: DOCTOR,
				reason: RemovalReason::Revoked
			}
		);
		// Its standing is its current ReadWrite grant.
		assert_ok!(grant(DOCTOR, id, PHARMACIST, Access::Read, None));
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(5)));
		System::set_block_number(5);
		assert_noop!(revoke(DOCTOR, id, PHARMACIST), Error::<Test>::GrantExpired);
	});
}

#[test]
fn revoking_a_delegator_takes_its_delegates_in_the_same_call() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, None));
		assert_ok!(grant(PATIENT, id, OTHER_PATIENT, Access::Read, None));
		System::reset_events();
		assert_ok!(revoke(PATIENT, id, DOCTOR));
		assert_eq!(
			removals(id),
			vec![
				(DOCTOR, RemovalReason::Revoked),
				(PHARMACIST, RemovalReason::Cascaded),
				(RESEARCHER, RemovalReason::Cascaded),
			]
		);
		assert!(acl_events().contains(&Event::GrantRemoved {
			id,
			from: PHARMACIST,
			by: PATIENT,
			reason: RemovalReason::Cascaded
		}));
		assert_eq!(readers(id), vec![PATIENT, OTHER_PATIENT]);
		assert_eq!(record(id).grant_count, 2);
		assert_eq!((user(DOCTOR).grants_given, held(DOCTOR)), (0, 0));
	});
}

#[test]
fn revoking_a_delegator_with_rotation_rekeys_only_what_remains() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(grant(PATIENT, id, RESEARCHER, Access::Read, None));
		System::reset_events();
		let rotation = rekey(1, &[PATIENT, RESEARCHER]);
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, Some(rotation)));
		assert_eq!(
			removals(id),
			vec![(DOCTOR, RemovalReason::Revoked), (PHARMACIST, RemovalReason::Cascaded)]
		);
		assert_eq!(readers(id), vec![PATIENT, RESEARCHER]);
		assert_eq!(grant_of(id, RESEARCHER).key_version, 2);
	});
}

#[test]
fn renouncing_a_delegator_takes_its_delegates() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		System::reset_events();
		assert_ok!(EhrAcl::renounce_grant(signed(DOCTOR), id));
		assert_eq!(
			removals(id),
			vec![(DOCTOR, RemovalReason::Renounced), (PHARMACIST, RemovalReason::Cascaded)]
		);
		assert_eq!(readers(id), vec![PATIENT]);
	});
}

#[test]
fn narrowing_a_delegator_to_read_removes_its_delegates() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		System::reset_events();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::Read, None));
		assert_eq!(removals(id), vec![(PHARMACIST, RemovalReason::Cascaded)]);
		assert_eq!(readers(id), vec![PATIENT, DOCTOR]);
		assert_eq!(user(DOCTOR).grants_given, 0);
	});
}

#[test]
fn an_earlier_expiry_for_a_delegator_caps_its_delegates() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, Some(20)));
		System::reset_events();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(30)));
		let expiry = |who| grant_of(id, who).expires_at;
		assert_eq!((expiry(PHARMACIST), expiry(RESEARCHER)), (Some(30), Some(20)));
		assert_eq!(
			acl_events(),
			vec![
				Event::AccessUpdated {
					id,
					of: DOCTOR,
					by: PATIENT,
					granted_by: PATIENT,
					access: Access::ReadWrite,
					expires_at: Some(30)
				},
				Event::AccessUpdated {
					id,
					of: PHARMACIST,
					by: PATIENT,
					granted_by: DOCTOR,
					access: Access::Read,
					expires_at: Some(30)
				},
			]
		);
		// A later one does not extend them.
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, None));
		assert_eq!(expiry(PHARMACIST), Some(30));
	});
}

#[test]
fn deregistering_a_delegator_takes_its_delegates() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		System::reset_events();
		assert_ok!(EhrAcl::deregister_user(signed(REGISTRAR), DOCTOR));
		assert_eq!(
			removals(id),
			vec![(DOCTOR, RemovalReason::Deregistered), (PHARMACIST, RemovalReason::Cascaded)]
		);
		assert_eq!(user(PHARMACIST).grants_held, 0);
		assert_eq!(readers(id), vec![PATIENT]);
	});
}

#[test]
fn rekey_drops_an_expired_delegator_with_its_delegates() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(5)));
		System::set_block_number(5);
		System::reset_events();
		assert_ok!(update(PATIENT, id, &[PATIENT]));
		// The delegate's expiry was capped to its delegator's: both expired.
		assert_eq!(
			removals(id),
			vec![(DOCTOR, RemovalReason::Expired), (PHARMACIST, RemovalReason::Expired)]
		);
		assert_eq!(readers(id), vec![PATIENT]);
		assert_eq!((user(PATIENT).grants_given, user(DOCTOR).grants_given), (0, 0));
	});
}

#[test]
fn owner_changing_a_delegated_grant_makes_it_the_owners() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		let (doctor_held, patient_held) = (held(DOCTOR), held(PATIENT));
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, PHARMACIST, Access::Read, Some(90)));
		assert_eq!(grant_of(id, PHARMACIST).granted_by, PATIENT);
		assert_eq!(
			(held(DOCTOR), held(PATIENT)),
			(doctor_held - GRANT_DEPOSIT, patient_held + GRANT_DEPOSIT)
		);
		assert_eq!((user(DOCTOR).grants_given, user(PATIENT).grants_given), (0, 2));
		assert_eq!(
			last_event(),
			Event::AccessUpdated {
				id,
				of: PHARMACIST,
				by: PATIENT,
				granted_by: PATIENT,
				access: Access::Read,
				expires_at: Some(90)
			}
		);
		// It no longer answers to the doctor, nor goes with its grant.
		assert_noop!(revoke(DOCTOR, id, PHARMACIST), Error::<Test>::NotAllowedToRevoke);
		assert_ok!(revoke(PATIENT, id, DOCTOR));
		assert_eq!(readers(id), vec![PATIENT, PHARMACIST]);
	});
}

#[test]
fn delegate_may_regrant_an_account_the_owner_revoked_until_the_delegator_goes() {
	new_test_ext().execute_with(|| {
		// By design a revocation bars nobody: the owner's remedy against a
		// delegator re-granting is to revoke the delegator, which takes the
		// re-grant with it.
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, None));
		assert_ok!(revoke(PATIENT, id, PHARMACIST));
		assert_ok!(grant(DOCTOR, id, PHARMACIST, Access::Read, None));
		assert_eq!(grant_of(id, PHARMACIST).granted_by, DOCTOR);
		revoke_doctor_and_its_delegate(id);
	});
}

// ---- consent and limits ----

#[test]
fn grantee_renounces_its_grant() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(grant(PATIENT, id, RESEARCHER, Access::Read, None));
		let patient_held = held(PATIENT);
		assert_ok!(EhrAcl::renounce_grant(signed(RESEARCHER), id));
		assert_eq!(readers(id), vec![PATIENT, DOCTOR]);
		assert_eq!((user(RESEARCHER).grants_held, user(PATIENT).grants_given), (0, 1));
		assert_eq!(held(PATIENT), patient_held - GRANT_DEPOSIT);
		assert_eq!(
			last_event(),
			Event::GrantRemoved {
				id,
				from: RESEARCHER,
				by: RESEARCHER,
				reason: RemovalReason::Renounced
			}
		);
	});
}

#[test]
fn renounce_grant_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(EhrAcl::renounce_grant(signed(DOCTOR), 9), Error::<Test>::RecordNotFound);
		assert_noop!(
			EhrAcl::renounce_grant(signed(PATIENT), id),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(EhrAcl::renounce_grant(signed(RESEARCHER), id), Error::<Test>::GrantNotFound);
	});
}

#[test]
fn grants_given_are_bounded_per_giver_and_renouncing_frees_a_slot() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		// The owner's own grant is not counted: it gave one to the doctor,
		// five more fill its allowance.
		let others = 100..100 + MaxGrantsPerAccount::get() as u64 - 1;
		register_staff(others.clone());
		for who in others {
			assert_ok!(grant(PATIENT, id, who, Access::Read, None));
		}
		assert_eq!(user(PATIENT).grants_given, MaxGrantsPerAccount::get());
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_noop!(
			grant(PATIENT, id, RESEARCHER, Access::Read, None),
			Error::<Test>::TooManyGrantsGiven
		);
		assert_noop!(
			EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, approval(RESEARCHER, 1, None)),
			Error::<Test>::TooManyGrantsGiven
		);
		assert_noop!(
			NewRecord::of(PATIENT).reader(RESEARCHER, Access::Read, None).try_add(),
			Error::<Test>::TooManyGrantsGiven
		);
		// Taking over the doctor's delegated grant would be one more.
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, PHARMACIST, Access::Read, None),
			Error::<Test>::TooManyGrantsGiven
		);
		assert_ok!(EhrAcl::renounce_grant(signed(100), id));
		assert_ok!(grant(PATIENT, id, RESEARCHER, Access::Read, None));
	});
}

/// One `deregister_user` of `who` by its registrar, checked: it drops at
/// least one grant and at most the budget (more only as one held grant with
/// its delegates), charges no more than it declared, and, if the drain goes
/// on, leaves fewer held grants, says how many, and charges more than the
/// grants it dropped (the `Leaving` mark, and what it read past the budget).
/// Returns how many grants it dropped.
fn deregister_step(who: u64) -> u32 {
	let declared = Call::<Test>::deregister_user { who }.get_dispatch_info().call_weight;
	let held_before = user(who).grants_held;
	System::reset_events();
	let post = EhrAcl::deregister_user(signed(REGISTRAR), who).expect("deregisters");
	let reasons: Vec<RemovalReason> = acl_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::GrantRemoved { reason, .. } => Some(reason),
			_ => None,
		})
		.collect();
	let held = reasons.iter().filter(|r| **r == RemovalReason::Deregistered).count() as u32;
	let cascaded = reasons.len() as u32 - held;
	assert!(held > 0);
	assert!(held + cascaded <= MaxDropsPerDeregistration::get() || held == 1, "{reasons:?}");
	let charged = post.actual_weight.expect("refunds");
	assert!(charged.all_lte(declared), "{charged:?} charged, {declared:?} declared");
	if let Some(left) = Users::<Test>::get(who) {
		assert!(left.grants_held < held_before);
		let grants_left = left.grants_held;
		assert_eq!(
			last_event(),
			Event::DeregistrationContinues { who, by: REGISTRAR, grants_left }
		);
		let dropped = <Test as Config>::WeightInfo::deregister_user(held, cascaded, 0);
		assert!(charged.ref_time() > dropped.ref_time(), "{charged:?} charged");
	}
	held + cascaded
}

/// [`deregister_step`] until `who` is gone. Returns what each call dropped.
fn deregister_in_steps(who: u64) -> Vec<u32> {
	let mut drops = Vec::new();
	while Users::<Test>::contains_key(who) {
		drops.push(deregister_step(who));
	}
	drops
}

#[test]
fn a_deregistration_under_way_cannot_be_refilled() {
	new_test_ext().execute_with(|| {
		register_all();
		let patients = 100..110;
		for patient in patients.clone() {
			assert_ok!(register(patient, patient, Role::Patient, 6));
		}
		// The doctor holds a grant on each of ten patients' records; on the
		// first it delegated as many grants as it may, more than the budget.
		let ids: Vec<RecordId> = patients
			.map(|p| NewRecord::of(p).reader(DOCTOR, Access::ReadWrite, None).add())
			.collect();
		let team = 200..200 + MaxGrantsPerAccount::get() as u64;
		register_staff(team.clone());
		for who in team {
			assert_ok!(grant(DOCTOR, ids[0], who, Access::Read, None));
		}
		let total = 10 + MaxGrantsPerAccount::get();
		assert!(total > 2 * MaxDropsPerDeregistration::get());
		let first = deregister_step(DOCTOR);
		let left = user(DOCTOR).grants_held;
		assert!(left > 0);
		// Under way: nobody can hand the doctor a new grant, by any path.
		let (patient, fresh) = (OTHER_PATIENT, NewRecord::of(OTHER_PATIENT).add());
		assert_noop!(
			grant(patient, fresh, DOCTOR, Access::Read, None),
			Error::<Test>::AccountLeaving
		);
		assert_noop!(
			NewRecord::of(patient).reader(DOCTOR, Access::Read, None).try_add(),
			Error::<Test>::AccountLeaving
		);
		// Nor can the doctor add to its own drain, or ask for anything.
		let still_held = GrantsHeld::<Test>::iter_key_prefix(DOCTOR).next().expect("a grant left");
		assert_noop!(
			grant(DOCTOR, still_held, PHARMACIST, Access::Read, None),
			Error::<Test>::AccountLeaving
		);
		assert_noop!(
			EhrAcl::request_access(signed(DOCTOR), fresh, Access::Read),
			Error::<Test>::AccountLeaving
		);
		assert_eq!(user(DOCTOR).grants_held, left);
		// The drain ends, with every grant and delegate gone, in calls that
		// each stay within the budget.
		let drops = deregister_in_steps(DOCTOR);
		assert_eq!(first + drops.iter().sum::<u32>(), total);
		assert!(ids.iter().all(|&id| readers(id) == vec![Records::<Test>::get(id).unwrap().owner]));
		assert!(!Leaving::<Test>::contains_key(DOCTOR));
		// Registered again, the doctor receives grants as before.
		assert_ok!(register(REGISTRAR, DOCTOR, Role::Doctor, 2));
		assert_ok!(grant(patient, fresh, DOCTOR, Access::Read, None));
	});
}

#[test]
fn receiver_limits_cannot_be_consumed_by_others() {
	new_test_ext().execute_with(|| {
		register_all();
		// Patients fill the doctor up with more grants than it may give.
		let shared: Vec<RecordId> = [PATIENT, PATIENT, PATIENT]
			.into_iter()
			.chain([OTHER_PATIENT; 4])
			.map(|patient| NewRecord::of(patient).reader(DOCTOR, Access::ReadWrite, None).add())
			.collect();
		assert!(user(DOCTOR).grants_held > MaxGrantsPerAccount::get());
		// What the doctor may do is bounded by what it gave, not what it holds.
		let written = NewRecord::written_by(DOCTOR, PATIENT, shared[0])
			.reader(PHARMACIST, Access::Read, None)
			.add();
		assert_ok!(grant(DOCTOR, shared[1], RESEARCHER, Access::Read, None));
		assert_eq!(user(DOCTOR).grants_given, 3);
		// Holding more than one call drops does not block deregistration,
		// by the doctor or its registrar: its 8 held grants and the 2 it
		// delegated from them drain over calls within the budget.
		assert_eq!(user(DOCTOR).grants_held, 8);
		assert_eq!(deregister_in_steps(DOCTOR).iter().sum::<u32>(), 10);
		assert_eq!(last_event(), Event::UserDeregistered { who: DOCTOR, by: REGISTRAR });
		assert!(!Users::<Test>::contains_key(DOCTOR));
		assert_eq!((readers(written), readers(shared[1])), (vec![PATIENT], vec![PATIENT]));
	});
}

#[test]
fn grants_per_record_are_bounded() {
	new_test_ext().execute_with(|| {
		register_all();
		let id = NewRecord::of(PATIENT).add();
		// No one account may give that many: the owner's ReadWrite grantees
		// delegate the rest.
		let per_giver = MaxGrantsPerAccount::get() as u64;
		let grantees = 100..100 + per_giver;
		let delegates = 200..200 + MAX_GRANTS_PER_RECORD as u64 - 1 - per_giver;
		register_staff(grantees.clone().chain(delegates.clone()).chain([STRANGER]));
		for who in grantees.clone() {
			assert_ok!(grant(PATIENT, id, who, Access::ReadWrite, None));
		}
		for (n, who) in delegates.enumerate() {
			let delegator = grantees.start + n as u64 / per_giver;
			assert_ok!(grant(delegator, id, who, Access::Read, None));
		}
		assert_eq!(record(id).grant_count, MAX_GRANTS_PER_RECORD);
		assert_noop!(
			grant(grantees.end - 1, id, STRANGER, Access::Read, None),
			Error::<Test>::TooManyGrants
		);
	});
}

// ---- requests ----

#[test]
fn request_then_approve_grants_requested_access() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_eq!(
			last_event(),
			Event::AccessRequested { id, by: RESEARCHER, access: Access::Read }
		);
		assert_eq!((record(id).request_count, user(RESEARCHER).requests_open), (1, 1));
		System::reset_events();
		assert_ok!(EhrAcl::answer_request(
			signed(PATIENT),
			id,
			RESEARCHER,
			approval(RESEARCHER, 1, Some(20))
		));
		let grant = grant_of(id, RESEARCHER);
		assert_eq!(
			(grant.access, grant.expires_at, grant.granted_by),
			(Access::Read, Some(20), PATIENT)
		);
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!((record(id).request_count, user(RESEARCHER).requests_open), (0, 0));
		assert_eq!(
			grants_added(),
			vec![(RESEARCHER, PATIENT, Access::Read, Some(20), GrantReason::Approved)]
		);
		assert_eq!(
			last_event(),
			Event::RequestClosed {
				id,
				requester: RESEARCHER,
				by: PATIENT,
				outcome: RequestOutcome::Approved
			}
		);
	});
}

#[test]
fn an_owner_may_approve_less_than_asked_never_more() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let as_level = |access: Access| {
			approval(RESEARCHER, 1, None).map(|a| Approval { access: Some(access), ..a })
		};
		// A Read request approved as ReadWrite: refused, nothing changes.
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_noop!(
			EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, as_level(Access::ReadWrite)),
			Error::<Test>::AccessAboveRequest
		);
		assert_ok!(EhrAcl::cancel_request(signed(RESEARCHER), id));
		// A ReadWrite request approved as Read: a Read grant.
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::ReadWrite));
		System::reset_events();
		assert_ok!(EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, as_level(Access::Read)));
		assert_eq!(grant_of(id, RESEARCHER).access, Access::Read);
		assert_eq!(
			grants_added(),
			vec![(RESEARCHER, PATIENT, Access::Read, None, GrantReason::Approved)]
		);
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
	});
}

#[test]
fn request_then_deny_grants_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_ok!(EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, None));
		assert!(Grants::<Test>::get(id, RESEARCHER).is_none());
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!(
			last_event(),
			Event::RequestClosed {
				id,
				requester: RESEARCHER,
				by: PATIENT,
				outcome: RequestOutcome::Denied
			}
		);
	});
}

#[test]
fn requester_cancels_its_request() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_eq!(held(RESEARCHER), REQUEST_DEPOSIT);
		assert_ok!(EhrAcl::cancel_request(signed(RESEARCHER), id));
		assert_eq!(held(RESEARCHER), 0);
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!((record(id).request_count, user(RESEARCHER).requests_open), (0, 0));
		assert_eq!(
			last_event(),
			Event::RequestClosed {
				id,
				requester: RESEARCHER,
				by: RESEARCHER,
				outcome: RequestOutcome::Cancelled
			}
		);
		assert_noop!(
			EhrAcl::cancel_request(signed(RESEARCHER), id),
			Error::<Test>::RequestNotFound
		);
		assert_noop!(EhrAcl::cancel_request(signed(RESEARCHER), 9), Error::<Test>::RequestNotFound);
	});
}

#[test]
fn requests_are_bounded_per_record_and_per_requester() {
	new_test_ext().execute_with(|| {
		register_all();
		let id = NewRecord::of(PATIENT).add();
		let others = [NewRecord::of(OTHER_PATIENT).add(), NewRecord::of(OTHER_PATIENT).add()];
		let request = |who, id| EhrAcl::request_access(signed(who), id, Access::Read);
		// Three per record (MaxRequestsPerRecord).
		for who in [DOCTOR, PHARMACIST, RESEARCHER] {
			assert_ok!(request(who, id));
		}
		assert_noop!(request(OTHER_PATIENT, id), Error::<Test>::TooManyRequests);
		// Two per requester (MaxRequestsPerAccount).
		assert_ok!(request(DOCTOR, others[0]));
		assert_noop!(request(DOCTOR, others[1]), Error::<Test>::TooManyRequestsOpen);
		// Closing a request frees a slot of each.
		assert_ok!(EhrAcl::cancel_request(signed(DOCTOR), id));
		assert_ok!(request(OTHER_PATIENT, id));
		assert_ok!(request(DOCTOR, others[1]));
	});
}

#[test]
fn request_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(
			EhrAcl::request_access(signed(STRANGER), id, Access::Read),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			EhrAcl::request_access(signed(RESEARCHER), 9, Access::Read),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			EhrAcl::request_access(signed(DOCTOR), id, Access::Read),
			Error::<Test>::AlreadyGranted
		);
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_noop!(
			EhrAcl::request_access(signed(RESEARCHER), id, Access::Read),
			Error::<Test>::AlreadyRequested
		);
	});
}

#[test]
fn answer_request_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		let answer = |by: u64, on: RecordId, who: u64, approval: Option<Approval<u64>>| {
			EhrAcl::answer_request(signed(by), on, who, approval)
		};
		assert_noop!(answer(PATIENT, 9, RESEARCHER, None), Error::<Test>::RecordNotFound);
		assert_noop!(answer(DOCTOR, id, RESEARCHER, None), Error::<Test>::NotRecordOwner);
		assert_noop!(answer(PATIENT, id, PHARMACIST, None), Error::<Test>::RequestNotFound);
		let keyless = Approval {
			wrapped_key: BoundedVec::new(),
			key_version: 1,
			reader_key_version: 0,
			expires_at: None,
			access: None,
		};
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, Some(keyless)),
			Error::<Test>::EmptyWrappedKey
		);
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, approval(RESEARCHER, 1, Some(1))),
			Error::<Test>::ExpiryInPast
		);
		// A deregistered requester's request went with it.
		assert_ok!(EhrAcl::deregister_user(signed(RESEARCHER), RESEARCHER));
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, approval(RESEARCHER, 1, None)),
			Error::<Test>::RequestNotFound
		);
	});
}

// ---- deposits ----

#[test]
fn user_deposit_is_held_from_the_registerer_until_deregistration() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(PATIENT, PATIENT, Role::Patient, 1));
		assert_eq!(held(PATIENT), USER_DEPOSIT);
		assert_ok!(register(REGISTRAR, DOCTOR, Role::Doctor, 2));
		assert_eq!((held(REGISTRAR), held(DOCTOR)), (USER_DEPOSIT, 0));
		// Back to whoever paid, whoever deregisters.
		assert_ok!(EhrAcl::deregister_user(signed(DOCTOR), DOCTOR));
		assert_ok!(EhrAcl::deregister_user(signed(PATIENT), PATIENT));
		assert_eq!((held(REGISTRAR), held(PATIENT)), (0, 0));
		assert_eq!(Balances::free_balance(REGISTRAR), ENDOWMENT);
	});
}

#[test]
fn record_and_grant_deposits_are_held_from_author_and_giver() {
	new_test_ext().execute_with(|| {
		register_all();
		let id = NewRecord::of(PATIENT).reader(DOCTOR, Access::ReadWrite, None).add();
		// The owner's own grant rides on the record's deposit.
		assert_eq!(held(PATIENT), USER_DEPOSIT + RECORD_DEPOSIT + GRANT_DEPOSIT);
		// A clinician author pays for the record, its own grant and its
		// readers; the owner pays nothing.
		let _ =
			NewRecord::written_by(DOCTOR, PATIENT, id).reader(PHARMACIST, Access::Read, None).add();
		assert_eq!(held(DOCTOR), RECORD_DEPOSIT + 2 * GRANT_DEPOSIT);
		assert_eq!(held(PATIENT), USER_DEPOSIT + RECORD_DEPOSIT + GRANT_DEPOSIT);
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, None));
		assert_eq!(held(DOCTOR), RECORD_DEPOSIT + 3 * GRANT_DEPOSIT);
		// A request holds from the requester until it closes.
		assert_ok!(EhrAcl::request_access(signed(OTHER_PATIENT), id, Access::Read));
		assert_eq!(held(OTHER_PATIENT), USER_DEPOSIT + REQUEST_DEPOSIT);
		assert_ok!(EhrAcl::answer_request(signed(PATIENT), id, OTHER_PATIENT, None));
		assert_eq!(held(OTHER_PATIENT), USER_DEPOSIT);
	});
}

#[test]
fn removing_everything_returns_every_deposit() {
	new_test_ext().execute_with(|| {
		register_all();
		let id = NewRecord::of(PATIENT).reader(DOCTOR, Access::ReadWrite, None).add();
		let written =
			NewRecord::written_by(DOCTOR, PATIENT, id).reader(PHARMACIST, Access::Read, None).add();
		assert_ok!(grant(DOCTOR, id, RESEARCHER, Access::Read, None));
		assert_ok!(EhrAcl::request_access(signed(OTHER_PATIENT), id, Access::Read));
		// Staff leave first: the grants they held and gave go with them, but
		// the record the doctor wrote keeps the doctor's deposit while it
		// exists.
		let staff = [DOCTOR, PHARMACIST, RESEARCHER];
		for who in staff {
			assert_ok!(EhrAcl::deregister_user(signed(who), who));
		}
		assert_eq!(held(DOCTOR), RECORD_DEPOSIT);
		assert_eq!(held(PATIENT), USER_DEPOSIT + RECORD_DEPOSIT);
		assert_ok!(EhrAcl::remove_record(signed(PATIENT), written));
		assert_ok!(EhrAcl::remove_record(signed(PATIENT), id));
		for who in [PATIENT, OTHER_PATIENT] {
			assert_ok!(EhrAcl::deregister_user(signed(who), who));
		}
		for who in staff.into_iter().chain([PATIENT, OTHER_PATIENT, REGISTRAR]) {
			assert_eq!((held(who), Balances::free_balance(who)), (0, ENDOWMENT));
		}
	});
}

#[test]
fn accounts_that_cannot_pay_a_deposit_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(register(POOR, POOR, Role::Patient, 7), Error::<Test>::InsufficientDeposit);
		// The registrar pays for registering it.
		assert_ok!(register(REGISTRAR, POOR, Role::Patient, 7));
		assert_noop!(NewRecord::of(POOR).try_add(), Error::<Test>::InsufficientDeposit);
		assert_noop!(
			EhrAcl::request_access(signed(POOR), id, Access::Read),
			Error::<Test>::InsufficientDeposit
		);
		// Given ReadWrite by a patient who pays for it, it can still neither
		// write into that patient's records nor delegate.
		assert_ok!(grant(PATIENT, id, POOR, Access::ReadWrite, None));
		assert_noop!(
			NewRecord::written_by(POOR, PATIENT, id).try_add(),
			Error::<Test>::InsufficientDeposit
		);
		assert_noop!(
			grant(POOR, id, RESEARCHER, Access::Read, None),
			Error::<Test>::InsufficientDeposit
		);
		assert_eq!(held(POOR), 0);
	});
}

// ---- access log ----

#[test]
fn log_access_records_reader_and_versions() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::log_access(signed(DOCTOR), id));
		assert_eq!(
			last_event(),
			Event::AccessLogged { id, by: DOCTOR, version: 1, key_version: 1 }
		);
		assert_ok!(update(DOCTOR, id, &[PATIENT, DOCTOR]));
		assert_ok!(EhrAcl::log_access(signed(PATIENT), id));
		assert_eq!(
			last_event(),
			Event::AccessLogged { id, by: PATIENT, version: 2, key_version: 2 }
		);
	});
}

#[test]
fn log_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(EhrAcl::log_access(signed(DOCTOR), 9), Error::<Test>::RecordNotFound);
		assert_noop!(EhrAcl::log_access(signed(STRANGER), id), Error::<Test>::GrantNotFound);
		// A re-key moves every grant it keeps, so an outdated grant can only
		// be made by hand.
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, Some(5)));
		Grants::<Test>::mutate(id, PHARMACIST, |g| g.as_mut().unwrap().key_version = 0);
		assert_noop!(EhrAcl::log_access(signed(PHARMACIST), id), Error::<Test>::GrantOutdated);
		System::set_block_number(5);
		assert_noop!(EhrAcl::log_access(signed(PHARMACIST), id), Error::<Test>::GrantExpired);
	});
}

/// `who`'s reader entry of a `grant_access_many` call: the record's current
/// data key wrapped to it.
fn team_member(
	id: RecordId,
	who: u64,
	access: Access,
	expires_at: Option<u64>,
) -> NewReaderOf<Test> {
	NewReader {
		reader: who,
		access,
		wrapped_key: key(who, key_version(id)),
		reader_key_version: kv(who),
		expires_at,
	}
}

fn grant_many(by: u64, id: RecordId, readers: Vec<NewReaderOf<Test>>) -> DispatchResult {
	EhrAcl::grant_access_many(signed(by), id, key_version(id), readers.try_into().unwrap())
}

#[test]
fn care_team_grant_gives_each_reader_what_grant_access_would() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		let held_before = held(PATIENT);
		System::reset_events();
		assert_ok!(grant_many(
			PATIENT,
			id,
			vec![
				team_member(id, PHARMACIST, Access::Read, None),
				team_member(id, RESEARCHER, Access::ReadWrite, Some(50)),
			]
		));
		assert_eq!(
			grants_added(),
			vec![
				(PHARMACIST, PATIENT, Access::Read, None, GrantReason::Granted),
				(RESEARCHER, PATIENT, Access::ReadWrite, Some(50), GrantReason::Granted),
			]
		);
		assert!(acl_events().contains(&Event::RequestClosed {
			id,
			requester: RESEARCHER,
			by: PATIENT,
			outcome: RequestOutcome::Granted
		}));
		assert_eq!(grant_of(id, RESEARCHER).wrapped_key, key(RESEARCHER, 1));
		assert_eq!((record(id).grant_count, record(id).request_count), (4, 0));
		assert_eq!(user(PATIENT).grants_given, 3);
		assert_eq!(held(PATIENT), held_before + 2 * GRANT_DEPOSIT);
	});
}

#[test]
fn delegate_grants_a_team_read_only_within_its_own_expiry() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(50)));
		System::reset_events();
		assert_ok!(grant_many(
			DOCTOR,
			id,
			vec![
				team_member(id, PHARMACIST, Access::Read, None),
				team_member(id, RESEARCHER, Access::Read, Some(80)),
			]
		));
		assert_eq!(
			grants_added(),
			vec![
				(PHARMACIST, DOCTOR, Access::Read, Some(50), GrantReason::Delegated),
				(RESEARCHER, DOCTOR, Access::Read, Some(50), GrantReason::Delegated),
			]
		);
		assert_eq!(user(DOCTOR).grants_given, 2);
		// Revoking the delegate takes its team with it, and a delegate of a
		// revoked grantee cannot grant.
		assert_ok!(revoke(PATIENT, id, DOCTOR));
		assert_eq!(readers(id), vec![PATIENT]);
		assert_noop!(
			grant_many(PHARMACIST, id, vec![team_member(id, OTHER_PATIENT, Access::Read, None)]),
			Error::<Test>::NotAllowedToGrant
		);
	});
}

#[test]
fn care_team_grant_is_all_or_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		let ok = |who| team_member(id, who, Access::Read, None);
		// Each refusal comes after a reader that would have been granted.
		let cases: Vec<(u64, Vec<NewReaderOf<Test>>, Error<Test>)> = vec![
			(PATIENT, vec![], Error::<Test>::EmptyBatch),
			(PATIENT, vec![ok(RESEARCHER), ok(RESEARCHER)], Error::<Test>::AlreadyGranted),
			(PATIENT, vec![ok(RESEARCHER), ok(DOCTOR)], Error::<Test>::AlreadyGranted),
			(PATIENT, vec![ok(RESEARCHER), ok(PATIENT)], Error::<Test>::AlreadyGranted),
			(PATIENT, vec![ok(RESEARCHER), ok(STRANGER)], Error::<Test>::NotRegistered),
			(
				PATIENT,
				vec![ok(RESEARCHER), team_member(id, PHARMACIST, Access::Read, Some(1))],
				Error::<Test>::ExpiryInPast,
			),
			(
				PATIENT,
				vec![
					ok(RESEARCHER),
					NewReader { wrapped_key: BoundedVec::new(), ..ok(PHARMACIST) },
				],
				Error::<Test>::EmptyWrappedKey,
			),
			(
				PATIENT,
				vec![ok(RESEARCHER), NewReader { reader_key_version: 7, ..ok(PHARMACIST) }],
				Error::<Test>::ReaderKeyRotated,
			),
			(
				DOCTOR,
				vec![ok(RESEARCHER), team_member(id, PHARMACIST, Access::ReadWrite, None)],
				Error::<Test>::CannotDelegateReadWrite,
			),
			(RESEARCHER, vec![ok(PHARMACIST)], Error::<Test>::NotAllowedToGrant),
			(STRANGER, vec![ok(PHARMACIST)], Error::<Test>::NotAllowedToGrant),
		];
		for (by, readers, error) in cases {
			assert_noop!(grant_many(by, id, readers), error);
		}
		assert_noop!(
			EhrAcl::grant_access_many(
				signed(PATIENT),
				id,
				7,
				vec![ok(RESEARCHER)].try_into().unwrap()
			),
			Error::<Test>::StaleKeyVersion
		);
		assert_noop!(
			EhrAcl::grant_access_many(
				signed(PATIENT),
				9,
				1,
				vec![ok(RESEARCHER)].try_into().unwrap()
			),
			Error::<Test>::RecordNotFound
		);
		// The patient may give 6 grants (the mock's MaxGrantsPerAccount) and
		// has given one: a team of six is refused whole.
		let team: Vec<u64> = (200..206).collect();
		register_staff(team.clone());
		assert_noop!(
			grant_many(PATIENT, id, team.iter().map(|who| ok(*who)).collect()),
			Error::<Test>::TooManyGrantsGiven
		);
		assert_ok!(grant_many(PATIENT, id, team[..5].iter().map(|who| ok(*who)).collect()));
		assert_eq!(user(PATIENT).grants_given, 6);
	});
}

#[test]
fn care_teams_built_on_the_same_view_land_once_or_not_at_all() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		// The owner and its ReadWrite delegate each build a team on the
		// same view; the teams overlap in the researcher.
		let owners = vec![
			team_member(id, PHARMACIST, Access::Read, None),
			team_member(id, RESEARCHER, Access::Read, None),
		];
		let doctors = vec![
			team_member(id, RESEARCHER, Access::Read, None),
			team_member(id, OTHER_PATIENT, Access::Read, None),
		];
		assert_ok!(grant_many(PATIENT, id, owners));
		// The second lands on a record that changed: refused whole, so
		// the other patient gets nothing from it.
		assert_noop!(grant_many(DOCTOR, id, doctors.clone()), Error::<Test>::AlreadyGranted);
		// A team built before a re-key is stale, whatever its members.
		let built_on = key_version(id);
		assert_ok!(update(PATIENT, id, &[PATIENT, DOCTOR, PHARMACIST, RESEARCHER]));
		let late = vec![team_member(id, OTHER_PATIENT, Access::Read, None)];
		assert_noop!(
			EhrAcl::grant_access_many(signed(DOCTOR), id, built_on, late.try_into().unwrap()),
			Error::<Test>::StaleKeyVersion
		);
		assert_eq!(readers(id), vec![PATIENT, DOCTOR, PHARMACIST, RESEARCHER]);
	});
}

#[test]
fn reads_of_several_records_are_logged_in_one_call() {
	new_test_ext().execute_with(|| {
		let first = record_shared_with_doctor();
		let second = NewRecord::of(PATIENT).reader(DOCTOR, Access::Read, None).add();
		assert_ok!(update(PATIENT, second, &[PATIENT, DOCTOR]));
		System::reset_events();
		assert_ok!(EhrAcl::log_access_many(
			signed(DOCTOR),
			vec![second, first].try_into().unwrap()
		));
		assert_eq!(
			acl_events(),
			vec![
				Event::AccessLogged { id: second, by: DOCTOR, version: 2, key_version: 2 },
				Event::AccessLogged { id: first, by: DOCTOR, version: 1, key_version: 1 },
			]
		);
	});
}

#[test]
fn log_access_many_is_all_or_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let other = NewRecord::of(OTHER_PATIENT).add();
		let log =
			|ids: Vec<RecordId>| EhrAcl::log_access_many(signed(DOCTOR), ids.try_into().unwrap());
		assert_noop!(log(vec![]), Error::<Test>::EmptyBatch);
		assert_noop!(log(vec![id, id]), Error::<Test>::DuplicateRecord);
		assert_noop!(log(vec![id, 9]), Error::<Test>::RecordNotFound);
		assert_noop!(log(vec![id, other]), Error::<Test>::GrantNotFound);
		assert_ok!(grant(PATIENT, id, PHARMACIST, Access::Read, Some(5)));
		System::set_block_number(5);
		assert_noop!(
			EhrAcl::log_access_many(signed(PHARMACIST), vec![id].try_into().unwrap()),
			Error::<Test>::GrantExpired
		);
	});
}

// ---- queries ----

#[test]
fn queries_list_records_and_grants() {
	new_test_ext().execute_with(|| {
		let id = record_with_delegate();
		let view = EhrAcl::record_view(id).unwrap();
		let mut viewed: Vec<u64> = view.grants.iter().map(|(who, _)| *who).collect();
		viewed.sort();
		assert_eq!(viewed, vec![PATIENT, DOCTOR, PHARMACIST]);
		assert_eq!((view.id, view.record), (id, record(id)));
		assert!(EhrAcl::record_view(9).is_none());
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![id]);
		assert_eq!(EhrAcl::grants_held(&PHARMACIST), vec![(id, grant_of(id, PHARMACIST))]);
	});
}

// ---- hostile input ----

/// The SCALE bytes of an `EhrAcl` call: pallet index, call index, then the
/// arguments as a client would encode them, however malformed.
fn raw_call(call_index: u8, args: impl Encode) -> Vec<u8> {
	let mut bytes = vec![EhrAcl::index() as u8, call_index];
	args.encode_to(&mut bytes);
	bytes
}

fn decodes(bytes: &[u8]) -> bool {
	use codec::DecodeAll;
	RuntimeCall::decode_all(&mut &bytes[..]).is_ok()
}

#[test]
fn oversized_or_unknown_fields_do_not_decode_into_a_call() {
	// A reader as the client encodes it: account, access, key, the key
	// version it is wrapped for, expiry.
	let reader = |access: u8| (DOCTOR, access, vec![2u8; 80], 0u32, None::<u64>);
	let add_record = |cid_len: usize, kind: u8, key_len: usize, readers: Vec<_>| {
		let args = (
			PATIENT,
			vec![b'b'; cid_len],
			[1u8; 32],
			kind,
			(0u32, vec![1u8; key_len]),
			None::<(u64, u32, Vec<u8>)>,
			readers,
		);
		raw_call(5, args)
	};
	// At the bounds the call decodes; one byte, reader or variant over, it
	// does not.
	let most_readers = vec![reader(0); MAX_INITIAL_READERS as usize];
	assert!(decodes(&add_record(
		MAX_CID_LEN as usize,
		6,
		MAX_WRAPPED_KEY_LEN as usize,
		most_readers.clone()
	)));
	assert!(!decodes(&add_record(MAX_CID_LEN as usize + 1, 6, 80, vec![])));
	assert!(!decodes(&add_record(59, 6, MAX_WRAPPED_KEY_LEN as usize + 1, vec![])));
	assert!(!decodes(&add_record(59, 7, 80, vec![])), "unknown record kind");
	assert!(!decodes(&add_record(59, 0xff, 80, vec![])), "unknown record kind");
	assert!(!decodes(&add_record(59, 6, 80, [most_readers, vec![reader(0)]].concat())));
	assert!(!decodes(&add_record(59, 6, 80, vec![reader(2)])), "unknown access level");

	let register =
		|role: u8| raw_call(2, (PATIENT, role, [1u8; 32], [2u8; 64], None::<TestSignature>));
	assert!(decodes(&register(3)));
	assert!(!decodes(&register(4)), "unknown role");

	let grant =
		|access: u8| raw_call(8, (0u64, DOCTOR, access, vec![2u8; 80], 1u32, 0u32, None::<u64>));
	assert!(decodes(&grant(1)));
	assert!(!decodes(&grant(2)), "unknown access level");

	// A re-key naming more readers than a record can have.
	let update = |readers: u64| {
		let keys: Vec<(u64, u32, Vec<u8>)> = (0..readers).map(|r| (r, 0, vec![3u8; 80])).collect();
		raw_call(6, (0u64, 1u32, vec![b'b'; 59], [1u8; 32], keys))
	};
	assert!(decodes(&update(MAX_GRANTS_PER_RECORD as u64)));
	assert!(!decodes(&update(MAX_GRANTS_PER_RECORD as u64 + 1)));

	// Truncated calls, trailing bytes, unknown call indices and a length
	// prefix claiming more bytes than follow.
	let good = register(0);
	assert!(!decodes(&good[..good.len() - 1]));
	assert!(!decodes(&[good.as_slice(), &[0]].concat()));
	assert!(!decodes(&raw_call(99, ())));
	let mut lying = raw_call(5, PATIENT);
	codec::Compact(u32::MAX).encode_to(&mut lying);
	assert!(!decodes(&lying));
}

#[test]
fn self_grants_and_grants_to_the_unregistered_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		// The owner and a ReadWrite grantee already hold a grant: granting
		// themselves again (to swap in another wrapped key) is refused, as
		// is a grantee granting the owner.
		for (by, to) in [(PATIENT, PATIENT), (DOCTOR, DOCTOR), (DOCTOR, PATIENT)] {
			assert_noop!(grant(by, id, to, Access::Read, None), Error::<Test>::AlreadyGranted);
		}
		// A stranger cannot grant itself anything, nor request.
		assert_noop!(
			grant(STRANGER, id, STRANGER, Access::Read, None),
			Error::<Test>::NotAllowedToGrant
		);
		assert_noop!(
			EhrAcl::request_access(signed(STRANGER), id, Access::Read),
			Error::<Test>::NotRegistered
		);
		// The owner cannot downgrade, expire, revoke or renounce its own grant.
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, PATIENT, Access::Read, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(revoke(PATIENT, id, PATIENT), Error::<Test>::CannotChangeOwnerGrant);
		assert_noop!(
			EhrAcl::renounce_grant(signed(PATIENT), id),
			Error::<Test>::CannotChangeOwnerGrant
		);
		// A deregistered reader's grants went with it; granting it again
		// needs it registered again.
		assert_ok!(EhrAcl::deregister_user(signed(DOCTOR), DOCTOR));
		assert_noop!(grant(PATIENT, id, DOCTOR, Access::Read, None), Error::<Test>::NotRegistered);
		assert_eq!(readers(id), vec![PATIENT]);
	});
}

// ---- care relationships ----

/// Revoking a clinician's ReadWrite grant on the record it wrote through
/// ends its right to write into the patient's records: its author grant on
/// a record it wrote may not serve as the next `via`.
#[test]
fn an_authored_record_is_no_care_relationship() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		let written = NewRecord::written_by(DOCTOR, PATIENT, via).add();
		assert_noop!(
			NewRecord::written_by(DOCTOR, PATIENT, written).try_add(),
			Error::<Test>::NoCareRelationship
		);
		assert_ok!(revoke(PATIENT, via, DOCTOR));
		assert_noop!(
			NewRecord::written_by(DOCTOR, PATIENT, written).try_add(),
			Error::<Test>::NoCareRelationship
		);
	});
}
