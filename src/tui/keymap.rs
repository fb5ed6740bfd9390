//! The key table: (context, key) → command. `route` handles keys with it and the help overlay
//! and the status bar are drawn from it, so what the help says is what the keys do.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Command};

/// Where the keyboard focus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Desk,
    Help,
    Picker,
    WalkIn,
    Import,
    /// Choosing one badge to issue.
    IssuePick,
    /// The claim card (QR) after a desk issue.
    IssueCard,
    /// The closing-time issue screen.
    IssueScreen,
    /// The revoke prompt.
    Revoke,
}

/// Every context, for tests and the help.
pub const CONTEXTS: [Context; 9] = [
    Context::Desk,
    Context::Help,
    Context::Picker,
    Context::WalkIn,
    Context::Import,
    Context::IssuePick,
    Context::IssueCard,
    Context::IssueScreen,
    Context::Revoke,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// One line of the table: the keys, the command, and the help message id.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub command: Command,
    pub help: &'static str,
}

const fn b(keys: &'static [Key], command: Command, help: &'static str) -> Binding {
    Binding {
        keys,
        command,
        help,
    }
}

const QUIT: Binding = b(
    &[ctrl('c'), ctrl('q'), k(KeyCode::F(10))],
    Command::Quit,
    "key-quit",
);

pub const DESK: &[Binding] = &[
    b(&[k(KeyCode::Enter)], Command::Tick, "key-tick"),
    b(&[k(KeyCode::F(1))], Command::Help, "key-help"),
    b(&[ctrl('z'), k(KeyCode::F(8))], Command::Undo, "key-undo"),
    b(
        &[k(KeyCode::Tab)],
        Command::NextActivity,
        "key-next-activity",
    ),
    b(
        &[k(KeyCode::F(3))],
        Command::PickActivity,
        "key-pick-activity",
    ),
    b(&[k(KeyCode::F(4))], Command::CycleFilter, "key-filter"),
    b(&[k(KeyCode::F(2))], Command::WalkIn, "key-walk-in"),
    b(&[k(KeyCode::F(5))], Command::Import, "key-import"),
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(&[k(KeyCode::Down)], Command::Down, "key-move"),
    b(&[k(KeyCode::PageUp)], Command::PageUp, "key-page"),
    b(&[k(KeyCode::PageDown)], Command::PageDown, "key-page"),
    b(&[k(KeyCode::Home)], Command::Home, "key-move"),
    b(&[k(KeyCode::End)], Command::End, "key-move"),
    b(
        &[k(KeyCode::Esc), ctrl('u')],
        Command::ClearSearch,
        "key-clear",
    ),
    b(&[ctrl('w')], Command::DeleteWord, "key-clear"),
    b(&[k(KeyCode::Backspace)], Command::Backspace, "key-clear"),
    b(
        &[k(KeyCode::BackTab)],
        Command::PreviousActivity,
        "key-next-activity",
    ),
    b(&[k(KeyCode::F(6))], Command::IssueEarned, "key-issue"),
    b(&[k(KeyCode::F(7))], Command::IssuePick, "key-issue-pick"),
    b(&[ctrl('p')], Command::Print, "key-print"),
    b(&[ctrl('r')], Command::Revoke, "key-revoke"),
    b(
        &[k(KeyCode::F(9))],
        Command::IssueScreen,
        "key-issue-screen",
    ),
    QUIT,
];

const HELP: &[Binding] = &[
    b(
        &[k(KeyCode::Esc), k(KeyCode::F(1)), k(KeyCode::Enter)],
        Command::Cancel,
        "help-close",
    ),
    QUIT,
];

const PICKER: &[Binding] = &[
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(
        &[k(KeyCode::Down), k(KeyCode::Tab)],
        Command::Down,
        "key-move",
    ),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-choose"),
    b(
        &[k(KeyCode::Esc), k(KeyCode::F(3))],
        Command::Cancel,
        "key-cancel",
    ),
    QUIT,
];

