#!/usr/bin/env python3
"""Draws the pictures the built-in lessons show (assets/lesson-*.png), with the standard library
only: the curves are sampled, drawn as thick anti-aliased-free lines on a dark background, and
written as PNG through zlib. Run it from anywhere; it overwrites the files it makes.

    scripts/make-lesson-pictures.py

- lesson-sigmoid-slope.png: the sigmoid (orange) and its slope (magenta), which is never above
  0.25: the picture on the first page of the lesson on vanishing gradients.
"""
import math
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BACK = (30, 32, 38)
GRID = (70, 74, 84)
ORANGE = (250, 160, 60)
MAGENTA = (230, 80, 200)


def png(path, w, h, pixels):
    raw = b"".join(b"\x00" + bytes(v for px in pixels[y * w:(y + 1) * w] for v in px) for y in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def sigmoid_slope():
    w, h = 360, 200
    px = [BACK] * (w * h)
    x0, x1, y0, y1 = -6.0, 6.0, -0.05, 1.05  # what the picture spans

    def at(x, y):
        return int(round((x - x0) / (x1 - x0) * (w - 1))), int(round((y1 - y) / (y1 - y0) * (h - 1)))

    def dot(cx, cy, colour, r=1):
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if 0 <= cx + dx < w and 0 <= cy + dy < h:
                    px[(cy + dy) * w + cx + dx] = colour

    for level in (0.0, 0.25, 0.5, 1.0):  # the levels the lesson talks about
        _, y = at(0, level)
        for x in range(w):
            if x % 6 < 3:
                px[y * w + x] = GRID
    cx, _ = at(0, 0)
    for y in range(h):
        px[y * w + cx] = GRID
    for i in range(2000):
        x = x0 + (x1 - x0) * i / 1999
        s = 1 / (1 + math.exp(-x))
        dot(*at(x, s), ORANGE)
        dot(*at(x, s * (1 - s)), MAGENTA)
    png(os.path.join(ROOT, "assets", "lesson-sigmoid-slope.png"), w, h, px)


if __name__ == "__main__":
    sigmoid_slope()
