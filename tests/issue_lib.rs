//! Issuing through the library on a hand-made event: evidence (the achievement's, an imported
//! column's, the activities with their dates) and expiry land in the signed credential; the
//! desk's one-key issue; re-issuing; checking revocation against the signed status list file.

use std::sync::atomic::AtomicBool;

use badgedesk::credential::builder::Randomness;
use badgedesk::credential::keys;
use badgedesk::credential::verify::{self, InvalidReason, Verdict, VerifyOptions};
use badgedesk::event::EventDir;
use badgedesk::issue::revoke::STATUS_LIST_FILE;
use badgedesk::issue::status_check::{StatusFileError, StatusListFile};
use badgedesk::issue::{Choice, IssueError, IssueReport, Issuer, reissue};
use badgedesk::model::{AttendeeRecord, Extra, SourceRef};
use badgedesk::store::Store;
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::datetime;

const CONFIG: &str = r#"
[event]
name = "Atelier"
language = "en"
names_in_badges = true
[issuer]
name = "Club"
[claim]
base_url = "https://badges.example.org/ev"
[[activities]]
key = "sumo"
name = "Sumo robots"
[[activities]]
key = "scratch"
name = "Scratch"
[[activities]]
key = "lunch"
name = "Lunch"
[[achievements]]
key = "sumo"
name = "Sumo pilot"
description = "Built a sumo robot."
criteria = "Came to the sumo workshop."
image = "badges/workshop.png"
rule = { all_of = ["sumo"] }
evidence_narrative = "Built and drove a robot in two rounds."
evidence_url = "https://example.org/sumo-results"
evidence_column = "Project"
valid_for_days = 30
[[achievements]]
key = "explorer"
name = "Explorer"
description = "Two activities."
criteria = "Two activities."
image = "badges/explorer.png"
rule = { min_activities = 2 }
valid_until = 2027-06-30
[[achievements]]
key = "helper"
name = "Helper"
description = "Helped."
criteria = "Chosen by the staff."
image = "badges/participation.png"
rule = "manual"
"#;

const NOW: OffsetDateTime = datetime!(2026-05-16 18:00 UTC);

/// Deterministic randomness: a counter.
struct Counter(u64);
impl Randomness for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bytes = self.0.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

fn record(given: &str, email: Option<&str>, project: Option<&str>) -> AttendeeRecord {
    let mut extra = Extra::new();
    if let Some(p) = project {
        extra.insert("Project".to_string(), p.to_string());
    }
    AttendeeRecord {
        ticket: None,
        given_name: given.to_string(),
        family_name: "Martin".to_string(),
        email: email.map(str::to_string),
        contact_email: None,
        organisation: None,
        extra,
        source: SourceRef {
            file: "t.csv".into(),
            line: 2,
        },
        original: Default::default(),
    }
}

/// An event with: 1 = sumo + scratch, project column; 2 = sumo only, no project;
/// 3 = lunch only; 4 = nothing, no e-mail.
fn event(dir: &std::path::Path) -> (EventDir, Store, Issuer) {
    event_with(dir, CONFIG)
}

/// `event` with another `event.toml`.
fn event_with(dir: &std::path::Path, config: &str) -> (EventDir, Store, Issuer) {
    let event = EventDir::create_with_config(&dir.join("ev"), config).unwrap();
    let mut store = event.store().unwrap();
    let records = [
        record("Zoé", Some("zoe@example.org"), Some("Line follower")),
        record("Hugo", Some("hugo@example.org"), None),
        record("Inès", Some("ines@example.org"), Some("")),
        record("Noé", None, None),
    ];
    store
        .write_import(&records, &[], "t.csv", "t", datetime!(2026-05-16 08:00 UTC))
        .unwrap();
    let tick = |store: &mut Store, id, act, at| {
        store.check_in(id, act, "t", at).unwrap();
    };
    tick(&mut store, 1, "sumo", datetime!(2026-05-16 10:15 UTC));
    tick(&mut store, 1, "scratch", datetime!(2026-05-16 14:00 UTC));
    tick(&mut store, 2, "sumo", datetime!(2026-05-16 11:00 UTC));
    tick(&mut store, 3, "lunch", datetime!(2026-05-16 12:00 UTC));
    let key = keys::load(event.root(), None).unwrap();
    let issuer = Issuer::new(&event, key, NOW).unwrap();
    (event, store, issuer)
}

