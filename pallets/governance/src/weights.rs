
//! Weights of `pallet_ehr_governance`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand. Calls with several
//! components get an upper envelope of every measured point as their compute
//! part (`scripts/weights-envelope.py`, run by `scripts/bench-weights`).
//!
//! Benchmark CLI 64.0.0, 2026-12-05; steps 2, repeat 50.
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
//!   pallet_ehr_governance
//!   --extrinsic
//!   *
//!   --steps
//!   2
//!   --repeat
//!   50
//!   --template
//!   /work/main/scripts/weight-template.hbs
//!   --output
//!   /root/.cache/ehr-chain/target/bench-weights/governance-weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight of each call of `pallet_ehr_governance`.
pub trait WeightInfo {
	fn dispatch_as_root() -> Weight;
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn dispatch_as_root() -> Weight {
		// Proof size: measured `0`, estimated `0` bytes.
		// Minimum execution time: 6_623_000 ps.
		Weight::from_parts(7_736_000, 0)
	}
}
