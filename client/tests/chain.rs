//! Drives a real `ehr-node --dev` over WebSocket with signed extrinsics:
//! users, a record, a grant, a rejected grant by a non-owner and a revocation
//! with key rotation, read back through storage and the runtime API; a
//! registrar's registration without the subject's consent, or with a forged
//! consent or key proof, refused by the node.

mod common;

use common::{wait_for_node, DevNode};
use ehr::chain::{
	self,
	runtime::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			ehr_runtime::ConsentSignature,
			pallet_ehr_acl::types::{Access, NewContent, RecordKind, Role},
		},
	},
	AccountId, Client, Keypair,
};
use ehr::{crypto::wrap::EncryptionKeypair, registration};
use subxt_signer::sr25519::dev;

/// What registering `who` as `role` in `hospital` takes: its encryption key
/// (secret `[n; 32]`), the key's proof, and `who`'s consent.
fn registration(
	client: &Client,
	who: &Keypair,
	role: &Role,
	hospital: u32,
	n: u8,
) -> ([u8; 32], [u8; 64], ConsentSignature) {
	let genesis = client.genesis_hash().0;
	let key = EncryptionKeypair::from_secret(&[n; 32]);
	let proof = key.key_proof(&genesis, &account(who).0, &mut ehr::crypto::os_rng());
	let message = registration::consent_message(
		&genesis,
		&account(who),
		role,
		&key.public_bytes(),
		(hospital, 0),
	);
	(key.public_bytes(), proof, ConsentSignature(who.sign(&message).0))
}

fn account(key: &Keypair) -> AccountId {
	key.public_key().to_account_id()
}

fn bytes(b: &[u8]) -> BoundedVec<u8> {
	BoundedVec(b.to_vec())
}

async fn connect(node: &DevNode) -> Client {
	wait_for_node(&node.ws_url).await
}

