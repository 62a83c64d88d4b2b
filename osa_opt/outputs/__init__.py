"""Writers of one kind of file each: workbook, long-form CSV, PNG chart, manifest.

The run folder that holds them all is written by :mod:`osa_opt.run_folder`.
"""
