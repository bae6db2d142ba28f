
//! Weights of `pallet_ehr_acl`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand. Calls with several
//! components get an upper envelope of every measured point as their compute
//! part (`scripts/weights-envelope.py`, run by `scripts/bench-weights`).
//!
//! Benchmark CLI 64.0.0, 2026-12-05; steps 25, repeat 20 (`grant_access_many`
//! and `log_access_many`: 2026-12-06, same machine and settings, run alone).
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
//!   pallet_ehr_acl
//!   --extrinsic
//!   *
//!   --steps
//!   25
//!   --repeat
//!   20
//!   --template
//!   /work/main/scripts/weight-template.hbs
//!   --output
//!   /root/.cache/ehr-chain/target/bench-weights/weights.rs

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
	fn deregister_user(h: u32, c: u32, q: u32, ) -> Weight;
	fn rotate_encryption_key() -> Weight;
	fn add_record(r: u32, ) -> Weight;
	fn update_record(k: u32, e: u32, ) -> Weight;
	fn remove_record(g: u32, q: u32, ) -> Weight;
	fn grant_access() -> Weight;
	fn update_access(d: u32, ) -> Weight;
	fn revoke_access(d: u32, ) -> Weight;
	fn revoke_and_rekey(k: u32, d: u32, ) -> Weight;
	fn request_access() -> Weight;
	fn answer_request() -> Weight;
	fn log_access() -> Weight;
	fn renounce_grant(d: u32, ) -> Weight;
	fn cancel_request() -> Weight;
	fn grant_access_many(n: u32, ) -> Weight;
	fn log_access_many(n: u32, ) -> Weight;
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn add_registrar() -> Weight {
		// Proof size: measured `97`, estimated `3517` bytes.
		// Minimum execution time: 11_116_000 ps.
		Weight::from_parts(12_913_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn remove_registrar() -> Weight {
		// Proof size: measured `157`, estimated `3517` bytes.
		// Minimum execution time: 11_438_000 ps.
		Weight::from_parts(13_170_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:1 w:1)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	fn register_user() -> Weight {
		// Proof size: measured `312`, estimated `3640` bytes.
		// Minimum execution time: 157_960_000 ps.
		Weight::from_parts(183_607_000, 3640)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage: `EhrAcl::Users` (r:63 w:63)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:33 w:62)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:62 w:62)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:96 w:96)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:62 w:62)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:34 w:34)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:34 w:34)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:65 w:64)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:64 w:64)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:0 w:1)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// The range of component `h` is `[1, 32]`.
	/// The range of component `c` is `[0, 30]`.
	/// The range of component `q` is `[0, 64]`.
	fn deregister_user(h: u32, c: u32, q: u32, ) -> Weight {
		// Proof size: measured `0 + c * 317 + h * 1096 + q * 484`, estimated `6290 + c * 2719 + h * 2742 + q * 2742` bytes.
		// Compute: upper envelope of the measured points (scripts/weights-envelope.py).
		// Minimum execution time: 4_371_846_000 ps.
		Weight::from_parts(729_115_142, 6290)
			.saturating_add(Weight::from_parts(81_647_799, 0).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(58_943_134, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(46_683_556, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().reads((7_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(q.into())))
			.saturating_add(T::DbWeight::get().writes(6))
			.saturating_add(T::DbWeight::get().writes((7_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(q.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2742).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(0, 2742).saturating_mul(q.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	fn rotate_encryption_key() -> Weight {
		// Proof size: measured `297`, estimated `3607` bytes.
		// Minimum execution time: 71_534_000 ps.
		Weight::from_parts(82_047_000, 3607)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Users` (r:18 w:18)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:18)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::NextRecordId` (r:1 w:1)
	/// Proof: `EhrAcl::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:18 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:18)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:0 w:16)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 16]`.
	fn add_record(r: u32, ) -> Weight {
		// Proof size: measured `1413 + r * 89`, estimated `6224 + r * 2617` bytes.
		// Minimum execution time: 130_161_000 ps.
		Weight::from_parts(142_958_279, 6224)
			.saturating_add(Weight::from_parts(54_489_810, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(11))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2617).saturating_mul(r.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:31)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:16 w:16)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:16 w:16)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:16)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:0 w:16)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[2, 16]`.
	/// The range of component `e` is `[0, 16]`.
	fn update_record(k: u32, e: u32, ) -> Weight {
		// Proof size: measured `0 + e * 506 + k * 343`, estimated `3732 + e * 2719 + k * 2719` bytes.
		// Compute: upper envelope of the measured points (scripts/weights-envelope.py).
		// Minimum execution time: 208_238_000 ps.
		Weight::from_parts(37_815_124, 3732)
			.saturating_add(Weight::from_parts(17_133_047, 0).saturating_mul(k.into()))
			.saturating_add(Weight::from_parts(53_870_409, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(34))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(17))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(e.into()))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:64 w:64)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:48 w:48)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:48 w:48)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:33 w:32)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:15 w:32)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:32)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:32)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[1, 32]`.
	/// The range of component `q` is `[0, 32]`.
	fn remove_record(g: u32, q: u32, ) -> Weight {
		// Proof size: measured `920 + g * 393 + q * 305`, estimated `3732 + g * 2719 + q * 2660` bytes.
		// Compute: upper envelope of the measured points (scripts/weights-envelope.py).
		// Minimum execution time: 1_578_975_000 ps.
		Weight::from_parts(197_863_420, 3732)
			.saturating_add(Weight::from_parts(54_436_645, 0).saturating_mul(g.into()))
			.saturating_add(Weight::from_parts(50_272_132, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(q.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(q.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(g.into()))
			.saturating_add(Weight::from_parts(0, 2660).saturating_mul(q.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:2 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:2 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:0 w:1)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	fn grant_access() -> Weight {
		// Proof size: measured `1647`, estimated `6428` bytes.
		// Minimum execution time: 130_305_000 ps.
		Weight::from_parts(146_280_000, 6428)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(12))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:31 w:31)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:31 w:31)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:30)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `d` is `[0, 30]`.
	fn update_access(d: u32, ) -> Weight {
		// Proof size: measured `4357 + d * 158`, estimated `6290 + d * 2719` bytes.
		// Minimum execution time: 142_634_000 ps.
		Weight::from_parts(148_378_590, 6290)
			.saturating_add(Weight::from_parts(50_463_431, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(9))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(d.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:31 w:31)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:31 w:31)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:31)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `d` is `[1, 31]`.
	fn revoke_access(d: u32, ) -> Weight {
		// Proof size: measured `4105 + d * 158`, estimated `5884 + d * 2719` bytes.
		// Minimum execution time: 97_507_000 ps.
		Weight::from_parts(65_677_658, 5884)
			.saturating_add(Weight::from_parts(51_232_343, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(6))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(d.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:16 w:16)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:16 w:16)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:16)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:0 w:16)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 16]`.
	/// The range of component `d` is `[1, 16]`.
	fn revoke_and_rekey(k: u32, d: u32, ) -> Weight {
		// Proof size: measured `0 + d * 499 + k * 342`, estimated `3732 + d * 2719 + k * 2719` bytes.
		// Compute: upper envelope of the measured points (scripts/weights-envelope.py).
		// Minimum execution time: 270_346_000 ps.
		Weight::from_parts(55_474_469, 3732)
			.saturating_add(Weight::from_parts(13_334_990, 0).saturating_mul(k.into()))
			.saturating_add(Weight::from_parts(57_510_978, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(38))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(24))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn request_access() -> Weight {
		// Proof size: measured `979`, estimated `3732` bytes.
		// Minimum execution time: 68_519_000 ps.
		Weight::from_parts(78_703_000, 3732)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:2 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn answer_request() -> Weight {
		// Proof size: measured `1339`, estimated `6290` bytes.
		// Minimum execution time: 116_169_000 ps.
		Weight::from_parts(128_743_000, 6290)
			.saturating_add(T::DbWeight::get().reads(10))
			.saturating_add(T::DbWeight::get().writes(11))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	fn log_access() -> Weight {
		// Proof size: measured `763`, estimated `3732` bytes.
		// Minimum execution time: 16_547_000 ps.
		Weight::from_parts(18_885_000, 3732)
			.saturating_add(T::DbWeight::get().reads(2))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:31 w:31)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:31 w:31)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:31)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `d` is `[0, 30]`.
	fn renounce_grant(d: u32, ) -> Weight {
		// Proof size: measured `4264 + d * 158`, estimated `6224 + d * 2719` bytes.
		// Minimum execution time: 94_499_000 ps.
		Weight::from_parts(108_840_475, 6224)
			.saturating_add(Weight::from_parts(51_324_041, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(10))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(d.into()))
	}
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn cancel_request() -> Weight {
		// Proof size: measured `1065`, estimated `3732` bytes.
		// Minimum execution time: 57_994_000 ps.
		Weight::from_parts(61_966_000, 3732)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:17 w:16)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:17 w:17)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:17 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:17 w:17)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:17 w:17)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:16 w:16)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:16)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:16)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Delegations` (r:0 w:16)
	/// Proof: `EhrAcl::Delegations` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 16]`.
	fn grant_access_many(n: u32, ) -> Weight {
		// Proof size: measured `1473 + n * 298`, estimated `3732 + n * 2719` bytes.
		// Minimum execution time: 130_829_000 ps.
		Weight::from_parts(43_640_534, 3732)
			.saturating_add(Weight::from_parts(100_974_755, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((8_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2719).saturating_mul(n.into()))
	}
	/// Storage: `EhrAcl::Records` (r:64 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:64 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// The range of component `n` is `[1, 64]`.
	fn log_access_many(n: u32, ) -> Weight {
		// Proof size: measured `207 + n * 561`, estimated `990 + n * 2742` bytes.
		// Minimum execution time: 17_304_000 ps.
		Weight::from_parts(7_385_775, 990)
			.saturating_add(Weight::from_parts(11_202_848, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2742).saturating_mul(n.into()))
	}
}
