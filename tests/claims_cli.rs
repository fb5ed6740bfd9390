//! The claim commands on a real issued demo event: `publish` (files, isolation, incremental),
//! `print` (every QR in the PDF decodes to a live claim URL), `export claims` (bytes Excel
//! reads), and `serve` over loopback HTTP (claim page, one 404, traversal, claimed state).

mod cli_support;
mod common;

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cli_support::{badgedesk, http_get, issued_demo, json_list};
use serde_json::Value;

const BASE: &str = "https://badges.robots-normandie.example.org/festirobot-2026";

fn tokens(dir: &Path) -> Vec<(String, Value)> {
    json_list(dir, "credentials")
        .into_iter()
        .map(|c| {
            let url = c["claim_url"].as_str().unwrap().trim_end_matches('/');
            let token = url.rsplit('/').next().unwrap().to_string();
            (token, c)
        })
        .collect()
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out
}

#[test]
fn publish_writes_every_claim_alone_and_again_writes_nothing() {
    let (tmp, dir) = issued_demo(30);
    let creds = tokens(&dir);
    assert!(creds.len() >= 10, "the demo issues badges");
    let site = tmp.path().join("site");
    // An issued JSON file that no longer matches the database: the database wins. Same length,
    // so the repair before publishing (which goes by length) leaves it for publish to catch.
    let issued_json = |c: &Value| {
        let stem = c["id"].as_str().unwrap().trim_start_matches("urn:uuid:");
        dir.join("issued").join(format!("{stem}.json"))
    };
    let (edited_token, edited) = &creds[2];
    let signed = std::fs::read(issued_json(edited)).unwrap();
    let mut tampered = signed.clone();
    tampered[0] = b' ';
    std::fs::write(issued_json(edited), &tampered).unwrap();
    // A baked image a power cut left short: baked again from the database, never published short.
    let (short_token, short) = &creds[3];
    let short_png = issued_json(short).with_extension("png");
    let whole_png = std::fs::read(&short_png).unwrap();
    std::fs::write(&short_png, &whole_png[..whole_png.len() / 2]).unwrap();
    let out = badgedesk(&dir).arg("publish").arg(&site).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let published = |token: &str, name: &str| site.join(format!("c/{token}/{name}"));
    assert_eq!(
        std::fs::read(published(edited_token, "credential.json")).unwrap(),
        signed
    );
    std::fs::write(issued_json(edited), &signed).unwrap();
    assert_eq!(
        std::fs::read(published(short_token, "badge.png")).unwrap(),
        whole_png
    );
    // Unchanged issued files are hard-linked into the site, not copied.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
        let (token, c) = &creds[0];
        let png = issued_json(c).with_extension("png");
        assert_eq!(inode(&published(token, "badge.png")), inode(&png));
        assert_eq!(
            inode(&published(token, "credential.json")),
            inode(&issued_json(c))
        );
        assert_ne!(
            inode(&published(edited_token, "credential.json")),
            inode(&issued_json(edited))
        );
    }
    let files = files_under(&site);
    for f in [
        "index.html",
        "404.html",
        "robots.txt",
        "issuer.json",
        "status/1.json",
        "ob2/issuer.json",
        "badges/participation.png",
    ] {
        assert!(files.contains(f), "{f} missing");
    }
    let status: Value =
        serde_json::from_slice(&std::fs::read(site.join("status/1.json")).unwrap()).unwrap();
    assert_eq!(status["id"], format!("{BASE}/status/1.json"));
    for (token, c) in &creds {
        let folder = format!("c/{token}/");
        for name in ["index.html", "en.html", "credential.json"] {
            assert!(files.contains(&format!("{folder}{name}")), "{folder}{name}");
        }
        // The signed credential is published byte for byte, the baked image is the issued one.
        let id = c["id"].as_str().unwrap();
        let stem = id.trim_start_matches("urn:uuid:");
        let issued = dir.join("issued").join(format!("{stem}.json"));
        assert_eq!(
            std::fs::read(site.join(&folder).join("credential.json")).unwrap(),
            std::fs::read(issued).unwrap()
        );
        // A page names no other claim.
        let page = std::fs::read_to_string(site.join(&folder).join("index.html")).unwrap();
        for (other, _) in creds.iter().filter(|(t, _)| t != token) {
            assert!(
                !page.contains(other.as_str()),
                "page of {token} names {other}"
            );
        }
        assert!(page.contains("noindex"));
    }
    // Nothing lists the claims: no other file names a token.
    for f in files.iter().filter(|f| !f.starts_with("c/")) {
        let text = String::from_utf8_lossy(&std::fs::read(site.join(f)).unwrap()).to_string();
        assert!(
            creds.iter().all(|(t, _)| !text.contains(t.as_str())),
            "{f} names a claim"
        );
    }

    let before: Vec<_> = files
        .iter()
        .map(|f| std::fs::metadata(site.join(f)).unwrap().modified().unwrap())
        .collect();
    let again = badgedesk(&dir).arg("publish").arg(&site).output().unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains(": 0 file(s) written"), "{text}");
    let after: Vec<_> = files
        .iter()
        .map(|f| std::fs::metadata(site.join(f)).unwrap().modified().unwrap())
        .collect();
    assert_eq!(before, after, "an unchanged event rewrites no file");
    assert_eq!(files_under(&site), files);

    // Revoking one credential rewrites its page (which then says so) and the status list.
    let (token, c) = &creds[0];
    badgedesk(&dir)
        .args(["revoke", c["id"].as_str().unwrap(), "--reason", "name typo"])
        .assert()
        .success();
    badgedesk(&dir).arg("publish").arg(&site).assert().success();
    let page = std::fs::read_to_string(site.join(format!("c/{token}/en.html"))).unwrap();
    assert!(page.contains("has been revoked"), "{page}");
    let assertion: Value = serde_json::from_slice(
        &std::fs::read(site.join(format!("c/{token}/assertion.json"))).unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    if !assertion.is_null() {
        assert_eq!(assertion["revoked"], true);
    }
    let (other, _) = &creds[1];
    let untouched = std::fs::read_to_string(site.join(format!("c/{other}/en.html"))).unwrap();
    assert!(!untouched.contains("has been revoked"));
}

