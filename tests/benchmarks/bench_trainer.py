"""Trainer overhead: samples/s of `mmdr.train.fit` against a bare PyTorch loop over the same model and batches.

    .venv/bin/python tests/benchmarks/bench_trainer.py [--n-patients 1500] [--epochs 3] [--repeats 3]

Both loops use the same preprocessed cohort, DataLoader, augmentation, model config, Adam and cross-entropy; the
bare loop has no validation, history, early stopping or progress bar. `fit`'s training-phase throughput is read
from its history (it times the batches of each epoch); its end-to-end throughput (validation included) is printed
too. Repeats alternate the two loops and keep the best of each, so a noisy neighbour hurts both alike.
"""
import argparse, time
import torch
import torch.nn.functional as F
from mmdr.core import set_seed
from mmdr.synthetic import make_cohort
from mmdr.data import split_cohort, Preprocessor, make_loader, ImageAugment, to_device
from mmdr.fusion import paper_model, build_model
from mmdr.train import fit, TrainConfig

def bare_loop(model, train, epochs, batch_size=32):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = make_loader(train, batch_size, shuffle=True, augment=ImageAugment(), seed=0)
    model.train(); seen = 0; t0 = time.perf_counter()
    for _ in range(epochs):
        for b in loader:
            logits = model(b)
            loss = F.cross_entropy(logits, b["label"])
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
            seen += len(b["label"])
    return seen / (time.perf_counter() - t0)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n-patients", type=int, default=1500)
    ap.add_argument("--epochs", type=int, default=3); ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    cohort = make_cohort(n_patients=a.n_patients, seed=0)
    parts = split_cohort(cohort, seed=0); pre = Preprocessor().fit(parts["train"])
    tr, va = pre.transform(parts["train"]), pre.transform(parts["valid"])
    cfg = paper_model()
    bare, trainer, e2e = [], [], []
    for r in range(a.repeats):
        set_seed(r); bare.append(bare_loop(build_model(cfg, tr.spec()), tr, a.epochs))
        set_seed(r); res = fit(build_model(cfg, tr.spec()), tr, va, TrainConfig(epochs=a.epochs, patience=10**6, progress=False, device="cpu"))
        trainer.append(float(res.history.train_samples_per_s.mean())); e2e.append(len(tr) * len(res.history) / res.seconds)
    b, t, e = max(bare), max(trainer), max(e2e)
    print(f"threads={torch.get_num_threads()} train patients={len(tr)} epochs={a.epochs} repeats={a.repeats} model=paper_model (fused cnn+vit+rnn+fcn)")
    print(f"bare PyTorch loop      : {b:8.1f} samples/s")
    print(f"mmdr fit (train phase) : {t:8.1f} samples/s   ratio fit/bare = {t / b:.3f}   overhead = {100 * (1 - t / b):+.1f}%")
    print(f"mmdr fit (end to end, validation every epoch included): {e:8.1f} samples/s   ratio = {e / b:.3f}")

if __name__ == "__main__":
    main()
