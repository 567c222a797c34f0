#!/usr/bin/env python3
"""A PyTorch sequence model whose state_dict exercises the PyTorch-weights rules the
test/fixtures/pytorch models do not: Embedding, LayerNorm, Conv1d (NCL), a two-layer GRU (gates
r, z, n; two biases per layer) and a Linear on the last step. Writes, next to this script:
  fixtures/seq_gru.safetensors  its state_dict, in state_dict order (plain Python: Debian has no safetensors package)
  fixtures/seq_gru.json         a batch of token ids and PyTorch's logits for them
The same model by hand in .dnn is fixtures/seq_gru.dnn. Run from the repository root:
  /usr/bin/python3 test/weights/make_seq_gru.py
"""
import json
import os
import struct

import torch
import torch.nn as nn

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


class SeqGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 6)
        self.norm = nn.LayerNorm(6)
        self.conv = nn.Conv1d(6, 8, 3)
        self.gru = nn.GRU(8, 5, num_layers=2, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, tokens):
        x = self.norm(self.embed(tokens))                       # [B, T, 6]
        x = self.conv(x.transpose(1, 2)).transpose(1, 2)         # [B, T - 2, 8]
        states, _ = self.gru(x)
        return self.head(states[:, -1, :])


def save_safetensors(state, path):
    header, chunks, offset = {}, [], 0
    for name, tensor in state.items():
        data = tensor.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


def main():
    torch.manual_seed(0)
    model = SeqGru().eval()
    with torch.no_grad():  # LayerNorm starts at 1 and 0: move it, so that a converter ignoring it fails
        model.norm.weight.uniform_(0.5, 1.5)
        model.norm.bias.uniform_(-0.5, 0.5)
    tokens = torch.randint(0, 12, (4, 9), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        logits = model(tokens)
    save_safetensors(model.state_dict(), os.path.join(HERE, "seq_gru.safetensors"))
    with open(os.path.join(HERE, "seq_gru.json"), "w") as f:
        json.dump({"tokens": tokens.flatten().tolist(), "shape": list(tokens.shape), "logits": [float(v) for v in logits.flatten()]}, f)
        f.write("\n")
    print("wrote fixtures/seq_gru.safetensors and fixtures/seq_gru.json")


if __name__ == "__main__":
    main()
