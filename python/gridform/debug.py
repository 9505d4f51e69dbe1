"""Allocation-failure test hooks of the library (gridform_strerror(3))."""

from ._lib import C, proto, check, count, _i, _sz

proto("gridform_debug_fail_allocation", _i, _sz)
proto("gridform_debug_allocation_count", _sz)


def fail_allocation(n):
    """Make the n-th allocation from now by libgridform in the calling
    thread fail (1 = the next one); 0 disables.  For testing error paths."""
    check(C.gridform_debug_fail_allocation, count(n, "n"))


def allocation_count():
    """The number of allocations libgridform has made in the calling thread."""
    return int(C.gridform_debug_allocation_count())
