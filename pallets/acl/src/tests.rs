use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use frame_system::RawOrigin;
use sp_runtime::DispatchError;

const PATIENT: u64 = 10;
const DOCTOR: u64 = 20;
const PHARMACIST: u64 = 30;
const RESEARCHER: u64 = 40;
const OTHER_PATIENT: u64 = 50;
const STRANGER: u64 = 99;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn enc_key(n: u8) -> EncryptionKey {
	[n; 32]
}

fn wrapped(n: u8) -> WrappedKey {
	vec![n; 80].try_into().unwrap()
}

fn cid(s: &str) -> Cid {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn content(c: &str, keys: Vec<(u64, u8)>) -> NewContent<u64> {
	NewContent {
		cid: cid(c),
		ciphertext_digest: [7; 32],
		keys: keys
			.into_iter()
			.map(|(who, k)| (who, wrapped(k)))
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
	}
}

fn next_id() -> RecordId {
	NextRecordId::<Test>::get()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn register_all() {
	assert_ok!(EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, enc_key(1)));
	assert_ok!(EhrAcl::register_user(
		signed(OTHER_PATIENT),
		OTHER_PATIENT,
		Role::Patient,
		enc_key(5)
	));
	assert_ok!(EhrAcl::register_user(signed(REGISTRAR), DOCTOR, Role::Doctor, enc_key(2)));
	assert_ok!(EhrAcl::register_user(signed(REGISTRAR), PHARMACIST, Role::Pharmacist, enc_key(3)));
	assert_ok!(EhrAcl::register_user(signed(REGISTRAR), RESEARCHER, Role::Researcher, enc_key(4)));
}

/// Patient's record 0 with the doctor holding ReadWrite.
fn record_shared_with_doctor() -> RecordId {
	register_all();
	assert_ok!(EhrAcl::add_record(
		signed(PATIENT),
		next_id(),
		PATIENT,
		cid("bafy-observation"),
		[1; 32],
		RecordKind::Observation,
		wrapped(1),
		None
	));
	assert_ok!(EhrAcl::grant_access(
		signed(PATIENT),
		0,
		DOCTOR,
		Access::ReadWrite,
		wrapped(2),
		None
	));
	0
}

fn user(who: u64) -> UserOf<Test> {
	Users::<Test>::get(who).expect("registered")
}

// ---- registrars ----

#[test]
fn governance_adds_and_removes_registrars() {
	new_test_ext().execute_with(|| {
		assert_ok!(EhrAcl::add_registrar(RawOrigin::Root.into(), 3, 7));
		assert_eq!(Registrars::<Test>::get(3), Some(7));
		assert_eq!(last_event(), Event::RegistrarAdded { registrar: 3, org: 7 }.into());
		assert_ok!(EhrAcl::remove_registrar(RawOrigin::Root.into(), 3));
		assert_eq!(Registrars::<Test>::get(3), None);
		assert_eq!(last_event(), Event::RegistrarRemoved { registrar: 3 }.into());
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
		assert_ok!(EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, enc_key(1)));
		assert_eq!(user(PATIENT).org, None);
		assert_eq!(user(PATIENT).registered_by, PATIENT);
		assert_eq!(
			last_event(),
			Event::UserRegistered { who: PATIENT, role: Role::Patient, org: None, by: PATIENT }
				.into()
		);
		assert_ok!(EhrAcl::register_user(signed(REGISTRAR), DOCTOR, Role::Doctor, enc_key(2)));
		let doctor = user(DOCTOR);
		assert_eq!(
			(doctor.role, doctor.org, doctor.enc_key),
			(Role::Doctor, Some(HOSPITAL), enc_key(2))
		);
		assert_eq!(
			last_event(),
			Event::UserRegistered {
				who: DOCTOR,
				role: Role::Doctor,
				org: Some(HOSPITAL),
				by: REGISTRAR
			}
			.into()
		);
	});
}

