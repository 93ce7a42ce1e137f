"""``jointshield catalogue``: list the notional missiles, interceptors and radars, their figures and sources."""

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
from ..sensors.catalogue import load_radar_catalogue
from ..sensors.radar import RadarType
from .main import app


class Kind(str, Enum):
    missile = "missile"
    interceptor = "interceptor"
    radar = "radar"


HELP = (
    "List the catalogue of notional vehicle and radar types with their main figures and open sources.\n\n"
    "One table per kind (missile, interceptor, radar). For a vehicle, each row gives the number of stages, "
    "the launch mass, the payload (for a missile the post-boost bus plus reentry vehicle, for an "
    "interceptor the kill vehicle), the ideal velocity gain Δv (Tsiolkovsky, before gravity and drag "
    "losses), the nominal range and range class of a missile or the nominal burnout speed of an "
    "interceptor, and a missile's radar cross-section. For a radar: band, field of regard (azimuth "
    "half-width about the boresight, elevation limits), detection range against the reference "
    "cross-section and probability of detection, instrumented range, revisit time, noise in range and "
    "angle, and false alarms per scan. The numbers of the sources are listed under the tables. Scenario "
    "files name these types in launches[].missile and sensors[].type.\n\n"
    "Examples:\n\n"
    "jointshield catalogue\n\n"
    "jointshield catalogue --kind interceptor\n\n"
    "jointshield catalogue --kind radar\n\n"
    "jointshield catalogue --json   (a JSON list: name, kind, all figures, derived figures, and the "
    "source of each figure)"
)


@app.command("catalogue", help=HELP)
def catalogue(
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Only this kind: missile, interceptor or radar.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list (all fields, derived figures and sources).")
    ] = False,
) -> None:
    vehicles = [v for v in load_catalogue().values() if kind is None or v.kind == kind.value]
    radars = list(load_radar_catalogue().values()) if kind in (None, Kind.radar) else []
    if as_json:
        items = [v.summary() for v in vehicles] + [r.summary() for r in radars]
        typer.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return

    citations: list[str] = []

    def numbers(v: Vehicle | RadarType) -> str:
        out = []
        texts = v.citations().values() if isinstance(v, Vehicle) else v.sources.values()
        for text in dict.fromkeys(texts):
            if text not in citations:
                citations.append(text)
            out.append(str(citations.index(text) + 1))
        return " ".join(out)

    console = Console(highlight=False)
    for k in (Kind.missile, Kind.interceptor):
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
            table.add_column("RCS\nm²", justify="right", overflow="fold")
        else:
            table.add_column("burnout\nkm/s", justify="right", overflow="fold")
        table.add_column("sources", overflow="fold")
        for v in rows:
            figures = (
                [f"{v.nominal_range_km:,.0f}" if v.nominal_range_km else "-", v.range_class or "-",
                 f"{v.rcs_m2:g}" if v.rcs_m2 else "-"]
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
    if radars:
        table = Table(
            title="radars (detection range: against the reference RCS at the reference Pd; noise at that SNR)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            expand=False,
        )
        table.add_column("name", no_wrap=True)
        table.add_column("band", overflow="fold")
        for header in ("az\n±deg", "el\ndeg", "detect\nkm", "RCS\nm²", "Pd", "instr.\nkm", "revisit\ns",
                       "σR\nm", "σaz/σel\nmrad", "FA/\nscan"):
            table.add_column(header, justify="right", overflow="fold")
        table.add_column("sources", overflow="fold")
        for r in radars:
            lo, hi = r.el_limits_deg
            table.add_row(
                r.name,
                r.band or "-",
                f"{r.az_half_width_deg:g}",
                f"{lo:g}-{hi:g}",
                f"{r.detection_range_km:,.0f}",
                f"{r.reference_rcs_m2:g}",
                f"{r.reference_pd:g}",
                f"{r.instrumented_range_km:,.0f}",
                f"{r.revisit_s:g}",
                f"{r.sigma_range_m:g}",
                f"{r.sigma_az_mrad:g}/{r.sigma_el_mrad:g}",
                f"{r.false_alarms_per_scan:g}",
                numbers(r),
            )
        console.print(table)
    console.print("sources (each figure's own: jointshield catalogue --json)")
    for i, text in enumerate(citations, 1):
        console.print(f"  {i}. {escape(text)}")
