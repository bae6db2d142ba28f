//! Hospital 1's storage agent (`ehr-storage-agent`) on a real dev node and
//! two kubos, as its operator runs it, against what a live consortium does
//! to it: a second process started on its state file, SIGKILL in the middle
//! of a pass (between a pin and the cursor, between a pin and the unpin of
//! the version it replaced, between an unpin and the release on chain), the
//! owner updating a record while the agent works on it, another hospital's
//! attestation built on an older view landing late, another hospital's
//! agent pointed at the same kubo, and an owner's update whose digest its
//! bytes do not have. Each time
//! the agent ends holding exactly the current ciphertexts, attested for
//! their current digests, and nothing else.

mod common;

use common::{
	kubo_holds, kubo_rpc, storage_agent_binary, until, wait_for_node, DevNode, Kubo, World,
	PASSPHRASE,
};
use ehr::{
	chain::{self, runtime, Client, Wait},
	keystore::KeystoreFile,
	storage::Ipfs,
	verified::Proven,
};
use runtime::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec, pallet_ehr_acl::types::NewContent,
};
use serde_json::Value;
use std::{
	collections::BTreeMap,
	io::BufRead,
	process::{Child, Command, Output, Stdio},
	sync::mpsc,
	time::Duration,
};

/// Long enough for a block to be made and finalized several times over.
const LIMIT: Duration = Duration::from_secs(120);

/// One `ehr-storage-agent` process; its JSON lines arrive on `lines`.
/// Killed on drop.
struct AgentRun {
	child: Child,
	lines: mpsc::Receiver<Value>,
}

impl AgentRun {
	fn start(mut command: Command) -> AgentRun {
		let mut child = command.stdout(Stdio::piped()).spawn().expect("start the agent");
		let stdout = child.stdout.take().expect("piped");
		let (send, lines) = mpsc::channel();
		std::thread::spawn(move || {
			for line in std::io::BufReader::new(stdout).lines() {
				let line = line.expect("the agent's output");
				let value = serde_json::from_str(&line).expect("one JSON action per line");
				if send.send(value).is_err() {
					return;
				}
			}
		});
		AgentRun { child, lines }
	}

	/// The next line that `wanted` accepts (the others are skipped).
	fn next(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
		let deadline = std::time::Instant::now() + LIMIT;
		loop {
			let left = deadline.saturating_duration_since(std::time::Instant::now());
			match self.lines.recv_timeout(left) {
				Ok(line) if wanted(&line) => return line,
				Ok(_) => {}
				Err(e) => panic!("the agent printed no {what}: {e}"),
			}
		}
	}

	/// SIGKILL, as a crash or `kill -9` would.
	fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	/// SIGTERM: the agent stops between passes, with exit code 0.
	fn stop(&mut self) {
		let pid = self.child.id().to_string();
		assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
		assert!(self.child.wait().unwrap().success(), "a clean stop");
	}
}

