"""Packaging: pyproject's dependencies are requirements.in's pins, every one of them (and every
transitive one) is pinned with hashes in requirements.txt, and the console command exists."""

from __future__ import annotations

import re
import tomllib

from covenant_hub.config import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]+\])?==([^\s;#]+)")


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(3)
    return pins


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())


def test_pyproject_dependencies_are_the_pins_of_requirements_in():
    declared = _pins("\n".join(_pyproject()["project"]["dependencies"]))
    assert declared == _pins((PROJECT_ROOT / "requirements.in").read_text())


def test_every_locked_package_is_pinned_with_a_hash():
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (PROJECT_ROOT / name).read_text()
        body = re.sub(r"\A(?:#[^\n]*\n|\n)*", "", text)  # pip-compile's header comment
        entries = re.split(r"\n(?=[A-Za-z0-9])", body.strip())
        for entry in entries:
            assert PIN.match(entry), f"{name}: not an exact pin: {entry.splitlines()[0]}"
            assert "--hash=sha256:" in entry, f"{name}: no hash for {entry.splitlines()[0]}"
        locked = _pins(text)
        for package, version in _pins((PROJECT_ROOT / "requirements.in").read_text()).items():
            assert locked.get(package) == version, f"{name} locks {package} {locked.get(package)}"


def test_the_console_command_and_the_bundled_files_are_declared():
    project = _pyproject()
    assert project["project"]["scripts"]["covenant-hub"] == "covenant_hub.entry:main"
    bundled = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for folder in ("templates", "static", "translations", "migrations"):
        assert bundled[folder] == f"covenant_hub/_project/{folder}" and (PROJECT_ROOT / folder).is_dir()
    assert (PROJECT_ROOT / "LICENSE").read_text().lstrip().startswith("Apache License")


def test_the_console_command_runs_flask_commands(app):
    from click.testing import CliRunner

    from covenant_hub.entry import cli

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "backup" in result.output and "serve" in result.output