#[test]
fn print_renders_one_decodable_card_per_live_credential() {
    let (tmp, dir) = issued_demo(12);
    let creds = tokens(&dir);
    let pdf = tmp.path().join("cards.pdf");
    badgedesk(&dir)
        .args(["print", "--layout", "a4-labels-3x7", "--out"])
        .arg(&pdf)
        .assert()
        .success();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.windows(9).any(|w| w == b"FontFile2"),
        "fonts embedded"
    );
    let expected: BTreeSet<String> = creds
        .iter()
        .map(|(t, _)| format!("{BASE}/c/{t}/"))
        .collect();
    if !common::pdf::have_pdftoppm() {
        eprintln!("pdftoppm not installed: skipping the raster check");
        return;
    }
    let layout = badgedesk::print::Layout::A4Labels3x7;
    let found: Vec<String> = common::pdf::decode_pdf(&pdf, 200, layout)
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(found.len(), creds.len(), "one card per credential");
    assert_eq!(found.into_iter().collect::<BTreeSet<_>>(), expected);

    // --achievement narrows the cards; an unknown key is an error naming it.
    let one = tmp.path().join("sumo.pdf");
    badgedesk(&dir)
        .args([
            "print",
            "--layout",
            "label-62mm",
            "--achievement",
            "sumo",
            "--out",
        ])
        .arg(&one)
        .assert()
        .success();
    let sumo = creds
        .iter()
        .filter(|(_, c)| c["achievement"] == "sumo")
        .count();
    let pages = common::pdf::decode_pdf(&one, 200, badgedesk::print::Layout::Label62mm);
    assert_eq!(pages.len(), sumo.max(1));
    badgedesk(&dir)
        .args(["print", "--achievement", "nope", "--out"])
        .arg(tmp.path().join("x.pdf"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("nope"));
}

