#!/usr/bin/env python3
"""Independent generator of "Fashion-MNIST scenes", written from the README's recipe alone.

This script was written only from the section "## The scenes (the data recipe)" of
training/README.md, without reading the C# generator (SceneRecipe.cs) or any other
implementation. Its purpose is an external check: a model trained on the C# generator's
scenes should answer scenes from *any* generator that follows the written recipe, not
just scenes that reproduce the C# code's incidental choices (RNG, rounding, resampling,
gradient/stripe geometry, ...). Where the README is precise this script follows it
exactly; where it is silent the script makes its own reasonable choice (each one is
marked "CHOICE:" below).

Usage:
    python3 training/independent_scenes.py --fashion-mnist DIR --output OUT --count N --seed S

Reads DIR/t10k-images-idx3-ubyte.gz and DIR/t10k-labels-idx1-ubyte.gz (Fashion-MNIST test
split) and writes OUT/images/scene-NNNNN.png (RGB) and OUT/questions.jsonl with one
{"image", "question", "answer"} object per line: one round of questions per scene (one
question of each of the first four templates, plus the inventory question; repeats dropped).
Scene i depends only on (seed, i) and the source images.
"""

import argparse
import gzip
import json
import math
import os
import struct

import numpy as np
from PIL import Image

CLASS_NAMES = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]

COLOURS = [("red", (220, 40, 40)), ("green", (50, 190, 70)), ("blue", (60, 110, 245)),
           ("yellow", (240, 220, 50)), ("white", (245, 245, 245)), ("orange", (250, 145, 30))]

# Cells of the 3 x 3 grid, row-major.
CELL_NAMES = ["top-left", "top", "top-right",
              "left", "centre", "right",
              "bottom-left", "bottom", "bottom-right"]

# Aspect-ratio bands: (probability, min ratio, max ratio, min long side, max long side).
RATIO_BANDS = [(0.60, 1.00, 1.80, 448, 1344),
               (0.25, 2.05, 2.70, 576, 1344),
               (0.15, 3.05, 3.50, 720, 1344)]

NUM_CROPS = 4


def plural(name):
    return "dresses" if name == "dress" else name + "s"


# ---------------------------------------------------------------- Fashion-MNIST IDX reading

def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 2051:
        raise ValueError(f"{path}: not an IDX image file (magic {magic})")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows, cols)


