//! Plain data kept by the pallet. Nothing here is secret: encryption keys are
//! public X25519 keys, wrapped keys are HPKE ciphertexts, CIDs point at
//! ciphertext in IPFS.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest IPFS CID accepted, in bytes of its string form (CIDv1 base32 of a
/// sha2-256 multihash is 59 characters).
pub const MAX_CID_LEN: u32 = 128;
/// Longest wrapped record key accepted. An HPKE X25519 / AES-256-GCM wrap of a
/// 32-byte key is 32 (encapsulated key) + 32 + 16 (tag) = 80 bytes.
pub const MAX_WRAPPED_KEY_LEN: u32 = 128;

/// Most grants one record can have, the owner's own grant included.
pub const MAX_GRANTS_PER_RECORD: u32 = 32;
/// Most readers `add_record` can grant access to along with the record (the
/// owner's and the author's own grants come on top).
pub const MAX_INITIAL_READERS: u32 = 16;
/// Most records one `log_access_many` call logs reads of.
pub const MAX_LOGGED_READS: u32 = 64;

/// Identifier of a record; assigned by the chain, never reused.
pub type RecordId = u64;
/// Identifier of a consortium member (a hospital).
pub type OrgId = u32;
/// An IPFS content identifier, as its ASCII string.
pub type Cid = BoundedVec<u8, ConstU32<MAX_CID_LEN>>;
/// A record's data key encrypted to one reader's X25519 key.
pub type WrappedKey = BoundedVec<u8, ConstU32<MAX_WRAPPED_KEY_LEN>>;
/// An X25519 public key.
pub type EncryptionKey = [u8; 32];
/// An XEdDSA signature by an encryption key's secret (see `ehr_key_proof`).
pub type KeyProof = [u8; ehr_key_proof::PROOF_LEN];

/// The canonical encodings of the X25519 points of small order: a shared
/// secret computed with any of them is one of a handful of known values.
const SMALL_ORDER_POINTS: [EncryptionKey; 5] = [
	// 0 (order 4)
	[
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00,
	],
	// 1 (order 1)
	[
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00,
	],
	// order 8
	[
		0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
		0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
		0xb8, 0x00,
	],
	// order 8
	[
		0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
		0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
		0x11, 0x57,
	],
	// p - 1 (order 2)
	[
		0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x7f,
	],
];

/// 2^255 - 19, little endian: encodings at or above it are not canonical.
const FIELD_PRIME: EncryptionKey = {
	let mut p = [0xff; 32];
	p[0] = 0xed;
	p[31] = 0x7f;
	p
};

/// Whether `key` is an X25519 public key a secret can be agreed with: the
/// canonical encoding of a field element (below 2^255 - 19, so the top bit
/// is clear) and not a point of small order. Keys from any X25519
/// implementation's key generation pass.
pub fn is_usable_enc_key(key: &EncryptionKey) -> bool {
	let canonical = key
		.iter()
		.rev()
		.zip(FIELD_PRIME.iter().rev())
		.find(|(k, p)| k != p)
		.is_some_and(|(k, p)| k < p);
	canonical && !SMALL_ORDER_POINTS.contains(key)
}
/// SHA-256 of the ciphertext stored in IPFS.
pub type Digest = [u8; 32];

/// What a registered account is.
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
pub enum Role {
	Patient,
	Doctor,
	Pharmacist,
	Researcher,
}

/// A registered account. Identity is the account's signature; there is no
/// password.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct User<AccountId, BlockNumber> {
	pub role: Role,
	/// X25519 public key that record keys are wrapped to.
	pub enc_key: EncryptionKey,
	/// Bumped each time the account rotates `enc_key`.
	pub enc_key_version: u32,
	pub registered_by: AccountId,
	/// The hospital whose registrar registered this account; `None` for a
	/// self-registered patient.
	pub org: Option<OrgId>,
	pub registered_at: BlockNumber,
	/// Records this account owns.
	pub records_owned: u32,
	/// Grants this account holds (including those to its own records).
	/// Others can raise it; it bounds nothing but deregistration, and the
	/// holder can drop any grant it holds (`renounce_grant`).
	pub grants_held: u32,
	/// Grants this account gave and whose deposit it holds (an owner's own
	/// grant on its records is not counted: the record's deposit covers it).
	/// Bounded by `MaxGrantsPerAccount`; only this account's own calls raise it.
	pub grants_given: u32,
	/// Access requests this account has pending.
	pub requests_open: u32,
}

/// What kind of health data a record holds.
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
pub enum RecordKind {
	Observation,
	Prescription,
	Lab,
	Imaging,
	Note,
	Fhir,
	/// Not disclosed on chain: readers learn the kind only by opening the
	/// record.
	Unspecified,
}

