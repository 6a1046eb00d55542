"""A model trained on a population generated here: typo'd and nicknamed same persons
score above merge, the four traps of issue 10 below review; config and model files."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from graph_cdp.errors import ConfigurationError
from graph_cdp.matching import (
    Decision,
    MatchConfig,
    Matcher,
    MatchModel,
    MatchRecord,
    PersonTraits,
    default_model,
    load_match_config,
)
from graph_cdp.matching.blocking import blocked_pairs
from graph_cdp.matching.comparisons import prepare
from graph_cdp.matching.model import LevelParameters

FIRST = [
    "william",
    "robert",
    "elizabeth",
    "katherine",
    "timothy",
    "james",
    "margaret",
    "anthony",
    "olivia",
    "noah",
    "emma",
    "liam",
    "sophia",
    "lucas",
    "mia",
    "ethan",
    "ava",
    "mason",
    "harper",
    "logan",
    "amelia",
    "oliver",
    "ella",
    "jacob",
    "grace",
    "henry",
    "chloe",
]
SYLLABLES = ["ka", "lo", "mer", "th", "son", "ber", "ri", "an", "dal", "wick", "ton", "ley"]
STREETS = ["main st", "oak ave", "elm rd", "pine ln", "cedar blvd", "maple dr", "lake way"]


def _person(rng: random.Random, n: int) -> PersonTraits:
    postal = f"{rng.randrange(100, 160)}01"
    return PersonTraits(
        first_name=rng.choice(FIRST),
        last_name="".join(rng.choice(SYLLABLES) for _ in range(3)),
        birth_date=datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(23000)),
        street=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}",
        postal_code=postal,
        city=f"city{postal}",
    )


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


NICKNAMES = {
    "william": "bill",
    "robert": "bob",
    "elizabeth": "liz",
    "katherine": "kate",
    "timothy": "tim",
    "james": "jim",
    "margaret": "peggy",
    "anthony": "tony",
}


def _noisy(rng: random.Random, t: PersonTraits) -> PersonTraits:
    """One to two of the changes people make between two sign-ups."""
    fields = dict(t.__dict__)
    for change in rng.sample(range(8), rng.choice([1, 1, 2])):
        day, month = fields["birth_date"].day, fields["birth_date"].month
        if change == 0:
            fields["last_name"] = _typo(rng, t.last_name or "xx")
        elif change == 1:
            fields["first_name"] = NICKNAMES.get(
                t.first_name or "", _typo(rng, t.first_name or "xx")
            )
        elif change == 2:
            fields.update(street=None, postal_code=None, city=None)
        elif change == 3:
            postal = f"{rng.randrange(100, 160)}01"
            fields.update(
                street=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}",
                postal_code=postal,
                city=f"city{postal}",
            )
        elif change == 4:
            fields["birth_date"] = fields["birth_date"].replace(day=day % 28 + 1)
        elif change == 5 and day <= 12:
            fields["birth_date"] = fields["birth_date"].replace(day=month, month=day)
        elif change == 6:
            fields["street"] = _typo(rng, t.street or "xx")
        elif change == 7:
            fields["first_name"] = _typo(rng, t.first_name or "xx")
    return PersonTraits(**fields)


@pytest.fixture(scope="module")
def population() -> list[MatchRecord]:
    rng = random.Random(7)
    records = []
    for n in range(1500):
        person = _person(rng, n)
        records.append(MatchRecord(id=f"p{n}-0", traits=person))
        for k in range(rng.choice([0, 0, 1, 2])):
            records.append(MatchRecord(id=f"p{n}-{k + 1}", traits=_noisy(rng, person)))
    return records


@pytest.fixture(scope="module")
def trained(population: list[MatchRecord]) -> Matcher:
    m = Matcher(MatchConfig(u_sample_pairs=50_000))
    m.train(population, seed=1)
    return m


@pytest.fixture(scope="module", params=["trained", "default"])
def matcher(request: pytest.FixtureRequest, population: list[MatchRecord]) -> Matcher:
    """Each decision test runs under the trained model and under the starting one."""
    if request.param == "default":
        return Matcher(MatchConfig(), default_model())
    trained: Matcher = request.getfixturevalue("trained")
    return trained


def _r(id: str, **traits: object) -> MatchRecord:
    return MatchRecord(id=id, traits=PersonTraits(**traits))  # type: ignore[arg-type]


BASE = {
    "first_name": "william",
    "last_name": "kalomer",
    "birth_date": datetime.date(1971, 5, 12),
    "street": "12 main st",
    "postal_code": "12301",
    "city": "city12301",
}

SAME = [
    ("typo in the surname", {"last_name": "kalomre"}),
    ("nickname", {"first_name": "bill"}),
    (
        "nickname and a moved address",
        {"first_name": "bill", "street": "9 oak ave", "postal_code": "14001", "city": "city14001"},
    ),
    ("one digit of the birth date", {"birth_date": datetime.date(1971, 5, 13)}),
    ("day and month swapped", {"birth_date": datetime.date(1971, 12, 5)}),
    ("no address on one side", {"street": None, "postal_code": None, "city": None}),
]
TRAPS = [
    (
        "namesake in the postal code",
        {"birth_date": datetime.date(1958, 10, 3), "street": "88 elm rd"},
    ),
    ("family member", {"first_name": "margaret", "birth_date": datetime.date(1969, 2, 23)}),
    ("junior and senior", {"birth_date": datetime.date(1998, 8, 30)}),
    ("twins", {"first_name": "robert"}),
]


@pytest.mark.parametrize(("case", "changes"), SAME, ids=[c for c, _ in SAME])
def test_same_person_with_noise_scores_above_merge(
    matcher: Matcher, case: str, changes: dict[str, object]
) -> None:
    pair = matcher.score(_r("a", **BASE), _r("b", **{**BASE, **changes}))
    assert matcher.decide(pair) is Decision.MERGE, (case, pair)


@pytest.mark.parametrize(("case", "changes"), TRAPS, ids=[c for c, _ in TRAPS])
def test_traps_score_below_review(matcher: Matcher, case: str, changes: dict[str, object]) -> None:
    pair = matcher.score(_r("a", **BASE), _r("b", **{**BASE, **changes}))
    assert pair.probability < matcher.config.review_threshold, (case, pair)
    assert matcher.decide(pair) is Decision.NONE


def test_the_waterfall_adds_up(matcher: Matcher) -> None:
    pair = matcher.score(_r("b", **BASE), _r("a", **{**BASE, "first_name": "bill"}))
    assert (pair.a, pair.b) == ("a", "b")
    assert [f.field for f in pair.fields] == list(matcher.config.comparisons)
    levels = {f.field: f.level for f in pair.fields}
    assert levels["first_name"] == "nickname"
    assert levels["email"] == "null"
    assert next(f.weight for f in pair.fields if f.field == "email") == 0
    assert matcher.model is not None
    total = matcher.model.prior_weight + sum(f.weight for f in pair.fields)
    assert pair.weight == pytest.approx(total)


def test_term_frequency_makes_a_common_name_weaker(trained: Matcher) -> None:
    model = trained.model
    assert model is not None
    common = max(model.tf["first_name"], key=model.tf["first_name"].__getitem__)
    rare = min(model.tf["last_name"], key=model.tf["last_name"].__getitem__)
    assert model.tf_adjustment("first_name", common) < model.tf_adjustment("last_name", rare)


def test_candidates_find_the_duplicates(trained: Matcher, population: list[MatchRecord]) -> None:
    matcher = trained
    pairs, stats = matcher.candidates(population)
    assert stats.records == len(population)
    # Near-linear: a few pairs per record, not a share of all pairs.
    assert stats.pairs_compared < 20 * len(population)
    merged = {(p.a, p.b) for p in pairs if matcher.decide(p) is Decision.MERGE}
    persons: dict[str, list[str]] = {}
    for r in population:
        persons.setdefault(r.id.split("-")[0], []).append(r.id)
    truth = {(a, b) for ids in persons.values() for a in ids for b in ids if a < b}
    assert len(merged & truth) / len(truth) > 0.9
    assert len(merged & truth) / len(merged) > 0.97


def test_model_json_round_trip(trained: Matcher) -> None:
    matcher = trained
    model = matcher.model
    assert model is not None
    again = MatchModel.from_json(model.to_json())
    assert again == model
    a, b = _r("a", **BASE), _r("b", **{**BASE, "first_name": "bill"})
    assert Matcher(matcher.config, again).score(a, b) == matcher.score(a, b)


@pytest.mark.parametrize("text", ["", "{", '{"version": 99}', '{"version": 1, "prior": "x"}'])
def test_bad_model_json_is_a_configuration_error(text: str) -> None:
    with pytest.raises(ConfigurationError):
        MatchModel.from_json(text)


def test_scoring_without_a_model_says_so() -> None:
    with pytest.raises(ConfigurationError, match="no model"):
        Matcher(MatchConfig()).score(_r("a", **BASE), _r("b", **BASE))


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "match.toml"
    path.write_text(
        "[matching]\nmerge_threshold = 0.995\nreview_threshold = 0.9\n"
        'blocking_rules = ["birth_date", "last_name+postal_code"]\n'
        "fixed_m = {}\nu_sample_pairs = 1000\n",
        encoding="utf-8",
    )
    config = load_match_config(path)
    assert config.merge_threshold == 0.995
    assert config.blocking_rules == ("birth_date", "last_name+postal_code")
    assert config.fixed_m == {}
    assert load_match_config(None) == MatchConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("merge_threshold = 0.5\nreview_threshold = 0.9", "thresholds"),
        ("bogus = 1", "unknown matching settings"),
        ('blocking_rules = ["shoe_size"]', "unknown part"),
        ('comparisons = ["aura"]', "unknown comparison"),
        ('fixed_m = {"first_name.sometimes" = 0.1}', "unknown level"),
        ("max_block_size = 0", "at least 1"),
        ('merge_threshold = "high"', "must be a number"),
        ("merge_threshold = [", "not TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "match.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_match_config(path)


def test_default_model_covers_every_comparison_and_pins_fixed_m() -> None:
    from graph_cdp.matching.comparisons import COMPARISONS

    config = MatchConfig(comparisons=tuple(COMPARISONS), tf_adjustment=())
    model = default_model(config)
    for name, comparison in COMPARISONS.items():
        levels = model.comparisons[name]
        assert [p.level for p in levels] == list(comparison.levels)
        assert sum(p.m for p in levels) == pytest.approx(1)
        assert sum(p.u for p in levels) == pytest.approx(1, abs=1e-4)
    assert model.comparisons["first_name"][-1].m == 1e-9
    assert MatchModel.from_json(model.to_json()) == model


def test_training_reports_the_sessions_it_ran(population: list[MatchRecord]) -> None:
    matcher = Matcher(
        MatchConfig(training_rules=("email_local", "birth_date"), u_sample_pairs=2000)
    )
    model = matcher.train(population[:800])
    # No record has an email, so that session had no pairs and did not run.
    assert [s["rule"] for s in model.training["sessions"]] == ["birth_date"]
    assert model.training["sessions"][0]["pairs"] > 0
    assert model.training["u_sample_pairs"] == 2000


def test_a_model_trained_for_other_levels_is_refused() -> None:
    model = default_model()
    # The email levels before the local part stopped counting for namesakes.
    model.comparisons["email"] = [
        LevelParameters(level, 0.2, 0.2)
        for level in ("exact", "domain_typo", "local_part", "local_part_similar", "else")
    ]
    with pytest.raises(ConfigurationError, match="other levels for email"):
        Matcher(MatchConfig(), model)
    assert Matcher(MatchConfig()).misfit(model) == (
        "match model has other levels for email than this version"
    )
    assert Matcher(MatchConfig(), default_model()).model is not None


def test_weights_of_all_pairs_at_once_are_each_pairs_score(
    trained: Matcher, population: list[MatchRecord]
) -> None:
    # The batch filter (level vectors, weight tables, per-record tf arrays) gives every
    # blocked pair the weight its waterfall sums to, tf adjustments included.
    cfg = trained.config
    pairs, _ = blocked_pairs(population, cfg.blocking_rules, max_block_size=cfg.max_block_size)
    prepared = [prepare(r) for r in population]
    weights = trained._weights_of(prepared, pairs)
    expected = [trained.score(population[i], population[j]).weight for i, j in pairs]
    assert len(pairs) > 1000
    assert weights.tolist() == pytest.approx(expected, abs=1e-9)
    adjusted = [
        k
        for k, (i, j) in enumerate(pairs)
        if population[i].traits.last_name == population[j].traits.last_name
    ]
    assert adjusted  # some pairs take the tf adjustment of an exact surname
