//! What can go wrong in a command, and the exit code each failure has.

use ehr::{
	chain::ChainError, contacts::ContactError, emergency::EmergencyError, governance::GovError,
	index::IndexError, keystore::KeystoreError, records::RecordError,
	replication::ReplicationError, storage::StorageError,
};

/// Exit codes scripts can rely on.
pub mod exit {
	/// Anything not listed below.
	pub const FAILURE: u8 = 1;
	/// Bad usage or input (unknown option, missing file, malformed account).
	pub const USAGE: u8 = 2;
	/// The keystore could not be opened: wrong passphrase or file.
	pub const KEYSTORE: u8 = 3;
	/// The chain refused: not registered, not authorised, no grant, grant
	/// expired or revoked, record missing.
	pub const REFUSED: u8 = 4;
	/// The node or IPFS could not be reached, or the node cannot prove
	/// recent finalized state (finality stalled, node behind).
	pub const UNREACHABLE: u8 = 5;
	/// Stored data failed an integrity check (digest or authentication), or
	/// the node's answer failed verification against finalized state.
	pub const INTEGRITY: u8 = 6;
	/// The node serves another chain than the configured genesis hash.
	pub const WRONG_CHAIN: u8 = 7;
	/// The node no longer has the history asked for (a pruning node): use
	/// an archive node.
	pub const HISTORY_PRUNED: u8 = 8;
	/// An account's encryption key is not the one this keystore pinned when
	/// it first wrapped for it: confirm it (`ehr contacts trust`).
	pub const KEY_CHANGED: u8 = 9;
	/// A record is held by fewer hospitals than the consortium asks
	/// (`storage-replicas`): the record itself is on chain.
	pub const NOT_DURABLE: u8 = 10;
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
	#[error("{0}")]
	Usage(String),
	#[error(transparent)]
	Keystore(#[from] KeystoreError),
	#[error("{0}")]
	Io(#[from] std::io::Error),
	#[error(transparent)]
	Record(#[from] RecordError),
	#[error(transparent)]
	Index(#[from] IndexError),
	#[error(transparent)]
	Gov(#[from] GovError),
	#[error(transparent)]
	Emergency(#[from] EmergencyError),
	#[error(transparent)]
	Replication(#[from] ReplicationError),
	#[error("{0} rows of the index differ from the chain")]
	Integrity(usize),
	/// Part of the work was done; the message says what is left, the code
	/// is that of the first failure.
	#[error("{0}")]
	Incomplete(String, u8),
}

impl From<ChainError> for CliError {
	fn from(e: ChainError) -> Self {
		CliError::Record(e.into())
	}
}

impl From<StorageError> for CliError {
	fn from(e: StorageError) -> Self {
		CliError::Record(e.into())
	}
}

impl CliError {
	pub fn exit_code(&self) -> u8 {
		match self {
			CliError::Usage(_) => exit::USAGE,
			CliError::Keystore(
				KeystoreError::WrongPassphrase
				| KeystoreError::WeakPassphrase
				| KeystoreError::Malformed(_)
				| KeystoreError::UnsupportedVersion(_),
			) => exit::KEYSTORE,
			CliError::Keystore(_) | CliError::Io(_) => exit::FAILURE,
			CliError::Index(IndexError::Unreachable { .. }) => exit::UNREACHABLE,
			CliError::Index(IndexError::Refused { .. }) => exit::REFUSED,
			CliError::Index(IndexError::WrongChain { .. }) => exit::WRONG_CHAIN,
			CliError::Integrity(_) => exit::INTEGRITY,
			CliError::Record(e) => record_exit(e),
			CliError::Gov(GovError::Chain(e)) => chain_exit(e),
			CliError::Gov(GovError::BadPeerId(_)) => exit::USAGE,
			CliError::Gov(GovError::NoSuchMotion(_)) => exit::REFUSED,
			CliError::Gov(GovError::UpgradeRejected(_)) => exit::REFUSED,
			CliError::Gov(GovError::NoSuchParameter(_) | GovError::OutOfRange { .. }) => {
				exit::USAGE
			}
			CliError::Emergency(EmergencyError::Record(e)) => record_exit(e),
			CliError::Emergency(
				EmergencyError::NotOpen(_)
				| EmergencyError::NotYours(_)
				| EmergencyError::Expired { .. }
				| EmergencyError::SharesMissing { .. }
				| EmergencyError::Rekeyed(_)
				| EmergencyError::TooFewEscrowHospitals { .. }
				| EmergencyError::NotAnAgent
				| EmergencyError::EscrowKeyPending { .. },
			) => exit::REFUSED,
			CliError::Emergency(
				EmergencyError::ShareNotForYou { .. }
				| EmergencyError::WrongShares(_)
				| EmergencyError::Shamir(_),
			) => exit::INTEGRITY,
			CliError::Replication(ReplicationError::Record(e)) => record_exit(e),
			CliError::Replication(ReplicationError::NotDurable { .. }) => exit::NOT_DURABLE,
			CliError::Incomplete(_, code) => *code,
		}
	}
}

/// The exit code of a failed exchange with the node.
pub fn chain_exit(e: &ChainError) -> u8 {
	match e {
		ChainError::Unreachable { .. }
		| ChainError::ConnectionLost(_)
		| ChainError::OutcomeUnknown(_)
		| ChainError::NoFinalityProof(_)
		| ChainError::FinalityStalled { .. }
		| ChainError::StaleState { .. }
		| ChainError::PoolBusy { .. } => exit::UNREACHABLE,
		ChainError::Unverified(_) => exit::INTEGRITY,
		ChainError::WrongChain { .. } => exit::WRONG_CHAIN,
		ChainError::InsecureTransport { .. } | ChainError::BadNodeUrl { .. } => exit::USAGE,
		ChainError::Rejected { .. } | ChainError::Dispatch(_) => exit::REFUSED,
		ChainError::MetadataMismatch | ChainError::MissingEvent(_) | ChainError::Rpc(_) => {
			exit::FAILURE
		}
	}
}

/// The exit code of a failed record operation.
pub fn record_exit(e: &RecordError) -> u8 {
	use RecordError as R;
	match e {
		R::Chain(chain) => chain_exit(chain),
		R::Unconfirmed(..)
		| R::Storage(StorageError::Unreachable { .. } | StorageError::NotFound { .. }) => {
			exit::UNREACHABLE
		}
		R::Storage(StorageError::DigestMismatch { .. } | StorageError::BadCid(_))
		| R::Unwrap(..)
		| R::Envelope(..) => exit::INTEGRITY,
		R::BadInput(..) => exit::USAGE,
		R::RecordNotFound(_)
		| R::NotRegistered(_)
		| R::NoGrant(_)
		| R::GrantExpired(_)
		| R::GrantOutdated(_)
		| R::NotAllowedToWrite(_)
		| R::NotOwner(_)
		| R::UnusableKey(_) => exit::REFUSED,
		R::TooManyReaders(_) | R::GrantCount(_) | R::NamedTwice(_) => exit::USAGE,
		R::KeptChanging(_) | R::ChangedMeanwhile(..) => exit::REFUSED,
		R::HistoryPruned { .. } => exit::HISTORY_PRUNED,
		R::KeyNotOnChain { .. } | R::UnknownKeyOnChain { .. } => exit::KEYSTORE,
		R::BadConsent(_) => exit::USAGE,
		R::ConsentForAnotherChain { .. } => exit::WRONG_CHAIN,
		R::ConsentForAnotherHospital { .. } | R::ConsentUsed { .. } => exit::REFUSED,
		R::Contact(ContactError::KeyChanged { .. }) => exit::KEY_CHANGED,
		R::Contact(ContactError::FingerprintMismatch { .. }) => exit::USAGE,
		R::Storage(_)
		| R::Io(_)
		| R::Keystore(_)
		| R::Journal(..)
		| R::Contact(ContactError::File(..)) => exit::FAILURE,
		R::RevokedNotRotated { cause, .. } => record_exit(cause),
	}
}
