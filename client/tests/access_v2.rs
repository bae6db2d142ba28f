//! The access model under many writers and hostile timing, on a real dev
//! node and kubo, driven by the real `ehr` binary: clients adding records at
//! the same moment, an update racing a revocation built on the same view,
//! a revoked grantee's delegate, a dropped grant. And the audit trail on a
//! pruning node against an archive node.

mod common;

use common::{readers, wait_for_node, DevNode, Kubo, World};
use ehr::chain::{self, runtime, AccountId};
use serde_json::Value;
use std::{
	process::{Child, Stdio},
	time::Duration,
};

fn sorted(mut accounts: Vec<&String>) -> Vec<String> {
	accounts.sort();
	accounts.into_iter().cloned().collect()
}

/// Waits for every child started with `--json` and returns their outputs,
/// failing on any that did not succeed.
fn all_succeed(children: Vec<(String, Child)>) -> Vec<Value> {
	children
		.into_iter()
		.map(|(what, child)| {
			let out = child.wait_with_output().unwrap();
			assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
			serde_json::from_slice(&out.stdout).expect("--json output")
		})
		.collect()
}

impl World {
	/// Starts `ehr ARGS --json` as `who` without waiting for it.
	fn spawn(&self, who: &str, args: &[&str]) -> (String, Child) {
		let child =
			self.command(who, args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
		(format!("{who}: ehr {}", args.join(" ")), child)
	}

	/// `who` reads record `id`; returns the plaintext.
	fn read(&self, who: &str, id: u64) -> Vec<u8> {
		let out = self.out_path(&format!("{who}-{id}.out"));
		self.ok(who, &["record", "get", &id.to_string(), "-o", &out]);
		std::fs::read(out).unwrap()
	}
}

/// The grants `who` gave that count against its limit.
async fn grants_given(client: &chain::Client, who: &str) -> u32 {
	let who: AccountId = who.parse().unwrap();
	let at = chain::at_best(client).await.unwrap();
	let user = at
		.storage()
		.fetch(runtime::storage().ehr_acl().users(), (who,))
		.await
		.unwrap()
		.decode()
		.unwrap();
	user.grants_given
}

#[tokio::test(flavor = "multi_thread")]
async fn many_writers_and_hostile_timing_leave_access_exactly_right() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;
	w.import("registrar", "//Alice");
	let doctor = w.import("doctor", "//Dave");
	let pharmacist = w.import("pharmacist", "//Eve");
	let patients = ["charlie", "ferdie", "one", "two"];
	let accounts: Vec<String> = patients
		.iter()
		.map(|p| {
			let suri = format!("//{}{}", p[..1].to_uppercase(), &p[1..]);
			w.import(p, &suri)
		})
		.collect();
	for (who, role) in [("doctor", "doctor"), ("pharmacist", "pharmacist")] {
		let consent = w.run(who, &["user", "consent", "--role", role, "--hospital", "1"]);
		let consent = w.file(&format!("{who}.consent.json"), &consent.stdout);
		w.ok("registrar", &["user", "register", "--consent", &consent]);
	}
	all_succeed(patients.iter().map(|p| w.spawn(p, &["user", "register"])).collect());

	// 1. Four patients add a record at the same moment, each shared with
	// the doctor in the same call: all land, with ids the chain chose.
	let files: Vec<String> = patients
		.iter()
		.map(|p| w.file(&format!("{p}.txt"), format!("observation of {p}").as_bytes()))
		.collect();
	let share = format!("{doctor}:readwrite");
	let added = all_succeed(
		patients
			.iter()
			.zip(&files)
			.map(|(p, file)| {
				w.spawn(p, &["record", "add", file, "--kind", "observation", "--share", &share])
			})
			.collect(),
	);
	let mut ids: Vec<u64> = added.iter().map(|a| a["id"].as_u64().unwrap()).collect();
	ids.sort();
	assert_eq!(ids, vec![0, 1, 2, 3], "every concurrent add succeeded once");
	for (p, a) in patients.iter().zip(&added) {
		let id = a["id"].as_u64().unwrap();
		assert_eq!(w.read("doctor", id), format!("observation of {p}").as_bytes());
	}

	// 2. The doctor updates a record while the owner revokes the
	// pharmacist, both built on the same view. Whichever lands second is
	// refused as stale and rebuilt: the record ends with the doctor's
	// content, readable by exactly the owner and the doctor.
	let id_of = |n: usize| added[n]["id"].as_u64().unwrap();
	let first = id_of(0);
	let record = first.to_string();
	w.ok("charlie", &["access", "grant", &record, &pharmacist, "--read"]);
	assert_eq!(w.read("pharmacist", first), b"observation of charlie");
	let amended = w.file("amended.txt", b"amended by the doctor");
	all_succeed(vec![
		w.spawn("doctor", &["record", "update", &record, &amended]),
		w.spawn("charlie", &["access", "revoke", &record, &pharmacist]),
	]);
	let view = w.record(first);
	assert_eq!(readers(&view), sorted(vec![&accounts[0], &doctor]));
	assert!(view["grants"]
		.as_array()
		.unwrap()
		.iter()
		.all(|g| g["key_version"] == view["record"]["key_version"]));
	assert_eq!(w.read("charlie", first), b"amended by the doctor");
	assert_eq!(w.read("doctor", first), b"amended by the doctor");
	w.fails("pharmacist", &["record", "get", &record, "-o", &w.out_path("x")], 4, "no grant");

