//! What a claim page shows, as plain data the issuance code fills from the store, plus the URLs
//! of one claim (`<base>/c/<token>/…`).

use time::Date;

use crate::claim::token::ClaimToken;
use crate::i18n::Lang;

/// The baked badge image format of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Svg,
}

impl ImageKind {
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Svg => "svg",
        }
    }
    /// File name inside `c/<token>/`.
    pub fn file_name(self) -> &'static str {
        match self {
            ImageKind::Png => "badge.png",
            ImageKind::Svg => "badge.svg",
        }
    }
}

/// File names inside a claim folder, shared by the static site and the server.
pub const PAGE_FILE: &str = "index.html";
pub const CREDENTIAL_FILE: &str = "credential.json";
pub const OB2_IMAGE_FILE: &str = "badge-ob2.png";
pub const OB2_ASSERTION_FILE: &str = "assertion.json";

/// The data of one claim page. Every string is shown HTML-escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPage {
    /// The event language: the language of `index.html`.
    pub lang: Lang,
    /// Claim base URL without the trailing slash, e.g. `https://badges.example.org/fest26`.
    pub base_url: String,
    pub token: ClaimToken,
    /// `None` when the event keeps names off published pages (minors).
    pub recipient_name: Option<String>,
    pub badge_name: String,
    pub badge_description: String,
    pub criteria: String,
    pub issuer_name: String,
    pub issuer_url: Option<String>,
    pub issued_on: Date,
    pub valid_until: Option<Date>,
    pub image: ImageKind,
    pub revoked: bool,
}

impl ClaimPage {
    /// `<base>/c/<token>/`
    pub fn claim_url(&self) -> String {
        claim_url(&self.base_url, &self.token)
    }
    /// Direct URL of the signed credential JSON (what wallet apps fetch).
    pub fn credential_url(&self) -> String {
        format!("{}{CREDENTIAL_FILE}", self.claim_url())
    }
    /// A file name for downloads, from the badge name (ASCII, no path characters).
    pub fn download_stem(&self) -> String {
        slug(&self.badge_name)
    }
}

/// `<base>/c/<token>/`: the URL printed in QR codes. A trailing slash on `base` is ignored.
pub fn claim_url(base: &str, token: &ClaimToken) -> String {
    format!("{}/c/{}/", base.trim_end_matches('/'), token)
}

/// Lower-case ASCII words joined by `-`, accents folded; "badge" when nothing is left.
pub fn slug(s: &str) -> String {
    let folded = crate::text::fold(s);
    let mut out = String::new();
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
        if out.len() > 60 {
            break;
        }
    }
    if out.is_empty() {
        "badge".to_string()
    } else {
        out
    }
}

/// "26 novembre 2026" / "26 November 2026".
pub fn long_date(lang: Lang, d: Date) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = usize::from(u8::from(d.month())).saturating_sub(1);
    let month = match lang {
        Lang::Fr => FR.get(i),
        Lang::En => EN.get(i),
    }
    .copied()
    .unwrap_or("");
    let day = match (lang, d.day()) {
        (Lang::Fr, 1) => "1er".to_string(),
        (_, n) => n.to_string(),
    };
    format!("{day} {month} {}", d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn claim_url_ignores_trailing_slash() {
        let t = ClaimToken::parse("abcdefghijklmnopqrstuvwxya").unwrap();
        assert_eq!(
            claim_url("https://x.org/ev/", &t),
            "https://x.org/ev/c/abcdefghijklmnopqrstuvwxya/"
        );
        assert_eq!(
            claim_url("https://x.org/ev", &t),
            "https://x.org/ev/c/abcdefghijklmnopqrstuvwxya/"
        );
    }

    #[test]
    fn slug_and_dates() {
        assert_eq!(slug("Atelier « Sumo » : robots!"), "atelier-sumo-robots");
        assert_eq!(slug("«»"), "badge");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(
            long_date(Lang::Fr, date!(2026 - 11 - 01)),
            "1er novembre 2026"
        );
        assert_eq!(long_date(Lang::En, date!(2026 - 08 - 26)), "26 August 2026");
    }
}
