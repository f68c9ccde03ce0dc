#!/usr/bin/env python3
"""Drops files on an X11 window the way a file manager does, through the XDND protocol
(version 5), so that a GLFW application receives them in its glfwSetDropCallback.

The real-input GUI tests (gui_real.py) use it to drop a lesson file on the app's window: xdotool
can move the pointer and press keys, but it cannot drag files, and GLFW only learns about dropped
files from XDND client messages plus a selection transfer of "text/uri-list".

Standard library only: the X calls go through ctypes to libX11.so.6.

    drop_files(display_name, target, x, y, paths, timeout=10.0)

    python3 xdnd_drop.py --display :99 --window ID --at X,Y FILE...

What happens, in the order of the XDND specification:
  1. find the drop target: the given window if it carries XdndAware, else a window below it (the
     one under the point first) that does; read the protocol version it supports;
  2. create an unmapped source window and own the XdndSelection selection with it;
  3. send XdndEnter (version, up to three types in data.l[2..4]: text/uri-list);
  4. send XdndPosition (root x<<16|y, CurrentTime, XdndActionCopy) and wait for XdndStatus;
     a refusal (accept bit clear) or no answer in time raises RuntimeError;
  5. send XdndDrop, answer the target's SelectionRequest for text/uri-list with "file:///..."
     URIs (one a line, each ending in CRLF) written with XChangeProperty on the requestor's
     property, followed by a SelectionNotify event;
  6. wait for XdndFinished (RuntimeError on timeout or when the target reports failure).
All waiting polls XPending/XNextEvent with short sleeps against one deadline, so a call never
takes much longer than `timeout` seconds, whatever the other side does.
"""
import argparse
import ctypes
import os
import sys
import time
import urllib.parse
from ctypes import (POINTER, Structure, Union, byref, c_char, c_char_p, c_int, c_long, c_short,
                    c_ubyte, c_uint, c_ulong, c_void_p)

XDND_VERSION = 5

# --- Xlib constants (X.h) -------------------------------------------------------------------------
NONE = 0
CURRENT_TIME = 0
NO_EVENT_MASK = 0
PROP_MODE_REPLACE = 0
ANY_PROPERTY_TYPE = 0
XA_ATOM = 4
XA_WINDOW = 33
SUCCESS = 0
SELECTION_CLEAR = 29
SELECTION_REQUEST = 30
SELECTION_NOTIFY = 31
CLIENT_MESSAGE = 33

# X resource ids, atoms and timestamps are C "unsigned long" in Xlib: 8 bytes on 64-bit Linux.
Window = c_ulong
Atom = c_ulong
Time = c_ulong


# --- Xlib event structures (Xlib.h), laid out as on 64-bit Linux ----------------------------------
# ctypes applies the C alignment rules, so the 4-byte ints are followed by the same padding as
# in C (type at offset 0, serial at 8, send_event at 16, display at 24, window at 32, ...).

class _ClientMessageData(Union):
    _fields_ = [("b", c_char * 20), ("s", c_short * 10), ("l", c_long * 5)]


class XClientMessageEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),        # number of the last request processed by the server
        ("send_event", c_int),      # true if this came from a SendEvent request
        ("display", c_void_p),      # Display the event was read from
        ("window", Window),
        ("message_type", Atom),
        ("format", c_int),          # 8, 16 or 32: which member of data is meaningful
        ("data", _ClientMessageData),
    ]


class XSelectionRequestEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("owner", Window),
        ("requestor", Window),
        ("selection", Atom),
        ("target", Atom),
        ("property", Atom),
        ("time", Time),
    ]


class XSelectionEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("requestor", Window),
        ("selection", Atom),
        ("target", Atom),
        ("property", Atom),         # None if the conversion failed
        ("time", Time),
    ]


class XEvent(Union):
    # Xlib pads the union with "long pad[24]" (192 bytes on 64-bit), whatever the event.
    _fields_ = [
        ("type", c_int),
        ("xclient", XClientMessageEvent),
        ("xselectionrequest", XSelectionRequestEvent),
        ("xselection", XSelectionEvent),
        ("pad", c_long * 24),
    ]