	// Two writers update the same version at once: one wins, the other is
	// told and overwrites nothing.
	let by_owner = w.file("by-owner.txt", b"the owner's version");
	let by_doctor = w.file("by-doctor.txt", b"the doctor's version");
	let outcomes: Vec<_> = [("charlie", &by_owner), ("doctor", &by_doctor)]
		.map(|(who, file)| w.spawn(who, &["record", "update", &record, file]))
		.into_iter()
		.map(|(what, child)| (what, child.wait_with_output().unwrap()))
		.collect();
	// Whoever lands second, built on the version the first replaced, is
	// refused; one that started after the first landed builds on it.
	let mut landed = Vec::new();
	for ((_, out), text) in
		outcomes.iter().zip([&b"the owner's version"[..], b"the doctor's version"])
	{
		if out.status.success() {
			let done: Value = serde_json::from_slice(&out.stdout).unwrap();
			landed.push((done["version"].as_u64().unwrap(), text));
		} else {
			assert_eq!(out.status.code(), Some(4));
			assert!(String::from_utf8_lossy(&out.stderr).contains("new content"));
		}
	}
	landed.sort();
	assert!(!landed.is_empty() && (landed.len() == 1 || landed[0].0 < landed[1].0));
	assert_eq!(w.read("doctor", first), landed.last().unwrap().1);

	// 3. The doctor (ReadWrite) delegates Read to the pharmacist; the owner
	// revokes the doctor: the delegated grant goes in the same call, and the
	// pharmacist cannot read the new version.
	let second_id = id_of(1);
	let second = second_id.to_string();
	w.ok("doctor", &["access", "grant", &second, &pharmacist, "--read"]);
	assert!(readers(&w.record(second_id)).contains(&pharmacist));
	w.ok("ferdie", &["access", "revoke", &second, &doctor]);
	assert_eq!(readers(&w.record(second_id)), vec![accounts[1].clone()]);
	w.fails("pharmacist", &["record", "get", &second, "-o", &w.out_path("y")], 4, "no grant");

	// 4. A reader drops a grant it did not want: it is gone, and the slot
	// the owner spent on it is free again.
	let third_id = id_of(2);
	let third = third_id.to_string();
	let given = grants_given(&client, &accounts[2]).await;
	w.ok("one", &["access", "grant", &third, &pharmacist, "--read"]);
	assert_eq!(grants_given(&client, &accounts[2]).await, given + 1);
	w.ok("pharmacist", &["access", "renounce", &third]);
	assert!(!readers(&w.record(third_id)).contains(&pharmacist));
	assert_eq!(grants_given(&client, &accounts[2]).await, given);
	w.fails("pharmacist", &["access", "renounce", &third], 4, "GrantNotFound");
	w.fails("one", &["access", "renounce", &third], 4, "CannotChangeOwnerGrant");

	// 5. A revocation killed half-way, then run again, always ends with the
	// revoked account out and the record re-keyed past every key it held,
	// readable by the owner and the doctor. First the state a kill between
	// the two steps of a contended revocation leaves (access taken, key not
	// yet rotated), made on purpose; then real kills at several moments.
	let fourth_id = id_of(3);
	let fourth = fourth_id.to_string();
	let owner_and_doctor = sorted(vec![&accounts[3], &doctor]);
	let mut interruptions = vec![None];
	interruptions.extend([200, 1_500, 4_000].map(|ms| Some(Duration::from_millis(ms))));
	for kill_after in interruptions {
		w.ok("two", &["access", "grant", &fourth, &pharmacist, "--read"]);
		let granted = w.record(fourth_id)["record"].clone();
		match kill_after {
			None => {
				w.ok("two", &["access", "revoke", &fourth, &pharmacist, "--no-rotate"]);
			}
			Some(after) => {
				let (_, mut child) = w.spawn("two", &["access", "revoke", &fourth, &pharmacist]);
				tokio::time::sleep(after).await;
				let _ = child.kill();
				child.wait().unwrap();
			}
		}
		let done = w.ok("two", &["access", "revoke", &fourth, &pharmacist]);
		assert_eq!(done["key_rotated"], true);
		let view = w.record(fourth_id);
		assert_eq!(readers(&view), owner_and_doctor, "killed after {kill_after:?}");
		let now = &view["record"];
		assert!(now["key_version"].as_u64() > granted["key_version"].as_u64(), "{view}");
		assert_ne!(now["cid"], granted["cid"], "the content the pharmacist could open is gone");
		assert_eq!(w.read("two", fourth_id), b"observation of two");
		assert_eq!(w.read("doctor", fourth_id), b"observation of two");
		w.fails("pharmacist", &["record", "get", &fourth, "-o", &w.out_path("z")], 4, "no grant");
	}

