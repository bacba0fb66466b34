"""Writes the Fashion-MNIST test subset the repository ships (data/fashion-mnist-test-subset/).

The first 100 test images of each class, in test-set order, in the dataset's own IDX format (gzip). The held-out
scenes are built from these only, so the CLI's `eval` needs no download. Usage:

    python3 training/make_test_subset.py /usr/share/datasets/fashion-mnist data/fashion-mnist-test-subset
"""
import gzip
import struct
import sys
from pathlib import Path

PER_CLASS = 100


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = struct.unpack(">" + "i" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return dims, data[4 + 4 * len(dims):]


def write_idx(path, magic, dims, payload):
    header = struct.pack(">i", magic) + struct.pack(">" + "i" * len(dims), *dims)
    # mtime=0 keeps the file byte-identical from run to run.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(header + payload)


def main(source, destination):
    source, destination = Path(source), Path(destination)
    (count, rows, cols), pixels = read_idx(source / "t10k-images-idx3-ubyte.gz")
    _, labels = read_idx(source / "t10k-labels-idx1-ubyte.gz")
    taken, chosen = [0] * 10, []
    for i in range(count):
        if taken[labels[i]] < PER_CLASS:
            taken[labels[i]] += 1
            chosen.append(i)
    size = rows * cols
    destination.mkdir(parents=True, exist_ok=True)
    write_idx(destination / "t10k-images-idx3-ubyte.gz", 0x803, (len(chosen), rows, cols),
              b"".join(pixels[i * size:(i + 1) * size] for i in chosen))
    write_idx(destination / "t10k-labels-idx1-ubyte.gz", 0x801, (len(chosen),), bytes(labels[i] for i in chosen))
    print(f"{len(chosen)} images written to {destination}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
