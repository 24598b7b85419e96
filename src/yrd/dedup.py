"""Near-duplicate detection: MinHash signatures and LSH band keys a database can index.

Reposts, traditional-script copies and other page shapes of one article have
(after cleaning and conversion) nearly the same text, so their character
shingles overlap heavily; distinct articles on the same topic share words but
few long shingles. Each document's signature is cut into bands; documents that
agree on any band are candidates, and a candidate is a duplicate when the
estimated Jaccard similarity of their shingle sets reaches the ``duplicate_threshold`` setting (the writer
decides, comparing stored signatures: ``yrd.store.versions``).
Band keys are stored in the knowledge base (``lsh_bands``), so the LSH index
lives in the database and never has to fit in memory.

The MinHash is datasketch's (its affine 32-bit permutations for seed 1 and its
estimate of Jaccard similarity), fed with the 5-gram hashes of the text computed
for the whole text at once with numpy instead of one SHA-1 call per shingle (10x
faster). The permutations are drawn here as datasketch draws them, so that
datasketch (and the SciPy it imports, 0.7 s) is not loaded at run time; a test
checks them, and the signatures, value for value against datasketch.
"""
from __future__ import annotations

import re

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 32, 4  # candidate when one of 32 bands of 4 rows agrees: ~50% at J=0.42, >99.9% at J=0.8
SHINGLE = 5
SIGNATURE_BYTES = NUM_PERM * 4  # 128 values below 2**32, stored as little-endian uint32
_NOISE = re.compile(r"[\s\u3000，。、；：！？“”‘’（）()《》【】\[\]「」『』,.;:!?'\"·—…-]+")



def permutations(num_perm: int = NUM_PERM, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``datasketch.MinHash(num_perm, seed).permutations`` (its default scheme, affine32): odd ``a`` and any ``b``
    below 2**32, drawn from ``numpy.random.RandomState(seed)`` in datasketch's order."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_A, _B = permutations()
_MAX_HASH = np.uint64((1 << 32) - 1)
_EMPTY = np.full(NUM_PERM, (1 << 32) - 1, dtype=np.uint32)  # datasketch's signature of an empty set
_K = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
               0xFF51AFD7ED558CCD], dtype=np.uint64)  # one odd multiplier per shingle position
_MIX = np.uint64(0xC4CEB9FE1A85EC53)
_BAND_SEEDS = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


def shingle_hashes(text: str) -> np.ndarray:
    """The 32-bit hashes of the text's character 5-grams (repeats included: they change no minimum), whitespace
    and punctuation removed (so layout and quotes do not matter); a text of five characters or fewer is one
    shingle."""
    s = _NOISE.sub("", text)
    if not s:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    n = len(codes)
    k = min(SHINGLE, n)
    h = np.zeros(n - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            h += codes[i:n - k + 1 + i] * _K[i]
        h ^= h >> np.uint64(29)
        h *= _MIX
        h ^= h >> np.uint64(32)
    return h & _MAX_HASH


def signature(text: str) -> np.ndarray:
    """The MinHash signature of the text's shingle set (NUM_PERM uint32 values), as datasketch's
    ``MinHash(num_perm=128, seed=1)`` fed with these shingle hashes computes it: each hash is mixed with
    MurmurHash3's finalizer, then every permutation ``a*h + b`` (mod 2**32) keeps its minimum."""
    hv = shingle_hashes(text).astype(np.uint32)
    if not len(hv):
        return _EMPTY.copy()
    with np.errstate(over="ignore"):
        hv ^= hv >> np.uint32(16)
        hv *= np.uint32(0x85EBCA6B)
        hv ^= hv >> np.uint32(13)
        hv *= np.uint32(0xC2B2AE35)
        hv ^= hv >> np.uint32(16)
        phv = np.multiply.outer(_A, hv)  # 128 rows of n, added to in place, each row's minimum read contiguously
        phv += _B[:, None]  # (half the time of np.outer(hv, _A) + _B on a 2,000-character text, a third on 5,000)
    return phv.min(axis=1)


def to_bytes(sig: np.ndarray) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit bucket per band; the bucket hashes the band number too, so buckets of different bands
    never meet and a lookup needs the bucket alone."""
    rows = np.asarray(sig, dtype=np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = _BAND_SEEDS.copy()
        for r in range(ROWS):
            h = (h ^ rows[:, r]) * _MIX
            h ^= h >> np.uint64(31)
    return h.view(np.int64).tolist()


def sign(text: str) -> tuple[bytes, list[int]]:
    """The sign step: a text's MinHash signature (as stored) and its LSH band keys."""
    sig = signature(text)
    return to_bytes(sig), band_keys(sig)