const WALK_IN: &[Binding] = &[
    b(
        &[k(KeyCode::Tab), k(KeyCode::Down)],
        Command::NextField,
        "key-field",
    ),
    b(
        &[k(KeyCode::BackTab), k(KeyCode::Up)],
        Command::PreviousField,
        "key-field",
    ),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-save"),
    b(&[k(KeyCode::Esc)], Command::Cancel, "key-cancel"),
    b(&[k(KeyCode::Backspace)], Command::Backspace, "key-clear"),
    QUIT,
];

const IMPORT: &[Binding] = &[
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(&[k(KeyCode::Down)], Command::Down, "key-move"),
    b(&[k(KeyCode::Tab)], Command::NextField, "key-field"),
    b(&[k(KeyCode::Left)], Command::Left, "key-mapping"),
    b(&[k(KeyCode::Right)], Command::Right, "key-mapping"),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-confirm"),
    b(&[k(KeyCode::Esc)], Command::Cancel, "key-cancel"),
    b(&[k(KeyCode::Backspace)], Command::Backspace, "key-clear"),
    QUIT,
];

const ISSUE_PICK: &[Binding] = &[
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(
        &[k(KeyCode::Down), k(KeyCode::Tab)],
        Command::Down,
        "key-move",
    ),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-issue-this"),
    b(
        &[k(KeyCode::Esc), k(KeyCode::F(7))],
        Command::Cancel,
        "key-cancel",
    ),
    QUIT,
];

const ISSUE_CARD: &[Binding] = &[
    b(&[k(KeyCode::Left)], Command::Left, "key-other-badge"),
    b(
        &[k(KeyCode::Right), k(KeyCode::Tab)],
        Command::Right,
        "key-other-badge",
    ),
    b(&[ctrl('p')], Command::Print, "key-print"),
    b(
        &[k(KeyCode::Esc), k(KeyCode::Enter), k(KeyCode::F(6))],
        Command::Cancel,
        "key-close",
    ),
    QUIT,
];

const ISSUE_SCREEN: &[Binding] = &[
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(&[k(KeyCode::Down)], Command::Down, "key-move"),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-issue-confirm"),
    b(
        &[ctrl('p'), k(KeyCode::Char('p'))],
        Command::Print,
        "key-print-issued",
    ),
    b(
        &[k(KeyCode::Esc), k(KeyCode::F(9))],
        Command::Cancel,
        "key-issue-stop",
    ),
    QUIT,
];

const REVOKE: &[Binding] = &[
    b(&[k(KeyCode::Up)], Command::Up, "key-move"),
    b(
        &[k(KeyCode::Down), k(KeyCode::Tab)],
        Command::Down,
        "key-move",
    ),
    b(&[k(KeyCode::Enter)], Command::Submit, "key-revoke-confirm"),
    b(&[k(KeyCode::Esc)], Command::Cancel, "key-cancel"),
    b(&[k(KeyCode::Backspace)], Command::Backspace, "key-clear"),
    QUIT,
];

pub fn table(ctx: Context) -> &'static [Binding] {
    match ctx {
        Context::Desk => DESK,
        Context::Help => HELP,
        Context::Picker => PICKER,
        Context::WalkIn => WALK_IN,
        Context::Import => IMPORT,
        Context::IssuePick => ISSUE_PICK,
        Context::IssueCard => ISSUE_CARD,
        Context::IssueScreen => ISSUE_SCREEN,
        Context::Revoke => REVOKE,
    }
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    // Shift is part of the character itself (and of BackTab), so it is ignored.
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    key.code == ev.code && key.mods == mods
}

/// The command bound to `ev` in `ctx`, if any.
pub fn lookup(ctx: Context, ev: &KeyEvent) -> Option<Command> {
    table(ctx)
        .iter()
        .find(|b| b.keys.iter().any(|k| matches(k, ev)))
        .map(|b| b.command)
}

/// Turns a key press into an action: a bound command, or a typed character.
pub fn route(ctx: Context, ev: &KeyEvent, at: Instant) -> Option<Action> {
    if let Some(command) = lookup(ctx, ev) {
        return Some(Action::Command(command, at));
    }
    let typed = !ev
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match (ctx, ev.code) {
        (Context::Help, _) => Some(Action::Command(Command::Cancel, at)),
        (Context::Desk, KeyCode::Char(' ')) if typed => Some(Action::Space(at)),
        (Context::Desk | Context::WalkIn | Context::Import | Context::Revoke, KeyCode::Char(c))
            if typed && !c.is_control() =>
        {
            Some(Action::Type(c, at))
        }
        _ => None,
    }
}

