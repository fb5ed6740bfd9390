use super::*;
use crate::model::Extra;

fn person(id: i64, given: &str, family: &str, org: &str, email: &str, ticket: &str) -> Attendee {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Attendee {
        id,
        ticket: opt(ticket),
        given_name: given.into(),
        family_name: family.into(),
        email: opt(email),
        contact_email: None,
        organisation: opt(org),
        extra: Extra::new(),
        source: None,
    }
}

fn roster() -> Vec<Attendee> {
    vec![
        person(
            1,
            "Hélène",
            "Dupont",
            "Lycée Curie",
            "h.dupont@example.org",
            "T-001",
        ),
        person(2, "Loïc", "Dupont", "Collège Jaurès", "", "T-002"),
        person(3, "Jean", "Œuvray", "", "jean@oeuvre.fr", "T-003"),
        person(4, "Thị Ngọc", "Nguyễn", "", "", "T-004"),
        person(
            5,
            "Paul",
            "Martin",
            "Club Dupontel",
            "paul.dupont@example.org",
            "T-005",
        ),
        person(6, "Sam", "Lenoir", "", "", "A123"),
    ]
}

fn names(index: &SearchIndex, roster: &[Attendee], q: &str) -> Vec<String> {
    index
        .search(q, &|_| true, 50)
        .hits
        .iter()
        .map(|h| roster[h.pos as usize].display_name())
        .collect()
}

fn index(r: &[Attendee]) -> SearchIndex {
    SearchIndex::build(r, &mut |_, _| {})
}

#[test]
fn case_and_accent_insensitive() {
    let r = roster();
    let ix = index(&r);
    for q in ["helene", "HELENE", "Hélène"] {
        assert_eq!(
            names(&ix, &r, q).first().map(String::as_str),
            Some("Hélène Dupont"),
            "{q}"
        );
    }
    assert_eq!(names(&ix, &r, "oeuvray"), vec!["Jean Œuvray"]);
    assert_eq!(names(&ix, &r, "ngoc"), vec!["Thị Ngọc Nguyễn"]);
}

#[test]
fn word_order_free() {
    let r = roster();
    let ix = index(&r);
    assert_eq!(names(&ix, &r, "dupont loic"), vec!["Loïc Dupont"]);
    assert_eq!(names(&ix, &r, "loic dupont"), vec!["Loïc Dupont"]);
}

#[test]
fn name_prefix_beats_email_and_org_substring() {
    let r = roster();
    let ix = index(&r);
    let got = names(&ix, &r, "dupont");
    // Both Duponts by name first (alphabetical among equals), then Paul Martin (e-mail / org).
    assert_eq!(got, vec!["Hélène Dupont", "Loïc Dupont", "Paul Martin"]);
    assert!(
        ix.search("dupont", &|_| true, 10).hits[1].score
            > ix.search("dupont", &|_| true, 10).hits[2].score
    );
}

#[test]
fn ticket_and_organisation_are_searched() {
    let r = roster();
    let ix = index(&r);
    assert_eq!(names(&ix, &r, "t-004"), vec!["Thị Ngọc Nguyễn"]);
    assert_eq!(names(&ix, &r, "curie"), vec!["Hélène Dupont"]);
    assert_eq!(ix.ticket(" a123 "), Some(5));
    assert_eq!(ix.ticket("nope"), None);
}

#[test]
fn typos_are_tolerated_without_flooding() {
    let r = roster();
    let ix = index(&r);
    let res = ix.search("duopnt", &|_| true, 10);
    assert!(res.fuzzy);
    let got: Vec<_> = res
        .hits
        .iter()
        .map(|h| r[h.pos as usize].display_name())
        .collect();
    assert!(got.contains(&"Hélène Dupont".to_string()), "{got:?}");
    assert!(!got.contains(&"Sam Lenoir".to_string()));
    // A one-letter query never goes fuzzy.
    assert!(ix.search("z", &|_| true, 10).hits.is_empty());
    // Exact hits are not mixed with guesses when there are enough of them.
    assert!(!ix.search("t-00", &|_| true, 10).fuzzy);
}

#[test]
fn one_edit_prefix_rules() {
    assert!(score::one_edit_prefix("dupont", "dupomt"));
    assert!(score::one_edit_prefix("dupont", "duopnt"));
    assert!(score::one_edit_prefix("dupont", "dupnt"));
    assert!(!score::one_edit_prefix("dupont", "dapomt"));
}

#[test]
fn empty_query_is_alphabetical_and_filters_apply() {
    let r = roster();
    let ix = index(&r);
    let all = names(&ix, &r, "  ");
    assert_eq!(all.first().map(String::as_str), Some("Hélène Dupont"));
    assert_eq!(all.len(), r.len());
    let only_odd = ix.search("", &|p| p % 2 == 1, 10);
    assert_eq!(only_odd.total, 3);
    let res = ix.search("dupont", &|p| p != 0, 1);
    assert_eq!(res.total, 2);
    assert_eq!(res.hits.len(), 1);
}

#[test]
fn push_and_replace_keep_order_and_tickets() {
    let mut r = roster();
    let mut ix = index(&r);
    let walk_in = person(7, "Aline", "Abadie", "", "", "");
    ix.push(&walk_in);
    r.push(walk_in);
    assert_eq!(
        names(&ix, &r, "").first().map(String::as_str),
        Some("Aline Abadie")
    );
    let renamed = person(6, "Sam", "Zola", "", "", "B9");
    ix.replace(5, &renamed);
    r[5] = renamed;
    assert_eq!(ix.ticket("a123"), None);
    assert_eq!(ix.ticket("b9"), Some(5));
    assert_eq!(names(&ix, &r, "zola"), vec!["Sam Zola"]);
}

