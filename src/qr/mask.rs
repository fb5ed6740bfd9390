//! A QR symbol with its mask chosen here. The qrcode crate encodes the data, draws the function
//! patterns and format information and places the codewords; only the choice among the eight
//! masks by the ISO/IEC 18004 penalty (rules N1–N4, scored exactly as the reference
//! implementation qrcodegen scores them) is done here, on bit rows and columns. The QR crates
//! score module by module, which was nine tenths of the time to make a claim page's QR code
//! (fast_qr took 135–200 µs per claim URL; this about a third of that). Tests compare whole
//! symbols with qrcodegen's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::types::{Color, EcLevel, QrResult, Version};

/// Widest symbol: version 40, 177 modules.
pub const MAX_WIDTH: usize = 177;

/// [`MAX_WIDTH`] in 64-bit words.
const WORDS: usize = MAX_WIDTH.div_ceil(64);
type Line = [u64; WORDS];

/// Most runs in one line: one per module, a leading light run of none and the light border.
const MAX_RUNS: usize = MAX_WIDTH + 2;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A symbol as bits, by rows and by columns (bit x of `rows[y]` = bit y of `cols[x]` = dark).
struct Board {
    width: usize,
    rows: Vec<Line>,
    cols: Vec<Line>,
}

impl Board {
    fn new(width: usize) -> Board {
        Board {
            width,
            rows: vec![[0; WORDS]; width],
            cols: vec![[0; WORDS]; width],
        }
    }

    fn set(&mut self, x: usize, y: usize) {
        if let Some(row) = self.rows.get_mut(y) {
            row[x / 64] |= 1 << (x % 64);
        }
        if let Some(col) = self.cols.get_mut(x) {
            col[y / 64] |= 1 << (y % 64);
        }
    }

    /// The modules of `canvas` for which `dark` holds.
    fn from_canvas(canvas: &Canvas, width: usize, dark: impl Fn(Module) -> bool) -> Board {
        let mut board = Board::new(width);
        for y in 0..width {
            for x in 0..width {
                if dark(canvas.get(x as i16, y as i16)) {
                    board.set(x, y);
                }
            }
        }
        board
    }

    /// `self` with the modules of `other` flipped.
    fn xor(&self, other: &Board) -> Board {
        let flip = |a: &[Line], b: &[Line]| -> Vec<Line> {
            a.iter()
                .zip(b)
                .map(|(a, b)| std::array::from_fn(|i| a[i] ^ b[i]))
                .collect()
        };
        Board {
            width: self.width,
            rows: flip(&self.rows, &other.rows),
            cols: flip(&self.cols, &other.cols),
        }
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.rows
            .get(y)
            .is_some_and(|row| row[x / 64] >> (x % 64) & 1 == 1)
    }

    /// N1, N2 and N4: the parts of the penalty computed on whole words (N3, finder-like
    /// patterns, walks the runs of every line and costs more than the rest together).
    fn penalty_but_finders(&self) -> u32 {
        let w = self.width;
        let runs: u32 = self
            .rows
            .iter()
            .chain(&self.cols)
            .map(|line| long_runs(line, w))
            .sum();
        let blocks: u32 = self
            .rows
            .windows(2)
            .map(|pair| same_blocks(&pair[0], &pair[1], w))
            .sum();
        let dark: i64 = self
            .rows
            .iter()
            .flatten()
            .map(|w| i64::from(w.count_ones()))
            .sum();
        let total = (w * w) as i64;
        // Smallest k ≥ 0 with (45 − 5k)% ≤ dark/total ≤ (55 + 5k)%.
        let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
        runs + 3 * blocks + 10 * k as u32
    }

    /// The whole penalty, given `but_finders` (see [`Board::penalty_but_finders`]), if it is
    /// below `limit`; `None` as soon as the finder-like patterns bring it to `limit`.
    fn penalty_below(
        &self,
        but_finders: u32,
        limit: u32,
        runs: &mut [i32; MAX_RUNS],
    ) -> Option<u32> {
        let mut total = but_finders;
        for line in self.rows.iter().chain(&self.cols) {
            if total >= limit {
                return None;
            }
            total += 40 * finder_like(line, self.width, runs);
        }
        (total < limit).then_some(total)
    }
}

