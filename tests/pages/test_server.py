"""The server process's settings (pages/_server.py): applied once by importing the module, overridable."""

import sys

from pages import _server


def test_the_switch_interval_is_pythons_unless_set():
    before = sys.getswitchinterval()
    try:
        _server.configure({})
        assert sys.getswitchinterval() == before
        _server.configure({"RNNKIT_SWITCH_MS": "0.5"})
        assert abs(sys.getswitchinterval() - 0.0005) < 1e-9
    finally:
        sys.setswitchinterval(before)


def test_torch_gets_one_thread_per_visitor_unless_told_otherwise():
    environ = {}
    _server.configure(environ)
    assert environ["OMP_NUM_THREADS"] == "1"
    environ = {"OMP_NUM_THREADS": "4"}
    _server.configure(environ)
    assert environ["OMP_NUM_THREADS"] == "4"


def test_onednn_keeps_a_bounded_number_of_primitives_unless_told_otherwise():
    environ = {}
    _server.configure(environ)
    assert environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == str(_server.ONEDNN_PRIMITIVES)
    environ = {"ONEDNN_PRIMITIVE_CACHE_CAPACITY": "1024"}
    _server.configure(environ)
    assert environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "1024"


def test_freed_memory_can_be_returned_any_time():
    _server.return_freed_memory()            # glibc's malloc_trim here; a no-op on other C libraries
    assert _server.LIBC is None or _server.mallopt(_server.M_MMAP_THRESHOLD, _server.MMAP_THRESHOLD)