/// An encrypted health record stored in IPFS.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Record<AccountId, BlockNumber> {
	pub owner: AccountId,
	/// Who wrote the first version (the owner, or a clinician writing into the
	/// owner's records).
	pub author: AccountId,
	pub cid: Cid,
	pub ciphertext_digest: Digest,
	pub kind: RecordKind,
	/// Bumped on every content change (`update_record`); a revocation's
	/// re-encryption of the same content keeps it.
	pub version: u32,
	/// Bumped whenever the data key changes; grants of another key version are
	/// stale.
	pub key_version: u32,
	/// Number of grants on this record (the owner's own grant included).
	pub grant_count: u32,
	/// Number of pending access requests on this record.
	pub request_count: u32,
	pub created_at: BlockNumber,
	pub updated_at: BlockNumber,
}

/// How much a grant allows.
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
pub enum Access {
	Read,
	ReadWrite,
}

/// One reader's access to one record.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Grant<AccountId, BlockNumber> {
	/// The record's data key wrapped to the reader's encryption key.
	pub wrapped_key: WrappedKey,
	pub access: Access,
	/// Who gave the grant and holds its deposit: the owner, or a ReadWrite
	/// grantee that delegated it (then the grant is Read, expires no later
	/// than the delegator's, and goes when the delegator's grant goes). On
	/// the owner's own grant and an author's grant, the record's author (who
	/// wrote them; the record's deposit covers the owner's).
	pub granted_by: AccountId,
	pub granted_at: BlockNumber,
	/// The grant stops working at this block.
	pub expires_at: Option<BlockNumber>,
	/// The record key version `wrapped_key` holds.
	pub key_version: u32,
	/// The reader's encryption key version (`User::enc_key_version`)
	/// `wrapped_key` is wrapped for; 0 on grants written before the chain
	/// recorded it. A grant for an older version than the reader's current
	/// one opens only with a key the reader retired: its owner re-wraps it.
	pub reader_key_version: u32,
}

/// A reader given access in the same call that adds a record.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct NewReader<AccountId, BlockNumber> {
	pub reader: AccountId,
	pub access: Access,
	/// The data key wrapped to `reader` for key version 1.
	pub wrapped_key: WrappedKey,
	/// The reader's encryption key version it is wrapped for: its current
	/// one, else the call fails with `ReaderKeyRotated`.
	pub reader_key_version: u32,
	pub expires_at: Option<BlockNumber>,
}

/// An owner's yes to an access request: the data key wrapped for the
/// requester at the key version it was wrapped for.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Approval<BlockNumber> {
	pub wrapped_key: WrappedKey,
	pub key_version: u32,
	/// The requester's encryption key version it is wrapped for.
	pub reader_key_version: u32,
	pub expires_at: Option<BlockNumber>,
	/// The access granted: `None` as asked; `Some(Read)` grants Read to a
	/// request for ReadWrite (the owner may give less than asked, never
	/// more: `Some(ReadWrite)` to a Read request is `AccessAboveRequest`).
	pub access: Option<Access>,
}

/// Why a grant came into being; carried by `GrantAdded`.
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
pub enum GrantReason {
	/// The owner's own grant on a new record.
	Owner,
	/// The author's grant on a record it wrote into a patient's records.
	Authored,
	/// Given by the owner.
	Granted,
	/// Given by a ReadWrite grantee.
	Delegated,
	/// The owner approved the reader's request.
	Approved,
}

/// Why a grant ended; carried by `GrantRemoved`.
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
pub enum RemovalReason {
	/// Taken away by the owner or by the delegator that gave it.
	Revoked,
	/// The grant it was delegated from ended or was narrowed to Read.
	Cascaded,
	/// Past its expiry; dropped when the record was re-keyed.
	Expired,
	/// The holder dropped it.
	Renounced,
	/// The record was removed.
	RecordRemoved,
	/// The holder was deregistered.
	Deregistered,
}

/// How a pending request ended; carried by `RequestClosed`.
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
pub enum RequestOutcome {
	Approved,
	Denied,
	/// The requester withdrew it.
	Cancelled,
	/// The requester was granted access some other way.
	Granted,
	RecordRemoved,
	/// The requester was deregistered.
	Deregistered,
}

/// A pending request for access.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct AccessRequest<BlockNumber> {
	pub access: Access,
	pub requested_at: BlockNumber,
}

/// New content for a record together with its data key wrapped for every
/// reader that keeps access. `based_on` is the key version the caller read
/// and built on: the call fails with `StaleKeyVersion` if the record was
/// re-keyed since, and the new key version is `based_on + 1`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct NewContent<AccountId> {
	pub based_on: u32,
	pub cid: Cid,
	pub ciphertext_digest: Digest,
	/// Each reader, the encryption key version its key is wrapped for (its
	/// current one), and the wrapped key.
	pub keys: BoundedVec<(AccountId, u32, WrappedKey), ConstU32<MAX_GRANTS_PER_RECORD>>,
}

/// A record as the runtime API returns it: the record and all its grants.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RecordView<AccountId, BlockNumber> {
	pub id: RecordId,
	pub record: Record<AccountId, BlockNumber>,
	pub grants: Vec<(AccountId, Grant<AccountId, BlockNumber>)>,
}
