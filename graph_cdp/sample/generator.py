"""`generate`: a deterministic sample of customers, their events and the ground truth."""

from __future__ import annotations

import copy
import random
from datetime import datetime

from graph_cdp.sample import cases
from graph_cdp.sample.events import DEFAULT_START, Drafter, render
from graph_cdp.sample.people import IdentifierFactory
from graph_cdp.sample.population import Mix, assign_households, make_customers
from graph_cdp.sample.truth import Event, GroundTruth, SampleData, SharedIdentifier


def generate(
    customers: int,
    seed: int,
    start: datetime = DEFAULT_START,
    *,
    events_per_customer: float = 8.0,
    days: int = 90,
    isolated_rate: float = 0.05,
    household_rate: float = 0.08,
    public_computer_rate: float = 0.002,
    junk_email_rate: float = 0.10,
    call_center_rate: float = 0.05,
    duplicate_rate: float = 0.02,
    identical_duplicate_share: float = 0.3,
    format_noise_rate: float = 0.15,
    malformed_rate: float = 0.01,
    nickname_rate: float = 0.30,
    nameless_rate: float = 0.10,
    personal_email_rate: float = 0.08,
    cross_channel_rate: float = 0.05,
    store_typo_rate: float = 0.15,
    namesake_rate: float = 0.01,
    junior_senior_share: float = 0.10,
    twin_share: float = 0.10,
) -> SampleData:
    """A deterministic sample of `customers` people, their events and the ground truth.

    Rates are fractions: `household_rate` of customers live in households of 2-4 sharing
    a tablet and an address; `public_computer_rate` public cookies per customer (at
    least one), each used by 5-40 customers; `junk_email_rate` of customers with a
    loyalty id or phone get a store purchase with a clerk's junk email;
    `call_center_rate` of customers call the one call-centre number; `duplicate_rate`
    of accepted events are delivered twice under one messageId
    (`identical_duplicate_share` of them byte-identical, the rest re-formatted); each
    email, phone and device id is written noisily at `format_noise_rate`;
    `malformed_rate` of customers send one event with a malformed identifier (listed
    in `truth.expected_rejects`).

    The grown cases (set a rate to 0 to leave a case out): `nickname_rate` of customers
    write another form of their first name on about half of their forms (Tim for
    Timothy, from the nicknames table the product uses); `nameless_rate` of the events
    that would carry names carry none; `personal_email_rate` of customers read one or
    two more mailboxes ("gonzalez.tim@" beside "tim.gonzalez@") only on their own
    cookie and device; `cross_channel_rate` of customers also sign up for loyalty in a
    store with a card, and another phone or a mistyped email, that their web side never
    shows (`truth.cross_channel`), the clerk's typing noisy at `store_typo_rate` per
    field; traps (`truth.traps`): every pair in a household is a family pair,
    `junior_senior_share` and `twin_share` of households hold a junior and senior or a
    pair of twins, and `namesake_rate` of customers have a namesake in their postal
    code. Traits use Segment's reserved names (firstName, lastName, birthday, address).
    """
    if customers < 0 or days < 1 or events_per_customer < 1:
        raise ValueError("need customers >= 0, days >= 1 and events_per_customer >= 1")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    rng = random.Random(seed)
    ids = IdentifierFactory(rng)
    households = assign_households(rng, customers, household_rate)
    mix = Mix(
        nickname_rate=nickname_rate,
        personal_email_rate=personal_email_rate,
        cross_channel_rate=cross_channel_rate,
        namesake_rate=namesake_rate,
        junior_senior_share=junior_senior_share,
        twin_share=twin_share,
    )
    people, traps = make_customers(rng, ids, customers, households, mix)
    drafter = Drafter(rng, ids, days * 86_400_000, nameless_rate)
    for who in people:
        drafter.customer(who, isolated_rate, events_per_customer)
    shared: cases.Shared = {}
    cases.household_tablets(drafter, people, households, shared)
    cases.public_computers(drafter, people, public_computer_rate, shared)
    cases.call_center(drafter, people, call_center_rate, shared)
    cases.junk_emails(drafter, people, junk_email_rate, shared)
    cases.personal_mailboxes(drafter, people)
    cases.store_sides(drafter, people, store_typo_rate)
    cases.trap_signups(drafter, people, traps)
    rejects = cases.malformed(drafter, people, malformed_rate)
    drafts = sorted(drafter.drafts, key=lambda d: (d.at_ms, d.message_id))
    events: list[Event] = []
    duplicated: list[str] = []
    refused = set(rejects)
    accepted = [n for n, draft in enumerate(drafts) if draft.message_id not in refused]
    redeliver = set(rng.sample(accepted, round(len(accepted) * duplicate_rate)))
    for n, draft in enumerate(drafts):
        event = render(rng, draft, start, format_noise_rate)
        events.append(event)
        if n in redeliver:
            duplicated.append(draft.message_id)
            same = rng.random() < identical_duplicate_share
            again = copy.deepcopy(event)  # never share nested dicts between two events
            if not same:
                again["identifiers"] = render(rng, draft, start, 1.0)["identifiers"]
            events.append(again)
    truth = GroundTruth.from_events(
        events,
        owner={key: who.index for who in people for key in who.identifier_keys()},
        shared={
            key: SharedIdentifier(key, reason, tuple(sorted(set(users))))
            for key, (reason, users) in shared.items()
        },
        expected_rejects=frozenset(rejects),
        duplicate_message_ids=frozenset(duplicated),
        authors={d.message_id: d.author for d in drafts},
        cross_channel={who.index: who.store_keys() for who in people if who.store_identifiers},
        traps=tuple(traps),
    )
    return SampleData(seed=seed, events=events, customers=people, truth=truth)
