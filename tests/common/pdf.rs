//! Reading QR codes back from a PDF: pages rasterised with poppler's `pdftoppm` (when it is
//! installed), each card cell cropped and decoded.

use std::path::Path;
use std::process::Command;

use badgedesk::print::Layout;

pub fn have_pdftoppm() -> bool {
    Command::new("pdftoppm").arg("-v").output().is_ok()
}

/// Rasterise every page and decode the QR code of each cell of `layout` (rqrr reads one code
/// per image reliably, so each cell is cropped out first). Empty cells decode to nothing.
pub fn decode_pdf(pdf: &Path, dpi: u32, layout: Layout) -> Vec<Vec<String>> {
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
                found.extend(super::decode_gray(cw, ch, &crop));
            }
            found
        })
        .collect()
}
