#!/usr/bin/env bash
# A randomised GUI run under AddressSanitizer + UBSan (or ThreadSanitizer), driven through real
# X input.
#
#   scripts/gui-monkey.sh [SECONDS]          default 300
#
# Builds (or reuses) the sanitizer build of the GUI (build-asan/, configured as
# scripts/sanitize.sh address does; build-tsan/ as scripts/sanitize.sh thread does, with
# MONKEY_SANITIZER=thread), starts its own Xvfb on a random display and the real
# binary in it as a user would (no headless flags, a fresh temporary HOME), then for SECONDS
# sends random but plausible input with xdotool (XTEST): pointer moves, clicks and short drags
# biased towards the sidebar, key taps (Space, S, E, R, Escape, Return, Tab, digits, Ctrl+S/O,
# Ctrl+=/-/0), typed strings, view switches, a phase that opens the 2-D playground and hammers
# it, and now and then another X client that searches the windows and takes a screenshot
# (xdotool search --name nnviz; xwd -root), as in the report of the one crash seen
# ("free(): corrupted unsorted chunks"). Every few seconds it checks that the app is alive;
# at the end it sends SIGTERM (the app treats it as the close button) and waits up to 60 s.
#
# PASS only if the app never died, exited 0 after SIGTERM and its output has no sanitizer
# report, "free():", "corrupted" or "terminate called". Under ThreadSanitizer a data race does not
# stop the run: every race of the whole run goes to the log (suppressions: tests/tsan-gui.supp),
# and any one fails it. On FAIL it prints the seed, the last 50 actions and the report. Either
# way the output folder (printed) keeps the logs, every action, a screenshot every ~30 s and a
# final one (PNG when ImageMagick is there).
#
# Environment:
#   SEED=N                    replay a run (the seed is printed at the start)
#   MONKEY_FOCUS=playground   the whole run on the 2-D playground, the window-search and
#                             screenshot client running all the time
#   MONKEY_XDG=missing        XDG_CONFIG_HOME, XDG_DATA_HOME, ... point to folders that do not
#                             exist (default: unset, so the app uses the fresh HOME's defaults)
#   MONKEY_OUT=DIR            output folder (default: a new /tmp/nnviz-monkey.XXXXXX)
#   MONKEY_SANITIZER=thread   the ThreadSanitizer build (default: address, with UBSan)
#   NNVIZ_ASAN_BUILD_DIR      the AddressSanitizer build folder (default: <repo>/build-asan)
#   NNVIZ_TSAN_BUILD_DIR      the ThreadSanitizer build folder (default: <repo>/build-tsan)
#   NNVIZ_MONKEY_NO_BUILD=1   use the binary in the build folder as it is
#   NNVIZ_JOBS                build jobs (default: number of cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-300}"
[[ "$duration" =~ ^[0-9]+$ ]] || { echo "usage: gui-monkey.sh [SECONDS]" >&2; exit 2; }
sanitizer="${MONKEY_SANITIZER:-address}"
case "$sanitizer" in
  address) build="${NNVIZ_ASAN_BUILD_DIR:-$root/build-asan}" ;;
  thread)  build="${NNVIZ_TSAN_BUILD_DIR:-$root/build-tsan}" ;;
  *) echo "gui-monkey.sh: MONKEY_SANITIZER must be address or thread, not '$sanitizer'" >&2; exit 2 ;;
esac
jobs="${NNVIZ_JOBS:-$(nproc)}"
seed="${SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}"
focus="${MONKEY_FOCUS:-}"
xdg="${MONKEY_XDG:-unset}"
say() { printf '[monkey] %s\n' "$*"; }

