//! The pallets whose benchmarks `ehr-node benchmark pallet` runs.

use crate::Runtime;

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_utility, Utility]
	[pallet_ehr_governance, Governance]
	[pallet_ehr_acl, EhrAcl]
	[pallet_ehr_emergency, Emergency]
	[pallet_ehr_storage, Replication]
);
