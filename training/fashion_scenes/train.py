"""Trains the Fashion-MNIST scenes demo model (see training/README.md for the recipe, commands and timings).

Stage 1 trains the vision encoder alone, first on single-item windows of 6 x 6 patches (items.py: 64 items a step for
the cost of a few full crops), then on item mosaics (mosaics.py: many items per full crop), then on crops of training
scenes (per step a scene's global view and up to two sub-crops
showing items): a multi-label objective on its [CLS] output (which classes and colours the crop shows) gives [CLS] a
meaning, as CLIP's contrastive objective does, so that [CLS] attention falls on the items; per-patch class and colour
heads, and a class head on each item's mean patch feature, make the patch features carry what the decoder needs.
Stage 2 freezes the encoder and caches each scene's merged features once. Stage 3 trains the separators, the
projector and the decoder on the questions (one decoder pass over a scene's visual tokens serves all of its
questions), with a class head on every projected visual token, and with background tokens dropped at random early on
(fewer distractors while the decoder learns to look a named item up; every token is kept in the second half). The
heads are training aids only and are not exported.

The run checkpoints into --checkpoint (checkpoint.py) and continues from there when started again with the same
arguments; --stop-after ends a session cleanly.

    python3 training/fashion_scenes/train.py --train DIR --heldout DIR --fashion-mnist DIR --weights OUT.safetensors \
        --fixtures DIR --checkpoint DIR [--stop-after MINUTES]
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
from fashion_scenes import bootstrap, export, items, mosaics, scenes  # noqa: E402
from fashion_scenes.checkpoint import Checkpoint  # noqa: E402
from fashion_scenes.model import MERGED, SIDE, Config, Decoder, LayerNorm, VisionEncoder, VisionProjection, merge_2x2  # noqa: E402
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


class TokenHead(nn.Module):
    """Training-only: each visual token after the projector -> 11 class logits (10 = background), so the decoder's
    inputs keep the items' classes apart."""

    def __init__(self, width):
        super().__init__()
        self.linear = nn.Linear(width, 11)

    def forward(self, rows_h):
        return self.linear(rows_h)


VISION_LR, LANGUAGE_LR = 1.5e-3, 2e-3
TOKEN_LOSS_WEIGHT = 0.3
# Background visual tokens are kept with a probability rising from KEEP_START to 1 over the first KEEP_RAMP of the
# language steps (item tokens and separators always stay): the decoder first learns to look items up among few
# distractors, then among all of a scene's tokens.
KEEP_START, KEEP_RAMP = 0.1, 0.5


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


def item_loss(encoder, heads, pixels, classes, masks, window, background_weight, seen):
    """Single-item windows: the item head on the mean of the item's patches, and each patch's class."""
    hidden, _ = encoder(pixels, window)
    patches = hidden[:, 1:]
    pooled = (patches * masks[..., None]).sum(1) / masks.sum(1, keepdim=True)
    items = heads.item(heads.item_norm(pooled))
    patch_logits = heads.patch(heads.patch_norm(patches))[..., :11]
    patch_classes = torch.where(masks, classes[:, None], torch.full(masks.shape, 10, dtype=torch.long))
    loss = F.cross_entropy(items, classes) + F.cross_entropy(patch_logits.reshape(-1, 11), patch_classes.reshape(-1), weight=background_weight[0])
    seen[0] += float((patch_logits.argmax(-1)[masks] == patch_classes[masks]).float().mean())
    seen[1] += float(loss)
    seen[2] += 1
    seen[3] += float((items.argmax(-1) == classes).float().mean())
    return loss


def mosaic_batch(images, labels, rng, count=2):
    """count mosaics, their item numbers made unique across the batch."""
    parts, item_classes = [], []
    for _ in range(count):
        pixels, patch_classes, patch_colours, patch_items, classes = mosaics.mosaic(images, labels, rng)
        parts.append((pixels, patch_classes, patch_colours, torch.where(patch_items >= 0, patch_items + len(item_classes), patch_items)))
        item_classes += classes
    return [torch.stack(t) for t in zip(*parts)] + [item_classes]


def scene_batch(cfg, train_set, index, rng):
    """A scene's global view and up to two of its sub-crops that show items."""
    scene, crops, _, _, patch_classes, patch_colours, patch_items = scenes.load_scene(train_set, index, cfg.num_crops)
    with_items = [i for i in range(1, crops.shape[0]) if (patch_classes[i] < 10).any()] or list(range(1, crops.shape[0]))
    pick = [0] + rng.sample(with_items, min(2, len(with_items)))
    item_classes = [scenes.CLASSES.index(item["class"]) for item in scene["items"]]
    return crops[pick], patch_classes[pick], patch_colours[pick], patch_items[pick], item_classes


def seeded_order(count, seed):
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


