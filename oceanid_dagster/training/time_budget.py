"""A fine-tune's time budget: its steps re-planned from their own pace as they run, so that the training loop
ends within the budget with the learning rate decayed to zero at its last step.

The pace is the run's own, not a timing taken before it: on 2 AMD EPYC cores, four training steps timed before
the run read 0.40 s a step where the run's steps took 0.49 s (the same forward and backward pass, repeated on
one batch, went from 0.43 s to 0.52 s a step within seconds). ``transformers`` and ``torch`` are imported
inside the functions that need them; the arithmetic has no import of either.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

# Steps between two weighings of the pace: Trainer's ``group_by_length`` sampler draws megabatches of 50
# batches, each sorted longest first, so the pace over whole megabatches is the run's, not one length's.
REPLAN_STEPS = 50

# A forward pass costs about a third of a training step's forward and backward pass, per token.
FORWARD_SHARE = 1 / 3


@dataclass(frozen=True)
class LoopPace:
    step_seconds: float
    evaluation_seconds: float  # one pass over the validation split (0: none)


def steps_within_time(
    planned: int,
    done: int,
    spent: float,
    evaluations_done: int,
    steps_per_epoch: int,
    pace: LoopPace,
    budget: float,
) -> int:
    """The most steps, up to ``planned`` and no fewer than ``done`` (at least one), whose training loop fits
    ``budget`` seconds: ``spent`` on the ``done`` steps and ``evaluations_done`` validation passes so far, then the
    rest at ``pace``, with a validation pass at each epoch's end and at the last step."""

    def seconds(steps: int) -> float:
        evaluations = math.ceil(steps / steps_per_epoch) - evaluations_done
        return spent + (steps - done) * pace.step_seconds + max(0, evaluations) * pace.evaluation_seconds

    fewest, most = max(1, min(done, planned)), planned
    while fewest < most:  # the loop's seconds grow with its steps
        middle = (fewest + most + 1) // 2
        if seconds(middle) <= budget:
            fewest = middle
        else:
            most = middle - 1
    return fewest


class LinearSchedule:
    """The learning-rate factor of transformers' "linear" schedule (linear warm-up, then linear decay to zero at
    ``total``), whose ``total`` may move while the run goes on."""

    def __init__(self, warmup: int, total: int):
        self.warmup = warmup
        self.total = total

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return step / max(1, self.warmup)
        return max(0.0, (self.total - step) / max(1, self.total - self.warmup))


def length_grouped_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """The training split's batches (example indices) as ``Trainer`` draws them with ``group_by_length``."""
    import torch
    from transformers.trainer_pt_utils import LengthGroupedSampler

    order = list(LengthGroupedSampler(batch_size, lengths=lengths, generator=torch.Generator().manual_seed(seed)))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def padded_tokens(lengths: list[int]) -> int:
    """The tokens of a batch of examples of these ``lengths``, padded to its longest (as the data collator pads)."""
    return max(lengths) * len(lengths)


def evaluation_steps(
    train_lengths: list[int], validation_lengths: list[int], batch_size: int, evaluation_batch_size: int, seed: int
) -> float:
    """A validation pass's cost in training steps, until one is timed: its padded tokens (batches in the
    split's order, as ``Trainer`` evaluates) through a forward pass, against a training step's mean batch."""
    if not validation_lengths:
        return 0.0
    batches = length_grouped_batches(train_lengths, batch_size, seed)
    step_tokens = sum(padded_tokens([train_lengths[index] for index in batch]) for batch in batches) / len(batches)
    in_order = (
        validation_lengths[start : start + evaluation_batch_size]
        for start in range(0, len(validation_lengths), evaluation_batch_size)
    )
    evaluation_tokens = sum(padded_tokens(batch) for batch in in_order)
    return FORWARD_SHARE * evaluation_tokens / step_tokens


def time_budget_callback(
    budget: float,
    steps_per_epoch: int,
    evaluation_step_cost: float,
    schedule: LinearSchedule,
    log: Callable[[str], None],
    clock: Callable[[], float] = time.perf_counter,
):
    """A ``TrainerCallback`` that times the training loop and, with a ``budget`` (seconds; 0: none), every
    ``REPLAN_STEPS`` steps moves its last step (``state.max_steps`` and ``schedule.total``, never past the steps
    planned at the start) to where the loop ends within the budget at the pace so far. A validation pass costs
    ``evaluation_step_cost`` training steps until one is timed. Should the machine slow down after the last
    weighing, the loop stops at the budget."""
    from transformers import TrainerCallback

    class TimeBudget(TrainerCallback):
        def __init__(self):
            self.started = self.last_step_end = 0.0
            self.seconds = self.evaluation_seconds = 0.0
            self.evaluations = 0
            self.planned = 0
            self.stopped_at: int | None = None

        def pace(self, done: int, spent: float) -> LoopPace:
            step = (spent - self.evaluation_seconds) / done
            evaluation = self.evaluation_seconds / self.evaluations if self.evaluations else evaluation_step_cost * step
            return LoopPace(step, evaluation)

        def on_train_begin(self, args, state, control, **kwargs):
            self.started = self.last_step_end = clock()
            self.planned = state.max_steps

        def on_step_end(self, args, state, control, **kwargs):
            self.last_step_end = clock()
            spent, done = self.last_step_end - self.started, state.global_step
            if not budget or done >= state.max_steps:
                return
            if spent > budget:
                control.should_training_stop = True
                self.stopped_at = done
                log(
                    f"time budget: {budget:g} s spent at step {done}/{state.max_steps}, the training stops there "
                    "(the machine ran slower than at the last weighing)"
                )
            elif done % REPLAN_STEPS == 0:
                self.replan(state, control, done, spent)

        def replan(self, state, control, done: int, spent: float) -> None:
            pace = self.pace(done, spent)
            steps = steps_within_time(self.planned, done, spent, self.evaluations, steps_per_epoch, pace, budget)
            if steps != state.max_steps:
                state.max_steps = schedule.total = steps
                if steps <= done:  # not one more step fits
                    control.should_training_stop = True
                log(
                    f"time budget: {budget:g} s fits {steps} of the {self.planned} steps "
                    f"({steps / steps_per_epoch:.2f} epochs) at {pace.step_seconds:.3f} s a step and "
                    f"{pace.evaluation_seconds:.1f} s a validation pass, weighed at step {done} ({spent:.0f} s); "
                    f"the learning rate decays to 0 at step {steps}"
                )

        def on_evaluate(self, args, state, control, **kwargs):
            self.evaluations += 1
            self.evaluation_seconds += clock() - self.last_step_end

        def on_train_end(self, args, state, control, **kwargs):
            self.seconds = clock() - self.started

    return TimeBudget()


def trainer_on_schedule(schedule: LinearSchedule, **trainer_arguments):
    """A ``transformers.Trainer`` whose learning rate follows ``schedule`` (its end may move as the run goes)."""
    from torch.optim.lr_scheduler import LambdaLR
    from transformers import Trainer

    class TrainerOnSchedule(Trainer):
        def create_scheduler(self, num_training_steps, optimizer=None):
            if self.lr_scheduler is None:
                self.lr_scheduler = LambdaLR(self.optimizer if optimizer is None else optimizer, schedule)
                self._created_lr_scheduler = True
            return self.lr_scheduler

    return TrainerOnSchedule(**trainer_arguments)
