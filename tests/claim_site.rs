//! The static claim site as published: files, privacy, escaping, incremental runs, OB 2.0
//! files, the wallet QR, and HTML snapshots in both languages.

mod common;

use std::fs;
use std::path::Path;

use badgedesk::claim::{self, ClaimToken, publish};
use badgedesk::i18n::Lang;

const HTTPS: &str = "https://badges.example.org/fest26";

fn all_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn publishes_every_file_and_nothing_that_lists_claims() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::site(HTTPS, Lang::Fr, 5);
    let report = publish(dir.path(), &site).unwrap();
    assert_eq!(report.claims, 5);
    let files = all_files(dir.path());
    for f in [
        "index.html",
        "404.html",
        "robots.txt",
        "assets/claim.css",
        "issuer.json",
        "status/1.json",
        ".well-known/did.json",
        "ob2/issuer.json",
        "ob2/badges/sumo.json",
        "ob2/badges/sumo.png",
    ] {
        assert!(files.contains(&f.to_string()), "missing {f}");
    }
    for c in &site.claims {
        let t = c.page.token.as_str();
        for f in [
            "index.html",
            "en.html",
            "badge.png",
            "credential.json",
            "assertion.json",
            "badge-ob2.png",
        ] {
            assert!(files.contains(&format!("c/{t}/{f}")), "missing c/{t}/{f}");
        }
        // No page of this claim names another claim's token.
        for f in ["index.html", "en.html", "credential.json", "assertion.json"] {
            let text = fs::read_to_string(dir.path().join(format!("c/{t}/{f}"))).unwrap();
            for other in site.claims.iter().filter(|o| o.page.token != c.page.token) {
                assert!(
                    !text.contains(other.page.token.as_str()),
                    "{f} of {t} mentions another claim"
                );
            }
            assert!(!text.contains("@example.org"), "e-mail published in {f}");
        }
    }
    // 10 site files, 6 files per claim, and the manifest of what was published.
    assert_eq!(files.len(), 10 + 5 * 6 + 1);
    assert!(files.contains(&badgedesk::claim::manifest::MANIFEST_FILE.to_string()));
    assert_eq!(report.written, files.len() - 1);
    assert!(
        !files.iter().any(|f| f.contains(".tmp")),
        "temporary files left"
    );
    for e in fs::read_dir(dir.path().join("c")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(ClaimToken::parse(&name).is_ok(), "stray entry c/{name}");
    }
    // The site-wide pages list nothing.
    for f in [
        "index.html",
        "404.html",
        "robots.txt",
        "issuer.json",
        "status/1.json",
    ] {
        let text = fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(
            site.claims
                .iter()
                .all(|c| !text.contains(c.page.token.as_str())),
            "{f} lists a token"
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /\n"
    );
}

#[test]
fn republishing_is_incremental_and_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let mut site = common::site(HTTPS, Lang::En, 4);
    let first = publish(dir.path(), &site).unwrap();
    let before: Vec<_> = all_files(dir.path())
        .iter()
        .map(|f| (f.clone(), fs::read(dir.path().join(f)).unwrap()))
        .collect();
    let again = publish(dir.path(), &site).unwrap();
    assert_eq!((again.written, again.unchanged), (0, first.written));
    let after: Vec<_> = all_files(dir.path())
        .iter()
        .map(|f| (f.clone(), fs::read(dir.path().join(f)).unwrap()))
        .collect();
    assert_eq!(before, after, "same input, same bytes");
    // Revoking one claim rewrites its two pages and assertion only.
    site.claims[1].page.revoked = true;
    site.claims[1].ob2.as_mut().unwrap().revocation_reason = Some("name fixed".into());
    let third = publish(dir.path(), &site).unwrap();
    assert_eq!(third.written, 3);
    let t = site.claims[1].page.token.as_str();
    let page = fs::read_to_string(dir.path().join(format!("c/{t}/index.html"))).unwrap();
    assert!(page.contains("revoked by its issuer"));
    assert!(
        !page.contains("download="),
        "a revoked badge is not offered for download"
    );
}

