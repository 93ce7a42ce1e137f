"""Scenario key ``notifications``: launches that partners notified in advance.

.. code-block:: yaml

    notifications:                    # optional
      - partner: ir                   # who filed it (free text; the joint service names partners)
        window_start_s: 0             # launch window, s after the epoch
        window_end_s: 3600
        launch_area: {centre: semnan, radius_km: 100}          # centre: a place name or {lat_deg, lon_deg}
        impact_area: {centre: {lat_deg: 20.0, lon_deg: 62.0}, radius_km: 200}
        filed_s: -172800              # optional: when it was filed, s after the epoch; default 48 h
                                      # before the window opens (timely: notice is due 24 h ahead)

The kill chain matches each firm track's back-flown launch point and time and its predicted impact point
against these (:func:`jointshield.defense.notifications.match_launches`); the threat criteria's
``notified`` condition reads the result, and each classification event says whether the launch was
notified, notified late, or not notified where notice was compulsory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field, model_validator

from .schema import _CONFIG, Name, PlaceRef

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = ["DEFAULT_FILED_LEAD_S", "LaunchNotification", "NotifiedArea", "notification_arrays",
           "notification_problems"]

DEFAULT_FILED_LEAD_S = 172_800.0
"""Default filing time: this long before the window opens (s), twice the 24 h the 1988 agreement asks."""
MAX_WINDOW_S = 30 * 86_400.0


class NotifiedArea(BaseModel):
    """A circle on the ground: a place (name or point) and a radius."""

    model_config = _CONFIG

    centre: PlaceRef = Field(description="Centre: a name under `places`, or {lat_deg: .., lon_deg: ..}.")
    radius_km: float = Field(gt=0, le=2000, description="Radius (km), more than 0 and at most 2000.")


class LaunchNotification(BaseModel):
    """One notified launch: who, when (a window), from where to where, and when it was filed."""

    model_config = _CONFIG

    partner: Name = Field(description="The partner that filed the notification.")
    window_start_s: float = Field(ge=-1e9, le=1e9, description="Launch window opens (s after the epoch).")
    window_end_s: float = Field(ge=-1e9, le=1e9, description="Launch window closes (s after the epoch).")
    launch_area: NotifiedArea = Field(description="Where the launch will be.")
    impact_area: NotifiedArea = Field(description="Where the missile will fall.")
    filed_s: float | None = Field(None, ge=-1e9, le=1e9, description="When it was filed (s after the epoch); "
                                  "default 48 h before the window opens.")

    @model_validator(mode="after")
    def _window(self) -> LaunchNotification:
        if not 0 <= self.window_end_s - self.window_start_s <= MAX_WINDOW_S:
            raise ValueError(f"window_end_s must be 0 to {MAX_WINDOW_S:,.0f} s (30 days) after window_start_s; "
                             f"got {self.window_start_s:g} to {self.window_end_s:g}")
        return self

    @property
    def filed_at_s(self) -> float:
        return self.window_start_s - DEFAULT_FILED_LEAD_S if self.filed_s is None else self.filed_s


def notification_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Unknown place names in the notifications' areas."""
    problems = []
    known = ", ".join(scenario.places) or "none"
    for i, n in enumerate(scenario.notifications):
        for key in ("launch_area", "impact_area"):
            ref = getattr(n, key).centre
            if isinstance(ref, str) and ref not in scenario.places:
                problems.append((("notifications", i, key, "centre"),
                                 f"unknown place {ref!r}; known: {known}; or give {{lat_deg: .., lon_deg: ..}}"))
    return problems


def notification_arrays(scenario: Scenario) -> dict[str, np.ndarray]:
    """The notifications as the arrays :func:`~jointshield.defense.notifications.match_launches` takes:
    ``window_start_s``, ``window_end_s``, ``filed_s`` (M,), ``launch_area``, ``impact_area`` (M, 3) of
    (lat_deg, lon_deg, radius_km)."""

    def area(a: NotifiedArea) -> tuple[float, float, float]:
        p = scenario.point(a.centre)
        return p.lat_deg, p.lon_deg, a.radius_km

    ns = scenario.notifications
    return {"window_start_s": np.array([n.window_start_s for n in ns], float),
            "window_end_s": np.array([n.window_end_s for n in ns], float),
            "filed_s": np.array([n.filed_at_s for n in ns], float),
            "launch_area": np.array([area(n.launch_area) for n in ns], float).reshape(-1, 3),
            "impact_area": np.array([area(n.impact_area) for n in ns], float).reshape(-1, 3)}