/// How a key is written in the help ("Ctrl-Z", "F2", "Enter").
pub fn label(key: &Key, fr: bool) -> String {
    let base = match key.code {
        KeyCode::Enter => if fr { "Entrée" } else { "Enter" }.to_string(),
        KeyCode::Esc => if fr { "Échap" } else { "Esc" }.to_string(),
        KeyCode::Tab => "Tab".to_string(),
        KeyCode::BackTab => if fr { "Maj-Tab" } else { "Shift-Tab" }.to_string(),
        KeyCode::Backspace => "⌫".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::PageUp => if fr { "Pg↑" } else { "PgUp" }.to_string(),
        KeyCode::PageDown => if fr { "Pg↓" } else { "PgDn" }.to_string(),
        KeyCode::Home => if fr { "Début" } else { "Home" }.to_string(),
        KeyCode::End => if fr { "Fin" } else { "End" }.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => if fr { "Espace" } else { "Space" }.to_string(),
        KeyCode::Char(c) => c.to_uppercase().to_string(),
        _ => "?".to_string(),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// The help lines of a context: keys joined, one line per distinct help text, in table order.
pub fn help_lines(ctx: Context, fr: bool) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for binding in table(ctx) {
        let keys: Vec<String> = binding.keys.iter().map(|k| label(k, fr)).collect();
        match out.iter_mut().find(|(_, h)| *h == binding.help) {
            Some((labels, _)) => {
                labels.push(' ');
                labels.push_str(&keys.join(" "));
            }
            None => out.push((keys.join(" "), binding.help)),
        }
    }
    if ctx == Context::Desk {
        // Space ticks after moving the selection: it is handled outside the table.
        if let Some((labels, _)) = out.iter_mut().find(|(_, h)| *h == "key-tick") {
            labels.push_str(if fr { " Espace" } else { " Space" });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn every_binding_routes_to_its_command() {
        let now = Instant::now();
        for ctx in CONTEXTS {
            for binding in table(ctx) {
                for k in binding.keys {
                    // The first binding of a key wins; the table must not bind one key twice.
                    let got = lookup(ctx, &key(k.code, k.mods));
                    assert_eq!(got, Some(binding.command), "{ctx:?} {k:?}");
                }
            }
        }
        assert!(matches!(
            route(
                Context::Desk,
                &key(KeyCode::Char('é'), KeyModifiers::NONE),
                now
            ),
            Some(Action::Type('é', _))
        ));
        assert!(matches!(
            route(
                Context::Desk,
                &key(KeyCode::Char('D'), KeyModifiers::SHIFT),
                now
            ),
            Some(Action::Type('D', _))
        ));
        assert!(matches!(
            route(
                Context::Desk,
                &key(KeyCode::Char(' '), KeyModifiers::NONE),
                now
            ),
            Some(Action::Space(_))
        ));
        assert!(matches!(
            route(
                Context::Desk,
                &key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                now
            ),
            Some(Action::Command(Command::Quit, _))
        ));
        assert!(
            route(
                Context::Desk,
                &key(KeyCode::Char('x'), KeyModifiers::ALT),
                now
            )
            .is_none()
        );
    }

    #[test]
    fn help_comes_from_the_table() {
        let lines = help_lines(Context::Desk, false);
        let tick = lines.iter().find(|(_, h)| *h == "key-tick");
        assert_eq!(tick.map(|(l, _)| l.as_str()), Some("Enter Space"));
        let undo = lines.iter().find(|(_, h)| *h == "key-undo");
        assert_eq!(undo.map(|(l, _)| l.as_str()), Some("Ctrl-Z F8"));
        assert!(
            lines
                .iter()
                .any(|(l, h)| *h == "key-quit" && l.contains("F10"))
        );
    }
}
