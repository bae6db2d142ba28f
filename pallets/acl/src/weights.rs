
//! Weights of `pallet_ehr_acl`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand.
//!
//! Benchmark CLI 64.0.0, 2026-11-25; steps 25, repeat 10.
//! Machine: `vm`, CPU `AMD EPYC`; wasm execution `Compiled`.
//!
//! Command:
//!   /root/.cache/ehr-chain/target/ehr-node-bench
//!   benchmark
//!   pallet
//!   --runtime
//!   /root/.cache/ehr-chain/target/release/wbuild/ehr-runtime/ehr_runtime.compact.compressed.wasm
//!   --genesis-builder=runtime
//!   --genesis-builder-preset=development
//!   --pallet
//!   pallet_ehr_acl
//!   --extrinsic
//!   *
//!   --steps
//!   25
//!   --repeat
//!   10
//!   --template
//!   /work/main/scripts/weight-template.hbs
//!   --output
//!   /work/main/pallets/acl/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight of each call of `pallet_ehr_acl`.
pub trait WeightInfo {
	fn add_registrar() -> Weight;
	fn remove_registrar() -> Weight;
	fn register_user() -> Weight;
	fn deregister_user(g: u32, ) -> Weight;
	fn rotate_encryption_key() -> Weight;
	fn add_record() -> Weight;
	fn update_record(k: u32, ) -> Weight;
	fn remove_record(g: u32, ) -> Weight;
	fn grant_access() -> Weight;
	fn update_access() -> Weight;
	fn revoke_access(k: u32, ) -> Weight;
	fn request_access() -> Weight;
	fn answer_request() -> Weight;
	fn log_access() -> Weight;
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn add_registrar() -> Weight {
		// Proof size: measured `120`, estimated `3517` bytes.
		// Minimum execution time: 14_432_000 ps.
		Weight::from_parts(15_613_000, 3517)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn remove_registrar() -> Weight {
		// Proof size: measured `180`, estimated `3517` bytes.
		// Minimum execution time: 14_922_000 ps.
		Weight::from_parts(16_184_000, 3517)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn register_user() -> Weight {
		// Proof size: measured `180`, estimated `3599` bytes.
		// Minimum execution time: 19_178_000 ps.
		Weight::from_parts(20_741_000, 3599)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:1001 w:1000)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1000 w:1000)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1000)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[0, 1000]`.
	fn deregister_user(g: u32, ) -> Weight {
		// Proof size: measured `2154 + g * 291`, estimated `3599 + g * 2738` bytes.
		// Minimum execution time: 24_957_000 ps.
		Weight::from_parts(25_267_000, 3599)
			.saturating_add(Weight::from_parts(16_534_890, 0).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(3))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(g.into())))
			.saturating_add(Weight::from_parts(0, 2738).saturating_mul(g.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn rotate_encryption_key() -> Weight {
		// Proof size: measured `225`, estimated `3599` bytes.
		// Minimum execution time: 14_712_000 ps.
		Weight::from_parts(15_874_000, 3599)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:2)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::NextRecordId` (r:1 w:1)
	/// Proof: `EhrAcl::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:2)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn add_record() -> Weight {
		// Proof size: measured `1051`, estimated `6208` bytes.
		// Minimum execution time: 53_580_000 ps.
		Weight::from_parts(57_015_000, 6208)
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().writes(11))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// The range of component `k` is `[1, 32]`.
	fn update_record(k: u32, ) -> Weight {
		// Proof size: measured `859 + k * 85`, estimated `3728 + k * 2715` bytes.
		// Minimum execution time: 32_809_000 ps.
		Weight::from_parts(27_217_710, 3728)
			.saturating_add(Weight::from_parts(9_942_660, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(3))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:32)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[1, 32]`.
	fn remove_record(g: u32, ) -> Weight {
		// Proof size: measured `954 + g * 171`, estimated `3728 + g * 2715` bytes.
		// Minimum execution time: 41_501_000 ps.
		Weight::from_parts(33_636_679, 3728)
			.saturating_add(Weight::from_parts(12_542_466, 0).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(g.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(g.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:0 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	fn grant_access() -> Weight {
		// Proof size: measured `763`, estimated `3728` bytes.
		// Minimum execution time: 35_723_000 ps.
		Weight::from_parts(37_946_000, 3728)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn update_access() -> Weight {
		// Proof size: measured `746`, estimated `3728` bytes.
		// Minimum execution time: 20_951_000 ps.
		Weight::from_parts(22_664_000, 3728)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 31]`.
	fn revoke_access(k: u32, ) -> Weight {
		// Proof size: measured `1092 + k * 104`, estimated `6420 + k * 2715` bytes.
		// Minimum execution time: 52_197_000 ps.
		Weight::from_parts(47_511_464, 6420)
			.saturating_add(Weight::from_parts(9_960_279, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(6))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn request_access() -> Weight {
		// Proof size: measured `488`, estimated `3728` bytes.
		// Minimum execution time: 26_228_000 ps.
		Weight::from_parts(27_932_000, 3728)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn answer_request() -> Weight {
		// Proof size: measured `770`, estimated `3728` bytes.
		// Minimum execution time: 39_008_000 ps.
		Weight::from_parts(41_471_000, 3728)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn log_access() -> Weight {
		// Proof size: measured `746`, estimated `3728` bytes.
		// Minimum execution time: 19_980_000 ps.
		Weight::from_parts(22_043_000, 3728)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}
