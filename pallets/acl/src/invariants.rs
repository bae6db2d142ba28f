//! Random call sequences from several accounts, checked after every step:
//! the pallet's invariants hold, a failed call changes nothing, a call that
//! succeeded changed only what its caller may change, and an auditor holding
//! nothing but the pallet's events rebuilds the state.
//!
//! Callers and targets are named by what they are to a record (its owner, its
//! nth ReadWrite grantee, the giver of its nth delegated grant, ...) and
//! resolved when the call runs, so that sequences reach delegation, cascades
//! and requests often. Calls that wrap or re-key a record's data key are built
//! on a view of the record (key version and readers) read either just now or
//! a few changes ago, as a client that read the chain a while back would.

use crate::{mock::*, *};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	traits::{fungible::InspectHold, Get},
	BoundedVec,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Never registered; only ever named as a reader.
const STRANGER: u64 = 200;
/// Every account whose balance is followed: registrars 1 and 2 (see `mock`),
/// anyone 3..=8, and the two above.
const TRACKED: [u64; 10] = [1, 2, 3, 4, 5, 6, 7, 8, POOR, STRANGER];
/// Who an unresolvable [`Who`] or [`Whom`] falls back to: a seeded doctor.
const FALLBACK: u64 = 5;
/// How many earlier views of each record a client may build on.
const VIEWS_KEPT: usize = 4;

#[derive(Clone, Debug)]
enum Action {
	Register {
		by: u64,
		who: u64,
		role: Role,
	},
	Deregister {
		by: u64,
		who: u64,
	},
	RotateKey {
		who: u64,
		key: u8,
	},
	/// A record added through `via` (the owner's record whose ReadWrite
	/// grant lets a clinician write), for `patient` or else `via`'s owner.
	AddRecord {
		by: Who,
		via: Rec,
		patient: Option<u64>,
		readers: Vec<Reader>,
		hostile: Hostile,
	},
	Update {
		by: Who,
		record: Rec,
		view: View,
	},
	Remove {
		by: Who,
		record: Rec,
	},
	/// `grant_access` to one reader, `grant_access_many` to several.
	Grant {
		by: Who,
		record: Rec,
		team: Vec<Reader>,
		view: View,
	},
	UpdateAccess {
		by: Who,
		record: Rec,
		of: Whom,
		access: Access,
		ttl: Option<u64>,
	},
	Revoke {
		by: Who,
		record: Rec,
		from: Whom,
		rotation: Option<View>,
	},
	Renounce {
		by: Whom,
		record: Rec,
	},
	Request {
		by: u64,
		record: Rec,
		access: Access,
	},
	Cancel {
		by: Whom,
		record: Rec,
	},
	Answer {
		by: Who,
		record: Rec,
		requester: Whom,
		/// Expiry, the view it is built on, and the access it grants
		/// (`None`: as asked).
		approval: Option<(Option<u64>, View, Option<Access>)>,
	},
	/// `log_access` of one record; `log_access_many` of it and, for each
	/// of `held`, the nth record the caller holds a grant on.
	Log {
		by: Whom,
		record: Rec,
		held: Vec<usize>,
	},
	NextBlocks(u64),
}

/// An initial reader of `add_record`: account, access, blocks until expiry.
type Reader = (u64, Access, Option<u64>);

/// The record a call is about, resolved when the call runs.
#[derive(Clone, Copy, Debug)]
enum Rec {
	/// The nth record that exists, in id order.
	Existing(usize),
	/// This id, which may not be used yet or may have been removed.
	Id(RecordId),
}

/// Who makes a call, resolved against the record when the call runs.
#[derive(Clone, Copy, Debug)]
enum Who {
	Owner,
	Account(u64),
	/// The nth holder of a ReadWrite grant other than the owner.
	Writer(usize),
	/// The giver of the nth delegated grant.
	Delegator(usize),
}

/// Whose grant or request a call is about, resolved like [`Who`].
#[derive(Clone, Copy, Debug)]
enum Whom {
	Account(u64),
	/// The nth holder of a grant other than the owner.
	Holder(usize),
	/// The holder of the nth delegated grant.
	Delegated(usize),
	/// The nth account with a pending request.
	Requester(usize),
}

/// The view of a record a call that wraps or re-keys its data key is built on.
#[derive(Clone, Copy, Debug)]
enum View {
	/// Read just now, as an honest client does.
	Current,
	/// Read `n` changes of the record ago (the oldest kept, if fewer).
	Earlier(usize),
	/// Current, but one remaining reader gets no key.
	MissingReader,
	/// Current, but one reader gets two keys.
	DuplicateReader,
}

/// What a misbehaving client gets wrong in `add_record`, if anything.
#[derive(Clone, Copy, Debug)]
enum Hostile {
	Nothing,
	/// A path instead of a CID.
	BadCid,
	/// An empty wrapped key for the owner.
	EmptyOwnerKey,
	/// A reader named twice (or the patient named as a reader).
	DuplicateReader,
	/// A reader that is not registered.
	UnregisteredReader,
	/// A reader whose grant expires now.
	PastExpiry,
	/// A ReadWrite reader, which only the patient itself may give.
	ReadWriteReader,
}

fn account() -> impl Strategy<Value = u64> {
	prop_oneof![8 => 1u64..=8, 1 => Just(POOR)]
}

/// Mostly the seeded staff, who can be granted access.
fn grantee() -> impl Strategy<Value = u64> {
	prop_oneof![3 => 5u64..=7, 1 => account()]
}

fn record() -> impl Strategy<Value = Rec> {
	prop_oneof![6 => nth().prop_map(Rec::Existing), 1 => (0u64..6).prop_map(Rec::Id)]
}

fn access() -> impl Strategy<Value = Access> {
	prop_oneof![Just(Access::Read), Just(Access::ReadWrite)]
}

/// Blocks until expiry; 0 expires at once, which the pallet refuses.
fn ttl() -> impl Strategy<Value = Option<u64>> {
	prop::option::of(0u64..6)
}

fn nth() -> impl Strategy<Value = usize> {
	0usize..6
}

/// A caller and the account it registers or deregisters: mostly a registrar
/// or the account itself.
fn registrant() -> impl Strategy<Value = (u64, u64)> {
	prop_oneof![
		2 => (1u64..=2, account()),
		2 => account().prop_map(|who| (who, who)),
		1 => (account(), account()),
	]
}

/// Mostly someone with a pending request.
fn requester() -> impl Strategy<Value = Whom> {
	prop_oneof![3 => nth().prop_map(Whom::Requester), 1 => whom()]
}

/// Mostly someone holding a grant.
fn holder() -> impl Strategy<Value = Whom> {
	prop_oneof![
		3 => nth().prop_map(Whom::Holder),
		1 => nth().prop_map(Whom::Delegated),
		1 => whom(),
	]
}

