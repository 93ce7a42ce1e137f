"""Run the benchmarks: ``python benchmarks/run.py [--only NAME ...] [--quick] [--out PATH]``.

Every ``benchmarks/bench_<name>.py`` exposes ``rows(ctx) -> list[Row]`` (see ``_harness.py``). This script
finds them, runs them (only ``--only NAME`` ones if given), prints a table and writes the rows to
``benchmarks/results.json`` as a list of objects with the keys name, value, unit, peer, peer_value, ratio,
machine, notes. The file is replaced atomically. A module that fails is reported and skipped; the exit
status is then 1, after the other modules' rows are written.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # when imported rather than run as a script
    sys.path.insert(0, str(HERE))

# Imported after the path is set so that `_harness` is found however this file is loaded.
from _harness import Context, Row, machine_info
from rich.console import Console
from rich.table import Table


def discover() -> dict[str, str]:
    """Benchmark name -> module name, for every ``bench_<name>.py`` beside this script, sorted by name."""
    return {p.stem.removeprefix("bench_"): p.stem for p in sorted(HERE.glob("bench_*.py"))}


def _fmt(x) -> str:
    if x is None:
        return "—"
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def print_table(rows: list[Row], console: Console) -> None:
    table = Table(title="jointshield benchmarks", title_justify="left")
    for col, justify in [
        ("name", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("peer", "left"),
        ("peer value", "right"),
        ("ratio", "right"),
        ("notes", "left"),
    ]:
        table.add_column(col, justify=justify, overflow="fold")
    for r in rows:
        table.add_row(r.name, _fmt(r.value), r.unit, _fmt(r.peer), _fmt(r.peer_value), _fmt(r.ratio), r.notes)
    console.print(table)
    if rows:
        m = rows[0].machine or {}
        console.print(
            f"machine: {m.get('cpu')}, {m.get('cores_usable')}/{m.get('cores')} cores usable, "
            f"numpy {m.get('numpy')} ({m.get('blas')}), numba {m.get('numba')}"
        )


def write_json(rows: list[Row], path: Path) -> None:
    """Write the rows as JSON, replacing ``path`` atomically (temporary file in the same folder, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps([r.as_dict() for r in rows], indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=sorted(available),
        help="run only this benchmark (repeatable); one of: " + ", ".join(available),
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test, not a measurement")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="where to write the rows")
    args = parser.parse_args(argv)

    console = Console()
    ctx = Context(quick=args.quick, machine=machine_info())
    rows: list[Row] = []
    failed = []
    for name in args.only or available:
        try:
            module = importlib.import_module(available[name])
            new = list(module.rows(ctx))
            bad = [r for r in new if not isinstance(r, Row)]
            if bad:
                raise TypeError(f"rows() must return Row objects, got {type(bad[0]).__name__}")
        except Exception:  # noqa: BLE001  (any failure of one module: report it, run the others)
            failed.append(name)
            console.print(f"[red]benchmark {name!r} failed:[/red]")
            console.print(traceback.format_exc(), markup=False, highlight=False)
            continue
        rows += [r if r.machine is not None else dataclasses.replace(r, machine=ctx.machine) for r in new]

    print_table(rows, console)
    write_json(rows, args.out)
    console.print(f"wrote {len(rows)} rows to {args.out}")
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
