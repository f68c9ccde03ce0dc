#!/usr/bin/env python3
"""Real-input scenarios for the desktop app: nnviz started as a user starts it (no options that
make it drive itself), on its own Xvfb display, with a fresh HOME, driven by X events from xdotool,
watched through the state dump it writes when NNVIZ_STATE_FILE is set (app/gui/harness/state_dump.cpp) and
through screen dumps (xwd). They find what headless --screenshot runs cannot: a view that stops
moving when nobody touches the mouse, a dialog that waits for a second event.

    gui_real.py --app PATH [--out DIR] SCENARIO

Exit status: 0 passed, 1 failed, 77 skipped (xdotool, xwd or Xvfb missing).
Bounds count steps and frames and allow generous seconds, so that a busy machine slows a
scenario down without failing it; a frozen window fails it however long it is given.
"""
import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SKIP = 77
SCREEN = (1600, 1000)  # larger than the window (1280x800), so the pointer can leave it
HERE = os.path.dirname(os.path.abspath(__file__))


class Failed(Exception):
    pass


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- screen dumps -------------------------------------------------------------------------------

def xwd_pixels(path):
    """The pixel bytes of an xwd dump (the header carries the dump's own name, not the screen)."""
    with open(path, "rb") as f:
        data = f.read()
    header_size, _version, _fmt, _depth, width, height = struct.unpack(">6I", data[:24])
    fields = struct.unpack(">25I", data[:100])
    bytes_per_line, ncolors = fields[12], fields[19]
    start = header_size + 12 * ncolors
    return data[start:start + bytes_per_line * height], width, height, fields


def xwd_to_png(src, dst):
    """Writes a true-colour xwd dump (3 or 4 bytes a pixel; Xvfb at depth 24 packs 3) as an RGB
    PNG, for people to look at."""
    pixels, width, height, f = xwd_pixels(src)
    byte_order, bits_per_pixel, bytes_per_line = f[7], f[11], f[12]
    red_mask, green_mask, blue_mask = f[14], f[15], f[16]
    size = bits_per_pixel // 8
    if size not in (3, 4) or bytes_per_line < width * size:
        return False
    order = "little" if byte_order == 0 else "big"
    shift = lambda m: (m & -m).bit_length() - 1
    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)
    # Masks of whole bytes (the usual case): each channel is every size-th byte from its own offset.
    offsets = []
    for mask, sh in ((red_mask, rs), (green_mask, gs), (blue_mask, bs)):
        if mask >> sh != 0xFF or sh % 8:
            offsets = None
            break
        offsets.append(sh // 8 if order == "little" else size - 1 - sh // 8)
    rows = []
    for y in range(height):
        line = pixels[y * bytes_per_line:y * bytes_per_line + width * size]
        rgb = bytearray(width * 3)
        if offsets:
            for c, off in enumerate(offsets):
                rgb[c::3] = line[off::size]
        else:
            for i, x in enumerate(range(0, width * size, size)):
                v = int.from_bytes(line[x:x + size], order)
                rgb[3 * i:3 * i + 3] = bytes(((v & red_mask) >> rs, (v & green_mask) >> gs, (v & blue_mask) >> bs))
        rows.append(b"\x00" + bytes(rgb))  # filter byte: none

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b"")
    with open(dst, "wb") as out:
        out.write(png)
    return True


# --- the window's close button --------------------------------------------------------------------

def send_close(display, window_id):
    """What a window manager's close button sends: a WM_DELETE_WINDOW client message (xdotool's
    windowclose destroys the window instead). Through libX11 with ctypes: nothing to build."""
    import ctypes
    import ctypes.util

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]

    class Event(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(Event)]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        raise Failed(f"cannot open display {display}")
    ev = Event()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = int(window_id)
    ev.xclient.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.data[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    ev.xclient.data[1] = 0  # CurrentTime
    x11.XSendEvent(dpy, int(window_id), 0, 0, ctypes.byref(ev))
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)


# --- the session: Xvfb, the app, input ----------------------------------------------------------

class Session:
    def __init__(self, app, out_dir, name):
        self.app_path, self.name = app, name
        self.tmp = tempfile.mkdtemp(prefix=f"nnviz-gui-real-{name}-")
        self.out = out_dir or self.tmp
        os.makedirs(self.out, exist_ok=True)
        self.state_file = os.path.join(self.tmp, "state.json")
        self.xvfb = self.proc = None
        self.display = None
        self.origin = (0, 0)
        self.shots = 0

    # Xvfb on a display number picked at random; another number if that one is taken.
    def start_x(self):
        for _ in range(20):
            n = random.randint(300, 899)
            if os.path.exists(f"/tmp/.X{n}-lock") or os.path.exists(f"/tmp/.X11-unix/X{n}"):
                continue
            xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                if os.path.exists(f"/tmp/.X11-unix/X{n}") or xvfb.poll() is not None:
                    break
                time.sleep(0.05)
            if xvfb.poll() is None and os.path.exists(f"/tmp/.X11-unix/X{n}"):
                self.xvfb, self.display = xvfb, f":{n}"
                time.sleep(0.2)
                return
            if xvfb.poll() is None:
                xvfb.terminate()
                xvfb.wait()
        raise Failed("could not start Xvfb on a free display")

    def env(self):
        e = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        home = os.path.join(self.tmp, "home")
        os.makedirs(home, exist_ok=True)
        # The in-app browser only, whatever the machine has, unless a scenario asks for a chooser.
        e.update(HOME=home, DISPLAY=self.display, NNVIZ_STATE_FILE=self.state_file, NNVIZ_FILE_CHOOSER="none")
        e.update(getattr(self, "extra_env", {}))
        e.pop("XAUTHORITY", None)
        return e

    def start_app(self, wait_for_data=True):
        self.log_path = os.path.join(self.out, f"{self.name}.log")
        self.app_log = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.app_path] + getattr(self, "extra_args", []), env=self.env(), cwd=self.tmp, stdout=self.app_log,
                                     stderr=subprocess.STDOUT)
        # The window's place on the screen: the dump's rectangles are inside the window.
        wid = self.x(["search", "--sync", "--onlyvisible", "--name", "^nnviz$"], timeout=30).split()[0]
        self.wid = int(wid)
        geo = self.x(["getwindowgeometry", "--shell", wid])
        g = dict(line.split("=", 1) for line in geo.split() if "=" in line)
        self.origin = (int(g["X"]), int(g["Y"]))
        self.size = (int(g["WIDTH"]), int(g["HEIGHT"]))
        log(f"window {wid} at {self.origin}, {self.size[0]}x{self.size[1]}, display {self.display}")
        if wait_for_data:
            self.wait_for(lambda d: d.get("data_loaded") and "state" in d, 60, "the data loaded and a run made")

    def x(self, args, timeout=10):
        r = subprocess.run(["xdotool"] + args, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise Failed(f"xdotool {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def check_alive(self):
        if self.proc.poll() is not None:
            raise Failed(f"nnviz exited with status {self.proc.returncode} (log: {self.log_path})")

    def dump(self):
        self.check_alive()
        try:
            with open(self.state_file) as f:
                return json.load(f)
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def wait_for(self, pred, seconds, what):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            d = self.dump()
            if d and pred(d):
                return d
            time.sleep(0.1)
        raise Failed(f"waited {seconds} s for {what}; last dump: {json.dumps(self.dump())[:1500]}")

    def rect(self, name, seconds=10):
        d = self.wait_for(lambda d: name in d.get("rects", {}), seconds, f"the control '{name}' on screen")
        return d["rects"][name]

    def move(self, x, y):
        self.x(["mousemove", str(int(x)), str(int(y))])

    def move_inside(self, rect_name=None):
        """The pointer over the window (keyboard focus follows it without a window manager)."""
        if rect_name:
            r = self.rect(rect_name)
            self.move(self.origin[0] + (r[0] + r[2]) / 2, self.origin[1] + (r[1] + r[3]) / 2)
        else:
            self.move(self.origin[0] + self.size[0] * 0.7, self.origin[1] + self.size[1] * 0.45)

    def move_outside(self):
        self.move(min(SCREEN[0] - 5, self.origin[0] + self.size[0] + 100),
                  min(SCREEN[1] - 5, self.origin[1] + self.size[1] + 100))

    def reveal(self, rect_name, below=60):
        """Scrolls the control into sight with the mouse wheel over it, as a user would when it
        lies below the fold of its window (the status bar's `below` pixels count as hidden)."""
        for _ in range(40):
            r = self.rect(rect_name)
            if r[3] <= self.size[1] - below:
                return r
            self.move(self.origin[0] + (r[0] + r[2]) / 2, self.origin[1] + self.size[1] * 0.5)
            self.x(["click", "5"])
            time.sleep(0.15)
        raise Failed(f"the control '{rect_name}' stays below the fold after scrolling")

    def click(self, rect_name, mods=()):
        r = self.rect(rect_name)
        cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
        if not (0 <= cx < self.size[0] and 0 <= cy < self.size[1]):
            raise Failed(f"the control '{rect_name}' lies outside the window ({r}): a user cannot click it")
        self.click_at(self.origin[0] + cx, self.origin[1] + cy, mods=mods)

    def click_at(self, x, y, button="1", mods=()):
        """A click of `button` (1 left, 3 right) at screen point (x, y), with modifier keys held."""
        self.move(x, y)
        time.sleep(0.15)
        for m in mods:
            self.x(["keydown", m])
        self.x(["mousedown", button])
        time.sleep(0.05)
        self.x(["mouseup", button])
        for m in reversed(mods):
            self.x(["keyup", m])
        time.sleep(0.15)

    def double_click(self, rect_name):
        r = self.rect(rect_name)
        self.move(self.origin[0] + (r[0] + r[2]) / 2, self.origin[1] + (r[1] + r[3]) / 2)
        time.sleep(0.15)
        for _ in range(2):
            self.x(["mousedown", "1"])
            time.sleep(0.03)
            self.x(["mouseup", "1"])
            time.sleep(0.06)
        time.sleep(0.15)

    def key(self, name, mods=()):
        # Held for 50 ms: a tap with no hold can fall between two frames of a busy app.
        for m in mods:
            self.x(["keydown", m])
        self.x(["keydown", name])
        time.sleep(0.05)
        self.x(["keyup", name])
        for m in reversed(mods):
            self.x(["keyup", m])
        time.sleep(0.05)

    def type_into(self, rect_name, text, enter=True):
        """Clicks into a text field near its left end, replaces what it holds (any characters
        type_text knows), and presses Enter unless told not to."""
        r = self.rect(rect_name)
        self.move(self.origin[0] + r[0] + 8, self.origin[1] + (r[1] + r[3]) / 2)
        time.sleep(0.15)
        self.x(["mousedown", "1"])
        time.sleep(0.05)
        self.x(["mouseup", "1"])
        time.sleep(0.2)
        self.key("a", mods=("ctrl",))
        type_text(self, text)
        if enter:
            self.key("Return")

    def shot(self, label):
        self.shots += 1
        path = os.path.join(self.out, f"{self.name}-{self.shots:02d}-{label}.xwd")
        with open(path, "wb") as f:
            subprocess.run(["xwd", "-root", "-silent"], env=self.env(), stdout=f, check=True, timeout=20)
        return path

    def close(self, keep):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # as the window's close button
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                log("nnviz did not end within 20 s of SIGTERM; killing it")
                self.proc.kill()
                self.proc.wait()
        if self.xvfb and self.xvfb.poll() is None:
            self.xvfb.terminate()
            try:
                self.xvfb.wait(10)
            except subprocess.TimeoutExpired:
                self.xvfb.kill()
                self.xvfb.wait()
        if getattr(self, "app_log", None):
            self.app_log.close()
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def same_screen(a, b):
    return xwd_pixels(a)[0] == xwd_pixels(b)[0]


def keep_png(path):
    png = path[:-4] + ".png"
    if xwd_to_png(path, png):
        os.remove(path)
    return png


def watch_untouched(s, count, label, seconds=5.0, limit=20.0, changes=3):
    """With no input at all: the value `count(dump)` must take `changes` new values and the screen
    must change, within `limit` seconds (at least `seconds` of watching)."""
    first = s.shot(f"{label}-start")
    seen = [count(s.dump())]
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        time.sleep(0.25)
        v = count(s.dump())
        if v != seen[-1]:
            seen.append(v)
        if len(seen) > changes and time.monotonic() - t0 >= seconds:
            break
    last = s.shot(f"{label}-end")
    moved = not same_screen(first, last)
    log(f"{label}: {len(seen) - 1} changes in {time.monotonic() - t0:.1f} s without input ({seen[0]} -> {seen[-1]}); "
        f"screen {'changed' if moved else 'did not change'}")
    keep_png(first), keep_png(last)
    if len(seen) <= changes:
        raise Failed(f"{label}: the view did not keep moving without input: values seen {seen}")
    if not moved:
        raise Failed(f"{label}: the screen did not change in {time.monotonic() - t0:.1f} s without input")


# --- scenarios ---------------------------------------------------------------------------------

def scenario_compare(s):
    """Compare view opened from the sidebar, a ready-made race picked and started by clicks; then
    the pointer leaves the window and the race must go on on screen."""
    # More epochs than the ready-made race has: it must outlast the watching on any machine.
    start_race(s, 20)
    s.move_outside()
    time.sleep(1.5)  # longer than any settling after the last event
    watch_untouched(s, lambda d: sum(d.get("comparison", {}).get("steps", [])), "comparison-steps")
    if not s.dump()["comparison"]["running"]:
        raise Failed("the race ended while it was watched: it no longer shows that the view keeps moving")


def scenario_playground(s):
    """The playground opened from the sidebar (it trains at once), in 1-D and then 2-D, with the
    pointer outside the window."""
    s.click("views.playground")
    s.wait_for(lambda d: d.get("playground", {}).get("running"), 10, "the playground running")
    s.move_outside()
    time.sleep(1.5)
    watch_untouched(s, lambda d: d.get("playground", {}).get("steps", 0), "playground-1d-steps", seconds=3)
    s.click("playground.2d")
    s.wait_for(lambda d: d.get("playground", {}).get("mode") == 1, 10, "the 2-D playground")
    s.move_outside()
    time.sleep(1.5)
    watch_untouched(s, lambda d: d.get("playground", {}).get("steps", 0), "playground-2d-steps", seconds=3)


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return -1


def scenario_playground_csv(s):
    """A points file of three million rows (51 MB) typed into the 2-D playground while an MNIST run
    has unsaved training: it is read off the frame thread (frames keep coming), sampled down to
    20,000 points with a notice, the app's memory stays bounded, and the MNIST run is untouched
    (a million rows took 6.2 GB and nearly froze the app; ten million crashed it)."""
    csv = os.path.join(s.tmp, "million.csv")
    with open(csv, "w") as f:
        f.write("x,y,label\n")
        f.writelines(f"{(i % 1000) / 250 - 2:.4f},{(i // 1000) / 250 - 2:.4f},{(i + i // 1000) % 2}\n"
                     for i in range(3000000))
    d = train_a_little(s)
    step = d["step"]
    s.click("views.playground")
    s.click("playground.2d")
    s.wait_for(lambda d: d.get("playground", {}).get("mode") == 1, 10, "the 2-D playground")
    s.type_into("playground.csv", csv, enter=False)  # Return below, again if a busy frame misses it
    t0 = time.monotonic()
    d = press_until(s, "Return", lambda d: d.get("playground", {}).get("loading") or
                    "Sampled" in d.get("playground", {}).get("notice", ""), "the points file being read")
    # The file is read while frames go on: some frame must say it is loading (a read on the frame
    # thread would finish inside one frame, and no dump could show it), and a pointer move during
    # the read must get a frame drawn within 3 s.
    seen = [(time.monotonic(), d.get("frames", 0))] if d["playground"].get("loading") else []
    moved = None
    answered = None  # seconds from the move to a new frame
    end = time.monotonic() + 60
    while time.monotonic() < end:
        d = s.dump()
        p = d.get("playground", {})
        now = time.monotonic()
        if p.get("loading"):
            seen.append((now, d.get("frames", 0)))
            if moved is None:
                s.move(s.origin[0] + s.size[0] * 0.7 + 6, s.origin[1] + s.size[1] * 0.45)
                moved = (time.monotonic(), d.get("frames", 0))
            elif answered is None and d.get("frames", 0) > moved[1]:
                answered = now - moved[0]
            elif answered is None and now - moved[0] > 3:
                raise Failed("no frame within 3 s of a pointer move while the file was read: the frame thread waited")
        elif "Sampled" in p.get("notice", "") or p.get("error"):
            break
        time.sleep(0.05)
    took = time.monotonic() - t0
    if "Sampled 20000 of the file's 3000000 points" not in d.get("playground", {}).get("notice", ""):
        raise Failed(f"no notice of the sampled file: {json.dumps(d.get('playground'))}")
    if not seen:
        raise Failed("no frame was drawn while the file was read: it was read on the frame thread")
    keep_png(s.shot("playground-csv"))
    peak = peak_rss_mb(s.proc.pid)
    log(f"read and sampled in {took:.1f} s; {len(seen)} dumps said it was loading; a pointer move during the read "
        f"was answered {'in %.2f s' % answered if answered is not None else '(the read ended first)'}; "
        f"the app's peak memory {peak:.0f} MB")
    if peak > 1536:
        raise Failed(f"the app's peak memory was {peak:.0f} MB (bound: 1.5 GB)")
    # One read for the file: press_until pressed Return at most three times (each frame began a new
    # read of it, and waited for the last, until the frame that found one finished).
    if not 1 <= d["playground"].get("csv_reads", 0) <= 3:
        raise Failed(f"the file was read {d['playground'].get('csv_reads')} times")
    if d["playground"].get("points") != 20000:
        raise Failed(f"the playground holds {d['playground'].get('points')} points, not 20000")
    if d.get("state") == "failed" or d.get("step") != step:
        raise Failed(f"the MNIST run changed: state {d.get('state')}, step {d.get('step')} (was {step})")


def scenario_landscape(s):
    """The landscape view opened from the sidebar draws its optimizers' paths to the last step
    with the pointer outside the window."""
    s.click("views.landscape")
    d = s.wait_for(lambda d: "landscape" in d, 10, "the Landscape view")
    s.move_outside()
    first = s.shot("landscape-start")
    d = s.wait_for(lambda d: d["landscape"]["shown"] >= d["landscape"]["steps"], 30,
                   "the landscape's paths drawn to the last step without input")
    last = s.shot("landscape-end")
    log(f"landscape: {d['landscape']['shown']} of {d['landscape']['steps']} steps drawn without input")
    moved = not same_screen(first, last)
    keep_png(first), keep_png(last)
    if not moved:
        raise Failed("landscape: the screen did not change")
    # The pointer on a name in the values picks that path (the others dim), and off it, none.
    s.move_inside("landscape.value.adam")
    s.wait_for(lambda d: d["landscape"].get("highlight") == 5, 5, "adam's path picked by its name")
    keep_png(s.shot("landscape-adam"))
    s.move_outside()
    s.wait_for(lambda d: d["landscape"].get("highlight") == -1, 5, "no path picked with the pointer away")


def press_until(s, key, pred, what, tries=3, mods=()):
    """A key, again if its effect has not shown after a few seconds: ImGui 1.86 misses a press that
    begins and ends between two frames, and a frame can take long on a loaded machine. The effect
    is looked for first, so a late press is never doubled."""
    name = "+".join(mods + (key,))
    for attempt in range(tries):
        s.key(key, mods=mods)
        try:
            return s.wait_for(pred, 5, what)
        except Failed:
            log(f"no {what} after pressing {name} (try {attempt + 1} of {tries}); nav {s.dump().get('nav')}, typing {s.dump().get('typing')}")
    raise Failed(f"no {what} after pressing {name} {tries} times; last dump: {json.dumps(s.dump())[:1500]}")


def open_typed(s, path):
    """Ctrl+O, the path typed into the dialog (again if a key was lost), and Return until the
    dialog has closed (a busy frame can miss a key press)."""
    s.move_inside()
    press_until(s, "o", lambda d: "Open run or model" in d.get("popups", []), "the Open dialog", mods=("ctrl",))
    for attempt in range(3):
        s.key("a", mods=("ctrl",))
        type_text(s, path)
        try:
            s.wait_for(lambda d: d.get("dialog_path") == path, 5, "the typed path in the dialog")
            break
        except Failed:
            if attempt == 2:
                raise
    press_until(s, "Return", lambda d: "Open run or model" not in d.get("popups", []), "the Open dialog closed by Return")


def train_a_little(s):
    s.move_inside()  # over the curves, on no control: keyboard focus follows the pointer
    time.sleep(0.3)
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 0, "training")
    time.sleep(0.5)
    return press_until(s, "space", lambda d: d.get("state") == "paused", "pause")


def scenario_reset_dialog(s):
    """Train a little, pause, then R with the pointer still: the unsaved-training dialog must be on
    screen with no further input."""
    d = train_a_little(s)
    time.sleep(1.0)
    before = s.shot("before-R")
    if s.dump().get("popups"):
        raise Failed(f"a popup was open before R: {s.dump()['popups']}")
    log(f"paused at step {d['step']}; pressing R")
    t0 = time.monotonic()
    s.key("r")
    try:
        d = s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the 'Unsaved training' dialog")
    finally:
        after = s.shot("after-R")
        moved = not same_screen(before, after)
        keep_png(before), keep_png(after)
    log(f"dialog shown {time.monotonic() - t0:.2f} s after R; screen {'changed' if moved else 'did not change'}")
    if not moved:
        raise Failed("the dump shows the dialog but the screen did not change")


def scenario_epoch_key(s):
    """Train a little, pause, then E (to the end of the epoch) with the pointer still: the step and
    the status line must follow the training with no further input, and the epoch's end (paused,
    with its evaluation) must be drawn as it happens, not when the loop next wakes up by itself."""
    # Full speed (the button beside the pace slider): two epochs at the starting pace take half a minute.
    start = s.dump().get("speed")
    if start != 300:
        raise Failed(f"a new user starts at {start} mini-batches/s, not at the watchable 300")
    s.click("controls.full")
    s.wait_for(lambda d: d.get("speed") == 0, 10, "full speed after a click on Full")
    d = train_a_little(s)
    # A first E to the end of the epoch under way, however little is left of it; then the second
    # one, watched, trains a whole epoch, far longer than the key is held.
    first_step, evals = d["step"], d["evaluations"]
    press_until(s, "e", lambda d: d.get("step", 0) > first_step, "step after the first E")
    d = s.wait_for(lambda d: d.get("state") == "paused" and abs(d["epoch"] - round(d["epoch"])) < 1e-6
                   and d.get("evaluations", 0) > evals and not d.get("live"), 60, "the first E's epoch end")
    time.sleep(1.0)
    step, status, evals = d["step"], d["status"], d["evaluations"]
    before = s.shot("before-E")
    log(f"paused at step {step}: '{status}'; pressing E")
    d1 = press_until(s, "e", lambda d: d.get("step", 0) > step, "step after E")
    end = s.wait_for(lambda d: d.get("state") == "paused" and d.get("step", 0) >= d1["step"]
                     and d.get("evaluations", 0) > evals and not d.get("live"), 60,
                     "the epoch's end after E, evaluated, shown without input")
    after = s.shot("after-E")
    moved = not same_screen(before, after)
    keep_png(before), keep_png(after)
    log(f"after E: step {d1['step']}, then {end['step']}: '{end['status']}'")
    if end["status"] == status:
        raise Failed("the status line did not change after E")
    # The total stays the setting (30 epochs for the first preset); E's nearer stop is not the total.
    if not re.search(r"epoch [0-9.]+ / 30 ", end["status"]):
        raise Failed(f"after E the status line's epoch total is not the setting's 30: '{end['status']}'")
    if not moved:
        raise Failed("the screen did not change after E")
    # The frames around the run's stop, from the app's own log of its last frames: the first
    # frame that shows the run paused must follow the last one that showed it training as the
    # next frame does at the loop's pace; a loop that slept through the stop (and woke up by its
    # one-second timer) leaves a gap of a second or more.
    frames = end["recent_frames"]
    last_running = max((i for i, f in enumerate(frames) if f[1] == "running"), default=None)
    if last_running is None or last_running + 1 >= len(frames):
        raise Failed(f"the frames around the stop are not in the app's log: {frames}")
    gap = frames[last_running + 1][0] - frames[last_running][0]
    log(f"the stop was drawn {gap:.3f} s after the last frame of training (step {frames[last_running][2]} -> "
        f"{frames[last_running + 1][2]})")
    if gap >= 0.9:
        raise Failed(f"the epoch's end was drawn {gap:.2f} s after the last training frame: the loop slept through it")


def clock_seconds(text):
    """The status bar's 'mm:ss' or 'h:mm:ss' in seconds."""
    parts = [int(p) for p in text.split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))


