"""The repair's character model is prepared on disk once and loaded by every
later process instead of being built again (issue 14, finding 8)."""

import pytest

from studyapp.noteformat import model_store, repair

SMALL_WORDS = {"バケット": 1e-5, "チケット": 1e-4, "状況": 1e-4}


@pytest.fixture
def model_folder(tmp_path, monkeypatch):
    """A folder of its own for the tables, and a process cache that starts
    and ends empty (so the tests after these load the real model again)."""
    monkeypatch.setenv("STUDYAPP_REPAIR_MODEL_DIR", str(tmp_path))
    repair._char_model.cache_clear()
    yield tmp_path
    repair._char_model.cache_clear()


def small_model():
    return repair._CharModel.build(SMALL_WORDS)


def refuse_to_build():
    raise AssertionError("the model was built although its tables were on disk")


def test_saved_tables_are_loaded_without_building(model_folder, monkeypatch):
    built = small_model()
    assert model_store.tables_save(model_store.path_for(repair._model_recipe()), built.tables())
    monkeypatch.setattr(repair, "_build_char_model", refuse_to_build)
    loaded = repair._char_model()
    assert loaded.counts == built.counts
    assert loaded.types == built.types
    assert loaded.total == built.total
    assert loaded.transitions("^バ", "ケ") == built.transitions("^バ", "ケ")


def test_a_missing_file_is_built_once_and_saved_for_the_next_process(model_folder, monkeypatch):
    builds = []
    monkeypatch.setattr(repair, "_build_char_model", lambda: builds.append(1) or small_model())
    repair._char_model()
    repair._char_model()
    assert builds == [1]  # once per process
    repair._char_model.cache_clear()  # a new process
    repair._char_model()
    assert builds == [1]  # read from disk
    assert list(model_folder.glob("charmodel-*.bin"))


@pytest.mark.parametrize(
    "content", [b"", b"not a model at all", b"studyapp-charmodel-2\n", b"studyapp-charmodel-2\n" + bytes(40) + b"x"]
)
def test_a_damaged_file_is_built_again(model_folder, monkeypatch, content):
    path = model_store.path_for(repair._model_recipe())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    monkeypatch.setattr(repair, "_build_char_model", small_model)
    assert repair._char_model().counts == small_model().counts
    assert model_store.tables_load(path) is not None


def test_another_recipe_has_another_file(model_folder):
    assert model_store.path_for("wordfreq 3.1.1|4") != model_store.path_for("wordfreq 3.1.2|4")


def test_prepare_builds_only_when_the_file_is_missing(model_folder, monkeypatch):
    monkeypatch.setattr(repair, "_build_char_model", small_model)
    assert repair.model_prepare() is True
    monkeypatch.setattr(repair, "_build_char_model", refuse_to_build)
    assert repair.model_prepare() is False


def test_an_unwritable_folder_costs_a_build_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("STUDYAPP_REPAIR_MODEL_DIR", str(blocker / "models"))
    repair._char_model.cache_clear()
    try:
        monkeypatch.setattr(repair, "_build_char_model", small_model)
        assert repair._char_model().counts == small_model().counts
    finally:
        repair._char_model.cache_clear()
