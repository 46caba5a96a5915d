"""The comparison: every measurement for several activations, side by side, once or once per seed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ._gradient_flow import gradient_flow
from ._report import ActivationReport, Comparison, build_row
from ._settings import Progress, Settings, check_int, resolve
from ._statistics import output_stats
from ._training import train_with

if TYPE_CHECKING:
    from .. import BoundActivation, Registry
    from ._training import TrainingResult

__all__ = ["compare", "measure_row"]


def compare(
    specs: Sequence[Any],
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    progress: Progress | None = None,
    seeds: int | Sequence[int] | None = None,
    scheduler: Any = None,
    **changes: Any,
) -> Comparison:
    """Measure several activations side by side: output statistics, gradient flow and training.

    Every name is resolved before anything is measured, so an unknown name
    fails at once. Each activation then gets `output_stats`, `gradient_flow`
    and `train` with the same settings and seed.

    With ``seeds``, every (activation, seed) measurement is an independent
    dask task (the ``dask`` extra), run by ``scheduler``; the report holds
    every run (`Comparison.runs`) and shows the mean and spread across seeds.
    Each run is bit-identical to ``compare([spec], seed=seed)``, wherever it ran.

    Parameters
    ----------
    specs : sequence
        Activations: names, spec strings, dicts or activation objects.
    settings : Settings, optional
        The settings; the defaults of `Settings` if None.
    registry : Registry, optional
        Where to look the names up (the default registry if None).
    progress : callable, optional
        ``progress(done, total, message)`` as the work advances (one step per
        measurement and per training epoch), e.g. to draw a progress bar.
    seeds : int or sequence of int, optional
        Measure every activation once per seed: an int ``n`` means the seeds
        ``settings.seed, ..., settings.seed + n - 1``; a sequence gives them
        (distinct integers >= 0). None (the default): one run, with ``settings.seed``.
    scheduler : None, str or distributed.Client, optional
        Where the seeds' tasks run (only with ``seeds``): ``"processes"``
        (local processes), ``"threads"``, ``"synchronous"`` (one after
        another, in this process), a ``dask.distributed`` scheduler address
        such as ``"tcp://10.0.0.5:8786"`` (a client is connected, then
        closed), or a ``distributed.Client``. None: dask's default (the
        current ``distributed.Client`` if there is one, else threads).
    **changes
        Fields of `Settings` to override, e.g. ``epochs=5``.

    Returns
    -------
    Comparison

    Raises
    ------
    UnknownActivationError, InvalidSpecError
        A name is not registered or a spec is malformed.
    ValueError
        No activation, a setting or seed out of range, or an unknown scheduler.
    ModuleNotFoundError
        ``seeds`` was given and dask is not installed; the message names the extra.

    Examples
    --------
    >>> from activations.analysis import compare
    >>> report = compare(["relu", "sigmoid"], epochs=1, samples=1000, depth=3)
    >>> [row.name for row in report.activations]
    ['relu', 'sigmoid']
    >>> report.activations[0].stats.max_gradient
    1.0

    Two seeds, one after another in this process (``"processes"`` or a
    cluster's address run them in parallel, with the same results):

    >>> report = compare(["relu"], seeds=2, scheduler="synchronous", epochs=1, samples=1000, depth=3)
    >>> report.seeds, len(report.runs[0])
    ((0, 1), 2)
    >>> row = report.to_dict()["activations"][0]
    >>> row["seeds"], row["mean"]["max_gradient"], row["std"]["max_gradient"]
    ([0, 1], 1.0, 0.0)

    With ``learn=True``, training learns each activation's learnable
    parameters too, per hidden layer, except those of the ``fixed`` names:

    >>> report = compare(["prelu", "leaky_relu(negative_slope=0.25)"], learn=True, fixed=["leaky_relu"],
    ...                  epochs=1, samples=1000, depth=3)
    >>> [len(row.training.learned) for row in report.activations]
    [3, 0]
    """
    settings = replace(settings or Settings(), **changes)
    if not specs:
        raise ValueError("compare needs at least one activation")
    if seeds is None and scheduler is not None:
        raise ValueError("scheduler= needs seeds=: a single run is not sent to a scheduler")
    acts = [resolve(spec, registry) for spec in specs]
    if settings.fixed:
        settings = replace(settings, fixed=_fixed_names(settings.fixed, acts, registry))
    if seeds is not None:
        return _compare_seeds(acts, settings, _seed_list(seeds, settings.seed), scheduler, progress)
    steps_each = settings.epochs + 2
    total = steps_each * len(acts)
    rows = [measure_row(act, settings, progress, i * steps_each, total) for i, act in enumerate(acts)]
    return Comparison(settings=settings, activations=tuple(rows))


def measure_row(
    act: BoundActivation,
    settings: Settings,
    progress: Progress | None = None,
    offset: int = 0,
    total: int = 0,
    *,
    run: TrainingResult | None = None,
) -> ActivationReport:
    """One row of a comparison: `output_stats`, `gradient_flow` and `train` with ``settings``.

    Also the task that `compare` sends to dask for each (activation, seed).
    ``run`` is the result of `train` with ``settings``, where the caller has
    it already (`fact_check` does): it is used instead of training again.

    Examples
    --------
    >>> import activations
    >>> from activations.analysis import Settings, train
    >>> from activations.analysis._compare import measure_row
    >>> settings = Settings(epochs=1, samples=100, depth=2)
    >>> row = measure_row(activations.get("relu"), settings, run=train("relu", epochs=1))
    >>> row.training == train("relu", epochs=1)
    True
    """
    step = _shifted(progress, offset, total)
    step(0, 0, f"{act!r}: output statistics")
    stats = output_stats(act, samples=settings.samples, seed=settings.seed)
    step(1, 0, f"{act!r}: gradient flow")
    flow = gradient_flow(
        act, depth=settings.depth, width=settings.width, batch=settings.batch, seed=settings.seed
    )
    if run is None:
        step(2, 0, f"{act!r}: training")
        run = train_with(act, settings, _shifted(progress, offset + 2, total))
    return build_row(act, stats, flow, run, samples=settings.samples, seed=settings.seed)


def _fixed_names(
    fixed: Sequence[str], acts: Sequence[BoundActivation], registry: Registry | None
) -> tuple[str, ...]:
    """The canonical names of ``fixed``, each of which must name an activation compared."""
    compared = {act.name for act in acts}
    names = []
    for name in fixed:
        canonical = resolve(name, registry).name
        if canonical not in compared:
            raise ValueError(
                f"fixed names {name!r}, which is not compared; compared: {', '.join(sorted(compared))}"
            )
        names.append(canonical)
    return tuple(sorted(set(names)))


def _seed_list(seeds: int | Sequence[int], first: int) -> tuple[int, ...]:
    """The seeds asked for: ``n`` consecutive ones from ``first``, or the given distinct ones."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        check_int("seeds", seeds, 1)
        return tuple(range(first, first + int(seeds)))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"seeds must be an integer >= 1 or a non-empty sequence of seeds, got {seeds!r}")
    for seed in seeds:
        check_int("each seed", seed, 0)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {list(seeds)!r}")
    return tuple(int(seed) for seed in seeds)


