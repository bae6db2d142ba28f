//! The `#[subxt]` macro reads `metadata/ehr.scale` but cargo does not know;
//! rebuild the client whenever `scripts/update-metadata` rewrites it.
fn main() {
	println!("cargo:rerun-if-changed=metadata/ehr.scale");
}
