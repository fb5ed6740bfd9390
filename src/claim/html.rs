//! HTML of the claim site: claim pages (French and English, one static file per language, a
//! plain link switches), the empty home page and the 404 page. `maud` checks the templates at
//! compile time and escapes every interpolated value, so names from CSV files cannot inject
//! markup; the only raw HTML is our own QR SVG, which contains no input text.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::claim::page::{
    CREDENTIAL_FILE, ClaimPage, ImageKind, OB2_IMAGE_FILE, PAGE_FILE, long_date,
};
use crate::claim::texts::{Texts, texts};
use crate::i18n::Lang;
use crate::qr;

/// The site's stylesheet, published at [`CSS_PATH`].
pub const CSS: &str = include_str!("claim.css");
/// Where the stylesheet lives, relative to the site root.
pub const CSS_PATH: &str = "assets/claim.css";
/// The little style inlined in the home and 404 pages (allowed by hash in the CSP).
const INLINE_CSS: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}";

/// The Content-Security-Policy of every page (also sent as a header by the server): nothing
/// but our own images and styles, no scripts, no forms, no base change.
pub fn content_security_policy() -> String {
    let hash = base64(&Sha256::digest(INLINE_CSS.as_bytes()));
    format!(
        "default-src 'none'; img-src 'self'; style-src 'self' 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    )
}

/// The file name of the page in `lang` inside a claim folder: the event language is
/// `index.html`, the other one `fr.html` / `en.html`.
pub fn page_file(event_lang: Lang, lang: Lang) -> String {
    if lang == event_lang {
        PAGE_FILE.to_string()
    } else {
        format!("{}.html", lang.code())
    }
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Fr => Lang::En,
        Lang::En => Lang::Fr,
    }
}

fn head(t: &Texts, title: &str, stylesheet: Option<&str>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="robots" content="noindex, nofollow, noarchive";
            meta name="referrer" content="no-referrer";
            meta http-equiv="Content-Security-Policy" content=(content_security_policy());
            title { (title) }
            @if let Some(href) = stylesheet {
                link rel="stylesheet" href=(href);
            } @else {
                style { (PreEscaped(INLINE_CSS)) }
            }
            meta name="description" content=(t.home_text);
        }
    }
}

/// What a claim page offers Open Badges 2.0 backpacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ob2Offer {
    /// The hosted assertion to paste (and whether a 2.0-baked PNG is offered too).
    Assertion { url: String, image: bool },
    /// The site publishes 2.0 files, but this attendee has no e-mail: 2.0 needs one.
    NoEmail,
    /// No 2.0 files on this site.
    None,
}

/// What the page links to besides `ClaimPage`: the signed credential (for the wallet link) and
/// the 2.0 offer.
#[derive(Debug, Clone, Copy)]
pub struct PageLinks<'a> {
    /// The signed OB 3.0 credential JSON, as published.
    pub credential_json: &'a str,
    pub ob2: &'a Ob2Offer,
}

/// Where the wallet app takes a credential handed over by a link.
pub const LCW_DEEP_LINK: &str = "https://lcw.app/mobile?request=";

/// Opens Learner Credential Wallet on a phone with the credential: a URL-encoded
/// `{"verifiablePresentation": {…, "verifiableCredential": [credential]}}`. The credential's
/// bytes are spliced in as published (the signature covers its content, not its bytes).
pub fn lcw_link(credential_json: &str) -> String {
    let request = format!(
        r#"{{"verifiablePresentation":{{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"verifiableCredential":[{}]}}}}"#,
        credential_json.trim()
    );
    format!(
        "{LCW_DEEP_LINK}{}",
        utf8_percent_encode(&request, NON_ALPHANUMERIC)
    )
}

/// LinkedIn's "add a certification" form, filled in: badge name, issuer, issue year and month,
/// expiry when there is one, and the claim page as the certification URL.
pub fn linkedin_link(page: &ClaimPage) -> String {
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    let mut url = format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={}&issueMonth={}",
        enc(&page.badge_name),
        enc(&page.issuer_name),
        page.issued_on.year(),
        u8::from(page.issued_on.month()),
    );
    if let Some(until) = page.valid_until {
        url.push_str(&format!(
            "&expirationYear={}&expirationMonth={}",
            until.year(),
            u8::from(until.month())
        ));
    }
    url.push_str(&format!("&certUrl={}", enc(&page.claim_url())));
    url
}

/// The claim page in `lang` (either language; the switch links to the other file).
pub fn claim_page(
    page: &ClaimPage,
    lang: Lang,
    links: PageLinks<'_>,
) -> Result<String, qr::QrError> {
    let qr_svg = qr::encode(&page.credential_url())?.to_svg();
    Ok(render_claim_page(page, lang, links, &qr_svg))
}

/// Both language versions as (file name, HTML), encoding the wallet QR once.
pub fn claim_pages(
    page: &ClaimPage,
    links: PageLinks<'_>,
) -> Result<[(String, String); 2], qr::QrError> {
    let qr_svg = qr::encode(&page.credential_url())?.to_svg();
    Ok([Lang::Fr, Lang::En].map(|lang| {
        (
            page_file(page.lang, lang),
            render_claim_page(page, lang, links, &qr_svg),
        )
    }))
}

