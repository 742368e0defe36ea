"""The trust oracle: brute-force answers to every check, and the differential harness.

`tests.oracle.oracle` and `tests.oracle.space` never import z3 or the
verifier; `tests.oracle.compare` runs nverify and compares; `tests.oracle.gen`
generates random well-typed spec text.
"""
