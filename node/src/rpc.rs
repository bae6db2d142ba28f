//! JSON-RPC methods beyond the standard ones: account nonces, fee
//! estimates and finality proofs. Runtime APIs (`EhrAclApi`) are reached
//! through `state_call`.

use ehr_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};
use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use sc_network_sync::strategy::warp::WarpSyncProvider;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;

/// What the RPC methods need.
pub struct FullDeps<C, P> {
	pub client: Arc<C>,
	pub pool: Arc<P>,
	/// GRANDPA's warp-sync proofs, served to clients as finality proofs.
	pub finality: Arc<dyn WarpSyncProvider<Block>>,
}

/// The node's RPC module.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, finality } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(finality_proofs(finality)?)?;
	Ok(module)
}

/// Error code of a finality proof the node cannot give (unknown or not yet
/// finalized start block, missing justifications after a warp sync).
const NO_FINALITY_PROOF: i32 = 9001;

/// `ehr_finalityProof(begin)`: from the finalized block `begin` on, one
/// header and GRANDPA justification per authority-set change, then the
/// newest finalized header with its justification (a SCALE-encoded
/// `WarpSyncProof`, at most 8 MiB; `is_finished` false means: ask again from
/// its last header). A client that trusts the authority set at `begin`
/// follows every change and learns a finalized state root without trusting
/// this node.
fn finality_proofs(
	provider: Arc<dyn WarpSyncProvider<Block>>,
) -> Result<RpcModule<Arc<dyn WarpSyncProvider<Block>>>, jsonrpsee::core::RegisterMethodError> {
	let mut module = RpcModule::new(provider);
	module.register_blocking_method("ehr_finalityProof", |params, provider, _| {
		let begin: Hash = params.one()?;
		provider
			.generate(begin)
			.map(|proof| sp_core::Bytes(proof.0))
			.map_err(|e| ErrorObjectOwned::owned(NO_FINALITY_PROOF, e.to_string(), None::<()>))
	})?;
	Ok(module)
}
