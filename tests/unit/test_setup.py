"""A fresh machine: `make test` installs (or names) what the tests need; CI runs the README's commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "scripts" / "test-tools"
NEEDED = "chromium chromium-driver npm openssl"


@pytest.fixture
def bare_path() -> Iterator[str]:
    """A PATH with a shell and `id`, and none of the tools the tests need (readable by all)."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        bin_dir = Path(tmp) / "bin"
        bin_dir.mkdir(mode=0o755)
        for tool in ("bash", "id"):
            found = shutil.which(tool)
            assert found is not None
            (bin_dir / tool).symlink_to(found)
        shutil.copy(TOOLS, bin_dir / "test-tools")
        yield str(bin_dir)


def _tools(
    path: str, *args: str, user: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    script = Path(path) / "test-tools" if (Path(path) / "test-tools").exists() else TOOLS
    bash = shutil.which("bash")
    assert bash is not None
    command = [*(user or []), bash, str(script), *args]
    env = {"PATH": path, "LANG": "C.UTF-8"}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)


def test_missing_tools_are_named_with_their_debian_packages(bare_path: str) -> None:
    done = _tools(bare_path, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"missing: {NEEDED}",
        f"would run: apt-get install -y --no-install-recommends {NEEDED}",
    ]


def test_without_root_it_says_what_to_run(bare_path: str) -> None:
    drop: list[str] = []
    if os.geteuid() == 0:  # run it as nobody (util-linux's setpriv)
        setpriv = shutil.which("setpriv")
        assert setpriv is not None, "dropping root needs setpriv (util-linux)"
        drop = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    done = _tools(bare_path, user=drop)
    assert done.returncode == 1
    assert f"sudo apt-get install -y --no-install-recommends {NEEDED}" in done.stderr


def test_nothing_happens_when_everything_is_there() -> None:
    if not all(map(shutil.which, ("chromedriver", "npm", "openssl"))):
        pytest.fail("this machine lacks a test tool: run scripts/test-tools")
    done = _tools(os.environ["PATH"])
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def test_ci_runs_exactly_the_readmes_commands() -> None:
    readme = _readme_commands()
    assert "make test" in readme
    setup = [c for c in readme if "apt-get install" in c]
    assert len(setup) == 1
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # CI runs as root, so the README's `sudo` is dropped; nothing else differs.
    assert setup[0].removeprefix("sudo ") in ci
    assert re.search(r"^make test$", ci, re.M)
    ci_make = set(re.findall(r"\bmake [a-z-]+(?: [a-z-]+)*", ci))
    documented = set(re.findall(r"\bmake [a-z-]+", (ROOT / "README.md").read_text()))
    for command in ci_make:
        assert all(f"make {t}" in documented for t in command.split()[1:]), command
