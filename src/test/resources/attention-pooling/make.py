"""Reference for AttentionPoolingTest: SigLIP's attention-pooling head built from PyTorch's own modules.

Run with PyTorch 1.13 (Debian's python3-torch): /usr/bin/python3 make.py
Writes, from random float32 weights and tokens (seed 17):
  weights.safetensors  the head's tensors as a SiglipVisionModel checkpoint names them (head.*), float32
  x.npy                the token rows, float32 [B, T, D]
  pooler_output.npy    the head's output in float64 [B, D], computed from exactly those float32 values
The forward is SiglipMultiheadAttentionPoolingHead's, written with torch.nn modules, not vectorvit's code.
"""
import json
import struct

import numpy as np
import torch

B, T, D, HEADS, I, EPS = 3, 7, 32, 4, 80, 1e-6
rng = np.random.default_rng(17)


def f32(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# Weights a few times larger than 1/sqrt(fan_in), so that the softmax is far from uniform.
tensors = {
    "head.probe": f32(1, 1, D),
    "head.attention.in_proj_weight": f32(3 * D, D, scale=2 / np.sqrt(D)),
    "head.attention.in_proj_bias": f32(3 * D, scale=0.5),
    "head.attention.out_proj.weight": f32(D, D, scale=1 / np.sqrt(D)),
    "head.attention.out_proj.bias": f32(D, scale=0.5),
    "head.layernorm.weight": f32(D, scale=0.5) + np.float32(1),
    "head.layernorm.bias": f32(D, scale=0.5),
    "head.mlp.fc1.weight": f32(I, D, scale=1 / np.sqrt(D)),
    "head.mlp.fc1.bias": f32(I, scale=0.5),
    "head.mlp.fc2.weight": f32(D, I, scale=1 / np.sqrt(I)),
    "head.mlp.fc2.bias": f32(D, scale=0.5),
}
x = f32(B, T, D)


def t(name):
    return torch.from_numpy(tensors[name].astype(np.float64))


attention = torch.nn.MultiheadAttention(D, HEADS, batch_first=True).double()
layernorm = torch.nn.LayerNorm(D, eps=EPS).double()
fc1, fc2 = torch.nn.Linear(D, I).double(), torch.nn.Linear(I, D).double()
with torch.no_grad():
    attention.in_proj_weight.copy_(t("head.attention.in_proj_weight"))
    attention.in_proj_bias.copy_(t("head.attention.in_proj_bias"))
    attention.out_proj.weight.copy_(t("head.attention.out_proj.weight"))
    attention.out_proj.bias.copy_(t("head.attention.out_proj.bias"))
    layernorm.weight.copy_(t("head.layernorm.weight"))
    layernorm.bias.copy_(t("head.layernorm.bias"))
    fc1.weight.copy_(t("head.mlp.fc1.weight"))
    fc1.bias.copy_(t("head.mlp.fc1.bias"))
    fc2.weight.copy_(t("head.mlp.fc2.weight"))
    fc2.bias.copy_(t("head.mlp.fc2.bias"))
    hidden_states = torch.from_numpy(x.astype(np.float64))
    probe = t("head.probe").repeat(B, 1, 1)
    hidden = attention(probe, hidden_states, hidden_states)[0]
    residual = hidden
    hidden = residual + fc2(torch.nn.functional.gelu(fc1(layernorm(hidden)), approximate="tanh"))
    pooled = hidden[:, 0].numpy()

np.save("x.npy", x)
np.save("pooler_output.npy", pooled)

# safetensors by hand (no extra package): an 8-byte little-endian header length, the JSON header, the data.
header, data, offset = {}, b"", 0
for name in sorted(tensors):
    raw = tensors[name].tobytes()
    header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(raw)]}
    data += raw
    offset += len(raw)
head = json.dumps(header, separators=(",", ":")).encode()
head += b" " * (-len(head) % 8)
with open("weights.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(head)) + head + data)
print("max |pooler_output|", np.abs(pooled).max())
