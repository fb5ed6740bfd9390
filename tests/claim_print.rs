//! PDF claim cards: every QR on every page decodes back to its claim URL. Pages are rendered
//! with poppler's `pdftoppm` when it is installed; otherwise the raster check is skipped.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use badgedesk::claim::claim_url;
use badgedesk::i18n::Lang;
use badgedesk::print::{Card, Layout, render_pdf};

const BASE: &str = "https://badges.example.org/fest26";

fn cards(n: usize) -> Vec<Card> {
    let img = Arc::new(common::tiny_png(3));
    common::tokens(n, 9)
        .into_iter()
        .enumerate()
        .map(|(i, t)| Card {
            recipient_name: format!("{} {i}", common::NAMES[i % common::NAMES.len()]),
            badge_name: "Atelier « Sumo » : construire un robot en équipe".into(),
            badge_png: (i % 4 != 3).then(|| img.clone()),
            claim_url: claim_url(BASE, &t),
        })
        .collect()
}

#[test]
fn every_layout_renders_and_every_qr_decodes_to_its_claim_url() {
    let dir = tempfile::tempdir().unwrap();
    for (layout, n) in [
        (Layout::A4Cards, 10),
        (Layout::A4Labels3x7, 23),
        (Layout::Label62mm, 3),
    ] {
        let cards = cards(n);
        let pdf = render_pdf(layout, Lang::Fr, &cards).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Fonts are embedded (krilla subsets them as CID fonts with a FontFile2 stream).
        assert!(
            pdf.windows(9).any(|w| w == b"FontFile2"),
            "{layout}: font not embedded"
        );
        let path = dir.path().join(format!("{layout}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        if !common::pdf::have_pdftoppm() {
            eprintln!("pdftoppm not installed: skipping the raster check of {layout}");
            continue;
        }
        if let Some(keep) = std::env::var_os("BADGEDESK_KEEP_PDF") {
            std::fs::write(Path::new(&keep).join(format!("{layout}.pdf")), &pdf).unwrap();
        }
        let pages = common::pdf::decode_pdf(&path, 200, layout);
        let per_page = layout.per_page();
        assert_eq!(pages.len(), n.div_ceil(per_page), "{layout}: page count");
        for (p, found) in pages.iter().enumerate() {
            let expected: BTreeSet<String> = cards
                .iter()
                .skip(p * per_page)
                .take(per_page)
                .map(|c| c.claim_url.clone())
                .collect();
            assert_eq!(
                found.len(),
                expected.len(),
                "{layout} page {}: one code per card",
                p + 1
            );
            let found: BTreeSet<String> = found.iter().cloned().collect();
            assert_eq!(found, expected, "{layout} page {}", p + 1);
        }
    }
}

#[test]
fn no_cards_is_one_blank_page_not_an_error() {
    let pdf = render_pdf(Layout::A4Cards, Lang::En, &[]).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_broken_badge_image_is_an_error_naming_the_badge() {
    let mut c = cards(1);
    c[0].badge_png = Some(Arc::new(b"not a png".to_vec()));
    let err = render_pdf(Layout::Label62mm, Lang::Fr, &c).unwrap_err();
    assert!(err.to_string().contains("Atelier « Sumo »"), "{err}");
}
