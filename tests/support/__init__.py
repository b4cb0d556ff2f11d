"""Test support code (fixture generators)."""
