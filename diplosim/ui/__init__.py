"""The pygame front end. Kept import-light: the CLI imports `diplosim.ui.app.run_play` only when
`diplosim play` runs, so other verbs never load pygame."""

import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on stdout
