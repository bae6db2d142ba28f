//! The chain side of the client: connect to a node, submit signed calls to
//! the ACL pallet, read its storage and runtime API.

use crate::verified::Trusted;
use std::sync::{Arc, Mutex};
use subxt::{
	backend::BlockRef,
	error::{DispatchError, TransactionEventsError},
	rpcs::{methods::LegacyRpcMethods, RpcClient},
	transactions::{Payload, TransactionStatus},
	OnlineClient, PolkadotConfig,
};

/// Types and calls generated from the runtime's metadata, which
/// `scripts/update-metadata` exports from a running node into
/// `client/metadata/ehr.scale`; a test fails when the two drift apart.
#[subxt::subxt(
	runtime_metadata_path = "metadata/ehr.scale",
	derive_for_all_types = "Clone, PartialEq, Eq, Debug"
)]
pub mod runtime {}

pub mod query;

pub use runtime::runtime_types::pallet_ehr_acl::types::{Access, RecordKind, Role};
pub use subxt::utils::AccountId32 as AccountId;
pub use subxt_signer::sr25519::Keypair;

/// The chain's configuration: its account, signature and extension types
/// match Polkadot's, and every block is read with the metadata this client
/// was built against (`metadata/ehr.scale`), never with metadata the node
/// sends: a node that reordered an enum's variants in its metadata could
/// otherwise make the client sign `Access::ReadWrite` for `--read`, or
/// decode a proven value into the wrong fields.
#[derive(Clone, Debug)]
pub struct Config {
	metadata: subxt::metadata::ArcMetadata,
}

impl Default for Config {
	/// The metadata compiled into this client.
	fn default() -> Config {
		let bytes = include_bytes!("../../metadata/ehr.scale");
		let metadata = subxt::Metadata::decode_from(bytes).expect("the committed metadata decodes");
		Config { metadata: metadata.arc() }
	}
}

impl Config {
	/// The metadata compiled into this client, to name what it decodes.
	pub fn metadata(&self) -> &subxt::Metadata {
		&self.metadata
	}
}

impl subxt::Config for Config {
	type AccountId = <PolkadotConfig as subxt::Config>::AccountId;
	type Address = <PolkadotConfig as subxt::Config>::Address;
	type Signature = <PolkadotConfig as subxt::Config>::Signature;
	type Hasher = <PolkadotConfig as subxt::Config>::Hasher;
	type Header = <PolkadotConfig as subxt::Config>::Header;
	type AssetId = <PolkadotConfig as subxt::Config>::AssetId;
	type TransactionExtensions = subxt::config::DefaultTransactionExtensions<Self>;

