//! Claim cards from stored credentials: the attendee's name, the badge's name and PNG image
//! (read once per achievement and shared), and the claim URL `<base>/c/<token>/`. SVG badges
//! print without an image (`Card::badge_png` is PNG only).

use std::collections::HashMap;
use std::sync::Arc;

use crate::bake::ImageFormat;
use crate::claim::{ClaimToken, claim_url};
use crate::event::EventDir;
use crate::store::IssuedCredential;

use super::Card;

/// One card per credential, in the given order. `names` maps attendee ids to printed names
/// (a missing id prints an empty name); `base_url` is the event's claim base URL.
pub fn cards_for(
    event: &EventDir,
    base_url: &str,
    credentials: &[IssuedCredential],
    names: &HashMap<i64, String>,
) -> Vec<Card> {
    let mut images: HashMap<&str, Option<Arc<Vec<u8>>>> = HashMap::new();
    credentials
        .iter()
        .map(|c| {
            let key = c.achievement_key.as_str();
            let badge_png = images
                .entry(key)
                .or_insert_with(|| match event.badge_image(key) {
                    Ok((image, _)) if image.format == ImageFormat::Png => {
                        Some(Arc::new(image.bytes))
                    }
                    _ => None,
                })
                .clone();
            let badge_name = event
                .config()
                .achievement(key)
                .map_or_else(|| key.to_string(), |a| a.name.clone());
            Card {
                recipient_name: names.get(&c.attendee_id).cloned().unwrap_or_default(),
                badge_name,
                badge_png,
                claim_url: link(base_url, &c.claim_token),
            }
        })
        .collect()
}

/// The claim URL of a stored token (tokens the claim site cannot parse keep their text).
pub fn link(base_url: &str, token: &str) -> String {
    match ClaimToken::parse(token) {
        Ok(t) => claim_url(base_url, &t),
        Err(_) => format!("{}/c/{token}/", base_url.trim_end_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_claim_site_format() {
        let token = ClaimToken::from_random_bytes([7; crate::claim::token::TOKEN_BYTES]);
        let url = link("https://b.example.org/ev/", token.as_str());
        assert_eq!(url, claim_url("https://b.example.org/ev", &token));
        assert!(url.starts_with("https://b.example.org/ev/c/"), "{url}");
        assert!(url.ends_with('/'));
    }
}
