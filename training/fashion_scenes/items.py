"""Single-item crops for the very first part of the vision encoder's training.

Recognising the ten classes is what the encoder learns slowest, and a 336-px crop costs 577 tokens whatever it
shows. A 6 x 6-patch window (84 px) holding one item costs 37 tokens, so a step can show 64 items, each its own
example: far more items per second, and far less noisy gradients, than mosaics. The window takes the position
embeddings of a random 6 x 6 block of the crop's grid. The item's side is drawn log-uniformly from 20 to 84 px (as in
the mosaics), at a random spot, tinted, over one of the scenes' backgrounds; its patches are those it covers a quarter
of (or the one holding its centre).
"""
import numpy as np
import torch

from fashion_scenes.mosaics import MIN_SIDE, TINTS, background, normalise, paint
from fashion_scenes.scenes import PATCH

WINDOW = 6
SIDE_PX = WINDOW * PATCH


def item_batch(images, labels, rng, count=64):
    """(pixels [count, 3, 84, 84], classes [count], item patches [count, 36] bool)."""
    pixels, classes, masks = [], [], []
    for _ in range(count):
        canvas = background(rng, SIDE_PX)
        index = rng.randrange(len(images))
        side = int(round(np.exp(rng.uniform(np.log(MIN_SIDE), np.log(SIDE_PX)))))
        top, left = rng.randrange(SIDE_PX - side + 1), rng.randrange(SIDE_PX - side + 1)
        owner = np.zeros((SIDE_PX, SIDE_PX), dtype=bool)
        owner[top:top + side, left:left + side] = paint(canvas, images[index], side, top, left, rng.randrange(len(TINTS)))
        covered = owner.reshape(WINDOW, PATCH, WINDOW, PATCH).sum(axis=(1, 3)).reshape(-1) >= PATCH * PATCH / 4
        if not covered.any():
            covered[((top + side // 2) // PATCH) * WINDOW + (left + side // 2) // PATCH] = True
        pixels.append(normalise(canvas))
        classes.append(int(labels[index]))
        masks.append(torch.from_numpy(covered))
    return torch.stack(pixels), torch.tensor(classes), torch.stack(masks)
