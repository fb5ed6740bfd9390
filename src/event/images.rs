//! Checking the badge images `event.toml` names: readable PNG or SVG, square, not already
//! carrying a credential; small images are a warning.

use std::path::PathBuf;

use super::EventDir;
use crate::bake::{self, ImageFormat};

/// A badge image that cannot be used, or that should be improved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageIssue {
    pub achievement: String,
    pub path: PathBuf,
    pub message: String,
    /// False: issuing this achievement is refused until fixed. True: only a warning.
    pub warning_only: bool,
}

impl std::fmt::Display for ImageIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "achievement '{}': image '{}': {}",
            self.achievement,
            self.path.display(),
            self.message
        )
    }
}

/// A badge image that was read and checked.
#[derive(Debug, Clone)]
pub struct BadgeImage {
    pub bytes: Vec<u8>,
    pub format: ImageFormat,
}

impl EventDir {
    /// Read and check the image of one achievement.
    pub fn badge_image(
        &self,
        achievement_key: &str,
    ) -> Result<(BadgeImage, Vec<ImageIssue>), ImageIssue> {
        let issue = |path: &PathBuf, message: String, warning_only| ImageIssue {
            achievement: achievement_key.to_string(),
            path: path.clone(),
            message,
            warning_only,
        };
        let Some(achievement) = self.config().achievement(achievement_key) else {
            return Err(issue(
                &PathBuf::new(),
                "no such achievement in event.toml".into(),
                false,
            ));
        };
        let path = self.root().join(&achievement.image);
        let bytes = std::fs::read(&path).map_err(|e| {
            issue(
                &path,
                format!("cannot read it ({e}); fix 'image' in event.toml"),
                false,
            )
        })?;
        let report =
            bake::check_badge_image(&bytes).map_err(|e| issue(&path, e.to_string(), false))?;
        let warnings = report
            .warnings
            .iter()
            .map(|w| issue(&path, w.to_string(), true))
            .collect();
        Ok((
            BadgeImage {
                bytes,
                format: report.format,
            },
            warnings,
        ))
    }

    /// Check every achievement's image; returns all problems and warnings.
    pub fn check_badge_images(&self) -> Vec<ImageIssue> {
        let mut out = Vec::new();
        for achievement in &self.config().achievements {
            match self.badge_image(achievement.key()) {
                Ok((_, warnings)) => out.extend(warnings),
                Err(problem) => out.push(problem),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{EventDir, InitOptions};
    use crate::i18n::Lang;

    #[test]
    fn default_images_pass_and_broken_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let event = EventDir::create(
            &dir.path().join("e"),
            &InitOptions {
                name: "E".into(),
                lang: Lang::En,
            },
        )
        .unwrap();
        assert_eq!(event.check_badge_images(), vec![]);
        std::fs::write(event.badges_dir().join("participation.png"), b"not a png").unwrap();
        let issues = event.check_badge_images();
        assert_eq!(issues.len(), 1);
        assert!(!issues[0].warning_only);
        assert!(
            issues[0]
                .to_string()
                .contains("achievement 'participation'"),
            "{}",
            issues[0]
        );
        std::fs::remove_file(event.badges_dir().join("participation.png")).unwrap();
        assert!(
            event.check_badge_images()[0]
                .message
                .contains("cannot read")
        );
    }
}
