//! `update` tests for the overlays: picker, walk-in form, import screen.

use std::time::Instant;

use time::macros::datetime;

use super::tests::{cmd, person, ready_app, type_slowly};
use super::*;
use crate::i18n::Lang;
use crate::store::WalkIn;
use crate::tui::app::App;
use crate::tui::import::{ImportMsg, ImportRequest, ImportStage, Imported, Preview};

#[test]
fn picker_chooses_an_activity() {
    let mut app = ready_app(Lang::En);
    update(&mut app, cmd(Command::PickActivity));
    assert!(matches!(app.overlay, Overlay::Picker { selected: 0 }));
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Up));
    update(&mut app, cmd(Command::Submit));
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.current, 1);
    update(&mut app, cmd(Command::PickActivity));
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Cancel));
    assert_eq!(app.current, 1);
}

#[test]
fn walk_in_form_validates_and_saves_then_ticks() {
    let mut app = ready_app(Lang::En);
    type_slowly(&mut app, "ana lopez");
    update(&mut app, cmd(Command::WalkIn));
    let Overlay::WalkIn(form) = &app.overlay else {
        panic!("form")
    };
    assert_eq!(form.fields[0], "Ana");
    assert_eq!(form.fields[1], "Lopez");
    // Clear both names: saving must refuse.
    for _ in 0..3 {
        update(&mut app, cmd(Command::Backspace));
    }
    update(&mut app, cmd(Command::NextField));
    for _ in 0..5 {
        update(&mut app, cmd(Command::Backspace));
    }
    let fx = update(&mut app, cmd(Command::Submit));
    assert!(fx.is_empty());
    let Overlay::WalkIn(form) = &app.overlay else {
        panic!("form")
    };
    assert_eq!(
        form.error.as_deref(),
        Some("A given name or a family name is needed.")
    );
    assert_eq!(form.focus, 0);
    type_slowly(&mut app, "Ana");
    update(&mut app, cmd(Command::NextField));
    type_slowly(&mut app, "López");
    update(&mut app, cmd(Command::NextField));
    update(&mut app, Action::Paste("ana@example.org".into()));
    update(&mut app, cmd(Command::PreviousField));
    let fx = update(&mut app, cmd(Command::Submit));
    assert_eq!(
        fx,
        vec![Effect::AddWalkIn {
            walk_in: WalkIn {
                given_name: "Ana".into(),
                family_name: "López".into(),
                email: Some("ana@example.org".into()),
                organisation: None,
            },
            activity_key: Some("accueil".into()),
        }]
    );
    let at = datetime!(2026-05-16 10:00 UTC);
    update(
        &mut app,
        Action::WalkInSaved {
            attendee: Box::new(person(9, "Ana", "López", "")),
            tick: Some(("accueil".into(), TickOutcome::Ticked { at })),
        },
    );
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.roster.attendees.len(), 5);
    assert_eq!(app.roster.since(9, "accueil"), Some(at));
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(9));
    assert_eq!(app.flash.as_ref().map(|f| f.kind), Some(FlashKind::Ok));
}

#[test]
fn walk_in_failure_keeps_the_form() {
    let mut app = ready_app(Lang::En);
    update(&mut app, cmd(Command::WalkIn));
    type_slowly(&mut app, "Bob");
    update(&mut app, cmd(Command::Submit));
    update(&mut app, Action::WalkInFailed("the disk is full".into()));
    let Overlay::WalkIn(form) = &app.overlay else {
        panic!("form")
    };
    assert!(!form.saving);
    assert_eq!(form.error.as_deref(), Some("the disk is full"));
    update(&mut app, cmd(Command::Cancel));
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.roster.attendees.len(), 4);
}

