//! The built-in demo event: a school robotics festival in Normandy with ~300 generated
//! attendees, 5 activities and 3 badges. Same seed, same event, byte for byte.

use std::path::Path;

use time::{Duration, OffsetDateTime};

use crate::event::{EventDir, EventError};
use crate::model::{AttendeeRecord, Extra, SourceRef};

pub const DEFAULT_SEED: u64 = 2026;
pub const DEFAULT_SIZE: usize = 300;

/// splitmix64: a tiny, fixed generator. rand's StdRng may change between versions, and the
/// demo must stay the same event across upgrades.
#[derive(Debug, Clone)]
pub struct DemoRng(u64);

impl DemoRng {
    pub fn new(seed: u64) -> Self {
        DemoRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough index below `n` (n > 0; returns 0 for n = 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

pub const GIVEN_NAMES: &[&str] = &[
    "Agathe",
    "Maël",
    "Noé",
    "Océane",
    "Hélène",
    "Zoé",
    "Chloé",
    "Léa",
    "Inès",
    "Jade",
    "Louise",
    "Emma",
    "Manon",
    "Camille",
    "Lucas",
    "Hugo",
    "Théo",
    "Nathan",
    "Enzo",
    "Louis",
    "Gabriel",
    "Raphaël",
    "Jules",
    "Arthur",
    "Mathéo",
    "Timothée",
    "Anaïs",
    "Clémence",
    "Éloïse",
    "Joséphine",
    "Aïcha",
    "Yasmine",
    "Mamadou",
    "Fatou",
    "Moussa",
    "Awa",
    "Karim",
    "Sofiane",
    "Nour",
    "Amir",
    "Ngọc",
    "Minh",
    "Thảo",
    "Linh",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Björn",
    "Siobhán",
    "Zoë",
    "Ana",
    "João",
    "Ñuño",
    "Łucja",
    "Ömer",
    "Dóra",
    "Priya",
    "Arjun",
    "Olumide",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Moreau",
    "Lefèvre",
    "Richard",
    "Bonnet",
    "Dupont",
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Roux",
    "Fournier",
    "Girard",
    "Mercier",
    "Lemaire",
    "Lecœur",
    "Œuvray",
    "Després",
    "Le Goff",
    "Le Gall",
    "Guérin",
    "Hébert",
    "Leclerc",
    "Lefebvre",
    "Deschamps",
    "N'Diaye",
    "Diallo",
    "Traoré",
    "Benali",
    "Haddad",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Zhang",
    "Wang",
    "Tanaka",
    "Sato",
    "Andersson",
    "Ó Briain",
    "Silva",
    "Gonçalves",
    "Müller",
    "Kowalski",
    "Yılmaz",
    "Kovács",
    "Sharma",
    "Okafor",
    "Van der Berg",
    "García-Núñez",
];

pub const SCHOOLS: &[&str] = &[
    "Collège Camille Claudel, Caen",
    "Collège Jean Lecanuet, Rouen",
    "Lycée Malherbe, Caen",
    "École Jules Ferry, Le Havre",
    "Club robotique Le Havre",
    "Lycée Corneille, Rouen",
    "FabLab Cherbourg",
    "Collège Guy de Maupassant, Fécamp",
];

const LEVELS: &[&str] = &["CM1", "CM2", "6e", "5e", "4e", "3e", "2nde", "1re", "Tle"];

/// The demo's `event.toml`.
pub fn config_text() -> String {
    include_str!("../assets/demo-event.toml").to_string()
}

/// The activities of the demo, in the order of `event.toml`.
pub const ACTIVITIES: &[&str] = &["accueil", "sumo", "scratch", "thymio", "soudure"];

/// Generate `size` attendees. Some have no e-mail; siblings share a family address.
pub fn attendees(seed: u64, size: usize) -> Vec<AttendeeRecord> {
    let mut rng = DemoRng::new(seed);
    let mut out = Vec::with_capacity(size);
    let mut family_email: Option<(String, String)> = None;
    for index in 0..size {
        let ticket = format!("FR26-{:04}", index + 1);
        let sibling = family_email.take().filter(|_| rng.chance(30));
        let family_name = match &sibling {
            Some((family, _)) => family.clone(),
            None => rng.pick(FAMILY_NAMES).to_string(),
        };
        let given_name = rng.pick(GIVEN_NAMES).to_string();
        let email = match sibling {
            Some((_, email)) => Some(email),
            None if rng.chance(20) => None,
            None => {
                let local = crate::text::fold(&format!("{given_name}.{family_name}"))
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect::<String>();
                Some(format!("{local}@exemple.fr"))
            }
        };
        if let Some(email) = &email {
            family_email = Some((family_name.clone(), email.clone()));
        }
        let school = rng.pick(SCHOOLS).to_string();
        let level = rng.pick(LEVELS).to_string();
        out.push(AttendeeRecord {
            ticket: Some(ticket.clone()),
            given_name: given_name.clone(),
            family_name: family_name.clone(),
            email: email.clone(),
            contact_email: None,
            organisation: Some(school.clone()),
            extra: Extra::from_iter([("Niveau".to_string(), level.clone())]),
            source: SourceRef {
                file: "demo".into(),
                line: index as u64 + 2,
            },
            original: vec![
                ticket,
                family_name,
                given_name,
                school,
                level,
                email.unwrap_or_default(),
            ]
            .into(),
        });
    }
    out
}

/// Create the demo event in `root`, with its attendees and a morning of check-ins already done.
pub fn create(
    root: &Path,
    seed: u64,
    size: usize,
    start: OffsetDateTime,
) -> Result<EventDir, EventError> {
    let event = EventDir::create_with_config(root, &config_text())?;
    let mut store = event.store()?;
    let records = attendees(seed, size);
    store.write_import(&records, &[], "demo", "demo", start)?;
    // About half the people have arrived; some have done workshops already.
    let mut rng = DemoRng::new(seed ^ 0x5EED);
    let mut at = start;
    for attendee in store.attendees()? {
        if !rng.chance(55) {
            continue;
        }
        at += Duration::seconds(7 + rng.below(40) as i64);
        store.check_in(attendee.id, "accueil", "demo", at)?;
        for activity in ACTIVITIES.iter().skip(1) {
            if rng.chance(30) {
                store.check_in(
                    attendee.id,
                    activity,
                    "demo",
                    at + Duration::minutes(20 + rng.below(90) as i64),
                )?;
            }
        }
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn same_seed_same_people() {
        assert_eq!(attendees(7, 50), attendees(7, 50));
        assert_ne!(attendees(7, 50), attendees(8, 50));
    }

    #[test]
    fn demo_has_variety() {
        let people = attendees(DEFAULT_SEED, DEFAULT_SIZE);
        assert_eq!(people.len(), 300);
        let without_email = people.iter().filter(|p| p.email.is_none()).count();
        assert!(
            (20..120).contains(&without_email),
            "{without_email} without e-mail"
        );
        let shared = people
            .windows(2)
            .filter(|w| w[0].email.is_some() && w[0].email == w[1].email)
            .count();
        assert!(shared > 0, "some siblings share a family address");
        assert!(people.iter().any(|p| !p.display_name().is_ascii()));
        assert!(people.iter().all(|p| p.ticket.is_some()));
    }

    #[test]
    fn create_builds_a_consistent_event() {
        let dir = tempfile::tempdir().unwrap();
        let event = create(
            &dir.path().join("demo"),
            DEFAULT_SEED,
            300,
            datetime!(2026-05-16 08:30 UTC),
        )
        .unwrap();
        assert_eq!(event.config().activities.len(), 5);
        assert_eq!(event.config().achievements.len(), 3);
        let store = event.store().unwrap();
        assert_eq!(store.attendee_count().unwrap(), 300);
        let present = store.presence().unwrap();
        assert!(present.iter().any(|p| p.activity_key == "accueil"));
        assert!(present.iter().any(|p| p.activity_key == "sumo"));
    }
}
