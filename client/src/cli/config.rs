//! Where the client finds the node, IPFS and the keystore, and which chain
//! it expects there: flags, then
//! `EHR_*` environment variables (clap reads both), then the config file,
//! then defaults.

use super::error::CliError;
use std::path::{Path, PathBuf};

/// The config file's keys; all optional.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	node_url: Option<String>,
	ipfs_url: Option<String>,
	keystore: Option<PathBuf>,
	genesis_hash: Option<String>,
	index_url: Option<String>,
	allow_insecure_node: Option<bool>,
	finality_checkpoint: Option<PathBuf>,
	durable: Option<bool>,
}

pub struct Settings {
	pub node_url: String,
	pub ipfs_url: String,
	pub keystore: PathBuf,
	/// The chain the client must find at `node_url`, if pinned.
	pub genesis: Option<[u8; 32]>,
	/// The audit index `ehr audit` asks, if any (`--index` overrides it).
	pub index_url: Option<String>,
	/// Whether plain `ws://` to a node on another machine is accepted.
	pub allow_insecure_node: bool,
	/// A GRANDPA checkpoint to prove finality from, for a chain whose
	/// nodes no longer keep the genesis state (`ehr chain checkpoint`).
	pub finality_checkpoint: Option<PathBuf>,
	/// Where the newest checkpoint the client verified is kept, one file
	/// per chain.
	pub checkpoints: Option<PathBuf>,
	/// Whether `ehr record add` waits until the consortium's replication
	/// setting of hospitals hold the new record (a consortium sets it; a
	/// single dev node has no other hospital to wait for).
	pub durable: bool,
}

fn config_dir() -> Option<PathBuf> {
	std::env::var_os("XDG_CONFIG_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
		.map(|d| d.join("ehr"))
}

impl Settings {
	/// Reads `explicit` (which must exist) or the default config file (which
	/// may not), and lets the given values override it.
	pub fn load(
		explicit: Option<&Path>,
		node_url: Option<String>,
		ipfs_url: Option<String>,
		keystore: Option<PathBuf>,
		genesis: Option<String>,
		allow_insecure_node: bool,
		finality_checkpoint: Option<PathBuf>,
	) -> Result<Settings, CliError> {
		let dir = config_dir();
		let path =
			explicit.map(Path::to_path_buf).or_else(|| dir.as_ref().map(|d| d.join("config.toml")));
		let file = match path {
			Some(path) if explicit.is_some() || path.exists() => {
				let text = std::fs::read_to_string(&path).map_err(|e| {
					CliError::Usage(format!("cannot read config {}: {e}", path.display()))
				})?;
				toml::from_str(&text).map_err(|e| {
					CliError::Usage(format!("config {} is not valid: {e}", path.display()))
				})?
			}
			_ => File::default(),
		};
		let keystore = keystore
			.or(file.keystore)
			.or_else(|| dir.as_ref().map(|d| d.join("keystore.json")))
			.ok_or_else(|| CliError::Usage("set --keystore or EHR_KEYSTORE (no HOME)".into()))?;
		let genesis = genesis
			.or(file.genesis_hash)
			.map(|text| {
				super::args::parse_hex32(&text).ok_or_else(|| {
					CliError::Usage(format!("genesis hash `{text}` is not 0x and 64 hex digits"))
				})
			})
			.transpose()?;
		Ok(Settings {
			genesis,
			node_url: node_url.or(file.node_url).unwrap_or_else(|| "ws://127.0.0.1:9944".into()),
			ipfs_url: ipfs_url.or(file.ipfs_url).unwrap_or_else(|| "http://127.0.0.1:5001".into()),
			keystore,
			index_url: file.index_url,
			allow_insecure_node: allow_insecure_node || file.allow_insecure_node.unwrap_or(false),
			finality_checkpoint: finality_checkpoint.or(file.finality_checkpoint),
			checkpoints: dir.map(|d| d.join("checkpoints")),
			durable: file.durable.unwrap_or(false),
		})
	}
}