# --- packages ----------------------------------------------------------------------------------
# shellcheck source=scripts/debian.sh
. "$root/scripts/debian.sh"  # as_root, missing_packages
mapfile -t missing < <(missing_packages xvfb xauth xdotool x11-apps)
# ImageMagick only turns the screenshots into PNGs: welcome, not required. (/usr/local/bin/convert
# may be a stand-in that does not convert; the real one is /usr/bin/convert.)
[ -x /usr/bin/convert ] || missing+=(imagemagick)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    for p in "${missing[@]}"; do
      [ "$p" = imagemagick ] && continue
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p"
    done
  fi
fi
convert_bin=""
[ -x /usr/bin/convert ] && convert_bin=/usr/bin/convert

# --- the sanitizer build of the GUI ------------------------------------------------------------
bin="$build/bin/nnviz"
if [ "${NNVIZ_MONKEY_NO_BUILD:-0}" = 1 ] && [ -x "$bin" ]; then
  say "reusing $bin"
else
  # The same configuration as scripts/sanitize.sh, so the two share the folder.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
        -DNNVIZ_SANITIZE="$sanitizer" -DNNVIZ_OPENMP=OFF -DNNVIZ_BUILD_GUI=ON >/dev/null
  say "building nnviz with -fsanitize=$sanitizer in $build (the first time takes a while)"
  cmake --build "$build" -j "$jobs" --target nnviz
fi

# --- output folder, HOME, display --------------------------------------------------------------
out="${MONKEY_OUT:-$(mktemp -d /tmp/nnviz-monkey.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
home="$out/home"
mkdir -p "$home"
log="$out/nnviz.stderr.log"
xvfb_pid="" app_pid="" app_rc=""
cleanup() {
  # Only what this script started, by PID.
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill -KILL "$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ] && kill -0 "$xvfb_pid" 2>/dev/null; then kill "$xvfb_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

display=""
for _ in $(seq 50); do
  n=$(( 100 + $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % 800 ))
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "[monkey] no free display number" >&2; exit 1; }
export XAUTHORITY="$out/xauthority"
: > "$XAUTHORITY"
xauth -f "$XAUTHORITY" add "$display" . "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -auth "$XAUTHORITY" >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY="$display"
for _ in $(seq 100); do
  xdotool getdisplaygeometry >/dev/null 2>&1 && break
  kill -0 "$xvfb_pid" 2>/dev/null || { echo "[monkey] Xvfb did not start:" >&2; cat "$out/xvfb.log" >&2; exit 1; }
  sleep 0.1
done

say "seed $seed (SEED=$seed replays it)  duration ${duration}s  focus ${focus:-none}  XDG ${xdg}  sanitizer ${sanitizer}"
say "display $display (Xvfb PID $xvfb_pid)  output $out"

# Point files the playground's CSV field is given (valid, large, broken, one class, huge values).
python3 - "$home" <<'PY'
import random, sys, os
home = sys.argv[1]
r = random.Random(7)
def pts(n, noise=0.3):
    rows = []
    for i in range(n):
        c = i % 2
        a = r.uniform(0, 6.28)
        rad = (1.0 if c else 2.5) + r.gauss(0, noise)
        import math
        rows.append(f"{rad*math.cos(a):.4f},{rad*math.sin(a):.4f},{c}")
    return rows
open(os.path.join(home, "points.csv"), "w").write("# x,y,label\n" + "\n".join(pts(400)) + "\n")
open(os.path.join(home, "big.csv"), "w").write("\n".join(pts(60000)) + "\n")
open(os.path.join(home, "crlf.csv"), "w").write("\r\n".join(pts(200)) + "\r\n")
open(os.path.join(home, "bad.csv"), "w").write("1,2,0\n3,4\nfoo,bar,baz\n")
open(os.path.join(home, "one.csv"), "w").write("\n".join(f"{i},{i},1" for i in range(50)) + "\n")
open(os.path.join(home, "huge.csv"), "w").write("1e39,0,0\n0,1,1\n2,2,0\n")
open(os.path.join(home, "empty.csv"), "w").write("")
open(os.path.join(home, "long.csv"), "w").write("1" * 5000 + ",0,0\n")
PY