#[test]
fn register_user_errors() {
	new_test_ext().execute_with(|| {
		// Staff cannot register themselves, nor can anyone register others.
		assert_noop!(
			EhrAcl::register_user(signed(DOCTOR), DOCTOR, Role::Doctor, enc_key(2)),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			EhrAcl::register_user(signed(PATIENT), OTHER_PATIENT, Role::Patient, enc_key(2)),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, [0; 32]),
			Error::<Test>::InvalidEncryptionKey
		);
		assert_ok!(EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, enc_key(1)));
		assert_noop!(
			EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, enc_key(1)),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			EhrAcl::register_user(RawOrigin::None.into(), PATIENT, Role::Patient, enc_key(1)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn deregister_by_self_or_own_hospital_registrar_drops_held_grants() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_eq!(user(DOCTOR).grants_held, 1);
		assert_ok!(EhrAcl::deregister_user(signed(REGISTRAR), DOCTOR));
		assert!(!Users::<Test>::contains_key(DOCTOR));
		assert!(Grants::<Test>::get(id, DOCTOR).is_none());
		assert!(GrantsHeld::<Test>::get(DOCTOR, id).is_none());
		assert_eq!(Records::<Test>::get(id).unwrap().grant_count, 1);
		assert_eq!(
			last_event(),
			Event::UserDeregistered { who: DOCTOR, by: REGISTRAR, grants_dropped: 1 }.into()
		);
		assert_ok!(EhrAcl::deregister_user(signed(RESEARCHER), RESEARCHER));
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
		assert_ok!(EhrAcl::rotate_encryption_key(signed(DOCTOR), enc_key(9)));
		assert_eq!((user(DOCTOR).enc_key, user(DOCTOR).enc_key_version), (enc_key(9), 1));
		assert_eq!(
			last_event(),
			Event::EncryptionKeyRotated { who: DOCTOR, enc_key_version: 1 }.into()
		);
	});
}

#[test]
fn rotate_encryption_key_errors() {
	new_test_ext().execute_with(|| {
		register_all();
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(STRANGER), enc_key(9)),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), [0; 32]),
			Error::<Test>::InvalidEncryptionKey
		);
		assert_noop!(
			EhrAcl::rotate_encryption_key(signed(DOCTOR), enc_key(2)),
			Error::<Test>::SameEncryptionKey
		);
	});
}

// ---- records ----

#[test]
fn patient_adds_record_and_holds_owner_grant() {
	new_test_ext().execute_with(|| {
		register_all();
		assert_ok!(EhrAcl::add_record(
			signed(PATIENT),
			next_id(),
			PATIENT,
			cid("bafy1"),
			[1; 32],
			RecordKind::Lab,
			wrapped(1),
			None
		));
		let record = Records::<Test>::get(0).unwrap();
		assert_eq!(
			(record.owner, record.author, record.version, record.key_version),
			(PATIENT, PATIENT, 1, 1)
		);
		assert_eq!(record.grant_count, 1);
		let grant = Grants::<Test>::get(0, PATIENT).unwrap();
		assert_eq!((grant.access, grant.key_version), (Access::ReadWrite, 1));
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![0]);
		assert_eq!((user(PATIENT).records_owned, user(PATIENT).grants_held), (1, 1));
		assert_eq!(NextRecordId::<Test>::get(), 1);
		assert_eq!(
			last_event(),
			Event::RecordAdded { id: 0, owner: PATIENT, author: PATIENT, kind: RecordKind::Lab }
				.into()
		);
	});
}

#[test]
fn doctor_with_read_write_writes_into_patient_records() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		assert_ok!(EhrAcl::add_record(
			signed(DOCTOR),
			next_id(),
			PATIENT,
			cid("bafy-rx"),
			[2; 32],
			RecordKind::Prescription,
			wrapped(1),
			Some((via, wrapped(2)))
		));
		let record = Records::<Test>::get(1).unwrap();
		assert_eq!((record.owner, record.author, record.grant_count), (PATIENT, DOCTOR, 2));
		assert_eq!(Grants::<Test>::get(1, DOCTOR).unwrap().access, Access::ReadWrite);
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![0, 1]);
		assert_eq!(
			last_event(),
			Event::RecordAdded {
				id: 1,
				owner: PATIENT,
				author: DOCTOR,
				kind: RecordKind::Prescription
			}
			.into()
		);
	});
}

