"""The model is retrained exactly when what it is trained from changes."""
import shutil
from pathlib import Path

import pytest

from net_assistant.model import TRAINING_INPUTS, fingerprint, model_path


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    root = Path(__file__).resolve().parent.parent
    for name in TRAINING_INPUTS:
        source = root / name
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    return tmp_path


def test_the_fingerprint_is_stable(project_copy):
    assert fingerprint(project_copy) == fingerprint(project_copy)


@pytest.mark.parametrize("changed", ["domain.yml", "config.yml", "data/rules/support.yml",
                                     "content/terminology.yml"])
def test_changing_a_training_input_changes_the_fingerprint(project_copy, changed):
    before = fingerprint(project_copy)
    with open(project_copy / changed, "a") as file:
        file.write("\n# edited\n")
    assert fingerprint(project_copy) != before


def test_files_outside_the_training_inputs_do_not_count(project_copy):
    before = fingerprint(project_copy)
    (project_copy / "README.md").write_text("notes")
    assert fingerprint(project_copy) == before


def test_the_model_file_is_named_after_the_fingerprint(project_copy):
    path = model_path(project_copy)
    assert path.parent == project_copy / "models"
    assert fingerprint(project_copy) in path.name and path.name.endswith(".tar.gz")


def test_only_the_newest_models_are_kept(tmp_path):
    import os

    from net_assistant.model import _prune

    for age, name in enumerate(["a", "b", "c", "d"]):
        model = tmp_path / f"net-assistant-{name}.tar.gz"
        model.write_text(name)
        os.utime(model, (1000 + age, 1000 + age))
    (tmp_path / "other.tar.gz").write_text("not ours")
    _prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "net-assistant-c.tar.gz", "net-assistant-d.tar.gz", "other.tar.gz"]
