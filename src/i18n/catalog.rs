//! The message catalogue: Fluent resources for French and English, shipped in the binary
//! (`assets/i18n/*.ftl`). Fluent gives CLDR plural rules (French "0 personne", "1 personne",
//! "2 personnes"); French typography (narrow no-break space before `:` `;` `?` `!`, inside « »)
//! is written in the French file itself.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use super::Lang;

const EN: &str = include_str!("../../assets/i18n/en.ftl");
const FR: &str = include_str!("../../assets/i18n/fr.ftl");

/// The messages of one language.
pub struct Catalog {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("lang", &self.lang).finish()
    }
}

/// The source text of a language's resource (tests compare the two files' message ids).
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    }
}

impl Catalog {
    pub fn new(lang: Lang) -> Catalog {
        // "fr" and "en" always parse; the default (undetermined) id only affects plurals.
        let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        // A resource with a syntax error still yields every message that parsed; the test
        // `resources_parse_cleanly` keeps the shipped files free of errors.
        let resource = match FluentResource::try_new(source(lang).to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let mut bundle = FluentBundle::new(vec![id]);
        // The terminal does not understand the Unicode isolation marks Fluent adds by default.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Catalog { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A message without arguments; an unknown id comes back as itself (visible, never a panic).
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with arguments, e.g. `cat.fmt("matches", &[("count", 3.into())])`.
    pub fn fmt(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(id, Some(&fa))
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

/// The message ids a resource defines, in file order.
pub fn message_ids(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_parse_cleanly_and_define_the_same_ids() {
        for lang in [Lang::Fr, Lang::En] {
            assert!(
                FluentResource::try_new(source(lang).to_string()).is_ok(),
                "{lang} has syntax errors"
            );
        }
        let fr = message_ids(FR);
        let en = message_ids(EN);
        assert!(en.len() > 50);
        assert_eq!(fr, en);
    }

    #[test]
    fn french_plurals_and_typography() {
        let fr = Catalog::new(Lang::Fr);
        assert_eq!(fr.fmt("matches", &[("count", 0.into())]), "0 personne");
        assert_eq!(fr.fmt("matches", &[("count", 1.into())]), "1 personne");
        assert_eq!(fr.fmt("matches", &[("count", 2.into())]), "2 personnes");
        let s = fr.fmt("activity", &[("name", "Sumo".into())]);
        assert_eq!(s, "Activité\u{202f}: Sumo");
        // No plain space (or none at all) before a high punctuation sign anywhere in French.
        for line in FR.lines().filter(|l| !l.starts_with('#')) {
            for (i, c) in line.char_indices() {
                if matches!(c, ':' | ';' | '?' | '!' | '»') && i > 0 {
                    let prev = line[..i].chars().next_back();
                    assert_eq!(prev, Some('\u{202f}'), "line {line:?}");
                }
            }
        }
    }

    #[test]
    fn english_plurals_and_unknown_ids() {
        let en = Catalog::new(Lang::En);
        assert_eq!(en.fmt("matches", &[("count", 1.into())]), "one person");
        assert_eq!(en.fmt("matches", &[("count", 12.into())]), "12 people");
        assert_eq!(en.get("no-such-message"), "no-such-message");
        assert!(
            !en.get("help-title").contains('\u{2068}'),
            "no isolation marks"
        );
    }
}
