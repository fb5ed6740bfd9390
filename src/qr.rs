//! QR codes for claim URLs: one module matrix (error correction M, 4-module quiet zone) drawn
//! as terminal half blocks, PNG and SVG. Everything drawn here decodes back to the exact input
//! (tested with the `rqrr` decoder).

use std::fmt::Write as _;

use qrcode::types::EcLevel;

mod mask;

/// Light modules around the code, as ISO/IEC 18004 asks (4 modules).
pub const QUIET_ZONE: usize = 4;

/// Terminal colours to draw [`QrMatrix::half_blocks`] with: black ink on white paper, set
/// explicitly so the code reads the same in dark and light terminals (256-colour indexes).
pub const INK_ANSI256: u8 = 16;
pub const PAPER_ANSI256: u8 = 231;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("cannot make a QR code of {len} bytes (too long for a QR code): {reason}")]
    Encode { len: usize, reason: String },
    #[error("cannot write the QR code as PNG: {0}")]
    Png(String),
}

/// A QR code's modules, quiet zone included; `true` is dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    modules: Vec<bool>,
}

/// Encode `data` (usually a claim URL) with error correction M, in the smallest version
/// (segments chosen by the qrcode crate).
pub fn encode(data: &str) -> Result<QrMatrix, QrError> {
    let encode_error = |e: qrcode::types::QrError| QrError::Encode {
        len: data.len(),
        reason: e.to_string(),
    };
    let bits = qrcode::bits::encode_auto(data.as_bytes(), EcLevel::M).map_err(encode_error)?;
    let symbol = mask::symbol(bits, EcLevel::M).map_err(encode_error)?;
    Ok(with_quiet_zone(&symbol))
}

fn with_quiet_zone(symbol: &mask::Symbol) -> QrMatrix {
    let inner = symbol.width();
    let width = inner + 2 * QUIET_ZONE;
    let mut modules = vec![false; width * width];
    for y in 0..inner {
        for x in 0..inner {
            if let Some(m) = modules.get_mut((y + QUIET_ZONE) * width + x + QUIET_ZONE) {
                *m = symbol.is_dark(x, y);
            }
        }
    }
    QrMatrix { width, modules }
}

