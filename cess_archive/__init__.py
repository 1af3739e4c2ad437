"""The ``cess-archive`` command: wires the crawler, the archive and the exports together."""
