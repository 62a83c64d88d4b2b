"""The fingerprint a run records for each input and each model extension's file: the hex
sha256 of the file's bytes. In the base layer, so the inputs, the extensions and the run
folder all use this one.

>>> sha256(b"")[:12]
'e3b0c44298fc'
"""

from __future__ import annotations

import hashlib


def sha256(data: bytes) -> str:
    """Hex sha256 of some bytes (what a run records for each input file)."""
    return hashlib.sha256(data).hexdigest()
