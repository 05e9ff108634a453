"""The adding problem (the playground's memory task): its data, its model, its one code path for the page
and ``rnnkit train memory``, and where it writes."""

import json
import subprocess

import pytest
import torch

from rnnkit import ROOT
from rnnkit.core.runner import make_config
from rnnkit.playground import measured as M
from rnnkit.playground import stepper as pg
from rnnkit.playground import task as memory
from rnnkit.playground.model import ModelConfig
from rnnkit.playground.plots import measured_chart


def train_json(*options: str) -> dict:
    """``rnnkit train memory ... --json`` as a user types it: the one JSON object it prints."""
    result = subprocess.run(["rnnkit", "train", "memory", *options, "--json"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


def test_each_sequence_has_two_markers_one_per_half_and_the_sum_of_their_values_as_target():
    x, target = memory.make_sequences(500, 11, seed=3).tensors
    assert x.shape == (500, 11, 2) and target.shape == (500,)
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() <= 1
    assert torch.all(markers.sum(1) == 2) and set(markers.unique().tolist()) == {0.0, 1.0}
    assert torch.all(markers[:, :5].sum(1) == 1) and torch.all(markers[:, 5:].sum(1) == 1)
    torch.testing.assert_close(target, (values * markers).sum(1))
    assert torch.equal(x, memory.make_sequences(500, 11, seed=3).tensors[0])       # a seed makes the same data
    assert not torch.equal(x, memory.make_sequences(500, 11, seed=4).tensors[0])


def test_the_input_blind_baseline_is_computed_on_the_test_set():
    prepared = memory.prepare(memory.Config(test_size=20000))
    blind = lambda x: torch.full(x.shape[:1], memory.BASELINE)                  # always answers 1, whatever it reads
    metrics = memory.evaluate(blind, prepared, memory.Config(), "test")
    assert metrics["baseline_mse"] == pytest.approx(1 / 6, abs=0.005)          # the variance of U(0,1) + U(0,1)
    tolerance = memory.TOLERANCE
    assert metrics["chance"] == pytest.approx(1 - (1 - tolerance) ** 2, abs=0.01)   # P(|sum - 1| < 0.04)
    assert metrics["test_accuracy"] == metrics["chance"] and metrics["test_mse"] == metrics["baseline_mse"]


def test_the_model_is_its_config_and_the_lstm_gate_biases_are_a_choice():
    cfg = make_config(memory, {"cell": "lstm", "hidden_size": 5, "seq_len": 7})
    assert cfg.model == ModelConfig(cell="lstm", hidden_size=5) and cfg.seq_len == 7
    model = memory.build_model(cfg.model, {})
    bias = model.recurrent.bias_ih_l0 + model.recurrent.bias_hh_l0               # torch's gate order: i, f, g, o
    assert torch.all(bias[:5] == cfg.model.input_bias) and torch.all(bias[5:10] == cfg.model.forget_bias)
    torch_default = memory.build_model(ModelConfig(hidden_size=5, gate_biases=False), {})
    default_bias = torch_default.recurrent.bias_ih_l0 + torch_default.recurrent.bias_hh_l0
    assert default_bias.abs().max() < 2 / 5 ** 0.5                               # U(-1/sqrt(H), 1/sqrt(H)) twice
    x, _ = memory.prepare(cfg).train.tensors
    for cell in ("rnn", "gru", "lstm"):
        assert memory.build_model(ModelConfig(cell=cell, hidden_size=5), {})(x[:4]).shape == (4,)


def test_page_and_command_line_give_the_same_accuracy():
    settings = {"seq_len": 5, "seed": 3, "threads": 1, "epochs": 2, "train_size": 3200}
    page = pg.train_memory("rnn", **settings)
    command = train_json(*(f"--{key}={value}" for key, value in settings.items()), "--cell=rnn",
                         f"--out={ROOT / 'build' / 'test-memory'}")
    assert len(page["steps"]) == page["planned_steps"] > 20                      # the time limit did not cut it
    assert command["test_accuracy"] == page["test_accuracy"] and command["test_mse"] == page["test_mse"]
    assert command["chance"] == page["chance"] and command["seconds"] > 0


def test_dry_run_prints_one_json_object_and_writes_nothing_into_the_checkout():
    result = train_json("--dry-run")
    assert {"test_accuracy", "chance", "seconds"} <= set(result)
    assert 0 <= result["test_accuracy"] <= 1 and 0 < result["chance"] < 0.2
    out = result["out"]
    assert out.startswith(str(ROOT / "build")), out
    assert subprocess.run(["git", "check-ignore", "-q", out], cwd=ROOT).returncode == 0, f"{out} is tracked by git"
    assert not (ROOT / "pretrained" / "memory").exists()


def test_the_committed_measurements_are_drawn_and_give_the_readme_row():
    measured = M.load()
    assert measured, "data/playground/memory_gap.json is missing: run python -m benchmarks.bench_memory"
    assert measured["settings"]["seq_len"] == memory.Config.seq_len and measured["threads"] == 1
    for row in measured["table"]:
        assert row["accuracy"]["min"] <= row["accuracy"]["median"] <= row["accuracy"]["max"]
        runs = [r for r in measured["runs"] if (r["variant"], r["seq_len"]) == (row["variant"], row["seq_len"])]
        assert sorted(r["test_accuracy"] for r in runs)[0] == row["accuracy"]["min"]
    visitor = [{"variant": "lstm", "seq_len": 40, "test_accuracy": 0.5}]
    figure = measured_chart(measured, visitor)
    assert len(figure.data) == len(measured["labels"]) + 2 and list(figure.data[-1].y) == [50.0]
    row = M.readme_row(measured)
    assert row.startswith("| Memory over long gaps") and row.count("|") == 4
    assert M.percent(M.lookup(measured, "lstm", memory.Config.seq_len)["accuracy"]["median"]) in row
    assert "Measured at length" in M.init_sentence(measured, memory.Config.seq_len)
