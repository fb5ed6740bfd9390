//! What the claim commands (`publish`, `serve`, `print`, `export claims`) share: the claim base
//! URL and the issuer's public key.

use std::path::Path;

use anyhow::Context as _;
use badgedesk::claim::event_site::issuer_public_key;
use badgedesk::event::EventDir;
use badgedesk::print::CardFilter;
use badgedesk::store::Store;
use ed25519_dalek::VerifyingKey;

use super::Ctx;

/// `--base-url`, else `claim.base_url` of event.toml, else an error saying what to do.
pub fn base_url(event: &EventDir, given: Option<&str>, ctx: &Ctx) -> anyhow::Result<String> {
    let url = given
        .map(str::to_string)
        .or_else(|| event.config().claim.base_url.clone())
        .with_context(|| {
            ctx.tr(
                "pas d'adresse des pages de réception : renseignez [claim] base_url dans event.toml (ou --base-url ; avec `badgedesk serve`, l'adresse qu'il affiche)",
                "no claim address: set [claim] base_url in event.toml (or pass --base-url; with `badgedesk serve`, the address it prints)",
            )
        })?;
    anyhow::ensure!(
        url.starts_with("https://") || url.starts_with("http://"),
        "{} '{url}'",
        ctx.tr(
            "l'adresse doit commencer par https:// ou http:// :",
            "the address must start with https:// or http://:"
        )
    );
    Ok(url.trim_end_matches('/').to_string())
}

/// The issuer's public key: from the stored credentials' proofs, else from the key file (an
/// encrypted key needs BADGEDESK_KEY_PASSPHRASE). None when neither works: the site then goes
/// without the issuer profile and did.json.
pub fn public_key(event: &EventDir, store: &Store) -> anyhow::Result<Option<VerifyingKey>> {
    if let Some(key) = issuer_public_key(&store.credentials()?) {
        return Ok(Some(key));
    }
    // No credential yet: the secret key file gives it, when it can be read (publishing works
    // without it, the profile then lists no key), so its passphrase is not asked for.
    let passphrase = super::passphrase::env_passphrase();
    Ok(
        badgedesk::credential::keys::load(event.root(), passphrase.as_deref())
            .ok()
            .map(|k| k.verifying_key()),
    )
}

/// Issuing does not write `issued/status-list.json` until the first revocation, but the
/// credentials already point at it; and a kill between a revocation's commit and the list's
/// rewrite leaves it stale. Sign it now when it is missing or stale (needs the issuer key).
pub fn ensure_status_list(event: &EventDir, store: &Store, ctx: &Ctx) -> anyhow::Result<()> {
    use badgedesk::clock::{Clock as _, SystemClock};
    use badgedesk::issue::{engine::status_list_url, revoke};
    let file = event.issued_dir().join(revoke::STATUS_LIST_FILE);
    if status_list_url(event).is_none() {
        return Ok(());
    }
    let missing = !file.exists()
        && store
            .credentials()?
            .iter()
            .any(|c| c.status_index.is_some());
    if !missing && revoke::status_list_current(event, store)? {
        return Ok(());
    }
    match super::passphrase::unlock_key(event.root(), ctx) {
        Ok(key) => {
            revoke::write_status_list(event, store, &key, SystemClock.now())
                .context(ctx.tr("liste de statut", "status list"))?;
            if !missing {
                say_status_list_rewritten(ctx);
            }
        }
        Err(e) => eprintln!(
            "{}: {} ({e:#})",
            ctx.tr("note", "note"),
            if missing {
                ctx.tr(
                    "liste de statut absente et clé illisible : les vérificateurs ne pourront pas vérifier la révocation",
                    "status list missing and the key is unreadable: verifiers cannot check revocation",
                )
            } else {
                ctx.tr(
                    "liste de statut périmée (une révocation l’attend) et clé illisible : elle sera réécrite au prochain lancement avec la clé",
                    "status list out of date (a revocation is missing from it) and the key is unreadable: it is rewritten by the next run that has the key",
                )
            }
        ),
    }
    Ok(())
}

pub fn say_status_list_rewritten(ctx: &Ctx) {
    println!(
        "{}",
        ctx.tr(
            "Liste de statut réécrite : elle ne disait pas toutes les révocations (arrêt en cours de route).",
            "Status list rewritten: it did not hold every revocation (an earlier run was stopped midway)."
        )
    );
}

/// Repair `issued/` before reading it (a run killed between its commit and its files leaves
/// them missing): temporaries removed, missing or incomplete files written again from the
/// database. Says what it did, when it did something.
pub fn repair_issued(event: &EventDir, store: &Store, ctx: &Ctx) -> anyhow::Result<()> {
    let repaired = badgedesk::issue::repair_issued(event, store)
        .context(ctx.tr("réparation de issued/", "repairing issued/"))?;
    say_repaired(event, &repaired, ctx);
    Ok(())
}

/// What a repair of `issued/` did, when it did something.
pub fn say_repaired(event: &EventDir, repaired: &badgedesk::issue::Repaired, ctx: &Ctx) {
    if repaired.rewritten > 0 {
        println!(
            "{} {} {} ({})",
            ctx.tr("Réparé :", "Repaired:"),
            repaired.rewritten,
            ctx.tr(
                "badge(s) dont les fichiers manquaient ou étaient incomplets, réécrits depuis la base",
                "credential(s) whose files were missing or incomplete, written again from the database"
            ),
            event.issued_dir().display()
        );
    }
    if !repaired.unchecked.is_empty() {
        eprintln!(
            "{}: {} {}",
            ctx.tr("note", "note"),
            ctx.tr(
                "fichiers non vérifiés, image du badge illisible ou badge retiré de event.toml :",
                "files not checked, badge image unreadable or badge gone from event.toml:"
            ),
            repaired.unchecked.join(", ")
        );
    }
}

/// The `--achievement` / `--only-unclaimed` selection of `print` and `export claims`.
pub fn filter(achievement: Option<&str>, only_unclaimed: bool) -> CardFilter {
    CardFilter {
        achievement: achievement.map(str::to_string),
        only_unclaimed,
        ids: None,
    }
}

/// Writes an output file of `print` or `export claims`, naming it in the error.
pub fn write_output(path: &Path, bytes: &[u8], ctx: &Ctx) -> anyhow::Result<()> {
    std::fs::write(path, bytes)
        .with_context(|| format!("{} {}", ctx.tr("écriture de", "writing"), path.display()))
}
