"""MLP training speed, plain numpy peer.

Measures training samples/s (forward + backward + SGD update) of an MLP
784-100-10 with a sigmoid hidden layer and softmax + mean cross-entropy,
plain SGD lr 0.1, on the first 50k MNIST training images (normalised by
their global mean/std) in pre-shuffled mini-batches. Forward and backward
are written by hand in float32 with preallocated buffers and in-place ops.

Threads: the BLAS thread count comes from OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS, which this script sets from --threads before importing
numpy (bench/mlp_speed.py also sets them when it launches the script).

Run (Debian interpreter, which has numpy linked against the system BLAS):
    /usr/bin/python3 bench/peers/mlp_numpy.py --batch 32 --threads 1 [--seconds 1.5] [--data DIR]
Prints one JSON line:
    {"impl": "numpy", "batch": 32, "threads": 1, "samples_per_s": ..., "blas": "..."}
"""

import sys

import benchlib as bl

args = bl.parse_args("numpy")
bl.setup_process(args.threads)  # must precede the numpy import

import numpy as np  # noqa: E402

np.seterr(over="ignore")  # exp(-x) -> inf for very negative x gives sigmoid 0, as intended


class NumpyMLP:
    def __init__(self, batch, rng):
        def uniform(shape, fan_in):
            bound = 1.0 / np.sqrt(fan_in)
            return rng.uniform(-bound, bound, shape).astype(np.float32)

        self.w1 = uniform((bl.N_IN, bl.N_HIDDEN), bl.N_IN)
        self.b1 = uniform((bl.N_HIDDEN,), bl.N_IN)
        self.w2 = uniform((bl.N_HIDDEN, bl.N_OUT), bl.N_HIDDEN)
        self.b2 = uniform((bl.N_OUT,), bl.N_HIDDEN)

        f32 = np.float32
        self.h = np.empty((batch, bl.N_HIDDEN), f32)     # hidden activations
        self.dh = np.empty((batch, bl.N_HIDDEN), f32)    # gradient wrt hidden pre-activation
        self.z = np.empty((batch, bl.N_OUT), f32)        # logits -> probabilities -> dlogits
        self.zmax = np.empty((batch, 1), f32)
        self.gw1 = np.empty_like(self.w1)
        self.gb1 = np.empty_like(self.b1)
        self.gw2 = np.empty_like(self.w2)
        self.gb2 = np.empty_like(self.b2)
        # lr / B folded into dlogits: every gradient below is already "lr * grad".
        self.scale = f32(bl.LEARNING_RATE / batch)

    def step(self, batch):
        x, onehot = batch
        h, dh, z = self.h, self.dh, self.z

        # forward: h = sigmoid(x W1 + b1), z = softmax(h W2 + b2)
        np.dot(x, self.w1, out=h)
        h += self.b1
        np.negative(h, out=h)
        np.exp(h, out=h)
        h += 1.0
        np.reciprocal(h, out=h)
        np.dot(h, self.w2, out=z)
        z += self.b2
        np.max(z, axis=1, keepdims=True, out=self.zmax)
        z -= self.zmax
        np.exp(z, out=z)
        np.sum(z, axis=1, keepdims=True, out=self.zmax)
        z /= self.zmax

        # backward: d(mean CE)/dlogits = (p - y) / B, times lr
        z -= onehot
        z *= self.scale
        np.dot(h.T, z, out=self.gw2)
        np.sum(z, axis=0, out=self.gb2)
        np.dot(z, self.w2.T, out=dh)
        dh *= h                      # sigmoid' = h (1 - h)
        np.subtract(1.0, h, out=h)   # h is not needed any more
        dh *= h
        np.dot(x.T, dh, out=self.gw1)
        np.sum(dh, axis=0, out=self.gb1)

        # SGD update
        self.w1 -= self.gw1
        self.b1 -= self.gb1
        self.w2 -= self.gw2
        self.b2 -= self.gb2

    def accuracy(self, x, y):
        hidden = 1.0 / (1.0 + np.exp(-(x @ self.w1 + self.b1)))
        return float(np.mean(np.argmax(hidden @ self.w2 + self.b2, axis=1) == y))


def main():
    train_x, train_y, test_x, test_y = bl.load_mnist(bl.data_dir(args.data))
    x, y = bl.shuffled(train_x, train_y, args.seed)
    onehot = np.eye(bl.N_OUT, dtype=np.float32)[y]
    B = args.batch
    batches = [(x[i:i + B], onehot[i:i + B]) for i in range(0, len(x) - B + 1, B)]

    model = NumpyMLP(B, np.random.default_rng(args.seed))
    samples_per_s = bl.measure(model.step, batches, B, args.seconds)
    bl.report("numpy", args, samples_per_s, bl.describe_blas())
    if args.check:
        print(f"numpy batch={B}: test accuracy {model.accuracy(test_x, test_y):.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