def snapshot(modules):
    return {name: module.state_dict() for name, module in modules.items()}


def train_vision(cfg, args, modules, state, train_set, fashion, checkpoint, log):
    encoder, heads = modules["encoder"], modules["heads"]
    params = list(encoder.parameters()) + list(heads.parameters())
    optimizer = torch.optim.AdamW(params, lr=VISION_LR, weight_decay=0.01)
    if state.get("optimizer"):
        optimizer.load_state_dict(state["optimizer"])
    background_weight = torch.tensor([1.0] * 10 + [0.2]), torch.tensor([1.0] * 6 + [0.2])
    order = seeded_order(len(train_set), args.seed)
    rng = random.Random()
    rng.setstate(state["data_random"])
    first_scene = args.item_steps + args.mosaic_steps
    steps = first_scene + args.vision_steps
    started, seen = time.time(), [0.0, 0.0, 0, 0.0]
    while state["step"] < steps:
        step = state["step"]
        for group in optimizer.param_groups:
            group["lr"] = schedule(step, steps, VISION_LR)
        if step < args.item_steps:
            window = (rng.randrange(SIDE - items.WINDOW + 1), rng.randrange(SIDE - items.WINDOW + 1))
            loss = item_loss(encoder, heads, *items.item_batch(*fashion, rng), window, background_weight, seen)
        else:
            batch = mosaic_batch(*fashion, rng) if step < first_scene else scene_batch(cfg, train_set, order[(step - first_scene) % len(order)], rng)
            loss = vision_loss(encoder, heads, *batch, background_weight, seen)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        state["step"] = step + 1
        if (step + 1) % 100 == 0 or step + 1 == steps:
            kind = "items" if step < args.item_steps else "mosaics" if step < first_scene else "scenes"
            log(f"vision {step + 1}/{steps} ({kind}) loss {seen[1] / seen[2]:.3f} "
                f"item-patch class acc {seen[0] / seen[2]:.3f} pooled item class acc {seen[3] / seen[2]:.3f} {time.time() - started:.0f} s")
            seen = [0.0, 0.0, 0, 0.0]
        if checkpoint.due() or state["step"] == steps:
            state.update(optimizer=optimizer.state_dict(), data_random=rng.getstate(), modules=snapshot(modules))
            if checkpoint.should_stop():
                return False
            checkpoint.save(state)
    state.update(stage="features", step=0, optimizer=None)
    return True


def merged_labels(patch_classes):
    """[crops, 576] patch classes -> [crops, 12, 12] classes of the merged tokens (an item's class if one of the four
    patches shows an item, else 10)."""
    n = patch_classes.shape[0]
    blocks = patch_classes.reshape(n, MERGED, 2, MERGED, 2).permute(0, 1, 3, 2, 4).reshape(n, MERGED, MERGED, 4)
    return blocks.min(-1).values.to(torch.int8)


def layout_labels(labels, rows, cols):
    """The merged tokens' classes in the order VisionProjection.layout lays the tokens out; separators are -1."""
    sub = labels[1:].reshape(rows, cols, MERGED, MERGED).permute(0, 2, 1, 3).reshape(rows * MERGED, cols * MERGED)
    separator = torch.full((rows * MERGED, 1), -1, dtype=labels.dtype)
    glb = torch.cat([labels[0], torch.full((MERGED, 1), -1, dtype=labels.dtype)], dim=1).reshape(-1)
    return torch.cat([torch.cat([sub, separator], dim=1).reshape(-1), torch.tensor([-1], dtype=labels.dtype), glb]).long()


