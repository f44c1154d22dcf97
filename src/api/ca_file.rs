//! The certificates a connection's `ca_file` adds to the ones trusted.

/// A `ca_file` that adds nothing to trust.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    #[error("not a PEM certificate file ({0})")]
    NotPem(#[source] rustls::pki_types::pem::Error),
    #[error("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    Empty,
    #[error("{0}")]
    Certificate(#[source] reqwest::Error),
}

/// Every certificate of a PEM file; a file with none is an error (reqwest
/// would accept it and trust nothing new, which fails much later).
pub(super) fn ca_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, CaFileError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let ders = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(CaFileError::NotPem)?;
    if ders.is_empty() {
        return Err(CaFileError::Empty);
    }
    ders.iter()
        .map(|d| reqwest::Certificate::from_der(d).map_err(CaFileError::Certificate))
        .collect()
}