# --- the app, as a user starts it --------------------------------------------------------------
app_env=(env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR
         HOME="$home" DISPLAY="$display" XAUTHORITY="$XAUTHORITY"
         # The in-app dialogs only: a desktop file chooser's window would take the input.
         NNVIZ_FILE_CHOOSER=none
         ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
         UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
         # Every race of the run to the log, not only the first; the graphics driver's own
         # threads are not ours (the file says why).
         TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$root/tests/tsan-gui.supp")
if [ "$xdg" = missing ]; then
  gone="$home/gone/not-there"
  app_env+=(XDG_CONFIG_HOME="$gone/config" XDG_DATA_HOME="$gone/data" XDG_CACHE_HOME="$gone/cache"
            XDG_STATE_HOME="$gone/state" XDG_RUNTIME_DIR="$gone/run")
fi
[ -x /usr/bin/llvm-symbolizer ] && app_env+=(ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer)
( cd "$home" && exec "${app_env[@]}" "$bin" ) >"$out/nnviz.stdout.log" 2>"$log" &
app_pid=$!
say "nnviz PID $app_pid, stderr in $log"

wid=""
for _ in $(seq 240); do
  wid=$(xdotool search --onlyvisible --name '^nnviz$' 2>/dev/null | head -n1 || true)
  [ -n "$wid" ] && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.25
done
if [ -z "$wid" ]; then
  echo "[monkey] FAIL: the window never appeared" >&2
  tail -n 50 "$log" >&2
  exit 1
fi
xdotool windowfocus "$wid" 2>/dev/null || true  # what a window manager would do; keys follow the pointer anyway
sleep 2

# --- the monkey --------------------------------------------------------------------------------
set +e
python3 - "$app_pid" "$out" "$duration" "$seed" "$focus" "$log" "$convert_bin" "$home" <<'PY'
import collections, os, random, struct, subprocess, sys, threading, time

pid, out, duration, seed, focus, log, convert_bin, home = sys.argv[1:9]
pid, duration, seed = int(pid), float(duration), int(seed)
rng = random.Random(seed)
W, H = 1280, 800
t0 = time.monotonic()
actions = open(os.path.join(out, "actions.log"), "w", buffering=1)
count = 0
DEVNULL = subprocess.DEVNULL
# A ThreadSanitizer report is not among them: the run goes on to find every race, and the verdict
# at the end fails on any.
BAD = ("AddressSanitizer", "runtime error", "LeakSanitizer", "free():", "corrupted", "terminate called")
children = []

def note(text):
    global count
    count += 1
    actions.write(f"{time.monotonic() - t0:8.2f}s #{count:05d} {text}\n")

def xdo(*args, timeout=30):
    try:
        subprocess.run(["xdotool", *map(str, args)], stdout=DEVNULL, stderr=DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        actions.write(f"  (xdotool timed out: {' '.join(map(str, args))})\n")

def ms(lo, hi):
    return f"{rng.uniform(lo, hi) / 1000:.3f}"

# --- the app's state from outside -------------------------------------------------------------
def state():
    """'alive', or why not."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
    if st in "ZX":
        return "exited"
    return "alive"

def sanitizer_said():
    try:
        with open(log, errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    for b in BAD:
        if b in text:
            return b
    return None

peak_rss = 0
def memory():
    global peak_rss
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    peak_rss = max(peak_rss, int(line.split()[1]))
    except OSError:
        pass

# --- screenshots, and pixels read from them ---------------------------------------------------
shots = 0
def screenshot(name):
    path = os.path.join(out, name + ".xwd")
    with open(path, "wb") as f:
        subprocess.run(["xwd", "-root", "-silent"], stdout=f, stderr=DEVNULL, timeout=30)
    if convert_bin:
        p = subprocess.Popen(["sh", "-c", f'"{convert_bin}" "xwd:{path}" "{path[:-4]}.png" && rm -f "{path}"'],
                             stdout=DEVNULL, stderr=DEVNULL)
        children.append(p)
    return path

def grab():
    """The screen as (bytes, offset of pixel 0, bytes a line); None when xwd fails."""
    try:
        d = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, timeout=30).stdout
        f = struct.unpack(">25I", d[:100])
        return d, f[0] + f[19] * 12, f[12]
    except Exception:
        return None

def orange_in(img, cx, cy, r=6):
    """How many pixels around (cx, cy) have ImGui's check-mark orange (250,166,64)."""
    if not img:
        return 0
    d, base, bpl = img
    n = 0
    for y in range(cy - r, cy + r + 1):
        for x in range(cx - r, cx + r + 1):
            o = base + y * bpl + x * 4
            b, g, rr = d[o], d[o + 1], d[o + 2]
            if rr > 200 and 120 < g < 200 and b < 110:
                n += 1
    return n

def blue_at(img, x, y):
    if not img:
        return False
    d, base, bpl = img
    o = base + y * bpl + x * 4
    b, g, r = d[o], d[o + 1], d[o + 2]
    return b > 85 and b > r + 35  # a button's blue, also when disabled (no run yet)

# --- another X client: searches the windows and takes a screenshot, as in the crash report ----
def x_client(tag):
    p = subprocess.Popen(["sh", "-c", "xdotool search --name nnviz >/dev/null 2>&1; xwd -root -silent >/dev/null 2>&1"])
    children.append(p)
    note(f"x-client {tag}: xdotool search --name nnviz; xwd -root -silent > /dev/null")

stop_client = threading.Event()
def client_loop():
    r = random.Random(seed ^ 0x5eed)
    while not stop_client.is_set():
        subprocess.run(["sh", "-c", "xdotool search --name nnviz >/dev/null 2>&1; xwd -root -silent >/dev/null 2>&1"])
        stop_client.wait(r.uniform(0.2, 1.5))

# --- input ------------------------------------------------------------------------------------
SIDEBAR_TARGETS = {
    "Play": (41, 77), "Step": (119, 77), "Epoch": (196, 77), "Reset": (273, 77),
    "speed": (150, 106), "Save run...": (80, 135), "Open...": (234, 135),
    "Classroom": (70, 338), "dataset": (158, 396), "preset": (158, 479), "add layer": (60, 616),
    "init": (90, 645), "seed": (90, 674), "Apply and reset": (157, 703), "optimizer": (90, 764),
}
VIEWS = {  # the VIEWS checkboxes at zoom 1, sidebar not scrolled
    "Curves": (19, 197), "Weights": (98, 197), "Activations": (186, 197), "Step-through": (19, 226),
    "Draw": (138, 226), "Compare": (19, 255), "Analysis": (113, 255), "Playground": (19, 284),
    "Landscape": (127, 284), "Layer stats": (19, 313), "Tile": (126, 313),
}
KEYS = ["space", "s", "e", "r", "Escape", "Return", "Tab", "BackSpace", "Left", "Right", "Up", "Down",
        "c", "Delete", "Home", "End"] + [str(i) for i in range(10)]
CTRL_KEYS = ["ctrl+s", "ctrl+o", "ctrl+equal", "ctrl+minus", "ctrl+0", "ctrl+a", "ctrl+shift+k", "shift+Tab"]
STRINGS = ["abc", "12", "0.5", "-3", "1e9", "1e39", "x^2", "sin(x)*3", "8,8", "4,,4", "256,256", "0", "%s%n%x",
           "nan", "inf", "-0", "   ", "a" * 60, "ünïcödé", "run-1", "../x", "9" * 25, "0x10", "1,2,3"]

def clamp(v, lo, hi):
    return max(lo, min(hi, v))

def point(where=None):
    r = rng.random() if where is None else {"sidebar": 0, "main": 0.5, "bottom": 0.9, "any": 0.99}[where]
    if r < 0.45:
        if rng.random() < 0.5:
            name, (x, y) = rng.choice(list(SIDEBAR_TARGETS.items()) + list(VIEWS.items()))
            return x + rng.randint(-4, 4), y + rng.randint(-3, 3), name
        return rng.randint(0, 329), rng.randint(0, 770), "sidebar"
    if r < 0.85:
        return rng.randint(330, W - 1), rng.randint(0, 770), "main"
    if r < 0.95:
        return rng.randint(0, W - 1), rng.randint(735, H - 1), "timeline/status"
    return rng.randint(0, W - 1), rng.randint(0, H - 1), "anywhere"

def click(x, y, button=1, what=""):
    xdo("mousemove", x, y, "sleep", ms(15, 60), "mousedown", button, "sleep", ms(30, 90), "mouseup", button)
    note(f"click b{button} ({x},{y}) {what}")

def double_click(x, y, what=""):
    xdo("mousemove", x, y, "sleep", ms(15, 40), "mousedown", 1, "sleep", ms(20, 50), "mouseup", 1,
        "sleep", ms(40, 90), "mousedown", 1, "sleep", ms(20, 50), "mouseup", 1)
    note(f"double-click ({x},{y}) {what}")

def drag(x, y, what="", dx=None, dy=None):
    dx = rng.randint(-120, 120) if dx is None else dx
    dy = rng.randint(-60, 60) if dy is None else dy
    steps = rng.randint(3, 8)
    args = ["mousemove", x, y, "sleep", ms(15, 40), "mousedown", 1]
    for i in range(1, steps + 1):
        args += ["sleep", ms(15, 40), "mousemove", clamp(x + dx * i // steps, 0, W - 1), clamp(y + dy * i // steps, 0, H - 1)]
    args += ["sleep", ms(20, 60), "mouseup", 1]
    xdo(*args)
    note(f"drag ({x},{y}) by ({dx},{dy}) {what}")

def key(k, hold=None):
    xdo("keydown", k, "sleep", ms(30, 80) if hold is None else f"{hold / 1000:.3f}", "keyup", k)
    note(f"key {k}" + (f" held {hold} ms" if hold else ""))

def type_text(s):
    xdo("type", "--delay", rng.randint(20, 60), "--", s)
    note(f"type {s!r}")

def wheel(x, y, what=""):
    button = rng.choice([4, 5])
    n = rng.randint(1, 6)
    xdo("mousemove", x, y, "click", "--repeat", n, "--delay", rng.randint(20, 60), button)
    note(f"wheel {'up' if button == 4 else 'down'} x{n} at ({x},{y}) {what}")

def hover(x, y, what=""):
    xdo("mousemove", x, y, "sleep", ms(100, 600))
    note(f"hover ({x},{y}) {what}")

def release_all():
    xdo("mouseup", 1, "mouseup", 3, "keyup", "ctrl", "keyup", "shift")

# --- normalising the layout, for the view switches and the playground phase -------------------
def views_state():
    img = grab()
    return img, {name: orange_in(img, x, y) > 6 for name, (x, y) in VIEWS.items()}

def normalise():
    """Popups closed, zoom 1, out of classroom mode, the sidebar scrolled to the top; checked on
    the screen (the Play button, and Save run... below it, where they are at zoom 1)."""
    for attempt in range(5):
        release_all()
        xdo("mousemove", 800, 400, "sleep", "0.1")
        # Held longer than a user's tap: ImGui 1.86 reads key state once a frame, so a tap that
        # begins and ends within one slow frame is never seen.
        for _ in range(2):
            key("Escape", hold=200)
        # A click on the status bar's empty end ends any text input (which would take Ctrl+0)
        # and closes a combo's list, which Escape does not without keyboard navigation.
        click(1250, 791, what="status bar, empty end")
        # After an xdotool Ctrl+Shift+K the app can go on believing Shift is held (its
        # Ctrl+Shift branch then swallows Ctrl+0) until Shift is pressed again.
        key("shift", hold=100)
        key("ctrl+0", hold=250)
        xdo("mousemove", 160, 420, "sleep", "0.15", "click", "--repeat", 15, "--delay", 30, 4, "sleep", "0.1",
            "mousemove", 160, 380)
        note("wheel up x15 over the sidebar (to its top)")
        time.sleep(0.6)
        img = grab()
        play, save = blue_at(img, 41, 77), blue_at(img, 80, 135)
        if play and save:
            note(f"layout normal (attempt {attempt + 1})")
            return True
        if play:  # Play where it belongs but no Save run...: classroom mode hides the files
            note("classroom mode? (Play in place, no Save run...)")
            key("ctrl+shift+k")
            time.sleep(0.3)
        else:
            note(f"sidebar not at its top or zoom not 1 (attempt {attempt + 1}); screen in normalise-{count}.xwd")
            if img:
                with open(os.path.join(out, f"normalise-{count}.xwd"), "wb") as f:
                    f.write(img[0])
    note("layout NOT normal after 5 attempts")
    return False

def open_only(wanted):
    """Every view closed but the wanted ones, Tile on; clicks only the checkboxes that differ."""
    for attempt in range(3):
        img, on = views_state()
        todo = [n for n in VIEWS if on[n] != (n in wanted or n == "Tile")]
        if not todo:
            return True
        for n in todo:
            x, y = VIEWS[n]
            click(x, y, what=f"view '{n}' {'on' if not on[n] else 'off'}")
            time.sleep(0.25)
        time.sleep(0.5)
    return False

# In the 2-D playground, alone and tiled at zoom 1, the window's controls sit here.
PG = {
    "1-D": (356, 48), "2-D": (486, 48), "data": (665, 48), "csv": (820, 48), "test share": (1005, 48),
    "hidden": (380, 77), "activation": (515, 77), "biases": (576, 77), "noise": (680, 77), "lr": (800, 77),
    "Train": (886, 77), "Restart": (951, 77),
}
CSV = ["points.csv", "big.csv", "crlf.csv", "bad.csv", "one.csv", "huge.csv", "empty.csv", "long.csv",
       "nothere.csv", ".", "/nonexistent/x.csv", ""]
HIDDEN = ["8", "8,8", "32,32", "2", "256,256", "0", "-1", "abc", "4,,4", "300", "1,1,1,1,1,1", "", "16,16,16", "9" * 20]

def enter_playground_2d():
    ok = normalise() and open_only({"Playground"})
    time.sleep(0.8)
    xdo("mousemove", 800, 400, "click", "--repeat", 8, "--delay", 20, 4)  # the playground scrolled to its top
    time.sleep(0.3)
    for _ in range(3):
        click(*PG["2-D"], what="playground 2-D")
        time.sleep(0.8)
        if orange_in(grab(), *PG["2-D"], r=5) > 6:
            note(f"playground 2-D confirmed (views {'as wanted' if ok else 'NOT as wanted'})")
            return True
    note("playground 2-D NOT confirmed from the screen; hammering where it should be")
    return False

def pg_field(name, text):
    click(*PG[name], what=f"playground {name}")
    key("ctrl+a")
    type_text(text)
    key(rng.choice(["Return", "Return", "Return", "Tab", "Escape"]))

def pg_action():
    r = rng.random()
    j = lambda: (rng.randint(-3, 3), rng.randint(-2, 2))
    def at(name):
        x, y = PG[name]
        dx, dy = j()
        return x + dx, y + dy
    if r < 0.10: click(*at("Train"), what="playground Train/Pause")
    elif r < 0.19: click(*at("Restart"), what="playground Restart")
    elif r < 0.30:
        click(*at("data"), what="playground data combo")
        time.sleep(rng.uniform(0.05, 0.4))
        click(rng.randint(630, 720), rng.randint(62, 150), what="playground data item")
    elif r < 0.36:
        click(*at(rng.choice(["1-D", "2-D", "2-D"])), what="playground mode")
    elif r < 0.45: pg_field("hidden", rng.choice(HIDDEN))
    elif r < 0.55: pg_field("csv", os.path.join(home, rng.choice(CSV)) if rng.random() < 0.8 else rng.choice(STRINGS))
    elif r < 0.60:
        click(*at("activation"), what="playground activation combo")
        time.sleep(rng.uniform(0.05, 0.3))
        click(rng.randint(480, 560), rng.randint(90, 170), what="playground activation item")
    elif r < 0.64: click(*at("biases"), what="playground biases")
    elif r < 0.74: drag(*at(rng.choice(["noise", "test share", "lr"])), what="playground slider",
                        dx=rng.randint(-70, 70), dy=rng.randint(-3, 3))
    elif r < 0.82:
        x, y = rng.randint(340, 1260), rng.randint(110, 725)
        rng.choice([lambda: click(x, y, what="playground plot/units"), lambda: drag(x, y, what="playground plot"),
                    lambda: click(x, y, 3, what="playground plot, right"), lambda: wheel(x, y, "playground")])()
    elif r < 0.90: key(rng.choice(["space", "s", "e", "r", "Escape", "Return", "Tab", "ctrl+equal", "ctrl+minus", "ctrl+0"]))
    elif r < 0.95: x_client("(playground)")
    else:
        x, y, what = point()
        click(x, y, what=what)

def random_action():
    r = rng.random()
    if r < 0.34:
        x, y, what = point()
        click(x, y, what=what)
    elif r < 0.37:
        x, y, what = point()
        click(x, y, 3, what=what)
    elif r < 0.40:
        x, y, what = point()
        double_click(x, y, what)
    elif r < 0.48:
        x, y, what = point()
        drag(x, y, what)
    elif r < 0.52:
        x, y, what = point()
        wheel(x, y, what)
    elif r < 0.55:
        x, y, what = point()
        hover(x, y, what)
    elif r < 0.72: key(rng.choice(KEYS))
    elif r < 0.78: key(rng.choice(CTRL_KEYS if rng.random() < 0.85 else ["ctrl+equal"] * 3))
    elif r < 0.83:
        x, y, what = point()
        click(x, y, what=what + " (then typing)")
        type_text(rng.choice(STRINGS))
        if rng.random() < 0.6:
            key(rng.choice(["Return", "Tab", "Escape"]))
    elif r < 0.93:
        name = rng.choice(list(VIEWS))
        click(*VIEWS[name], what=f"view '{name}'")
    elif r < 0.985: x_client("(occasional)")
    else:
        normalise()

# --- the run ----------------------------------------------------------------------------------
died = None
last_check = last_shot = time.monotonic()
screenshot(f"shot-{shots:03d}")
shots += 1
playground_from, playground_to = (0, duration) if focus == "playground" else (duration * 0.45, duration * 0.75)
in_playground = False
client = None
if focus == "playground":
    client = threading.Thread(target=client_loop, daemon=True)
    client.start()
    note("x-client loop started (search + screenshot every 0.2-1.5 s)")

while True:
    now = time.monotonic()
    el = now - t0
    if el >= duration:
        break
    if now - last_check >= 3:
        last_check = now
        memory()
        s, said = state(), sanitizer_said()
        if s != "alive" or said:
            died = f"app {s}" + (f"; log says '{said}'" if said else "")
            break
    if now - last_shot >= 30:
        last_shot = now
        screenshot(f"shot-{shots:03d}")
        note(f"screenshot shot-{shots:03d}")
        shots += 1
    want_pg = playground_from <= el < playground_to
    if want_pg and not in_playground:
        note("=== phase: the 2-D playground ===")
        enter_playground_2d()
        screenshot(f"shot-{shots:03d}-playground")
        shots += 1
        in_playground = True
        last_pg_check = time.monotonic()
    elif in_playground and want_pg and now - last_pg_check >= 20:
        # The hammering moves things too (1-D, zoom, other views): back to the 2-D playground.
        last_pg_check = now
        if orange_in(grab(), *PG["2-D"], r=5) <= 6:
            note("the 2-D playground is not where it was: again")
            enter_playground_2d()
    elif in_playground and not want_pg:
        note("=== phase: random ===")
        in_playground = False
    (pg_action if in_playground else random_action)()
    time.sleep(rng.uniform(0.02, 0.25))

stop_client.set()
if client:
    client.join(timeout=10)
release_all()
if not died:
    time.sleep(2)
    memory()
    s, said = state(), sanitizer_said()
    if s != "alive" or said:
        died = f"app {s}" + (f"; log says '{said}'" if said else "")
screenshot("final")
for p in children:
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
with open(os.path.join(out, "summary.txt"), "w") as f:
    f.write(f"seed={seed}\nduration={duration:.0f}\nactions={count}\npeak_rss_kb={peak_rss}\n"
            f"died={died or ''}\n")
print(f"[monkey] {count} actions in {time.monotonic() - t0:.0f} s, peak RSS {peak_rss // 1024} MiB"
      + (f"; {died}" if died else ""))
sys.exit(1 if died else 0)
PY
monkey_rc=$?

# --- the close button: SIGTERM, then up to 60 s to exit ---------------------------------------
if kill -0 "$app_pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$app_pid/stat" 2>/dev/null)" != Z ]; then
  grep VmHWM "/proc/$app_pid/status" 2>/dev/null | sed 's/^/[monkey] peak memory /' || true
  t_term=$(date +%s.%N)
  kill -TERM "$app_pid"
  for _ in $(seq 600); do
    [ "$(awk '{print $3}' "/proc/$app_pid/stat" 2>/dev/null || echo Z)" = Z ] && break
    sleep 0.1
  done
  if [ "$(awk '{print $3}' "/proc/$app_pid/stat" 2>/dev/null || echo Z)" != Z ]; then
    say "still running 60 s after SIGTERM; its threads:"
    command -v gdb >/dev/null && timeout 60 gdb -p "$app_pid" -batch -ex 'thread apply all bt' >"$out/hang.txt" 2>&1 || true
    kill -KILL "$app_pid" 2>/dev/null || true
  fi
  wait "$app_pid"
  app_rc=$?
  say "exit status $app_rc, $(awk -v a="$t_term" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s after SIGTERM"
else
  wait "$app_pid"
  app_rc=$?
  say "the app had ended before SIGTERM, status $app_rc"
fi
app_pid=""
set -e

bad_re='AddressSanitizer|ThreadSanitizer|runtime error|LeakSanitizer|free\(\)|corrupted|terminate called'
verdict=PASS
[ "$monkey_rc" -eq 0 ] || verdict=FAIL
[ "$app_rc" = 0 ] || verdict=FAIL
grep -Eq "$bad_re" "$log" "$out/nnviz.stdout.log" && verdict=FAIL
echo "seed=$seed" >"$out/verdict.txt"; echo "exit=$app_rc" >>"$out/verdict.txt"; echo "verdict=$verdict" >>"$out/verdict.txt"
if [ "$verdict" = FAIL ]; then
  say "FAIL  seed $seed (replay: SEED=$seed MONKEY_FOCUS=$focus MONKEY_XDG=$xdg MONKEY_SANITIZER=$sanitizer $0 $duration)"
  say "the last 50 actions:"
  tail -n 50 "$out/actions.log"
  say "the report:"
  if grep -Eq "$bad_re" "$log"; then
    first=$(grep -En "$bad_re|^=+[0-9]+=+ERROR" "$log" | head -n1 | cut -d: -f1)
    tail -n +"$(( first > 5 ? first - 5 : 1 ))" "$log" | head -n 120
  else
    tail -n 40 "$log"
  fi
  say "log, actions and screenshots kept in $out"
  exit 1
fi
say "PASS  seed $seed, ${duration}s; log, actions and screenshots in $out"
