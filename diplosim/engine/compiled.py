"""How the engine's loops are compiled: numba, cached on disk (only a first start waits), without
the GIL (a thread pool or a Dask worker can run other work meanwhile), and with numpy's rules for
arithmetic errors (x / 0 gives inf, as the numpy code it replaces did, with no per-division check)."""

from __future__ import annotations

import numba

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
