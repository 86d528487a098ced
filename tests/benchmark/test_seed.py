"""The load tests' seed: the documents phase's workspace and documents."""

import pytest

from apps.documents.models import Document
from apps.documents.selectors import document_list_for
from apps.workspaces.models import Membership, Role, Workspace
from loadtests import seed
from tests.factories import make_user


@pytest.mark.django_db
def test_seed_documents_gives_the_user_a_workspace_of_searchable_documents() -> None:
    user = make_user()
    seeded = seed.seed_documents(user)

    membership = Membership.objects.get(user=user, workspace_id=seeded["workspace_id"])
    assert membership.role == Role.OWNER
    documents = Document.objects.filter(workspace_id=seeded["workspace_id"])
    assert documents.count() == seeded["documents"] == seed.DOCUMENTS
    assert set(documents.values_list("author_id", flat=True)) == {user.pk}
    assert seeded["search_matches"] == seed.DOCUMENTS // seed.SEARCH_EVERY
    # The phase checks the search's first page against this count: the
    # generated search column must match exactly the documents with the word.
    found = document_list_for(workspace_id=membership.workspace_id, q=seeded["search_word"])
    assert found.count() == seeded["search_matches"]
    assert all(seed.SEARCH_WORD in body for body in found.values_list("body", flat=True))


@pytest.mark.django_db
def test_seed_documents_replaces_an_earlier_runs_workspace() -> None:
    user = make_user()
    other = make_user()
    kept = seed.seed_documents(other)
    first = seed.seed_documents(user)
    Document.objects.create(workspace_id=first["workspace_id"], title="created by a run")

    second = seed.seed_documents(user)

    assert second["workspace_id"] != first["workspace_id"]
    assert not Workspace.objects.filter(pk=first["workspace_id"]).exists()
    assert list(Workspace.objects.filter(memberships__user=user).values_list("pk", flat=True)) == [
        Workspace.objects.get(pk=second["workspace_id"]).pk
    ]
    assert Document.objects.filter(workspace_id=second["workspace_id"]).count() == seed.DOCUMENTS
    assert Document.objects.filter(workspace_id=kept["workspace_id"]).count() == seed.DOCUMENTS
