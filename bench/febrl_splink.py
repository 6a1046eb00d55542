"""Splink 5 on FEBRL, with the settings of Splink's own FEBRL3 and FEBRL4 examples.

FEBRL3 (``febrl3.nb.py``): NameComparison on given name and surname,
DateOfBirthComparison, Damerau-Levenshtein <= 2 on soc_sec_id, exact street number and
postcode with term frequencies; blocking on soc_sec_id, given name, surname, birth
date, postcode; prior from deterministic rules at recall 0.9; u from 1e6 random pairs;
EM sessions blocked on birth date and on postcode.

FEBRL4 (``febrl4.nb.py``, its "detailed" model): name comparisons with term
frequencies, birth date, Damerau-Levenshtein <= 1, 2 on soc_sec_id and postcode,
exact street number; seven blocking rules; prior at recall 0.8; u from 1e6 pairs; EM
on birth date and on postcode, without term frequencies.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

Rows = list[tuple[str, str | None, dict[str, Any]]]
COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]


def _frame(rows: Rows) -> pd.DataFrame:
    data = [
        {
            "rec_id": rec_id,
            **{
                c: (row[c].strip() or None) if isinstance(row.get(c), str) else None
                for c in COLUMNS
            },
        }
        for rec_id, _, row in rows
    ]
    return pd.DataFrame(data, columns=["rec_id", *COLUMNS])


def run_splink(rows: Rows, link_only: bool) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    dob = cl.DateOfBirthComparison(
        "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
    )
    if not link_only:
        blocking: list[Any] = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons: list[Any] = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic: list[Any] = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
        recall = 0.8
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if link_only else "dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    db_api = DuckDBAPI()
    if link_only:
        frames = [_frame([r for r in rows if r[1] == s]) for s in ("a", "b")]
        linker = Linker([db_api.register(f) for f in frames], settings, log_level="WARNING")
    else:
        linker = Linker(db_api.register(_frame(rows)), settings, log_level="WARNING")
    began = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), estimate_without_term_frequencies=link_only
        )
    trained = time.perf_counter()
    # Every blocked pair, no threshold: its row count is the pairs Splink compared.
    predictions = linker.inference.predict()
    frame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    scored_at = time.perf_counter()
    scored = [
        ((min(a, b), max(a, b)), float(p))
        for a, b, p in zip(
            frame["rec_id_l"], frame["rec_id_r"], frame["match_probability"], strict=True
        )
        if p >= 0.5
    ]
    return {
        "scored": scored,
        "pairs_compared": len(frame),
        "seconds": {"train": trained - began, "score": scored_at - trained},
    }
