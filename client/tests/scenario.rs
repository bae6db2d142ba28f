//! The paper's scenario, end to end, as users run it: the real `ehr` binary
//! against a real dev node and a real kubo daemon. A registrar onboards a
//! doctor and a pharmacist; a patient uploads an observation and grants the
//! doctor; the doctor writes a prescription the pharmacist reads; the
//! patient revokes the doctor with key rotation; an auditor reads the
//! history. Every step that must fail is run too, and must change nothing.

mod common;

use common::{block_file, pinned_count, readers, wait_for_node, DevNode, Kubo, World, PASSPHRASE};
use ehr::{
	chain::query,
	crypto::{
		envelope::{self, EnvelopeError},
		wrap::{self, WrapContext},
	},
	keystore::KeystoreFile,
	storage::Ipfs,
};
use serde_json::Value;
use std::{
	path::Path,
	time::{Duration, Instant},
};

fn id_of(value: &Value) -> u64 {
	value["id"].as_u64().expect("a record id")
}

#[tokio::test(flavor = "multi_thread")]
async fn patient_doctor_pharmacist_auditor() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	let client = wait_for_node(&w.node.ws_url).await;

	// Dev accounts have funds for fees; Alice is hospital 1's registrar.
	let _registrar = w.import("registrar", "//Alice");
	let patient = w.import("patient", "//Charlie");
	let doctor = w.import("doctor", "//Dave");
	let pharmacist = w.import("pharmacist", "//Eve");
	let stranger = w.import("stranger", "//Ferdie");

	// 1. The registrar registers the doctor and the pharmacist from their
	// signed consents; the patient and a stranger register themselves.
	let consent = |who: &str, role: &str, hospital: &str| {
		let out = w.run(who, &["user", "consent", "--role", role, "--hospital", hospital]);
		w.file(&format!("{who}.{role}.{hospital}.consent.json"), &out.stdout)
	};
	// One consent written by `--out` (atomically, beside its final name).
	let doctor_consent = w.out_path("doctor.consent.json");
	let written = w.ok(
		"doctor",
		&["user", "consent", "--role", "doctor", "--hospital", "1", "--out", &doctor_consent],
	);
	assert_eq!(written["consent"], doctor_consent.as_str());
	let pharmacist_consent = consent("pharmacist", "pharmacist", "1");
	let mut self_registrations: Vec<_> = ["patient", "stranger"]
		.iter()
		.map(|who| {
			w.command(who, &["user", "register"])
				.stdout(std::process::Stdio::null())
				.spawn()
				.unwrap()
		})
		.collect();
	// A consent the registrar altered (another role) or one for another
	// hospital is refused, and registers nobody.
	let altered = std::fs::read_to_string(&pharmacist_consent)
		.unwrap()
		.replace("\"role\": \"pharmacist\"", "\"role\": \"doctor\"");
	let altered = w.file("altered.consent.json", altered.as_bytes());
	w.fails("registrar", &["user", "register", "--consent", &altered], 4, "BadConsent");
	let elsewhere = consent("pharmacist", "pharmacist", "2");
	w.fails("registrar", &["user", "register", "--consent", &elsewhere], 4, "hospital 2");
	w.fails("pharmacist", &["user", "show"], 4, "not registered");
	w.ok("registrar", &["user", "register", "--consent", &doctor_consent]);
	w.ok("registrar", &["user", "register", "--consent", &pharmacist_consent]);
	// A consent serves one registration.
	w.fails("registrar", &["user", "register", "--consent", &doctor_consent], 4, "it was used");
	for child in &mut self_registrations {
		assert!(child.wait().unwrap().success());
	}
	let shown = w.ok("doctor", &["user", "show"]);
	assert_eq!(shown["user"]["role"], "Doctor");
	assert_eq!(shown["user"]["hospital"], 1);
	// Only a registrar onboards staff.
	w.fails("stranger", &["user", "register", "--consent", &doctor_consent], 4, "no registrar");
	w.fails("stranger", &["user", "register", "--role", "doctor"], 4, "NotRegistrar");

	// 2. The patient uploads an observation, shared with the doctor
	// (ReadWrite) in the same block.
	let observation =
		br#"{"resourceType":"Observation","code":"blood pressure","value":"120/80"}"#.repeat(3000);
	let obs_file = w.file("observation.json", &observation);
	let started = Instant::now();
	let share = format!("{doctor}:readwrite");
	let added =
		w.ok("patient", &["record", "add", &obs_file, "--kind", "observation", "--share", &share]);
	assert_eq!(added["shared_with"][0], doctor.as_str());
	let obs = id_of(&added);

	// 3. The doctor reads it.
	let read = w.out_path("doctor-read.json");
	let got = w.ok("doctor", &["record", "get", &obs.to_string(), "-o", &read]);
	println!("record add --share → doctor's record get: {:.1} s", started.elapsed().as_secs_f64());
	assert_eq!((got["version"].as_u64(), std::fs::read(&read).unwrap()), (Some(1), observation));

	// A stranger can neither read nor grant itself; no output file appears.
	let nothing = w.out_path("stranger-read.json");
	w.fails("stranger", &["record", "get", &obs.to_string(), "-o", &nothing], 4, "no grant");
	assert!(!Path::new(&nothing).exists());
	w.fails("stranger", &["access", "grant", &obs.to_string(), &stranger, "--read"], 4, "no grant");

	// 4. The doctor amends the observation (ReadWrite) and writes a
	// prescription into the patient's records, granting the pharmacist Read.
	let amended = w.file("amended.json", br#"{"resourceType":"Observation","value":"125/82"}"#);
	assert_eq!(w.ok("doctor", &["record", "update", &obs.to_string(), &amended])["version"], 2);
	let prescription = br#"{"resourceType":"MedicationRequest","medication":"amlodipine 5 mg"}"#;
	let rx_file = w.file("prescription.json", prescription);
	let rx = id_of(&w.ok(
		"doctor",
		&[
			"record",
			"add",
			&rx_file,
			"--kind",
			"prescription",
			"--patient",
			&patient,
			"--via",
			&obs.to_string(),
		],
	));
	w.ok("doctor", &["access", "grant", &rx.to_string(), &pharmacist, "--read"]);
	let rx_view = w.record(rx);
	assert_eq!(rx_view["record"]["owner"], patient.as_str());
	assert_eq!(rx_view["record"]["author"], doctor.as_str());

	// 5. The pharmacist reads the prescription but may not change it.
	let rx_read = w.out_path("pharmacist-read.json");
	w.ok("pharmacist", &["record", "get", &rx.to_string(), "-o", &rx_read]);
	assert_eq!(std::fs::read(&rx_read).unwrap(), prescription);
	w.fails("pharmacist", &["record", "update", &rx.to_string(), &amended], 4, "ReadWrite");
	assert_eq!(w.record(rx)["record"]["version"], 1, "a refused update changes nothing");
	w.fails("pharmacist", &["record", "rm", &rx.to_string()], 4, "owner");

	// 6. The patient revokes the doctor; the data key is rotated.
	let obs_before = w.record(obs);
	let doctor_keys =
		KeystoreFile::read(&w.keystore("doctor")).unwrap().unlock(PASSPHRASE).unwrap();
	let obs_view = query::record(&client, obs).await.unwrap().unwrap();
	let doctor_grant =
		obs_view.grants.iter().find(|(who, _)| who.to_string() == doctor).unwrap().1.clone();
	let context = WrapContext::V2 {
		genesis_hash: client.genesis_hash().0,
		owner: obs_view.record.owner.0,
		ciphertext_digest: obs_view.record.ciphertext_digest,
		key_version: doctor_grant.key_version,
	};
	let kept_key = wrap::unwrap(&doctor_grant.wrapped_key.0, &doctor_keys.encryption, &context)
		.expect("the doctor's key opens before the revocation");
	w.ok("patient", &["access", "revoke", &obs.to_string(), &doctor]);
	let obs_after = w.record(obs);
	assert_eq!(readers(&obs_after), vec![patient.clone()]);
	assert_eq!(
		obs_after["record"]["key_version"],
		obs_before["record"]["key_version"].as_u64().unwrap() + 1
	);
	let (old_cid, new_cid) = (
		obs_before["record"]["cid"].as_str().unwrap(),
		obs_after["record"]["cid"].as_str().unwrap(),
	);
	assert_ne!(old_cid, new_cid, "revocation moves the record to new ciphertext");
	let ipfs = Ipfs::new(&w.kubo.api);
	assert!(!ipfs.is_pinned(old_cid).await.unwrap(), "the old ciphertext is unpinned");

	// The revoked doctor's next read fails ...
	let revoked_read = w.out_path("revoked-read.json");
	w.fails("doctor", &["record", "get", &obs.to_string(), "-o", &revoked_read], 4, "no grant");
	assert!(!Path::new(&revoked_read).exists());
	// ... and a data key it kept does not open the new version.
	let mut sealed = Vec::new();
	ipfs.cat_into(new_cid, &mut sealed).await.unwrap();
	let opened = envelope::decrypt(&kept_key, &mut sealed.as_slice(), &mut Vec::new());
	assert!(matches!(opened, Err(EnvelopeError::WrongKey)), "{opened:?}");
	// The patient still reads its record.
	let mine = w.out_path("patient-read.json");
	w.ok("patient", &["record", "get", &obs.to_string(), "-o", &mine]);
	assert_eq!(std::fs::read(&mine).unwrap(), std::fs::read(&amended).unwrap());

	// 7. Requests: the stranger asks, is denied, asks again, is approved.
	w.ok("stranger", &["access", "request", &obs.to_string()]);
	assert_eq!(w.record(obs)["requests"][0]["account"], stranger.as_str());
	w.ok("patient", &["access", "deny", &obs.to_string(), &stranger]);
	w.ok("stranger", &["access", "request", &obs.to_string()]);
	w.ok("patient", &["access", "approve", &obs.to_string(), &stranger, "--expires", "1h"]);
	let approved = w.out_path("approved-read.json");
	w.ok("stranger", &["record", "get", &obs.to_string(), "-o", &approved]);
	let listed = w.ok("stranger", &["record", "list"]);
	assert_eq!(listed["shared_with_me"][0]["id"], obs);
	assert!(listed["shared_with_me"][0]["expires_at"].is_u64());

	// 8. Tampered ciphertext in IPFS: the digest check refuses it and
	// nothing is written.
	let rx_cid = w.record(rx)["record"]["cid"].as_str().unwrap().to_string();
	let mut rx_sealed = Vec::new();
	ipfs.cat_into(&rx_cid, &mut rx_sealed).await.unwrap();
	let block = block_file(&w.kubo.repo(), &rx_sealed);
	let mut tampered = rx_sealed.clone();
	*tampered.last_mut().unwrap() ^= 1;
	std::fs::write(&block, &tampered).unwrap();
	let tampered_read = w.out_path("tampered-read.json");
	w.fails("pharmacist", &["record", "get", &rx.to_string(), "-o", &tampered_read], 6, "digest");
	assert!(!Path::new(&tampered_read).exists());
	std::fs::write(&block, &rx_sealed).unwrap();

	// 9. Removing a record drops its grants and unpins it.
	let scratch = id_of(&w.ok("patient", &["record", "add", &amended, "--kind", "note"]));
	let scratch_cid = w.record(scratch)["record"]["cid"].as_str().unwrap().to_string();
	w.ok("patient", &["record", "rm", &scratch.to_string()]);
	w.fails("auditor", &["access", "list", &scratch.to_string()], 4, "does not exist");
	assert!(!ipfs.is_pinned(&scratch_cid).await.unwrap());

	// 10. A grant runs out: the pharmacist gets Read on the observation until
	// two blocks from now, reads once, and is refused after.
	let until = query::block_number(&client).await.unwrap() + 3;
	w.ok(
		"patient",
		&[
			"access",
			"grant",
			&obs.to_string(),
			&pharmacist,
			"--read",
			"--expires",
			&format!("#{until}"),
		],
	);
	while query::block_number(&client).await.unwrap() < until {
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let late = w.out_path("expired-read.json");
	w.fails("pharmacist", &["record", "get", &obs.to_string(), "-o", &late], 4, "expired");
	assert!(!Path::new(&late).exists());

	// 11. The patient rotates its encryption key: its records are
	// re-encrypted under fresh data keys wrapped for the new key and every
	// reader, so it and the pharmacist still read.
	let old_key = w.ok("patient", &["user", "show"])["user"]["encryption_key"].clone();
	let rotated = w.ok("patient", &["user", "rotate-key"]);
	assert_ne!(rotated["encryption_key"], old_key);
	assert_eq!(rotated["reencrypted"], serde_json::json!([obs, rx]));
	assert_eq!(rotated["new_key"], true);
	let shown = w.ok("patient", &["keys", "show"]);
	assert_eq!(
		shown["encryption_key"], rotated["encryption_key"],
		"the keystore holds the new key"
	);
	w.ok("patient", &["record", "get", &obs.to_string(), "-o", &w.out_path("after-rotation.json")]);
	w.ok(
		"pharmacist",
		&["record", "get", &rx.to_string(), "-o", &w.out_path("rx-after-rotation.json")],
	);

	// 12. Errors that say what to do: an unknown record, a wrong passphrase,
	// an unreachable node, an account that never registered (its
	// ciphertext is unpinned again).
	w.fails(
		"patient",
		&["record", "get", "999", "-o", &w.out_path("none.json")],
		4,
		"does not exist",
	);
	let wrong = w
		.command("patient", &["record", "list"])
		.env("EHR_PASSPHRASE", "not the passphrase")
		.output()
		.unwrap();
	assert_eq!(wrong.status.code(), Some(0), "listing needs no passphrase");
	let wrong = w
		.command("patient", &["access", "request", &rx.to_string()])
		.env("EHR_PASSPHRASE", "not the passphrase")
		.output()
		.unwrap();
	assert_eq!(wrong.status.code(), Some(3), "{}", String::from_utf8_lossy(&wrong.stderr));
	let offline = w
		.command("patient", &["user", "show"])
		.env("EHR_NODE_URL", "ws://127.0.0.1:9")
		.output()
		.unwrap();
	assert_eq!(offline.status.code(), Some(5));
	assert!(String::from_utf8_lossy(&offline.stderr).contains("cannot reach the node"));
	let newcomer = w.command("newcomer", &["keys", "new"]).output().unwrap();
	assert!(newcomer.status.success());
	let pinned_before = pinned_count(&w.kubo.api).await;
	w.fails("newcomer", &["record", "add", &obs_file, "--kind", "lab"], 4, "not registered");
	// Sharing with an unregistered account, or at an unknown access level,
	// adds nothing.
	let newcomer = w.ok("newcomer", &["keys", "show"])["account"].as_str().unwrap().to_string();
	let records_before = w.ok("patient", &["record", "list"])["owned"].as_array().unwrap().len();
	let to_newcomer = ["record", "add", &obs_file, "--kind", "lab", "--share", &newcomer];
	w.fails("patient", &to_newcomer, 4, "not registered");
	let bad_level = format!("{doctor}:owner");
	w.fails(
		"patient",
		&["record", "add", &obs_file, "--kind", "lab", "--share", &bad_level],
		2,
		"access level",
	);
	assert_eq!(pinned_count(&w.kubo.api).await, pinned_before, "nothing left pinned");
	assert_eq!(
		w.ok("patient", &["record", "list"])["owned"].as_array().unwrap().len(),
		records_before
	);

	// 13. IPFS stops: adding fails before anything reaches the chain, reading
	// fails without writing a file; the error says what to do.
	w.kubo.stop();
	let records_before = w.ok("patient", &["record", "list"])["owned"].as_array().unwrap().len();
	w.fails("patient", &["record", "add", &obs_file, "--kind", "lab"], 5, "scripts/ipfs start");
	assert_eq!(
		w.ok("patient", &["record", "list"])["owned"].as_array().unwrap().len(),
		records_before
	);
	let offline_read = w.out_path("offline-read.json");
	w.fails("pharmacist", &["record", "get", &rx.to_string(), "-o", &offline_read], 5, "IPFS");
	assert!(!Path::new(&offline_read).exists());
	// A missing input file is a usage error, caught before any network call.
	w.fails("patient", &["record", "add", "/nonexistent/file", "--kind", "lab"], 2, "cannot read");

	// 14. The auditor (no keystore) rebuilds the history.
	let trail = w.ok("auditor", &["audit", "record", &obs.to_string()]);
	let events: Vec<(&str, &str)> = trail
		.as_array()
		.unwrap()
		.iter()
		.map(|e| (e["event"].as_str().unwrap(), e["by"].as_str().unwrap_or("")))
		.collect();
	for expected in [
		("RecordAdded", patient.as_str()),
		("GrantAdded", patient.as_str()),
		("AccessLogged", doctor.as_str()),
		("RecordUpdated", doctor.as_str()),
		("GrantRemoved", patient.as_str()),
		("RecordUpdated", patient.as_str()),
		("AccessRequested", stranger.as_str()),
		("AccessLogged", stranger.as_str()),
	] {
		assert!(events.contains(&expected), "{expected:?} missing from {events:?}");
	}
	let revoked = trail.as_array().unwrap().iter().find(|e| e["event"] == "GrantRemoved").unwrap();
	assert_eq!(
		(revoked["subject"].as_str(), revoked["details"].as_str()),
		(Some(doctor.as_str()), Some("Revoked"))
	);
	// Each content change names the version's CID and digest.
	let updates = trail.as_array().unwrap().iter().filter(|e| e["event"] == "RecordUpdated");
	assert!(
		updates.clone().count() >= 2
			&& updates.clone().all(|e| e["details"].as_str().unwrap().contains("sha256 "))
	);
	let csv =
		w.plain("auditor", &["audit", "patient", &patient, "--format", "csv"]).output().unwrap();
	assert!(csv.status.success(), "{}", String::from_utf8_lossy(&csv.stderr));
	let csv = String::from_utf8(csv.stdout).unwrap();
	assert!(
		csv.starts_with(
			"block,time,event,record,by,subject,details,finalized,block_hash,event_index\n"
		),
		"{csv}"
	);
	assert!(csv.contains("UserRegistered") && csv.contains("RecordAdded"), "{csv}");
	assert!(csv.lines().any(|l| l.contains("RecordAdded") && l.contains(&format!(",{rx},"))));
}
