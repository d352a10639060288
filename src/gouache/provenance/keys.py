"""The signing identity: a local test CA and certificate, or the user's own certificate and key.

`init_signing` writes, in <data_dir>/signing/:

    chain.pem   the signing certificate, then its issuers (what goes into every manifest)
    key.pem     its private key (mode 0600)
    ca.pem      the root that issued it: a reader that trusts it reports "trusted"
    signing.json  what this is: self-signed test CA or the user's, algorithm, timestamp URL

A bare self-signed certificate is refused by C2PA readers, so the test identity is a CA
(kept only as a certificate: its key is thrown away once the signing certificate is issued)
and an ES256 leaf with the digitalSignature usage and the emailProtection purpose. Nothing is
fetched: no timestamp authority is used unless `tsa_url` is given.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gouache.errors import InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from cryptography.x509 import Certificate

    from gouache.settings import Settings

TEST_CA_NAME = "gouache local test CA (self-signed)"
LEAF_DAYS = 825
CA_DAYS = 3650


def signing_dir(settings: Settings) -> Path:
    """Where the signing identity lives: <data_dir>/signing."""
    return settings.data_dir / "signing"


@dataclass(frozen=True)
class SigningKeys:
    """A certificate chain and its key, ready for c2pa."""

    chain_pem: bytes  # leaf first, then issuers
    key_pem: bytes
    ca_pem: bytes | None  # the root, to trust when reading our own exports
    alg: str  # es256, es384, es512, ps256, ed25519...
    self_signed: bool  # True for the local test CA
    subject: str
    tsa_url: str | None = None

    def describe(self) -> str:
        kind = (
            "a self-signed local test CA: nobody else trusts it"
            if self.self_signed
            else "your own certificate"
        )
        stamp = f", timestamps from {self.tsa_url}" if self.tsa_url else ", no timestamp authority"
        return f"{self.subject} ({self.alg}; {kind}{stamp})"


def _certs(pem: bytes, what: str) -> list[Certificate]:
    from cryptography import x509

    try:
        found = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise InputError(f"{what} holds no readable PEM certificate") from None
    if not found:
        raise InputError(f"{what} holds no certificate")
    return found


def _key(pem: bytes, what: str) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise InputError(
            f"{what} is not an unencrypted PEM private key (decrypt it first: "
            "openssl pkey -in KEY -out plain.pem)"
        ) from None


def _alg(key: PrivateKeyTypes) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(key, ec.EllipticCurvePrivateKey):
        sizes = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if key.curve.name in sizes:
            return sizes[key.curve.name]
        raise InputError(f"C2PA cannot sign with the elliptic curve {key.curve.name}")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise InputError(f"C2PA cannot sign with a {type(key).__name__}")


def _pem(cert: Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM)


def _subject(cert: Certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def make_test_identity(common_name: str = "gouache signer") -> SigningKeys:
    """A new test CA and an ES256 signing certificate it issued (nothing written)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, TEST_CA_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gouache (self-signed, for testing)"),
        ]
    )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(**(usage | {"key_cert_sign": True, "crl_sign": True})), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gouache (self-signed, for testing)"),
        ]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**(usage | {"digital_signature": True})), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKeys(
        chain_pem=_pem(leaf) + _pem(ca),
        key_pem=key_pem,
        ca_pem=_pem(ca),
        alg="es256",
        self_signed=True,
        subject=common_name,
    )


def identity_from_files(
    cert: Path, key: Path, ca: Path | None = None, tsa_url: str | None = None
) -> SigningKeys:
    """The user's certificate chain and key, checked: the key matches the first certificate,
    which is not a bare self-signed one (C2PA readers refuse those)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    chain_pem, key_pem = _read(cert, "certificate"), _read(key, "key")
    chain = _certs(chain_pem, str(cert))
    private = _key(key_pem, str(key))
    leaf = chain[0]
    spki = PublicFormat.SubjectPublicKeyInfo
    if leaf.public_key().public_bytes(Encoding.DER, spki) != private.public_key().public_bytes(
        Encoding.DER, spki
    ):
        raise InputError(f"the key in {key} does not belong to the first certificate in {cert}")
    if leaf.issuer == leaf.subject and len(chain) == 1:
        raise InputError(
            f"{cert} is a bare self-signed certificate, which C2PA readers refuse: give the "
            "certificate issued by a CA followed by the CA's, or run `gouache keys "
            "init-signing` without --cert for a local test CA"
        )
    root_pem = _read(ca, "CA certificate") if ca is not None else None
    if root_pem is not None:
        _certs(root_pem, str(ca))
    elif chain[-1].issuer == chain[-1].subject and len(chain) > 1:
        root_pem = _pem(chain[-1])
    return SigningKeys(
        chain_pem=chain_pem,
        key_pem=key_pem,
        ca_pem=root_pem,
        alg=_alg(private),
        self_signed=False,
        subject=_subject(leaf),
        tsa_url=tsa_url,
    )


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the {what} {path}: {err.strerror or err}") from None


def check_free(folder: Path, *, force: bool = False) -> None:
    """InputError when `folder` already holds an identity and `force` is not given."""
    if (folder / "key.pem").exists() and not force:
        raise InputError(
            f"a signing identity already exists in {folder}; --force replaces it (exports "
            "signed with the old one stay valid but name the old certificate)"
        )


def save(keys: SigningKeys, folder: Path, *, force: bool = False) -> Path:
    """Write the identity to `folder`; an existing one is replaced only with `force`. Each
    file is written atomically and never through a link (gouache.outputs); key.pem is 0o600."""
    from gouache.outputs import write_file

    check_free(folder, force=force)
    # check_free decided about replacing the identity: its files are replaced together
    write_file(folder / "chain.pem", keys.chain_pem, force=True, mode=0o644)
    write_file(folder / "key.pem", keys.key_pem, force=True, mode=0o600)
    if keys.ca_pem is not None:
        write_file(folder / "ca.pem", keys.ca_pem, force=True, mode=0o644)
    else:
        try:
            (folder / "ca.pem").unlink(missing_ok=True)
        except OSError as err:
            raise InputError(f"cannot remove the old {folder / 'ca.pem'}: {err}") from None
    info: dict[str, Any] = {
        "alg": keys.alg,
        "self_signed": keys.self_signed,
        "subject": keys.subject,
        "tsa_url": keys.tsa_url,
    }
    text = json.dumps(info, indent=2) + "\n"
    write_file(folder / "signing.json", text.encode(), force=True, mode=0o644)
    return folder


def load(folder: Path) -> SigningKeys:
    """The identity saved in `folder`; InputError saying how to make one when there is none."""
    if not (folder / "key.pem").exists():
        raise InputError(
            f"no signing identity in {folder}: run `gouache keys init-signing` (a local test "
            "CA) or `gouache keys init-signing --cert CHAIN.pem --key KEY.pem`"
        )
    try:
        info = json.loads((folder / "signing.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"{folder / 'signing.json'} is missing or damaged: run init again"
        ) from None
    ca = folder / "ca.pem"
    return SigningKeys(
        chain_pem=_read(folder / "chain.pem", "certificate"),
        key_pem=_read(folder / "key.pem", "key"),
        ca_pem=ca.read_bytes() if ca.exists() else None,
        alg=str(info.get("alg", "es256")),
        self_signed=bool(info.get("self_signed", False)),
        subject=str(info.get("subject", "")),
        tsa_url=info.get("tsa_url") or None,
    )