#[test]
fn without_the_manifest_every_claim_is_checked_and_nothing_is_rewritten() {
    use badgedesk::claim::manifest::MANIFEST_FILE;
    let dir = tempfile::tempdir().unwrap();
    let site = common::site(HTTPS, Lang::En, 3);
    let first = publish(dir.path(), &site).unwrap();
    let manifest = fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
    assert_eq!(
        manifest.lines().count(),
        1 + 3,
        "a header and one line per claim"
    );
    for c in &site.claims {
        assert!(
            !manifest.contains(c.page.token.as_str()),
            "the manifest lists a token"
        );
    }
    fs::remove_file(dir.path().join(MANIFEST_FILE)).unwrap();
    // A per-claim stamp left by an earlier version is cleaned up.
    let t = site.claims[0].page.token.as_str();
    let legacy = dir.path().join(format!("c/{t}/.published"));
    fs::write(&legacy, "old").unwrap();
    // A claim folder emptied by hand is filled again.
    let t1 = site.claims[1].page.token.as_str();
    let emptied = dir.path().join(format!("c/{t1}"));
    let emptied_files: Vec<_> = fs::read_dir(&emptied)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for f in &emptied_files {
        fs::remove_file(f).unwrap();
    }
    let again = publish(dir.path(), &site).unwrap();
    assert_eq!(
        (again.written, again.unchanged),
        (emptied_files.len(), first.written - emptied_files.len())
    );
    assert!(!legacy.exists());
    assert!(emptied_files.iter().all(|f| f.is_file()));
    let hidden: Vec<_> = fs::read_dir(dir.path().join("c"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "left behind: {hidden:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap(),
        manifest
    );
}

#[test]
fn ob2_files_only_for_https() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::site("http://192.168.1.20:8080", Lang::Fr, 2);
    publish(dir.path(), &site).unwrap();
    let files = all_files(dir.path());
    assert!(!files.iter().any(|f| f.starts_with("ob2/")
        || f.ends_with("assertion.json")
        || f.ends_with("badge-ob2.png")));
    let t = site.claims[0].page.token.as_str();
    let page = fs::read_to_string(dir.path().join(format!("c/{t}/index.html"))).unwrap();
    assert!(!page.contains("badge-ob2.png"));
}

#[test]
fn everything_from_csv_files_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::site(HTTPS, Lang::Fr, 3);
    publish(dir.path(), &site).unwrap();
    let t = site.claims[2].page.token.as_str();
    for f in ["index.html", "en.html"] {
        let page = fs::read_to_string(dir.path().join(format!("c/{t}/{f}"))).unwrap();
        assert!(!page.contains("<script"), "{f}");
        assert!(!page.contains("<b>robots"), "{f}");
        assert!(
            page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Zoë"),
            "{f}"
        );
        assert!(
            page.contains("href=\"https://festirobot.example.org/?a=1&amp;b=&quot;2&quot;\""),
            "{f}"
        );
    }
}

#[test]
fn the_wallet_qr_decodes_to_the_credential_url_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::site(HTTPS, Lang::Fr, 2);
    publish(dir.path(), &site).unwrap();
    for c in &site.claims {
        let t = c.page.token.as_str();
        let url = format!("{HTTPS}/c/{t}/credential.json");
        for f in ["index.html", "en.html"] {
            let page = fs::read_to_string(dir.path().join(format!("c/{t}/{f}"))).unwrap();
            assert_eq!(common::decode_inline_svg(&page), vec![url.clone()], "{f}");
            assert!(page.contains(&format!("value=\"{url}\"")));
        }
    }
}

#[test]
fn language_switch_links_the_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::site(HTTPS, Lang::Fr, 1);
    publish(dir.path(), &site).unwrap();
    let t = site.claims[0].page.token.as_str();
    let fr = fs::read_to_string(dir.path().join(format!("c/{t}/index.html"))).unwrap();
    let en = fs::read_to_string(dir.path().join(format!("c/{t}/en.html"))).unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("href=\"en.html\""));
    assert!(en.contains("<html lang=\"en\">") && en.contains("href=\"index.html\""));
    for page in [&fr, &en] {
        assert!(page.contains("noindex"));
        assert!(page.contains("Content-Security-Policy"));
        assert!(!page.contains("<script"));
    }
}

