//! Built-in chain specifications.

use ehr_runtime::WASM_BINARY;
use sc_service::ChainType;

pub type ChainSpec = sc_service::GenericChainSpec;

fn spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| "the runtime wasm was not built".to_string())?;
	let properties = serde_json::json!({ "tokenSymbol": "EHR", "tokenDecimals": 12 });
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_properties(properties.as_object().expect("an object").clone())
		.with_genesis_config_preset_name(preset)
		.build())
}

/// `--dev`: one validator (Alice), dev registrars, a council of Alice and Bob.
pub fn development() -> Result<ChainSpec, String> {
	spec(
		"EHR Development",
		"ehr_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: Alice and Bob validate.
pub fn local() -> Result<ChainSpec, String> {
	spec(
		"EHR Local Testnet",
		"ehr_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain consortium`: hospitals 1–4 validate, council
/// governance, authorised nodes only.
pub fn consortium() -> Result<ChainSpec, String> {
	spec(
		"EHR Consortium Testnet",
		"ehr_consortium",
		ChainType::Local,
		ehr_runtime::genesis_config_presets::CONSORTIUM_PRESET,
	)
}
