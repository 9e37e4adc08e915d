//! The HTTP client every remote read shares: rustls, timeouts, a user agent, no proxy surprises,
//! redirects only within the service's own origin, and answers read with a size limit.
//!
//! Every service is treated as hostile (docs/design.md 3.5): a gateway must not send Result
//! Vault to another host (or from HTTPS down to HTTP), and no service may make it hold an answer
//! of any size in memory: bodies that are parsed are read through [`read_limited`].

use std::io::Read;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// Time to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Redirects followed in a row at most (same origin only, see [`redirect_refusal`]); a gateway
/// needs one or two (a trailing slash, a canonical path).
pub const MAX_REDIRECTS: usize = 5;

/// A blocking client whose `timeout` bounds each phase: sending the request and each read of
/// the body (reqwest's blocking client applies it per read), so a stalled transfer fails
/// without limiting how long a large download may take. It follows a redirect only to the same
/// origin as the URL first asked (see [`redirect_refusal`]); any other redirect fails the request
/// with an error that [`redirect_refused`] recognises.
pub fn client(timeout: Duration) -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .user_agent(concat!("ResultVault/", env!("CARGO_PKG_VERSION")))
        .redirect(same_origin_redirects())
        .build()
        .map_err(|e| Error::internal(format!("HTTP client: {e}")))
}

/// A `network` error with `hint`.
pub fn network_error(message: impl Into<String>, hint: &str) -> Error {
    Error::new(ErrorKind::Network, message, hint)
}

/// Why a redirect from `from` (the URL first asked) to `to` is refused, or `None` to follow it.
///
/// Followed: the same host, and the same scheme and port; or the same host upgraded from
/// `http` to `https` on the default ports. Refused: another host (a name and an IP address of
/// the same machine are different hosts), another port, HTTPS to HTTP, any scheme but
/// `http`/`https`.
pub fn redirect_refusal(from: &reqwest::Url, to: &reqwest::Url) -> Option<String> {
    if !matches!(to.scheme(), "http" | "https") {
        return Some(format!("to a {}: URL", to.scheme()));
    }
    if from.scheme() == "https" && to.scheme() != "https" {
        return Some("from HTTPS to HTTP".into());
    }
    if from.host_str() != to.host_str() {
        return Some(format!("to another host ({})", origin(to)));
    }
    let upgrade = from.scheme() == "http" && to.scheme() == "https" && from.port().is_none() && to.port().is_none();
    if !upgrade && (from.scheme() != to.scheme() || from.port_or_known_default() != to.port_or_known_default()) {
        return Some(format!("to another port ({})", origin(to)));
    }
    None
}

fn origin(u: &reqwest::Url) -> String {
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!("{}://{}{port}", u.scheme(), u.host_str().unwrap_or("?"))
}

/// The error a refused redirect carries through reqwest.
#[derive(Debug)]
struct RedirectRefused(String);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first().cloned() else { return attempt.stop() };
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(RedirectRefused(format!("more than {MAX_REDIRECTS} times in a row")));
        }
        match redirect_refusal(&first, attempt.url()) {
            Some(why) => attempt.error(RedirectRefused(why)),
            None => attempt.follow(),
        }
    })
}

/// When `e` is a redirect that [`client`] refused: why (e.g. "to another host (http://…)").
pub fn redirect_refused(e: &reqwest::Error) -> Option<String> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<RedirectRefused>() {
            return Some(r.0.clone());
        }
        source = s.source();
    }
    None
}

/// The words for a failed request: a refused redirect says where it led, else reqwest's error.
pub fn describe_send_error(e: &reqwest::Error) -> String {
    match redirect_refused(e) {
        Some(why) => format!("it redirected {why}, which Result Vault refuses"),
        None => e.to_string(),
    }
}

/// Reads the body of `resp` whole, but at most `limit` bytes: a larger body (announced by
/// `Content-Length`, or found by reading `limit + 1` bytes through [`Read::take`]) is a
/// `network` error that names `what` (e.g. "The subgraph https://…") and the limit. Nothing
/// beyond `limit + 1` bytes is ever read or held.
///
/// Errors: `network` (too large, or the connection broke while reading).
pub fn read_limited(resp: reqwest::blocking::Response, limit: u64, what: &str) -> Result<Vec<u8>> {
    let too_much = || {
        network_error(
            format!("{what} sent too much: an answer of more than {}, the most Result Vault accepts from it.", size(limit)),
            "Nothing was used from that answer. Check the service's URL in Settings: a correct service never answers this much.",
        )
    };
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_much());
    }
    let mut body = Vec::new();
    resp.take(limit.saturating_add(1)).read_to_end(&mut body).map_err(|e| {
        network_error(
            format!("{what} broke off its answer ({e})."),
            "Check your connection and the service's URL in Settings, then try again.",
        )
    })?;
    if body.len() as u64 > limit {
        return Err(too_much());
    }
    Ok(body)
}

/// `limit` in words: "64 KiB", "16 MiB".
fn size(limit: u64) -> String {
    match limit {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        s.parse().unwrap()
    }

    #[test]
    fn redirects_stay_on_the_gateways_own_origin() {
        let gw = url("https://ipfs-gateway.example/ipfs/Qm");
        assert_eq!(redirect_refusal(&gw, &url("https://ipfs-gateway.example/ipfs/Qm/")), None);
        assert!(redirect_refusal(&gw, &url("http://ipfs-gateway.example/ipfs/Qm")).unwrap().contains("HTTPS to HTTP"));
        assert!(redirect_refusal(&gw, &url("https://evil.example/x")).unwrap().contains("another host"));
        assert!(redirect_refusal(&gw, &url("https://ipfs-gateway.example:8443/x")).unwrap().contains("another port"));
        assert!(redirect_refusal(&gw, &url("file:///etc/passwd")).is_some());
        let local = url("http://127.0.0.1:8080/ipfs/Qm");
        assert!(redirect_refusal(&local, &url("http://localhost:8080/ipfs/Qm")).unwrap().contains("another host"));
        assert!(redirect_refusal(&local, &url("http://127.0.0.1:8081/ipfs/Qm")).unwrap().contains("another port"));
        // An upgrade to HTTPS on the default ports is the same service.
        assert_eq!(redirect_refusal(&url("http://gw.example/a"), &url("https://gw.example/a")), None);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size(64 << 10), "64 KiB");
        assert_eq!(size(16 << 20), "16 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