	fn metadata_for_spec_version(&self, _: u32) -> Option<subxt::metadata::ArcMetadata> {
		Some(self.metadata.clone())
	}
}
/// How long [`wait_for_pool`] waits for an account's earlier calls.
pub const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits until no call of `who` waits in the node's pool: the account's
/// next nonce as the node counts it (pool included) is the nonce in proven
/// state. A run that resumes after its process was killed must see what
/// the calls it had sent did before it decides what to undo.
pub async fn wait_for_pool(client: &Client, who: &AccountId) -> Result<(), ChainError> {
	let started = std::time::Instant::now();
	loop {
		let next = client
			.rpc_methods()
			.system_account_next_index(who)
			.await
			.map_err(subxt::Error::from)?;
		let state = crate::verified::Proven::now(client).await?;
		let account = state.fetch(runtime::storage().system().account(), (*who,)).await?;
		if next <= account.map_or(0, |a| u64::from(a.nonce)) {
			return Ok(());
		}
		if started.elapsed() >= POOL_WAIT {
			return Err(ChainError::PoolBusy { account: *who, seconds: POOL_WAIT.as_secs() });
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
}

/// A connected client: subxt's typed API (reached through `Deref`) and the
/// node's plain RPC methods on the same connection. The connection closes
/// when the last clone goes; a block view (`At`) or a transaction's
/// progress taken from it must not outlive it (what waits on new blocks
/// would wait for ever).
#[derive(Clone)]
pub struct Client {
	api: OnlineClient<Config>,
	raw: RpcClient,
	rpc: LegacyRpcMethods<subxt::config::RpcConfigFor<Config>>,
	/// The GRANDPA checkpoint and finalized head this client verified.
	trusted: Arc<Mutex<Trusted>>,
	/// Stops the backend's `chainHead_follow` task, and with it the
	/// connection, when the last clone of this client goes.
	_driver: Arc<StopOnDrop>,
}

/// Aborts a task when dropped. subxt's own background driver would keep
/// its subscription, and so the node's connection slot, until the node
/// closed it: a process connecting over and over (a retry loop, a service)
/// would fill the node's 100 slots and every later connection would get
/// HTTP 429.
struct StopOnDrop(tokio::task::AbortHandle);

impl Drop for StopOnDrop {
	fn drop(&mut self) {
		self.0.abort();
	}
}

impl Client {
	pub(crate) fn rpc_client(&self) -> &RpcClient {
		&self.raw
	}

	pub(crate) fn rpc_methods(&self) -> &LegacyRpcMethods<subxt::config::RpcConfigFor<Config>> {
		&self.rpc
	}

	pub(crate) fn trusted(&self) -> &Mutex<Trusted> {
		&self.trusted
	}
}

impl std::ops::Deref for Client {
	type Target = OnlineClient<Config>;

	fn deref(&self) -> &Self::Target {
		&self.api
	}
}

/// What can go wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node could not be reached or the connection broke.
	#[error("cannot reach the node at {url}: {source}")]
	Unreachable { url: String, source: Box<subxt::Error> },
	/// A plain-text connection to a node on another machine: whoever is on
	/// the path could read and rewrite every answer.
	#[error("{url} is not encrypted and not on this machine: use wss:// (TLS; the certificate is checked against the system's trusted roots), or pass --allow-insecure-node to accept plain ws:// on a network you trust")]
	InsecureTransport { url: String },
	/// Not a WebSocket URL of a host.
	#[error("{url} is not a node URL: use wss://host[:port] (or ws://127.0.0.1:port for a node on this machine)")]
	BadNodeUrl { url: String },
	/// The node serves another chain than the one configured.
	#[error("the node at {url} serves chain {actual}, not the configured {expected} (genesis hashes; without genesis_hash, the chain this client first used is pinned in ~/.config/ehr/checkpoints/chain); check --node and genesis_hash")]
	WrongChain { url: String, expected: String, actual: String },
	/// The connection broke after the call was submitted: it may or may not
	/// be included.
	#[error("lost the node after submitting the call ({0}); it may still be included: check before retrying")]
	OutcomeUnknown(String),
	/// The client's generated types do not match the node's runtime.
	#[error("the node runs a runtime this client was not built for; rebuild the client against its metadata")]
	MetadataMismatch,
	/// The ACL pallet refused the call.
	#[error("{pallet}.{name}: {description}")]
	Rejected { pallet: String, name: String, description: String },
	/// The runtime refused the call for a reason outside a pallet's errors
	/// (bad origin, no funds for the fee, ...).
	#[error("the chain refused the call: {0}")]
	Dispatch(String),
	/// The connection to the node broke before the call was submitted.
	#[error("lost the connection to the node: {0}")]
	ConnectionLost(String),
	/// An answer of the node failed verification against finalized state.
	#[error("the node's answer failed verification ({0}): it is lying, broken or compromised, or something between rewrote it; nothing was signed or wrapped. Use another hospital's node")]
	Unverified(String),
	/// The node gave no finality proof to check its answers against.
	#[error("the node gives no finality proof ({0}): it needs `ehr_finalityProof` (served by ehr-node from this release on) and the GRANDPA justifications of a full sync from genesis")]
	NoFinalityProof(String),
	/// Finality did not reach the node's best block in time.
	#[error("finality stands at block {finalized} while the node's best block is {best}: GRANDPA has stalled (too few validators online?) and nothing newer can be proven; try again later")]
	FinalityStalled { finalized: u32, best: u32 },
	/// The newest state the node proves is old.
	#[error("the newest finalized state the node proves (block {block}) is {age_secs} s old: it is behind or withholding blocks (or this machine's clock is wrong); use another node")]
	StaleState { block: u32, age_secs: u64 },
	/// Calls this account sent earlier are still in the node's pool.
	#[error("calls {account} sent earlier are still waiting in the node's pool after {seconds} s; what they do is not known yet: try again later")]
	PoolBusy { account: AccountId, seconds: u64 },
	/// The call landed, but without the event it must emit.
	#[error("the chain reported no {0} event for the call")]
	MissingEvent(&'static str),
	/// Any other failure from the RPC layer.
	#[error(transparent)]
	Rpc(Box<subxt::Error>),
}

impl From<subxt::Error> for ChainError {
	fn from(e: subxt::Error) -> Self {
		let text = e.to_string();
		// jsonrpsee says "restart required" once its connection task ended.
		if e.is_disconnected_will_reconnect() || text.contains("restart required") {
			ChainError::ConnectionLost(text)
		} else {
			ChainError::Rpc(Box::new(e))
		}
	}
}

impl ChainError {
	/// The pallet error's name (`NotRecordOwner`, ...) if a pallet refused
	/// the call.
	pub fn pallet_error(&self) -> Option<&str> {
		match self {
			ChainError::Rejected { name, .. } => Some(name),
			_ => None,
		}
	}
}

/// The first `E` among a call's `events` (`name`: `Pallet.Event`, for the
/// error when there is none).
pub fn first_event<E: subxt::events::DecodeAsEvent>(
	events: &Events,
	name: &'static str,
) -> Result<E, ChainError> {
	match events.find_first::<E>() {
		Some(decoded) => decoded.map_err(|e| subxt::Error::from(e).into()),
		None => Err(ChainError::MissingEvent(name)),
	}
}

/// The events of a call that succeeded.
pub type Events = subxt::extrinsics::ExtrinsicEvents<Config>;

/// The chain's state at one block.
pub type At = subxt::client::ClientAtBlock<Config, subxt::client::OnlineClientAtBlockImpl<Config>>;

/// Blocks after the last finalized one during which a submitted call stays
/// valid (about 25 minutes at 6 s blocks).
pub const CALL_LIFETIME_BLOCKS: u64 = 256;

/// How long [`submit`] waits for a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Wait {
	/// Until the call is in a block of the best chain (one block, ~6 s);
	/// a reorganisation could still drop it.
	#[default]
	InBlock,
	/// Until that block is finalized by GRANDPA and can no longer change.
	Finalized,
}

/// Signs `call` with `signer`, submits it and waits as `wait` says. A call
/// the runtime refused comes back as [`ChainError::Rejected`] with the
/// pallet's error name and documentation.
///
/// A node that just re-organised or caught up can reject a call built on
/// the best block it reported a moment before (its birth block or nonce is
/// no longer current); such a call never ran, so it is built again on the
/// new best block and resubmitted, at most twice.
pub async fn submit<Call: Payload>(
	client: &Client,
	call: &Call,
	signer: &Keypair,
	wait: Wait,
) -> Result<Events, ChainError> {
	let mut attempt = 0;
	loop {
		match submit_once(client, call, signer, wait).await {
			Err(ChainError::Dispatch(message))
				if attempt < 2
					&& (message.contains("ancient birth block")
						|| message.contains("outdated")) =>
			{
				attempt += 1;
				tokio::time::sleep(std::time::Duration::from_secs(1)).await;
			}
			outcome => return outcome,
		}
	}
}

async fn submit_once<Call: Payload>(
	client: &Client,
	call: &Call,
	signer: &Keypair,
	wait: Wait,
) -> Result<Events, ChainError> {
	let mut batch = Batch::new(client, signer).await?;
	batch.push(call);
	batch.submit(wait).await.pop().expect("one call")
}

type Signed = subxt::transactions::SubmittableTransaction<
	Config,
	subxt::client::OnlineClientAtBlockImpl<Config>,
>;

/// Calls from one account with consecutive nonces, submitted together so
/// that they land in the same block when it has room: a record and the
/// grants that share it become readable one block after submission,
/// not one block per call.
pub struct Batch<'a> {
	/// The client whose connection carries the calls: borrowed so that it
	/// outlives them (its background task ends when it goes).
	_client: &'a Client,
	signer: &'a Keypair,
	at: At,
	anchor: (u64, subxt::utils::H256),
	nonce: u64,
	signed: Vec<Result<Signed, ChainError>>,
}

