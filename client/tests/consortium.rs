//! The four-hospital consortium as `scripts/consortium` runs it: real
//! validator nodes and kubos on loopback. Faults: one validator down (the
//! chain goes on), two down (finality stalls, as GRANDPA must with 2 of 4,
//! and resumes when one returns), a node restarted from its base path
//! catches up with nothing lost, a node nobody authorised cannot sync, and a
//! fifth hospital joins through the council and then validates; the council
//! upgrades the running network's runtime. A record
//! written through hospital 1 is read through hospital 4's node and kubo.
//! Timings are printed for the README; nothing asserts on them.

mod common;

use common::{kubo_holds, until};
use ehr::{
	chain::{self, runtime, AccountId, ChainError, Client, Wait},
	crypto::{
		envelope, os_rng,
		wrap::{self, WrapContext},
	},
	emergency::{self, EmergencyError, EmergencyReason},
	keystore::{Keys, KeystoreFile},
	records::{self, Access, RecordKind, Role, Session},
	registration, replication,
	storage::Ipfs,
	verified::Proven,
};
use runtime::runtime_types::{
	ehr_runtime::SessionKeys, sp_consensus_aura::sr25519::app_sr25519::Public as AuraPublic,
	sp_consensus_grandpa::app::Public as GrandpaPublic, sp_core::OpaquePeerId,
};
use std::{
	process::Command,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::{dev, Keypair};

const PORT_BASE: u16 = 23_000;

/// `scripts/consortium` with its data in a temporary directory; stopped on
/// drop.
struct Consortium {
	data: tempfile::TempDir,
}

impl Consortium {
	fn run(&self, args: &[&str]) {
		let root = common::workspace_root();
		let out = Command::new(root.join("scripts/consortium"))
			.args(args)
			.env("EHR_DATA_DIR", self.data.path())
			.env("EHR_CONSORTIUM_PORT_BASE", PORT_BASE.to_string())
			.env("NODE_BIN", common::node_binary())
			.env("EHR_BIN", common::ehr_binary())
			.env("EHR_STORAGE_AGENT_BIN", common::storage_agent_binary())
			.output()
			.expect("run scripts/consortium");
		assert!(
			out.status.success(),
			"scripts/consortium {}: {}",
			args.join(" "),
			String::from_utf8_lossy(&out.stderr)
		);
	}

	fn node_url(n: u16) -> String {
		format!("ws://127.0.0.1:{}", PORT_BASE + 200 + n)
	}

	fn ipfs_api(n: u16) -> String {
		format!("http://127.0.0.1:{}", PORT_BASE + 400 + n)
	}

	fn ipfs(n: u16) -> Ipfs {
		Ipfs::new(&Self::ipfs_api(n))
	}

	fn log(&self, n: u16) -> String {
		std::fs::read_to_string(self.data.path().join(format!("consortium/node{n}.log")))
			.unwrap_or_default()
	}
}

impl Drop for Consortium {
	fn drop(&mut self) {
		self.run(&["stop"]);
	}
}

async fn connect(n: u16) -> Client {
	for _ in 0..120 {
		if let Ok(client) = chain::connect(&Consortium::node_url(n)).await {
			return client;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	panic!("hospital {n}'s node does not answer");
}

async fn best(client: &Client) -> u64 {
	chain::at_best(client).await.expect("best block").block_number()
}

async fn finalized(client: &Client) -> u64 {
	client.at_current_block().await.expect("finalized block").block_number()
}

/// Mean time from a block becoming best to its finalization, over `blocks`
/// consecutive blocks, polling every 100 ms.
async fn finality_lag(client: &Client, blocks: u64) -> Duration {
	let first = best(client).await + 1;
	let mut produced = std::collections::BTreeMap::new();
	let (mut next, mut total, start) = (first, Duration::ZERO, Instant::now());
	while next < first + blocks {
		assert!(start.elapsed() < Duration::from_secs(180), "blocks are not being finalized");
		for n in first..=best(client).await {
			produced.entry(n).or_insert_with(Instant::now);
		}
		let f = finalized(client).await;
		while next <= f && next < first + blocks {
			total += produced.get(&next).map_or(Duration::ZERO, Instant::elapsed);
			next += 1;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	total / blocks as u32
}

/// A user with a keystore for `suri` (an endowed dev account).
fn session(client: &Client, ipfs: u16, suri: &str) -> Session {
	Session {
		chain: client.clone(),
		ipfs: Consortium::ipfs(ipfs),
		keys: Keys::from_secret_uri(suri, &mut os_rng()).expect("dev account"),
		progress: None,
		contacts: None,
		wait: Wait::InBlock,
	}
}

/// `ehr` as a council member would run it, against hospital 1's node: one
/// keystore per dev account, imported on first use.
struct Gov {
	dir: tempfile::TempDir,
}

impl Gov {
	fn new() -> Gov {
		Gov { dir: tempfile::tempdir().unwrap() }
	}

	fn command(&self, suri: &str, args: &[&str]) -> std::process::Output {
		let keystore = self.dir.path().join(format!("{}.json", suri.trim_start_matches('/')));
		let ehr = |args: &[&str]| {
			Command::new(common::ehr_binary())
				.args(args)
				.arg("--json")
				.env("XDG_CONFIG_HOME", self.dir.path())
				.env("EHR_NODE_URL", Consortium::node_url(1))
				.env("EHR_KEYSTORE", &keystore)
				.env("EHR_PASSPHRASE", common::PASSPHRASE)
				.env("EHR_SURI", suri)
				.output()
				.expect("run ehr")
		};
		if !keystore.exists() {
			let imported = ehr(&["keys", "import"]);
			assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
		}
		ehr(args)
	}

	/// `ehr ARGS --json` as `suri`, which must succeed.
	fn ok(&self, suri: &str, args: &[&str]) -> serde_json::Value {
		let out = self.command(suri, args);
		assert!(
			out.status.success(),
			"{suri}: ehr {}: {}",
			args.join(" "),
			String::from_utf8_lossy(&out.stderr)
		);
		serde_json::from_slice(&out.stdout).expect("--json output")
	}

	/// The motion `proposed` gets the ayes of `voters`; `closer` closes it
	/// and it runs.
	fn passes(&self, proposed: &serde_json::Value, voters: &[&str], closer: &str) {
		let index = proposed["index"].to_string();
		for voter in voters {
			self.ok(voter, &["gov", "vote", &index, "--aye"]);
		}
		let closed = self.ok(closer, &["gov", "close", &index]);
		assert_eq!(closed["outcome"], "executed", "{closed}");
		assert!(closed["error"].is_null(), "{closed}");
	}
}

/// Break-glass with a threshold of 3 of the 4 hospitals, each running its
/// escrow agent beside its node (`scripts/consortium agent N`): the council
/// registers the four escrow keys in one motion and sets accesses to 50
/// blocks (5 minutes; the runtime allows 30 and more); the patient escrows
/// record `id`; a doctor of hospital 1 without access reads it once the
/// agents approved and released (the time from request to readable is
/// printed). Hospital 1's agent stops, so that nothing closes that request
/// before the test sees it end. Meanwhile, for a doctor of hospital 2: with
/// two hospitals refusing, the request is closed; with two agents down,
/// nothing is released. The agents are stopped at the end; the first
/// request is left to end while the test goes on ([`access_ends`]).
async fn break_glass(
	c: &Consortium,
	h1: &Client,
	patient: &Session,
	id: records::RecordId,
) -> Expiring {
	for n in ["1", "2", "3", "4"] {
		c.run(&["agent", n, "approve"]);
	}
	let gov = Gov::new();
	let mut args = vec!["gov", "propose", "escrow-key"];
	for n in ["1", "2", "3", "4"] {
		args.extend(["--org", n]);
	}
	let files: Vec<String> = (1..=4)
		.map(|n| c.data.path().join(format!("consortium/agent{n}.escrow.json")))
		.map(|p| p.to_str().unwrap().to_string())
		.collect();
	args.extend(files.iter().map(String::as_str));
	let proposed = gov.ok("//Alice", &args);
	gov.passes(&proposed, &["//Bob", "//Charlie"], "//Dave");
	let length = ["gov", "propose", "set-parameter", "emergency-access-blocks", "50"];
	let proposed = gov.ok("//Alice", &length);
	gov.passes(&proposed, &["//Bob", "//Charlie"], "//Dave");
	let deposited = patient.escrow_shares(id).await.unwrap();
	assert_eq!((deposited.hospitals.len(), deposited.threshold), (4, 3));
	one_hospital_rebuilds_nothing(c, h1, patient, id).await;

	// Hospitals 1 and 2's registrars register an emergency doctor each;
	// neither holds a grant on the record.
	let first_doctor = emergency_doctor(h1, "//Alice", "//Ferdie").await;
	let doctor = emergency_doctor(h1, "//Bob", "//Ferdie//stash").await;
	let dir = tempfile::tempdir().unwrap();
	let out = dir.path().join("emergency.json");
	let released = |emergency| async move {
		emergency::request(h1, emergency).await.unwrap().map_or(0, |r| r.released.0.len())
	};

	let asked = Instant::now();
	let made = first_doctor.break_glass(id, EmergencyReason::Unconscious, None).await.unwrap();
	until("three shares released", Duration::from_secs(180), || async {
		released(made.emergency).await >= 3
	})
	.await;
	let (read, _) = first_doctor.emergency_read(made.emergency, &out).await.unwrap();
	assert_eq!(read, id);
	assert!(std::fs::read(&out).unwrap().starts_with(b"{\"resourceType\""));
	println!(
		"break-glass, 3 of 4 agents: request to readable {:.1} s (agents poll every 3 s, on finalized state)",
		asked.elapsed().as_secs_f64()
	);
	let (first, end) = (made.emergency, made.expires_at);
	c.run(&["agent-stop", "1"]);

	// Two hospitals refuse: three approvals can no longer come, and the
	// request is closed.
	for n in ["3", "4"] {
		c.run(&["agent-stop", n]);
		c.run(&["agent", n, "refuse"]);
	}
	let made = doctor.break_glass(id, EmergencyReason::LifeThreatening, None).await.unwrap();
	until("the refusals close the request", Duration::from_secs(180), || async {
		emergency::request(h1, made.emergency).await.unwrap().is_none()
	})
	.await;
	let refused = doctor.emergency_read(made.emergency, &out).await;
	assert!(matches!(refused, Err(EmergencyError::NotOpen(_))), "{refused:?}");

	// Two agents down (1 and 4): two approvals, no share released.
	for n in ["3", "4"] {
		c.run(&["agent-stop", n]);
	}
	c.run(&["agent", "3", "approve"]);
	let made = doctor.break_glass(id, EmergencyReason::Unconscious, None).await.unwrap();
	until("two approvals", Duration::from_secs(180), || async {
		let request = emergency::request(h1, made.emergency).await.unwrap().unwrap();
		request.answers.0.iter().filter(|a| a.approve).count() == 2
	})
	.await;
	let later = best(h1).await + 3;
	until("three more blocks", Duration::from_secs(60), || async { best(h1).await >= later }).await;
	assert_eq!(released(made.emergency).await, 0);
	let missing = doctor.emergency_read(made.emergency, &out).await;
	assert!(matches!(missing, Err(EmergencyError::SharesMissing { .. })), "{missing:?}");
	doctor.close_emergency(made.emergency).await.unwrap();

	for n in ["2", "3"] {
		c.run(&["agent-stop", n]);
	}
	Expiring { doctor: first_doctor, emergency: first, end }
}

/// Hospital 1's escrow key alone opens nothing: its share of record `id`,
/// opened with its agent's keystore (as a hostile hospital could), is not
/// the record's key and does not open the record's envelope, which the
/// key does.
async fn one_hospital_rebuilds_nothing(
	c: &Consortium,
	h1: &Client,
	patient: &Session,
	id: records::RecordId,
) {
	let file = |name: &str| c.data.path().join("consortium").join(name);
	let pass = std::fs::read_to_string(file("agent1.pass")).unwrap();
	let agent = KeystoreFile::read(&file("agent1.json")).unwrap().unlock(pass.trim_end()).unwrap();
	let deposit = emergency::deposit(h1, id).await.unwrap().unwrap();
	let share = deposit.shares.0.into_iter().find(|s| s.org == 1).unwrap();
	let view = chain::query::record(h1, id).await.unwrap().unwrap();
	let r = &view.record;
	let genesis_hash = h1.genesis_hash().0;
	let (owner, ciphertext_digest, key_version) = (r.owner.0, r.ciphertext_digest, r.key_version);
	let escrowed = WrapContext::EscrowShare {
		genesis_hash,
		owner,
		ciphertext_digest,
		key_version,
		org: 1,
		escrow_key_version: share.escrow_key_version,
		x: share.index,
	};
	let opened = wrap::unwrap(&share.wrapped.0, &agent.encryption, &escrowed).unwrap();
	let own = view.grant_of(&patient.account()).unwrap();
	let granted = WrapContext::V2 { genesis_hash, owner, ciphertext_digest, key_version };
	let key = wrap::unwrap(&own.wrapped_key.0, &patient.keys.encryption, &granted).unwrap();
	assert_ne!(opened.as_bytes(), key.as_bytes());
	let cid = String::from_utf8(r.cid.0.clone()).unwrap();
	let head = patient.ipfs.head(&cid, envelope::HEADER_LEN).await.unwrap();
	let header: [u8; envelope::HEADER_LEN] = head.try_into().unwrap();
	assert!(envelope::opens(&key, &header).is_ok());
	assert!(envelope::opens(&opened, &header).is_err(), "a share is not a key");
}

/// The CID of record `id`, read through `client`.
async fn cid_of(client: &Client, id: records::RecordId) -> String {
	let view = chain::query::record(client, id).await.unwrap().expect("the record exists");
	String::from_utf8(view.record.cid.0).unwrap()
}

/// Every hospital's storage agent pins record `id`; hospital 1 loses its
/// kubo and repo, the record is still read through hospital 3, and hospital
/// 1 comes back empty and pins it again. A removed record leaves no copy on
/// any kubo, and its holdings go. A kubo outside the private network,
/// knowing the CID, can neither connect to a hospital's nor fetch it.
/// `patient` (the records' owner) comes back, for the rest of the test.
async fn records_survive_a_hospital(
	c: &Consortium,
	h1: &Client,
	id: records::RecordId,
	patient: Session,
) -> Session {
	let cid = cid_of(h1, id).await;
	until("every hospital pins the record", Duration::from_secs(120), || async {
		let replicas = replication::replicas(h1, id).await.unwrap().unwrap();
		replicas.holders.len() == 4
	})
	.await;
	for n in 1..=4 {
		assert!(Consortium::ipfs(n).is_pinned(&cid).await.unwrap(), "hospital {n}");
	}

	// Hospital 1 loses its storage: kubo killed, repo deleted.
	c.run(&["storage-stop", "1"]);
	c.run(&["kubo-kill", "1"]);
	std::fs::remove_dir_all(c.data.path().join("consortium/kubo1")).unwrap();
	let reader = Session { chain: connect(3).await, ipfs: Consortium::ipfs(3), ..patient };
	let dir = tempfile::tempdir().unwrap();
	let read = dir.path().join("through-3.json");
	reader.get_record(id, &read).await.expect("the record is read through hospital 3");

	// It comes back with an empty repo (a new peer id): its agent sees it
	// and pins what it should hold.
	let back = Instant::now();
	c.run(&["kubo-start", "1"]);
	c.run(&["storage", "1"]);
	until("hospital 1 pins the record again", Duration::from_secs(120), || async {
		Consortium::ipfs(1).is_pinned(&cid).await.unwrap_or(false)
	})
	.await;
	assert!(kubo_holds(&Consortium::ipfs_api(1), &cid).await);
	println!(
		"hospital 1 came back with an empty repo and held the record again {:.1} s later",
		back.elapsed().as_secs_f64()
	);
	let log = std::fs::read_to_string(c.data.path().join("consortium/storage1.log")).unwrap();
	assert!(log.contains("the IPFS repo is new"), "{log}");

	// A hostile owner names that record's CID for a record of its own, with
	// another digest: every agent reads the bytes, refuses the record
	// without touching the pin the other record needs, and attests nothing.
	let forged = {
		use runtime::runtime_types::bounded_collections::bounded_vec::BoundedVec;
		let me = reader.account();
		let user = chain::query::user(h1, &me).await.unwrap().expect("registered");
		let owner_key = user.enc_key_version;
		let call = runtime::tx().ehr_acl().add_record(
			me,
			BoundedVec(cid.clone().into_bytes()),
			[9; 32],
			RecordKind::Note,
			(owner_key, BoundedVec(vec![7; 80])),
			None,
			BoundedVec(Vec::new()),
		);
		let events = chain::submit(h1, &call, &reader.keys.signer, Wait::InBlock).await.unwrap();
		chain::first_event::<runtime::ehr_acl::events::RecordAdded>(&events, "EhrAcl.RecordAdded")
			.unwrap()
			.id
	};
	until("every agent refuses the forged record", Duration::from_secs(120), || async {
		(1..=4).all(|n| {
			let log =
				std::fs::read_to_string(c.data.path().join(format!("consortium/storage{n}.log")))
					.unwrap_or_default();
			log.contains(&format!("\"action\":\"refused\",\"record\":{forged}"))
		})
	})
	.await;
	for n in 1..=4 {
		assert!(
			Consortium::ipfs(n).is_pinned(&cid).await.unwrap(),
			"hospital {n} unpinned a victim"
		);
	}
	assert!(replication::replicas(h1, forged).await.unwrap().unwrap().holders.is_empty());

	// Erasure: a record added through hospital 2, held by all four, then
	// removed by its owner (with the forged one).
	let patient = Session { chain: h1.clone(), ipfs: Consortium::ipfs(2), ..reader };
	let file = dir.path().join("erase-me.json");
	std::fs::write(&file, br#"{"resourceType":"Observation","code":"erase"}"#).unwrap();
	let gone =
		patient.add_record(&patient.account(), &file, RecordKind::Lab, None, &[]).await.unwrap();
	let gone_cid = cid_of(h1, gone).await;
	until("every hospital pins the second record", Duration::from_secs(120), || async {
		let replicas = replication::replicas(h1, gone).await.unwrap().unwrap();
		replicas.holders.len() == 4
	})
	.await;
	patient.remove_record(gone).await.unwrap();
	// The forged record goes by the bare call: `ehr record rm` would unpin
	// its CID on the kubo it uses, which is the other record's (any client
	// of a kubo's API can unpin anything; hospitals keep the API from
	// patients' reach, and the agents re-pin at their next reconcile).
	let rm = runtime::tx().ehr_acl().remove_record(forged);
	chain::submit(h1, &rm, &patient.keys.signer, Wait::InBlock).await.unwrap();
	let erased = Instant::now();
	until("no kubo keeps a copy", Duration::from_secs(120), || async {
		let mut any = false;
		for n in 1..=4 {
			any |= kubo_holds(&Consortium::ipfs_api(n), &gone_cid).await;
		}
		!any
	})
	.await;
	until("the holdings go", Duration::from_secs(60), || async {
		let state = Proven::now(h1).await.unwrap();
		let holdings = runtime::storage().replication().holdings();
		state.fetch(holdings, (gone,)).await.unwrap().is_none()
	})
	.await;
	println!(
		"record removed: no copy on any of the 4 kubos {:.1} s later",
		erased.elapsed().as_secs_f64()
	);
	assert!(replication::status(h1, true).await.unwrap().is_empty(), "every record durable");

	// A kubo without the consortium's swarm key.
	let outsider = dir.path().join("outsider");
	let root = common::workspace_root();
	let ipfs = |command: &str| {
		let out = Command::new(root.join("scripts/ipfs"))
			.arg(command)
			.env("EHR_DATA_DIR", &outsider)
			.env("EHR_IPFS_API_PORT", (PORT_BASE + 700).to_string())
			.env("EHR_IPFS_SWARM_PORT", (PORT_BASE + 701).to_string())
			.env("EHR_IPFS_GATEWAY_PORT", (PORT_BASE + 702).to_string())
			.env_remove("EHR_IPFS_SWARM_KEY")
			.output()
			.unwrap();
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	};
	ipfs("start");
	let api = format!("http://127.0.0.1:{}/api/v0", PORT_BASE + 700);
	let peer = Consortium::ipfs(3).peer_id().await.unwrap();
	let address = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", PORT_BASE + 503);
	let http = reqwest::Client::new();
	let connect =
		http.post(format!("{api}/swarm/connect")).query(&[("arg", &address)]).send().await.unwrap();
	let fetch = http
		.post(format!("{api}/block/get"))
		.query(&[("arg", cid.as_str()), ("timeout", "10s")])
		.send()
		.await
		.unwrap();
	ipfs("stop");
	assert!(!connect.status().is_success(), "an outsider kubo connected to hospital 3's");
	assert!(!fetch.status().is_success(), "an outsider kubo fetched a record by its CID");
	Session { ipfs: Consortium::ipfs(1), ..patient }
}

/// The request [`break_glass`] leaves open, to see its access end later.
struct Expiring {
	doctor: Session,
	emergency: emergency::EmergencyId,
	end: u32,
}

/// The access ends: its read is refused (nothing is written), and hospital
/// 1's agent, started again, closes the request; then it stops.
async fn access_ends(c: &Consortium, h1: &Client, open: Expiring) {
	until("the first access ends", Duration::from_secs(300), || async {
		finalized(h1).await >= u64::from(open.end)
	})
	.await;
	let dir = tempfile::tempdir().unwrap();
	let after = dir.path().join("expired.json");
	let expired = open.doctor.emergency_read(open.emergency, &after).await;
	assert!(matches!(expired, Err(EmergencyError::Expired { .. })), "{expired:?}");
	assert!(!after.exists());
	c.run(&["agent", "1", "approve"]);
	until("hospital 1's agent closes the ended request", Duration::from_secs(120), || async {
		emergency::request(h1, open.emergency).await.unwrap().is_none()
	})
	.await;
	c.run(&["agent-stop", "1"]);
}

/// A doctor registered by `registrar`'s hospital, through hospital 1.
async fn emergency_doctor(h1: &Client, registrar: &str, suri: &str) -> Session {
	let registrar = session(h1, 1, registrar);
	let hospital = chain::query::registrar_org(h1, &registrar.account()).await.unwrap().unwrap();
	let doctor = session(h1, 1, suri);
	let consent = registration::consent(
		&doctor.keys.signer,
		&doctor.keys.encryption,
		h1.genesis_hash().0,
		Role::Doctor,
		(hospital, 0),
	);
	registrar.register_consented(&consent).await.unwrap();
	doctor
}

fn account(keypair: &Keypair) -> AccountId {
	keypair.public_key().to_account_id()
}

#[tokio::test(flavor = "multi_thread")]
async fn hospitals_survive_faults_and_admit_a_fifth() {
	// The runtime the council upgrades to at the end, read first so that a
	// run without it fails at once.
	let upgrade = upgrade_wasm();
	let c = Consortium { data: tempfile::tempdir().unwrap() };
	let started = Instant::now();
	c.run(&["start"]);
	let h1 = connect(1).await;
	let to_first = until("first finalized block", Duration::from_secs(120), || async {
		finalized(&h1).await >= 1
	})
	.await;
	println!(
		"4 validators: first block finalized {:.1} s after start",
		(started.elapsed()).as_secs_f64()
	);
	let _ = to_first;
	println!(
		"4 validators: best → finalized {:.1} s (mean of 5 blocks)",
		finality_lag(&h1, 5).await.as_secs_f64()
	);

	// A patient at hospital 1 stores a record and grants a doctor that
	// hospital 4 registered.
	let patient = session(&h1, 1, "//One");
	let doctor_keys = Keys::from_secret_uri("//Two", &mut os_rng()).unwrap();
	patient.register_self(Role::Patient).await.unwrap();
	let registrar = session(&h1, 1, "//Dave");
	let hospital = chain::query::registrar_org(&registrar.chain, &registrar.account())
		.await
		.unwrap()
		.expect("Dave is a registrar");
	let genesis = registrar.chain.genesis_hash().0;
	let consent = registration::consent(
		&doctor_keys.signer,
		&doctor_keys.encryption,
		genesis,
		Role::Doctor,
		(hospital, 0),
	);
	registrar
		.register_consented(&consent)
		.await
		.expect("hospital 4's registrar registers the doctor");
	let dir = tempfile::tempdir().unwrap();
	let file = dir.path().join("lab.json");
	std::fs::write(&file, br#"{"resourceType":"Observation","code":"HbA1c","value":"6.1%"}"#)
		.unwrap();
	let id =
		patient.add_record(&patient.account(), &file, RecordKind::Lab, None, &[]).await.unwrap();
	let added = Instant::now();
	let replicas = replication::wait_durable(&h1, id, Duration::from_secs(120), |_| {})
		.await
		.expect("the hospitals' storage agents pin the record");
	assert!(replicas.holders.len() >= 2 && replicas.needed == 2, "{replicas:?}");
	println!(
		"record added through hospital 1 held by {:?} {:.1} s after it was added (k = 2 of 4)",
		replicas.holders,
		added.elapsed().as_secs_f64()
	);
	patient.grant(id, &[account(&doctor_keys.signer)], Access::Read, None).await.unwrap();

	let expiring = break_glass(&c, &h1, &patient, id).await;

	// One validator down: blocks and finality go on.
	c.run(&["kill", "4"]);
	let f = finalized(&h1).await;
	until("finality with 3 of 4", Duration::from_secs(60), || async {
		finalized(&h1).await >= f + 3
	})
	.await;
	println!(
		"3 validators: best → finalized {:.1} s (mean of 5 blocks)",
		finality_lag(&h1, 5).await.as_secs_f64()
	);

	// Two down: blocks still come (in the live validators' slots), finality
	// stops.
	c.run(&["kill", "3"]);
	tokio::time::sleep(Duration::from_secs(12)).await;
	let (stalled_at, best_then) = (finalized(&h1).await, best(&h1).await);
	tokio::time::sleep(Duration::from_secs(30)).await;
	assert_eq!(finalized(&h1).await, stalled_at, "GRANDPA must not finalize with 2 of 4");
	assert!(best(&h1).await > best_then, "the two live validators keep producing blocks");

	// One comes back: finality resumes.
	let back = Instant::now();
	c.run(&["restart", "3"]);
	until("finality resumes", Duration::from_secs(180), || async {
		finalized(&h1).await > stalled_at
	})
	.await;
	println!(
		"2 → 3 validators: finality resumed {:.1} s after the restart",
		back.elapsed().as_secs_f64()
	);

	// The node killed first restarts from its base path and catches up; the
	// record written before the kill is served by hospital 4's node and kubo.
	let back = Instant::now();
	c.run(&["restart", "4"]);
	let h4 = connect(4).await;
	let (target, target_best) = (finalized(&h1).await, best(&h1).await);
	until("hospital 4 catches up", Duration::from_secs(180), || async {
		finalized(&h4).await >= target && best(&h4).await >= target_best
	})
	.await;
	println!(
		"hospital 4 restarted and caught up {:.1} s after the restart",
		back.elapsed().as_secs_f64()
	);
	// A fresh connection, as each `ehr` run makes. Calls through a node that
	// has just caught up used to be refused as "ancient birth block" until
	// `chain::submit` anchored their lifetime at the finalized block.
	let doctor = Session {
		chain: connect(4).await,
		ipfs: Consortium::ipfs(4),
		keys: doctor_keys,
		progress: None,
		contacts: None,
		wait: Wait::InBlock,
	};
	let read = dir.path().join("read.json");
	doctor.get_record(id, &read).await.expect("read through hospital 4");
	assert_eq!(std::fs::read(&read).unwrap(), std::fs::read(&file).unwrap());

	let patient = records_survive_a_hospital(&c, &h1, id, patient).await;

	// A node nobody authorised finds no peer that will talk to it.
	c.run(&["outsider"]);
	let outsider = connect(6).await;
	tokio::time::sleep(Duration::from_secs(30)).await;
	assert_eq!(best(&outsider).await, 0, "an unauthorised node must not sync");
	assert!(c.log(6).contains("0 peers") || !c.log(6).contains("Imported #1"), "{}", c.log(6));

	// Meanwhile the first emergency access ran out.
	access_ends(&c, &h1, expiring).await;

	// Before the council admits the fifth hospital's node, an unrelated
	// account (Ferdie) tries to claim its peer id: no signed account may.
	let squat = chain::submit(
		&h1,
		&runtime::transactions()
			.node_authorization()
			.claim_node(OpaquePeerId(HOSPITAL_5_PEER.to_vec())),
		&dev::ferdie(),
		Wait::InBlock,
	)
	.await;
	assert!(
		matches!(&squat, Err(ChainError::Rejected { pallet, name, .. }) if pallet == "System" && name == "CallFiltered"),
		"a stranger claimed the joining hospital's node: {squat:?}"
	);

	// A fifth hospital (Eve) joins: the council admits it with `ehr gov`,
	// one motion that makes Eve a council member, registrar of hospital 5,
	// owner of its node and a validator (two thirds: three of four); a
	// session boundary passes before Eve's node makes its session keys
	// (with a proof that Eve owns them) and Eve registers them on chain. The
	// validators pallet hands the session the new set once the keys are
	// there: before that fix, the boundary without keys consumed the change
	// and Eve never validated.
	let gov = Gov::new();
	let eve = account(&dev::eve()).to_string();
	let peer = bs58::encode(HOSPITAL_5_PEER).into_string();
	let admit = gov
		.ok("//Alice", &["gov", "propose", "admit-hospital", &eve, "--org", "5", "--peer", &peer]);
	assert_eq!(admit["threshold"], 3, "{admit}");
	gov.passes(&admit, &["//Bob", "//Charlie"], "//Dave");
	let joined = Instant::now();
	c.run(&["start", "5"]);
	let length = session_length(&h1).await;
	assert_eq!(length, 10, "the consortium preset's short sessions");
	let boundary = (best(&h1).await / length + 1) * length;
	until("a session boundary after add_validator", Duration::from_secs(120), || async {
		best(&h1).await > boundary
	})
	.await;
	let generated = rotate_keys_with_owner(5, &account(&dev::eve())).await;
	let keys = SessionKeys {
		aura: AuraPublic(generated.0[..32].try_into().unwrap()),
		grandpa: GrandpaPublic(generated.0[32..64].try_into().unwrap()),
	};
	chain::submit(
		&h1,
		&runtime::transactions().session().set_keys(keys, generated.1),
		&dev::eve(),
		Wait::InBlock,
	)
	.await
	.expect("session keys set");
	let h5 = connect(5).await;
	until("hospital 5 syncs", Duration::from_secs(180), || async {
		best(&h5).await + 2 >= best(&h1).await
	})
	.await;
	until("hospital 5 authors a block", Duration::from_secs(300), || async {
		c.log(5).contains("Prepared block for proposing")
	})
	.await;
	println!(
		"hospital 5 authored its first block {:.1} s after its node started",
		joined.elapsed().as_secs_f64()
	);

	// A live runtime upgrade: three of the four council members authorise
	// this runtime with spec_version + 1 (two thirds, as root); the fifth
	// hospital, not on the council, applies the code. Blocks and finality go
	// on, every node runs the new version, the record written before is
	// intact, and the client, built for the old runtime, still reads and
	// writes (the upgrade changed no type it uses).
	let old = spec_version(1).await;
	// Five seats now: root takes four ayes.
	let motion = gov.ok("//Alice", &["gov", "propose", "upgrade", &upgrade]);
	assert_eq!(motion["threshold"], 4, "{motion}");
	gov.passes(&motion, &["//Bob", "//Charlie", "//Dave"], "//Eve");
	let record_key =
		Proven::now(&h1).await.unwrap().key(runtime::storage().ehr_acl().records(), (id,)).unwrap();
	let storage_of_record = || async {
		rpc(1, "state_getStorage", serde_json::json!([format!("0x{}", hex::encode(&record_key))]))
			.await
	};
	let before = storage_of_record().await;
	let start = best(&h1).await;
	gov.ok("//Eve", &["gov", "apply-upgrade", &upgrade]);
	let included = Instant::now();
	// U: the block that applied the code (the first whose state holds the
	// new version); U + 1 is the first block the new runtime runs.
	let mut upgraded = start + 1;
	loop {
		until("the next block", Duration::from_secs(60), || async { best(&h1).await >= upgraded })
			.await;
		if spec_version_at(upgraded).await == Some(old + 1) {
			break;
		}
		upgraded += 1;
	}
	assert_eq!(spec_version_at(upgraded - 1).await, Some(old));
	until("finality past the upgrade", Duration::from_secs(120), || async {
		finalized(&h1).await > upgraded
	})
	.await;
	let finality_pause = included.elapsed();
	println!(
		"runtime upgrade {old} -> {}: slots without a block: {} before the upgrade block, {} after it; its successor finalized {:.1} s after it was included",
		old + 1,
		missed_slots(&h1, upgraded - 1).await,
		missed_slots(&h1, upgraded).await,
		finality_pause.as_secs_f64()
	);
	for n in 1..=5 {
		until("every node runs the new runtime", Duration::from_secs(60), || async {
			spec_version(n).await == old + 1
		})
		.await;
	}
	assert_eq!(before, storage_of_record().await, "the record is intact");
	let patient = Session { chain: connect(1).await, ..patient };
	patient
		.revoke(id, &account(&doctor.keys.signer), false)
		.await
		.expect("a write after the upgrade");
	let read = dir.path().join("read-after.json");
	patient.get_record(id, &read).await.expect("a read after the upgrade");
	assert_eq!(std::fs::read(&read).unwrap(), std::fs::read(&file).unwrap());
}

/// The `result` of JSON-RPC `method` on hospital `n`'s node.
async fn rpc(n: u16, method: &str, params: serde_json::Value) -> serde_json::Value {
	let request =
		serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
	let reply: serde_json::Value = reqwest::Client::new()
		.post(format!("http://127.0.0.1:{}", PORT_BASE + 200 + n))
		.json(&request)
		.send()
		.await
		.expect("node RPC")
		.json()
		.await
		.expect("JSON reply");
	reply.get("result").cloned().unwrap_or_else(|| panic!("{method}: {reply}"))
}

/// The `specVersion` hospital `n`'s node runs.
async fn spec_version(n: u16) -> u64 {
	rpc(n, "state_getRuntimeVersion", serde_json::json!([])).await["specVersion"]
		.as_u64()
		.expect("specVersion")
}

/// The path of this runtime's wasm with `spec_version` one higher
/// (`scripts/upgrade-runtime`, which `scripts/test` runs first).
fn upgrade_wasm() -> String {
	let path = std::env::var("EHR_UPGRADE_WASM").expect(
		"EHR_UPGRADE_WASM names the upgrade runtime: run scripts/test, or \
		 EHR_UPGRADE_WASM=$(scripts/upgrade-runtime) cargo test --test consortium",
	);
	assert!(std::path::Path::new(&path).is_file(), "{path} is not a file");
	path
}

/// Hospital 1's hash of block `number`.
async fn block_hash(number: u64) -> subxt::utils::H256 {
	let hash = rpc(1, "chain_getBlockHash", serde_json::json!([number])).await;
	hash.as_str().expect("a block hash").parse().expect("hex")
}

/// The `specVersion` in the state after block `number` (`None`: no such
/// block yet).
async fn spec_version_at(number: u64) -> Option<u64> {
	let hash = rpc(1, "chain_getBlockHash", serde_json::json!([number])).await;
	let hash = hash.as_str()?;
	rpc(1, "state_getRuntimeVersion", serde_json::json!([hash])).await["specVersion"].as_u64()
}

/// The Aura slot block `number` was authored in.
async fn slot(client: &Client, number: u64) -> u64 {
	let at = client
		.at_block(subxt::backend::BlockRef::from_hash(block_hash(number).await))
		.await
		.expect("the block");
	at.storage()
		.fetch(runtime::storage().aura().current_slot(), ())
		.await
		.expect("Aura.CurrentSlot")
		.decode()
		.expect("decodes")
		.0
}

/// Aura slots without a block between block `number` and the next.
async fn missed_slots(client: &Client, number: u64) -> u64 {
	slot(client, number + 1).await - slot(client, number).await - 1
}

/// Blocks per session (`Validators.SessionLength`, final state).
async fn session_length(client: &Client) -> u64 {
	let length = client
		.at_current_block()
		.await
		.expect("finalized block")
		.storage()
		.fetch(runtime::storage().validators().session_length(), ())
		.await
		.expect("Validators.SessionLength")
		.decode()
		.expect("decodes");
	length.into()
}

/// Raw libp2p peer id of hospital 5's node key (0x…05), as
/// `ehr-node key inspect-node-key` prints it, base58-decoded.
const HOSPITAL_5_PEER: [u8; 38] = hex_literal::hex!(
	"002408011220fde4fba030ad002f7c2f7d4c331f49d13fb0ec747eceebec634f1ff4cbca9def"
);

/// `author_rotateKeysWithOwner` on hospital `n`'s node: new session keys
/// in its keystore, and the proof that `owner` holds them.
async fn rotate_keys_with_owner(n: u16, owner: &AccountId) -> (Vec<u8>, Vec<u8>) {
	let reply = rpc(
		n,
		"author_rotateKeysWithOwner",
		serde_json::json!([format!("0x{}", hex::encode(owner.0))]),
	)
	.await;
	let field = |name: &str| {
		let text = reply[name].as_str().unwrap_or_else(|| panic!("{reply}"));
		hex::decode(text.trim_start_matches("0x")).expect("hex")
	};
	(field("keys"), field("proof"))
}
