//! The issuer key's passphrase: `$BADGEDESK_KEY_PASSPHRASE` when set, else asked on the
//! terminal (without echo) when the key is protected. The one place the command line and the
//! desk get it.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context as _, bail};
use badgedesk::credential::keys::{self, IssuerKey, KeyError};
use badgedesk::tui::KeySource;

use super::Ctx;
use super::keys::PASSPHRASE_ENV;

/// Tries before giving up on a mistyped passphrase.
const TRIES: usize = 3;

/// Whether the caller can go on without the key (the desk: ticks need no key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// `$BADGEDESK_KEY_PASSPHRASE`, when set and not empty.
pub fn env_passphrase() -> Option<String> {
    std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty())
}

/// The event's issuer key, for the commands that sign: unlocked with the environment's
/// passphrase, or with one asked on the terminal when the key is protected. The key is
/// unlocked once (deriving the key from a passphrase is what takes about a second).
pub fn unlock_key(event_root: &Path, ctx: &Ctx) -> anyhow::Result<IssuerKey> {
    match keys::load(event_root, env_passphrase().as_deref()) {
        Err(KeyError::PassphraseRequired { .. }) => match ask(event_root, ctx, Need::Required)? {
            Some(key) => Ok(key),
            None => bail!("{}", locked(ctx)),
        },
        loaded => loaded.context("cannot read the issuer key"),
    }
}

/// How the desk gets the issuer key: with the environment's passphrase when set; else, when
/// the key is protected, unlocked now with a passphrase asked on the terminal (once: the desk
/// does not derive it again). The desk loads an unprotected key itself, and opens without
/// issuing when the prompt is left empty (or the key cannot be read: it says why when issuing).
pub fn desk_key(event_root: &Path, ctx: &Ctx) -> anyhow::Result<KeySource> {
    if let Some(p) = env_passphrase() {
        return Ok(KeySource::Load {
            passphrase: Some(p),
        });
    }
    if !matches!(
        keys::load(event_root, None),
        Err(KeyError::PassphraseRequired { .. })
    ) {
        return Ok(KeySource::Load { passphrase: None });
    }
    Ok(match ask(event_root, ctx, Need::Optional)? {
        Some(key) => KeySource::Unlocked(key),
        None => KeySource::Load { passphrase: None },
    })
}

/// Ask for the passphrase of the protected key until it unlocks it: the key, or None when
/// `Optional` and the user left the prompt empty (or there is no terminal to ask on).
fn ask(event_root: &Path, ctx: &Ctx, need: Need) -> anyhow::Result<Option<IssuerKey>> {
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
            Ok(key) => return Ok(Some(key)),
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
    bail!("{}", locked(ctx))
}

fn locked(ctx: &Ctx) -> &'static str {
    ctx.tr(
        "la clé de l’émetteur reste verrouillée (phrase secrète incorrecte)",
        "the issuer key stays locked (wrong passphrase)",
    )
}
