//! `badgedesk keys show|generate`: the issuer key of the event folder. Only public values are
//! ever printed (the DID and the public key).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use badgedesk::credential::keys;
use clap::Subcommand;

use super::passphrase::env_passphrase;

/// Environment variable holding the key passphrase, when the key is protected.
pub const PASSPHRASE_ENV: &str = "BADGEDESK_KEY_PASSPHRASE";

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Print the issuer DID and public key (never the secret).
    Show,
    /// Create the issuer key in keys/issuer.key (refuses to replace one).
    Generate {
        /// Protect the key with the passphrase in $BADGEDESK_KEY_PASSPHRASE.
        #[arg(long)]
        passphrase: bool,
    },
}

pub fn run(event_dir: &Path, action: &KeysAction) -> anyhow::Result<ExitCode> {
    let key = match action {
        KeysAction::Show => keys::load(event_dir, env_passphrase().as_deref())
            .with_context(|| format!("cannot read the issuer key of {}", event_dir.display()))?,
        KeysAction::Generate {
            passphrase: protect,
        } => {
            let pass = if *protect {
                Some(env_passphrase().with_context(|| {
                    format!("--passphrase needs the passphrase in ${PASSPHRASE_ENV}")
                })?)
            } else {
                None
            };
            let key = keys::generate(event_dir, pass.as_deref())?;
            println!("created {}", keys::key_path(event_dir).display());
            key
        }
    };
    println!("did: {}", key.did_key());
    println!("publicKeyMultibase: {}", key.public_key_multibase());
    Ok(ExitCode::SUCCESS)
}
