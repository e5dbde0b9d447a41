"""A training step of each paper encoder, before and after three changes that keep the bits: the augmentation's sampling
grid from `mmdr.data.affine_grid` instead of `F.affine_grid`, Adam with `foreach=True` instead of torch's CPU
default (`_single_tensor_adam`), and the CNN's training max pool in channels-last memory (`MaxPool2x2` in training)
instead of `F.max_pool2d` on NCHW. It also times `MaxPool2x2` against `F.max_pool2d` without autograd (validation,
test and external scoring, frozen features).

    OMP_NUM_THREADS=1 .venv/bin/python tests/benchmarks/bench_trainer_steps.py [--epochs 3] [--labels CNN Transformer]

Each Table I branch of the paper-profile cohort (split seed 0, the training part) is trained twice from the same
initial weights, the same shuffle, augmentation and dropout draws: "before" patches `mmdr.data.affine_grid` back to
`F.affine_grid`, the training pool back to `F.max_pool2d` and builds Adam without `foreach`; "after" is the code as it is. Epochs alternate (before, after,
before, ...) so a noisy neighbour slows both alike; the best milliseconds per step of each are printed with their
ratio. After the last epoch the two models' weights are compared bit for bit: a speed-up that changed a number
would show here. Numbers depend on the machine and its load.
"""
import argparse, copy, time
import torch
import mmdr.data
import mmdr.encoders
import torch.nn.functional as F
from mmdr.core import set_seed
from mmdr.data import prepare, make_loader, ImageAugment
from mmdr.experiments import Experiment, cohort_models
from mmdr.fusion import build_model
from mmdr.encoders import MaxPool2x2
from mmdr.train import train_epoch

def arm(model, train, before: bool):
    "(model, optimiser, loader) of one arm; every arm gets the same loader seed, so the same batches and draws."
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, **({} if before else {"foreach": True}))
    augment = ImageAugment() if "image" in getattr(model, "modalities", ()) else None
    return model, opt, make_loader(train, 32, shuffle=True, augment=augment, seed=0)

def timed_epoch(model, opt, loader, before: bool, rng: dict):
    """Seconds and steps of one training epoch; `before` samples with `F.affine_grid`. `rng` holds the arm's own
    torch RNG state (dropout draws from it), so alternating the arms changes no draw."""
    fast, pool, key = mmdr.data.affine_grid, mmdr.encoders._PoolChannelsLast.apply, "before" if before else "after"
    if before:
        mmdr.data.affine_grid = lambda theta, size: F.affine_grid(theta, size, align_corners=False)
        mmdr.encoders._PoolChannelsLast.apply = lambda x: F.max_pool2d(x, 2)
    torch.set_rng_state(rng[key])
    try:
        t0 = time.perf_counter(); train_epoch(model, loader, opt, torch.device("cpu"))
        return time.perf_counter() - t0, len(loader)
    finally: mmdr.data.affine_grid, mmdr.encoders._PoolChannelsLast.apply, rng[key] = fast, pool, torch.get_rng_state()

def best_ms(f, reps: int = 30, rounds: int = 7) -> float:
    "Best milliseconds per call of `f` over `rounds` rounds of `reps` calls."
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(reps): f()
        best = min(best, (time.perf_counter() - t0) / reps * 1e3)
    return best

