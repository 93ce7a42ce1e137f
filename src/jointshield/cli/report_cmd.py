"""``jointshield report``: the HTML report of a run folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from .main import app


@app.command(help="""Write the self-contained HTML report of a run folder (made by `run --out`).

The report (RESULT_DIR/report.html) shows the architecture on a map (radar coverage, interceptor reach), the
trajectories and tracks, the event timeline, the engagement outcomes, the Monte Carlo probabilities with
intervals when the run had --runs, and the analyses when `jointshield demo` wrote them. Every figure is also a
PNG under RESULT_DIR/figures/ with the numbers behind it as CSV. Nothing is re-run: the report is rebuilt from
the files.

  jointshield run europe-2008 --out results
  jointshield report results/european-site-2008
""")
def report(result_dir: Path = typer.Argument(..., help="A run folder written by `jointshield run --out`.")) -> None:
    from ..report.html import render_report

    path = render_report(result_dir)
    Console().print(f"report: {path}")
