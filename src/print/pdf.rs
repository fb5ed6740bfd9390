//! Claim cards as a PDF (krilla): per card the attendee's name, the badge name and image, the
//! claim QR (vector modules), the short URL and a one-line instruction in the event language.
//! Fonts are embedded (subset) by krilla.

use std::collections::HashMap;
use std::sync::Arc;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::i18n::Lang;
use crate::print::PrintError;
use crate::print::layout::{CellStyle, Geometry, Layout, mm};
use crate::print::text::{BOLD, Measure, REGULAR};
use crate::qr;

/// One card to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub recipient_name: String,
    pub badge_name: String,
    /// The badge image as PNG (share one `Arc` per achievement: it is embedded once).
    /// SVG badge images are not drawn (pass `None`).
    pub badge_png: Option<Arc<Vec<u8>>>,
    pub claim_url: String,
}

/// The URL as printed under the QR: no scheme, no trailing slash.
pub fn short_url(url: &str) -> &str {
    let u = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    u.trim_end_matches('/')
}

pub fn instruction(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Scannez le QR code pour recevoir votre badge numérique.",
        Lang::En => "Scan the QR code to receive your digital badge.",
    }
}

struct Fonts {
    regular: Font,
    bold: Font,
    m_regular: Measure,
    m_bold: Measure,
}

