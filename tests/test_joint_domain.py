"""The joint rules: who must approve what, the proposal life cycle, and launch-notification matching."""

import datetime as dt

import numpy as np
import pytest

from jointshield.errors import InputError
from jointshield.joint import (
    Architecture,
    Conflict,
    Detections,
    Forbidden,
    NotFound,
    Notification,
    Partner,
    Proposal,
    apply_change,
    change_from_dict,
    decide,
    demonstrates_threat,
    match_launches,
    notice_compulsory,
    required_approvers,
    submit,
    withdraw,
)

PARTNERS = [Partner("us", "United States", "US", "operator"), Partner("ru", "Russia", "RU", "operator"),
            Partner("eu", "European Union", "EU", "observer"), Partner("pl", "Poland", "PL", "host"),
            Partner("cz", "Czech Republic", "CZ", "host")]
P = {p.id: p for p in PARTNERS}
SITE = {"id": "redzikowo", "kind": "interceptor", "host_country": "PL", "lat_deg": 54.48, "lon_deg": 17.10,
        "type": "notional-interceptor-7kms", "inventory": 10}
RADAR = {"id": "brdy", "kind": "radar", "host_country": "CZ", "lat_deg": 49.65, "lon_deg": 13.83,
         "type": "notional-xband-tracking"}


def _arch():
    a = Architecture()
    for s in (SITE, RADAR):
        a = apply_change(a, change_from_dict({"op": "add_site", "site": s}))
    return a


@pytest.mark.parametrize("change, approvers", [
    ({"op": "add_site", "site": dict(SITE, id="new")}, {"pl"}),
    ({"op": "set_inventory", "site_id": "redzikowo", "inventory": 4}, {"pl"}),
    ({"op": "move_site", "site_id": "brdy", "lat_deg": 50.0, "lon_deg": 14.0}, {"cz"}),
    ({"op": "move_site", "site_id": "brdy", "lat_deg": 52.0, "lon_deg": 18.0, "host_country": "PL"}, {"cz", "pl"}),
    ({"op": "attach_observer", "site_id": "brdy", "observer": "ru"}, {"cz"}),
    ({"op": "set_criteria", "criteria": {"name": "joint-2008"}}, {"us", "ru"}),
    ({"op": "activate_site", "site_id": "redzikowo", "evidence_seq": 3}, {"pl", "us", "ru"}),
])
def test_required_approvers(change, approvers):
    assert required_approvers(change_from_dict(change), _arch(), PARTNERS) == approvers


def test_activation_by_all_partners_rule():
    from dataclasses import replace

    from jointshield.joint import ActivationRule

    a = replace(_arch(), activation_rule=ActivationRule(threat_evidence=False, approvers="all-partners"))
    ch = change_from_dict({"op": "activate_site", "site_id": "brdy"})
    assert required_approvers(ch, a, PARTNERS) == {"us", "ru", "eu", "pl", "cz"}
    with pytest.raises(InputError, match="evidence_seq"):  # the default 2007 rule wants a demonstrated threat
        required_approvers(ch, _arch(), PARTNERS)


def test_threat_evidence():
    assert demonstrates_threat("run", {"summary": {"threats": 2}})
    assert not demonstrates_threat("run", {"summary": {"threats": 0}})
    assert not demonstrates_threat("notification", {"summary": {"threats": 2}})


def test_life_cycle_approved_rejected_withdrawn():
    a = _arch()
    ch = change_from_dict({"op": "set_criteria", "criteria": {"name": "x"}})
    p = Proposal(1, "pl", ch)
    assert not p.visible_to("us") and p.visible_to("pl")
    with pytest.raises(Forbidden):
        submit(p, P["us"], a, PARTNERS)
    p = submit(p, P["pl"], a, PARTNERS)
    assert p.status == "pending" and p.visible_to("us")
    with pytest.raises(Forbidden, match="not among the approvers"):
        decide(p, P["pl"], True)
    p1 = decide(p, P["us"], True)
    assert p1.status == "pending" and p1.as_dict()["awaiting"] == ["ru"]
    with pytest.raises(Conflict):
        decide(p1, P["us"], True)
    assert decide(p1, P["ru"], True).status == "approved"
    rejected = decide(p1, P["ru"], False, "no")
    assert rejected.status == "rejected" and rejected.decisions[-1].comment == "no"
    with pytest.raises(Conflict):
        decide(rejected, P["us"], True)
    with pytest.raises(Forbidden):
        withdraw(p1, P["us"])
    assert withdraw(p1, P["pl"]).status == "withdrawn"
    assert apply_change(a, ch).criteria == {"name": "x"} and apply_change(a, ch).version == a.version + 1


def test_conflicts_and_not_found():
    a = _arch()
    with pytest.raises(Conflict, match="exists already"):
        required_approvers(change_from_dict({"op": "add_site", "site": SITE}), a, PARTNERS)
    with pytest.raises(NotFound):
        required_approvers(change_from_dict({"op": "set_inventory", "site_id": "nowhere", "inventory": 1}), a, PARTNERS)
    with pytest.raises(Conflict, match="radar"):
        required_approvers(change_from_dict({"op": "set_inventory", "site_id": "brdy", "inventory": 1}), a, PARTNERS)
    with pytest.raises(Conflict, match="no host partner"):
        required_approvers(change_from_dict({"op": "add_site", "site": dict(SITE, id="x", host_country="RO")}),
                           a, PARTNERS)


