"""The example of docs/api.md runs as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_api_example_runs(tmp_path, capsys):
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "docs/api.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert "end_before_start" in capsys.readouterr().out
    assert (tmp_path / "example.db").exists()
