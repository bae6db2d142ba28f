//! Read-only queries for clients and auditors, answered by the runtime over
//! the `state_call` RPC.

use crate::{EncryptionKey, Grant, RecordId, RecordView, Role};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Questions the `aclService` contract answered with `getACL`, `auth`
	/// and `getaccesstype`, and the ones an auditor asks.
	///
	/// Version 2: `Grant` ends with `reader_key_version`.
	#[api_version(2)]
	pub trait EhrAclApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// A record with every grant on it (who may read it, and how).
		fn record(id: RecordId) -> Option<RecordView<AccountId, BlockNumber>>;
		/// Ids of the records a patient owns, ascending.
		fn records_of(owner: AccountId) -> Vec<RecordId>;
		/// The grants an account holds, by record id, ascending.
		fn grants_held(who: AccountId) -> Vec<(RecordId, Grant<AccountId, BlockNumber>)>;
		/// A user's role and public encryption key, if registered.
		fn public_key(who: AccountId) -> Option<(Role, EncryptionKey)>;
	}
}