@torch.no_grad()
def cache_features(cfg, args, encoder, scene_set, checkpoint, state, log):
    """Caches the merged features of the first --language-scenes scenes in chunk files (resumable chunk by chunk)."""
    encoder.eval()
    count, chunk = min(args.language_scenes, len(scene_set)), args.feature_chunk
    started = time.time()
    while state["step"] < count:
        first = state["step"]
        cached = []
        for i in range(first, min(count, first + chunk)):
            scene, crops, rows, cols, patch_classes, *_ = scenes.load_scene(scene_set, i, cfg.num_crops)
            hidden, _ = encoder(crops)
            cached.append((scene["image"], merge_2x2(hidden).half(), rows, cols, merged_labels(patch_classes)))
        torch.save(cached, checkpoint.feature_chunk(first // chunk))
        state["step"] = first + len(cached)
        log(f"features {state['step']}/{count} {time.time() - started:.0f} s")
        if checkpoint.should_stop():
            return False
        checkpoint.save(state)
    state.update(stage="language", step=0, optimizer=None)
    return True


def load_features(args, checkpoint, count):
    cached = []
    for index in range((count + args.feature_chunk - 1) // args.feature_chunk):
        cached += torch.load(checkpoint.feature_chunk(index))
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


def keep_probability(step, steps):
    return min(1.0, KEEP_START + (1 - KEEP_START) * step / max(1, KEEP_RAMP * steps))


def train_language(cfg, args, modules, prompts, cached, train_set, state, checkpoint, log):
    projection, decoder, token_head = modules["projection"], modules["decoder"], modules["token_head"]
    params = list(projection.parameters()) + list(decoder.parameters()) + list(token_head.parameters())
    optimizer = torch.optim.AdamW(params, lr=LANGUAGE_LR, weight_decay=0.01)
    if state.get("optimizer"):
        optimizer.load_state_dict(state["optimizer"])
    token_weight = torch.tensor([1.0] * 10 + [0.2])
    steps = args.language_steps
    started, stats = time.time(), [0.0, 0, 0, 0, 0.0]
    while state["step"] < steps:
        step = state["step"]
        epoch, position = divmod(step, len(cached))
        image, merged, rows, cols, labels = cached[seeded_order(len(cached), args.seed * 1000 + epoch)[position]]
        for group in optimizer.param_groups:
            group["lr"] = schedule(step, steps, LANGUAGE_LR)
        rows_h = visual_rows(projection, merged, rows, cols)
        token_classes = layout_labels(labels, rows, cols)
        keep = (token_classes != 10) | (torch.rand(token_classes.shape[0]) < keep_probability(step, steps))
        rows_h, token_classes = rows_h[keep], token_classes[keep]
        present = prefix_pass(decoder, prompts, rows_h)
        ids, target = question_batch(prompts, train_set.questions[image])
        logits = question_logits(decoder, present, ids)
        answer_loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
        tokens = token_classes >= 0
        token_loss = F.cross_entropy(token_head(rows_h[tokens]), token_classes[tokens], weight=token_weight)
        loss = answer_loss + TOKEN_LOSS_WEIGHT * token_loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        answered = (target != -100)
        correct = ((logits.argmax(-1) == target) | ~answered).all(dim=1)
        stats[0] += float(answer_loss)
        stats[1] += int(correct.sum())
        stats[2] += len(correct)
        stats[3] += 1
        stats[4] += float(token_loss)
        state["step"] = step + 1
        if (step + 1) % 100 == 0 or step + 1 == steps:
            log(f"language {step + 1}/{steps} answer loss {stats[0] / stats[3]:.3f} token loss {stats[4] / stats[3]:.3f} "
                f"teacher-forced answer acc {stats[1] / stats[2]:.3f} (background kept {keep_probability(step, steps):.2f}) "
                f"{time.time() - started:.0f} s")
            stats = [0.0, 0, 0, 0, 0.0]
        if checkpoint.due() or state["step"] == steps:
            state.update(optimizer=optimizer.state_dict(), modules=snapshot(modules))
            if checkpoint.should_stop():
                return False
            checkpoint.save(state)
    state.update(stage="done", step=0, optimizer=None)
    return True


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
def evaluate(cfg, modules, prompts, tokenizer, heldout, count, log):
    """Greedy answers on the first count held-out scenes per question type, and the vision encoder's pooled item-class
    accuracy (its training head on the mean of each item's patches) on their crops, global views and sub-crops apart."""
    encoder, heads, projection, decoder = (modules[k] for k in ("encoder", "heads", "projection", "decoder"))
    encoder.eval()
    decode = {i: t for t, i in tokenizer.ids.items()}
    per_type, pooled = {}, {"global views": [0, 0], "sub-crops": [0, 0]}
    for i in range(min(count, len(heldout))):
        scene, crops, rows, cols, _, _, patch_items = scenes.load_scene(heldout, i, cfg.num_crops)
        hidden, _ = encoder(crops)
        tally_items(heads, hidden, patch_items, scene, pooled)
        rows_h = visual_rows(projection, merge_2x2(hidden), rows, cols)
        for question, answer in heldout.questions[scene["image"]]:
            text = "".join(decode[t] for t in generate(decoder, prompts, rows_h, question)).replace("\u2581", " ").strip()
            kind = question_type(question)
            per_type.setdefault(kind, []).append(int(text == answer))
    log(f"held-out exact match {bootstrap.describe([o for v in per_type.values() for o in v])} (95% bootstrap interval); " +
        ", ".join(f"{k}: {bootstrap.describe(v)}" for k, v in sorted(per_type.items())))
    log(describe_items(pooled))


def tally_items(heads, hidden, patch_items, scene, pooled):
    """Counts the items of each crop whose class the item head reads right from the mean of their patches."""
    for crop in range(hidden.shape[0]):
        _, _, _, items, numbers = heads(hidden[crop:crop + 1], patch_items[crop:crop + 1])
        for logits, number in zip(items if items is not None else [], numbers):
            tally = pooled["global views" if crop == 0 else "sub-crops"]
            tally[0] += int(logits.argmax()) == scenes.CLASSES.index(scene["items"][number]["class"])
            tally[1] += 1


def describe_items(pooled):
    items = [sum(v[k] for v in pooled.values()) for k in (0, 1)]
    return (f"held-out pooled item-class accuracy of the vision encoder {items[0]}/{items[1]} = {items[0] / max(1, items[1]):.3f}; " +
            ", ".join(f"{k}: {v[0]}/{v[1]} = {v[0] / max(1, v[1]):.3f}" for k, v in pooled.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="training scene set (scenes --split train), with tokenizer.json")
    parser.add_argument("--heldout", required=True, help="held-out scene set (scenes --split test)")
    parser.add_argument("--weights", required=True, help="output .safetensors")
    parser.add_argument("--fixtures", required=True, help="folder for the parity and tokenization fixtures")
    parser.add_argument("--checkpoint", required=True, help="folder for the resumable state, cached features and time.log")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fashion-mnist", required=True, help="folder with Fashion-MNIST's train-*-ubyte.gz files (for the mosaics)")
    parser.add_argument("--item-steps", type=int, default=3000)
    parser.add_argument("--mosaic-steps", type=int, default=2400)
    parser.add_argument("--vision-steps", type=int, default=1200)
    parser.add_argument("--language-scenes", type=int, default=1500)
    parser.add_argument("--language-steps", type=int, default=4000)
    parser.add_argument("--feature-chunk", type=int, default=250)
    parser.add_argument("--eval-scenes", type=int, default=125)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save-every", type=float, default=300, help="seconds between checkpoints")
    parser.add_argument("--stop-after", type=float, default=0, help="end this session after so many minutes (0: run to the end)")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()

    def log(message):
        print(f"[{time.time() - started:7.0f} s] {message}", flush=True)

    checkpoint = Checkpoint(args.checkpoint, args.save_every, args.stop_after, log)
    tokenizer = Tokenizer(Path(args.train) / "tokenizer.json")
    prompts = Prompts(tokenizer)
    cfg = Config(vocab_size=tokenizer.vocab_size)
    train_set, heldout = scenes.SceneSet(args.train), scenes.SceneSet(args.heldout)
    modules = {"encoder": VisionEncoder(cfg), "heads": VisionHeads(cfg.vision_hidden_size), "projection": VisionProjection(cfg),
               "decoder": Decoder(cfg), "token_head": TokenHead(cfg.hidden_size)}
    log(f"parameters: " + ", ".join(f"{k} {sum(p.numel() for p in m.parameters())}" for k, m in modules.items()))
    schedule_args = {k: getattr(args, k) for k in ("seed", "item_steps", "mosaic_steps", "vision_steps", "language_scenes", "language_steps", "feature_chunk")}
    state = checkpoint.load()
    if state is None:
        state = {"stage": "vision", "step": 0, "optimizer": None, "schedule": schedule_args, "config": cfg.metadata(),
                 "data_random": random.Random(args.seed + 1).getstate(), "modules": snapshot(modules)}
    elif state["schedule"] != schedule_args or state["config"] != cfg.metadata():
        raise SystemExit(f"{checkpoint.path} was written with {state['schedule']} {state['config']}, not {schedule_args} {cfg.metadata()}")
    else:
        for name, module in modules.items():
            module.load_state_dict(state["modules"][name])
        torch.set_rng_state(state["torch_random"])
        random.setstate(state["random"])

    def run(stage):
        if not stage():
            checkpoint.end_session(state, False)
            raise SystemExit(0)

    if state["stage"] == "vision":
        run(lambda: train_vision(cfg, args, modules, state, train_set, mosaics.load_fashion_mnist(args.fashion_mnist), checkpoint, log))
    for p in modules["encoder"].parameters():
        p.requires_grad_(False)
    if state["stage"] == "features":
        run(lambda: cache_features(cfg, args, modules["encoder"], train_set, checkpoint, state, log))
    if state["stage"] == "language":
        cached = load_features(args, checkpoint, min(args.language_scenes, len(train_set)))
        run(lambda: train_language(cfg, args, modules, prompts, cached, train_set, state, checkpoint, log))
    state["modules"] = snapshot(modules)
    checkpoint.end_session(state, True)
    evaluate(cfg, modules, prompts, tokenizer, heldout, args.eval_scenes, log)
    export.save_weights(args.weights, cfg, modules["encoder"], modules["projection"], modules["decoder"])
    export.save_fixtures(Path(args.fixtures), cfg, modules["encoder"], modules["projection"], modules["decoder"], prompts, tokenizer, heldout)
    log(f"weights written to {args.weights}, fixtures to {args.fixtures}")


if __name__ == "__main__":
    main()
