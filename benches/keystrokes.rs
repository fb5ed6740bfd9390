//! Keystroke metric (run: `cargo bench --bench keystrokes`): for each attendee of a generated
//! 5,000-person French roster, how many characters of their name must be typed before they are
//! the top result. Reports median and p95 (targets: ≤ 4 and ≤ 7) for three ways of typing:
//! family name first ("dupont hélène", what a desk asks for), given name first, and the
//! better of the two, and the shortest abbreviation (a prefix of one name, a space, a prefix
//! of the other: "dup h"), which is how a trained desk volunteer types. Characters are counted as typed, the space included; someone who never
//! reaches the top (an exact namesake listed before them) counts as the full name + 1.
//!
//! The roster: given names from a list of 150 common French first names (accents, compound
//! names); family names 35 % from 120 common French surnames and 65 % built from French
//! surname parts (Le/Du/De… + root + ending), which gives the long tail real rosters have.

use badgedesk::model::Attendee;
use badgedesk::search::SearchIndex;
use badgedesk::text::fold;

const GIVEN: &[&str] = &[
    "Adam",
    "Adèle",
    "Agathe",
    "Alexandre",
    "Alice",
    "Aline",
    "Amandine",
    "Ambre",
    "Amélie",
    "Anaïs",
    "André",
    "Anne",
    "Antoine",
    "Arthur",
    "Aurélie",
    "Axel",
    "Baptiste",
    "Bastien",
    "Benjamin",
    "Bérénice",
    "Camille",
    "Capucine",
    "Célia",
    "Céline",
    "Charles",
    "Charlotte",
    "Chloé",
    "Clara",
    "Claude",
    "Clément",
    "Colin",
    "Constance",
    "Corentin",
    "Damien",
    "Denis",
    "Diane",
    "Dylan",
    "Éléonore",
    "Élise",
    "Élodie",
    "Éloïse",
    "Emma",
    "Émile",
    "Enzo",
    "Éric",
    "Estelle",
    "Étienne",
    "Eva",
    "Fanny",
    "Félix",
    "Florian",
    "Francis",
    "François",
    "Gabriel",
    "Gaël",
    "Gaspard",
    "Gauthier",
    "Hélène",
    "Henri",
    "Hugo",
    "Inès",
    "Irène",
    "Isaac",
    "Jade",
    "Jean",
    "Jean-Baptiste",
    "Jeanne",
    "Joseph",
    "Jules",
    "Julia",
    "Julien",
    "Juliette",
    "Justine",
    "Kevin",
    "Léa",
    "Léna",
    "Léo",
    "Léon",
    "Lina",
    "Lisa",
    "Loïc",
    "Lola",
    "Louis",
    "Louise",
    "Luc",
    "Lucas",
    "Lucie",
    "Lucile",
    "Madeleine",
    "Maël",
    "Manon",
    "Marc",
    "Margaux",
    "Marie",
    "Marie-Claire",
    "Marine",
    "Mathis",
    "Mathilde",
    "Maxime",
    "Mélanie",
    "Mia",
    "Nathan",
    "Nina",
    "Noah",
    "Noé",
    "Noémie",
    "Océane",
    "Olivier",
    "Oscar",
    "Pauline",
    "Paul",
    "Pierre",
    "Quentin",
    "Rafaël",
    "Raphaël",
    "Rémi",
    "Robin",
    "Romane",
    "Romain",
    "Rose",
    "Sacha",
    "Salomé",
    "Samuel",
    "Sarah",
    "Simon",
    "Solène",
    "Sophie",
    "Téo",
    "Théo",
    "Thomas",
    "Timothée",
    "Tom",
    "Valentin",
    "Valentine",
    "Victor",
    "Victoire",
    "Vincent",
    "Yann",
    "Yanis",
    "Yasmine",
    "Zoé",
    "Aurélien",
    "Bruno",
    "Cécile",
    "Didier",
    "Gilles",
    "Hervé",
    "Laure",
    "Nicolas",
];

const COMMON: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sanchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Œuvray",
    "N'Diaye",
    "Nguyễn",
];

const PREFIX: &[&str] = &[
    "", "", "", "Le ", "La ", "Du", "De", "Des", "Le", "Van ", "Saint-", "Mont",
];
const ROOT: &[&str] = &[
    "bois", "val", "champ", "fèvre", "mont", "roche", "moulin", "pré", "fontaine", "chêne",
    "vigne", "marais", "bourg", "castel", "gal", "brun", "noir", "blanc", "clerc", "ferrand",
    "pont", "four", "rivière", "lac", "plessis", "garenne", "jardin", "verger", "bréant", "quer",
    "ker", "guen", "lann", "tréguer", "morvan", "coat", "pen", "bel", "gros", "court",
];
const ENDING: &[&str] = &[
    "", "", "eau", "ier", "et", "in", "ard", "ot", "on", "ec", "aud", "elle",
];