impl QrMatrix {
    /// Side in modules, quiet zone included.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at (x, y) is dark; outside the matrix is light (paper).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.modules.get(y * self.width + x) == Some(&true)
    }

    /// Build a square matrix from rows of modules, as wide as the longest row (rows past
    /// that are dropped: the padding row of half blocks). Used to read drawings back.
    pub fn from_rows(rows: &[Vec<bool>]) -> QrMatrix {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut modules = vec![false; width * width];
        for (y, row) in rows.iter().enumerate().take(width) {
            for (x, &dark) in row.iter().enumerate() {
                if let Some(m) = modules.get_mut(y * width + x) {
                    *m = dark;
                }
            }
        }
        QrMatrix { width, modules }
    }

    /// Two module rows per text line: `█` both dark, `▀` upper dark, `▄` lower dark, space
    /// none. Draw with [`INK_ANSI256`] as foreground and [`PAPER_ANSI256`] as background (never
    /// the terminal's defaults), so the code reads on dark and light terminals alike.
    pub fn half_blocks(&self) -> Vec<String> {
        (0..self.width.div_ceil(2))
            .map(|line| {
                (0..self.width)
                    .map(
                        |x| match (self.is_dark(x, 2 * line), self.is_dark(x, 2 * line + 1)) {
                            (true, true) => '█',
                            (true, false) => '▀',
                            (false, true) => '▄',
                            (false, false) => ' ',
                        },
                    )
                    .collect()
            })
            .collect()
    }

    /// [`Self::half_blocks`] with ANSI colours, ready to print on a plain terminal.
    pub fn half_blocks_ansi(&self) -> String {
        let mut out = String::new();
        for line in self.half_blocks() {
            let _ = writeln!(
                out,
                "\x1b[38;5;{INK_ANSI256}m\x1b[48;5;{PAPER_ANSI256}m{line}\x1b[0m"
            );
        }
        out
    }

    /// Read [`Self::half_blocks`] lines back into modules (for tests and self-checks).
    pub fn from_half_blocks(lines: &[String]) -> QrMatrix {
        let mut rows = Vec::with_capacity(lines.len() * 2);
        for line in lines {
            let (mut upper, mut lower) = (Vec::new(), Vec::new());
            for c in line.chars() {
                upper.push(matches!(c, '█' | '▀'));
                lower.push(matches!(c, '█' | '▄'));
            }
            rows.push(upper);
            rows.push(lower);
        }
        QrMatrix::from_rows(&rows)
    }

    /// Read an SVG written by [`Self::to_svg`] back into modules, drawing its path's `M`/`m`
    /// moves and `h` strokes as a renderer would (for tests and self-checks). `None` when it is
    /// not such an SVG (or wider than any QR code).
    pub fn from_svg(svg: &str) -> Option<QrMatrix> {
        let width: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)?
            .split(' ')
            .next()?
            .parse()
            .ok()
            .filter(|w| *w <= mask::MAX_WIDTH + 2 * QUIET_ZONE)?;
        let path = svg
            .split("<path fill=\"none\" stroke=\"#000\" d=\"")
            .nth(1)?
            .split('"')
            .next()?;
        let mut rows = vec![vec![false; width]; width];
        let (mut x, mut y) = (0usize, 0usize);
        let mut rest = path;
        while let Some(command) = rest.chars().next() {
            let args_end = rest
                .get(1..)?
                .find(|c: char| c.is_ascii_alphabetic())
                .map_or(rest.len(), |i| i + 1);
            let args: Vec<&str> = rest.get(1..args_end)?.split(' ').collect();
            match (command, args.as_slice()) {
                // Strokes run along the middle of a row: y is always "{row}.5".
                ('M', [ax, ay]) => {
                    (x, y) = (ax.parse().ok()?, ay.strip_suffix(".5")?.parse().ok()?)
                }
                ('m', [dx, "0"]) => x = x.checked_add(dx.parse().ok()?)?,
                ('h', [n]) => {
                    let end = x.checked_add(n.parse().ok()?)?;
                    rows.get_mut(y)?.get_mut(x..end)?.fill(true);
                    x = end;
                }
                _ => return None,
            }
            rest = rest.get(args_end..)?;
        }
        Some(QrMatrix::from_rows(&rows))
    }

    /// A 1-bit greyscale PNG, `scale` pixels per module (at least 1).
    pub fn to_png(&self, scale: u32) -> Result<Vec<u8>, QrError> {
        let scale = scale.max(1) as usize;
        let side = self.width * scale;
        let side_u32 = u32::try_from(side).map_err(|e| QrError::Png(e.to_string()))?;
        let stride = side.div_ceil(8);
        let mut data = vec![0u8; stride * side];
        for y in 0..side {
            for x in 0..side {
                // In 1-bit greyscale, 1 is white.
                if !self.is_dark(x / scale, y / scale)
                    && let Some(b) = data.get_mut(y * stride + x / 8)
                {
                    *b |= 0x80 >> (x % 8);
                }
            }
        }
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, side_u32, side_u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        let mut w = enc
            .write_header()
            .map_err(|e| QrError::Png(e.to_string()))?;
        w.write_image_data(&data)
            .map_err(|e| QrError::Png(e.to_string()))?;
        w.finish().map_err(|e| QrError::Png(e.to_string()))?;
        Ok(out)
    }

    /// A standalone SVG (one path, viewBox in modules, scales to its container). Safe to
    /// inline in HTML: it contains no text from the encoded data.
    ///
    /// Each horizontal run of dark modules is a 1-module-wide stroke along the middle of its
    /// row: `M{x} {y}.5h{run}` for a row's first run, `m{gap} 0h{run}` for the next ones. That
    /// is less than half the bytes of one filled rectangle per run, and claim pages (two per
    /// claim, written by the ten thousand) are two-thirds QR code.
    pub fn to_svg(&self) -> String {
        let w = self.width;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {w}\" \
             shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\">\
             <rect width=\"{w}\" height=\"{w}\" fill=\"#fff\"/>\
             <path fill=\"none\" stroke=\"#000\" d=\""
        );
        svg.reserve(4 * w * w / 2);
        let mut num = itoa::Buffer::new();
        for (y, row) in self.modules.chunks(w.max(1)).enumerate() {
            // Where the pen is after the previous run of this row (None: a new row).
            let mut pen: Option<usize> = None;
            let mut x = 0;
            while x < row.len() {
                if row.get(x) == Some(&true) {
                    let start = x;
                    while row.get(x) == Some(&true) {
                        x += 1;
                    }
                    match pen {
                        None => {
                            svg.push('M');
                            svg.push_str(num.format(start));
                            svg.push(' ');
                            svg.push_str(num.format(y));
                            svg.push_str(".5h");
                        }
                        Some(end) => {
                            svg.push('m');
                            svg.push_str(num.format(start - end));
                            svg.push_str(" 0h");
                        }
                    }
                    svg.push_str(num.format(x - start));
                    pen = Some(x);
                }
                x += 1;
            }
        }
        svg.push_str("\"/></svg>");
        svg
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The SVG written plainly with `format!`: the fast writer must give the same bytes.
    fn svg_with_format(m: &QrMatrix) -> String {
        let w = m.width;
        let mut path = String::new();
        for y in 0..w {
            let mut pen = None;
            let mut x = 0;
            while x < w {
                if m.is_dark(x, y) {
                    let start = x;
                    while x < w && m.is_dark(x, y) {
                        x += 1;
                    }
                    let _ = match pen {
                        None => write!(path, "M{start} {y}.5h{}", x - start),
                        Some(end) => write!(path, "m{} 0h{}", start - end, x - start),
                    };
                    pen = Some(x);
                }
                x += 1;
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {w}\" \
             shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\">\
             <rect width=\"{w}\" height=\"{w}\" fill=\"#fff\"/>\
             <path fill=\"none\" stroke=\"#000\" d=\"{path}\"/></svg>"
        )
    }

    #[test]
    fn svg_bytes_are_those_of_the_reference_writer() {
        for data in [
            "https://b.example.org/c/abc/credential.json",
            "x",
            &"é".repeat(120),
        ] {
            let m = encode(data).unwrap();
            assert_eq!(m.to_svg(), svg_with_format(&m));
        }
        let tiny = QrMatrix::from_rows(&[vec![true, true], vec![false, true]]);
        assert_eq!(tiny.to_svg(), svg_with_format(&tiny));
    }

    /// Decode a bitmap given as a pixel predicate (true = dark) with rqrr.
    pub(crate) fn decode_pixels(
        w: usize,
        h: usize,
        dark: impl Fn(usize, usize) -> bool,
    ) -> Vec<String> {
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(
                w,
                h,
                |x, y| {
                    if dark(x, y) { 0 } else { 255 }
                },
            );
        img.detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, s)| s))
            .collect()
    }

    pub(crate) fn decode_matrix(m: &QrMatrix, scale: usize) -> Vec<String> {
        let side = m.width() * scale;
        decode_pixels(side, side, |x, y| m.is_dark(x / scale, y / scale))
    }

    pub(crate) fn decode_png(bytes: &[u8]) -> Vec<String> {
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let channels = info.line_size / w;
        decode_pixels(w, h, |x, y| buf[y * info.line_size + x * channels] < 128)
    }

    const URLS: &[&str] = &[
        "https://badges.example.org/c/mfzwizltmfzwizltmfzwizltmf",
        "http://192.168.1.23:8080/c/abcdefghijklmnopqrstuvwxyz",
        "https://a.b/c/x",
        "https://très-long.example.org/événement/2026/c/aaaaaaaaaaaaaaaaaaaaaaaaaa?x=1&y=\"<>\"",
    ];

    #[test]
    fn every_rendering_decodes_to_the_exact_url() {
        for url in URLS {
            let m = encode(url).unwrap();
            assert_eq!(decode_matrix(&m, 4), vec![url.to_string()], "matrix");
            assert_eq!(
                decode_png(&m.to_png(6).unwrap()),
                vec![url.to_string()],
                "png"
            );
            let lines = m.half_blocks();
            let back = QrMatrix::from_half_blocks(&lines);
            assert_eq!(back, m, "half blocks read back");
            assert_eq!(
                decode_matrix(&back, 4),
                vec![url.to_string()],
                "half blocks"
            );
            let from_svg = QrMatrix::from_svg(&m.to_svg()).expect("our own SVG");
            assert_eq!(from_svg, m, "svg read back");
            assert_eq!(decode_matrix(&from_svg, 5), vec![url.to_string()], "svg");
        }
    }

    #[test]
    fn svg_reader_refuses_what_to_svg_does_not_write() {
        let svg = encode("https://a.b/c/x").unwrap().to_svg();
        assert!(QrMatrix::from_svg(&svg).is_some());
        for bad in [
            String::new(),
            "<svg viewBox=\"0 0 x 3\">".to_string(),
            svg.replace(".5h", "h"),
            svg.replace(" 0h", " 1h"),
            svg.replace("h1", "h999"),
            svg.replace("h", "v"),
            svg.replace("viewBox=\"0 0 ", "viewBox=\"0 0 99999"),
            svg.replace(".5h", &format!(".5h{}", usize::MAX)),
            // Runs past the end of a row, by overflow.
            format!(
                "<svg viewBox=\"0 0 25 25\"><path fill=\"none\" stroke=\"#000\" d=\"M4 4.5h1m{} 0h1\"/></svg>",
                usize::MAX
            ),
        ] {
            assert_eq!(QrMatrix::from_svg(&bad), None, "{bad}");
        }
    }

    #[test]
    fn has_quiet_zone_and_error_correction_m() {
        let m = encode(URLS[0]).unwrap();
        for i in 0..m.width() {
            for q in 0..QUIET_ZONE {
                assert!(!m.is_dark(i, q) && !m.is_dark(q, i));
                assert!(!m.is_dark(i, m.width() - 1 - q) && !m.is_dark(m.width() - 1 - q, i));
            }
        }
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(m.width() * 4, m.width() * 4, |x, y| {
                if m.is_dark(x / 4, y / 4) { 0 } else { 255 }
            });
        let grids = img.detect_grids();
        let (meta, _) = grids[0].decode().unwrap();
        // rqrr numbers levels as in the format bits: M = 0.
        assert_eq!(meta.ecc_level, 0);
    }

    #[test]
    fn half_blocks_have_even_geometry_and_ansi_resets() {
        let m = encode(URLS[0]).unwrap();
        let lines = m.half_blocks();
        assert_eq!(lines.len(), m.width().div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == m.width()));
        let ansi = m.half_blocks_ansi();
        assert_eq!(ansi.matches("\x1b[0m").count(), lines.len());
    }

    #[test]
    fn too_long_data_is_an_error_not_a_panic() {
        let long = "x".repeat(5000);
        assert!(matches!(
            encode(&long),
            Err(QrError::Encode { len: 5000, .. })
        ));
    }
}
