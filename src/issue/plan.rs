//! The issuing preview: for each achievement, who will get it now, who already has it, and who
//! cannot get it and why — computed before anything is signed.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::event::{AwardRule, EventConfig};
use crate::i18n::Lang;
use crate::model::Attendee;
use crate::rules;

/// Why an eligible attendee cannot receive a credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocked {
    /// Names are off for this event (`names_in_badges = false`) and there is no e-mail: the
    /// credential would name nobody.
    NoRecipientIdentity,
}

impl Blocked {
    pub fn explain(&self) -> &'static str {
        self.message(Lang::En)
    }

    /// Why, in the interface language (the issue report).
    pub fn message(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Blocked::NoRecipientIdentity, Lang::En) => {
                "no recipient identity: no e-mail, and names_in_badges = false"
            }
            (Blocked::NoRecipientIdentity, Lang::Fr) => {
                "pas de destinataire identifiable : pas d’e-mail, et names_in_badges = false"
            }
        }
    }
}

/// What will happen for one achievement.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AchievementPlan {
    pub achievement: String,
    pub to_issue: Vec<i64>,
    pub already_issued: Vec<i64>,
    pub blocked: Vec<(i64, Blocked)>,
}

/// Which attendees to consider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everyone the award rule qualifies.
    AllEligible,
    /// One attendee, issued by hand: the rule is not required (desk and `--attendee`).
    Attendee(i64),
}

/// Build the preview. `presence` is (attendee id, activity key); `live` the awards already held.
pub fn plan(
    config: &EventConfig,
    attendees: &[Attendee],
    presence: &[(i64, String)],
    live: &HashSet<(i64, String)>,
    only_achievement: Option<&str>,
    selection: &Selection,
) -> Vec<AchievementPlan> {
    let by_attendee =
        rules::activities_by_attendee(presence.iter().map(|(id, key)| (*id, key.as_str())));
    let people: BTreeMap<i64, &Attendee> = attendees.iter().map(|a| (a.id, a)).collect();
    let mut out = Vec::new();
    for achievement in &config.achievements {
        let key = achievement.key();
        if only_achievement.is_some_and(|only| only != key) {
            continue;
        }
        let candidates: BTreeSet<i64> = match selection {
            Selection::AllEligible => rules::eligible(achievement.rule.get_ref(), &by_attendee)
                .into_iter()
                .collect(),
            Selection::Attendee(id) => people.contains_key(id).then_some(*id).into_iter().collect(),
        };
        let mut entry = AchievementPlan {
            achievement: key.to_string(),
            ..Default::default()
        };
        for id in candidates {
            let Some(person) = people.get(&id) else {
                continue;
            };
            if live.contains(&(id, key.to_string())) {
                entry.already_issued.push(id);
            } else if !config.event.names_in_badges && person.email.is_none() {
                entry.blocked.push((id, Blocked::NoRecipientIdentity));
            } else {
                entry.to_issue.push(id);
            }
        }
        out.push(entry);
    }
    out
}

/// True when the rule can only be applied by hand.
pub fn is_manual(rule: &AwardRule) -> bool {
    matches!(rule, AwardRule::Manual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventConfig;

    fn config(names: bool) -> EventConfig {
        let text = format!(
            r#"
[event]
name = "E"
names_in_badges = {names}
[issuer]
name = "I"
[[activities]]
key = "a"
name = "A"
[[activities]]
key = "b"
name = "B"
[[achievements]]
key = "any"
name = "Any"
description = "d"
criteria = "c"
image = "badges/participation.png"
rule = {{ min_activities = 1 }}
[[achievements]]
key = "both"
name = "Both"
description = "d"
criteria = "c"
image = "badges/participation.png"
rule = {{ all_of = ["a", "b"] }}
[[achievements]]
key = "hand"
name = "Hand"
description = "d"
criteria = "c"
image = "badges/participation.png"
rule = "manual"
"#
        );
        EventConfig::parse(&text, "event.toml").unwrap()
    }

    fn person(id: i64, email: Option<&str>) -> Attendee {
        Attendee {
            id,
            ticket: None,
            given_name: format!("P{id}"),
            family_name: "X".into(),
            email: email.map(str::to_string),
            contact_email: None,
            organisation: None,
            extra: Default::default(),
            source: None,
        }
    }

    #[test]
    fn preview_splits_issue_already_and_blocked() {
        let people = [
            person(1, Some("a@x.fr")),
            person(2, None),
            person(3, Some("c@x.fr")),
        ];
        let presence = vec![
            (1, "a".to_string()),
            (1, "b".to_string()),
            (2, "a".to_string()),
        ];
        let live: HashSet<(i64, String)> = [(1, "any".to_string())].into();
        let plans = plan(
            &config(true),
            &people,
            &presence,
            &live,
            None,
            &Selection::AllEligible,
        );
        assert_eq!(
            plans[0],
            AchievementPlan {
                achievement: "any".into(),
                to_issue: vec![2],
                already_issued: vec![1],
                blocked: vec![]
            }
        );
        assert_eq!(plans[1].to_issue, vec![1]);
        assert!(
            plans[2].to_issue.is_empty(),
            "manual rules are never automatic"
        );

        let plans = plan(
            &config(false),
            &people,
            &presence,
            &HashSet::new(),
            Some("any"),
            &Selection::AllEligible,
        );
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].to_issue, vec![1]);
        assert_eq!(plans[0].blocked, vec![(2, Blocked::NoRecipientIdentity)]);
    }

    #[test]
    fn by_hand_ignores_the_rule() {
        let people = [person(3, Some("c@x.fr"))];
        let plans = plan(
            &config(true),
            &people,
            &[],
            &HashSet::new(),
            Some("hand"),
            &Selection::Attendee(3),
        );
        assert_eq!(plans[0].to_issue, vec![3]);
        let plans = plan(
            &config(true),
            &people,
            &[],
            &HashSet::new(),
            Some("hand"),
            &Selection::Attendee(99),
        );
        assert!(plans[0].to_issue.is_empty());
    }
}
