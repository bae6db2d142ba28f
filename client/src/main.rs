//! `ehr`: the command-line client of the EHR consortium chain.
//!
//! `main` parses arguments and calls [`run`]; `run` returns a `Result`;
//! `main` turns it into one message on stderr and an exit code.

mod config;
mod emergency_cmd;
mod gov;
mod output;
mod replication_cmd;

use clap::{Args, Parser, Subcommand, ValueEnum};
use config::Settings;
use ehr::{
	audit::{self, Subject},
	chain::{self, AccountId, ChainError, Wait},
	contacts::{ContactError, Contacts, Pin},
	crypto::{os_rng, wrap::EncryptionKeypair},
	emergency::EmergencyError,
	files,
	governance::GovError,
	index::{Index, IndexError, IndexStatus},
	keystore::{Keys, KeystoreError, KeystoreFile, DEFAULT_KDF},
	records::{
		self, query, Access, BlockNumber, RecordError, RecordId, RecordKind, Revocation, Role,
		Session,
	},
	registration::{self, role_name, Consent},
	replication::ReplicationError,
	storage::{Ipfs, StorageError},
	verified,
};
use output::Out;
use std::{path::PathBuf, process::ExitCode, str::FromStr};

/// Exit codes scripts can rely on.
mod exit {
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

#[derive(Parser)]
#[command(
	name = "ehr",
	version,
	about = "Share encrypted health records over the EHR consortium chain",
	after_help = "Settings come from flags, then EHR_* environment variables, then the config \
	              file (~/.config/ehr/config.toml: node_url, ipfs_url, keystore, genesis_hash, index_url, \
	              allow_insecure_node).\n\
	              Exit codes: 0 ok, 1 failure, 2 usage, 3 keystore, 4 refused by the chain, \
	              5 node or IPFS unreachable (or lost mid-call), 6 integrity check failed, \
	              7 the node serves another chain, 8 the node no longer has the history asked \
	              for (use an archive node)."
)]
struct Cli {
	#[command(flatten)]
	global: Global,
	#[command(subcommand)]
	command: Command,
}

#[derive(Args)]
struct Global {
	/// Print machine-readable JSON instead of text.
	#[arg(long, global = true)]
	json: bool,
	/// Config file [default: ~/.config/ehr/config.toml].
	#[arg(long, global = true, env = "EHR_CONFIG")]
	config: Option<PathBuf>,
	/// Node WebSocket RPC endpoint [default: ws://127.0.0.1:9944].
	#[arg(long, global = true, env = "EHR_NODE_URL")]
	node: Option<String>,
	/// IPFS (kubo) RPC API endpoint [default: http://127.0.0.1:5001].
	#[arg(long, global = true, env = "EHR_IPFS_URL")]
	ipfs: Option<String>,
	/// Seconds a read waits for IPFS to find a record's ciphertext.
	#[arg(long, global = true, env = "EHR_IPFS_TIMEOUT", default_value_t = 30)]
	ipfs_timeout: u64,
	/// Keystore file [default: ~/.config/ehr/keystore.json].
	#[arg(long, global = true, env = "EHR_KEYSTORE")]
	keystore: Option<PathBuf>,
	/// Genesis hash (0x + 64 hex digits) of the consortium chain; a node
	/// serving another chain is refused before anything is signed.
	#[arg(long, global = true, env = "EHR_GENESIS")]
	genesis: Option<String>,
	/// Accept plain ws:// to a node on another machine (by default only
	/// wss://, or ws:// to this machine). Anyone on the path could then read
	/// and rewrite what the node answers.
	#[arg(long, global = true, env = "EHR_ALLOW_INSECURE_NODE")]
	allow_insecure_node: bool,
	/// GRANDPA checkpoint file (`ehr chain checkpoint` output) to prove
	/// finality from, for nodes that no longer keep the genesis state.
	#[arg(long, global = true, env = "EHR_FINALITY_CHECKPOINT")]
	finality_checkpoint: Option<PathBuf>,
	/// File holding the passphrase (else `EHR_PASSPHRASE`, else a prompt).
	#[arg(long, global = true)]
	passphrase_file: Option<PathBuf>,
	/// Never draw progress bars.
	#[arg(long, global = true)]
	no_progress: bool,
	/// Wait until each call is finalized (GRANDPA), not only in a block.
	#[arg(long, global = true)]
	finalized: bool,
}

#[derive(Subcommand)]
enum Command {
	/// Create and manage this account's keys.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Register users and inspect them.
	#[command(subcommand)]
	User(UserCommand),
	/// Add, read, update, remove and list encrypted records.
	#[command(subcommand)]
	Record(RecordCommand),
	/// Grant, revoke, list, request and answer access to records.
	#[command(subcommand)]
	Access(AccessCommand),
	/// Rebuild who did what from chain events (no keys needed).
	#[command(subcommand)]
	Audit(AuditCommand),
	/// What this client checks its node's answers against.
	#[command(subcommand)]
	Chain(ChainCommand),
	/// The encryption keys this keystore pinned for the accounts it wrapped
	/// data keys for (trust on first use).
	#[command(subcommand)]
	Contacts(ContactsCommand),
	/// The hospitals' council: propose, vote on and close motions (admit or
	/// remove a hospital, registrars, runtime upgrades).
	#[command(subcommand)]
	Gov(gov::GovCommand),
	/// Break-glass access: escrow records with the hospitals, opt out, ask
	/// for and read a record in an emergency.
	#[command(subcommand)]
	Emergency(emergency_cmd::EmergencyCommand),
	/// A hospital's escrow agent: its key for the council, the service that
	/// answers emergency requests and releases shares.
	#[command(subcommand)]
	Escrow(emergency_cmd::EscrowCommand),
	/// Which hospitals hold each record's ciphertext (their storage agents
	/// attest it on chain).
	#[command(subcommand)]
	Storage(replication_cmd::StorageCommand),
}

