//! End-to-end latency on a dev node and kubo, through the client library
//! the `ehr` CLI uses:
//! - add → readable: from the start of the patient's `record add` until the
//!   doctor holds the plaintext, with the grant submitted in the record's
//!   block (`--share`) and, as the baseline, granted after the add;
//! - revoke → refused: from the start of the patient's `access revoke`
//!   (with key rotation) until the doctor's next read is refused.
//!
//!   bench_e2e NODE_URL IPFS_URL RUNS       (see `scripts/bench`)
//!
//! Prints a Markdown table of p50 / p95 / max over RUNS runs.

mod common;

use std::time::Instant;

use ehr::{
	chain,
	crypto::os_rng,
	records::{Access, RecordError, RecordKind},
};
use rand_core::RngCore;

fn stats(name: &str, mut secs: Vec<f64>) {
	secs.sort_by(f64::total_cmp);
	let at = |p: f64| secs[((secs.len() - 1) as f64 * p).round() as usize];
	println!(
		"| {name} | {} | {:.2} s | {:.2} s | {:.2} s |",
		secs.len(),
		at(0.5),
		at(0.95),
		secs[secs.len() - 1]
	);
}

#[tokio::main]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let [_, node, ipfs, runs] = &args[..] else { panic!("bench_e2e NODE_URL IPFS_URL RUNS") };
	let runs: usize = runs.parse().expect("RUNS");
	let (patient, doctor, _) = common::patient_doctor_registrar(node, ipfs).await;

	let dir = tempfile::tempdir().expect("tempdir");
	let (file, out) = (dir.path().join("observation"), dir.path().join("read"));
	let mut body = vec![0u8; 4096];
	let (mut shared, mut granted_after, mut revoked) = (vec![], vec![], vec![]);
	let share = [(doctor.account(), Access::Read)];
	let block_ms = chain::block_time_ms(&patient.chain).await.expect("block time");
	for run in 0..runs {
		// Start each run at a random point of the block interval, as a user
		// would, not right after the previous run's block.
		let phase = os_rng().next_u64() % block_ms;
		tokio::time::sleep(std::time::Duration::from_millis(phase)).await;
		os_rng().fill_bytes(&mut body);
		std::fs::write(&file, &body).expect("write");
		let kind = RecordKind::Observation;
		// Alternate the two ways so that both see the same conditions.
		let started = Instant::now();
		let id = if run % 2 == 0 {
			patient.add_record(&patient.account(), &file, kind, None, &share).await.expect("add")
		} else {
			let id = patient.add_record(&patient.account(), &file, kind, None, &[]).await;
			let id = id.expect("add");
			patient.grant(id, &[doctor.account()], Access::Read, None).await.expect("grant");
			id
		};
		doctor.read_record(id, &out).await.expect("the doctor reads");
		let took = started.elapsed().as_secs_f64();
		assert_eq!(std::fs::read(&out).expect("read"), body);
		if run % 2 == 0 { &mut shared } else { &mut granted_after }.push(took);

		let started = Instant::now();
		patient.revoke(id, &doctor.account(), true).await.expect("revoke");
		match doctor.read_record(id, &out).await {
			Err(RecordError::NoGrant(_)) => revoked.push(started.elapsed().as_secs_f64()),
			other => panic!("a revoked doctor read record {id}: {:?}", other.map(|_| ())),
		}
		eprintln!("run {}/{runs}", run + 1);
	}
	println!("| what | runs | p50 | p95 | max |");
	println!("|---|---|---|---|---|");
	stats("add → readable, grant in the record's block (`record add --share`)", shared);
	stats(
		"add → readable, grant after the add (baseline: `record add`, then `access grant`)",
		granted_after,
	);
	stats("revoke (with key rotation) → the revoked reader's read refused", revoked);
}
