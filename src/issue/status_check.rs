//! Checking revocation against a signed Bitstring Status List credential given as a file
//! (`badgedesk verify --status-list FILE`, away from the event folder). The list's own proof is
//! verified first; a credential that points to another list is reported, not guessed about.

use serde_json::Value;
use time::OffsetDateTime;

use super::status_list::{StatusBits, StatusListError};
use crate::credential::verify::{self, StatusChecker, StatusOutcome, Verdict, VerifyOptions};

#[derive(Debug, thiserror::Error)]
pub enum StatusFileError {
    #[error("the status list is not JSON: {0}")]
    Json(String),
    #[error("this is not a BitstringStatusListCredential ({0})")]
    NotAList(String),
    #[error("the status list's signature does not hold: {0}")]
    Invalid(String),
    #[error("the status list's signature could not be checked: {0}")]
    Unchecked(String),
    #[error("the status list's bits are unreadable: {0}")]
    Bits(#[from] StatusListError),
}

/// A status list credential whose proof was verified.
#[derive(Debug, Clone)]
pub struct StatusListFile {
    /// The list's `id`: credentials name it in `statusListCredential`.
    pub url: String,
    pub issuer: String,
    pub purpose: String,
    bits: StatusBits,
}

impl StatusListFile {
    /// Parse a status list credential and verify its proof (at `now`).
    pub fn parse(text: &str, now: OffsetDateTime) -> Result<StatusListFile, StatusFileError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| StatusFileError::Json(e.to_string()))?;
        let is_list = value
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "BitstringStatusListCredential"));
        if !is_list {
            return Err(StatusFileError::NotAList(
                "its type does not include BitstringStatusListCredential".into(),
            ));
        }
        // A status list is a credential, not an Open Badge: only its signature and dates count.
        let options = VerifyOptions {
            open_badge: false,
            ..VerifyOptions::at(now)
        };
        let report = verify::verify_json(text, &options);
        match report.verdict {
            Verdict::Valid => {}
            Verdict::Invalid { reason, detail } => {
                return Err(StatusFileError::Invalid(format!(
                    "{}: {detail}",
                    reason.as_str()
                )));
            }
            Verdict::CouldNotCheck { why } => return Err(StatusFileError::Unchecked(why)),
        }
        let text_at = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
        let missing = |what: &str| StatusFileError::NotAList(format!("it has no {what}"));
        let url = text_at("/id").ok_or_else(|| missing("id"))?;
        let issuer = text_at("/issuer/id")
            .or_else(|| text_at("/issuer"))
            .ok_or_else(|| missing("issuer"))?;
        let purpose = text_at("/credentialSubject/statusPurpose")
            .ok_or_else(|| missing("credentialSubject.statusPurpose"))?;
        let encoded = text_at("/credentialSubject/encodedList")
            .ok_or_else(|| missing("credentialSubject.encodedList"))?;
        Ok(StatusListFile {
            url: url.to_string(),
            issuer: issuer.to_string(),
            purpose: purpose.to_string(),
            bits: StatusBits::decode(encoded)?,
        })
    }

    fn outcome(&self, credential: &Value, status: &Value) -> StatusOutcome {
        let unknown = |why: String| StatusOutcome::Unknown { why };
        let field = |name: &str| status.get(name).and_then(Value::as_str);
        if field("type") != Some("BitstringStatusListEntry") {
            return unknown("the credential's status is not a BitstringStatusListEntry".into());
        }
        let Some(list) = field("statusListCredential") else {
            return unknown("the credential's status names no statusListCredential".into());
        };
        if list != self.url {
            return unknown(format!(
                "the credential points to the status list '{list}', but the file given is the list '{}'",
                self.url
            ));
        }
        let issuer = credential
            .get("issuer")
            .and_then(|i| i.get("id").or(Some(i)))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if issuer != self.issuer {
            return unknown(format!(
                "the status list is signed by '{}', not by the credential's issuer '{issuer}'",
                self.issuer
            ));
        }
        if field("statusPurpose") != Some(self.purpose.as_str()) {
            return unknown(format!(
                "the credential's status purpose is not the list's ('{}')",
                self.purpose
            ));
        }
        let Some(index) = field("statusListIndex").and_then(|i| i.parse::<u64>().ok()) else {
            return unknown("the credential's statusListIndex is not a number".into());
        };
        match self.bits.get(index) {
            Ok(true) if self.purpose == "revocation" => StatusOutcome::Revoked {
                reason: Some(format!(
                    "revoked: bit {index} is set in the status list '{}'",
                    self.url
                )),
            },
            Ok(true) => unknown(format!(
                "bit {index} is set for purpose '{}' (only revocation is checked)",
                self.purpose
            )),
            Ok(false) => StatusOutcome::Active,
            Err(e) => unknown(e.to_string()),
        }
    }
}

impl StatusChecker for StatusListFile {
    fn check(&self, credential: &Value, status: &Value) -> StatusOutcome {
        // `credentialStatus` may be one entry or an array of them.
        match status {
            Value::Array(entries) => {
                let mut last = StatusOutcome::Unknown {
                    why: "the credential's status list is empty".into(),
                };
                for entry in entries {
                    match self.outcome(credential, entry) {
                        revoked @ StatusOutcome::Revoked { .. } => return revoked,
                        StatusOutcome::Active => last = StatusOutcome::Active,
                        unknown if last != StatusOutcome::Active => last = unknown,
                        _ => {}
                    }
                }
                last
            }
            single => self.outcome(credential, single),
        }
    }
}
