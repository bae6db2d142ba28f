
//! Weights of `pallet_ehr_acl`, measured by its benchmarks. Regenerate with
//! `scripts/bench-weights`; do not edit by hand.
//!
//! Benchmark CLI 64.0.0, 2026-12-02; steps 25, repeat 10.
//! Machine: `vm`, CPU `AMD EPYC`; wasm execution `Compiled`.
//!
//! Command:
//!   /root/.cache/ehr-chain/target/release/ehr-node
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
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn add_registrar() -> Weight {
		// Proof size: measured `97`, estimated `3517` bytes.
		// Minimum execution time: 12_007_000 ps.
		Weight::from_parts(22_444_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:1)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn remove_registrar() -> Weight {
		// Proof size: measured `157`, estimated `3517` bytes.
		// Minimum execution time: 12_429_000 ps.
		Weight::from_parts(20_340_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	fn register_user() -> Weight {
		// Proof size: measured `259`, estimated `3640` bytes.
		// Minimum execution time: 63_525_000 ps.
		Weight::from_parts(103_765_000, 3640)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Users` (r:1025 w:1025)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrars` (r:1 w:0)
	/// Proof: `EhrAcl::Registrars` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:512 w:1024)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:576 w:576)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:2048 w:1024)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:514 w:514)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:514 w:514)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:65 w:64)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:64 w:64)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[0, 1024]`.
	/// The range of component `q` is `[0, 64]`.
	fn deregister_user(h: u32, c: u32, q: u32, ) -> Weight {
		// Proof size: measured `0 + g * 648 + q * 566`, estimated `6427 + g * 5429 + q * 2748` bytes.
		// Minimum execution time: 5_051_142_000 ps.
		Weight::from_parts(1_333_343_929, 6427)
			.saturating_add(Weight::from_parts(124_503_711, 0).saturating_mul((h + c).into()))
			.saturating_add(Weight::from_parts(42_744_352, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().reads((5_u64).saturating_mul((h + c).into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(q.into())))
			.saturating_add(T::DbWeight::get().writes(5))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul((h + c).into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(q.into())))
			.saturating_add(Weight::from_parts(0, 5429).saturating_mul((h + c).into()))
			.saturating_add(Weight::from_parts(0, 2748).saturating_mul(q.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	fn rotate_encryption_key() -> Weight {
		// Proof size: measured `210`, estimated `3607` bytes.
		// Minimum execution time: 12_158_000 ps.
		Weight::from_parts(15_433_000, 3607)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Users` (r:18 w:18)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:18)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::NextRecordId` (r:1 w:1)
	/// Proof: `EhrAcl::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:18)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 16]`.
	fn add_record(r: u32, ) -> Weight {
		// Proof size: measured `1376 + r * 89`, estimated `6224 + r * 2617` bytes.
		// Minimum execution time: 153_589_000 ps.
		Weight::from_parts(195_974_834, 6224)
			.saturating_add(Weight::from_parts(81_257_155, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(11))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 2617).saturating_mul(r.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:17 w:17)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:16)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[2, 16]`.
	/// The range of component `e` is `[0, 16]`.
	fn update_record(k: u32, e: u32, ) -> Weight {
		// Proof size: measured `1871 + e * 183 + k * 124`, estimated `5547 + e * 2715 + k * 2715` bytes.
		// Minimum execution time: 192_176_000 ps.
		Weight::from_parts(201_510_000, 5547)
			.saturating_add(Weight::from_parts(11_667_549, 0).saturating_mul(k.into()))
			.saturating_add(Weight::from_parts(58_294_394, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(e.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(e.into()))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:64 w:64)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:34 w:34)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:34 w:34)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:33 w:32)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RecordsByOwner` (r:0 w:1)
	/// Proof: `EhrAcl::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:32)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:32)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `g` is `[1, 32]`.
	/// The range of component `q` is `[0, 32]`.
	fn remove_record(g: u32, q: u32, ) -> Weight {
		// Proof size: measured `942 + g * 203 + q * 321`, estimated `5309 + g * 2715 + q * 2659` bytes.
		// Minimum execution time: 1_861_282_000 ps.
		Weight::from_parts(461_314_344, 5309)
			.saturating_add(Weight::from_parts(59_270_850, 0).saturating_mul(g.into()))
			.saturating_add(Weight::from_parts(76_561_425, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(q.into())))
			.saturating_add(T::DbWeight::get().writes(5))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(g.into())))
			.saturating_add(T::DbWeight::get().writes((5_u64).saturating_mul(q.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(g.into()))
			.saturating_add(Weight::from_parts(0, 2659).saturating_mul(q.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:2 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
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
	fn grant_access() -> Weight {
		// Proof size: measured `1610`, estimated `6420` bytes.
		// Minimum execution time: 147_269_000 ps.
		Weight::from_parts(201_610_000, 6420)
			.saturating_add(T::DbWeight::get().reads(10))
			.saturating_add(T::DbWeight::get().writes(11))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:31)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:32 w:32)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:30)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `d` is `[0, 30]`.
	fn update_access(d: u32, ) -> Weight {
		// Proof size: measured `5848 + d * 64`, estimated `90585 + d * 2617` bytes.
		// Minimum execution time: 290_473_000 ps.
		Weight::from_parts(496_760_507, 90585)
			.saturating_add(Weight::from_parts(53_361_345, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(40))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(8))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2617).saturating_mul(d.into()))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:32)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:17 w:17)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:16)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// The range of component `k` is `[1, 16]`.
	/// The range of component `d` is `[1, 16]`.
	fn revoke_access(d: u32, ) -> Weight {
		Self::revoke_and_rekey(1, d)
	}
	fn revoke_and_rekey(k: u32, d: u32, ) -> Weight {
		// Proof size: measured `1792 + d * 178 + k * 120`, estimated `5384 + d * 2715 + k * 2715` bytes.
		// Minimum execution time: 264_174_000 ps.
		Weight::from_parts(19_238_574, 5384)
			.saturating_add(Weight::from_parts(13_634_193, 0).saturating_mul(k.into()))
			.saturating_add(Weight::from_parts(63_498_798, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(5))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:1)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn request_access() -> Weight {
		// Proof size: measured `946`, estimated `3732` bytes.
		// Minimum execution time: 81_492_000 ps.
		Weight::from_parts(118_727_000, 3732)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Requests` (r:1 w:1)
	/// Proof: `EhrAcl::Requests` (`max_values`: None, `max_size`: Some(69), added: 2544, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:2 w:2)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:0 w:1)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::GrantsHeld` (r:0 w:1)
	/// Proof: `EhrAcl::GrantsHeld` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::RequestsMade` (r:0 w:1)
	/// Proof: `EhrAcl::RequestsMade` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn answer_request() -> Weight {
		// Proof size: measured `1306`, estimated `6290` bytes.
		// Minimum execution time: 139_037_000 ps.
		Weight::from_parts(211_756_000, 6290)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(11))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
	fn log_access() -> Weight {
		// Proof size: measured `726`, estimated `3732` bytes.
		// Minimum execution time: 17_857_000 ps.
		Weight::from_parts(33_711_000, 3732)
			.saturating_add(T::DbWeight::get().reads(2))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:1)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:33 w:31)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(240), added: 2715, mode: `MaxEncodedLen`)
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
		// Proof size: measured `5553 + d * 64`, estimated `90585 + d * 2617` bytes.
		// Minimum execution time: 251_785_000 ps.
		Weight::from_parts(352_954_362, 90585)
			.saturating_add(Weight::from_parts(73_572_951, 0).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(40))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(9))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(d.into())))
			.saturating_add(Weight::from_parts(0, 2617).saturating_mul(d.into()))
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
		// Proof size: measured `1032`, estimated `3732` bytes.
		// Minimum execution time: 70_505_000 ps.
		Weight::from_parts(111_416_000, 3732)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(6))
	}
}