impl<'a> Batch<'a> {
	/// An empty batch signed by `signer`, built on the node's best block.
	pub async fn new(client: &'a Client, signer: &'a Keypair) -> Result<Batch<'a>, ChainError> {
		// The nonce counts the calls in the best block and those of this
		// account still waiting in the node's pool (another command running
		// at the same time, or one killed after it submitted): a call with
		// a nonce already pooled would be refused as a replacement. The
		// calls' lifetime is anchored at the last finalized block, which
		// every fork the node's pool validates against descends from.
		let finalized = client.at_current_block().await.map_err(subxt::Error::from)?;
		let at = at_best(client).await?;
		let account = signer.public_key().to_account_id();
		let in_block =
			at.transactions().account_nonce(&account).await.map_err(subxt::Error::from)?;
		let pooled =
			client.rpc.system_account_next_index(&account).await.map_err(subxt::Error::from)?;
		let nonce = in_block.max(pooled);
		let anchor = (finalized.block_number(), finalized.block_ref().hash());
		Ok(Batch { _client: client, signer, at, anchor, nonce, signed: Vec::new() })
	}

	/// Signs `call` as the batch's next call (a call that cannot be encoded
	/// fails in [`Batch::submit`]).
	pub fn push<Call: Payload>(&mut self, call: &Call) {
		let params = subxt::config::DefaultExtrinsicParamsBuilder::<Config>::new()
			.nonce(self.nonce)
			.mortal_from_unchecked(CALL_LIFETIME_BLOCKS, self.anchor.0, self.anchor.1)
			.build();
		let signed = self
			.at
			.transactions()
			.create_signable_offline(call, params)
			.and_then(|mut tx| tx.sign(self.signer))
			.map_err(|e| subxt::Error::from(e).into());
		self.signed.push(signed);
		self.nonce += 1;
	}

	/// Submits the calls in order and waits for each as `wait` says; one
	/// outcome per call, in the same order.
	pub async fn submit(self, wait: Wait) -> Vec<Result<Events, ChainError>> {
		let mut watching = Vec::new();
		for tx in self.signed {
			watching.push(match tx {
				Ok(tx) => tx.submit_and_watch().await.map_err(|e| subxt::Error::from(e).into()),
				Err(e) => Err(e),
			});
		}
		let mut outcomes = Vec::new();
		for progress in watching {
			outcomes.push(match progress {
				Ok(progress) => included(progress, wait).await,
				Err(e) => Err(e),
			});
		}
		outcomes
	}
}

