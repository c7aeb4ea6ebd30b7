"""Sisnaker: Sistem Informasi Ketenagakerjaan."""

__version__ = "0.1.0"
