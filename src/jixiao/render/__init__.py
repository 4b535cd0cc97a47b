"""Renderers: the same evaluation and traces as terminal text, Word, Excel, HTML, PDF and charts."""
