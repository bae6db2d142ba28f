//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-06 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
//!
//! DATABASE: `ParityDb`, RUNTIME: `EHR Development`
//! BLOCK-NUM: `Number(24)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `/root/.cache/ehr-chain/target/bench-weights`
//! METRIC: `Average`, WEIGHT-MUL: `2.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/ehr-chain/target-bench/release/ehr-node
//   benchmark
//   storage
//   --dev
//   --base-path
//   /root/.cache/ehr-chain/target/bench-weights/state
//   --database
//   paritydb
//   --state-version
//   1
//   --batch-size
//   1000
//   --mul
//   2
//   --weight-path
//   /root/.cache/ehr-chain/target/bench-weights

/// Storage DB weights for the `EHR Development` runtime and `ParityDb`.
pub mod constants {
	use frame_support::weights::constants;
	use frame_support::weights::RuntimeDbWeight;
	use sp_core::parameter_types;

	parameter_types! {
		pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			// Time to read one storage item.
			// Calculated by multiplying the *Average* of all values with `2.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 797, 481_102
			//   Average:  4_402
			//   Median:   3_877
			//   Std-Dev:  4987.05
			//
			// Percentiles nanoseconds:
			//   99th: 11_810
			//   95th: 6_323
			//   75th: 4_595
			read: 8_804 * constants::WEIGHT_REF_TIME_PER_NANOS,

			// Time to write one storage item.
			// Calculated by multiplying the *Average* of all values with `2.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 7_888, 10_616
			//   Average:  9_427
			//   Median:   9_530
			//   Std-Dev:  676.93
			//
			// Percentiles nanoseconds:
			//   99th: 10_616
			//   95th: 10_448
			//   75th: 9_931
			write: 18_854 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::constants::ParityDbWeight as W;
		use frame_support::weights::constants;

		/// Checks that all weights exist and have sane values.
		// NOTE: If this test fails but you are sure that the generated values are fine,
		// you can delete it.
		#[test]
		fn bound() {
			// At least 1 µs.
			assert!(
				W::get().reads(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Read weight should be at least 1 µs."
			);
			assert!(
				W::get().writes(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Write weight should be at least 1 µs."
			);
			// At most 1 ms.
			assert!(
				W::get().reads(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Read weight should be at most 1 ms."
			);
			assert!(
				W::get().writes(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Write weight should be at most 1 ms."
			);
		}
	}
}