def read_idx_labels(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic != 2049:
        raise ValueError(f"{path}: not an IDX label file (magic {magic})")
    return np.frombuffer(data, dtype=np.uint8, offset=8)[:n]


# ---------------------------------------------------------------- canvas

def hd_crop_grid(width, height, num_crops=NUM_CROPS):
    """Crop grid (cols, rows) of Phi-3.5-vision's HD transform: the largest scale with
    scale * ceil(scale / ratio) <= num_crops, ratio = long / short, transposed for portrait."""
    transposed = width < height
    w, h = (height, width) if transposed else (width, height)
    ratio = w / h
    scale = 1
    while (scale + 1) * math.ceil((scale + 1) / ratio) <= num_crops:
        scale += 1
    cols, rows = scale, math.ceil(scale / ratio)
    return (rows, cols) if transposed else (cols, rows)


def draw_canvas_size(rng):
    # CHOICE: the band is picked with the stated probabilities, the ratio uniformly (continuous)
    # inside the band, the long side as a uniform integer (inclusive), short = round(long / ratio),
    # nudged by one pixel if rounding pushed the realised pixel ratio outside the band.
    band = rng.choice(len(RATIO_BANDS), p=[b[0] for b in RATIO_BANDS])
    _, rlo, rhi, llo, lhi = RATIO_BANDS[band]
    ratio = rng.uniform(rlo, rhi)
    portrait = rng.random() < 0.5
    long_side = int(rng.integers(llo, lhi + 1))
    short_side = int(round(long_side / ratio))
    if long_side / short_side > rhi:
        short_side += 1
    if long_side / short_side < rlo:
        short_side -= 1
    if portrait:
        return short_side, long_side  # (width, height)
    return long_side, short_side


# ---------------------------------------------------------------- background

def draw_dark_colour(rng):
    g = int(rng.integers(20, 100))                       # 20-99 inclusive
    return np.array([g + int(rng.integers(-18, 19)) for _ in range(3)], dtype=np.float64)


def projection(width, height, angle_deg):
    """Signed distance of each pixel centre along the direction at angle_deg.
    CHOICE: angle measured from the +x axis towards +y in image coordinates (y down)."""
    a = math.radians(angle_deg)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    return (xs + 0.5) * math.cos(a) + (ys + 0.5) * math.sin(a)


def draw_background(rng, width, height):
    kind = ["flat", "noisy", "gradient", "stripes"][int(rng.integers(0, 4))]
    c1 = draw_dark_colour(rng)
    c2 = draw_dark_colour(rng)
    if kind == "flat":
        bg = np.broadcast_to(c1, (height, width, 3)).copy()
    elif kind == "noisy":
        # CHOICE: integer noise uniform in -18..+18 inclusive, clipped to 0-255.
        noise = rng.integers(-18, 19, size=(height, width, 1)).astype(np.float64)
        bg = np.clip(c1 + noise, 0, 255)
    elif kind == "gradient":
        angle = rng.uniform(0.0, 180.0)
        p = projection(width, height, angle)
        # CHOICE: "across the canvas" = first colour at the extreme pixel one way, second at the
        # extreme pixel the other way, linear in between.
        t = (p - p.min()) / max(p.max() - p.min(), 1e-9)
        bg = c1 + (c2 - c1) * t[..., None]
    else:
        angle = rng.uniform(0.0, 180.0)
        period = int(rng.integers(8, 33))                # 8-32 px inclusive
        p = projection(width, height, angle)
        # CHOICE: each colour takes half a period; angle is the direction across the stripes;
        # phase fixed at the canvas origin.
        band = np.floor(p / (period / 2.0)).astype(np.int64) % 2
        bg = np.where(band[..., None] == 0, c1, c2)
    return bg.astype(np.float64), kind


# ---------------------------------------------------------------- scene

def cell_boxes(width, height):
    """(x0, y0, x1, y1) of each cell; CHOICE: thirds at floor(k * size / 3)."""
    xs = [k * width // 3 for k in range(4)]
    ys = [k * height // 3 for k in range(4)]
    return [(xs[c], ys[r], xs[c + 1], ys[r + 1]) for r in range(3) for c in range(3)]


def make_scene(rng, images, by_class):
    width, height = draw_canvas_size(rng)
    canvas, kind = draw_background(rng, width, height)
    boxes = cell_boxes(width, height)

    # CHOICE: number of items uniform over 1..6; cells distinct, uniformly without replacement.
    n_items = int(rng.integers(1, 7))
    cells = rng.choice(9, size=n_items, replace=False)
    items = []
    for cell in cells:
        cls = int(rng.integers(0, 10))
        idx = int(by_class[cls][int(rng.integers(0, len(by_class[cls])))])
        colour_i = int(rng.integers(0, len(COLOURS)))
        x0, y0, x1, y1 = boxes[cell]
        cw, ch = x1 - x0, y1 - y0
        fmax = min(5.0, min(cw, ch) / 28.0)
        factor = rng.uniform(2.0, fmax) if fmax > 2.0 else 2.0
        size = min(int(round(28 * factor)), cw, ch)      # CHOICE: round side to nearest px
        px = x0 + int(rng.integers(0, cw - size + 1))
        py = y0 + int(rng.integers(0, ch - size + 1))
        grey = Image.fromarray(images[idx]).resize((size, size), Image.BILINEAR)
        alpha = np.asarray(grey, dtype=np.float64)[..., None] / 255.0
        colour = np.array(COLOURS[colour_i][1], dtype=np.float64)
        region = canvas[py:py + size, px:px + size]
        canvas[py:py + size, px:px + size] = region + (colour - region) * alpha
        items.append({"class": cls, "colour": colour_i, "cell": int(cell),
                      "box": [px, py, size, size], "source": idx})

    img = Image.fromarray(np.clip(np.rint(canvas), 0, 255).astype(np.uint8), "RGB")
    return img, {"width": width, "height": height, "background": kind, "items": items}


# ---------------------------------------------------------------- questions

def one_round(rng, scene):
    items = scene["items"]
    counts = np.bincount([it["class"] for it in items], minlength=10)
    present = [c for c in range(10) if counts[c] > 0]
    absent = [c for c in range(10) if counts[c] == 0]
    qa = []

    # Count: a present class 75% of the time (CHOICE: uniform over distinct present classes),
    # else an absent one (uniform).
    if rng.random() < 0.75 or not absent:
        cls = present[int(rng.integers(0, len(present)))]
    else:
        cls = absent[int(rng.integers(0, len(absent)))]
    qa.append((f"How many {plural(CLASS_NAMES[cls])} are there?", str(int(counts[cls]))))

    # Presence: yes / no with even odds.
    if (rng.random() < 0.5 and present) or not absent:
        cls, ans = present[int(rng.integers(0, len(present)))], "yes"
    else:
        cls, ans = absent[int(rng.integers(0, len(absent)))], "no"
    qa.append((f"Is there a {CLASS_NAMES[cls]}?", ans))

    # Cell: a cell drawn uniformly.
    cell = int(rng.integers(0, 9))
    in_cell = [it for it in items if it["cell"] == cell]
    qa.append((f"What is in the {CELL_NAMES[cell]} cell?",
               CLASS_NAMES[in_cell[0]["class"]] if in_cell else "nothing"))

    # Colour: only about an item whose class occurs once. CHOICE: uniform over such items;
    # the question is skipped when every class in the scene repeats.
    unique = [it for it in items if counts[it["class"]] == 1]
    if unique:
        it = unique[int(rng.integers(0, len(unique)))]
        qa.append((f"What colour is the {CLASS_NAMES[it['class']]}?", COLOURS[it["colour"]][0]))
    return qa


def inventory(scene):
    names = sorted({CLASS_NAMES[it["class"]] for it in scene["items"]})
    return ("What is in this picture?", ", ".join(names))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fashion-mnist", required=True, help="folder with the t10k IDX .gz files")
    ap.add_argument("--output", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=1, help="question rounds per scene (held-out: 1)")
    args = ap.parse_args()

    images = read_idx_images(os.path.join(args.fashion_mnist, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx_labels(os.path.join(args.fashion_mnist, "t10k-labels-idx1-ubyte.gz"))
    by_class = [np.flatnonzero(labels == c) for c in range(10)]

    os.makedirs(os.path.join(args.output, "images"), exist_ok=True)
    n_questions = 0
    with open(os.path.join(args.output, "questions.jsonl"), "w", encoding="utf-8") as qf:
        for i in range(args.count):
            rng = np.random.default_rng([args.seed, i])
            img, scene = make_scene(rng, images, by_class)
            rel = f"images/scene-{i:05d}.png"
            img.save(os.path.join(args.output, rel))
            qa = []
            for _ in range(args.rounds):
                qa.extend(one_round(rng, scene))
            qa.append(inventory(scene))
            seen = set()
            for q, a in qa:
                if q in seen:  # repeats dropped
                    continue
                seen.add(q)
                qf.write(json.dumps({"image": rel, "question": q, "answer": a}) + "\n")
                n_questions += 1
    print(f"wrote {args.count} scenes, {n_questions} questions to {args.output}")


if __name__ == "__main__":
    main()