fn who() -> impl Strategy<Value = Who> {
	prop_oneof![
		3 => Just(Who::Owner),
		2 => account().prop_map(Who::Account),
		2 => nth().prop_map(Who::Writer),
		1 => nth().prop_map(Who::Delegator),
	]
}

/// Mostly the record's owner, for the calls only it may make.
fn owner() -> impl Strategy<Value = Who> {
	prop_oneof![4 => Just(Who::Owner), 1 => who()]
}

/// Mostly someone who may write the record.
fn writer() -> impl Strategy<Value = Who> {
	prop_oneof![2 => Just(Who::Owner), 2 => nth().prop_map(Who::Writer), 1 => who()]
}

fn whom() -> impl Strategy<Value = Whom> {
	prop_oneof![
		2 => grantee().prop_map(Whom::Account),
		2 => nth().prop_map(Whom::Holder),
		1 => nth().prop_map(Whom::Delegated),
		1 => nth().prop_map(Whom::Requester),
	]
}

/// Mostly a revoker and a target at random; sometimes a delegator and the
/// grant it delegated.
fn revoker() -> impl Strategy<Value = (Who, Whom)> {
	prop_oneof![
		3 => (owner(), holder()),
		1 => nth().prop_map(|n| (Who::Delegator(n), Whom::Delegated(n))),
	]
}

fn view() -> impl Strategy<Value = View> {
	prop_oneof![
		6 => Just(View::Current),
		3 => (1usize..VIEWS_KEPT).prop_map(View::Earlier),
		1 => Just(View::MissingReader),
		1 => Just(View::DuplicateReader),
	]
}

fn readers() -> impl Strategy<Value = Vec<Reader>> {
	prop::collection::vec((grantee(), access(), ttl()), 0..4)
}

fn hostile() -> impl Strategy<Value = Hostile> {
	prop_oneof![
		8 => Just(Hostile::Nothing),
		1 => Just(Hostile::BadCid),
		1 => Just(Hostile::EmptyOwnerKey),
		1 => Just(Hostile::DuplicateReader),
		1 => Just(Hostile::UnregisteredReader),
		1 => Just(Hostile::PastExpiry),
		1 => Just(Hostile::ReadWriteReader),
	]
}

fn action() -> impl Strategy<Value = Action> {
	let role = prop_oneof![
		Just(Role::Patient),
		Just(Role::Doctor),
		Just(Role::Pharmacist),
		Just(Role::Researcher)
	];
	prop_oneof![
		2 => (registrant(), role).prop_map(|((by, who), role)| Action::Register { by, who, role }),
		1 => registrant().prop_map(|(by, who)| Action::Deregister { by, who }),
		1 => (account(), 0u8..3).prop_map(|(who, key)| Action::RotateKey { who, key }),
		3 => (who(), record(), prop::option::weighted(0.2, account()), readers(), hostile()).prop_map(
			|(by, via, patient, readers, hostile)| Action::AddRecord { by, via, patient, readers, hostile }
		),
		2 => (writer(), record(), view())
			.prop_map(|(by, record, view)| Action::Update { by, record, view }),
		1 => (who(), record()).prop_map(|(by, record)| Action::Remove { by, record }),
		4 => (writer(), record(), prop::collection::vec((grantee(), access(), ttl()), 1..4), view()).prop_map(
			|(by, record, team, view)| Action::Grant { by, record, team, view }
		),
		2 => (owner(), record(), holder(), access(), ttl()).prop_map(
			|(by, record, of, access, ttl)| Action::UpdateAccess { by, record, of, access, ttl }
		),
		3 => (revoker(), record(), prop::option::of(view())).prop_map(
			|((by, from), record, rotation)| Action::Revoke { by, record, from, rotation }
		),
		1 => (holder(), record()).prop_map(|(by, record)| Action::Renounce { by, record }),
		2 => (grantee(), record(), access())
			.prop_map(|(by, record, access)| Action::Request { by, record, access }),
		1 => (requester(), record()).prop_map(|(by, record)| Action::Cancel { by, record }),
		2 => (owner(), record(), requester(), prop::option::of((ttl(), view(), prop::option::of(access())))).prop_map(
			|(by, record, requester, approval)| Action::Answer { by, record, requester, approval }
		),
		1 => (holder(), record(), prop::collection::vec(nth(), 0..3))
			.prop_map(|(by, record, held)| Action::Log { by, record, held }),
		2 => (1u64..5).prop_map(Action::NextBlocks),
	]
}

fn key_for(who: u64) -> WrappedKey {
	vec![who as u8; 80].try_into().unwrap()
}

/// `who`'s current encryption key version, what a key wrapped for it now
/// names.
fn kv(who: u64) -> u32 {
	Users::<Test>::get(who).map_or(0, |u| u.enc_key_version)
}

fn cid(s: &[u8]) -> Cid {
	s.to_vec().try_into().unwrap()
}

fn owner_of(record: RecordId) -> Option<u64> {
	Records::<Test>::get(record).map(|r| r.owner)
}

/// The grants on `record` other than its owner's, in account order.
fn others(record: RecordId) -> BTreeMap<u64, GrantOf<Test>> {
	let owner = owner_of(record);
	Grants::<Test>::iter_prefix(record).filter(|(reader, _)| Some(*reader) != owner).collect()
}

/// The delegated grants on `record` as (reader, giver), in reader order.
fn delegated(record: RecordId) -> Vec<(u64, u64)> {
	let owner = owner_of(record);
	others(record)
		.into_iter()
		.filter(|(reader, g)| Some(g.granted_by) != owner && g.granted_by != *reader)
		.map(|(reader, g)| (reader, g.granted_by))
		.collect()
}

fn pick(candidates: impl IntoIterator<Item = u64>, n: usize) -> Option<u64> {
	let candidates: Vec<u64> = candidates.into_iter().collect();
	(!candidates.is_empty()).then(|| candidates[n % candidates.len()])
}

impl Rec {
	fn id(self) -> RecordId {
		match self {
			Rec::Existing(n) => {
				let ids: BTreeSet<RecordId> = Records::<Test>::iter_keys().collect();
				pick(ids, n).unwrap_or(0)
			}
			Rec::Id(id) => id,
		}
	}
}

impl Who {
	fn resolve(self, record: RecordId) -> u64 {
		match self {
			Who::Owner => owner_of(record),
			Who::Account(who) => Some(who),
			Who::Writer(n) => pick(
				others(record)
					.into_iter()
					.filter(|(_, g)| g.access == Access::ReadWrite)
					.map(|(reader, _)| reader),
				n,
			),
			Who::Delegator(n) => pick(delegated(record).into_iter().map(|(_, giver)| giver), n),
		}
		.unwrap_or(FALLBACK)
	}
}

impl Whom {
	fn resolve(self, record: RecordId) -> u64 {
		match self {
			Whom::Account(who) => Some(who),
			Whom::Holder(n) => pick(others(record).into_keys(), n),
			Whom::Delegated(n) => pick(delegated(record).into_iter().map(|(reader, _)| reader), n),
			Whom::Requester(n) => pick(Requests::<Test>::iter_key_prefix(record), n),
		}
		.unwrap_or(FALLBACK)
	}
}