/// Follows a submitted call until it is in a block (or finalized) and
/// returns its events, or why it failed.
async fn included(
	mut progress: subxt::transactions::TransactionProgress<
		Config,
		subxt::client::OnlineClientAtBlockImpl<Config>,
	>,
	wait: Wait,
) -> Result<Events, ChainError> {
	while let Some(status) = progress.next().await {
		let status = status.map_err(|e| ChainError::OutcomeUnknown(e.to_string()))?;
		let included = match status {
			TransactionStatus::InBestBlock(block) if wait == Wait::InBlock => block,
			TransactionStatus::InFinalizedBlock(block) => block,
			TransactionStatus::Error { message }
			| TransactionStatus::Invalid { message }
			| TransactionStatus::Dropped { message } => return Err(ChainError::Dispatch(message)),
			_ => continue,
		};
		return included.wait_for_success().await.map_err(|e| match e {
			TransactionEventsError::ExtrinsicFailed(dispatch) => rejected(dispatch),
			// In a block, but its events could not be read.
			other => ChainError::OutcomeUnknown(other.to_string()),
		});
	}
	Err(ChainError::OutcomeUnknown("the node stopped reporting on the call".into()))
}

/// The state at the node's best block, which includes calls submitted with
/// [`Wait::InBlock`] (the last finalized block may not yet). Use it while
/// `client` lives: its block subscription ends with the last clone of the
/// client, and what waits on new blocks would then wait for ever.
pub async fn at_best(client: &Client) -> Result<At, ChainError> {
	let hash = client
		.rpc
		.chain_get_block_hash(None)
		.await
		.map_err(subxt::Error::from)?
		.ok_or_else(|| ChainError::Dispatch("the node reported no best block".into()))?;
	Ok(client.at_block(BlockRef::from_hash(hash)).await.map_err(subxt::Error::from)?)
}

