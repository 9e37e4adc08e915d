#!/usr/bin/python3
"""A GTK drag source for the end-to-end tests: a window at (X, Y) whose button offers one file as
`text/uri-list`, the way a file manager does. Dragged with xdotool into Result Vault, it makes
Tauri emit its native drag-drop events with the real path.

    drag_source.py PATH X Y
Prints "ready" once the window is shown.
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gio, GLib, Gtk  # noqa: E402

path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
uri = Gio.File.new_for_path(path).get_uri()

win = Gtk.Window(title="drag-source")
win.set_default_size(220, 140)
win.move(x, y)
button = Gtk.Button(label="DRAG ME")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([uri]))
win.add(button)
win.connect("destroy", Gtk.main_quit)
win.show_all()
GLib.timeout_add(300, lambda: print("ready", flush=True) and False)
GLib.timeout_add_seconds(120, Gtk.main_quit)  # never outlive a broken test
Gtk.main()