def scenario_slowed(s):
    """Training held back by the speed setting (typed into the slider with Ctrl+click): the status
    line's samples/s must be the pace the run keeps, its elapsed time must follow the clock, and
    its ETA must fit the work left at that pace."""
    speed = 31
    s.click("controls.speed", mods=("ctrl",))  # Ctrl+click: the slider takes a typed value
    s.key("a", mods=("ctrl",))
    for ch in str(speed):
        s.key(ch)
    s.key("Return")
    s.wait_for(lambda d: abs(d.get("speed", 0) - speed) < 0.5, 10, f"the speed set to {speed} mini-batches/s")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 0, "training")
    time.sleep(2.0)  # the pace is measured over a few seconds
    a = s.dump()
    time.sleep(4.0)
    b = s.dump()
    pattern = re.compile(r"epoch ([0-9.]+) / (\d+) .* ([0-9]+|-) samples/s +elapsed ([0-9:]+)(?: +ETA ([0-9:]+))?")
    ma, mb = pattern.search(a["status"]), pattern.search(b["status"])
    if not ma or not mb:
        raise Failed(f"unexpected status lines: '{a['status']}', '{b['status']}'")
    # The pace as it happened, from the steps between the two dumps on the app's own clock; the
    # speed setting caps it (the run may fall short of it on a loaded machine).
    wall = b["time"] - a["time"]
    expected = (b["step"] - a["step"]) * b["batch"] / wall
    cap = speed * b["batch"]
    shown = float(mb.group(3)) if mb.group(3) != "-" else 0.0
    log(f"status: '{b['status']}'; the pace was {expected:.0f} samples/s (the setting allows {cap})")
    if expected > 1.3 * cap:
        raise Failed(f"the run went {expected:.0f} samples/s, faster than the speed setting allows ({cap})")
    wrong = []
    if not 0.7 * expected <= shown <= 1.4 * expected:
        wrong.append(f"the status bar says {mb.group(3)} samples/s while the run went {expected:.0f}")
    ran = clock_seconds(mb.group(4)) - clock_seconds(ma.group(4))
    log(f"elapsed went {ma.group(4)} -> {mb.group(4)} in {wall:.1f} s of the app's clock")
    if ran < wall / 2 - 1:  # the clock text has whole seconds
        wrong.append(f"the elapsed time went on {ran} s in {wall:.1f} s of training")
    left = (float(mb.group(2)) - float(mb.group(1))) * b["train_samples"] / expected
    if not mb.group(5):
        wrong.append(f"no ETA while training ({left:.0f} s of work left at this pace)")
    else:
        eta = clock_seconds(mb.group(5))
        log(f"ETA {mb.group(5)} = {eta} s; the work left at this pace takes {left:.0f} s")
        if not 0.5 * left <= eta <= 2 * left:
            wrong.append(f"the ETA says {eta} s for {left:.0f} s of work at this pace")
    if wrong:
        raise Failed("; ".join(wrong))

# --- files, messages, zoom: the live-use defects of saving and reading ----------------------------

KEYSYMS = {"/": "slash", ".": "period", "-": "minus", "_": "underscore", " ": "space"}


def type_text(s, text):
    for ch in text:
        s.key(KEYSYMS.get(ch, ch))


def data_folder(s):
    return os.path.join(s.tmp, "home", ".local", "share", "nnviz")


def save_dialog(s):
    s.move_inside()
    return press_until(s, "s", lambda d: "Save run" in d.get("popups", []), "the Save dialog", mods=("ctrl",))


def scenario_save_twice(s):
    """Run A saved with Ctrl+S and Enter; R starts another run from new weights; its Ctrl+S must
    offer another file name, and saving it over run A's file takes the Replace button: Enter alone
    leaves run A's file as it was."""
    train_a_little(s)
    first = save_dialog(s)["dialog_path"]
    s.key("Return")
    d = s.wait_for(lambda d: d.get("own_path") == first and "Save run" not in d.get("popups", []), 10,
                   "run A saved")
    if "Saved the run" not in d["status"]:
        raise Failed(f"no 'Saved' message after the save: '{d['status']}'")
    with open(first, "rb") as f:
        run_a = f.read()
    s.move_inside()
    press_until(s, "r", lambda d: d.get("step", -1) == 0 and d.get("own_path") == "", "the reset to a new run")
    train_a_little(s)
    d = save_dialog(s)
    second = d["dialog_path"]
    log(f"run A went to {os.path.basename(first)}; the next run's dialog offers {os.path.basename(second)}")
    if second == first:
        raise Failed("the Save dialog offers run A's file to another run")
    # Run A's file typed in: the dialog warns, and Enter does not replace it.
    s.key("a", mods=("ctrl",))
    type_text(s, first)
    s.key("Return")
    time.sleep(1.0)
    shot = s.shot("replace-warning")
    d = s.dump()
    keep_png(shot)
    if "Save run" not in d.get("popups", []):
        raise Failed("Enter replaced (or closed the dialog over) another run's file without the Replace button")
    with open(first, "rb") as f:
        if f.read() != run_a:
            raise Failed("run A's file changed")
    s.key("Escape")
    s.wait_for(lambda d: "Save run" not in d.get("popups", []), 10, "the dialog closed by Escape")
    save_dialog(s)
    s.key("Return")
    d = s.wait_for(lambda d: d.get("own_path") == second, 10, "the second run saved under its own name")
    with open(first, "rb") as f:
        if f.read() != run_a:
            raise Failed("run A's file changed")
    if not os.path.exists(second):
        raise Failed(f"{second} was not written")


def scenario_open_error(s):
    """A run reopened ("Reopened at step ...", the engine's message), then a missing file opened:
    the error must show in the status bar at once, not after a later reset."""
    train_a_little(s)
    path = save_dialog(s)["dialog_path"]
    s.key("Return")
    s.wait_for(lambda d: d.get("own_path") == path, 10, "the run saved")
    s.move_inside()
    press_until(s, "o", lambda d: "Open run or model" in d.get("popups", []), "the Open dialog", mods=("ctrl",))
    s.key("Return")
    s.wait_for(lambda d: "Reopened at step" in d.get("status", ""), 15, "'Reopened at step' in the status bar")
    open_typed(s, "/no-such-folder/missing.safetensors")
    d = s.wait_for(lambda d: "Could not open" in d.get("status", ""), 10,
                   "the error of the missing file in the status bar")
    shot = s.shot("open-error")
    keep_png(shot)
    if d["log"]["errors"] < 1 or "missing.safetensors" not in d["log"]["last"]:
        raise Failed(f"the error is not in the message log: {d['log']}")


