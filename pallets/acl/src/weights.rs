
//! Weights of `pallet_ehr_acl`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand.
//!
//! Benchmark CLI 64.0.0, 2026-11-25; steps 25, repeat 10.
//! Machine: `vm`, CPU `AMD EPYC`; wasm execution `Compiled`.
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
	fn add_registrar() -> Weight {
		// Proof size: measured `97`, estimated `3517` bytes.
		// Minimum execution time: 12_889_000 ps.
		Weight::from_parts(18_408_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn remove_registrar() -> Weight {
		// Proof size: measured `157`, estimated `3517` bytes.
		// Minimum execution time: 12_459_000 ps.
		Weight::from_parts(19_489_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	fn register_user() -> Weight {
		// Proof size: measured `157`, estimated `3599` bytes.
		// Minimum execution time: 16_604_000 ps.
		Weight::from_parts(27_210_000, 3599)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:1001 w:1000)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1000 w:1000)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1000)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[0, 1000]`.
	fn deregister_user(g: u32, ) -> Weight {
		// Proof size: measured `2131 + g * 291`, estimated `3599 + g * 2738` bytes.
		// Minimum execution time: 28_142_000 ps.
		Weight::from_parts(28_853_000, 3599)
			.saturating_add(Weight::from_parts(21_626_404, 0).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(g.into())))
			.saturating_add(Weight::from_parts(0, 2738).saturating_mul(g.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	fn rotate_encryption_key() -> Weight {
		// Proof size: measured `202`, estimated `3599` bytes.
		// Minimum execution time: 11_888_000 ps.
		Weight::from_parts(19_519_000, 3599)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:2)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::NextRecordId` (r:1 w:1)
	/// Proof: `EhrAcl::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:2)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn add_record() -> Weight {
		// Proof size: measured `1028`, estimated `6208` bytes.
		// Minimum execution time: 50_896_000 ps.
		Weight::from_parts(76_483_000, 6208)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(9))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 32]`.
	fn update_record(k: u32, ) -> Weight {
		// Proof size: measured `836 + k * 85`, estimated `3728 + k * 2715` bytes.
		// Minimum execution time: 30_164_000 ps.
		Weight::from_parts(31_975_885, 3728)
			.saturating_add(Weight::from_parts(11_750_623, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:32)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[1, 32]`.
	fn remove_record(g: u32, ) -> Weight {
		// Proof size: measured `932 + g * 171`, estimated `3728 + g * 2715` bytes.
		// Minimum execution time: 38_227_000 ps.
		Weight::from_parts(36_590_146, 3728)
			.saturating_add(Weight::from_parts(14_435_154, 0).saturating_mul(g.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(g.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(g.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:0 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	fn grant_access() -> Weight {
		// Proof size: measured `740`, estimated `3728` bytes.
		// Minimum execution time: 32_228_000 ps.
		Weight::from_parts(48_101_000, 3728)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	fn update_access() -> Weight {
		// Proof size: measured `723`, estimated `3728` bytes.
		// Minimum execution time: 18_487_000 ps.
		Weight::from_parts(29_393_000, 3728)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 31]`.
	fn revoke_access(k: u32, ) -> Weight {
		// Proof size: measured `1069 + k * 104`, estimated `6420 + k * 2715` bytes.
		// Minimum execution time: 48_933_000 ps.
		Weight::from_parts(60_606_282, 6420)
			.saturating_add(Weight::from_parts(14_300_338, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(4))
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
	fn request_access() -> Weight {
		// Proof size: measured `465`, estimated `3728` bytes.
		// Minimum execution time: 23_354_000 ps.
		Weight::from_parts(28_833_000, 3728)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(134), added: 2609, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn answer_request() -> Weight {
		// Proof size: measured `747`, estimated `3728` bytes.
		// Minimum execution time: 35_673_000 ps.
		Weight::from_parts(41_031_000, 3728)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(263), added: 2738, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	fn log_access() -> Weight {
		// Proof size: measured `723`, estimated `3728` bytes.
		// Minimum execution time: 17_656_000 ps.
		Weight::from_parts(28_072_000, 3728)
			.saturating_add(T::DbWeight::get().reads(2))
	}
}
