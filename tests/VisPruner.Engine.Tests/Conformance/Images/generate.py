"""Writes the conformance test images: PNG pictures of several sizes and aspect ratios (gradients, shapes and text-like
stripes, so that every crop carries detail). Run with Debian's python3 + Pillow: /usr/bin/python3 generate.py"""
from PIL import Image, ImageDraw

SIZES = {"square_336": (336, 336), "landscape_640x420": (640, 420), "portrait_500x700": (500, 700),
         "wide_1000x200": (1000, 200), "tiny_50x37": (50, 37), "large_900x900": (900, 900)}

for name, (w, h) in SIZES.items():
    image = Image.new("RGB", (w, h))
    pixels = image.load()
    for y in range(h):
        for x in range(w):
            pixels[x, y] = ((x * 255) // w, (y * 255) // h, ((x + 2 * y) * 3) % 256)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x0, y0 = (i * 97) % w, (i * 53) % h
        draw.ellipse([x0, y0, x0 + w // 5, y0 + h // 5], fill=((i * 40) % 256, 200 - i * 20, 60 + i * 30))
    for y in range(0, h, 17):
        draw.line([(0, y), (w, (y * 3) % h)], fill=(250, 250, 250), width=1)
    image.save(f"{name}.png", optimize=True)
