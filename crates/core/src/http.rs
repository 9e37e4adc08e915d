//! The HTTP client every remote read shares: rustls, timeouts, a user agent, no proxy surprises.

use std::time::Duration;

use crate::error::{ErrorKind, Result, VaultError};

/// Time to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A blocking client whose `timeout` bounds each phase: sending the request and each read of
/// the body (reqwest's blocking client applies it per read), so a stalled transfer fails
/// without limiting how long a large download may take.
pub fn client(timeout: Duration) -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .user_agent(concat!("ResultVault/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| VaultError::internal(format!("HTTP client: {e}")))
}

/// A `network` error with `hint`.
pub fn network_error(message: impl Into<String>, hint: &str) -> VaultError {
    VaultError::new(ErrorKind::Network, message, hint)
}
