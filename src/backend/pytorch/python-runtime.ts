// The text of the generated package's _runtime.py: the base class of every model (its tensors
// kept under dnnc's names, save and load of dnnc checkpoints) and the IR primitives that are not
// one torch call (render.ts): sliding windows and their adjoint, row lookups with the IR's rule
// that an out-of-range index reads zeros, scan, iota, and dnnc's counter-based random numbers,
// which draw exactly the values the TypeScript modules draw (src/ir/interpret.ts's randomBits).
export const RUNTIME_PY = String.raw`"""What every model of a dnnc-generated package shares: tensors kept under dnnc's names, checkpoints, and the IR's primitives."""
import math

import torch
import torch.nn.functional as F
from torch import nn

from ._safetensors import load_file, save_file


class Layer(nn.Module):
    """The tensors of one layer of a dnnc model, registered under their dnnc names."""


class DnncModule(nn.Module):
    """A dnnc model as an nn.Module whose state_dict() keys are dnnc's tensor names.

    dnnc names a layer's tensors "<layer>.<tensor>" (dense.kernel, batch_norm.moving_mean): each
    dotted name is kept as nested modules (a Layer called dense holding a parameter called
    kernel), so state_dict() and load_state_dict() use exactly the names of dnnc's safetensors
    checkpoints. Subclasses list their tensors in TENSORS: (name, shape, kind), kind being
    "parameter" (trained), "frozen" (a parameter that is not trained) or "buffer" (a statistic
    the model keeps, such as BatchNorm's moving mean).
    """

    TENSORS = ()
    STATES = ()
    steps = 0

    def gradients(self):
        """Each trained parameter's .grad, in the order of TENSORS (zeros where autograd left none)."""
        out = []
        for name, _, kind in self.TENSORS:
            if kind == "parameter":
                t = self.tensor(name)
                out.append(t.grad if t.grad is not None else torch.zeros_like(t))
        return out

    def _stash_moving_statistics(self, values):
        # training_loss's new moving statistics (BatchNorm's), which apply_gradients moves the buffers to.
        object.__setattr__(self, "_moving_statistics", tuple(v.detach() for v in values))

    def _apply_moving_statistics(self):
        values = self.__dict__.pop("_moving_statistics", None)
        if values is None:
            return
        buffers = [name for name, _, kind in self.TENSORS if kind == "buffer"]
        for name, value in zip(buffers, values):
            self.tensor(name).copy_(value)

    def _set_steps(self, count):
        # Past nn.Module.__setattr__, which refuses an int where a tensor or layer of the model is called "steps".
        object.__setattr__(self, "steps", count)

    def _register(self, name, value, kind):
        # A tensor of its own: an initializer's value may be a broadcast view of one number.
        value = value.clone(memory_format=torch.contiguous_format)
        *path, leaf = name.split(".")
        owner = self
        for part in path:
            # Registered through the dicts, so that no layer name can meet an attribute of nn.Module.
            if part not in owner._modules:
                owner._modules[part] = Layer()
            owner = owner._modules[part]
        if kind == "buffer":
            owner._buffers[leaf] = value
        elif kind == "state":
            # An optimizer state: moved with the model, saved by save(), but not a key of state_dict().
            owner._buffers[leaf] = value
            owner._non_persistent_buffers_set.add(leaf)
        else:
            owner._parameters[leaf] = nn.Parameter(value, requires_grad=kind == "parameter")

    def tensor(self, name):
        """The parameter or buffer called name (a dnnc name: "dense.kernel")."""
        *path, leaf = name.split(".")
        owner = self
        for part in path:
            owner = owner._modules[part]
        return owner._parameters[leaf] if leaf in owner._parameters else owner._buffers[leaf]

    def save(self, path):
        """Writes the model to path as a dnnc checkpoint (safetensors, float32): its tensors, and with a
        train block its optimizer's states and step count, as the TypeScript modules' save() does."""
        names = [name for name, _, _ in self.TENSORS] + [name for name, _ in self.STATES]
        metadata = {"dnnc.model": self.NAME}
        if self.STATES:
            metadata["dnnc.steps"] = str(self.steps)
        save_file({name: self.tensor(name).float() for name in names}, path, metadata)

    def load(self, path):
        """Reads the model from a dnnc checkpoint (a TypeScript module's save(), dnnc train's checkpoint):
        its tensors, and the optimizer's states and step count where the file has them all (else they
        go back to their initial values, as in the TypeScript modules). Returns the model."""
        tensors, metadata = load_file(path)
        self.load_tensors(tensors, str(path))
        if self.STATES:
            with torch.no_grad():
                resumed = all(name in tensors for name, _ in self.STATES)
                initial = self.initial_states() if not resumed else None
                for k, (name, _) in enumerate(self.STATES):
                    target = self.tensor(name)
                    target.copy_((tensors[name] if resumed else initial[k]).to(dtype=target.dtype, device=target.device))
                self._set_steps(int(metadata.get("dnnc.steps", "0")) if resumed else 0)
        return self

    def load_tensors(self, tensors, where="checkpoint"):
        """Copies every tensor of the model from tensors, a dict by dnnc name (extra entries are ignored)."""
        with torch.no_grad():
            for name, shape, _ in self.TENSORS:
                if name not in tensors:
                    raise KeyError(f"{where}: no tensor {name!r}")
                value = tensors[name]
                if tuple(value.shape) != tuple(shape):
                    raise ValueError(f"{where}: tensor {name!r} has shape {list(value.shape)}, the model's is {list(shape)}")
                target = self.tensor(name)
                target.copy_(value.to(dtype=target.dtype, device=target.device))


class TrainingLoss(nn.Module):
    """A model's training_loss as a module's forward, for DistributedDataParallel, which reduces the
    gradients of what runs through its forward: DistributedDataParallel(TrainingLoss(model))(*batch) is
    the loss; after its backward(), model.apply_gradients(loss) updates with the averaged gradients."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *batch):
        return self.model.training_loss(*batch)


def pad(x, before, after):
    """Zero padding: before[i] and after[i] elements around axis i."""
    pairs = []
    for b, a in zip(reversed(before), reversed(after)):
        pairs += [b, a]
    return F.pad(x, pairs) if any(pairs) else x


def iota(shape, axis, dtype, device):
    """Each element's index along axis."""
    line = torch.arange(shape[axis], dtype=dtype, device=device)
    return line.reshape([shape[axis] if i == axis else 1 for i in range(len(shape))]).expand(shape)


def windows(x, kernel, stride, dilation, pad_before, out_hw, fill):
    """Sliding windows over the spatial axes of an NHWC image: [N, H, W, C] to [N, OH, OW, KH, KW, C].
    Positions outside the image read fill."""
    _, h, w, _ = x.shape
    reach = [(out_hw[i] - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 for i in range(2)]
    after = [max(0, reach[0] - pad_before[0] - h), max(0, reach[1] - pad_before[1] - w)]
    if any(pad_before) or any(after):
        x = F.pad(x, (0, 0, pad_before[1], after[1], pad_before[0], after[0]), value=fill)
    taps = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            taps.append(x[:, top : top + (out_hw[0] - 1) * stride[0] + 1 : stride[0], left : left + (out_hw[1] - 1) * stride[1] + 1 : stride[1], :])
    return torch.stack(taps, dim=3).unflatten(3, (kernel[0], kernel[1]))


def unwindows(x, kernel, stride, dilation, pad_before, image_hw):
    """The adjoint of windows: every window element summed back onto the image position it was read from."""
    n, oh, ow, _, _, c = x.shape
    reach = [(oh - 1) * stride[0] + (kernel[0] - 1) * dilation[0] + 1, (ow - 1) * stride[1] + (kernel[1] - 1) * dilation[1] + 1]
    size = [max(pad_before[i] + image_hw[i], reach[i]) for i in range(2)]
    image = x.new_zeros((n, size[0], size[1], c))
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            image[:, top : top + (oh - 1) * stride[0] + 1 : stride[0], left : left + (ow - 1) * stride[1] + 1 : stride[1], :] += x[:, :, :, i, j, :]
    return image[:, pad_before[0] : pad_before[0] + image_hw[0], pad_before[1] : pad_before[1] + image_hw[1], :]


def _rows_mask(indices, rows, rank):
    valid = (indices >= 0) & (indices < rows)
    safe = torch.where(valid, indices, torch.zeros_like(indices)).long()
    return safe, valid.reshape(valid.shape + (1,) * rank)


def gather(table, indices):
    """Rows of table at indices: [V, ...D] and int [...S] to [...S, ...D]; an index outside 0..V-1 reads zeros."""
    safe, valid = _rows_mask(indices, table.shape[0], table.dim() - 1)
    return torch.where(valid, table[safe], torch.zeros((), dtype=table.dtype, device=table.device))


def scatter_add(updates, indices, rows):
    """The adjoint of gather: each update row added onto row indices[...] of a zero [rows, ...D]; indices outside 0..rows-1 add nothing."""
    row_shape = tuple(updates.shape[indices.dim() :])
    safe, valid = _rows_mask(indices, rows, len(row_shape))
    kept = torch.where(valid, updates, torch.zeros((), dtype=updates.dtype, device=updates.device))
    return updates.new_zeros((rows,) + row_shape).index_add(0, safe.reshape(-1), kept.reshape((-1,) + row_shape))


def scan(body, init, xs, consts, axis, reverse):
    """A recurrence: carry = body(carry, xs at step t, *consts) for each t along axis (last to first with
    reverse); every step's carry, stacked along axis."""
    steps = xs.shape[axis]
    carries = [None] * steps
    carry = init
    for t in range(steps - 1, -1, -1) if reverse else range(steps):
        carry = body(carry, xs.select(axis, t), *consts)
        carries[t] = carry
    return torch.stack(carries, dim=axis)


_M32 = 0xFFFFFFFF


def _mul32(v, k):
    # v * k modulo 2**32 for v < 2**32, in int64 without overflow: k taken 16 bits at a time.
    return (v * (k & 0xFFFF) + (((v * (k >> 16)) & 0xFFFF) << 16)) & _M32


def _mix(v):
    v = v ^ (v >> 16)
    v = _mul32(v, 0x7FEB352D)
    v = v ^ (v >> 15)
    v = _mul32(v, 0x846CA68B)
    return v ^ (v >> 16)


def _bits(seed, stream, index):
    return _mix(_mix(_mix(torch.full_like(index, seed & _M32)) ^ stream) ^ index)


def random(seed, shape, dist, stream, device):
    """dnnc's counter-based random numbers: element i of stream s under a seed is a pure function of
    (seed, s, i), the same in every dnnc target. uniform: [0, 1) on a 2**-24 grid; normal: Box-Muller."""
    seed = int(seed)
    count = math.prod(shape)
    if dist == "uniform":
        index = torch.arange(count, dtype=torch.int64, device=device)
        return ((_bits(seed, stream, index) >> 8).double() / 16777216).float().reshape(shape)
    index = torch.arange(count, dtype=torch.int64, device=device)
    u1 = (_bits(seed, stream, 2 * index) >> 8).double() / 16777216
    u2 = (_bits(seed, stream, 2 * index + 1) >> 8).double() / 16777216
    return (torch.sqrt(-2 * torch.log(u1 + 1 / 16777216)) * torch.cos(2 * math.pi * u2)).float().reshape(shape)
`;
