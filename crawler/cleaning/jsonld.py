"""Reading JSON-LD (``<script type="application/ld+json">``) into flat lists of nodes.

Handles a single object, a list, an ``@graph``, nested ``mainEntity`` objects, ``@id`` references
between nodes (Yoast's ``"author": {"@id": "…#/schema/person/…"}``), CDATA wrappers and blocks
that are not valid JSON (skipped). Article-like nodes (``BlogPosting``, ``NewsArticle`` …) come
first, then web-page nodes, then the rest, each group in document order.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

ARTICLE_TYPES = frozenset(
    {
        "article", "blogposting", "newsarticle", "report", "scholarlyarticle", "techarticle",
        "analysisnewsarticle", "opinionnewsarticle", "reportagenewsarticle", "backgroundnewsarticle",
        "socialmediaposting", "liveblogposting", "creativework", "posting",
    }
)  # fmt: skip
PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "collectionpage", "profilepage", "contactpage"})

_CDATA = re.compile(r"^\s*(?:/\*\s*)?<!\[CDATA\[(?:\s*\*/)?|(?:/\*\s*)?\]\]>(?:\s*\*/)?\s*$")
_NESTED_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart")


def node_types(node: dict[str, Any]) -> set[str]:
    """The lower-cased ``@type`` values of a node."""
    types = node.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return set()
    return {t.rsplit("/", 1)[-1].lower() for t in types if isinstance(t, str)}


def _load(script_text: str) -> Any:
    text = _CDATA.sub("", script_text or "").strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
        return
    if not isinstance(data, dict):
        return
    out.append(data)
    for key in _NESTED_KEYS:
        if key in data:
            _flatten(data[key], out, depth + 1)


def _rank(node: dict[str, Any]) -> int:
    types = node_types(node)
    if types & ARTICLE_TYPES:
        return 0
    if types & PAGE_TYPES:
        return 1
    return 2


class JsonLd:
    """All JSON-LD nodes of a document, with ``@id`` resolution."""

    def __init__(self, nodes: list[dict[str, Any]]):
        self.nodes = sorted(nodes, key=_rank)  # stable: document order within a rank
        self._by_id = {}
        for node in nodes:
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                self._by_id.setdefault(node_id, node)

    @classmethod
    def from_tree(cls, root: etree._Element) -> JsonLd:
        nodes: list[dict[str, Any]] = []
        for script in root.xpath("//script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            _flatten(_load(script.text or ""), nodes)
        return cls(nodes)

    def resolve(self, value: Any) -> Any:
        """A node referenced only by ``{"@id": …}`` replaced by the full node, when present."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            target = self._by_id.get(value.get("@id"))
            if target is not None:
                return target
        return value

    def article_values(self, key: str) -> list[Any]:
        """``key`` of article-like and web-page nodes, in ranking order (empty values skipped)."""
        values = []
        for node in self.nodes:
            if _rank(node) > 1:
                continue
            value = node.get(key)
            if value not in (None, "", [], {}):
                values.append(value)
        return values
