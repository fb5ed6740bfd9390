//! PDF claim cards: every QR on every page decodes back to its claim URL. Pages are rendered
//! with poppler's `pdftoppm` when it is installed; otherwise the raster check is skipped.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
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

fn have_pdftoppm() -> bool {
    Command::new("pdftoppm").arg("-v").output().is_ok()
}

/// Rasterise every page and decode the QR code of each cell of `layout` (rqrr reads one code
/// per image reliably, so each cell is cropped out first). Empty cells decode to nothing.
fn decode_pdf(pdf: &Path, dpi: u32, layout: Layout) -> Vec<Vec<String>> {
    let g = layout.geometry();
    let px = |pt: f32| (pt * dpi as f32 / 72.0).round() as usize;
    let prefix = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let dir = pdf.parent().unwrap();
    let stem = prefix.file_name().unwrap().to_string_lossy().to_string();
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "png")
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("{stem}-"))
        })
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| {
            let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
            let mut r = dec.read_info().unwrap();
            let mut buf = vec![0; r.output_buffer_size().unwrap()];
            let info = r.next_frame(&mut buf).unwrap();
            let channels = match info.color_type {
                png::ColorType::Grayscale => 1,
                png::ColorType::Rgb => 3,
                other => panic!("unexpected {other:?}"),
            };
            let gray: Vec<u8> = buf[..info.buffer_size()]
                .chunks(channels)
                .map(|c| c[0])
                .collect();
            let w = info.width as usize;
            let mut found = Vec::new();
            for cell in 0..layout.per_page() {
                let (x, y) = g.cell_origin(cell);
                let (x0, y0, cw, ch) = (px(x), px(y), px(g.cell_w), px(g.cell_h));
                let (cw, ch) = (cw.min(w - x0), ch.min(gray.len() / w - y0));
                let crop: Vec<u8> = (0..ch)
                    .flat_map(|yy| gray[(y0 + yy) * w + x0..(y0 + yy) * w + x0 + cw].to_vec())
                    .collect();
                found.extend(common::decode_gray(cw, ch, &crop));
            }
            found
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
        if !have_pdftoppm() {
            eprintln!("pdftoppm not installed: skipping the raster check of {layout}");
            continue;
        }
        if let Some(keep) = std::env::var_os("BADGEDESK_KEEP_PDF") {
            std::fs::write(Path::new(&keep).join(format!("{layout}.pdf")), &pdf).unwrap();
        }
        let pages = decode_pdf(&path, 200, layout);
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
