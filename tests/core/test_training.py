"""The one training CLI: every task's --dry-run end to end, the checkpoint format, strict loading, torchrun."""

import json
import os
import subprocess
import sys

import pytest
import torch

from rnnkit import ROOT
from rnnkit.core import checkpoint
from rnnkit.core import registry as tasks
from rnnkit.core.registry import load_pretrained
from rnnkit.core.runner import make_config, option_help, parse_overrides, run


@pytest.mark.parametrize("name", tasks.names())
def test_every_task_dry_run_writes_a_loadable_checkpoint(name, tmp_path):
    card = run(name, {"dry_run": True, "out": str(tmp_path)})
    assert {"model.safetensors", "card.json", "README.md"} <= {p.name for p in tmp_path.iterdir()}
    assert card["task"] == name and card["metrics"] and card["parameters"] > 0
    assert card["reproduce"].startswith(f"rnnkit train {name}")
    assert "model" not in card["config"] and card["model_config"]
    model, loaded = load_pretrained(tmp_path)
    assert loaded["config"] == card["config"] and loaded["model_config"] == card["model_config"]
    assert not any(p.requires_grad for p in model.parameters())


def test_overrides_are_typed_by_the_config():
    memory = tasks.get("memory")
    assert parse_overrides(memory, ["--seq-len=12", "--lr=0.5", "--dry-run", "--cell=rnn"]) == \
        {"seq_len": 12, "lr": 0.5, "dry_run": True, "cell": "rnn"}
    cfg = make_config(memory, {"seq_len": 12, "cell": "rnn"})
    assert cfg.seq_len == 12 and cfg.model.cell == "rnn"      # architecture goes to the nested ModelConfig
    with pytest.raises(SystemExit):
        parse_overrides(memory, ["--no-such-option=1"])


@pytest.mark.parametrize("change", ["unknown", "missing", "absent"])
def test_a_card_whose_model_config_does_not_match_fails_clearly(change, tmp_path):
    card = run("memory", {"dry_run": True, "out": str(tmp_path)})
    if change == "unknown":
        card["model_config"]["hidden_units"] = 3
    elif change == "missing":
        card["model_config"].pop(next(iter(card["model_config"])))
    else:
        del card["model_config"]
    (tmp_path / "card.json").write_text(json.dumps(card))
    with pytest.raises(checkpoint.CheckpointError, match="rnnkit train memory"):
        tasks.build_from_card(card)


def test_every_task_option_has_a_description():
    for name in tasks.names():
        for line in option_help(tasks.get(name)).splitlines():
            option, _, description = line.strip().partition("  ")
            assert description.strip(), f"{name}: {option} has no description in --help"


def test_unknown_task_is_named():
    with pytest.raises(KeyError, match="unknown task"):
        tasks.get("nope")


def test_checkpoint_is_plain_safetensors_and_json(tmp_path):
    checkpoint.save(tmp_path, {"w": torch.ones(2, 3)}, {"task": "memory", "metrics": {"acc": 0.5}})
    state, card = checkpoint.load(tmp_path)
    assert torch.equal(state["w"], torch.ones(2, 3)) and card["metrics"]["acc"] == 0.5
    assert json.loads((tmp_path / "card.json").read_text())["task"] == "memory"
    assert "| acc | 0.5 |" in (tmp_path / "README.md").read_text()
    with pytest.raises(FileNotFoundError, match="rnnkit train"):
        checkpoint.load(tmp_path / "missing")


def test_cli_dry_run_as_a_user_types_it(tmp_path):
    result = subprocess.run(["rnnkit", "train", "memory", "--dry-run", f"--out={tmp_path}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "test_accuracy" in result.stdout


def test_torchrun_two_processes_end_with_the_same_weights(tmp_path):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(torchrun + ["-m", "rnnkit", "train", "memory", "--dry-run", "--max-steps=4",
                                        f"--out={tmp_path}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=240, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["world_size"] == 2
    first, second = card["rank_checksums"]
    assert first == second


def test_tensor_batches_are_the_dataloaders_batches():
    from torch.utils.data import DataLoader, RandomSampler, TensorDataset

    from rnnkit.core.training import tensor_batches
    data = TensorDataset(torch.randn(37, 5, 2), torch.arange(37))
    fast_sampler = RandomSampler(data, generator=torch.Generator().manual_seed(3))
    slow_sampler = RandomSampler(data, generator=torch.Generator().manual_seed(3))
    for _ in range(2):                                       # two epochs: the generator advances alike
        fast = list(tensor_batches(data, fast_sampler, 8))
        slow = list(DataLoader(data, batch_size=8, sampler=slow_sampler))
        assert len(fast) == len(slow) == 5
        for a, b in zip(fast, slow):
            assert all(torch.equal(x, y) for x, y in zip(a, b))


def test_model_card_shows_measured_speed_when_the_card_has_it():
    from rnnkit.core.checkpoint import render_card
    card = {"name": "m", "metrics": {"acc": 0.5}, "limits": "none", "speed": {"greedy": "14.5 ms"}}
    text = render_card(card)
    assert "## Speed and memory (measured)" in text and "- **greedy**: 14.5 ms" in text
    assert text.index("## Metrics") < text.index("## Speed") < text.index("## Limits")
    assert "## Speed" not in render_card({"name": "m"})


COMMITTED_CARDS = sorted(p.parent.name for p in (ROOT / "pretrained").glob("*/card.json")
                         if json.loads(p.read_text()).get("task") in tasks.names())


@pytest.mark.parametrize("name", COMMITTED_CARDS)
def test_every_committed_card_is_read_strictly(name):
    """Each shipped card rebuilds its model from model_config alone, and a renamed or dropped key fails."""
    card = checkpoint.load_card(name)
    model = tasks.build_from_card(card)
    state, _ = checkpoint.load(name)
    assert set(model.state_dict()) == set(state)
    key = next(iter(card["model_config"]))
    for broken, words in (({**card["model_config"], "no_such_key": 1}, "unknown keys \\['no_such_key'\\]"),
                          ({k: v for k, v in card["model_config"].items() if k != key}, f"missing keys \\['{key}'\\]")):
        with pytest.raises(checkpoint.CheckpointError, match=words):
            tasks.build_from_card({**card, "model_config": broken})
    with pytest.raises(checkpoint.CheckpointError, match="no model_config"):
        tasks.build_from_card({k: v for k, v in card.items() if k != "model_config"})
