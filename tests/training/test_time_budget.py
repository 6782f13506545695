"""The time budget's arithmetic and its callback, driven step by step with transformers' own state objects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from oceanid_dagster.training.time_budget import (
    LinearSchedule,
    LoopPace,
    evaluation_steps,
    length_grouped_batches,
    padded_tokens,
    steps_within_time,
    time_budget_callback,
)

AMX, NO_AMX = LoopPace(0.33, 3.0), LoopPace(0.49, 3.0)  # a fresh home's pace on 2 cores of each CPU


def test_a_fresh_home_keeps_its_steps_where_they_fit_and_loses_the_last_where_they_do_not():
    # weighed at step 50: 518 planned steps of 207 an epoch, a validation pass at 1, 2 and 2.5 epochs
    assert steps_within_time(518, 50, 50 * 0.33, 0, 207, AMX, 225) == 518  # 180 s
    assert steps_within_time(518, 50, 50 * 0.49, 0, 207, NO_AMX, 225) == 440  # 518 would take 263 s
    # weighed again after the first validation pass: the passes already run count as spent
    assert steps_within_time(518, 250, 250 * 0.49 + 3.0, 1, 207, NO_AMX, 225) == 440


def test_fewer_steps_can_spare_a_validation_pass():
    # 446 steps end within the second of 313-step epochs: one pass fewer than the 640 planned would run
    assert steps_within_time(640, 50, 50 * 0.49, 0, 313, NO_AMX, 225) == 446


def test_the_steps_never_go_below_those_run_nor_above_those_planned():
    assert steps_within_time(518, 300, 240.0, 1, 207, NO_AMX, 225) == 300  # over already: the stop's concern
    assert steps_within_time(518, 0, 0.0, 0, 207, LoopPace(600.0, 0.0), 225) == 1
    assert steps_within_time(100, 50, 1.0, 0, 207, AMX, 225) == 100
    assert steps_within_time(518, 50, 50 * 0.49, 0, 207, LoopPace(0.49, 0.0), 225) == 459  # no validation split


def test_the_schedule_is_transformers_linear_one_and_ends_where_it_is_moved():
    import torch
    from transformers import get_linear_schedule_with_warmup

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    theirs = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=52, num_training_steps=518)
    schedule = LinearSchedule(52, 518)
    assert [schedule(step) for step in range(520)] == pytest.approx([theirs.lr_lambdas[0](s) for s in range(520)])

    schedule.total = 440
    assert schedule(439) > 0 == schedule(440) == schedule(500)
    assert schedule(52) == 1.0


def test_a_validation_pass_costs_its_tokens_forward_against_a_training_steps_batch():
    train = [10] * 64
    assert evaluation_steps(train, [10] * 8, 4, 8, seed=1) == pytest.approx(80 / 40 / 3)
    assert evaluation_steps(train, [], 4, 8, seed=1) == 0.0


def test_length_grouped_batches_hold_every_example_once_with_less_padding_than_the_splits_order():
    lengths = [(index * 37) % 120 + 8 for index in range(500)]
    batches = length_grouped_batches(lengths, 16, seed=42)
    assert sorted(index for batch in batches for index in batch) == list(range(len(lengths)))
    in_order = [list(range(start, min(start + 16, len(lengths)))) for start in range(0, len(lengths), 16)]
    grouped, ungrouped = (
        sum(padded_tokens([lengths[index] for index in batch]) for batch in each) for each in (batches, in_order)
    )
    assert sum(lengths) <= grouped < 0.7 * ungrouped


class ManualClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Run:
    callback: object
    clock: ManualClock
    state: object
    control: object
    schedule: LinearSchedule
    messages: list[str]


def budgeted_run(step_seconds, evaluation_step_cost: float) -> Run:
    """A fresh home's run (518 planned steps, 207 an epoch) under a 225 s budget, its callback's events driven as
    ``Trainer`` raises them: a step end per step (``step_seconds(step)`` each), a 3 s validation pass at each epoch's
    end and at the last step."""
    from transformers import TrainerControl, TrainerState

    clock, messages, schedule = ManualClock(), [], LinearSchedule(52, 518)
    callback = time_budget_callback(225, 207, evaluation_step_cost, schedule, messages.append, clock)
    state, control = TrainerState(max_steps=518), TrainerControl()
    callback.on_train_begin(None, state, control)
    while not control.should_training_stop and state.global_step < state.max_steps:
        clock.now += step_seconds(state.global_step)
        state.global_step += 1
        callback.on_step_end(None, state, control)
        if state.global_step % 207 == 0 or state.global_step >= state.max_steps:
            clock.now += 3.0
            callback.on_evaluate(None, state, control)
    return Run(callback, clock, state, control, schedule, messages)


def test_the_callback_moves_the_last_step_to_the_runs_pace():
    run = budgeted_run(lambda step: 0.49, evaluation_step_cost=20.0)
    assert run.state.global_step == run.state.max_steps == run.schedule.total == 440
    assert run.messages[0].startswith("time budget: 225 s fits 414 of the 518 steps")  # 2 epochs, at 9.8 s a pass
    assert run.messages[-1].startswith("time budget: 225 s fits 440 of the 518 steps")  # a pass timed at 3 s
    assert "weighed at step 250" in run.messages[-1]
    assert 220 < run.clock.now <= 225
    assert run.callback.stopped_at is None


def test_the_callback_stops_a_run_that_slowed_after_its_last_weighing_at_the_budget():
    run = budgeted_run(lambda step: 0.33 if step < 400 else 1.0, evaluation_step_cost=6.0)
    assert run.callback.stopped_at is not None and run.control.should_training_stop
    assert run.state.global_step == run.callback.stopped_at < run.schedule.total
    assert run.clock.now - 1.0 <= 225 < run.clock.now
    assert run.messages[-1].startswith(f"time budget: 225 s spent at step {run.state.global_step}/")


def test_a_weighing_that_fits_no_further_step_ends_the_run_there():
    run = budgeted_run(lambda step: 4.4, evaluation_step_cost=1.0)  # 220 s by step 50
    assert run.state.global_step == run.state.max_steps == run.schedule.total == 50
    assert run.control.should_training_stop and run.callback.stopped_at is None
