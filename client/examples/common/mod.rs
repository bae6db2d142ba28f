//! What the benchmarks that drive a dev node and kubo share.

use ehr::chain::query;

use ehr::{
	chain::{self, Wait},
	crypto::os_rng,
	keystore::Keys,
	records::{Role, Session},
	registration,
	storage::Ipfs,
};

/// A session of dev account `suri` (a fresh encryption key each time).
pub async fn session(node: &str, ipfs: &str, suri: &str) -> Session {
	Session {
		chain: chain::connect(node).await.expect("node"),
		ipfs: Ipfs::new(ipfs),
		keys: Keys::from_secret_uri(suri, &mut os_rng()).expect("dev key"),
		progress: None,
		contacts: None,
		wait: Wait::InBlock,
	}
}

/// The patient (Charlie), the doctor (Dave, registered by hospital 1's
/// registrar Alice from his consent) and the registrar, registered.
pub async fn patient_doctor_registrar(node: &str, ipfs: &str) -> (Session, Session, Session) {
	let patient = session(node, ipfs, "//Charlie").await;
	let doctor = session(node, ipfs, "//Dave").await;
	let registrar = session(node, ipfs, "//Alice").await;
	patient.register_self(Role::Patient).await.expect("patient");
	let genesis = registrar.chain.genesis_hash().0;
	let registered = query::registrations(&doctor.chain, &doctor.account()).await.expect("count");
	let consent = registration::consent(
		&doctor.keys.signer,
		&doctor.keys.encryption,
		genesis,
		Role::Doctor,
		(1, registered),
	);
	registrar.register_consented(&consent).await.expect("doctor");
	(patient, doctor, registrar)
}
