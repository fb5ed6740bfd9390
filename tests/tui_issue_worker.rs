//! The desk's issue worker on a real demo event (its own thread, its own connection): issue at
//! the desk and get a claim card whose QR decodes to the stored token's URL; a claim made by
//! another connection (as the claim server does) reaches the detail pane by the poll; print a
//! claim card PDF into the event folder; revoke; and the closing-time preview, bulk run with
//! progress, and printing of what was just issued.

use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use badgedesk::event::EventDir;
use badgedesk::i18n::Lang;
use badgedesk::tui::KeySource;
use badgedesk::tui::action::Action;
use badgedesk::tui::event::Event;
use badgedesk::tui::issue_job::IssueWorker;
use badgedesk::tui::issuing::{IssueMsg, IssueRequest, ReadyItem};
use time::macros::datetime;

/// Generous: the machine is shared; the poll itself runs every `issue_job::POLL`.
const WAIT: Duration = Duration::from_secs(20);

fn next(rx: &Receiver<Event>, what: &str, pick: impl Fn(&IssueMsg) -> bool) -> IssueMsg {
    let deadline = Instant::now() + WAIT;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(Event::App(Action::Issue(m))) if pick(&m) => return m,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no {what} within {WAIT:?}");
}

fn setup() -> (tempfile::TempDir, EventDir, IssueWorker, Receiver<Event>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let event = badgedesk::demo::create(
        &tmp.path().join("ev"),
        7,
        40,
        datetime!(2026-05-16 08:00 UTC),
    )
    .expect("demo event");
    let (tx, rx) = mpsc::channel();
    let worker = IssueWorker::spawn(
        event.clone(),
        "desk:test".into(),
        Lang::En,
        KeySource::Load { passphrase: None },
        tx,
    );
    (tmp, event, worker, rx)
}

fn decode(item: &ReadyItem) -> Vec<String> {
    let m = item.qr.as_ref().expect("a QR");
    let lines = m.half_blocks();
    let back = badgedesk::qr::QrMatrix::from_half_blocks(&lines);
    let side = back.width() * 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        if back.is_dark(x / 4, y / 4) { 0 } else { 255 }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[test]
fn desk_issue_claim_poll_print_and_revoke() {
    let (_tmp, event, worker, rx) = setup();
    let store = event.store().expect("store");
    let someone = store.presence().expect("presence")[0].attendee_id;
    worker.send(IssueRequest::Watch(Some(someone)));
    let IssueMsg::Badges { lines, .. } = next(
        &rx,
        "badges",
        |m| matches!(m, IssueMsg::Badges { attendee_id, .. } if *attendee_id == someone),
    ) else {
        unreachable!()
    };
    assert!(lines.is_empty());

    let started = Instant::now();
    worker.send(IssueRequest::Desk {
        attendee_id: someone,
        achievements: vec!["participation".into()],
        started,
    });
    let msg = next(&rx, "desk issue", |m| {
        matches!(m, IssueMsg::DeskIssued { .. } | IssueMsg::DeskFailed { .. })
    });
    let IssueMsg::DeskIssued { items, .. } = msg else {
        panic!("{msg:?}");
    };
    assert_eq!(items.len(), 1);
    let stored = store.credentials_of(someone).expect("credentials");
    assert_eq!(stored.len(), 1);
    let url = items[0]
        .claim_url
        .clone()
        .expect("the demo has a claim address");
    assert!(
        url.ends_with(&format!("/c/{}/", stored[0].claim_token)),
        "{url}"
    );
    assert_eq!(decode(&items[0]), vec![url]);
    assert!(items[0].file.exists(), "{:?}", items[0].file);
    assert!(!items[0].already);

    // Asking again shows the same badge: nothing is issued twice.
    worker.send(IssueRequest::Desk {
        attendee_id: someone,
        achievements: vec!["participation".into()],
        started,
    });
    let IssueMsg::DeskIssued { items, .. } = next(&rx, "desk issue again", |m| {
        matches!(m, IssueMsg::DeskIssued { .. })
    }) else {
        unreachable!()
    };
    assert!(items[0].already);
    assert_eq!(store.credentials_of(someone).expect("credentials").len(), 1);

    // Another process marks it claimed; the poll brings it to the desk.
    let mut other = event.store().expect("another connection");
    assert!(
        other
            .mark_claimed(&stored[0].claim_token, datetime!(2026-05-16 10:45 UTC))
            .expect("claim")
    );
    let claimed_at = Instant::now();
    next(
        &rx,
        "claimed state",
        |m| matches!(m, IssueMsg::Badges { lines, .. } if lines.first().is_some_and(|l| l.claimed_at.is_some())),
    );
    eprintln!("claim seen by the desk after {:?}", claimed_at.elapsed());

    worker.send(IssueRequest::PrintAttendee(someone));
    let msg = next(&rx, "print", |m| {
        matches!(m, IssueMsg::Printed { .. } | IssueMsg::PrintFailed { .. })
    });
    let IssueMsg::Printed { path, count, .. } = msg else {
        panic!("{msg:?}");
    };
    assert_eq!(count, 1);
    assert!(path.starts_with(event.root().join("print")), "{path:?}");
    let pdf = std::fs::read(&path).expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));

    worker.send(IssueRequest::Revoke {
        attendee_id: someone,
        credential_id: stored[0].id.clone(),
        reason: "wrong person".into(),
    });
    let msg = next(&rx, "revoke", |m| {
        matches!(m, IssueMsg::Revoked { .. } | IssueMsg::RevokeFailed(_))
    });
    assert!(
        matches!(msg, IssueMsg::Revoked { changed: true, .. }),
        "{msg:?}"
    );
    next(
        &rx,
        "revoked state",
        |m| matches!(m, IssueMsg::Badges { lines, .. } if lines.first().is_some_and(|l| l.revoked_at.is_some())),
    );
    let c = store
        .credential(&stored[0].id)
        .expect("read")
        .expect("stored");
    assert_eq!(c.revoked_reason.as_deref(), Some("wrong person"));
    assert!(event.issued_dir().join("status-list.json").exists());
    worker.finish();
}