/// Compare with `tests/fixtures/claims/page.<lang>.html`; `UPDATE_SNAPSHOTS=1` rewrites them
/// (then review the diff).
#[test]
fn html_snapshots_in_both_languages() {
    let token = ClaimToken::parse("snapshotsnapshotsnapshotsa").unwrap();
    for (lang, other) in [(Lang::Fr, Lang::En), (Lang::En, Lang::Fr)] {
        let c = common::claim(HTTPS, lang, token.clone(), 1);
        let offer = claim::html::Ob2Offer::Assertion {
            url: claim::ob2::assertion_url(HTTPS, &token),
            image: true,
        };
        let links = claim::html::PageLinks {
            credential_json: &c.credential_json,
            ob2: &offer,
        };
        let html = claim::html::claim_page(&c.page, lang, links).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/claims/page.{}.html", lang.code()));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            fs::write(&path, &html).unwrap();
        }
        let expected =
            fs::read_to_string(&path).expect("snapshot exists (run with UPDATE_SNAPSHOTS=1 once)");
        assert_eq!(
            html, expected,
            "{lang} page changed; review and update the snapshot"
        );
        // The other-language rendering differs and links back.
        let other_html = claim::html::claim_page(&c.page, other, links).unwrap();
        assert_ne!(html, other_html);
    }
}

#[test]
fn each_file_rendered_alone_is_the_published_one() {
    use badgedesk::claim::site::{claim_files_but_the_image, claim_page_or_json};
    for (base, lang) in [
        (HTTPS, Lang::Fr),
        (HTTPS, Lang::En),
        ("http://192.168.1.20:8080", Lang::Fr),
    ] {
        let site = common::site(base, lang, 3);
        for claim in &site.claims {
            let dir = format!("c/{}/", claim.page.token);
            let folder = claim_files_but_the_image(&site.meta, claim).unwrap();
            let mut names = Vec::new();
            for f in &folder {
                let name = f.path.strip_prefix(&dir).unwrap();
                names.push(name.to_string());
                let alone = claim_page_or_json(&site.meta, claim, name).unwrap();
                if name == "badge-ob2.png" {
                    assert_eq!(alone, None, "images are not rendered as pages");
                } else {
                    assert_eq!(alone.as_deref(), Some(&f.bytes[..]), "{base} {name}");
                }
            }
            let other = if lang == Lang::Fr {
                "en.html"
            } else {
                "fr.html"
            };
            for expected in ["index.html", other, "credential.json"] {
                assert!(names.iter().any(|n| n == expected), "{names:?}");
            }
            assert_eq!(names.iter().any(|n| n == "assertion.json"), base == HTTPS);
            for unknown in ["", "index.htm", "../index.html", "badge.png", "x.json"] {
                assert_eq!(
                    claim_page_or_json(&site.meta, claim, unknown).unwrap(),
                    None,
                    "{unknown}"
                );
            }
        }
    }
}

// ---- One tap from the phone: wallet, LinkedIn, 2.0 backpacks ----

mod credential_support;

/// The `href` of the first link whose URL starts with `prefix`, HTML-unescaped.
fn href_starting(page: &str, prefix: &str) -> String {
    let start = page
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix}"))
        + "href=\"".len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].replace("&amp;", "&")
}

/// The query of `url` as decoded (name, value) pairs.
fn query(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').unwrap().1;
    q.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            // Every value is fully encoded: nothing but letters, digits and %XX.
            assert!(
                v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'%' || b == b'_'),
                "{k}={v}"
            );
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap()
                .into_owned();
            (k.to_string(), v)
        })
        .collect()
}

/// A claim whose credential is really signed (by the public W3C test key).
fn signed_claim(lang: Lang) -> claim::site::ClaimInput {
    use badgedesk::credential::{BatchSigner, IssuerBinding};
    let key = credential_support::w3c_key();
    let credential = credential_support::sample(&key, 9);
    let signer = BatchSigner::new(
        key.clone(),
        IssuerBinding::did_key(&key),
        "2026-11-26T17:30:00Z",
        &credential.context,
    )
    .unwrap();
    let mut c = common::claim(HTTPS, lang, common::tokens(1, 5)[0].clone(), 1);
    c.credential_json = signer.sign(&credential).unwrap().to_json();
    c
}

