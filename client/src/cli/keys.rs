//! `ehr keys`: this account's keystore.

use super::{
	context::{passphrase, Ctx},
	error::CliError,
};
use clap::Subcommand;
use ehr::{
	crypto::os_rng,
	files,
	keystore::{Keys, KeystoreError, DEFAULT_KDF},
};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeysCommand {
	/// Create a new keystore: an sr25519 signing key (the chain account) and an
	/// X25519 encryption key, sealed with a passphrase.
	New,
	/// Create a keystore for an existing account from its secret URI (a
	/// mnemonic, optionally with `//hard` junctions, or `//Alice` on a dev
	/// chain), read from `--suri-file` or `EHR_SURI`, with a new encryption key.
	Import {
		/// File holding the secret URI.
		#[arg(long)]
		suri_file: Option<PathBuf>,
	},
	/// Show the account and public encryption key (no passphrase needed).
	Show,
	/// Print only the public keys, for a registrar or another user.
	ExportPublic,
	/// Re-seal the keystore under a new passphrase.
	ChangePassphrase {
		/// File holding the new passphrase (else `EHR_NEW_PASSPHRASE`, else a prompt).
		#[arg(long)]
		new_passphrase_file: Option<PathBuf>,
	},
}

pub async fn keys(ctx: &Ctx, command: KeysCommand) -> Result<(), CliError> {
	let path = &ctx.settings.keystore;
	let new_keystore = |keys: Keys| -> Result<(), CliError> {
		if path.exists() {
			return Err(KeystoreError::AlreadyExists(path.display().to_string()).into());
		}
		let pass =
			passphrase(ctx.passphrase_file.as_ref(), "EHR_PASSPHRASE", "New passphrase: ", true)?;
		let file = keys.seal(&pass, DEFAULT_KDF, &mut os_rng())?;
		file.write(path, false)?;
		ctx.out.public_keys(&file.public, path);
		Ok(())
	};
	match command {
		KeysCommand::New => new_keystore(Keys::generate(&mut os_rng()))?,
		KeysCommand::Import { suri_file } => {
			if path.exists() {
				return Err(KeystoreError::AlreadyExists(path.display().to_string()).into());
			}
			let suri = passphrase(suri_file.as_ref(), "EHR_SURI", "Secret URI: ", false)?;
			new_keystore(Keys::from_secret_uri(suri.trim(), &mut os_rng())?)?
		}
		KeysCommand::Show => ctx.out.public_keys(&ctx.keystore_file()?.public, path),
		KeysCommand::ExportPublic => {
			println!(
				"{}",
				serde_json::to_string_pretty(&ctx.keystore_file()?.public).expect("serializes")
			)
		}
		KeysCommand::ChangePassphrase { new_passphrase_file } => {
			// Not while a rotation saves a new key into the same file.
			let _lock = files::lock(path)?;
			let (file, _, keys) = ctx.unlock()?;
			let new = passphrase(
				new_passphrase_file.as_ref(),
				"EHR_NEW_PASSPHRASE",
				"New passphrase: ",
				true,
			)?;
			keys.seal(&new, file.kdf, &mut os_rng())?.write(path, true)?;
			ctx.out.done(
				&format!("passphrase changed for {}", path.display()),
				serde_json::json!({ "keystore": path.display().to_string(), "changed": true }),
			);
		}
	}
	Ok(())
}
