"""``jointshield serve``, ``jointshield partner add/list/revoke`` and ``jointshield ledger verify/export``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from .main import app

DB_HELP = "Database URL (default: $JOINTSHIELD_DATABASE_URL, else sqlite:///jointshield.db here)."


def _store(db: str | None):
    from ..store import Store

    return Store.open(db)


def _joint_errors(fn):
    """Turn the joint rules' refusals into the CLI's one-line errors (exit 2)."""
    import functools

    from ..joint.errors import JointError

    @functools.wraps(fn)
    def wrapper(*a, **k):
        try:
            return fn(*a, **k)
        except JointError as exc:
            raise InputError("", str(exc)) from None

    return wrapper


@app.command(help="""Start the joint service (HTTP API, OpenAPI schema at /docs and /openapi.json).

Partners authenticate with the tokens that `jointshield partner add` prints.

  jointshield serve
  jointshield serve --host 127.0.0.1 --port 8000 --db postgresql://js@localhost/js
""")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port."),
    db: str | None = typer.Option(None, help=DB_HELP),
    run_workers: int = typer.Option(1, min=1, help="Processes for a Monte Carlo run."),
) -> None:
    import uvicorn

    from ..api import create_app

    store = _store(db)
    uvicorn.run(create_app(store, run_workers=run_workers), host=host, port=port, log_level="warning",
                access_log=False)


partner_app = typer.Typer(help="Manage partners and their tokens (stored hashed; a token is shown once).",
                          no_args_is_help=True)
app.add_typer(partner_app, name="partner")


@partner_app.command("add", help="""Add a partner with a new Ed25519 signing key and print its token (once).

  jointshield partner add pl --name Poland --country PL --role host
""")
@_joint_errors
def partner_add(
    partner_id: str = typer.Argument(..., help="Id: 1-64 of a-z, 0-9, '-', '_' (e.g. pl)."),
    name: str = typer.Option(..., help="Full name."),
    country: str = typer.Option(..., help="Two-letter code (PL, CZ, US, RU, EU)."),
    role: str = typer.Option(..., help="operator, host or observer."),
    db: str | None = typer.Option(None, help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    p, token = _store(db).add_partner(partner_id, name, country, role)
    if as_json:
        typer.echo(json.dumps({**p, "token": token}))
    else:
        typer.echo(f"partner {p['id']} ({p['role']}, {p['country']}) added; its token (shown once):\n{token}")


@partner_app.command("list", help="""List the partners.

  jointshield partner list --json
""")
def partner_list(db: str | None = typer.Option(None, help=DB_HELP),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    rows = _store(db).partners()
    if as_json:
        typer.echo(json.dumps(rows))
        return
    t = Table(title="partners")
    for c in ("id", "name", "country", "role", "public key", "added", "revoked"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["id"], r["name"], r["country"], r["role"], r["public_key"], r["created_at"], r["revoked_at"] or "")
    Console().print(t)


@partner_app.command("revoke", help="""Revoke a partner: its token stops working and its key signs nothing more.

  jointshield partner revoke ru
""")
@_joint_errors
def partner_revoke(partner_id: str = typer.Argument(...), db: str | None = typer.Option(None, help=DB_HELP)) -> None:
    p = _store(db).revoke_partner(partner_id)
    typer.echo(f"partner {p['id']} revoked at {p['revoked_at']}")


ledger_app = typer.Typer(help="Verify and export the signed ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify", help="""Verify the ledger: every hash, link and signature, in order.

Without FILE, the database's ledger; with FILE, an exported ledger (offline: no database, no network).
Exit 0 when it verifies; 1 naming the first bad entry.

  jointshield ledger verify
  jointshield ledger verify --db sqlite:///jointshield.db
  jointshield ledger verify ledger.json
""")
def ledger_verify(
    file: Path | None = typer.Argument(None, help="An exported ledger (jointshield ledger export)."),
    db: str | None = typer.Option(None, help=DB_HELP),
    keys: Path | None = typer.Option(None, help="JSON file {partner id: base64 public key} of pinned keys."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    from ..joint import verify_entries

    trusted = None
    if keys is not None:
        try:
            trusted = json.loads(keys.read_text())
            assert isinstance(trusted, dict)
        except (OSError, ValueError, AssertionError):
            raise InputError("--keys", f"{keys}: not a readable JSON object of partner id -> public key") from None
    if file is not None:
        if db is not None:
            raise InputError("--db", "give either FILE or --db, not both")
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError("FILE", f"{file}: {exc.strerror}") from None
        except ValueError:
            raise InputError("FILE", f"{file}: not JSON (expected a file from jointshield ledger export)") from None
        if not isinstance(doc, dict) or doc.get("format") != "jointshield-ledger" or not isinstance(
                doc.get("entries"), list):
            raise InputError("FILE", f"{file}: not a jointshield ledger export (format jointshield-ledger)")
        v = verify_entries(doc["entries"], trusted, ledger_id=doc.get("ledger"))
        if v.ok and doc.get("head") not in (None, v.head):
            from ..joint import Verification

            v = Verification(False, v.entries, v.entries, "the file's head hash differs from its last entry's "
                             "(entries were removed from the end)", v.head)
    else:
        store = _store(db)
        v = store.verify()
        if v.ok and trusted is not None:
            v = verify_entries(store.entries(), trusted)
    if as_json:
        typer.echo(json.dumps(v.as_dict()))
    elif v.ok:
        typer.echo(f"ledger verifies: {v.entries} entries, head {v.head}")
    else:
        Console(stderr=True, highlight=False).print(f"[bold red]ledger does not verify:[/] {v.reason} "
                                                    f"(first bad entry: {v.first_bad})", soft_wrap=True)
    if not v.ok:
        raise typer.Exit(1)


@ledger_app.command("export", help="""Export the ledger to a portable JSON file that anyone can verify offline.

  jointshield ledger export ledger.json
""")
def ledger_export(file: Path = typer.Argument(..., help="Where to write."),
                  db: str | None = typer.Option(None, help=DB_HELP)) -> None:
    from ..report._files import atomic_write

    doc = _store(db).export()
    try:
        with atomic_write(file) as fh:
            fh.write(json.dumps(doc, indent=1, ensure_ascii=False).encode())
    except OSError as exc:
        raise InputError("FILE", f"{file}: {exc.strerror}") from None
    typer.echo(f"{len(doc['entries'])} entries written to {file} (head {doc['head']})")
