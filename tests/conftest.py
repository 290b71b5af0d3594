"""Shared fixtures."""
import contextlib
import gc
import os

import pytest

_HIDDEN = ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")


@pytest.fixture
def like_a_grader():
    """A context manager: kernels started inside it behave as under nbgrader outside pytest.

    ipykernel stops forwarding process-level stderr (TensorFlow's C++ log lines) into cell outputs
    when it sees PYTEST_CURRENT_TEST, so without this a test would miss the stderr that makes
    nbgrader score a correct cell 0. pytest sets that variable again at each test phase, so it is
    removed around the kernel start, inside the test. TensorFlow's quieting variables are removed
    too: the course itself (nbgrader_config.py, keras_bridge) must set them.
    """
    @contextlib.contextmanager
    def environment():
        saved = {name: os.environ.pop(name) for name in _HIDDEN if name in os.environ}
        try:
            yield
        finally:
            for name in _HIDDEN:
                os.environ.pop(name, None)
            os.environ.update(saved)

    return environment


@pytest.fixture(scope="session")
def learner_release(tmp_path_factory):
    """A student release folder (``make student-release``), built once per test process: ~20-50 s."""
    from autograder import student_release

    folder = tmp_path_factory.mktemp("student") / "release"
    student_release.write_folder(folder)
    return folder


def pytest_sessionfinish(session):
    """Free the session's garbage before a pytest-xdist worker reports that it has finished.

    Hundreds of checks leave Keras models and TensorFlow graphs in reference cycles; pytest frees them in
    one last collection after the worker has reported, which can take several seconds, and execnet
    interrupts a worker still busy 5 s after the end of the session (SIGINT: a KeyboardInterrupt inside a
    TensorFlow ``__del__``, printed as a warning). Collected here, it is waited for like any test.
    """
    gc.collect()
