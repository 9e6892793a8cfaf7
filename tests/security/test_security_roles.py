from __future__ import annotations

import pytest

from refwatch.security.roles import (Principal, PermissionDenied, UnknownAction, actions, authorize,
                                     can, matrix, roles)
from refwatch.model import vocab


def test_every_role_gets_exactly_its_rows_of_the_matrix():
    expected = {
        "admin": set(actions()),
        "analyst": set(actions()) - {"users.manage", "keys.manage", "audit.read"},
        "researcher": {"documents.read", "events.read", "events.read_public",
                       "people.read_pseudonymised", "stats.read", "export.public"},
        "public": {"events.read_public", "stats.read", "export.public"},
    }
    for role in roles():
        principal = Principal("someone", role)
        allowed = {a for a in actions() if can(principal, a)}
        assert allowed == expected[role], role


def test_a_higher_role_can_do_everything_a_lower_one_can():
    ranked = sorted(roles(), key=vocab.role_rank)
    for lower, higher in zip(ranked, ranked[1:]):
        for action, allowed in matrix().items():
            if lower in allowed:
                assert higher in allowed, (action, lower, higher)


def test_researchers_never_see_names_or_contacts():
    researcher = Principal("r", "researcher")
    for action in ("people.read", "contacts.read", "export.full", "people.write"):
        with pytest.raises(PermissionDenied):
            authorize(researcher, action)


@pytest.mark.parametrize("role", ["Admin", "ADMIN", "admin ", " admin", "root", "superuser",
                                  "admin\x00", "analyst,admin", "", None, 4])
def test_role_names_close_to_a_real_one_are_refused(role):
    with pytest.raises(ValueError):
        Principal("mallory", role)


def test_a_forged_principal_object_is_refused():
    fake = Principal("mallory", "public")
    object.__setattr__(fake, "role", "Admin")  # bypassing the frozen dataclass
    with pytest.raises(PermissionDenied):
        authorize(fake, "users.manage")

    class LooksLikeAPrincipal:
        name, role = "mallory", "admin"

    with pytest.raises(PermissionDenied):
        authorize(LooksLikeAPrincipal(), "users.manage")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        authorize(None, "stats.read")


def test_unknown_actions_are_refused_even_for_admin():
    with pytest.raises(UnknownAction):
        authorize(Principal("a", "admin"), "people.delete_everything")


def test_denial_message_names_action_and_role_only():
    with pytest.raises(PermissionDenied) as info:
        authorize(Principal("kim-cheol-ok-reader", "public"), "people.read")
    assert str(info.value) == "permission denied: people.read (not allowed for role public)"
