"""Test support: settings and fixtures shared by every app's tests. Not used in production."""
