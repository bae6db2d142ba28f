//! Drives a real `ehr-node --dev` over WebSocket with signed extrinsics:
//! users, a record, a grant, a rejected grant by a non-owner and a revocation
//! with key rotation, read back through storage and the runtime API.

mod common;

use common::DevNode;
use ehr::chain::{
	self,
	runtime::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			pallet_ehr_acl::types::{Access, NewContent, RecordKind, Role},
		},
	},
	AccountId, Client, Keypair,
};
use subxt_signer::sr25519::dev;

fn account(key: &Keypair) -> AccountId {
	key.public_key().to_account_id()
}

fn bytes(b: &[u8]) -> BoundedVec<u8> {
	BoundedVec(b.to_vec())
}

/// Connects, retrying while the node finishes starting.
async fn connect(node: &DevNode) -> Client {
	let mut last = None;
	for _ in 0..60 {
		match chain::connect(&node.ws_url).await {
			Ok(client) => return client,
			Err(e) => last = Some(e),
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
	panic!("cannot connect to the dev node: {last:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn acl_calls_round_trip_through_a_real_node() {
	let node = DevNode::start();
	let client = connect(&node).await;
	let acl = runtime::transactions().ehr_acl();
	let (registrar, patient, doctor, stranger) =
		(dev::alice(), dev::charlie(), dev::dave(), dev::eve());

	// The patient registers itself; the registrar (Alice, hospital 1 in the
	// dev preset) registers the doctor.
	chain::submit(
		&client,
		&acl.register_user(account(&patient), Role::Patient, [1; 32]),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("patient registers");
	chain::submit(
		&client,
		&acl.register_user(account(&doctor), Role::Doctor, [2; 32]),
		&registrar,
		chain::Wait::Finalized,
	)
	.await
	.expect("registrar registers doctor");
	chain::submit(
		&client,
		&acl.register_user(account(&stranger), Role::Patient, [5; 32]),
		&stranger,
		chain::Wait::Finalized,
	)
	.await
	.expect("stranger registers");
	// A patient cannot register staff.
	let refused = chain::submit(
		&client,
		&acl.register_user(account(&dev::ferdie()), Role::Doctor, [6; 32]),
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
			bytes(&[1; 80]),
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
		&acl.grant_access(0, account(&doctor), Access::ReadWrite, bytes(&[2; 80]), 1, None),
		&patient,
		chain::Wait::Finalized,
	)
	.await
	.expect("owner grants the doctor");

	// A non-owner without a grant cannot grant, and nothing changes.
	let refused = chain::submit(
		&client,
		&acl.grant_access(0, account(&stranger), Access::Read, bytes(&[5; 80]), 1, None),
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
		Some((Role::Doctor, [2; 32]))
	);

	// Revoking with rotation moves the record to new ciphertext and re-keys
	// the owner in the same extrinsic.
	let rotation = NewContent {
		based_on: 1,
		cid: bytes(b"bafkreib4pqtikzdjlj4zigobmd63lig7u6oxlug24snlr6atjlmlza45dq"),
		ciphertext_digest: [10; 32],
		keys: BoundedVec(vec![(account(&patient), bytes(&[11; 80]))]),
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
	// Not `chain::connect`, which refuses a stale client: this test names the fix.
	let mut client = None;
	for _ in 0..60 {
		if let Ok(c) = subxt::OnlineClient::<chain::Config>::from_url(&node.ws_url).await {
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
