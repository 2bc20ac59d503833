"""The demo accounts of tests/practices, for the portal's tests of lock-outs and limits."""


from tests.practices.conftest import accounts  # noqa: F401 (a fixture)
