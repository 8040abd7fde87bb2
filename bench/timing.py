"""Timing for the comparison scripts of bench/: the median wall time of
repeated runs, which one slow run on a shared machine does not move."""
import statistics
import time


def median_time(function, repeats):
    """Median wall time of `function()` over `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
