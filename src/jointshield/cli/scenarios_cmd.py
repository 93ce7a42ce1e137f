"""``jointshield scenarios``: the bundled scenarios, one line each."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from .main import app


@app.command(help="""List the scenarios bundled with jointshield, one line each.

Any of these names can be given wherever a command takes a scenario file:

  jointshield scenarios
  jointshield run europe-2008
  jointshield validate joint-2007
""")
def scenarios(as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table.")) -> None:
    from ..scenario import bundled_names, bundled_scenario

    rows = []
    for name in bundled_names():
        sc = bundled_scenario(name)
        rows.append({"name": name, "title": sc.name, "epoch": sc.epoch.isoformat(),
                     "launches": len(sc.launches), "radars": len(sc.sensors),
                     "interceptor_sites": len(sc.interceptor_sites),
                     "description": " ".join(sc.description.split())})
    if as_json:
        typer.echo(json.dumps(rows))
        return
    table = Table(title="bundled scenarios", title_justify="left")
    for col in ("name", "launches", "radars", "sites", "what it shows"):
        table.add_column(col, justify="right" if col in ("launches", "radars", "sites") else "left",
                         no_wrap=col == "name", overflow="fold")
    for r in rows:
        table.add_row(r["name"], str(r["launches"]), str(r["radars"]), str(r["interceptor_sites"]),
                      r["description"] or r["title"])
    console = Console()
    console.width = max(console.width, 120)
    console.print(table)
