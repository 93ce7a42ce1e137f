"""jointshield: a limited, jointly operated regional missile defence, simulated and verifiable.

Layout and rules of the house: see docs/DESIGN.md (copied from the project's shared design page).
"""

__version__ = "0.1.0"