#[test]
fn closing_time_preview_bulk_issue_and_print() {
    let (_tmp, event, worker, rx) = setup();
    worker.send(IssueRequest::Plan);
    let IssueMsg::Plan(rows) = next(&rx, "plan", |m| {
        matches!(m, IssueMsg::Plan(_) | IssueMsg::PlanFailed(_))
    }) else {
        panic!("plan failed");
    };
    assert_eq!(rows.len(), event.config().achievements.len());
    let awards: Vec<(i64, String)> = rows
        .iter()
        .flat_map(|r| r.to_issue.iter().map(|id| (*id, r.key.clone())))
        .collect();
    assert!(!awards.is_empty());
    worker.send(IssueRequest::Bulk {
        awards: awards.clone(),
        blocked: 0,
    });
    let progress = next(&rx, "progress", |m| matches!(m, IssueMsg::Progress { .. }));
    assert!(matches!(progress, IssueMsg::Progress { total, .. } if total == awards.len()));
    let IssueMsg::BulkDone(summary) =
        next(&rx, "bulk done", |m| matches!(m, IssueMsg::BulkDone(_)))
    else {
        unreachable!()
    };
    assert_eq!(summary.error, None);
    assert_eq!(summary.issued.len(), awards.len());
    let store = event.store().expect("store");
    assert_eq!(store.live_awards().expect("live").len(), awards.len());

    worker.send(IssueRequest::PrintCredentials(summary.issued.clone()));
    let msg = next(&rx, "print", |m| {
        matches!(m, IssueMsg::Printed { .. } | IssueMsg::PrintFailed { .. })
    });
    let IssueMsg::Printed {
        path,
        count,
        attendee,
    } = msg
    else {
        panic!("{msg:?}");
    };
    assert_eq!((count, attendee), (awards.len(), None));
    assert!(std::fs::read(&path).expect("pdf").starts_with(b"%PDF"));

    // The preview now says everything is already issued.
    worker.send(IssueRequest::Plan);
    let IssueMsg::Plan(rows) = next(&rx, "plan", |m| matches!(m, IssueMsg::Plan(_))) else {
        unreachable!()
    };
    assert!(rows.iter().all(|r| r.to_issue.is_empty()));
    worker.finish();
}

