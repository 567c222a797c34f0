"""PyTorch's side of bench/train-speed.ts (driven by bench/lib/pytorch.ts): one model, one thread count.

Reads one JSON request on stdin, writes one JSON reply on stdout (anything else PyTorch prints goes
to stderr). The request names the network (bench/lib/train-models.ts's layer list), the batch and
dnnc's initial weights (raw little-endian float32/int32 files, so the numbers cross exactly), the
thread count, the CPUs to run on and the repetition policy of bench/lib/timing.ts. The reply holds
the logits before training (for the agreement check), the training losses in order, and a timing
of inference and of a training step with the keys bench/lib/timing.ts's Timing has.

The network is written the way a PyTorch user would: nn.Sequential of Conv2d / MaxPool2d / ReLU /
Flatten / Linear on NCHW data, torch.optim.Adam, F.cross_entropy on the logits. dnnc's weights are
Keras-laid-out (dense kernels [in, out], convolution kernels [kh, kw, cin, cout], NHWC activations),
so they are permuted once here, and the first dense layer after a flatten gets its rows reordered
from (h, w, c) to PyTorch's (c, h, w) flatten order: the same function, no transposes in the
timed calls. Inputs arrive NHWC and are converted to NCHW once, outside the timed calls.

Run with Debian's /usr/bin/python3 (python3-torch, scripts/setup-bench.sh).
"""

import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def quantile(xs, q):
    """As bench/lib/timing.ts's quantile(): linear interpolation between neighbours."""
    s = sorted(xs)
    i = (len(s) - 1) * q
    lo, hi = math.floor(i), math.ceil(i)
    return s[lo] + (s[hi] - s[lo]) * (i - lo)


def measure(fn, p):
    """bench/lib/timing.ts's measure(): warm-up calls (at least one, more while under warmupMs, at
    most maxWarmup), then timed calls until maxReps or budgetMs, never fewer than minReps. CPU time
    is the process's (every thread), as process.cpuUsage() is in Node."""
    warmup_ms = []
    w0 = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        warmup_ms.append(1000 * (time.perf_counter() - t0))
        if len(warmup_ms) >= p["maxWarmup"] or 1000 * (time.perf_counter() - w0) >= p["warmupMs"]:
            break
    wall_ms, cpu_ms = [], []
    start = time.perf_counter()
    while len(wall_ms) < p["minReps"] or (len(wall_ms) < p["maxReps"] and 1000 * (time.perf_counter() - start) < p["budgetMs"]):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        wall_ms.append(1000 * (time.perf_counter() - t0))
        cpu_ms.append(1000 * (time.process_time() - c0))
    return {
        "warmup": len(warmup_ms),
        "warmupMs": warmup_ms,
        "reps": len(wall_ms),
        "wallMs": wall_ms,
        "cpuMs": cpu_ms,
        "median": quantile(wall_ms, 0.5),
        "p90": quantile(wall_ms, 0.9),
        "cpuMedian": quantile(cpu_ms, 0.5),
        "cpuP90": quantile(cpu_ms, 0.9),
    }


def blas_libraries():
    """The BLAS libraries this process has loaded, resolved: nn.Linear's products go through
    libblas.so.3, which Debian's alternatives point at the reference BLAS (libblas3) or an optimised
    one (OpenBLAS, BLIS) when installed, so the report must say which."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                if len(fields) >= 6 and "blas" in os.path.basename(fields[5]).lower():
                    libs.add(os.path.realpath(fields[5]))
    except OSError:
        pass
    return sorted(libs)


def read(path, dtype, shape):
    return torch.from_numpy(np.fromfile(path, dtype=dtype).reshape(shape).copy())


def build(layers, input_shape, weights):
    """nn.Sequential for the layer list, holding dnnc's weights (consumed in creation order)."""
    mods = []
    shape = list(input_shape)  # NHWC without the batch, or [features]
    flattened_from = None  # the (h, w, c) a flatten saw, for the next dense layer's row order
    it = iter(weights)
    for layer in layers:
        kind = layer["kind"]
        if kind == "conv2d":
            h, w, c = shape
            kernel, bias = next(it), next(it)  # [kh, kw, cin, cout], [cout]
            conv = nn.Conv2d(c, layer["filters"], layer["kernel"])
            with torch.no_grad():
                conv.weight.copy_(kernel.permute(3, 2, 0, 1))
                conv.bias.copy_(bias)
            mods.append(conv)
            if layer["relu"]:
                mods.append(nn.ReLU())
            shape = [h - layer["kernel"] + 1, w - layer["kernel"] + 1, layer["filters"]]
        elif kind == "maxpool":
            h, w, c = shape
            mods.append(nn.MaxPool2d(layer["size"]))
            shape = [h // layer["size"], w // layer["size"], c]
        elif kind == "flatten":
            mods.append(nn.Flatten())
            flattened_from = shape
            shape = [shape[0] * shape[1] * shape[2]]
        elif kind == "dense":
            (features,) = shape
            kernel, bias = next(it), next(it)  # [in, out], [out]
            if flattened_from is not None:
                h, w, c = flattened_from
                kernel = kernel.reshape(h, w, c, -1).permute(2, 0, 1, 3).reshape(features, -1)
                flattened_from = None
            lin = nn.Linear(features, layer["units"])
            with torch.no_grad():
                lin.weight.copy_(kernel.t())
                lin.bias.copy_(bias)
            mods.append(lin)
            if layer["relu"]:
                mods.append(nn.ReLU())
            shape = [layer["units"]]
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    if next(it, None) is not None:
        raise ValueError("more weights than the layers take")
    return nn.Sequential(*mods)


def main():
    req = json.load(sys.stdin)
    if req.get("cpus") is not None:
        os.sched_setaffinity(0, req["cpus"])
    torch.set_num_threads(req["threads"])
    torch.set_num_interop_threads(1)  # eager execution runs no ops concurrently; no idle pool
    torch.manual_seed(0)

    batch, input_shape = req["batch"], req["input"]
    weights = [read(w["file"], np.float32, w["shape"]) for w in req["weights"]]
    model = build(req["layers"], input_shape, weights)
    x = read(req["x"], np.float32, [batch, *input_shape])
    if len(input_shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC → NCHW, once
    y = read(req["y"], np.int32, [batch]).long()

    with torch.inference_mode():
        logits = model(x).flatten().tolist()

    def forward():
        with torch.inference_mode():
            model(x)

    opt = torch.optim.Adam(model.parameters(), lr=req["lr"], eps=req["epsilon"])
    losses = []

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    forward_timing = measure(forward, req["policy"])
    step_timing = measure(step, req["policy"])
    json.dump(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "cpus": sorted(os.sched_getaffinity(0)),
            "blas": blas_libraries(),
            "logits": logits,
            "losses": losses,
            "forward": forward_timing,
            "step": step_timing,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
