//! The detail pane's badges: each credential of the selected attendee with its issue time and
//! whether it was claimed or revoked (kept fresh by the issue worker's poll).

use ratatui::text::{Line, Span};

use super::super::app::App;
use super::super::issuing::Badges;
use super::super::widgets::text::sanitize;

/// The section's lines (title included) for attendee `id`.
pub fn lines(app: &App, id: i64) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = vec![Line::styled(app.cat.get("badges-title"), t.header())];
    let list = match &app.issuing.badges {
        Badges::Loaded(owner, list) if *owner == id => list,
        _ => {
            out.push(Line::styled(app.cat.get("badges-loading"), t.dim()));
            return out;
        }
    };
    if app.issuing.desk_busy.is_some_and(|(busy, _)| busy == id) {
        out.push(Line::styled(app.cat.get("badges-signing"), t.info()));
    }
    if list.is_empty() {
        out.push(Line::styled(app.cat.get("badges-none"), t.dim()));
    }
    for b in list {
        let name = sanitize(&app.issuing.achievement_name(&b.achievement_key));
        let issued = app
            .cat
            .fmt("badge-issued", &[("time", app.hhmm(b.issued_at).into())]);
        let (mark, state, style) = match (b.revoked_at, b.claimed_at) {
            (Some(at), _) => (
                "✗",
                app.cat.fmt(
                    "badge-revoked",
                    &[
                        ("time", app.hhmm(at).into()),
                        (
                            "reason",
                            sanitize(b.revoked_reason.as_deref().unwrap_or("")).into(),
                        ),
                    ],
                ),
                t.dim(),
            ),
            (None, Some(at)) => (
                "✔",
                app.cat
                    .fmt("badge-claimed", &[("time", app.hhmm(at).into())]),
                t.ok(),
            ),
            (None, None) => ("◆", app.cat.get("badge-unclaimed"), t.info()),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::raw(name),
        ]));
        // A revocation says when and why; otherwise the issue time and the claim.
        let detail = if b.revoked_at.is_some() {
            format!("  {state}")
        } else {
            format!("  {issued} · {state}")
        };
        out.push(Line::styled(detail, style));
    }
    out
}
