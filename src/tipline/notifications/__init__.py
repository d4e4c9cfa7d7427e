"""Telling staff that something arrived, without saying what."""
