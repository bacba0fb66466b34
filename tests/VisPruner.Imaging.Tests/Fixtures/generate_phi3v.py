#!/usr/bin/python3
"""Regenerates the Phi-3.5-vision processor fixtures in phi3v/.

Reproduces, with Debian's Pillow, numpy and torch, the arithmetic of Hugging Face's Phi-3.5-vision image
processor (image_processing_phi3_v.py): RGB conversion; HD transform (transpose portrait images, pick the
largest `scale` with scale * ceil(scale / ratio) <= num_crops, resize to (scale * 336, int(scale * 336 / ratio))
with Pillow's BILINEAR filter, which is what torchvision's resize does on PIL images, pad the height with white
to a multiple of 336, centred with the extra row at the bottom, transpose back); ToTensor (/255) and
Normalize with the CLIP mean/std in float32; the global view from torch's bicubic interpolate of the
normalised image to 336x336; crops in row-major order after the global view; zero padding to num_crops + 1.

For each case it stores the input image (PNG, or JPEG that Pillow decodes) and phi3v/<case>.json with
image_sizes, num_img_tokens, the float64 sum of every (crop, channel) plane and ~800 sampled values.
Run from the Fixtures folder: /usr/bin/python3 generate_phi3v.py
"""
import json
import math
import os

import numpy as np
import torch
from PIL import Image

os.chdir(os.path.dirname(os.path.abspath(__file__)))  # outputs live next to this script
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def hd_transform(img, hd_num):
    width, height = img.size
    trans = width < height
    if trans:
        img = img.transpose(Image.TRANSPOSE)
        width, height = img.size
    ratio = width / height
    scale = 1
    while scale * np.ceil(scale / ratio) <= hd_num:
        scale += 1
    scale -= 1
    new_w = int(scale * 336)
    new_h = int(new_w / ratio)
    img = img.resize((new_w, new_h), Image.BILINEAR)
    tar = int(np.ceil(new_h / 336) * 336)
    top = int((tar - new_h) / 2)
    padded = Image.new("RGB", (new_w, tar), (255, 255, 255))
    padded.paste(img, (0, top))
    if trans:
        padded = padded.transpose(Image.TRANSPOSE)
    return padded


def process(img, num_crops):
    elem = hd_transform(img.convert("RGB"), num_crops)
    t = torch.from_numpy(np.array(elem)).permute(2, 0, 1).contiguous().to(torch.float32).div(255)
    t = (t - torch.tensor(MEAN, dtype=torch.float32)[:, None, None]) / torch.tensor(STD, dtype=torch.float32)[:, None, None]
    glob = torch.nn.functional.interpolate(t.unsqueeze(0), size=(336, 336), mode="bicubic")
    h, w = t.shape[1], t.shape[2]
    crops = t.reshape(1, 3, h // 336, 336, w // 336, 336).permute(0, 2, 4, 1, 3, 5).reshape(-1, 3, 336, 336)
    allc = torch.cat([glob, crops], 0)
    if allc.shape[0] < num_crops + 1:
        allc = torch.cat([allc, torch.zeros(num_crops + 1 - allc.shape[0], 3, 336, 336)], 0)
    tokens = int((h // 336 * w // 336 + 1) * 144 + 1 + (h // 336 + 1) * 12)
    return allc.numpy(), [h, w], tokens


def synth(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([255 * x / (w - 1), 255 * y / (h - 1), 127 + 120 * np.sin(x * 0.5 + y * 0.3)], -1)
    img += rng.normal(0, 20, (h, w, 3))
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8))


os.makedirs("phi3v", exist_ok=True)
cases = [
    ("landscape_50x37", synth(50, 37, 1), "png", 4),
    ("portrait_23x61", synth(23, 61, 2), "png", 16),
    ("wide_400x57", synth(400, 57, 3), "png", 16),
    ("square_336", synth(336, 336, 4), "png", 16),
]
photo = "/usr/share/backgrounds/gnome/wood-l.webp"
if os.path.exists(photo):
    crop = Image.open(photo).convert("RGB").crop((1200, 1300, 1900, 1800))  # 700x500
    cases.append(("photo_700x500", crop, "jpg", 1))
    cases.append(("photo_500x700", crop.transpose(Image.TRANSPOSE), "jpg", 2))

rng = np.random.default_rng(1234)
for name, image, ext, num_crops in cases:
    path = f"phi3v/{name}.{ext}"
    if ext == "png":
        image.save(path)
    else:
        image.save(path, quality=85)
    image = Image.open(path)  # exactly what the C# decoder reads
    values, size, tokens = process(image, num_crops)
    n = values.shape[0]
    used = 1 + (size[0] // 336) * (size[1] // 336)
    samples = []
    for _ in range(800):
        k = int(rng.integers(0, used))
        c, yy, xx = int(rng.integers(0, 3)), int(rng.integers(0, 336)), int(rng.integers(0, 336))
        samples.append([k, c, yy, xx, float(values[k, c, yy, xx])])
    digest = {
        "input": os.path.basename(path),
        "num_crops": num_crops,
        "shape": list(values.shape),
        "image_size": size,
        "num_img_tokens": tokens,
        "sums": [[float(values[k, c].astype(np.float64).sum()) for c in range(3)] for k in range(n)],
        "samples": samples,
    }
    with open(f"phi3v/{name}.json", "w") as f:
        json.dump(digest, f)
    print(name, size, tokens)