#[test]
fn add_record_errors() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		let add = |by: u64,
		           patient: u64,
		           c: &str,
		           key: WrappedKey,
		           author: Option<(RecordId, WrappedKey)>| {
			EhrAcl::add_record(
				signed(by),
				next_id(),
				patient,
				cid(c),
				[1; 32],
				RecordKind::Note,
				key,
				author,
			)
		};
		assert_noop!(add(PATIENT, PATIENT, "", wrapped(1), None), Error::<Test>::EmptyCid);
		// Paths, queries, spaces, escape sequences and non-ASCII are not CIDs.
		for bad in ["bafy/../../etc", "bafy?arg=x", "bafy x", "bafy\u{1b}[2J", "bafyé"] {
			assert_noop!(add(PATIENT, PATIENT, bad, wrapped(1), None), Error::<Test>::InvalidCid);
		}
		assert_noop!(
			EhrAcl::add_record(
				signed(PATIENT),
				next_id() + 1,
				PATIENT,
				cid("c"),
				[1; 32],
				RecordKind::Note,
				wrapped(1),
				None
			),
			Error::<Test>::UnexpectedRecordId
		);
		assert_noop!(
			add(PATIENT, PATIENT, "c", BoundedVec::new(), None),
			Error::<Test>::EmptyWrappedKey
		);
		assert_noop!(add(STRANGER, STRANGER, "c", wrapped(1), None), Error::<Test>::NotRegistered);
		assert_noop!(add(DOCTOR, DOCTOR, "c", wrapped(1), None), Error::<Test>::NotPatient);
		// A clinician needs a care relationship, proven by a ReadWrite grant.
		assert_noop!(
			add(DOCTOR, PATIENT, "c", wrapped(1), None),
			Error::<Test>::NoCareRelationship
		);
		assert_noop!(
			add(PHARMACIST, PATIENT, "c", wrapped(1), Some((via, wrapped(3)))),
			Error::<Test>::NoCareRelationship
		);
		assert_noop!(
			add(DOCTOR, OTHER_PATIENT, "c", wrapped(1), Some((via, wrapped(2)))),
			Error::<Test>::NoCareRelationship
		);
		assert_noop!(
			add(DOCTOR, PATIENT, "c", wrapped(1), Some((77, wrapped(2)))),
			Error::<Test>::NoCareRelationship
		);
		assert_noop!(
			add(DOCTOR, PATIENT, "c", wrapped(1), Some((via, BoundedVec::new()))),
			Error::<Test>::EmptyWrappedKey
		);
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			via,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			None
		));
		assert_noop!(
			add(PHARMACIST, PATIENT, "c", wrapped(1), Some((via, wrapped(3)))),
			Error::<Test>::NoCareRelationship
		);
		for _ in 1..4 {
			assert_ok!(add(PATIENT, PATIENT, "c", wrapped(1), None));
		}
		assert_noop!(add(PATIENT, PATIENT, "c", wrapped(1), None), Error::<Test>::TooManyRecords);
	});
}

#[test]
fn expired_care_relationship_cannot_write() {
	new_test_ext().execute_with(|| {
		let via = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), via, DOCTOR, Access::ReadWrite, Some(5)));
		System::set_block_number(5);
		assert_noop!(
			EhrAcl::add_record(
				signed(DOCTOR),
				next_id(),
				PATIENT,
				cid("c"),
				[1; 32],
				RecordKind::Note,
				wrapped(1),
				Some((via, wrapped(2)))
			),
			Error::<Test>::NoCareRelationship
		);
	});
}

#[test]
fn update_record_rekeys_every_reader() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_record(
			signed(DOCTOR),
			id,
			content("bafy-v2", vec![(PATIENT, 11), (DOCTOR, 12)])
		));
		let record = Records::<Test>::get(id).unwrap();
		assert_eq!(
			(record.version, record.key_version, record.cid.to_vec()),
			(2, 2, b"bafy-v2".to_vec())
		);
		assert_eq!(record.ciphertext_digest, [7; 32]);
		let grant = Grants::<Test>::get(id, DOCTOR).unwrap();
		assert_eq!((grant.wrapped_key, grant.key_version), (wrapped(12), 2));
		assert_eq!(
			last_event(),
			Event::RecordUpdated { id, by: DOCTOR, version: 2, key_version: 2 }.into()
		);
	});
}

