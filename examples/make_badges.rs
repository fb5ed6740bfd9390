//! Dev tool: draws the default badge images shipped in `assets/badges/` (participation,
//! workshop, explorer: round badges for a robotics festival) with signed-distance shapes and
//! anti-aliasing, and writes them with the `png` crate, plus an SVG version of participation.
//! Run: `cargo run --example make_badges [OUT_DIR]` (default `assets/badges`).

use std::f32::consts::{PI, TAU};
use std::path::PathBuf;

const SIZE: u32 = 360;

type Rgba = [f32; 4];

fn rgb(hex: u32) -> Rgba {
    let c = |s: u32| ((hex >> s) & 0xFF) as f32 / 255.0;
    [c(16), c(8), c(0), 1.0]
}

fn mix(a: Rgba, b: Rgba, t: f32) -> Rgba {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2, 3].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn with_alpha(c: Rgba, a: f32) -> Rgba {
    [c[0], c[1], c[2], c[3] * a]
}

// --- signed distances, in badge units (the badge spans -1..1) ---

fn circle(p: (f32, f32), c: (f32, f32), r: f32) -> f32 {
    ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt() - r
}

fn round_box(p: (f32, f32), c: (f32, f32), half: (f32, f32), r: f32) -> f32 {
    let q = (
        (p.0 - c.0).abs() - half.0 + r,
        (p.1 - c.1).abs() - half.1 + r,
    );
    let outside = (q.0.max(0.0).powi(2) + q.1.max(0.0).powi(2)).sqrt();
    outside + q.0.max(q.1).min(0.0) - r
}

fn capsule(p: (f32, f32), a: (f32, f32), b: (f32, f32), r: f32) -> f32 {
    let (pa, ba) = ((p.0 - a.0, p.1 - a.1), (b.0 - a.0, b.1 - a.1));
    let h = ((pa.0 * ba.0 + pa.1 * ba.1) / (ba.0 * ba.0 + ba.1 * ba.1)).clamp(0.0, 1.0);
    ((pa.0 - ba.0 * h).powi(2) + (pa.1 - ba.1 * h).powi(2)).sqrt() - r
}

/// Exact distance to a closed polygon (Inigo Quilez's sdPolygon).
fn polygon(p: (f32, f32), v: &[(f32, f32)]) -> f32 {
    let Some(&first) = v.first() else {
        return f32::MAX;
    };
    let mut d = (p.0 - first.0).powi(2) + (p.1 - first.1).powi(2);
    let mut s = 1.0;
    let mut j = v.len() - 1;
    for i in 0..v.len() {
        let (vi, vj) = (v[i], v[j]);
        let e = (vj.0 - vi.0, vj.1 - vi.1);
        let w = (p.0 - vi.0, p.1 - vi.1);
        let t = ((w.0 * e.0 + w.1 * e.1) / (e.0 * e.0 + e.1 * e.1)).clamp(0.0, 1.0);
        d = d.min((w.0 - e.0 * t).powi(2) + (w.1 - e.1 * t).powi(2));
        let c = [p.1 >= vi.1, p.1 < vj.1, e.0 * w.1 > e.1 * w.0];
        if c.iter().all(|&x| x) || c.iter().all(|&x| !x) {
            s = -s;
        }
        j = i;
    }
    s * d.sqrt()
}

fn star(c: (f32, f32), points: usize, outer: f32, inner: f32, turn: f32) -> Vec<(f32, f32)> {
    (0..points * 2)
        .map(|k| {
            let r = if k % 2 == 0 { outer } else { inner };
            let a = turn - PI / 2.0 + k as f32 * PI / points as f32;
            (c.0 + r * a.cos(), c.1 + r * a.sin())
        })
        .collect()
}

