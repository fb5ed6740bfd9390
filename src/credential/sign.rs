//! Bulk signing. A `BatchSigner` holds one key, one issuer and one proof `created` time, hashes
//! the shared proof configuration once, and signs each credential through the fast path. The
//! first credential of every batch also goes through the general JSON-LD path and the batch
//! stops on any difference, so a fast-path bug can never ship a signature other verifiers reject.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::canon;
use super::conformance::{Problem, ShapeCheck};
use super::fast;
use super::keys::IssuerKey;
use super::model::{AchievementCredential, Proof};
use super::proof::{self, ProofError};

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(
        "the fast signing path and the reference JSON-LD path disagree on credential {id}; nothing was signed (please report this)"
    )]
    PathsDisagree { id: String },
    #[error("credential {id} is issued by '{found}' but this batch signs for '{expected}'")]
    WrongIssuer {
        id: String,
        found: String,
        expected: String,
    },
    #[error("credential {id} uses @context {found:?}; a batch signs one context list")]
    WrongContext { id: String, found: Vec<String> },
    #[error("credential {id} could not be canonicalized: {source}")]
    Canon { id: String, source: ProofError },
    /// `verify` would answer "not an Open Badge": nothing is signed.
    #[error("credential {id} would not be a valid Open Badge, so it was not signed: {}", problems.iter().map(|p| p.line(crate::i18n::Lang::En)).collect::<Vec<_>>().join("; "))]
    NotOpenBadge { id: String, problems: Vec<Problem> },
}

/// How the issuer is identified in proofs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerBinding {
    /// `issuer.id` every credential must carry (the key's did:key, or the did:web).
    pub issuer_id: String,
    /// `proof.verificationMethod`.
    pub verification_method: String,
}

impl IssuerBinding {
    /// did:key issuer: `did:key:z6Mk…`, method `did:key:z6Mk…#z6Mk…`.
    pub fn did_key(key: &IssuerKey) -> Self {
        Self {
            issuer_id: key.did_key(),
            verification_method: super::didkey::did_key_verification_method(&key.verifying_key()),
        }
    }

    /// did:web issuer with the same key (`did` from `didkey::did_web`).
    pub fn did_web(did: &str, key: &IssuerKey) -> Self {
        Self {
            issuer_id: did.to_string(),
            verification_method: super::didkey::did_web_verification_method(
                did,
                &key.verifying_key(),
            ),
        }
    }
}

/// Signs many credentials that share a key, an issuer, a context list and a `created` time.
#[derive(Debug)]
pub struct BatchSigner {
    key: IssuerKey,
    binding: IssuerBinding,
    options: Proof,
    context: Vec<String>,
    config_hash: [u8; 32],
    checked_first: AtomicBool,
    stopped: AtomicBool,
    /// The strict Open Badge check, its schema part once per credential shape.
    shapes: ShapeCheck,
}

impl BatchSigner {
    /// `created` is the proof creation time (`YYYY-MM-DDThh:mm:ssZ`, see `clock::rfc3339`);
    /// `context` the `@context` all credentials of the batch use (what `builder::build` made).
    pub fn new(
        key: IssuerKey,
        binding: IssuerBinding,
        created: &str,
        context: &[String],
    ) -> Result<Self, SignError> {
        let options = proof::proof_options(&binding.verification_method, created);
        let ctx = serde_json::to_value(context).unwrap_or_default();
        let general = proof::canonical_proof_config_general(&options, &ctx).map_err(|source| {
            SignError::Canon {
                id: "(proof configuration)".to_string(),
                source,
            }
        })?;
        // The proof config is hashed once per batch: check the fast path on it right away.
        if let Ok(fast) = fast::canonical_proof_config(&options, context)
            && fast != general
        {
            return Err(SignError::PathsDisagree {
                id: "(proof configuration)".to_string(),
            });
        }
        Ok(Self {
            key,
            binding,
            options,
            context: context.to_vec(),
            config_hash: proof::sha256(&general),
            checked_first: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            shapes: ShapeCheck::new(),
        })
    }

