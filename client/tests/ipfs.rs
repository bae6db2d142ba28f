//! The IPFS layer against a real kubo daemon on loopback, started and
//! stopped with `scripts/ipfs` in a temporary repo on free ports.

mod common;

use common::Kubo;
use ehr::{
	crypto::{envelope, DataKey},
	storage::{sha256_file, Ipfs, StorageError},
};

#[tokio::test(flavor = "multi_thread")]
async fn envelope_round_trips_through_kubo_pinned_and_unpinned() {
	let kubo = Kubo::start();
	let ipfs = Ipfs::new(&kubo.api);
	ipfs.ping().await.expect("daemon answers");

	// Three chunks' worth of ciphertext.
	let dir = tempfile::tempdir().unwrap();
	let sealed = dir.path().join("sealed");
	let key = DataKey::from_bytes([4; 32]);
	let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
	envelope::encrypt(
		&key,
		65536,
		[1; 16],
		&mut &plain[..],
		&mut std::fs::File::create(&sealed).unwrap(),
	)
	.unwrap();

	let stored = ipfs.add_pinned(&sealed).await.expect("added");
	assert!(stored.cid.starts_with("bafk"), "a CIDv1 of raw leaves: {}", stored.cid);
	assert_eq!((stored.digest, stored.size), sha256_file(&sealed).unwrap());
	assert!(ipfs.is_pinned(&stored.cid).await.unwrap());

	let mut fetched = Vec::new();
	let (digest, size) = ipfs.cat_into(&stored.cid, &mut fetched).await.expect("cat");
	assert_eq!((digest, size), (stored.digest, stored.size));
	let mut back = Vec::new();
	envelope::decrypt(&key, &mut &fetched[..], &mut back).unwrap();
	assert_eq!(back, plain);

	ipfs.unpin(&stored.cid).await.expect("unpinned");
	assert!(!ipfs.is_pinned(&stored.cid).await.unwrap());
	ipfs.unpin(&stored.cid).await.expect("unpinning twice is fine");

	// Unknown CIDs and garbage are refused with kubo's message.
	let bad = ipfs.cat_into("not-a-cid", &mut Vec::new()).await.unwrap_err();
	assert!(matches!(bad, StorageError::Refused(_)), "{bad}");

	// With the daemon down, every call says it is unreachable and what to do.
	kubo.stop();
	let down = ipfs.add_pinned(&sealed).await.unwrap_err();
	assert!(matches!(down, StorageError::Unreachable { .. }), "{down}");
	assert!(down.to_string().contains("scripts/ipfs start"));
}