fn gear(c: (f32, f32), teeth: usize, root: f32, tip: f32, turn: f32) -> Vec<(f32, f32)> {
    let step = TAU / teeth as f32;
    (0..teeth)
        .flat_map(|k| {
            let a = turn + k as f32 * step;
            [
                (root, a),
                (tip, a + step * 0.12),
                (tip, a + step * 0.42),
                (root, a + step * 0.54),
            ]
        })
        .map(|(r, a)| (c.0 + r * a.cos(), c.1 + r * a.sin()))
        .collect()
}

// --- painting ---

struct Canvas {
    px: Vec<Rgba>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            px: vec![[0.0; 4]; (SIZE * SIZE) as usize],
        }
    }

    /// Paints `color(p)` where `sdf(p) < 0`, with one pixel of anti-aliasing.
    fn fill(&mut self, sdf: impl Fn((f32, f32)) -> f32, color: impl Fn((f32, f32)) -> Rgba) {
        let unit = SIZE as f32 / 2.0;
        for (i, dst) in self.px.iter_mut().enumerate() {
            let (x, y) = (
                (i as u32 % SIZE) as f32 + 0.5,
                (i as u32 / SIZE) as f32 + 0.5,
            );
            let p = (x / unit - 1.0, y / unit - 1.0);
            let coverage = (0.5 - sdf(p) * unit).clamp(0.0, 1.0);
            if coverage <= 0.0 {
                continue;
            }
            let src = color(p);
            let a = src[3] * coverage;
            let out_a = a + dst[3] * (1.0 - a);
            if out_a > 0.0 {
                for k in 0..3 {
                    dst[k] = (src[k] * a + dst[k] * dst[3] * (1.0 - a)) / out_a;
                }
            }
            dst[3] = out_a;
        }
    }

    /// An indexed PNG: 256 colours picked by NeuQuant (alpha kept in `tRNS`). The badges are
    /// flat shapes and soft gradients, so the palette is invisible at badge size, and the file
    /// is half the RGBA one: every baked copy (issued, published, served) carries it.
    fn png(&self) -> Vec<u8> {
        let rgba: Vec<u8> = self
            .px
            .iter()
            .flat_map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect();
        let quant = color_quant::NeuQuant::new(1, 256, &rgba);
        let map = quant.color_map_rgba();
        let indices: Vec<u8> = rgba
            .chunks_exact(4)
            .map(|px| quant.index_of(px) as u8)
            .collect();
        let palette: Vec<u8> = map
            .chunks_exact(4)
            .flat_map(|c| [c[0], c[1], c[2]])
            .collect();
        let alpha: Vec<u8> = map.chunks_exact(4).map(|c| c[3]).collect();
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, SIZE, SIZE);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(palette);
        enc.set_trns(alpha);
        enc.set_compression(png::Compression::High);
        let mut w = enc.write_header().expect("png header");
        w.write_image_data(&indices).expect("png data");
        w.finish().expect("png end");
        out
    }
}

/// The common frame: soft shadow, sunburst disc in two colours, gold and white rings, gloss.
fn frame(c: &mut Canvas, light: u32, dark: u32) {
    let (light, dark, gold, white) = (rgb(light), rgb(dark), rgb(0xF6C945), rgb(0xFFFFFF));
    c.fill(
        |p| circle(p, (0.0, 0.035), 0.93),
        |p| {
            let d = circle(p, (0.0, 0.035), 0.86);
            with_alpha(rgb(0x000000), 0.28 * (1.0 - (d / 0.07).clamp(0.0, 1.0)))
        },
    );
    c.fill(|p| circle(p, (0.0, 0.0), 0.9), |_| gold);
    c.fill(|p| circle(p, (0.0, 0.0), 0.84), |_| white);
    c.fill(
        |p| circle(p, (0.0, 0.0), 0.8),
        move |p| {
            let r = (p.0 * p.0 + p.1 * p.1).sqrt();
            let rays = 0.5 + 0.5 * (p.1.atan2(p.0) * 16.0).sin();
            mix(
                mix(light, dark, r / 0.8 + p.1 * 0.3),
                white,
                0.06 * rays * (1.0 - r),
            )
        },
    );
    // Dotted inner ring.
    c.fill(
        |p| {
            let a = p.1.atan2(p.0);
            let k = (a / TAU * 48.0).round() * TAU / 48.0;
            circle(p, (0.72 * k.cos(), 0.72 * k.sin()), 0.012)
        },
        |_| with_alpha(white, 0.55),
    );
}

