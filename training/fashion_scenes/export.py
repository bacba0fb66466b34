"""Writes the trained weights (safetensors, under the ONNX initializer names) and the fixtures the C# tests check.

safetensors: an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
then the raw little-endian data. Tensors are float32, so the built folder computes exactly what this code computed.
"""
import gzip
import itertools
import json
import struct

import numpy as np
import torch

from fashion_scenes import scenes
from fashion_scenes.model import merge_2x2


def named_tensors(cfg, encoder, projection, decoder, detach=True):
    t = {
        "vision_model.embeddings.patch_embedding.weight": encoder.patch_embedding,
        "vision_model.embeddings.class_embedding": encoder.class_embedding,
        "vision_model.embeddings.position_embedding.weight": encoder.position_embedding,
        "vision_model.pre_layrnorm.weight": encoder.pre_layrnorm.weight,
        "vision_model.pre_layrnorm.bias": encoder.pre_layrnorm.bias,
        "sub_GN": projection.sub_GN,
        "glb_GN": projection.glb_GN,
        "img_projection.0.weight": projection.proj0.weight,
        "img_projection.0.bias": projection.proj0.bias,
        "img_projection.2.weight": projection.proj2.weight,
        "img_projection.2.bias": projection.proj2.bias,
        "model.embed_tokens.weight": decoder.embed_tokens,
        "model.norm.weight": decoder.norm,
        "lm_head.weight": decoder.lm_head.weight,
    }
    for i, layer in enumerate(encoder.layers):
        p = f"vision_model.encoder.layers.{i}"
        for norm in ("layer_norm1", "layer_norm2"):
            t[f"{p}.{norm}.weight"], t[f"{p}.{norm}.bias"] = getattr(layer, norm).weight, getattr(layer, norm).bias
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            t[f"{p}.self_attn.{proj}.weight"], t[f"{p}.self_attn.{proj}.bias"] = getattr(layer, proj).weight, getattr(layer, proj).bias
        for fc in ("fc1", "fc2"):
            t[f"{p}.mlp.{fc}.weight"], t[f"{p}.mlp.{fc}.bias"] = getattr(layer, fc).weight, getattr(layer, fc).bias
    for i, layer in enumerate(decoder.layers):
        p = f"model.layers.{i}"
        t[f"{p}.input_layernorm.weight"] = decoder.input_layernorm[i]
        t[f"{p}.post_attention_layernorm.weight"] = layer.post_attention_layernorm
        for proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
            t[f"{p}.attn.{proj}.weight"] = getattr(layer, proj).weight
        for proj in ("gate_proj", "up_proj", "down_proj"):
            t[f"{p}.mlp.{proj}.weight"] = getattr(layer, proj).weight
    return {name: value.detach().float().contiguous() for name, value in t.items()} if detach else t


def write_safetensors(path, tensors, metadata=None, compress=False):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        value = tensors[name]
        data = value.numpy().astype("<f4" if value.dtype == torch.float32 else "<f2").tobytes()
        header[name] = {"dtype": "F32" if value.dtype == torch.float32 else "F16", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # keeps the data 8-byte aligned
    body = struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks)
    if compress:
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
            f.write(body)
    else:
        with open(path, "wb") as f:
            f.write(body)


def save_weights(path, cfg, encoder, projection, decoder):
    write_safetensors(path, named_tensors(cfg, encoder, projection, decoder), cfg.metadata())


def read_safetensors(path):
    """(tensors by name, metadata) of an uncompressed safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    length, = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    tensors = {}
    for name, spec in header.items():
        begin, end = spec["data_offsets"]
        dtype = "<f4" if spec["dtype"] == "F32" else "<f2"
        tensors[name] = torch.from_numpy(np.frombuffer(body[begin:end], dtype=dtype).astype(np.float32).reshape(spec["shape"]))
    return tensors, metadata


@torch.no_grad()
def load_weights(path, cfg, encoder, projection, decoder):
    """Copies a weights file written by save_weights into the modules."""
    tensors, _ = read_safetensors(path)
    for name, target in named_tensors(cfg, encoder, projection, decoder, detach=False).items():
        target.copy_(tensors[name])


def template_strings(prompts):
    """Every text the prompts and answers are made of: the prompt chunks of all questions and every answer."""
    items = scenes.CLASSES
    plural = [c + "es" if c.endswith("s") else c + "s" for c in items]
    cells = ["top-left", "top", "top-right", "left", "centre", "right", "bottom-left", "bottom", "bottom-right"]
    questions = ([f"How many {p} are there?" for p in plural] + [f"Is there a {c}?" for c in items]
                 + [f"What is in the {c} cell?" for c in cells] + [f"What colour is the {c}?" for c in items]
                 + ["What is in this picture?"])
    answers = [str(d) for d in range(7)] + ["yes", "no", "nothing"] + items + scenes.COLOURS
    answers += [", ".join(sorted(combo)) for n in range(2, len(items) + 1) for combo in itertools.combinations(items, n)]
    return [prompts.head_text()] + [prompts.tail_text(q) for q in questions] + answers


@torch.no_grad()
def save_fixtures(folder, cfg, encoder, projection, decoder, prompts, tokenizer, heldout):
    """tokenization.json: every template string and its ids. parity.json + parity.safetensors.gz: one held-out scene
    with a 2 x 1 crop grid, its exact pixel_values (float16-rounded), the prompt ids of one question with its answer,
    and the logits of this code's forward pass at every text position after the image."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "tokenization.json", "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps({"text": s, "ids": tokenizer.encode(s)}, ensure_ascii=False)
                                    for s in template_strings(prompts)) + "\n]\n")

    index = next(i for i, s in enumerate(heldout.scenes) if len(s["items"]) >= 3 and _grid(s, cfg) == 2)
    scene, crops, rows, cols, *_ = scenes.load_scene(heldout, index, cfg.num_crops)
    crops = crops.half().float()
    question, answer = heldout.questions[scene["image"]][0]
    hidden, _ = encoder(crops)
    features = projection(projection.layout(merge_2x2(hidden), rows, cols))
    tail = prompts.tail(question) + prompts.answer(answer)
    ids = prompts.head + [-1] * features.shape[0] + tail
    h, _ = decoder(decoder.embed(torch.tensor([ids]), features))
    logits = decoder.logits(h)[0, -len(tail):]
    padded = torch.zeros(1 + cfg.num_crops, 3, 336, 336)
    padded[:crops.shape[0]] = crops
    write_safetensors(folder / "parity.safetensors.gz", {
        "pixel_values": padded[None].half(),
        "image_features": features.float(),
        "text_logits": logits.float(),
    }, compress=True)
    with open(folder / "parity.json", "w", encoding="utf-8") as f:
        json.dump({"image": scene["image"], "question": question, "answer": answer,
                   "image_sizes": [rows * 336, cols * 336], "input_ids": ids}, f)


def _grid(scene, cfg):
    (_, _), (_, _), (w, h) = scenes.hd_geometry(scene["width"], scene["height"], cfg.num_crops)
    return (w // 336) * (h // 336)
