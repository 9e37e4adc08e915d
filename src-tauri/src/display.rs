//! Checks, before GTK starts, that there is a display to draw on: without one GTK panics with
//! a backtrace, which tells a person nothing.

/// `Some(sentence)` when no graphical display can be reached (Linux and BSDs: neither
/// `DISPLAY` nor `WAYLAND_DISPLAY` is set); `None` elsewhere.
pub fn missing_display() -> Option<String> {
    if !cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")) {
        return None;
    }
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "Result Vault needs a graphical display, and none was found (DISPLAY and WAYLAND_DISPLAY are not set): start it from your desktop session, or on a server under a virtual display with `xvfb-run -a result-vault-app`."
            .to_owned(),
    )
}
