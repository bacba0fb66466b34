"""Item mosaics for the first part of the vision encoder's training.

A scene crop shows one to three items, and the encoder's cost is the same for every 336 x 336 crop, so recognising the
ten classes from scene crops alone takes many crops. A mosaic packs up to 16 Fashion-MNIST training items into one
crop (a 4 x 4 grid of 84-px cells, each filled with probability 0.7, the item scaled 1x to 3x, tinted like the scenes'
items) over a dark, noisy flat background, with exact per-patch labels from the items' own pixels. The encoder then
continues on real scene crops (train.py).
"""
import gzip
import random
import struct

import numpy as np
import torch

from fashion_scenes.scenes import CROP, MEAN, PATCH, SIDE, STD

# The scenes' tints (SceneColours.cs), in the order of scenes.COLOURS.
TINTS = np.array([(220, 40, 40), (50, 190, 70), (60, 110, 245), (240, 220, 50), (245, 245, 245), (250, 145, 30)], dtype=np.float32)
CELLS, CELL = 4, CROP // 4


def load_fashion_mnist(folder, prefix="train"):
    """(images uint8 [n, 28, 28], labels [n]) from the dataset's gzip IDX files."""
    def read(name):
        with gzip.open(f"{folder}/{prefix}-{name}", "rb") as f:
            data = f.read()
        dims = struct.unpack(">" + "i" * (data[3]), data[4:4 + 4 * data[3]])
        return np.frombuffer(data[4 + 4 * len(dims):], dtype=np.uint8).reshape(dims)
    return read("images-idx3-ubyte.gz"), read("labels-idx1-ubyte.gz")


def mosaic(images, labels, rng):
    """One crop [3, 336, 336] (normalised) with patch class [576], colour [576] and item index [576] labels, and the
    class of each item."""
    grey = rng.randint(20, 100)
    canvas = np.clip(np.array([grey + rng.randint(-18, 18) for _ in range(3)], dtype=np.float32)[None, None, :]
                     + np.random.default_rng(rng.randint(0, 2**31)).integers(-18, 19, (CROP, CROP, 1)), 0, 255)
    owner = np.full((CROP, CROP), -1, dtype=np.int64)
    classes, colours = [], []
    for cell in range(CELLS * CELLS):
        if rng.random() > 0.7:
            continue
        index = rng.randrange(len(images))
        side = int(28 * rng.uniform(1.0, 3.0))
        item = torch.nn.functional.interpolate(torch.tensor(images[index], dtype=torch.float32)[None, None], size=(side, side),
                                               mode="bilinear", align_corners=False)[0, 0].numpy() / 255
        top = (cell // CELLS) * CELL + rng.randrange(CELL - side + 1)
        left = (cell % CELLS) * CELL + rng.randrange(CELL - side + 1)
        tint = rng.randrange(len(TINTS))
        region = canvas[top:top + side, left:left + side]
        region[:] = region * (1 - item[..., None]) + TINTS[tint] * item[..., None]
        visible = item > 16 / 255
        owner[top:top + side, left:left + side][visible] = len(classes)
        classes.append(int(labels[index]))
        colours.append(tint)
    pixels = torch.from_numpy(((np.round(canvas) / np.float32(255) - MEAN) / STD).transpose(2, 0, 1).astype(np.float32))
    # A patch belongs to the item owning at least a quarter of its pixels.
    patch_items = np.full(SIDE * SIDE, -1, dtype=np.int64)
    blocks = owner.reshape(SIDE, PATCH, SIDE, PATCH).transpose(0, 2, 1, 3).reshape(SIDE * SIDE, PATCH * PATCH)
    for p in range(SIDE * SIDE):
        values, counts = np.unique(blocks[p][blocks[p] >= 0], return_counts=True)
        if len(values) and counts.max() >= PATCH * PATCH / 4:
            patch_items[p] = values[counts.argmax()]
    patch_classes = np.array([classes[i] if i >= 0 else 10 for i in patch_items])
    patch_colours = np.array([colours[i] if i >= 0 else 6 for i in patch_items])
    return pixels, torch.from_numpy(patch_classes), torch.from_numpy(patch_colours), torch.from_numpy(patch_items), classes