/// A record as a client read it.
#[derive(Clone, PartialEq, Debug)]
struct Seen {
	owner: u64,
	key_version: u32,
	/// The block it was read at.
	at: u64,
	/// Each reader's giver and expiry.
	grants: BTreeMap<u64, (u64, Option<u64>)>,
	/// Each reader's encryption key version then: what a client that read
	/// this view wraps for.
	reader_keys: BTreeMap<u64, u32>,
}

impl Seen {
	fn read(record: RecordId) -> Option<Seen> {
		let r = Records::<Test>::get(record)?;
		Some(Seen {
			owner: r.owner,
			key_version: r.key_version,
			at: System::block_number(),
			grants: Grants::<Test>::iter_prefix(record)
				.map(|(reader, g)| (reader, (g.granted_by, g.expires_at)))
				.collect(),
			reader_keys: Grants::<Test>::iter_key_prefix(record).map(|r| (r, kv(r))).collect(),
		})
	}

	/// The readers a re-keying call must wrap the new key for, as the client
	/// works them out: all but `leaving`, the expired, and whatever either
	/// delegated.
	fn remaining(&self, leaving: Option<u64>) -> BTreeSet<u64> {
		let ends = |reader: &u64| {
			let expired = self.grants[reader].1.is_some_and(|at| self.at >= at);
			Some(*reader) == leaving || (*reader != self.owner && expired)
		};
		let cascades = |reader: &u64, giver: &u64| {
			*reader != self.owner
				&& giver != reader
				&& self.grants.contains_key(giver)
				&& ends(giver)
		};
		self.grants
			.iter()
			.filter(|(reader, (giver, _))| !ends(reader) && !cascades(reader, giver))
			.map(|(reader, _)| *reader)
			.collect()
	}
}

/// The last few distinct views of every record.
#[derive(Default)]
struct History(BTreeMap<RecordId, VecDeque<Seen>>);

impl History {
	/// Keeps each record's view if it changed since the last one kept.
	fn note(&mut self) {
		for id in Records::<Test>::iter_keys() {
			let Some(seen) = Seen::read(id) else { continue };
			let views = self.0.entry(id).or_default();
			let changed = views.back().is_none_or(|last| {
				(last.key_version, &last.grants, &last.reader_keys)
					!= (seen.key_version, &seen.grants, &seen.reader_keys)
			});
			if changed {
				views.push_back(seen);
				if views.len() > VIEWS_KEPT {
					views.pop_front();
				}
			}
		}
	}

	/// The view `view` names: read now, or `n` changes ago.
	fn view(&self, record: RecordId, view: View) -> Option<Seen> {
		match view {
			View::Earlier(n) => {
				let views = self.0.get(&record)?;
				views.get(views.len().saturating_sub(n + 1)).cloned()
			}
			_ => Seen::read(record),
		}
	}
}

type CallResult = Result<(), sp_runtime::DispatchError>;

fn plain(result: DispatchResultWithPostInfo) -> CallResult {
	result.map(|_| ()).map_err(|e| e.error)
}

/// What the test knows a call must do before it runs.
#[derive(Debug)]
enum Expect {
	Anything,
	/// A hostile call, refused for this reason.
	Failure(&'static str),
	/// An honest call that nothing forbids.
	Success,
}

/// The view a call was built on: if the call succeeds, the record must have
/// been at `key_version`, and, for a re-key, its readers must now be `keys`.
#[derive(Debug)]
struct BuiltOn {
	record: RecordId,
	key_version: u32,
	keys: Option<BTreeSet<u64>>,
}

#[derive(Debug)]
struct Outcome {
	caller: u64,
	result: CallResult,
	expect: Expect,
	built_on: Option<BuiltOn>,
}

impl Outcome {
	fn new(caller: u64, result: CallResult) -> Self {
		Outcome { caller, result, expect: Expect::Anything, built_on: None }
	}

	fn expecting(self, expect: Expect) -> Self {
		Outcome { expect, ..self }
	}

