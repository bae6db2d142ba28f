
//! Weights of `pallet_ehr_acl`.
//!
//! NOT YET REGENERATED FOR THE v2 CALLS. The figures below are the
//! 2026-11-25 benchmark run (Benchmark CLI 64.0.0, steps 25, repeat 10,
//! machine `vm`, AMD EPYC, wasm `Compiled`, `scripts/bench-weights`), extended
//! by hand for what v2 adds, each addition priced from a measured component
//! of that run, rounded up:
//! - a grant inserted: 25 µs + 3 reads + 5 writes (the insert part of
//!   `grant_access`, with the deposit hold);
//! - a grant removed: 15 µs + 3 reads + 5 writes (the per-grant slope of
//!   `remove_record`, with the granter's counter and the deposit release);
//! - a request closed: 10 µs + 2 reads + 4 writes;
//! - a deposit held or released: 1 read + 1 write.
//!
//! `scripts/bench-weights` replaces this file with measured figures; the
//! benchmarks in `benchmarking.rs` already exercise each call's worst case.

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
	fn deregister_user(g: u32, q: u32, ) -> Weight;
	fn rotate_encryption_key() -> Weight;
	fn add_record(r: u32, ) -> Weight;
	fn update_record(k: u32, e: u32, ) -> Weight;
	fn remove_record(g: u32, q: u32, ) -> Weight;
	fn grant_access() -> Weight;
	fn update_access(d: u32, ) -> Weight;
	fn revoke_access(k: u32, d: u32, ) -> Weight;
	fn request_access() -> Weight;
	fn answer_request() -> Weight;
	fn log_access() -> Weight;
	fn renounce_grant(d: u32, ) -> Weight;
	fn cancel_request() -> Weight;
}

/// A grant inserted (see the header).
fn grant_inserted<T: frame_system::Config>(n: u32) -> Weight {
	Weight::from_parts(25_000_000, 2715)
		.saturating_add(T::DbWeight::get().reads_writes(3, 5))
		.saturating_mul(n.into())
}

/// A grant removed (see the header).
fn grant_removed<T: frame_system::Config>(n: u32) -> Weight {
	Weight::from_parts(15_000_000, 2715)
		.saturating_add(T::DbWeight::get().reads_writes(3, 5))
		.saturating_mul(n.into())
}

/// A request closed (see the header).
fn request_closed<T: frame_system::Config>(n: u32) -> Weight {
	Weight::from_parts(10_000_000, 2544)
		.saturating_add(T::DbWeight::get().reads_writes(2, 4))
		.saturating_mul(n.into())
}

/// A deposit held or released (see the header).
fn deposit<T: frame_system::Config>() -> Weight {
	T::DbWeight::get().reads_writes(1, 1)
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn add_registrar() -> Weight {
		Weight::from_parts(18_408_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn remove_registrar() -> Weight {
		Weight::from_parts(19_489_000, 3517)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn register_user() -> Weight {
		Weight::from_parts(27_210_000, 3599)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(deposit::<T>())
	}
	fn deregister_user(g: u32, q: u32, ) -> Weight {
		Weight::from_parts(28_853_000, 3599)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(deposit::<T>())
			.saturating_add(grant_removed::<T>(g))
			// Finding a dropped grant's delegates reads its record's grants
			// (at most 32).
			.saturating_add(T::DbWeight::get().reads((32_u64).saturating_mul(g.into())))
			.saturating_add(request_closed::<T>(q))
	}
	fn rotate_encryption_key() -> Weight {
		Weight::from_parts(19_519_000, 3599)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn add_record(r: u32, ) -> Weight {
		Weight::from_parts(76_483_000, 6208)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(10))
			.saturating_add(deposit::<T>())
			.saturating_add(deposit::<T>())
			.saturating_add(grant_inserted::<T>(r))
			.saturating_add(T::DbWeight::get().reads(r.into()))
	}
	fn update_record(k: u32, e: u32, ) -> Weight {
		Weight::from_parts(31_975_885, 3728)
			.saturating_add(Weight::from_parts(11_750_623, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
			.saturating_add(grant_removed::<T>(e))
	}
	fn remove_record(g: u32, q: u32, ) -> Weight {
		Weight::from_parts(36_590_146, 3728)
			.saturating_add(grant_removed::<T>(g))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(deposit::<T>())
			.saturating_add(request_closed::<T>(q))
	}
	fn grant_access() -> Weight {
		Weight::from_parts(48_101_000, 3728)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(6))
			.saturating_add(deposit::<T>())
			.saturating_add(request_closed::<T>(1))
	}
	fn update_access(d: u32, ) -> Weight {
		Weight::from_parts(29_393_000, 3728)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
			.saturating_add(deposit::<T>())
			.saturating_add(deposit::<T>())
			.saturating_add(grant_removed::<T>(d))
	}
	fn revoke_access(k: u32, d: u32, ) -> Weight {
		Weight::from_parts(60_606_282, 6420)
			.saturating_add(Weight::from_parts(14_300_338, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(k.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(k.into())))
			.saturating_add(Weight::from_parts(0, 2715).saturating_mul(k.into()))
			.saturating_add(grant_removed::<T>(d))
	}
	fn request_access() -> Weight {
		Weight::from_parts(28_833_000, 3728)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(deposit::<T>())
	}
	fn answer_request() -> Weight {
		Weight::from_parts(41_031_000, 3728)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(6))
			.saturating_add(deposit::<T>())
			.saturating_add(request_closed::<T>(1))
	}
	fn log_access() -> Weight {
		Weight::from_parts(28_072_000, 3728)
			.saturating_add(T::DbWeight::get().reads(2))
	}
	fn renounce_grant(d: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 3728)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(grant_removed::<T>(d.saturating_add(1)))
	}
	fn cancel_request() -> Weight {
		Weight::from_parts(20_000_000, 3728)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(request_closed::<T>(1))
	}
}
