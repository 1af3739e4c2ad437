"""Small local copies of the related sources (sites that are not Wix), served on 127.0.0.1.

``StaticSite`` serves a fixed map of path -> (status, content type, body bytes) and logs request paths.
``participant_site()`` imitates seed 003's site: another CMS with ``/posts/<id>/<slug>`` URLs, its own
template, a windows-1252 page and a page with no article text.
"""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# Seed 003 as a naive scraper saw it (a copy of ../shared/seeds/003_…, so the tests need nothing outside).
SEED_003 = Path(__file__).resolve().parent / "fixtures" / "seeds" / "003_participant_post.txt"
POST_PATH = "/posts/3wo8W6K733zNs1vv3ue4el/ue-kazakhstan-construire-ensemble-une-autonomie-strategique"
CP1252_PATH = "/posts/9QzT1kLmN0pR2sUv/archives-defense-europeenne"
EMPTY_PATH = "/posts/7hJkL0pQ2rS4tU6v/galerie-photos"
HEADINGS = {
    "Un tournant géopolitique partagé",
    "La norme : pilier d’un partenariat équilibré",
    "Une relation franco-kazakh au cœur des enjeux",
    "Une autonomie qui unit, pas qui isole",
}
CAPTION = "Retout sur le déplacement présidentiel au Kazakhstan en 2024"


class StaticSite:
    def __init__(self, pages: dict[str, tuple[int, str, bytes]]):
        self.pages = pages
        self.extra_headers: dict[str, dict[str, str]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = urlsplit(self.path).path
                site.requests.append(path)
                status, content_type, body = site.pages.get(path, (404, "text/html", b"<h1>404</h1>"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in site.extra_headers.get(path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def seed_003_blocks() -> tuple[str, list[str]]:
    """(title, body lines) of seed 003, as its author published them."""
    lines = [line.replace("\u202f", " ").strip() for line in SEED_003.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line != "-"]
    return lines[0], lines[1:]


def seed_003_expected_text() -> str:
    return "\n".join(seed_003_blocks()[1])


def _page(title: str, article_html: str, *, charset: str = "utf-8", lang: str = "fr") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(title)} - Anne Genetet</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:type" content="article">
<meta name="author" content="Anne Genetet">
<meta property="article:published_time" content="2025-06-02T10:00:00+02:00">
</head><body>
<header class="site-header"><button class="menu-toggle" aria-label="Menu">-</button>
<nav><a href="/">Accueil</a> <a href="/posts">Actualités</a> <a href="/agenda">Agenda</a> <a href="/contact">Contact</a></nav>
</header>
<main><article class="post">
<h1 class="post-title">{escape(title)}</h1>
<div class="post-body">{article_html}</div>
</article>
<aside class="related"><h3>À lire aussi</h3><ul><li><a href="/posts/x1/une-autre-actualite">Une autre actualité de la circonscription</a></li></ul></aside>
</main>
<footer><p>Anne Genetet, députée des Français établis hors de France</p><p>Mentions légales · Cookies</p></footer>
</body></html>"""


def participant_site() -> StaticSite:
    title, lines = seed_003_blocks()
    body = []
    for line in lines:
        if line in HEADINGS:
            body.append(f"<h2>{escape(line)}</h2>")
        elif line == CAPTION:
            body.append(
                f'<figure class="video"><iframe title="vidéo" src="about:blank"></iframe>'
                f"<figcaption>{escape(line)}</figcaption></figure>"
            )
        else:
            body.append(f"<p>{escape(line).replace(' km', '&#8239;km')}</p>")
    cp1252_text = (
        "<p>Archives : la défense européenne, vingt ans après. Les États membres n’ont cessé de "
        "débattre d’une « autonomie stratégique » sans jamais en fixer le périmètre.</p>"
        "<p>Ce texte d’archive, publié avant la refonte du site, est conservé tel quel.</p>"
    )
    return StaticSite(
        {
            POST_PATH: (200, "text/html; charset=utf-8", _page(title, "\n".join(body)).encode("utf-8")),
            CP1252_PATH: (
                200,
                "text/html",
                _page("Défense européenne : archives", cp1252_text, charset="windows-1252").encode("cp1252"),
            ),
            EMPTY_PATH: (
                200,
                "text/html; charset=utf-8",
                _page("Galerie photos", '<div class="gallery"></div>').encode("utf-8"),
            ),
        }
    )


class RawSite:
    """A server that answers each path with exact bytes: truncated bodies, broken chunking, hanging sockets.

    ``answers`` maps a path to ``(raw_response_bytes, seconds_to_hang_before_closing)``; unknown paths get
    a 404. Every request path is logged in ``requests``.
    """

    def __init__(self, answers: dict[str, tuple[bytes, float]]):
        import socketserver

        self.answers = answers
        self.requests: list[str] = []
        self.stopping = threading.Event()
        site = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                path = urlsplit(data.split(b" ", 2)[1].decode("latin-1")).path
                site.requests.append(path)
                raw, hang = site.answers.get(
                    path, (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 0)
                )
                try:
                    self.request.sendall(raw)
                    site.stopping.wait(hang)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RawSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
