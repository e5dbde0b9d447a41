"""Train one small run of every kind the experiments train and digest its bits: the check that a refactor of the
training code changed no number (tests/test_training_bits.py compares with tests/training_bits.json).

Every model kind (the four single-branch encoders, the fused model under each training scheme, a staged removal,
early fusion and the late-fusion product) trains for two epochs on a 160-patient toy cohort through `run_one`, the
pipeline every experiment uses. `python tests/training_bits.py > tests/training_bits.json` rewrites the reference: do
that only for a change that is meant to change numbers, and say so in the commit.
"""
import hashlib, json, sys, tempfile
from pathlib import Path
import torch
from mmdr.data import toy_cohort
from mmdr.fusion import paper_model, single_branch, ablate, ModelConfig, BranchConfig
from mmdr.runs import make_specs, run_one, code_version
from mmdr.train import TrainConfig, load_checkpoint

def models() -> list:
    "[(label, ModelConfig)]: one of every kind of model the experiments train."
    ours = paper_model()
    plain = {"scheme": "joint", "aux_weight": 0.0, "finetune_lr": 0.0}
    # the note's RNN with the encoder's own defaults (no n-gram convolution, 32-d embeddings), as before DEFAULT_OPTIONS
    plain_rnn = single_branch(BranchConfig("rnn", options={"conv": 0, "embed_dim": 32}))
    return [*[(e, single_branch(e)) for e in ("cnn", "vit", "rnn", "fcn")], ("rnn, the encoder's own defaults", plain_rnn),
            ("joint", ours),
            ("auxiliary", ours.replace(**{**plain, "scheme": "auxiliary", "aux_weight": 1.0})),
            ("staged", ours.replace(**{**plain, "scheme": "staged"})),
            ("staged + fine-tune", ours.replace(**{**plain, "scheme": "staged", "finetune_lr": 1e-4})),
            ("staged without the RNN", ablate(ours.replace(**{**plain, "scheme": "staged"}), ours.branches[2].name)),
            ("early", ours.replace(fusion="early", operator="transformer")),
            ("late product", ours.replace(fusion="late", operator="product"))]

def digests(seed: int = 0) -> dict:
    """label -> {key, weights, proba, best_epoch}: the run key (its config and code version), then sha256 prefixes of
    the run's final weights and stored test probabilities: a key names its bits."""
    toy = toy_cohort(n=160, image_size=16, seed=0)
    specs = make_specs(models(), toy, seeds=[seed], train=TrainConfig(epochs=2, patience=2))
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for spec in specs:
            r = run_one(spec, toy, cache_dir=d, device="cpu")
            h = hashlib.sha256()
            for k, v in load_checkpoint(Path(d) / r.weights)["model"].state_dict().items():
                h.update(k.encode()); h.update(v.detach().cpu().contiguous().numpy().tobytes())
            out[spec.label] = {"key": r.cache_key, "weights": h.hexdigest()[:16], "proba": hashlib.sha256(json.dumps(r.proba).encode()).hexdigest()[:16],
                               "best_epoch": r.best_epoch}
    return out

if __name__ == "__main__":
    from mmdr.runs import classical_key
    json.dump({"what": "tests/training_bits.py: one small run of every model kind, and the classical baseline's run key on "
                       "the same toy cohort; tests/test_training_bits.py",
               "code_version": code_version(), "torch": torch.__version__, "runs": digests(),
               "classical_key": classical_key(toy_cohort(n=160, image_size=16, seed=0), 0)}, sys.stdout, indent=1)
    print()