class XErrorEvent(Structure):
    _fields_ = [
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


assert ctypes.sizeof(XEvent) == 24 * ctypes.sizeof(c_long)
assert ctypes.sizeof(XClientMessageEvent) <= ctypes.sizeof(XEvent)

_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(XErrorEvent))


def _load_xlib():
    """libX11 with argument and result types declared, so that 64-bit ids are not truncated."""
    x = ctypes.CDLL("libX11.so.6")

    def proto(name, restype, *argtypes):
        f = getattr(x, name)
        f.restype = restype
        f.argtypes = list(argtypes)

    dpy = c_void_p
    proto("XOpenDisplay", dpy, c_char_p)
    proto("XCloseDisplay", c_int, dpy)
    proto("XDefaultRootWindow", Window, dpy)
    proto("XInternAtom", Atom, dpy, c_char_p, c_int)
    proto("XCreateSimpleWindow", Window, dpy, Window, c_int, c_int, c_uint, c_uint, c_uint,
          c_ulong, c_ulong)
    proto("XDestroyWindow", c_int, dpy, Window)
    proto("XSetSelectionOwner", c_int, dpy, Atom, Window, Time)
    proto("XGetSelectionOwner", Window, dpy, Atom)
    proto("XSendEvent", c_int, dpy, Window, c_int, c_long, POINTER(XEvent))
    proto("XFlush", c_int, dpy)
    proto("XSync", c_int, dpy, c_int)
    proto("XPending", c_int, dpy)
    proto("XNextEvent", c_int, dpy, POINTER(XEvent))
    proto("XChangeProperty", c_int, dpy, Window, Atom, Atom, c_int, c_int, c_void_p, c_int)
    proto("XGetWindowProperty", c_int, dpy, Window, Atom, c_long, c_long, c_int, Atom,
          POINTER(Atom), POINTER(c_int), POINTER(c_ulong), POINTER(c_ulong),
          POINTER(c_void_p))
    proto("XFree", c_int, c_void_p)
    proto("XQueryTree", c_int, dpy, Window, POINTER(Window), POINTER(Window),
          POINTER(c_void_p), POINTER(c_uint))
    proto("XTranslateCoordinates", c_int, dpy, Window, Window, c_int, c_int, POINTER(c_int),
          POINTER(c_int), POINTER(Window))
    proto("XSetErrorHandler", c_void_p, c_void_p)
    return x


