//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-06 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
//!
//! SHORT-NAME: `extrinsic`, LONG-NAME: `ExtrinsicBase`, RUNTIME: `ehr-consortium`
//! WARMUPS: `10`, REPEAT: `100`
//! WEIGHT-PATH: `/root/.cache/ehr-chain/target/bench-weights`
//! WEIGHT-METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/ehr-chain/target-bench/release/ehr-node
//   benchmark
//   overhead
//   --runtime
//   /root/.cache/ehr-chain/target-bench/release/wbuild/ehr-runtime/ehr_runtime.compact.compressed.wasm
//   --genesis-builder=runtime
//   --genesis-builder-preset=development
//   --warmup
//   10
//   --repeat
//   100
//   --weight-path
//   /root/.cache/ehr-chain/target/bench-weights

use frame_support::weights::{constants::WEIGHT_REF_TIME_PER_NANOS, Weight};
use sp_core::parameter_types;

parameter_types! {
	/// Weight of executing a NO-OP extrinsic, for example `System::remark`.
	/// Calculated by multiplying the *Average* with `1.0` and adding `0`.
	///
	/// Stats nanoseconds:
	///   Min, Max: 89_622, 101_659
	///   Average:  96_022
	///   Median:   96_195
	///   Std-Dev:  3098.57
	///
	/// Percentiles nanoseconds:
	///   99th: 100_895
	///   95th: 100_385
	///   75th: 98_754
	///
	/// What this runtime charges: the average above (96_022 ns, a signed
	/// remark with every transaction extension) less the extensions' compute,
	/// which each extrinsic declares on top (65_479 ns, measured in the same
	/// run; scripts/extrinsic-base.py), and no less than one sr25519 signature
	/// verification (38_720 ns): 38_720 ns.
	///   check_non_zero_sender: 634 ns
	///   check_spec_version: 471 ns
	///   check_tx_version: 478 ns
	///   check_genesis: 2_081 ns
	///   check_mortality_mortal_transaction: 4_345 ns
	///   check_nonce: 9_023 ns
	///   check_weight: 4_401 ns
	///   charge_transaction_payment: 44_046 ns
	pub const ExtrinsicBaseWeight: Weight =
		Weight::from_parts(WEIGHT_REF_TIME_PER_NANOS.saturating_mul(38_720), 0);
}

#[cfg(test)]
mod test_weights {
	use frame_support::weights::constants;

	/// Checks that the weight exists and is sane.
	// NOTE: If this test fails but you are sure that the generated values are fine,
	// you can delete it.
	#[test]
	fn sane() {
		let w = super::ExtrinsicBaseWeight::get();

		// At least 10 µs.
		assert!(
			w.ref_time() >= 10u64 * constants::WEIGHT_REF_TIME_PER_MICROS,
			"Weight should be at least 10 µs."
		);
		// At most 1 ms.
		assert!(
			w.ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
			"Weight should be at most 1 ms."
		);
	}
}
