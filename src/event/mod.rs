//! The event folder: `event.toml`, `event.db`, `keys/`, `badges/`, `issued/`. Creating one
//! (`init`), opening one, and where each file lives. Knows nothing about the terminal.

mod config;
mod images;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use config::{
    AchievementConfig, ActivityConfig, AwardRule, ClaimConfig, EventConfig, EventInfo, IssuerConfig,
};
pub use images::{BadgeImage, ImageIssue};

use crate::i18n::Lang;
use crate::store::{Store, StoreError};

pub const CONFIG_FILE: &str = "event.toml";
pub const DB_FILE: &str = "event.db";

/// Default badge images shipped in the binary, copied into `badges/` by `init`.
pub const DEFAULT_BADGES: &[(&str, &[u8])] = &[
    (
        "participation.png",
        include_bytes!("../../assets/badges/participation.png"),
    ),
    (
        "workshop.png",
        include_bytes!("../../assets/badges/workshop.png"),
    ),
    (
        "explorer.png",
        include_bytes!("../../assets/badges/explorer.png"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("'{}' is not an event folder (no {CONFIG_FILE}): run `badgedesk init DIR` or pass --event DIR", dir.display())]
    NotAnEvent { dir: PathBuf },
    #[error("'{}' already holds an event ({CONFIG_FILE} or {DB_FILE} exists); choose another folder, nothing was changed", dir.display())]
    AlreadyExists { dir: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    #[error("{file}, line {line}, key '{key}': {message}")]
    Invalid {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] crate::credential::keys::KeyError),
}

impl EventError {
    /// The message in the interface language (`Display` is the English one). Only the errors
    /// an organiser meets first are translated; the others name a file or key and say why.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (EventError::NotAnEvent { dir }, Lang::Fr) => format!(
                "« {} » n’est pas un dossier d’évènement (pas de {CONFIG_FILE}) : lancez `badgedesk init DOSSIER` ou passez --event DOSSIER",
                dir.display()
            ),
            (EventError::AlreadyExists { dir }, Lang::Fr) => format!(
                "« {} » contient déjà un évènement ({CONFIG_FILE} ou {DB_FILE} existe) ; choisissez un autre dossier, rien n’a été modifié",
                dir.display()
            ),
            (EventError::Store(e), lang) => e.message(lang),
            _ => self.to_string(),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> EventError + '_ {
    move |source| EventError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An opened event folder with its parsed configuration.
#[derive(Debug, Clone)]
pub struct EventDir {
    root: PathBuf,
    config: EventConfig,
}

/// What `init` fills into the template.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub name: String,
    pub lang: Lang,
}

impl EventDir {
    /// Create a new event folder from the commented template. Refuses to touch an existing event.
    pub fn create(root: &Path, options: &InitOptions) -> Result<EventDir, EventError> {
        Self::create_with_config(root, &render_template(options))
    }

    /// Create a new event folder with the given `event.toml` text (used by `init` and `demo`).
    pub fn create_with_config(root: &Path, config_text: &str) -> Result<EventDir, EventError> {
        if root.join(CONFIG_FILE).exists() || root.join(DB_FILE).exists() {
            return Err(EventError::AlreadyExists {
                dir: root.to_path_buf(),
            });
        }
        let config = EventConfig::parse(config_text, CONFIG_FILE)?;
        fs::create_dir_all(root).map_err(io_err(root))?;
        let event = EventDir {
            root: root.to_path_buf(),
            config,
        };
        create_private_dir(&event.keys_dir())?;
        let badges = event.badges_dir();
        fs::create_dir_all(&badges).map_err(io_err(&badges))?;
        for (name, bytes) in DEFAULT_BADGES {
            let path = badges.join(name);
            if !path.exists() {
                fs::write(&path, bytes).map_err(io_err(&path))?;
            }
        }
        if !crate::credential::keys::key_path(root).exists() {
            crate::credential::keys::generate(root, None)?;
        }
        let mut store = Store::open(&event.db_path())?;
        store.sync_activities(&event.activity_list())?;
        // Written last: a folder without event.toml is not an event, so a failed init can be retried.
        let config_path = root.join(CONFIG_FILE);
        fs::write(&config_path, config_text).map_err(io_err(&config_path))?;
        Ok(event)
    }

    /// Open an existing event folder and check its configuration.
    pub fn open(root: &Path) -> Result<EventDir, EventError> {
        let config_path = root.join(CONFIG_FILE);
        let text = match fs::read_to_string(&config_path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(EventError::NotAnEvent {
                    dir: root.to_path_buf(),
                });
            }
            Err(e) => return Err(io_err(&config_path)(e)),
        };
        let file = config_path.display().to_string();
        let config = EventConfig::parse(&text, &file)?;
        Ok(EventDir {
            root: root.to_path_buf(),
            config,
        })
    }

    /// Open the event database and bring its activity list in line with `event.toml`.
    pub fn store(&self) -> Result<Store, EventError> {
        let mut store = Store::open(&self.db_path())?;
        store.sync_activities(&self.activity_list())?;
        Ok(store)
    }

    pub fn config(&self) -> &EventConfig {
        &self.config
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB_FILE)
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    pub fn badges_dir(&self) -> PathBuf {
        self.root.join("badges")
    }

    pub fn issued_dir(&self) -> PathBuf {
        self.root.join("issued")
    }

    /// Language of what the event publishes: `event.toml`, else the given fallback.
    pub fn language(&self, fallback: Lang) -> Lang {
        self.config.event.language.unwrap_or(fallback)
    }

    fn activity_list(&self) -> Vec<(String, String)> {
        self.config
            .activities
            .iter()
            .map(|a| (a.key().to_string(), a.name.clone()))
            .collect()
    }
}

fn create_private_dir(path: &Path) -> Result<(), EventError> {
    fs::create_dir_all(path).map_err(io_err(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_err(path))?;
    }
    Ok(())
}

/// The template with the name, language and language-specific defaults filled in.
pub fn render_template(options: &InitOptions) -> String {
    let (welcome, participation, description, criteria) = match options.lang {
        Lang::Fr => (
            "Accueil",
            "Participation",
            "A participé à l’événement.",
            "Être venu à l’événement et avoir été accueilli à au moins une activité.",
        ),
        Lang::En => (
            "Welcome desk",
            "Participation",
            "Took part in the event.",
            "Came to the event and checked in at one activity or more.",
        ),
    };
    let slug: String = crate::text::fold(&options.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    include_str!("../../assets/event-template.toml")
        .replace("{{NAME}}", &toml_escape(&options.name))
        .replace("{{LANG}}", options.lang.code())
        .replace("{{SLUG}}", &slug)
        .replace("{{WELCOME}}", welcome)
        .replace("{{PARTICIPATION}}", participation)
        .replace("{{PARTICIPATION_DESCRIPTION}}", description)
        .replace("{{PARTICIPATION_CRITERIA}}", criteria)
}

/// Escape for a TOML basic string.
fn toml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
