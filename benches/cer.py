"""Character error rate, as in tests/common/gen.rs: Levenshtein distance over
the truth's length, runs of whitespace folded to one space. Imported by the
Python parts of the benches/ scripts."""


def norm(s):
    return " ".join(s.split())


def lev(a, b):
    """Edit distance between two strings (insert, delete, substitute)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        append = cur.append
        left = i
        for j, cb in enumerate(b, 1):
            v = prev[j - 1] + (ca != cb)
            up = prev[j] + 1
            if up < v:
                v = up
            if left + 1 < v:
                v = left + 1
            append(v)
            left = v
        prev = cur
    return prev[-1]
