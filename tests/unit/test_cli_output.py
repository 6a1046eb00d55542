"""The CLI prints messages as written: no emoji codes, no markup."""

from __future__ import annotations

import pytest

from graph_cdp.cli import main


def test_the_refusal_to_serve_without_keys_prints_the_key_format(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRAPH_CDP_API_KEYS", "")
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "(name:secret:read+write;...)" in err
    assert "\u3299" not in err  # rich's :secret: emoji


def test_brackets_in_a_message_are_not_markup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRAPH_CDP_API_KEYS", "[bold]:0123456789abcdefgh:read")
    assert main(["serve"]) == 2
    assert "[bold]" in capsys.readouterr().err
