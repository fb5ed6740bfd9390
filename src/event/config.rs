//! `event.toml`: the organiser's description of the event, parsed strictly (unknown keys and bad
//! values are errors that name the key and the line) and then checked for consistency.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;

use super::EventError;
use crate::i18n::Lang;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventConfig {
    pub event: EventInfo,
    pub issuer: IssuerConfig,
    #[serde(default)]
    pub claim: ClaimConfig,
    #[serde(default)]
    pub activities: Vec<ActivityConfig>,
    #[serde(default)]
    pub achievements: Vec<AchievementConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInfo {
    pub name: String,
    #[serde(default)]
    pub start_date: Option<toml::value::Date>,
    #[serde(default)]
    pub end_date: Option<toml::value::Date>,
    #[serde(default)]
    pub place: Option<String>,
    /// Language of badges, claim pages and printed cards; the desk follows `--lang`/`LANG`.
    #[serde(default)]
    pub language: Option<Lang>,
    /// Put the attendee's name into the credential (turn off for events with minors).
    #[serde(default = "yes")]
    pub names_in_badges: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Path of the issuer logo, relative to the event folder.
    #[serde(default)]
    pub image: Option<String>,
    /// A web domain the issuer controls: the issuer becomes `did:web:<domain>` instead of did:key.
    #[serde(default)]
    pub did_web_domain: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimConfig {
    /// Public address the claim site will be published at, e.g. `https://badges.example.org/fr26`.
    #[serde(default)]
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityConfig {
    pub key: Spanned<String>,
    pub name: String,
}

impl ActivityConfig {
    pub fn key(&self) -> &str {
        self.key.get_ref()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementConfig {
    pub key: Spanned<String>,
    pub name: String,
    pub description: String,
    pub criteria: String,
    /// Badge image (PNG or SVG), relative to the event folder.
    pub image: String,
    pub rule: Spanned<AwardRule>,
    #[serde(default)]
    pub evidence_narrative: Option<String>,
    #[serde(default)]
    pub evidence_url: Option<String>,
    /// An imported column whose value becomes per-attendee evidence.
    #[serde(default)]
    pub evidence_column: Option<String>,
    #[serde(default)]
    pub valid_for_days: Option<u32>,
    #[serde(default)]
    pub valid_until: Option<toml::value::Date>,
}

impl AchievementConfig {
    pub fn key(&self) -> &str {
        self.key.get_ref()
    }
}

/// Who earns an achievement, evaluated over the check-in log.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AwardRule {
    /// Only issued by hand, at the desk or with `issue --attendee`.
    Manual,
    MinActivities(u32),
    AllOf(Vec<String>),
    AnyOf(Vec<String>),
    MinOf {
        n: u32,
        of: Vec<String>,
    },
}

impl AwardRule {
    /// The activity keys the rule names.
    pub fn activity_keys(&self) -> &[String] {
        match self {
            AwardRule::Manual | AwardRule::MinActivities(_) => &[],
            AwardRule::AllOf(keys) | AwardRule::AnyOf(keys) => keys,
            AwardRule::MinOf { of, .. } => of,
        }
    }
}

fn yes() -> bool {
    true
}

impl EventConfig {
    /// Parse and check `event.toml` text; `file` is only used in messages.
    pub fn parse(text: &str, file: &str) -> Result<EventConfig, EventError> {
        let config: EventConfig = toml::from_str(text).map_err(|e| EventError::Config {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        config.check(text, file)?;
        Ok(config)
    }

    pub fn activity(&self, key: &str) -> Option<&ActivityConfig> {
        self.activities.iter().find(|a| a.key() == key)
    }

    pub fn achievement(&self, key: &str) -> Option<&AchievementConfig> {
        self.achievements.iter().find(|a| a.key() == key)
    }

    fn check(&self, text: &str, file: &str) -> Result<(), EventError> {
        let invalid =
            |span: std::ops::Range<usize>, key: &str, message: String| EventError::Invalid {
                file: file.to_string(),
                line: line_of(text, span.start),
                key: key.to_string(),
                message,
            };
        if self.event.name.trim().is_empty() {
            return Err(invalid(0..0, "event.name", "must not be empty".into()));
        }
        if self.issuer.name.trim().is_empty() {
            return Err(invalid(0..0, "issuer.name", "must not be empty".into()));
        }
        if let (Some(start), Some(end)) = (self.event.start_date, self.event.end_date)
            && (end.year, end.month, end.day) < (start.year, start.month, start.day)
        {
            return Err(invalid(
                0..0,
                "event.end_date",
                format!("{end} is before start_date {start}"),
            ));
        }
        for (field, url) in [
            ("issuer.url", &self.issuer.url),
            ("claim.base_url", &self.claim.base_url),
        ] {
            if let Some(url) = url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(invalid(
                    0..0,
                    field,
                    format!("'{url}' must start with https:// (or http:// on a local network)"),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for activity in &self.activities {
            let key = activity.key();
            check_key(key).map_err(|m| invalid(activity.key.span(), "activities.key", m))?;
            if !seen.insert(key) {
                return Err(invalid(
                    activity.key.span(),
                    "activities.key",
                    format!("'{key}' is used twice: each activity needs its own key"),
                ));
            }
        }
        let mut achievements = BTreeSet::new();
        for achievement in &self.achievements {
            let key = achievement.key();
            check_key(key).map_err(|m| invalid(achievement.key.span(), "achievements.key", m))?;
            if !achievements.insert(key) {
                return Err(invalid(
                    achievement.key.span(),
                    "achievements.key",
                    format!("'{key}' is used twice: each achievement needs its own key"),
                ));
            }
            let rule = achievement.rule.get_ref();
            for wanted in rule.activity_keys() {
                if !seen.contains(wanted.as_str()) {
                    return Err(invalid(
                        achievement.rule.span(),
                        "achievements.rule",
                        format!(
                            "achievement '{key}' names activity '{wanted}', which is not among [[activities]] (known: {})",
                            join(&seen)
                        ),
                    ));
                }
            }
            let count = match rule {
                AwardRule::MinActivities(n) => Some((*n, self.activities.len())),
                AwardRule::MinOf { n, of } => Some((*n, of.len())),
                _ => None,
            };
            if let Some((n, available)) = count
                && (n == 0 || n as usize > available)
            {
                return Err(invalid(
                    achievement.rule.span(),
                    "achievements.rule",
                    format!(
                        "achievement '{key}' asks for {n} activities, but between 1 and {available} are possible"
                    ),
                ));
            }
            if matches!(rule, AwardRule::AllOf(k) | AwardRule::AnyOf(k) if k.is_empty()) {
                return Err(invalid(
                    achievement.rule.span(),
                    "achievements.rule",
                    format!("achievement '{key}' has a rule with an empty list of activities"),
                ));
            }
        }
        Ok(())
    }
}

/// Keys appear in files, URLs and the database: keep them to a safe alphabet.
fn check_key(key: &str) -> Result<(), String> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{key}' is not a valid key: use 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
        ))
    }
}

fn join(keys: &BTreeSet<&str>) -> String {
    keys.iter().copied().collect::<Vec<_>>().join(", ")
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}
