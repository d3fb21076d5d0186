"""What a hostile tester found in deleting one's account (issue 34, item 4): a member of staff
exported personal data, then deleted their account, and the audit log no longer said who
exported (its rows' actor is set to NULL). An account that holds roles cannot delete itself:
a message says why and what to do; once a manager has taken its roles, it can."""

from eventapp.auth.models import User
from eventapp.networks import roles

from ..helpers import STAFF_PASSWORD, audit_rows, row


def test_staff_cannot_delete_their_account_while_holding_roles(client, auth, organiser,
                                                               two_networks):
    event, co = two_networks["event"], two_networks["people"]["co_organiser"]
    auth.login_organiser(co.email, STAFF_PASSWORD)
    assert client.get(f"/organiser/events/{event.slug}/export/registrations.csv") \
        .status_code == 200

    response = client.post("/me/privacy", data={"confirm": "y"})

    assert response.status_code == 409
    assert "Rolle" in response.get_data(as_text=True)  # says why, in the reader's language
    assert row(User, co.id) is not None
    (export,) = audit_rows("export.registrations")
    assert export.actor_id == co.id and export.actor.name == co.name


def test_once_the_roles_are_taken_the_account_can_go(client, auth, organiser, two_networks):
    event, co = two_networks["event"], two_networks["people"]["co_organiser"]
    roles.revoke(organiser, two_networks["ours"], co, event)
    auth.login_organiser(co.email, STAFF_PASSWORD)

    response = client.post("/me/privacy", data={"confirm": "y"})

    assert response.status_code == 303
    assert row(User, co.id) is None
