"""``jointshield capability`` and ``jointshield verify``: the reproducible capability statement."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from .demo_cmd import _slug
from .main import app

CODE_PARTS = ("earth", "flight", "sensors", "tracking", "defense", "sim", "analysis", "scenario", "data")
"""Parts of the package whose files make the code version of a statement (not the adapters)."""


def code_version() -> str:
    """``<package version>+src.<first 12 hex of SHA-256 over the sources of CODE_PARTS>``: a change to any
    physics, domain or data file changes it; a change to the command line or the report does not."""
    from .. import __version__

    root = resources.files("jointshield")
    h = hashlib.sha256()
    for part in CODE_PARTS:
        base = Path(str(root.joinpath(part)))
        for f in sorted(base.rglob("*")):
            if f.suffix in (".py", ".yaml") and "__pycache__" not in f.parts:
                h.update(f.relative_to(base.parent).as_posix().encode())
                h.update(f.read_bytes())
    return f"{__version__}+src.{h.hexdigest()[:12]}"


def _progress(label):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                    console=Console(stderr=True))


@app.command(help="""Capability statement of a scenario's architecture: for each threat class × launch region ×
target region, the share of (launch point, target point) pairs it can engage and the interceptors
available per threat. Regions and threats come from the scenario's `analysis:` section (defaults: the
launches' missiles, the regions holding the launch points, the agreed criteria's defended areas; see
docs/analysis.md). The statement records the scenario's content hash, the code version and the seed;
`jointshield verify` recomputes it.

  jointshield capability engagement-demo --out cap
""")
def capability(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled one."),
    seed: int = typer.Option(None, min=0, help="Seed of the points drawn in the regions (default: the scenario's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the statement as one JSON object."),
    out: Path = typer.Option(None, help="Folder: writes OUT/<scenario>/capability.json, .csv and .png."),
    plot: Path = typer.Option(None, help="Write a PNG of the table."),
) -> None:
    from ..analysis.capability import capability_statement
    from ..scenario import open_scenario

    sc = open_scenario(scenario)
    ref = str(Path(scenario).resolve()) if Path(scenario).exists() else scenario
    with _progress("capability statement: threat classes") as progress:
        task = progress.add_task("", total=None)
        doc = capability_statement(sc, seed=seed, code_version=code_version(), scenario_ref=ref,
                                   progress=lambda d, t: progress.update(task, completed=d, total=t))
    written = None
    if out is not None:
        from ..report._files import atomic_write
        from ..report.analysis_plot import write_csv

        folder = out / _slug(sc.name)
        folder.mkdir(parents=True, exist_ok=True)
        written = folder / "capability.json"
        with atomic_write(written) as fh:
            fh.write(json.dumps(doc, indent=1).encode())
        write_csv(folder / "capability.csv", doc["rows"])
        if plot is None:
            plot = folder / "capability.png"
    if plot is not None:
        from ..report.analysis_plot import plot_capability

        plot_capability(plot, doc)
    if as_json:
        typer.echo(json.dumps(doc))
        return
    console = Console()
    console.width = max(console.width, 110)
    t = Table(title=f"capability statement: {sc.name} (seed {doc['seed']}, code {doc['code_version']})")
    for col in ("threat", "launch region", "target region", "pairs flyable", "engageable", "shots available",
                "median margin (s)"):
        t.add_column(col, justify="left" if "region" in col or col == "threat" else "right")
    for r in doc["rows"]:
        frac = "—" if r["engageable_fraction"] is None else f"{100 * r['engageable_fraction']:.0f}%"
        t.add_row(r["threat"], r["launch_region"], r["target_region"], f"{r['reachable']}/{r['pairs']}", frac,
                  str(r["shots_available"]), "—" if r["median_margin_s"] is None else f"{r['median_margin_s']:+.0f}")
    console.print(t)
    console.print(f"scenario sha256 {doc['scenario_sha256'][:16]}…, digest {doc['digest'][:16]}…")
    if written is not None:
        console.print(f"statement: {written}  (check it with: jointshield verify {written})")


@app.command(help="""Recompute a capability statement and say whether it matches: the statement is unedited
(digest), the scenario's content is the same (hash), the code version is the same, and every row
recomputed with the recorded seed is equal. Exit code 0 when it matches, 1 when it does not.

  jointshield verify cap/engagement-demo/capability.json
""")
def verify(
    statement: Path = typer.Argument(..., help="A capability.json written by `jointshield capability`."),
    scenario: str = typer.Option(None, help="The scenario to check against (default: the one the statement names)."),
    as_json: bool = typer.Option(False, "--json", help="Print the checks as one JSON object."),
) -> None:
    from ..analysis.capability import verify_statement
    from ..scenario import open_scenario

    try:
        doc = json.loads(statement.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("STATEMENT", f"no such file: {str(statement)!r}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("STATEMENT", f"cannot read {str(statement)!r} as JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError("STATEMENT", f"{str(statement)!r} is not a capability statement (a JSON object)")
    ref = scenario or doc.get("scenario_ref")
    if not ref:
        raise InputError("--scenario", "the statement names no scenario; give --scenario")
    sc = open_scenario(ref)
    with _progress("recomputing: threat classes") as progress:
        task = progress.add_task("", total=None)
        v = verify_statement(doc, sc, code_version=code_version(),
                             progress=lambda d, t: progress.update(task, completed=d, total=t))
    if as_json:
        typer.echo(json.dumps(v.as_dict()))
    else:
        console = Console()
        for name, ok, detail in v.checks:
            console.print(f"{'[green]ok[/]' if ok else '[red]DIFFERS[/]'}  {name}: {detail}")
        console.print("[bold green]the statement matches[/]" if v.matches else "[bold red]the statement does not match[/]")
    if not v.matches:
        raise typer.Exit(1)