#[tokio::test(flavor = "multi_thread")]
async fn acl_calls_round_trip_through_a_real_node() {
	let node = DevNode::start();
	let client = connect(&node).await;
	let acl = runtime::transactions().ehr_acl();
	let (registrar, patient, doctor, stranger) =
		(dev::alice(), dev::charlie(), dev::dave(), dev::eve());

	// The patient registers itself; the registrar (Alice, hospital 1 in the
	// dev preset) registers the doctor, with the doctor's consent.
	let (patient_key, proof, _) = registration(&client, &patient, &Role::Patient, 0, 1);
	chain::submit(
		&client,
		&acl.register_user(account(&patient), Role::Patient, patient_key, proof, None),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("patient registers");
	let (doctor_key, proof, consent) = registration(&client, &doctor, &Role::Doctor, 1, 2);
	let (_, _, for_hospital_2) = registration(&client, &doctor, &Role::Doctor, 2, 2);
	let (_, other_proof, by_registrar) = registration(&client, &registrar, &Role::Doctor, 1, 2);
	for (case, proof, consent, error) in [
		("without consent", proof, None, "ConsentMissing"),
		("with a consent to another hospital", proof, Some(for_hospital_2), "BadConsent"),
		("with a consent the registrar signed", proof, Some(by_registrar), "BadConsent"),
		("with another account's key proof", other_proof, Some(consent.clone()), "BadKeyProof"),
	] {
		let refused = chain::submit(
			&client,
			&acl.register_user(account(&doctor), Role::Doctor, doctor_key, proof, consent),
			&registrar,
			chain::Wait::InBlock,
		)
		.await
		.expect_err(case);
		assert_eq!(refused.pallet_error(), Some(error), "{case}");
	}
	chain::submit(
		&client,
		&acl.register_user(account(&doctor), Role::Doctor, doctor_key, proof, Some(consent)),
		&registrar,
		chain::Wait::Finalized,
	)
	.await
	.expect("registrar registers doctor");
	// A consent serves one registration: once Ferdie has been registered
	// and deregistered, the same call is refused by the node.
	let (key, proof, consent) = registration(&client, &dev::ferdie(), &Role::Doctor, 1, 6);
	let again = acl.register_user(account(&dev::ferdie()), Role::Doctor, key, proof, Some(consent));
	chain::submit(&client, &again, &registrar, chain::Wait::InBlock).await.expect("registers");
	let leave = acl.deregister_user(account(&dev::ferdie()));
	chain::submit(&client, &leave, &registrar, chain::Wait::InBlock).await.expect("deregisters");
	let replayed = chain::submit(&client, &again, &registrar, chain::Wait::InBlock)
		.await
		.expect_err("a used consent is refused");
	assert_eq!(replayed.pallet_error(), Some("BadConsent"));
	let (stranger_key, proof, _) = registration(&client, &stranger, &Role::Patient, 0, 5);
	chain::submit(
		&client,
		&acl.register_user(account(&stranger), Role::Patient, stranger_key, proof, None),
		&stranger,
		chain::Wait::Finalized,
	)
	.await
	.expect("stranger registers");
	// A patient cannot register staff.
	let refused = chain::submit(
		&client,
		&acl.register_user(account(&dev::ferdie()), Role::Doctor, [6; 32], [0; 64], None),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect_err("only registrars register staff");
	assert_eq!(refused.pallet_error(), Some("NotRegistrar"));

	let events = chain::submit(
		&client,
		&acl.add_record(
			account(&patient),
			bytes(b"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"),
			[9; 32],
			RecordKind::Observation,
			(0, bytes(&[1; 80])),
			None,
			BoundedVec(vec![]),
		),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("patient adds a record");
	let added = events
		.find_first::<runtime::ehr_acl::events::RecordAdded>()
		.expect("events decode")
		.expect("RecordAdded emitted");
	assert_eq!((added.id, added.owner), (0, account(&patient)));

	chain::submit(
		&client,
		&acl.grant_access(0, account(&doctor), Access::ReadWrite, bytes(&[2; 80]), 1, 0, None),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("owner grants the doctor");

	// A non-owner without a grant cannot grant, and nothing changes.
	let refused = chain::submit(
		&client,
		&acl.grant_access(0, account(&stranger), Access::Read, bytes(&[5; 80]), 1, 0, None),
		&stranger,
		chain::Wait::Finalized,
	)
	.await
	.expect_err("a stranger cannot grant");
	assert_eq!(refused.pallet_error(), Some("NotAllowedToGrant"));
	assert!(refused.to_string().contains("EhrAcl.NotAllowedToGrant"), "{refused}");

	// Storage and the runtime API agree on the record and its grants.
	let at = client.at_current_block().await.expect("finalized block");
	let record = at
		.storage()
		.entry(runtime::storage().ehr_acl().records())
		.expect("entry")
		.fetch((0u64,))
		.await
		.expect("record stored")
		.decode()
		.expect("record decodes");
	assert_eq!((record.owner, record.grant_count, record.key_version), (account(&patient), 2, 1));
	let grant = at
		.storage()
		.entry(runtime::storage().ehr_acl().grants())
		.expect("entry")
		.fetch((0u64, account(&doctor)))
		.await
		.expect("grant stored")
		.decode()
		.expect("grant decodes");
	assert_eq!((grant.access, grant.granted_by), (Access::ReadWrite, account(&patient)));
	assert!(at
		.storage()
		.entry(runtime::storage().ehr_acl().grants())
		.expect("entry")
		.try_fetch((0u64, account(&stranger)))
		.await
		.expect("query")
		.is_none());

	let api = runtime::runtime_apis().ehr_acl_api();
	let view = at.runtime_apis().call(api.record(0)).await.expect("record api").expect("record");
	let mut readers: Vec<_> = view.grants.iter().map(|(who, _)| *who).collect();
	readers.sort();
	let mut expected = vec![account(&patient), account(&doctor)];
	expected.sort();
	assert_eq!(readers, expected);
	assert_eq!(
		at.runtime_apis().call(api.records_of(account(&patient))).await.expect("api"),
		vec![0]
	);
	let held = at.runtime_apis().call(api.grants_held(account(&doctor))).await.expect("api");
	assert_eq!(held.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![0]);
	assert_eq!(
		at.runtime_apis().call(api.public_key(account(&doctor))).await.expect("api"),
		Some((Role::Doctor, doctor_key))
	);

	// Revoking with rotation moves the record to new ciphertext and re-keys
	// the owner in the same extrinsic.
	let rotation = NewContent {
		based_on: 1,
		cid: bytes(b"bafkreib4pqtikzdjlj4zigobmd63lig7u6oxlug24snlr6atjlmlza45dq"),
		ciphertext_digest: [10; 32],
		keys: BoundedVec(vec![(account(&patient), 0, bytes(&[11; 80]))]),
	};
	chain::submit(
		&client,
		&acl.revoke_access(0, account(&doctor), Some(rotation)),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("owner revokes with rotation");
	let at = client.at_current_block().await.expect("finalized block");
	let view = at.runtime_apis().call(api.record(0)).await.expect("record api").expect("record");
	// The same content under a new key: a new key version, not a new version.
	assert_eq!((view.record.version, view.record.key_version, view.record.grant_count), (1, 2, 1));
	assert_eq!(view.grants.len(), 1);
	assert_eq!(view.grants[0].1.wrapped_key, bytes(&[11; 80]));
	assert!(at
		.runtime_apis()
		.call(api.grants_held(account(&doctor)))
		.await
		.expect("api")
		.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_metadata_matches_the_node_runtime() {
	let node = DevNode::start();
	// Not `chain::connect`, which refuses a stale client: this test names the
	// fix. With the node's metadata (`chain::Config` holds the built-in one).
	let mut client = None;
	for _ in 0..60 {
		if let Ok(c) = subxt::OnlineClient::<subxt::PolkadotConfig>::from_url(&node.ws_url).await {
			client = Some(c);
			break;
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
	let at = client.expect("node answers").at_current_block().await.expect("finalized block");
	assert!(
		runtime::is_codegen_valid_for(at.metadata_ref()),
		"client/metadata/ehr.scale is stale: run scripts/update-metadata"
	);
}

/// A node serves 100 connections at a time. Every client used to leave its
/// connection open after it was dropped (subxt's background task kept the
/// block subscription), so the 101st connection of one process (a retry
/// loop, a long-running service) was refused with HTTP 429.
#[tokio::test(flavor = "multi_thread")]
async fn a_process_that_connects_again_and_again_never_runs_out_of_node_slots() {
	let node = DevNode::start();
	drop(connect(&node).await);
	for attempt in 0..150 {
		let client = chain::connect(&node.ws_url).await;
		assert!(client.is_ok(), "connection {attempt}: {:?}", client.err());
	}
}
