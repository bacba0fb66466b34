"""Trains the Fashion-MNIST scenes demo model (see training/README.md for the recipe, commands and timings).

Stage 1 trains the vision encoder alone, first on item mosaics (mosaics.py: many items per crop, so recognition is
learnt in far fewer crops), then on crops of training scenes (per step a scene's global view and up to two sub-crops
showing items): a multi-label objective on its [CLS] output (which classes and colours the crop shows) gives [CLS] a
meaning, as CLIP's contrastive objective does, so that [CLS] attention falls on the items; per-patch class and colour
heads, and a class head on each item's mean patch feature, make the patch features carry what the decoder needs.
Stage 2 freezes the encoder, caches each scene's merged features once, and trains the separators, the projector and
the decoder on the questions (one decoder pass over a scene's visual tokens serves all of its questions). The heads
of stage 1 are training aids only and are not exported.

    python3 training/fashion_scenes/train.py --train DIR --heldout DIR --fashion-mnist DIR --weights OUT.safetensors --fixtures DIR
"""
import argparse
import math
import random
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fashion_scenes import export, mosaics, scenes  # noqa: E402
from fashion_scenes.model import Config, Decoder, LayerNorm, VisionEncoder, VisionProjection, merge_2x2  # noqa: E402
from fashion_scenes.prompts import Prompts  # noqa: E402
from fashion_scenes.tokenizer import Tokenizer  # noqa: E402


class VisionHeads(nn.Module):
    """Training-only heads: [CLS] -> 16 presence logits; each patch -> 11 class and 7 colour logits; the mean of an
    item's patches in a crop -> 10 class logits (a clean signal for recognising whole items)."""

    def __init__(self, c):
        super().__init__()
        self.cls_norm, self.patch_norm, self.item_norm = LayerNorm(c), LayerNorm(c), LayerNorm(c)
        self.presence = nn.Linear(c, 16)
        self.patch = nn.Linear(c, 11 + 7)
        self.item = nn.Linear(c, 10)

    def forward(self, hidden, patch_items):
        patches = hidden[:, 1:]
        patch = self.patch(self.patch_norm(patches))
        pooled, labels = [], []
        for crop in range(patches.shape[0]):
            for number in patch_items[crop].unique():
                if number >= 0:
                    pooled.append(patches[crop][patch_items[crop] == number].mean(0))
                    labels.append(int(number))
        items = self.item(self.item_norm(torch.stack(pooled))) if pooled else None
        return self.presence(self.cls_norm(hidden[:, 0])), patch[..., :11], patch[..., 11:], items, labels


VISION_LR, LANGUAGE_LR = 1.5e-3, 2e-3


def schedule(step, total, peak, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))


def vision_loss(encoder, heads, crops, patch_classes, patch_colours, patch_items, item_classes, background_weight, seen):
    """The stage 1 objectives on a batch of crops; item_classes[n] is the class of item n of patch_items."""
    hidden, _ = encoder(crops)
    presence, classes, colours, items, numbers = heads(hidden, patch_items)
    loss = (F.binary_cross_entropy_with_logits(presence, scenes.presence_targets(patch_classes, patch_colours))
            + F.cross_entropy(classes.reshape(-1, 11), patch_classes.reshape(-1), weight=background_weight[0])
            + F.cross_entropy(colours.reshape(-1, 7), patch_colours.reshape(-1), weight=background_weight[1]))
    if items is not None:
        targets = torch.tensor([item_classes[n] for n in numbers])
        loss = loss + F.cross_entropy(items, targets)
        seen[3] += float((items.argmax(-1) == targets).float().mean())
    item = patch_classes < 10
    seen[0] += float((classes.argmax(-1)[item] == patch_classes[item]).float().mean()) if item.any() else 0
    seen[1] += float(loss)
    seen[2] += 1
    return loss


def mosaic_batch(images, labels, rng, count=2):
    """count mosaics, their item numbers made unique across the batch."""
    parts, item_classes = [], []
    for _ in range(count):
        pixels, patch_classes, patch_colours, patch_items, classes = mosaics.mosaic(images, labels, rng)
        parts.append((pixels, patch_classes, patch_colours, torch.where(patch_items >= 0, patch_items + len(item_classes), patch_items)))
        item_classes += classes
    return [torch.stack(t) for t in zip(*parts)] + [item_classes]


def scene_batch(cfg, train_set, index):
    """A scene's global view and up to two of its sub-crops that show items."""
    scene, crops, _, _, patch_classes, patch_colours, patch_items = scenes.load_scene(train_set, index, cfg.num_crops)
    with_items = [i for i in range(1, crops.shape[0]) if (patch_classes[i] < 10).any()] or list(range(1, crops.shape[0]))
    pick = [0] + random.sample(with_items, min(2, len(with_items)))
    item_classes = [scenes.CLASSES.index(item["class"]) for item in scene["items"]]
    return crops[pick], patch_classes[pick], patch_colours[pick], patch_items[pick], item_classes


