#!/usr/bin/python3
"""PyTorch side of the ViT-B/16 peer comparison (jmh/peers/run.sh drives it; Debian python3-torch 1.13).

  export.py export DIR [--seed S] [--fresh]
      Builds torchvision's vit_b_16 with seeded random weights (every parameter that torchvision leaves
      at zero or one is re-drawn, the classification head included, so that a wrong key mapping cannot
      pass), eval mode, and writes to DIR:
        model.safetensors + config.json   timm layout, for vectorvit (ViTModel.load)
        model.onnx                        opset 14, dynamic batch axis, input "input", output "logits"
        torchvision.pt                    the state dict, for PyTorch's own loading
        input.npy                         float32 [8, 3, 224, 224], already normalized (fed as is)
        torch_logits.npy                  PyTorch float32 eager logits of input.npy [8, 1000]
        torch_logits_f64.npy              the same model in float64 (how far float32 is from exact)
        export.json                       what was made, by which versions
      Skips the work when DIR/export.json exists, unless --fresh.
  export.py bench DIR --out FILE [--warmup W] [--iterations K] [--configs 1x1,1x2,8x2]
      PyTorch eager latency alone: for each BATCHxTHREADS, W untimed passes then K timed ones; median,
      p10, p90 and min in ms, and the process's peak RSS, as JSON.
  export.py cold DIR [--threads T]
      Time to first logits in this fresh process: import torch, build vit_b_16, load torchvision.pt,
      one pass of batch 1 on T threads (default 2). Prints one JSON object (ms since the process started,
      as the kernel records it, and peak RSS).
  export.py serve DIR
      For VitPeers (Java), which alternates PyTorch with the Java engines pass by pass: prints a JSON
      "ready" line, then for each line "run BATCH THREADS" on stdin runs one pass and prints
      {"ms": ...}; "quit" ends.

Environment: every mode re-executes itself once with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed
(this machine's environment sets them, and OpenBLAS then runs AVX2 kernels at half speed),
OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads make PyTorch on 2 threads several times slower on a
shared 2-core machine) and, where Debian's libopenblas0-openmp is installed, its folder first on
LD_LIBRARY_PATH: Debian's PyTorch calls whatever libblas.so.3 is, and the reference BLAS is 40 times
slower than OpenBLAS. Timing modes refuse to run on the reference BLAS (--allow-reference-blas overrides).
"""
import argparse
import copy
import json
import os
import struct
import sys
import sysconfig
import time

IMAGE, CLASSES, BATCH = 224, 1000, 8
REEXEC = "VECTORVIT_PEERS_ENV"


def openblas_dirs():
    arch = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    return [d for d in (f"/usr/lib/{arch}/openblas-openmp", f"/usr/lib/{arch}/openblas-pthread") if os.path.isdir(d)]


