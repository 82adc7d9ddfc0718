"""Independent check and making of an offline-pass presentation: Debian's python3-cbor2 and
python3-cryptography, none of our code.

  offline_pass.py verify OPERATOR_KEY NOW_SECONDS   presentation text on stdin; prints the pass's claims
                                                    as JSON if both signatures verify and the time step is
                                                    within one of NOW's, exits 1 otherwise
  offline_pass.py present PHONE_SEED STEP           pass (base64url COSE_Sign1) on stdin; prints the
                                                    presentation the phone with this Ed25519 seed (hex) makes
"""
import base64
import json
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
CONTEXT = "healthcode offline presentation v1"
PASS_TYPE = "application/healthcode-offline-pass+cwt"


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [ALPHABET.index(c) for c in text[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def b45encode(data):
    out = ""
    for i in range(0, len(data), 2):
        pair = data[i:i + 2]
        n = int.from_bytes(pair, "big")
        digits = 3 if len(pair) == 2 else 2
        for _ in range(digits):
            out += ALPHABET[n % 45]
            n //= 45
    return out


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(operator_key, now):
    text = sys.stdin.read().strip()
    assert text.startswith("JKO1:"), "prefix"
    pass_bytes, step, phone_signature = cbor2.loads(b45decode(text[5:]))
    message = cbor2.loads(pass_bytes)
    assert isinstance(message, cbor2.CBORTag) and message.tag == 18, "COSE_Sign1 tag"
    protected, _unprotected, payload, signature = message.value
    header = cbor2.loads(protected)
    assert header[1] == -8 and header[16] == PASS_TYPE, "EdDSA offline pass"
    claims = cbor2.loads(payload)
    cose_key = claims[8][1]
    assert cose_key[1] == 1 and cose_key[-1] == 6, "Ed25519 COSE_Key"
    try:
        Ed25519PublicKey.from_public_bytes(b64url(operator_key)).verify(signature, cbor2.dumps(["Signature1", protected, b"", payload]))
        Ed25519PublicKey.from_public_bytes(cose_key[-2]).verify(phone_signature, cbor2.dumps([CONTEXT, pass_bytes, step]))
    except InvalidSignature:
        print("bad signature", file=sys.stderr)
        sys.exit(1)
    if abs(step - now // 30) > 1:
        print("stale time step", file=sys.stderr)
        sys.exit(1)
    phone = base64.urlsafe_b64encode(cose_key[-2]).decode().rstrip("=")
    print(json.dumps({"iss": claims[1], "sub": claims[2], "exp": claims[4], "iat": claims[6], "hc": claims["hc"], "phone": phone, "step": step}, ensure_ascii=False))


def present(seed, step):
    pass_bytes = b64url(sys.stdin.read().strip())
    phone = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed))
    signature = phone.sign(cbor2.dumps([CONTEXT, pass_bytes, step]))
    print("JKO1:" + b45encode(cbor2.dumps([pass_bytes, step, signature])))


if sys.argv[1] == "verify":
    verify(sys.argv[2], int(sys.argv[3]))
else:
    present(sys.argv[2], int(sys.argv[3]))