#[derive(Subcommand)]
enum ChainCommand {
	/// Print, as JSON, the newest GRANDPA checkpoint this client can prove
	/// from the one it trusts (genesis hash, block, authority set). Hand it
	/// out with the genesis hash: clients whose nodes no longer keep the
	/// genesis state start from it (`finality_checkpoint` in their config).
	Checkpoint,
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Create a new keystore: an sr25519 signing key (the chain account) and an
	/// X25519 encryption key, sealed with a passphrase.
	New,
	/// Create a keystore for an existing account from its secret URI (a
	/// mnemonic, optionally with `//hard` junctions, or `//Alice` on a dev
	/// chain), read from `--suri-file` or `EHR_SURI`, with a new encryption key.
	Import {
		/// File holding the secret URI.
		#[arg(long)]
		suri_file: Option<PathBuf>,
	},
	/// Show the account and public encryption key (no passphrase needed).
	Show,
	/// Print only the public keys, for a registrar or another user.
	ExportPublic,
	/// Re-seal the keystore under a new passphrase.
	ChangePassphrase {
		/// File holding the new passphrase (else `EHR_NEW_PASSPHRASE`, else a prompt).
		#[arg(long)]
		new_passphrase_file: Option<PathBuf>,
	},
}

#[derive(Subcommand)]
enum UserCommand {
	/// Register on chain. Without `--consent`: this keystore registers itself
	/// (as a patient; a registrar may register itself in another role). With
	/// it: a registrar submits someone's signed consent (`ehr user consent`),
	/// and that account joins the registrar's hospital.
	Register {
		#[arg(long, value_enum, default_value = "patient", conflicts_with = "consent")]
		role: RoleArg,
		/// A consent file written by `ehr user consent` for this chain and
		/// this registrar's hospital; it fixes account, role and key.
		#[arg(long)]
		consent: Option<PathBuf>,
	},
	/// Sign this keystore's consent to be registered by a registrar of
	/// `--hospital` as `--role`, with its encryption key, on the chain of
	/// `--node`; hand the JSON it prints (or writes to `--out`) to the
	/// registrar. It holds no secret.
	Consent {
		#[arg(long, value_enum)]
		role: RoleArg,
		/// The hospital (organisation id) whose registrar will register you.
		#[arg(long)]
		hospital: u32,
		/// Write the consent here instead of standard output.
		#[arg(long)]
		out: Option<PathBuf>,
	},
	/// Show a user's registration (default: this keystore's account).
	Show { account: Option<String> },
	/// Replace this account's encryption key (after a compromise) and
	/// re-encrypt every record you own under fresh data keys, for every
	/// current reader; the old ciphertexts are unpinned. Interrupted, run it
	/// again: it finishes the same rotation instead of starting another.
	/// Retired keys stay in the keystore, so what was wrapped for them opens.
	RotateKey {
		/// Replace a key the chain holds that this keystore never had (one
		/// rotated from another device whose keystore is lost). What only
		/// that key opens stays unreadable.
		#[arg(long)]
		replace_unknown_key: bool,
		/// Start a new rotation even though the last one did not finish (a
		/// record it could not re-encrypt); this one re-encrypts those too.
		#[arg(long)]
		new_key: bool,
	},
}

#[derive(Subcommand)]
enum ContactsCommand {
	/// The accounts pinned on this chain, with their keys' fingerprints.
	List,
	/// Pin ACCOUNT's current encryption key after comparing its fingerprint
	/// with the account's owner out of band (they see it in `ehr user show`).
	Trust {
		account: String,
		/// The fingerprint the owner confirmed (spaces and case do not matter).
		#[arg(long)]
		fingerprint: String,
	},
	/// Drop ACCOUNT's pin: the next wrap pins whatever key it has then.
	Forget { account: String },
}

#[derive(Subcommand)]
enum RecordCommand {
	/// Encrypt FILE, store it in IPFS and record it on chain.
	Add {
		file: PathBuf,
		#[arg(long, value_enum)]
		kind: KindArg,
		/// Write into this patient's records (needs `--via`).
		#[arg(long, requires = "via")]
		patient: Option<String>,
		/// A record of the patient on which you hold ReadWrite access.
		#[arg(long, requires = "patient")]
		via: Option<RecordId>,
		/// Share the record with ACCOUNT in the same call that adds it:
		/// `ACCOUNT` or `ACCOUNT:read` for Read, `ACCOUNT:readwrite` for
		/// ReadWrite (repeatable, at most 16; a clinician writing into a
		/// patient's records shares Read only).
		#[arg(long, value_name = "ACCOUNT[:ACCESS]")]
		share: Vec<String>,
		/// Wait until as many hospitals as the consortium asks
		/// (`storage-replicas`) hold the record's ciphertext (the default
		/// when the config file says `durable = true`).
		#[arg(long, conflicts_with = "no_durable")]
		durable: bool,
		/// Do not wait for other hospitals to hold the record.
		#[arg(long)]
		no_durable: bool,
		/// Seconds to wait for durability before failing (exit code 10;
		/// the record stays added, and its id is printed).
		#[arg(long, default_value_t = 300, value_name = "SECS")]
		durable_timeout: u64,
	},
	/// Fetch, verify and decrypt record ID into OUT (the read is logged on chain).
	Get {
		id: RecordId,
		#[arg(short, long)]
		output: PathBuf,
	},
	/// Replace record ID's content with FILE (owner or ReadWrite grantee).
	Update { id: RecordId, file: PathBuf },
	/// Re-encrypt record ID under a fresh data key for every current reader's
	/// current encryption key (after a reader rotated its key, or a data key
	/// leaked); same content, new ciphertext (owner or ReadWrite grantee).
	Rekey { id: RecordId },
	/// Remove record ID and all grants on it, and unpin its ciphertext.
	Rm { id: RecordId },
	/// List records owned by you (or `--patient`) and records shared with you.
	List {
		#[arg(long)]
		patient: Option<String>,
	},
}

