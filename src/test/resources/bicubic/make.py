# Makes the bicubic fixtures: PyTorch's F.interpolate(mode="bicubic", align_corners=False, size=...) of a
# position grid as transformers' interpolate_pos_encoding calls it ([1, D, gh, gw] from a [gh, gw, D] grid).
# Run with PyTorch 1.13 (Debian python3-torch): /usr/bin/python3 make.py
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(17)
cases = {"up": (5, 4, 3, 7, 6), "mixed": (4, 4, 3, 6, 3), "dinov2": (37, 37, 2, 16, 16), "vit": (4, 4, 5, 6, 6)}
for name, (gh, gw, d, oh, ow) in cases.items():
    grid = rng.standard_normal((gh, gw, d)).astype(np.float32)
    x = torch.from_numpy(grid).permute(2, 0, 1).unsqueeze(0)
    y = F.interpolate(x, size=(oh, ow), mode="bicubic", align_corners=False)
    np.save(f"{name}_in.npy", grid)
    np.save(f"{name}_out.npy", y[0].permute(1, 2, 0).contiguous().numpy())