def headless_run(s, name, *flags):
    """A run file of 30 steps made by a headless instance of the app on the same display (its own
    state file left out), with the given flags; its path."""
    path = os.path.join(s.tmp, f"{name}.safetensors")
    env = s.env()
    env.pop("NNVIZ_STATE_FILE")
    r = subprocess.run([s.app_path, "--screenshot", os.path.join(s.tmp, f"{name}.png"), "--frames", "2", *flags,
                        "--train-steps", "30", "--save-run", path],
                       env=env, cwd=s.tmp, capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not os.path.exists(path):
        raise Failed(f"the headless run {name} could not be made: {r.stderr[-500:]}")
    return path


def scenario_open_other(s):
    """A run of another architecture (a convolutional net, saved by a headless instance) opened over
    a paused MLP run: it reopens at its own step with its own network and trains on; a damaged copy
    of it is refused with the current run untouched (never left 'failed')."""
    other = headless_run(s, "other", "--preset", "cnn8")
    with open(other, "rb") as f:
        good = f.read()
    damaged = os.path.join(s.tmp, "damaged.safetensors")
    with open(damaged, "wb") as f:
        f.write(good[:len(good) * 2 // 3])
    d = train_a_little(s)
    before_net, before_step = d.get("network", ""), d["step"]
    if "Conv" in before_net or "conv" in before_net:
        raise Failed(f"the starting run is already convolutional: {before_net}")

    # The damaged copy first: an error at once (no question about the unsaved training: the file
    # is checked before anything is asked), and the MLP run as it was.
    open_typed(s, damaged)
    d = s.wait_for(lambda d: "Could not open" in d.get("status", ""), 15, "the damaged file's error")
    if d.get("popups"):
        raise Failed(f"a dialog is open after a damaged file was refused: {d['popups']}")
    if d.get("state") == "failed" or d.get("step") != before_step or d.get("network") != before_net:
        raise Failed(f"a damaged file changed the current run: state {d.get('state')}, step {d.get('step')} "
                     f"(was {before_step}), network {d.get('network')}")
    if "damaged.safetensors" not in d["status"]:
        raise Failed(f"the error does not name the file: {d['status']}")
    # The good one: reopened with its own network and step.
    open_typed(s, other)
    s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the question about the unsaved training")
    s.click("confirm.discard")
    d = s.wait_for(lambda d: "Reopened" in d.get("status", ""), 20, "'Reopened' in the status bar")
    # The app says "Reopened" when it hands the file to the new run; the run puts the weights and
    # the step back on its own thread, a few frames later in a slow (sanitizer) build.
    try:
        d = s.wait_for(lambda d: d.get("step") == 30 or d.get("state") == "failed", 20, "the reopened run's step")
    except Failed:
        d = s.dump()
    shot = s.shot("opened-other")
    keep_png(shot)
    if d.get("state") == "failed":
        raise Failed("the reopened run is 'failed'")
    if d.get("network") == before_net or "conv" not in d.get("network", "").lower():
        raise Failed(f"the network did not change to the file's: {d.get('network')}")
    if d.get("step") != 30:
        raise Failed(f"reopened at step {d.get('step')}, the file was saved at step 30")
    if d.get("preset") != "cnn8":
        raise Failed(f"the sidebar names the preset '{d.get('preset')}', the run is cnn8's network")
    # And it trains on from there.
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 30, "training the reopened run")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")


def scenario_open_fashion(s):
    """A Fashion-MNIST run opened while the app is on MNIST digits: after the question about the
    unsaved training, the app switches the dataset itself and reopens the run on it (it used to
    say 'switch the dataset first')."""
    other = headless_run(s, "fashion", "--dataset", "fashion")
    train_a_little(s)
    if s.dump().get("dataset") != "mnist":
        raise Failed(f"the app did not start on MNIST: {s.dump().get('dataset')}")
    open_typed(s, other)
    s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the question about the unsaved training")
    s.click("confirm.discard")
    s.wait_for(lambda d: "Reopened" in d.get("status", ""), 90, "the Fashion-MNIST run reopened")
    d = s.wait_for(lambda d: d.get("step") == 30, 10, "the reopened run at its saved step")
    keep_png(s.shot("fashion-opened"))
    if d.get("dataset") != "fashion" or d.get("step") != 30 or d.get("state") == "failed":
        raise Failed(f"after the open: dataset {d.get('dataset')}, step {d.get('step')}, state {d.get('state')}")


def scenario_first_click(s):
    """The first click after launch, on Play, as soon as the window shows it, with nothing before it
    (no key, no earlier click): training starts, also when the data is still loading then (the
    click was ignored: Play was disabled until the data was in). Then Pause."""
    d = s.wait_for(lambda d: "controls.play" in d.get("rects", {}), 30, "the Play button on screen")
    log(f"clicking Play; the data is {'in' if d.get('data_loaded') else 'still loading'}")
    s.click("controls.play")
    s.wait_for(lambda d: d.get("data_loaded"), 60, "the data loaded")
    s.wait_for(lambda d: d.get("state") == "running" and d.get("step", 0) > 0, 10, "training after the first click on Play")
    s.click("controls.play")
    s.wait_for(lambda d: d.get("state") == "paused", 10, "paused after the second click")


def scenario_browse(s):
    """The Open dialog's browser: a saved run copied into a sub-folder of the nnviz folder is found
    by clicking the folder and double-clicking the file, without typing a path; the file then
    heads the dialog's recent files."""
    train_a_little(s)
    path = save_dialog(s)["dialog_path"]
    s.key("Return")
    s.wait_for(lambda d: d.get("own_path") == path, 10, "the run saved")
    sub = os.path.join(data_folder(s), "runs")
    os.makedirs(sub, exist_ok=True)
    shutil.copy(path, os.path.join(sub, "copy.safetensors"))
    s.move_inside()
    press_until(s, "o", lambda d: "Open run or model" in d.get("popups", []), "the Open dialog", mods=("ctrl",))
    s.click("browser.runs/")
    s.wait_for(lambda d: "browser.copy.safetensors" in d.get("rects", {}), 10, "the file listed in the sub-folder")
    shot = s.shot("browser")
    keep_png(shot)
    s.double_click("browser.copy.safetensors")
    d = s.wait_for(lambda d: "Reopened" in d.get("status", "") and "copy.safetensors" in d.get("status", ""), 15,
                   "the copy reopened by a double-click")
    if d.get("own_path", "").rsplit("/", 1)[-1] != "copy.safetensors":
        raise Failed(f"the run's file is {d.get('own_path')}, not the copy")


def process_dead(pid):
    """Gone, or a zombie (dead, its parent yet to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(")") + 2] == "Z"


def prepare_choose(s):
    """A stand-in zenity first on PATH: it writes its arguments where the test reads them, then
    answers as the file 'answer' says: a path after a moment (as the real one prints the file
    picked), or, for 'never', nothing, waiting on a child of its own (its pids written down)."""
    bin_dir = os.path.join(s.tmp, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    fake = os.path.join(bin_dir, "zenity")
    with open(fake, "w") as f:
        f.write(f"""#!/bin/sh
d='{s.tmp}'
printf '%s\\n' "$@" > "$d/zenity-args"
answer=$(cat "$d/answer")
if [ "$answer" = never ]; then
  sleep 600 &
  echo $$ $! > "$d/zenity-pids"
  wait
  exit 0
fi
sleep 1
printf '%s\\n' "$answer"
""")
    os.chmod(fake, 0o755)
    s.extra_env = {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "NNVIZ_FILE_CHOOSER": "auto"}


def scenario_choose(s):
    """The Open dialog's Choose... with the desktop's chooser (prepare_choose's stand-in zenity):
    a saved run, copied to a path with spaces and a quote, is reopened as if its path had been
    typed and entered, with no input while the chooser is up. Ctrl+S in the Save dialog runs it
    too: another run's file chosen still takes the Replace button, a new name is saved. A chooser
    that never answers ends with the dialog's Cancel, reaped by the app at once; and with the app
    when it closes."""
    if s.dump().get("chooser", {}).get("tool") != "zenity":
        raise Failed(f"the app did not find the zenity first on PATH: {s.dump().get('chooser')}")
    train_a_little(s)
    saved = save_dialog(s)["dialog_path"]
    s.key("Return")
    s.wait_for(lambda d: d.get("own_path") == saved, 10, "the run saved")
    copy = os.path.join(s.tmp, "my runs", "Ann's run 1.safetensors")
    os.makedirs(os.path.dirname(copy))
    shutil.copy(saved, copy)
    answer = os.path.join(s.tmp, "answer")
    with open(answer, "w") as f:
        f.write(copy + "\n")
    s.move_inside()
    press_until(s, "o", lambda d: "Open run or model" in d.get("popups", []), "the Open dialog", mods=("ctrl",))
    s.click("dialog.choose")
    # No input from here on: the app's own frames must pick up the answer.
    d = s.wait_for(lambda d: d["chooser"]["running"] and "chooser" in d.get("live", ""), 10,
                   "the chooser running, and frames coming for it")
    d = s.wait_for(lambda d: "Reopened" in d.get("status", ""), 15, "the chosen run reopened without input")
    keep_png(s.shot("chosen"))
    with open(os.path.join(s.tmp, "zenity-args")) as f:
        args = f.read().splitlines()
    log(f"zenity was asked: {args}; the app says '{d['status']}'")
    if d.get("own_path") != copy:
        raise Failed(f"the run's file is {d.get('own_path')}, not the chosen {copy}")
    if d.get("popups") or d["chooser"]["running"]:
        raise Failed(f"after the answer: popups {d.get('popups')}, chooser {d['chooser']}")
    if "--file-selection" not in args or f"--filename={os.path.dirname(saved)}/" not in args:
        raise Failed(f"zenity was not asked to open a file in the saved run's folder: {args}")

    # Saving, the chooser reached by Ctrl+S in the Save dialog: another run's file chosen still
    # takes the Replace button (the file stays as it was); a new name is saved at once.
    with open(answer, "w") as f:
        f.write(saved + "\n")
    with open(saved, "rb") as f:
        before = f.read()
    save_dialog(s)
    press_until(s, "s", lambda d: d["chooser"]["running"] or d.get("dialog_path") == saved,
                "the chooser from Ctrl+S in the Save dialog", mods=("ctrl",))
    d = s.wait_for(lambda d: not d["chooser"]["running"] and d.get("dialog_path") == saved, 15, "the chooser's answer")
    time.sleep(0.5)
    d = s.dump()
    with open(os.path.join(s.tmp, "zenity-args")) as f:
        args = f.read().splitlines()
    if "--save" not in args or f"--filename={copy}" not in args:
        raise Failed(f"zenity was not asked to save, suggesting the run's file: {args}")
    if "Save run" not in d.get("popups", []) or d.get("own_path") != copy:
        raise Failed(f"another run's file was replaced without the Replace button: popups {d.get('popups')}, "
                     f"the run's file {d.get('own_path')}")
    with open(saved, "rb") as f:
        if f.read() != before:
            raise Failed("the other run's file changed")
    press_until(s, "Escape", lambda d: not d.get("popups"), "the Save dialog closed by Escape")
    fresh = os.path.join(s.tmp, "my runs", "a new one.safetensors")
    with open(answer, "w") as f:
        f.write(fresh + "\n")
    save_dialog(s)
    press_until(s, "s", lambda d: d["chooser"]["running"] or d.get("own_path") == fresh,
                "the chooser from Ctrl+S in the Save dialog", mods=("ctrl",))
    s.wait_for(lambda d: d.get("own_path") == fresh and not d.get("popups"), 15, "the run saved to the chosen path")
    if not os.path.exists(fresh):
        raise Failed(f"{fresh} was not written")

    # A chooser that never answers: the dialog's Cancel ends it, and the app reaps it.
    with open(answer, "w") as f:
        f.write("never\n")
    pids_file = os.path.join(s.tmp, "zenity-pids")

    def open_never():
        if os.path.exists(pids_file):
            os.remove(pids_file)
        s.move_inside()
        press_until(s, "o", lambda d: "Open run or model" in d.get("popups", []), "the Open dialog", mods=("ctrl",))
        s.click("dialog.choose")
        s.wait_for(lambda d: d["chooser"]["running"] and os.path.exists(pids_file), 10, "the chooser running")
        time.sleep(0.2)  # the pids written whole
        with open(pids_file) as f:
            return [int(p) for p in f.read().split()]

    script, child = open_never()
    keep_png(s.shot("choosing"))
    s.click("dialog.cancel")
    s.wait_for(lambda d: not d["chooser"]["running"] and not d.get("popups"), 10, "the dialog and the chooser closed")
    end = time.monotonic() + 5
    while time.monotonic() < end and not (not os.path.exists(f"/proc/{script}") and process_dead(child)):
        time.sleep(0.1)
    if os.path.exists(f"/proc/{script}") or not process_dead(child):
        raise Failed(f"after Cancel the chooser (pid {script}, its child {child}) is still there or not reaped")
    # And one still open when the app is closed goes with it.
    script, child = open_never()
    s.close(keep=True)
    end = time.monotonic() + 5
    while time.monotonic() < end and not (process_dead(script) and process_dead(child)):
        time.sleep(0.1)
    log(f"closed with the chooser open: status {s.proc.returncode}")
    if not (process_dead(script) and process_dead(child)):
        raise Failed(f"the chooser (pid {script}, its child {child}) outlived the app")


def scenario_zoom_back(s):
    """Ctrl+= six times, then Ctrl+0: every style size equal to the start's."""
    s.move_inside()
    time.sleep(0.5)
    start = s.wait_for(lambda d: "style_sizes" in d, 10, "the style in the dump")
    for _ in range(6):
        s.key("equal", mods=("ctrl",))
        time.sleep(0.3)
    big = s.wait_for(lambda d: d.get("ui_zoom", 1) > 1.5, 10, "the interface zoomed in")
    s.key("0", mods=("ctrl",))
    end = s.wait_for(lambda d: abs(d.get("ui_zoom", 0) - 1) < 1e-6 and d["style_sizes"][-1] == start["style_sizes"][-1],
                     10, "the zoom back to 1")
    time.sleep(0.5)
    end = s.dump()
    log(f"style sizes at the start {start['style_sizes']}, zoomed {big['style_sizes']}, back {end['style_sizes']}")
    for a, b in zip(start["style_sizes"], end["style_sizes"]):
        if abs(a - b) > 1e-3:
            raise Failed(f"the zoom did not come back: {start['style_sizes']} -> {end['style_sizes']}")


def scenario_close_keeps(s):
    """A fresh account (no ~/.local): unsaved training is kept at close, and a second session's
    close keeps the first one's too (last-session-2)."""
    train_a_little(s)
    s.close(keep=True)
    kept = os.path.join(data_folder(s), "last-session.run.safetensors")
    if not os.path.exists(kept):
        raise Failed(f"the unsaved training was not kept in {kept}")
    with open(kept, "rb") as f:
        first = f.read()
    s.start_x()
    s.start_app()
    train_a_little(s)
    s.close(keep=True)
    older = os.path.join(data_folder(s), "last-session-2.run.safetensors")
    if not os.path.exists(older):
        raise Failed("the second session's close replaced the first kept session")
    with open(older, "rb") as f:
        if f.read() != first:
            raise Failed("last-session-2 is not the first session's run")
    log(f"kept: {sorted(os.listdir(data_folder(s)))}")



def scenario_close_unkept(s):
    """The close button when the training cannot be kept anywhere (the data folder and the
    temporary fallback both blocked by files): the window stays open and says why; 'Close without
    keeping' then closes it."""
    # Restarted with both places blocked: ~/.local is a file, and so is TMPDIR's nnviz folder.
    s.close(keep=True)
    home = os.path.join(s.tmp, "home")
    blocked_tmp = os.path.join(s.tmp, "tmp")
    os.makedirs(blocked_tmp, exist_ok=True)
    shutil.rmtree(os.path.join(home, ".local"), ignore_errors=True)  # the first start made it
    with open(os.path.join(home, ".local"), "w") as f:
        f.write("not a folder")
    with open(os.path.join(blocked_tmp, f"nnviz-{os.getuid()}"), "w") as f:
        f.write("not a folder")
    s.extra_env = {"TMPDIR": blocked_tmp}
    s.unkept_expected = True  # the app's log says it could not keep the run: that is the point here
    s.start_x()
    s.start_app()
    train_a_little(s)
    wid = s.x(["search", "--onlyvisible", "--name", "^nnviz$"]).split()[0]
    send_close(s.display, wid)  # as the window manager's close button
    d = s.wait_for(lambda d: "Training not kept" in d.get("popups", []), 15, "the 'Training not kept' dialog")
    shot = s.shot("not-kept")
    keep_png(shot)
    s.check_alive()
    log(f"the close waits and says why: {d['log']['last']}")
    if "could not be kept" not in d["log"]["last"]:
        raise Failed(f"the reason is not in the message log: {d['log']}")
    s.click("close.anyway")
    s.proc.wait(20)
    log(f"closed without keeping, status {s.proc.returncode}")
    if s.proc.returncode != 0:
        raise Failed(f"nnviz ended with status {s.proc.returncode}")



def scenario_help(s):
    """F1 opens the list of keyboard shortcuts and Escape closes it; '?' opens it too."""
    s.move_inside()
    time.sleep(0.3)
    press_until(s, "F1", lambda d: d.get("help"), "the shortcuts list after F1")
    shot = s.shot("help")
    keep_png(shot)
    press_until(s, "Escape", lambda d: not d.get("help"), "the list closed by Escape")
    s.x(["type", "?"])
    s.wait_for(lambda d: d.get("help"), 10, "the shortcuts list after '?'")


def scenario_probe_while_training(s):
    """The activations view's image changed, typed in, while the run trains: each value is handed
    to the run's thread, which owns the network (under scripts/sanitize.sh thread this is where the
    GUI's thread and the training thread meet), and the view ends up showing the last one chosen."""
    s.click("views.activations")
    r = s.rect("activations.probe")
    train_on = lambda d: d.get("state") == "running" and d.get("step", 0) > 0
    s.move_inside()
    press_until(s, "space", train_on, "training")
    # The text field is the left part of the control (the -/+ buttons and the label follow it).
    field = (s.origin[0] + r[0] + 12, s.origin[1] + (r[1] + r[3]) / 2)
    for value in ("7", "123", "42", "9999", "5"):
        for attempt in range(3):
            s.move(*field)
            time.sleep(0.1)
            s.x(["click", "1"])
            try:
                s.wait_for(lambda d: d.get("typing"), 5, "the image field taking the keyboard")
                break
            except Failed:
                if attempt == 2:
                    raise
        s.key("a", mods=("ctrl",))
        type_text(s, value)
        # Enter ends the edit (the value applies as it is typed); again if a busy frame missed it.
        press_until(s, "Return", lambda d: not d.get("typing") and d.get("probe", {}).get("index") == int(value),
                    f"validation image {value} set and the field left")
    d = s.wait_for(lambda d: d.get("probe", {}).get("index") == 5 and d["probe"].get("shown"), 20,
                   "the probe of validation image 5 in the view")
    if not train_on(d):
        raise Failed(f"the run stopped training while the probe changed: state {d.get('state')}")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")


def draw_stroke(s, rect_name, points):
    """A stroke with the left button held, through points given as fractions of the control."""
    r = s.rect(rect_name)
    at = lambda fx, fy: (s.origin[0] + r[0] + (r[2] - r[0]) * fx, s.origin[1] + r[1] + (r[3] - r[1]) * fy)
    s.move(*at(*points[0]))
    time.sleep(0.15)
    s.x(["mousedown", "1"])
    for p in points[1:]:
        time.sleep(0.05)
        s.move(*at(*p))
    time.sleep(0.1)
    s.x(["mouseup", "1"])
    time.sleep(0.15)


def scenario_probe_drawing(s):
    """A digit drawn with the mouse becomes the activations view's probe: the view names it "your
    drawing" and gives it no label (a drawing has none); a validation image picked afterwards
    brings its own label back."""
    train_a_little(s)
    s.click("views.canvas")
    s.click("canvas.model")
    s.click("canvas.model.run")
    # A "1": one stroke down the middle, drawn in small moves as a hand draws.
    draw_stroke(s, "canvas.ink", [(0.5, 0.2 + 0.06 * k) for k in range(11)])
    s.click("canvas.use_probe")
    s.wait_for(lambda d: d.get("log", {}).get("last", "").startswith("The drawing is now the probe"), 10,
               "the drawing taken as the probe")
    s.click("views.activations")
    d = s.wait_for(lambda d: d.get("probe", {}).get("source") == "your drawing", 10, "the probe named as the drawing")
    if d["probe"].get("label", -1) != -1:
        raise Failed(f"the drawing has a label: {d['probe']}")
    keep_png(s.shot("probe-drawing"))
    s.type_into("activations.probe", "5")
    d = s.wait_for(lambda d: d.get("probe", {}).get("source") == "validation image #5", 10,
                   "validation image 5 as the probe")
    s.wait_for(lambda d: d.get("probe", {}).get("label", -1) >= 0, 10, "validation image 5's label")


def scenario_edit_layers(s):
    """The first layer's units typed in the sidebar (100 -> 64) and applied: the run has the new
    network and the sidebar no longer gives it the preset's name."""
    s.wait_for(lambda d: d.get("preset") == "mlp100", 10, "the mlp100 preset")
    s.type_into("layers.0.value", "64")
    s.wait_for(lambda d: "dense 64" in d.get("network", "") and d.get("setup_pending"), 10, "the edit pending")
    s.reveal("setup.apply")
    s.click("setup.apply")
    d = s.wait_for(lambda d: not d.get("setup_pending") and d.get("state") == "paused", 10, "the edited network applied")
    keep_png(s.shot("edited"))
    if d.get("preset") == "mlp100":
        raise Failed(f"the sidebar still names the edited network after its preset: {d.get('network')}")


def scenario_confusion(s):
    """The confusion matrix, opened beside the curves after some training, at 1280x800: every
    count drawn, at a readable size; Ctrl+= makes it larger, never smaller (defect 7)."""
    s.move_inside()
    time.sleep(0.3)
    press_until(s, "space", lambda d: d.get("step", 0) >= 300, "300 steps of training")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    s.click("views.analysis")
    s.click("analysis.run")
    readable = lambda d: "analysis" in d and d["analysis"]["dropped"] == 0
    d = s.wait_for(readable, 20, "the confusion matrix with every count drawn")
    keep_png(s.shot("confusion"))
    a = d["analysis"]
    if a["number_px"] < 0.6 * a["font_px"]:
        raise Failed(f"the counts are drawn at {a['number_px']:.1f} px beside {a['font_px']:.0f} px text")
    width = a["confusion"][2] - a["confusion"][0]
    s.move_inside()
    press_until(s, "equal", lambda d: d.get("ui_zoom", 1) > 1.05, "a larger zoom", mods=("ctrl",))
    d = s.wait_for(lambda d: readable(d) and d["analysis"]["font_px"] > a["font_px"], 10, "the matrix redrawn zoomed")
    time.sleep(0.5)
    d = s.dump()
    z = d["analysis"]
    zoomed = z["confusion"][2] - z["confusion"][0]
    log(f"matrix {width:.0f} px wide, counts at {a['number_px']:.1f} px; zoomed {zoomed:.0f} px, {z['number_px']:.1f} px")
    if zoomed < width or z["number_px"] < a["number_px"] or z["dropped"]:
        raise Failed(f"zooming made the matrix smaller or dropped counts: {a} -> {z}")


def start_race(s, epochs):
    """The Compare view alone, the optimizers race picked and set to this many epochs, started."""
    s.click("views.compare")
    s.click("views.curves")  # the Compare view alone: its row of settings is wider than half the window
    s.wait_for(lambda d: d["views"] == ["compare"], 10, "the Compare view open, alone")
    s.click("compare.ready")
    s.click("compare.ready.optimizers")
    s.wait_for(lambda d: d["compare_setup"]["values"].startswith("sgd"), 10, "the optimizers race picked")
    s.type_into("compare.epochs", str(epochs))
    s.wait_for(lambda d: d["compare_setup"]["epochs"] == epochs, 10, f"the race set to {epochs} epochs")
    s.click("compare.start")
    return s.wait_for(lambda d: d.get("comparison", {}).get("running"), 20, "the comparison running")


def scenario_compare_race(s):
    """A race as its table, status bar and buttons show it (defect 8): no accuracy before a run's
    first evaluation ("-", never 0.00%), the target named, the status bar counting the race's
    steps, and a Pause race button that stops it where it is and a Resume that goes on."""
    start_race(s, 20)
    d = s.wait_for(lambda d: len(d["comparison"].get("table", [])) >= 2, 10, "the race's table")
    for row in d["comparison"]["table"]:
        cells = row.split(" | ")
        if "0.00%" in cells[1:4]:
            raise Failed(f"a run shows an accuracy before its first evaluation: {row}")
    # A run before step 50 has had no evaluation (the first comes at step 50): its row must say so.
    if min(d["comparison"]["steps"]) < 50 and not any(row.split(" | ")[1] == "-" for row in d["comparison"]["table"]):
        raise Failed(f"a run at step {min(d['comparison']['steps'])} shows an accuracy: {d['comparison']['table']}")
    if not d["comparison"].get("target", "").endswith("%"):
        raise Failed(f"no target named: {d['comparison']}")
    s.wait_for(lambda d: "race of" in d.get("status", ""), 10, "the race's steps in the status bar")
    keep_png(s.shot("race"))
    s.click("compare.pause")
    d = s.wait_for(lambda d: not d["comparison"]["running"], 10, "the race paused")
    time.sleep(1.0)
    before = s.dump()["comparison"]["steps"]
    time.sleep(1.0)
    after = s.dump()["comparison"]["steps"]
    if after != before:
        raise Failed(f"the paused race went on: steps {before} -> {after}")
    s.click("compare.pause")  # now Resume race
    s.wait_for(lambda d: d["comparison"]["running"] and sum(d["comparison"]["steps"]) > sum(after), 10,
               "the race resumed")


def scenario_classroom_locked(s):
    """Started with --classroom: the session is locked (no Leave button, Ctrl+Shift+K does not leave)
    and no view reaches a hidden setting (Compare offers nothing to vary: every setting a race
    varies is hidden)."""
    s.close(keep=False)
    s.extra_args = ["--classroom"]
    s.start_x()
    s.start_app()
    d = s.wait_for(lambda d: d.get("classroom") == "locked", 10, "classroom mode, locked")
    if "classroom.leave" in d.get("rects", {}):
        raise Failed("a locked classroom shows the Leave button")
    s.move_inside()
    time.sleep(0.3)
    s.key("k", mods=("ctrl", "shift"))
    d = s.wait_for(lambda d: "locked" in d.get("log", {}).get("last", ""), 5, "Ctrl+Shift+K refused")
    if d.get("classroom") != "locked" or d.get("sections") != "controls,views":
        raise Failed(f"Ctrl+Shift+K left the locked classroom: {d.get('classroom')}, sections {d.get('sections')}")
    s.click("views.compare")
    d = s.wait_for(lambda d: "compare" in d.get("views", []), 10, "the Compare view")
    time.sleep(0.5)
    d = s.dump()
    reach = [r for r in d.get("rects", {}) if r.startswith("compare.")]
    keep_png(s.shot("classroom-compare"))
    if reach:
        raise Failed(f"the Compare view offers a race over hidden settings: {reach}")


def scenario_escape_menu(s):
    """A menu (the ready-made races) opened with a click closes with Escape, as on any desktop."""
    s.click("views.compare")
    s.click("compare.ready")
    s.wait_for(lambda d: "compare.ready.optimizers" in d.get("rects", {}), 10, "the ready-made menu open")
    press_until(s, "Escape", lambda d: "compare.ready.optimizers" not in d.get("rects", {}), "the menu closed")


def scenario_sidebar_fold(s):
    """The sidebar folds to a strip with its arrow (the views get the width) and comes back with
    Ctrl+B; the fold is remembered for the next start."""
    d = s.wait_for(lambda d: "sidebar.fold" in d.get("rects", {}), 10, "the sidebar's fold arrow")
    wide = d["sidebar_width"]
    s.click("sidebar.fold")
    d = s.wait_for(lambda d: "sidebar.unfold" in d.get("rects", {}), 10, "the sidebar folded")
    if d["sidebar_width"] > wide / 4:
        raise Failed(f"the folded sidebar is {d['sidebar_width']:.0f} px wide (unfolded {wide:.0f})")
    keep_png(s.shot("folded"))
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running", "training with the sidebar folded")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    s.close(keep=True)  # the same HOME: its settings
    os.remove(s.state_file)  # the next dump is the new start's
    s.start_x()
    s.start_app()
    s.wait_for(lambda d: "sidebar.unfold" in d.get("rects", {}), 10, "the sidebar still folded after a restart")
    s.move_inside()
    press_until(s, "b", lambda d: "sidebar.fold" in d.get("rects", {}), "the sidebar back", mods=("ctrl",))


def scenario_weights_zoom(s):
    """The weights view's magnifier: the wheel over the tiles zooms in around the pointer, a drag
    moves the view, a double click shows the whole layer again."""
    s.click("views.weights")
    s.click("views.curves")  # the weights alone
    s.wait_for(lambda d: d.get("views") == ["weights"] and "weights.image" in d.get("rects", {}), 10, "the weights view")
    s.move_inside("weights.image")
    time.sleep(0.2)
    for _ in range(4):
        s.x(["click", "4"])  # wheel up
        time.sleep(0.1)
    d = s.wait_for(lambda d: d["weights"]["zoom"] > 2, 5, "the tiles zoomed in")
    keep_png(s.shot("zoomed"))
    before = d["weights"]["centre"]
    r = s.rect("weights.image")
    x0, y0 = s.origin[0] + (r[0] + r[2]) / 2, s.origin[1] + (r[1] + r[3]) / 2
    s.move(x0, y0)
    time.sleep(0.1)
    s.x(["mousedown", "1"])
    for k in range(1, 9):
        time.sleep(0.04)
        s.move(x0 - 12 * k, y0 - 8 * k)
    time.sleep(0.1)
    s.x(["mouseup", "1"])
    d = s.wait_for(lambda d: d["weights"]["centre"][0] > before[0] + 0.01, 5, "the view moved by the drag")
    s.double_click("weights.image")
    s.wait_for(lambda d: d["weights"]["zoom"] == 1, 5, "the whole layer again after a double click")


def nav_tab(s, mods=()):
    """Tab (or Shift+Tab): the lit control changes, or the test fails naming where it stuck."""
    before = s.dump().get("nav", {})
    return press_until(s, "Tab", lambda d: d.get("nav", {}).get("lit") and d["nav"].get("id") != before.get("id"),
                       "the light on another control", mods=mods)["nav"]


def lit_on(nav, r):
    """The lit control is the marked one (a field's frame lies at the left of its mark, which
    includes the label)."""
    return "rect" in nav and abs(nav["rect"][0] - r[0]) <= 1 and abs(nav["rect"][1] - r[1]) <= 1


def tab_to(s, mark, limit=80):
    for _ in range(limit):
        nav = nav_tab(s)
        if lit_on(nav, s.rect(mark)):
            return nav
    raise Failed(f"{limit} presses of Tab did not reach '{mark}'")


def type_at(s, mark, text):
    """Tab to a field, Enter, the text over what it held, Enter."""
    tab_to(s, mark)
    press_until(s, "Return", lambda d: d.get("typing"), f"the field '{mark}' taking typing")
    s.key("a", mods=("ctrl",))
    type_text(s, text)
    press_until(s, "Return", lambda d: not d.get("typing"), f"the field '{mark}' left")


def scenario_keyboard_nav(s):
    """The keyboard alone: Tab lights the sidebar's controls one after another in reading order,
    Shift+Tab goes back; a lit field keeps its text when a shortcut key is pressed (only Enter
    types into it); Space presses the lit button instead of playing; Escape puts the light out and
    Space plays again; the arrows light a control too."""
    s.move_inside()
    time.sleep(0.3)
    nav = nav_tab(s)
    if nav.get("window") != "##sidebar":
        raise Failed(f"the first Tab lit a control of '{nav.get('window')}', not of the sidebar")
    nav = tab_to(s, "training.batch")
    d = s.dump()
    batch, step = d["batch"], d["step"]
    # A shortcut key on a lit field: the shortcut acts, the field keeps its text.
    d = press_until(s, "s", lambda d: d["step"] > step, "a step from the S key with the batch field lit")
    if d["batch"] != batch or d["typing"]:
        raise Failed(f"the S key changed the lit field (batch {batch} -> {d['batch']}, typing {d['typing']})")
    # Enter types into it; what is typed is kept.
    press_until(s, "Return", lambda d: d.get("typing"), "the batch field taking typing after Enter")
    s.key("a", mods=("ctrl",))
    type_text(s, "3")
    time.sleep(0.5)
    d = s.dump()
    if d["batch"] != batch or not d["typing"]:
        raise Failed(f"the run took batch size {d['batch']} while 32 was being typed")
    type_text(s, "2")
    press_until(s, "Return", lambda d: not d.get("typing"), "the field left by Enter")
    s.wait_for(lambda d: d["batch"] == 32, 5, "batch size 32 typed with the keyboard")
    there = s.dump()["nav"]["id"]
    nav_tab(s)
    nav = nav_tab(s, mods=("shift",))
    if nav["id"] != there:
        raise Failed("Tab then Shift+Tab did not come back to the batch field")
    keep_png(s.shot("lit"))
    # Space on a lit button presses it: Step trains one mini-batch and does not start training.
    tab_to(s, "controls.step")
    d = s.dump()
    step = d["step"]
    d = press_until(s, "space", lambda d: d["step"] > step, "a step from Space on the lit Step button")
    time.sleep(0.5)
    d = s.dump()
    if d["state"] != "paused" or d["step"] != step + 1:
        raise Failed(f"Space on the lit Step button: state {d['state']}, step {step} -> {d['step']}")
    # Escape: no control lit, and Space is Play again.
    press_until(s, "Escape", lambda d: not d["nav"]["lit"], "the light out after Escape")
    press_until(s, "space", lambda d: d.get("state") == "running", "training from Space with nothing lit")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    press_until(s, "Down", lambda d: d["nav"]["lit"], "a control lit by the Down arrow")
    # In a dialog Tab goes round its own controls: lighting one behind it would close it.
    press_until(s, "s", lambda d: "Save run" in d.get("popups", []), "the Save dialog", mods=("ctrl",))
    seen = set()
    for _ in range(8):
        nav = nav_tab(s)
        d = s.dump()
        if "Save run" not in d.get("popups", []) or nav.get("window") != "Save run":
            raise Failed(f"Tab in the Save dialog went to '{nav.get('window')}'; popups {d.get('popups')}")
        seen.add(nav["id"])
    if len(seen) < 3:
        raise Failed(f"Tab in the Save dialog lit only {len(seen)} controls")


def scenario_classroom_keeps(s):
    """A teacher's classroom choices outlive a --classroom session: ticks changed in a plain
    session; a session started with --classroom (locked, everything hidden); a plain start again:
    classroom mode off, the ticks as the teacher left them."""
    s.click("classroom.section")
    d = s.wait_for(lambda d: "classroom.hide.data" in d.get("rects", {}), 10, "the classroom settings open")
    s.click("classroom.hide.data")    # the dataset choice shown to students
    s.click("classroom.hide.reset")   # Reset hidden
    teacher = "setup,optimizer,reset,files"
    s.wait_for(lambda d: d.get("hidden") == teacher, 10, f"the ticks {teacher}")
    s.close(keep=True)
    os.remove(s.state_file)
    s.extra_args = ["--classroom"]
    s.start_x()
    s.start_app()
    s.wait_for(lambda d: d.get("classroom") == "locked" and d.get("hidden") == "setup,optimizer,data,reset,files", 10,
               "a locked classroom hiding everything")
    s.close(keep=True)
    os.remove(s.state_file)
    s.extra_args = []
    s.start_x()
    s.start_app()
    d = s.wait_for(lambda d: "classroom" in d, 10, "the plain start")
    if d["classroom"] != "off" or d.get("hidden") != teacher:
        raise Failed(f"after the --classroom session: classroom {d['classroom']}, ticks {d.get('hidden')} (the teacher's: {teacher})")


def prepare_cosine(s):
    s.extra_args = ["--preset", "mlp30-momentum"]  # momentum with a cosine schedule


def status_lr(d):
    m = re.search(r"lr ([0-9.e+-]+)", d.get("status", ""))
    return float(m.group(1)) if m else None


def scenario_cosine_continues(s):
    """Play after a cosine schedule's last epoch trains: the schedule starts again (the message
    says so), the learning rate is above 0 and the weights move."""
    s.move_inside()
    time.sleep(0.3)
    # The fields lie below the sidebar's fold: reached with the keyboard, which scrolls to them.
    type_at(s, "training.batch", "500")
    s.wait_for(lambda d: d.get("batch") == 500, 10, "batch size 500 (100 steps an epoch)")
    type_at(s, "training.epochs", "1")
    s.wait_for(lambda d: "/ 1 " in d.get("status", "") + " ", 10, "one epoch")
    press_until(s, "Escape", lambda d: not d["nav"]["lit"], "the light out")
    press_until(s, "space", lambda d: d.get("state") in ("running", "finished"), "training")
    d = s.wait_for(lambda d: d.get("state") == "finished", 60, "the one epoch finished")
    said = d.get("log", {}).get("last", "")
    if "cosine schedule started again" not in said:
        raise Failed(f"the finished message does not say how Play continues: '{said}'")
    step, weights = d["step"], d["weights_sum"]
    press_until(s, "space", lambda d: d.get("state") == "running" or d.get("step", 0) > step, "training past the end")
    d = s.wait_for(lambda d: d.get("step", 0) >= step + 20, 30, "20 more mini-batches")
    lr = status_lr(d)
    press_until(s, "space", lambda d: d.get("state") in ("paused", "finished"), "pause")
    d = s.dump()
    if lr is None or lr <= 0:
        raise Failed(f"past the schedule's end the learning rate is {lr} ({d.get('status')})")
    if abs(d["weights_sum"] - weights) < 1e-6 * max(1.0, abs(weights)):
        raise Failed(f"past the schedule's end the weights did not move (sum of |w| {weights} -> {d['weights_sum']})")
    log(f"past the end: lr {lr}, sum of |w| {weights:.4f} -> {d['weights_sum']:.4f}")


def scenario_lesson(s):
    """A student takes the lesson on hidden layers with the mouse and keyboard: opens the lesson
    panel, starts the lesson (its 2-D XOR playground, no hidden layer, starts training and stays
    near 50%), turns to the next page, types 8 into the playground's hidden field as the page asks,
    and then leaves the mouse alone: the goal turns met (90% of the XOR points right) without
    another touch."""
    s.click("views.lesson")
    s.wait_for(lambda d: "lesson" in d.get("views", []), 10, "the lesson panel")
    s.click("lesson.start.hidden-layers")
    d = s.wait_for(lambda d: d.get("lesson", {}).get("id") == "hidden-layers" and
                   d.get("playground", {}).get("steps", 0) > 500, 20, "the lesson's playground training")
    if d["lesson"]["met"] != [False]:
        raise Failed(f"a goal met before the student did anything: {d['lesson']}")
    s.click("lesson.next")
    s.wait_for(lambda d: d.get("lesson", {}).get("page") == 1, 10, "the lesson's second page")
    s.type_into("playground.hidden", "8", enter=False)
    press_until(s, "Return", lambda d: d.get("playground", {}).get("steps", 10 ** 9) < 500, "the playground restarted")
    s.move_outside()
    d = s.wait_for(lambda d: d.get("lesson", {}).get("met") == [True], 30, "the lesson's goal met")
    keep_png(s.shot("lesson"))
    log(f"goal met with the playground at step {d['playground']['steps']}")


def lesson_files(s, name, damage, by):
    """The test lesson (tests/app/gui/lessons/fixed-settings) copied into the scenario's folder as
    NAME, and a damaged copy beside it (damaged.nnviz-lesson.json: DAMAGE replaced by BY)."""
    lesson = os.path.join(s.tmp, name)
    shutil.copy(os.path.join(HERE, "..", "lessons", "fixed-settings.nnviz-lesson.json"), lesson)
    damaged = os.path.join(s.tmp, "damaged.nnviz-lesson.json")
    with open(lesson) as f:
        text = f.read()
    if damage not in text:
        raise Failed(f"the test lesson has no {damage} to damage")
    with open(damaged, "w") as f:
        f.write(text.replace(damage, by))
    return lesson, damaged


def scenario_train_size(s):
    """The training images cut to 1,000 in the sidebar (typed, Enter): a new run on the first
    1,000 images, so Epoch (E) trains exactly 100 mini-batches of 10 and stops; the setting is
    kept for the next start, and 0 gives every image back."""
    s.type_into("data.train_size", "1000")
    s.wait_for(lambda d: d.get("train_samples") == 1000 and d.get("step") == 0, 10, "a new run on 1,000 images")
    s.move_inside()
    d = press_until(s, "e", lambda d: d.get("step", 0) > 0, "Epoch (E)")
    d = s.wait_for(lambda d: d.get("step") == 100 and d.get("state") == "paused", 20, "the epoch's end at step 100")
    if abs(d.get("epoch", 0) - 1.0) > 1e-6:
        raise Failed(f"100 mini-batches of 10 on 1,000 images are not one epoch: epoch {d.get('epoch')}")
    # A lesson made from this state starts on the same 1,000 images.
    s.click("views.lesson")
    s.click("lesson.new")
    s.wait_for(lambda d: d.get("lesson_editor", {}).get("train_samples") == 1000, 10,
               "the new lesson's start on 1,000 training images")
    s.close(keep=True)
    os.remove(s.state_file)  # the next start's dump, not this one's
    s.start_x()
    s.start_app()
    s.wait_for(lambda d: d.get("train_samples") == 1000, 10, "the setting kept for the next start")
    s.type_into("data.train_size", "0")
    s.wait_for(lambda d: d.get("train_samples") == 50000, 10, "every training image again")


def scenario_export_svg(s):
    """A little training, then Export SVG in the curves view: the figure is written into the data
    folder, says where, and is an SVG an XML reader takes, with the two panels and a line for
    the training loss (raw and smoothed) and the training accuracy."""
    import xml.etree.ElementTree as ET
    train_a_little(s)
    s.click("curves.export_svg")
    d = s.wait_for(lambda d: "Exported the curves to" in d.get("status", ""), 10, "the export's message")
    path = d["status"][d["status"].index("Exported the curves to ") + len("Exported the curves to "):].strip()
    if not path.endswith(".svg") or not os.path.exists(path):
        raise Failed(f"the status names no SVG file that exists: {d['status']}")
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    if root.tag != ns + "svg":
        raise Failed(f"the file's root is {root.tag}, not an SVG")
    panels = [g for g in root.iter(ns + "g") if g.get("class") == "panel"]
    lines = [len(list(p.iter(ns + "polyline"))) for p in panels]
    if len(panels) != 2 or lines[0] < 2 or lines[1] < 1:
        raise Failed(f"expected the loss and accuracy panels with their lines; polylines per panel: {lines}")
    log(f"{path}: {os.path.getsize(path)} bytes, polylines per panel {lines}")


def scenario_export_onnx(s):
    """A little training, then Ctrl+S, "ONNX model" clicked: the offered name turns .onnx, and the
    Export button writes a model that onnx.checker takes (Debian's python3-onnx), while the run
    itself stays unsaved. Ctrl+S again starts as a save of the run; ONNX chosen again offers the
    same name, which now exists, so Return does not replace it (that takes the Replace button)."""
    train_a_little(s)
    d = save_dialog(s)
    offered = d["dialog_path"]
    s.click("dialog.onnx")
    d = s.wait_for(lambda d: d.get("dialog_path", "").endswith(".onnx"), 10, "the offered name turned .onnx")
    path = d["dialog_path"]
    s.move_inside()
    time.sleep(0.5)
    keep_png(s.shot("onnx-chosen"))
    if offered and path[: -len(".onnx")] != offered[: -len(".safetensors")]:
        raise Failed(f"the name changed beyond its suffix: {offered} -> {path}")
    if os.path.exists(path):
        os.remove(path)
    s.click("dialog.confirm")
    d = s.wait_for(lambda d: "Exported the network at step" in d.get("status", ""), 20, "the export's message")
    if path not in d["status"] or not os.path.exists(path):
        raise Failed(f"no ONNX file at {path}; status: {d['status']}")
    if d.get("own_path"):
        raise Failed(f"the export was taken for a save of the run (own_path {d['own_path']})")
    r = subprocess.run([sys.executable, "-c", "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); "
                        "print(len(m.graph.node), [o.name for o in m.graph.output])", path],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise Failed(f"onnx.checker refuses {path}: {r.stderr.strip()[-500:]}")
    log(f"{path}: {os.path.getsize(path)} bytes; nodes and outputs {r.stdout.strip()}")
    d = save_dialog(s)
    if d["dialog_path"].endswith(".onnx"):
        raise Failed(f"Ctrl+S again offers an ONNX export ({d['dialog_path']}), not a save of the run")
    s.click("dialog.onnx")
    s.wait_for(lambda d: d.get("dialog_path") == path, 10, "the ONNX name offered again")
    s.click("dialog.path")  # back in the path field, where Return confirms a plain save
    before = os.path.getmtime(path)
    s.key("Return")
    time.sleep(1.0)
    shot = s.shot("onnx-replace")
    keep_png(shot)
    if "Save run" not in s.dump().get("popups", []) or os.path.getmtime(path) != before:
        raise Failed("Return replaced an existing ONNX file without the Replace button")
    s.key("Escape")
    s.wait_for(lambda d: "Save run" not in d.get("popups", []), 10, "the dialog closed by Escape")


def gif_frames(path):
    """The logical screen size and, for each image of a GIF file, its size and its compressed
    bytes: a walk over the file's blocks as the GIF89a specification lays them out."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:6] not in (b"GIF87a", b"GIF89a"):
        raise Failed(f"{path} is not a GIF file")
    width, height, flags = struct.unpack("<HHB", b[6:11])
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    images = []

    def sub_blocks(at):
        data = bytearray()
        while b[at]:
            data += b[at + 1 : at + 1 + b[at]]
            at += 1 + b[at]
        return at + 1, bytes(data)

    while True:
        kind = b[at]
        if kind == 0x3B:  # trailer
            break
        if kind == 0x21:  # extension: label, then sub-blocks
            at, _ = sub_blocks(at + 2)
        elif kind == 0x2C:  # image descriptor, local colour table, LZW code size, data
            _, _, w, h, flags = struct.unpack("<HHHHB", b[at + 1 : at + 10])
            at += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            at, data = sub_blocks(at + 1)
            images.append((w, h, data))
        else:
            raise Failed(f"{path}: unexpected block 0x{kind:02x} at {at}")
    return (width, height), images


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failed(f"{path} is not a PNG file")
    return struct.unpack(">II", head[16:24])


def recording_done(s):
    d = s.wait_for(lambda d: not d["recording"]["writing"] and "Recorded " in d.get("status", ""), 30,
                   "the recording written and said")
    m = re.search(r"Recorded (\d+) frames \((\d+)x(\d+)\) (?:to|as PNG files in) (.+)$", d["status"].strip())
    if not m:
        raise Failed(f"the status does not say what was recorded: {d['status']}")
    return int(m.group(1)), (int(m.group(2)), int(m.group(3))), m.group(4)


def scenario_record(s):
    """The timeline's Record...: the curves view as an animated GIF while it trains (a frame every
    10 mini-batches; Stop writes it), then the weights view as PNG files while the timeline is
    stepped back: one frame for each step shown. The files decode with the frame count and size the app reported,
    and the frames differ (the curves grew)."""
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 0, "training")
    s.wait_for(lambda d: d.get("step", 0) >= 30, 30, "30 steps")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    s.click("timeline.record")
    s.wait_for(lambda d: "record.start" in d.get("rects", {}), 10, "the Record popup")
    s.click("record.gif")
    s.click("record.start")
    s.wait_for(lambda d: d["recording"]["active"] and d["recording"]["frames"] >= 1, 10, "the recording's first frame")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running", "training again")
    s.wait_for(lambda d: d["recording"]["frames"] >= 8, 60, "8 frames recorded")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    d = s.dump()
    shown = (d["recording"]["width"], d["recording"]["height"])
    s.click("timeline.record")  # Stop
    frames, size, path = recording_done(s)
    screen, images = gif_frames(path)
    log(f"{path}: {os.path.getsize(path)} bytes, {len(images)} frames of {screen}, skipped {d['recording']['skipped']}")
    if len(images) != frames or screen != size or size != shown:
        raise Failed(f"the GIF holds {len(images)} frames of {screen}; the app said {frames} of {size} (recording {shown})")
    if any((w, h) != size for w, h, _ in images):
        raise Failed("a frame of the GIF is not the recording's size")
    if images[0][2] == images[-1][2]:
        raise Failed("the first and last frames are the same: the recording did not follow the training")

    # The weights view as PNG files while the timeline is stepped back: a frame at once, then one
    # for each step shown.
    s.click("views.weights")
    s.wait_for(lambda d: "weights" in d.get("views", []), 10, "the weights view open")
    s.click("timeline.record")
    s.wait_for(lambda d: "record.start" in d.get("rects", {}), 10, "the Record popup")
    s.click("record.view")
    s.wait_for(lambda d: "record.view.weights" in d.get("rects", {}), 10, "the list of views")
    s.click("record.view.weights")
    s.click("record.png")
    s.move_inside()
    time.sleep(0.5)
    keep_png(s.shot("record-popup"))
    s.click("record.start")
    s.wait_for(lambda d: d["recording"]["active"] and d["recording"]["frames"] == 1, 10, "the first PNG frame")
    for k in range(3):
        # A click is tried again if it has not shown: an idle app can miss a press and release
        # that fall between two of its frames.
        for attempt in range(3):
            s.click("timeline.earlier")
            try:
                s.wait_for(lambda d, k=k: d["recording"]["frames"] >= k + 2, 4, f"frame {k + 2}")
                break
            except Failed:
                if attempt == 2:
                    raise
        d = s.dump()
        if d["recording"]["frames"] != k + 2:
            raise Failed(f"one step back of the timeline gave {d['recording']['frames'] - k - 1} frames, not one")
    s.click("timeline.record")
    frames, size, folder = recording_done(s)
    if folder == path or not os.path.exists(path):
        raise Failed(f"the second recording replaced the first ({path})")
    files = sorted(os.listdir(folder))
    if files != [f"frame-{i:05d}.png" for i in range(1, 5)] or frames != 4:
        raise Failed(f"expected frame-00001.png .. frame-00004.png (the app said {frames}); the folder holds {files}")
    sizes = {png_size(os.path.join(folder, f)) for f in files}
    if sizes != {size}:
        raise Failed(f"the PNG frames are {sizes}, not {size}")
    if len({open(os.path.join(folder, f), "rb").read() for f in files}) != 4:
        raise Failed("two PNG frames are the same: the weights did not follow the timeline")
    shutil.copy(os.path.join(folder, files[-1]), os.path.join(s.out, "record-weights-frame-4.png"))
    shutil.copy(path, os.path.join(s.out, "record-curves.gif"))
    log(f"{folder}: {files} of {size}")


def scenario_playground_draw(s):
    """The 2-D playground as a drawing board: Clear points, then red points clicked on the left and
    blue ones right-clicked on the right; training goes on and separates them. A point dragged
    moves, a Ctrl+click erases one, x1^2 ticked gives the network a third input and keeps the
    drawing, and Save points writes the points as CSV that the playground reads back."""
    s.click("views.playground")
    s.click("playground.2d")
    s.wait_for(lambda d: d.get("playground", {}).get("mode") == 1 and "train" in d["playground"], 10, "the 2-D board")
    s.click("playground.clear")
    s.wait_for(lambda d: d["playground"]["train"] == 0 and d["playground"]["points"] == 0, 10, "an empty board")
    keep_png(s.shot("cleared"))

    def at(fx, fy):  # the board where it is now (the lines above it can wrap anew)
        b = s.rect("playground.board")
        return s.origin[0] + b[0] + fx * (b[2] - b[0]), s.origin[1] + b[1] + fy * (b[3] - b[1])

    def click_at(fx, fy, button="1", mods=()):
        s.click_at(*at(fx, fy), button=button, mods=mods)

    for k in range(5):
        click_at(0.2 + 0.02 * k, 0.3 + 0.1 * k)
        s.wait_for(lambda d, k=k: d["playground"]["points"] >= k + 1, 5, f"red point {k + 1}")
    for k in range(5):
        click_at(0.8 - 0.02 * k, 0.3 + 0.1 * k, button="3")
        s.wait_for(lambda d, k=k: d["playground"]["points"] >= k + 6, 5, f"blue point {k + 1}")
    d = s.dump()["playground"]
    if d["points"] != 10 or d["red"] != 5 or d["train"] != 10:
        raise Failed(f"expected 10 training points, 5 red; the board has {d}")
    s.wait_for(lambda d: "accuracy train 100.0%" in d.get("status", "") or d["playground"]["steps"] > 500, 20,
               "training on the drawn points")
    # A drag: the last blue point (where the dump says it is on the board) to the top middle.
    d = s.dump()["playground"]
    r = d["board_r"]
    px, py = d["last_point"]
    start = ((px + r) / (2 * r), (r - py) / (2 * r))
    s.move(*at(*start))
    time.sleep(0.15)
    s.x(["mousedown", "1"])
    time.sleep(0.4)  # the press seen by a frame before the pointer moves on
    for k in range(1, 6):
        s.move(*at(start[0] + (0.5 - start[0]) * k / 5, start[1] + (0.1 - start[1]) * k / 5))
        time.sleep(0.1)
    time.sleep(0.15)
    s.x(["mouseup", "1"])
    d = s.wait_for(lambda d: d["playground"]["last_point"][1] > 0.5 * r, 5, "the dragged point at the top")["playground"]
    if d["points"] != 10:
        raise Failed(f"the drag added or lost a point: {d}")
    moved = d["last_point"]
    log(f"the blue point went from {(px, py)} to {moved}")
    # Ctrl+click on the moved point erases it.
    r = d["board_r"]
    click_at((moved[0] + r) / (2 * r), (r - moved[1]) / (2 * r), mods=("ctrl",))
    d = s.wait_for(lambda d: d["playground"]["points"] == 9, 5, "a point erased by Ctrl+click")["playground"]
    if d["red"] != 5:
        raise Failed(f"Ctrl+click erased a red point, or added one: {d}")
    # Another input: the network changes, the drawing stays.
    s.click("playground.feature.x1^2")
    d = s.wait_for(lambda d: d["playground"]["inputs"] == 3, 10, "three inputs")["playground"]
    if d["points"] != 9 or not d["drawn"]:
        raise Failed(f"the drawing was lost when an input was added: {d}")
    s.move_inside()
    time.sleep(0.3)
    keep_png(s.shot("board"))
    s.click("playground.save")
    d = s.wait_for(lambda d: "Saved the 9 points to" in d.get("status", ""), 10, "the points saved")
    path = re.search(r"Saved the 9 points to (\S+\.csv)", d["status"]).group(1)
    with open(path) as f:
        rows = f.read().splitlines()
    if rows[0] != "x,y,label" or len(rows) != 10 or sum(r.endswith(",1") for r in rows[1:]) != 5:
        raise Failed(f"{path} does not hold the 9 points with 5 red: {rows}")
    # Read back through the playground's CSV field: the same 9 points.
    s.type_into("playground.csv", path, enter=False)
    press_until(s, "Return", lambda d: d.get("playground", {}).get("csv_reads", 0) >= 1 and
                d["playground"].get("points") == 9 and not d["playground"].get("loading"), "the saved points read back")
    log(f"{path}: {len(rows) - 1} points")


def scenario_conv_click(s):
    """cnn8 trained a little, paused; in the activations view a click on a value of the
    convolution's maps opens its computation (window, filter, products, sum, bias) and the value
    written out equals the layer's own; a click on the max pool's maps shows which input won, one
    on the output its softmax (the probability written out equals the network's). The sweep walks
    the convolution's position across the output by itself."""
    s.close(keep=False)
    s.extra_args = ["--preset", "cnn8", "--open", "activations"]
    s.start_x()
    s.start_app()
    s.wait_for(lambda d: d.get("data_loaded") and "activations" in d.get("views", []), 30, "cnn8 with the activations view")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 20, "training")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    time.sleep(1.5)  # the probe and the weights catch up with the paused run
    for layer, name, fx, fy in ((1, "convolution", 0.1, 0.22), (3, "max pool", 0.1, 0.22), (7, "softmax", 0.03, 0.5)):
        # Scrolled to with the wheel over the view when it lies below the fold.
        for _ in range(30):
            r = s.rect(f"activations.map.{layer}")
            if r[3] <= s.size[1] - 90:
                break
            s.move(s.origin[0] + r[0] + 20, s.origin[1] + s.size[1] * 0.5)
            s.x(["click", "5"])
            time.sleep(0.2)
        # Near the middle of the first channel's map (on the digit's stroke), or the first class.
        s.click_at(s.origin[0] + r[0] + (r[2] - r[0]) * fx, s.origin[1] + r[1] + (r[3] - r[1]) * fy)
        d = s.wait_for(lambda d, layer=layer: d.get("explain", {}).get("layer") == layer - 1, 10, f"the {name}'s computation")
        e = d["explain"]
        log(f"{name}: layer {e['layer']} value {e['unit']}: recomputed {e['value']:.6g}, the layer's {e['layer_value']:.6g}")
        if abs(e["value"] - e["layer_value"]) > 1e-4 * (1 + abs(e["layer_value"])):
            raise Failed(f"the {name}'s value written out ({e['value']}) is not the layer's ({e['layer_value']})")
        keep_png(s.shot(f"explain-{layer}"))
        if layer == 1:  # the sweep: the position moves on with no input
            s.click("explain.sweep")
            first = e["unit"]
            d = s.wait_for(lambda d: d.get("explain", {}).get("unit", first) >= first + 3, 10, "the sweep moving on")
            s.click("explain.sweep")
            e = d["explain"]
            if abs(e["value"] - e["layer_value"]) > 1e-4 * (1 + abs(e["layer_value"])):
                raise Failed(f"during the sweep the value written out ({e['value']}) is not the layer's ({e['layer_value']})")
        s.click("explain.close")
        s.wait_for(lambda d: "explain" not in d, 10, "the computation's window closed")


def scenario_step_conv_click(s):
    """cnn8 trained a little, one mini-batch stepped (S) with the step-through open: at the
    convolution's forward stage a click on its maps writes out how that value of the sample shown
    was computed, through the weights the step used (those before its update), and the value
    written out equals the one the step recorded; the same at the max pool's stage and at the
    output's (its softmax)."""
    paused = trained_and_paused(s, "cnn8", "stepthrough", 20)
    press_until(s, "s", lambda d: d.get("trace_step", -1) > paused, "a recorded step")
    time.sleep(1.0)
    stage = 0
    for layer, name, fx, fy in ((0, "convolution", 0.1, 0.22), (2, "max pool", 0.15, 0.25), (6, "softmax", 0.35, 0.5)):
        while stage < layer + 1:  # the forward stage of `layer` is stage layer + 1 (stage 0 is the input)
            for _ in range(40):  # scrolled back up to the buttons with the wheel, as a user would
                r = s.rect("stepthrough.next")
                if r[1] >= 30:
                    break
                m = s.rect("stepthrough.map")  # over the picture: the tables above it scroll by themselves
                s.move(s.origin[0] + (m[0] + m[2]) / 2, s.origin[1] + (m[1] + m[3]) / 2)
                s.x(["click", "4"])
                time.sleep(0.15)
            s.click("stepthrough.next")
            stage += 1
        time.sleep(0.3)
        s.reveal("stepthrough.map")
        time.sleep(0.3)
        r = s.rect("stepthrough.map")  # where the scrolled view put it
        s.click_at(s.origin[0] + r[0] + (r[2] - r[0]) * fx, s.origin[1] + r[1] + (r[3] - r[1]) * fy)
        d = s.wait_for(lambda d, layer=layer: d.get("stepexplain", {}).get("layer") == layer, 10, f"the {name}'s computation")
        e = d["stepexplain"]
        log(f"{name}: layer {e['layer']} value {e['unit']}: recomputed {e['value']:.6g}, the step's {e['layer_value']:.6g}")
        if abs(e["value"] - e["layer_value"]) > 1e-4 * (1 + abs(e["layer_value"])):
            raise Failed(f"the {name}'s value written out ({e['value']}) is not the step's ({e['layer_value']})")
        keep_png(s.shot(f"step-explain-{layer}"))
        s.click("stepexplain.close")
        s.wait_for(lambda d: "stepexplain" not in d, 10, "the computation's window closed")


def scenario_folder(s):
    """Your own images from the data menu after a little training: a folder that does not exist is
    refused (its path and the reason in the status bar) and the run stays as it was; a folder of
    three classes of shapes, in colour, loads off the frame thread and a new run on its pictures
    starts and trains; the next session starts on that folder again; a picture dropped on the window
    is read by the network in the activations view; the menu's MNIST brings the digits back."""
    paused = train_a_little(s)["step"]
    shapes = os.path.join(s.tmp, "shapes")
    subprocess.run([os.path.join(os.path.dirname(s.app_path), "make_shapes"), shapes, "40"], check=True)

    def choose_folder(path, colour):
        s.click("data.dataset")
        s.wait_for(lambda d: "data.dataset.2" in d.get("rects", {}), 10, "the data menu")
        s.click("data.dataset.2")
        s.wait_for(lambda d: "data.folder.path" in d.get("rects", {}), 10, "the folder's choices")
        s.type_into("data.folder.path", path, enter=False)
        if colour:
            s.click("data.folder.colour")
        s.click("data.folder.load")
        s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the unsaved-training question")
        s.click("confirm.discard")

    missing = os.path.join(s.tmp, "no-such-folder")
    choose_folder(missing, False)
    d = s.wait_for(lambda d: "no such folder" in d.get("status", ""), 20, "the refusal in the status bar")
    log(f"refused: {d['status']}")
    if missing not in d["status"] or d["dataset"] != "mnist" or d["step"] != paused:
        raise Failed(f"a missing folder cost the run or said too little: step {d['step']} (was {paused}), {d['status']}")
    choose_folder(shapes, True)
    d = s.wait_for(lambda d: d.get("dataset") == "folder" and d.get("classes") == 3, 60, "the folder's data")
    log(f"loaded: {d['data_input']}, {d['train_samples']} training images; {d['status']}")
    if d["data_input"] != "3x28x28" or d["step"] != 0 or "Loaded 120 images of 3 classes" not in d["status"]:
        raise Failed(f"the folder's run is not what was asked: {d['data_input']}, step {d['step']}, {d['status']}")
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 20, "training on the shapes")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    keep_png(s.shot("folder-trained"))
    # The next session starts on the same folder, at the same size and in colour (the settings).
    s.close(keep=True)
    os.remove(s.state_file)
    s.start_x()
    s.start_app()
    d = s.wait_for(lambda d: d.get("dataset") == "folder" and d.get("classes") == 3, 60, "the folder again at the next start")
    if d["data_input"] != "3x28x28":
        raise Failed(f"the next session read the folder as {d['data_input']}, not 3x28x28")
    press_until(s, "space", lambda d: d.get("state") == "running" and d.get("step", 0) > 20, "training on the shapes again")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    # A picture dropped on the window from a file manager: the network reads it, in the
    # activations view, and the run stays as it was.
    import xdnd_drop
    paused = s.dump()["step"]
    s.move_outside()
    xdnd_drop.drop_files(s.display, s.wid, s.origin[0] + s.size[0] // 2, s.origin[1] + s.size[1] // 2,
                         [os.path.join(shapes, "triangle", "3.png")], timeout=10)
    d = s.wait_for(lambda d: d.get("probe", {}).get("source") == "your picture 3.png" and "activations.probe" in d.get("rects", {})
                   and d["probe"].get("label") == -1, 20, "the dropped picture as the activations view's probe, without a label")
    if d["step"] != paused or d["dataset"] != "folder":
        raise Failed(f"the dropped picture changed the run: step {d['step']} (was {paused}), {d['dataset']}")
    keep_png(s.shot("folder-picture-dropped"))
    # Back to the digits (the question again: the shapes' training is unsaved).
    s.click("data.dataset")
    s.wait_for(lambda d: "data.dataset.0" in d.get("rects", {}), 10, "the data menu")
    s.click("data.dataset.0")
    s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the unsaved-training question")
    s.click("confirm.discard")
    s.wait_for(lambda d: d.get("dataset") == "mnist" and d.get("data_input") == "1x28x28" and d.get("step") == 0, 60,
               "MNIST again")


def arc(cx, cy, rx, ry, a0, a1, n=10):
    """Points along an ellipse's arc in a unit box (y down), angles in degrees (0 right, 90 down)."""
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * k / n)),
             cy + ry * math.sin(math.radians(a0 + (a1 - a0) * k / n))) for k in range(n + 1)]


