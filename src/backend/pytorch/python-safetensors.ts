// The text of the generated package's _safetensors.py: dnnc's checkpoint format read and written
// with Python's standard library and torch alone (no `safetensors` package is needed): an 8-byte
// little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and byte
// range, then the raw little-endian bytes. It writes as src/runtime/safetensors.ts does (ASCII
// JSON padded with spaces to an 8-byte boundary, `__metadata__` left out when empty), so a
// file passes between the two in both directions.
export const SAFETENSORS_PY = String.raw`"""Read and write safetensors files with torch alone: the format of dnnc's checkpoints."""
import json
import struct
import sys

import torch

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


def loads(data, where="<bytes>"):
    """The tensors (a dict of CPU tensors by name, in the file's order) and the metadata of a safetensors file's bytes."""

    def fail(message):
        raise ValueError(f"{where}: not a valid safetensors file: {message}")

    if len(data) < 8:
        fail(f"it is {len(data)} bytes long, shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        fail(f"the header length is {length} bytes, but only {len(data) - 8} bytes follow it")
    try:
        header = json.loads(data[8 : 8 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"the header is not UTF-8 JSON ({e})")
    if not isinstance(header, dict):
        fail("the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        dtype = _DTYPES.get(entry.get("dtype")) if isinstance(entry, dict) else None
        if dtype is None:
            fail(f"tensor {name!r} has no dtype this reader knows ({entry!r})")
        begin, end = entry["data_offsets"]
        shape = [int(d) for d in entry["shape"]]
        count = 1
        for d in shape:
            count *= d
        if not 0 <= begin <= end <= len(data) - start or end - begin != count * torch.empty((), dtype=dtype).element_size():
            fail(f"tensor {name!r}: bytes {begin}..{end} do not hold {entry['dtype']}{shape}")
        raw = bytearray(data[start + begin : start + end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        if sys.byteorder == "big" and flat.element_size() > 1:
            flat = flat.view(torch.uint8).reshape(-1, flat.element_size()).flip(1).reshape(-1).view(dtype)
        tensors[name] = flat.reshape(shape)
    return tensors, metadata


def load_file(path):
    """The tensors and the metadata of the safetensors file at path."""
    with open(path, "rb") as f:
        return loads(f.read(), str(path))


def dumps(tensors, metadata=None):
    """A safetensors file's bytes holding tensors (a dict by name, written in its order) and string metadata."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        t = tensor.detach().to("cpu").contiguous()
        if t.dtype not in _NAMES:
            raise TypeError(f"tensor {name!r} is {t.dtype}, which safetensors has no name for")
        raw = t.reshape(-1).view(torch.uint8)
        if sys.byteorder == "big" and t.element_size() > 1:
            raw = raw.reshape(-1, t.element_size()).flip(1).reshape(-1)
        data = raw.numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True)
    text += " " * ((8 - (8 + len(text)) % 8) % 8)
    return struct.pack("<Q", len(text)) + text.encode("ascii") + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    """Writes tensors (a dict by name) and string metadata to path as a safetensors file."""
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))
`;
