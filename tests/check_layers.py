#!/usr/bin/env python3
"""Holds every #include of core/ and app/ to the architecture's layers, and finds include cycles.

core/ is in folders by layer; a folder may include only itself and the folders listed for it in
LAYERS (each of those with everything below it already: the table is written out in full so that
a reader sees at a glance what a folder may use). app/ may include every folder of core/; core/
includes nothing of app/, nor any GUI library. Exits 1, listing every breach, when one is found.

  python3 tests/check_layers.py [project root]
  python3 tests/check_layers.py --self-test   plants each kind of breach in a small tree and
                                              checks that every one is reported
"""
import os
import re
import sys

# folder -> the folders below it that it may include
LAYERS = {
    "base": [],
    "kernels": ["base"],
    "nn": ["base", "kernels"],
    "data": ["base"],
    "train": ["base", "kernels", "nn", "data"],
    "io": ["base", "kernels", "nn", "data", "train"],
    "engine": ["base", "kernels", "nn", "data", "train", "io"],
    "labs": ["base", "kernels", "nn", "data", "train", "io", "engine"],
    "lessons": ["base", "kernels", "nn", "data", "train", "io", "engine", "labs"],
}
# Headers of GUI libraries, which core/ must never include.
GUI = re.compile(r"^(imgui|GLFW/|glad/|GL/|backends/)")
# Headers the build writes (not in the source tree).
GENERATED = {"shaders.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def sources(root, top):
    for d, _, files in os.walk(os.path.join(root, top)):
        for f in sorted(files):
            if f.endswith((".h", ".cpp")):
                yield os.path.relpath(os.path.join(d, f), root)


def check(root):
    problems = []
    edges = {}  # file -> the project files it includes (for the cycle search)
    files = list(sources(root, "core")) + list(sources(root, "app"))
    if not any(f.startswith("core/") for f in files):
        print(f"check_layers: no sources under {os.path.join(root, 'core')}")
        return 1
    seen_folders = set()
    for path in files:
        parts = path.split(os.sep)
        text = open(os.path.join(root, path), encoding="utf-8").read()
        edges[path] = []
        if parts[0] == "core":
            if len(parts) != 3 or parts[1] not in LAYERS:
                problems.append(f"{path}: core/ sources live in one of the folders {sorted(LAYERS)}")
                continue
            seen_folders.add(parts[1])
        for m in INCLUDE.finditer(text):
            bracket, name = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path}:{line}"
            if parts[0] == "core":
                folder = parts[1]
                if bracket == "<":
                    if GUI.match(name):
                        problems.append(f"{where}: core/ includes the GUI library header <{name}>")
                    continue
                target = name.split("/")[0] if "/" in name else None
                if target is None or target not in LAYERS:
                    problems.append(f'{where}: "{name}" is not named by its folder of core/ ("base/scalar.h")')
                    continue
                if target != folder and target not in LAYERS[folder]:
                    problems.append(f'{where}: {folder}/ may not include "{name}" ({target}/ is not below it)')
                edges[path].append(os.path.join("core", name))
            elif bracket == '"':
                top = name.split("/")[0]
                if "/" in name and top in LAYERS:
                    edges[path].append(os.path.join("core", name))
                    continue
                # A program's own header: beside the file, or from its program's folder (app/gui,
                # app/cli) or app/common, which are on the include path.
                if name in GENERATED:
                    continue
                program = os.path.join(*parts[:2]) if len(parts) > 2 else parts[0]
                for base in (os.path.dirname(path), program, os.path.join("app", "common")):
                    candidate = os.path.normpath(os.path.join(base, name))
                    if os.path.exists(os.path.join(root, candidate)):
                        edges[path].append(candidate)
                        break
                else:
                    problems.append(f'{where}: "{name}" is found in none of the project\'s folders')
    for folder in LAYERS:
        if folder not in seen_folders:
            problems.append(f"core/{folder}/: the table names a folder that has no sources")
    for path, targets in edges.items():
        for t in targets:
            if t.startswith("core") and not os.path.exists(os.path.join(root, t)):
                problems.append(f'{path}: includes "{t}", which does not exist')

    # Include cycles, file by file: depth-first search over the project's own includes.
    state = {}
    stack = []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for t in edges.get(f, []):
            if t not in edges:
                continue
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                problems.append("include cycle: " + " -> ".join(cycle))
            elif t not in state:
                visit(t)
        stack.pop()
        state[f] = 2

    sys.setrecursionlimit(10000)
    for f in sorted(edges):
        if f not in state:
            visit(f)

    return files, edges, problems


def self_test():
    """A tree with one of each breach; every one must be found, and the clean part must pass."""
    import tempfile

    planted = {
        "core/base/a.h": '#pragma once\n#include "nn/b.h"\n',  # base reaching up to nn
        "core/kernels/k.h": "#pragma once\n#include <GLFW/glfw3.h>\n",  # a GUI header
        "core/nn/b.h": '#pragma once\n#include "nn/c.h"\n',  # b -> c -> b: a cycle
        "core/nn/c.h": '#pragma once\n#include "nn/b.h"\n#include "layer.h"\n',  # and a bare name
        "core/data/d.h": '#pragma once\n#include "base/error.h"\n',
        "core/train/t.h": '#pragma once\n#include "nn/b.h"\n',
        "core/io/i.h": '#pragma once\n#include "engine/e.h"\n',  # io reaching up to engine
        "core/engine/e.h": '#pragma once\n#include "io/i.h"\n',
        "core/labs/l.h": '#pragma once\n#include "engine/e.h"\n',
        "core/lessons/s.h": '#pragma once\n#include "labs/l.h"\n',
        "core/base/error.h": "#pragma once\n",
        "core/stray.h": "#pragma once\n",  # outside every folder
        "app/v.cpp": '#include "labs/l.h"\n',
    }
    expected = [
        'core/base/a.h:2: base/ may not include "nn/b.h"',
        "core/kernels/k.h:2: core/ includes the GUI library header <GLFW/glfw3.h>",
        "include cycle: core/nn/b.h -> core/nn/c.h -> core/nn/b.h",
        'core/nn/c.h:3: "layer.h" is not named by its folder',
        'core/io/i.h:2: io/ may not include "engine/e.h"',
        "include cycle: core/engine/e.h -> core/io/i.h -> core/engine/e.h",
        "core/stray.h: core/ sources live in one of the folders",
    ]
    with tempfile.TemporaryDirectory() as root:
        for path, text in planted.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        _, _, problems = check(root)
    missing = [e for e in expected if not any(p.startswith(e) for p in problems)]
    extra = [p for p in problems if not any(p.startswith(e) for e in expected)]
    for m in missing:
        print("self-test: not reported:", m)
    for x in extra:
        print("self-test: reported but not planted:", x)
    print(f"check_layers self-test: {len(expected) - len(missing)} of {len(expected)} planted breaches found")
    return 1 if missing or extra else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files, edges, problems = check(root)
    for p in problems:
        print(p)
    n_inc = sum(len(v) for v in edges.values())
    print(f"check_layers: {len(files)} files, {n_inc} project includes, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
