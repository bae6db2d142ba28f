//! The runtime's fixed costs, its transaction extensions' weights and its
//! database weights, measured on this project's reference machine by
//! `scripts/bench-weights overhead db` (each file says when and on what);
//! hospitals rerun it on their validators' hardware.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system_extensions;
pub mod pallet_transaction_payment;
pub mod paritydb_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::constants::ParityDbWeight;