# Each digit as a person draws it: pen strokes in a unit box, y down.
DIGIT_STROKES = {
    0: [arc(0.5, 0.5, 0.33, 0.47, -90, 270, 14)],
    1: [[(0.3, 0.2), (0.55, 0.02), (0.55, 0.5), (0.55, 0.98)]],
    2: [arc(0.5, 0.3, 0.33, 0.27, 190, 360, 6) + [(0.8, 0.45), (0.12, 0.97), (0.9, 0.97)]],
    3: [arc(0.47, 0.26, 0.3, 0.24, 200, 450, 7) + arc(0.47, 0.73, 0.34, 0.25, -90, 160, 7)],
    4: [[(0.62, 0.98), (0.62, 0.02), (0.08, 0.66), (0.92, 0.66)]],
    5: [[(0.82, 0.03), (0.26, 0.03), (0.2, 0.44)], arc(0.48, 0.66, 0.34, 0.3, 215, 500, 10)],
    6: [[(0.72, 0.02), (0.3, 0.45)] + arc(0.5, 0.7, 0.28, 0.27, 200, 560, 12)],
    7: [[(0.1, 0.03), (0.9, 0.03), (0.38, 0.98)]],
    8: [arc(0.5, 0.27, 0.24, 0.23, 90, 450, 10), arc(0.5, 0.73, 0.3, 0.25, -90, 270, 10)],
    9: [arc(0.5, 0.3, 0.27, 0.26, 0, 360, 10), [(0.77, 0.3), (0.72, 0.98)]],
}


