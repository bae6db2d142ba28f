//! Random call sequences from several accounts, with the pallet's invariants
//! checked after every step.

use crate::{mock::*, *};
use frame_support::BoundedVec;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Accounts 1 and 2 are registrars (see `mock`); 3..=8 are everyone else.
const ACCOUNTS: std::ops::RangeInclusive<u64> = 1..=8;

#[derive(Clone, Debug)]
enum Action {
	Register { by: u64, who: u64, role: Role },
	Deregister { by: u64, who: u64 },
	AddRecord { by: Caller, patient: u64, via: u64, hostile: Hostile },
	Update { by: Caller, record: u64, all_keys: bool },
	Remove { by: Caller, record: u64 },
	Grant { by: Caller, record: u64, to: u64, access: Access, ttl: Option<u64> },
	UpdateAccess { by: Caller, record: u64, of: u64, access: Access, ttl: Option<u64> },
	Revoke { by: Caller, record: u64, from: u64, rotate: bool, all_keys: bool },
	Request { by: u64, record: u64 },
	Answer { by: Caller, record: u64, who: u64, approve: bool },
	Log { by: u64, record: u64 },
	NextBlocks(u64),
}

/// `None` calls as the record's owner, so that owner-only calls often pass.
type Caller = Option<u64>;

/// What a misbehaving client gets wrong in a call, if anything.
#[derive(Clone, Copy, Debug)]
enum Hostile {
	Nothing,
	/// A path instead of a CID.
	BadCid,
	/// A record id other than the next free one.
	WrongId,
	/// An empty wrapped key.
	EmptyKey,
}

fn hostile() -> impl Strategy<Value = Hostile> {
	prop_oneof![
		6 => Just(Hostile::Nothing),
		1 => Just(Hostile::BadCid),
		1 => Just(Hostile::WrongId),
		1 => Just(Hostile::EmptyKey),
	]
}

fn account() -> impl Strategy<Value = u64> {
	ACCOUNTS
}

/// Mostly the seeded staff, who can be granted access.
fn grantee() -> impl Strategy<Value = u64> {
	prop_oneof![3 => 5u64..=7, 1 => ACCOUNTS]
}

fn caller() -> impl Strategy<Value = Caller> {
	prop::option::of(ACCOUNTS)
}

fn record() -> impl Strategy<Value = u64> {
	0u64..4
}

fn access() -> impl Strategy<Value = Access> {
	prop_oneof![Just(Access::Read), Just(Access::ReadWrite)]
}

fn action() -> impl Strategy<Value = Action> {
	let role = prop_oneof![Just(Role::Patient), Just(Role::Doctor), Just(Role::Pharmacist)];
	let ttl = prop::option::of(0u64..6);
	prop_oneof![
		2 => (account(), account(), role).prop_map(|(by, who, role)| Action::Register { by, who, role }),
		1 => (account(), account()).prop_map(|(by, who)| Action::Deregister { by, who }),
		3 => (caller(), account(), record(), hostile())
			.prop_map(|(by, patient, via, hostile)| Action::AddRecord { by, patient, via, hostile }),
		2 => (caller(), record(), any::<bool>()).prop_map(|(by, record, all_keys)| Action::Update { by, record, all_keys }),
		1 => (caller(), record()).prop_map(|(by, record)| Action::Remove { by, record }),
		4 => (caller(), record(), grantee(), access(), ttl.clone())
			.prop_map(|(by, record, to, access, ttl)| Action::Grant { by, record, to, access, ttl }),
		2 => (caller(), record(), grantee(), access(), ttl)
			.prop_map(|(by, record, of, access, ttl)| Action::UpdateAccess { by, record, of, access, ttl }),
		3 => (caller(), record(), grantee(), any::<bool>(), any::<bool>()).prop_map(
			|(by, record, from, rotate, all_keys)| Action::Revoke { by, record, from, rotate, all_keys }
		),
		2 => (grantee(), record()).prop_map(|(by, record)| Action::Request { by, record }),
		2 => (caller(), record(), grantee(), any::<bool>())
			.prop_map(|(by, record, who, approve)| Action::Answer { by, record, who, approve }),
		2 => (account(), record()).prop_map(|(by, record)| Action::Log { by, record }),
		1 => (1u64..4).prop_map(Action::NextBlocks),
	]
}

fn key_for(who: u64) -> WrappedKey {
	vec![who as u8; 80].try_into().unwrap()
}