@pytest.mark.parametrize("doc, field", [
    ({"op": "explode"}, "change.op"),
    ({"op": "set_inventory", "site_id": "redzikowo"}, "change.inventory"),
    ({"op": "set_inventory", "site_id": "redzikowo", "inventory": -1}, "change.inventory"),
    ({"op": "add_site", "site": dict(SITE, lat_deg=95)}, "change.site.lat_deg"),
    ({"op": "add_site", "site": dict(SITE, kind="laser")}, "change.site.kind"),
    ({"op": "add_site", "site": dict(SITE, host_country="pl")}, "change.site.host_country"),
    ({"op": "set_criteria", "criteria": []}, "change.criteria"),
    ({"op": "move_site", "site_id": "brdy", "lat_deg": 1, "lon_deg": 2, "extra": 1}, "change.extra"),
])
def test_bad_changes_name_the_field(doc, field):
    with pytest.raises(InputError) as exc:
        change_from_dict(doc)
    assert exc.value.field == field


def test_compulsory_above_500_km():
    assert notice_compulsory([400, 501, 300], [100, 100, 600]).tolist() == [False, True, True]
    assert notice_compulsory(499, np.nan).item() is False


def _det(t, launch, impact):
    launch, impact = np.array(launch, float), np.array(impact, float)
    return Detections(np.array(t, float), launch[:, 0], launch[:, 1], impact[:, 0], impact[:, 1])


def test_matching_notified_late_unmatched_unused():
    day = 86_400.0
    # Three detected launches: from Semnan toward Warsaw, Tabriz toward Berlin, and a 100 km test shot.
    det = _det([0.0, 20.0, 30.0], [[35.23, 53.92], [38.08, 46.29], [35.0, 53.0]],
               [[52.23, 21.01], [52.52, 13.40], [35.5, 53.8]])
    # Notifications: 0 timely for launch 0; 1 late for launch 1; 2 matches nothing.
    ws = [-100.0, 0.0, 5 * day]
    we = [100.0, 60.0, 6 * day]
    la = [[35.2, 53.9, 50], [38.1, 46.3, 50], [10, 10, 10]]
    ia = [[52.2, 21.0, 100], [52.5, 13.4, 100], [10, 10, 10]]
    filed = [-2 * day, -3600.0, 0.0]
    m = match_launches(det, ws, we, la, ia, filed)
    assert m.notified.tolist() == [1, 0, 0]
    assert m.matched.tolist() == [0, 1, -1]
    assert m.late.tolist() == [False, True, False]
    assert m.compulsory.tolist() == [True, True, False]
    assert m.unmatched.tolist() == [False, True, False]
    assert m.unused.tolist() == [False, False, True]


def test_matching_needs_time_and_both_areas():
    det = _det([0.0], [[35.23, 53.92]], [[52.23, 21.01]])
    base = {"window_start_s": [-10.0], "window_end_s": [10.0], "launch_area": [[35.23, 53.92, 20]],
                "impact_area": [[52.23, 21.01, 20]], "filed_s": [-1e6]}
    assert match_launches(det, **base).notified[0] == 1
    assert match_launches(det, **dict(base, window_start_s=[5.0])).notified[0] == 0
    assert match_launches(det, **dict(base, launch_area=[[36.0, 53.92, 20]])).notified[0] == 0  # 86 km off
    assert match_launches(det, **dict(base, impact_area=[[52.23, 22.0, 20]])).notified[0] == 0
    widened = Detections(det.t_launch_s, det.launch_lat_deg, det.launch_lon_deg, np.array([52.23]),
                         np.array([22.0]), impact_err_km=60.0)  # 67 km off, widened by the estimate's error
    assert match_launches(widened, **dict(base, impact_area=[[52.23, 21.01, 20]])).notified[0] == 1
    empty = match_launches(det, [], [], np.zeros((0, 3)), np.zeros((0, 3)), [])
    assert empty.notified.tolist() == [0] and empty.unmatched.tolist() == [True]


def test_notification_document():
    filed = dt.datetime(2008, 3, 1, tzinfo=dt.UTC)
    n = Notification.from_dict({"window_start": "2008-03-03T06:00:00Z", "window_end": "2008-03-03T08:00:00Z",
                                "launch_area": {"lat_deg": 35.2, "lon_deg": 53.9, "radius_km": 50},
                                "impact_area": {"lat_deg": 52.2, "lon_deg": 21.0, "radius_km": 100},
                                "range_km": 2800}, "ru", filed)
    assert n.compulsory and not n.late and n.as_dict()["window_start"] == "2008-03-03T06:00:00.000000Z"
    with pytest.raises(InputError) as exc:
        Notification.from_dict({"window_start": "2008-03-03T06:00:00", "window_end": "x"}, "ru", filed)
    assert exc.value.field == "window_start"