#[test]
fn the_wallet_link_opens_lcw_with_a_presentation_whose_credential_verifies() {
    use badgedesk::credential::verify::{self, Verdict, VerifyOptions};
    let site = claim::site::SiteInput {
        meta: common::meta(HTTPS, Lang::Fr),
        claims: vec![signed_claim(Lang::Fr)],
    };
    let dir = tempfile::tempdir().unwrap();
    publish(dir.path(), &site).unwrap();
    let t = site.claims[0].page.token.as_str();
    for f in ["index.html", "en.html"] {
        let page = fs::read_to_string(dir.path().join(format!("c/{t}/{f}"))).unwrap();
        let link = href_starting(&page, "https://lcw.app/mobile?request=");
        let pairs = query(&link);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].0, "request");
        let request: serde_json::Value = serde_json::from_str(&pairs[0].1).unwrap();
        let vp = &request["verifiablePresentation"];
        assert!(
            vp["type"]
                .as_array()
                .unwrap()
                .contains(&"VerifiablePresentation".into())
        );
        let credentials = vp["verifiableCredential"].as_array().unwrap();
        assert_eq!(credentials.len(), 1);
        let report = verify::verify_json(
            &credentials[0].to_string(),
            &VerifyOptions::at(credential_support::now()),
        );
        assert_eq!(report.verdict, Verdict::Valid, "{f}");
        // The laptop path stays: the QR of the credential URL.
        assert_eq!(
            common::decode_inline_svg(&page),
            vec![format!("{HTTPS}/c/{t}/credential.json")]
        );
    }
}

#[test]
fn the_linkedin_link_fills_in_the_certification() {
    let mut c = common::claim(HTTPS, Lang::En, common::tokens(1, 6)[0].clone(), 2);
    let offer = claim::html::Ob2Offer::None;
    let links = claim::html::PageLinks {
        credential_json: &c.credential_json,
        ob2: &offer,
    };
    let page = claim::html::claim_page(&c.page, Lang::En, links).unwrap();
    let link = href_starting(&page, "https://www.linkedin.com/profile/add?");
    let q = query(&link);
    let get = |k: &str| {
        q.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("startTask"), Some("CERTIFICATION_NAME"));
    assert_eq!(get("name"), Some("Atelier « Sumo » <b>robots</b>"));
    assert_eq!(get("organizationName"), Some("FestiRobot 2026"));
    assert_eq!(get("issueYear"), Some("2026"));
    assert_eq!(get("issueMonth"), Some("11"));
    assert_eq!(get("certUrl"), Some(c.page.claim_url().as_str()));
    assert_eq!(get("expirationYear"), None);
    c.page.valid_until = Some(time::macros::date!(2028 - 03 - 31));
    let page = claim::html::claim_page(&c.page, Lang::Fr, links).unwrap();
    let q = query(&href_starting(
        &page,
        "https://www.linkedin.com/profile/add?",
    ));
    assert!(q.contains(&("expirationYear".into(), "2028".into())));
    assert!(q.contains(&("expirationMonth".into(), "3".into())));
}

#[test]
fn ob2_backpacks_get_the_assertion_url_or_are_told_which_download_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let mut site = common::site(HTTPS, Lang::Fr, 2);
    site.claims[1].ob2 = None; // no e-mail: no 2.0 assertion
    publish(dir.path(), &site).unwrap();
    let page = |i: usize, f: &str| {
        let t = site.claims[i].page.token.as_str();
        fs::read_to_string(dir.path().join(format!("c/{t}/{f}"))).unwrap()
    };
    let t = site.claims[0].page.token.as_str();
    let url = format!("{HTTPS}/c/{t}/assertion.json");
    let en = page(0, "en.html");
    assert!(en.contains(&format!("value=\"{url}\"")), "{en}");
    assert!(en.contains("must be the one this badge was issued to"));
    assert!(page(0, "index.html").contains("doit être celle à laquelle ce badge a été décerné"));
    assert!(page(1, "en.html").contains("issued without an e-mail address"));
    assert!(page(1, "index.html").contains("décerné sans adresse e-mail"));
    assert!(!page(1, "en.html").contains("assertion.json"));
    for i in 0..2 {
        for f in ["index.html", "en.html"] {
            assert!(!page(i, f).contains("<script"));
        }
    }
}
