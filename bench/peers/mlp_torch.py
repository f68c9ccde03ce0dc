"""MLP training speed, PyTorch (CPU, eager mode) peer.

Measures training samples/s (forward + backward + SGD update) of an MLP
784-100-10 with a sigmoid hidden layer and softmax + mean cross-entropy,
plain SGD lr 0.1, on the first 50k MNIST training images (normalised by
their global mean/std) in pre-shuffled mini-batches, using autograd.

Two formulations are available (--variant):
  module      nn.Sequential(Linear, Sigmoid, Linear) + F.cross_entropy + optim.SGD
  functional  raw parameter tensors, torch.addmm, and an in-place SGD update
The default is whichever was faster on the development machine (functional);
both do the same arithmetic. Gradients are dropped (set to None) after each
update rather than zero-filled.

Threads: torch.set_num_threads(T) sizes ATen's OpenMP pool. Debian's torch
calls a *separate* pthread OpenBLAS pool for matrix products, and with T > 1
the two pools fight over the cores (ATen's idle workers spin while OpenBLAS
wants the CPU): on a 2-core machine, batch 32-128 at T=2 ran 2-4x slower
than at T=1. So for T > 1 OpenBLAS is kept single-threaded by default
(--blas-threads overrides), which was the best uniform setting measured.

Run (Debian interpreter, which has python3-torch):
    /usr/bin/python3 bench/peers/mlp_torch.py --batch 32 --threads 1 [--seconds 1.5] [--data DIR]
Prints one JSON line:
    {"impl": "torch", "batch": 32, "threads": 1, "samples_per_s": ..., "blas": "..."}
"""

import os
import sys

import benchlib as bl


def torch_options(p):
    p.add_argument("--variant", choices=["module", "functional"], default="functional")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS threads (default: 1 when --threads > 1, see above)")


args = bl.parse_args("torch", torch_options)
bl.setup_process(args.threads)  # thread/BLAS env before torch loads OpenBLAS
blas_threads = args.blas_threads or (1 if args.threads > 1 else args.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(blas_threads)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def module_step():
    model = torch.nn.Sequential(torch.nn.Linear(bl.N_IN, bl.N_HIDDEN), torch.nn.Sigmoid(),
                                torch.nn.Linear(bl.N_HIDDEN, bl.N_OUT))
    opt = torch.optim.SGD(model.parameters(), lr=bl.LEARNING_RATE)

    def step(batch):
        x, y = batch
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    return step, model


def functional_step():
    # Same initialisation as nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    def uniform(*shape, fan_in):
        bound = fan_in ** -0.5
        return torch.empty(*shape).uniform_(-bound, bound).requires_grad_()

    w1 = uniform(bl.N_IN, bl.N_HIDDEN, fan_in=bl.N_IN)
    b1 = uniform(bl.N_HIDDEN, fan_in=bl.N_IN)
    w2 = uniform(bl.N_HIDDEN, bl.N_OUT, fan_in=bl.N_HIDDEN)
    b2 = uniform(bl.N_OUT, fan_in=bl.N_HIDDEN)
    params = [w1, b1, w2, b2]

    def step(batch):
        x, y = batch
        h = torch.sigmoid(torch.addmm(b1, x, w1))
        loss = F.cross_entropy(torch.addmm(b2, h, w2), y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad, alpha=bl.LEARNING_RATE)
                p.grad = None

    def model(x):
        return torch.sigmoid(x @ w1 + b1) @ w2 + b2

    return step, model


def main():
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y, test_x, test_y = bl.load_mnist(bl.data_dir(args.data))
    x, y = bl.shuffled(train_x, train_y, args.seed)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    B = args.batch
    batches = [(x[i:i + B], y[i:i + B]) for i in range(0, len(x) - B + 1, B)]

    make = module_step if args.variant == "module" else functional_step
    step, model = make()
    samples_per_s = bl.measure(step, batches, B, args.seconds)

    config = torch.__config__.show()
    blas_info = next((f for f in config.replace(",", " ").split() if f.startswith("BLAS_INFO=")), "BLAS_INFO=?")
    blas = f"torch {torch.__version__} {blas_info} -> {bl.describe_blas()}"
    bl.report("torch", args, samples_per_s, blas)
    if args.check:
        with torch.no_grad():
            pred = model(torch.from_numpy(test_x)).argmax(dim=1)
        acc = (pred == torch.from_numpy(test_y)).float().mean().item()
        print(f"torch/{args.variant} batch={B}: test accuracy {acc:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
