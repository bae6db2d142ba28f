//! The audit index against the block scan, on a chain that `bench_tps
//! audit` filled (see `scripts/bench-index`):
//!
//!   bench_index NODE_URL SQLITE_PATH POSTGRES_URL
//!
//! Indexes the chain from empty into SQLite and into PostgreSQL (events/s,
//! time to catch up with the finalized head), then times two questions
//! through each index's HTTP API (median of 5) and by scanning every block
//! (the baseline, once): the full history of the record every read of the
//! load went to (`bench_tps`' first sender's first record), and every read
//! of that sender's records. Prints a Markdown table.

use ehr::{
	audit::{self, Subject, Window},
	chain::{self, runtime},
	index::Index,
};
use ehr_indexer::{
	follow::{follow, Progress, BATCH},
	http,
	store::Store,
};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};

/// Median wall time of `runs` calls of `f`, and what the last one returned.
async fn median<T, F: std::future::Future<Output = T>>(
	runs: usize,
	f: impl Fn() -> F,
) -> (Duration, T) {
	let mut times = Vec::new();
	let mut last = None;
	for _ in 0..runs {
		let start = Instant::now();
		last = Some(f().await);
		times.push(start.elapsed());
	}
	times.sort();
	(times[runs / 2], last.expect("runs > 0"))
}

fn secs(d: Duration) -> String {
	format!("{:.3} s", d.as_secs_f64())
}

#[tokio::main]
async fn main() {
	let args: Vec<String> = std::env::args().collect();
	let usage = "bench_index NODE_URL SQLITE_PATH POSTGRES_URL";
	let [_, node, sqlite, postgres] = &args[..] else { panic!("{usage}") };
	let client = chain::connect(node).await.expect("connect");
	let genesis = format!("{:?}", client.genesis_hash());
	let at = client.at_current_block().await.expect("finalized");
	let head = at.block_number();
	// bench_tps' first sender (seed: 32 bytes of 1, index 0 in the first 8).
	let mut seed = [1u8; 32];
	seed[..8].copy_from_slice(&0u64.to_le_bytes());
	let owner = chain::Keypair::from_secret_key(seed).expect("a seed").public_key().to_account_id();
	let api = runtime::runtime_apis().ehr_acl_api();
	let owned = at.runtime_apis().call(api.records_of(owner)).await.expect("records_of");
	let record = Subject::Record(*owned.first().expect("bench_tps audit ran on this chain"));
	let reads = Window { events: vec!["AccessLogged".into()], ..Window::default() };
	let patient = Subject::Patient(owner);
	let all = Window { until: Some(head), ..Window::default() };
	let reads = Window { until: Some(head), ..reads };

	println!("| answered by | events indexed | indexing rate | catch-up from empty (blocks 1–{head}) | history of one record | reads of one patient's records |");
	println!("|---|---|---|---|---|---|");
	for (name, db) in
		[("SQLite (file)", sqlite.as_str()), ("PostgreSQL (loopback)", postgres.as_str())]
	{
		let store = Arc::new(Store::open(db, &genesis).await.expect("open the index"));
		let progress = Arc::new(Progress::default());
		let start = Instant::now();
		follow(&client, &store, Some(head), BATCH, &progress).await.expect("index");
		let took = start.elapsed();
		let events = store.status(head).await.expect("status").events;
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
		let url = format!("http://{}", listener.local_addr().expect("addr"));
		let server = tokio::spawn(http::serve(listener, store.clone(), progress));
		let index = Index::new(&url);
		let (record_time, record_rows) = median(5, || async {
			index.history(&record, &all).await.expect("record history").len()
		})
		.await;
		let (reads_time, read_rows) =
			median(5, || async { index.history(&patient, &reads).await.expect("reads").len() })
				.await;
		server.abort();
		println!(
			"| {name}, over HTTP | {events} | {:.0} events/s | {} | {} ({record_rows} events) | {} ({read_rows} events) |",
			events as f64 / took.as_secs_f64(),
			secs(took),
			secs(record_time),
			secs(reads_time),
		);
	}
	let start = Instant::now();
	let record_rows = audit::history(&client, &record, &all).await.expect("scan").len();
	let record_time = start.elapsed();
	let start = Instant::now();
	let read_rows = audit::history(&client, &patient, &reads).await.expect("scan").len();
	let reads_time = start.elapsed();
	println!(
		"| block scan of {head} blocks (baseline, once; {:.1} ms a block) | — | — | — | {} ({record_rows} events) | {} ({read_rows} events) |",
		record_time.as_secs_f64() * 1e3 / head as f64,
		secs(record_time),
		secs(reads_time),
	);
}
