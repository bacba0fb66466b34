"""The demo model in PyTorch, mirroring the ONNX graphs the C# factory builds (src/VisPruner.Engine/DemoModels).

Every parameter is stored in the graphs' layout under the graphs' initializer names (a Linear weight is [in, out] and
applied as x @ W + b), so export is a plain copy. Mirrored exactly:
  vision    Conv 14x14/14 without bias, [CLS] + position embedding, pre-LayerNorm (eps 1e-5), pre-LN blocks with
            q/k/v/out Linear, scores (q @ k^T) * 1/sqrt(head) then softmax, quick GELU x * sigmoid(1.702 x) MLP;
            the graph keeps VisionLayers - 1 blocks (features come from the penultimate layer), drops [CLS], merges
            2x2 patches by concatenating them in (dy, dx) order, lays sub-crops and global view out in rows closed by
            sub_GN with glb_GN between them, and projects with Linear, exact GELU, Linear.
  embedding ids >= 0 look up model.embed_tokens.weight; negative ids take the image feature rows in order.
  decoder   RMSNorm (SimplifiedLayerNormalization, eps 1e-5); per layer q/k/v MatMuls, GroupQueryAttention (causal,
            scale 1/sqrt(head), rotary non-interleaved on both halves of each head with the cos/sin caches of
            DecoderGraph.RotaryCaches, theta 10000), o_proj, SkipSimplifiedLayerNormalization (residual sum, then
            RMSNorm), SiLU-gated MLP, and lm_head.
"""
import math
from dataclasses import dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn

CROP, PATCH = 336, 14
SIDE = CROP // PATCH  # 24 patches per side
MERGED = SIDE // 2  # 12 merged tokens per side
EPS = 1e-5
ROPE_THETA = 10000.0


@dataclass
class Config:
    """Sizes, named as TinyPhi3VisionOptions' properties in snake case (the weights file's metadata)."""

    vocab_size: int
    vision_hidden_size: int = 128
    vision_layers: int = 4
    vision_heads: int = 4
    vision_intermediate_size: int = 256
    hidden_size: int = 128
    decoder_layers: int = 3
    attention_heads: int = 4
    key_value_heads: int = 2
    intermediate_size: int = 384
    num_crops: int = 4
    max_length: int = 2048

    def metadata(self):
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if f.name not in ("vocab_size", "max_length")}


def _param(*shape, std=0.02, mean=0.0):
    return nn.Parameter(torch.randn(*shape) * std + mean)


