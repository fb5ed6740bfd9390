//! Bakes 10,000 different Open Badges 3.0 credentials into a ~50 KB PNG badge, in memory, on
//! one core, and prints bakes per second (target: ≥ 20,000/s). Also times unbaking.
//! Run: `cargo bench --bench bake`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use badgedesk::bake::{self, Payload, Version};

const CREDENTIALS: usize = 10_000;
const ROUNDS: usize = 5;

/// The workshop badge shipped in assets/ (360×360 RGBA, ~53 KB): a real badge, not a toy.
const BADGE: &[u8] = include_bytes!("../assets/badges/workshop.png");

/// CPU time of this thread (Linux), so a busy shared machine does not distort the rate.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10)) // USER_HZ is 100 on Linux
}

/// An OB 3.0 credential of realistic size (~1.6 KB), different for every `i`.
fn credential(i: usize) -> String {
    format!(
        r#"{{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:6f1c2a4e-0000-4000-8000-{i:012}","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{{"id":"did:key:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x","type":["Profile"],"name":"Festival de robotique de Lyon"}},"validFrom":"2026-11-26T10:{m:02}:00Z","name":"Atelier soudure","credentialSubject":{{"type":["AchievementSubject"],"identifier":[{{"type":"IdentityObject","identityHash":"sha256${i:064x}","identityType":"emailAddress","hashed":true,"salt":"s{i}"}}],"achievement":{{"id":"https://example.org/achievements/atelier-soudure","type":["Achievement"],"name":"Atelier soudure","description":"A participé à l'atelier de soudure du festival.","criteria":{{"narrative":"Présent à l'atelier (pointage à l'accueil)."}},"image":{{"id":"https://example.org/badges/workshop.png","type":"Image"}}}}}},"credentialStatus":{{"id":"https://example.org/status/1#{i}","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"{i}","statusListCredential":"https://example.org/status/1"}},"proof":[{{"type":"DataIntegrityProof","created":"2026-11-26T10:00:00Z","verificationMethod":"did:key:z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x#z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","proofValue":"z{i:086}"}}]}}"#,
        m = i % 60
    )
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn main() {
    let image = BADGE.to_vec();
    let texts: Vec<String> = (0..CREDENTIALS).map(credential).collect();
    let avg_len = texts.iter().map(String::len).sum::<usize>() / texts.len();
    println!(
        "image: {} bytes PNG (assets/badges/workshop.png, 360x360 RGBA); {CREDENTIALS} different credentials, {avg_len} bytes each on average",
        image.len()
    );

    let mut bake_times = Vec::new();
    let mut baked_last = Vec::new();
    let cpu_start = thread_cpu();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut bytes = 0usize;
        for text in &texts {
            // Payload checks (trim, NUL scan) count as part of baking.
            let payload = Payload::new(Version::Ob3, text.as_str()).expect("valid payload");
            let baked = bake::bake(black_box(&image), &payload).expect("bake");
            bytes += baked.len();
            baked_last = baked;
        }
        bake_times.push(start.elapsed());
        black_box(bytes);
    }
    let cpu = thread_cpu().zip(cpu_start).map(|(end, start)| end.saturating_sub(start));
    bake_times.sort();
    let best = bake_times[0];
    let median = bake_times[ROUNDS / 2];
    println!(
        "bake:   {CREDENTIALS} bakes in {:.1} ms (best of {ROUNDS}) = {:.0} bakes/s; median round {:.0} bakes/s; target >= 20000 bakes/s",
        best.as_secs_f64() * 1e3,
        rate(CREDENTIALS, best),
        rate(CREDENTIALS, median)
    );
    if let Some(cpu) = cpu {
        println!(
            "bake:   by CPU time over all {ROUNDS} rounds: {:.0} bakes/s ({:.1} us per bake)",
            rate(CREDENTIALS * ROUNDS, cpu),
            cpu.as_secs_f64() * 1e6 / (CREDENTIALS * ROUNDS) as f64
        );
    }

    let start = Instant::now();
    for _ in 0..CREDENTIALS {
        black_box(bake::unbake(black_box(&baked_last)).expect("unbake"));
    }
    let unbake = start.elapsed();
    println!(
        "unbake: {CREDENTIALS} unbakes in {:.1} ms = {:.0} unbakes/s",
        unbake.as_secs_f64() * 1e3,
        rate(CREDENTIALS, unbake)
    );
}
