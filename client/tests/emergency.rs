//! Break-glass on a real dev node and kubo, driven by the real `ehr` binary:
//! three hospitals' escrow agents get their keys from the council (Alice and
//! Bob); a patient escrows a record; a doctor of hospital 1 with no grant
//! breaks the glass; the record opens only once all three approved and
//! released their shares (threshold 3), and the read is logged before the
//! plaintext exists; two hospitals' shares rebuild nothing; a refusal ends a
//! request; a hospital's new escrow key is adopted and its agent re-wraps its
//! shares; an opted-out patient's record cannot be asked for; every step is
//! in the audit trail, with the FHIR codes of an emergency override.

mod common;

use common::{wait_for_node, DevNode, Kubo, World, PASSPHRASE};
use ehr::{
	chain::query,
	chain::AccountId,
	crypto::{
		shamir,
		wrap::{self, WrapContext},
	},
	emergency,
	keystore::KeystoreFile,
};
use serde_json::Value;
use std::process::{Child, Command, Output, Stdio};
use zeroize::Zeroizing;

/// Escrow agents: keystore name, dev account, hospital.
const AGENTS: [(&str, &str, u32); 3] =
	[("agent1", "//Charlie", 1), ("agent2", "//Eve", 2), ("agent3", "//One", 3)];

impl World {
	/// `agent` makes one pass with `policy`; returns its actions.
	fn agent_pass(&self, agent: &str, policy: &str) -> Vec<Value> {
		actions(agent, self.agent(agent, policy).output().unwrap())
	}

	/// The command of one pass of `agent` with `policy`.
	fn agent(&self, agent: &str, policy: &str) -> Command {
		let mut cmd = self.plain(agent, &["escrow", "run", "--once", "--policy", policy]);
		cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
		cmd
	}

	fn status(&self, emergency: &str) -> Value {
		self.ok("doctor", &["emergency", "status", emergency])
	}

	/// The council (Alice proposes, Bob seconds) runs `propose ARGS`.
	fn council(&self, args: &[&str]) {
		let proposed = self.ok("alice", &[&["gov", "propose"], args].concat());
		let index = proposed["index"].as_u64().expect("a motion").to_string();
		self.ok("bob", &["gov", "vote", &index, "--aye"]);
		let closed = self.ok("bob", &["gov", "close", &index]);
		assert_eq!(closed["outcome"], "executed", "{closed}");
		assert!(closed["error"].is_null(), "{closed}");
	}
}

