"""The PEP 517 build backend of the sdist: maturin, minus its silent Rust download.

maturin's backend, finding no ``cargo`` on PATH, asks pip for ``puccinialin``
and downloads a whole Rust toolchain into a temporary folder, so that
``pip install cloudsso-X.tar.gz`` "works" for minutes and leaves nothing a user
agreed to. This backend sets ``MATURIN_NO_INSTALL_RUST`` and, without cargo,
stops every hook at once with one clear message: install Rust, or use the
prebuilt manylinux2014 wheel. With cargo present it is maturin unchanged.
"""

import os
import shutil
import sys

os.environ["MATURIN_NO_INSTALL_RUST"] = "1"

import maturin  # noqa: E402  (after the variable, which maturin reads per call)

_NO_RUST = """
cloudsso: building from the source distribution needs Rust: `cargo` (Rust 1.88 or later) was
not found on PATH, and this build does not download a toolchain by itself.
Either install Rust (your system's packages, or https://rustup.rs) and retry, or install the
prebuilt wheel instead (Linux x86-64, glibc 2.17 or later, any CPython >= 3.9):
    pip install --only-binary cloudsso cloudsso
"""


def _require_cargo() -> None:
    if shutil.which("cargo") is None:
        sys.stderr.write(_NO_RUST)
        raise SystemExit(1)


def get_requires_for_build_wheel(config_settings=None):
    _require_cargo()
    return maturin.get_requires_for_build_wheel(config_settings)


def get_requires_for_build_sdist(config_settings=None):
    _require_cargo()
    return maturin.get_requires_for_build_sdist(config_settings)


def get_requires_for_build_editable(config_settings=None):
    _require_cargo()
    return maturin.get_requires_for_build_editable(config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _require_cargo()
    return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _require_cargo()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _require_cargo()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    _require_cargo()
    return maturin.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _require_cargo()
    return maturin.prepare_metadata_for_build_editable(metadata_directory, config_settings)
