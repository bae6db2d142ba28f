//! `ehr`: the command-line client of the EHR consortium chain.
//!
//! `main` parses arguments and calls [`run`]; `run` returns a `Result`;
//! `main` turns it into one message on stderr and an exit code.

use clap::{Args, Parser, Subcommand};
use ehr::{
	crypto::os_rng,
	keystore::{Keys, KeystoreError, KeystoreFile, DEFAULT_KDF},
};
use std::{path::PathBuf, process::ExitCode};

/// Exit codes scripts can rely on.
mod exit {
	/// Bad usage or input.
	pub const USAGE: u8 = 2;
	/// The keystore could not be opened: wrong passphrase or file.
	pub const KEYSTORE: u8 = 3;
	/// Anything else.
	pub const FAILURE: u8 = 1;
}

#[derive(Parser)]
#[command(
	name = "ehr",
	version,
	about = "Share encrypted health records over the EHR consortium chain"
)]
struct Cli {
	/// Print machine-readable JSON instead of text.
	#[arg(long, global = true)]
	json: bool,

	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Create and manage this account's keys.
	#[command(subcommand)]
	Keys(KeysCommand),
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Create a new keystore: an sr25519 signing key (the chain account) and an
	/// X25519 encryption key, sealed with a passphrase.
	New(KeystoreArgs),
	/// Show the account and public encryption key (no passphrase needed).
	Show(KeystoreArgs),
	/// Print only the public keys, for a registrar or another user.
	ExportPublic(KeystoreArgs),
	/// Re-seal the keystore under a new passphrase.
	ChangePassphrase {
		#[command(flatten)]
		keystore: KeystoreArgs,
		/// File holding the new passphrase (else `EHR_NEW_PASSPHRASE`, else a prompt).
		#[arg(long)]
		new_passphrase_file: Option<PathBuf>,
	},
}

#[derive(Args)]
struct KeystoreArgs {
	/// Keystore file [env: EHR_KEYSTORE; default: ~/.config/ehr/keystore.json].
	#[arg(long, env = "EHR_KEYSTORE")]
	keystore: Option<PathBuf>,
	/// File holding the passphrase (else `EHR_PASSPHRASE`, else a prompt).
	#[arg(long)]
	passphrase_file: Option<PathBuf>,
}

impl KeystoreArgs {
	fn path(&self) -> Result<PathBuf, CliError> {
		if let Some(path) = &self.keystore {
			return Ok(path.clone());
		}
		let config = std::env::var_os("XDG_CONFIG_HOME")
			.map(PathBuf::from)
			.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
			.ok_or_else(|| CliError::Usage("set --keystore or EHR_KEYSTORE (no HOME)".into()))?;
		Ok(config.join("ehr").join("keystore.json"))
	}

	fn read(&self) -> Result<(PathBuf, KeystoreFile), CliError> {
		let path = self.path()?;
		if !path.exists() {
			return Err(CliError::Usage(format!(
				"no keystore at {}: create one with `ehr keys new`",
				path.display()
			)));
		}
		let file = KeystoreFile::read(&path)?;
		Ok((path, file))
	}
}

#[derive(Debug, thiserror::Error)]
enum CliError {
	#[error("{0}")]
	Usage(String),
	#[error(transparent)]
	Keystore(#[from] KeystoreError),
	#[error("{0}")]
	Io(#[from] std::io::Error),
}

impl CliError {
	fn exit_code(&self) -> u8 {
		match self {
			CliError::Usage(_) => exit::USAGE,
			CliError::Keystore(KeystoreError::WrongPassphrase | KeystoreError::WeakPassphrase) => {
				exit::KEYSTORE
			}
			CliError::Keystore(_) | CliError::Io(_) => exit::FAILURE,
		}
	}
}

/// A passphrase from a file, an environment variable or the terminal, in
/// that order. Never echoed, never logged.
fn passphrase(
	file: Option<&PathBuf>,
	env: &str,
	prompt: &str,
	confirm: bool,
) -> Result<String, CliError> {
	if let Some(file) = file {
		let text = std::fs::read_to_string(file)?;
		return Ok(text.trim_end_matches(['\n', '\r']).to_string());
	}
	if let Ok(value) = std::env::var(env) {
		return Ok(value);
	}
	let first = rpassword::prompt_password(prompt)?;
	if confirm && rpassword::prompt_password("Repeat it: ")? != first {
		return Err(CliError::Usage("the passphrases differ".into()));
	}
	Ok(first)
}

fn print_public(file: &KeystoreFile, path: &std::path::Path, json: bool) {
	if json {
		let value = serde_json::json!({
			"keystore": path.display().to_string(),
			"account": file.public.account,
			"encryption_key": file.public.encryption_key,
		});
		println!("{value}");
	} else {
		println!("keystore:        {}", path.display());
		println!("account:         {}", file.public.account);
		println!("encryption key:  {}", file.public.encryption_key);
	}
}

fn run(cli: Cli) -> Result<(), CliError> {
	match cli.command {
		Command::Keys(KeysCommand::New(args)) => {
			let path = args.path()?;
			if path.exists() {
				return Err(KeystoreError::AlreadyExists(path.display().to_string()).into());
			}
			let pass = passphrase(
				args.passphrase_file.as_ref(),
				"EHR_PASSPHRASE",
				"New passphrase: ",
				true,
			)?;
			let file = Keys::generate(&mut os_rng()).seal(&pass, DEFAULT_KDF, &mut os_rng())?;
			file.write(&path, false)?;
			print_public(&file, &path, cli.json);
		}
		Command::Keys(KeysCommand::Show(args)) => {
			let (path, file) = args.read()?;
			print_public(&file, &path, cli.json);
		}
		Command::Keys(KeysCommand::ExportPublic(args)) => {
			let (_, file) = args.read()?;
			println!("{}", serde_json::to_string_pretty(&file.public).expect("serializes"));
		}
		Command::Keys(KeysCommand::ChangePassphrase { keystore, new_passphrase_file }) => {
			let (path, file) = keystore.read()?;
			let old = passphrase(
				keystore.passphrase_file.as_ref(),
				"EHR_PASSPHRASE",
				"Passphrase: ",
				false,
			)?;
			let keys = file.unlock(&old)?;
			let new = passphrase(
				new_passphrase_file.as_ref(),
				"EHR_NEW_PASSPHRASE",
				"New passphrase: ",
				true,
			)?;
			keys.seal(&new, file.kdf, &mut os_rng())?.write(&path, true)?;
			if cli.json {
				println!(
					"{}",
					serde_json::json!({ "keystore": path.display().to_string(), "changed": true })
				);
			} else {
				println!("passphrase changed for {}", path.display());
			}
		}
	}
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(cli) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::from(e.exit_code())
		}
	}
}
