//! The audit index on real parts: a dev node (archive), kubo, the real
//! `ehr` and `ehr-indexer` binaries, a SQLite file and a throwaway
//! PostgreSQL. The paper's scenario is indexed into both; an indexer killed
//! mid-stream resumes with no gap and no duplicate; `ehr audit verify`
//! catches a tampered row; an indexer on a pruning node says what it needs.

#[path = "../../client/tests/common/mod.rs"]
mod common;

use common::{wait_for_node, workspace_binary, DevNode, Kubo, Postgres, World};
use ehr::chain;
use serde_json::Value;
use std::{
	io::Read,
	net::TcpListener,
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

fn indexer() -> Command {
	let mut cmd = Command::new(workspace_binary("ehr-indexer", "ehr-indexer"));
	cmd.env_remove("EHR_INDEX_DB").env_remove("EHR_NODE_URL").env_remove("EHR_INDEX_LISTEN");
	cmd
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An `ehr-indexer` following `node` into `db`, serving on a free port;
/// killed (SIGKILL) on drop.
struct Indexer {
	child: Child,
	url: String,
}

impl Indexer {
	fn start(node: &str, db: &str, flags: &[&str]) -> Indexer {
		let port = free_port();
		let child = indexer()
			.args(["--node", node, "--db", db, "--listen", &format!("127.0.0.1:{port}")])
			.args(flags)
			.stdout(Stdio::null())
			.stderr(Stdio::piped())
			.spawn()
			.expect("start ehr-indexer");
		Indexer { child, url: format!("http://127.0.0.1:{port}") }
	}

	/// The block the index holds, as its status says (None until it
	/// answers).
	async fn indexed(&self) -> Option<u64> {
		let status: Value = serde_json::from_str(&self.get("/v1/status").await?).ok()?;
		status["indexed_block"].as_u64()
	}

	fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	async fn get(&self, path: &str) -> Option<String> {
		let response = reqwest::get(format!("{}{path}", self.url)).await.ok()?;
		assert!(response.status().is_success(), "{path}: {}", response.status());
		response.text().await.ok()
	}

	/// Waits until the index holds block `number`; returns its status.
	async fn wait_for(&self, number: u64) -> Value {
		let deadline = Instant::now() + Duration::from_secs(120);
		loop {
			if let Some(status) = self.get("/v1/status").await {
				let status: Value = serde_json::from_str(&status).unwrap();
				if status["indexed_block"].as_u64().unwrap() >= number {
					return status;
				}
			}
			assert!(Instant::now() < deadline, "the index did not reach block {number}");
			tokio::time::sleep(Duration::from_millis(300)).await;
		}
	}
}

impl Drop for Indexer {
	fn drop(&mut self) {
		self.kill();
	}
}

async fn finalized(client: &chain::Client) -> u64 {
	client.at_current_block().await.unwrap().block_number()
}

/// Waits until block `number` is finalized.
async fn wait_finalized(client: &chain::Client, number: u64) {
	while finalized(client).await < number {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// The output of a command that must have succeeded.
fn succeeded(out: &Output) -> Vec<u8> {
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	out.stdout.clone()
}

fn json(out: &Output) -> Value {
	serde_json::from_slice(&succeeded(out)).expect("--json output")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_index_answers_as_the_chain_does_and_survives_a_kill() {
	// Started first: it must be 12 blocks old by the end.
	let pruning = DevNode::start_with(&["--state-pruning", "4"]);
	let node = DevNode::start_with(&["--state-pruning", "archive", "--blocks-pruning", "archive"]);
	let client = wait_for_node(&node.ws_url).await;
	let w = World { node, kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let postgres = Postgres::start();

	// The paper's scenario: staff registered by a registrar, a patient's
	// record shared with a doctor, who reads it and lets a pharmacist read
	// it too; then the patient revokes the doctor (and so the pharmacist).
	let (patient, doctor, pharmacist) = w.paper_cast();
	let file = w.file("observation.json", br#"{"resourceType":"Observation","value":"120/80"}"#);
	let share = format!("{doctor}:readwrite");
	let id = w.ok("patient", &["record", "add", &file, "--kind", "observation", "--share", &share])
		["id"]
		.as_u64()
		.unwrap();
	let record = id.to_string();
	w.ok("doctor", &["record", "get", &record, "-o", &w.out_path("d.json")]);
	w.ok("doctor", &["access", "grant", &record, &pharmacist, "--read"]);
	w.ok("pharmacist", &["record", "get", &record, "-o", &w.out_path("p.json")]);
	w.ok("patient", &["access", "revoke", &record, &doctor]);
	// A record added and removed: events whose details are empty.
	let note = w.file("note.txt", b"a note the patient thought better of");
	let removed =
		w.ok("patient", &["record", "add", &note, "--kind", "note"])["id"].as_u64().unwrap();
	w.ok("patient", &["record", "rm", &removed.to_string()]);
	// Another patient's record: never part of this patient's history.
	w.import("other", "//Ferdie");
	w.ok("other", &["user", "register"]);
	let others = w.ok("other", &["record", "add", &note, "--kind", "note"])["id"].as_u64().unwrap();
	let end = chain::at_best(&client).await.unwrap().block_number();
	wait_finalized(&client, end).await;

	// 1. An indexer stopped at a block holds exactly the blocks up to it.
	let genesis = format!("{:?}", client.genesis_hash());
	let half = end / 2;
	let cursor_of = |path: String| {
		let genesis = genesis.clone();
		async move {
			let store = ehr_indexer::store::Store::open(&path, &genesis).await.unwrap();
			store.cursor().await.unwrap().block
		}
	};
	let index_to_half = |path: &str| {
		let out = indexer()
			.args(["--node", &w.node.ws_url, "--db", path, "--once", "--until", &half.to_string()])
			.output()
			.unwrap();
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	};

	// 2. Killed (SIGKILL) mid-stream, one block per transaction, once the
	// index holds more than `half` and before it holds `end`; started
	// again, it resumes from its cursor. A kill that came too late is
	// tried again on a new file.
	let mut attempt = 0;
	let sqlite = loop {
		attempt += 1;
		assert!(attempt <= 10, "the indexer was never killed before block {end}");
		let sqlite = w.out_path(&format!("index-{attempt}.sqlite"));
		index_to_half(&sqlite);
		assert_eq!(cursor_of(sqlite.clone()).await, half);
		let mut killed = Indexer::start(&w.node.ws_url, &sqlite, &["--batch-blocks", "1"]);
		let deadline = Instant::now() + Duration::from_secs(60);
		while killed.indexed().await.is_none_or(|block| block <= half) {
			assert!(Instant::now() < deadline, "the indexer did not go past block {half}");
			tokio::time::sleep(Duration::from_millis(2)).await;
		}
		killed.kill();
		let stopped_at = cursor_of(sqlite.clone()).await;
		assert!(stopped_at > half, "{stopped_at}");
		if stopped_at < end {
			break sqlite;
		}
	};
	// It starts again where it stopped; a second indexer follows into
	// PostgreSQL meanwhile.
	let from_sqlite = Indexer::start(&w.node.ws_url, &sqlite, &[]);
	let from_postgres = Indexer::start(&w.node.ws_url, &postgres.url, &[]);
	for index in [&from_sqlite, &from_postgres] {
		let status = index.wait_for(end).await;
		assert_eq!(status["genesis"], genesis);
	}

	// Every history from either index is the chain's, row for row: none
	// missing, none twice.
	let until = end.to_string();
	let subjects = [
		vec!["audit", "record", &record],
		vec!["audit", "patient", &patient],
		vec!["audit", "account", &doctor],
		vec!["audit", "account", &pharmacist],
	];
	for subject in &subjects {
		let scan = json(&w.run("auditor", &[&subject[..], &["--until", &until]].concat()));
		assert!(scan.as_array().unwrap().len() >= 3, "{scan}");
		for index in [&from_sqlite, &from_postgres] {
			let args = [&subject[..], &["--until", &until, "--index", &index.url]].concat();
			assert_eq!(json(&w.run("auditor", &args)), scan, "{}", subject.join(" "));
		}
	}
	// The same filters on both sides: one event kind, a block range.
	let reads = ["audit", "patient", &patient, "--event", "AccessLogged", "--until", &until];
	let scanned = json(&w.run("auditor", &reads));
	assert_eq!(scanned.as_array().unwrap().len(), 2, "the doctor's and the pharmacist's reads");
	let indexed = json(&w.run("auditor", &[&reads[..], &["--index", &from_postgres.url]].concat()));
	assert_eq!(indexed, scanned);

	// Two indexers started at once on one new database take turns to set
	// it up; the one that then loses a race to write a block stops with a
	// clear error, and the other goes on: no block missing, none twice.
	let shared = w.out_path("shared.sqlite");
	let mut pair = [
		Indexer::start(&w.node.ws_url, &shared, &[]),
		Indexer::start(&w.node.ws_url, &shared, &[]),
	];
	let deadline = Instant::now() + Duration::from_secs(120);
	let stopped = loop {
		if let Some(i) = pair.iter_mut().position(|x| x.child.try_wait().unwrap().is_some()) {
			break i;
		}
		assert!(Instant::now() < deadline, "two indexers went on writing one database");
		tokio::time::sleep(Duration::from_millis(200)).await;
	};
	let mut stderr = String::new();
	pair[stopped].child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
	assert!(stderr.contains("another indexer wrote to this database"), "{stderr}");
	let survivor = &pair[1 - stopped];
	survivor.wait_for(end).await;
	let history = ["audit", "account", &doctor, "--until", &until];
	assert_eq!(
		json(&w.run("auditor", &[&history[..], &["--index", &survivor.url]].concat())),
		json(&w.run("auditor", &history))
	);

	// 3. Status and metrics show the lag behind the finalized head.
	let status = json(&w.run("auditor", &["audit", "status", "--index", &from_sqlite.url]));
	assert!(status["lag_blocks"].as_u64().unwrap() < 10, "{status}");
	let metrics = from_sqlite.get("/metrics").await.unwrap();
	assert!(metrics.contains("\nehr_indexer_lag_blocks "), "{metrics}");
	assert!(metrics.contains("\nehr_indexer_indexed_block "), "{metrics}");

	// 4. `verify` re-checks rows against the chain: the untouched index
	// passes; a row changed in the database is caught (exit 6).
	let verify = ["audit", "verify", "record", &record, "--until", &until];
	let ok = json(&w.run("auditor", &[&verify[..], &["--index", &from_postgres.url]].concat()));
	assert_eq!(
		(ok["checked"].clone(), ok["discrepancies"].clone()),
		(ok["rows"].clone(), Value::Array(vec![]))
	);
	let sampled = json(&w.run(
		"auditor",
		&[&verify[..], &["--index", &from_postgres.url, "--sample", "2"]].concat(),
	));
	assert_eq!(sampled["checked"], 2);
	// The patient's history holds a record removed since: verify finds it
	// was the patient's from the chain's state, also where the window
	// starts after the record was added.
	let patient_history = json(&w.run("auditor", &["audit", "patient", &patient]));
	let added = patient_history
		.as_array()
		.unwrap()
		.iter()
		.find(|e| e["event"] == "RecordAdded" && e["record"] == removed)
		.expect("the removed record's RecordAdded")["block"]
		.as_u64()
		.unwrap();
	for since in [1, added + 1] {
		let args = ["audit", "verify", "patient", &patient, "--since", &since.to_string()];
		let args = [&args[..], &["--until", &until, "--index", &from_postgres.url]].concat();
		let ok = json(&w.run("auditor", &args));
		assert_eq!(ok["discrepancies"], Value::Array(vec![]), "since {since}: {ok}");
		assert!(ok["rows"].as_u64().unwrap() >= 1, "{ok}");
	}
	let db = sqlx::SqlitePool::connect(&format!("sqlite://{sqlite}")).await.unwrap();
	let changed = sqlx::query(
		"UPDATE events SET by_account = $1 WHERE event = 'AccessLogged' AND by_account = $2",
	)
	.bind(&patient)
	.bind(&pharmacist)
	.execute(&db)
	.await
	.unwrap();
	assert_eq!(changed.rows_affected(), 1);
	let out = w.run("auditor", &[&verify[..], &["--index", &from_sqlite.url]].concat());
	assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
	let caught: Value = serde_json::from_slice(&out.stdout).unwrap();
	let discrepancies = caught["discrepancies"].as_array().unwrap();
	assert_eq!(discrepancies.len(), 1, "{caught}");
	assert!(discrepancies[0]["problem"].as_str().unwrap().contains(&pharmacist), "{caught}");
	// A row left out is found where verify reads its block; `--complete`
	// reads every block, so it finds it wherever it was.
	let deleted = sqlx::query("DELETE FROM events WHERE event = 'GrantAdded' AND subject = $1")
		.bind(&pharmacist)
		.execute(&db)
		.await
		.unwrap();
	assert_eq!(deleted.rows_affected(), 1);
	let out =
		w.run("auditor", &[&verify[..], &["--index", &from_sqlite.url, "--complete"]].concat());
	assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
	let caught: Value = serde_json::from_slice(&out.stdout).unwrap();
	let problems: Vec<&str> = caught["discrepancies"]
		.as_array()
		.unwrap()
		.iter()
		.map(|d| d["problem"].as_str().unwrap())
		.collect();
	assert_eq!(problems.len(), 2, "{caught}");
	assert!(problems.iter().any(|p| p.contains("missing from the index")), "{caught}");
	// An index that files another patient's record under this patient is
	// caught too: the chain never said the record was this patient's.
	sqlx::query("UPDATE records SET owner = $1 WHERE id = $2")
		.bind(&patient)
		.bind(others as i64)
		.execute(&db)
		.await
		.unwrap();
	let verify = ["audit", "verify", "patient", &patient, "--until", &until];
	let out = w.run("auditor", &[&verify[..], &["--index", &from_sqlite.url]].concat());
	assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
	let caught: Value = serde_json::from_slice(&out.stdout).unwrap();
	let foreign: Vec<&Value> = caught["discrepancies"]
		.as_array()
		.unwrap()
		.iter()
		.filter(|d| d["problem"].as_str().unwrap().contains("not about the subject"))
		.collect();
	assert!(!foreign.is_empty(), "{caught}");
	assert!(foreign.iter().all(|d| d["entry"]["record"] == others), "{caught}");

	// 5. Exports: the patient's history as a FHIR R4 Bundle of AuditEvents
	// that the official R4 JSON schema accepts, and as CSV, row for row.
	let history = ["audit", "patient", &patient, "--until", &until, "--index", &from_postgres.url];
	let rows = json(&w.run("auditor", &history)).as_array().unwrap().len();
	let fhir =
		w.plain("auditor", &[&history[..], &["--format", "fhir"]].concat()).output().unwrap();
	let bundle: Value = serde_json::from_slice(&succeeded(&fhir)).unwrap();
	assert_eq!(bundle["entry"].as_array().unwrap().len(), rows);
	let reads: Vec<&Value> = bundle["entry"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| &e["resource"])
		.filter(|r| r["action"] == "R")
		.collect();
	assert_eq!(reads.len(), 2, "two reads of the record");
	assert!(reads
		.iter()
		.any(|r| r["agent"][0]["who"]["identifier"]["value"] == pharmacist.as_str()));
	let validated = Command::new(common::script("fhir-validate"))
		.arg(w.file("bundle.json", &fhir.stdout))
		.output()
		.unwrap();
	assert!(validated.status.success(), "{}", String::from_utf8_lossy(&validated.stderr));
	let csv = w.plain("auditor", &[&history[..], &["--format", "csv"]].concat()).output().unwrap();
	let csv = String::from_utf8(succeeded(&csv)).unwrap();
	assert_eq!(csv.lines().count(), rows + 1, "a header and one line per event");
	assert!(csv.starts_with(
		"block,time,event,record,by,subject,details,finalized,block_hash,event_index\n"
	));

	// 6. On a pruning node, indexing from block 1 stops with what to do.
	let pruned = wait_for_node(&pruning.ws_url).await;
	while chain::at_best(&pruned).await.unwrap().block_number() < 12 {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	let out = indexer()
		.args(["--node", &pruning.ws_url, "--db", &w.out_path("pruned.sqlite"), "--once"])
		.output()
		.unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(!out.status.success());
	assert!(
		stderr.contains("archive node") && !stderr.contains("State already discarded"),
		"{stderr}"
	);
}

/// The indexer outlives its node: killed and started again (same chain,
/// same port), the node is found again and indexing goes on from where it
/// stopped.
#[tokio::test(flavor = "multi_thread")]
async fn the_indexer_waits_for_its_node_to_come_back() {
	let chain_dir = tempfile::tempdir().unwrap();
	let mut node = DevNode::start_in(chain_dir.path());
	let client = wait_for_node(&node.ws_url).await;
	wait_finalized(&client, 2).await;
	let db = chain_dir.path().join("index.sqlite");
	let mut index = Indexer::start(&node.ws_url, db.to_str().unwrap(), &[]);
	index.wait_for(finalized(&client).await).await;
	drop(client);

	node.restart();
	let client = wait_for_node(&node.ws_url).await;
	let later = finalized(&client).await + 2;
	wait_finalized(&client, later).await;
	let status = index.wait_for(later).await;
	assert_eq!(status["genesis"], format!("{:?}", client.genesis_hash()));
	assert!(index.child.try_wait().unwrap().is_none(), "the indexer stopped");
	let mut stderr = String::new();
	index.kill();
	index.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
	assert!(stderr.contains("trying again"), "{stderr}");
}
