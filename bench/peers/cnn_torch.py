"""Convolutional-net training speed, PyTorch (CPU, eager mode) peer.

Measures training samples/s (forward + backward + SGD update) of the nnviz
presets' conv nets, trained as nnviz-bench's cnn mode does (plain SGD, lr 0.01,
softmax + mean cross-entropy) on the first 50k MNIST training images
(normalised by their global mean/std) in pre-shuffled mini-batches:

  cnn8     Conv2d(1, 8, 5) ReLU MaxPool2d(2) Flatten Linear(1152, 100) ReLU Linear(100, 10)
  cnn8-16  Conv2d(1, 8, 5) ReLU Conv2d(8, 16, 5) ReLU MaxPool2d(2) Flatten
           Linear(1600, 100) ReLU Linear(100, 10)

Setup (each can be overridden; the defaults were the fastest on the development
machine, an AVX-512 Xeon, at batch 32 and 128 with 1 and 2 threads):
  --conv-backend mkldnn   convolutions through oneDNN (MKL-DNN 2.6, JIT kernels
                          for the CPU it finds, AVX-512 here); "native" disables
                          it (ATen's im2col + BLAS path)
  --channels-last         NHWC memory format (default off)
  ATEN_CPU_CAPABILITY     left to ATen's own choice unless set by the caller
Threads: torch.set_num_threads(T) (ATen's and oneDNN's OpenMP pool); the
separate pthread OpenBLAS pool (the dense layers' products) gets 1 thread when
T > 1, as in mlp_torch.py, so the two pools do not fight over the cores.

Run (Debian interpreter, which has python3-torch):
    /usr/bin/python3 bench/peers/cnn_torch.py --preset cnn8 --batch 32 --threads 1
Prints one JSON line:
    {"impl": "torch", "preset": "cnn8", "batch": 32, "threads": 1, "samples_per_s": ..., "blas": "..."}
"""

import json
import os
import sys

import benchlib as bl

LEARNING_RATE = 0.01


def torch_options(p):
    p.add_argument("--preset", choices=["cnn8", "cnn8-16"], default="cnn8")
    p.add_argument("--conv-backend", choices=["mkldnn", "native"], default="mkldnn")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS threads (default: 1 when --threads > 1)")


args = bl.parse_args("torch", torch_options)
bl.setup_process(args.threads)  # thread/BLAS env before torch loads OpenBLAS
os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads or (1 if args.threads > 1 else args.threads))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def make_model(preset):
    if preset == "cnn8":
        layers = [nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 12 * 12, 100)]
    else:
        layers = [nn.Conv2d(1, 8, 5), nn.ReLU(), nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                  nn.Linear(16 * 10 * 10, 100)]
    return nn.Sequential(*layers, nn.ReLU(), nn.Linear(100, 10))


def main():
    torch.set_num_threads(args.threads)
    torch.backends.mkldnn.enabled = args.conv_backend == "mkldnn"
    torch.manual_seed(args.seed)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    train_x, train_y, test_x, test_y = bl.load_mnist(bl.data_dir(args.data))
    x, y = bl.shuffled(train_x, train_y, args.seed)
    x = torch.from_numpy(x).reshape(-1, 1, 28, 28).contiguous(memory_format=fmt)
    y = torch.from_numpy(y)
    B = args.batch
    batches = [(x[i:i + B], y[i:i + B]) for i in range(0, len(x) - B + 1, B)]

    model = make_model(args.preset).to(memory_format=fmt)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def step(batch):
        xb, yb = batch
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    samples_per_s = bl.measure(step, batches, B, args.seconds)

    config = torch.__config__.show()
    blas_info = next((f for f in config.replace(",", " ").split() if f.startswith("BLAS_INFO=")), "BLAS_INFO=?")
    conv = "oneDNN" if torch.backends.mkldnn.enabled and torch.backends.mkldnn.is_available() else "native"
    blas = (f"torch {torch.__version__} conv={conv}{' channels_last' if args.channels_last else ''} "
            f"{blas_info} -> {bl.describe_blas()}")
    print(json.dumps({"impl": "torch", "preset": args.preset, "batch": B, "threads": args.threads,
                      "samples_per_s": round(samples_per_s, 1), "blas": blas}, separators=(",", ":")), flush=True)
    if args.check:
        with torch.no_grad():
            pred = model(torch.from_numpy(test_x).reshape(-1, 1, 28, 28).contiguous(memory_format=fmt)).argmax(dim=1)
        acc = (pred == torch.from_numpy(test_y)).float().mean().item()
        print(f"torch {args.preset} batch={B}: test accuracy {acc:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