#[test]
fn update_record_drops_expired_grants() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			id,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			Some(3)
		));
		System::set_block_number(3);
		assert_ok!(EhrAcl::update_record(
			signed(PATIENT),
			id,
			content("v2", vec![(PATIENT, 11), (DOCTOR, 12)])
		));
		assert!(Grants::<Test>::get(id, PHARMACIST).is_none());
		assert_eq!(user(PHARMACIST).grants_held, 0);
		assert_eq!(Records::<Test>::get(id).unwrap().grant_count, 2);
	});
}

#[test]
fn update_record_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let both = || content("v2", vec![(PATIENT, 11), (DOCTOR, 12)]);
		assert_noop!(
			EhrAcl::update_record(signed(PATIENT), 9, both()),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			EhrAcl::update_record(signed(STRANGER), id, both()),
			Error::<Test>::NotAllowedToWrite
		);
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			id,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			None
		));
		let all = || content("v2", vec![(PATIENT, 11), (DOCTOR, 12), (PHARMACIST, 13)]);
		let mut empty_key = all();
		empty_key.keys[2].1 = BoundedVec::new();
		let cases = [
			(PHARMACIST, all(), Error::<Test>::NotAllowedToWrite),
			// Keys must name exactly the current readers: one missing, one
			// stranger, one twice.
			(PATIENT, both(), Error::<Test>::RewrapMismatch),
			(
				PATIENT,
				content("v2", vec![(PATIENT, 11), (DOCTOR, 12), (RESEARCHER, 13)]),
				Error::<Test>::RewrapMismatch,
			),
			(
				PATIENT,
				content("v2", vec![(PATIENT, 11), (DOCTOR, 12), (DOCTOR, 13)]),
				Error::<Test>::RewrapMismatch,
			),
			(
				PATIENT,
				content("", vec![(PATIENT, 11), (DOCTOR, 12), (PHARMACIST, 13)]),
				Error::<Test>::EmptyCid,
			),
			(
				PATIENT,
				content("v2/../../x", vec![(PATIENT, 11), (DOCTOR, 12), (PHARMACIST, 13)]),
				Error::<Test>::InvalidCid,
			),
			(PATIENT, empty_key, Error::<Test>::EmptyWrappedKey),
		];
		for (by, new_content, error) in cases {
			assert_noop!(EhrAcl::update_record(signed(by), id, new_content), error);
		}
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(4)));
		System::set_block_number(4);
		assert_noop!(EhrAcl::update_record(signed(DOCTOR), id, all()), Error::<Test>::GrantExpired);
	});
}

#[test]
fn remove_record_drops_every_grant_and_request() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_ok!(EhrAcl::remove_record(signed(PATIENT), id));
		assert!(Records::<Test>::get(id).is_none());
		assert_eq!(Grants::<Test>::iter_prefix(id).count(), 0);
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert!(EhrAcl::records_of(&PATIENT).is_empty());
		assert!(EhrAcl::grants_held(&DOCTOR).is_empty());
		assert_eq!(
			(user(PATIENT).records_owned, user(PATIENT).grants_held, user(DOCTOR).grants_held),
			(0, 0, 0)
		);
		assert_eq!(
			last_event(),
			Event::RecordRemoved { id, by: PATIENT, grants_dropped: 2 }.into()
		);
		// Ids are never reused.
		assert_ok!(EhrAcl::add_record(
			signed(PATIENT),
			next_id(),
			PATIENT,
			cid("n"),
			[1; 32],
			RecordKind::Note,
			wrapped(1),
			None
		));
		assert_eq!(EhrAcl::records_of(&PATIENT), vec![1]);
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

// ---- grants ----

