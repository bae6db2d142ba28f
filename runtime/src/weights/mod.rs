//! The runtime's fixed costs, the weights of the upstream pallets its
//! transactions go through (system, balances, timestamp, utility), its
//! transaction extensions' weights and its database weights, measured on
//! this project's reference machine by `scripts/bench-weights frame
//! overhead db` (each file says when and on what); hospitals rerun it on
//! their validators' hardware.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
pub mod pallet_utility;
pub mod paritydb_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::constants::ParityDbWeight;

use ::frame_system::ExtensionsWeightInfo;
use frame_support::{traits::Get, weights::Weight};

/// The measured weights of frame_system's transaction extensions, and one
/// database read more for a mortal transaction: `CheckMortality` reads the
/// hash of the block the transaction was born in, which its benchmark
/// whitelists. Charged to every mortal transaction, although those born in
/// the same block share one read: a block may carry thousands of different
/// birth blocks' hashes.
pub struct SystemExtensionsWeight<T>(core::marker::PhantomData<T>);

type Measured<T> = frame_system_extensions::WeightInfo<T>;

impl<T: ::frame_system::Config> ExtensionsWeightInfo for SystemExtensionsWeight<T> {
	fn check_genesis() -> Weight {
		Measured::<T>::check_genesis()
	}
	fn check_mortality_mortal_transaction() -> Weight {
		Measured::<T>::check_mortality_mortal_transaction()
			.saturating_add(T::DbWeight::get().reads(1))
	}
	fn check_mortality_immortal_transaction() -> Weight {
		Measured::<T>::check_mortality_immortal_transaction()
	}
	fn check_non_zero_sender() -> Weight {
		Measured::<T>::check_non_zero_sender()
	}
	fn check_nonce() -> Weight {
		Measured::<T>::check_nonce()
	}
	fn check_spec_version() -> Weight {
		Measured::<T>::check_spec_version()
	}
	fn check_tx_version() -> Weight {
		Measured::<T>::check_tx_version()
	}
	fn check_weight() -> Weight {
		Measured::<T>::check_weight()
	}
	fn weight_reclaim() -> Weight {
		Measured::<T>::weight_reclaim()
	}
}
