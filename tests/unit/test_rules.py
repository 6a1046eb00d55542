"""Resolution rules: defaults, the TOML file over them, and helpful errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph_cdp.errors import ConfigurationError
from graph_cdp.resolution.rules import Rules, limit_bucket, load_rules, rules_from_mapping

DEFAULTS = Rules()

DEFAULT_DICT: dict[str, Any] = {
    "priority": [
        "customer_id",
        "loyalty_id",
        "email",
        "phone",
        "device_id",
        "cookie_id",
        "anonymous_id",
    ],
    "anchors": ["customer_id", "email", "loyalty_id", "phone"],
    "limits": {
        "customer_id": 1,
        "loyalty_id": 1,
        "email": 3,
        "phone": 3,
        "device_id": 10,
        "cookie_id": 50,
        "anonymous_id": 50,
    },
    "hub_thresholds": {
        "customer_id": 30,
        "loyalty_id": 30,
        "email": 30,
        "phone": 15,
        "device_id": 30,
        "cookie_id": 40,
        "anonymous_id": 40,
    },
    "default_hub_threshold": 30,
    "shared_device": "evidence",
}


def test_defaults() -> None:
    assert DEFAULTS.to_dict() == DEFAULT_DICT


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda r: r.rank("customer_id"), 0),
        (lambda r: r.rank("loyalty_id"), 1),
        (lambda r: r.rank("email"), 2),
        (lambda r: r.rank("phone"), 3),
        (lambda r: r.rank("device_id"), 4),
        (lambda r: r.rank("cookie_id"), 5),
        (lambda r: r.rank("anonymous_id"), 6),
        (lambda r: r.rank("twitter"), 7),  # unlisted kinds rank after all listed ones
        (lambda r: r.hub_threshold("phone"), 15),
        (lambda r: r.hub_threshold("cookie_id"), 40),
        (lambda r: r.hub_threshold("twitter"), 30),
        (lambda r: r.is_anchor("customer_id"), True),
        (lambda r: r.is_anchor("loyalty_id"), True),
        (lambda r: r.is_anchor("email"), True),
        (lambda r: r.is_anchor("phone"), True),
        (lambda r: r.is_anchor("device_id"), False),
        (lambda r: r.is_anchor("cookie_id"), False),
        (lambda r: r.is_anchor("twitter"), False),
    ],
)
def test_default_queries(query: Callable[[Rules], object], expected: object) -> None:
    assert query(DEFAULTS) == expected


def test_rules_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.default_hub_threshold = 5  # type: ignore[misc]


def test_default_limits_cannot_be_mutated() -> None:
    with pytest.raises(TypeError):
        DEFAULTS.limits["email"] = 9  # type: ignore[index]
    assert DEFAULTS.limits["email"] == 3


@pytest.mark.parametrize(
    ("kind", "value", "bucket"),
    [
        ("loyalty_id", "acme:123", "loyalty_id:acme"),
        ("loyalty_id", "zeta:123", "loyalty_id:zeta"),
        ("loyalty_id", "acme:12:34", "loyalty_id:acme"),  # only the first colon splits
        ("loyalty_id", "123", "loyalty_id"),  # no program: one shared bucket
        ("email", "a:b@x.io", "email"),  # only loyalty ids have programs
        ("customer_id", "crm:1", "customer_id"),
        ("device_id", "d1", "device_id"),
    ],
)
def test_limit_bucket(kind: str, value: str, bucket: str) -> None:
    assert limit_bucket(kind, value) == bucket


def test_load_rules_without_a_file_gives_the_defaults() -> None:
    assert load_rules(None) == DEFAULTS


def test_to_dict_round_trips() -> None:
    assert rules_from_mapping(DEFAULTS.to_dict()) == DEFAULTS


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("", {}),
        ("# only a comment\n", {}),
        (
            "[limits]\nemail = 5\n",
            {"limits": {**DEFAULT_DICT["limits"], "email": 5}},
        ),
        (
            "[limits]\ncustomer_id = 2\ntwitter = 4\n",
            {"limits": {**DEFAULT_DICT["limits"], "customer_id": 2, "twitter": 4}},
        ),
        (
            "[hub_thresholds]\nphone = 50\ndevice_id = 5\n",
            {"hub_thresholds": {**DEFAULT_DICT["hub_thresholds"], "phone": 50, "device_id": 5}},
        ),
        ("default_hub_threshold = 7\n", {"default_hub_threshold": 7}),
        ('shared_device = "strict"\n', {"shared_device": "strict"}),
        (
            'priority = ["email", "customer_id"]\n',
            {"priority": ["email", "customer_id"]},
        ),
        (
            'anchors = ["phone", "customer_id", "device_id"]\n',
            {"anchors": ["customer_id", "device_id", "phone"]},
        ),
        (
            "default_hub_threshold = 12\n[limits]\nphone = 1\n[hub_thresholds]\nemail = 100\n",
            {
                "default_hub_threshold": 12,
                "limits": {**DEFAULT_DICT["limits"], "phone": 1},
                "hub_thresholds": {**DEFAULT_DICT["hub_thresholds"], "email": 100},
            },
        ),
    ],
    ids=[
        "empty file",
        "comment only",
        "email limit",
        "limit of a new kind",
        "hub thresholds",
        "default hub threshold",
        "shared-device rule",
        "priority",
        "anchors",
        "everything at once",
    ],
)
def test_load_rules_overrides_the_defaults(
    tmp_path: Path, text: str, changes: dict[str, Any]
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).to_dict() == {**DEFAULT_DICT, **changes}


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("[limits]\nemail = 5\n", lambda r: r.limits["phone"], 3),
        ("[hub_thresholds]\nphone = 50\n", lambda r: r.hub_threshold("phone"), 50),
        ("[hub_thresholds]\nphone = 50\n", lambda r: r.hub_threshold("twitter"), 30),
        ("default_hub_threshold = 7\n", lambda r: r.hub_threshold("twitter"), 7),
        # the default threshold does not replace the per-kind ones
        ("default_hub_threshold = 7\n", lambda r: r.hub_threshold("phone"), 15),
        ('priority = ["email", "customer_id"]\n', lambda r: r.rank("email"), 0),
        ('priority = ["email", "customer_id"]\n', lambda r: r.rank("phone"), 2),
        ('anchors = ["phone"]\n', lambda r: r.is_anchor("email"), False),
        ('anchors = ["phone"]\n', lambda r: r.is_anchor("phone"), True),
    ],
)
def test_loaded_rules_answer_queries(
    tmp_path: Path, text: str, query: Callable[[Rules], object], expected: object
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    assert query(load_rules(path)) == expected


BAD_FILES = [
    pytest.param("colour = 1\n", r"unknown keys \['colour'\]", id="unknown key"),
    pytest.param(
        "zeta = 1\nalpha = 2\n",
        r"unknown keys \['alpha', 'zeta'\]; known: \['anchors', 'default_hub_threshold'",
        id="unknown keys listed sorted with the known ones",
    ),
    pytest.param("[limit]\nemail = 2\n", r"unknown keys \['limit'\]", id="misspelt table"),
    pytest.param(
        "[limits]\nemail = 0\n", r"\[limits\] must map kinds to integers >= 1", id="zero limit"
    ),
    pytest.param("[limits]\nemail = -3\n", r"\[limits\] must map kinds", id="negative limit"),
    pytest.param('[limits]\nemail = "three"\n', r"\[limits\] must map kinds", id="string limit"),
    pytest.param("[limits]\nemail = 2.5\n", r"\[limits\] must map kinds", id="float limit"),
    pytest.param("limits = 3\n", r"\[limits\] must map kinds", id="limits not a table"),
    pytest.param("limits = [1, 2]\n", r"\[limits\] must map kinds", id="limits a list"),
    pytest.param(
        "[hub_thresholds]\nphone = 0\n",
        r"\[hub_thresholds\] must map kinds",
        id="zero hub threshold",
    ),
    pytest.param(
        "[hub_thresholds.phone]\nmax = 3\n",
        r"\[hub_thresholds\] must map kinds",
        id="nested hub table",
    ),
    pytest.param(
        'priority = "email"\n', "priority must be a list of kinds", id="priority a string"
    ),
    pytest.param(
        "priority = [1, 2]\n", "priority must be a list of kinds", id="priority of numbers"
    ),
    pytest.param('anchors = "email"\n', "anchors must be a list of kinds", id="anchors a string"),
    pytest.param('anchors = ["email", 3]\n', "anchors must be a list of kinds", id="anchors mixed"),
    pytest.param(
        "default_hub_threshold = 0\n",
        "default_hub_threshold must be an integer >= 1",
        id="zero default",
    ),
    pytest.param(
        "default_hub_threshold = 2.5\n",
        "default_hub_threshold must be an integer",
        id="float default",
    ),
    pytest.param(
        'default_hub_threshold = "30"\n',
        "default_hub_threshold must be an integer",
        id="string default",
    ),
    pytest.param(
        'shared_device = "veto"\n', "shared_device must be one of", id="unknown device rule"
    ),
    pytest.param("[limits\nemail = 2\n", "is not valid TOML", id="unclosed table"),
    pytest.param("limits = {email = \n", "is not valid TOML", id="truncated inline table"),
    pytest.param("[limits]\nemail = 1\nemail = 2\n", "is not valid TOML", id="duplicate key"),
    pytest.param("email: 3\n", "is not valid TOML", id="yaml instead of toml"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_rules_files_are_configuration_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message) as caught:
        load_rules(path)
    assert caught.value.code == "BAD_CONFIGURATION"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("missing.toml", id="missing file"),
        pytest.param(".", id="a directory"),
    ],
)
def test_unreadable_rules_files_are_configuration_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(ConfigurationError, match="cannot be read") as caught:
        load_rules(path)
    assert str(path) in caught.value.message
    assert isinstance(caught.value.__cause__, OSError)


def test_invalid_toml_names_the_file_and_keeps_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[limits\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_rules(path)
    assert str(path) in caught.value.message
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"limits": {"email": 3}, "extra": True}, r"unknown keys \['extra'\]"),
        ({"priority": ("email",)}, "priority must be a list"),  # a tuple is not what TOML gives
        ({"limits": {1: 3}}, r"\[limits\] must map kinds"),
        ({"hub_thresholds": None}, r"\[hub_thresholds\] must map kinds"),
        ({"default_hub_threshold": None}, "default_hub_threshold must be an integer"),
    ],
)
def test_rules_from_mapping_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        rules_from_mapping(data)


def test_a_rules_file_that_is_not_utf8_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(b"[limits]\nemail = 2\n# \xff\n")
    with pytest.raises(ConfigurationError, match="UTF-8"):
        load_rules(path)


@pytest.mark.parametrize("text", ["[limits]\nemail = true\n", "default_hub_threshold = true\n"])
def test_booleans_are_not_numbers_in_rules(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(ConfigurationError):
        load_rules(path)