class _Session:
    """One drag-and-drop: the display connection, the source window and the atoms."""

    def __init__(self, display_name, timeout):
        self.x = _load_xlib()
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.errors = []          # X protocol errors seen, as (error_code, request_code, id)
        # Xlib's default error handler prints and exits the whole process (for instance on a
        # BadWindow from a window id that does not exist); record the errors instead.
        self._handler = _ERROR_HANDLER(self._on_error)
        self._old_handler = self.x.XSetErrorHandler(ctypes.cast(self._handler, c_void_p))
        self.dpy = self.x.XOpenDisplay(display_name.encode())
        if not self.dpy:
            self.x.XSetErrorHandler(self._old_handler)
            raise RuntimeError(f"cannot open X display {display_name!r}")
        self.root = self.x.XDefaultRootWindow(self.dpy)
        self.source = NONE
        self.uri_data = b""

    def _on_error(self, _dpy, err):
        e = err.contents
        self.errors.append((e.error_code, e.request_code, e.resourceid))
        return 0

    def close(self):
        if self.source:
            self.x.XDestroyWindow(self.dpy, self.source)
            self.source = NONE
        self.x.XSync(self.dpy, 0)
        self.x.XCloseDisplay(self.dpy)
        self.x.XSetErrorHandler(self._old_handler)

    def atom(self, name):
        return self.x.XInternAtom(self.dpy, name.encode(), 0)

    # --- window properties and the tree ---------------------------------------------------------

    def get_property(self, window, prop, req_type=ANY_PROPERTY_TYPE):
        """(type, format, list of 32-bit items) of a property of 32-bit format, or None if it is
        absent or the window does not exist."""
        actual_type, actual_format = Atom(), c_int()
        nitems, bytes_after, data = c_ulong(), c_ulong(), c_void_p()
        n_errors = len(self.errors)
        status = self.x.XGetWindowProperty(self.dpy, window, prop, 0, 1024, 0, req_type,
                                           byref(actual_type), byref(actual_format),
                                           byref(nitems), byref(bytes_after), byref(data))
        self.x.XSync(self.dpy, 0)
        if status != SUCCESS or len(self.errors) > n_errors:
            if data:
                self.x.XFree(data)
            return None
        try:
            if actual_type.value == NONE:
                return None
            values = []
            if actual_format.value == 32 and data:
                # Format-32 properties come back from Xlib as arrays of C longs.
                values = list(ctypes.cast(data, POINTER(c_long * nitems.value)).contents)
            return actual_type.value, actual_format.value, values
        finally:
            if data:
                self.x.XFree(data)

    def children(self, window):
        """The child windows of window, bottom to top (empty if it has none or does not exist)."""
        root, parent, kids, n = Window(), Window(), c_void_p(), c_uint()
        if not self.x.XQueryTree(self.dpy, window, byref(root), byref(parent), byref(kids),
                                 byref(n)):
            return []
        try:
            if not kids or n.value == 0:
                return []
            return list(ctypes.cast(kids, POINTER(Window * n.value)).contents)
        finally:
            if kids:
                self.x.XFree(kids)

    def child_at(self, window, x, y):
        """The child of window that contains the root point (x, y), or None."""
        wx, wy, child = c_int(), c_int(), Window()
        if not self.x.XTranslateCoordinates(self.dpy, self.root, window, x, y, byref(wx),
                                            byref(wy), byref(child)):
            return None
        return child.value or None

    def xdnd_version(self, window):
        """The XDND version window accepts according to its XdndAware property, or None."""
        prop = self.get_property(window, self.atom("XdndAware"), XA_ATOM)
        if prop is None or not prop[2]:
            return None
        return prop[2][0]

    def find_target(self, window, x, y):
        """(window, version): window itself if it is XdndAware, else the XdndAware window below
        it, preferring the chain of children under the point (what a file manager looks at), then
        any descendant (breadth first)."""
        n_errors = len(self.errors)
        version = self.xdnd_version(window)
        if version is not None:
            return window, version
        if len(self.errors) > n_errors:
            raise RuntimeError(f"window {window:#x} does not exist on this display")
        w = window
        for _ in range(64):                    # the tree is never this deep; stop regardless
            w = self.child_at(w, x, y)
            if w is None:
                break
            version = self.xdnd_version(w)
            if version is not None:
                return w, version
        queue = self.children(window)
        seen = 0
        while queue and seen < 10000:
            w = queue.pop(0)
            seen += 1
            version = self.xdnd_version(w)
            if version is not None:
                return w, version
            queue.extend(self.children(w))
        raise RuntimeError(
            f"window {window:#x} is not a drop target: neither it nor any window below it has "
            f"the XdndAware property (the application does not accept dropped files)")

    # --- events ---------------------------------------------------------------------------------

    def send_client_message(self, target, message_type, l0, l1=0, l2=0, l3=0, l4=0):
        ev = XEvent()
        ev.xclient.type = CLIENT_MESSAGE
        ev.xclient.window = target              # XDND: the window the message is about
        ev.xclient.message_type = message_type
        ev.xclient.format = 32
        for i, v in enumerate((l0, l1, l2, l3, l4)):
            ev.xclient.data.l[i] = v
        n_errors = len(self.errors)
        self.x.XSendEvent(self.dpy, target, 0, NO_EVENT_MASK, byref(ev))
        self.x.XSync(self.dpy, 0)
        if len(self.errors) > n_errors:
            raise RuntimeError(f"could not send an XDND message to window {target:#x} "
                               f"(X error {self.errors[-1][0]}; did the window go away?)")

    def answer_selection_request(self, req):
        """Replies to a SelectionRequest for XdndSelection: the URI list for text/uri-list, the
        list of targets for TARGETS, a refusal (property None) for anything else."""
        prop = req.property or req.target       # obsolete clients leave property None
        uri_list, targets = self.atom("text/uri-list"), self.atom("TARGETS")
        if req.selection != self.atom("XdndSelection"):
            prop = NONE
        elif req.target == uri_list:
            buf = ctypes.create_string_buffer(self.uri_data, len(self.uri_data))
            self.x.XChangeProperty(self.dpy, req.requestor, prop, uri_list, 8,
                                   PROP_MODE_REPLACE, buf, len(self.uri_data))
        elif req.target == targets:
            atoms = (c_long * 2)(targets, uri_list)
            self.x.XChangeProperty(self.dpy, req.requestor, prop, XA_ATOM, 32,
                                   PROP_MODE_REPLACE, atoms, 2)
        else:
            prop = NONE
        ev = XEvent()
        ev.xselection.type = SELECTION_NOTIFY
        ev.xselection.requestor = req.requestor
        ev.xselection.selection = req.selection
        ev.xselection.target = req.target
        ev.xselection.property = prop
        ev.xselection.time = req.time
        self.x.XSendEvent(self.dpy, req.requestor, 0, NO_EVENT_MASK, byref(ev))
        self.x.XFlush(self.dpy)

    def wait_for(self, message_type, target, what):
        """Waits until a client message of message_type about target arrives and returns its
        data.l as a list; serves selection requests meanwhile. RuntimeError at the deadline."""
        ev = XEvent()
        while True:
            while self.x.XPending(self.dpy) > 0:
                self.x.XNextEvent(self.dpy, byref(ev))
                if ev.type == SELECTION_REQUEST:
                    self.answer_selection_request(ev.xselectionrequest)
                elif ev.type == SELECTION_CLEAR:
                    raise RuntimeError("another client took the XdndSelection selection "
                                       "during the drop")
                elif (ev.type == CLIENT_MESSAGE and ev.xclient.message_type == message_type
                      and ev.xclient.data.l[0] == target):
                    return list(ev.xclient.data.l)
            if time.monotonic() >= self.deadline:
                raise RuntimeError(f"window {target:#x} did not answer with {what} within "
                                   f"{self.timeout:g} s")
            time.sleep(0.01)


