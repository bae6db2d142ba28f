//! What every command needs: settings, output, and the keystore, node and
//! IPFS connections, each opened only when the command uses it.

use super::{
	args::{parse_account, parse_hex32},
	bars::Bars,
	config::Settings,
	error::CliError,
	output::Out,
};
use ehr::chain::query;
use ehr::{
	chain::{self, AccountId, Wait},
	contacts::Contacts,
	files,
	keystore::{Keys, KeystoreFile},
	progress::Progress,
	records::{BlockNumber, RecordError, Session},
	storage::Ipfs,
	verified,
};
use std::{path::PathBuf, sync::Arc};

/// A passphrase from a file, an environment variable or the terminal, in
/// that order. Never echoed, never logged.
pub fn passphrase(
	file: Option<&PathBuf>,
	env: &str,
	prompt: &str,
	confirm: bool,
) -> Result<Secret, CliError> {
	if let Some(file) = file {
		let text = Secret::new(
			std::fs::read_to_string(file)
				.map_err(|e| CliError::Usage(format!("cannot read {}: {e}", file.display())))?,
		);
		return Ok(Secret::new(text.trim_end_matches(['\n', '\r']).to_string()));
	}
	if let Ok(value) = std::env::var(env) {
		return Ok(Secret::new(value));
	}
	let first = Secret::new(rpassword::prompt_password(prompt)?);
	if confirm && *Secret::new(rpassword::prompt_password("Repeat it: ")?) != *first {
		return Err(CliError::Usage("the passphrases differ".into()));
	}
	Ok(first)
}

/// A passphrase or secret URI: wiped from memory when dropped.
pub type Secret = zeroize::Zeroizing<String>;

/// Everything a command needs, opened lazily from the settings.
pub struct Ctx {
	pub settings: Settings,
	pub ipfs_timeout: std::time::Duration,
	pub out: Out,
	/// Draw progress bars for long transfers.
	pub bars: bool,
	pub wait: Wait,
	pub passphrase_file: Option<PathBuf>,
}

impl Ctx {
	pub fn keystore_file(&self) -> Result<KeystoreFile, CliError> {
		let path = &self.settings.keystore;
		if !path.exists() {
			return Err(CliError::Usage(format!(
				"no keystore at {}: create one with `ehr keys new` (or set --keystore)",
				path.display()
			)));
		}
		Ok(KeystoreFile::read(path)?)
	}

	/// The audit index to ask: `given` (flag or environment), else the
	/// config file's.
	pub fn index_url<'a>(&'a self, given: &'a Option<String>) -> Option<&'a str> {
		given.as_deref().or(self.settings.index_url.as_deref())
	}

	pub fn account(&self) -> Result<AccountId, CliError> {
		parse_account(&self.keystore_file()?.public.account)
	}

	pub fn unlock(&self) -> Result<(KeystoreFile, Secret, Keys), CliError> {
		let file = self.keystore_file()?;
		let pass =
			passphrase(self.passphrase_file.as_ref(), "EHR_PASSPHRASE", "Passphrase: ", false)?;
		let keys = file.unlock(&pass)?;
		Ok((file, pass, keys))
	}

	pub fn ipfs(&self) -> Ipfs {
		Ipfs::new(&self.settings.ipfs_url).with_find_timeout(self.ipfs_timeout)
	}