fn render_claim_page(page: &ClaimPage, lang: Lang, links: PageLinks<'_>, qr_svg: &str) -> String {
    let t = texts(lang);
    let o = other(lang);
    let json_url = page.credential_url();
    let stem = page.download_stem();
    let title = format!("{} – {}", page.badge_name, page.issuer_name);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(t, &title, Some(&format!("../../{CSS_PATH}"))))
            body {
                nav aria-label=(t.switch_label) {
                    a href=(page_file(page.lang, o)) hreflang=(o.code()) lang=(o.code()) { (texts(o).lang_name) }
                }
                main {
                    h1 { (page.badge_name) }
                    @if page.revoked { p.revoked role="alert" { (t.revoked) } }
                    img.badge src=(page.image.file_name()) alt=(format!("{}{}{}", t.image_alt, t.colon, page.badge_name)) width="256" height="256";
                    @if let Some(name) = &page.recipient_name {
                        p.recipient { (t.awarded_to) " " strong { (name) } }
                    }
                    dl {
                        dt { (t.issuer) }
                        dd {
                            @if let Some(url) = &page.issuer_url { a href=(url) rel="noopener noreferrer" { (page.issuer_name) } }
                            @else { (page.issuer_name) }
                        }
                        dt { (t.issued_on) }
                        dd { time datetime=(page.issued_on.to_string()) { (long_date(lang, page.issued_on)) } }
                        @if let Some(until) = page.valid_until {
                            dt { (t.valid_until) }
                            dd { time datetime=(until.to_string()) { (long_date(lang, until)) } }
                        }
                        dt { (t.description) }
                        dd { (page.badge_description) }
                        dt { (t.criteria) }
                        dd { (page.criteria) }
                    }
                    @if !page.revoked {
                        section aria-labelledby="dl" {
                            h2 #dl { (t.download_title) }
                            a.button href=(page.image.file_name()) download=(format!("{stem}.{}", page.image.extension())) {
                                (match page.image { ImageKind::Png => t.download_png, ImageKind::Svg => t.download_svg })
                            }
                            a.button href=(CREDENTIAL_FILE) download=(format!("{stem}.json")) type="application/json" { (t.download_json) }
                            p.note { (t.iphone_note) }
                        }
                        section aria-labelledby="wallet" {
                            h2 #wallet { (t.wallet_title) }
                            p { (t.lcw_phone) }
                            a.button href=(lcw_link(links.credential_json)) rel="noopener noreferrer" { (t.lcw_button) }
                            p.note { (t.lcw_install) }
                            h3 { (t.lcw_computer) }
                            ol { @for step in t.wallet_steps { li { (step) } } }
                            div.qr role="img" aria-label=(t.qr_label) { (PreEscaped(qr_svg)) }
                            label for="json-url" { (t.link_label) }
                            input #json-url type="url" readonly value=(json_url);
                        }
                        section aria-labelledby="linkedin" {
                            h2 #linkedin { (t.linkedin_title) }
                            a.button href=(linkedin_link(page)) rel="noopener noreferrer" { (t.linkedin_button) }
                            p.note { (t.linkedin_note) }
                        }
                        section aria-labelledby="backpack" {
                            h2 #backpack { (t.backpack_title) }
                            @match links.ob2 {
                                Ob2Offer::Assertion { url, image } => {
                                    ol {
                                        li { (t.ob2_steps[0]) }
                                        li {
                                            label for="assertion-url" { (t.ob2_steps[1]) }
                                            input #assertion-url type="url" readonly value=(url);
                                        }
                                        li { strong { (t.ob2_email) } }
                                    }
                                    @if *image {
                                        p { (t.ob2_text) }
                                        a.button href=(OB2_IMAGE_FILE) download=(format!("{stem}-ob2.png")) { (t.ob2_link) }
                                    }
                                }
                                Ob2Offer::NoEmail => {
                                    p { (t.ob2_no_email) }
                                }
                                Ob2Offer::None => {
                                    ol { @for step in t.backpack_steps { li { (step) } } }
                                }
                            }
                        }
                    }
                }
                footer { (page.issuer_name) }
            }
        }
    };
    markup.into_string()
}

fn bilingual(
    title_of: impl Fn(&Texts) -> &'static str,
    text_of: impl Fn(&Texts) -> &'static str,
    lang: Lang,
) -> String {
    let (a, b) = (texts(lang), texts(other(lang)));
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(a, title_of(a), None))
            body {
                main {
                    h1 { (title_of(a)) }
                    p { (text_of(a)) }
                    div lang=(other(lang).code()) {
                        h2 { (title_of(b)) }
                        p { (text_of(b)) }
                    }
                }
            }
        }
    }
    .into_string()
}

/// The site's home page: says how to claim, lists nothing.
pub fn home_page(lang: Lang) -> String {
    bilingual(|_| "Badges", |t| t.home_text, lang)
}

/// The one 404 page, for unknown tokens and unknown paths alike.
pub fn not_found_page(lang: Lang) -> String {
    bilingual(|t| t.not_found_title, |t| t.not_found_text, lang)
}

/// Standard base64 with padding (for CSP hashes).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn home_and_404_list_nothing_and_are_noindex() {
        for lang in [Lang::Fr, Lang::En] {
            for page in [home_page(lang), not_found_page(lang)] {
                assert!(page.contains("noindex"));
                assert!(!page.contains("href=\"c/"));
                assert!(page.contains("Page introuvable") || page.contains("scannez"));
            }
        }
    }
}
