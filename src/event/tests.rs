use super::*;

const MINIMAL: &str = r#"
[event]
name = "FestiRobot"

[issuer]
name = "Robots de Normandie"

[[activities]]
key = "sumo"
name = "Sumo"

[[achievements]]
key = "sumo-badge"
name = "Sumo"
description = "d"
criteria = "c"
image = "badges/workshop.png"
rule = { all_of = ["sumo"] }
"#;

#[test]
fn template_parses_in_both_languages() {
    for lang in [Lang::Fr, Lang::En] {
        let text = render_template(&InitOptions {
            name: "Festi \"Robot\" 2026".into(),
            lang,
        });
        let config = EventConfig::parse(&text, "event.toml").unwrap();
        assert_eq!(config.event.name, "Festi \"Robot\" 2026");
        assert_eq!(config.event.language, Some(lang));
        assert_eq!(
            config.achievements[0].rule.get_ref(),
            &AwardRule::MinActivities(1)
        );
    }
}

#[test]
fn rules_parse_in_every_form() {
    let rules = [
        ("\"manual\"", AwardRule::Manual),
        ("{ min_activities = 1 }", AwardRule::MinActivities(1)),
        (
            "{ any_of = [\"sumo\"] }",
            AwardRule::AnyOf(vec!["sumo".into()]),
        ),
        (
            "{ min_of = { n = 1, of = [\"sumo\"] } }",
            AwardRule::MinOf {
                n: 1,
                of: vec!["sumo".into()],
            },
        ),
    ];
    for (text, expected) in rules {
        let config = MINIMAL.replace("{ all_of = [\"sumo\"] }", text);
        let parsed = EventConfig::parse(&config, "event.toml").unwrap();
        assert_eq!(parsed.achievements[0].rule.get_ref(), &expected);
    }
}

#[test]
fn unknown_key_names_key_and_line() {
    let text = MINIMAL.replace(
        "name = \"Sumo\"\n\n[[ach",
        "name = \"Sumo\"\ncolour = \"red\"\n\n[[ach",
    );
    let err = EventConfig::parse(&text, "event.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("event.toml"), "{err}");
    assert!(err.contains("colour"), "{err}");
    assert!(err.contains("line 11"), "{err}");
}

#[test]
fn rule_with_unknown_activity_names_the_achievement() {
    let text = MINIMAL.replace("all_of = [\"sumo\"]", "all_of = [\"sumo\", \"lego\"]");
    let err = EventConfig::parse(&text, "event.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'sumo-badge'") && err.contains("'lego'") && err.contains("line 18"),
        "{err}"
    );
}

#[test]
fn bad_values_are_explained() {
    let cases = [
        (
            MINIMAL.replace("key = \"sumo\"", "key = \"Sumo Bot\""),
            "not a valid key",
        ),
        (
            MINIMAL.replace("all_of = [\"sumo\"]", "min_activities = 2"),
            "between 1 and 1",
        ),
        (
            MINIMAL.replace(
                "name = \"Robots de Normandie\"",
                "name = \"R\"\nurl = \"www.x.org\"",
            ),
            "https://",
        ),
        (
            MINIMAL.replace("all_of = [\"sumo\"]", "sometimes = 1"),
            "unknown variant",
        ),
        (
            format!("{MINIMAL}\n[[activities]]\nkey = \"sumo\"\nname = \"Again\"\n"),
            "used twice",
        ),
    ];
    for (text, expected) in cases {
        let err = EventConfig::parse(&text, "event.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected '{expected}' in: {err}");
    }
}

#[test]
fn create_refuses_existing_event_and_open_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("fr26");
    let options = InitOptions {
        name: "FestiRobot".into(),
        lang: Lang::Fr,
    };
    let event = EventDir::create(&root, &options).unwrap();
    assert!(event.db_path().exists());
    assert!(event.badges_dir().join("participation.png").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(event.keys_dir())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        let key_mode = std::fs::metadata(crate::credential::keys::key_path(&root)).unwrap().permissions().mode();
        assert_eq!(key_mode & 0o777, 0o600);
    }
    let key = crate::credential::keys::load(&root, None).unwrap();
    assert!(key.did_key().starts_with("did:key:z6Mk"));
    let err = EventDir::create(&root, &options).unwrap_err();
    assert!(matches!(err, EventError::AlreadyExists { .. }));
    let opened = EventDir::open(&root).unwrap();
    let store = opened.store().unwrap();
    assert_eq!(store.activities().unwrap()[0].key, "welcome");
    let err = EventDir::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("badgedesk init"), "{err}");
}
