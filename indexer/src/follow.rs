//! Follows the chain's finalized blocks into the store: from the block
//! after the cursor up to the finalized head, a batch of blocks per
//! transaction, then block by block as they are finalized.

use crate::store::{Cursor, Store, StoreError};
use ehr::{
	audit::{self, BlockEvents},
	chain::Client,
	records::RecordError,
};
use futures::{StreamExt, TryStreamExt};
use std::{
	sync::atomic::{AtomicU64, Ordering},
	time::Duration,
};

/// Blocks written per transaction while catching up, unless told
/// otherwise.
pub const BATCH: u64 = 64;
/// Blocks read from the node at once.
const PARALLEL: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
	#[error(transparent)]
	Store(#[from] StoreError),
	#[error(transparent)]
	Chain(#[from] RecordError),
	#[error("the index holds block {block} as {stored}, but the chain's block {block} is {actual}: it was built from another chain")]
	Diverged { block: u64, stored: String, actual: String },
}

/// What the follower has seen, for the status endpoint and metrics.
#[derive(Default)]
pub struct Progress {
	pub finalized: AtomicU64,
	pub indexed: AtomicU64,
}

/// Checks that the chain still has the cursor's block with the stored hash
/// (a node of another chain, or a database from one, is refused).
async fn check_cursor(client: &Client, cursor: &Cursor) -> Result<(), FollowError> {
	if cursor.block == 0 {
		return Ok(());
	}
	let at = client.at_block(cursor.block).await.map_err(ehr::records::rpc)?;
	let actual = format!("{:?}", at.block_hash());
	if actual != cursor.hash {
		return Err(FollowError::Diverged {
			block: cursor.block,
			stored: cursor.hash.clone(),
			actual,
		});
	}
	Ok(())
}

/// Indexes every finalized block up to `until` (or for ever when `None`,
/// waiting for new ones), resuming after the store's cursor, `batch`
/// blocks (at least one) per transaction.
pub async fn follow(
	client: &Client,
	store: &Store,
	until: Option<u64>,
	batch: u64,
	progress: &Progress,
) -> Result<Cursor, FollowError> {
	let mut cursor = store.cursor().await?;
	check_cursor(client, &cursor).await?;
	progress.indexed.store(cursor.block, Ordering::Relaxed);
	loop {
		let finalized = client.at_current_block().await.map_err(ehr::records::rpc)?.block_number();
		progress.finalized.store(finalized, Ordering::Relaxed);
		let target = until.map_or(finalized, |until| until.min(finalized));
		if cursor.block >= target {
			if until.is_some_and(|until| cursor.block >= until) {
				return Ok(cursor);
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
			continue;
		}
		let last = target.min(cursor.block + batch.max(1));
		// A pruning node no longer has old blocks' events: say so once,
		// instead of a stack of RPC errors.
		audit::ensure_history_from(client, cursor.block + 1, last).await?;
		let blocks: Vec<BlockEvents> = futures::stream::iter(cursor.block + 1..=last)
			.map(|number| audit::block_events(client, number))
			.buffered(PARALLEL)
			.try_collect()
			.await?;
		cursor = store.append(&cursor, &blocks).await?;
		progress.indexed.store(cursor.block, Ordering::Relaxed);
	}
}
