"""The package as `pip install .` makes it: the HTML report's templates ship with it.

The wheel is built from a copy of the repository's sources and unpacked; a fresh interpreter that sees only
the unpacked package and the dependencies (not the repository, not the editable install)
renders a report in HTML.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys
sys.path[:0] = [{unpacked!r}, {site!r}]
import verifier
from verifier.findings import Finding, FindingKind, Report, Severity
from verifier.report.html_report import render
assert verifier.__file__.startswith({unpacked!r}), verifier.__file__
report = Report(findings=[Finding(FindingKind.CONFLICT, Severity.ERROR, "a <b> clash", "x.nv")])
print(render(report))
"""


def test_an_installed_package_renders_html_from_its_own_templates(tmp_path: Path) -> None:
    # (Built from a copy: setuptools builds in the source folder, and a build/ left there
    # from an earlier build could bring files the repository no longer has.)
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for package in ("dsl", "verifier"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(source)],
                           check=False, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("nverify-*.whl"))
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "verifier/report/templates/report.html.j2" in names and "verifier/report/templates/report.css" in names
    # -S: no site-packages of this interpreter (so not the editable install); the dependencies
    # come from its site-packages folder, put after the unpacked package.
    script = RENDER.format(unpacked=str(unpacked), site=sysconfig.get_paths()["purelib"])
    proc = subprocess.run([sys.executable, "-S", "-c", script], check=False, capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("<!DOCTYPE html>")
    assert "a &lt;b&gt; clash" in proc.stdout and "<b>" not in proc.stdout
