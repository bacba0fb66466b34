#!/usr/bin/python3
"""Regenerates the decoder fixtures in this folder.

Inputs are synthesised here and encoded with Debian's tools (Pillow, ImageMagick `convert`, libjpeg-turbo's
`cjpeg`/`jpegtran`); the expected RGB of every file is what Pillow produces for
`ImageOps.exif_transpose(Image.open(f)).convert("RGB")`, stored as raw bytes in `expected/<name>.rgb`, with no
exception: where the decoder deliberately differs (see the library README), the test states the measured difference.
A 161x97 crop of a real wallpaper (Debian package gnome-backgrounds, `wood-l.webp`) is re-encoded with
cjpeg when that package is installed. ICC profiles come from Ghostscript's set (Debian package libgs-common).
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
photo = "/usr/share/backgrounds/gnome/wood-l.webp"
for old in glob.glob("images/*") + glob.glob("expected/*"):
    if os.path.exists(photo) or "jpeg_photo_crop" not in old:  # without the wallpaper, keep the committed crops
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
if os.path.exists(photo):
    Image.open(photo).convert("RGB").crop((1500, 1700, 1661, 1797)).save("photo.ppm")
    run("cjpeg", "-quality", "92", "-sample", "2x2", "-outfile", "images/jpeg_photo_crop.jpg", "photo.ppm")
    run("cjpeg", "-quality", "92", "-sample", "2x2", "-progressive", "-outfile", "images/jpeg_photo_crop_progressive.jpg", "photo.ppm")
    os.remove("photo.ppm")

# Colour profiles must be ignored, as Pillow ignores them: Adobe RGB and ProPhoto would change every pixel.
ICC = "/usr/share/color/icc/ghostscript"
if os.path.isdir(ICC):
    a98 = open(f"{ICC}/a98.icc", "rb").read()
    base.save("images/png_icc_a98.png", icc_profile=a98)
    base.save("images/jpeg_icc_a98.jpg", quality=90, icc_profile=a98)
    base.save("images/webp_icc_prophoto.webp", quality=90, icc_profile=open(f"{ICC}/rommrgb.icc", "rb").read())
    base.convert("CMYK").save("images/jpeg_cmyk_icc.jpg", quality=90, icc_profile=open(f"{ICC}/default_cmyk.icc", "rb").read())
base.convert("CMYK").save("images/jpeg_cmyk_progressive.jpg", quality=90, progressive=True)

# WebP: lossy, lossless, alpha (kept unpremultiplied), EXIF orientation.
base.save("images/webp_lossy.webp", quality=80)
base.save("images/webp_lossless.webp", lossless=True)
rgba = base.convert("RGBA")
rgba.putalpha(Image.fromarray((np.arange(W * H).reshape(H, W) * 7 % 256).astype(np.uint8)))
rgba.save("images/webp_alpha.webp", quality=90)
rgba.save("images/webp_alpha_lossless.webp", lossless=True, exact=True)
exif6 = Image.Exif()
exif6[0x0112] = 6
base.save("images/webp_orient6.webp", quality=90, exif=exif6.tobytes())

# GIF: palette, transparency over a non-black palette entry, animation (first frame), a first frame smaller than
# the canvas, and palette entry 0 not black (the colour of uncovered canvas).
pal = base.quantize(64)
pal.save("images/gif_static.gif")
pal.save("images/gif_transparent.gif", transparency=int(np.asarray(pal)[5, 5]))
frames = [Image.fromarray(synth(W, H, seed)).quantize(32) for seed in (11, 12, 13)]
frames[0].save("images/gif_animated.gif", save_all=True, append_images=frames[1:], duration=80, loop=0)
run("convert", "-size", f"{W}x{H}", "xc:#204080", "(", "base.ppm", "-crop", "20x10+3+4", "+repage", ")", "-geometry", "+5+6",
    "-composite", "-colors", "16", "small_frame.gif")
run("convert", "small_frame.gif", "-crop", "20x10+5+6", "images/gif_subframe.gif")
os.remove("small_frame.gif")

# ICO: PNG-compressed and BMP entries of several sizes; the decoders pick the largest.
square = Image.fromarray(synth(48, 48, 21))
square.save("images/ico_png.ico", sizes=[(16, 16), (32, 32), (48, 48)])
square.save("square.png")
run("convert", "square.png", "-define", "icon:auto-resize=32,16", "BMP3:square.bmp")
run("convert", "square.png", "-define", "icon:auto-resize=32,16", "images/ico_bmp.ico")
os.remove("square.png")
os.remove("square.bmp")

# BMP: palette and direct-colour layouts.
base.save("images/bmp_rgb24.bmp")
base.quantize(256).save("images/bmp_pal8.bmp")
base.convert("1").save("images/bmp_pal1.bmp")
run("convert", "base.ppm", "-colors", "16", "-type", "Palette", "BMP3:images/bmp_pal4.bmp")
run("convert", "base.ppm", "-alpha", "set", "BMP:images/bmp_rgba32.bmp")
run("convert", "base.ppm", "-define", "bmp:subtype=RGB555", "BMP:images/bmp_rgb555.bmp")
run("convert", "base.ppm", "-define", "bmp:subtype=RGB565", "BMP:images/bmp_rgb565.bmp")
run("convert", "base.ppm", "-flip", "-define", "bmp:top-down=true", "BMP3:images/bmp_topdown_check.bmp")
run("convert", "base.ppm", "-colors", "200", "-compress", "RLE", "BMP3:images/bmp_rle8.bmp")

os.remove("base.ppm")
os.remove("wide16.ppm")

manifest = {}
for path in sorted(glob.glob("images/*")):
    name = os.path.basename(path)
    try:
        im = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
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