#[test]
fn owner_grants_access() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_eq!(
			last_event(),
			Event::AccessGranted {
				id,
				to: DOCTOR,
				by: PATIENT,
				access: Access::ReadWrite,
				expires_at: None
			}
			.into()
		);
		let grant = Grants::<Test>::get(id, DOCTOR).unwrap();
		assert_eq!(
			(grant.granted_by, grant.wrapped_key.clone(), grant.key_version),
			(PATIENT, wrapped(2), 1)
		);
		assert_eq!(EhrAcl::grants_held(&DOCTOR), vec![(id, grant)]);
		assert_eq!(Records::<Test>::get(id).unwrap().grant_count, 2);
	});
}

#[test]
fn read_write_grantee_delegates_read_within_its_own_expiry() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(50)));
		assert_ok!(EhrAcl::grant_access(
			signed(DOCTOR),
			id,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			Some(80)
		));
		let grant = Grants::<Test>::get(id, PHARMACIST).unwrap();
		assert_eq!(
			(grant.granted_by, grant.access, grant.expires_at),
			(DOCTOR, Access::Read, Some(50))
		);
	});
}

#[test]
fn grant_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let grant = |by: u64, to: u64, access: Access, key: WrappedKey, exp: Option<u64>| {
			EhrAcl::grant_access(signed(by), id, to, access, key, exp)
		};
		assert_noop!(
			EhrAcl::grant_access(signed(PATIENT), 9, PHARMACIST, Access::Read, wrapped(3), None),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			grant(STRANGER, PHARMACIST, Access::Read, wrapped(3), None),
			Error::<Test>::NotAllowedToGrant
		);
		assert_noop!(
			grant(DOCTOR, PHARMACIST, Access::ReadWrite, wrapped(3), None),
			Error::<Test>::CannotDelegateReadWrite
		);
		assert_noop!(
			grant(PATIENT, STRANGER, Access::Read, wrapped(3), None),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			grant(PATIENT, DOCTOR, Access::Read, wrapped(3), None),
			Error::<Test>::AlreadyGranted
		);
		assert_noop!(
			grant(PATIENT, PHARMACIST, Access::Read, wrapped(3), Some(1)),
			Error::<Test>::ExpiryInPast
		);
		assert_noop!(
			grant(PATIENT, PHARMACIST, Access::Read, BoundedVec::new(), None),
			Error::<Test>::EmptyWrappedKey
		);
		assert_ok!(grant(PATIENT, PHARMACIST, Access::Read, wrapped(3), None));
		assert_noop!(
			grant(PHARMACIST, RESEARCHER, Access::Read, wrapped(4), None),
			Error::<Test>::NotAllowedToGrant
		);
		// Expired and outdated grants keep their own errors.
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::ReadWrite, Some(3)));
		System::set_block_number(3);
		assert_noop!(
			grant(DOCTOR, RESEARCHER, Access::Read, wrapped(4), None),
			Error::<Test>::GrantExpired
		);
	});
}

#[test]
fn grant_limits_hold() {
	new_test_ext().execute_with(|| {
		register_all();
		// Per account (MaxGrantsPerAccount = 6): doctor fills up on 4 records of
		// two patients.
		for (n, p) in
			[PATIENT, PATIENT, PATIENT, PATIENT, OTHER_PATIENT, OTHER_PATIENT, OTHER_PATIENT]
				.iter()
				.enumerate()
		{
			assert_ok!(EhrAcl::add_record(
				signed(*p),
				next_id(),
				*p,
				cid("c"),
				[1; 32],
				RecordKind::Note,
				wrapped(1),
				None
			));
			let result =
				EhrAcl::grant_access(signed(*p), n as u64, DOCTOR, Access::Read, wrapped(2), None);
			if n < 6 {
				assert_ok!(result);
			} else {
				assert_noop!(result, Error::<Test>::TooManyGrantsHeld);
			}
		}
	});
	new_test_ext().execute_with(|| {
		assert_ok!(EhrAcl::register_user(signed(PATIENT), PATIENT, Role::Patient, enc_key(1)));
		assert_ok!(EhrAcl::add_record(
			signed(PATIENT),
			next_id(),
			PATIENT,
			cid("c"),
			[1; 32],
			RecordKind::Note,
			wrapped(1),
			None
		));
		for reader in 100..100 + MAX_GRANTS_PER_RECORD as u64 - 1 {
			assert_ok!(EhrAcl::register_user(
				signed(REGISTRAR),
				reader,
				Role::Researcher,
				enc_key(4)
			));
			assert_ok!(EhrAcl::grant_access(
				signed(PATIENT),
				0,
				reader,
				Access::Read,
				wrapped(4),
				None
			));
		}
		assert_ok!(EhrAcl::register_user(
			signed(REGISTRAR),
			STRANGER,
			Role::Researcher,
			enc_key(4)
		));
		assert_noop!(
			EhrAcl::grant_access(signed(PATIENT), 0, STRANGER, Access::Read, wrapped(4), None),
			Error::<Test>::TooManyGrants
		);
	});
}

