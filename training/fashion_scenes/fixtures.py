"""Rewrites the C# tests' fixtures from a trained weights file, without training:

    python3 training/fashion_scenes/fixtures.py --train DIR --heldout DIR --weights W.safetensors --fixtures DIR
"""
import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fashion_scenes import export, scenes  # noqa: E402
from fashion_scenes.model import Config, Decoder, VisionEncoder, VisionProjection  # noqa: E402
from fashion_scenes.prompts import Prompts  # noqa: E402
from fashion_scenes.tokenizer import Tokenizer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="a training scene set (for its tokenizer.json)")
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--fixtures", required=True)
    args = parser.parse_args()
    torch.set_num_threads(2)
    tokenizer = Tokenizer(Path(args.train) / "tokenizer.json")
    _, metadata = export.read_safetensors(args.weights)
    cfg = Config(vocab_size=tokenizer.vocab_size, **{k: int(v) for k, v in metadata.items()})
    encoder, projection, decoder = VisionEncoder(cfg), VisionProjection(cfg), Decoder(cfg)
    export.load_weights(args.weights, cfg, encoder, projection, decoder)
    export.save_fixtures(Path(args.fixtures), cfg, encoder, projection, decoder, Prompts(tokenizer), tokenizer, scenes.SceneSet(args.heldout))


if __name__ == "__main__":
    main()
