"""`nverify lsp`: a language server for .nv specs (diagnostics, go-to-definition, hover).

`verifier.lsp.analysis` runs the dsl front-end on an open document and indexes
its names; `verifier.lsp.server` speaks LSP with pygls. Nothing here runs Z3.
"""

from __future__ import annotations


def serve() -> None:
    """Run the server on standard input and output."""
    from verifier.lsp.server import serve as _serve

    _serve()


__all__ = ["serve"]
