//! Weights of `pallet_ehr_emergency`: ESTIMATES written by hand from each
//! call's storage reads and writes (at the runtime's `DbWeight`) and a
//! generous compute part, until the pallet joins the runtime and
//! `scripts/bench-weights` measures it. Every call is bounded: at most
//! `MAX_ESCROW_ORGS` shares, answers and released shares.

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

/// Each call: its compute estimate, a proof size above what its reads can
/// make (a deposit of 16 shares of 128 bytes is about 2.3 kB, a request
/// with 16 answers and released shares about 2.6 kB; `break_glass` reads
/// both, and an earlier request it closes), and its reads and writes
/// (a hold or a release reads and writes the holds and the account).
pub struct SubstrateWeight<T>(PhantomData<T>);

fn estimate<T: frame_system::Config>(micros: u64, reads: u64, writes: u64) -> Weight {
	Weight::from_parts(micros * 1_000_000, 16_000)
		.saturating_add(T::DbWeight::get().reads_writes(reads, writes))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Cost: an ed25519 verification and the escrow list.
	fn set_escrow_key() -> Weight {
		estimate::<T>(120, 4, 3)
	}
	/// Cost: the escrow list.
	fn remove_escrow_key() -> Weight {
		estimate::<T>(30, 1, 1)
	}
	/// Cost: the user and the opt-out.
	fn set_emergency_access() -> Weight {
		estimate::<T>(20, 3, 2)
	}
	/// Cost: the record, grant, leaving, opt-out, deposit, escrow list, serial; 16 shares checked pairwise.
	fn deposit_shares() -> Weight {
		estimate::<T>(80, 11, 6)
	}
	/// Cost: the escrow list and the deposit.
	fn rewrap_share() -> Weight {
		estimate::<T>(40, 2, 1)
	}
	/// Cost: the deposit, the record, the opt-out; the hold.
	fn remove_shares() -> Weight {
		estimate::<T>(40, 5, 3)
	}
	/// Cost: the user, leaving, escrow list, record, opt-out, grant, deposit, open request, window, the patient slot and the earlier request it may close, next id; the hold.
	fn break_glass() -> Weight {
		estimate::<T>(100, 24, 12)
	}
	/// Cost: the request and what makes it live (record, user, leaving, escrow list, opt-out, deposit); a refusal may close it.
	fn answer_emergency() -> Weight {
		estimate::<T>(60, 12, 6)
	}
	/// Cost: the request and what makes it live.
	fn release_share() -> Weight {
		estimate::<T>(60, 12, 1)
	}
	/// Cost: the request and what makes it live.
	fn log_emergency_read() -> Weight {
		estimate::<T>(40, 10, 0)
	}
	/// Cost: the request and what makes it live; the hold.
	fn close_emergency() -> Weight {
		estimate::<T>(60, 12, 5)
	}
}
