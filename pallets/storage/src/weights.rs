//! Weights of `pallet_ehr_storage`: estimates, until `scripts/bench-weights
//! storage` measures them on this machine. Regenerate with
//! `scripts/bench-weights`; do not edit by hand once measured.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight of each call of `pallet_ehr_storage`.
pub trait WeightInfo {
	fn set_storage_agent() -> Weight;
	fn remove_storage_agent() -> Weight;
	fn attest(h: u32, r: u32, ) -> Weight;
}

/// The estimated weights, priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_storage_agent() -> Weight {
		Weight::from_parts(40_000_000, 5_100)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn remove_storage_agent() -> Weight {
		Weight::from_parts(30_000_000, 2_600)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn attest(h: u32, r: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 2_600)
			.saturating_add(Weight::from_parts(80_000_000, 0).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().reads((18_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 46_000).saturating_mul(h.into()))
			.saturating_add(Weight::from_parts(0, 5_300).saturating_mul(r.into()))
	}
}
