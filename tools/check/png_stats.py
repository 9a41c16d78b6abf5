#!/usr/bin/python3
"""Prints what a rendered report looks like, as JSON: size, how much is drawn (not white), and
how many pixels carry each of the given colours (#rrggbb, within a tolerance), e.g. the
muscles' marker colours and the restart rows' tint. Used by the report's Chromium test."""
import json
import sys

from PIL import Image


def main():
    path, colours = sys.argv[1], sys.argv[2:]
    img = Image.open(path).convert("RGB")
    w, h = img.size
    px = img.load()
    drawn = 0
    counts = {c: 0 for c in colours}
    targets = [(c, tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))) for c in colours]
    for y in range(0, h):
        for x in range(0, w):
            p = px[x, y]
            if p != (255, 255, 255):
                drawn += 1
            for name, t in targets:
                if all(abs(p[i] - t[i]) <= 4 for i in range(3)):
                    counts[name] += 1
    print(json.dumps({"width": w, "height": h, "drawn_fraction": drawn / (w * h),
                      "colours": counts}))


if __name__ == "__main__":
    main()
