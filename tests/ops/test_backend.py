import numpy as np
import pytest

from gouache.backends.base import EditRequest, GenerateRequest
from gouache.backends.operators import OperatorBackend
from gouache.errors import CancelledError, InvalidParameterError, UnsupportedError
from gouache.ops.plan import EditPlan, Step
from gouache.progress import CancelToken, Progress


@pytest.fixture(scope="module")
def backend() -> OperatorBackend:
    return OperatorBackend()


def plan(*steps: Step) -> EditPlan:
    return EditPlan(instruction="test", steps=steps)


SQUARE_GREY_CAPTION = plan(
    Step(op="crop", params={"aspect": (1, 1)}, label="crop to a square"),
    Step(op="grayscale", params={}),
    Step(op="caption", params={"text": "Coffee", "color": "red", "style": "plain"}),
)


def test_an_explicit_plan_runs_its_steps_in_order(backend, coffee):
    result = backend.edit(EditRequest(prompt="ignored", image=coffee, plan=SQUARE_GREY_CAPTION))
    out = result.image
    assert out.shape == (400, 400, 3)
    assert out.dtype == np.uint8
    # grey everywhere except the red letters drawn after the grayscale step
    red = (out[:, :, 0] > 200) & (out[:, :, 1] < 60) & (out[:, :, 2] < 60)
    assert red.sum() > 50
    grey = out[:, :, 0] == out[:, :, 2]
    assert grey.mean() > 0.95
    np.testing.assert_array_equal(out[:300, :, 0], out[:300, :, 1])
    assert result.params["operator_versions"] == {
        "crop": "1.0.0",
        "grayscale": "1.0.0",
        "caption": "1.0.0",
    }
    assert len(result.params["step_ms"]) == 3


def test_progress_reports_each_step_then_done(backend, coffee):
    seen: list[Progress] = []
    backend.edit(
        EditRequest(prompt="ignored", image=coffee, plan=SQUARE_GREY_CAPTION),
        progress=seen.append,
    )
    assert [(p.step, p.total) for p in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert seen[0].message == "crop to a square"
    assert seen[1].message == "grayscale()"
    assert seen[-1].message == "done"


def test_a_turn_cancelled_before_it_starts_runs_no_step(backend, coffee):
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError, match="cancelled"):
        backend.edit(
            EditRequest(prompt="ignored", image=coffee, plan=SQUARE_GREY_CAPTION), cancel=token
        )


def test_cancelling_between_steps_stops_before_the_next_one(backend, coffee):
    token = CancelToken()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.step == 1:
            token.cancel()

    with pytest.raises(CancelledError):
        backend.edit(
            EditRequest(prompt="ignored", image=coffee, plan=SQUARE_GREY_CAPTION),
            progress=on_progress,
            cancel=token,
        )
    assert [p.step for p in seen] == [0, 1]


def test_a_bad_parameter_is_refused_before_any_step_runs(backend, coffee):
    seen: list[Progress] = []
    bad = plan(Step(op="grayscale"), Step(op="blur", params={"radius": -1}))
    with pytest.raises(InvalidParameterError, match=r"blur: radius: .*greater than 0") as err:
        backend.edit(EditRequest(prompt="ignored", image=coffee, plan=bad), progress=seen.append)
    assert err.value.op == "blur"
    assert seen == []


def test_an_unknown_operator_is_refused_with_the_ones_available(backend, coffee):
    with pytest.raises(UnsupportedError, match=r"no operator 'melt'; available: .*blur"):
        backend.edit(EditRequest(prompt="ignored", image=coffee, plan=plan(Step(op="melt"))))


def test_editing_leaves_the_request_image_alone(backend, coffee):
    image = coffee.copy()
    result = backend.edit(
        EditRequest(
            prompt="ignored",
            image=image,
            plan=plan(Step(op="flip"), Step(op="brightness", params={"amount": 0.5})),
        )
    )
    np.testing.assert_array_equal(image, coffee)
    assert not np.shares_memory(result.image, image)


def test_an_rgba_picture_stays_rgba_through_a_plan(backend, coffee):
    rgba = np.dstack([coffee, np.full(coffee.shape[:2], 200, dtype=np.uint8)])
    steps = plan(
        Step(op="rotate", params={"degrees": 90}),
        Step(op="sepia"),
        Step(op="sharpen"),
        Step(op="caption", params={"text": "Hello"}),
    )
    out = backend.edit(EditRequest(prompt="ignored", image=rgba, plan=steps)).image
    assert out.shape == (600, 400, 4)
    assert (out[:300, :, 3] == 200).all()


def test_the_operator_backend_cannot_draw_from_text(backend):
    with pytest.raises(UnsupportedError, match="cannot draw from text"):
        backend.generate(GenerateRequest(prompt="a cat"))
