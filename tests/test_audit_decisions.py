"""The auditor's decisions: a dismissal is kept beside the store, survives `ingest --force`, and --fail-on
ignores it; ids do not depend on filters or line numbers."""

from __future__ import annotations

import copy
import json

from typer.testing import CliRunner

from cli.main import app
from kg.audit.decisions import assign_ids
from tests.conftest import seed_by_prefix, seed_path
from tests.test_audit_helpers import findings

runner = CliRunner()


def test_ids_are_stable_without_line_numbers_and_alike_findings_are_numbered():
    fs = [copy.deepcopy(f) for f in findings("gold")]
    ids = [f.id for f in assign_ids(fs)]
    assert len(set(ids)) == len(ids)
    moved = copy.deepcopy(fs)
    for f in moved:
        for e in f.evidence:
            e.line = (e.line or 0) + 7
        f.message = f.message + " (reworded)"
    assert [f.id for f in assign_ids(moved)] == ids


def test_dismissal_survives_ingest_force_and_fail_on_ignores_it(tmp_path):
    store = str(tmp_path / "s")
    seed = str(seed_path(seed_by_prefix("004_")))
    assert runner.invoke(app, ["ingest", seed, "--store", store]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["findings", "--store", store, "--kind", "target.no_output",
                                            "--json"]).stdout)
    [target] = listed
    res = runner.invoke(app, ["findings", "dismiss", target["id"][:8], "--store", store])
    assert res.exit_code == 2 and "--reason" in res.output  # a dismissal needs a reason
    res = runner.invoke(app, ["findings", "dismiss", target["id"][:8], "--reason", "a hotline contract: the output "
                              "is in the contract", "--store", store])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["ingest", seed, "--store", store, "--force"]).exit_code == 0
    out = json.loads(runner.invoke(app, ["audit", "--store", store, "--json"]).stdout)
    [f] = [f for f in out["findings"] if f["id"] == target["id"]]
    assert f["status"] == "dismissed" and f["reason"].startswith("a hotline contract")
    assert out["summary"]["by_status"]["dismissed"] == 1
    dismissed = json.loads(runner.invoke(app, ["findings", "--store", store, "--status", "dismissed",
                                               "--json"]).stdout)
    assert [d["id"] for d in dismissed] == [target["id"]]
    # the only warning left of its kind is dismissed: gating on this kind passes
    res = runner.invoke(app, ["audit", "--store", store, "--kind", "target.no_output", "--fail-on", "warning"])
    assert res.exit_code == 0 and "[dismissed:ahotlinecontract" in "".join(res.stdout.split())
    res = runner.invoke(app, ["findings", "confirm", "nonexistent", "--store", store])
    assert res.exit_code == 2 and "no finding with id" in res.stderr
