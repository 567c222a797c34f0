"""Trains one model of a dnnc-generated package with DistributedDataParallel, for distributed.test.ts.

argv[1] is a JSON job: {"dir", "package", "model", "seed", "steps": [safetensors batches],
"single", "distributed"}: the model starts from the seed's initializers, saved to "weights". Two processes (gloo on localhost) each take half of every batch: the loss
runs through DistributedDataParallel(TrainingLoss(model)), backward() averages the gradients across
them, and apply_gradients makes dnnc's update; rank 0 saves the model to "distributed". For
comparison, one process takes train_step on each whole batch and saves to "single".
"""
import json
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

job = json.load(open(sys.argv[1]))
sys.path.insert(0, job["dir"])
package = __import__(job["package"])
cls = package.MODELS[job["model"]]


def batches():
    for path in job["steps"]:
        tensors, _ = package.load_file(path)
        yield [tensors[name] for name in cls.BATCH]


def train(rank, world, port):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    torch.manual_seed(0)
    model = cls().load(job["weights"])
    ddp = DistributedDataParallel(package.TrainingLoss(model))
    for batch in batches():
        share = batch[0].shape[0] // world
        mine = [t[rank * share : (rank + 1) * share] for t in batch]
        model.zero_grad()
        loss = ddp(*mine)
        loss.backward()
        model.apply_gradients(loss)
    if rank == 0:
        model.save(job["distributed"])
    dist.destroy_process_group()


if __name__ == "__main__":
    cls(seed=job["seed"]).save(job["weights"])
    single = cls().load(job["weights"])
    for batch in batches():
        single.train_step(*batch)
    single.save(job["single"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(train, args=(2, port), nprocs=2, join=True)
    print("ok")