	// 6. A care team in one call, all or none: the owner of the second
	// record (only its owner reads it now) names an unregistered account,
	// the same account twice, then a current reader, in a team: nothing
	// changes; then the doctor and the pharmacist together.
	let bob = w.import("bob", "//Bob");
	let owner_only = vec![accounts[1].clone()];
	w.fails("ferdie", &["access", "grant", &second, &doctor, &bob, "--read"], 4, "not registered");
	w.fails("ferdie", &["access", "grant", &second, &doctor, &doctor, "--read"], 2, "twice");
	w.fails(
		"ferdie",
		&["access", "grant", &second, &doctor, &accounts[1], "--read"],
		4,
		"AlreadyGranted",
	);
	assert_eq!(readers(&w.record(second_id)), owner_only);
	let team = w.ok("ferdie", &["access", "grant", &second, &doctor, &pharmacist, "--read"]);
	assert_eq!(team["to"], serde_json::json!([doctor, pharmacist]));
	assert_eq!(readers(&w.record(second_id)), sorted(vec![&accounts[1], &doctor, &pharmacist]));

	// A chart read in one command: both records land in the directory and
	// both reads are logged by one call (one block, adjacent events).
	let chart = w.out_path("chart");
	let read = w.ok("doctor", &["record", "get", &record, &second, "-o", &chart]);
	assert_eq!(read.as_array().map(Vec::len), Some(2), "{read}");
	let chart_file = |id: u64| std::fs::read(format!("{chart}/record-{id}")).unwrap();
	assert_eq!(chart_file(first), landed.last().unwrap().1);
	assert_eq!(chart_file(second_id), b"observation of ferdie");
	let logged = |id: &str, by: &str| {
		let trail = w.ok("auditor", &["audit", "record", id]);
		let reads: Vec<Value> = trail
			.as_array()
			.unwrap()
			.iter()
			.filter(|e| e["event"] == "AccessLogged" && e["by"] == by)
			.cloned()
			.collect();
		reads.last().map(|e| (e["block"].as_u64().unwrap(), e["event_index"].as_u64().unwrap()))
	};
	let (a, b) = (logged(&record, &doctor).unwrap(), logged(&second, &doctor).unwrap());
	assert_eq!((a.0, a.1 + 1), b, "one call logged both reads");
	// A record the reader may not read ends the command with its error;
	// the records read before it are logged: the pharmacist reads the
	// second record, then the first, whose grant it lost.
	let partial = w.out_path("partial");
	assert_eq!(logged(&second, &pharmacist), None);
	w.fails("pharmacist", &["record", "get", &second, &record, "-o", &partial], 4, "no grant");
	assert!(logged(&second, &pharmacist).is_some(), "the record read before it is logged");
	assert!(!std::path::Path::new(&format!("{partial}/record-{first}")).exists());
}

/// Waits until the node's best block is at least `number`.
async fn wait_for_block(client: &chain::Client, number: u64) {
	while chain::at_best(client).await.unwrap().block_number() < number {
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn audits_reach_genesis_on_an_archive_node_and_say_so_on_a_pruning_one() {
	// The same short history on two dev chains: one node prunes state older
	// than 4 blocks (as a default node does past 256), one keeps it all.
	let pruning = DevNode::start_with(&["--state-pruning", "4"]);
	let archive =
		DevNode::start_with(&["--state-pruning", "archive", "--blocks-pruning", "archive"]);
	let mut worlds = Vec::new();
	for node in [pruning, archive] {
		let client = wait_for_node(&node.ws_url).await;
		let w = World { node, kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
		let patient = w.import("patient", "//Charlie");
		w.ok("patient", &["user", "register"]);
		worlds.push((w, client, patient));
	}
	for (_, client, _) in &worlds {
		wait_for_block(client, 12).await;
	}

	let (pruned, _, patient) = &worlds[0];
	let out = pruned.run("auditor", &["audit", "patient", patient]);
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(8), "{stderr}");
	assert!(stderr.contains("archive node") && stderr.contains("--since"), "{stderr}");
	assert!(!stderr.contains("State already discarded"), "one clear message: {stderr}");
	let since = stderr.split("--since ").nth(1).unwrap().trim().to_string();
	let recent = pruned.ok("auditor", &["audit", "patient", patient, "--since", &since]);
	assert!(recent.as_array().unwrap().is_empty(), "the registration is older than that");

	let (archived, _, patient) = &worlds[1];
	let trail = archived.ok("auditor", &["audit", "patient", patient]);
	assert!(
		trail.as_array().unwrap().iter().any(|e| e["event"] == "UserRegistered"),
		"an archive node answers from block 1: {trail}"
	);
}
