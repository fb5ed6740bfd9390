//! Synthetic claims for the claim tests: deterministic tokens (seeded RNG), names with
//! accents, Vietnamese diacritics and HTML/CSV injection attempts.
#![allow(dead_code)]

pub mod pdf;

use badgedesk::claim::ob2::{Ob2Assertion, Ob2BadgeClass, Ob2Issuer, Ob2Png};
use badgedesk::claim::{
    BakedImage, ClaimInput, ClaimPage, ClaimToken, HostedJson, ImageKind, Ob2Site, SiteInput,
    SiteMeta,
};
use badgedesk::i18n::Lang;
use rand::SeedableRng;
use time::macros::date;

pub const NAMES: &[&str] = &[
    "Hélène Dupont",
    "Nguyễn Thị Ngọc Ánh",
    "<script>alert(\"x\")</script> & Zoë",
    "Œdipe L’Haÿ-les-Roses",
    "Trần Đức Thắng",
];

/// A small real PNG (a 2-colour 8×8 square).
pub fn tiny_png(seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 8, 8);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    let data: Vec<u8> = (0..64)
        .flat_map(|i| {
            if i % 3 == 0 {
                [seed, 80, 160]
            } else {
                [240, 200, seed]
            }
        })
        .collect();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

pub fn meta(base_url: &str, lang: Lang) -> SiteMeta {
    SiteMeta {
        base_url: base_url.to_string(),
        lang,
        issuer_profile: Some(HostedJson {
            path: "issuer.json".into(),
            json: "{\"type\":[\"Profile\"],\"name\":\"FestiRobot\"}".into(),
        }),
        status_list: Some(HostedJson {
            path: "status/1.json".into(),
            json: "{\"type\":[\"VerifiableCredential\",\"BitstringStatusListCredential\"]}".into(),
        }),
        did_document: Some("{\"id\":\"did:web:badges.example.org\"}".into()),
        ob2: Some(Ob2Site {
            issuer: Ob2Issuer {
                name: "FestiRobot".into(),
                url: "https://festirobot.example.org".into(),
                email: "contact@festirobot.example.org".into(),
            },
            badges: vec![Ob2BadgeClass {
                key: "sumo".into(),
                name: "Atelier Sumo".into(),
                description: "Construire un robot sumo".into(),
                criteria: "Avoir participé à l’atelier".into(),
                image_kind: ImageKind::Png,
                image: tiny_png(1),
            }],
        }),
        files: vec![],
    }
}

pub fn claim(base_url: &str, lang: Lang, token: ClaimToken, i: usize) -> ClaimInput {
    let name = NAMES[i % NAMES.len()];
    ClaimInput {
        page: ClaimPage {
            lang,
            base_url: base_url.to_string(),
            token: token.clone(),
            recipient_name: Some(format!("{name} {i}")),
            badge_name: "Atelier « Sumo » <b>robots</b>".into(),
            badge_description: "Construire et programmer un robot sumo en équipe.".into(),
            criteria: "Avoir participé à l’atelier & gagné un combat.".into(),
            issuer_name: "FestiRobot 2026".into(),
            issuer_url: Some("https://festirobot.example.org/?a=1&b=\"2\"".into()),
            issued_on: date!(2026 - 11 - 26),
            valid_until: None,
            image: ImageKind::Png,
            revoked: false,
        },
        credential_json: format!(
            "{{\"id\":\"urn:uuid:00000000-0000-4000-8000-{i:012}\",\"name\":\"{token}\"}}"
        ),
        baked_image: BakedImage::Bytes(tiny_png((i % 200) as u8)),
        ob2: Some(Ob2Assertion {
            badge_key: "sumo".into(),
            recipient_email: format!("attendee{i}@example.org"),
            salt: format!("salt{i}"),
            issued_on: "2026-11-26T10:00:00Z".into(),
            expires: None,
            revocation_reason: None,
            baked_png: Some(Ob2Png::Baked(tiny_png(7))),
        }),
        on_disk: Default::default(),
    }
}

pub fn tokens(n: usize, seed: u64) -> Vec<ClaimToken> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| ClaimToken::generate_with(&mut rng))
        .collect()
}

pub fn site(base_url: &str, lang: Lang, n: usize) -> SiteInput {
    let claims = tokens(n, 42)
        .into_iter()
        .enumerate()
        .map(|(i, t)| claim(base_url, lang, t, i))
        .collect();
    SiteInput {
        meta: meta(base_url, lang),
        claims,
    }
}

/// Decode every QR in a greyscale bitmap. rqrr now and then misreads the modules of a valid
/// symbol under anti-aliasing (about 1 render in 3,000 at ~6 px per module; zbar reads the same
/// image), so a bitmap where nothing decodes is read once more thresholded at mid-grey.
pub fn decode_gray(w: usize, h: usize, px: &[u8]) -> Vec<String> {
    let found = decode_grids(w, h, px);
    if !found.is_empty() {
        return found;
    }
    let sharp: Vec<u8> = px.iter().map(|&p| if p < 128 { 0 } else { 255 }).collect();
    decode_grids(w, h, &sharp)
}

fn decode_grids(w: usize, h: usize, px: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

/// Read back the inline QR SVG of a page (`QrMatrix::from_svg`) and decode it.
pub fn decode_inline_svg(html: &str) -> Vec<String> {
    let svg = html.split("<svg").nth(1).expect("page has an inline svg");
    let m = badgedesk::qr::QrMatrix::from_svg(svg).expect("our QR SVG");
    let scale = 4;
    let side = m.width() * scale;
    let px: Vec<u8> = (0..side * side)
        .map(|i| {
            if m.is_dark(i % side / scale, i / side / scale) {
                0
            } else {
                255
            }
        })
        .collect();
    decode_gray(side, side, &px)
}
