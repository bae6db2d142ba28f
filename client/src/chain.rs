//! The chain side of the client: connect to a node, submit signed calls to
//! the ACL pallet, read its storage and runtime API.

use subxt::{OnlineClient, PolkadotConfig};

/// Types and calls generated from the runtime's metadata, which
/// `scripts/update-metadata` exports from a running node into
/// `client/metadata/ehr.scale`; a test fails when the two drift apart.
#[subxt::subxt(
	runtime_metadata_path = "metadata/ehr.scale",
	derive_for_all_types = "Clone, PartialEq, Eq, Debug"
)]
pub mod runtime {}

pub use runtime::runtime_types::pallet_ehr_acl::types::{Access, RecordKind, Role};
pub use subxt::utils::AccountId32 as AccountId;
pub use subxt_signer::sr25519::Keypair;

/// The chain's configuration: its account, signature and extension types
/// match Polkadot's.
pub type Config = PolkadotConfig;
/// A connected client.
pub type Client = OnlineClient<Config>;

/// What can go wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node could not be reached or the connection broke.
	#[error("cannot reach the node at {url}: {source}")]
	Unreachable { url: String, source: subxt::Error },
	/// The client's generated types do not match the node's runtime.
	#[error("the node runs a runtime this client was not built for; rebuild the client against its metadata")]
	MetadataMismatch,
	/// The ACL pallet refused the call.
	#[error("{pallet}.{name}: {description}")]
	Rejected { pallet: String, name: String, description: String },
	/// Any other failure from the RPC layer.
	#[error(transparent)]
	Rpc(#[from] subxt::Error),
}

/// Connects to the node at `url` (e.g. `ws://127.0.0.1:9944`) and checks that
/// the generated types fit its runtime.
pub async fn connect(url: &str) -> Result<Client, ChainError> {
	let client = Client::from_url(url)
		.await
		.map_err(|source| ChainError::Unreachable { url: url.to_string(), source })?;
	if !runtime::is_codegen_valid_for(&client.metadata()) {
		return Err(ChainError::MetadataMismatch);
	}
	Ok(client)
}
