
//! Weights of `pallet_ehr_storage`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand. Calls with several
//! components get an upper envelope of every measured point as their compute
//! part (`scripts/weights-envelope.py`, run by `scripts/bench-weights`).
//!
//! Benchmark CLI 64.0.0, 2026-12-06; steps 10, repeat 20.
//! Machine: `vm`, CPU `Intel(R) Xeon(R) Processor`; wasm execution `Compiled`.
//!
//! Command:
//!   /root/.cache/ehr-chain/target-bench/release/ehr-node
//!   benchmark
//!   pallet
//!   --runtime
//!   /root/.cache/ehr-chain/target-bench/release/wbuild/ehr-runtime/ehr_runtime.compact.compressed.wasm
//!   --genesis-builder=runtime
//!   --genesis-builder-preset=development
//!   --pallet
//!   pallet_ehr_storage
//!   --extrinsic
//!   *
//!   --steps
//!   10
//!   --repeat
//!   20
//!   --template
//!   /work/main/scripts/weight-template.hbs
//!   --output
//!   /root/.cache/ehr-chain/target/bench-weights/storage-weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight of each call of `pallet_ehr_storage`.
pub trait WeightInfo {
	fn set_storage_agent() -> Weight;
	fn remove_storage_agent() -> Weight;
	fn attest(h: u32, r: u32, ) -> Weight;
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Replication::Agents` (r:1 w:2)
	/// Proof: `Replication::Agents` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `Replication::AgentOf` (r:1 w:1)
	/// Proof: `Replication::AgentOf` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	fn set_storage_agent() -> Weight {
		// Proof size: measured `793`, estimated `3517` bytes.
		// Minimum execution time: 28_955_000 ps.
		Weight::from_parts(39_191_000, 3517)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `Replication::AgentOf` (r:1 w:1)
	/// Proof: `Replication::AgentOf` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Replication::CounterForAgentOf` (r:1 w:1)
	/// Proof: `Replication::CounterForAgentOf` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Replication::Agents` (r:0 w:1)
	/// Proof: `Replication::Agents` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn remove_storage_agent() -> Weight {
		// Proof size: measured `540`, estimated `3509` bytes.
		// Minimum execution time: 18_951_000 ps.
		Weight::from_parts(29_120_000, 3509)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `Replication::Agents` (r:1 w:0)
	/// Proof: `Replication::Agents` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:256 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Replication::Holdings` (r:256 w:256)
	/// Proof: `Replication::Holdings` (`max_values`: None, `max_size`: Some(113), added: 2588, mode: `MaxEncodedLen`)
	/// Storage: `Replication::AgentOf` (r:16 w:0)
	/// Proof: `Replication::AgentOf` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// The range of component `h` is `[0, 128]`.
	/// The range of component `r` is `[0, 128]`.
	fn attest(h: u32, r: u32, ) -> Weight {
		// Proof size: measured `1531 + h * 326 + r * 326`, estimated `41294 + h * 2742 + r * 2742` bytes.
		// Compute: upper envelope of the measured points (scripts/weights-envelope.py).
		// Minimum execution time: 1_910_898_000 ps.
		Weight::from_parts(246_387_531, 41294)
			.saturating_add(Weight::from_parts(47_778_645, 0).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(20_008_372, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(10))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2742).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(0, 2742).saturating_mul(r.into()))
	}
}
