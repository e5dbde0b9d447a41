"""Speed of the synthetic cohort generator (target: 10,000 patients at 64x64 in at most 10 s on a 2-core CPU).

    .venv/bin/python tests/benchmarks/bench_synthetic.py [--n-patients 10000] [--image-size 64] [--repeats 3] [--series]

Prints the best of `repeats` timings after one warm-up call, patients per second, and the oracle's cost.
"""
import argparse, time
import torch
from mmdr.synthetic import make_cohort, oracle_ceilings

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--n-patients", type=int, default=10_000)
    ap.add_argument("--image-size", type=int, default=64); ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--series", action="store_true")
    a = ap.parse_args()
    make_cohort(n_patients=200, image_size=a.image_size, series=a.series)          # warm-up
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter(); make_cohort(n_patients=a.n_patients, image_size=a.image_size, series=a.series)
        times.append(time.perf_counter() - t0)
    best = min(times)
    t0 = time.perf_counter(); oracle_ceilings(n=100_000); t_oracle = time.perf_counter() - t0
    print(f"make_cohort(n_patients={a.n_patients}, image_size={a.image_size}, series={a.series}): best {best:.2f} s of {a.repeats} "
          f"({a.n_patients / best:,.0f} patients/s; target <= 10 s for 10,000 at 64x64)  torch threads={torch.get_num_threads()}")
    print(f"oracle_ceilings(n=100_000): {t_oracle:.2f} s")

if __name__ == "__main__":
    main()
