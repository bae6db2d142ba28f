//! The pallets whose benchmarks `ehr-node benchmark pallet` runs.

use crate::Runtime;

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_ehr_governance, Governance]
	[pallet_ehr_acl, EhrAcl]
	[pallet_ehr_emergency, Emergency]
	[pallet_ehr_storage, Replication]
);