def train_vision(cfg, encoder, train_set, fashion, mosaic_steps, scene_steps, log):
    heads = VisionHeads(cfg.vision_hidden_size)
    params = list(encoder.parameters()) + list(heads.parameters())
    optimizer = torch.optim.AdamW(params, lr=VISION_LR, weight_decay=0.01)
    background_weight = torch.tensor([1.0] * 10 + [0.2]), torch.tensor([1.0] * 6 + [0.2])
    order = list(range(len(train_set)))
    random.shuffle(order)
    rng = random.Random(random.random())
    steps = mosaic_steps + scene_steps
    started, seen = time.time(), [0.0, 0.0, 0, 0.0]
    for step in range(steps):
        batch = mosaic_batch(*fashion, rng) if step < mosaic_steps else scene_batch(cfg, train_set, order[(step - mosaic_steps) % len(order)])
        for group in optimizer.param_groups:
            group["lr"] = schedule(step, steps, VISION_LR)
        loss = vision_loss(encoder, heads, *batch, background_weight, seen)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        if (step + 1) % 100 == 0 or step + 1 == steps:
            log(f"vision {step + 1}/{steps} ({'mosaics' if step < mosaic_steps else 'scenes'}) loss {seen[1] / seen[2]:.3f} "
                f"item-patch class acc {seen[0] / seen[2]:.3f} pooled item class acc {seen[3] / seen[2]:.3f} {time.time() - started:.0f} s")
            seen = [0.0, 0.0, 0, 0.0]


@torch.no_grad()
def cache_features(cfg, encoder, scene_set, count, log):
    encoder.eval()
    cached, started = [], time.time()
    for i in range(count):
        scene, crops, rows, cols, *_ = scenes.load_scene(scene_set, i, cfg.num_crops)
        hidden, _ = encoder(crops)
        cached.append((scene["image"], merge_2x2(hidden).half(), rows, cols))
        if (i + 1) % 500 == 0:
            log(f"features {i + 1}/{count} {time.time() - started:.0f} s")
    return cached


def visual_rows(projection, merged, rows, cols):
    return projection(projection.layout(merged.float(), rows, cols))


def question_batch(prompts, qa):
    """Suffix ids [B, L] (prompt tail + answer + <|end|>, right-padded) and the loss target per position (-100: none)."""
    sequences, targets = [], []
    for question, answer in qa:
        tail, reply = prompts.tail(question), prompts.answer(answer)
        sequence = tail + reply
        sequences.append(sequence)
        targets.append([-100] * (len(tail) - 1) + reply + [-100])
    length = max(len(s) for s in sequences)
    ids = torch.tensor([s + [0] * (length - len(s)) for s in sequences])
    target = torch.tensor([t + [-100] * (length - len(t)) for t in targets])
    return ids, target


def question_logits(decoder, present, suffix_ids):
    """Logits of the question suffixes, all attending to one shared prefix (its keys and values in present)."""
    b, length = suffix_ids.shape
    start = present[0][0].shape[2]
    past = [(k.expand(b, -1, -1, -1), v.expand(b, -1, -1, -1)) for k, v in present]
    mask = torch.ones(length, start + length, dtype=torch.bool).tril(diagonal=start)[None, None]
    h, _ = decoder(decoder.embed(suffix_ids, None), start=start, past=past, mask=mask)
    return decoder.logits(h)


def prefix_pass(decoder, prompts, rows_h):
    ids = torch.tensor([prompts.head + [-1] * rows_h.shape[0]])
    return decoder.prefill(decoder.embed(ids, rows_h))


