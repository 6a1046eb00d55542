"""The hard cases beside everyday life: shared identifiers, junk, malformed values, and
the grown cases (personal mailboxes, store sides of cross-channel persons, signup forms
of the people in a trap)."""

from __future__ import annotations

from graph_cdp.sample.events import Drafter
from graph_cdp.sample.people import SampleCustomer
from graph_cdp.sample.population import TrapPair
from graph_cdp.sample.traits import ADDRESS, BIRTHDAY, NAMES, first_name, store_traits, web_traits

Shared = dict[str, tuple[str, list[int]]]  # key -> (reason, customers who used it)

# Placeholders clerks type when a customer will not give an address; valid, and junk.
JUNK_EMAILS = (
    "test@test.com", "none@none.com", "noemail@noemail.com", "no@email.com", "na@na.com",
    "declined@declined.com",
)  # fmt: skip
# Each is rejected by any validator: no @-sign, nothing after it, two dots, too short.
MALFORMED = (
    ("email", "not-an-email"), ("email", "john.smith@"), ("email", "jane..doe@gmail.com"),
    ("phone", "12"), ("phone", "555-12"),
)  # fmt: skip


def _share(shared: Shared, key: str, reason: str, user: int) -> None:
    shared.setdefault(key, (reason, []))[1].append(user)


def household_tablets(
    d: Drafter,
    people: list[SampleCustomer],
    households: list[list[int]],
    shared: Shared,
) -> None:
    """Each family member uses the family tablet for their own logins, apps and mail."""
    for members in households:
        tablet = ("device_id", d.ids.uuid())
        for index in members:
            who = people[index]
            own = [i for i in who.everyday() if i[0] in ("email", "customer_id")]
            for _ in range(d.rng.randint(1, 3)):
                type_ = d.rng.choice(("login", "app_open", "email_open"))
                mine = own[0] if type_ == "email_open" else d.rng.choice(own)
                d.add(who, type_, [tablet, mine], channel="mobile_app")
                _share(shared, f"device_id:{tablet[1]}", "household_device", index)


def public_computers(d: Drafter, people: list[SampleCustomer], rate: float, shared: Shared) -> None:
    """A library computer: one browser cookie, many customers logging in on it."""
    if rate <= 0 or len(people) < 5:
        return
    for _ in range(max(1, round(len(people) * rate))):
        cookie = ("cookie_id", d.ids.cookie())
        for index in d.rng.sample(range(len(people)), d.rng.randint(5, min(40, len(people)))):
            who = people[index]
            d.add(who, "login", [cookie, ("email", d.rng.choice(who.emails))])
            _share(shared, f"cookie_id:{cookie[1]}", "public_cookie", index)


def call_center(d: Drafter, people: list[SampleCustomer], rate: float, shared: Shared) -> None:
    """Orders and tickets taken by phone, logged with the call centre's own number."""
    callers = d.rng.sample(range(len(people)), round(len(people) * rate))
    if not callers:
        return
    phone = ("phone", d.ids.phone())
    for index in callers:
        who = people[index]
        own = [i for i in who.everyday() if i[0] in ("email", "customer_id")]
        for _ in range(d.rng.randint(1, 2)):
            type_ = d.rng.choice(("purchase", "form_fill"))
            d.add(who, type_, [d.rng.choice(own), phone], channel="call_center")
            _share(shared, f"phone:{phone[1]}", "call_center_phone", index)


def junk_emails(d: Drafter, people: list[SampleCustomer], rate: float, shared: Shared) -> None:
    """A clerk types a placeholder email next to the loyalty card or phone."""
    eligible = [who for who in people if who.loyalty_id or who.phone]
    for who in d.rng.sample(eligible, round(len(eligible) * rate)):
        kind, value = ("loyalty_id", who.loyalty_id) if who.loyalty_id else ("phone", who.phone)
        junk = d.rng.choice(JUNK_EMAILS)
        d.add(who, "store_purchase", [(kind, str(value)), ("email", junk)])
        _share(shared, f"email:{junk}", "junk_email", who.index)


def malformed(d: Drafter, people: list[SampleCustomer], rate: float) -> list[str]:
    """Events with one malformed identifier next to one valid owned identifier."""
    rejects = []
    for index in d.rng.sample(range(len(people)), round(len(people) * rate)):
        who = people[index]
        bad = d.rng.choice(MALFORMED)
        valid = ("email", who.emails[0]) if bad[0] == "phone" else ("cookie_id", who.cookies[0])
        draft = d.add(who, "form_fill", [valid, bad])
        draft.noisy = False
        rejects.append(draft.message_id)
    return rejects


def personal_mailboxes(d: Drafter, people: list[SampleCustomer]) -> None:
    """A second or third mailbox read on one's own laptop and phone: a login with a
    cookie (under a nickname, the full name, or no name at all) and mail opened on a
    device, never beside a customer id or a phone."""
    for who in people:
        for email in who.personal_emails:
            roll = d.rng.random()
            traits = (
                {}
                if roll < 1 / 3
                else {"firstName": first_name(d.rng, who, 0.7), "lastName": who.last_name}
            )
            cookie = ("cookie_id", d.rng.choice(who.cookies))
            d.add(who, "login", [cookie, ("email", email)], traits=traits)
            for _ in range(d.rng.randint(1, 2)):
                device = ("device_id", d.rng.choice(who.devices))
                d.add(who, "email_open", [("email", email), device], channel="email", traits={})


def store_sides(d: Drafter, people: list[SampleCustomer], typos: float) -> None:
    """A loyalty signup in a store, typed by a clerk, and the card's later purchases."""
    for who in people:
        if not who.store_identifiers:
            continue
        idents = list(who.store_identifiers)
        traits = store_traits(d.rng, who, typos)
        d.add(who, "loyalty_signup", idents, channel="store", traits=traits)
        for _ in range(d.rng.randint(0, 2)):
            d.add(who, "store_purchase", idents[:1], channel="store", traits={})


def trap_signups(d: Drafter, people: list[SampleCustomer], traps: list[TrapPair]) -> None:
    """Everyone in a trap fills one signup form with their birthday and address: a trap
    is a pair the evidence can tell apart, not two people with nothing said."""
    for index in sorted({i for t in traps for i in (t.a, t.b)}):
        who = people[index]
        traits = web_traits(d.rng, who, (NAMES, BIRTHDAY, ADDRESS))
        idents = [("email", who.emails[0]), ("cookie_id", who.cookies[0])]
        d.add(who, "form_fill", idents, traits=traits)