#[test]
fn update_access_changes_level_and_expiry() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::Read, Some(9)));
		let grant = Grants::<Test>::get(id, DOCTOR).unwrap();
		assert_eq!((grant.access, grant.expires_at), (Access::Read, Some(9)));
		assert_eq!(
			last_event(),
			Event::AccessUpdated { id, of: DOCTOR, access: Access::Read, expires_at: Some(9) }
				.into()
		);
	});
}

#[test]
fn update_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), 9, DOCTOR, Access::Read, None),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			EhrAcl::update_access(signed(DOCTOR), id, DOCTOR, Access::Read, None),
			Error::<Test>::NotRecordOwner
		);
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, PATIENT, Access::Read, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, DOCTOR, Access::Read, Some(1)),
			Error::<Test>::ExpiryInPast
		);
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, PHARMACIST, Access::Read, None),
			Error::<Test>::GrantNotFound
		);
	});
}

#[test]
fn revoke_without_rotation_removes_the_grant() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, None));
		assert!(Grants::<Test>::get(id, DOCTOR).is_none());
		assert_eq!(
			(Records::<Test>::get(id).unwrap().grant_count, user(DOCTOR).grants_held),
			(1, 0)
		);
		assert_eq!(
			last_event(),
			Event::AccessRevoked { id, from: DOCTOR, by: PATIENT, key_rotated: false }.into()
		);
	});
}

#[test]
fn revoke_with_rotation_rekeys_the_rest_atomically() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			id,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			None
		));
		let rotation = content("bafy-v2", vec![(PATIENT, 21), (PHARMACIST, 23)]);
		assert_ok!(EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, Some(rotation)));
		let record = Records::<Test>::get(id).unwrap();
		assert_eq!(
			(record.cid.to_vec(), record.version, record.key_version, record.grant_count),
			(b"bafy-v2".to_vec(), 2, 2, 2)
		);
		let grant = Grants::<Test>::get(id, PHARMACIST).unwrap();
		assert_eq!((grant.wrapped_key, grant.key_version), (wrapped(23), 2));
		assert!(Grants::<Test>::get(id, DOCTOR).is_none());
		assert_eq!(
			last_event(),
			Event::AccessRevoked { id, from: DOCTOR, by: PATIENT, key_rotated: true }.into()
		);
	});
}

#[test]
fn revoke_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), 9, DOCTOR, None),
			Error::<Test>::RecordNotFound
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(DOCTOR), id, DOCTOR, None),
			Error::<Test>::NotRecordOwner
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, PATIENT, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, PHARMACIST, None),
			Error::<Test>::GrantNotFound
		);
		// The revoked reader must not get the new key.
		assert_noop!(
			EhrAcl::revoke_access(
				signed(PATIENT),
				id,
				DOCTOR,
				Some(content("v2", vec![(PATIENT, 1), (DOCTOR, 2)]))
			),
			Error::<Test>::RewrapMismatch
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, DOCTOR, Some(content("v2", vec![]))),
			Error::<Test>::RewrapMismatch
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
			Event::AccessRequested { id, by: RESEARCHER, access: Access::Read }.into()
		);
		assert_ok!(EhrAcl::answer_request(
			signed(PATIENT),
			id,
			RESEARCHER,
			Some(wrapped(4)),
			Some(20)
		));
		let grant = Grants::<Test>::get(id, RESEARCHER).unwrap();
		assert_eq!((grant.access, grant.expires_at), (Access::Read, Some(20)));
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!(
			last_event(),
			Event::RequestAnswered { id, requester: RESEARCHER, approved: true }.into()
		);
	});
}

