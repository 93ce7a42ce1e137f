"""``jointshield catalogue``: list the notional missiles and interceptors, their figures and sources."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..flight.catalogue import load_catalogue
from ..flight.vehicles import Vehicle
from .main import app


class Kind(str, Enum):
    missile = "missile"
    interceptor = "interceptor"


HELP = (
    "List the catalogue of notional vehicle types with their main figures and open sources.\n\n"
    "One table per kind (missile, interceptor). Each row gives the number of stages, the launch mass, "
    "the payload (for a missile the post-boost bus plus reentry vehicle, for an interceptor the kill "
    "vehicle), the ideal velocity gain Δv (Tsiolkovsky, before gravity and drag losses), the nominal "
    "range and range class of a missile or the nominal burnout speed of an interceptor, and the numbers "
    "of its sources, listed under the tables. Scenario files name these types in launches[].missile.\n\n"
    "Examples:\n\n"
    "jointshield catalogue\n\n"
    "jointshield catalogue --kind interceptor\n\n"
    "jointshield catalogue --json   (a JSON list: name, kind, all figures, derived figures, and the "
    "source of each figure)"
)


@app.command("catalogue", help=HELP)
def catalogue(
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Only this kind: missile or interceptor.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list (all fields, derived figures and sources).")
    ] = False,
) -> None:
    vehicles = [v for v in load_catalogue().values() if kind is None or v.kind == kind.value]
    if as_json:
        typer.echo(json.dumps([v.summary() for v in vehicles], indent=2, ensure_ascii=False))
        return

    citations: list[str] = []

    def numbers(v: Vehicle) -> str:
        out = []
        for text in dict.fromkeys(v.citations().values()):
            if text not in citations:
                citations.append(text)
            out.append(str(citations.index(text) + 1))
        return " ".join(out)

    console = Console(highlight=False)
    for k in Kind:
        rows = [v for v in vehicles if v.kind == k.value]
        if not rows:
            continue
        missile = k is Kind.missile
        table = Table(
            title=f"{k.value}s (Δv: ideal, before gravity and drag losses)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            expand=False,
        )
        table.add_column("name", no_wrap=True)
        for header in ("stages", "launch\nkg", "payload\nkg" if missile else "KV\nkg", "Δv\nkm/s"):
            table.add_column(header, justify="right", overflow="fold")
        if missile:
            table.add_column("range\nkm", justify="right", overflow="fold")
            table.add_column("class")
        else:
            table.add_column("burnout\nkm/s", justify="right", overflow="fold")
        table.add_column("sources", overflow="fold")
        for v in rows:
            figures = (
                [f"{v.nominal_range_km:,.0f}" if v.nominal_range_km else "-", v.range_class or "-"]
                if missile
                else [f"{v.nominal_burnout_speed_km_s:.1f}" if v.nominal_burnout_speed_km_s else "-"]
            )
            table.add_row(
                v.name,
                str(len(v.stages)),
                f"{v.launch_mass_kg:,.0f}",
                f"{v.payload_kg:,.0f}",
                f"{v.ideal_delta_v_m_s / 1000:.2f}",
                *figures,
                numbers(v),
            )
        console.print(table)
    console.print("sources (each figure's own: jointshield catalogue --json)")
    for i, text in enumerate(citations, 1):
        console.print(f"  {i}. {escape(text)}")
