//! Keystroke metric (run: `cargo bench --bench keystrokes`): for each attendee of a generated
//! 5,000-person French roster, how many characters of their name must be typed before they are
//! the top result. Reports median and p95 (targets: ≤ 4 and ≤ 7) for four ways of typing:
//! family name first ("dupont hélène", what a desk asks for), given name first, the better of
//! the two, and the shortest abbreviation (a prefix of one name, a space, a prefix of the
//! other: "dup h"), which is how a trained desk volunteer types. Characters are counted as
//! typed, the space included; someone who never reaches the top (an exact namesake listed
//! before them) counts as the full name + 1.
//!
//! The roster: given names from a list of 150 common French first names (accents, compound
//! names), drawn evenly (the commonest real ones are rarer than 1 in 150); family names 7 %
//! from the 120 commonest French surnames, weighted by 1/√rank as real frequencies are, and
//! 93 % built: a particle (Le, Du, De…) as often as among the common surnames, then a French
//! word or French-sounding syllables, then an ending: the long tail real rosters have. Printed
//! with each roster: distinct family names, namesakes, the particle share next to the common
//! surnames'. The same numbers are printed for a stress roster with 35 % common surnames
//! drawn evenly and a small built tail, three names in four starting with a particle (the
//! roster this bench first used): there, 4 % of the people have a namesake, far more than in
//! a real roster, which shows how much namesakes and shared name starts weigh.

use std::collections::HashMap;

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

