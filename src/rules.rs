//! Award rules: who has earned which achievement, from the activities they were checked in at.
//! Pure functions over plain data, so the issue screen, the CLI and the desk agree.

use std::collections::{BTreeMap, BTreeSet};

use crate::event::AwardRule;

/// Does someone present at `activities` earn an achievement with this rule? `manual` never
/// qualifies automatically: it is issued by hand.
pub fn qualifies(rule: &AwardRule, activities: &BTreeSet<&str>) -> bool {
    match rule {
        AwardRule::Manual => false,
        AwardRule::MinActivities(n) => activities.len() >= *n as usize,
        AwardRule::AllOf(keys) => keys.iter().all(|k| activities.contains(k.as_str())),
        AwardRule::AnyOf(keys) => keys.iter().any(|k| activities.contains(k.as_str())),
        AwardRule::MinOf { n, of } => {
            of.iter()
                .filter(|k| activities.contains(k.as_str()))
                .count()
                >= *n as usize
        }
    }
}

/// Attendee id → the activity keys they are checked in at, from `(attendee_id, activity_key)` pairs.
pub fn activities_by_attendee<'a>(
    presence: impl IntoIterator<Item = (i64, &'a str)>,
) -> BTreeMap<i64, BTreeSet<&'a str>> {
    let mut out: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for (attendee_id, key) in presence {
        out.entry(attendee_id).or_default().insert(key);
    }
    out
}

/// The attendees (sorted ids) who qualify for a rule.
pub fn eligible(rule: &AwardRule, by_attendee: &BTreeMap<i64, BTreeSet<&str>>) -> Vec<i64> {
    by_attendee
        .iter()
        .filter(|(_, acts)| qualifies(rule, acts))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(keys: &[&'a str]) -> BTreeSet<&'a str> {
        keys.iter().copied().collect()
    }

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_rule_form() {
        let sumo_only = set(&["sumo"]);
        let three = set(&["sumo", "scratch", "thymio"]);
        let none = set(&[]);
        assert!(!qualifies(&AwardRule::Manual, &three));
        assert!(qualifies(&AwardRule::MinActivities(1), &sumo_only));
        assert!(!qualifies(&AwardRule::MinActivities(1), &none));
        assert!(!qualifies(&AwardRule::MinActivities(3), &sumo_only));
        assert!(qualifies(&AwardRule::MinActivities(3), &three));
        assert!(qualifies(&AwardRule::AllOf(keys(&["sumo"])), &sumo_only));
        assert!(!qualifies(
            &AwardRule::AllOf(keys(&["sumo", "scratch"])),
            &sumo_only
        ));
        assert!(qualifies(
            &AwardRule::AnyOf(keys(&["lego", "sumo"])),
            &sumo_only
        ));
        assert!(!qualifies(&AwardRule::AnyOf(keys(&["lego"])), &three));
        let two_of = AwardRule::MinOf {
            n: 2,
            of: keys(&["sumo", "scratch", "lego"]),
        };
        assert!(qualifies(&two_of, &three));
        assert!(!qualifies(&two_of, &sumo_only));
    }

    #[test]
    fn eligibility_over_presence() {
        let presence = [
            (1, "sumo"),
            (2, "sumo"),
            (2, "scratch"),
            (3, "thymio"),
            (2, "sumo"),
        ];
        let by = activities_by_attendee(presence);
        assert_eq!(by[&2].len(), 2);
        assert_eq!(
            eligible(&AwardRule::AllOf(keys(&["sumo"])), &by),
            vec![1, 2]
        );
        assert_eq!(eligible(&AwardRule::MinActivities(2), &by), vec![2]);
        assert_eq!(eligible(&AwardRule::Manual, &by), Vec::<i64>::new());
    }
}
