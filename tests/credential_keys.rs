//! Issuer key storage: generation, permissions, passphrase protection, and secrets that never
//! show up in Debug output or error messages.

use badgedesk::credential::keys::{self, KeyError, KeyOptions};
use badgedesk::credential::IssuerKey;

const SEED: [u8; 32] = [0x42; 32];

fn secret_strings() -> Vec<String> {
    // Every form the seed could leak in: hex, base58 multibase, raw bytes as Debug.
    let key = IssuerKey::from_seed(&SEED);
    let mut multibase = vec![0x80u8, 0x26];
    multibase.extend_from_slice(&SEED);
    let _ = key;
    vec![
        hex::encode(SEED),
        format!("z{}", bs58::encode(&multibase).into_string()),
        format!("{:?}", SEED),
    ]
}

fn assert_no_secret(text: &str) {
    for s in secret_strings() {
        assert!(!text.contains(&s), "secret leaked in: {text}");
    }
}

#[test]
fn stored_key_loads_back_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let key = IssuerKey::from_seed(&SEED);
    keys::store(dir.path(), &key, None, KeyOptions { work_factor: None }).unwrap();
    let loaded = keys::load(dir.path(), None).unwrap();
    assert_eq!(loaded.did_key(), key.did_key());
    assert!(!keys::is_encrypted(dir.path()).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keys::key_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwritten.
    let err = keys::store(dir.path(), &IssuerKey::from_seed(&[1; 32]), None, KeyOptions { work_factor: None })
        .unwrap_err();
    assert!(matches!(err, KeyError::Exists { .. }));
    assert_eq!(keys::load(dir.path(), None).unwrap().did_key(), key.did_key());
}

#[test]
fn generate_makes_distinct_keys() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let ka = keys::generate(a.path(), None).unwrap();
    let kb = keys::generate(b.path(), None).unwrap();
    assert_ne!(ka.did_key(), kb.did_key());
    assert!(ka.did_key().starts_with("did:key:z6Mk"));
}

#[cfg(unix)]
#[test]
fn readable_key_is_refused_with_the_exact_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    keys::store(dir.path(), &IssuerKey::from_seed(&SEED), None, KeyOptions { work_factor: None }).unwrap();
    let path = keys::key_path(dir.path());
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let err = keys::load(dir.path(), None).unwrap_err();
        assert!(matches!(err, KeyError::TooOpen { .. }), "{mode:o}");
        let msg = err.to_string();
        assert!(msg.contains(&format!("chmod 600 {}", path.display())), "{msg}");
        assert_no_secret(&msg);
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    assert!(keys::load(dir.path(), None).is_ok());
}

#[test]
fn passphrase_protected_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = IssuerKey::from_seed(&SEED);
    keys::store(dir.path(), &key, Some("correct horse"), KeyOptions { work_factor: Some(10) }).unwrap();
    assert!(keys::is_encrypted(dir.path()).unwrap());
    let file = std::fs::read_to_string(keys::key_path(dir.path())).unwrap();
    assert!(file.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert_no_secret(&file);
    assert!(matches!(keys::load(dir.path(), None), Err(KeyError::PassphraseRequired { .. })));
    let err = keys::load(dir.path(), Some("wrong")).unwrap_err();
    assert!(matches!(err, KeyError::WrongPassphrase { .. }));
    assert_no_secret(&err.to_string());
    assert_no_secret(&format!("{err:?}"));
    assert_eq!(keys::load(dir.path(), Some("correct horse")).unwrap().did_key(), key.did_key());
}

#[test]
fn no_secret_in_debug_or_errors() {
    let key = IssuerKey::from_seed(&SEED);
    assert_no_secret(&format!("{key:?}"));
    assert_no_secret(&format!("{key:#?}"));
    let dir = tempfile::tempdir().unwrap();
    let missing = keys::load(dir.path(), None).unwrap_err();
    assert!(matches!(missing, KeyError::Missing { .. }));
    // A damaged key file: the error names the file, not its content.
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    let path = keys::key_path(dir.path());
    let mut multibase = vec![0x80u8, 0x26];
    multibase.extend_from_slice(&SEED);
    multibase.push(0); // wrong length
    std::fs::write(&path, format!("z{}\n", bs58::encode(&multibase).into_string())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let err = keys::load(dir.path(), None).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }));
    assert_no_secret(&err.to_string());
    assert_no_secret(&format!("{err:?}"));
    // A signed credential and the did.json publish only public values.
    let signed = {
        let signer = badgedesk::credential::BatchSigner::new(
            key.clone(),
            badgedesk::credential::IssuerBinding::did_key(&key),
            "2026-11-26T17:30:00Z",
            &[
                "https://www.w3.org/ns/credentials/v2".into(),
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json".into(),
                "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into(),
            ],
        )
        .unwrap();
        let mut issuer_key_sample = sample_for(&key);
        issuer_key_sample = signer.sign(&issuer_key_sample).unwrap();
        issuer_key_sample.to_json()
    };
    assert_no_secret(&signed);
    let doc = badgedesk::credential::didkey::did_web_document("did:web:example.org", &key.verifying_key());
    assert_no_secret(&doc.to_string());
}

fn sample_for(key: &IssuerKey) -> badgedesk::credential::AchievementCredential {
    use badgedesk::credential::builder::{build, CredentialInputs};
    use badgedesk::credential::{AchievementInfo, IssuerInfo};
    let issuer = IssuerInfo { id: key.did_key(), name: "Issuer".into(), ..IssuerInfo::default() };
    let achievement = AchievementInfo {
        id: "https://example.org/a".into(),
        name: "A".into(),
        description: "D".into(),
        criteria_narrative: Some("C".into()),
        ..AchievementInfo::default()
    };
    let at = time::macros::datetime!(2026-11-26 17:00:00 UTC);
    build(
        &CredentialInputs {
            issuer: &issuer,
            achievement: &achievement,
            recipient_email: Some("x@example.org"),
            recipient_name: None,
            credential_id: uuid::Uuid::nil(),
            salt: "s",
            valid_from: at,
            valid_until: None,
            name: None,
            evidence: &[],
            with_schema: true,
        },
        at,
    )
    .unwrap()
}
