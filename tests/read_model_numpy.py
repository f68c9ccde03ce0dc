"""Reads an nnviz model file with nothing but the standard library and numpy, runs it on the
MNIST test set and checks the accuracy against the one nnviz recorded when it saved the model.

This is the reader the README shows; the test keeps it honest.
    python3 read_model_numpy.py MODEL.safetensors MNIST_DIR
"""
import json
import struct
import sys

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    return tensors, meta


def forward(tensors, arch, x):
    """x: (N, 784) normalised images -> (N, classes) outputs, following the architecture."""
    for i, layer in enumerate(arch["layers"]):
        kind = layer["type"]
        if kind == "dense":
            x = x @ tensors[f"layers.{i}.weight"].T
            if layer.get("bias", True):
                x = x + tensors[f"layers.{i}.bias"]
        elif kind == "sigmoid":
            x = 1 / (1 + np.exp(-x))
        elif kind == "tanh":
            x = np.tanh(x)
        elif kind == "relu":
            x = np.maximum(x, 0)
        elif kind == "leaky_relu":
            x = np.where(x > 0, x, layer["alpha"] * x)
        else:
            raise SystemExit(f"layer type {kind} is not handled by this reader")
    return x


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = struct.unpack(">" + "I" * rank, raw[4 : 4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    model, mnist = sys.argv[1], sys.argv[2]
    tensors, meta = load_safetensors(model)
    arch = json.loads(meta["architecture"])
    norm = json.loads(meta["normalisation"])
    info = json.loads(meta["info"])
    images = read_idx(f"{mnist}/t10k-images-idx3-ubyte").reshape(-1, 784) / 255.0
    labels = read_idx(f"{mnist}/t10k-labels-idx1-ubyte")
    x = ((images - norm["mean"]) / norm["std"]).astype(np.float32)
    accuracy = float((forward(tensors, arch, x).argmax(axis=1) == labels).mean())
    print(f"numpy: test accuracy {accuracy:.4f}, nnviz recorded {info['test_accuracy']:.4f}")
    if abs(accuracy - info["test_accuracy"]) > 0.0005:  # at most a few borderline images may flip
        raise SystemExit("numpy and nnviz disagree")
    print("numpy agrees")


if __name__ == "__main__":
    main()
