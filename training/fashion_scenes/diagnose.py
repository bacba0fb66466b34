"""Measures what limits a weights file, from the exported weights alone (the training heads are not exported):

  * vision: item-class accuracy of the encoder's features, pooled over each item's patches in a crop, on scene
    crops. A linear probe (softmax regression on standardised pooled features) is fitted on training-scene crops and
    scored on held-out-scene crops, split into global views and sub-crops.
  * language: the greedy answers on held-out scenes per question type, how often each type's most frequent answer
    is given, and presence accuracy split by whether the probe recognises the asked item in every crop it shows in.

    python3 training/fashion_scenes/diagnose.py --train DIR --heldout DIR --weights W.safetensors [--probe-scenes 300]

With --checkpoint STATE.pt instead of --weights, it measures a training run in progress: the vision encoder's
pooled item-class accuracy through its own item head (and the probe's, unless --probe-scenes is 0).
"""
import argparse
import collections
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fashion_scenes import bootstrap, export, scenes  # noqa: E402
from fashion_scenes.model import Config, Decoder, VisionEncoder, VisionProjection, merge_2x2  # noqa: E402
from fashion_scenes.prompts import Prompts  # noqa: E402
from fashion_scenes.tokenizer import Tokenizer  # noqa: E402
from fashion_scenes.train import VisionHeads, describe_items, generate, question_type, tally_items, visual_rows  # noqa: E402


@torch.no_grad()
def pooled_items(cfg, encoder, scene_set, count):
    """Per scene: (features [items, C], classes [items], is-global [items], item number [items])."""
    out = []
    for i in range(min(count, len(scene_set))):
        scene, crops, _, _, _, _, patch_items = scenes.load_scene(scene_set, i, cfg.num_crops)
        hidden, _ = encoder(crops)
        features, labels, is_global, numbers = [], [], [], []
        for crop in range(crops.shape[0]):
            for number in patch_items[crop].unique():
                if number >= 0:
                    features.append(hidden[crop, 1:][patch_items[crop] == number].mean(0))
                    labels.append(scenes.CLASSES.index(scene["items"][int(number)]["class"]))
                    is_global.append(crop == 0)
                    numbers.append(int(number))
        if features:
            out.append((torch.stack(features), torch.tensor(labels), torch.tensor(is_global), torch.tensor(numbers)))
        else:
            out.append((torch.zeros(0, cfg.vision_hidden_size), torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.bool), torch.zeros(0, dtype=torch.long)))
    return out


