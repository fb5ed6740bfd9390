//! TLS for hub connections, with rustls. `sslmode=require` means what it means for libpq:
//! the connection is encrypted, and the server's certificate is checked only when a root
//! certificate is given (`sslrootcert=FILE` in the URL) — then in full, name included.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::HubError;

/// The connector for `sslmode=require`, verifying against `root_cert` when given.
pub(super) fn connector(root_cert: Option<&Path>) -> Result<MakeRustlsConnect, HubError> {
    // ring, not aws-lc-rs: it builds with a C compiler alone, also on school Windows laptops;
    // its lack of post-quantum key exchange is no loss for a LAN hub.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Tls(e.to_string()))?;
    let config = match root_cert {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| {
                HubError::Tls(format!("cannot read sslrootcert '{}': {e}", path.display()))
            })?;
            let mut roots = RootCertStore::empty();
            for cert in rustls_pemfile_certs(&pem, path)? {
                roots
                    .add(cert)
                    .map_err(|e| HubError::Tls(format!("'{}': {e}", path.display())))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// The certificates of a PEM file.
fn rustls_pemfile_certs(pem: &[u8], path: &Path) -> Result<Vec<CertificateDer<'static>>, HubError> {
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| HubError::Tls(format!("'{}': {e:?}", path.display())))?;
    if certs.is_empty() {
        return Err(HubError::Tls(format!(
            "'{}' holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// libpq's `sslmode=require` without a root certificate: any certificate, signatures still
/// checked so the handshake itself is sound.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