#[derive(Subcommand)]
enum AccessCommand {
	/// Give ACCOUNT access to record ID.
	Grant {
		id: RecordId,
		account: String,
		#[command(flatten)]
		level: Level,
		/// `12h`, `30d` (from now) or `#BLOCK`; default: never.
		#[arg(long)]
		expires: Option<String>,
	},
	/// Take ACCOUNT's access away, and every grant ACCOUNT delegated;
	/// re-encrypts the record under a new key unless `--no-rotate`. The
	/// owner may revoke anyone; a ReadWrite grantee the grants it gave.
	Revoke {
		id: RecordId,
		account: String,
		/// Keep the current data key (the revoked reader may have kept it).
		#[arg(long)]
		no_rotate: bool,
	},
	/// Who may read record ID, and pending requests.
	List { id: RecordId },
	/// Ask record ID's owner for access.
	Request {
		id: RecordId,
		#[arg(long)]
		read_write: bool,
	},
	/// Approve ACCOUNT's pending request on record ID.
	Approve {
		id: RecordId,
		account: String,
		#[arg(long)]
		expires: Option<String>,
	},
	/// Deny ACCOUNT's pending request on record ID.
	Deny { id: RecordId, account: String },
	/// Drop your own grant on record ID (and what you delegated from it).
	Renounce { id: RecordId },
	/// Withdraw your pending request on record ID.
	Cancel { id: RecordId },
}

#[derive(Args)]
#[group(required = true, multiple = false)]
struct Level {
	#[arg(long)]
	read: bool,
	#[arg(long)]
	read_write: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
	#[command(flatten)]
	History(HistoryCommand),
	/// Re-check what an index says about a subject against the chain (on
	/// an archive node): every row, or a random sample. Exit 6 when any
	/// row differs from the chain.
	Verify {
		#[command(subcommand)]
		subject: HistoryCommand,
		/// Re-read this many rows, drawn at random, instead of all.
		#[arg(long, global = true)]
		sample: Option<usize>,
		/// Also read every block of the window, so that an event the index
		/// left out anywhere is found (slow on a long chain).
		#[arg(long, global = true)]
		complete: bool,
	},
	/// How far an index is behind this node's finalized head.
	Status {
		#[arg(long, env = "EHR_INDEX_URL")]
		index: Option<String>,
	},
}

/// Whose history to show.
#[derive(Subcommand)]
enum HistoryCommand {
	/// Everything that happened to record ID.
	Record {
		id: RecordId,
		#[command(flatten)]
		options: AuditOptions,
	},
	/// A patient's registration and everything on its records.
	Patient {
		account: String,
		#[command(flatten)]
		options: AuditOptions,
	},
	/// Every event an account took part in.
	Account {
		account: String,
		#[command(flatten)]
		options: AuditOptions,
	},
}

#[derive(Args)]
struct AuditOptions {
	/// Ask this audit index (`ehr-indexer`'s URL) instead of reading every
	/// block from the node.
	#[arg(long, env = "EHR_INDEX_URL", global = true)]
	index: Option<String>,
	/// First block.
	#[arg(long, global = true)]
	since: Option<u64>,
	/// Last block.
	#[arg(long, global = true)]
	until: Option<u64>,
	/// From this time on (RFC 3339 UTC, e.g. 2026-12-01T00:00:00Z).
	#[arg(long, global = true)]
	from: Option<String>,
	/// Before this time (RFC 3339 UTC).
	#[arg(long, global = true)]
	to: Option<String>,
	/// Only these events (repeat, or comma-separate: GrantAdded,AccessLogged).
	#[arg(long = "event", value_delimiter = ',', global = true)]
	events: Vec<String>,
	#[arg(long, value_enum, default_value = "table", global = true)]
	format: output::Format,
}

impl AuditOptions {
	fn window(&self) -> Result<audit::Window, CliError> {
		audit::Window::new(
			self.since,
			self.until,
			self.from.as_deref(),
			self.to.as_deref(),
			self.events.clone(),
		)
		.map_err(CliError::Usage)
	}
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
	Patient,
	Doctor,
	Pharmacist,
	Researcher,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
	Observation,
	Prescription,
	Lab,
	Imaging,
	Note,
	Fhir,
	/// Keep the kind off the chain: readers learn it by opening the record.
	Unspecified,
}

impl From<RoleArg> for Role {
	fn from(r: RoleArg) -> Role {
		match r {
			RoleArg::Patient => Role::Patient,
			RoleArg::Doctor => Role::Doctor,
			RoleArg::Pharmacist => Role::Pharmacist,
			RoleArg::Researcher => Role::Researcher,
		}
	}
}

impl From<KindArg> for RecordKind {
	fn from(k: KindArg) -> RecordKind {
		match k {
			KindArg::Observation => RecordKind::Observation,
			KindArg::Prescription => RecordKind::Prescription,
			KindArg::Lab => RecordKind::Lab,
			KindArg::Imaging => RecordKind::Imaging,
			KindArg::Note => RecordKind::Note,
			KindArg::Fhir => RecordKind::Fhir,
			KindArg::Unspecified => RecordKind::Unspecified,
		}
	}
}