	fn built_on(self, built_on: Option<BuiltOn>) -> Self {
		Outcome { built_on, ..self }
	}
}

fn expect_if(honest: bool) -> Expect {
	if honest {
		Expect::Success
	} else {
		Expect::Anything
	}
}

/// New content for `record` built on `view`, with keys for the readers that
/// remain once `leaving` goes.
fn content_on(
	history: &History,
	record: RecordId,
	view: View,
	leaving: Option<u64>,
) -> (NewContentOf<Test>, Option<BuiltOn>) {
	let mut content = NewContent {
		based_on: 1,
		cid: cid(b"bafy-next"),
		ciphertext_digest: [9; 32],
		keys: BoundedVec::new(),
	};
	let Some(seen) = history.view(record, view) else { return (content, None) };
	let remaining = seen.remaining(leaving);
	let mut keys: Vec<u64> = remaining.iter().copied().collect();
	match view {
		View::MissingReader => {
			keys.pop();
		}
		View::DuplicateReader => keys.extend(keys.first().copied()),
		View::Current | View::Earlier(_) => {}
	}
	content.based_on = seen.key_version;
	// Each reader's key version as the view saw it: one that rotated since
	// makes the call stale.
	let version = |r: u64| seen.reader_keys.get(&r).copied().unwrap_or_else(|| kv(r));
	content.keys =
		BoundedVec::truncate_from(keys.into_iter().map(|r| (r, version(r), key_for(r))).collect());
	let built_on = BuiltOn { record, key_version: seen.key_version, keys: Some(remaining) };
	(content, Some(built_on))
}

/// The key version a wrapping call names, from `view`.
fn key_version_on(history: &History, record: RecordId, view: View) -> (u32, Option<BuiltOn>) {
	match history.view(record, view) {
		Some(seen) => {
			let key_version = seen.key_version;
			(key_version, Some(BuiltOn { record, key_version, keys: None }))
		}
		None => (1, None),
	}
}

fn hostile_view(view: View) -> Expect {
	match view {
		View::MissingReader => Expect::Failure("a reader left without a key"),
		View::DuplicateReader => Expect::Failure("a reader given two keys"),
		View::Current | View::Earlier(_) => Expect::Anything,
	}
}

fn holds_current_grant(record: RecordId, who: u64) -> bool {
	let now = System::block_number();
	Grants::<Test>::get(record, who).is_some_and(|g| g.expires_at.is_none_or(|at| at > now))
}

/// Runs `action` against the state as it is.
fn apply(action: &Action, history: &History) -> Outcome {
	let o = RuntimeOrigin::signed;
	let now = System::block_number();
	let at = |ttl: Option<u64>| ttl.map(|t| now + t);
	match action.clone() {
		Action::Register { by, who, role } => Outcome::new(by, register(by, who, role, who as u8)),
		Action::Deregister { by, who } => {
			Outcome::new(by, plain(EhrAcl::deregister_user(o(by), who)))
		}
		Action::RotateKey { who, key } => {
			if key == 0 {
				let rotated = EhrAcl::rotate_encryption_key(o(who), [0; 32], [0; 64]);
				Outcome::new(who, rotated).expecting(Expect::Failure("all-zero key"))
			} else {
				Outcome::new(who, rotate(who, key)).expecting(Expect::Anything)
			}
		}
		Action::AddRecord { by, via, patient, readers, hostile } => {
			let via = via.id();
			let patient = patient.or_else(|| owner_of(via)).unwrap_or(3);
			let by = match by {
				Who::Owner => patient,
				other => other.resolve(via),
			};
			add_record(by, via, patient, &readers, hostile)
		}
		Action::Update { by, record, view } => {
			let record = record.id();
			let by = by.resolve(record);
			let (content, built_on) = content_on(history, record, view, None);
			let honest = matches!(view, View::Current) && owner_of(record) == Some(by);
			let expect = match hostile_view(view) {
				Expect::Anything => expect_if(honest),
				hostile => hostile,
			};
			Outcome::new(by, plain(EhrAcl::update_record(o(by), record, content)))
				.expecting(expect)
				.built_on(built_on)
		}
		Action::Remove { by, record } => {
			let record = record.id();
			let by = by.resolve(record);
			Outcome::new(by, plain(EhrAcl::remove_record(o(by), record)))
		}
		Action::Grant { by, record, team, view } => {
			let record = record.id();
			let by = by.resolve(record);
			let (key_version, built_on) = key_version_on(history, record, view);
			let granted = match team[..] {
				[(to, access, ttl)] => EhrAcl::grant_access(
					o(by),
					record,
					to,
					access,
					key_for(to),
					key_version,
					kv(to),
					at(ttl),
				),
				_ => {
					let readers = team.iter().map(|&(to, access, ttl)| NewReader {
						reader: to,
						access,
						wrapped_key: key_for(to),
						reader_key_version: kv(to),
						expires_at: at(ttl),
					});
					let readers = BoundedVec::truncate_from(readers.collect());
					EhrAcl::grant_access_many(o(by), record, key_version, readers)
				}
			};
			Outcome::new(by, granted).built_on(built_on)
		}
		Action::UpdateAccess { by, record, of, access, ttl } => {
			let record = record.id();
			let (by, of) = (by.resolve(record), of.resolve(record));
			Outcome::new(by, plain(EhrAcl::update_access(o(by), record, of, access, at(ttl))))
		}
		Action::Revoke { by, record, from, rotation } => {
			let record = record.id();
			let (by, from) = (by.resolve(record), from.resolve(record));
			let honest = owner_of(record) == Some(by)
				&& Some(from) != owner_of(record)
				&& Grants::<Test>::contains_key(record, from);
			let (rotation, built_on, expect) = match rotation {
				None => (None, None, expect_if(honest)),
				Some(view) => {
					let (content, built_on) = content_on(history, record, view, Some(from));
					let expect = match hostile_view(view) {
						Expect::Anything => expect_if(honest && matches!(view, View::Current)),
						hostile => hostile,
					};
					(Some(content), built_on, expect)
				}
			};
			Outcome::new(by, plain(EhrAcl::revoke_access(o(by), record, from, rotation)))
				.expecting(expect)
				.built_on(built_on)
		}
		Action::Renounce { by, record } => {
			let record = record.id();
			let by = by.resolve(record);
			let honest = owner_of(record) != Some(by) && Grants::<Test>::contains_key(record, by);
			Outcome::new(by, plain(EhrAcl::renounce_grant(o(by), record)))
				.expecting(expect_if(honest))
		}
		Action::Request { by, record, access } => {
			Outcome::new(by, EhrAcl::request_access(o(by), record.id(), access))
		}
		Action::Cancel { by, record } => {
			let record = record.id();
			let by = by.resolve(record);
			let honest = Requests::<Test>::contains_key(record, by);
			Outcome::new(by, EhrAcl::cancel_request(o(by), record)).expecting(expect_if(honest))
		}
		Action::Answer { by, record, requester, approval } => {
			let record = record.id();
			let (by, requester) = (by.resolve(record), requester.resolve(record));
			let (approval, built_on) = match approval {
				None => (None, None),
				Some((ttl, view, access)) => {
					let (key_version, built_on) = key_version_on(history, record, view);
					let wrapped_key = key_for(requester);
					let reader_key_version = kv(requester);
					let expires_at = at(ttl);
					(
						Some(Approval {
							wrapped_key,
							key_version,
							reader_key_version,
							expires_at,
							access,
						}),
						built_on,
					)
				}
			};
			let answered = EhrAcl::answer_request(o(by), record, requester, approval);
			Outcome::new(by, answered).built_on(built_on)
		}
		Action::Log { by, record, held } => {
			let record = record.id();
			let by = by.resolve(record);
			let mine: Vec<RecordId> =
				GrantsHeld::<Test>::iter_prefix(by).map(|(id, _)| id).collect();
			let mut ids = vec![record];
			ids.extend(held.iter().filter(|_| !mine.is_empty()).map(|n| mine[n % mine.len()]));
			let distinct = ids.iter().collect::<BTreeSet<_>>().len() == ids.len();
			let expect = if distinct && ids.iter().all(|id| holds_current_grant(*id, by)) {
				Expect::Success
			} else {
				Expect::Failure("a log without a current grant on every record, or twice")
			};
			let logged = match ids[..] {
				[id] => EhrAcl::log_access(o(by), id),
				_ => EhrAcl::log_access_many(o(by), BoundedVec::truncate_from(ids)),
			};
			Outcome::new(by, logged).expecting(expect)
		}
		Action::NextBlocks(n) => {
			System::set_block_number(now + n);
			Outcome::new(0, Ok(()))
		}
	}
}

/// `add_record` by `by` for `patient`, with `readers` and what `hostile` adds.
fn add_record(
	by: u64,
	via: RecordId,
	patient: u64,
	readers: &[Reader],
	hostile: Hostile,
) -> Outcome {
	let now = System::block_number();
	let new_reader = |(reader, access, ttl): Reader| NewReader {
		reader,
		access,
		wrapped_key: key_for(reader),
		reader_key_version: kv(reader),
		expires_at: ttl.map(|t| now + t),
	};
	let mut readers: Vec<NewReaderOf<Test>> = readers.iter().copied().map(new_reader).collect();
	let (mut cid, mut owner_key) = (cid(b"bafy"), key_for(patient));
	let failure = match hostile {
		Hostile::Nothing => None,
		Hostile::BadCid => {
			cid = self::cid(b"bafy/../x");
			Some("a path for a CID")
		}
		Hostile::EmptyOwnerKey => {
			owner_key = BoundedVec::new();
			Some("an empty owner key")
		}
		Hostile::DuplicateReader => {
			let again = readers.first().map_or(patient, |r| r.reader);
			readers.push(new_reader((again, Access::Read, None)));
			Some("a reader named twice")
		}
		Hostile::UnregisteredReader => {
			readers.push(new_reader((STRANGER, Access::Read, None)));
			Some("an unregistered reader")
		}
		Hostile::PastExpiry => {
			readers.push(new_reader((8, Access::Read, Some(0))));
			Some("a reader expiring now")
		}
		Hostile::ReadWriteReader => {
			readers.push(new_reader((8, Access::ReadWrite, None)));
			(by != patient).then_some("a clinician giving ReadWrite")
		}
	};
	let added = EhrAcl::add_record(
		RuntimeOrigin::signed(by),
		patient,
		cid,
		[1; 32],
		RecordKind::Note,
		(kv(patient), owner_key),
		Some((via, kv(by), key_for(by))),
		BoundedVec::truncate_from(readers),
	);
	Outcome::new(by, added).expecting(failure.map_or(Expect::Anything, Expect::Failure))
}

/// An account's balance: free, and held for each of [`HOLD_REASONS`].
#[derive(PartialEq, Debug, Clone, Copy)]
struct Holdings {
	free: u64,
	held: [u64; 4],
}

const HOLD_REASONS: [HoldReason; 4] =
	[HoldReason::User, HoldReason::Record, HoldReason::Grant, HoldReason::Request];

fn holdings(who: u64) -> Holdings {
	let held = HOLD_REASONS
		.map(|reason| Balances::balance_on_hold(&RuntimeHoldReason::EhrAcl(reason), &who));
	Holdings { free: Balances::free_balance(who), held }
}

/// Everything the pallet stores, the balances it holds from and the events
/// it left, in a comparable form.
#[derive(PartialEq, Debug, Clone)]
struct Snapshot {
	users: BTreeMap<u64, UserOf<Test>>,
	registrars: BTreeMap<u64, OrgId>,
	records: BTreeMap<RecordId, RecordOf<Test>>,
	by_owner: BTreeSet<(u64, RecordId)>,
	grants: BTreeMap<(RecordId, u64), GrantOf<Test>>,
	held: BTreeSet<(u64, RecordId)>,
	delegations: BTreeSet<(RecordId, u64, u64)>,
	leaving: BTreeSet<u64>,
	requests: BTreeMap<(RecordId, u64), AccessRequest<u64>>,
	made: BTreeSet<(u64, RecordId)>,
	next_id: RecordId,
	balances: BTreeMap<u64, Holdings>,
	events: u32,
}

fn snapshot() -> Snapshot {
	Snapshot {
		users: Users::<Test>::iter().collect(),
		registrars: Registrars::<Test>::iter().collect(),
		records: Records::<Test>::iter().collect(),
		by_owner: RecordsByOwner::<Test>::iter().map(|(a, r, ())| (a, r)).collect(),
		grants: Grants::<Test>::iter().map(|(r, a, g)| ((r, a), g)).collect(),
		held: GrantsHeld::<Test>::iter().map(|(a, r, ())| (a, r)).collect(),
		delegations: Delegations::<Test>::iter_keys().collect(),
		leaving: Leaving::<Test>::iter_keys().collect(),
		requests: Requests::<Test>::iter().map(|(r, a, q)| ((r, a), q)).collect(),
		made: RequestsMade::<Test>::iter().map(|(a, r, ())| (a, r)).collect(),
		next_id: NextRecordId::<Test>::get(),
		balances: TRACKED.iter().map(|who| (*who, holdings(*who))).collect(),
		events: System::event_count(),
	}
}

impl Snapshot {
	fn owner(&self, record: RecordId) -> Option<u64> {
		self.records.get(&record).map(|r| r.owner)
	}

