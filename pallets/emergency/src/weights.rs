
//! Weights of `pallet_ehr_emergency`, measured by its benchmarks. Regenerate with
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
//!   pallet_ehr_emergency
//!   --extrinsic
//!   *
//!   --steps
//!   2
//!   --repeat
//!   50
//!   --template
//!   /work/main/scripts/weight-template.hbs
//!   --output
//!   /root/.cache/ehr-chain/target/bench-weights/emergency-weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight of each call of `pallet_ehr_emergency`.
pub trait WeightInfo {
	fn set_escrow_key() -> Weight;
	fn remove_escrow_key() -> Weight;
	fn set_emergency_access() -> Weight;
	fn deposit_shares() -> Weight;
	fn rewrap_share() -> Weight;
	fn remove_shares() -> Weight;
	fn break_glass() -> Weight;
	fn answer_emergency() -> Weight;
	fn release_share() -> Weight;
	fn log_emergency_read() -> Weight;
	fn close_emergency() -> Weight;
}

/// The measured weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Emergency::Escrow` (r:1 w:1)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::UsedEscrowKeys` (r:1 w:1)
	/// Proof: `Emergency::UsedEscrowKeys` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::NextEscrowVersion` (r:1 w:1)
	/// Proof: `Emergency::NextEscrowVersion` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn set_escrow_key() -> Weight {
		// Proof size: measured `2056`, estimated `3509` bytes.
		// Minimum execution time: 94_742_000 ps.
		Weight::from_parts(124_405_000, 3509)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `Emergency::Escrow` (r:1 w:1)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	fn remove_escrow_key() -> Weight {
		// Proof size: measured `1316`, estimated `2702` bytes.
		// Minimum execution time: 15_233_000 ps.
		Weight::from_parts(22_172_000, 2702)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:1)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:1 w:1)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	fn set_emergency_access() -> Weight {
		// Proof size: measured `183`, estimated `3607` bytes.
		// Minimum execution time: 17_048_000 ps.
		Weight::from_parts(25_767_000, 3607)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:1)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::NextDepositSerial` (r:1 w:1)
	/// Proof: `Emergency::NextDepositSerial` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	fn deposit_shares() -> Weight {
		// Proof size: measured `4362`, estimated `5767` bytes.
		// Minimum execution time: 125_381_000 ps.
		Weight::from_parts(153_382_000, 5767)
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:1)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	fn rewrap_share() -> Weight {
		// Proof size: measured `3670`, estimated `5767` bytes.
		// Minimum execution time: 31_234_000 ps.
		Weight::from_parts(42_070_000, 5767)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `Emergency::Deposits` (r:1 w:1)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	fn remove_shares() -> Weight {
		// Proof size: measured `3480`, estimated `5767` bytes.
		// Minimum execution time: 79_210_000 ps.
		Weight::from_parts(98_235_000, 5767)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage: `EhrAcl::Users` (r:2 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:2 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:2 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:2 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Grants` (r:1 w:0)
	/// Proof: `EhrAcl::Grants` (`max_values`: None, `max_size`: Some(244), added: 2719, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:2 w:0)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenRequest` (r:1 w:2)
	/// Proof: `Emergency::OpenRequest` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Emergencies` (r:2 w:3)
	/// Proof: `Emergency::Emergencies` (`max_values`: None, `max_size`: Some(2485), added: 4960, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:2 w:0)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:2 w:0)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::RequestsInWindow` (r:1 w:1)
	/// Proof: `Emergency::RequestsInWindow` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenOnPatient` (r:2 w:2)
	/// Proof: `Emergency::OpenOnPatient` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::NextEmergencyId` (r:1 w:1)
	/// Proof: `Emergency::NextEmergencyId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	/// Storage: `Parameters::Parameters` (r:1 w:0)
	/// Proof: `Parameters::Parameters` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	fn break_glass() -> Weight {
		// Proof size: measured `13685`, estimated `10910` bytes.
		// Minimum execution time: 295_212_000 ps.
		Weight::from_parts(355_034_000, 10910)
			.saturating_add(T::DbWeight::get().reads(28))
			.saturating_add(T::DbWeight::get().writes(13))
	}
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Emergencies` (r:1 w:1)
	/// Proof: `Emergency::Emergencies` (`max_values`: None, `max_size`: Some(2485), added: 4960, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:1 w:0)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:1 w:0)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:0)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenOnPatient` (r:1 w:1)
	/// Proof: `Emergency::OpenOnPatient` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenRequest` (r:0 w:1)
	/// Proof: `Emergency::OpenRequest` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	fn answer_emergency() -> Weight {
		// Proof size: measured `5576`, estimated `5950` bytes.
		// Minimum execution time: 125_120_000 ps.
		Weight::from_parts(154_017_000, 5950)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Emergencies` (r:1 w:1)
	/// Proof: `Emergency::Emergencies` (`max_values`: None, `max_size`: Some(2485), added: 4960, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:1 w:0)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:1 w:0)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:0)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	fn release_share() -> Weight {
		// Proof size: measured `7276`, estimated `5950` bytes.
		// Minimum execution time: 73_176_000 ps.
		Weight::from_parts(94_453_000, 5950)
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `Emergency::Emergencies` (r:1 w:0)
	/// Proof: `Emergency::Emergencies` (`max_values`: None, `max_size`: Some(2485), added: 4960, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:1 w:0)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:1 w:0)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:0)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	fn log_emergency_read() -> Weight {
		// Proof size: measured `7276`, estimated `5950` bytes.
		// Minimum execution time: 56_619_000 ps.
		Weight::from_parts(80_188_000, 5950)
			.saturating_add(T::DbWeight::get().reads(9))
	}
	/// Storage: `Emergency::Emergencies` (r:1 w:1)
	/// Proof: `Emergency::Emergencies` (`max_values`: None, `max_size`: Some(2485), added: 4960, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Records` (r:1 w:0)
	/// Proof: `EhrAcl::Records` (`max_values`: None, `max_size`: Some(267), added: 2742, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptedOut` (r:1 w:0)
	/// Proof: `Emergency::OptedOut` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OptOuts` (r:1 w:0)
	/// Proof: `Emergency::OptOuts` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Users` (r:1 w:0)
	/// Proof: `EhrAcl::Users` (`max_values`: None, `max_size`: Some(142), added: 2617, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Registrations` (r:1 w:0)
	/// Proof: `EhrAcl::Registrations` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `EhrAcl::Leaving` (r:1 w:0)
	/// Proof: `EhrAcl::Leaving` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Escrow` (r:1 w:0)
	/// Proof: `Emergency::Escrow` (`max_values`: Some(1), `max_size`: Some(1217), added: 1712, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::Deposits` (r:1 w:0)
	/// Proof: `Emergency::Deposits` (`max_values`: None, `max_size`: Some(2302), added: 4777, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenOnPatient` (r:1 w:1)
	/// Proof: `Emergency::OpenOnPatient` (`max_values`: None, `max_size`: Some(68), added: 2543, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(211), added: 2686, mode: `MaxEncodedLen`)
	/// Storage: `Emergency::OpenRequest` (r:0 w:1)
	/// Proof: `Emergency::OpenRequest` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	fn close_emergency() -> Weight {
		// Proof size: measured `7610`, estimated `5950` bytes.
		// Minimum execution time: 109_483_000 ps.
		Weight::from_parts(148_605_000, 5950)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(5))
	}
}