    /// Sign one credential; returns it with `proof: [ … ]`.
    pub fn sign(
        &self,
        credential: &AchievementCredential,
    ) -> Result<AchievementCredential, SignError> {
        self.sign_with(credential, fast::canonical_document)
    }

    /// `sign` with another fast canonicalizer: lets tests prove that a disagreement with the
    /// general path stops the batch. Not for production use.
    #[doc(hidden)]
    pub fn sign_with(
        &self,
        credential: &AchievementCredential,
        fast_path: impl Fn(&AchievementCredential) -> Result<String, fast::Unsupported>,
    ) -> Result<AchievementCredential, SignError> {
        let id = || credential.id.clone();
        if credential.issuer.id != self.binding.issuer_id {
            return Err(SignError::WrongIssuer {
                id: id(),
                found: credential.issuer.id.clone(),
                expected: self.binding.issuer_id.clone(),
            });
        }
        if credential.context != self.context {
            return Err(SignError::WrongContext {
                id: id(),
                found: credential.context.clone(),
            });
        }
        if self.stopped.load(Ordering::Acquire) {
            return Err(SignError::PathsDisagree { id: id() });
        }
        self.shapes
            .check(credential)
            .map_err(|problems| SignError::NotOpenBadge { id: id(), problems })?;
        let document = match fast_path(credential) {
            // Outside what the fast path covers: the general path is the answer.
            Err(_) => self.general(credential)?,
            Ok(doc) => {
                if !self.checked_first.load(Ordering::Acquire) {
                    if self.general(credential)? != doc {
                        // Any difference stops the whole batch.
                        self.stopped.store(true, Ordering::Release);
                        return Err(SignError::PathsDisagree { id: id() });
                    }
                    self.checked_first.store(true, Ordering::Release);
                }
                doc
            }
        };
        let proof = proof::sign_canonical(&self.key, &self.options, &self.config_hash, &document);
        let mut signed = credential.unsecured();
        signed.proof = vec![proof];
        Ok(signed)
    }

    fn general(&self, credential: &AchievementCredential) -> Result<String, SignError> {
        let value = serde_json::to_value(credential.unsecured()).unwrap_or_default();
        canon::canonicalize_serde(&value).map_err(|e| SignError::Canon {
            id: credential.id.clone(),
            source: ProofError::Canon(e),
        })
    }

    /// Sign all credentials on every core (`threads` = 0: as many as the machine has). The
    /// first credential is signed (and cross-checked) before the others start. Results keep
    /// the input order.
    pub fn sign_all(
        &self,
        credentials: &[AchievementCredential],
        threads: usize,
    ) -> Vec<Result<AchievementCredential, SignError>> {
        let Some((first, rest)) = credentials.split_first() else {
            return Vec::new();
        };
        let first = self.sign(first);
        if let Err(SignError::PathsDisagree { .. }) = &first {
            // Stop the batch: nothing else is signed.
            let mut out = vec![first];
            out.extend(
                rest.iter()
                    .map(|c| Err(SignError::PathsDisagree { id: c.id.clone() })),
            );
            return out;
        }
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        let mut out = vec![first];
        out.extend(parallel_map(rest, threads, |c| self.sign(c)));
        out
    }
}

/// Map `f` over `items` on `threads` threads (the calling one included), keeping the order.
/// Threads take the next item as they become free, not a fixed share: on a machine that also
/// runs the store and file writers, a thread that gets less CPU does fewer items instead of
/// keeping the others waiting at the end.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let parts = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut parts = vec![work()];
        for h in handles {
            match h.join() {
                Ok(part) => parts.push(part),
                // A panic in f is a bug; re-raise it on the caller's thread.
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        parts
    });
    // Every index was taken exactly once: put each result back in its place.
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, r) in parts.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::parallel_map;

    #[test]
    fn parallel_map_keeps_the_order_whatever_each_item_costs() {
        let items: Vec<u64> = (0..500).collect();
        let out = parallel_map(&items, 3, |&i| {
            // Uneven work: early items are slow, so threads take different numbers of items.
            if i < 10 {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(parallel_map(&[7u8], 4, |&x| x + 1), vec![8]);
        assert!(parallel_map(&[] as &[u8], 4, |&x| x).is_empty());
    }
}
