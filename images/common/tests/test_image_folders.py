"""GIVEN every images/<service>/ folder THEN it builds as the rules say: pinned bases, multi-stage where packages
are installed, non-root, no secret in a layer, pinned requirements, its own tests; and mlflow's release tag is
the catalog's."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

IMAGES = Path(__file__).resolve().parents[2]
ROOT = IMAGES.parent
FOLDERS = sorted(p.parent for p in IMAGES.glob("*/Dockerfile"))


def from_lines(dockerfile: str) -> List[str]:
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", dockerfile, re.M))
    images = []
    for ref in re.findall(r"^FROM (\S+)", dockerfile, re.M):
        images.append(args.get(ref[2:-1], ref) if ref.startswith("${") else ref)
    return images


def test_every_workload_of_the_issue_has_a_folder() -> None:
    assert [f.name for f in FOLDERS] == ["mlflow", "model-api", "receiver", "train", "transform"]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_bases_are_pinned_and_the_user_is_not_root(folder: Path) -> None:
    dockerfile = (folder / "Dockerfile").read_text()
    for image in from_lines(dockerfile):
        if image in re.findall(r"AS (\w+)", dockerfile):
            continue
        assert "@sha256:" in image or re.search(r":v?\d+\.\d+\.\d+", image), f"{folder.name}: base {image} is not pinned"
        assert ":latest" not in image
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0"), f"{folder.name}: runs as root"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_no_secret_is_baked_into_a_layer(folder: Path) -> None:
    dockerfile = (folder / "Dockerfile").read_text()
    assert not re.search(r"^(ARG|ENV)\s+\S*(PASSWORD|SECRET|TOKEN|ACCESS_KEY|CONNECTION_STRING)", dockerfile, re.M | re.I)


@pytest.mark.parametrize("folder", [f for f in FOLDERS if (f / "requirements.txt").exists()], ids=lambda f: f.name)
def test_installed_packages_are_pinned_and_built_in_a_separate_stage(folder: Path) -> None:
    lines = [l.strip() for l in (folder / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[0-9][0-9A-Za-z.]*", l) for l in lines), lines
    dockerfile = (folder / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2 and "COPY --from=build /install" in dockerfile


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_each_folder_has_its_own_tests(folder: Path) -> None:
    assert list((folder / "tests").glob("test_*.py")), f"{folder.name} has no tests"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_the_release_tag_images_yml_pushes_is_the_catalog_tag(folder: Path) -> None:
    """images.yml pushes RELEASE beside the per-run tag; the catalog runs it until a manifest pins a digest."""
    release = folder / "RELEASE"
    assert release.exists(), f"{folder.name}: no RELEASE file (the catalog's defaultImageTag would name a tag nobody pushes)"
    tag = release.read_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", tag), f"{folder.name}: RELEASE {tag!r} is not a Docker tag"
    catalog = (ROOT / "services" / f"{folder.name}.ts").read_text()
    found = re.findall(r'defaultImageTag: "([^"]+)"', catalog)
    assert found == [tag], f"services/{folder.name}.ts: expected defaultImageTag {tag!r} (images/{folder.name}/RELEASE), found {found}"


def test_the_mlflow_release_names_the_base_version() -> None:
    release = (IMAGES / "mlflow" / "RELEASE").read_text().strip()
    base = from_lines((IMAGES / "mlflow" / "Dockerfile").read_text())[0]
    version = re.search(r":(v\d+\.\d+\.\d+)-full", base)
    assert version and release.startswith(version.group(1) + "-"), f"RELEASE {release} does not name the base {base}"