/// Issue `awards` in one uncancelled run, with randomness counted from `seed`.
fn issue_all(
    issuer: &Issuer,
    store: &mut Store,
    awards: &[(i64, String)],
    seed: u64,
) -> Result<IssueReport, IssueError> {
    issuer.issue(
        store,
        awards,
        &mut Counter(seed),
        "t",
        &AtomicBool::new(false),
        &mut |_| {},
    )
}

fn stored_json(store: &Store, id: &str) -> Value {
    serde_json::from_str(&store.credential(id).unwrap().unwrap().json).unwrap()
}

fn evidence_named<'a>(credential: &'a Value, name: &str) -> Option<&'a Value> {
    credential["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
}

fn verify_file(path: &std::path::Path) -> verify::VerifyReport {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().and_then(|n| n.to_str());
    verify::verify_bytes(&bytes, name, &VerifyOptions::at(NOW))
}

#[test]
fn evidence_and_expiry_land_in_the_signed_credential() {
    let tmp = tempfile::tempdir().unwrap();
    let (_event, mut store, issuer) = event(tmp.path());
    let awards = vec![
        (1, "sumo".to_string()),
        (2, "sumo".to_string()),
        (1, "explorer".to_string()),
    ];
    let report = issue_all(&issuer, &mut store, &awards, 1).unwrap();
    assert_eq!(report.issued.len(), 3);
    let by_award = |attendee: i64, key: &str| {
        let id = store.live_award(attendee, key).unwrap().unwrap();
        stored_json(&store, &id)
    };

    let zoe = by_award(1, "sumo");
    let evidence = zoe["evidence"].as_array().unwrap();
    // The achievement's own evidence: narrative and URL.
    assert!(
        evidence
            .iter()
            .any(|e| e["id"] == "https://example.org/sumo-results"
                && e["narrative"] == "Built and drove a robot in two rounds.")
    );
    // The attendee's imported column.
    assert_eq!(
        evidence_named(&zoe, "Project").unwrap()["narrative"],
        "Line follower"
    );
    // The activity the rule names, with its date (not the unrelated one).
    let attended = evidence_named(&zoe, "Activities attended").unwrap();
    assert_eq!(attended["narrative"], "Sumo robots (2026-05-16)");
    // valid_for_days = 30 → validUntil 30 days after issuing.
    assert_eq!(zoe["validFrom"], "2026-05-16T18:00:00Z");
    assert_eq!(zoe["validUntil"], "2026-06-15T18:00:00Z");

    // Hugo has no project: no empty evidence.
    let hugo = by_award(2, "sumo");
    assert!(evidence_named(&hugo, "Project").is_none());
    assert_eq!(
        hugo["credentialSubject"]["identifier"][0]["identityType"],
        "emailAddress"
    );

    // A count rule lists every activity, in time order; a date gives validUntil at its end.
    let explorer = by_award(1, "explorer");
    assert_eq!(
        evidence_named(&explorer, "Activities attended").unwrap()["narrative"],
        "Sumo robots (2026-05-16)\nScratch (2026-05-16)"
    );
    assert_eq!(explorer["validUntil"], "2027-06-30T23:59:59Z");
    assert!(
        explorer["credentialStatus"]["statusListCredential"]
            .as_str()
            .unwrap()
            .ends_with("/status/1.json")
    );

    // Every file verifies (signature over all of the above).
    for id in &report.issued {
        let c = store.credential(id).unwrap().unwrap();
        let ext = issuer.image_extension(&c.achievement_key).unwrap();
        let (json, image) = badgedesk::issue::files::paths(&issuer.event().issued_dir(), id, ext);
        for path in [json, image] {
            let r = verify_file(&path);
            assert!(r.verdict.is_valid(), "{}: {:?}", path.display(), r.verdict);
        }
    }
    // And the expiry is enforced by the verifier once passed.
    let text = store.credential(&report.issued[0]).unwrap().unwrap().json;
    let later = VerifyOptions::at(datetime!(2028-01-01 0:00 UTC));
    assert!(matches!(
        verify::verify_json(&text, &later).verdict,
        Verdict::Invalid {
            reason: InvalidReason::Expired,
            ..
        }
    ));
}