def fit_probe(x, y, steps=500):
    mean, std = x.mean(0), x.std(0) + 1e-5
    probe = torch.nn.Linear(x.shape[1], 10)
    optimizer = torch.optim.Adam(probe.parameters(), lr=1e-2, weight_decay=1e-4)
    for _ in range(steps):
        loss = F.cross_entropy(probe((x - mean) / std), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return lambda z: probe((z - mean) / std).argmax(-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True)
    parser.add_argument("--heldout", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights")
    source.add_argument("--checkpoint", help="a training run's state.pt")
    parser.add_argument("--probe-scenes", type=int, default=300)
    parser.add_argument("--answer-scenes", type=int, default=125)
    args = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(2)
    started = time.time()
    tokenizer = Tokenizer(Path(args.train) / "tokenizer.json")
    prompts = Prompts(tokenizer)
    train_set, heldout = scenes.SceneSet(args.train), scenes.SceneSet(args.heldout)
    if args.checkpoint:
        state = torch.load(args.checkpoint)
        cfg = Config(vocab_size=tokenizer.vocab_size, **{k: int(v) for k, v in state["config"].items()})
        encoder, heads = VisionEncoder(cfg), VisionHeads(cfg.vision_hidden_size)
        encoder.load_state_dict(state["modules"]["encoder"])
        heads.load_state_dict(state["modules"]["heads"])
        encoder.eval()
        print(f"checkpoint at stage {state['stage']}, step {state['step']}", flush=True)
        pooled = {"global views": [0, 0], "sub-crops": [0, 0]}
        with torch.no_grad():
            for i in range(min(args.answer_scenes, len(heldout))):
                scene, crops, _, _, _, _, patch_items = scenes.load_scene(heldout, i, cfg.num_crops)
                tally_items(heads, encoder(crops)[0], patch_items, scene, pooled)
        print(describe_items(pooled), flush=True)
        if args.probe_scenes:
            probe_items(cfg, encoder, train_set, heldout, args)
        return
    _, metadata = export.read_safetensors(args.weights)
    cfg = Config(vocab_size=tokenizer.vocab_size, **{k: int(v) for k, v in metadata.items()})
    encoder, projection, decoder = VisionEncoder(cfg), VisionProjection(cfg), Decoder(cfg)
    export.load_weights(args.weights, cfg, encoder, projection, decoder)
    encoder.eval()
    predict, test_items = probe_items(cfg, encoder, train_set, heldout, args)
    answer_questions(cfg, encoder, projection, decoder, prompts, tokenizer, heldout, predict, test_items, args)
    print(f"{time.time() - started:.0f} s wall, {time.process_time():.0f} s CPU")


def probe_items(cfg, encoder, train_set, heldout, args):
    """Fits the linear probe on training scenes, prints its held-out accuracy, returns it and the held-out items."""
    train_items = pooled_items(cfg, encoder, train_set, args.probe_scenes)
    test_items = pooled_items(cfg, encoder, heldout, args.answer_scenes)
    x = torch.cat([t[0] for t in train_items])
    y = torch.cat([t[1] for t in train_items])
    predict = fit_probe(x, y)
    tx, ty, tg = (torch.cat([t[k] for t in test_items]) for k in range(3))
    right = predict(tx) == ty
    print(f"vision probe: fitted on {len(y)} pooled items of {len(train_items)} training scenes; held-out pooled item-class "
          f"accuracy {float(right.float().mean()):.3f} ({len(ty)} items), global views {float(right[tg].float().mean()):.3f}, "
          f"sub-crops {float(right[~tg].float().mean()):.3f}; train {float((predict(x) == y).float().mean()):.3f}", flush=True)
    return predict, test_items


def answer_questions(cfg, encoder, projection, decoder, prompts, tokenizer, heldout, predict, test_items, args):
    decode = {i: t for t, i in tokenizer.ids.items()}
    per_type, answers, presence_split = {}, collections.defaultdict(collections.Counter), collections.defaultdict(lambda: [0, 0])
    with torch.no_grad():
        for i in range(min(args.answer_scenes, len(heldout))):
            scene, crops, rows, cols, *_ = scenes.load_scene(heldout, i, cfg.num_crops)
            hidden, _ = encoder(crops)
            rows_h = visual_rows(projection, merge_2x2(hidden), rows, cols)
            features, labels, _, numbers = test_items[i]
            recognised = predict(features) == labels if len(labels) else torch.zeros(0, dtype=torch.bool)
            for question, answer in heldout.questions[scene["image"]]:
                text = "".join(decode[t] for t in generate(decoder, prompts, rows_h, question)).replace("\u2581", " ").strip()
                kind = question_type(question)
                per_type.setdefault(kind, []).append(int(text == answer))
                answers[kind][text] += 1
                if kind == "presence" and answer == "yes":
                    name = question[len("Is there a "):-1]
                    wanted = [n for n, item in enumerate(scene["items"]) if item["class"] == name]
                    seen = [bool(r) for r, n in zip(recognised, numbers) if int(n) in wanted]
                    key = "recognised" if seen and all(seen) else "not recognised"
                    presence_split[key][0] += text == answer
                    presence_split[key][1] += 1
    print(f"held-out exact match {bootstrap.describe([o for v in per_type.values() for o in v])} (95% bootstrap interval)")
    for kind, outcomes in sorted(per_type.items()):
        common, times = answers[kind].most_common(1)[0]
        print(f"  {kind}: {bootstrap.describe(outcomes)}; most frequent answer {common!r} given {times}/{len(outcomes)} times")
    for key, (ok, n) in sorted(presence_split.items()):
        print(f"  presence 'yes' questions, item {key} by the probe: {ok}/{n}")


if __name__ == "__main__":
    main()