/// The stress roster's name starts: nine in twelve built names begin with a particle.
const PREFIX: &[&str] = &[
    "", "", "", "Le ", "La ", "Du", "De", "Des", "Le", "Van ", "Saint-", "Mont",
];
const PARTICLES: &[&str] = &[
    "Le ", "La ", "Du", "De", "Des", "Le", "Van ", "Saint-", "Mont",
];
/// Share of built family names starting with a particle: 24 of the 123 common surnames start
/// with Le, La, Du, De, Des, Van, Saint or Mont (`main` prints both shares).
const PARTICLE_PERCENT: u64 = 20;
/// Surname roots: places, trades, animals; Norman, Breton, Alsatian, Occitan. The stress roster
/// uses the first 40 only.
const ROOT: &[&str] = &[
    "bois",
    "val",
    "champ",
    "fèvre",
    "mont",
    "roche",
    "moulin",
    "pré",
    "fontaine",
    "chêne",
    "vigne",
    "marais",
    "bourg",
    "castel",
    "gal",
    "brun",
    "noir",
    "blanc",
    "clerc",
    "ferrand",
    "pont",
    "four",
    "rivière",
    "lac",
    "plessis",
    "garenne",
    "jardin",
    "verger",
    "bréant",
    "quer",
    "ker",
    "guen",
    "lann",
    "tréguer",
    "morvan",
    "coat",
    "pen",
    "bel",
    "gros",
    "court",
    "haie",
    "mare",
    "cour",
    "grange",
    "ville",
    "lande",
    "bosc",
    "hamel",
    "mesnil",
    "tot",
    "beuf",
    "dal",
    "fleur",
    "quet",
    "houx",
    "fresne",
    "saule",
    "tilleul",
    "orme",
    "pommier",
    "forge",
    "meunier",
    "boucher",
    "marchand",
    "charron",
    "tonnel",
    "pelletier",
    "tisser",
    "vacher",
    "berger",
    "faucon",
    "loup",
    "renard",
    "corbin",
    "merle",
    "pinson",
    "caille",
    "lièvre",
    "cerf",
    "chevreuil",
    "gaudin",
    "thibault",
    "renaud",
    "guillot",
    "hébert",
    "lecoq",
    "lebret",
    "rioult",
    "hamon",
    "jouan",
    "goff",
    "riou",
    "bihan",
    "nédélec",
    "quéré",
    "tanguy",
    "prigent",
    "kerbrat",
    "abgrall",
    "goasdoué",
    "schmitt",
    "weber",
    "wagner",
    "hoff",
    "berg",
    "stein",
    "mayer",
    "ostermann",
    "bastide",
    "cazal",
    "fabre",
    "garrigue",
    "puech",
    "sarda",
    "soulié",
    "vergne",
    "marty",
    "delmas",
    "lafon",
    "bories",
    "chabert",
    "rouvière",
    "espinasse",
    "ollier",
];
/// The stress roster uses the first 12 only.
const ENDING: &[&str] = &[
    "", "", "eau", "ier", "et", "in", "ard", "ot", "on", "ec", "aud", "elle", "ais", "ault", "eux",
    "oux", "ic", "ou", "and", "eret",
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

/// A family name as a generated French roster has them:
/// - `common_share` per thousand carry one of the common surnames above: the 120 most frequent
///   French surnames are borne by about 7 % of the population, Martin alone by 0.35 % and the
///   120th by about 0.03 %, which a weight of 1/√rank reproduces (0.34 % for Martin here);
/// - the rest carry built names, a root (a French word, or two French-sounding syllables, one
///   time in six three) and an ending, after a particle as often as among the common surnames: most
///   are unique in the roster, some shared, as at a real event. `main` prints how many.
fn family(rng: &mut Rng, common_share: u64) -> String {
    if rng.next() % 1000 < common_share {
        let weight = |rank: usize| 1.0 / (rank as f64).sqrt();
        let total: f64 = (1..=COMMON.len()).map(weight).sum();
        let mut x = (rng.next() % 1_000_000) as f64 / 1e6 * total;
        for (r, name) in COMMON.iter().enumerate() {
            x -= weight(r + 1);
            if x <= 0.0 {
                return (*name).to_string();
            }
        }
        return COMMON[COMMON.len() - 1].to_string();
    }
    let prefix = if rng.next() % 100 < PARTICLE_PERCENT {
        rng.pick(PARTICLES)
    } else {
        ""
    };
    let root = if rng.next() % 100 < 40 {
        rng.pick(ROOT).to_string()
    } else {
        let syllables = 2 + rng.next().is_multiple_of(6) as usize;
        (0..syllables)
            .map(|_| {
                format!(
                    "{}{}{}",
                    rng.pick(ONSETS),
                    rng.pick(VOWELS),
                    rng.pick(CODAS)
                )
            })
            .collect()
    };
    let ending = rng.pick(ENDING);
    joined(prefix, &root, ending)
}

const ONSETS: &[&str] = &[
    "b", "br", "c", "ch", "d", "f", "g", "gr", "j", "l", "m", "n", "p", "pr", "r", "s", "t", "tr",
    "v",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "ou", "au", "é", "eu", "an", "on"];
const CODAS: &[&str] = &["", "", "", "r", "l", "n", "s", "t"];

/// The first roster this bench used, kept as a stress test: 35 % of the people share the 120
/// common surnames uniformly and the rest come from 4,400 built names, so one person in 25
/// shares their full name with someone (about one pair in a real 5,000-person roster).
fn family_stress(rng: &mut Rng) -> String {
    if rng.next() % 100 < 35 {
        return rng.pick(COMMON).to_string();
    }
    let prefix = rng.pick(PREFIX);
    let root = rng.pick(&ROOT[..40]);
    let ending = rng.pick(&ENDING[..12]);
    joined(prefix, root, ending)
}

/// A built family name: the root is capitalised when it starts a word ("Le Bois", "Saint-Val",
/// "Bois") and glued on lower-case after "Du", "Mont"… ("Dubois").
fn joined(prefix: &str, root: &str, ending: &str) -> String {
    let root = if prefix.is_empty() || prefix.ends_with(' ') || prefix.ends_with('-') {
        capitalise(root)
    } else {
        root.to_string()
    };
    format!("{prefix}{root}{ending}")
}

fn roster(n: usize, family: &mut dyn FnMut(&mut Rng) -> String) -> Vec<Attendee> {
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

/// Le-, La-, Du-, De(s)-, Van, Saint-, Mont-: the starts that many French surnames share.
fn starts_with_particle(name: &str) -> bool {
    let name = fold(name);
    ["le", "la", "du", "de", "van", "saint", "mont"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The most people any ranking could put on top within `max` typed characters, typing as
/// [`abbreviated`] does: each query shows one person on top, so this is a maximum matching
/// between people and the queries (folded, at most `max` characters) their names give.
fn reachable_by_any_ranking(people: &[Attendee], max: usize) -> usize {
    let mut query_ids: HashMap<String, usize> = HashMap::new();
    let queries_of: Vec<Vec<usize>> = people
        .iter()
        .map(|p| {
            let a: Vec<char> = p.family_name.chars().collect();
            let b: Vec<char> = p.given_name.chars().collect();
            let mut ids = Vec::new();
            for (x, y) in [(&a, &b), (&b, &a)] {
                for k1 in 1..=max.min(x.len()) {
                    let mut q: String = x[..k1].iter().collect();
                    let mut add = |q: &str| {
                        let next = query_ids.len();
                        ids.push(*query_ids.entry(fold(q)).or_insert(next));
                    };
                    if !q.ends_with(' ') {
                        add(&q);
                    }
                    q.push(' ');
                    for (k2, c) in y.iter().enumerate() {
                        if k1 + 2 + k2 > max {
                            break;
                        }
                        q.push(*c);
                        add(&q);
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();
    // Kuhn's augmenting paths: a query goes to whoever it makes reachable.
    let mut owner: Vec<Option<usize>> = vec![None; query_ids.len()];
    fn augment(
        p: usize,
        queries_of: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &q in &queries_of[p] {
            if seen[q] {
                continue;
            }
            seen[q] = true;
            if owner[q].is_none_or(|o| augment(o, queries_of, owner, seen)) {
                owner[q] = Some(p);
                return true;
            }
        }
        false
    }
    let mut seen = vec![false; owner.len()];
    (0..people.len())
        .filter(|&p| {
            seen.fill(false);
            augment(p, &queries_of, &mut owner, &mut seen)
        })
        .count()
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
    let start = std::time::Instant::now();
    // 70 per thousand: the 120 commonest surnames' share of the French population.
    let realistic = roster(5000, &mut |rng| family(rng, 70));
    measure("the generated French roster (targets)", &realistic);
    let stress = roster(5000, &mut family_stress);
    measure("the stress roster (far more namesakes than real)", &stress);
    println!(
        "(targets: median ≤ 4, p95 ≤ 7; computed in {:.1} s)",
        start.elapsed().as_secs_f64()
    );
}

fn measure(title: &str, people: &[Attendee]) {
    let index = SearchIndex::build(people, &mut |_, _| {});
    let mut namesakes = HashMap::new();
    let mut families = HashMap::new();
    for p in people {
        *namesakes.entry(fold(&p.display_name())).or_insert(0usize) += 1;
        *families.entry(fold(&p.family_name)).or_insert(0usize) += 1;
    }
    let shared = people
        .iter()
        .filter(|p| namesakes[&fold(&p.display_name())] > 1)
        .count();
    let common = people
        .iter()
        .filter(|p| COMMON.contains(&p.family_name.as_str()))
        .count();
    let unique_family = families.values().filter(|&&n| n == 1).count();
    let particle = people
        .iter()
        .filter(|p| starts_with_particle(&p.family_name))
        .count();
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
        "{} people, {title}: {} family names ({unique_family} borne by one person only), {common} people with one of the {} common surnames, {shared} sharing their full name with someone, {} % of family names starting with a particle (common surnames: {} %)",
        people.len(),
        families.len(),
        COMMON.len(),
        particle * 100 / people.len(),
        COMMON.iter().filter(|n| starts_with_particle(n)).count() * 100 / COMMON.len()
    );
    stats("  family name first", fam);
    stats("  given name first", giv);
    stats("  better of the two", best);
    stats("  abbreviated (\"dup h\")", abbr);
    println!(
        "  abbreviated, best any ranking could do: {} people on top within 4 characters (a median of 4 needs {}), {} within 7 (a p95 of 7 needs {})",
        reachable_by_any_ranking(people, 4),
        people.len() / 2 + 1,
        reachable_by_any_ranking(people, 7),
        people.len() * 95 / 100 + 1
    );
}
