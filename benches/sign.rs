//! Signing and verification throughput (prints numbers; no assertions on time).
//!
//! `cargo bench --bench sign` (N distinct credentials, default 5000: `BENCH_N=20000 cargo bench
//! --bench sign`). Measures: fast path on 1 thread and on all cores, the general JSON-LD path
//! for comparison, and verification (fast and general) on 1 thread and all cores.

use std::time::Instant;

use badgedesk::credential::builder::{self, CredentialInputs};
use badgedesk::credential::sign::parallel_map;
use badgedesk::credential::verify::{self, VerifyOptions};
use badgedesk::credential::{
    AchievementCredential, AchievementInfo, BatchSigner, IssuerBinding, IssuerInfo, IssuerKey, didkey, proof,
};
use time::macros::datetime;

fn credentials(key: &IssuerKey, n: usize) -> Vec<AchievementCredential> {
    let issuer = IssuerInfo {
        id: key.did_key(),
        name: "Festirobot 2026".into(),
        url: Some("https://festirobot.example.org".into()),
        email: Some("contact@festirobot.example.org".into()),
        description: None,
        image: Some("https://festirobot.example.org/logo.png".into()),
    };
    let achievement = AchievementInfo {
        id: "https://festirobot.example.org/badges/sumo".into(),
        name: "Atelier Sumo".into(),
        description: "A participé à l'atelier « robots sumo ».".into(),
        criteria_narrative: Some("Présent à l'atelier sumo (2 h).".into()),
        image: Some("https://festirobot.example.org/badges/sumo.png".into()),
        achievement_type: Some("Badge".into()),
        ..AchievementInfo::default()
    };
    let at = datetime!(2026-11-26 17:30:00 UTC);
    (0..n)
        .map(|i| {
            let email = format!("participant.{i}@example.org");
            let name = format!("Participant Numéro {i}");
            let salt = format!("{:032x}", (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834));
            let inputs = CredentialInputs {
                issuer: &issuer,
                achievement: &achievement,
                recipient_email: Some(&email),
                recipient_name: Some(&name),
                credential_id: uuid::Uuid::from_u128(0x4000_8000_0000_0000_0000 + i as u128),
                salt: &salt,
                valid_from: at,
                valid_until: None,
                name: None,
                evidence: &[],
                with_schema: true,
            };
            builder::build(&inputs, at).expect("bench inputs are valid")
        })
        .collect()
}

fn report(label: &str, n: usize, start: Instant) {
    let secs = start.elapsed().as_secs_f64();
    println!("{label:<44} {n:>6} in {secs:>7.3} s = {:>8.0} /s", n as f64 / secs);
}

fn main() {
    let n: usize = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let key = IssuerKey::from_seed(&[7u8; 32]);
    let creds = credentials(&key, n);
    let created = "2026-11-26T17:30:00Z";
    println!("badgedesk signing bench: {n} distinct credentials, {cores} cores");

    let signer = BatchSigner::new(key.clone(), IssuerBinding::did_key(&key), created, &creds[0].context).expect("signer");
    let start = Instant::now();
    let one = signer.sign_all(&creds, 1);
    report("sign, fast path, 1 thread", n, start);
    let signer = BatchSigner::new(key.clone(), IssuerBinding::did_key(&key), created, &creds[0].context).expect("signer");
    let start = Instant::now();
    let all = signer.sign_all(&creds, 0);
    report(&format!("sign, fast path, {cores} threads"), n, start);
    assert!(one.iter().zip(&all).all(|(a, b)| a.as_ref().ok() == b.as_ref().ok() && a.is_ok()));

    let g = n.min(1000);
    let options = proof::proof_options(&didkey::did_key_verification_method(&key.verifying_key()), created);
    let start = Instant::now();
    let general: Vec<_> = creds[..g].iter().map(|c| proof::sign_general(c, &key, &options)).collect();
    report("sign, general JSON-LD path, 1 thread", g, start);
    let start = Instant::now();
    let _ = parallel_map(&creds[..g], cores, |c| proof::sign_general(c, &key, &options));
    report(&format!("sign, general JSON-LD path, {cores} threads"), g, start);
    for (a, b) in general.iter().zip(&one) {
        assert_eq!(a.as_ref().ok(), b.as_ref().ok(), "general and fast signatures differ");
    }

    let texts: Vec<String> = all.iter().filter_map(|r| r.as_ref().ok()).map(|c| c.to_json()).collect();
    let at = VerifyOptions::at(datetime!(2026-11-27 00:00:00 UTC));
    let start = Instant::now();
    let ok = texts.iter().filter(|t| verify::verify_json(t, &at).verdict.is_valid()).count();
    report("verify, 1 thread", texts.len(), start);
    assert_eq!(ok, texts.len());
    let start = Instant::now();
    let ok = parallel_map(&texts, cores, |t| verify::verify_json(t, &at).verdict.is_valid());
    report(&format!("verify, {cores} threads"), texts.len(), start);
    assert!(ok.iter().all(|v| *v));
    let slow = VerifyOptions { force_general: true, ..at };
    let start = Instant::now();
    let ok = texts[..g].iter().filter(|t| verify::verify_json(t, &slow).verdict.is_valid()).count();
    report("verify, general JSON-LD path, 1 thread", g, start);
    assert_eq!(ok, g);
}