#[test]
fn the_desk_issues_one_attendee_at_once_and_shows_the_claim_link() {
    let tmp = tempfile::tempdir().unwrap();
    let (_event, mut store, issuer) = event(tmp.path());
    let mut rng = Counter(7);
    let issued = issuer
        .issue_attendee(&mut store, 1, Choice::Eligible, &mut rng, "desk")
        .unwrap();
    let mut keys: Vec<&str> = issued.iter().map(|c| c.achievement.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["explorer", "sumo"],
        "the rules decide, manual excluded"
    );
    for c in &issued {
        assert!(c.newly_issued);
        let url = c.claim_url.as_deref().unwrap();
        assert_eq!(
            url,
            format!("https://badges.example.org/ev/c/{}/", c.claim_token)
        );
        assert!(verify_file(&c.json_path).verdict.is_valid());
        assert!(verify_file(&c.image_path).verdict.is_valid());
    }
    // Pressing the key again signs nothing and shows the same credentials.
    let again = issuer
        .issue_attendee(&mut store, 1, Choice::Eligible, &mut rng, "desk")
        .unwrap();
    assert!(again.iter().all(|c| !c.newly_issued));
    assert_eq!(store.credentials().unwrap().len(), 2);
    assert!(
        again
            .iter()
            .all(|c| issued.iter().any(|i| i.credential_id == c.credential_id))
    );

    // By hand: a manual badge; a later time gives a later validFrom.
    let later = issuer.at(NOW + time::Duration::hours(1)).unwrap();
    let helper = later
        .issue_attendee(
            &mut store,
            3,
            Choice::Achievement("helper"),
            &mut rng,
            "desk",
        )
        .unwrap();
    assert_eq!(helper.len(), 1);
    let json = stored_json(&store, &helper[0].credential_id);
    assert_eq!(json["validFrom"], "2026-05-16T19:00:00Z");
    assert_eq!(json["proof"][0]["created"], "2026-05-16T19:00:00Z");
    assert!(
        evidence_named(&json, "Project").is_none(),
        "blank column, no evidence"
    );

    // Nothing earned: nothing issued. Unknown people and badges are errors.
    assert!(
        issuer
            .issue_attendee(&mut store, 4, Choice::Eligible, &mut rng, "desk")
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        issuer.issue_attendee(&mut store, 99, Choice::Eligible, &mut rng, "desk"),
        Err(IssueError::UnknownAttendee(99))
    ));
    assert!(matches!(
        issuer.issue_attendee(&mut store, 1, Choice::Achievement("nope"), &mut rng, "desk"),
        Err(IssueError::UnknownAchievement(_))
    ));
}