#[test]
fn request_then_deny_grants_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::request_access(signed(RESEARCHER), id, Access::Read));
		assert_ok!(EhrAcl::answer_request(signed(PATIENT), id, RESEARCHER, None, None));
		assert!(Grants::<Test>::get(id, RESEARCHER).is_none());
		assert!(Requests::<Test>::get(id, RESEARCHER).is_none());
		assert_eq!(
			last_event(),
			Event::RequestAnswered { id, requester: RESEARCHER, approved: false }.into()
		);
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
		let answer =
			|by: u64, rec: RecordId, who: u64, key: Option<WrappedKey>, exp: Option<u64>| {
				EhrAcl::answer_request(signed(by), rec, who, key, exp)
			};
		assert_noop!(answer(PATIENT, 9, RESEARCHER, None, None), Error::<Test>::RecordNotFound);
		assert_noop!(answer(DOCTOR, id, RESEARCHER, None, None), Error::<Test>::NotRecordOwner);
		assert_noop!(answer(PATIENT, id, PHARMACIST, None, None), Error::<Test>::RequestNotFound);
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, Some(BoundedVec::new()), None),
			Error::<Test>::EmptyWrappedKey
		);
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, Some(wrapped(4)), Some(1)),
			Error::<Test>::ExpiryInPast
		);
		assert_ok!(EhrAcl::deregister_user(signed(RESEARCHER), RESEARCHER));
		assert_noop!(
			answer(PATIENT, id, RESEARCHER, Some(wrapped(4)), None),
			Error::<Test>::NotRegistered
		);
	});
}

// ---- access log ----

#[test]
fn log_access_records_reader_and_version() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_ok!(EhrAcl::log_access(signed(DOCTOR), id));
		assert_eq!(last_event(), Event::AccessLogged { id, by: DOCTOR, version: 1 }.into());
		assert_ok!(EhrAcl::log_access(signed(PATIENT), id));
	});
}

#[test]
fn log_access_errors() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		assert_noop!(EhrAcl::log_access(signed(DOCTOR), 9), Error::<Test>::RecordNotFound);
		assert_noop!(EhrAcl::log_access(signed(STRANGER), id), Error::<Test>::GrantNotFound);
		// A grant wrapping an older key is outdated.
		assert_ok!(EhrAcl::grant_access(
			signed(PATIENT),
			id,
			PHARMACIST,
			Access::Read,
			wrapped(3),
			Some(5)
		));
		Grants::<Test>::mutate(id, PHARMACIST, |g| g.as_mut().unwrap().key_version = 0);
		assert_noop!(EhrAcl::log_access(signed(PHARMACIST), id), Error::<Test>::GrantOutdated);
		System::set_block_number(5);
		assert_noop!(EhrAcl::log_access(signed(PHARMACIST), id), Error::<Test>::GrantExpired);
	});
}

// ---- queries ----

#[test]
fn record_view_lists_every_grant() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		let view = EhrAcl::record_view(id).unwrap();
		let mut readers: Vec<u64> = view.grants.iter().map(|(who, _)| *who).collect();
		readers.sort();
		assert_eq!(readers, vec![PATIENT, DOCTOR]);
		assert_eq!(view.record.owner, PATIENT);
		assert!(EhrAcl::record_view(9).is_none());
	});
}

// ---- hostile input ----

/// The SCALE bytes of an `EhrAcl` call: pallet index, call index, then the
/// arguments as a client would encode them, however malformed.
fn raw_call(call_index: u8, args: impl Encode) -> Vec<u8> {
	let mut bytes = vec![1u8, call_index]; // EhrAcl is pallet 1 in the mock
	args.encode_to(&mut bytes);
	bytes
}

fn decodes(bytes: &[u8]) -> bool {
	use codec::DecodeAll;
	RuntimeCall::decode_all(&mut &bytes[..]).is_ok()
}

