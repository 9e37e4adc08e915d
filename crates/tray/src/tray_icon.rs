//! The tray icon (a StatusNotifierItem over D-Bus, with its dbusmenu): "Open Result Vault",
//! "Check now", "Quit"; a click on the icon opens the app. No GTK: the desktop's tray host
//! draws it from the icon's pixels (the app's 32 × 32 icon) or its name.

use std::sync::Arc;

use ksni::blocking::TrayMethods;
use ksni::menu::StandardItem;
use ksni::MenuItem;

use crate::Host;

/// The app's 32 × 32 icon (RGBA PNG), drawn by the tray host.
const ICON_PNG: &[u8] = include_bytes!("../../../icons/32x32.png");

/// The tray item: the host it acts on, and its icon.
pub struct ResultVaultTray {
    host: Arc<Host>,
    icon: Option<ksni::Icon>,
}

/// The icon's pixels as the StatusNotifierItem specification wants them: ARGB32, network byte
/// order. `None` if the embedded PNG is not 8-bit RGBA (it is; checked by a test).
fn icon_pixmap(png_bytes: &[u8]) -> Option<ksni::Icon> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let data = buf[..info.buffer_size()].chunks_exact(4).flat_map(|p| [p[3], p[0], p[1], p[2]]).collect();
    Some(ksni::Icon { width: i32::try_from(info.width).ok()?, height: i32::try_from(info.height).ok()?, data })
}

impl ksni::Tray for ResultVaultTray {
    fn id(&self) -> String {
        "result-vault".into()
    }

    fn title(&self) -> String {
        "Result Vault".into()
    }

    fn icon_name(&self) -> String {
        "result-vault-app".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icon.clone().into_iter().collect()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: "Result Vault".into(),
            description: self.host.lang.text("Watching for results", "Surveille les résultats"),
            ..Default::default()
        }
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        self.host.open_app(&[]);
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let l = self.host.lang;
        vec![
            StandardItem {
                label: l.text("Open Result Vault", "Ouvrir Result Vault"),
                activate: Box::new(|t: &mut Self| t.host.open_app(&[])),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: l.text("Check now", "Vérifier maintenant"),
                activate: Box::new(|t: &mut Self| {
                    log::info!("check now, from the tray");
                    t.host.watch.wake();
                }),
                ..Default::default()
            }
            .into(),
            MenuItem::Separator,
            StandardItem {
                label: l.text("Quit", "Quitter"),
                activate: Box::new(|t: &mut Self| {
                    log::info!("quit, from the tray");
                    t.host.watch.stop();
                }),
                ..Default::default()
            }
            .into(),
        ]
    }
}

/// Shows the tray icon; `None` (logged) when there is no session bus. The icon goes when the
/// handle is dropped. A desktop without a tray host still gets the item on the bus: it shows
/// when a host appears.
pub fn show(host: Arc<Host>) -> Option<ksni::blocking::Handle<ResultVaultTray>> {
    let tray = ResultVaultTray { host, icon: icon_pixmap(ICON_PNG) };
    match tray.assume_sni_available(true).spawn() {
        Ok(h) => Some(h),
        Err(e) => {
            log::warn!("no tray icon ({e}): the notifications still come");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_32_by_32_argb() {
        let icon = icon_pixmap(ICON_PNG).expect("the embedded icon decodes");
        assert_eq!((icon.width, icon.height, icon.data.len()), (32, 32, 32 * 32 * 4));
        // Some pixel is opaque and some is not drawn (the icon has a shape, not a square).
        assert!(icon.data.chunks_exact(4).any(|p| p[0] == 0xff));
        assert!(icon.data.chunks_exact(4).any(|p| p[0] == 0));
    }
}