/// A small deterministic generator (splitmix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn family(rng: &mut Rng) -> String {
    if rng.next() % 100 < 35 {
        return rng.pick(COMMON).to_string();
    }
    let prefix = rng.pick(PREFIX);
    let root = rng.pick(ROOT);
    let ending = rng.pick(ENDING);
    let root = if prefix.is_empty() || prefix.ends_with(' ') || prefix.ends_with('-') {
        capitalise(root)
    } else {
        root.to_string()
    };
    format!("{prefix}{root}{ending}")
}

fn roster(n: usize) -> Vec<Attendee> {
    let mut rng = Rng(2026);
    (0..n)
        .map(|i| Attendee {
            id: i as i64 + 1,
            ticket: Some(format!("FR26-{:05}", i + 1)),
            given_name: rng.pick(GIVEN).to_string(),
            family_name: family(&mut rng),
            email: None,
            contact_email: None,
            organisation: None,
            extra: Default::default(),
            source: None,
        })
        .collect()
}

/// Characters of `typed` needed before `pos` is the top hit (full length + 1 if never).
fn keystrokes(index: &SearchIndex, pos: usize, typed: &str) -> usize {
    let chars: Vec<char> = typed.chars().collect();
    for k in 1..=chars.len() {
        if chars[k - 1] == ' ' {
            continue;
        }
        let q: String = chars[..k].iter().collect();
        let top = index
            .search(&q, &|_| true, 1)
            .hits
            .first()
            .map(|h| h.pos as usize);
        if top == Some(pos) {
            return k;
        }
    }
    chars.len() + 1
}

/// The shortest abbreviation a trained volunteer could type: a prefix of one name, optionally
/// a space and a prefix of the other ("dup h" for Hélène Dupont); both orders tried.
fn abbreviated(index: &SearchIndex, pos: usize, a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let top = |q: String| {
        index
            .search(&q, &|_| true, 1)
            .hits
            .first()
            .map(|h| h.pos as usize)
            == Some(pos)
    };
    let full = a.len() + 1 + b.len();
    for total in 1..=full {
        for (x, y) in [(&a, &b), (&b, &a)] {
            for k1 in 1..=total.min(x.len()) {
                let k2 = total - k1;
                let q: String = if k2 == 0 {
                    x[..k1].iter().collect()
                } else if k2 >= 2 && k2 - 1 <= y.len() {
                    let mut q: String = x[..k1].iter().collect();
                    q.push(' ');
                    q.extend(&y[..k2 - 1]);
                    q
                } else {
                    continue;
                };
                if top(q) {
                    return total;
                }
            }
        }
    }
    full + 1
}

fn stats(name: &str, mut v: Vec<usize>) {
    v.sort_unstable();
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let mean = v.iter().sum::<usize>() as f64 / v.len() as f64;
    println!(
        "{name:<28} median {:>2}  p95 {:>2}  mean {mean:.2}  max {}",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}

fn main() {
    let people = roster(5000);
    let index = SearchIndex::build(&people, &mut |_, _| {});
    let mut namesakes = std::collections::HashMap::new();
    for p in &people {
        *namesakes.entry(fold(&p.display_name())).or_insert(0usize) += 1;
    }
    let shared = people
        .iter()
        .filter(|p| namesakes[&fold(&p.display_name())] > 1)
        .count();
    let start = std::time::Instant::now();
    let (mut fam, mut giv, mut best, mut abbr) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (pos, p) in people.iter().enumerate() {
        let f = keystrokes(&index, pos, &format!("{} {}", p.family_name, p.given_name));
        let g = keystrokes(&index, pos, &format!("{} {}", p.given_name, p.family_name));
        fam.push(f);
        giv.push(g);
        best.push(f.min(g));
        abbr.push(abbreviated(&index, pos, &p.family_name, &p.given_name));
    }
    println!(
        "5,000-person generated French roster; {shared} people share their full name with someone"
    );
    stats("family name first", fam);
    stats("given name first", giv);
    stats("better of the two", best);
    stats("abbreviated (\"dup h\")", abbr);
    println!(
        "(targets: median ≤ 4, p95 ≤ 7; computed in {:.1} s)",
        start.elapsed().as_secs_f64()
    );
}