fn black() -> Fill {
    Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Render `cards` with `layout`; an empty list gives one empty page.
pub fn render_pdf(layout: Layout, lang: Lang, cards: &[Card]) -> Result<Vec<u8>, PrintError> {
    let font_err = || PrintError::Font;
    let fonts = Fonts {
        regular: Font::new(REGULAR.into(), 0).ok_or_else(font_err)?,
        bold: Font::new(BOLD.into(), 0).ok_or_else(font_err)?,
        m_regular: Measure::new(REGULAR).ok_or_else(font_err)?,
        m_bold: Measure::new(BOLD).ok_or_else(font_err)?,
    };
    let g = layout.geometry();
    let settings = PageSettings::from_wh(g.page_w, g.page_h).ok_or(PrintError::Geometry)?;
    let mut images: HashMap<*const Vec<u8>, Image> = HashMap::new();
    let mut doc = Document::new();
    let pages: Vec<&[Card]> = if cards.is_empty() {
        vec![&[]]
    } else {
        cards.chunks(layout.per_page()).collect()
    };
    for page_cards in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for (i, card) in page_cards.iter().enumerate() {
            let (x, y) = g.cell_origin(i);
            let image = match &card.badge_png {
                Some(png) => match images.get(&Arc::as_ptr(png)) {
                    Some(img) => Some(img.clone()),
                    None => {
                        let img = Image::from_png(png.to_vec().into(), true).map_err(|reason| {
                            PrintError::Image {
                                badge: card.badge_name.clone(),
                                reason,
                            }
                        })?;
                        images.insert(Arc::as_ptr(png), img.clone());
                        Some(img)
                    }
                },
                None => None,
            };
            draw_card(&mut s, &fonts, &g, (x, y), card, image, lang)?;
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn rect(s: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(p) = pb.finish() {
        s.draw_path(&p);
    }
}

/// The QR as filled rectangles, one per horizontal run of dark modules.
fn draw_qr(s: &mut Surface<'_>, url: &str, x: f32, y: f32, side: f32) -> Result<(), PrintError> {
    let m = qr::encode(url)?;
    let unit = side / m.width() as f32;
    let mut pb = PathBuilder::new();
    for row in 0..m.width() {
        let mut col = 0;
        while col < m.width() {
            if m.is_dark(col, row) {
                let start = col;
                while col < m.width() && m.is_dark(col, row) {
                    col += 1;
                }
                if let Some(r) = Rect::from_xywh(
                    x + start as f32 * unit,
                    y + row as f32 * unit,
                    (col - start) as f32 * unit,
                    unit,
                ) {
                    pb.push_rect(r);
                }
            }
            col += 1;
        }
    }
    s.set_fill(Some(black()));
    if let Some(p) = pb.finish() {
        s.draw_path(&p);
    }
    Ok(())
}

fn text(s: &mut Surface<'_>, font: &Font, x: f32, baseline: f32, size: f32, t: &str) {
    s.set_fill(Some(black()));
    s.draw_text(
        Point::from_xy(x, baseline),
        font.clone(),
        size,
        t,
        false,
        TextDirection::Auto,
    );
}

fn draw_image(s: &mut Surface<'_>, image: Image, x: f32, y: f32, side: f32) {
    if let Some(size) = Size::from_wh(side, side) {
        s.push_transform(&Transform::from_translate(x, y));
        s.draw_image(image, size);
        s.pop();
    }
}

/// The name on one line, shrunk at most to 80 %; else on two lines at 80 %.
fn name_lines(m: &Measure, name: &str, size: f32, max_w: f32) -> Vec<(String, f32)> {
    let (line, ns) = m.fit(name, size, size * 0.8, max_w);
    if line == name {
        return vec![(line, ns)];
    }
    let small = size * 0.8;
    m.wrap(name, small, max_w, 2)
        .into_iter()
        .map(|l| (l, small))
        .collect()
}

fn draw_card(
    s: &mut Surface<'_>,
    f: &Fonts,
    g: &Geometry,
    (x, y): (f32, f32),
    card: &Card,
    image: Option<Image>,
    lang: Lang,
) -> Result<(), PrintError> {
    if g.frame {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(170, 170, 170).into(),
            width: 0.4,
            ..Default::default()
        }));
        rect(s, x, y, g.cell_w, g.cell_h);
        s.set_stroke(None);
    }
    let p = g.pad;
    let url = short_url(&card.claim_url);
    match g.style {
        CellStyle::Side => {
            let big = g.cell_h > mm(50.0);
            let band = if big { mm(5.0) } else { mm(3.5) };
            let q = (g.cell_h - 2.0 * p - band).min(g.cell_w * 0.55);
            draw_qr(s, &card.claim_url, x + p, y + p, q)?;
            let tx = x + 2.0 * p + q;
            let tw = g.cell_w - 3.0 * p - q;
            let ns0 = if big { 14.0 } else { 10.0 };
            let mut cy = y + p;
            for (line, ns) in name_lines(&f.m_bold, &card.recipient_name, ns0, tw) {
                cy += ns * 1.15;
                text(s, &f.bold, tx, cy, ns, &line);
            }
            let bs = if big { 10.0 } else { 7.5 };
            for line in f.m_regular.wrap(&card.badge_name, bs, tw, 2) {
                cy += bs * 1.25;
                text(s, &f.regular, tx, cy, bs, &line);
            }
            let is = if big { 7.5 } else { 6.0 };
            let instr = f.m_regular.wrap(instruction(lang), is, tw, 3);
            let instr_top = y + p + q - instr.len() as f32 * is * 1.2;
            if let Some(img) = image {
                let side = (instr_top - cy - 2.0 * p).min(tw).min(mm(24.0));
                if side >= mm(8.0) {
                    draw_image(s, img, tx, cy + p, side);
                }
            }
            for (i, line) in instr.iter().enumerate() {
                text(
                    s,
                    &f.regular,
                    tx,
                    instr_top + (i as f32 + 1.0) * is * 1.2 - is * 0.2,
                    is,
                    line,
                );
            }
            let us = if big { 7.0 } else { 5.5 };
            let (u, us) = f.m_regular.fit(url, us, 4.0, g.cell_w - 2.0 * p);
            text(s, &f.regular, x + p, y + g.cell_h - p - band * 0.2, us, &u);
        }
        CellStyle::Stacked => {
            let q = g.cell_w - 2.0 * p;
            draw_qr(s, &card.claim_url, x + p, y + p, q)?;
            let mut cy = y + p + q + mm(1.0);
            let img_side = mm(14.0);
            let tx = if image.is_some() {
                x + p + img_side + mm(2.0)
            } else {
                x + p
            };
            let tw = g.cell_w - p - (tx - x);
            if let Some(img) = image {
                draw_image(s, img, x + p, cy + mm(1.0), img_side);
            }
            let (name, ns) = f.m_bold.fit(&card.recipient_name, 12.0, 6.0, tw);
            cy += ns * 1.1;
            text(s, &f.bold, tx, cy, ns, &name);
            for line in f.m_regular.wrap(&card.badge_name, 8.5, tw, 2) {
                cy += 8.5 * 1.25;
                text(s, &f.regular, tx, cy, 8.5, &line);
            }
            cy = cy.max(y + p + q + mm(1.0) + img_side + mm(1.0));
            for line in f
                .m_regular
                .wrap(instruction(lang), 7.5, g.cell_w - 2.0 * p, 2)
            {
                cy += 7.5 * 1.3;
                text(s, &f.regular, x + p, cy, 7.5, &line);
            }
            let (u, us) = f.m_regular.fit(url, 7.0, 4.0, g.cell_w - 2.0 * p);
            text(s, &f.regular, x + p, cy + us * 1.5, us, &u);
        }
    }
    Ok(())
}
