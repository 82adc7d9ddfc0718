"""Independent check of a healthcode token: Debian's python3-cbor2 and python3-cryptography, none of our code.

Reads the token text on stdin and the raw Ed25519 public key (base64url) as argv[1]; prints the claims
as JSON if the COSE_Sign1 signature verifies, exits 1 otherwise.
"""
import base64
import json
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [ALPHABET.index(c) for c in text[i:i + 3]]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            out += n.to_bytes(2, "big")
        else:
            out.append(chunk[0] + chunk[1] * 45)
    return bytes(out)


token = sys.stdin.read().strip()
assert token.startswith("JKM1:"), "prefix"
message = cbor2.loads(b45decode(token[5:]))
assert isinstance(message, cbor2.CBORTag) and message.tag == 18, "COSE_Sign1 tag"
protected, unprotected, payload, signature = message.value
header = cbor2.loads(protected)
assert header[1] == -8, "EdDSA"
to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 4)))
try:
    key.verify(signature, to_sign)
except InvalidSignature:
    print("bad signature", file=sys.stderr)
    sys.exit(1)
claims = cbor2.loads(payload)
print(json.dumps({"iss": claims[1], "sub": claims[2], "exp": claims[4], "iat": claims[6], "hc": claims["hc"], "kid": base64.urlsafe_b64encode(header[4]).decode().rstrip("=")}, ensure_ascii=False))
