"""``coopdesk bench sync`` runs end to end on a small node and reports what the issue asks for
(the figures themselves are the benchmark's business, not a test's)."""

from __future__ import annotations

import json

from coopdesk.cli import main


def test_bench_sync_small_run_reports_every_figure_and_converges(capsys):
    assert main(["bench", "sync", "--records", "300", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["records"] == 300 and data["rows"] == 600
    assert data["converged"] is True
    for key in ("export_seconds", "import_seconds", "name_keys_seconds", "import_vs_executemany",
                "bytes_vs_gzip_csv", "incremental_bytes", "incremental_export_seconds",
                "incremental_import_seconds"):
        assert data[key] >= 0, key
    assert 0 < data["incremental_bytes"] < 10_000  # 10 changed phone numbers, whatever the node's size
