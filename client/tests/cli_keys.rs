//! `ehr keys …` as a user runs it: the real binary, a temporary keystore;
//! and the rule for node URLs, which needs no node.

use std::process::{Command, Output};

fn ehr(args: &[&str], envs: &[(&str, &str)]) -> Output {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_ehr"));
	cmd.args(args)
		.env_remove("EHR_PASSPHRASE")
		.env_remove("EHR_NEW_PASSPHRASE")
		.env_remove("EHR_KEYSTORE")
		.env_remove("EHR_NODE_URL")
		.env_remove("EHR_ALLOW_INSECURE_NODE");
	for (k, v) in envs {
		cmd.env(k, v);
	}
	cmd.output().expect("run ehr")
}

#[test]
fn keys_lifecycle() {
	let dir = tempfile::tempdir().unwrap();
	let ks = dir.path().join("alice.json");
	let ks = ks.to_str().unwrap();
	let pass = [("EHR_PASSPHRASE", "first passphrase")];

	let out = ehr(&["keys", "new", "--keystore", ks, "--json"], &pass);
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let account = created["account"].as_str().unwrap().to_string();
	assert!(account.starts_with('5'), "an SS58 address: {account}");
	assert_eq!(created["encryption_key"].as_str().unwrap().len(), 64);
	assert!(!String::from_utf8_lossy(&out.stdout).contains("first passphrase"));

	// A second `new` must not overwrite the keys.
	let out = ehr(&["keys", "new", "--keystore", ks], &pass);
	assert_eq!(out.status.code(), Some(1));
	assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

	let out = ehr(&["keys", "show", "--keystore", ks], &[]);
	assert!(out.status.success());
	assert!(String::from_utf8_lossy(&out.stdout).contains(&account));

	let out = ehr(&["keys", "export-public", "--keystore", ks], &[]);
	let public: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert_eq!(public["account"], account.as_str());

	let out = ehr(
		&["keys", "change-passphrase", "--keystore", ks],
		&[("EHR_PASSPHRASE", "wrong passphrase"), ("EHR_NEW_PASSPHRASE", "second passphrase")],
	);
	assert_eq!(out.status.code(), Some(3), "wrong passphrase exits 3");
	assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));

	let out = ehr(
		&["keys", "change-passphrase", "--keystore", ks],
		&[("EHR_PASSPHRASE", "first passphrase"), ("EHR_NEW_PASSPHRASE", "second passphrase")],
	);
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let out = ehr(
		&["keys", "change-passphrase", "--keystore", ks],
		&[("EHR_PASSPHRASE", "first passphrase"), ("EHR_NEW_PASSPHRASE", "third passphrase")],
	);
	assert_eq!(out.status.code(), Some(3), "the old passphrase no longer opens it");

	let out =
		ehr(&["keys", "show", "--keystore", dir.path().join("none.json").to_str().unwrap()], &[]);
	assert_eq!(out.status.code(), Some(2));
	assert!(String::from_utf8_lossy(&out.stderr).contains("ehr keys new"));
}

/// Plain ws:// to a node on another machine is refused before any
/// connection (exit 2); `--allow-insecure-node` or the config key lets it
/// through to the connection (which then fails: nothing listens there).
#[test]
fn plain_websocket_to_another_machine_is_refused_unless_allowed() {
	let dir = tempfile::tempdir().unwrap();
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let remote = ["--node", "ws://node.hospital.invalid:9944", "user", "show", alice];
	let out = ehr(&remote, &[("EHR_CONFIG", "/dev/null")]);
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert_eq!(out.status.code(), Some(2), "{stderr}");
	assert!(stderr.contains("wss://") && stderr.contains("--allow-insecure-node"), "{stderr}");

	// Let through, the connection is tried (and fails on the name, not on
	// a second insecure-URL check in the RPC layer).
	let tried = |out: Output| {
		let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
		assert_eq!(out.status.code(), Some(5), "{stderr}");
		assert!(stderr.contains("cannot reach the node"), "{stderr}");
		assert!(!stderr.to_lowercase().contains("insecure"), "{stderr}");
	};
	let allowed = [&["--allow-insecure-node"][..], &remote].concat();
	tried(ehr(&allowed, &[("EHR_CONFIG", "/dev/null")]));
	let config = dir.path().join("config.toml");
	std::fs::write(&config, "allow_insecure_node = true\n").unwrap();
	tried(ehr(&remote, &[("EHR_CONFIG", config.to_str().unwrap())]));
}
