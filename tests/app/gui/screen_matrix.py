#!/usr/bin/env python3
"""The views on every screen: weights, activations, layer statistics, curves and the analysis
(confusion matrix) for a wide network (dense 2000), a deep one (six convolutions with batch norm)
and cnn8, each on a small laptop (800x500), a common window (1280x800), a 4K projector's share
(2560x1440) and at zoom 2, one view at a time; and the six views tiled at 1600x1000.

Each case is nnviz taking a screenshot under Xvfb after a short training, with its debug pass
for text (NNVIZ_CLIP_REPORT: text cut by its frame, text drawn over text) and its layout (where
each window, heatmap and plot went). A case fails when any text is cut or overlaps other text,
when a heatmap keeps to a corner of the room its view gives it (the weights' tiles, each
activation map, the confusion matrix with its gallery), or when the confusion matrix drops a
count. Screenshots stay in the output folder to be looked at.

  screen_matrix.py --app nnviz --make-models make_models --out DIR [--only SUBSTRING]
"""
import argparse
import json
import os
import subprocess
import sys
import time

VIEWS = ["weights", "activations", "stats", "curves", "analysis"]
SCREENS = {
    "800x500": ["--size", "800x500"],
    "1280x800": ["--size", "1280x800"],
    "2560x1440": ["--size", "2560x1440"],
    "zoom2": ["--size", "1280x800", "--zoom", "2"],
}
SIX = ["curves", "weights", "activations", "stats", "analysis", "stepthrough"]
WINDOW = {"weights": "Weights", "activations": "Activations", "analysis": "Analysis"}


def cases(models):
    nets = {
        "dense2000": ["--load", os.path.join(models, "dense2000.safetensors")],
        "conv6bn": ["--load", os.path.join(models, "conv6bn.safetensors")],
        "cnn8": ["--preset", "cnn8"],
    }
    for net, net_args in nets.items():
        for screen, screen_args in SCREENS.items():
            for view in VIEWS:
                yield f"{net}-{screen}-{view}", net_args + screen_args + ["--open", view], [view]
        six = [a for v in SIX for a in ("--open", v)]
        yield f"{net}-1600x1000-six", net_args + ["--size", "1600x1000"] + six, SIX


def fill_problems(layout, views):
    """Heatmaps that do not use the room their view has: the weights' tiles and the confusion
    matrix reach across most of their window in one direction at least; each activation map is
    as wide as its window's content."""
    problems = []
    wins, rects = layout.get("windows", {}), layout.get("rects", {})

    def share(rect, window):
        """How much of the room below its top the heatmap takes, across or down."""
        w = wins.get(window)
        if not w or not rect:
            return None
        return max((rect[2] - rect[0]) / (w[2] - w[0]), (rect[3] - rect[1]) / max(1, w[3] - rect[1]))

    if "weights" in views:
        s = share(rects.get("weights.image"), "Weights")
        if s is None:
            problems.append("the weights view drew no tiles")
        elif s < 0.6:
            problems.append(f"the weights' tiles span {s:.0%} of their window")
    if "analysis" in views:
        # The matrix, and the gallery of mistakes beside or below it, across the window.
        c, g = layout.get("confusion"), rects.get("analysis.gallery")
        if not c or c[2] <= c[0] or not g:
            problems.append("the analysis view drew no confusion matrix or no gallery")
        elif len(views) == 1:
            s = share([min(c[0], g[0]), c[1], max(c[2], g[2]), c[3]], "Analysis")
            if s is None or s < 0.8:
                problems.append(f"the confusion matrix and the gallery span {s or 0:.0%} of their window")
        if layout.get("confusion_dropped", 0):
            problems.append(f"the confusion matrix dropped {layout['confusion_dropped']} counts")
    if "activations" in views:
        maps = [r for k, r in rects.items() if k.startswith("activations.map.")]
        w = wins.get("Activations")
        if not maps or not w:
            problems.append("the activations view drew no maps")
        else:
            # Each map takes a good share of its room: the window's width by the height the maps
            # get (the tallest). A grid of tiles cannot always fill it (eight 24x24 channels in a
            # 1200x300 room take half), a square of 2000 values in one took a quarter. A strip of a
            # few values (the output layer) across the width uses its room.
            tallest = max(m[3] - m[1] for m in maps)
            room = (w[2] - w[0]) * tallest
            small = [m for m in maps if (m[2] - m[0]) < 0.85 * (w[2] - w[0]) and (m[2] - m[0]) * (m[3] - m[1]) < 0.4 * room]
            if small:
                problems.append(f"{len(small)} of {len(maps)} activation maps use less than 40% of their room")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--make-models", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--steps", default="40", help="mini-batches trained before the screenshot")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = os.path.join(a.out, "models")
    subprocess.run([a.make_models, models], check=True, stdout=subprocess.DEVNULL)
    failures, checked = [], 0
    t0 = time.monotonic()
    for name, args, views in cases(models):
        if a.only not in name:
            continue
        shot = os.path.join(a.out, name + ".png")
        layout_file = os.path.join(a.out, name + ".layout.json")
        report_file = os.path.join(a.out, name + ".text.json")
        for f in (layout_file, report_file):
            if os.path.exists(f):
                os.remove(f)
        env = dict(os.environ, NNVIZ_CLIP_REPORT=report_file)
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 2600x1500x24", a.app, "--screenshot", shot, "--layout", layout_file,
               "--frames", "3", "--train-steps", a.steps] + args
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=280)
        checked += 1
        if r.returncode != 0 or not os.path.exists(report_file) or not os.path.exists(layout_file):
            failures.append(f"{name}: nnviz exit {r.returncode}\n{r.stdout}{r.stderr}")
            continue
        with open(report_file) as f:
            text = json.load(f)
        with open(layout_file) as f:
            layout = json.load(f)
        problems = [f"'{c['window']}' cuts \"{c['text']}\" at its {c['edge']} edge ({c['lost_px']} px)"
                    for c in text["clipped"]]
        problems += [f"'{o['window']}': \"{o['over']}\" drawn over \"{o['text']}\" ({o['shared_px']} px)"
                     for o in text["overlapping"]]
        problems += fill_problems(layout, views)
        for p in problems:
            failures.append(f"{name}: {p}")
        print(f"{name}: {'ok' if not problems else f'{len(problems)} problems'}", flush=True)
    print(f"{checked} screens in {time.monotonic() - t0:.0f} s, screenshots in {a.out}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    if checked == 0:
        print("no case matched")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
