#!/usr/bin/env python3
"""PyTorch models whose state_dicts exercise the PyTorch-weights rules the test/fixtures/pytorch
models do not. SeqGru: Embedding, LayerNorm, Conv1d (NCL), a two-layer GRU (gates r, z, n; two
biases per layer) and a Linear on the last step. BiRnn: a bidirectional LSTM returning every
step, a bidirectional GRU's last states, a Linear. Writes, for each, into fixtures/:
  <name>.safetensors  its state_dict, in state_dict order (plain Python: Debian has no safetensors package)
  <name>.json         a batch of inputs and PyTorch's logits for them
The same models by hand in .dnn are fixtures/<name>.dnn. Run from the repository root:
  /usr/bin/python3 test/weights/make_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "pytorch"))
from state_dict_file import save_safetensors  # noqa: E402

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


class BiRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 3, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(6, 3, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        states, _ = self.lstm(x)                                 # [B, T, 6]: forward, backward per step
        _, last = self.gru(states)                               # [2, B, 3]: each direction's last state
        return self.fc(torch.cat([last[0], last[1]], dim=1))


def write(name, model, inputs, as_list):
    with torch.no_grad():
        logits = model(inputs)
    save_safetensors(model.state_dict(), os.path.join(HERE, f"{name}.safetensors"), "test/weights/make_fixtures.py")
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        json.dump({"inputs": as_list(inputs.flatten()), "shape": list(inputs.shape), "logits": [float(v) for v in logits.flatten()]}, f)
        f.write("\n")
    print(f"wrote fixtures/{name}.safetensors and fixtures/{name}.json")


def main():
    torch.manual_seed(0)
    seq = SeqGru().eval()
    with torch.no_grad():  # LayerNorm starts at 1 and 0: move it, so that a converter ignoring it fails
        seq.norm.weight.uniform_(0.5, 1.5)
        seq.norm.bias.uniform_(-0.5, 0.5)
    g = torch.Generator().manual_seed(1)
    write("seq_gru", seq, torch.randint(0, 12, (4, 9), generator=g), lambda t: t.tolist())
    write("bi_rnn", BiRnn().eval(), torch.randn(3, 6, 4, generator=g), lambda t: [float(v) for v in t])


if __name__ == "__main__":
    main()
