"""Build hook for verify's two C extensions: the seq-range check (sitroom.store._rowseal,
needs the SQLite and OpenSSL headers) and the blob check (sitroom.store._blobseal, also
needs the zstd headers).

Both are optional: where a C compiler or a header is missing, the install still succeeds and
`verify` does the same checks in Python (slower, same answers).
"""

from setuptools import Extension, setup

_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra"]

setup(
    ext_modules=[
        Extension(
            "sitroom.store._rowseal",
            sources=["src/sitroom/store/_rowseal.c"],
            libraries=["sqlite3", "crypto"],
            extra_compile_args=_FLAGS,
            optional=True,
        ),
        Extension(
            "sitroom.store._blobseal",
            sources=["src/sitroom/store/_blobseal.c"],
            libraries=["zstd", "sqlite3", "crypto"],
            extra_compile_args=_FLAGS,
            optional=True,
        ),
    ]
)