fn rejected(error: DispatchError) -> ChainError {
	if let DispatchError::Module(module) = &error {
		if let Ok(details) = module.details() {
			return ChainError::Rejected {
				pallet: details.pallet.name().to_string(),
				name: details.variant.name.clone(),
				description: details.variant.docs.join(" "),
			};
		}
	}
	ChainError::Dispatch(error.to_string())
}

/// Connects to the node at `url` (e.g. `ws://127.0.0.1:9944`) and checks that
/// the generated types fit its runtime.
/// [`connect`], with plain `ws://` to other machines allowed when
/// `allow_plain_remote` (the check is [`check_transport`]'s alone).
pub async fn connect_allowing(url: &str, allow_plain_remote: bool) -> Result<Client, ChainError> {
	check_transport(url, allow_plain_remote)?;
	let unreachable = |source: subxt::Error| ChainError::Unreachable {
		url: url.to_string(),
		source: source.into(),
	};
	let rpc = rpc_client(url).await.map_err(unreachable)?;
	// The node's own metadata only tells whether an honest node runs a
	// runtime this client was built for; nothing is decoded with it. It is
	// asked before subxt's backend starts, so that a refused node costs
	// one short connection and nothing that outlives this call.
	// (Version 16, the one `metadata/ehr.scale` holds.)
	let rpc_methods = LegacyRpcMethods::new(rpc.clone());
	let version = 16u32.to_le_bytes();
	let theirs = rpc_methods
		.state_call("Metadata_metadata_at_version", Some(&version), None)
		.await
		.map_err(subxt::Error::from)?;
	let theirs = <Option<Vec<u8>> as subxt::ext::codec::Decode>::decode(&mut &theirs[..])
		.ok()
		.flatten()
		.and_then(|bytes| subxt::Metadata::decode_from(&bytes).ok())
		.ok_or(ChainError::MetadataMismatch)?;
	if !runtime::is_codegen_valid_for(&theirs) {
		return Err(ChainError::MetadataMismatch);
	}
	let (backend, mut driver) = subxt::backend::CombinedBackend::builder()
		.build(rpc.clone())
		.await
		.map_err(|e| unreachable(subxt::Error::other(e)))?;
	let driver = tokio::spawn(async move {
		use futures::StreamExt;
		while driver.next().await.is_some() {}
	});
	let driver = Arc::new(StopOnDrop(driver.abort_handle()));
	let api = OnlineClient::from_backend_with_config(Config::default(), Arc::new(backend))
		.await
		.map_err(|e| unreachable(e.into()))?;
	Ok(Client { api, rpc: rpc_methods, raw: rpc, trusted: Arc::default(), _driver: driver })
}

/// Whether `url` may carry this client's calls: `wss://` always, with the
/// certificate checked; plain `ws://` only to this machine (`localhost`,
/// `127.0.0.0/8`, `::1`) unless `allow_plain_remote`. The URL is read as the
/// connection reads it (the `url` crate); anything else is refused.
pub fn check_transport(url: &str, allow_plain_remote: bool) -> Result<(), ChainError> {
	let parsed = url::Url::parse(url)
		.ok()
		.filter(|u| matches!(u.scheme(), "ws" | "wss") && u.host().is_some())
		.ok_or_else(|| ChainError::BadNodeUrl { url: url.to_string() })?;
	let loopback = match parsed.host() {
		Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
		Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
		Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
		None => false,
	};
	if parsed.scheme() == "wss" || loopback || allow_plain_remote {
		Ok(())
	} else {
		Err(ChainError::InsecureTransport { url: url.to_string() })
	}
}

