"""A local copy of the CESS website (a Wix site) for tests that must never reach the internet.

``LocalSite`` serves the copy over real HTTP on 127.0.0.1; ``site.state`` changes it between crawls.
The content model lives in ``model.py``, the texts in ``content_*.py`` (assembled by ``content.py``), the
Wix template in ``template.py``, the pages in ``render.py`` and ``discovery.py``, the router in
``routes.py``. ``MARKUP.md`` is the HTML contract shared with the cleaner; ``expected/`` holds the
hand-written clean text of the two seed posts.
"""

from .content import SEED_000_SLUG, SEED_001_SLUG, SEED_POSTS, expected_seed_text, live_posts, post_path
from .server import LocalSite, RecordedRequest
from .state import SiteState

__all__ = [
    "SEED_000_SLUG",
    "SEED_001_SLUG",
    "SEED_POSTS",
    "LocalSite",
    "RecordedRequest",
    "SiteState",
    "expected_seed_text",
    "live_posts",
    "post_path",
]
