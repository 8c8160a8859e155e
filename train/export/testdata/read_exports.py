"""Reads tokenmill's exports the way their consumers do, with NumPy, and
prints every document as JSON: {"megatron": [[...], ...], "npy": [[...], ...]}.

Megatron: the reading steps of megatron/core/datasets/indexed_dataset.py
(_IndexReader: header, version, dtype code, counts, then numpy.frombuffer of
the lengths, pointers and document indices at their offsets; _MMapBinReader:
numpy.frombuffer of the .bin at each pointer). Dolma/OLMo: numpy.memmap of
the .npy with the dtype given (no header), sliced by the start,end rows of
the .csv.gz.

Usage: read_exports.py MEGATRON_PREFIX NPY_DTYPE NPY_BASE...
"""
import csv
import gzip
import json
import struct
import sys

import numpy

DTYPES = {1: numpy.uint8, 2: numpy.int8, 3: numpy.int16, 4: numpy.int32, 5: numpy.int64,
          6: numpy.float64, 7: numpy.float32, 8: numpy.uint16}


def megatron(prefix):
    with open(prefix + ".idx", "rb") as f:
        assert f.read(9) == b"MMIDIDX\x00\x00", "bad header"
        assert struct.unpack("<Q", f.read(8))[0] == 1, "bad version"
        dtype = DTYPES[struct.unpack("<B", f.read(1))[0]]
        n = struct.unpack("<Q", f.read(8))[0]
        nd = struct.unpack("<Q", f.read(8))[0]
        offset = f.tell()
    buf = memoryview(numpy.memmap(prefix + ".idx", mode="r", order="C"))
    lengths = numpy.frombuffer(buf, dtype=numpy.int32, count=n, offset=offset)
    pointers = numpy.frombuffer(buf, dtype=numpy.int64, count=n, offset=offset + lengths.nbytes)
    docs = numpy.frombuffer(buf, dtype=numpy.int64, count=nd, offset=offset + lengths.nbytes + pointers.nbytes)
    assert docs[0] == 0 and docs[-1] == n, "document indices"
    bin_ = memoryview(numpy.memmap(prefix + ".bin", mode="r", order="C"))
    out = []
    for i in range(n):
        out.append(numpy.frombuffer(bin_, dtype=dtype, count=int(lengths[i]), offset=int(pointers[i])).tolist())
    return {"dtype": numpy.dtype(dtype).name, "docs": out}


def npy(dtype, base):
    data = numpy.memmap(base + ".npy", dtype=getattr(numpy, dtype), mode="r")
    out = []
    with gzip.open(base + ".csv.gz", "rt") as f:
        for start, end, id_, src, loc in csv.reader(f):
            out.append({"id": id_, "src": src, "loc": int(loc), "tokens": data[int(start):int(end)].tolist()})
    return out


if __name__ == "__main__":
    rows = []
    for base in sys.argv[3:]:
        rows += npy(sys.argv[2], base)
    json.dump({"megatron": megatron(sys.argv[1]), "npy": rows}, sys.stdout)
