"""Test suite of the monorepo (a package so that tests/<pkg>/ folders never shadow the real <pkg>)."""
