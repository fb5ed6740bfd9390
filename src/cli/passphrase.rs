//! The issuer key's passphrase: `$BADGEDESK_KEY_PASSPHRASE` when set, else asked on the
//! terminal (without echo) when the key is protected. The one place the command line and the
//! desk get it.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::bail;
use badgedesk::credential::keys::{self, KeyError};

use super::Ctx;
use super::keys::PASSPHRASE_ENV;

/// Tries before giving up on a mistyped passphrase.
const TRIES: usize = 3;

/// Whether the caller can go on without the key (the desk: ticks need no key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// The passphrase to unlock the event's key with: None when the key is not protected (or
/// cannot be read at all: whoever loads it reports why), or when `Optional` and the user
/// left the prompt empty.
pub fn key_passphrase(event_root: &Path, ctx: &Ctx, need: Need) -> anyhow::Result<Option<String>> {
    if let Some(p) = std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()) {
        return Ok(Some(p));
    }
    if !matches!(
        keys::load(event_root, None),
        Err(KeyError::PassphraseRequired { .. })
    ) {
        return Ok(None);
    }
    if !std::io::stdin().is_terminal() {
        return match need {
            Need::Optional => Ok(None),
            Need::Required => bail!(
                "{} ${PASSPHRASE_ENV}",
                ctx.tr(
                    "la clé de l’émetteur est protégée par une phrase secrète : donnez-la dans",
                    "the issuer key is protected by a passphrase: give it in"
                )
            ),
        };
    }
    let prompt = match need {
        Need::Required => ctx.tr(
            "Phrase secrète de la clé de l’émetteur : ",
            "Passphrase of the issuer key: ",
        ),
        Need::Optional => ctx.tr(
            "Phrase secrète de la clé de l’émetteur (vide : ouvrir le guichet sans pouvoir émettre de badge) : ",
            "Passphrase of the issuer key (empty: open the desk without issuing badges): ",
        ),
    };
    for _ in 0..TRIES {
        let typed = rpassword::prompt_password(prompt)?;
        if typed.is_empty() {
            match need {
                Need::Optional => return Ok(None),
                Need::Required => continue,
            }
        }
        match keys::load(event_root, Some(&typed)) {
            Ok(_) => return Ok(Some(typed)),
            Err(KeyError::WrongPassphrase { .. }) => eprintln!(
                "{}",
                ctx.tr(
                    "phrase secrète incorrecte, réessayez",
                    "wrong passphrase, try again"
                )
            ),
            Err(e) => return Err(e.into()),
        }
    }
    bail!(
        "{}",
        ctx.tr(
            "la clé de l’émetteur reste verrouillée (phrase secrète incorrecte)",
            "the issuer key stays locked (wrong passphrase)"
        )
    )
}
