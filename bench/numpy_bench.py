"""numpy's numbers for `npm run bench`: the same work as bench/run.ts, on the same MNIST files.

usage: /usr/bin/python3 bench/numpy_bench.py <mnist-dir> <reps> [entry ...]   → one JSON object on stdout
       (median milliseconds of each entry, or of the named ones only)
       /usr/bin/python3 bench/numpy_bench.py <mnist-dir> --serve
       (what bench/run.ts uses: prints "ready <numpy version>", then for each line "<entry> <count>" on
       stdin runs the entry count times and prints {"entry": …, "ms": [one time per run]}; bench/run.ts
       alternates its own runs with numpy's, so both sides see the same load on a shared machine)
Everything is float32 (like the TypeScript side); numpy uses the system BLAS (OpenBLAS on Debian).
"""
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        import gzip
        data = gzip.decompress(data)
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def median_ms(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def make_entries(d):
    """Every entry as a function that does its work once (the time of one call is one measurement)."""
    X = (read_idx(os.path.join(d, "train-images-idx3-ubyte")).reshape(60000, 784).astype(np.float32) / np.float32(255))
    y = read_idx(os.path.join(d, "train-labels-idx1-ubyte")).astype(np.int64)
    rs = np.random.RandomState(1127)
    K, H = 10, 256
    entries = {}

    # products (same shapes and operands as bench/run.ts)
    W = (0.1 * rs.randn(784, H)).astype(np.float32)
    D = rs.randn(60000, H).astype(np.float32)
    W1 = (0.1 * rs.randn(H, 784)).astype(np.float32)
    Xb = np.ascontiguousarray(X[:128])
    entries["gemm_60000x784x256"] = lambda: X @ W
    entries["gemm_t_784x60000x256"] = lambda: X.T @ D
    entries["gemm_128x784x256"] = lambda: Xb @ W1.T

    # the notes' network: 784-256-10, ReLU hidden layer with bias, softmax output without bias,
    # mean cross-entropy + (alpha/2)·Σ‖W‖², the notes' RMSprop (one scalar accumulator per group)
    alpha, eta, gamma, eps = 1e-6, 0.5, 0.99, 1e-3

    def make_net():
        r = np.random.RandomState(1127)
        return {"W1": (0.1 * r.randn(H, 784)).astype(np.float32), "b1": r.randn(H).astype(np.float32),
                "W2": (0.1 * r.randn(K, H)).astype(np.float32)}

    def loss_and_grad(net, Xb, yb):
        n = Xb.shape[0]
        Z1 = Xb @ net["W1"].T + net["b1"]
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ net["W2"].T
        M = Z2.max(axis=1, keepdims=True)
        E = np.exp(Z2 - M)
        S = E.sum(axis=1, keepdims=True)
        P = E / S
        L = float(np.mean(M[:, 0] + np.log(S[:, 0]) - Z2[np.arange(n), yb]))
        L += alpha / 2 * float((net["W1"] ** 2).sum() + (net["W2"] ** 2).sum())
        D2 = P
        D2[np.arange(n), yb] -= 1
        gW2 = (D2.T @ A1) / n + alpha * net["W2"]
        D1 = (D2 @ net["W2"]) * (Z1 > 0)
        gW1 = (D1.T @ Xb) / n + alpha * net["W1"]
        gb1 = D1.sum(axis=0) / n
        return L, {"W1": gW1, "b1": gb1, "W2": gW2}

    def rmsprop_notes(net, grads, G):
        for k in net:
            G[k] = gamma * G[k] + (1 - gamma) * float((grads[k] ** 2).sum())
            net[k] -= (eta / np.sqrt(G[k] + eps)) * grads[k]

    net = make_net()
    G = {k: 1.0 for k in net}

    def full_step():
        L, g = loss_and_grad(net, X, y)
        rmsprop_notes(net, g, G)
    entries["mlp_fullbatch_step_60000"] = full_step

    def epoch_mb128():
        net = make_net()
        G = {k: 1.0 for k in net}
        order = np.random.RandomState(1).permutation(60000)
        for s in range(0, 60000, 128):
            idx = order[s:s + 128]
            L, g = loss_and_grad(net, X[idx], y[idx])
            rmsprop_notes(net, g, G)
    entries["mlp_epoch_mb128"] = epoch_mb128

    # softmax regression (W: 10×784, b: 10), mini-batch 10, plain SGD
    def epoch_softmax_mb10():
        Wsm = np.zeros((K, 784), np.float32)
        bsm = np.zeros(K, np.float32)
        order = np.random.RandomState(1).permutation(60000)
        for s in range(0, 60000, 10):
            idx = order[s:s + 10]
            Xs, ys = X[idx], y[idx]
            n = Xs.shape[0]
            Z = Xs @ Wsm.T + bsm
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            P = E / E.sum(axis=1, keepdims=True)
            P[np.arange(n), ys] -= 1
            P /= n
            Wsm -= 0.1 * (P.T @ Xs)
            bsm -= 0.1 * P.sum(axis=0)
    entries["softmax_epoch_mb10"] = epoch_softmax_mb10

    # The homework's (seed 003) own per-example loop, as it wrote it: float64 (numpy's default), data
    # centred and scaled, x̄ = np.append(x, [1]), the weights as a list [V, W], np.outer updates. One
    # epoch = 50,000 steps, each on an example drawn at random from the 50,000 training images. (The
    # homework also computes the cost on the whole sets every 10,000 steps; that evaluation is left out
    # here, as it is on our side.)
    Xc = (X.astype(np.float64) - X.astype(np.float64)[:50000].mean(axis=0))[:50000]
    onehot = np.eye(10)[y[:50000]]

    def epoch_homework_per_example():
        r = np.random.RandomState(2)
        weights = [r.randn(200, 785) * np.sqrt(2 / 200), r.randn(10, 201) * np.sqrt(2 / 10)]
        learningRate = 1e-3
        for i in range(50000):
            k = r.randint(0, 50000)
            inputVector = np.append(Xc[k], [1])
            labelVector = onehot[k]
            hiddenLayerWeightedInput = weights[0].dot(inputVector)
            hiddenLayerActivation = np.append(np.maximum(hiddenLayerWeightedInput, 0), [1])
            outputLayerWeightedInput = weights[1].dot(hiddenLayerActivation)
            e_x = np.exp(np.clip(outputLayerWeightedInput - np.max(outputLayerWeightedInput), -500, 500))
            outputLayerActivation = e_x / e_x.sum(axis=0)
            deltaW = outputLayerActivation - labelVector
            dW = np.outer(deltaW, hiddenLayerActivation)
            deltaV = np.where(hiddenLayerWeightedInput > 0, 1, 0) * weights[1].T.dot(deltaW)[:-1]
            dV = np.outer(deltaV, inputVector)
            weights[1] -= learningRate * dW
            weights[0] -= learningRate * dV
    entries["sgd_per_example_784_200_10"] = epoch_homework_per_example
    return entries


# How many runs the one-shot mode takes of each entry (as bench/run.ts does), given --reps.
def runs_of(name, reps):
    if name == "gemm_128x784x256":
        return max(reps, 200)
    if name == "mlp_fullbatch_step_60000":
        return max(3, reps - 2)
    if name.startswith("gemm"):
        return reps
    if name == "sgd_per_example_784_200_10":
        return max(1, reps // 3)
    return max(3, reps)


def serve(entries):
    print("ready " + np.__version__, flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        name, count = parts[0], int(parts[1])
        fn = entries[name]
        times = []
        for _ in range(count):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        print(json.dumps({"entry": name, "ms": times}), flush=True)


def main():
    d = sys.argv[1]
    entries = make_entries(d)
    if sys.argv[2] == "--serve":
        serve(entries)
        return
    reps = int(sys.argv[2])
    only = set(sys.argv[3:])
    out = {"numpy": np.__version__}
    for name, fn in entries.items():
        if only and name not in only:
            continue
        fn()  # warm up
        out[name] = median_ms(fn, runs_of(name, reps))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