fn gloss(c: &mut Canvas) {
    c.fill(
        |p| circle(p, (0.0, 0.0), 0.8).max(circle(p, (0.0, 0.95), 1.25)),
        |p| {
            with_alpha(
                rgb(0xFFFFFF),
                0.10 * (1.0 - (p.1 + 0.8) / 1.0).clamp(0.0, 1.0),
            )
        },
    );
}

fn participation() -> Canvas {
    let mut c = Canvas::new();
    frame(&mut c, 0x2BB3A3, 0x1C4E96);
    let (white, navy, gold) = (rgb(0xF4F7FB), rgb(0x16233A), rgb(0xF6C945));
    // Antenna, ears, head, face plate, eyes, smile.
    c.fill(|p| capsule(p, (0.0, -0.36), (0.0, -0.52), 0.025), |_| white);
    c.fill(|p| circle(p, (0.0, -0.55), 0.06), |_| gold);
    c.fill(
        |p| round_box(p, (-0.42, -0.03), (0.06, 0.12), 0.04),
        |_| white,
    );
    c.fill(
        |p| round_box(p, (0.42, -0.03), (0.06, 0.12), 0.04),
        |_| white,
    );
    c.fill(
        |p| round_box(p, (0.0, -0.03), (0.38, 0.33), 0.12),
        |p| mix(white, rgb(0xC9D6E8), (p.1 + 0.36) / 0.8),
    );
    c.fill(|p| round_box(p, (0.0, -0.06), (0.28, 0.2), 0.09), |_| navy);
    for x in [-0.13, 0.13] {
        c.fill(move |p| circle(p, (x, -0.1), 0.07), |_| rgb(0x5EE6D3));
        c.fill(move |p| circle(p, (x + 0.025, -0.125), 0.022), |_| white);
    }
    c.fill(
        |p| (circle(p, (0.0, -0.02), 0.13).abs() - 0.018).max(-(p.1 - 0.05)),
        |_| rgb(0x5EE6D3),
    );
    // A gear on the chest-plate line below the head.
    c.fill(
        |p| polygon(p, &gear((0.0, 0.5), 10, 0.12, 0.16, 0.1)).max(-circle(p, (0.0, 0.5), 0.05)),
        |_| gold,
    );
    gloss(&mut c);
    c
}

fn workshop() -> Canvas {
    let mut c = Canvas::new();
    frame(&mut c, 0xF7A531, 0xC2410C);
    let (white, dark) = (rgb(0xFFF8EC), rgb(0x3A2314));
    let big = gear((0.0, 0.0), 12, 0.44, 0.56, 0.0);
    c.fill(
        move |p| polygon(p, &big).max(-circle(p, (0.0, 0.0), 0.2)),
        |p| mix(white, rgb(0xF3D9B5), (p.1 + 0.5) / 1.0),
    );
    // Wrench across the gear: handle, open head with a notch, a hole at the end.
    let (a, b) = ((-0.42, 0.42), (0.25, -0.25));
    c.fill(
        move |p| {
            let handle = capsule(p, a, b, 0.075);
            let head = circle(p, (0.33, -0.33), 0.17);
            let notch = round_box(p, (0.43, -0.43), (0.09, 0.09), 0.02);
            let hole = circle(p, (-0.38, 0.38), 0.03);
            handle.min(head).max(-notch).max(-hole)
        },
        |_| dark,
    );
    gloss(&mut c);
    c
}

