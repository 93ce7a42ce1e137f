"""Self-check of the harness: the machine's double-precision matmul rate, the yardstick for kernels."""

from __future__ import annotations

from _harness import Context, Row


def rows(ctx: Context) -> list[Row]:
    n = 512 if ctx.quick else 2048
    return [
        Row(
            name=f"numpy float64 matmul peak (n={n})",
            value=ctx.peak_flops() / 1e9,
            unit="GFLOP/s",
            notes="2n³ flop per multiply; the yardstick for kernel rows",
        )
    ]