/// New content whose keys name the readers that keep access, or all but one
/// when `all_keys` is false.
fn content_for(record: u64, leaving: Option<u64>, all_keys: bool) -> NewContentOf<Test> {
	let now = System::block_number();
	let mut keys: Vec<(u64, WrappedKey)> = Grants::<Test>::iter_prefix(record)
		.filter(|(who, g)| Some(*who) != leaving && g.expires_at.is_none_or(|at| at > now))
		.map(|(who, _)| (who, key_for(who)))
		.collect();
	if !all_keys {
		keys.pop();
	}
	NewContent {
		cid: b"bafy-next".to_vec().try_into().unwrap(),
		ciphertext_digest: [9; 32],
		keys: BoundedVec::truncate_from(keys),
	}
}

type CallResult = Result<(), sp_runtime::DispatchError>;

/// Runs `action`; returns who called and what the call returned.
fn apply(action: &Action) -> (u64, CallResult) {
	let o = |who: u64| RuntimeOrigin::signed(who);
	let now = System::block_number();
	let at = |ttl: Option<u64>| ttl.map(|t| now + t);
	let owner_or = |by: Caller, record: u64| {
		by.or_else(|| Records::<Test>::get(record).map(|r| r.owner)).unwrap_or(3)
	};
	match action.clone() {
		Action::Register { by, who, role } => {
			(by, EhrAcl::register_user(o(by), who, role, [who as u8; 32]).map(|_| ()))
		}
		Action::Deregister { by, who } => {
			(by, EhrAcl::deregister_user(o(by), who).map(|_| ()).map_err(|e| e.error))
		}
		Action::AddRecord { by, patient, via, hostile } => {
			let by = by.unwrap_or(patient);
			let next = NextRecordId::<Test>::get();
			let (id, cid, key): (_, &[u8], _) = match hostile {
				Hostile::Nothing => (next, b"bafy", key_for(patient)),
				Hostile::BadCid => (next, b"bafy/../x", key_for(patient)),
				Hostile::WrongId => (next.wrapping_sub(1), b"bafy", key_for(patient)),
				Hostile::EmptyKey => (next, b"bafy", BoundedVec::new()),
			};
			let cid = cid.to_vec().try_into().unwrap();
			let author_key = Some((via, key_for(by)));
			let added = EhrAcl::add_record(
				o(by),
				id,
				patient,
				cid,
				[1; 32],
				RecordKind::Note,
				key,
				author_key,
			);
			if !matches!(hostile, Hostile::Nothing) {
				assert!(added.is_err(), "{hostile:?} add_record accepted");
			}
			(by, added)
		}
		Action::Update { by, record, all_keys } => {
			let by = owner_or(by, record);
			(by, EhrAcl::update_record(o(by), record, content_for(record, None, all_keys)))
		}
		Action::Remove { by, record } => {
			let by = owner_or(by, record);
			(by, EhrAcl::remove_record(o(by), record).map(|_| ()).map_err(|e| e.error))
		}
		Action::Grant { by, record, to, access, ttl } => {
			let by = owner_or(by, record);
			(by, EhrAcl::grant_access(o(by), record, to, access, key_for(to), at(ttl)))
		}
		Action::UpdateAccess { by, record, of, access, ttl } => {
			let by = owner_or(by, record);
			(by, EhrAcl::update_access(o(by), record, of, access, at(ttl)))
		}
		Action::Revoke { by, record, from, rotate, all_keys } => {
			let by = owner_or(by, record);
			let rotation = rotate.then(|| content_for(record, Some(from), all_keys));
			(by, EhrAcl::revoke_access(o(by), record, from, rotation))
		}
		Action::Request { by, record } => (by, EhrAcl::request_access(o(by), record, Access::Read)),
		Action::Answer { by, record, who, approve } => {
			let by = owner_or(by, record);
			(by, EhrAcl::answer_request(o(by), record, who, approve.then(|| key_for(who)), None))
		}
		Action::Log { by, record } => (by, EhrAcl::log_access(o(by), record)),
		Action::NextBlocks(n) => {
			System::set_block_number(now + n);
			(0, Ok(()))
		}
	}
}

/// Everything the pallet stores, in a comparable form.
#[derive(PartialEq, Debug, Clone)]
struct Snapshot {
	users: BTreeMap<u64, UserOf<Test>>,
	registrars: BTreeMap<u64, OrgId>,
	records: BTreeMap<RecordId, RecordOf<Test>>,
	by_owner: BTreeSet<(u64, RecordId)>,
	grants: BTreeMap<(RecordId, u64), GrantOf<Test>>,
	held: BTreeSet<(u64, RecordId)>,
	requests: BTreeMap<(RecordId, u64), AccessRequest<u64>>,
	next_id: RecordId,
}

