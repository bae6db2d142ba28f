//! Plain data kept by the pallet. Nothing here is secret: escrow keys are
//! public X25519 keys, shares are HPKE ciphertexts, and a request's free
//! text stays with the hospital (only its SHA-256 is on chain).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use pallet_ehr_acl::{EncryptionKey, OrgId, RecordId, WrappedKey};
use scale_info::TypeInfo;

/// Most hospitals holding escrow keys, and so most shares of one record key.
/// Shamir shares over GF(2^8) are numbered 1..=255; 16 keeps a deposit small.
pub const MAX_ESCROW_ORGS: u32 = 16;

/// Identifier of an emergency request; assigned by the chain, never reused.
pub type EmergencyId = u64;

/// One hospital's escrow key: the X25519 key its escrow agent holds, and the
/// account the agent signs its answers with.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct EscrowKey<AccountId> {
	pub org: OrgId,
	pub key: EncryptionKey,
	/// Bumped on every change of `key`; never reused for the hospital, even
	/// after it left and came back.
	pub version: u32,
	/// The version this hospital's current membership of the escrow began
	/// with: a request made by its staff before it left and came back is
	/// not revived by its return.
	pub since: u32,
	pub agent: AccountId,
}

/// One hospital's share of a record key, wrapped to its escrow key.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Share {
	pub org: OrgId,
	/// The escrow key version `wrapped` is wrapped for.
	pub escrow_key_version: u32,
	/// The share's x coordinate (1..=255).
	pub index: u8,
	pub wrapped: WrappedKey,
}

pub type Shares = BoundedVec<Share, ConstU32<MAX_ESCROW_ORGS>>;

/// A record key's shares, one per hospital holding an escrow key when they
/// were deposited; any `threshold` of them rebuild the key of `key_version`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ShareDeposit<AccountId, Balance> {
	pub key_version: u32,
	pub threshold: u8,
	/// Who deposited the shares, and the deposit held from it.
	pub depositor: AccountId,
	pub held: Balance,
	/// Distinguishes this deposit from any other of the record: a request
	/// names the deposit it opens, so shares of two deposits never mix.
	pub serial: u64,
	pub shares: Shares,
}

/// Why a clinician breaks the glass. The purpose of use is always
/// emergency treatment (HL7 `ETREAT`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum EmergencyReason {
	/// The patient is unconscious.
	Unconscious,
	/// The patient's life is in immediate danger.
	LifeThreatening,
	/// The patient cannot consent (confusion, sedation, ...).
	CannotConsent,
	/// Another reason, given in the request's free text.
	Other,
}

/// A share released to the requester: the hospital's share re-wrapped to
/// the requester's encryption key.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ReleasedShare {
	pub org: OrgId,
	pub index: u8,
	pub wrapped: WrappedKey,
}

/// A hospital's answer to a request, given with one escrow key version:
/// it stands while that key is the hospital's current one.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Answer {
	pub org: OrgId,
	pub escrow_key_version: u32,
	pub approve: bool,
}

/// An open emergency request, and what it was made for: it goes stale when
/// any of it changes, for good (every field it is checked against only
/// grows or is replaced, never restored).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct EmergencyRequest<AccountId, BlockNumber, Balance> {
	pub requester: AccountId,
	/// The requester's registration (the ACL's count of its registrations).
	pub registration: u32,
	/// The requester's hospital, and that hospital's escrow membership.
	pub org: OrgId,
	pub org_since: u32,
	/// The requester's encryption key version the shares are re-wrapped to.
	pub requester_key_version: u32,
	pub record: RecordId,
	pub owner: AccountId,
	/// How many times the owner had opted out when the request was made.
	pub owner_opt_outs: u32,
	pub key_version: u32,
	/// The deposit (its serial) whose shares open the record.
	pub deposit: u64,
	pub threshold: u8,
	pub reason: EmergencyReason,
	/// SHA-256 of the free text the requester gave, which its hospital
	/// keeps: health details stay off the chain, and the text can be shown
	/// to match.
	pub note_digest: Option<[u8; 32]>,
	pub opened_at: BlockNumber,
	/// The request, and the access it gives, end at this block.
	pub expires_at: BlockNumber,
	pub answers: BoundedVec<Answer, ConstU32<MAX_ESCROW_ORGS>>,
	pub released: BoundedVec<ReleasedShare, ConstU32<MAX_ESCROW_ORGS>>,
	/// The deposit held from the requester.
	pub held: Balance,
}

/// How an emergency request ended; carried by `EmergencyClosed`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum EmergencyOutcome {
	/// The requester closed it.
	Closed,
	/// The patient closed it.
	ClosedByPatient,
	/// The requester's hospital (its escrow agent) withdrew it.
	ClosedByHospital,
	/// Past its expiry.
	Expired,
	/// So many hospitals refused that the threshold cannot be reached.
	Refused,
	/// The shares it opens no longer open the record: the record was
	/// re-keyed or removed, its shares replaced or withdrawn, the patient
	/// opted out (even if back in since), or the requester rotated its key,
	/// started leaving, was registered anew, or its hospital left (even if
	/// back since).
	Stale,
}

/// Why a deposit of shares was removed; carried by `SharesRemoved`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum SharesRemovalReason {
	/// The owner deposited new shares.
	Replaced,
	/// The owner or the depositor took them back.
	Withdrawn,
	/// The record was re-keyed: the shares open an old key.
	Rekeyed,
	/// The record was removed.
	RecordRemoved,
	/// The owner opted out of emergency access.
	OptedOut,
}
