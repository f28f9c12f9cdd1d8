"""A real, local RFC 3161 time-stamp authority for tests, built with the `openssl` CLI.

It makes a CA (key + self-signed cert), a TSA key and cert signed by that CA with
extendedKeyUsage critical timeStamping, and an `openssl ts -reply` configuration. Replies
can be made directly (`reply`) or over HTTP on 127.0.0.1 (`serve`).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

OPENSSL = shutil.which("openssl")

_TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

_CA_EXT = """\
[ req ]
distinguished_name = dn
x509_extensions = v3_ca

[ dn ]

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""

_TSA_EXT = """\
[ v3_tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(*args: str, cwd: Path, data: bytes | None = None) -> bytes:
    """Run the openssl CLI; raise with its stderr on failure."""
    if OPENSSL is None:
        raise RuntimeError("the openssl command is not installed")
    result = subprocess.run(
        [OPENSSL, *args], cwd=cwd, input=data, capture_output=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def make_ca(directory: Path, name: str = "Test Root CA") -> Path:
    """A self-signed EC P-256 CA (key + cert) in `directory`; returns the cert path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.ext").write_text(_CA_EXT)
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key",
             cwd=directory)
    _openssl("req", "-new", "-x509", "-key", "ca.key", "-out", "ca.pem", "-days", "3650",
             "-subj", f"/CN={name}", "-sha256", "-config", "ca.ext", cwd=directory)
    return directory / "ca.pem"


class LocalTSA:
    """A CA plus a TSA certified by it, answering RFC 3161 requests via `openssl ts`."""

    def __init__(self, directory: Path) -> None:
        """Create every key, certificate and config file under `directory`."""
        self.dir = directory
        make_ca(directory)
        (directory / "tsa.ext").write_text(_TSA_EXT)
        _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key",
                 cwd=directory)
        _openssl("req", "-new", "-key", "tsa.key", "-out", "tsa.csr", "-subj",
                 "/CN=Test TSA", "-config", "ca.ext", cwd=directory)
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-sha256",
                 "-extfile", "tsa.ext", "-extensions", "v3_tsa", cwd=directory)
        (directory / "tsaserial").write_text("01\n")
        (directory / "tsa.cnf").write_text(_TSA_CONFIG.format(dir=directory))
        self.requests = 0

    @property
    def root_pem(self) -> bytes:
        """The CA certificate (PEM) that anchors this TSA."""
        return (self.dir / "ca.pem").read_bytes()

    def reply(self, request_der: bytes) -> bytes:
        """Answer a DER TimeStampReq with a DER TimeStampResp (`openssl ts -reply`)."""
        self.requests += 1
        query = self.dir / f"request-{self.requests}.tsq"
        query.write_bytes(request_der)
        return _openssl("ts", "-reply", "-config", "tsa.cnf", "-queryfile", query.name,
                        "-out", "-", cwd=self.dir)

    def stamp(self, data: bytes) -> bytes:
        """A reply for `data` made entirely with openssl (request and response)."""
        path = self.dir / "data.bin"
        path.write_bytes(data)
        query = _openssl("ts", "-query", "-data", path.name, "-sha256", "-cert", "-out", "-",
                         cwd=self.dir)
        return self.reply(query)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve the TSA over HTTP on 127.0.0.1; yields its URL."""
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415, "expected application/timestamp-query")
                    return
                answer = tsa.reply(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
