"""Runs the named training programs of a PyTorch package for programs.test.ts.

argv[1] is a JSON job: {"dir": the folder holding the package, "package": its name, "model": the
.dnn model's name, "weights": a checkpoint to start from (the TypeScript module's save()),
"steps": [[program name, safetensors batch], ...] in order, "trained": where to save the model
after them}. Each step calls the program's method from PROGRAMS with the batch's tensors in the
order PROGRAMS gives. Prints the losses as one JSON line.
"""
import json
import sys

job = json.load(open(sys.argv[1]))
sys.path.insert(0, job["dir"])
package = __import__(job["package"])

cls = package.MODELS[job["model"]]
model = cls().load(job["weights"])
losses = []
for program, batch in job["steps"]:
    method, names = cls.PROGRAMS[program]
    tensors, _ = package.load_file(batch)
    losses.append(getattr(model, method)(*[tensors[name] for name in names]))
model.save(job["trained"])
print(json.dumps({"losses": losses}))
