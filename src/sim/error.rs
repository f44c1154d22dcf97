//! Why the simulator could not start: a scenario or TLS file it cannot
//! use, or an address it cannot listen on.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot read {}: {source}", path.display())]
    ReadScenario {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    BadScenario { path: PathBuf, message: String },
    /// A certificate or key file that is missing or not PEM.
    #[error("{}: {source}", path.display())]
    Pem {
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// The certificate and key do not make a TLS server (`path` is the
    /// certificate).
    #[error("{}: {source}", path.display())]
    Certificate {
        path: PathBuf,
        #[source]
        source: rustls::Error,
    },
    #[error(transparent)]
    Tls(#[from] rustls::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The listener, its runtime or its thread failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The simulator's thread ended before it said where it listens.
    #[error(transparent)]
    Gone(#[from] std::sync::mpsc::RecvError),
}
