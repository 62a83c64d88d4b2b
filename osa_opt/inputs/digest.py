"""Kept for the modules that still import ``sha256`` from here (run_folder.py): the
fingerprint lives in the base layer, :mod:`osa_opt.digest`, so model extensions (which may
not import inputs) use the same one."""

from osa_opt.digest import sha256 as sha256
