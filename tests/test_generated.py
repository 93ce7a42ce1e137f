"""The generated DOP853 lane step is what its generator writes from scipy's tableau today."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_step_matches_its_generator():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_dop853_lanes.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.TARGET.read_text() == gen.source(), "run: python tools/gen_dop853_lanes.py"