def draw_digit(s, digit):
    """The digit's strokes on the canvas, in its middle half, as a hand draws them."""
    for stroke in DIGIT_STROKES[digit]:
        draw_stroke(s, "canvas.ink", [(0.5 + (x - 0.5) * 0.42, 0.5 + (y - 0.5) * 0.62) for x, y in stroke])


def scenario_my_digits(s):
    """Teach it your handwriting: after a little training, the fold under the canvas opened, ten
    digits drawn with the mouse and each kept with a click on its number (ten PNG files in the data
    folder, the 3rd, 6th and 9th held out), an eleventh drawn and deleted again from its thumbnail's
    right-click menu, then Fine-tune: the before and after figures on the three held-out drawings
    and on MNIST appear, the run carries a marker, and the canvas reads with the fine-tuned run."""
    train_a_little(s)
    s.click("views.canvas")
    s.click("mydigits.header")
    d = s.wait_for(lambda d: d.get("mydigits", {}).get("open") and d["mydigits"].get("loaded"), 10, "the fold open")
    folder = d["mydigits"]["dir"]
    if not folder.startswith(os.path.join(s.tmp, "home")):
        raise Failed(f"the drawings go to {folder}, not under the user's home")
    for k, digit in enumerate(list(range(10)) + [7]):
        draw_digit(s, digit)
        s.wait_for(lambda d: d["mydigits"].get("ink"), 10, f"the {digit} read from the canvas")
        s.click(f"mydigits.keep.{digit}")
        s.wait_for(lambda d: d["mydigits"].get("drawings") == k + 1, 10, f"drawing {k + 1} (a {digit}) kept")
    d = s.dump()["mydigits"]
    log(f"kept {d['drawings']} drawings: {d['labels']}, {d['held_out']} held out")
    files = sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs)
    log(f"files: {files}")
    if len(files) != 11 or d["held_out"] != 3 or sorted(d["labels"]) != sorted(list(range(10)) + [7]):
        raise Failed(f"the set is not the eleven drawings kept: {files}, {d}")
    for held in ("2/3-held-out.png", "5/6-held-out.png", "8/9-held-out.png"):
        if held not in files:
            raise Failed(f"{held} is not among the files: {files}")
    keep_png(s.shot("kept"))
    # The eleventh (the second 7, the last thumbnail of the 7s) goes again by its right-click menu.
    labels = d["labels"]
    last_seven = max(i for i, l in enumerate(labels) if l == 7)
    r = s.rect(f"mydigits.thumb.{last_seven}")
    s.click_at(s.origin[0] + (r[0] + r[2]) / 2, s.origin[1] + (r[1] + r[3]) / 2, button="3")
    s.click("mydigits.delete")
    s.wait_for(lambda d: d["mydigits"].get("drawings") == 10, 10, "the eleventh drawing deleted")
    if os.path.exists(os.path.join(folder, "7", "11.png")):
        raise Failed("the deleted drawing's file is still there")
    s.click("mydigits.finetune")
    d = s.wait_for(lambda d: "result" in d["mydigits"], 120, "the fine-tuning's figures")
    r = d["mydigits"]["result"]
    log(f"fine-tuned: {r}; {d.get('status')}")
    if r["trained_on"] != 7 or r["held_out"] != 3 or r["steps"] != 300 or not 0 <= r["held_before"] <= 1 \
            or not 0 <= r["held_after"] <= 1 or not 0 <= r["test_after"] <= 1:
        raise Failed(f"the figures are not of seven drawings trained and three measured: {r}")
    if "Fine-tuned on 7 of your drawings" not in d.get("status", ""):
        raise Failed(f"no word of the fine-tuning in the status bar: {d.get('status')}")
    # The weights go back to the run between two of its mini-batches, with the marker.
    s.wait_for(lambda d: d["mydigits"].get("markers") == 1, 10, "the fine-tuning's marker on the run's curves")
    s.wait_for(lambda d: "mydigits.result" in d.get("rects", {}), 10, "the figures on screen")
    keep_png(s.shot("fine-tuned"))