def file_uri(path):
    """file:///... for a path: absolute, UTF-8 (file system encoding) bytes, every byte outside
    the unreserved set A-Z a-z 0-9 - . _ ~ and '/' written as %XX."""
    raw = os.fsencode(os.path.abspath(path))
    return "file://" + urllib.parse.quote(raw, safe="/")


def uri_list(paths):
    """The text/uri-list payload: one URI a line, every line ended by CRLF (RFC 2483)."""
    return "".join(file_uri(p) + "\r\n" for p in paths).encode("ascii")


def drop_files(display_name: str, target: int, x: int, y: int, paths: list,
               timeout: float = 10.0) -> None:
    """Drops paths on window target of display display_name at root coordinates (x, y), as a
    file manager does over XDND, and returns once the target has reported the drop finished.
    Raises RuntimeError with the reason if the display cannot be opened, the window is no drop
    target, refuses the files, or does not answer within timeout seconds."""
    if not paths:
        raise ValueError("no files to drop")
    if not (0 <= x <= 0xFFFF and 0 <= y <= 0xFFFF):
        raise ValueError(f"drop point {x},{y} is outside the root window coordinates XDND allows")
    s = _Session(display_name, timeout)
    entered = dropped = False
    target_win = target
    try:
        xdnd_enter = s.atom("XdndEnter")
        xdnd_position = s.atom("XdndPosition")
        xdnd_status = s.atom("XdndStatus")
        xdnd_leave = s.atom("XdndLeave")
        xdnd_drop = s.atom("XdndDrop")
        xdnd_finished = s.atom("XdndFinished")
        xdnd_selection = s.atom("XdndSelection")
        action_copy = s.atom("XdndActionCopy")
        text_uri_list = s.atom("text/uri-list")

        target_win, their_version = s.find_target(target, x, y)
        if their_version < 3:
            raise RuntimeError(f"window {target_win:#x} speaks XDND version {their_version}, "
                               f"older than the 3 this tool can talk")
        version = min(XDND_VERSION, their_version)

        # The source window: never mapped, it only owns the selection and gets the replies.
        s.source = s.x.XCreateSimpleWindow(s.dpy, s.root, -10, -10, 1, 1, 0, 0, 0)
        s.uri_data = uri_list(paths)
        s.x.XChangeProperty(s.dpy, s.source, s.atom("XdndTypeList"), XA_ATOM, 32,
                            PROP_MODE_REPLACE, (c_long * 1)(text_uri_list), 1)
        s.x.XSetSelectionOwner(s.dpy, xdnd_selection, s.source, CURRENT_TIME)
        if s.x.XGetSelectionOwner(s.dpy, xdnd_selection) != s.source:
            raise RuntimeError("could not take ownership of the XdndSelection selection")

        # XdndEnter: l[1] bits 24-31 the version, bit 0 clear (no more than three types, all in
        # l[2..4]), unused type slots None.
        s.send_client_message(target_win, xdnd_enter, s.source, version << 24,
                              text_uri_list, NONE, NONE)
        entered = True
        # XdndPosition: l[2] the pointer in root coordinates, l[3] the time, l[4] the action.
        s.send_client_message(target_win, xdnd_position, s.source, 0, (x << 16) | y,
                              CURRENT_TIME, action_copy)
        status = s.wait_for(xdnd_status, target_win, "XdndStatus")
        if not status[1] & 1:
            raise RuntimeError(f"window {target_win:#x} refused the drop (XdndStatus did not "
                               f"accept text/uri-list at {x},{y})")

        # XdndDrop: l[2] the time; the target now asks for the data (SelectionRequest, served in
        # wait_for) and then reports XdndFinished.
        s.send_client_message(target_win, xdnd_drop, s.source, 0, CURRENT_TIME)
        dropped = True
        finished = s.wait_for(xdnd_finished, target_win, "XdndFinished")
        # Version 5 says bit 0 of l[1] tells whether the target accepted the drop, but GLFW 3.3
        # puts the byte count of the data it read there (so bit 0 is its parity); zero means
        # failure for both readings.
        if version >= 5 and finished[1] == 0:
            raise RuntimeError(f"window {target_win:#x} reported the drop as failed "
                               f"(XdndFinished without the accepted bit)")
    finally:
        try:
            if entered and not dropped:
                # Tell the target the drag is over, so it does not wait for a drop.
                s.send_client_message(target_win, xdnd_leave, s.source)
        except RuntimeError:
            pass
        finally:
            s.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Drop files on an X11 window over XDND, as a file "
                                             "manager does.")
    ap.add_argument("--display", default=os.environ.get("DISPLAY", ":0"),
                    help="X display, e.g. :99 (default: $DISPLAY)")
    ap.add_argument("--window", required=True,
                    help="X window id of the target (decimal or 0x hex, as xdotool prints it)")
    ap.add_argument("--at", required=True, metavar="X,Y",
                    help="drop point in root-window coordinates")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait (default 10)")
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)
    try:
        window = int(args.window, 0)
        x, y = (int(v) for v in args.at.split(","))
    except ValueError:
        ap.error("--window must be a number and --at two numbers X,Y")
    try:
        drop_files(args.display, window, x, y, args.files, args.timeout)
    except (RuntimeError, ValueError) as e:
        print(f"xdnd_drop: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