fn snapshot() -> Snapshot {
	Snapshot {
		users: Users::<Test>::iter().collect(),
		registrars: Registrars::<Test>::iter().collect(),
		records: Records::<Test>::iter().collect(),
		by_owner: RecordsByOwner::<Test>::iter().map(|(a, b, ())| (a, b)).collect(),
		grants: Grants::<Test>::iter().map(|(r, a, g)| ((r, a), g)).collect(),
		held: GrantsHeld::<Test>::iter().map(|(a, r, ())| (a, r)).collect(),
		requests: Requests::<Test>::iter().map(|(r, a, q)| ((r, a), q)).collect(),
		next_id: NextRecordId::<Test>::get(),
	}
}

fn check_invariants(s: &Snapshot) {
	for (record, reader) in s.grants.keys() {
		assert!(s.records.contains_key(record), "grant on missing record {record}");
		assert!(s.users.contains_key(reader), "grant held by unregistered {reader}");
	}
	let mirrored: BTreeSet<(u64, RecordId)> = s.grants.keys().map(|(r, a)| (*a, *r)).collect();
	assert_eq!(mirrored, s.held, "GrantsHeld mirrors Grants");
	for (id, record) in &s.records {
		assert!(*id < s.next_id);
		let count = s.grants.keys().filter(|(r, _)| r == id).count() as u32;
		assert_eq!(record.grant_count, count, "grant_count of {id}");
		assert!(count <= MAX_GRANTS_PER_RECORD);
		let owner_grant = s.grants.get(&(*id, record.owner)).expect("owner holds a grant");
		assert_eq!(owner_grant.access, Access::ReadWrite);
		assert_eq!(s.users.get(&record.owner).map(|u| u.role), Some(Role::Patient));
		assert!(s.by_owner.contains(&(record.owner, *id)));
	}
	assert_eq!(s.by_owner.len(), s.records.len());
	for (who, user) in &s.users {
		assert_eq!(user.grants_held as usize, s.held.iter().filter(|(a, _)| a == who).count());
		assert_eq!(
			user.records_owned as usize,
			s.by_owner.iter().filter(|(a, _)| a == who).count()
		);
	}
	for (record, _) in s.requests.keys() {
		assert!(s.records.contains_key(record), "request on missing record");
	}
}

/// Only an owner (or a current ReadWrite grantee) changes a record; only the
/// owner removes one.
fn check_authority(caller: u64, before: &Snapshot, after: &Snapshot, now: u64) {
	let could_write = |id: &RecordId, r: &RecordOf<Test>| {
		r.owner == caller
			|| before.grants.get(&(*id, caller)).is_some_and(|g| {
				g.access == Access::ReadWrite
					&& g.key_version == r.key_version
					&& g.expires_at.is_none_or(|at| at > now)
			})
	};
	for (id, old) in &before.records {
		match after.records.get(id) {
			None => assert_eq!(old.owner, caller, "record {id} removed by non-owner"),
			Some(new) if new.cid != old.cid || new.version != old.version => {
				assert!(could_write(id, old), "record {id} changed by {caller}")
			}
			_ => {}
		}
	}
	for ((id, reader), grant) in &after.grants {
		if before.grants.get(&(*id, *reader)) != Some(grant) && before.records.contains_key(id) {
			assert!(could_write(id, &before.records[id]), "grant on {id} changed by {caller}");
		}
	}
}

proptest! {
	// `scripts/fuzz` raises the number of sequences with PROPTEST_CASES.
	#![proptest_config(ProptestConfig::with_cases(
		std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(96)
	))]
	#[test]
	fn invariants_hold_under_random_calls(actions in prop::collection::vec(action(), 1..60)) {
		new_test_ext().execute_with(|| {
			// Seed: two patients with a record each, so calls have targets.
			for p in [3u64, 4] {
				frame_support::assert_ok!(EhrAcl::register_user(RuntimeOrigin::signed(p), p, Role::Patient, [p as u8; 32]));
				frame_support::assert_ok!(EhrAcl::add_record(
					RuntimeOrigin::signed(p), NextRecordId::<Test>::get(), p, b"bafy".to_vec().try_into().unwrap(), [1; 32],
					RecordKind::Note, key_for(p), None));
			}
			for (staff, role) in [(5u64, Role::Doctor), (6, Role::Doctor), (7, Role::Pharmacist)] {
				frame_support::assert_ok!(EhrAcl::register_user(RuntimeOrigin::signed(1), staff, role, [staff as u8; 32]));
			}
			for action in &actions {
				let before = snapshot();
				let now = System::block_number();
				let (caller, result) = apply(action);
				let after = snapshot();
				match result {
					Ok(()) => check_authority(caller, &before, &after, now),
					Err(_) => assert_eq!(before, after, "failed {action:?} changed state"),
				}
				check_invariants(&after);
			}
		});
	}
}
