//! What the hub link reports (an event with several desks): its state for the status bar, and
//! after a sync what arrived from other desks — presence and people to read again, ticks made
//! twice to tell the desk about, credentials a waiting claim card asked for, requests this desk
//! may sign.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::super::app::{App, FlashKind};
use super::super::effect::Effect;
use super::super::hub_link::{HubLink, HubMsg};
use super::super::issuing::IssueRequest;
use super::{desk, flash, name_of};
use crate::hub::{HubState, SyncReport};
use crate::model::Attendee;
use crate::search::SearchIndex;
use crate::store::DoubleTick;

pub fn on_msg(app: &mut App, msg: HubMsg, fx: &mut Vec<Effect>) {
    match msg {
        HubMsg::State { state, now } => match &mut app.hub {
            Some(link) => {
                link.state = state;
                link.now = now;
            }
            None => app.hub = Some(HubLink::new(state, now)),
        },
        HubMsg::Synced { at, report } => synced(app, at, *report, fx),
        HubMsg::Unusable(error) => {
            let text = app.cat.fmt("hub-unusable", &[("error", error.into())]);
            flash(app, FlashKind::Error, text);
        }
    }
}

fn synced(app: &mut App, at: OffsetDateTime, report: SyncReport, fx: &mut Vec<Effect>) {
    let link = app
        .hub
        .get_or_insert_with(|| HubLink::new(HubState::default(), at));
    let first = !link.synced;
    link.synced = true;
    // The sync worked: the bar says so now rather than at the next reading of the state.
    link.state.online = true;
    link.state.last_ok = Some(at);
    link.state.offline_since = None;
    link.state.last_error = None;
    link.state.unsent = report.unsent;
    link.state.skew_ms = Some(report.skew_ms);
    link.now = link.now.max(at);
    let got = report.received;
    if got.attendees > 0 {
        link.people = true;
    }
    if got.received > 0 {
        if link.resyncing {
            link.again = true;
        } else {
            link.resyncing = true;
            fx.push(Effect::Resync {
                attendees: app.roster.total,
                people: std::mem::take(&mut link.people),
            });
        }
    }
    if let Some(text) = double_tick_text(app, &got.double_ticks) {
        flash(app, FlashKind::Info, text);
    }
    if got.credentials > 0
        && let Some((attendee_id, achievements)) = super::issue::waiting_card(app)
    {
        fx.push(Effect::Issue(IssueRequest::Card {
            attendee_id,
            achievements,
        }));
    }
    // Requests made while this desk was closed are served at the first sync.
    if got.requests > 0 || first {
        fx.push(Effect::Issue(IssueRequest::ServeRequests));
    }
}

/// "Loïc Dupont — already ticked at Sumo, 10:42": the one about the selected person, else the
/// last one.
fn double_tick_text(app: &App, ticks: &[DoubleTick]) -> Option<String> {
    let selected = app.selected_attendee().map(|a| a.id);
    let tick = ticks
        .iter()
        .rfind(|t| Some(t.attendee_id) == selected)
        .or(ticks.last())?;
    let time = OffsetDateTime::parse(&tick.at, &Rfc3339)
        .map_or_else(|_| tick.at.clone(), |at| app.clock_time(at));
    let desk = if tick.desk.is_empty() {
        app.cat.get("hub-other-desk")
    } else {
        crate::tui::widgets::text::sanitize(&tick.desk)
    };
    Some(app.cat.fmt(
        "hub-double-tick",
        &[
            ("name", name_of(app, tick.attendee_id).into()),
            ("desk", desk.into()),
            ("time", time.into()),
        ],
    ))
}

/// Presence (and people, when some were added) read again after facts arrived.
pub fn resynced(
    app: &mut App,
    presence: Vec<(i64, String, OffsetDateTime)>,
    roster: Option<Box<(Vec<Attendee>, SearchIndex)>>,
    fx: &mut Vec<Effect>,
) {
    let selected = app.selected_attendee().map(|a| a.id);
    if let Some(roster) = roster {
        let (attendees, index) = *roster;
        app.roster.replace_all(attendees, index);
    }
    app.roster.reset_presence(presence);
    desk::refresh_keep_person(app, selected, fx);
    // The detail pane's history may have a tick from another desk now.
    if let Some(id) = app.selected_attendee().map(|a| a.id)
        && Some(id) == selected
    {
        super::reload_history_of(app, id, fx);
    }
    if let Some(link) = &mut app.hub {
        link.resyncing = link.again;
        if link.again {
            link.again = false;
            fx.push(Effect::Resync {
                attendees: app.roster.total,
                people: std::mem::take(&mut link.people),
            });
        }
    }
}