#[test]
fn reissue_revokes_and_replaces_in_one_step_and_the_status_list_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (event, mut store, issuer) = event(tmp.path());
    let mut rng = Counter(11);
    let first = issuer
        .issue_attendee(&mut store, 2, Choice::Achievement("sumo"), &mut rng, "desk")
        .unwrap()
        .remove(0);
    // The name was misspelt: fix it, then re-issue.
    let mut fixed = record("Hugues", Some("hugo@example.org"), None);
    fixed.family_name = "Martin".into();
    store
        .write_import(&[], &[(2, fixed)], "fix.csv", "t", NOW)
        .unwrap();
    let done = reissue(
        &issuer,
        &mut store,
        &first.credential_id,
        "name misspelt",
        &mut rng,
        "t",
    )
    .unwrap();
    assert_eq!(done.old_id, first.credential_id);
    assert_ne!(done.new.credential_id, first.credential_id);
    let old = store.credential(&first.credential_id).unwrap().unwrap();
    assert_eq!(old.revoked_reason.as_deref(), Some("name misspelt"));
    let new = store.credential(&done.new.credential_id).unwrap().unwrap();
    assert_eq!(new.replaces.as_deref(), Some(first.credential_id.as_str()));
    assert!(new.revoked_at.is_none());
    let json: Value = serde_json::from_str(&new.json).unwrap();
    assert_eq!(
        json["credentialSubject"]["identifier"][1]["identityHash"],
        "Hugues Martin"
    );
    assert!(verify_file(&done.new.image_path).verdict.is_valid());
    assert!(matches!(
        reissue(
            &issuer,
            &mut store,
            &first.credential_id,
            "again",
            &mut rng,
            "t"
        ),
        Err(IssueError::AlreadyRevoked(_))
    ));

    // The regenerated, signed status list: the old one revoked, the new one active.
    let list_text = std::fs::read_to_string(event.issued_dir().join(STATUS_LIST_FILE)).unwrap();
    let list = StatusListFile::parse(&list_text, NOW).unwrap();
    let options = VerifyOptions {
        status: Some(&list),
        ..VerifyOptions::at(NOW)
    };
    let old_report = verify::verify_json(&old.json, &options);
    assert!(
        matches!(&old_report.verdict, Verdict::Invalid { reason: InvalidReason::Revoked, detail } if detail.contains("status list")),
        "{:?}",
        old_report.verdict
    );
    let new_report = verify::verify_json(&new.json, &options);
    assert!(new_report.verdict.is_valid());
    assert!(new_report.warnings.is_empty(), "{:?}", new_report.warnings);

    // A list other than the one the credential points to: said, not guessed.
    let mut other: Value = serde_json::from_str(&list_text).unwrap();
    other["id"] = "https://elsewhere.example.org/status/1.json".into();
    assert!(
        matches!(
            StatusListFile::parse(&other.to_string(), NOW),
            Err(StatusFileError::Invalid(_))
        ),
        "a changed list no longer verifies"
    );
    let mut moved: Value = serde_json::from_str(&new.json).unwrap();
    moved["credentialStatus"]["statusListCredential"] =
        "https://elsewhere.example.org/status/1.json".into();
    let outcome = badgedesk::credential::verify::StatusChecker::check(
        &list,
        &moved,
        &moved["credentialStatus"],
    );
    assert!(
        matches!(&outcome, verify::StatusOutcome::Unknown { why } if why.contains("elsewhere.example.org") && why.contains("file given")),
        "{outcome:?}"
    );
}

#[test]
fn a_failed_file_write_stops_the_run_and_the_next_run_finishes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (event, mut store, issuer) = event(tmp.path());
    let awards = vec![(1, "sumo".to_string()), (2, "sumo".to_string())];
    // A file where the issued/ folder should be: no credential file can be written.
    let issued = event.issued_dir();
    let _ = std::fs::remove_dir_all(&issued);
    std::fs::write(&issued, b"not a folder").unwrap();
    let failed = issue_all(&issuer, &mut store, &awards, 1);
    assert!(
        matches!(failed, Err(IssueError::Write { .. })),
        "{failed:?}"
    );
    std::fs::remove_file(&issued).unwrap();
    let again = issue_all(&issuer, &mut store, &awards, 9).unwrap();
    // What the failed run committed is rebuilt, not issued twice; the rest is issued now.
    assert_eq!(again.issued.len() + again.skipped, awards.len());
    assert_eq!(again.files_rebuilt, again.skipped);
    for (attendee, key) in &awards {
        let id = store.live_award(*attendee, key).unwrap().unwrap();
        let stem = id.trim_start_matches("urn:uuid:");
        let report = verify_file(&issued.join(format!("{stem}.png")));
        assert!(report.verdict.is_valid(), "{:?}", report.verdict);
    }
    let files = std::fs::read_dir(&issued).unwrap().count();
    assert_eq!(
        files,
        2 * awards.len(),
        "one JSON and one PNG each, no temporaries"
    );
}

