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


def windows(x, k, stride, dilation=1):
    """x: (N, C, H, W) -> (N, C, OH, OW, k, k) views of every k x k window (taps `dilation` apart)."""
    span = dilation * (k - 1) + 1
    v = np.lib.stride_tricks.sliding_window_view(x, (span, span), axis=(2, 3))
    return v[:, :, ::stride, ::stride, ::dilation, ::dilation]


# The activations without settings, by their names in the architecture.
ELEMENTWISE = {
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
}


def forward(tensors, arch, x):
    """x: (N, 784) normalised images -> (N, classes) outputs, following the architecture.
    Image-shaped activations are (N, C, H, W), flat ones (N, features); nnviz stores a sample
    channel-major, (c*H + h)*W + w, which is numpy's C order of (C, H, W)."""
    x = x.reshape(x.shape[0], *arch["input"])
    for i, layer in enumerate(arch["layers"]):
        kind = layer["type"]
        t = lambda name: tensors[f"layers.{i}.{name}"]  # noqa: E731
        if kind == "dense":
            x = x.reshape(x.shape[0], -1) @ t("weight").T
            if layer.get("bias", True):
                x = x + t("bias")
        elif kind == "conv2d":
            p = layer["pad"]
            x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            # out[n, o, y, x] = sum over c, i, j of w[o, c, i, j] * window[n, c, y, x, i, j]
            x = np.einsum("ncyxij,ocij->noyx", windows(x, layer["kernel"], layer["stride"], layer["dilation"]),
                          t("weight"), optimize=True)
            if layer.get("bias", True):
                x = x + t("bias")[None, :, None, None]
        elif kind == "maxpool2d":
            x = windows(x, layer["pool"], layer["stride"]).max(axis=(4, 5))
        elif kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "dropout":
            pass  # the identity outside training
        elif kind == "batchnorm":
            # per feature of a flat input, per channel of an image, with the running statistics
            shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
            mean, var = t("running_mean").reshape(shape), t("running_var").reshape(shape)
            x = (x - mean) / np.sqrt(var + 1e-5) * t("weight").reshape(shape) + t("bias").reshape(shape)
        elif kind in ELEMENTWISE:
            x = ELEMENTWISE[kind](x)
        elif kind == "leaky_relu":
            x = np.where(x > 0, x, layer["alpha"] * x)
        else:
            raise SystemExit(f"layer type {kind} is not handled by this reader")
    return x.reshape(x.shape[0], -1)


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
    # In chunks, so that the convolution windows of a chunk fit in memory.
    predictions = np.concatenate([forward(tensors, arch, x[k : k + 500]).argmax(axis=1) for k in range(0, len(x), 500)])
    accuracy = float((predictions == labels).mean())
    print(f"numpy: test accuracy {accuracy:.4f}, nnviz recorded {info['test_accuracy']:.4f}")
    if abs(accuracy - info["test_accuracy"]) > 0.0005:  # at most a few borderline images may flip
        raise SystemExit("numpy and nnviz disagree")
    print("numpy agrees")


if __name__ == "__main__":
    main()
