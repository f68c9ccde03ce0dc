#!/usr/bin/env python3
"""Every doctest case's name must survive CTest: doctest_discover_tests registers one CTest test a
case by its name, and CMake splits a name at ';' (a list separator). A name with ';' became two
tests that each matched no case and passed having run nothing. This check fails on such a name.

    check_test_names.py TESTS_DIR
"""
import os
import re
import sys

NAME = re.compile(r'\b(?:TEST_CASE|SCENARIO)\s*\(\s*"((?:[^"\\]|\\.)*)"')


def main():
    root = sys.argv[1]
    bad = []
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".cpp"):
                continue
            path = os.path.join(d, f)
            with open(path, encoding="utf-8") as src:
                for m in NAME.finditer(src.read()):
                    if ";" in m.group(1):
                        bad.append(f"{os.path.relpath(path, root)}: \"{m.group(1)}\"")
    for b in bad:
        print(f"a test name with ';' (CTest would split it and run nothing): {b}")
    print(f"{len(bad)} test names with ';'")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