fn explorer() -> Canvas {
    let mut c = Canvas::new();
    frame(&mut c, 0x8B5CF6, 0x2E1F7A);
    let (white, gold) = (rgb(0xFFFFFF), rgb(0xF6C945));
    let diagonal = star((0.0, -0.1), 4, 0.36, 0.08, PI / 4.0);
    let main = star((0.0, -0.1), 4, 0.55, 0.11, 0.0);
    c.fill(move |p| polygon(p, &diagonal), |_| gold);
    c.fill(
        move |p| polygon(p, &main),
        |p| mix(white, rgb(0xD9D2FF), (p.0 + p.1 + 0.6) / 1.2),
    );
    c.fill(|p| circle(p, (0.0, -0.1), 0.07), |_| rgb(0x2E1F7A));
    c.fill(|p| circle(p, (0.0, -0.1), 0.03), |_| gold);
    // Three small stars: three activities explored.
    for (x, y) in [(-0.3, 0.5), (0.0, 0.58), (0.3, 0.5)] {
        let s = star((x, y), 5, 0.085, 0.036, 0.0);
        c.fill(move |p| polygon(p, &s), |_| gold);
    }
    gloss(&mut c);
    c
}

/// The participation badge as SVG: same geometry, for events that prefer vector images.
fn participation_svg() -> String {
    let gear: String = gear((200.0, 300.0), 10, 24.0, 32.0, 0.1)
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
  <title>Participation</title>
  <defs>
    <filter id="soft" x="-10%" y="-10%" width="120%" height="120%">
      <feGaussianBlur stdDeviation="6"/>
    </filter>
    <radialGradient id="disc" cx="50%" cy="35%" r="70%">
      <stop offset="0" stop-color="#2BB3A3"/>
      <stop offset="1" stop-color="#1C4E96"/>
    </radialGradient>
    <linearGradient id="head" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#F4F7FB"/>
      <stop offset="1" stop-color="#C9D6E8"/>
    </linearGradient>
  </defs>
  <circle cx="200" cy="207" r="182" fill="#000" opacity="0.28" filter="url(#soft)"/>
  <circle cx="200" cy="200" r="180" fill="#F6C945"/>
  <circle cx="200" cy="200" r="168" fill="#FFFFFF"/>
  <circle cx="200" cy="200" r="160" fill="url(#disc)"/>
  <circle cx="200" cy="200" r="144" fill="none" stroke="#FFFFFF" stroke-opacity="0.55" stroke-width="4.8" stroke-dasharray="0 18.85" stroke-linecap="round"/>
  <line x1="200" y1="128" x2="200" y2="96" stroke="#F4F7FB" stroke-width="10" stroke-linecap="round"/>
  <circle cx="200" cy="90" r="12" fill="#F6C945"/>
  <rect x="104" y="170" width="24" height="48" rx="8" fill="#F4F7FB"/>
  <rect x="272" y="170" width="24" height="48" rx="8" fill="#F4F7FB"/>
  <rect x="124" y="128" width="152" height="132" rx="24" fill="url(#head)"/>
  <rect x="144" y="148" width="112" height="80" rx="18" fill="#16233A"/>
  <circle cx="174" cy="180" r="14" fill="#5EE6D3"/>
  <circle cx="226" cy="180" r="14" fill="#5EE6D3"/>
  <circle cx="179" cy="175" r="4.4" fill="#F4F7FB"/>
  <circle cx="231" cy="175" r="4.4" fill="#F4F7FB"/>
  <path d="M 176 206 A 26 26 0 0 0 224 206" fill="none" stroke="#5EE6D3" stroke-width="7" stroke-linecap="round"/>
  <polygon points="{gear}" fill="#F6C945"/>
  <circle cx="200" cy="300" r="10" fill="#1C4E96"/>
</svg>
"##
    )
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("assets/badges"));
    std::fs::create_dir_all(&dir).expect("create the output folder");
    for (name, canvas) in [
        ("participation", participation()),
        ("workshop", workshop()),
        ("explorer", explorer()),
    ] {
        let png = canvas.png();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("write png");
        println!("{} ({} bytes)", path.display(), png.len());
    }
    let path = dir.join("participation.svg");
    std::fs::write(&path, participation_svg()).expect("write svg");
    println!("{}", path.display());
}
