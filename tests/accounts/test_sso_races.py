"""Two first sign-ins of the same person at the same moment (two tabs, a double click)
must both end signed in as one person, never with a 500 from a unique constraint."""

import contextlib
import threading

import pytest
from django.db import connections

from lectio.accounts import sso
from lectio.accounts.models import SsoIdentity, User

CLAIMS = {"email": "rita@corp.example", "name": "Rita Race", "locale": "de"}


def corp(**raw):
    return sso._provider({"key": "corp", "protocol": "oidc", **raw})


@pytest.mark.django_db(transaction=True)
def test_it_retries_when_a_concurrent_sign_in_created_the_identity_first(cast, monkeypatch):
    """The lookup misses (the other request had not committed yet), the insert then
    breaks the unique (provider, subject) constraint: the retry finds the person."""
    first = sso.provision(corp(), "sub-rita", CLAIMS)
    real = sso._find_identity
    misses = []

    def stale_once(provider, subject):
        if not misses:
            misses.append(subject)
            return None
        return real(provider, subject)

    monkeypatch.setattr(sso, "_find_identity", stale_once)
    again = sso.provision(corp(), "sub-rita", CLAIMS)
    assert misses == ["sub-rita"]
    assert again == first
    assert SsoIdentity.objects.filter(provider="corp", subject="sub-rita").count() == 1
    assert User.objects.filter(email="rita@corp.example").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_retries_when_a_concurrent_sign_in_created_the_person_first(cast, monkeypatch):
    """Without linking by address the lookup by subject misses and the new person's
    address is taken by the time it is saved: the retry finds the identity."""
    first = sso.provision(corp(link_by_email=False), "sub-rita", CLAIMS)
    real = sso._find_identity
    calls = []

    def stale_once(provider, subject):
        calls.append(subject)
        return None if len(calls) == 1 else real(provider, subject)

    monkeypatch.setattr(sso, "_find_identity", stale_once)
    # full_clean would notice the taken address; the race is when it passed just before.
    monkeypatch.setattr(User, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)
    again = sso.provision(corp(link_by_email=False), "sub-rita", CLAIMS)
    assert len(calls) == 2 and again == first
    assert User.objects.filter(email="rita@corp.example").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_sign_ins_give_one_person(cast, monkeypatch):
    """Real threads (one connection each), held together after their lookups so that both
    miss; the second writer meets the first one's row."""
    # On SQLite the second lookup waits for the first writer, so the gate gives up after a
    # few seconds and the threads simply run one after the other; PostgreSQL meets the race.
    gate = threading.Barrier(2, timeout=3)
    real = sso._find_identity

    def lookup_together(provider, subject):
        found = real(provider, subject)
        if found is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                gate.wait()
        return found

    monkeypatch.setattr(sso, "_find_identity", lookup_together)
    results, errors = [], []

    def sign_in():
        try:
            results.append(sso.provision(corp(), "sub-rita", CLAIMS).pk)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert SsoIdentity.objects.filter(provider="corp", subject="sub-rita").count() == 1
