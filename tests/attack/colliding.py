"""colliding.py N FILE: writes N distinct 16-byte names, one per line, that all have the
same hash under the runtime's former string hash (an unkeyed multiply-xorshift over
8-byte blocks, finished by splitmix64's finaliser: any 64-bit hash anyone can compute
can be inverted like this).  Each name is "room" + 4 digits, then 8 bytes chosen so
that the hash state after the second block is one fixed value.  Under a keyed hash
(SipHash with this process's key) they are as good as random names."""
import sys

MASK = (1 << 64) - 1
C = 0x9E3779B97F4A7C15
M = 0xFF51AFD7ED558CCD
M_INV = pow(M, -1, 1 << 64)


def step(h, m):  # one 8-byte block of the former hash
    y = ((h ^ m) * M) & MASK
    return y ^ (y >> 32)


def step_inv(z):  # the x with step(x, 0) == z
    y = (z & ~0xFFFFFFFF & MASK) | ((z ^ (z >> 32)) & 0xFFFFFFFF)
    return (y * M_INV) & MASK


n, path = int(sys.argv[1]), sys.argv[2]
target = 0x0123456789ABCDEF
names, k = [], 0
while len(names) < n:
    first = b"room%04d" % (k % 10000) if k < 10000 else b"r%07d" % k
    k += 1
    h1 = step(C ^ 16, int.from_bytes(first, "little"))
    second = (step_inv(target) ^ h1).to_bytes(8, "little")
    assert step(h1, int.from_bytes(second, "little")) == target
    if b"\n" in second or b"\r" in second:
        continue
    names.append(first + second)
with open(path, "wb") as f:
    f.write(b"\n".join(names) + b"\n")
