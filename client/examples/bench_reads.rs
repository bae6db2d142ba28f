//! What verified reads cost, on a dev node: the chain reads of `record get`
//! (the reader's own user entry, then the record with its grants) and of
//! `access grant` (the grantee's key too), each
//! - verified, as the client does them: a GRANDPA finality proof from the
//!   genesis authority set (a fresh connection, as each CLI run is), a wait
//!   until finality reaches the node's best block, the block's timestamp
//!   and the values, all proven against the finalized state root;
//! - unverified, the baseline (the client before verified reads): the
//!   runtime API and plain storage reads at the node's best block.
//!
//! The two ways alternate over RUNS runs, each on its own connection,
//! started at a random point of the block interval; the connection is not
//! timed. A whole `record get` (verified reads, IPFS, decryption and the
//! access log call) is timed too, for scale.
//!
//!   bench_reads NODE_URL IPFS_URL RUNS       (see `scripts/bench`)

mod common;

use ehr::chain::query;

use ehr::{
	chain::{self, runtime, AccountId, Client},
	crypto::os_rng,
	records::{Access, RecordId, RecordKind},
};
use rand_core::RngCore;
use std::time::{Duration, Instant};

/// The reads as the client made them before they were verified.
async fn unverified(client: &Client, id: RecordId, users: &[AccountId]) {
	let at = chain::at_best(client).await.expect("best block");
	for who in users {
		let storage = at.storage();
		let user = storage.try_fetch(runtime::storage().ehr_acl().users(), (*who,)).await;
		user.expect("user").expect("registered").decode().expect("decodes");
	}
	let api = runtime::runtime_apis().ehr_acl_api();
	at.runtime_apis().call(api.record(id)).await.expect("record").expect("exists");
}

/// The same reads, proven.
async fn verified(client: &Client, id: RecordId, users: &[AccountId]) {
	for who in users {
		query::user(client, who).await.expect("user").expect("registered");
	}
	query::record(client, id).await.expect("record").expect("exists");
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1000.0
}

fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
	ms.sort_by(f64::total_cmp);
	let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
	(at(0.5), at(0.95))
}

#[tokio::main]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let [_, node, ipfs, runs] = &args[..] else { panic!("bench_reads NODE_URL IPFS_URL RUNS") };
	let runs: usize = runs.parse().expect("RUNS");
	let (patient, mut doctor, _) = common::patient_doctor_registrar(node, ipfs).await;
	let dir = tempfile::tempdir().expect("tempdir");
	let (file, out) = (dir.path().join("observation"), dir.path().join("read"));
	std::fs::write(&file, vec![7u8; 4096]).expect("write");
	let share = [(doctor.account(), Access::Read)];
	let id = patient
		.add_record(&patient.account(), &file, RecordKind::Observation, None, &share)
		.await
		.expect("record");

	let get_reads = [doctor.account()];
	let grant_reads = [patient.account(), doctor.account()];
	let block_ms = chain::block_time_ms(&patient.chain).await.expect("block time");
	let mut times: [Vec<f64>; 5] = Default::default();
	for run in 0..runs {
		tokio::time::sleep(Duration::from_millis(os_rng().next_u64() % block_ms)).await;
		// Alternate which way goes first, so both see the same conditions.
		let order = if run % 2 == 0 { [true, false] } else { [false, true] };
		for (users, slot) in [(&get_reads[..], 0), (&grant_reads[..], 2)] {
			for proven in order {
				let client = chain::connect(node).await.expect("node");
				let started = Instant::now();
				if proven {
					verified(&client, id, users).await;
				} else {
					unverified(&client, id, users).await;
				}
				times[slot + usize::from(!proven)].push(ms(started.elapsed()));
			}
		}
		// A fresh connection, as each CLI run has.
		doctor.chain = chain::connect(node).await.expect("node");
		let started = Instant::now();
		doctor.get_record(id, &out).await.expect("record get");
		times[4].push(ms(started.elapsed()));
	}
	let [get_v, get_u, grant_v, grant_u, whole] = times.map(percentiles);
	println!("| reads of | verified p50 / p95 | unverified p50 / p95 | extra at p50 |");
	println!("|---|---|---|---|");
	for (name, v, u) in [("`record get`", get_v, get_u), ("`access grant`", grant_v, grant_u)] {
		println!(
			"| {name} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.1} ms |",
			v.0,
			v.1,
			u.0,
			u.1,
			v.0 - u.0
		);
	}
	println!();
	println!(
		"A whole `record get` of 4 KiB (verified reads, IPFS, decryption, access log call in a block): p50 {:.0} ms, p95 {:.0} ms over {runs} runs.",
		whole.0, whole.1
	);
}
