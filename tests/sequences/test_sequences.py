"""Sequences: frames as versions with their scores, offline moves, and the video files."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.analysis.cache import AnalysisCache
from gouache.critics.preservation import PSNR_CAP
from gouache.errors import InputError, OutputExistsError
from gouache.images import LoadedImage
from gouache.sequences.frames import make_frames, table
from gouache.sequences.offline import camera_move, find_target, history_frames, wipe_frames
from gouache.sequences.plot import plot_scores
from gouache.sequences.video import count_frames, write_video
from gouache.sessions import Session, Store


def test_an_mp4_decodes_back_to_as_many_frames_as_were_written(
    astronaut: LoadedImage, tmp_path: Path
) -> None:
    av = pytest.importorskip("av", reason='pip install "gouache[media]"')
    target = find_target(astronaut.pixels, AnalysisCache(), "face")
    frames = camera_move(astronaut.pixels, target, 17, "zoom")
    path = write_video(frames, tmp_path / "zoom.mp4", fps=24, size=101)
    assert count_frames(path) == 17
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (100, 100)  # H.264 wants even sides
        assert stream.average_rate == 24
        last = list(container.decode(video=0))[-1].to_ndarray(format="rgb24")
    # what comes back is the last frame, within the loss of the encoding
    expected = np.asarray(PILImage.fromarray(frames[-1]).resize((100, 100)))
    assert np.abs(last.astype(int) - expected.astype(int)).mean() < 6


def test_gif_and_webp_keep_every_distinct_frame_and_the_frame_rate(
    astronaut: LoadedImage, tmp_path: Path
) -> None:
    before = astronaut.pixels
    after = 255 - astronaut.pixels
    frames = wipe_frames(before, after, 9)
    for name in ("wipe.gif", "wipe.webp"):
        path = write_video(frames, tmp_path / name, fps=10, size=64)
        assert count_frames(path) == 9
        with PILImage.open(path) as picture:
            assert picture.size == (64, 64)
            picture.seek(1)  # a WebP says its durations per frame
            picture.load()
            assert picture.info["duration"] == 100


def test_a_wipe_starts_on_the_before_picture_and_ends_on_the_after(
    astronaut: LoadedImage,
) -> None:
    after = 255 - astronaut.pixels
    frames = wipe_frames(astronaut.pixels, after, 5)
    assert np.array_equal(frames[0], astronaut.pixels)
    assert np.array_equal(frames[-1], after)
    middle = frames[2]
    assert np.array_equal(middle[:, :100], after[:, :100])
    assert np.array_equal(middle[:, 160:], astronaut.pixels[:, 160:])


def test_the_history_holds_each_version_and_cross_fades_between_them() -> None:
    black = np.zeros((20, 30, 3), np.uint8)
    white = np.full((20, 30, 3), 255, np.uint8)
    small = np.full((10, 15, 3), 100, np.uint8)  # another size is fitted to the first
    frames = history_frames([black, white, small], hold=3, fade=4)
    assert len(frames) == 3 * 3 + 2 * 4
    assert all(f.shape == (20, 30, 3) for f in frames)
    fade = [int(f[0, 0, 0]) for f in frames[3:7]]
    assert fade == sorted(fade)
    assert fade[0] > 0
    assert fade[-1] < 255
    assert np.array_equal(frames[-1], np.full((20, 30, 3), 100, np.uint8))


def test_a_zoom_ends_closer_on_the_face_and_centred_on_it(astronaut: LoadedImage) -> None:
    cache = AnalysisCache()
    target = find_target(astronaut.pixels, cache, "face")
    frames = camera_move(astronaut.pixels, target, 12, "zoom")
    assert np.array_equal(frames[0], astronaut.pixels)
    first_face = cache.get(astronaut.pixels).faces[0].box
    faces = cache.get(frames[-1]).faces
    assert faces, "the face is still found in the last frame"
    last_face = max(faces, key=lambda f: f.box.area).box
    assert last_face.w > 1.4 * first_face.w
    centre_x = last_face.x + last_face.w / 2
    assert abs(centre_x - 128) < 40
    # eased: the first steps are smaller than the middle ones
    steps = [np.abs(a.astype(int) - b.astype(int)).mean() for a, b in itertools.pairwise(frames)]
    assert steps[0] < steps[len(steps) // 2]


def test_a_pan_moves_at_one_zoom_towards_the_subject(astronaut: LoadedImage) -> None:
    target = find_target(astronaut.pixels, AnalysisCache(), "subject")
    frames = camera_move(astronaut.pixels, target, 6, "pan")
    assert len(frames) == 6
    assert not np.array_equal(frames[0], frames[-1])


def test_a_camera_move_to_a_face_that_is_not_there_says_so() -> None:
    flat = np.full((64, 64, 3), 128, np.uint8)
    with pytest.raises(InputError, match="no face"):
        find_target(flat, AnalysisCache(), "face")


def test_each_frame_is_a_version_on_the_last_with_identity_and_background_scored(
    store: Store, astronaut: LoadedImage, tmp_path: Path
) -> None:
    session = Session.start(store, astronaut)
    session.add_character("Eileen", [astronaut])
    run = make_frames(session, "v1", "make it brighter by 4%", 4)
    assert run.branch == "frames"
    assert [v.number for v in run.versions] == [2, 3, 4, 5]
    parents = [session.resolve("v1").id, *(v.id for v in run.versions[:-1])]
    assert [v.parent_id for v in run.versions] == parents
    assert session.branches()["frames"] == run.versions[-1].id
    assert [s.label for s in run.scores] == ["v1", "v2", "v3", "v4", "v5"]
    identity = [s.identity["Eileen"] for s in run.scores]
    assert all(value is not None and value > 0.7 for value in identity)
    background = [s.background_psnr for s in run.scores]
    assert background[0] == PSNR_CAP  # the first frame against itself
    finite = [b for b in background[1:] if b is not None]
    assert len(finite) == 4
    assert finite == sorted(finite, reverse=True)  # each frame drifts further from the first
    assert all(s.moved is not None and s.moved > 0.1 for s in run.scores[1:])
    text = table(list(run.scores))
    assert "Eileen" in text
    assert "identical" in text
    chart = plot_scores(list(run.scores), tmp_path / "scores.png")
    with PILImage.open(chart) as picture:
        assert picture.size[0] == 720
    again = make_frames(session, "v1", "make it brighter by 4%", 1)
    assert again.branch == "frames-2"


def test_bad_video_options_get_one_clear_error(astronaut: LoadedImage, tmp_path: Path) -> None:
    frames = [astronaut.pixels] * 2
    with pytest.raises(InputError, match=r"\.mp4, \.gif or \.webp"):
        write_video(frames, tmp_path / "out.avi")
    with pytest.raises(InputError, match="frame rate"):
        write_video(frames, tmp_path / "out.gif", fps=0)
    with pytest.raises(InputError, match="no frames"):
        write_video([], tmp_path / "out.gif")
    assert not list(tmp_path.iterdir())


def test_the_cli_makes_frames_and_animations(
    astronaut: LoadedImage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main

    photo = tmp_path / "astronaut.png"
    PILImage.fromarray(astronaut.pixels).save(photo)
    data = ["--data-dir", str(tmp_path / "data")]
    out = tmp_path / "frames.gif"
    code = main([*data, "frames", str(photo), "add a vignette", "--count", "3", "-o", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert count_frames(out) == 4
    assert (tmp_path / "frames-scores.png").exists()
    session = printed.split("session ")[1][:8]
    wipe = tmp_path / "wipe.webp"
    assert main([*data, "animate", session, "--wipe", "v1", "--count", "5", "-o", str(wipe)]) == 0
    assert count_frames(wipe) == 5
    history = tmp_path / "history.gif"
    assert main([*data, "animate", session, "--history", "--size", "64", "-o", str(history)]) == 0
    assert main([*data, "animate", session, "--camera", "zoom", "-o", str(tmp_path / "z.x")]) == 1
    assert ".mp4, .gif or .webp" in capsys.readouterr().err
    assert main([*data, "frames", "v2", "add a vignette", "--count", "2"]) == 1
    assert "--session SESSION" in capsys.readouterr().err


def test_frames_in_chat_make_versions_and_a_video(
    store: Store, astronaut: LoadedImage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from gouache.cli_chat import chat_loop
    from gouache.settings import Settings

    pytest.importorskip("av", reason='pip install "gouache[media]"')
    monkeypatch.chdir(tmp_path)
    session = Session.start(store, astronaut, name="astro")
    out = io.StringIO()
    chat_loop(session, Settings(), io.StringIO("/frames 2 make it warmer\n"), out)
    assert "frame 2/2" in out.getvalue()
    assert count_frames(tmp_path / "astro-frames.mp4") == 3
    assert session.head.number == 3
    first = (tmp_path / "astro-frames.mp4").read_bytes()
    chat_loop(session, Settings(), io.StringIO("/frames 1 make it warmer\n"), out)
    assert (tmp_path / "astro-frames.mp4").read_bytes() == first  # a default name is not reused
    assert count_frames(tmp_path / "astro-frames-2.mp4") == 2
    assert (tmp_path / "astro-frames-2-scores.png").exists()


def test_a_video_never_replaces_a_file_without_force_nor_writes_through_a_link(
    tmp_path: Path,
) -> None:
    frames = wipe_frames(np.zeros((32, 48, 3), np.uint8), np.full((32, 48, 3), 255, np.uint8), 3)
    kept = tmp_path / "kept.gif"
    kept.write_bytes(b"the user's own file")
    with pytest.raises(OutputExistsError, match=r"kept\.gif exists; --force replaces it"):
        write_video(frames, kept)
    assert kept.read_bytes() == b"the user's own file"
    assert count_frames(write_video(frames, kept, force=True)) == 3
    elsewhere = tmp_path / "elsewhere.gif"
    elsewhere.write_bytes(b"not to be touched")
    link = tmp_path / "link.gif"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputExistsError, match="symbolic link"):
        write_video(frames, link, force=True)
    assert elsewhere.read_bytes() == b"not to be touched"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_frames_and_animate_refuse_an_existing_output_before_any_work_and_force_replaces_it(
    astronaut: LoadedImage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main
    from gouache.settings import Settings

    photo = tmp_path / "astronaut.png"
    PILImage.fromarray(astronaut.pixels).save(photo)
    data = ["--data-dir", str(tmp_path / "data")]
    out = tmp_path / "frames.gif"
    out.write_bytes(b"mine")
    code = main([*data, "frames", str(photo), "add a vignette", "--count", "2", "-o", str(out)])
    assert code == 1
    assert f"{out} exists; --force replaces it" in capsys.readouterr().err
    assert out.read_bytes() == b"mine"
    with Store.from_settings(Settings(data_dir=tmp_path / "data")) as opened:
        assert opened.list_sessions() == []  # refused before a session was made
    argv = [*data, "frames", str(photo), "add a vignette", "--count", "2", "-o", str(out)]
    assert main([*argv, "--force"]) == 0
    assert count_frames(out) == 3
    session = capsys.readouterr().out.split("session ")[1][:8]
    chart = tmp_path / "frames-scores.png"
    again = [*data, "frames", "head", "add a vignette", "-o", str(out), "--session", session]
    assert main(again) == 1  # the video and its chart are there now
    assert "exists; --force replaces it" in capsys.readouterr().err
    wipe = tmp_path / "wipe.gif"
    wipe.write_bytes(b"mine too")
    animate = [*data, "animate", session, "--wipe", "v1", "--count", "3", "-o", str(wipe)]
    assert main(animate) == 1
    assert wipe.read_bytes() == b"mine too"
    assert main([*animate, "--force"]) == 0
    assert count_frames(wipe) == 3
    assert chart.exists()
