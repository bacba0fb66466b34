#!/usr/bin/python3
"""Regenerates the decoder fixtures in this folder.

Inputs are synthesised here and encoded with Debian's tools (Pillow, ImageMagick `convert`, libjpeg-turbo's
`cjpeg`/`jpegtran`); the expected RGB of every file is what Pillow produces for
`ImageOps.exif_transpose(Image.open(f)).convert("RGB")`, stored as raw bytes in `expected/<name>.rgb`.
A 161x97 crop of a real wallpaper (Debian package gnome-backgrounds, `wood-l.webp`) is re-encoded with
cjpeg when that package is installed. Exception: 16-bit greyscale PNG, where Pillow clips to white, expects
the high byte of each sample instead.
Run with Debian's python3 from this folder: /usr/bin/python3 generate_images.py
"""
import glob
import json
import os
import subprocess

import numpy as np
from PIL import Image, ImageOps

os.chdir(os.path.dirname(os.path.abspath(__file__)))  # outputs live next to this script
W, H = 37, 23
os.makedirs("images", exist_ok=True)
os.makedirs("expected", exist_ok=True)
for old in glob.glob("images/*") + glob.glob("expected/*"):
    os.remove(old)


def synth(w, h, seed=7):
    """Gradients, a sharp-edged disc and mild noise: exercises smooth and high-frequency content."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / max(w - 1, 1)
    g = 255 * y / max(h - 1, 1)
    b = 127 + 120 * np.sin(x * 0.7) * np.cos(y * 0.45)
    disc = (x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (min(w, h) * 0.3) ** 2
    r[disc], g[disc], b[disc] = 250, 20, 60
    img = np.stack([r, g, b], -1) + rng.normal(0, 6, (h, w, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def run(*args):
    if args[0] == "convert":  # keep ImageMagick's PNG output reproducible: no timestamp chunks
        args = args[:-1] + ("-define", "png:exclude-chunk=date,time", args[-1])
    subprocess.run(args, check=True)


base = Image.fromarray(synth(W, H))
base.save("base.ppm")
wide16 = (synth(W, H, 9).astype(np.uint16) * 257 + np.arange(W, dtype=np.uint16)[None, :, None] * 3)

# PNG: every colour type and bit depth, plain and interlaced.
gray = base.convert("L")
gray.save("images/png_gray8.png")
base.convert("1").save("images/png_gray1.png")
base.save("images/png_rgb8.png")
base.convert("RGBA").save("images/png_rgba8.png")
Image.merge("LA", (gray, gray.point(lambda v: 255 - v))).save("images/png_graya8.png")
base.quantize(256).save("images/png_pal8.png")
pal_t = base.quantize(200)
pal_t.info["transparency"] = 3
pal_t.save("images/png_pal8_trns.png", transparency=3)
for depth, colors in ((1, 2), (2, 4), (4, 16)):
    base.quantize(colors).save(f"images/png_pal{depth}.png", bits=depth)
    run("convert", "base.ppm", "-colorspace", "Gray", "-depth", str(depth),
        "-define", f"png:bit-depth={depth}", "-define", "png:color-type=0", f"images/png_gray{depth}_im.png")
Image.fromarray(wide16[:, :, 0].astype(np.uint16)).save("images/png_gray16.png")
with open("wide16.ppm", "wb") as f:
    f.write(b"P6 %d %d 65535\n" % (W, H) + wide16.astype(">u2").tobytes())
run("convert", "wide16.ppm", "-depth", "16", "PNG48:images/png_rgb16.png")
run("convert", "wide16.ppm", "-depth", "16", "-alpha", "set", "-channel", "A", "-evaluate", "set", "60%", "+channel", "PNG64:images/png_rgba16.png")
run("convert", "wide16.ppm", "-colorspace", "Gray", "-depth", "16", "-alpha", "set",
    "-define", "png:color-type=4", "-define", "png:bit-depth=16", "images/png_graya16.png")
for name in ("gray8", "rgb8", "rgba8", "pal4", "rgb16", "gray1"):
    run("convert", f"images/png_{name}.png", "-interlace", "PNG", f"images/png_{name}_adam7.png")
run("convert", "-size", "1x1", "xc:#3366cc", "-interlace", "PNG", "PNG24:images/png_1x1_adam7.png")
run("convert", "base.ppm", "-crop", "5x3+4+4", "+repage", "-interlace", "PNG", "PNG24:images/png_5x3_adam7.png")

# JPEG: sampling layouts, progressive, restarts, colour spaces, odd sizes, EXIF orientation.
for name, sample in (("444", "1x1"), ("422", "2x1"), ("420", "2x2"), ("440", "1x2"), ("411", "4x1"), ("410", "4x2")):
    run("cjpeg", "-quality", "90", "-sample", sample, "-outfile", f"images/jpeg_{name}.jpg", "base.ppm")
run("cjpeg", "-quality", "85", "-sample", "2x2", "-progressive", "-outfile", "images/jpeg_420_progressive.jpg", "base.ppm")
run("cjpeg", "-quality", "95", "-sample", "1x1", "-progressive", "-outfile", "images/jpeg_444_progressive.jpg", "base.ppm")
run("cjpeg", "-quality", "75", "-sample", "2x1", "-progressive", "-restart", "2B", "-outfile", "images/jpeg_422_progressive_restart.jpg", "base.ppm")
run("cjpeg", "-quality", "90", "-sample", "2x2", "-restart", "1B", "-outfile", "images/jpeg_420_restart1.jpg", "base.ppm")
run("cjpeg", "-quality", "90", "-sample", "2x2", "-restart", "1", "-optimize", "-outfile", "images/jpeg_420_restart_rows.jpg", "base.ppm")
run("cjpeg", "-quality", "100", "-sample", "1x1", "-outfile", "images/jpeg_444_q100.jpg", "base.ppm")
run("cjpeg", "-quality", "20", "-sample", "2x2", "-outfile", "images/jpeg_420_q20.jpg", "base.ppm")
run("cjpeg", "-grayscale", "-quality", "90", "-outfile", "images/jpeg_gray.jpg", "base.ppm")
run("cjpeg", "-grayscale", "-progressive", "-quality", "90", "-outfile", "images/jpeg_gray_progressive.jpg", "base.ppm")
run("cjpeg", "-rgb", "-quality", "90", "-outfile", "images/jpeg_rgb.jpg", "base.ppm")
base.convert("CMYK").save("images/jpeg_cmyk_pillow.jpg", quality=90)
run("convert", "base.ppm", "-colorspace", "CMYK", "-quality", "90", "images/jpeg_cmyk_im.jpg")
for w, h in ((1, 1), (2, 2), (3, 5), (8, 8), (16, 16), (17, 9)):
    small = Image.fromarray(synth(w, h, seed=w * 31 + h))
    small.save("small.ppm")
    run("cjpeg", "-quality", "90", "-sample", "2x2", "-outfile", f"images/jpeg_420_{w}x{h}.jpg", "small.ppm")
    run("cjpeg", "-quality", "90", "-sample", "2x1", "-progressive", "-outfile", f"images/jpeg_422p_{w}x{h}.jpg", "small.ppm")
os.remove("small.ppm")
for value in range(2, 9):
    exif = Image.Exif()
    exif[0x0112] = value
    base.save(f"images/jpeg_orient{value}.jpg", quality=90, exif=exif.tobytes())
    if value in (3, 6, 8):
        base.save(f"images/png_orient{value}.png", exif=exif.tobytes())
photo = "/usr/share/backgrounds/gnome/wood-l.webp"
if os.path.exists(photo):
    Image.open(photo).convert("RGB").crop((1500, 1700, 1661, 1797)).save("photo.ppm")
    run("cjpeg", "-quality", "92", "-sample", "2x2", "-outfile", "images/jpeg_photo_crop.jpg", "photo.ppm")
    run("cjpeg", "-quality", "92", "-sample", "2x2", "-progressive", "-outfile", "images/jpeg_photo_crop_progressive.jpg", "photo.ppm")
    os.remove("photo.ppm")

# BMP: palette and direct-colour layouts.
base.save("images/bmp_rgb24.bmp")
base.quantize(256).save("images/bmp_pal8.bmp")
base.convert("1").save("images/bmp_pal1.bmp")
run("convert", "base.ppm", "-colors", "16", "-type", "Palette", "BMP3:images/bmp_pal4.bmp")
run("convert", "base.ppm", "-alpha", "set", "BMP:images/bmp_rgba32.bmp")
run("convert", "base.ppm", "-define", "bmp:subtype=RGB555", "BMP:images/bmp_rgb555.bmp")
run("convert", "base.ppm", "-define", "bmp:subtype=RGB565", "BMP:images/bmp_rgb565.bmp")
run("convert", "base.ppm", "-flip", "-define", "bmp:top-down=true", "BMP3:images/bmp_topdown_check.bmp")

os.remove("base.ppm")
os.remove("wide16.ppm")

manifest = {}
for path in sorted(glob.glob("images/*")):
    name = os.path.basename(path)
    try:
        im = ImageOps.exif_transpose(Image.open(path))
        if im.mode in ("I", "I;16"):
            # Pillow clips 16-bit grey to 0..255 when converting to RGB (white image); we keep the high byte.
            im = Image.fromarray((np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8))
        im = im.convert("RGB")
    except Exception as e:  # A file Pillow cannot read is not a fixture.
        print("skip", name, e)
        os.remove(path)
        continue
    with open(f"expected/{name}.rgb", "wb") as f:
        f.write(im.tobytes())
    manifest[name] = [im.width, im.height]
with open("expected/manifest.json", "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
print(len(manifest), "fixtures")
