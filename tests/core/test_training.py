"""The one training CLI: every task's --dry-run end to end, the checkpoint format, strict loading, torchrun."""

import json
import math
import os
import subprocess
import sys

import pytest
import torch

from rnnkit import PRETRAINED, ROOT
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


def test_a_fine_tuned_model_replaces_the_one_it_started_from_unless_told_otherwise():
    from rnnkit.core.runner import output_directory
    fine_tune = make_config(tasks.get("translation"), {"init": "translation_fr_en"})
    assert output_directory("translation", fine_tune) == str(checkpoint.resolve("translation_fr_en"))
    assert output_directory("translation", make_config(tasks.get("translation"), {})).endswith("pretrained/translation")
    fine_tune.out = "elsewhere"
    assert output_directory("translation", fine_tune) == "elsewhere"
    fine_tune.out, fine_tune.dry_run = "", True
    assert output_directory("translation", fine_tune).endswith("build/dry-run/translation")


TRAINED = sorted(p.name for p in PRETRAINED.iterdir() if (p / "card.json").exists()
                 and checkpoint.load_card(p.name)["reproduce"].startswith("rnnkit train "))   # not glove50k


@pytest.mark.parametrize("name", TRAINED)
def test_every_cards_reproduce_line_writes_that_model(name):
    """A card's ``reproduce`` line never names ``--out``: each of its commands must write the model it belongs
    to (fr-en, the plain translator, the French captions and the forward tagger are not their task's default)."""
    import shlex

    from rnnkit.core.runner import run_config
    card = checkpoint.load_card(name)
    commands = " ".join(line for line in card["reproduce"].splitlines() if not line.startswith("#"))
    for command in commands.split(" && "):
        words = shlex.split(command)
        assert words[:3] == ["rnnkit", "train", card["task"]], command
        overrides = parse_overrides(tasks.get(card["task"]), words[3:])
        parent = checkpoint.load_card(overrides["init"]) if overrides.get("init") else None
        assert (ROOT / run_config(card["task"], overrides, parent).out).resolve() == PRETRAINED / name, command


def test_init_refuses_a_model_whose_vocabulary_is_not_this_runs(tmp_path):
    run("sentiment", {"dry_run": True, "out": str(tmp_path / "a")})
    card = json.loads((tmp_path / "a" / "card.json").read_text())
    card["extras"]["itos"] = card["extras"]["itos"][::-1]
    (tmp_path / "a" / "card.json").write_text(json.dumps(card))
    with pytest.raises(SystemExit, match="its vocabulary differs"):
        run("sentiment", {"dry_run": True, "init": str(tmp_path / "a"), "out": str(tmp_path / "b")})


def test_loaded_word_embeddings_are_stored_in_float16_and_read_as_float32():
    model, _ = load_pretrained("sentiment")
    table = model.embedding.weight
    assert table.dtype == torch.float16                                  # half the memory of the file's float32
    fresh, _ = checkpoint.load("sentiment")
    ids = torch.tensor([[1, 2, 3, len(table) - 1]])
    rows = model.embedding(ids)
    assert rows.dtype == torch.float32
    assert torch.equal(rows[0], fresh["embedding.weight"][ids[0]].half().float())
    assert (rows[0] - fresh["embedding.weight"][ids[0]]).abs().max() < 1e-3


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


def test_adamw_is_torchs_adamw_under_lambdalr_bit_for_bit():
    """fit's own AdamW (no torch._dynamo import) gives exactly torch.optim.AdamW(foreach=True) + LambdaLR's numbers:
    the shipped weights stay reproducible by the same command. Weight decay, a frozen parameter and a parameter
    without a gradient at some steps included."""
    from rnnkit.core.training import AdamW

    def model_and_batches():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Embedding(20, 8), torch.nn.LSTM(8, 16, batch_first=True))
        head, frozen = torch.nn.Linear(16, 3), torch.nn.Parameter(torch.ones(2), requires_grad=False)
        batches = [(torch.randint(0, 20, (4, 5)), torch.randint(0, 3, (4,))) for _ in range(12)]
        return model, head, frozen, batches

    def train(make_optimizer):
        model, head, frozen, batches = model_and_batches()
        params = [*model.parameters(), frozen, *head.parameters()]
        step, after = make_optimizer(params)
        for index, (x, y) in enumerate(batches):
            out = model(x)[0][:, -1]
            loss = torch.nn.functional.cross_entropy(head(out) if index % 3 else out[:, :3], y)   # head idle at times
            for p in params:
                p.grad = None
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            step()
            after()
        return [p.detach().clone() for p in params]

    cosine = lambda s: 0.5 * (1 + math.cos(math.pi * min(s, 12) / 12))

    def torchs(params):
        optimizer = torch.optim.AdamW(params, lr=3e-3, weight_decay=0.01, foreach=True)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, cosine)
        return optimizer.step, scheduler.step

    def ours(params):
        optimizer = AdamW(params, lr=3e-3, weight_decay=0.01, schedule=cosine)
        return optimizer.step, lambda: None

    for a, b in zip(train(torchs), train(ours)):
        assert torch.equal(a, b)


def test_training_live_imports_no_torch_dynamo(tmp_path):
    """A server that trains a forecaster for a visitor does not import torch._dynamo (~100 MB) for it."""
    code = ("import sys\nfrom rnnkit.forecasting import forecaster as fc, data as D\n"
            "from rnnkit.forecasting.task import Config\nfc.train(D.load_stock('GOOG'), Config(), None)\n"
            "print('torch._dynamo' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_resumed_run_ends_with_the_weights_of_an_unbroken_one(tmp_path):
    """Stopped after 5 steps with a resumable checkpoint, then resumed, a run ends exactly where an unbroken one ends
    (weights, AdamW moments and the learning-rate schedule all restored)."""
    import shutil

    from torch.utils.data import TensorDataset

    from rnnkit.core.training import TrainConfig, fit, resume_directory

    data = TensorDataset(torch.randn(40, 3), torch.randn(40, 1))
    loss = lambda m, batch: torch.nn.functional.mse_loss(m(batch[0]), batch[1])

    def trained(resume: bool, stop_at: int = 0):
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        cfg = TrainConfig(epochs=3, batch_size=8, lr=0.05, weight_decay=0.01, checkpoint_minutes=60.0, resume=resume,
                          out=str(tmp_path / "resumed-run"))
        fit(model, loss, data, cfg, on_step=(lambda step, total, value: step == stop_at) if stop_at else None,
            progress=False)
        return model, resume_directory(cfg)

    unbroken, directory = trained(False)
    try:
        trained(False, stop_at=5)
        resumed, _ = trained(True)
        assert torch.equal(unbroken.weight, resumed.weight) and torch.equal(unbroken.bias, resumed.bias)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
