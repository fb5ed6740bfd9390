//! One unsigned credential from an award: recipient, evidence (the achievement's own, the
//! attendee's imported column, the activities that earned it with their dates) and expiry.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::engine::{IssueError, Issuer, Prepared, claim_token};
use crate::credential::builder::{self, Randomness};
use crate::credential::model::CredentialStatus;
use crate::credential::{AchievementCredential, CredentialInputs, EvidenceInfo};
use crate::event::AwardRule;
use crate::i18n::Lang;
use crate::model::Attendee;
use crate::store::{CheckInAction, CheckInEvent};

/// The activities an attendee is checked in at now, with the time of the tick that counts, from
/// their check-in history (ticks and undos, oldest first): one indexed query per attendee.
pub fn attended_from_history(history: &[CheckInEvent]) -> Vec<(String, OffsetDateTime)> {
    let mut present: BTreeMap<&str, OffsetDateTime> = BTreeMap::new();
    for event in history {
        match event.action {
            CheckInAction::Tick => {
                present.entry(&event.activity_key).or_insert(event.at);
            }
            CheckInAction::Undo => {
                present.remove(event.activity_key.as_str());
            }
        }
    }
    present
        .into_iter()
        .map(|(key, at)| (key.to_string(), at))
        .collect()
}

/// The random parts of one award. Drawn one award after another in a fixed order (so a seeded
/// run is reproducible), before the credentials are built in parallel.
pub(super) struct Draws {
    pub(super) status_index: Option<u64>,
    pub(super) salt: String,
    pub(super) credential_id: uuid::Uuid,
    pub(super) claim_token: String,
}

impl Draws {
    pub(super) fn new(status_index: Option<u64>, rng: &mut dyn Randomness) -> Self {
        let salt = rng.salt();
        let credential_id = rng.credential_id();
        Self {
            status_index,
            salt,
            credential_id,
            claim_token: claim_token(rng),
        }
    }
}

impl Issuer {
    /// Build the unsigned credential of `attendee` for `achievement`. `attended` is (activity
    /// key, checked in since) of the attendee; `draws` its random parts.
    pub(super) fn build(
        &self,
        attendee: &Attendee,
        achievement: &str,
        attended: &[(String, OffsetDateTime)],
        draws: &Draws,
    ) -> Result<AchievementCredential, IssueError> {
        let prepared = self.prepared(achievement)?;
        let evidence = self.evidence(prepared, attendee, attended);
        let name = attendee.display_name();
        let shared = &self.shared;
        let inputs = CredentialInputs {
            issuer: &shared.issuer,
            achievement: &prepared.info,
            recipient_email: attendee.email.as_deref(),
            recipient_name: shared.names_in_badges.then_some(name.as_str()),
            credential_id: draws.credential_id,
            salt: &draws.salt,
            valid_from: self.now,
            valid_until: prepared
                .valid_until
                .or(prepared.valid_for.map(|d| self.now + d)),
            name: None,
            evidence: &evidence,
            with_schema: true,
        };
        let mut credential =
            builder::build(&inputs, self.now).map_err(|source| IssueError::Build {
                attendee: attendee.id,
                achievement: achievement.to_string(),
                source,
            })?;
        if let (Some(url), Some(index)) = (&shared.status_list_url, draws.status_index) {
            credential.credential_status = Some(CredentialStatus::revocation(url, index));
        }
        Ok(credential)
    }

    fn evidence(
        &self,
        prepared: &Prepared,
        attendee: &Attendee,
        attended: &[(String, OffsetDateTime)],
    ) -> Vec<EvidenceInfo> {
        let mut evidence = prepared.evidence.clone();
        if let Some(column) = &prepared.evidence_column
            && let Some(value) = attendee.extra.get(column).filter(|v| !v.trim().is_empty())
        {
            evidence.push(EvidenceInfo {
                name: Some(column.clone()),
                narrative: Some(value.clone()),
                ..Default::default()
            });
        }
        // The activities that earned the badge: those the rule names, or all for a count rule.
        let relevant = prepared.rule.activity_keys();
        let mut lines: Vec<(OffsetDateTime, String)> = attended
            .iter()
            .filter(|(key, _)| relevant.is_empty() || relevant.contains(key))
            .map(|(key, at)| {
                let name = self
                    .shared
                    .activity_names
                    .get(key)
                    .map_or(key.as_str(), String::as_str);
                (*at, format!("{name} ({})", at.date()))
            })
            .collect();
        if !lines.is_empty() {
            lines.sort();
            let title = match self.shared.lang {
                Lang::Fr => "Activités suivies",
                Lang::En => "Activities attended",
            };
            let narrative = lines
                .into_iter()
                .map(|(_, line)| line)
                .collect::<Vec<_>>()
                .join("\n");
            evidence.push(EvidenceInfo {
                name: Some(title.to_string()),
                narrative: Some(narrative),
                ..Default::default()
            });
        }
        evidence
    }
}

/// Does `rule` hold for these activity keys? (`manual` never does.)
pub fn qualifies(rule: &AwardRule, attended: &[(String, OffsetDateTime)]) -> bool {
    let keys = attended.iter().map(|(k, _)| k.as_str()).collect();
    crate::rules::qualifies(rule, &keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event(key: &str, action: CheckInAction, at: OffsetDateTime) -> CheckInEvent {
        CheckInEvent {
            activity_key: key.to_string(),
            action,
            at,
            actor: "t".into(),
        }
    }

    #[test]
    fn presence_is_replayed_from_ticks_and_undos() {
        let t1 = datetime!(2026-05-16 09:00 UTC);
        let t2 = datetime!(2026-05-16 10:00 UTC);
        let t3 = datetime!(2026-05-16 11:00 UTC);
        let history = [
            event("sumo", CheckInAction::Tick, t1),
            event("scratch", CheckInAction::Tick, t1),
            event("sumo", CheckInAction::Undo, t2),
            event("sumo", CheckInAction::Tick, t3),
        ];
        assert_eq!(
            attended_from_history(&history),
            vec![("scratch".to_string(), t1), ("sumo".to_string(), t3)]
        );
        assert!(qualifies(
            &AwardRule::MinActivities(2),
            &attended_from_history(&history)
        ));
        assert!(attended_from_history(&history[..3]).len() == 1);
    }
}