#[test]
fn export_claims_is_excel_ready_csv_in_the_event_language() {
    let (tmp, dir) = issued_demo(12);
    let creds = tokens(&dir);
    let csv = tmp.path().join("claims.csv");
    badgedesk(&dir)
        .args(["export", "claims", "--out"])
        .arg(&csv)
        .assert()
        .success();
    let bytes = std::fs::read(&csv).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    // The demo event is French: `;` separators and French headers, whatever LANG says.
    assert!(
        text.starts_with("Nom;E-mail;Badge;Lien de réception\r\n"),
        "{text}"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let urls: BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    let expected: BTreeSet<String> = creds
        .iter()
        .map(|(t, _)| format!("{BASE}/c/{t}/"))
        .collect();
    assert_eq!(urls, expected);
}

struct Serving {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Serving {
    serve_at(dir, None)
}

/// `serve` on a free loopback port; `base_url` as `--base-url` (what phones use).
fn serve_at(dir: &Path, base_url: Option<&str>) -> Serving {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("badgedesk"));
    cmd.arg("--event")
        .arg(dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(
            base_url
                .map(|url| ["--base-url", url])
                .into_iter()
                .flatten(),
        )
        .env("LANG", "en_GB.UTF-8")
        .env_remove("BADGEDESK_EVENT")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = base_url.map_or_else(|| format!("http://127.0.0.1:{port}"), str::to_string);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if line.trim() == url {
            break;
        }
        assert!(Instant::now() < deadline, "serve did not print {url}");
    }
    std::thread::spawn(move || for _ in lines {});
    Serving {
        child,
        addr: ([127, 0, 0, 1], port).into(),
    }
}

#[test]
fn serve_answers_claims_hides_everything_else_and_records_the_first_visit() {
    let (_tmp, dir) = issued_demo(12);
    let creds = tokens(&dir);
    let server = serve(&dir);
    let (token, c) = &creds[0];
    assert!(c["claimed_at"].is_null());

    let (status, head, body) = http_get(server.addr, &format!("/c/{token}/"));
    assert_eq!(status, 200, "{head}");
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("noindex"));
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-security-policy:"));
    assert!(lower.contains("referrer-policy: no-referrer"));
    assert!(lower.contains("x-content-type-options: nosniff"));
    // The page's QR points at this server's copy of the credential.
    let json_url = format!("http://{}/c/{token}/credential.json", server.addr);
    assert_eq!(common::decode_inline_svg(&page), vec![json_url]);
    let (status, _, json) = http_get(server.addr, &format!("/c/{token}/credential.json"));
    assert_eq!(status, 200);
    let stem = c["id"].as_str().unwrap().trim_start_matches("urn:uuid:");
    assert_eq!(
        json,
        std::fs::read(dir.join("issued").join(format!("{stem}.json"))).unwrap()
    );
    // The baked image is read from issued/ when asked for (not held in the page cache).
    let (status, head, png) = http_get(server.addr, &format!("/c/{token}/badge.png"));
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: image/png")
    );
    assert_eq!(
        png,
        std::fs::read(dir.join("issued").join(format!("{stem}.png"))).unwrap()
    );

    // The desk (another process, same database) sees the claim within a second.
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let now = json_list(&dir, "credentials");
        let mine = now.iter().find(|x| x["id"] == c["id"]).unwrap();
        if !mine["claimed_at"].is_null() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "claimed_at not set after a visit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let others = json_list(&dir, "credentials");
    assert!(
        others
            .iter()
            .filter(|x| x["id"] != c["id"])
            .all(|x| x["claimed_at"].is_null()),
        "only the visited claim is claimed"
    );

    // Unknown token (right shape, one character off), unknown path, traversal: one 404 page.
    let mut wrong = token.clone();
    wrong.replace_range(0..1, if token.starts_with('a') { "b" } else { "a" });
    let (s1, _, b1) = http_get(server.addr, &format!("/c/{wrong}/"));
    let (s2, _, b2) = http_get(server.addr, "/no/such/page");
    let (s3, _, b3) = http_get(server.addr, &format!("/c/{token}/../../../event.db"));
    let (s4, _, b4) = http_get(server.addr, "/c/..%2f..%2fevent.toml/");
    assert_eq!((s1, s2), (404, 404));
    assert_eq!(b1, b2, "an unknown token looks like any unknown path");
    for (s, b) in [(s3, b3), (s4, b4)] {
        assert!(s == 404 || s == 400, "traversal gave {s}");
        assert!(!String::from_utf8_lossy(&b).contains("[event]"));
    }
    let (s5, _, _) = http_get(server.addr, "/status/1.json");
    assert_eq!(s5, 200, "the status list is served");
}