	/// Grants `who` gave and pays the deposit of: all on records it does not
	/// own as reader.
	fn given_by(&self, who: u64) -> usize {
		self.grants
			.iter()
			.filter(|((id, reader), g)| g.granted_by == who && self.owner(*id) != Some(*reader))
			.count()
	}

	/// Whether `who` could write `record` at block `now`: its owner, or a
	/// holder of a current ReadWrite grant.
	fn can_write(&self, record: RecordId, who: u64, now: u64) -> bool {
		self.owner(record) == Some(who)
			|| self.grants.get(&(record, who)).is_some_and(|g| {
				g.access == Access::ReadWrite && g.expires_at.is_none_or(|at| at > now)
			})
	}

	/// Whether `caller` is a registrar of `who`'s hospital.
	fn registrar_of(&self, caller: u64, who: u64) -> bool {
		let org = self.users.get(&who).and_then(|u| u.org);
		org.is_some() && self.registrars.get(&caller).copied() == org
	}

	fn readers_of(&self, record: RecordId) -> BTreeSet<u64> {
		self.grants.keys().filter(|(id, _)| *id == record).map(|(_, r)| *r).collect()
	}
}

/// Whether expiry `a` comes no later than `b`, `None` being never.
fn no_later(a: Option<u64>, b: Option<u64>) -> bool {
	match (a, b) {
		(_, None) => true,
		(None, Some(_)) => false,
		(Some(a), Some(b)) => a <= b,
	}
}

fn check_invariants(s: &Snapshot) {
	check_indexes(s);
	check_records(s);
	check_grants(s);
	check_requests(s);
	check_users(s);
	check_deposits(s);
}

/// Every index mirrors what it indexes.
fn check_indexes(s: &Snapshot) {
	let held: BTreeSet<(u64, RecordId)> = s.grants.keys().map(|(r, a)| (*a, *r)).collect();
	assert_eq!(held, s.held, "GrantsHeld mirrors Grants");
	let delegations: BTreeSet<(RecordId, u64, u64)> = s
		.grants
		.iter()
		.filter(|((id, reader), g)| {
			let owner = s.owner(*id);
			Some(g.granted_by) != owner && *reader != g.granted_by && Some(*reader) != owner
		})
		.map(|((id, reader), g)| (*id, g.granted_by, *reader))
		.collect();
	assert_eq!(delegations, s.delegations, "Delegations mirrors the delegated grants");
	let made: BTreeSet<(u64, RecordId)> = s.requests.keys().map(|(r, a)| (*a, *r)).collect();
	assert_eq!(made, s.made, "RequestsMade mirrors Requests");
	let owned: BTreeSet<(u64, RecordId)> = s.records.iter().map(|(id, r)| (r.owner, *id)).collect();
	assert_eq!(owned, s.by_owner, "RecordsByOwner mirrors Records");
}

fn check_records(s: &Snapshot) {
	for (id, record) in &s.records {
		assert!(*id < s.next_id, "record {id} at or past the next id");
		let grants = s.grants.keys().filter(|(r, _)| r == id).count() as u32;
		assert_eq!(record.grant_count, grants, "grant_count of {id}");
		assert!(grants <= MAX_GRANTS_PER_RECORD, "record {id} has {grants} grants");
		let requests = s.requests.keys().filter(|(r, _)| r == id).count() as u32;
		assert_eq!(record.request_count, requests, "request_count of {id}");
		assert!(requests <= <Test as Config>::MaxRequestsPerRecord::get());
		let owner_grant = s.grants.get(&(*id, record.owner)).expect("the owner holds a grant");
		assert_eq!((owner_grant.access, owner_grant.expires_at), (Access::ReadWrite, None));
		assert_eq!(s.users.get(&record.owner).map(|u| u.role), Some(Role::Patient));
	}
}

/// Every grant wraps its record's current key version, and no grant
/// outlives or out-ranks its source.
fn check_grants(s: &Snapshot) {
	for ((id, reader), grant) in &s.grants {
		let record = s.records.get(id).unwrap_or_else(|| panic!("grant on missing record {id}"));
		assert!(s.users.contains_key(reader), "grant held by unregistered {reader}");
		assert_eq!(grant.key_version, record.key_version, "{reader}'s grant on {id} is stale");
		let giver = grant.granted_by;
		if *reader == record.owner {
			continue;
		}
		assert!(
			s.users.contains_key(&giver),
			"{reader}'s grant on {id} given by unregistered {giver}"
		);
		if giver == record.owner {
			continue;
		}
		if giver == *reader {
			assert_eq!(record.author, giver, "{reader} gave itself a grant on {id}");
			assert_eq!(grant.access, Access::ReadWrite, "the author's grant on {id}");
			continue;
		}
		let source = s
			.grants
			.get(&(*id, giver))
			.unwrap_or_else(|| panic!("{reader}'s grant on {id} outlived {giver}'s"));
		assert_eq!(source.access, Access::ReadWrite, "{giver} delegated on {id} holding Read");
		assert_eq!(grant.access, Access::Read, "{giver} delegated ReadWrite on {id}");
		assert!(
			no_later(grant.expires_at, source.expires_at),
			"{reader}'s grant on {id} outlives {giver}'s"
		);
	}
}

fn check_requests(s: &Snapshot) {
	for (id, requester) in s.requests.keys() {
		assert!(s.records.contains_key(id), "request on missing record {id}");
		assert!(s.users.contains_key(requester), "request by unregistered {requester}");
		assert!(
			!s.grants.contains_key(&(*id, *requester)),
			"{requester} requests a grant it holds"
		);
	}
}

/// Every counter a user carries mirrors storage, within its bound.
fn check_users(s: &Snapshot) {
	for (who, user) in &s.users {
		let count = |n: usize| n as u32;
		let held = count(s.grants.keys().filter(|(_, r)| r == who).count());
		let open = count(s.requests.keys().filter(|(_, r)| r == who).count());
		let owned = count(s.by_owner.iter().filter(|(o, _)| o == who).count());
		let counters =
			(user.records_owned, user.grants_held, user.grants_given, user.requests_open);
		assert_eq!(counters, (owned, held, count(s.given_by(*who)), open), "counters of {who}");
		assert!(user.grants_given <= MaxGrantsPerAccount::get());
		assert!(user.requests_open <= <Test as Config>::MaxRequestsPerAccount::get());
		assert!(user.records_owned <= MaxRecordsPerPatient::get());
	}
}

/// What `who` must have on hold, by [`HOLD_REASONS`], for what it created.
fn deposits_owed(s: &Snapshot, who: u64) -> [u64; 4] {
	let users = s.users.values().filter(|u| u.registered_by == who).count();
	let records = s.records.values().filter(|r| r.author == who).count();
	let requests = s.requests.keys().filter(|(_, r)| *r == who).count();
	[
		USER_DEPOSIT * users as u64,
		RECORD_DEPOSIT * records as u64,
		GRANT_DEPOSIT * s.given_by(who) as u64,
		REQUEST_DEPOSIT * requests as u64,
	]
}

/// Deposits held are exactly what storage implies, and no call moves money
/// between accounts.
fn check_deposits(s: &Snapshot) {
	for (who, holdings) in &s.balances {
		assert_eq!(holdings.held, deposits_owed(s, *who), "deposits held from {who}");
		let endowment = if *who == POOR { 1 } else { ENDOWMENT };
		assert_eq!(
			holdings.free + holdings.held.iter().sum::<u64>(),
			endowment,
			"balance of {who}"
		);
	}
}

/// A call that succeeded changed only what `caller` may change.
fn check_authority(caller: u64, b: &Snapshot, a: &Snapshot, now: u64) {
	assert_eq!(b.registrars, a.registrars, "registrars changed by a signed call");
	assert!(a.next_id >= b.next_id);
	check_user_changes(caller, b, a);
	check_record_changes(caller, b, a, now);
	check_grant_changes(caller, b, a, now);
	check_request_changes(caller, b, a);
}

fn check_user_changes(caller: u64, b: &Snapshot, a: &Snapshot) {
	for (who, user) in &a.users {
		let Some(old) = b.users.get(who) else {
			assert_eq!(user.registered_by, caller, "{who} registered for {caller}");
			let patient_itself = caller == *who && user.role == Role::Patient;
			assert!(
				b.registrars.contains_key(&caller) || patient_itself,
				"{caller} registered {who}"
			);
			assert_eq!(user.org, b.registrars.get(&caller).copied(), "{who}'s hospital");
			continue;
		};
		let fixed = |u: &UserOf<Test>| (u.role, u.registered_by, u.org, u.registered_at);
		assert_eq!(fixed(old), fixed(user), "{who}'s registration changed");
		if (old.enc_key, old.enc_key_version) != (user.enc_key, user.enc_key_version) {
			assert_eq!(caller, *who, "{who}'s key rotated by {caller}");
		}
	}
	for who in b.users.keys().filter(|who| !a.users.contains_key(who)) {
		assert!(caller == *who || b.registrar_of(caller, *who), "{who} deregistered by {caller}");
	}
}

fn check_record_changes(caller: u64, b: &Snapshot, a: &Snapshot, now: u64) {
	for (id, record) in &a.records {
		let Some(old) = b.records.get(id) else {
			assert!(*id >= b.next_id, "record id {id} reused");
			assert_eq!(record.author, caller, "record {id} authored for {caller}");
			assert_eq!((record.version, record.key_version), (1, 1));
			let cares = b
				.records
				.iter()
				.any(|(via, r)| r.owner == record.owner && b.can_write(*via, caller, now));
			assert!(
				caller == record.owner || cares,
				"{caller} wrote into {}'s records",
				record.owner
			);
			continue;
		};
		let fixed = |r: &RecordOf<Test>| (r.owner, r.author, r.kind, r.created_at);
		assert_eq!(fixed(old), fixed(record), "record {id}'s identity changed");
		let content =
			|r: &RecordOf<Test>| (r.cid.clone(), r.ciphertext_digest, r.version, r.key_version);
		if content(old) != content(record) {
			assert!(b.can_write(*id, caller, now), "record {id} changed by {caller}");
		}
	}
	for (id, old) in &b.records {
		if !a.records.contains_key(id) {
			assert_eq!(old.owner, caller, "record {id} removed by {caller}");
		}
	}
}

fn check_grant_changes(caller: u64, b: &Snapshot, a: &Snapshot, now: u64) {
	let rekeyed = |id: &RecordId| {
		b.records.get(id).map(|r| r.key_version) != a.records.get(id).map(|r| r.key_version)
	};
	for (key @ (id, reader), grant) in &a.grants {
		match b.grants.get(key) {
			None => {
				assert_eq!(
					grant.granted_by, caller,
					"grant to {reader} on {id} given for {caller}"
				);
				if b.records.contains_key(id) && b.owner(*id) != Some(caller) {
					assert!(b.can_write(*id, caller, now), "{caller} granted on {id}");
					let own = &b.grants[&(*id, caller)];
					assert_eq!(grant.access, Access::Read, "{caller} delegated ReadWrite on {id}");
					assert!(
						no_later(grant.expires_at, own.expires_at),
						"delegated past {caller}'s"
					);
				}
			}
			Some(old) => {
				let terms =
					|g: &GrantOf<Test>| (g.access, g.expires_at, g.granted_by, g.granted_at);
				if terms(old) != terms(grant) {
					assert_eq!(
						b.owner(*id),
						Some(caller),
						"{reader}'s grant on {id} changed by {caller}"
					);
				}
				if (&old.wrapped_key, old.key_version) != (&grant.wrapped_key, grant.key_version) {
					assert!(rekeyed(id), "{reader}'s key on {id} swapped without a re-key");
				}
			}
		}
	}
	for (key @ (id, reader), old) in &b.grants {
		if a.grants.contains_key(key) {
			continue;
		}
		let giver = old.granted_by;
		let deregistered = !a.users.contains_key(reader) && b.registrar_of(caller, *reader);
		let cascaded = giver != *reader
			&& b.owner(*id) != Some(*reader)
			&& b.grants.contains_key(&(*id, giver))
			&& !a.grants.contains_key(&(*id, giver));
		let expired = rekeyed(id) && old.expires_at.is_some_and(|at| now >= at);
		assert!(
			b.owner(*id) == Some(caller)
				|| caller == *reader
				|| giver == caller
				|| deregistered
				|| cascaded || expired,
			"{reader}'s grant on {id} removed by {caller}"
		);
	}
}

fn check_request_changes(caller: u64, b: &Snapshot, a: &Snapshot) {
	for (id, requester) in a.requests.keys().filter(|k| !b.requests.contains_key(k)) {
		assert_eq!(caller, *requester, "request on {id} made for {requester}");
	}
	for (id, requester) in b.requests.keys().filter(|k| !a.requests.contains_key(k)) {
		let granted_by_caller =
			a.grants.get(&(*id, *requester)).is_some_and(|g| g.granted_by == caller);
		assert!(
			caller == *requester
				|| b.owner(*id) == Some(caller)
				|| granted_by_caller
				|| (!a.users.contains_key(requester) && b.registrar_of(caller, *requester)),
			"{requester}'s request on {id} closed by {caller}"
		);
	}
}

/// Whatever a call was built on, it succeeded only if that was still current.
fn check_built_on(built: &BuiltOn, b: &Snapshot, a: &Snapshot) {
	let was = b.records.get(&built.record).map(|r| r.key_version);
	assert_eq!(was, Some(built.key_version), "a call built on a stale key version succeeded");
	if let Some(keys) = &built.keys {
		assert_eq!(&a.readers_of(built.record), keys, "re-keyed for readers other than its own");
	}
}

/// One step of a sequence: the state before and after an action, the block it
/// ran at and what it gave.
struct Step {
	before: Snapshot,
	now: u64,
	outcome: Outcome,
	after: Snapshot,
}

fn check_step(action: &Action, step: &Step) {
	let Step { before, now, outcome, after } = step;
	match (&outcome.expect, &outcome.result) {
		(Expect::Failure(why), Ok(())) => panic!("{why} accepted: {action:?}"),
		(Expect::Success, Err(e)) => panic!("honest {action:?} refused: {e:?}"),
		_ => {}
	}
	match outcome.result {
		Ok(()) => {
			check_authority(outcome.caller, before, after, *now);
			if let Some(built) = &outcome.built_on {
				check_built_on(built, before, after);
			}
		}
		Err(_) => assert_eq!(before, after, "failed {action:?} changed state"),
	}
	check_invariants(after);
}

/// Two patients with a record each, three staff of hospital 1, a ReadWrite
/// grant of patient 3's record to doctor 5 who delegated it to pharmacist 7,
/// and a Read grant of patient 4's record to doctor 6, so that delegation,
/// cascades and clinician-written records are reachable from the first step.
fn seed() {
	use frame_support::assert_ok;
	let o = RuntimeOrigin::signed;
	for p in [3u64, 4] {
		assert_ok!(register(p, p, Role::Patient, p as u8));
		let no_readers = BoundedVec::new();
		let (cid, key) = (cid(b"bafy"), key_for(p));
		assert_ok!(EhrAcl::add_record(
			o(p),
			p,
			cid,
			[1; 32],
			RecordKind::Note,
			(kv(p), key),
			None,
			no_readers
		));
	}
	for (staff, role) in [(5u64, Role::Doctor), (6, Role::Doctor), (7, Role::Pharmacist)] {
		assert_ok!(register(REGISTRAR, staff, role, staff as u8));
	}
	for (by, record, to, access) in
		[(3, 0, 5, Access::ReadWrite), (5, 0, 7, Access::Read), (4, 1, 6, Access::Read)]
	{
		assert_ok!(EhrAcl::grant_access(o(by), record, to, access, key_for(to), 1, kv(to), None));
	}
}

/// Seeds the state, then runs `actions`, handing every step to `check`.
fn play(actions: &[Action], mut check: impl FnMut(&Action, &Step)) {
	seed();
	let mut history = History::default();
	history.note();
	for action in actions {
		let before = snapshot();
		let now = System::block_number();
		let outcome = apply(action, &history);
		let after = snapshot();
		history.note();
		check(action, &Step { before, now, outcome, after });
	}
}

/// What an auditor knows of a user.
#[derive(PartialEq, Debug)]
struct AuditedUser {
	role: Role,
	org: Option<OrgId>,
	enc_key: EncryptionKey,
	enc_key_version: u32,
	registered_by: u64,
}

/// What an auditor knows of a record.
#[derive(PartialEq, Debug)]
struct AuditedRecord {
	owner: u64,
	author: u64,
	kind: RecordKind,
	cid: Cid,
	ciphertext_digest: Digest,
	version: u32,
	key_version: u32,
}

/// What an auditor knows of a grant (not the wrapped key).
#[derive(PartialEq, Debug)]
struct AuditedGrant {
	access: Access,
	expires_at: Option<u64>,
	granted_by: u64,
	key_version: u32,
	/// The reader's key version when the grant was last wrapped, which the
	/// pallet only takes if it was the reader's current one.
	reader_key_version: u32,
}

/// The state as the pallet's events tell it.
#[derive(Default, PartialEq, Debug)]
struct Audit {
	users: BTreeMap<u64, AuditedUser>,
	records: BTreeMap<RecordId, AuditedRecord>,
	grants: BTreeMap<(RecordId, u64), AuditedGrant>,
	requests: BTreeMap<(RecordId, u64), Access>,
	/// Accounts whose deregistration continues.
	leaving: BTreeSet<u64>,
}

impl Audit {
	/// What the auditor should have found: storage, cut down to the model.
	fn of(s: &Snapshot) -> Audit {
		let users = s.users.iter().map(|(who, u)| {
			let (role, org, enc_key, enc_key_version) =
				(u.role, u.org, u.enc_key, u.enc_key_version);
			(
				*who,
				AuditedUser { role, org, enc_key, enc_key_version, registered_by: u.registered_by },
			)
		});
		let records = s.records.iter().map(|(id, r)| {
			let record = AuditedRecord {
				owner: r.owner,
				author: r.author,
				kind: r.kind,
				cid: r.cid.clone(),
				ciphertext_digest: r.ciphertext_digest,
				version: r.version,
				key_version: r.key_version,
			};
			(*id, record)
		});
		let grants = s.grants.iter().map(|(key, g)| {
			let (access, expires_at, granted_by) = (g.access, g.expires_at, g.granted_by);
			let (key_version, reader_key_version) = (g.key_version, g.reader_key_version);
			(*key, AuditedGrant { access, expires_at, granted_by, key_version, reader_key_version })
		});
		Audit {
			users: users.collect(),
			records: records.collect(),
			grants: grants.collect(),
			requests: s.requests.iter().map(|(key, q)| (*key, q.access)).collect(),
			leaving: s.leaving.clone(),
		}
	}