impl Drop for AgentRun {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The output of an agent that must stop by itself; one still running
/// after a minute is killed and the test fails.
fn refused(mut command: Command) -> Output {
	let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	while child.try_wait().unwrap().is_none() {
		if std::time::Instant::now() > deadline {
			let _ = child.kill();
			panic!("the agent runs on: it should have stopped");
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	child.wait_with_output().unwrap()
}

fn action(name: &'static str) -> impl Fn(&Value) -> bool {
	move |line| line["action"] == name
}

/// A test's chain, kubos and hospital 1's agent.
struct Hospital {
	w: World,
	/// The hospital's kubo, where its agent pins (the patient's client
	/// uploads through `w.kubo`, another hospital's).
	store: Kubo,
	client: Client,
}

impl Hospital {
	/// The agent's command, its cursor in `storage.json`.
	fn agent(&self) -> Command {
		self.agent_of("agent1", "storage.json")
	}

	/// The command of the agent with keystore `who` on the hospital's
	/// kubo, its cursor in `state`.
	fn agent_of(&self, who: &str, state: &str) -> Command {
		let dir = self.w.dir.path();
		let mut command = Command::new(storage_agent_binary());
		command
			.args(["--node", &self.w.node.ws_url, "--ipfs", &self.store.api])
			.args(["--interval", "1", "--pin-timeout", "30"])
			.arg("--keystore")
			.arg(self.w.keystore(who))
			.arg("--passphrase-file")
			.arg(dir.join("agent.pass"))
			.arg("--state")
			.arg(dir.join(state));
		command
	}

	fn start(&self) -> AgentRun {
		let run = AgentRun::start(self.agent());
		run.next("first pass", action("done"));
		run
	}

	/// The cursor the agent saved.
	fn cursor(&self) -> Value {
		let text = std::fs::read_to_string(self.w.dir.path().join("storage.json")).unwrap();
		serde_json::from_str(&text).unwrap()
	}

	fn add(&self, content: &[u8]) -> u64 {
		let file = self.w.file("record.txt", content);
		let added = self.w.ok("patient", &["record", "add", &file, "--kind", "observation"]);
		added["id"].as_u64().unwrap()
	}

	fn update(&self, id: u64, content: &[u8]) {
		let file = self.w.file("record.txt", content);
		self.w.ok("patient", &["record", "update", &id.to_string(), &file]);
	}

	/// Record `id`'s current CID and digest (hex).
	fn version(&self, id: u64) -> (String, String) {
		let record = &self.w.record(id)["record"];
		(record["cid"].as_str().unwrap().into(), record["digest"].as_str().unwrap().into())
	}

	/// The holding on chain of record `id`: digest (hex) and hospitals.
	async fn holding(&self, id: u64) -> Option<(String, Vec<u32>)> {
		let state = Proven::now(&self.client).await.unwrap();
		let holdings = runtime::storage().replication().holdings();
		let holding = state.fetch(holdings, (id,)).await.unwrap()?;
		Some((hex::encode(holding.digest), holding.holders.0))
	}

	/// The agent's pins on the hospital's kubo: CID → name.
	async fn pins(&self) -> BTreeMap<String, String> {
		let pins = Ipfs::new(&self.store.api).pins().await.unwrap();
		pins.into_iter().filter(|(_, name)| name.starts_with("ehr-hospital-")).collect()
	}

	/// Whether the kubo holds exactly the current ciphertext of each of
	/// `live` (named after it) and nothing else of the agent's, and hospital
	/// 1 is the one holder attested for each current digest.
	async fn holds_exactly(&self, live: &[u64]) -> bool {
		let mut wanted = BTreeMap::new();
		for &id in live {
			let (cid, digest) = self.version(id);
			if self.holding(id).await != Some((digest, vec![1])) {
				return false;
			}
			wanted.insert(cid, format!("ehr-hospital-1-record-{id}"));
		}
		self.pins().await == wanted
	}

	async fn settles(&self, what: &str, live: &[u64]) {
		until(what, LIMIT, || self.holds_exactly(live)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_storage_agent_killed_doubled_or_raced_ends_holding_what_the_chain_says() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let store = Kubo::start();
	let client = wait_for_node(&w.node.ws_url).await;
	// The two kubos are peers (the consortium's peering, here by hand).
	let uploads = kubo_rpc(&w.kubo.api, "id", None).await;
	let address = uploads["Addresses"][0].as_str().expect("a swarm address").to_string();
	let connected = kubo_rpc(&store.api, &format!("swarm/connect?arg={address}"), None).await;
	assert!(
		connected["Strings"][0].as_str().unwrap_or_default().contains("success"),
		"{connected}"
	);
	w.import("auditor", "//Two");
	w.import("patient", "//Ferdie");
	w.ok("patient", &["user", "register"]);
	w.import("agent1", "//Alice//storage");
	w.import("agent2", "//Bob//storage");
	w.file("agent.pass", PASSPHRASE.as_bytes());
	let h = Hospital { w, store, client };

	// A second process on the same state file stops at once and says why;
	// the first goes on.
	let mut agent = h.start();
	let second = refused(h.agent());
	let stderr = String::from_utf8_lossy(&second.stderr);
	assert_eq!(second.status.code(), Some(1), "{stderr}");
	assert!(stderr.contains("another storage agent runs with the state file"), "{stderr}");
	assert!(second.stdout.is_empty());
	assert!(agent.child.try_wait().unwrap().is_none(), "the first agent still runs");
	agent.stop();

	// Three records arrive while the agent is down; it is killed after its
	// first pin, before its cursor or any attestation: the restarted agent
	// pins and attests all three.
	let ids: Vec<u64> = (1..=3u8).map(|n| h.add(&[n; 4096])).collect();
	let mut agent = AgentRun::start(h.agent());
	let pinned = agent.next("pin", action("pinned"));
	agent.kill();
	let first = pinned["record"].as_u64().unwrap();
	assert!(h.cursor()["pinned"].get(first.to_string()).is_none(), "killed before its cursor");
	assert_eq!(
		h.pins().await.get(pinned["cid"].as_str().unwrap()),
		Some(&format!("ehr-hospital-1-record-{first}"))
	);
	assert_eq!(h.holding(first).await, None, "killed before it attested");
	let mut agent = h.start();
	h.settles("the restarted agent holds the three records", &ids).await;

	// Hospital 2's agent pointed at hospital 1's kubo would attest the
	// same copy as a second replica: it stops on seeing hospital 1's pins.
	let shared = refused(h.agent_of("agent2", "storage2.json"));
	let stderr = String::from_utf8_lossy(&shared.stderr);
	assert_eq!(shared.status.code(), Some(1), "{stderr}");
	assert!(stderr.contains("holds pins of hospital 1's storage agent"), "{stderr}");
	assert!(h.holds_exactly(&ids).await, "nothing changed");

	// Hospital 2's agent attests the first version of a record after
	// hospital 1 attested its second: the late attestation changes nothing.
	let (r1, r2, r3) = (ids[0], ids[1], ids[2]);
	let (_, first_digest) = h.version(r1);
	h.update(r1, b"second version");
	h.settles("hospital 1 holds the second version", &ids).await;
	let late = KeystoreFile::read(&h.w.keystore("agent2")).unwrap().unlock(PASSPHRASE).unwrap();
	let digest: [u8; 32] = hex::decode(&first_digest).unwrap().try_into().unwrap();
	let call =
		runtime::tx().replication().attest(BoundedVec(vec![(r1, digest)]), BoundedVec(vec![]));
	chain::submit(&h.client, &call, &late.signer, Wait::InBlock).await.unwrap();
	let (_, current) = h.version(r1);
	assert_eq!(h.holding(r1).await, Some((current, vec![1])), "the stale attestation is ignored");

	// Killed between pinning a record's third version and saving its
	// cursor; the owner writes a fourth meanwhile. The restarted agent holds
	// the fourth only: the second (in its cursor) and the third (pinned by
	// the killed process, in no cursor) are unpinned and collected.
	let (second_cid, _) = h.version(r1);
	h.update(r1, b"third version");
	let (third_cid, _) = h.version(r1);
	let pinned = agent.next("pin of the third version", |l| l["cid"] == third_cid.as_str());
	agent.kill();
	assert_eq!(pinned["action"], "pinned");
	assert_eq!(h.cursor()["pinned"][r1.to_string()]["cid"], second_cid.as_str());
	assert!(h.pins().await.contains_key(&third_cid));
	h.update(r1, b"fourth version");
	let mut agent = h.start();
	h.settles("the restarted agent holds the fourth version only", &ids).await;
	until("the older versions are collected", LIMIT, || async {
		!kubo_holds(&h.store.api, &second_cid).await && !kubo_holds(&h.store.api, &third_cid).await
	})
	.await;

	// The owner updates a record three times in a row while the agent
	// runs (each update waits for its block: a sequence, not a race): it
	// ends on the last, and the versions before are collected.
	let mut old = vec![h.version(r2).0];
	for n in 0..3u8 {
		h.update(r2, &[n; 2048]);
		old.push(h.version(r2).0);
	}
	let last = old.pop().unwrap();
	h.settles("the agent holds the last version", &ids).await;
	assert!(kubo_holds(&h.store.api, &last).await);
	until("the superseded versions are collected", LIMIT, || async {
		let mut any = false;
		for cid in &old {
			any |= kubo_holds(&h.store.api, cid).await;
		}
		!any
	})
	.await;

	// The owner gives a record a digest its bytes do not have (the bare
	// call: the client never does): the agent refuses that version, unpins
	// what it held, and releases its attestation of the older digest, which
	// an update back to that digest would otherwise revive.
	let patient = KeystoreFile::read(&h.w.keystore("patient")).unwrap().unlock(PASSPHRASE).unwrap();
	let owner = patient.signer.public_key().to_account_id();
	let state = Proven::now(&h.client).await.unwrap();
	let record = state.fetch(runtime::storage().ehr_acl().records(), (r2,)).await.unwrap().unwrap();
	let users = runtime::storage().ehr_acl().users();
	let user = state.fetch(users, (owner,)).await.unwrap().unwrap();
	let content = NewContent {
		based_on: record.key_version,
		cid: record.cid,
		ciphertext_digest: [9; 32],
		keys: BoundedVec(vec![(owner, user.enc_key_version, BoundedVec(vec![7; 80]))]),
	};
	let call = runtime::tx().ehr_acl().update_record(r2, content);
	chain::submit(&h.client, &call, &patient.signer, Wait::InBlock).await.unwrap();
	agent.next("refusal", |l| l["action"] == "refused" && l["record"] == r2);
	until("the older attestation is released", LIMIT, || async { h.holding(r2).await.is_none() })
		.await;
	h.settles("the refused record is unpinned", &[r1, r3]).await;

	// Killed between unpinning a removed record and releasing it on chain:
	// the restarted agent releases it, and no copy stays.
	let (removed_cid, _) = h.version(r3);
	h.w.ok("patient", &["record", "rm", &r3.to_string()]);
	agent.next("unpin of the removed record", |l| l["action"] == "unpinned" && l["record"] == r3);
	agent.kill();
	assert!(h.holding(r3).await.is_some(), "killed before the release");
	assert!(h.cursor()["pinned"].get(r3.to_string()).is_some(), "killed before its cursor");
	let _agent = h.start();
	h.settles("the removed record is released", &[r1]).await;
	until("the removed record's holding goes", LIMIT, || async { h.holding(r3).await.is_none() })
		.await;
	until("the removed record is collected", LIMIT, || async {
		!kubo_holds(&h.store.api, &removed_cid).await
	})
	.await;
	assert!(h.cursor()["pinned"].get(r3.to_string()).is_none());
}
