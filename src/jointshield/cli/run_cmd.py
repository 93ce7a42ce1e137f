"""``jointshield run``: the whole kill chain on a scenario, once or as a Monte Carlo."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from .demo_cmd import _slug
from .main import app


@app.command(help="""Run the kill chain on a scenario: radars, tracker, agreed threat criteria, engagement
planning, interceptor fly-outs, intercepts or impacts.

One run prints a summary (threats, engaged, intercepted, leakers, interceptors fired) and the event
timeline; with --runs N it runs N seeds in parallel on the local cores and prints, per threat and per
defended area, the probability of interception (of no leaker) with its 95% interval. --out writes
result.json (and monte_carlo.json), the run's files (scenario.yaml, trajectories.csv, tracks.csv, events.csv,
shots.csv, architecture.json) and the HTML report (report.html, figures/) under OUT/<scenario>; each file is
replaced only when it was written whole.

  jointshield run engagement-demo
  jointshield run engagement-demo --json
  jointshield run engagement-demo --runs 200 --seed 1 --out results
""")
def run(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled one."),
    runs: int = typer.Option(1, min=1, max=100_000, help="Number of runs (seeds); more than 1 is a Monte Carlo."),
    seed: int | None = typer.Option(None, help="Seed of the run (default: the scenario's)."),
    workers: int | None = typer.Option(None, min=1, help="Worker processes for --runs (default: every core)."),
    out: Path | None = typer.Option(None, help="Folder for result files."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as one JSON object."),
    with_report: bool = typer.Option(True, "--report/--no-report",
                                     help="With --out, also write the HTML report (report.html) and its figures."),
) -> None:
    from ..scenario import open_scenario

    sc = open_scenario(scenario)
    require_defense(sc)
    prepared, result, doc = execute(sc, runs, seed, workers)
    if out is not None:
        write_run_folder(out / _slug(sc.name), prepared, result, doc, with_report=with_report)
    if as_json:
        typer.echo(json.dumps({k: doc[k] for k in ("scenario", "seed", "summary", "events", "monte_carlo") if k in doc},
                              default=_jsonable))
        return
    console = Console()
    console.width = max(console.width, 110)
    s = result.summary
    console.print(f"[bold]{sc.name}[/bold], seed {result.seed}: {s['launches']} launches, {s['threats']} threats, "
                  f"{s['engaged']} engaged, {s['intercepted']} intercepted, {s['leakers']} leakers, "
                  f"{s['interceptors_fired']} interceptors fired")
    timeline = Table(title="events")
    for col in ("t (s)", "event", "object", "detail"):
        timeline.add_column(col, justify="right" if col == "t (s)" else "left")
    for e in result.events:
        d = e.as_dict()
        detail = ", ".join(f"{k} {v}" for k, v in d.items() if k not in ("t_s", "kind", "object"))
        timeline.add_row(f"{e.t_s:,.1f}", e.kind, e.object, detail)
    console.print(timeline)
    if "monte_carlo" in doc:
        mc = doc["monte_carlo"]
        t = Table(title=f"Monte Carlo: {mc['runs']} runs (seed {mc['seed']})")
        for col in ("launch", "P(classified threat)", "P(intercepted)", "95% interval"):
            t.add_column(col, justify="left" if col == "launch" else "right")
        for row in mc["per_threat"]:
            t.add_row(row["id"], f"{row['p_classified_threat']:.3f}", f"{row['p_intercepted']:.3f}",
                      f"{row['ci95'][0]:.3f}–{row['ci95'][1]:.3f}")
        console.print(t)
        for row in mc["per_defended_area"]:
            console.print(f"defended area {row['area']} ({row['missiles_aimed']} missiles aimed): P(no leaker) "
                          f"{row['p_no_leaker']:.3f}, 95% interval {row['ci95'][0]:.3f}–{row['ci95'][1]:.3f}")
        console.print(f"mean interceptors fired per run: {mc['mean_interceptors_fired']:.2f}")
    if out is not None:
        folder = out / _slug(sc.name)
        console.print(f"results: {folder}/result.json" + (f", report {folder}/report.html" if with_report else ""))


def require_defense(sc) -> None:
    """The kill chain needs radars and interceptor sites: say which is missing, as one line."""
    if not sc.sensors:
        raise InputError("sensors", "the scenario has no radars; the kill chain needs a `sensors:` list")
    if not sc.interceptor_sites:
        raise InputError("interceptor_sites", "the scenario has no interceptor sites; add `interceptor_sites:`")


def execute(sc, runs: int, seed: int | None, workers: int | None):
    """Prepare ``sc``, run it once (and ``runs`` times as a Monte Carlo when ``runs > 1``) with a progress bar
    on stderr; return ``(prepared, result, doc)`` where ``doc`` is what result.json holds."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..sim import RunFailed, monte_carlo, prepare
    from ..sim import run as run_once

    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, console=err) as progress:
        task = progress.add_task("flying the launches, building reach tables", total=None)
        prepared = prepare(sc)
        progress.update(task, description="run", total=1)
        result = run_once(prepared, seed)
        progress.advance(task)
        doc = {"scenario": sc.name, "seed": result.seed, "summary": result.summary,
               "events": [e.as_dict() for e in result.events],
               "classified": [{"track": tid, "verdict": c[0], "t_s": c[1], "launch": c[2], "explanation": c[3]}
                              for tid, c in result.classified.items()],
               "shots": [{k: v for k, v in s.items() if k != "site_index"} for s in result.shots]}
        if runs > 1:
            progress.update(task, description=f"Monte Carlo, {runs} runs", total=runs, completed=0)
            try:
                mc = monte_carlo(prepared, runs, result.seed, workers=workers,
                                 progress=lambda k: progress.advance(task, k))
            except RunFailed as exc:
                raise InputError(f"run {exc.index}", str(exc).split(": ", 1)[1]) from None
            doc["monte_carlo"] = mc.as_dict()
    return prepared, result, doc


def write_run_folder(folder: Path, prepared, result, doc: dict, *, with_report: bool = True) -> None:
    """result.json, monte_carlo.json (removed when this run has none), the run's files and the report."""
    from ..report._files import atomic_write
    from ..report.html import render_report
    from ..report.run_files import write_run_files

    folder.mkdir(parents=True, exist_ok=True)
    with atomic_write(folder / "result.json") as fh:
        fh.write(json.dumps(doc, indent=1, default=_jsonable).encode())
    if "monte_carlo" in doc:
        with atomic_write(folder / "monte_carlo.json") as fh:
            fh.write(json.dumps(doc["monte_carlo"], indent=1).encode())
    else:
        (folder / "monte_carlo.json").unlink(missing_ok=True)  # an earlier run's would not match this one
    write_run_files(folder, result, prepared)
    if with_report:
        render_report(folder)


def _jsonable(x):
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")
