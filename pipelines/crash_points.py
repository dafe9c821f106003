"""Named points in a release where a test can stop the process, to show that a crash leaves
either no release or a whole one, and that the next run completes what it left.

Only tests set the variable: `KZDATA_TEST_CRASH_AT=renamed` ends the process there at once
(as a power cut would: no cleanup, no exception handler); `renamed:pause` announces the point
on stderr and waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "KZDATA_TEST_CRASH_AT"
EXIT_CODE = 86
POINTS = ("locked", "staging", "staged", "renamed", "indexed")


def reached(point: str) -> None:
    """Stop here if a test asked to."""
    wanted = os.environ.get(ENV)
    if wanted == point:
        os._exit(EXIT_CODE)
    if wanted == f"{point}:pause":
        sys.stderr.write(f"kzdata: paused at {point}\n")
        sys.stderr.flush()
        while True:
            time.sleep(60)
