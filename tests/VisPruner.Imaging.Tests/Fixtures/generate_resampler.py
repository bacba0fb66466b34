#!/usr/bin/python3
"""Regenerates resampler.json: what Pillow's Image.resize makes of very long synthetic RGB images.

The source sample at (x, y), channel c of a w x h image is (7x + 13y + 29c) % 64 + 128x // w + 64y // h
(ResamplerTests builds the same image): texture on a gradient, so that even a 2-pixel output is telling. For each case the file stores the sizes, the filter and the SHA-256 of Pillow's output bytes. The
cases make the C# resampler fill its bounded weight table in many pieces, and split single windows wider than it.
Run with Debian's python3 from this folder: /usr/bin/python3 generate_resampler.py
"""
import hashlib
import json
import os

import numpy as np
from PIL import Image

os.chdir(os.path.dirname(os.path.abspath(__file__)))
CASES = [
    (2_000_000, 2, 1000, 2, "bilinear"),  # horizontal: ~4,000-tap windows, many table fills
    (600_000, 2, 2, 2, "bilinear"),  # horizontal: 600,000-tap windows, wider than the table
    (2, 2_000_000, 2, 1000, "bicubic"),  # vertical: ~8,000-tap windows
    (2, 700_000, 2, 2, "bicubic"),  # vertical: 700,000-tap windows, summed in pieces
]
FILTERS = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}

out = []
for w, h, ow, oh, name in CASES:
    y, x, c = np.meshgrid(np.arange(h, dtype=np.int64), np.arange(w, dtype=np.int64), np.arange(3, dtype=np.int64), indexing="ij")
    src = ((7 * x + 13 * y + 29 * c) % 64 + 128 * x // w + 64 * y // h).astype(np.uint8)
    resized = Image.fromarray(src, "RGB").resize((ow, oh), FILTERS[name])
    out.append({"width": w, "height": h, "outWidth": ow, "outHeight": oh, "filter": name,
                "sha256": hashlib.sha256(resized.tobytes()).hexdigest()})
    print(out[-1], resized.tobytes()[:12].hex())
with open("resampler.json", "w") as f:
    json.dump(out, f, indent=1)
