//! The desk: a full-screen check-in terminal app in the Elm style — state (`app`), actions
//! (`action`, from the key table in `keymap`), a pure `update` returning effects, one effect
//! executor (`jobs`), and views that only read the state. Only this module uses ratatui and
//! crossterm. `run` wires the terminal guard, the event loop and the worker thread.

pub mod action;
pub mod app;
pub mod effect;
pub mod event;
pub mod hub_link;
pub mod import;
pub mod import_job;
pub mod issue_job;
pub mod issue_print;
pub mod issuing;
pub mod jobs;
pub mod keymap;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;

use std::sync::mpsc;

use ratatui::crossterm::event::{MouseButton, MouseEventKind};
use time::UtcOffset;

use crate::clock::SystemClock;
use crate::event::EventDir;
use crate::i18n::Lang;

use action::Action;
use app::App;
use event::Event;
use terminal::TerminalGuard;
use theme::Theme;
use view::DeskView;

/// What the desk needs to start.
pub struct DeskOptions {
    pub event: EventDir,
    pub lang: Lang,
    /// Who ticks, for the audit log ("desk:alice").
    pub actor: String,
    /// The desk's local time offset (read before any thread starts).
    pub offset: UtcOffset,
    /// How the desk gets the issuer key, to issue badges.
    pub key: KeySource,
}

/// How the desk gets the issuer key: already unlocked (at the passphrase prompt before the
/// screen was taken), or loaded when first needed with this passphrase (None: the key is not
/// protected, or the desk runs without issuing).
pub enum KeySource {
    Unlocked(crate::credential::keys::IssuerKey),
    Load { passphrase: Option<String> },
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("the terminal could not be used: {0}")]
    Terminal(#[from] std::io::Error),
}

/// Runs the desk until the user quits (or a signal arrives). The terminal is restored before
/// this returns, whatever happened.
pub fn run(opts: DeskOptions) -> Result<(), TuiError> {
    let (tx, rx) = mpsc::channel();
    // crossterm drops every colour when NO_COLOR is set; the theme already honours NO_COLOR
    // (no decorative colour), so what is left is the claim QR's black-on-white, which is what
    // makes it scannable on both dark and light terminals.
    ratatui::crossterm::style::force_color_output(true);
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal().size()?;
    let mut app = App::new(
        opts.lang,
        Theme::from_env(),
        opts.offset,
        opts.event.config().event.name.clone(),
    );
    app.size = (size.width, size.height);
    app.event_root = opts.event.root().to_path_buf();
    app.issuing = issuing::IssuingState::for_event(opts.event.config());
    event::spawn_input(tx.clone());
    event::spawn_signals(tx.clone());
    // Reads hub.toml on its own thread; a single-desk event gets a waker that does nothing.
    let hub = hub_link::spawn(
        opts.event.root().to_path_buf(),
        opts.event.db_path(),
        opts.lang,
        tx.clone(),
    );
    let worker = jobs::Worker::spawn(
        opts.event,
        opts.actor,
        opts.lang,
        opts.key,
        Box::new(SystemClock),
        tx,
        hub,
    );
    let result = event_loop(&mut guard, &mut app, &rx, &worker);
    // Let the worker commit what it was given before the process ends.
    worker.finish();
    drop(guard);
    result
}

fn event_loop(
    guard: &mut TerminalGuard,
    app: &mut App,
    rx: &mpsc::Receiver<Event>,
    worker: &jobs::Worker,
) -> Result<(), TuiError> {
    draw(guard, app)?;
    while !app.quit {
        let Ok(first) = rx.recv() else { break };
        handle(app, first, worker);
        // Coalesce whatever else is already waiting into one frame.
        while !app.quit {
            match rx.try_recv() {
                Ok(ev) => handle(app, ev, worker),
                Err(_) => break,
            }
        }
        if app.dirty && !app.quit {
            draw(guard, app)?;
        }
    }
    Ok(())
}

fn draw(guard: &mut TerminalGuard, app: &mut App) -> Result<(), TuiError> {
    guard
        .terminal()
        .draw(|f| f.render_widget(DeskView(app), f.area()))?;
    app.dirty = false;
    // Tick-to-ready: the claim card is on screen now; show how long it took from the key.
    if let Some(started) = update::issue::take_card_start(app) {
        app.issuing.last_ready = Some(started.elapsed());
        guard
            .terminal()
            .draw(|f| f.render_widget(DeskView(app), f.area()))?;
    }
    Ok(())
}

/// Turns a terminal or job event into an action, updates, and hands effects to the worker.
pub fn handle(app: &mut App, ev: Event, worker: &jobs::Worker) {
    let Some(action) = to_action(app, ev) else {
        return;
    };
    for effect in update::update(app, action) {
        worker.send(effect);
    }
}

/// The action an event means in the current state (keys depend on the focus).
pub fn to_action(app: &App, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k, at) => keymap::route(update::context(app), &k, at),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Terminate => Some(Action::Terminate),
        Event::App(a) => Some(a),
    }
}