/// Bits 0..n set.
fn low_bits(n: usize) -> Line {
    std::array::from_fn(|i| {
        let start = i * 64;
        if n >= start + 64 {
            u64::MAX
        } else if n > start {
            (1u64 << (n - start)) - 1
        } else {
            0
        }
    })
}

/// 2×2 blocks of one colour with their top-left module in row `a` (N2, before the ×3).
fn same_blocks(a: &Line, b: &Line, width: usize) -> u32 {
    let same_down: Line = std::array::from_fn(|i| !(a[i] ^ b[i]));
    let same_down_next = shr(&same_down, 1);
    let next = shr(a, 1);
    let valid = low_bits(width - 1);
    (0..WORDS)
        .map(|i| (same_down[i] & same_down_next[i] & !(a[i] ^ next[i]) & valid[i]).count_ones())
        .sum()
}

/// `line` shifted towards bit 0 by `k` < 64 (bit x of the result is bit x + k of `line`).
fn shr(line: &Line, k: u32) -> Line {
    if k == 0 {
        return *line;
    }
    std::array::from_fn(|i| line[i] >> k | line.get(i + 1).map_or(0, |next| next << (64 - k)))
}

/// N1 (runs of five or more) and N3 (finder-like patterns, 40 each) of one row or column,
/// counted as qrcodegen counts them: the light border outside the symbol extends the first
/// and last light runs.
#[cfg(test)]
fn line_penalty(line: &Line, width: usize, runs: &mut [i32; MAX_RUNS]) -> u32 {
    long_runs(line, width) + 40 * finder_like(line, width, runs)
}

/// N1 of one line: a run of L ≥ 5 modules of one colour scores L − 2.
fn long_runs(line: &Line, width: usize) -> u32 {
    // One per window of five equal modules plus two per run. Bit x of `same`: modules x and
    // x + 1 have one colour.
    let next = shr(line, 1);
    let valid = low_bits(width - 1);
    let same: Line = std::array::from_fn(|i| !(line[i] ^ next[i]) & valid[i]);
    let (s1, s2, s3) = (shr(&same, 1), shr(&same, 2), shr(&same, 3));
    let fives: Line = std::array::from_fn(|i| same[i] & s1[i] & s2[i] & s3[i]);
    let five_before: Line =
        std::array::from_fn(|i| fives[i] << 1 | if i > 0 { fives[i - 1] >> 63 } else { 0 });
    (0..WORDS)
        .map(|i| fives[i].count_ones() + 2 * (fives[i] & !five_before[i]).count_ones())
        .sum()
}

/// Finder-like patterns of one line: dark, light, dark, light, dark runs of n, n, 3n, n, n
/// modules, with at least 4n light modules on one side and n on the other (both sides: two).
fn finder_like(line: &Line, width: usize, runs: &mut [i32; MAX_RUNS]) -> u32 {
    // Run lengths, light first (0 when the line starts dark); bit x of `line ^ prev`:
    // module x differs from module x − 1 (module −1 is light).
    let prev: Line =
        std::array::from_fn(|i| line[i] << 1 | if i > 0 { line[i - 1] >> 63 } else { 0 });
    let valid = low_bits(width);
    let mut count = 0usize;
    let mut run_start = 0usize;
    for i in 0..WORDS {
        let mut bits = (line[i] ^ prev[i]) & valid[i];
        while bits != 0 {
            let x = i * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            runs[count] = (x - run_start) as i32;
            count += 1;
            run_start = x;
        }
    }
    runs[count] = (width - run_start) as i32;
    count += 1;
    if count.is_multiple_of(2) {
        // The line ends dark: the border is one more light run.
        runs[count] = 0;
        count += 1;
    }
    // The light border outside the symbol counts as part of the first and last light runs.
    let border = width as i32;
    runs[0] += border;
    runs[count - 1] += border;
    // Light runs are at even indexes; a pattern ends with light run j ≥ 6.
    // Branch-free: whether runs match is data, and mispredicted branches cost more than
    // evaluating every condition.
    let mut found = 0;
    let mut j = 6;
    while j < count {
        let n = runs[j - 1];
        let core =
            (runs[j - 2] == n) & (runs[j - 3] == 3 * n) & (runs[j - 4] == n) & (runs[j - 5] == n);
        let after = (runs[j] >= 4 * n) & (runs[j - 6] >= n);
        let before = (runs[j - 6] >= 4 * n) & (runs[j] >= n);
        found += u32::from(core & after) + u32::from(core & before);
        j += 2;
    }
    found
}