def trained_and_paused(s, preset, view, steps):
    """A fresh app with the preset and the view open, trained past `steps` mini-batches with Space
    and paused with Space again; returns the step it paused at."""
    s.close(keep=False)
    s.extra_args = ["--preset", preset, "--open", view]
    s.start_x()
    s.start_app()
    s.wait_for(lambda d: d.get("data_loaded") and view in d.get("views", []), 30, f"the {view} view")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running", "training")
    s.wait_for(lambda d: d.get("step", 0) > steps, 30, f"{steps} mini-batches")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    return s.dump()["step"]


def scenario_representation(s):
    """mlp100 trained a little, paused, with the representation view: the t-SNE map of the hidden
    layer forms off the frame thread (the iterations climb while frames keep coming), PCA picked
    from the method's list maps it at once with the axes' shares of the variance; hovering a point
    names its image, a click makes it the activations view's probe; a step back on the timeline
    maps that step (following the timeline), and Live maps the live one again."""
    paused = trained_and_paused(s, "mlp100", "representation", 1500)
    # The map of the paused step (1000 iterations from scratch, or 300 from the map of a step
    # before), seen forming.
    d = s.wait_for(lambda d: d.get("representation", {}).get("step") == paused and
                   d["representation"].get("computing") and d["representation"].get("iteration", 0) >= 10, 120,
                   "t-SNE of the paused step under way, frames drawn as it goes")
    seen = d["representation"]["iteration"]
    # (Minutes in a sanitizer's build: ThreadSanitizer runs this view's t-SNE about 20 times slower.)
    d = s.wait_for(lambda d: d["representation"].get("step") == paused and not d["representation"]["computing"],
                   300, "t-SNE done")
    r = d["representation"]
    log(f"t-SNE of layer {r['job_layer']}: {r['points']} points, {r['iteration']} iterations (seen at {seen} on the way)")
    if r["job_method"] != "tsne" or r["points"] != 2000 or r["iteration"] != r["iterations"] or r["error"]:
        raise Failed(f"the t-SNE map is not whole: {r}")
    keep_png(s.shot("representation-tsne"))
    # PCA from the method's list: its first entry, just below the box.
    s.click("representation.method")
    s.wait_for(lambda d: d.get("popups"), 10, "the method's list")
    m = s.rect("representation.method")
    s.click_at(s.origin[0] + m[0] + 10, s.origin[1] + m[3] + (m[3] - m[1]) * 0.6)
    d = s.wait_for(lambda d: d["representation"].get("job_method") == "pca" and not d["representation"]["computing"],
                   20, "the PCA map")
    r = d["representation"]
    if r["points"] != 2000 or "explained" not in r or not (0 < r["explained"][1] <= r["explained"][0] < 1):
        raise Failed(f"the PCA map is not whole: {r}")
    log(f"PCA: the axes hold {r['explained'][0]:.1%} and {r['explained'][1]:.1%} of the variance")
    keep_png(s.shot("representation-pca"))
    # Hover the first image's point, then click it: the activations view opens with it as the probe.
    x, y = r["sample0_at"]
    s.move(s.origin[0] + x, s.origin[1] + y)
    s.wait_for(lambda d: d["representation"]["hovered"] >= 0, 10, "a point under the pointer")
    keep_png(s.shot("representation-hover"))
    s.click_at(s.origin[0] + x, s.origin[1] + y)
    s.wait_for(lambda d: "activations" in d.get("views", []), 10, "the activations view opened by the click")
    # One step back on the timeline: the map of that step, then Live: the live step's again.
    s.click("timeline.earlier")
    d = s.wait_for(lambda d: d["representation"].get("shown_step", paused) < paused, 10, "an earlier snapshot shown")
    earlier = d["representation"]["shown_step"]
    s.wait_for(lambda d: d["representation"].get("step") == earlier and not d["representation"]["computing"], 120,
               f"the map of step {earlier}")
    s.click("timeline.live")
    s.wait_for(lambda d: d["representation"].get("step") == paused and not d["representation"]["computing"], 120,
               "the live step's map again")
    # The finished map drawn, the view asks for no more frames (it came with no input: the
    # thread's end alone must bring the frame that draws it).
    s.move_outside()
    time.sleep(1.5)
    if "representation" in s.dump().get("live", ""):
        raise Failed(f"the representation view keeps the frames coming with its map done: {s.dump().get('live')}")


