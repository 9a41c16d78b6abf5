#!/usr/bin/python3
"""Reads an EDF+/BDF+ file with MNE (an independent reader) and prints what it found as JSON:
channel names, sampling rate, every data channel's samples in the file's physical unit, and the
annotations. Used by the tests to compare fpt's recordings with what was written.

    /usr/bin/python3 tools/check/read_edf.py FILE [CHANNEL...]
"""
import json
import sys
import warnings

import mne

path = sys.argv[1]
wanted = sys.argv[2:]
warnings.simplefilter("ignore")
reader = mne.io.read_raw_bdf if path.lower().endswith(".bdf") else mne.io.read_raw_edf
raw = reader(path, preload=True, verbose="error")
out = {
    "channels": raw.ch_names,
    "sfreq": float(raw.info["sfreq"]),
    "n_times": int(raw.n_times),
    "meas_date": raw.info["meas_date"].isoformat() if raw.info["meas_date"] else None,
    "annotations": [
        {"onset": float(a["onset"]), "duration": float(a["duration"]), "text": a["description"]}
        for a in raw.annotations
    ],
    "data": {},
}
for name in wanted:
    # MNE returns volts for uV channels; report microvolts.
    out["data"][name] = (raw.get_data(picks=[name])[0] * 1e6).tolist()
json.dump(out, sys.stdout)
