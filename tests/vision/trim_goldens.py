#!/usr/bin/env python3
"""Derives the small vision goldens in tests/fixtures/qwen3vl-tiny/preprocess/ from the full ones.

pixel_values only take the 256 values (c - 127.5) / 127.5 (float32), so they are stored as the
uint8 codes c (`*_u8`), a lossless form this script verifies bit for bit before writing; the
PIL-path comparison tensor (`resized_uint8_slow`) is dropped. Usage:
  trim_goldens.py <shared preprocess dir> <tests/fixtures/.../preprocess dir>
"""
import array
import json
import os
import struct
import sys

FLOATS = {"pixel_values": "pixel_values_u8", "pixel_values_videos": "pixel_values_videos_u8"}
KEEP = {"image_grid_thw", "resized_uint8", "video_grid_thw", "sampled_frames_uint8", "sampled_frame_indices"}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n:]
    return {k: (v["dtype"], v["shape"], body[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in header.items()}


def to_codes(raw):
    values = array.array("f")
    values.frombytes(raw)
    table = array.array("f", [(c - 127.5) / 127.5 for c in range(256)])
    lookup = {table[c]: c for c in range(256)}
    codes = bytes(lookup[v] for v in values)
    rebuilt = array.array("f", [table[c] for c in codes])
    if rebuilt.tobytes() != raw:
        raise SystemExit("pixel values are not exactly (c - 127.5) / 127.5")
    return codes


def write(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".safetensors"):
            continue
        out = {}
        for key, (dtype, shape, raw) in read(os.path.join(src, name)).items():
            if key in FLOATS:
                out[FLOATS[key]] = ("U8", shape, to_codes(raw))
            elif key in KEEP:
                out[key] = (dtype, shape, raw)
        write(os.path.join(dst, name), out)
        print(name, {k: v[1] for k, v in out.items()})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
