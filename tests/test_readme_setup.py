"""The README starts with exactly two commands, set-up and tests, and its set-up installs what
.ci/run installs: a test that needs an install step the README lacks would skip on a fresh
machine (as the timeline-scoring tests did before ``tilse`` joined command 1)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _readme_commands() -> list[str]:
    """The fenced bash blocks before the README's first horizontal rule."""
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("\n---\n")[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", head, flags=re.S)]


def _ci_steps() -> list[str]:
    """.ci/run's lines that build the virtual environment and run the tests."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines
            if line.startswith(("python3 -m venv", ".venv/bin/pip ", ".venv/bin/python -m pytest"))]


def test_the_readme_starts_with_two_one_line_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2 and all("\n" not in command for command in commands), commands
    assert commands[1] == ".venv/bin/python -m pytest"


def test_readme_set_up_installs_what_ci_installs_in_the_same_order() -> None:
    setup, tests = _readme_commands()
    steps = setup.split(" && ")
    ci = _ci_steps()
    assert ci[-1] == tests
    assert [step for step in steps if not step.startswith(".venv/bin/newsloom")] == ci[:-1]
    assert ".venv/bin/pip install -q --no-deps tilse==0.2.1" in steps