/// The actions a pass of `agent` printed, one JSON line each.
fn actions(agent: &str, out: Output) -> Vec<Value> {
	assert!(out.status.success(), "{agent}: {}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8(out.stdout)
		.unwrap()
		.lines()
		.map(|line| serde_json::from_str(line).expect("one JSON action per line"))
		.collect()
}

fn events(trail: &Value) -> Vec<String> {
	trail.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quorum_of_hospitals_opens_a_record_for_a_doctor_in_an_emergency_and_fewer_cannot() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("alice", "//Alice");
	w.import("bob", "//Bob");
	w.import("auditor", "//Two");
	let patient = w.import("patient", "//Ferdie");
	let doctor = w.import("doctor", "//Dave");
	let consent = w.run("doctor", &["user", "consent", "--role", "doctor", "--hospital", "1"]);
	let consent = w.file("doctor.consent.json", &consent.stdout);
	w.ok("alice", &["user", "register", "--consent", &consent]);
	w.ok("patient", &["user", "register"]);

	// Each hospital's agent proves its escrow key; two thirds of the
	// council register the three in one motion. A forged proof file, or
	// files that do not match the hospitals named, are refused before any
	// call.
	let mut args = vec!["escrow-key".to_string()];
	let mut files = Vec::new();
	for (agent, suri, org) in AGENTS {
		w.import(agent, suri);
		let proof = w.out_path(&format!("{agent}.escrow.json"));
		w.ok(agent, &["escrow", "key", "--out", &proof]);
		args.extend(["--org".to_string(), org.to_string()]);
		files.push(proof);
	}
	let bad = w.file("bad.escrow.json", b"{\"agent\": \"nobody\"}");
	w.fails("alice", &["gov", "propose", "escrow-key", "--org", "9", &bad], 2, "escrow key file");
	let two = ["gov", "propose", "escrow-key", "--org", "1", "--org", "2", &files[0]];
	w.fails("alice", &two, 2, "one hospital per file");
	args.extend(files);
	w.council(&args.iter().map(String::as_str).collect::<Vec<_>>());
	let (escrow, threshold) = emergency::escrow(&client).await.unwrap();
	assert_eq!((escrow.len(), threshold), (3, 3));

	// A record without shares cannot be asked for; once escrowed it can.
	let text = b"allergic to penicillin; type 1 diabetes";
	let file = w.file("summary.txt", text);
	let id =
		w.ok("patient", &["record", "add", &file, "--kind", "observation"])["id"].as_u64().unwrap();
	let record = id.to_string();
	let out = w.out_path("read.txt");
	w.fails("doctor", &["emergency", "request", &record, "--reason", "unconscious"], 4, "NoShares");
	let escrowed = w.ok("patient", &["emergency", "escrow", &record]);
	assert_eq!(escrowed["hospitals"], serde_json::json!([1, 2, 3]));
	assert_eq!(escrowed["threshold"], 3);
	w.fails("doctor", &["record", "get", &record, "-o", &out], 4, "no grant");

	// The doctor breaks the glass; its note stays with it.
	w.fails("doctor", &["emergency", "request", &record, "--reason", "bored"], 2, "not a reason");
	let note = w.file("note.txt", b"found collapsed at the station");
	let made = w.ok(
		"doctor",
		&["emergency", "request", &record, "--reason", "unconscious", "--note-file", &note],
	);
	let e = made["emergency"].as_u64().unwrap().to_string();
	assert!(made["note_nonce"].is_string() && made["note_digest"].is_string(), "{made}");
	w.fails("doctor", &["emergency", "read", &e, "--out", &out], 4, "0 of the 3 shares");
	// The patient sees the request on the record.
	let listed = w.ok("patient", &["access", "list", &record])["emergency"].clone();
	assert_eq!(listed["escrowed"]["current"], true, "{listed}");
	assert_eq!(listed["open_requests"][0]["emergency"].to_string(), e, "{listed}");
	assert_eq!(listed["open_requests"][0]["requester"], doctor, "{listed}");
	let table = w.plain("patient", &["access", "list", &record]).output().unwrap();
	let table = String::from_utf8(table.stdout).unwrap();
	assert!(table.contains(&format!("EMERGENCY request {e} by {doctor}")), "{table}");

	// Two hospitals approve: nothing is released below the threshold.
	// Hospital 1's agent runs twice at once (a service restarted while its
	// old process still runs), both on the same finalized state: one answer
	// lands; the other process's call is refused, or it finds the answer.
	let twins: Vec<Child> = (0..2).map(|_| w.agent("agent1", "approve").spawn().unwrap()).collect();
	let twins: Vec<Value> =
		twins.into_iter().flat_map(|c| actions("agent1", c.wait_with_output().unwrap())).collect();
	let answered: Vec<&Value> = twins.iter().filter(|a| a["action"] == "answered").collect();
	assert_eq!(answered.len(), 1, "{twins:?}");
	assert_eq!(answered[0]["approved"], true);
	assert!(
		twins.iter().all(|a| a["action"] == "answered" || a["action"] == "failed"),
		"{twins:?}"
	);
	let actions = w.agent_pass("agent2", "approve");
	assert_eq!(actions.len(), 1, "{actions:?}");
	assert_eq!(actions[0]["action"], "answered");
	assert_eq!(actions[0]["approved"], true);
	for agent in ["agent1", "agent2"] {
		assert!(w.agent_pass(agent, "approve").is_empty(), "no release below the threshold");
	}
	let status = w.status(&e);
	assert_eq!(status["approved_by"], serde_json::json!([1, 2]));
	assert_eq!(status["released_by"], serde_json::json!([]));

	// Two hospitals' shares rebuild nothing: agents 1 and 2 open their own
	// shares (as colluding hospitals could) and get a key that is not the
	// record's, which the patient's grant shows.
	let keys =
		|who: &str| KeystoreFile::read(&w.keystore(who)).unwrap().unlock(PASSPHRASE).unwrap();
	let deposit = emergency::deposit(&client, id).await.unwrap().unwrap();
	let view = query::record(&client, id).await.unwrap().unwrap();
	let genesis = client.genesis_hash().0;
	let context =
		|share: &ehr::chain::runtime::runtime_types::pallet_ehr_emergency::types::Share| {
			WrapContext::EscrowShare {
				genesis_hash: genesis,
				owner: view.record.owner.0,
				ciphertext_digest: view.record.ciphertext_digest,
				key_version: view.record.key_version,
				org: share.org,
				escrow_key_version: share.escrow_key_version,
				x: share.index,
			}
		};
	let colluding: Vec<shamir::Share> = deposit.shares.0[..2]
		.iter()
		.zip(["agent1", "agent2"])
		.map(|(share, agent)| {
			let opened =
				wrap::unwrap(&share.wrapped.0, &keys(agent).encryption, &context(share)).unwrap();
			shamir::Share { x: share.index, y: Zeroizing::new(*opened.as_bytes()) }
		})
		.collect();
	assert!(shamir::combine(&colluding, 3).is_err(), "two shares of three combine to nothing");
	let patient_id: AccountId = patient.parse().unwrap();
	let own = view.grant_of(&patient_id).unwrap();
	let true_key = wrap::unwrap(
		&own.wrapped_key.0,
		&keys("patient").encryption,
		&WrapContext::V2 {
			genesis_hash: genesis,
			owner: view.record.owner.0,
			ciphertext_digest: view.record.ciphertext_digest,
			key_version: view.record.key_version,
		},
	)
	.unwrap();
	let pretended = shamir::combine(&colluding, 2).unwrap();
	assert_ne!(pretended.as_bytes(), true_key.as_bytes());
	for share in &colluding {
		assert_ne!(&*share.y, true_key.as_bytes());
	}
	// A share is wrapped to its own hospital only.
	let third = &deposit.shares.0[2];
	assert!(wrap::unwrap(&third.wrapped.0, &keys("agent1").encryption, &context(third)).is_err());

	// The third hospital leaves it to a person, who approves; then each
	// agent's next pass (on finalized state that holds three approvals)
	// releases its share to the doctor.
	assert_eq!(w.agent_pass("agent3", "manual")[0]["action"], "deferred");
	w.fails("doctor", &["escrow", "answer", &e, "--approve"], 4, "NotEscrowAgent");
	w.ok("agent3", &["escrow", "answer", &e, "--approve"]);
	for (agent, _, _) in AGENTS {
		let actions = w.agent_pass(agent, "approve");
		assert_eq!(actions.len(), 1, "{agent}: {actions:?}");
		assert_eq!(actions[0]["action"], "released", "{agent}: {actions:?}");
		assert_eq!(actions[0]["to"], doctor);
	}
	assert_eq!(w.status(&e)["released_by"], serde_json::json!([1, 2, 3]));
	// Only the requester reads with them.
	w.fails("patient", &["emergency", "read", &e, "--out", &out], 4, "another account");
	let read = w.ok("doctor", &["emergency", "read", &e, "--out", &out]);
	assert_eq!(read["record"], id);
	assert_eq!(std::fs::read(&out).unwrap(), text);
	w.ok("doctor", &["emergency", "close", &e]);
	w.fails("doctor", &["emergency", "read", &e, "--out", &out], 4, "no open emergency request");

	// Every step is in the record's audit trail, in order, and its FHIR
	// export marks the override's start and end, for emergency treatment.
	let trail = w.ok("auditor", &["audit", "record", &record]);
	let steps: Vec<String> = events(&trail)
		.into_iter()
		.filter(|e| e.starts_with("Emergency") || e == "ShareReleased" || e == "SharesDeposited")
		.collect();
	assert_eq!(
		steps,
		[
			"SharesDeposited",
			"EmergencyRequested",
			"EmergencyAnswered",
			"EmergencyAnswered",
			"EmergencyAnswered",
			"ShareReleased",
			"ShareReleased",
			"ShareReleased",
			"EmergencyRead",
			"EmergencyClosed"
		]
	);
	let fhir =
		w.plain("auditor", &["audit", "record", &record, "--format", "fhir"]).output().unwrap();
	let fhir: Value = serde_json::from_slice(&fhir.stdout).unwrap();
	let codes: Vec<(&str, bool)> = fhir["entry"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| {
			let r = &e["resource"];
			(
				r["type"]["code"].as_str().unwrap(),
				r["purposeOfEvent"][0]["coding"][0]["code"] == "ETREAT",
			)
		})
		.collect();
	assert!(codes.contains(&("110127", true)) && codes.contains(&("110128", true)), "{codes:?}");
	let table = w.plain("patient", &["audit", "patient", &patient]).output().unwrap();
	let table = String::from_utf8(table.stdout).unwrap();
	assert!(table.contains("EMERGENCY EmergencyRead"), "{table}");
	assert!(table.contains("EMERGENCY (break-glass): 1 requests, 1 emergency reads"), "{table}");

	// A refusal that leaves too few hospitals to approve ends the request.
	let made = w.ok("doctor", &["emergency", "request", &record, "--reason", "life-threatening"]);
	let again = made["emergency"].as_u64().unwrap().to_string();
	w.agent_pass("agent1", "approve");
	let refused = w.agent_pass("agent3", "refuse");
	assert_eq!(refused[0]["approved"], false, "{refused:?}");
	w.fails("doctor", &["emergency", "status", &again], 4, "no open emergency request");
	assert!(w.agent_pass("agent1", "approve").is_empty(), "nothing to release");

	// A request that goes stale after approvals (the patient re-keys the
	// record, and the client renews its shares) gets no share: the
	// requester's hospital's agent closes it.
	let made = w.ok("doctor", &["emergency", "request", &record, "--reason", "cannot-consent"]);
	let stale = made["emergency"].as_u64().unwrap().to_string();
	w.agent_pass("agent1", "approve");
	w.agent_pass("agent2", "approve");
	let rekeyed = w.ok("patient", &["record", "rekey", &record]);
	assert_eq!(rekeyed["escrow"]["renewed"], true, "{rekeyed}");
	w.fails("agent3", &["escrow", "answer", &stale, "--approve"], 4, "EmergencyStale");
	let closed = w.agent_pass("agent1", "approve");
	assert_eq!(closed.len(), 1, "{closed:?}");
	assert_eq!(closed[0]["action"], "closed", "{closed:?}");
	assert!(w.agent_pass("agent2", "approve").is_empty());
	w.fails("doctor", &["emergency", "status", &stale], 4, "no open emergency request");
	let listed = w.ok("patient", &["access", "list", &record])["emergency"].clone();
	assert_eq!(listed["escrowed"]["current"], true, "{listed}");

	// Hospital 3 rotates its escrow key; another new key waits until the
	// council adopted this one. Once it has, the agent's next pass re-wraps
	// the share it held under the old key, which then opens with the new
	// key and not the old one.
	let rotated = w.out_path("agent3.rotated.json");
	w.ok("agent3", &["escrow", "key", "--new", "--out", &rotated]);
	w.fails("agent3", &["escrow", "key", "--new"], 4, "not adopted");
	w.council(&["escrow-key", "--org", "3", &rotated]);
	let rewrapped = w.agent_pass("agent3", "approve");
	assert_eq!(rewrapped.len(), 1, "{rewrapped:?}");
	assert_eq!(rewrapped[0]["action"], "rewrapped", "{rewrapped:?}");
	assert_eq!(rewrapped[0]["record"], id, "{rewrapped:?}");
	assert!(w.agent_pass("agent3", "approve").is_empty(), "every share is current");
	let (escrow, _) = emergency::escrow(&client).await.unwrap();
	let hospital = escrow.into_iter().find(|e| e.org == 3).unwrap();
	let agent = keys("agent3");
	assert_eq!(hospital.key, agent.encryption.public_bytes());
	let deposit = emergency::deposit(&client, id).await.unwrap().unwrap();
	let share = deposit.shares.0.into_iter().find(|s| s.org == 3).unwrap();
	assert_eq!(share.escrow_key_version, hospital.version);
	let view = query::record(&client, id).await.unwrap().unwrap();
	let context = WrapContext::EscrowShare {
		genesis_hash: genesis,
		owner: view.record.owner.0,
		ciphertext_digest: view.record.ciphertext_digest,
		key_version: view.record.key_version,
		org: 3,
		escrow_key_version: share.escrow_key_version,
		x: share.index,
	};
	let mut held = agent.encryption_keys();
	assert!(wrap::unwrap(&share.wrapped.0, held.next().unwrap(), &context).is_ok());
	assert!(wrap::unwrap(&share.wrapped.0, held.next().unwrap(), &context).is_err());

	// An opted-out patient's record cannot be asked for.
	w.ok("patient", &["emergency", "opt-out"]);
	w.fails("doctor", &["emergency", "request", &record, "--reason", "unconscious"], 4, "OptedOut");
	w.fails("patient", &["emergency", "escrow", &record], 4, "OptedOut");
}