#[derive(Debug, thiserror::Error)]
enum CliError {
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
	fn exit_code(&self) -> u8 {
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
fn chain_exit(e: &ChainError) -> u8 {
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
fn record_exit(e: &RecordError) -> u8 {
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
		R::TooManyReaders(_) => exit::USAGE,
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

/// A passphrase from a file, an environment variable or the terminal, in
/// that order. Never echoed, never logged.
fn passphrase(
	file: Option<&PathBuf>,
	env: &str,
	prompt: &str,
	confirm: bool,
) -> Result<Secret, CliError> {
	if let Some(file) = file {
		let text = Secret::new(
			std::fs::read_to_string(file)
				.map_err(|e| CliError::Usage(format!("cannot read {}: {e}", file.display())))?,
		);
		return Ok(Secret::new(text.trim_end_matches(['\n', '\r']).to_string()));
	}
	if let Ok(value) = std::env::var(env) {
		return Ok(Secret::new(value));
	}
	let first = Secret::new(rpassword::prompt_password(prompt)?);
	if confirm && *Secret::new(rpassword::prompt_password("Repeat it: ")?) != *first {
		return Err(CliError::Usage("the passphrases differ".into()));
	}
	Ok(first)
}

/// A passphrase or secret URI: wiped from memory when dropped.
type Secret = zeroize::Zeroizing<String>;

fn parse_account(text: &str) -> Result<AccountId, CliError> {
	AccountId::from_str(text.trim())
		.map_err(|_| CliError::Usage(format!("`{text}` is not an SS58 account address")))
}

/// `ACCOUNT`, `ACCOUNT:read` or `ACCOUNT:readwrite`.
fn parse_share(text: &str) -> Result<(AccountId, Access), CliError> {
	let (who, access) = text.split_once(':').unwrap_or((text, "read"));
	let access = match access {
		"read" => Access::Read,
		"readwrite" => Access::ReadWrite,
		other => {
			return Err(CliError::Usage(format!(
				"`{other}` is not an access level: use read or readwrite"
			)))
		}
	};
	Ok((parse_account(who)?, access))
}

/// 64 hex digits, with or without `0x`, as 32 bytes.
fn parse_hex32(text: &str) -> Option<[u8; 32]> {
	hex::decode(text.trim().trim_start_matches("0x")).ok().and_then(|v| v.try_into().ok())
}

/// Everything a command needs, opened lazily from the settings.
struct Ctx {
	settings: Settings,
	ipfs_timeout: std::time::Duration,
	out: Out,
	progress: bool,
	wait: Wait,
	passphrase_file: Option<PathBuf>,
}

impl Ctx {
	fn keystore_file(&self) -> Result<KeystoreFile, CliError> {
		let path = &self.settings.keystore;
		if !path.exists() {
			return Err(CliError::Usage(format!(
				"no keystore at {}: create one with `ehr keys new` (or set --keystore)",
				path.display()
			)));
		}
		Ok(KeystoreFile::read(path)?)
	}

	/// The audit index to ask: `given` (flag or environment), else the
	/// config file's.
	fn index_url<'a>(&'a self, given: &'a Option<String>) -> Option<&'a str> {
		given.as_deref().or(self.settings.index_url.as_deref())
	}

	fn account(&self) -> Result<AccountId, CliError> {
		parse_account(&self.keystore_file()?.public.account)
	}

	fn unlock(&self) -> Result<(KeystoreFile, Secret, Keys), CliError> {
		let file = self.keystore_file()?;
		let pass =
			passphrase(self.passphrase_file.as_ref(), "EHR_PASSPHRASE", "Passphrase: ", false)?;
		let keys = file.unlock(&pass)?;
		Ok((file, pass, keys))
	}

	fn ipfs(&self) -> Ipfs {
		Ipfs::new(&self.settings.ipfs_url).with_find_timeout(self.ipfs_timeout)
	}

	/// Connects to the node, trusting the newer of the given finality
	/// checkpoint and the one kept from earlier runs (else the genesis
	/// authority set).
	async fn chain(&self) -> Result<chain::Client, CliError> {
		let (url, plain) = (&self.settings.node_url, self.settings.allow_insecure_node);
		// Without a configured genesis hash, the first chain this client
		// used is pinned (trust on first use): the genesis is the root of
		// every proof, so a node must not choose it.
		let pinned = self.settings.checkpoints.as_ref().map(|dir| dir.join("chain"));
		let first_used = pinned
			.as_deref()
			.and_then(|path| std::fs::read_to_string(path).ok())
			.and_then(|text| parse_hex32(text.trim()));
		let client = match self.settings.genesis.or(first_used) {
			Some(genesis) => chain::connect_expecting(url, genesis, plain).await?,
			None => {
				let client = chain::connect_allowing(url, plain).await?;
				if let Some(path) = &pinned {
					let genesis = format!("0x{}\n", hex::encode(client.genesis_hash().0));
					std::fs::create_dir_all(path.parent().expect("in a directory"))?;
					std::fs::write(path, genesis)?;
				}
				client
			}
		};
		let given = match &self.settings.finality_checkpoint {
			Some(path) => Some(verified::read_checkpoint(path).map_err(CliError::Usage)?),
			None => None,
		};
		let genesis = client.genesis_hash().0;
		let kept = self
			.settings
			.checkpoints
			.as_ref()
			.map(|dir| dir.join(format!("{}.json", hex::encode(genesis))));
		// A kept file that does not read is only a cache: start without it.
		let cached = kept.as_deref().and_then(|path| verified::read_checkpoint(path).ok());
		let start = match (given, cached) {
			(Some(given), Some(cached))
				if cached.genesis_hash == given.genesis_hash && cached.number > given.number =>
			{
				Some(cached)
			}
			(Some(given), _) => Some(given),
			(None, cached) => cached.filter(|c| c.genesis_hash.0 == genesis),
		};
		if let Some(checkpoint) = start {
			client.trust(checkpoint).map_err(RecordError::from)?;
		}
		if let Some(path) = kept {
			client.keep_checkpoints(path);
		}
		Ok(client)
	}

	/// A session for this keystore; `ipfs` checks the daemon answers first.
	async fn session(&self, ipfs: bool) -> Result<Session, CliError> {
		let (_, _, keys) = self.unlock()?;
		let store = self.ipfs();
		if ipfs {
			store.ping().await?;
		}
		let chain = self.chain().await?;
		Ok(Session {
			contacts: Some(self.contacts(&chain)),
			chain,
			ipfs: store,
			keys,
			progress: self.progress,
			wait: self.wait,
		})
	}

	/// The pins of this keystore on `chain`'s network, kept next to it.
	fn contacts(&self, chain: &chain::Client) -> Contacts {
		let path = files::beside(&self.settings.keystore, ".contacts.json");
		Contacts::open(&path, &chain.genesis_hash().0)
	}

	/// `--expires`: `#BLOCK`, or a duration from now (`90m`, `12h`, `30d`).
	async fn expiry(
		&self,
		chain: &chain::Client,
		text: Option<&str>,
	) -> Result<Option<BlockNumber>, CliError> {
		let Some(text) = text else { return Ok(None) };
		let bad = || CliError::Usage(format!("--expires {text}: use #BLOCK, or 90m, 12h, 30d"));
		if let Some(block) = text.strip_prefix('#') {
			return block.parse().map(Some).map_err(|_| bad());
		}
		let (number, unit) = text.split_at(text.len().saturating_sub(1));
		let seconds: u64 = number.parse::<u64>().map_err(|_| bad())?
			* match unit {
				"m" => 60,
				"h" => 3600,
				"d" => 86_400,
				_ => return Err(bad()),
			};
		let block_ms = chain::block_time_ms(chain).await?;
		let now = query::block_number(chain).await?;
		let blocks = (seconds * 1000).div_ceil(block_ms.max(1));
		Ok(Some(now.saturating_add(blocks.try_into().unwrap_or(BlockNumber::MAX))))
	}
}

fn level(level: &Level) -> Access {
	if level.read_write {
		Access::ReadWrite
	} else {
		Access::Read
	}
}

async fn run(cli: Cli) -> Result<(), CliError> {
	let g = cli.global;
	let settings = Settings::load(
		g.config.as_deref(),
		g.node,
		g.ipfs,
		g.keystore,
		g.genesis,
		g.allow_insecure_node,
		g.finality_checkpoint,
	)?;
	let out = Out { json: g.json };
	let ctx = Ctx {
		settings,
		ipfs_timeout: std::time::Duration::from_secs(g.ipfs_timeout),
		out,
		progress: !g.json && !g.no_progress,
		wait: if g.finalized { Wait::Finalized } else { Wait::InBlock },
		passphrase_file: g.passphrase_file,
	};
	match cli.command {
		Command::Keys(command) => keys(&ctx, command).await,
		Command::User(command) => user(&ctx, command).await,
		Command::Record(command) => record(&ctx, command).await,
		Command::Access(command) => access(&ctx, command).await,
		Command::Audit(command) => audit_cmd(&ctx, command).await,
		Command::Contacts(command) => contacts(&ctx, command).await,
		Command::Gov(command) => gov::gov(&ctx, command).await,
		Command::Emergency(command) => emergency_cmd::emergency(&ctx, command).await,
		Command::Escrow(command) => emergency_cmd::escrow(&ctx, command).await,
		Command::Storage(command) => replication_cmd::storage(&ctx, command).await,
		Command::Chain(ChainCommand::Checkpoint) => {
			let chain = ctx.chain().await?;
			chain.finalized_now().await.map_err(RecordError::from)?;
			let checkpoint = chain.checkpoint().await.map_err(RecordError::from)?;
			println!("{}", serde_json::to_string_pretty(&checkpoint).expect("serializes"));
			Ok(())
		}
	}
}

async fn contacts(ctx: &Ctx, command: ContactsCommand) -> Result<(), CliError> {
	let chain = ctx.chain().await?;
	let contacts = ctx.contacts(&chain);
	match command {
		ContactsCommand::List => ctx.out.contacts(&contacts.list().map_err(RecordError::from)?),
		ContactsCommand::Trust { account, fingerprint } => {
			let who = parse_account(&account)?;
			let user = query::user(&chain, &who).await?.ok_or(RecordError::NotRegistered(who))?;
			let old =
				contacts.trust(&who, &user.enc_key, &fingerprint).map_err(RecordError::from)?;
			let pin = Pin::of(&user.enc_key);
			ctx.out.done(
				&format!(
					"pinned {who}'s encryption key {} (fingerprint {}){}",
					pin.encryption_key,
					pin.fingerprint,
					old.as_ref()
						.map(|o| format!(", replacing {}", o.fingerprint))
						.unwrap_or_default()
				),
				serde_json::json!({ "account": who.to_string(), "pinned": pin, "replaced": old }),
			);
		}
		ContactsCommand::Forget { account } => {
			let who = parse_account(&account)?;
			let old = contacts.forget(&who).map_err(RecordError::from)?;
			ctx.out.done(
				&match &old {
					Some(pin) => {
						format!("forgot {who}'s pinned key (fingerprint {})", pin.fingerprint)
					}
					None => format!("{who} had no pinned key"),
				},
				serde_json::json!({ "account": who.to_string(), "forgot": old }),
			);
		}
	}
	Ok(())
}

async fn keys(ctx: &Ctx, command: KeysCommand) -> Result<(), CliError> {
	let path = &ctx.settings.keystore;
	let new_keystore = |keys: Keys| -> Result<(), CliError> {
		if path.exists() {
			return Err(KeystoreError::AlreadyExists(path.display().to_string()).into());
		}
		let pass =
			passphrase(ctx.passphrase_file.as_ref(), "EHR_PASSPHRASE", "New passphrase: ", true)?;
		let file = keys.seal(&pass, DEFAULT_KDF, &mut os_rng())?;
		file.write(path, false)?;
		ctx.out.public_keys(&file.public, path);
		Ok(())
	};
	match command {
		KeysCommand::New => new_keystore(Keys::generate(&mut os_rng()))?,
		KeysCommand::Import { suri_file } => {
			if path.exists() {
				return Err(KeystoreError::AlreadyExists(path.display().to_string()).into());
			}
			let suri = passphrase(suri_file.as_ref(), "EHR_SURI", "Secret URI: ", false)?;
			new_keystore(Keys::from_secret_uri(suri.trim(), &mut os_rng())?)?
		}
		KeysCommand::Show => ctx.out.public_keys(&ctx.keystore_file()?.public, path),
		KeysCommand::ExportPublic => {
			println!(
				"{}",
				serde_json::to_string_pretty(&ctx.keystore_file()?.public).expect("serializes")
			)
		}
		KeysCommand::ChangePassphrase { new_passphrase_file } => {
			// Not while a rotation saves a new key into the same file.
			let _lock = files::lock(path)?;
			let (file, _, keys) = ctx.unlock()?;
			let new = passphrase(
				new_passphrase_file.as_ref(),
				"EHR_NEW_PASSPHRASE",
				"New passphrase: ",
				true,
			)?;
			keys.seal(&new, file.kdf, &mut os_rng())?.write(path, true)?;
			ctx.out.done(
				&format!("passphrase changed for {}", path.display()),
				serde_json::json!({ "keystore": path.display().to_string(), "changed": true }),
			);
		}
	}
	Ok(())
}

async fn user(ctx: &Ctx, command: UserCommand) -> Result<(), CliError> {
	match command {
		UserCommand::Register { role, consent } => {
			let session = ctx.session(false).await?;
			let (who, role) = match consent {
				Some(file) => {
					let text = std::fs::read_to_string(&file).map_err(|e| {
						CliError::Usage(format!("cannot read {}: {e}", file.display()))
					})?;
					let consent: Consent = serde_json::from_str(&text).map_err(|e| {
						CliError::Usage(format!(
							"{} is not `ehr user consent` output: {e}",
							file.display()
						))
					})?;
					session.register_consented(&consent).await?
				}
				None => {
					session.register_self(role.into()).await?;
					(session.account(), role.into())
				}
			};
			let role = role_name(&role);
			ctx.out.done(
				&format!("registered {who} as {role}"),
				serde_json::json!({ "account": who.to_string(), "role": role }),
			);
		}
		UserCommand::Consent { role, hospital, out } => {
			let (_, _, keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			let me = keys.signer.public_key().to_account_id();
			let registered = query::registrations(&chain, &me).await?;
			let consent = registration::consent(
				&keys.signer,
				&keys.encryption,
				chain.genesis_hash().0,
				role.into(),
				(hospital, registered),
			);
			let text = serde_json::to_string_pretty(&consent).expect("serializes");
			match out {
				Some(path) => {
					// A consent is handed on to a registrar: never a half-written one.
					files::write_atomically(&path, format!("{text}\n").as_bytes()).map_err(
						|e| CliError::Usage(format!("cannot write {}: {e}", path.display())),
					)?;
					ctx.out.done(
						&format!("consent written to {}", path.display()),
						serde_json::json!({ "consent": path.display().to_string() }),
					);
				}
				None => println!("{text}"),
			}
		}
		UserCommand::Show { account } => {
			let who = match account {
				Some(a) => parse_account(&a)?,
				None => ctx.account()?,
			};
			let chain = ctx.chain().await?;
			let user = query::user(&chain, &who).await?;
			let registrar = query::registrar_org(&chain, &who).await?;
			if user.is_none() && registrar.is_none() {
				return Err(RecordError::NotRegistered(who).into());
			}
			ctx.out.user(&who, user.as_ref(), registrar);
		}
		UserCommand::RotateKey { replace_unknown_key, new_key } => {
			let path = &ctx.settings.keystore;
			// One rotation of a keystore at a time: two would each make a key.
			let _lock = files::lock(path)?;
			let (file, pass, keys) = ctx.unlock()?;
			let chain = ctx.chain().await?;
			let mut session = Session {
				contacts: Some(ctx.contacts(&chain)),
				chain,
				ipfs: ctx.ipfs(),
				keys,
				progress: ctx.progress,
				wait: ctx.wait,
			};
			let done = session
				.rotate_encryption_key(
					EncryptionKeypair::generate(&mut os_rng()),
					|keys| keys.seal(&pass, file.kdf, &mut os_rng())?.write(path, true),
					&files::beside(path, ".rotation.json"),
					replace_unknown_key,
					new_key,
				)
				.await?;
			let key = hex::encode(session.keys.encryption.public_bytes());
			let mut text = format!(
				"{} encryption key {key}; re-encrypted records {:?}.",
				if done.new_key { "new" } else { "finished the rotation to" },
				done.reencrypted
			);
			let mut escrow = serde_json::Map::new();
			for id in &done.reencrypted {
				let (renewed, value) = renew_escrow(&session, *id).await;
				if !value.is_null() {
					text.push_str(&format!(" Record {id}{renewed}."));
					escrow.insert(id.to_string(), value);
				}
			}
			if !done.unreadable.is_empty() {
				text.push_str(&format!(
					" Records {:?} open with no key of this keystore and were left as they are.",
					done.unreadable
				));
			}
			if let Some((_, first)) = done.failed.first() {
				let failed: Vec<String> =
					done.failed.iter().map(|(id, e)| format!("record {id}: {e}")).collect();
				return Err(CliError::Incomplete(
					format!(
						"{text} Not re-encrypted yet (still under the old data key):\n  {}\n\
						 Run `ehr user rotate-key` again once that is resolved.",
						failed.join("\n  ")
					),
					record_exit(first),
				));
			}
			text.push_str(
				" Grants you hold on other patients' records still open with your retired key \
				 (kept in the keystore); their owners move them to the new one with `ehr \
				 record rekey`, after confirming its fingerprint (`ehr contacts trust`).",
			);
			ctx.out.done(
				&text,
				serde_json::json!({
					"encryption_key": key,
					"new_key": done.new_key,
					"reencrypted": done.reencrypted,
					"unreadable": done.unreadable,
					"escrow": escrow,
				}),
			);
		}
	}
	Ok(())
}

/// After a call that changed record `id`'s data key: its break-glass shares
/// deposited again if it had some. The call landed either way, so a failure
/// is a warning in the text (and `escrow.error` in the JSON), not an error.
async fn renew_escrow(session: &Session, id: RecordId) -> (String, serde_json::Value) {
	match session.renew_escrow(id).await {
		Ok(None) => (String::new(), serde_json::Value::Null),
		Ok(Some(d)) => (
			format!(
				"; break-glass shares renewed (any {} of hospitals {:?})",
				d.threshold, d.hospitals
			),
			serde_json::json!({ "renewed": true, "threshold": d.threshold, "hospitals": d.hospitals }),
		),
		Err(e) => (
			format!(
				"; WARNING: its break-glass shares open the old key only, and renewing them failed \
				 ({e}): run `ehr emergency escrow {id}`"
			),
			serde_json::json!({ "renewed": false, "error": e.to_string() }),
		),
	}
}

async fn record(ctx: &Ctx, command: RecordCommand) -> Result<(), CliError> {
	match command {
		RecordCommand::Add {
			file,
			kind,
			patient,
			via,
			share,
			durable,
			no_durable,
			durable_timeout,
		} => {
			// The input can be a record before anything is sent anywhere.
			records::open_input(&file)?;
			let patient = patient.as_deref().map(parse_account).transpose()?;
			let share = share.iter().map(|s| parse_share(s)).collect::<Result<Vec<_>, _>>()?;
			if share.len() > records::MAX_INITIAL_READERS {
				return Err(RecordError::TooManyReaders(share.len()).into());
			}
			let session = ctx.session(true).await?;
			let owner = patient.unwrap_or_else(|| session.account());
			let id = session.add_record(&owner, &file, kind.into(), via, &share).await?;
			let shared: Vec<String> = share.iter().map(|(who, _)| who.to_string()).collect();
			let wait = durable || (ctx.settings.durable && !no_durable);
			let replicas = match wait {
				true => {
					let timeout = std::time::Duration::from_secs(durable_timeout);
					Some(replication_cmd::wait_durable(ctx, &session.chain, id, timeout).await)
				}
				false => None,
			};
			let held = match &replicas {
				Some(Ok(r)) => {
					format!("; held by {} hospitals ({} needed)", r.holders.len(), r.needed)
				}
				Some(Err(_)) => "; not durable yet".to_string(),
				None => String::new(),
			};
			let durable = replicas.as_ref().map(|r| r.is_ok());
			let replicas_json = replicas.as_ref().and_then(|r| r.as_ref().ok());
			// The record landed: its id is shown even when the wait failed,
			// so that nobody adds it twice.
			ctx.out.done(
				&format!("added record {id}{held}"),
				serde_json::json!({ "id": id, "owner": owner.to_string(), "shared_with": shared, "durable": durable, "replicas": replicas_json }),
			);
			if let Some(Err(e)) = replicas {
				return Err(e);
			}
		}
		RecordCommand::Get { id, output } => {
			let session = ctx.session(true).await?;
			let version = session.get_record(id, &output).await?;
			ctx.out.done(
				&format!("record {id} version {version} written to {}", output.display()),
				serde_json::json!({ "id": id, "version": version, "output": output.display().to_string() }),
			);
		}
		RecordCommand::Update { id, file } => {
			// The input can be a record before anything is sent anywhere.
			records::open_input(&file)?;
			let session = ctx.session(true).await?;
			let version = session.update_record(id, &file).await?;
			let (renewed, escrow) = renew_escrow(&session, id).await;
			ctx.out.done(
				&format!("record {id} is now version {version}{renewed}"),
				serde_json::json!({ "id": id, "version": version, "escrow": escrow }),
			);
		}
		RecordCommand::Rekey { id } => {
			let session = ctx.session(true).await?;
			session.rekey(id).await?;
			let (renewed, escrow) = renew_escrow(&session, id).await;
			ctx.out.done(
				&format!("record {id} re-encrypted under a new data key{renewed}"),
				serde_json::json!({ "id": id, "rekeyed": true, "escrow": escrow }),
			);
		}
		RecordCommand::Rm { id } => {
			let session = ctx.session(true).await?;
			session.remove_record(id).await?;
			ctx.out.done(
				&format!("removed record {id}"),
				serde_json::json!({ "id": id, "removed": true }),
			);
		}
		RecordCommand::List { patient } => {
			let chain = ctx.chain().await?;
			let (owner, shared) = match patient {
				Some(p) => (parse_account(&p)?, false),
				None => (ctx.account()?, true),
			};
			let mut views = Vec::new();
			for id in query::records_of(&chain, &owner).await? {
				views.extend(query::record(&chain, id).await?);
			}
			let mut held = Vec::new();
			if shared {
				for (id, grant) in query::grants_held(&chain, &owner).await? {
					if let Some(view) = query::record(&chain, id).await? {
						if view.record.owner != owner {
							held.push((view, grant));
						}
					}
				}
			}
			ctx.out.records(&views, &held);
		}
	}
	Ok(())
}

async fn access(ctx: &Ctx, command: AccessCommand) -> Result<(), CliError> {
	match command {
		AccessCommand::Grant { id, account, level: l, expires } => {
			let to = parse_account(&account)?;
			let session = ctx.session(false).await?;
			let expires = ctx.expiry(&session.chain, expires.as_deref()).await?;
			session.grant(id, &to, level(&l), expires).await?;
			ctx.out.done(
				&format!("granted {:?} on record {id} to {to}", level(&l)),
				serde_json::json!({ "id": id, "to": to.to_string(), "access": format!("{:?}", level(&l)), "expires_at": expires }),
			);
		}
		AccessCommand::Revoke { id, account, no_rotate } => {
			let from = parse_account(&account)?;
			let session = ctx.session(!no_rotate).await?;
			let done = session.revoke(id, &from, !no_rotate).await?;
			let (renewed, escrow) = match no_rotate {
				true => (String::new(), serde_json::Value::Null),
				false => renew_escrow(&session, id).await,
			};
			let text = match (done, no_rotate) {
				(Revocation::Revoked, true) => format!("revoked {from} on record {id} (data key kept)"),
				(Revocation::Revoked, false) => format!("revoked {from} on record {id}; data key rotated"),
				(Revocation::RotatedOnly, _) => format!(
					"{from} holds no grant on record {id}; data key rotated, so a key {from} kept opens nothing current"
				),
			};
			ctx.out.done(
				&format!("{text}{renewed}"),
				serde_json::json!({
					"id": id,
					"from": from.to_string(),
					"revoked": done == Revocation::Revoked,
					"key_rotated": !no_rotate,
					"escrow": escrow,
				}),
			);
		}
		AccessCommand::List { id } => {
			let chain = ctx.chain().await?;
			let view = query::record(&chain, id).await?.ok_or(RecordError::RecordNotFound(id))?;
			let requests = query::requests(&chain, id).await?;
			// Which grants wrap a key their reader has rotated away from.
			let readers: Vec<AccountId> = view.grants.iter().map(|(who, _)| *who).collect();
			let users = query::users(&chain, &readers).await?;
			let versions: Vec<Option<u32>> =
				users.iter().map(|u| u.as_ref().map(|u| u.enc_key_version)).collect();
			let r = &view.record;
			let emergency =
				ehr::emergency::record_emergency(&chain, id, &r.owner, r.key_version).await?;
			let replicas = ehr::replication::replicas(&chain, id).await?;
			ctx.out.grants(&view, &requests, &versions, &emergency, replicas.as_ref());
		}
		AccessCommand::Request { id, read_write } => {
			let access = if read_write { Access::ReadWrite } else { Access::Read };
			ctx.session(false).await?.request(id, access.clone()).await?;
			ctx.out.done(
				&format!("asked for {access:?} on record {id}"),
				serde_json::json!({ "id": id, "access": format!("{access:?}") }),
			);
		}
		AccessCommand::Approve { id, account, expires } => {
			let requester = parse_account(&account)?;
			let session = ctx.session(false).await?;
			let expires = ctx.expiry(&session.chain, expires.as_deref()).await?;
			session.answer(id, &requester, true, expires).await?;
			ctx.out.done(
				&format!("approved {requester} on record {id}"),
				serde_json::json!({ "id": id, "requester": requester.to_string(), "approved": true }),
			);
		}
		AccessCommand::Deny { id, account } => {
			let requester = parse_account(&account)?;
			ctx.session(false).await?.answer(id, &requester, false, None).await?;
			ctx.out.done(
				&format!("denied {requester} on record {id}"),
				serde_json::json!({ "id": id, "requester": requester.to_string(), "approved": false }),
			);
		}
		AccessCommand::Renounce { id } => {
			ctx.session(false).await?.renounce(id).await?;
			ctx.out.done(
				&format!("dropped your grant on record {id}"),
				serde_json::json!({ "id": id, "renounced": true }),
			);
		}
		AccessCommand::Cancel { id } => {
			ctx.session(false).await?.cancel_request(id).await?;
			ctx.out.done(
				&format!("withdrew your request on record {id}"),
				serde_json::json!({ "id": id, "cancelled": true }),
			);
		}
	}
	Ok(())
}

impl HistoryCommand {
	fn parts(self) -> Result<(Subject, AuditOptions), CliError> {
		Ok(match self {
			HistoryCommand::Record { id, options } => (Subject::Record(id), options),
			HistoryCommand::Patient { account, options } => {
				(Subject::Patient(parse_account(&account)?), options)
			}
			HistoryCommand::Account { account, options } => {
				(Subject::Account(parse_account(&account)?), options)
			}
		})
	}
}

/// The index at `url`, after checking it follows the node's chain.
async fn index_of(chain: &chain::Client, url: &str) -> Result<(Index, IndexStatus), CliError> {
	let index = Index::new(url);
	let status = index.ensure_chain(&format!("{:?}", chain.genesis_hash())).await?;
	Ok((index, status))
}

async fn audit_cmd(ctx: &Ctx, command: AuditCommand) -> Result<(), CliError> {
	let chain = ctx.chain().await?;
	match command {
		AuditCommand::History(history) => {
			let (subject, options) = history.parts()?;
			let window = options.window()?;
			let entries = match ctx.index_url(&options.index) {
				Some(url) => {
					let (index, status) = index_of(&chain, url).await?;
					if window.until.is_none_or(|until| until > status.indexed_block) {
						eprintln!(
							"note: the index holds blocks up to {} (finalized head {} when it last looked)",
							status.indexed_block, status.finalized_block
						);
					}
					index.history(&subject, &window).await?
				}
				None => audit::history(&chain, &subject, &window).await?,
			};
			// --json stands for --format json unless another format is named.
			let format = match options.format {
				output::Format::Table if ctx.out.json => output::Format::Json,
				format => format,
			};
			output::audit(&entries, format);
		}
		AuditCommand::Verify { subject, sample, complete } => {
			let (subject, options) = subject.parts()?;
			let url = ctx.index_url(&options.index).ok_or_else(|| {
				CliError::Usage("verify checks an index: pass --index URL".into())
			})?;
			let (index, status) = index_of(&chain, url).await?;
			// Only what the index claims to hold can be held against it.
			let mut window = options.window()?;
			window.until =
				Some(window.until.map_or(status.indexed_block, |u| u.min(status.indexed_block)));
			let rows = index.history(&subject, &window).await?;
			let outcome = audit::verify(&chain, &subject, &window, rows, sample, complete).await?;
			ctx.out.verified(&outcome);
			if !outcome.discrepancies.is_empty() {
				return Err(CliError::Integrity(outcome.discrepancies.len()));
			}
		}
		AuditCommand::Status { index } => {
			let url = ctx
				.index_url(&index)
				.ok_or_else(|| CliError::Usage("pass --index URL (or EHR_INDEX_URL)".into()))?;
			let (_, status) = index_of(&chain, url).await?;
			let finalized = chain.at_current_block().await.map_err(records::rpc)?.block_number();
			ctx.out.index_status(&status, finalized);
		}
	}
	Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::from(e.exit_code())
		}
	}
}