def components(data, rows):
    "The two changed pieces alone, best of many calls: far less noisy than whole epochs on a shared machine."
    images, g = data.train.x["image"][:32], torch.Generator().manual_seed(0)
    theta = torch.eye(2, 3).repeat(32, 1, 1) + 0.05 * torch.randn(32, 2, 3, generator=g)
    old = best_ms(lambda: F.affine_grid(theta, list(images.shape), align_corners=False))
    new = best_ms(lambda: mmdr.data.affine_grid(theta, list(images.shape)))
    print(f"sampling grid of a batch of 32 images {tuple(images.shape[1:])}: F.affine_grid {old:.2f} ms, "
          f"affine_grid {new:.2f} ms (ratio {new / old:.2f}); the same numbers: "
          f"{torch.equal(F.affine_grid(theta, list(images.shape), align_corners=False), mmdr.data.affine_grid(theta, list(images.shape)))}")
    with torch.no_grad():
        for shape in [(32, 16, 32, 32), (32, 32, 16, 16), (32, 64, 8, 8)]:       # the CNN's three pools, batch 32
            x = torch.relu(torch.randn(shape, generator=g))
            old, new = best_ms(lambda: F.max_pool2d(x, 2)), best_ms(lambda: MaxPool2x2()(x))
            print(f"max pool without autograd {shape}: F.max_pool2d {old:.2f} ms, MaxPool2x2 {new:.2f} ms (ratio "
                  f"{new / old:.2f}); the same numbers: {torch.equal(F.max_pool2d(x, 2), MaxPool2x2()(x))}")
    for shape in [(32, 16, 32, 32), (32, 32, 16, 16), (32, 64, 8, 8)]:           # the same pools in training
        x, grad = torch.relu(torch.randn(shape, generator=g)), None
        def trained(pool):
            xg = x.clone().requires_grad_(); y = pool(xg); y.backward(grad if grad is not None else torch.ones_like(y))
            return y, xg.grad
        grad = torch.randn(trained(MaxPool2x2())[0].shape, generator=g)
        old, new = best_ms(lambda: trained(lambda t: F.max_pool2d(t, 2))), best_ms(lambda: trained(MaxPool2x2()))
        (y0, g0), (y1, g1) = trained(lambda t: F.max_pool2d(t, 2)), trained(MaxPool2x2())
        print(f"max pool in training, forward + backward {shape}: F.max_pool2d {old:.2f} ms, MaxPool2x2 {new:.2f} ms "
              f"(ratio {new / old:.2f}); the same numbers and gradients: {torch.equal(y0, y1) and torch.equal(g0, g1)}")
    for label, mcfg in rows:
        set_seed(0); m = build_model(mcfg, data.train.spec())
        for p in m.parameters(): p.grad = torch.randn_like(p) * 1e-3
        step = {k: torch.optim.Adam(m.parameters(), lr=1e-3, **({} if k == "single" else {"foreach": True}))
                for k in ("single", "foreach")}
        old, new = best_ms(step["single"].step), best_ms(step["foreach"].step)
        print(f"Adam step, {label:12s} ({len(list(m.parameters()))} tensors): single-tensor {old:.2f} ms, foreach "
              f"{new:.2f} ms (ratio {new / old:.2f})")

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs per arm (after one that is not timed)")
    ap.add_argument("--labels", nargs="*", help="Table I rows (default: every single-branch row)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ex = Experiment("table1", profile="paper")
    data = prepare(ex.cohort, 0)
    rows = [(l, m) for l, m in cohort_models(ex.cohort)[:-1] if not a.labels or l in a.labels]
    components(data, rows)
    print(f"{len(data.train)} training patients, batch 32, 1 thread; best ms/step over {a.epochs} alternated epochs")
    total = {"before": 0.0, "after": 0.0}
    for label, mcfg in rows:
        set_seed(0); start = build_model(mcfg, data.train.spec())
        arms = {"before": arm(copy.deepcopy(start), data.train, True), "after": arm(copy.deepcopy(start), data.train, False)}
        best, rng = {k: float("inf") for k in arms}, {k: torch.get_rng_state() for k in arms}
        for e in range(a.epochs + 1):
            for name, (m, opt, loader) in arms.items():
                secs, n = timed_epoch(m, opt, loader, name == "before", rng)
                if e: best[name] = min(best[name], secs / n * 1e3)
        sb, sa = arms["before"][0].state_dict(), arms["after"][0].state_dict()
        same = all(torch.equal(sb[k], sa[k]) for k in sb)
        for k in total: total[k] += best[k]
        print(f"{label:12s} before {best['before']:6.1f} ms/step  after {best['after']:6.1f} ms/step  "
              f"ratio after/before {best['after'] / best['before']:.2f}  weights after {a.epochs + 1} epochs: "
              f"{'identical' if same else 'DIFFERENT'}", flush=True)
    print(f"{'all rows':12s} before {total['before']:6.1f} ms/step  after {total['after']:6.1f} ms/step  "
          f"ratio {total['after'] / total['before']:.2f}")

if __name__ == "__main__":
    main()