def ensure_environment():
    """Re-executes this script once with the environment the measurement needs (see the module doc)."""
    if os.environ.get(REEXEC):
        return
    env = dict(os.environ)
    removed = {k: env.pop(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in env}
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    dirs = openblas_dirs()
    if dirs:
        env["LD_LIBRARY_PATH"] = ":".join([dirs[0]] + [p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p])
    env[REEXEC] = json.dumps({"removed": removed})
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def process_ms():
    """Milliseconds since this process started (the kernel's start time, 10 ms ticks, as Java's ProcessHandle)."""
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    start_ticks = int(fields[19])  # field 22 of stat(5); fields[0] here is field 3
    return (time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")) * 1e3


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def blas_info():
    """The BLAS libraries mapped into this process and, for OpenBLAS, its configuration and core."""
    libs = []
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in os.path.basename(p) and p not in libs:
                libs.append(p)
    info = {"libraries": libs, "openblas": None}
    import ctypes
    for p in libs:
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["openblas"] = {"config": lib.openblas_get_config().decode(), "core": lib.openblas_get_corename().decode(),
                                "max_threads": lib.openblas_get_num_threads()}
            break
        except (OSError, AttributeError):
            continue
    return info


def check_blas(info, allow_reference):
    if info["openblas"] is None and not allow_reference:
        sys.exit("error: PyTorch is not running on OpenBLAS (BLAS libraries mapped: %s). Install Debian's "
                 "libopenblas0-openmp (jmh/peers/run.sh does), or pass --allow-reference-blas to time it anyway."
                 % (info["libraries"] or "none"))


def environment_info():
    import torch
    return {"torch": torch.__version__, "python": sys.version.split()[0], "threads_max": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "removed_from_environment": json.loads(os.environ.get(REEXEC, "{}")).get("removed", {}),
            "mkldnn": torch.backends.mkldnn.is_available(), "blas": blas_info()}


# ------------------------------------------------------------------------------------------ export

def build_model(seed):
    import torch
    from torchvision.models import vit_b_16
    torch.manual_seed(seed)
    model = vit_b_16(weights=None)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if ".ln" in name or name.startswith("encoder.ln"):
                # LayerNorm: torchvision starts at weight 1, bias 0; a swapped or missing norm must show.
                p.copy_(1.0 + 0.1 * noise if name.endswith("weight") else 0.05 * noise)
            elif name.startswith("heads.head."):
                # torchvision zero-initializes the head: every logit would be 0 and any comparison pass.
                p.copy_(noise * (0.03 if name.endswith("weight") else 0.1))
            elif name == "class_token":
                p.copy_(0.02 * noise)
            elif name.endswith("bias"):
                p.copy_(0.02 * noise)
            # Weight matrices and the position embedding keep torchvision's seeded initialization.
    return model.eval()


def timm_state(model):
    """torchvision's parameter names -> timm's VisionTransformer names (vectorvit reads the timm layout)."""
    sd = {k: v.detach().contiguous().float().numpy() for k, v in model.state_dict().items()}
    out = {
        "cls_token": sd.pop("class_token"),
        "pos_embed": sd.pop("encoder.pos_embedding"),
        "patch_embed.proj.weight": sd.pop("conv_proj.weight"),
        "patch_embed.proj.bias": sd.pop("conv_proj.bias"),
        "norm.weight": sd.pop("encoder.ln.weight"),
        "norm.bias": sd.pop("encoder.ln.bias"),
        "head.weight": sd.pop("heads.head.weight"),
        "head.bias": sd.pop("heads.head.bias"),
    }
    renames = {"ln_1": "norm1", "ln_2": "norm2", "self_attention.in_proj": "attn.qkv",
               "self_attention.out_proj": "attn.proj", "mlp.0": "mlp.fc1", "mlp.3": "mlp.fc2"}
    for i in range(len(model.encoder.layers)):
        src = f"encoder.layers.encoder_layer_{i}."
        for old, new in renames.items():
            for kind in ("weight", "bias"):
                # MultiheadAttention names its fused projection in_proj_weight / in_proj_bias.
                key = src + (f"{old}_{kind}" if old.endswith("in_proj") else f"{old}.{kind}")
                out[f"blocks.{i}.{new}.{kind}"] = sd.pop(key)
    if sd:
        raise SystemExit(f"error: torchvision parameters left unmapped: {sorted(sd)}")
    return out


def save_safetensors(path, tensors):
    """The safetensors format: u64 little-endian header length, a JSON header, then the raw tensor bytes."""
    import numpy as np
    header, chunks, pos = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [pos, pos + len(data)]}
        chunks.append(data)
        pos += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)  # keep the data 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode("ascii"))
        for c in chunks:
            f.write(c)
    os.replace(path + ".tmp", path)


