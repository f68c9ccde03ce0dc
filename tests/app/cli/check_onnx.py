"""Checks nnviz's ONNX export: each model file in CASES is exported by nnviz-cli, the ONNX model is
checked by onnx.checker (Debian's python3-onnx, with shape inference), run on the first 1,000 MNIST
test images by the small numpy evaluator of ONNX graphs below, and its outputs are compared with
the ones nnviz computed for the same images (NAME.outputs.f32, written by make_onnx_cases).

    python3 check_onnx.py NNVIZ_CLI CASES_DIR MNIST_DIR

The evaluator knows the operators by their ONNX definitions, not by nnviz's layers: it reads the
graph's nodes in order, takes every attribute it needs from the node (with ONNX's default where the
node leaves it out), and refuses an operator or attribute value it does not implement.
"""
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from read_model_numpy import ELEMENTWISE, read_idx, windows  # noqa: E402

IMAGES = 1000
TOLERANCE = 1e-4


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    if a.get("group", 1) != 1 or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise SystemExit(f"Conv: group or auto_pad not handled: {a}")
    k = w.shape[2]
    if list(a.get("kernel_shape", [k, k])) != [k, k] or w.shape[3] != k:
        raise SystemExit("Conv: only square kernels are handled")
    top, left, bottom, right = a.get("pads", [0, 0, 0, 0])
    (sy, sx), (dy, dx) = a.get("strides", [1, 1]), a.get("dilations", [1, 1])
    if sy != sx or dy != dx:
        raise SystemExit("Conv: only equal strides and dilations are handled")
    x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    y = np.einsum("ncyxij,ocij->noyx", windows(x, k, sy, dy), w, optimize=True)
    return y if b is None else y + b[None, :, None, None]


def max_pool(x, a):
    k, kx = a["kernel_shape"]
    sy, sx = a.get("strides", [1, 1])
    if k != kx or sy != sx or any(a.get("pads", [0] * 4)) or a.get("ceil_mode", 0) or a.get("dilations", [1, 1]) != [1, 1]:
        raise SystemExit(f"MaxPool: only square windows, equal strides, no padding, floor: {a}")
    return windows(x, k, sy).max(axis=(4, 5))


def run_graph(model, pixels):
    """The graph's outputs for `pixels`, computed in float64."""
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    values[model.graph.input[0].name] = pixels.astype(np.float64)
    for node in model.graph.node:
        a = attributes(node)
        ins = [values[n] if n else None for n in node.input]
        x = ins[0]
        op = node.op_type
        if op == "Sub":
            y = x - ins[1]
        elif op == "Div":
            y = x / ins[1]
        elif op == "Flatten":
            axis = a.get("axis", 1)
            y = x.reshape(int(np.prod(x.shape[:axis])), -1)
        elif op == "Gemm":
            A = x.T if a.get("transA", 0) else x
            B = ins[1].T if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "Conv":
            y = conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "MaxPool":
            y = max_pool(x, a)
        elif op == "BatchNormalization":
            if a.get("training_mode", 0):
                raise SystemExit("BatchNormalization in training mode")
            scale, bias, mean, var = ins[1:5]
            shape = (1, -1) + (1,) * (x.ndim - 2)
            y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + a.get("epsilon", 1e-5))
            y = y * scale.reshape(shape) + bias.reshape(shape)
        elif op in ("Dropout", "Identity"):
            if len(ins) > 2 and ins[2] is not None and ins[2].any():
                raise SystemExit("Dropout in training mode")
            y = x
        elif op.lower() in ELEMENTWISE:  # Sigmoid, Tanh, Relu
            y = ELEMENTWISE[op.lower()](x)
        elif op == "LeakyRelu":
            y = np.where(x >= 0, x, a.get("alpha", 0.01) * x)
        elif op == "Softmax":
            axis = a.get("axis", -1)
            e = np.exp(x - x.max(axis=axis, keepdims=True))
            y = e / e.sum(axis=axis, keepdims=True)
        else:
            raise SystemExit(f"operator {op} is not handled by this evaluator")
        values[node.output[0]] = y
    return {o.name: values[o.name] for o in model.graph.output}


def check_case(cli, model_path, pixels):
    name = os.path.basename(model_path)[: -len(".safetensors")]
    out_path = model_path[: -len(".safetensors")] + ".onnx"
    if os.path.exists(out_path):
        os.remove(out_path)
    r = subprocess.run([cli, "export", "--model", model_path, "--onnx", out_path], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{name}: nnviz-cli export failed ({r.returncode}): {r.stderr}")
    model = onnx.load(out_path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)

    expected = np.fromfile(model_path[: -len(".safetensors")] + ".outputs.f32", dtype="<f4").reshape(IMAGES, -1)
    classes = expected.shape[1]
    outputs = [o.name for o in model.graph.output]
    classifier = outputs == ["logits", "probabilities"]
    if not classifier and outputs != ["output"]:
        raise SystemExit(f"{name}: unexpected outputs {outputs}")
    for o in inferred.graph.output:
        dims = [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
        if dims != ["batch", classes]:
            raise SystemExit(f"{name}: output {o.name} has the shape {dims}, not [batch, {classes}]")
    if [i.name for i in model.graph.input] != ["pixels"]:
        raise SystemExit(f"{name}: the input is not named pixels")

    # A case on other pictures than MNIST's digits brings its own (the colour case).
    own = model_path[: -len(".safetensors")] + ".pixels.f32"
    if os.path.exists(own):
        dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
        pixels = np.fromfile(own, dtype="<f4").reshape([IMAGES] + dims)
    got = run_graph(model, pixels)
    raw = got[outputs[0]]
    worst = float(np.max(np.abs(raw - expected) / (1 + np.abs(expected))))
    line = f"{name}: {len(model.graph.node)} nodes; {outputs[0]} differ by at most {worst:.2e} (relative)"
    if not worst <= TOLERANCE:  # a NaN fails too
        raise SystemExit(line + f", more than {TOLERANCE}")
    if classifier:
        e = np.exp(expected - expected.max(axis=1, keepdims=True))
        probabilities = e / e.sum(axis=1, keepdims=True)
        worst_p = float(np.max(np.abs(got["probabilities"] - probabilities)))
        line += f", probabilities by {worst_p:.2e}"
        if not worst_p <= TOLERANCE:
            raise SystemExit(line + f", more than {TOLERANCE}")
        agree = float((got["probabilities"].argmax(axis=1) == expected.argmax(axis=1)).mean())
        line += f", same class for {agree * 100:.1f}% of the images"
        if agree < 1:
            raise SystemExit(line)
    print(line)


def main():
    cli, cases, mnist = sys.argv[1:4]
    models = sorted(glob.glob(os.path.join(cases, "*.safetensors")))
    if not models:
        raise SystemExit(f"no model files in {cases}")
    images = read_idx(os.path.join(mnist, "t10k-images-idx3-ubyte"))[:IMAGES]
    pixels = (images.astype(np.float32) / np.float32(255)).reshape(IMAGES, 1, 28, 28)
    for path in models:
        check_case(cli, path, pixels)
    print(f"onnx agrees: {len(models)} models, {IMAGES} images each (onnx {onnx.__version__})")


if __name__ == "__main__":
    main()