def _compare_seeds(
    acts: list[BoundActivation],
    settings: Settings,
    seeds: tuple[int, ...],
    scheduler: Any,
    progress: Progress | None,
) -> Comparison:
    """Run `measure_row` for every (activation, seed) as dask tasks; reassemble the runs in order."""
    from ..backends.dask import run_tasks

    calls = [(act, replace(settings, seed=seed)) for act in acts for seed in seeds]
    finished = 0

    def done(i: int) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            act, run_settings = calls[i]
            progress(finished, len(calls), f"{act!r}: seed {run_settings.seed} done")

    results = run_tasks(measure_row, calls, scheduler=scheduler, feature="compare(seeds=...)", done=done)
    k = len(seeds)
    runs = tuple(tuple(results[i * k : (i + 1) * k]) for i in range(len(acts)))
    return Comparison(
        settings=replace(settings, seed=seeds[0]),
        activations=tuple(run[0] for run in runs),
        seeds=seeds,
        runs=runs,
    )


def _shifted(progress: Progress | None, offset: int, total: int) -> Progress:
    """Wrap ``progress`` to report step ``offset + done`` of ``total`` (a no-op without one)."""

    def report(done: int, _: int, message: str) -> None:
        if progress is not None:
            progress(offset + done, total, message)

    return report