/// A desk opened after a run killed between its commit and its files (and a revocation killed
/// before its status list): the worker writes the files again on its own thread and says how
/// many, then rewrites the status list once it has the key.
#[test]
fn the_desk_repairs_issued_files_and_the_status_list_when_it_opens() {
    let (_tmp, event, worker, rx) = setup();
    worker.finish();
    drop(rx);
    let key = badgedesk::credential::keys::load(event.root(), None).expect("key");
    let issuer = badgedesk::issue::Issuer::new(&event, key, datetime!(2026-05-16 17:00 UTC))
        .expect("issuer");
    let mut store = event.store().expect("store");
    let awards: Vec<(i64, String)> = store
        .presence()
        .expect("presence")
        .iter()
        .map(|p| (p.attendee_id, "explorateur".to_string()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(5)
        .collect();
    let report = issuer
        .issue(
            &mut store,
            &awards,
            &mut badgedesk::credential::builder::OsRandomness,
            "test",
            &std::sync::atomic::AtomicBool::new(false),
            &mut |_| {},
        )
        .expect("issue");
    assert_eq!(report.issued.len(), 5);
    let dir = event.issued_dir();
    for id in &report.issued[..3] {
        let (json, png) = badgedesk::issue::files::paths(&dir, id, "png");
        std::fs::remove_file(json).expect("json");
        std::fs::remove_file(png).expect("png");
    }
    assert!(
        store
            .revoke(
                &report.issued[4],
                "killed",
                "test",
                datetime!(2026-05-16 17:01 UTC)
            )
            .expect("revoke")
    );
    assert!(!badgedesk::issue::revoke::status_list_current(&event, &store).expect("list"));

    let (tx, rx) = mpsc::channel();
    let worker = IssueWorker::spawn(
        event.clone(),
        "desk:test".into(),
        Lang::En,
        KeySource::Load { passphrase: None },
        tx,
    );
    let msg = next(&rx, "repair", |m| {
        matches!(m, IssueMsg::FilesRepaired(_) | IssueMsg::RepairFailed(_))
    });
    assert_eq!(msg, IssueMsg::FilesRepaired(3));
    for id in &report.issued {
        let (json, png) = badgedesk::issue::files::paths(&dir, id, "png");
        let stored = store.credential(id).expect("read").expect("row").json;
        assert_eq!(std::fs::read_to_string(json).expect("json"), stored);
        let baked = badgedesk::bake::unbake(&std::fs::read(png).expect("png")).expect("baked");
        assert_eq!(baked.payload, stored);
    }
    let msg = next(&rx, "status list", |m| {
        matches!(m, IssueMsg::StatusListRepaired | IssueMsg::RepairFailed(_))
    });
    assert_eq!(msg, IssueMsg::StatusListRepaired);
    assert!(badgedesk::issue::revoke::status_list_current(&event, &store).expect("list"));
    worker.finish();
}

/// A demo event turned into a desk of an event with a hub at an address where nothing listens
/// (no PostgreSQL needed): `keyless` takes the signing key away, as `join` leaves it.
fn hub_desk(keyless: bool) -> (tempfile::TempDir, EventDir, IssueWorker, Receiver<Event>) {
    let (tmp, event, worker, rx) = setup();
    drop(worker);
    let url = badgedesk::hub::HubUrl::parse("postgres://desk:pw@127.0.0.1:1/fest").expect("url");
    badgedesk::hub::HubConfig { url }
        .save(event.root())
        .expect("hub.toml");
    let mut store = event.store().expect("store");
    store
        .enable_journal("Sumo", "2026-05-16T08:00:00Z")
        .expect("journal");
    if keyless {
        std::fs::remove_file(badgedesk::credential::keys::key_path(event.root())).expect("key");
    }
    let (tx, rx2) = mpsc::channel();
    let worker = IssueWorker::spawn(
        event.clone(),
        "desk:test".into(),
        Lang::En,
        KeySource::Load { passphrase: None },
        tx,
    );
    drop(rx);
    (tmp, event, worker, rx2)
}

#[test]
fn a_desk_without_the_key_asks_the_issuing_desk_once() {
    let (_tmp, event, worker, rx) = hub_desk(true);
    let store = event.store().expect("store");
    let someone = store.presence().expect("presence")[0].attendee_id;
    for _ in 0..2 {
        worker.send(IssueRequest::Desk {
            attendee_id: someone,
            achievements: vec!["participation".into()],
            started: Instant::now(),
        });
        let msg = next(&rx, "desk request", |m| {
            matches!(
                m,
                IssueMsg::DeskWaiting { .. }
                    | IssueMsg::DeskIssued { .. }
                    | IssueMsg::DeskFailed { .. }
            )
        });
        let IssueMsg::DeskWaiting { items, waiting, .. } = msg else {
            panic!("{msg:?}");
        };
        assert!(items.is_empty());
        assert_eq!(waiting, vec!["participation".to_string()]);
    }
    assert!(store.is_requested(someone, "participation").expect("read"));
    assert_eq!(
        store.pending_requests().expect("read"),
        vec![(someone, "participation".to_string())],
        "asked twice, requested once"
    );
    assert!(store.credentials_of(someone).expect("read").is_empty());
    // Nothing to sign here: serving requests is for the desk with the key.
    worker.send(IssueRequest::ServeRequests);
    worker.send(IssueRequest::Card {
        attendee_id: someone,
        achievements: vec!["participation".into()],
    });
    let msg = next(&rx, "card", |m| {
        matches!(m, IssueMsg::Card { .. } | IssueMsg::Served { .. })
    });
    let IssueMsg::Card { items, waiting, .. } = msg else {
        panic!("{msg:?}");
    };
    assert!(items.is_empty());
    assert_eq!(waiting, vec!["participation".to_string()]);
}

#[test]
fn a_desk_with_the_key_reserves_in_the_hub_and_says_when_it_cannot() {
    let (_tmp, event, worker, rx) = hub_desk(false);
    let store = event.store().expect("store");
    let someone = store.presence().expect("presence")[0].attendee_id;
    worker.send(IssueRequest::Desk {
        attendee_id: someone,
        achievements: vec!["participation".into()],
        started: Instant::now(),
    });
    let msg = next(&rx, "desk issue", |m| {
        matches!(m, IssueMsg::DeskIssued { .. } | IssueMsg::DeskFailed { .. })
    });
    let IssueMsg::DeskFailed { error, .. } = msg else {
        panic!("issued without a reservation: {msg:?}");
    };
    assert!(
        error.starts_with("the hub must reserve each badge before it is signed"),
        "{error}"
    );
    assert!(store.credentials_of(someone).expect("read").is_empty());
}