/// Randomness that always gives the same bytes: every draw collides with the last run's.
struct Stuck;
impl Randomness for Stuck {
    fn fill(&mut self, buf: &mut [u8]) {
        buf.fill(7);
    }
}

/// CONFIG without a claim site, so no status-list index is drawn: a run's random values are
/// exactly those of any other run from the same seed.
fn config_without_claim_site() -> String {
    let config = CONFIG.replace(
        "[claim]\nbase_url = \"https://badges.example.org/ev\"\n",
        "",
    );
    assert_ne!(config, CONFIG);
    config
}

#[test]
fn colliding_random_values_are_drawn_again_and_every_award_is_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (event, mut store, issuer) = event_with(tmp.path(), &config_without_claim_site());
    let first = issue_all(&issuer, &mut store, &[(1, "sumo".to_string())], 5).unwrap();
    // Same seed: the first award of this run draws the id and claim token of the one above.
    let awards = vec![(2, "sumo".to_string()), (1, "helper".to_string())];
    let second = issue_all(&issuer, &mut store, &awards, 5).unwrap();
    assert_eq!(second.issued.len(), 2, "{second:?}");
    assert_eq!(second.skipped, 0);
    assert!(!second.issued.contains(&first.issued[0]));
    let mut ids = vec![first.issued[0].clone()];
    for (attendee, key) in &awards {
        let id = store.live_award(*attendee, key).unwrap().unwrap();
        let stem = id.trim_start_matches("urn:uuid:").to_string();
        let report = verify_file(&event.issued_dir().join(format!("{stem}.png")));
        assert!(report.verdict.is_valid(), "{:?}", report.verdict);
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    let files = std::fs::read_dir(event.issued_dir()).unwrap().count();
    assert_eq!(
        files, 6,
        "one JSON and one PNG per credential, nothing else"
    );
}

#[test]
fn random_values_that_keep_colliding_stop_the_run_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (event, mut store, issuer) = event_with(tmp.path(), &config_without_claim_site());
    let cancel = AtomicBool::new(false);
    let run = |store: &mut Store, awards: &[(i64, String)]| {
        issuer.issue(store, awards, &mut Stuck, "t", &cancel, &mut |_| {})
    };
    let first = run(&mut store, &[(1, "sumo".to_string())]).unwrap();
    assert_eq!(first.issued.len(), 1);
    let failed = run(&mut store, &[(2, "sumo".to_string())]);
    assert!(
        matches!(&failed, Err(IssueError::Collisions { attendee: 2, achievement }) if achievement == "sumo"),
        "{failed:?}"
    );
    assert!(store.live_award(2, "sumo").unwrap().is_none());
    let files = std::fs::read_dir(event.issued_dir()).unwrap().count();
    assert_eq!(files, 2, "only the first credential's files");
}

#[test]
fn progress_starts_at_zero_and_ends_once_at_the_total() {
    let tmp = tempfile::tempdir().unwrap();
    let (_event, mut store, issuer) = event(tmp.path());
    let awards = vec![(1, "sumo".to_string()), (2, "sumo".to_string())];
    let mut seen = Vec::new();
    issuer
        .issue(
            &mut store,
            &awards,
            &mut Counter(3),
            "t",
            &AtomicBool::new(false),
            &mut |p| seen.push((p.done, p.total)),
        )
        .unwrap();
    assert_eq!(seen, vec![(0, 2), (2, 2)]);
}