#[test]
fn serve_behind_https_answers_with_the_published_bytes_and_bakes_2_0_images_on_request() {
    let (tmp, dir) = issued_demo(80);
    let site = tmp.path().join("site");
    let out = badgedesk(&dir)
        .args(["publish", site.to_str().unwrap(), "--base-url", BASE])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // Three claims with a 2.0 image (recipient with an e-mail) and one without: few enough
    // requests for the per-client rate limit.
    let has_2_0 = |token: &String| site.join(format!("c/{token}/badge-ob2.png")).exists();
    let (with, without): (Vec<_>, Vec<_>) =
        tokens(&dir).into_iter().map(|(t, _)| t).partition(has_2_0);
    assert!(
        with.len() >= 3 && !without.is_empty(),
        "{with:?} {without:?}"
    );
    let server = serve_at(&dir, Some(BASE));
    let (mut with_2_0, mut without_2_0) = (0, 0);
    for token in with.iter().take(3).chain(without.iter().take(1)) {
        let published = site.join(format!("c/{token}"));
        for name in ["index.html", "en.html", "credential.json", "assertion.json"] {
            let (status, _, body) = http_get(server.addr, &format!("/c/{token}/{name}"));
            match std::fs::read(published.join(name)) {
                Ok(bytes) => assert_eq!((status, body), (200, bytes), "{token}/{name}"),
                Err(_) => assert_eq!(status, 404, "{token}/{name} is not published"),
            }
        }
        // The 2.0-baked image is baked per request: the same bytes as the published one.
        let (status, head, png) = http_get(server.addr, &format!("/c/{token}/badge-ob2.png"));
        match std::fs::read(published.join("badge-ob2.png")) {
            Ok(bytes) => {
                with_2_0 += 1;
                assert_eq!(status, 200, "{head}");
                assert!(
                    head.to_ascii_lowercase()
                        .contains("content-type: image/png")
                );
                assert_eq!(png, bytes);
                let baked = badgedesk::bake::unbake(&png).unwrap();
                assert_eq!(baked.payload, format!("{BASE}/c/{token}/assertion.json"));
            }
            Err(_) => {
                without_2_0 += 1;
                assert_eq!(status, 404);
            }
        }
    }
    assert_eq!((with_2_0, without_2_0), (3, 1));
}

/// What a run killed between its commit and its files leaves under `issued/`: two credentials
/// without files, one image cut short, a temporary. Returns the (JSON, image) paths damaged.
fn damage_issued(dir: &Path) -> Vec<(String, String)> {
    let creds = json_list(dir, "credentials");
    let pair = |c: &Value| {
        (
            c["files"][0].as_str().unwrap().to_string(),
            c["files"][1].as_str().unwrap().to_string(),
        )
    };
    let damaged: Vec<(String, String)> = creds[..3].iter().map(pair).collect();
    for (json, image) in &damaged[..2] {
        std::fs::remove_file(json).unwrap();
        std::fs::remove_file(image).unwrap();
    }
    let image = std::fs::read(&damaged[2].1).unwrap();
    std::fs::write(&damaged[2].1, &image[..image.len() / 2]).unwrap();
    std::fs::write(dir.join("issued/x.json.4242-0.partial"), b"{\"half").unwrap();
    damaged
}

/// Every damaged file is back, whole: the JSON as stored, the image with it baked in.
fn assert_repaired(dir: &Path, damaged: &[(String, String)]) {
    let creds = json_list(dir, "credentials");
    for (json, image) in damaged {
        let c = creds
            .iter()
            .find(|c| c["files"][0] == json.as_str())
            .unwrap();
        let stored = badgedesk::event::EventDir::open(dir)
            .unwrap()
            .store()
            .unwrap()
            .credential(c["id"].as_str().unwrap())
            .unwrap()
            .unwrap()
            .json;
        assert_eq!(std::fs::read_to_string(json).unwrap(), stored, "{json}");
        let baked = badgedesk::bake::unbake(&std::fs::read(image).unwrap()).unwrap();
        assert_eq!(baked.payload, stored, "{image}");
    }
    assert!(
        !dir.join("issued/x.json.4242-0.partial").exists(),
        "the temporary is removed"
    );
}

