"Run by tests/test_ddp.py under `torchrun --nproc_per_node=2`: checks of the DDP path, written as JSON per rank."
import json, sys
import torch, torch.distributed as dist
from torch import nn
import torch.nn.functional as F
from mmdr.core import set_seed
from mmdr.data import toy_cohort, prepare, make_loader, to_device
from mmdr.fusion import ModelConfig, BranchConfig, build_model, single_branch
from mmdr.train import TrainConfig, fit, predict_logits, rank, world_size

def no_dropout(model):
    for m in model.modules():
        if isinstance(m, nn.Dropout): m.p = 0.0
    return model

def flat(model): return torch.cat([p.detach().flatten() for p in model.parameters()])

def main(out_dir):
    dist.init_process_group("gloo"); torch.set_num_threads(1)
    r, out = rank(), {}
    data = prepare(toy_cohort(n=200, image_size=16, seed=0), seed=0)
    batch = to_device(next(iter(make_loader(data.train.subset(range(32)), batch_size=32))), "cpu")
    half = {k: ({m: v[r * 16:(r + 1) * 16] for m, v in b.items()} if isinstance(b, dict) else b[r * 16:(r + 1) * 16]) for k, b in batch.items()}
    cfg = ModelConfig(branches=[BranchConfig("fcn"), BranchConfig("rnn")])          # no batch statistics
    set_seed(0); single = no_dropout(build_model(cfg, data.train.spec()))
    set_seed(0); model = no_dropout(build_model(cfg, data.train.spec()))
    ddp = nn.parallel.DistributedDataParallel(model, find_unused_parameters=True)
    for net, b in ((ddp, half), (single, batch)):                                  # one Adam step: 2 x 16 vs 1 x 32
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss = F.cross_entropy(net(b), b["label"]); opt.zero_grad(); loss.backward(); opt.step()
    p = flat(model); everyone = [torch.zeros_like(p) for _ in range(world_size())]; dist.all_gather(everyone, p)
    out["params_equal_across_ranks"] = all(torch.equal(everyone[0], q) for q in everyone)
    out["ddp_vs_single_step_max_abs"] = float((p - flat(single)).abs().max())
    gathered = predict_logits(model, data.test)                                     # every rank predicts a shard, then gathers
    model.eval(); alone = torch.cat([model(b).detach() for b in make_loader(data.test, batch_size=256)])
    out["gathered_vs_single_predictions_max_abs"] = float((gathered - alone).abs().max())
    # a model with BatchNorm: after fit, every rank holds the same weights and buffers (the same best epoch everywhere)
    set_seed(0); cnn = build_model(single_branch("cnn"), data.train.spec())
    res = fit(cnn, data.train, data.valid, TrainConfig(epochs=3, patience=None, progress=False, augment=True))
    state = torch.cat([v.detach().float().flatten() for v in res.model.state_dict().values()])
    everyone = [torch.zeros_like(state) for _ in range(world_size())]; dist.all_gather(everyone, state)
    out["fit_state_equal_across_ranks"] = all(torch.equal(everyone[0], q) for q in everyone)
    out["best_epoch"] = res.best_epoch
    json.dump(out, open(f"{out_dir}/rank{r}.json", "w"))
    dist.destroy_process_group()

if __name__ == "__main__": main(sys.argv[1])
