"""Nothing twice: content hashes for exact copies, MinHash LSH and rapidfuzz for near copies.

An article is an exact duplicate when its URL or the hash of its normalised text is already
stored. A syndicated or lightly edited copy (a credit line added, a sentence reworded) is
found in two steps: MinHash signatures over word shingles, split into LSH bands stored in
``article_bands``, give candidates in one indexed lookup per band (sub-linear); rapidfuzz
then compares the normalised texts of the few candidates.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from rapidfuzz import fuzz

#: Words per shingle. Five words is long enough that two different articles on one story
#: share few shingles, short enough that one edited sentence changes only a few.
SHINGLE = 5
#: MinHash signature = BANDS x ROWS values. With 16 bands of 4 rows an article pair whose
#: shingle Jaccard is 0.5 becomes a candidate with probability 0.64, at 0.7 with 0.99, at
#: 0.2 with 0.03: copies are found, unrelated articles rarely compared.
BANDS, ROWS = 16, 4
#: A candidate is a copy when rapidfuzz's ratio of the normalised texts is at least this.
#: On the story corpus a wire copy with an added credit line scores 97; two articles of
#: one outlet on the same event score under 45. 90 leaves room for a reworded sentence or
#: two in an 800-character article while staying far above different articles.
COPY_RATIO = 90.0

_PRIME = (1 << 61) - 1
_SEED = 20250304
#: What a set of band keys was made by: shingle size, bands, rows and the seed of the hash
#: functions. A batch output records it beside the keys its workers computed, and the store
#: takes those keys only when it is this one (else it computes them again).
SIGNATURE = f"minhash-w{SHINGLE}-b{BANDS}-r{ROWS}-s{_SEED}"
_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 1 << 32, size=BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=BANDS * ROWS, dtype=np.uint64)


def normalise_text(text: str) -> str:
    """Text as compared: NFKC, lower case, curly quotes straightened, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return " ".join(text.split())


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: the same words give the same hash, whatever the spacing."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def normalise_url(url: str | None) -> str | None:
    """A URL without fragment, default port and trailing slash, scheme and host lower-cased."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def _shingle_hashes(norm: str) -> np.ndarray:
    words = re.findall(r"\w+", norm)
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    digests = b"".join([hashlib.blake2b(g.encode(), digest_size=4).digest() for g in grams])
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)


def band_keys(norm: str) -> list[tuple[int, int]]:
    """The (band, hash) LSH keys of a normalised text's MinHash signature."""
    shingles = _shingle_hashes(norm)
    if not len(shingles):
        return []
    # (a*x + b) mod p with x < 2^32 and a, b < 2^32 stays below 2^64: no overflow in uint64.
    values = (np.outer(shingles, _A) + _B) % np.uint64(_PRIME)
    signature = values.min(axis=0).reshape(BANDS, ROWS)
    keys = []
    for band, row in enumerate(signature):
        digest = hashlib.blake2b(row.tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


def copy_similarity(a_norm: str, b_norm: str, cutoff: float | None = None) -> float:
    """rapidfuzz ratio (0-100) of two normalised texts; 0 when under ``cutoff`` (rapidfuzz then
    stops early, which matters when many candidates share a band with the new article)."""
    return fuzz.ratio(a_norm, b_norm, score_cutoff=cutoff)