#[test]
fn publish_print_and_serve_repair_issued_before_reading_it() {
    let (tmp, dir) = issued_demo(12);
    let site = tmp.path().join("site");
    let pdf = tmp.path().join("cards.pdf");
    let runs: [&[&str]; 2] = [
        &["publish", site.to_str().unwrap()],
        &["print", "--out", pdf.to_str().unwrap()],
    ];
    for args in runs {
        let damaged = damage_issued(&dir);
        let out = badgedesk(&dir).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("Repaired: 3 credential(s)"),
            "{args:?}: {stdout}"
        );
        assert_repaired(&dir, &damaged);
    }
    // serve repairs before it answers (its address is printed after the repair).
    let damaged = damage_issued(&dir);
    let server = serve(&dir);
    assert_repaired(&dir, &damaged);
    drop(server);
}

#[test]
fn a_revocation_killed_before_its_status_list_is_repaired_by_the_next_run() {
    let (tmp, dir) = issued_demo(12);
    let creds = json_list(&dir, "credentials");
    let list = dir.join("issued/status-list.json");
    let status_of = |id: &str, list: &Path| {
        let file = creds.iter().find(|c| c["id"] == id).unwrap()["files"][0]
            .as_str()
            .unwrap()
            .to_string();
        let away = tmp.path().join("away");
        std::fs::create_dir_all(&away).unwrap();
        let out = badgedesk(&away)
            .arg("verify")
            .arg(file)
            .arg("--status-list")
            .arg(list)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // A first revocation through the command writes the list; the second is committed, then
    // the process dies before the list is signed again.
    let first = creds[0]["id"].as_str().unwrap();
    let second = creds[1]["id"].as_str().unwrap();
    badgedesk(&dir)
        .args(["revoke", first, "--reason", "test"])
        .assert()
        .success();
    let event = badgedesk::event::EventDir::open(&dir).unwrap();
    let mut store = event.store().unwrap();
    assert!(
        store
            .revoke(second, "killed", "test", time::OffsetDateTime::now_utc())
            .unwrap()
    );
    assert!(
        !status_of(second, &list).contains("revoked"),
        "the list is stale"
    );

    // Nothing to issue: the run still brings the list up to date.
    let out = badgedesk(&dir).arg("issue").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Status list rewritten"), "{stdout}");
    assert!(status_of(second, &list).contains("revoked"));
    assert!(status_of(first, &list).contains("revoked"));
    let again = badgedesk(&dir).arg("issue").output().unwrap();
    assert!(!String::from_utf8_lossy(&again.stdout).contains("Status list rewritten"));

    // publish does the same (and publishes the list it rewrote).
    let third = creds[2]["id"].as_str().unwrap();
    assert!(
        store
            .revoke(third, "killed", "test", time::OffsetDateTime::now_utc())
            .unwrap()
    );
    let site = tmp.path().join("site");
    let out = badgedesk(&dir).arg("publish").arg(&site).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Status list rewritten"));
    assert!(status_of(third, &site.join("status/1.json")).contains("revoked"));
}

/// A publish killed midway leaves a claim folder being assembled and temporaries in the site;
/// the next publish, with nothing else to do, removes them, so the folder uploads as is.
#[test]
fn a_killed_publish_leaves_nothing_after_the_next_one() {
    let (tmp, dir) = issued_demo(12);
    let site = tmp.path().join("site");
    let publish = || {
        let out = badgedesk(&dir).arg("publish").arg(&site).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    publish();
    let whole = files_under(&site);
    // What a kill between `begin` and `end` leaves behind.
    std::fs::write(site.join(badgedesk::claim::fsio::IN_PROGRESS_FILE), b"").unwrap();
    std::fs::create_dir_all(site.join("c/.new-ABCDEF-4242")).unwrap();
    std::fs::write(site.join("c/.new-ABCDEF-4242/index.html"), b"<half").unwrap();
    let some_claim = whole
        .iter()
        .find(|f| f.starts_with("c/") && f.ends_with("/index.html"))
        .unwrap()
        .clone();
    let tmp_file = site
        .join(&some_claim)
        .with_file_name(".index.html.tmp-4242-0");
    std::fs::write(&tmp_file, b"<half").unwrap();
    let said = publish();
    assert!(
        said.contains("2 leftover(s) of an interrupted publish removed"),
        "{said}"
    );
    assert_eq!(files_under(&site), whole);
}