def train_language(cfg, projection, decoder, prompts, cached, train_set, steps, log):
    params = list(projection.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.AdamW(params, lr=LANGUAGE_LR, weight_decay=0.01)
    order = list(range(len(cached)))
    started, stats = time.time(), [0.0, 0, 0, 0]
    for step in range(steps):
        if step % len(order) == 0:
            random.shuffle(order)
        image, merged, rows, cols = cached[order[step % len(order)]]
        for group in optimizer.param_groups:
            group["lr"] = schedule(step, steps, LANGUAGE_LR)
        present = prefix_pass(decoder, prompts, visual_rows(projection, merged, rows, cols))
        ids, target = question_batch(prompts, train_set.questions[image])
        logits = question_logits(decoder, present, ids)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        answered = (target != -100)
        correct = ((logits.argmax(-1) == target) | ~answered).all(dim=1)
        stats[0] += float(loss)
        stats[1] += int(correct.sum())
        stats[2] += len(correct)
        stats[3] += 1
        if (step + 1) % 100 == 0 or step + 1 == steps:
            log(f"language {step + 1}/{steps} loss {stats[0] / stats[3]:.3f} teacher-forced answer acc "
                f"{stats[1] / stats[2]:.3f} {time.time() - started:.0f} s")
            stats = [0.0, 0, 0, 0]


@torch.no_grad()
def generate(decoder, prompts, rows_h, question, max_new=24):
    """Greedy answer, as the engine decodes it."""
    present = prefix_pass(decoder, prompts, rows_h)
    ids = prompts.tail(question)
    h, present = decoder(decoder.embed(torch.tensor([ids]), None), start=present[0][0].shape[2], past=present)
    out = []
    for _ in range(max_new):
        token = int(decoder.logits(h[:, -1]).argmax(-1))
        if token == prompts.end_id:
            break
        out.append(token)
        h, present = decoder(decoder.embed(torch.tensor([[token]]), None), start=present[0][0].shape[2], past=present)
    return out


def question_type(question):
    for prefix, kind in (("How many", "count"), ("Is there", "presence"), ("What colour", "colour"), ("What is in this", "inventory"), ("What is in the", "cell")):
        if question.startswith(prefix):
            return kind
    return "other"


@torch.no_grad()
def evaluate(cfg, encoder, projection, decoder, prompts, tokenizer, heldout, count, log):
    decode = {i: t for t, i in tokenizer.ids.items()}
    right, total, per_type = 0, 0, {}
    for i in range(min(count, len(heldout))):
        scene, crops, rows, cols, *_ = scenes.load_scene(heldout, i, cfg.num_crops)
        hidden, _ = encoder(crops)
        rows_h = visual_rows(projection, merge_2x2(hidden), rows, cols)
        for question, answer in heldout.questions[scene["image"]]:
            text = "".join(decode[t] for t in generate(decoder, prompts, rows_h, question)).replace("\u2581", " ").strip()
            kind = question_type(question)
            ok = text == answer
            right, total = right + ok, total + 1
            per_type.setdefault(kind, [0, 0])
            per_type[kind][0] += ok
            per_type[kind][1] += 1
    log(f"held-out exact match {right}/{total} = {right / max(1, total):.3f} " +
        ", ".join(f"{k}: {v[0]}/{v[1]}" for k, v in sorted(per_type.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="training scene set (scenes --split train), with tokenizer.json")
    parser.add_argument("--heldout", required=True, help="held-out scene set (scenes --split test)")
    parser.add_argument("--weights", required=True, help="output .safetensors")
    parser.add_argument("--fixtures", required=True, help="folder for the parity and tokenization fixtures")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fashion-mnist", required=True, help="folder with Fashion-MNIST's train-*-ubyte.gz files (for the mosaics)")
    parser.add_argument("--mosaic-steps", type=int, default=1200)
    parser.add_argument("--vision-steps", type=int, default=600)
    parser.add_argument("--language-scenes", type=int, default=1500)
    parser.add_argument("--language-steps", type=int, default=2500)
    parser.add_argument("--eval-scenes", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()

    def log(message):
        print(f"[{time.time() - started:7.0f} s] {message}", flush=True)

    tokenizer = Tokenizer(Path(args.train) / "tokenizer.json")
    prompts = Prompts(tokenizer)
    cfg = Config(vocab_size=tokenizer.vocab_size)
    train_set, heldout = scenes.SceneSet(args.train), scenes.SceneSet(args.heldout)
    encoder, projection, decoder = VisionEncoder(cfg), VisionProjection(cfg), Decoder(cfg)
    log(f"parameters: vision {sum(p.numel() for p in encoder.parameters())}, projector "
        f"{sum(p.numel() for p in projection.parameters())}, decoder {sum(p.numel() for p in decoder.parameters())}")

    train_vision(cfg, encoder, train_set, mosaics.load_fashion_mnist(args.fashion_mnist), args.mosaic_steps, args.vision_steps, log)
    for p in encoder.parameters():
        p.requires_grad_(False)
    cached = cache_features(cfg, encoder, train_set, min(args.language_scenes, len(train_set)), log)
    train_language(cfg, projection, decoder, prompts, cached, train_set, args.language_steps, log)
    evaluate(cfg, encoder, projection, decoder, prompts, tokenizer, heldout, args.eval_scenes, log)

    export.save_weights(args.weights, cfg, encoder, projection, decoder)
    export.save_fixtures(Path(args.fixtures), cfg, encoder, projection, decoder, prompts, tokenizer, heldout)
    log(f"weights written to {args.weights}, fixtures to {args.fixtures}")


if __name__ == "__main__":
    main()
