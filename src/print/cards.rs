//! Which claim cards and CSV rows an event has: stored credentials joined with attendees and
//! event.toml, filtered (achievement, not yet claimed, given ids) and sorted for handing out.
//! Revoked credentials never get a card or a row.

use std::collections::HashMap;
use std::sync::Arc;

use crate::bake::ImageFormat;
use crate::claim::{ClaimToken, claim_url};
use crate::event::EventDir;
use crate::model::Attendee;
use crate::print::{Card, ClaimRow, PrintError};
use crate::store::{IssuedCredential, Store};

/// Which credentials to print or export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardFilter {
    /// Only this achievement (its key in event.toml).
    pub achievement: Option<String>,
    /// Leave out claims whose page has been visited.
    pub only_unclaimed: bool,
    /// Only these credential ids (e.g. the ones just issued), in this order.
    pub ids: Option<Vec<String>>,
}

/// A live credential with what its card shows.
struct Selected<'a> {
    credential: &'a IssuedCredential,
    attendee: Option<&'a Attendee>,
    badge_name: String,
    url: String,
}

fn select<'a>(
    event: &EventDir,
    credentials: &'a [IssuedCredential],
    attendees: &'a HashMap<i64, Attendee>,
    base_url: &str,
    filter: &CardFilter,
) -> Result<Vec<Selected<'a>>, PrintError> {
    let config = event.config();
    if let Some(key) = &filter.achievement
        && config.achievement(key).is_none()
    {
        return Err(PrintError::UnknownAchievement(key.clone()));
    }
    let order: HashMap<&str, usize> = config
        .achievements
        .iter()
        .enumerate()
        .map(|(i, a)| (a.key(), i))
        .collect();
    let mut out = Vec::new();
    for c in credentials {
        if c.revoked_at.is_some()
            || (filter.only_unclaimed && c.claimed_at.is_some())
            || filter
                .achievement
                .as_ref()
                .is_some_and(|k| *k != c.achievement_key)
            || filter.ids.as_ref().is_some_and(|ids| !ids.contains(&c.id))
        {
            continue;
        }
        let token = ClaimToken::parse(&c.claim_token).map_err(|e| PrintError::Credential {
            id: c.id.clone(),
            reason: e.to_string(),
        })?;
        let badge_name = config
            .achievement(&c.achievement_key)
            .map_or_else(|| c.achievement_key.clone(), |a| a.name.clone());
        out.push(Selected {
            credential: c,
            attendee: attendees.get(&c.attendee_id),
            badge_name,
            url: claim_url(base_url, &token),
        });
    }
    match &filter.ids {
        Some(ids) => {
            let pos: HashMap<&str, usize> = ids
                .iter()
                .enumerate()
                .map(|(i, s)| (s.as_str(), i))
                .collect();
            out.sort_by_key(|s| pos.get(s.credential.id.as_str()).copied());
        }
        None => out.sort_by_cached_key(|s| {
            (
                order.get(s.credential.achievement_key.as_str()).copied(),
                s.attendee.map(|a| {
                    (
                        crate::text::fold(&a.family_name),
                        crate::text::fold(&a.given_name),
                    )
                }),
                s.credential.id.clone(),
            )
        }),
    }
    Ok(out)
}

fn name_of(s: &Selected<'_>) -> String {
    s.attendee.map_or_else(
        || format!("#{}", s.credential.attendee_id),
        Attendee::display_name,
    )
}

/// Claim cards of an event's live credentials, claim URLs under `base_url`.
pub fn claim_cards(
    event: &EventDir,
    store: &Store,
    base_url: &str,
    filter: &CardFilter,
) -> Result<Vec<Card>, PrintError> {
    let credentials = store.credentials()?;
    let attendees: HashMap<i64, Attendee> =
        store.attendees()?.into_iter().map(|a| (a.id, a)).collect();
    let selected = select(event, &credentials, &attendees, base_url, filter)?;
    // One shared image per achievement: the PDF embeds it once.
    let mut images: HashMap<String, Option<Arc<Vec<u8>>>> = HashMap::new();
    let mut cards = Vec::with_capacity(selected.len());
    for s in &selected {
        let key = &s.credential.achievement_key;
        let png = images
            .entry(key.clone())
            .or_insert_with(|| {
                event
                    .badge_image(key)
                    .ok()
                    .filter(|(img, _)| img.format == ImageFormat::Png)
                    .map(|(img, _)| Arc::new(img.bytes))
            })
            .clone();
        cards.push(Card {
            recipient_name: name_of(s),
            badge_name: s.badge_name.clone(),
            badge_png: png,
            claim_url: s.url.clone(),
        });
    }
    Ok(cards)
}

/// The cards of the given credentials (e.g. the desk printing one attendee's card, or the
/// issue screen printing what it just issued), in the given order.
pub fn cards_for_credentials(
    event: &EventDir,
    store: &Store,
    base_url: &str,
    ids: &[String],
) -> Result<Vec<Card>, PrintError> {
    let filter = CardFilter {
        ids: Some(ids.to_vec()),
        ..Default::default()
    };
    claim_cards(event, store, base_url, &filter)
}

/// Rows of the mail-merge CSV. The e-mail is the contact address when the attendee has one
/// (e.g. a parent's), else their own.
pub fn claim_rows(
    event: &EventDir,
    store: &Store,
    base_url: &str,
    filter: &CardFilter,
) -> Result<Vec<ClaimRow>, PrintError> {
    let credentials = store.credentials()?;
    let attendees: HashMap<i64, Attendee> =
        store.attendees()?.into_iter().map(|a| (a.id, a)).collect();
    let selected = select(event, &credentials, &attendees, base_url, filter)?;
    Ok(selected
        .iter()
        .map(|s| ClaimRow {
            name: name_of(s),
            email: s
                .attendee
                .and_then(|a| a.contact_email.clone().or_else(|| a.email.clone()))
                .filter(|e| !e.trim().is_empty()),
            achievement: s.badge_name.clone(),
            claim_url: s.url.clone(),
        })
        .collect())
}