/// The function patterns and format information of each mask for one version, with every
/// data module light before masking: masking a symbol flips exactly its dark data modules.
struct Templates {
    masked: Vec<Board>,
}

thread_local! {
    /// By width (which tells the version) and error correction level.
    static TEMPLATES: RefCell<HashMap<(usize, u8), Rc<Templates>>> = RefCell::new(HashMap::new());
}

fn templates(version: Version, ec: EcLevel, width: usize) -> Rc<Templates> {
    TEMPLATES.with_borrow_mut(|cache| {
        cache
            .entry((width, ec as u8))
            .or_insert_with(|| {
                let mut canvas = Canvas::new(version, ec);
                canvas.draw_all_functional_patterns();
                let masked = MASKS
                    .iter()
                    .map(|&mask| {
                        let mut c = canvas.clone();
                        c.apply_mask(mask);
                        Board::from_canvas(&c, width, |m| m.is_dark())
                    })
                    .collect();
                Rc::new(Templates { masked })
            })
            .clone()
    })
}

/// A finished symbol (no quiet zone).
pub struct Symbol {
    board: Board,
}

impl Symbol {
    /// Side in modules.
    pub fn width(&self) -> usize {
        self.board.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.board.width && self.board.is_dark(x, y)
    }
}

/// The symbol for `bits` (data already terminated and padded) with the mask of lowest
/// penalty (the first one on a tie, as qrcodegen).
pub fn symbol(bits: Bits, ec: EcLevel) -> QrResult<Symbol> {
    let version = bits.version();
    let width = usize::try_from(version.width()).unwrap_or(usize::MAX);
    if !(1..=MAX_WIDTH).contains(&width) {
        // Every index below relies on this bound (qrcode's versions stay within it).
        return Err(qrcode::types::QrError::InvalidVersion);
    }
    let (data, ec_codewords) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec)?;
    let mut canvas = Canvas::new(version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_codewords);
    let data_dark = Board::from_canvas(&canvas, width, |m| m == Module::Unmasked(Color::Dark));
    let templates = templates(version, ec, width);
    let boards: Vec<Board> = templates
        .masked
        .iter()
        .map(|template| template.xor(&data_dark))
        .collect();
    // Branch and bound: the cheap parts first, then finder-like patterns in order of promise,
    // each stopped once it cannot beat the best so far. A mask beats another with a lower
    // penalty, or the same one and a lower number (the first one on a tie).
    let mut order: Vec<(u32, usize)> = boards
        .iter()
        .enumerate()
        .map(|(i, b)| (b.penalty_but_finders(), i))
        .collect();
    order.sort_unstable();
    let mut runs = [0i32; MAX_RUNS];
    let mut best: Option<(u32, usize)> = None;
    for (but_finders, i) in order {
        // Below `limit` beats the best (on a tie, only a lower-numbered mask does).
        let limit = best.map_or(
            u32::MAX,
            |(p, b)| if i < b { p.saturating_add(1) } else { p },
        );
        let Some(board) = boards.get(i) else {
            continue;
        };
        if let Some(penalty) = board.penalty_below(but_finders, limit, &mut runs) {
            best = Some((penalty, i));
        }
    }
    match best.and_then(|(_, i)| boards.into_iter().nth(i)) {
        Some(board) => Ok(Symbol { board }),
        None => Err(qrcode::types::QrError::InvalidVersion),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64: fixed-seed pseudo-random test data.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// qrcodegen's `FinderPenalty`: the last seven run lengths of a line, newest first.
    struct FinderHistory {
        size: i32,
        runs: [i32; 7],
    }

    impl FinderHistory {
        fn new(size: i32) -> Self {
            FinderHistory { size, runs: [0; 7] }
        }

        fn push(&mut self, mut run: i32) {
            if self.runs[0] == 0 {
                run += self.size; // the light border before the first run
            }
            self.runs.copy_within(0..6, 1);
            self.runs[0] = run;
        }

        fn count_patterns(&self) -> u32 {
            let r = &self.runs;
            let n = r[1];
            let core = n > 0 && r[2] == n && r[3] == n * 3 && r[4] == n && r[5] == n;
            u32::from(core && r[0] >= n * 4 && r[6] >= n)
                + u32::from(core && r[6] >= n * 4 && r[0] >= n)
        }

        fn terminate(mut self, dark: bool, mut run: i32) -> u32 {
            if dark {
                self.push(run);
                run = 0;
            }
            self.push(run + self.size); // the light border after the last run
            self.count_patterns()
        }
    }

    /// qrcodegen's row scoring (N1 and N3 of one line), module by module, as written there.
    fn reference_line(modules: &[bool]) -> u32 {
        let size = modules.len() as i32;
        let mut score = 0;
        let mut history = FinderHistory::new(size);
        let (mut color, mut run) = (false, 0);
        for &m in modules {
            if m == color {
                run += 1;
                score += match run {
                    5 => 3,
                    r if r > 5 => 1,
                    _ => 0,
                };
            } else {
                history.push(run);
                if !color {
                    score += 40 * history.count_patterns();
                }
                color = m;
                run = 1;
            }
        }
        score + 40 * history.terminate(color, run)
    }

    fn line_of(modules: &[bool]) -> Line {
        let mut line = [0; WORDS];
        for (x, _) in modules.iter().enumerate().filter(|(_, dark)| **dark) {
            line[x / 64] |= 1 << (x % 64);
        }
        line
    }

    #[test]
    fn line_penalty_is_qrcodegens() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut runs = [0; MAX_RUNS];
        for case in 0..20_000 {
            let width = 21 + 4 * (case % 40);
            // Mostly short runs (finder-like patterns), some up to 12 (long runs, scaled ones).
            let mut modules = Vec::with_capacity(width);
            let mut dark = rng.next().is_multiple_of(2);
            while modules.len() < width {
                let longest = if rng.next().is_multiple_of(4) { 12 } else { 3 };
                let run = 1 + (rng.next() % longest) as usize;
                modules.extend(std::iter::repeat_n(dark, run.min(width - modules.len())));
                dark = !dark;
            }
            assert_eq!(
                line_penalty(&line_of(&modules), width, &mut runs),
                reference_line(&modules),
                "{modules:?}"
            );
        }
        // Finder-like patterns, scaled by n, with light on one side, both sides, or too little.
        for n in 1..=3 {
            let mut modules = vec![false; 4 * n];
            for (dark, len) in [(true, 1), (false, 1), (true, 3), (false, 1), (true, 1)] {
                modules.extend(std::iter::repeat_n(dark, len * n));
            }
            modules.extend(std::iter::repeat_n(false, 25 - modules.len().min(25)));
            let width = modules.len();
            let score = line_penalty(&line_of(&modules), width, &mut runs);
            assert_eq!(score, reference_line(&modules));
            assert!(
                score >= 80,
                "n = {n}: light on both sides counts twice ({score})"
            );
        }
    }

    /// Byte mode at the smallest version, as qrcodegen's `make_bytes` segment.
    fn byte_bits(data: &[u8]) -> Bits {
        (1..=40)
            .find_map(|v| {
                let mut bits = Bits::new(Version::Normal(v));
                let fits =
                    bits.push_byte_data(data).is_ok() && bits.push_terminator(EcLevel::M).is_ok();
                fits.then_some(bits)
            })
            .expect("fits version 40")
    }

    #[test]
    fn whole_symbols_are_qrcodegens() {
        let mut rng = Rng(42);
        // Every version (2,331 bytes is version 40 at M), then many claim-URL sized payloads.
        let lengths = (1..=2331).step_by(13).chain((0..300).map(|i| 40 + i % 120));
        for len in lengths {
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let ours = symbol(byte_bits(&data), EcLevel::M).expect("encodes");
            let reference = qrcodegen::QrCode::encode_segments_advanced(
                &[qrcodegen::QrSegment::make_bytes(&data)],
                qrcodegen::QrCodeEcc::Medium,
                qrcodegen::Version::MIN,
                qrcodegen::Version::MAX,
                None,
                false,
            )
            .expect("encodes");
            let width = ours.width();
            assert_eq!(width, reference.size() as usize, "{len} bytes");
            for y in 0..width {
                for x in 0..width {
                    assert_eq!(
                        ours.is_dark(x, y),
                        reference.get_module(x as i32, y as i32),
                        "{len} bytes, qrcodegen mask {}, module ({x}, {y})",
                        reference.mask().value()
                    );
                }
            }
        }
    }
}