class Linear(nn.Module):
    """x @ weight + bias with weight [in, out]: the graphs' MatMul (+ Add)."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__()
        self.weight = _param(n_in, n_out, std=1.0 / math.sqrt(n_in))
        self.bias = nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, x):
        y = torch.matmul(x, self.weight)
        return y + self.bias if self.bias is not None else y


class LayerNorm(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias, EPS)


def rms_norm(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * weight


class VisionBlock(nn.Module):
    def __init__(self, c, heads, mlp):
        super().__init__()
        self.heads = heads
        self.layer_norm1, self.layer_norm2 = LayerNorm(c), LayerNorm(c)
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (Linear(c, c) for _ in range(4))
        self.fc1, self.fc2 = Linear(c, mlp), Linear(mlp, c)

    def forward(self, h):
        n, t, c = h.shape
        d = c // self.heads
        x = self.layer_norm1(h)
        q = self.q_proj(x).view(n, t, self.heads, d).transpose(1, 2)
        k = self.k_proj(x).view(n, t, self.heads, d).permute(0, 2, 3, 1)
        v = self.v_proj(x).view(n, t, self.heads, d).transpose(1, 2)
        probabilities = torch.softmax(torch.matmul(q, k) * (1.0 / math.sqrt(d)), dim=-1)  # [n, heads, t, t]
        context = torch.matmul(probabilities, v).transpose(1, 2).reshape(n, t, c)
        h = h + self.out_proj(context)
        x = self.fc1(self.layer_norm2(h))
        h = h + self.fc2(x * torch.sigmoid(x * 1.702))
        return h, probabilities[:, :, 0, :]  # the [CLS] query's attention row


class VisionEncoder(nn.Module):
    """The CLIP-like ViT up to the layer whose features the model uses (the last of its VisionLayers - 1 blocks)."""

    def __init__(self, cfg):
        super().__init__()
        c = cfg.vision_hidden_size
        self.patch_embedding = nn.Parameter(torch.randn(c, 3, PATCH, PATCH) * 0.02)
        self.class_embedding = _param(1, 1, c, std=0.02)
        self.position_embedding = _param(SIDE * SIDE + 1, c, std=0.02)
        self.pre_layrnorm = LayerNorm(c)
        self.layers = nn.ModuleList(VisionBlock(c, cfg.vision_heads, cfg.vision_intermediate_size) for _ in range(cfg.vision_layers - 1))

    def forward(self, crops, window=None):
        """crops [n, 3, 336, 336] -> hidden states [n, 577, C] and the last block's [CLS] attention [n, heads, 577].

        Training only: with window = (top, left), crops are smaller squares, placed at that patch offset of the crop
        (they take those patches' position embeddings)."""
        patches = F.conv2d(crops, self.patch_embedding, stride=PATCH).flatten(2).transpose(1, 2)
        position = self.position_embedding
        if window is not None:
            side, (top, left) = crops.shape[-1] // PATCH, window
            grid = position[1:].reshape(SIDE, SIDE, -1)[top:top + side, left:left + side].reshape(side * side, -1)
            position = torch.cat([position[:1], grid])
        h = torch.cat([self.class_embedding.expand(crops.shape[0], 1, -1), patches], dim=1) + position
        h = self.pre_layrnorm(h)
        cls_attention = None
        for layer in self.layers:
            h, cls_attention = layer(h)
        return h, cls_attention


def merge_2x2(hidden):
    """[n, 577, C] -> [n, 12, 12, 4C]: [CLS] dropped, each 2x2 patch block concatenated in (dy, dx) order."""
    n, _, c = hidden.shape
    x = hidden[:, 1:].reshape(n, MERGED, 2, MERGED, 2, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(n, MERGED, MERGED, 4 * c)


class VisionProjection(nn.Module):
    """The HD token layout with its learned separators, then the projector into the decoder's width."""

    def __init__(self, cfg):
        super().__init__()
        merged = 4 * cfg.vision_hidden_size
        self.sub_GN = _param(1, 1, 1, merged, std=0.02)
        self.glb_GN = _param(1, 1, merged, std=0.02)
        self.proj0 = Linear(merged, cfg.hidden_size)
        self.proj2 = Linear(cfg.hidden_size, cfg.hidden_size)

    def layout(self, merged, rows, cols):
        """merged [1 + rows * cols, 12, 12, 4C] (global view first) -> [(rows*cols+1)*144 + 1 + (rows+1)*12, 4C]."""
        width = merged.shape[-1]
        sub = merged[1:].reshape(rows, cols, MERGED, MERGED, width).permute(0, 2, 1, 3, 4).reshape(rows * MERGED, cols * MERGED, width)
        sub = torch.cat([sub, self.sub_GN.reshape(1, 1, width).expand(rows * MERGED, 1, width)], dim=1).reshape(-1, width)
        glb = torch.cat([merged[0], self.sub_GN.reshape(1, 1, width).expand(MERGED, 1, width)], dim=1).reshape(-1, width)
        return torch.cat([sub, self.glb_GN.reshape(1, width), glb], dim=0)

    def forward(self, sequence):
        return self.proj2(F.gelu(self.proj0(sequence)))


def rotary_caches(max_length, head_size):
    """cos/sin [max_length, head_size / 2] of p * theta^(-2i / head_size), computed in double like the C# factory."""
    half = head_size // 2
    p = torch.arange(max_length, dtype=torch.float64)[:, None]
    i = torch.arange(half, dtype=torch.float64)[None, :]
    angle = p * torch.pow(torch.tensor(ROPE_THETA, dtype=torch.float64), -2.0 * i / head_size)
    return torch.cos(angle).float(), torch.sin(angle).float()


def rotate(x, cos, sin):
    """Non-interleaved rotary embedding of x [..., seq, head] with cos/sin [seq, head / 2]."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class DecoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, d = cfg.hidden_size, cfg.hidden_size // cfg.attention_heads
        self.heads, self.kv_heads, self.head_size = cfg.attention_heads, cfg.key_value_heads, d
        self.q_proj = Linear(h, self.heads * d, bias=False)
        self.k_proj = Linear(h, self.kv_heads * d, bias=False)
        self.v_proj = Linear(h, self.kv_heads * d, bias=False)
        self.o_proj = Linear(self.heads * d, h, bias=False)
        self.gate_proj = Linear(h, cfg.intermediate_size, bias=False)
        self.up_proj = Linear(h, cfg.intermediate_size, bias=False)
        self.down_proj = Linear(cfg.intermediate_size, h, bias=False)
        self.post_attention_layernorm = nn.Parameter(torch.ones(h))

    def project_kv(self, x, cos, sin):
        """Rotated keys and values of x [b, s, H] at the positions of cos/sin: [b, kv_heads, s, head] each."""
        b, s, _ = x.shape
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_size).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_size).transpose(1, 2)
        return rotate(k, cos, sin), v

    def attend(self, x, cos, sin, past_k, past_v, mask):
        """Causal GQA of x [b, s, H] over past keys/values plus its own; mask [b or 1, 1, s, past + s] (True = keep)."""
        b, s, _ = x.shape
        q = rotate(self.q_proj(x).view(b, s, self.heads, self.head_size).transpose(1, 2), cos, sin)
        k, v = self.project_kv(x, cos, sin)
        if past_k is not None:
            k, v = torch.cat([past_k, k], dim=2), torch.cat([past_v, v], dim=2)
        group = self.heads // self.kv_heads
        k_all, v_all = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        scores = torch.matmul(q, k_all.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_size))
        scores = scores.masked_fill(~mask, float("-inf"))
        context = torch.matmul(torch.softmax(scores, dim=-1), v_all).transpose(1, 2).reshape(b, s, -1)
        return self.o_proj(context), k, v

    def mlp(self, x):
        gate = self.gate_proj(x)
        return self.down_proj(gate * torch.sigmoid(gate) * self.up_proj(x))


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden_size
        self.embed_tokens = _param(cfg.vocab_size, h, std=0.02)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.decoder_layers))
        self.input_layernorm = nn.ParameterList(nn.Parameter(torch.ones(h)) for _ in range(cfg.decoder_layers))
        self.norm = nn.Parameter(torch.ones(h))
        self.lm_head = Linear(h, cfg.vocab_size, bias=False)
        cos, sin = rotary_caches(cfg.max_length, h // cfg.attention_heads)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def embed(self, ids, image_rows):
        """ids [b, s] (negative = image placeholder) -> embeddings, placeholders filled with image_rows in order."""
        x = self.embed_tokens[ids.clamp(min=0)]
        if image_rows is not None:
            x = x.clone()
            x[ids < 0] = image_rows
        return x

    def forward(self, x, start=0, past=None, mask=None):
        """Runs x [b, s, H] at positions start.. after past [(k, v) per layer]; returns normed hidden states, new kv."""
        b, s, _ = x.shape
        cos, sin = self.cos[start:start + s], self.sin[start:start + s]
        if mask is None:
            total = start + s
            mask = torch.ones(s, total, dtype=torch.bool).tril(diagonal=start)[None, None]
        residual = x
        h = rms_norm(x, self.input_layernorm[0])
        present = []
        for i, layer in enumerate(self.layers):
            pk, pv = past[i] if past is not None else (None, None)
            attention, k, v = layer.attend(h, cos, sin, pk, pv, mask)
            present.append((k, v))
            residual = residual + attention
            h = rms_norm(residual, layer.post_attention_layernorm)
            residual = residual + layer.mlp(h)
            h = rms_norm(residual, self.input_layernorm[i + 1] if i + 1 < len(self.layers) else self.norm)
        return h, present

    def prefill(self, x):
        """Keys and values of a prompt prefix x [1, s, H] at positions 0..s-1, for later tokens to attend to.

        Same numbers as forward(), but the last layer only projects keys and values: no later token needs the
        prefix's own attention output or MLP there (the C# engine computes them, and discards them)."""
        s = x.shape[1]
        cos, sin = self.cos[:s], self.sin[:s]
        mask = torch.ones(s, s, dtype=torch.bool).tril()[None, None]
        residual, h, present = x, rms_norm(x, self.input_layernorm[0]), []
        for i, layer in enumerate(self.layers):
            if i + 1 == len(self.layers):
                present.append(layer.project_kv(h, cos, sin))
                break
            attention, k, v = layer.attend(h, cos, sin, None, None, mask)
            present.append((k, v))
            residual = residual + attention
            h = rms_norm(residual, layer.post_attention_layernorm)
            residual = residual + layer.mlp(h)
            h = rms_norm(residual, self.input_layernorm[i + 1])
        return present

    def logits(self, h):
        return self.lm_head(h)