/// A WebSocket RPC client for `url` that follows no redirect: a node behind
/// `wss://` answering with a redirect to plain `ws://` elsewhere would
/// otherwise take the connection out of TLS unchecked.
async fn rpc_client(url: &str) -> Result<RpcClient, subxt::Error> {
	use jsonrpsee::{
		client_transport::ws::{Url, WsTransportClientBuilder},
		core::client::ClientBuilder,
	};
	let url = Url::parse(url).map_err(subxt::Error::other)?;
	// One attempt: the builder follows `max_redirections - 1` redirects.
	let (sender, receiver) = WsTransportClientBuilder::default()
		.max_redirections(1)
		.build(url)
		.await
		.map_err(subxt::Error::other)?;
	let client = ClientBuilder::default()
		.max_buffer_capacity_per_subscription(4096)
		.build_with_tokio(sender, receiver);
	Ok(RpcClient::new(client))
}

/// Connects to the node at `url`, refused first by [`check_transport`]
/// (plain `ws://` to this machine only).
pub async fn connect(url: &str) -> Result<Client, ChainError> {
	connect_allowing(url, false).await
}

/// [`connect`], and refuses a node whose chain is not the one with genesis
/// hash `expected` before anything is signed.
pub async fn connect_expecting(
	url: &str,
	expected: [u8; 32],
	allow_plain_remote: bool,
) -> Result<Client, ChainError> {
	let client = connect_allowing(url, allow_plain_remote).await?;
	let actual = client.genesis_hash().0;
	if actual != expected {
		return Err(ChainError::WrongChain {
			url: url.to_string(),
			expected: format!("0x{}", hex::encode(expected)),
			actual: format!("0x{}", hex::encode(actual)),
		});
	}
	Ok(client)
}

/// Milliseconds between blocks: Aura slots are twice the timestamp
/// pallet's minimum period.
pub async fn block_time_ms(client: &Client) -> Result<u64, ChainError> {
	let at = client.at_current_block().await.map_err(subxt::Error::from)?;
	let period = at
		.constants()
		.entry(runtime::constants().timestamp().minimum_period())
		.map_err(subxt::Error::from)?;
	Ok(period * 2)
}

#[cfg(test)]
mod tests {
	use super::{check_transport, ChainError};

	#[test]
	fn plain_websockets_reach_only_this_machine_unless_allowed() {
		for url in [
			"ws://127.0.0.1:9944",
			"ws://127.8.9.10:1",
			"ws://localhost:9944/",
			"WS://LOCALHOST",
			"ws://[::1]:9944",
			"wss://node.hospital-1.example:443",
			"wss://10.0.0.1",
			"WSS://NODE.EXAMPLE",
		] {
			assert!(check_transport(url, false).is_ok(), "{url}");
		}
		for url in [
			"ws://10.0.0.1:9944",
			"ws://node.hospital-1.example",
			"ws://127.0.0.1.evil.example:9944",
			"ws://localhost.evil.example",
			"ws://user@10.0.0.1",
			"ws://[::2]:9944",
			"ws://127.0.0.1@10.0.0.1:9944",
			"ws://10.0.0.1:9944\\@127.0.0.1",
			" ws://10.0.0.1",
			"ws:10.0.0.1",
			"ws://0.0.0.0:9944",
			"ws://[::ffff:127.0.0.1]:9944",
		] {
			assert!(
				matches!(check_transport(url, false), Err(ChainError::InsecureTransport { .. })),
				"{url}"
			);
			assert!(check_transport(url, true).is_ok(), "{url}");
		}
		// Not node URLs at all, allowed or not (the RPC client speaks
		// WebSocket only).
		for url in ["ftp://127.0.0.1", "not a url", "127.0.0.1:9944", "http://127.0.0.1:9944"] {
			assert!(
				matches!(check_transport(url, true), Err(ChainError::BadNodeUrl { .. })),
				"{url}"
			);
		}
	}
}