def scenario_loss_landscape(s):
    """mlp30 trained a little, paused, with the loss landscape view: Compute draws the loss along
    the line from the first snapshot to now (at t = 1 far below t = 0's); the plane of the path's
    directions draws the run's path over the loss; the random plane is started while training
    goes on (its progress climbs, training does not wait) and Cancel stops it at once; a line
    computed with the pointer outside the window and no input at all is drawn when done, and the
    view then asks for no more frames. (mlp30, not mlp100: a plane is 625 evaluations of 2,000
    images, about a minute for mlp100 in the sanitizer's build.)"""
    paused = trained_and_paused(s, "mlp30", "losslandscape", 2000)

    def choose(mode):
        s.click("losslandscape.mode")
        s.wait_for(lambda d: f"losslandscape.mode.{mode}" in d.get("rects", {}), 10, "the list of modes")
        s.click(f"losslandscape.mode.{mode}")
        s.wait_for(lambda d: d["losslandscape"]["mode"] == mode, 10, f"mode {mode} chosen")

    def computed(mode, what, step):
        return s.wait_for(lambda d: d.get("losslandscape", {}).get("job_mode") == mode and
                          d["losslandscape"].get("step") == step and not d["losslandscape"]["computing"], 300, what)

    s.click("losslandscape.compute")
    l = computed(0, "the line", paused)["losslandscape"]
    log(f"line: loss {l['loss_t0']:.3f} at t = 0, {l['loss_t1']:.3f} at t = 1, lowest {l['min_loss']:.3f}")
    if l["error"] or l["points"] != 41 or not l["loss_t1"] < 0.5 * l["loss_t0"]:
        raise Failed(f"the line is not what training did: {l}")
    keep_png(s.shot("loss-line"))
    choose(2)
    s.click("losslandscape.compute")
    l = computed(2, "the path's plane", paused)["losslandscape"]
    log(f"the path's plane: {l['points']} points, path of {l['path']} snapshots, lowest loss {l['min_loss']:.3f}")
    if l["error"] or l["points"] != 625 or l["path"] < 3:
        raise Failed(f"the path's plane is not whole: {l}")
    keep_png(s.shot("loss-path"))
    # The random plane while training goes on; Cancel ends it at once.
    choose(1)
    press_until(s, "space", lambda d: d.get("state") == "running", "training again")
    s.click("losslandscape.compute")
    s.wait_for(lambda d: d["losslandscape"].get("job_mode") == 1 and d["losslandscape"].get("computing") and
               d["losslandscape"]["done"] > 0, 30, "the random plane under way while training")
    step0 = s.dump()["step"]
    s.wait_for(lambda d: d["step"] > step0 + 100, 30, "training going on meanwhile")
    s.click("losslandscape.cancel")
    s.wait_for(lambda d: "losslandscape.compute" in d.get("rects", {}) and
               "losslandscape.cancel" not in d.get("rects", {}), 10, "the Compute button back after Cancel")
    # Paused again, a line computed with the pointer outside: no input at all, yet its end is drawn.
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause again")
    choose(0)
    s.click("losslandscape.compute")
    s.move_outside()
    s.wait_for(lambda d: d["losslandscape"].get("job_mode") == 0 and not d["losslandscape"]["computing"] and
               d["losslandscape"].get("points") == 41, 300, "the line's end drawn with no input")
    time.sleep(1.5)
    if "loss landscape" in s.dump().get("live", ""):
        raise Failed(f"the loss landscape keeps the frames coming when done: {s.dump().get('live')}")