#[test]
fn import_screen_lists_files_completes_and_reads() {
    let mut app = ready_app(Lang::En);
    app.event_root = "/ev".into();
    let fx = update(&mut app, cmd(Command::Import));
    assert_eq!(fx, vec![Effect::ListCsv("/ev".into())]);
    update(
        &mut app,
        Action::Import(ImportMsg::Files(vec!["a.csv".into(), "b.csv".into()])),
    );
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    let Overlay::Import(s) = &app.overlay else {
        panic!("import")
    };
    assert_eq!(s.path, "b.csv");
    update(&mut app, cmd(Command::Backspace));
    update(&mut app, Action::Type('v', Instant::now()));
    let fx = update(&mut app, cmd(Command::Submit));
    assert_eq!(
        fx,
        vec![Effect::Import(ImportRequest::Read {
            path: "/ev/b.csv".into(),
            map: vec![]
        })]
    );
    update(
        &mut app,
        Action::Import(ImportMsg::Failed("bad file".into())),
    );
    let Overlay::Import(s) = &app.overlay else {
        panic!("import")
    };
    assert!(matches!(&s.stage, ImportStage::Failed(e) if e == "bad file"));
    update(&mut app, cmd(Command::Cancel));
    assert!(matches!(app.overlay, Overlay::None));
}

fn preview_of(app: &App, csv: &str) -> Box<Preview> {
    let parsed = crate::import::read(csv.as_bytes(), "in.csv", &Default::default()).expect("read");
    let mut columns = vec![None; parsed.headers.len()];
    for f in &parsed.mapping.fields {
        columns[f.column] = Some(f.field);
    }
    let headers = parsed.headers.clone();
    let plan = crate::import::plan(parsed, &app.roster.attendees);
    Box::new(Preview {
        path: "/ev/in.csv".into(),
        encoding: "UTF-8".into(),
        delimiter: b';',
        headers,
        columns,
        plan,
    })
}

#[test]
fn import_preview_changes_mapping_confirms_and_reloads_the_roster() {
    let mut app = ready_app(Lang::En);
    app.event_root = "/ev".into();
    update(&mut app, cmd(Command::Import));
    type_slowly(&mut app, "in.csv");
    update(&mut app, cmd(Command::Submit));
    let csv =
        "Billet;Prénom;Nom;Classe\nFR26-0009;Ana;López;2nde\n;;;\nFR26-0001;Hélène;Dupont;1re\n";
    let preview = preview_of(&app, csv);
    assert_eq!(preview.plan.to_add.len(), 1);
    update(&mut app, Action::Import(ImportMsg::Preview(preview)));
    // Nothing is written by moving around or remapping: only reads are asked for.
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    let fx = update(&mut app, cmd(Command::Right));
    let Some(Effect::Import(ImportRequest::Read { map, .. })) = fx.first() else {
        panic!("{fx:?}")
    };
    // Column 4 ("Classe", ignored) becomes the first field, the ticket.
    assert_eq!(
        map,
        &vec![crate::import::MapOverride {
            field: crate::import::Field::Ticket,
            column: Some("4".into())
        }]
    );
    let fx = update(&mut app, cmd(Command::Submit));
    assert!(matches!(
        fx.first(),
        Some(Effect::Import(ImportRequest::Apply { .. }))
    ));
    let Overlay::Import(s) = &app.overlay else {
        panic!("import")
    };
    assert!(matches!(s.stage, ImportStage::Working { .. }));
    update(
        &mut app,
        Action::Import(ImportMsg::Step {
            step: 3,
            what: "writing".into(),
        }),
    );
    let mut attendees = app.roster.attendees.clone();
    attendees.push(person(9, "Ana", "López", "FR26-0009"));
    let index = crate::search::SearchIndex::build(&attendees, &mut |_, _| {});
    let added = Imported {
        added: 1,
        updated: 0,
        attendees,
        index,
    };
    update(&mut app, Action::Import(ImportMsg::Done(Box::new(added))));
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(
        app.flash.as_ref().map(|f| f.text.as_str()),
        Some("Import done: 1 added, 0 updated.")
    );
    type_slowly(&mut app, "lopez");
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(9));
    assert_eq!(app.roster.counts.get("accueil"), Some(&1), "presence kept");
}
