"""Item mosaics for the first part of the vision encoder's training.

A scene crop shows one to three items, and the encoder's cost is the same for every 336 x 336 crop, so recognising the
ten classes from scene crops alone takes many crops. A mosaic packs up to 25 Fashion-MNIST training items into one
crop: an n x n grid of cells (n = 3 to 5), each filled with probability 0.7, tinted like the scenes' items, over one of
the scenes' four background kinds (flat, noisy, gradient, stripes). The item's side is drawn log-uniformly from 20 px
to what its cell holds (67 to 112 px), most of the range an item covers in the processor's crops (2x to 5x on a
canvas whose long side is 448 to 1344 px, resized to 672 or 1008 px, and halved again in the global view; the larger
items come with the scene crops). Per-patch labels come from the items' own pixels. The encoder then continues on
real scene crops (train.py).
"""
import gzip
import random
import struct

import numpy as np
import torch

from fashion_scenes.scenes import CROP, MEAN, PATCH, SIDE, STD

# The scenes' tints (SceneColours.cs), in the order of scenes.COLOURS.
TINTS = np.array([(220, 40, 40), (50, 190, 70), (60, 110, 245), (240, 220, 50), (245, 245, 245), (250, 145, 30)], dtype=np.float32)
GRIDS = (3, 4, 5)
MIN_SIDE = 20


def load_fashion_mnist(folder, prefix="train"):
    """(images uint8 [n, 28, 28], labels [n]) from the dataset's gzip IDX files."""
    def read(name):
        with gzip.open(f"{folder}/{prefix}-{name}", "rb") as f:
            data = f.read()
        dims = struct.unpack(">" + "i" * (data[3]), data[4:4 + 4 * data[3]])
        return np.frombuffer(data[4 + 4 * len(dims):], dtype=np.uint8).reshape(dims)
    return read("images-idx3-ubyte.gz"), read("labels-idx1-ubyte.gz")


def background(rng, side=CROP):
    """A side x side x 3 float canvas of one of the scenes' background kinds, in their dark, muted colours."""
    def muted():
        grey = rng.randint(20, 99)
        return np.array([grey + rng.randint(-18, 18) for _ in range(3)], dtype=np.float32)
    first, second, kind = muted(), muted(), rng.randrange(4)
    if kind < 2:
        canvas = np.broadcast_to(first, (side, side, 3)).copy()
        if kind == 1:
            canvas += np.random.default_rng(rng.randint(0, 2**31)).integers(-18, 19, (side, side, 1))
        return np.clip(canvas, 0, 255)
    angle = rng.uniform(0, np.pi)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32)
    along = x * np.cos(angle) + y * np.sin(angle)
    if kind == 2:
        t = (along - along.min()) / max(1e-6, float(along.max() - along.min()))
    else:
        t = (np.floor(along / (rng.randint(8, 32) / 2.0)) % 2).astype(np.float32)
    return first * (1 - t[..., None]) + second * t[..., None]


def paint(canvas, image, side, top, left, tint):
    """Paints a Fashion-MNIST image scaled to side px at (top, left), its grey value the tint's opacity; returns
    which of its pixels are visible."""
    item = torch.nn.functional.interpolate(torch.tensor(image, dtype=torch.float32)[None, None], size=(side, side),
                                           mode="bilinear", align_corners=False)[0, 0].numpy() / 255
    region = canvas[top:top + side, left:left + side]
    region[:] = region * (1 - item[..., None]) + TINTS[tint] * item[..., None]
    return item > 16 / 255


def normalise(canvas):
    """A float RGB canvas [h, w, 3] (0-255) -> CLIP-normalised pixels [3, h, w]."""
    return torch.from_numpy(((np.round(canvas) / np.float32(255) - MEAN) / STD).transpose(2, 0, 1).astype(np.float32))


def mosaic(images, labels, rng):
    """One crop [3, 336, 336] (normalised) with patch class [576], colour [576] and item index [576] labels, and the
    class of each item."""
    canvas = background(rng)
    cells = rng.choice(GRIDS)
    cell_side = CROP // cells
    owner = np.full((CROP, CROP), -1, dtype=np.int64)
    classes, colours, centres = [], [], []
    for cell in range(cells * cells):
        if rng.random() > 0.7:
            continue
        index = rng.randrange(len(images))
        side = int(round(np.exp(rng.uniform(np.log(MIN_SIDE), np.log(cell_side)))))
        top = (cell // cells) * cell_side + rng.randrange(cell_side - side + 1)
        left = (cell % cells) * cell_side + rng.randrange(cell_side - side + 1)
        tint = rng.randrange(len(TINTS))
        visible = paint(canvas, images[index], side, top, left, tint)
        owner[top:top + side, left:left + side][visible] = len(classes)
        classes.append(int(labels[index]))
        colours.append(tint)
        centres.append(((top + side // 2) // PATCH) * SIDE + (left + side // 2) // PATCH)
    pixels = normalise(canvas)
    # A patch belongs to the item owning at least a quarter of its pixels.
    patch_items = np.full(SIDE * SIDE, -1, dtype=np.int64)
    blocks = owner.reshape(SIDE, PATCH, SIDE, PATCH).transpose(0, 2, 1, 3).reshape(SIDE * SIDE, PATCH * PATCH)
    for p in range(SIDE * SIDE):
        values, counts = np.unique(blocks[p][blocks[p] >= 0], return_counts=True)
        if len(values) and counts.max() >= PATCH * PATCH / 4:
            patch_items[p] = values[counts.argmax()]
    # An item too small to own a quarter of any patch keeps the patch of its centre, as in the scenes' targets.
    for number, centre in enumerate(centres):
        if number not in patch_items and patch_items[centre] < 0:
            patch_items[centre] = number
    patch_classes = np.array([classes[i] if i >= 0 else 10 for i in patch_items])
    patch_colours = np.array([colours[i] if i >= 0 else 6 for i in patch_items])
    return pixels, torch.from_numpy(patch_classes), torch.from_numpy(patch_colours), torch.from_numpy(patch_items), classes