#[test]
fn oversized_or_unknown_fields_do_not_decode_into_a_call() {
	let add_record = |cid_len: usize, kind: u8, key_len: usize| {
		let args = (
			0u64,
			PATIENT,
			vec![b'b'; cid_len],
			[1u8; 32],
			kind,
			vec![1u8; key_len],
			None::<(u64, Vec<u8>)>,
		);
		raw_call(5, args)
	};
	// At the bounds the call decodes; one byte or variant over, it does not.
	assert!(decodes(&add_record(MAX_CID_LEN as usize, 6, MAX_WRAPPED_KEY_LEN as usize)));
	assert!(!decodes(&add_record(MAX_CID_LEN as usize + 1, 6, 80)));
	assert!(!decodes(&add_record(59, 6, MAX_WRAPPED_KEY_LEN as usize + 1)));
	assert!(!decodes(&add_record(59, 7, 80)), "unknown record kind");
	assert!(!decodes(&add_record(59, 0xff, 80)), "unknown record kind");

	let register = |role: u8| raw_call(2, (PATIENT, role, [1u8; 32]));
	assert!(decodes(&register(3)));
	assert!(!decodes(&register(4)), "unknown role");

	let grant = |access: u8| raw_call(8, (0u64, DOCTOR, access, vec![2u8; 80], None::<u64>));
	assert!(decodes(&grant(1)));
	assert!(!decodes(&grant(2)), "unknown access level");

	// A re-key naming more readers than a record can have.
	let update = |readers: u64| {
		let keys: Vec<(u64, Vec<u8>)> = (0..readers).map(|r| (r, vec![3u8; 80])).collect();
		raw_call(6, (0u64, vec![b'b'; 59], [1u8; 32], keys))
	};
	assert!(decodes(&update(MAX_GRANTS_PER_RECORD as u64)));
	assert!(!decodes(&update(MAX_GRANTS_PER_RECORD as u64 + 1)));

	// Truncated calls, trailing bytes, unknown call indices and a length
	// prefix claiming more bytes than follow.
	let good = register(0);
	assert!(!decodes(&good[..good.len() - 1]));
	assert!(!decodes(&[good.as_slice(), &[0]].concat()));
	assert!(!decodes(&raw_call(99, ())));
	let mut lying = raw_call(5, (0u64, PATIENT));
	codec::Compact(u32::MAX).encode_to(&mut lying);
	assert!(!decodes(&lying));
}

#[test]
fn self_grants_and_grants_to_the_unregistered_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = record_shared_with_doctor();
		// The owner and a ReadWrite grantee already hold a grant: granting
		// themselves again (to swap in another wrapped key) is refused.
		assert_noop!(
			EhrAcl::grant_access(signed(PATIENT), id, PATIENT, Access::Read, wrapped(9), None),
			Error::<Test>::AlreadyGranted
		);
		assert_noop!(
			EhrAcl::grant_access(signed(DOCTOR), id, DOCTOR, Access::Read, wrapped(9), None),
			Error::<Test>::AlreadyGranted
		);
		// A stranger cannot grant itself anything, nor request twice.
		assert_noop!(
			EhrAcl::grant_access(signed(STRANGER), id, STRANGER, Access::Read, wrapped(9), None),
			Error::<Test>::NotAllowedToGrant
		);
		assert_noop!(
			EhrAcl::request_access(signed(STRANGER), id, Access::Read),
			Error::<Test>::NotRegistered
		);
		// The owner cannot downgrade, expire or revoke its own grant.
		assert_noop!(
			EhrAcl::update_access(signed(PATIENT), id, PATIENT, Access::Read, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		assert_noop!(
			EhrAcl::revoke_access(signed(PATIENT), id, PATIENT, None),
			Error::<Test>::CannotChangeOwnerGrant
		);
		// A deregistered reader's grants went with it; granting it again
		// needs it registered again.
		assert_ok!(EhrAcl::deregister_user(signed(DOCTOR), DOCTOR));
		assert_noop!(
			EhrAcl::grant_access(signed(PATIENT), id, DOCTOR, Access::Read, wrapped(2), None),
			Error::<Test>::NotRegistered
		);
		assert_eq!(EhrAcl::record_view(id).unwrap().grants.len(), 1);
	});
}