def scenario_graph_edit(s):
    """mlp30 trained a little, paused, with the network graph: hovering a link between the hidden
    layer and the output reads its weight; a click opens it for editing, and the value typed in
    (Enter) is the run's weight at once, though paused. A click on a hidden unit and Freeze keep
    its incoming weights as they are while training goes on (their norm does not move in 300
    mini-batches), and the graph follows the training with the pointer outside the window."""
    paused = trained_and_paused(s, "mlp30", "graph", 300)
    r = s.rect("graph.link")
    x, y = s.origin[0] + (r[0] + r[2]) / 2, s.origin[1] + (r[1] + r[3]) / 2
    s.move(x, y)
    s.wait_for(lambda d: d.get("graph", {}).get("hover_link", -1) >= 0, 10, "a link under the pointer")
    keep_png(s.shot("graph-hover"))
    s.click_at(x, y)
    s.wait_for(lambda d: "graph.edit_value" in d.get("rects", {}), 10, "the weight's editor")
    g = s.dump()["graph"]
    log(f"editing weight {g['edit_param']} ({g['edit_row']}, {g['edit_col']}): {g.get('run_edit_weight')}")
    if g["edit_param"] < 0:
        raise Failed(f"the editor is open for no weight: {g}")
    s.type_into("graph.edit_value", "2.5")
    d = s.wait_for(lambda d: abs(d["graph"].get("run_edit_weight", 0) - 2.5) < 1e-6, 10, "the run's weight set to 2.5")
    if d["step"] != paused or "to 2.5" not in d["graph"]["last_action"]:
        raise Failed(f"the edit did not land as typed on the paused run: step {d['step']}, {d['graph']}")
    keep_png(s.shot("graph-edited"))
    # Freeze the first hidden unit drawn, then train on.
    s.click("graph.node")
    s.wait_for(lambda d: "graph.freeze" in d.get("rects", {}), 10, "the unit's menu")
    s.click("graph.freeze")
    d = s.wait_for(lambda d: len(d["graph"].get("frozen", [])) == 1 and "norm" in d["graph"]["frozen"][0], 10,
                   "the unit frozen")
    f = d["graph"]["frozen"][0]
    if (f["layer"], f["unit"]) != (d["graph"]["node_layer"], d["graph"]["node_unit"]):
        raise Failed(f"another unit was frozen than the one clicked: {f}, {d['graph']}")
    press_until(s, "space", lambda d: d.get("state") == "running", "training again")
    s.move_outside()
    d = s.wait_for(lambda d: d["graph"]["step"] > paused + 300, 60, "300 mini-batches, the graph following them")
    press_until(s, "space", lambda d: d.get("state") == "paused", "pause")
    g = s.dump()["graph"]
    log(f"frozen unit {f['unit']}: norm {f['norm']:.6f} then {g['frozen'][0]['norm']:.6f} at step {g['step']}")
    if abs(g["frozen"][0]["norm"] - f["norm"]) > 1e-6:
        raise Failed(f"the frozen unit's weights moved: {f} -> {g['frozen'][0]}")
    keep_png(s.shot("graph-frozen"))


def scenario_lesson_file(s):
    """A teacher's lesson file opened as a student would open any file: Ctrl+O, its path typed,
    Return. The training done before asks first (it is not saved); then the lesson starts with
    its network and applies what it hides and fixes: R (Reset is fixed) does nothing. A damaged
    copy opened the same way is refused with its name and the problem in the status bar, and the
    lesson goes on; leaving the lesson brings every setting back."""
    lesson, damaged = lesson_files(s, "fixed.nnviz-lesson.json", '"val_accuracy"', '"val_acc"')
    train_a_little(s)
    open_typed(s, lesson)
    s.wait_for(lambda d: "Unsaved training" in d.get("popups", []), 10, "the question about the unsaved training")
    s.click("confirm.discard")
    d = s.wait_for(lambda d: d.get("lesson", {}).get("id") == "fixed-settings" and d.get("step") == 0, 20,
                   "the lesson started on its own run")
    if d["lesson"]["hides"] != "data,weights" or d["lesson"]["locks"] != "optimizer,reset,curves":
        raise Failed(f"the lesson's rules are not applied: {d['lesson']}")
    s.move_inside()
    for _ in range(3):
        s.key("s")
        time.sleep(0.2)
    press_until(s, "s", lambda d: d.get("step", 0) >= 3, "three steps (S)")
    s.key("r")
    time.sleep(1.0)
    d = s.dump()
    if d.get("step", 0) < 3 or "Unsaved training" in d.get("popups", []):
        raise Failed(f"R reset a lesson that fixes Reset: step {d.get('step')}, popups {d.get('popups')}")
    open_typed(s, damaged)
    d = s.wait_for(lambda d: "Could not open" in d.get("status", ""), 10, "the damaged lesson's error")
    if "damaged.nnviz-lesson.json" not in d["status"] or "val_acc" not in d["status"]:
        raise Failed(f"the error does not name the file and the problem: {d['status']}")
    if d.get("lesson", {}).get("id") != "fixed-settings":
        raise Failed(f"a damaged lesson ended the one under way: {d.get('lesson')}")
    keep_png(s.shot("lesson-file"))
    s.click("lesson.leave")
    s.wait_for(lambda d: "lesson" not in d, 10, "the lesson left")


def scenario_lesson_drop(s):
    """Files dropped on the window from a file manager (XDND, as a desktop does it), the pointer
    then left alone: a lesson file starts its lesson, a damaged one is refused naming the file and
    the problem (the lesson goes on), and of several files only the first is opened, saying so."""
    import xdnd_drop
    # A space in the name, as file names have.
    lesson, damaged = lesson_files(s, "a lesson.nnviz-lesson.json", '"lock": [', '"lock": ["nothing", ')
    at = (s.origin[0] + s.size[0] // 2, s.origin[1] + s.size[1] // 2)

    def drop(*paths):
        s.move_outside()
        xdnd_drop.drop_files(s.display, s.wid, at[0], at[1], list(paths), timeout=10)

    drop(lesson)
    d = s.wait_for(lambda d: d.get("lesson", {}).get("id") == "fixed-settings", 20, "the dropped lesson started")
    if d["lesson"]["locks"] != "optimizer,reset,curves":
        raise Failed(f"the dropped lesson's rules are not applied: {d['lesson']}")
    drop(damaged)
    d = s.wait_for(lambda d: "Could not open" in d.get("status", ""), 10, "the damaged lesson's error")
    if "damaged.nnviz-lesson.json" not in d["status"] or "lock[0]" not in d["status"]:
        raise Failed(f"the error does not name the file and the problem: {d['status']}")
    if d.get("lesson", {}).get("id") != "fixed-settings":
        raise Failed(f"a damaged lesson ended the one under way: {d.get('lesson')}")
    drop(lesson, damaged)
    d = s.wait_for(lambda d: "One file at a time" in d.get("log", {}).get("last", "") or
                   "One file at a time" in d.get("status", ""), 10, "'one file at a time'")
    keep_png(s.shot("lesson-drop"))


def scroll_into(s, name, area):
    """Turns the mouse wheel over the scrolling region `area` (a mark) until the control `name`
    lies inside it, as a user scrolls to a field below the fold."""
    for _ in range(40):
        d = s.dump()
        r, a = d.get("rects", {}).get(name), d.get("rects", {}).get(area)
        if r and a and r[1] >= a[1] and r[3] <= a[3]:
            return
        s.move(s.origin[0] + (a[0] + a[2]) / 2, s.origin[1] + (a[1] + a[3]) / 2)
        s.x(["click", "5" if r and r[3] > a[3] else "4"])
        time.sleep(0.2)
    raise Failed(f"could not scroll '{name}' into '{area}'")


def scenario_lesson_editor(s):
    """A teacher writes a lesson in the app: Lessons > New lesson from this state, a title typed
    (the id follows it), the page's text replaced, a goal added and its threshold set to 0.5, then
    Save and try it: the file is written into the nnviz data folder, reads back with what was
    typed, and the lesson starts as a student would take it. Its goal turns met by training alone;
    left, the lesson is listed under the teacher's own."""
    s.click("views.lesson")
    s.wait_for(lambda d: "lesson" in d.get("views", []), 10, "the lesson panel")
    s.click("lesson.new")
    s.wait_for(lambda d: "lesson_editor" in d, 10, "the lesson editor")
    # A click in the lesson panel beside it (which brings that view forward) leaves the editor
    # over the views: its title field's right end, over the panel, still takes the click and the
    # typing.
    r = s.rect("lesson_editor.title")  # the field and its label "title" on the right
    panel = s.dump()["rects"]["lesson.new"]  # a control of the lesson panel, right of the editor's left edge
    x = panel[0] + 3  # the lesson panel's content starts 8 px right of its edge; the field ends 36 px left of the label's end
    if x > r[2] - 36:
        raise Failed(f"the editor's title field {r} does not reach over the lesson panel {panel}")
    s.move(s.origin[0] + s.size[0] - 40, s.origin[1] + r[1] + 60)
    s.x(["click", "1"])
    time.sleep(0.3)
    s.move(s.origin[0] + x, s.origin[1] + (r[1] + r[3]) / 2)
    time.sleep(0.15)
    s.x(["click", "1"])
    time.sleep(0.2)
    s.key("a", mods=("ctrl",))
    type_text(s, "Small steps")
    s.wait_for(lambda d: d.get("lesson_editor", {}).get("id") == "small-steps", 10, "the id from the title")
    s.type_into("lesson_editor.page_text.0", "Press Play and watch", enter=False)
    scroll_into(s, "lesson_editor.add_goal", "lesson_editor.fields")
    s.click("lesson_editor.add_goal")
    s.wait_for(lambda d: d.get("lesson_editor", {}).get("goals") == 1, 10, "a goal added")
    scroll_into(s, "lesson_editor.goal_threshold.0", "lesson_editor.fields")
    s.type_into("lesson_editor.goal_threshold.0", "0.5")
    d = s.wait_for(lambda d: d.get("lesson_editor", {}).get("problem") == "", 10, "a draft that reads")
    keep_png(s.shot("lesson-editor"))
    s.click("lesson_editor.try")
    d = s.wait_for(lambda d: d.get("lesson", {}).get("id") == "small-steps" and "lesson_editor" not in d, 20,
                   "the saved lesson started")
    path = os.path.join(data_folder(s), "lessons", "small-steps.nnviz-lesson.json")
    with open(path) as f:
        saved = json.load(f)
    if saved["title"] != "Small steps" or saved["pages"][0]["text"] != "Press Play and watch":
        raise Failed(f"the file does not hold what was typed: {saved['title']!r}, {saved['pages'][0]['text']!r}")
    goal = saved["goals"][0]
    if goal.get("metric") != "val_accuracy" or goal.get("at_least") != 0.5:
        raise Failed(f"the goal was not saved as set: {goal}")
    if d["lesson"]["met"] != [False]:
        raise Failed(f"the new lesson's goal is met before training: {d['lesson']}")
    s.move_inside()
    press_until(s, "space", lambda d: d.get("state") == "running", "training")
    s.move_outside()
    s.wait_for(lambda d: d.get("lesson", {}).get("met") == [True], 60, "the goal met by training")
    s.click("lesson.leave")
    s.wait_for(lambda d: "lesson" not in d and "lesson.start.small-steps" in d.get("rects", {}), 10,
               "the lesson listed among the teacher's own")
    # The file changed outside the app (another id): the list reads it again within seconds.
    saved["id"] = "small-steps-edited"
    with open(path, "w") as f:
        json.dump(saved, f)
    s.wait_for(lambda d: "lesson.start.small-steps-edited" in d.get("rects", {}), 10,
               "the lesson read again after its file changed")


SCENARIOS = {
    "export-svg": scenario_export_svg,
    "export-onnx": scenario_export_onnx,
    "record": scenario_record,
    "playground-draw": scenario_playground_draw,
    "conv-click": scenario_conv_click,
    "representation": scenario_representation,
    "loss-landscape": scenario_loss_landscape,
    "graph-edit": scenario_graph_edit,
    "step-conv-click": scenario_step_conv_click,
    "folder": scenario_folder,
    "my-digits": scenario_my_digits,
    "train-size": scenario_train_size,
    "lesson": scenario_lesson,
    "lesson-editor": scenario_lesson_editor,
    "lesson-drop": scenario_lesson_drop,
    "lesson-file": scenario_lesson_file,
    "classroom-keeps": scenario_classroom_keeps,
    "cosine-continues": scenario_cosine_continues,
    "keyboard-nav": scenario_keyboard_nav,
    "compare": scenario_compare,
    "playground": scenario_playground,
    "landscape": scenario_landscape,
    "reset-dialog": scenario_reset_dialog,
    "epoch-key": scenario_epoch_key,
    "slowed": scenario_slowed,
    "save-twice": scenario_save_twice,
    "open-error": scenario_open_error,
    "open-other": scenario_open_other,
    "browse": scenario_browse,
    "choose": scenario_choose,
    "first-click": scenario_first_click,
    "playground-csv": scenario_playground_csv,
    "open-fashion": scenario_open_fashion,
    "zoom-back": scenario_zoom_back,
    "close-keeps": scenario_close_keeps,
    "close-unkept": scenario_close_unkept,
    "help": scenario_help,
    "probe-while-training": scenario_probe_while_training,
    "probe-drawing": scenario_probe_drawing,
    "edit-layers": scenario_edit_layers,
    "confusion": scenario_confusion,
    "compare-race": scenario_compare_race,
    "classroom-locked": scenario_classroom_locked,
    "escape-menu": scenario_escape_menu,
    "sidebar-fold": scenario_sidebar_fold,
    "weights-zoom": scenario_weights_zoom,
}


# Scenarios that act before the data has loaded.
EARLY = {"first-click"}
# What some scenarios set up before the app starts (its environment).
PREPARE = {"choose": prepare_choose, "cosine-continues": prepare_cosine}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--out", help="where screenshots and the app's log go (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (HOME, state dump)")
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    a = ap.parse_args()
    missing = [t for t in ("Xvfb", "xdotool", "xwd") if not shutil.which(t)]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (apt-get install xvfb xdotool x11-apps)")
        return SKIP
    s = Session(os.path.abspath(a.app), a.out and os.path.abspath(a.out), a.scenario)
    ok = False
    t0 = time.monotonic()
    try:
        s.start_x()
        if a.scenario in PREPARE:
            PREPARE[a.scenario](s)
        s.start_app(wait_for_data=a.scenario not in EARLY)
        SCENARIOS[a.scenario](s)
        ok = True
        # Closed as the close button closes it: a clean exit that kept what it had to keep.
        s.close(keep=True)
        with open(s.log_path) as f:
            problems = [line.strip() for line in f if ("could not" in line and not getattr(s, "unkept_expected", False))
                        or "GLFW error" in line]
        if s.proc.returncode != 0 or problems:
            ok = False
            log(f"FAILED: nnviz ended with status {s.proc.returncode} after SIGTERM; {problems}")
    except Failed as e:
        log(f"FAILED: {e}")
    finally:
        s.close(keep=a.keep or not ok)
        if not ok:
            log(f"kept {s.tmp} (HOME, state dump); screenshots and log in {s.out}")
    log(f"{a.scenario}: {'passed' if ok else 'FAILED'} in {time.monotonic() - t0:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
