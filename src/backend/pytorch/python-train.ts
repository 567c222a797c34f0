// The text of the generated package's train.py: `python -m <package>.train`, alone or under
// `torchrun --nproc_per_node=N`, trains a model of the package with DistributedDataParallel
// (gloo on CPUs, nccl on GPUs): each process a DistributedSampler's share of every epoch, the
// loss through TrainingLoss, dnnc's update by apply_gradients, a checkpoint in dnnc's format from
// rank 0 after every epoch, resumed from where it stopped. The data is a CSV file (the label in the
// last column; `.gz` or not) or a directory of IDX files, as `dnnc train` reads them; a CSV's test
// rows are drawn with dnnc's own seeded shuffle (mulberry32), so `--test-count 297` on the UCI
// digits gives `dnnc train --dataset digits`'s split.
export const TRAIN_PY = String.raw`"""Train a model of this package, on one process or under torchrun with DistributedDataParallel.

    torchrun --nproc_per_node=2 -m <package>.train --data digits.csv.gz --test-count 297 --epochs 20 --checkpoint ckpt.safetensors

The data: a CSV file whose last column is the label (gzipped or not), or a directory holding the
four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte, each gzipped or not; pixels scaled to [0, 1]). The checkpoint is dnnc's
(parameters, optimizer states, step count): dnnc train --resume and every TypeScript module load it,
and this command resumes from it.
"""
import argparse
import gzip
import os
import struct

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from . import MODELS, TrainingLoss


def mulberry32(seed):
    """dnnc's seeded generator (src/runtime/random-order.ts): floats in [0, 1)."""
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def next_float():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def shuffled(n, seed):
    """0..n-1 in dnnc's seeded Fisher-Yates order."""
    order = list(range(n))
    rand = mulberry32(seed)
    for i in range(n - 1, 0, -1):
        j = int(rand() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def _open(path):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def read_csv(path, test_count, seed):
    """(train, test) of a CSV file, each (features float32 [N, F], labels int32 [N])."""
    with _open(path) as f:
        rows = [line.split(b",") for line in f.read().splitlines() if line.strip()]
    data = torch.tensor([[float(v) for v in row] for row in rows], dtype=torch.float64)
    x, y = data[:, :-1].float(), data[:, -1].to(torch.int32)
    order = torch.tensor(shuffled(len(rows), seed), dtype=torch.int64)
    train, test = order[: len(rows) - test_count], order[len(rows) - test_count :]
    return (x[train], y[train]), (x[test], y[test])


def _idx(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with _open(path) as f:
                data = f.read()
            dims = data[3]
            shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
            return torch.frombuffer(bytearray(data[4 + 4 * dims :]), dtype=torch.uint8).reshape(shape)
    raise FileNotFoundError(f"{directory}: no {stem} or {stem}.gz")


def read_idx(directory):
    """(train, test) of an IDX directory: images as float32 [N, H, W, 1] in [0, 1], labels int32."""
    def split(images, labels):
        x = _idx(directory, images).float() / 255
        return x.reshape(x.shape + (1,)) if x.dim() == 3 else x, _idx(directory, labels).to(torch.int32)

    return split("train-images-idx3-ubyte", "train-labels-idx1-ubyte"), split("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def as_input(cls, x):
    """Rows reshaped to the model's first input (its symbolic sizes taking the rows' number)."""
    shape = [-1 if isinstance(d, str) else d for d in cls.INPUTS[0][2]]
    return x.reshape(shape)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m <package>.train", description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="the model to train (default: the first with a train block)")
    parser.add_argument("--data", required=True, help="a CSV file (label last) or a directory of IDX files")
    parser.add_argument("--test-count", type=int, default=0, help="with a CSV: rows held out as the test set, drawn by --split-seed")
    parser.add_argument("--split-seed", type=int, default=7, help="with a CSV: the seed of the test rows' draw (7: dnnc's digits split)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32, help="examples per process and step")
    parser.add_argument("--seed", type=int, default=0, help="the initializers' seed, and the epochs' order")
    parser.add_argument("--checkpoint", help="saved after every epoch by rank 0, and resumed from when it exists")
    parser.add_argument("--predictions", help="rank 0 writes the test set's outputs there (safetensors)")
    args = parser.parse_args(argv)

    names = [n for n, c in MODELS.items() if c.STATES] if args.model is None else [args.model]
    if not names or names[0] not in MODELS or not MODELS[names[0]].STATES:
        parser.error(f"no model with a train block called {args.model!r}" if args.model else "no model with a train block")
    cls = MODELS[names[0]]

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")

    (x, y), (test_x, test_y) = read_idx(args.data) if os.path.isdir(args.data) else read_csv(args.data, args.test_count, args.split_seed)
    model = cls(seed=args.seed)
    if args.checkpoint and os.path.exists(args.checkpoint):
        model.load(args.checkpoint)
    model.to(device)
    loss_of = DistributedDataParallel(TrainingLoss(model)) if world > 1 else TrainingLoss(model)

    sampler = DistributedSampler(TensorDataset(x, y), num_replicas=world, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch, sampler=sampler, drop_last=True)
    steps_per_epoch = len(loader)
    for epoch in range(model.steps // steps_per_epoch, args.epochs):
        sampler.set_epoch(epoch)
        total = 0.0
        for features, labels in loader:
            model.zero_grad()
            loss = loss_of(as_input(cls, features).to(device), labels.to(device))
            loss.backward()
            model.apply_gradients(loss)
            total += float(loss)
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {total / steps_per_epoch:.4f}", flush=True)
            if args.checkpoint:
                model.save(args.checkpoint)

    if rank == 0 and len(test_y) > 0:
        model.eval()
        with torch.no_grad():
            out = model(as_input(cls, test_x).to(device))
            first = out[0] if isinstance(out, tuple) else out
            accuracy = float((first.argmax(dim=-1).cpu() == test_y.long()).float().mean())
        print(f"test accuracy {accuracy:.4f} on {len(test_y)} examples", flush=True)
        if args.predictions:
            from ._safetensors import save_file

            save_file({cls.OUTPUTS[0]: first.cpu()}, args.predictions)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