#[test]
fn one_character_matches_word_starts_only() {
    let r = roster();
    let ix = index(&r);
    // "h" starts Hélène (name) and h.dupont@ (e-mail), but the 'h' inside "Thị" or
    // "Lenoir"-less names is no match on its own.
    let got = names(&ix, &r, "h");
    assert_eq!(got, vec!["Hélène Dupont"]);
    assert_eq!(
        names(&ix, &r, "c"),
        vec!["Hélène Dupont", "Loïc Dupont", "Paul Martin"]
    );
    assert!(names(&ix, &r, "q").is_empty());
}

#[test]
fn ascii_fast_fold_agrees_with_fold() {
    for s in ["Dupont", "O'Brien-Smith 42", "MARTIN", "Hélène", "Œuvray"] {
        assert_eq!(fold_fast(s), fold(s));
    }
}

/// `n` people with diacritics, shared family names (`per_family` in a row) and two
/// organisations.
fn generated(n: i64, per_family: usize) -> Vec<Attendee> {
    let given = ["Hélène", "Loïc", "Marie-Claire", "Ngọc", "Jean", "Zoé"];
    let family = ["Dupont", "Œuvray", "Nguyễn", "N'Diaye", "Martin", "Dumas"];
    (0..n)
        .map(|i| {
            let org = if i % 3 == 0 {
                "Lycée Malherbe"
            } else {
                "FabLab 2"
            };
            person(
                i,
                given[i as usize % given.len()],
                family[(i as usize / per_family) % family.len()],
                org,
                &format!("p{i}@example.org"),
                &format!("FR-{i:05}"),
            )
        })
        .collect()
}

#[test]
fn scans_split_across_threads_find_the_same_hits_in_the_same_order() {
    let people = generated(3000, 7);
    let ix = index(&people);
    for q in [
        "m", "d", "du", "dupont h", "ngoc", "malh", "fr-001", "dupnt", "x",
    ] {
        let folded = fold(q);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let one = ix.scan_on(1, &words, None, false);
        assert_eq!(ix.scan_on(3, &words, None, false), one, "{q}");
        assert_eq!(
            ix.scan_on(2, &words, Some(&one), true),
            ix.scan_on(1, &words, Some(&one), true),
            "{q}"
        );
    }
}

#[test]
fn precomputed_one_character_lists_rank_like_a_scan_also_after_a_walk_in() {
    let mut people = generated(400, 5);
    let mut ix = index(&people);
    let check = |ix: &SearchIndex, n: usize| {
        let odd = |p: usize| p % 2 == 1;
        for c in ('a'..='z').chain('0'..='9') {
            let w = c.to_string();
            let scanned = ix.scan_on(1, &[w.as_str()], None, false);
            for (keep, limit) in [(&(|_| true) as &dyn Fn(usize) -> bool, 1000), (&odd, 7)] {
                let kept: Vec<Hit> = scanned
                    .iter()
                    .filter(|h| keep(h.pos as usize))
                    .copied()
                    .collect();
                let mut expected = ix.rank_hits(kept, limit, false);
                if scanned.len() < FUZZY_FALLBACK_BELOW {
                    continue;
                }
                expected.fuzzy = false;
                assert_eq!(ix.search(&w, keep, limit), expected, "{c} with {n} people");
            }
        }
    };
    check(&ix, people.len());
    // A walk-in named to land in the middle of the lists.
    let walk_in = person(9999, "Mathis", "Dumont", "Malherbe", "", "");
    ix.push(&walk_in);
    people.push(walk_in);
    check(&ix, people.len());
    assert_eq!(
        names(&ix, &people, "m")
            .iter()
            .filter(|n| n.as_str() == "Mathis Dumont")
            .count(),
        1
    );
}

#[test]
fn two_character_answers_are_remembered_across_names_and_forgotten_on_a_walk_in() {
    let mut people = roster();
    let mut ix = index(&people);
    let first = ix.search("du", &|_| true, 1000);
    assert!(first.total > 0);
    for q in ["x", "", "ngoc", "d"] {
        ix.search(q, &|_| true, 1000);
    }
    assert!(ix.pairs.borrow().iter().any(|c| c.query == "du"));
    assert_eq!(ix.search("du", &|_| true, 1000), first);
    // Narrowing from a remembered pair gives what a fresh index gives.
    let fresh = index(&people);
    assert_eq!(
        ix.search("dup", &|_| true, 1000),
        fresh.search("dup", &|_| true, 1000)
    );
    let walk_in = person(77, "Zoé", "Duval", "", "", "");
    ix.push(&walk_in);
    people.push(walk_in);
    assert!(ix.pairs.borrow().is_empty());
    assert!(names(&ix, &people, "du").contains(&"Zoé Duval".to_string()));
}

#[test]
fn remembered_pairs_are_bounded() {
    let people = roster();
    let ix = index(&people);
    let letters: Vec<char> = ('a'..='z').collect();
    for a in &letters[..6] {
        for b in &letters {
            ix.search(&format!("{a}{b}"), &|_| true, 10);
        }
    }
    assert!(ix.pairs.borrow().len() <= PAIRS_KEPT);
    let total: usize = ix.pairs.borrow().iter().map(|c| c.hits.len()).sum();
    assert!(total <= PAIR_HITS_KEPT);
}