	/// Folds one event in, checking what the event's documentation promises
	/// about the events before it.
	fn apply(&mut self, event: Event<Test>) {
		match event {
			Event::UserRegistered { who, role, org, by, enc_key } => {
				let user =
					AuditedUser { role, org, enc_key, enc_key_version: 0, registered_by: by };
				assert!(self.users.insert(who, user).is_none(), "{who} registered twice");
			}
			Event::UserDeregistered { who, .. } => {
				assert!(self.users.remove(&who).is_some(), "unknown {who} deregistered");
				let left = self.grants.keys().chain(self.requests.keys()).any(|(_, r)| *r == who);
				assert!(!left, "{who} deregistered before its grants and requests went");
				self.leaving.remove(&who);
			}
			Event::DeregistrationContinues { who, grants_left, .. } => {
				assert!(self.users.contains_key(&who), "unknown {who} deregistering");
				self.leaving.insert(who);
				let held = self.grants.keys().filter(|(_, r)| *r == who).count() as u32;
				assert_eq!(held, grants_left, "{who}'s grants left");
			}
			Event::EncryptionKeyRotated { who, enc_key, enc_key_version } => {
				let user = self.users.get_mut(&who).expect("a registered user rotates");
				(user.enc_key, user.enc_key_version) = (enc_key, enc_key_version);
			}
			Event::RecordAdded { id, owner, author, kind, cid, ciphertext_digest } => {
				let record = AuditedRecord {
					owner,
					author,
					kind,
					cid,
					ciphertext_digest,
					version: 1,
					key_version: 1,
				};
				assert!(self.records.insert(id, record).is_none(), "record {id} added twice");
			}
			Event::RecordUpdated { id, cid, ciphertext_digest, version, key_version, .. } => {
				let record = self.records.get_mut(&id).expect("an added record is updated");
				record.cid = cid;
				record.ciphertext_digest = ciphertext_digest;
				record.version = version;
				record.key_version = key_version;
				for ((_, reader), grant) in self.grants.iter_mut().filter(|((r, _), _)| *r == id) {
					grant.key_version = key_version;
					grant.reader_key_version =
						self.users.get(reader).expect("a grant to a user").enc_key_version;
				}
			}
			Event::RecordRemoved { id, .. } => {
				assert!(self.records.remove(&id).is_some(), "unknown record {id} removed");
				let left = self.grants.keys().chain(self.requests.keys()).any(|(r, _)| *r == id);
				assert!(!left, "record {id} removed before its grants and requests went");
			}
			Event::GrantAdded { id, to, by, access, expires_at, key_version, reason } => {
				if reason == GrantReason::Approved {
					let asked =
						self.requests.get(&(id, to)).expect("an approval answers a request");
					assert!(
						access == *asked || access == Access::Read,
						"{to} was granted {access:?} on {id} for a request of {asked:?}"
					);
				}
				let reader_key_version =
					self.users.get(&to).expect("a grant to a user").enc_key_version;
				let grant = AuditedGrant {
					access,
					expires_at,
					granted_by: by,
					key_version,
					reader_key_version,
				};
				assert!(!self.leaving.contains(&to), "{to} granted {id} while leaving");
				assert!(!self.leaving.contains(&by), "{by} granted on {id} while leaving");
				assert!(self.grants.insert((id, to), grant).is_none(), "{to} granted {id} twice");
			}
			Event::AccessUpdated { id, of, granted_by, access, expires_at, .. } => {
				let grant = self.grants.get_mut(&(id, of)).expect("an existing grant is updated");
				(grant.access, grant.expires_at, grant.granted_by) =
					(access, expires_at, granted_by);
			}
			Event::GrantRemoved { id, from, .. } => {
				assert!(self.grants.remove(&(id, from)).is_some(), "unknown grant removed");
			}
			Event::AccessRequested { id, by, access } => {
				assert!(self.requests.insert((id, by), access).is_none(), "{by} requested twice");
			}
			Event::RequestClosed { id, requester, .. } => {
				assert!(self.requests.remove(&(id, requester)).is_some(), "unknown request closed");
			}
			// Registrars and reads change nothing an auditor rebuilds.
			Event::RegistrarAdded { .. }
			| Event::RegistrarRemoved { .. }
			| Event::AccessLogged { .. } => {}
			Event::__Ignore(..) => unreachable!(),
		}
	}
}

/// An auditor reading the chain's events as they come.
#[derive(Default)]
struct Auditor {
	audit: Audit,
	read: usize,
}

impl Auditor {
	fn catch_up(&mut self) {
		let events = System::events();
		for record in &events[self.read..] {
			if let RuntimeEvent::EhrAcl(event) = record.event.clone() {
				self.audit.apply(event);
			}
		}
		self.read = events.len();
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
			play(&actions, check_step);
		});
	}

	#[test]
	fn auditor_rebuilds_state_from_events(actions in prop::collection::vec(action(), 1..60)) {
		new_test_ext().execute_with(|| {
			let mut auditor = Auditor::default();
			play(&actions, |action, step| {
				auditor.catch_up();
				assert_eq!(auditor.audit, Audit::of(&step.after), "after {action:?}");
			});
		});
	}
}
