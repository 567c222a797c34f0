"""Runs the PyTorch package of one .dnn file for forward.test.ts, in one process for all its models.

argv[1] is a JSON job: {"dir": the folder holding the package, "package": its name, "seed": int,
"models": [{"name", "weights", "saved", "init", "batches": [{"inputs", "outputs"}]}]}. For each
model: its class from MODELS, created from the seed and saved to "init" (the initializers, as
PyTorch runs them); loaded from "weights" (the TypeScript module's save()); run in eval mode on
each batch's inputs (a safetensors file), its outputs written to the batch's "outputs"; and saved
again to "saved" (for the TypeScript module to load back); with "steps" (a list of safetensors
batches), loaded again and trained one train_step per batch, saved after the first to "first" and
after the last to "trained"; and trained again with training_loss, backward() and apply_gradients,
saved to "autograd" (and after the first step to "autograd" + ".first"). Prints one
JSON line: per model, its state_dict's keys and shapes, which are buffers and which parameters
require gradients; and with "sgd" (the file recompiled with sgd(lr: 0.1) as its optimizers), per
trained parameter how far torch.autograd's gradient of training_loss is from dnnc's gradient.
"""
import json
import sys

job = json.load(open(sys.argv[1]))
sys.path.insert(0, job["dir"])
package = __import__(job["package"])

import torch  # noqa: E402  (after the package's folder is on the path: the package imports it too)

report = {}
for spec in job["models"]:
    cls = package.MODELS[spec["name"]]
    cls(seed=job["seed"]).save(spec["init"])
    model = cls().load(spec["weights"])
    model.eval()
    with torch.no_grad():
        for batch in spec["batches"]:
            tensors, _ = package.load_file(batch["inputs"])
            result = model(*[tensors[name] for name, _, _ in cls.INPUTS])
            results = result if isinstance(result, tuple) else (result,)
            package.save_file(dict(zip(cls.OUTPUTS, results)), batch["outputs"])
    model.save(spec["saved"])
    if spec.get("steps"):
        trainee = cls().load(spec["weights"])
        for k, batch in enumerate(spec["steps"]):
            tensors, _ = package.load_file(batch)
            trainee.train_step(*[tensors[name] for name in cls.BATCH])
            if k == 0:
                trainee.save(spec["first"])
        trainee.save(spec["trained"])
        # The same steps with autograd's gradients: training_loss, backward, apply_gradients.
        if hasattr(cls, "apply_gradients"):
            autograd = cls().load(spec["weights"])
            for k, batch in enumerate(spec["steps"]):
                tensors, _ = package.load_file(batch)
                autograd.zero_grad()
                loss = autograd.training_loss(*[tensors[name] for name in cls.BATCH])
                loss.backward()
                autograd.apply_gradients(loss)
                if k == 0:
                    autograd.save(spec["autograd"] + ".first")
            autograd.save(spec["autograd"])
    report[spec["name"]] = {
        "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "buffers": [k for k in model.state_dict() if k not in dict(model.named_parameters())],
        "trained": [k for k, p in model.named_parameters() if p.requires_grad],
    }
# The same file with sgd(lr: 0.1) for every optimizer: a step subtracts lr times dnnc's gradient, so
# (before - after) / lr is that gradient, to compare with torch.autograd's of training_loss.
gradients = {}
if job.get("sgd"):
    sgd = __import__(job["sgd"]["package"])
    tensors, _ = sgd.load_file(job["sgd"]["batch"])
    for name in job["sgd"]["models"]:
        cls = sgd.MODELS[name]
        batch = [tensors[f"{name}.{arg}"] for arg in cls.BATCH]
        model = cls(seed=job["seed"])
        model.training_loss(*batch).backward()
        trained = [(p, t) for p, t in model.named_parameters() if t.requires_grad]
        before = {p: t.detach().clone() for p, t in trained}
        model.train_step(*batch)
        lr = float(model.tensor("lr"))
        gradients[name] = [[p, float(((before[p] - t.detach()) / lr - t.grad).abs().max()), float(((before[p] - t.detach()) / lr).abs().max())] for p, t in trained]
print(json.dumps({"models": report, "gradients": gradients}))
