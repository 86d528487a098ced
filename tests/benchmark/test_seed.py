"""The load tests' seed: what each phase reads, writes and expects."""

from uuid import UUID

import pytest

from apps.documents.models import Document
from apps.documents.selectors import document_list_for
from apps.jobs.models import Job
from apps.workspaces.models import Membership, Role, Workspace
from loadtests import seed, seed_large
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


@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_large_workspace_has_the_matches_its_phases_expect_and_is_kept() -> None:
    user = make_user()
    size = 2 * seed_large.RARE_EVERY

    first = seed_large.seed_large(user, size)

    assert Document.objects.filter(workspace_id=first["large_workspace_id"]).count() == size
    assert first["large_common_matches"] == size
    assert first["large_rare_matches"] == size // seed_large.RARE_EVERY
    assert first["large_phrase_matches"] == size // seed_large.PHRASE_EVERY
    # Both words of the phrase, apart, in many more documents than the phrase.
    both_words = document_list_for(workspace_id=first["large_workspace_id"], q="savanna migration")
    assert both_words.count() > 10 * first["large_phrase_matches"]
    assert seed_large.seed_large(user, size)["large_workspace_id"] == first["large_workspace_id"]
    resized = seed_large.seed_large(user, size + 1)
    assert resized["large_workspace_id"] != first["large_workspace_id"]
    assert not Workspace.objects.filter(pk=first["large_workspace_id"]).exists()


@pytest.mark.django_db
def test_lists_and_writes_are_seeded_for_the_endpoint_phases() -> None:
    user = make_user()
    documents = seed.seed_documents(user)
    writes = seed.seed_writes(user)
    workspaces = seed.seed_workspaces(user)
    jobs = seed.seed_jobs(user)

    assert Document.objects.get(pk=documents["document_id"]).workspace_id == UUID(
        documents["workspace_id"]
    )
    patched = Document.objects.filter(pk__in=writes["patch_documents"])
    assert patched.count() == seed.PATCH_DOCUMENTS
    assert set(patched.values_list("version", flat=True)) == {1}
    assert workspaces["workspaces"] == seed.WORKSPACES + 2
    assert Job.objects.filter(owner=user).count() == jobs["jobs"] == seed.JOBS
    # A second run replaces the first's data rather than adding to it.
    assert seed.seed_workspaces(user) == workspaces
    seed.seed_jobs(user)
    assert Job.objects.filter(owner=user).count() == seed.JOBS
