"""Every error gouache raises on purpose.

    GouacheError                      base; `message` is one line fit for a user
    ├── InputError                    the user gave something we cannot use (http 400)
    │   ├── InvalidImageError         not an image, empty, truncated (.path)
    │   ├── ImageTooLargeError        over the pixel limit, refused before decoding (.path, .pixels)
    │   ├── InvalidParameterError     an operator parameter out of range (.op, .param)
    │   ├── InvalidReferenceError     a reference image that is missing or out of range
    │   └── OutputExistsError         a file is there and --force was not given (.path) (http 409)
    ├── NotFoundError                 (http 404)
    │   ├── SessionNotFoundError      (.session_id)
    │   ├── VersionNotFoundError      (.session_id, .version)
    │   ├── BranchNotFoundError       (.session_id, .branch)
    │   └── BackendNotFoundError      (.backend)
    ├── UnsupportedError              a backend cannot do what was asked (.backend) (http 422)
    ├── CancelledError                the caller cancelled the turn (http 499)
    ├── StoreError                    the version store is unusable (.url) (http 500)
    ├── WriteError                    an output file could not be written (.path) (http 500)
    ├── OutOfMemoryError              a MemoryError: this image or edit is too large for the
    │                                 machine (http 507)
    ├── BackendSetupError             a backend cannot start: no key, model or workflow
    │                                 (.backend, .setting) (http 503)
    └── BackendError                  a backend failed while working (.backend) (http 502)
        ├── BlockedError              a service's safety filter refused (.reason) (http 422)
        ├── QuotaError                a rate limit or spent quota, HTTP 429 (http 429)
        └── DriftError                the guard in strict mode refused an output (.report)

Errors carry the object they concern so that a caller can act on it, and a class-level
`http_status` so that the HTTP layer never has to guess.
"""

from __future__ import annotations


class GouacheError(Exception):
    """Base class; `str(err)` is a single line a user can read."""

    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(GouacheError):
    http_status = 400


class InvalidImageError(InputError):
    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ImageTooLargeError(InputError):
    http_status = 413

    def __init__(self, message: str, *, path: str | None = None, pixels: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.pixels = pixels


class InvalidParameterError(InputError):
    def __init__(self, message: str, *, op: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.op = op
        self.param = param


class InvalidReferenceError(InputError):
    pass


class OutputExistsError(InputError):
    http_status = 409

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class NotFoundError(GouacheError):
    http_status = 404


class SessionNotFoundError(NotFoundError):
    def __init__(self, session_id: str) -> None:
        super().__init__(f"no session {session_id!r}; `gouache sessions` lists them")
        self.session_id = session_id


class VersionNotFoundError(NotFoundError):
    def __init__(self, session_id: str, version: str) -> None:
        super().__init__(
            f"no version {version!r} in session {session_id!r}; "
            f"`gouache history {session_id}` lists them"
        )
        self.session_id = session_id
        self.version = version


class BranchNotFoundError(NotFoundError):
    def __init__(self, session_id: str, branch: str) -> None:
        super().__init__(f"no branch {branch!r} in session {session_id!r}")
        self.session_id = session_id
        self.branch = branch


class BackendNotFoundError(NotFoundError):
    def __init__(self, backend: str, known: list[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(f"no backend {backend!r}; known backends: {names}")
        self.backend = backend


class UnsupportedError(GouacheError):
    http_status = 422

    def __init__(self, message: str, *, backend: str | None = None) -> None:
        super().__init__(message)
        self.backend = backend


class CancelledError(GouacheError):
    http_status = 499

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class StoreError(GouacheError):
    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class WriteError(GouacheError):
    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


OUT_OF_MEMORY = (
    "out of memory: the image or the edit is too large for this machine "
    "(try a smaller image, or lower GOUACHE_MAX_PIXELS)"
)


class OutOfMemoryError(GouacheError):
    """A MemoryError, said as one line. Not a bug (500) and not a busy server (503): the same
    request on the same machine runs out again, so 507 ("insufficient storage": the server
    cannot hold what the request needs) tells a client to send less, not to retry."""

    http_status = 507

    def __init__(self, message: str = OUT_OF_MEMORY) -> None:
        super().__init__(message)


class BackendSetupError(GouacheError):
    """A backend cannot start: a key, a model or a workflow is missing, or its library
    refused the configuration. `setting` names what to set when that is known."""

    http_status = 503

    def __init__(self, message: str, *, backend: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.backend = backend
        self.setting = setting


class BackendError(GouacheError):
    http_status = 502

    def __init__(self, message: str, *, backend: str | None = None) -> None:
        super().__init__(message)
        self.backend = backend


class BlockedError(BackendError):
    """A service refused the prompt or withheld its answer (`reason`, e.g. SAFETY)."""

    http_status = 422

    def __init__(self, message: str, *, reason: str = "", backend: str | None = None) -> None:
        super().__init__(message, backend=backend)
        self.reason = reason


class QuotaError(BackendError):
    """The service answered 429: a rate limit or the quota is spent; try again later."""

    http_status = 429