	/// Connects to the node, trusting the newer of the given finality
	/// checkpoint and the one kept from earlier runs (else the genesis
	/// authority set).
	pub async fn chain(&self) -> Result<chain::Client, CliError> {
		let (url, plain) = (&self.settings.node_url, self.settings.allow_insecure_node);
		// Without a configured genesis hash, the first chain this client
		// used is pinned (trust on first use): the genesis is the root of
		// every proof, so a node must not choose it.
		let pinned = self.settings.checkpoints.as_ref().map(|dir| dir.join("chain"));
		let first_used = pinned
			.as_deref()
			.and_then(|path| std::fs::read_to_string(path).ok())
			.and_then(|text| parse_hex32(text.trim()));
		let client = match self.settings.genesis.or(first_used) {
			Some(genesis) => chain::connect_expecting(url, genesis, plain).await?,
			None => {
				let client = chain::connect_allowing(url, plain).await?;
				if let Some(path) = &pinned {
					let genesis = format!("0x{}\n", hex::encode(client.genesis_hash().0));
					std::fs::create_dir_all(path.parent().expect("in a directory"))?;
					std::fs::write(path, genesis)?;
				}
				client
			}
		};
		let given = match &self.settings.finality_checkpoint {
			Some(path) => Some(verified::read_checkpoint(path).map_err(CliError::Usage)?),
			None => None,
		};
		let genesis = client.genesis_hash().0;
		let kept = self
			.settings
			.checkpoints
			.as_ref()
			.map(|dir| dir.join(format!("{}.json", hex::encode(genesis))));
		// A kept file that does not read is only a cache: start without it.
		let cached = kept.as_deref().and_then(|path| verified::read_checkpoint(path).ok());
		let start = match (given, cached) {
			(Some(given), Some(cached))
				if cached.genesis_hash == given.genesis_hash && cached.number > given.number =>
			{
				Some(cached)
			}
			(Some(given), _) => Some(given),
			(None, cached) => cached.filter(|c| c.genesis_hash.0 == genesis),
		};
		if let Some(checkpoint) = start {
			client.trust(checkpoint).map_err(RecordError::from)?;
		}
		if let Some(path) = kept {
			client.keep_checkpoints(path);
		}
		Ok(client)
	}

	/// A session for this keystore; `ipfs` checks the daemon answers first.
	pub async fn session(&self, ipfs: bool) -> Result<Session, CliError> {
		let (_, _, keys) = self.unlock()?;
		self.session_with(keys, ipfs).await
	}

	/// A session for `keys`, unlocked already.
	pub async fn session_with(&self, keys: Keys, ipfs: bool) -> Result<Session, CliError> {
		let store = self.ipfs();
		if ipfs {
			store.ping().await?;
		}
		let chain = self.chain().await?;
		Ok(Session {
			contacts: Some(self.contacts(&chain)),
			chain,
			ipfs: store,
			keys,
			progress: self.progress(),
			wait: self.wait,
		})
	}

	/// What a session tells about its transfers: bars on stderr, if wanted.
	pub fn progress(&self) -> Option<Arc<dyn Progress>> {
		self.bars.then(|| Arc::new(Bars::default()) as Arc<dyn Progress>)
	}

	/// The pins of this keystore on `chain`'s network, kept next to it.
	pub fn contacts(&self, chain: &chain::Client) -> Contacts {
		let path = files::beside(&self.settings.keystore, ".contacts.json");
		Contacts::open(&path, &chain.genesis_hash().0)
	}

	/// `--expires`: `#BLOCK`, or a duration from now (`90m`, `12h`, `30d`).
	pub async fn expiry(
		&self,
		chain: &chain::Client,
		text: Option<&str>,
	) -> Result<Option<BlockNumber>, CliError> {
		let Some(text) = text else { return Ok(None) };
		let bad = || CliError::Usage(format!("--expires {text}: use #BLOCK, or 90m, 12h, 30d"));
		if let Some(block) = text.strip_prefix('#') {
			return block.parse().map(Some).map_err(|_| bad());
		}
		// The last character, whatever its width (`5ä` is refused, not a panic).
		let unit_len = text.chars().last().map_or(0, char::len_utf8);
		let (number, unit) = text.split_at(text.len() - unit_len);
		let unit: u64 = match unit {
			"m" => 60,
			"h" => 3600,
			"d" => 86_400,
			_ => return Err(bad()),
		};
		// Saturating: an absurdly long duration is the last block, not a
		// wrapped-around early one.
		let ms =
			number.parse::<u64>().map_err(|_| bad())?.saturating_mul(unit).saturating_mul(1000);
		let block_ms = chain::block_time_ms(chain).await?;
		let now = query::block_number(chain).await?;
		let blocks = ms.div_ceil(block_ms.max(1));
		Ok(Some(now.saturating_add(blocks.try_into().unwrap_or(BlockNumber::MAX))))
	}
}
