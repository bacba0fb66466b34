"""Scene sets written by the CLI's `scenes` command, turned into model inputs and training targets.

pixel_values follow Phi-3.5-vision's HD transform as the C# processor does: the largest scale with
scale * ceil(scale / ratio) <= num_crops, a bilinear resize of the long side to scale * 336 px, white padding of the
short side to a multiple of 336 (centred), CLIP normalisation, then the global view (bicubic, 336 x 336) followed by
the sub-crops row by row.
"""
import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CROP, PATCH = 336, 14
SIDE = CROP // PATCH
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]
COLOURS = ["red", "green", "blue", "yellow", "white", "orange"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class SceneSet:
    """A folder written by `scenes`: scene descriptions and the questions about each image."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.scenes = read_jsonl(self.folder / "scenes.jsonl")
        self.questions = {}
        for q in read_jsonl(self.folder / "questions.jsonl"):
            self.questions.setdefault(q["image"], []).append((q["question"], q["answer"]))

    def __len__(self):
        return len(self.scenes)


def hd_geometry(width, height, num_crops):
    """(resized w, h), (offset x, y), (canvas w, h) of the HD transform."""
    long_side, short_side = max(width, height), min(width, height)
    ratio = long_side / short_side
    scale = 1
    while scale * math.ceil(scale / ratio) <= num_crops:
        scale += 1
    scale -= 1
    new_long = scale * CROP
    new_short = max(1, int(new_long / ratio))
    padded_short = math.ceil(new_short / CROP) * CROP
    offset = (padded_short - new_short) // 2
    if width < height:
        return (new_short, new_long), (offset, 0), (padded_short, new_long)
    return (new_long, new_short), (0, offset), (new_long, padded_short)


def pixel_values(image, num_crops):
    """A PIL image -> crops [1 + rows * cols, 3, 336, 336] (global view first), rows, cols, geometry."""
    resized, offset, canvas = hd_geometry(image.width, image.height, num_crops)
    padded = Image.new("RGB", canvas, (255, 255, 255))
    padded.paste(image.convert("RGB").resize(resized, Image.BILINEAR), offset)
    x = (np.asarray(padded, dtype=np.float32) / np.float32(255) - MEAN) / STD
    x = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))  # [3, H, W]
    rows, cols = canvas[1] // CROP, canvas[0] // CROP
    glb = F.interpolate(x[None], size=(CROP, CROP), mode="bicubic", align_corners=False)[0]
    subs = x.reshape(3, rows, CROP, cols, CROP).permute(1, 3, 0, 2, 4).reshape(rows * cols, 3, CROP, CROP)
    return torch.cat([glb[None], subs]), rows, cols, (resized, offset, canvas)


def patch_targets(scene, geometry, rows, cols):
    """Per crop: patch class [576] (10 = background), patch colour [576] (6 = background), patch item index (-1: none).

    A patch takes the label of the item whose visible box covers at least a quarter of it, or whose box centre it
    holds (small items in the global view)."""
    (rw, rh), (ox, oy), (cw, ch) = geometry
    sx, sy = rw / scene["width"], rh / scene["height"]
    # Each crop as (canvas x0, y0, canvas pixels per crop pixel).
    crops = [(0.0, 0.0, cw / CROP, ch / CROP)] + [(c * CROP, r * CROP, 1.0, 1.0) for r in range(rows) for c in range(cols)]
    classes, colours, items = [], [], []
    centres = (np.arange(SIDE) * PATCH + PATCH / 2.0)
    for x0, y0, kx, ky in crops:
        cls = np.full((SIDE, SIDE), 10, dtype=np.int64)
        col = np.full((SIDE, SIDE), 6, dtype=np.int64)
        which = np.full((SIDE, SIDE), -1, dtype=np.int64)
        for number, item in enumerate(scene["items"]):
            bx, by, bw, bh = item["box"]
            # The box in this crop's pixel coordinates.
            left, top = (ox + bx * sx - x0) / kx, (oy + by * sy - y0) / ky
            right, bottom = (ox + (bx + bw) * sx - x0) / kx, (oy + (by + bh) * sy - y0) / ky
            overlap_x = np.clip(np.minimum(right, centres + PATCH / 2) - np.maximum(left, centres - PATCH / 2), 0, None)
            overlap_y = np.clip(np.minimum(bottom, centres + PATCH / 2) - np.maximum(top, centres - PATCH / 2), 0, None)
            covered = np.outer(overlap_y, overlap_x) >= PATCH * PATCH / 4
            cx, cy = int((left + right) / 2 // PATCH), int((top + bottom) / 2 // PATCH)
            if 0 <= cx < SIDE and 0 <= cy < SIDE:
                covered[cy, cx] = True
            cls[covered] = CLASSES.index(item["class"])
            col[covered] = COLOURS.index(item["colour"])
            which[covered] = number
        classes.append(cls.reshape(-1))
        colours.append(col.reshape(-1))
        items.append(which.reshape(-1))
    return torch.from_numpy(np.stack(classes)), torch.from_numpy(np.stack(colours)), torch.from_numpy(np.stack(items))


def presence_targets(patch_classes, patch_colours):
    """[crops, 16]: which classes and colours cover some patch of each crop (the [CLS] objective)."""
    n = patch_classes.shape[0]
    target = torch.zeros(n, 16)
    for i in range(n):
        for c in patch_classes[i].unique():
            if c < 10:
                target[i, c] = 1
        for c in patch_colours[i].unique():
            if c < 6:
                target[i, 10 + c] = 1
    return target


def load_scene(scene_set, index, num_crops):
    scene = scene_set.scenes[index]
    with Image.open(scene_set.folder / scene["image"]) as image:
        crops, rows, cols, geometry = pixel_values(image, num_crops)
    return (scene, crops, rows, cols) + patch_targets(scene, geometry, rows, cols)