def export(args):
    out = args.dir
    done = os.path.join(out, "export.json")
    if os.path.exists(done) and not args.fresh:
        print(f"export.py: {out} already exported (export.json); --fresh to redo", file=sys.stderr)
        return
    import numpy as np
    import torch
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    model = build_model(args.seed)
    save_safetensors(os.path.join(out, "model.safetensors"), timm_state(model))
    config = {
        "architecture": "vit_base_patch16_224", "num_classes": CLASSES, "num_features": 768, "global_pool": "token",
        "pretrained_cfg": {"input_size": [3, IMAGE, IMAGE], "num_classes": CLASSES, "interpolation": "bilinear",
                           "crop_pct": 1.0, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                           "first_conv": "patch_embed.proj", "classifier": "head"},
        "note": f"torchvision vit_b_16 with random weights (seed {args.seed}), for jmh/peers; not a trained model",
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    torch.save(model.state_dict(), os.path.join(out, "torchvision.pt"))

    x = torch.randn((BATCH, 3, IMAGE, IMAGE), generator=torch.Generator().manual_seed(args.seed + 2))
    np.save(os.path.join(out, "input.npy"), x.numpy().astype("<f4"))
    with torch.inference_mode():
        logits = model(x)
        logits64 = copy.deepcopy(model).double()(x.double())
    np.save(os.path.join(out, "torch_logits.npy"), logits.numpy().astype("<f4"))
    np.save(os.path.join(out, "torch_logits_f64.npy"), logits64.numpy())
    std = float(logits.std())
    if not std > 0.1:
        raise SystemExit(f"error: the logits are nearly constant (std {std}): the head was not re-initialized")

    # torch 1.13 cannot export under no_grad/inference_mode (its fast attention path): export with grad on.
    onnx_path = os.path.join(out, "model.onnx")
    with torch.enable_grad():
        torch.onnx.export(model, x[:1], onnx_path + ".tmp", input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=14,
                          do_constant_folding=True)
    os.replace(onnx_path + ".tmp", onnx_path)
    info = {"seed": args.seed, "model": "torchvision vit_b_16, random weights", "input_shape": list(x.shape),
            "logits_std": std, "logits_max_abs": float(logits.abs().max()),
            "float32_vs_float64_max_abs": float((logits.double() - logits64).abs().max()),
            "onnx_opset": 14, "seconds": round(time.time() - t0, 1), "environment": environment_info()}
    with open(done, "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


# ------------------------------------------------------------------------------------------ timing

def load_model(d):
    import torch
    from torchvision.models import vit_b_16
    model = vit_b_16(weights=None)
    model.load_state_dict(torch.load(os.path.join(d, "torchvision.pt")))
    return model.eval()


def load_input(d):
    import numpy as np
    import torch
    return torch.from_numpy(np.load(os.path.join(d, "input.npy")))


def percentile(sorted_values, p):
    pos = (len(sorted_values) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def one_pass(model, x):
    t = time.perf_counter()
    model(x)
    return (time.perf_counter() - t) * 1e3


def parse_configs(text):
    return [tuple(int(v) for v in c.split("x")) for c in text.split(",") if c]


def bench(args):
    import torch
    info = environment_info()
    check_blas(info["blas"], args.allow_reference_blas)
    model, x = load_model(args.dir), load_input(args.dir)
    results = []
    with torch.inference_mode():
        for batch, threads in parse_configs(args.configs):
            torch.set_num_threads(threads)
            xb = x[:batch].contiguous()
            for _ in range(args.warmup):
                model(xb)
            ms = sorted(one_pass(model, xb) for _ in range(args.iterations))
            results.append({"engine": "pytorch", "batch": batch, "threads": threads, "median_ms": percentile(ms, 50),
                            "p10_ms": percentile(ms, 10), "p90_ms": percentile(ms, 90), "min_ms": ms[0], "ms": ms})
            print(f"pytorch batch {batch}, {threads} threads: median {percentile(ms, 50):.1f} ms", file=sys.stderr)
    out = {"engine": "pytorch", "environment": info, "warmup": args.warmup, "iterations": args.iterations,
           "latency": results, "peak_rss_bytes": peak_rss_bytes()}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)


def cold(args):
    import torch
    torch.set_num_threads(args.threads)
    model = load_model(args.dir)
    x = load_input(args.dir)[:1].contiguous()
    with torch.inference_mode():
        logits = model(x)
    first = process_ms()
    info = blas_info()
    check_blas(info, args.allow_reference_blas)
    print(json.dumps({"engine": "pytorch", "threads": args.threads, "batch": 1,
                      "first_logits_since_process_start_ms": round(first, 1), "peak_rss_bytes": peak_rss_bytes(),
                      "logit0": float(logits[0, 0]), "torch": torch.__version__, "blas": info}))


def serve(args):
    import torch
    info = environment_info()
    check_blas(info["blas"], args.allow_reference_blas)
    model, x = load_model(args.dir), load_input(args.dir)
    print(json.dumps({"ready": True, "environment": info}), flush=True)
    with torch.inference_mode():
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == "quit":
                break
            if words[0] != "run" or len(words) != 3:
                print(json.dumps({"error": f"unknown request {line.strip()!r}"}), flush=True)
                continue
            batch, threads = int(words[1]), int(words[2])
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
            print(json.dumps({"ms": one_pass(model, x[:batch])}), flush=True)
    print(json.dumps({"peak_rss_bytes": peak_rss_bytes()}), flush=True)


def main():
    p = argparse.ArgumentParser(description="PyTorch side of jmh/peers (see the file's docstring)")
    sub = p.add_subparsers(dest="mode", required=True)
    e = sub.add_parser("export")
    e.add_argument("dir")
    e.add_argument("--seed", type=int, default=20261126)
    e.add_argument("--fresh", action="store_true")
    for name in ("bench", "cold", "serve"):
        s = sub.add_parser(name)
        s.add_argument("dir")
        s.add_argument("--allow-reference-blas", action="store_true")
        if name == "bench":
            s.add_argument("--out", required=True)
            s.add_argument("--warmup", type=int, default=5)
            s.add_argument("--iterations", type=int, default=20)
            s.add_argument("--configs", default="1x1,1x2,8x2")
        if name == "cold":
            s.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    ensure_environment()
    {"export": export, "bench": bench, "cold": cold, "serve": serve}[args.mode](args)


if __name__ == "__main__":
    main()
