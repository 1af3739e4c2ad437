"""``crawler.sources``: the sources file, read and checked, and the kind of each URL of a source (no crawl)."""

from __future__ import annotations

import pytest

from crawler.sources import DEFAULT_SOURCE, SourceError, get_source, load_sources

CESS = "https://www.centre-europeen-securite-strategie.eu"


def write(tmp_path, text: str):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_declares_the_organisation_first():
    sources = load_sources()
    assert next(iter(sources)) == DEFAULT_SOURCE
    cess = sources[DEFAULT_SOURCE]
    assert cess.base_url == CESS
    assert "centre-europeen-securite-strategie.eu" in cess.host_aliases
    assert cess.feeds == ("/blog-feed.xml",) and cess.sitemaps_from_robots
    assert all(source.base_url.startswith("https://") for source in sources.values())


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/post/la-s%C3%A9curit%C3%A9-europ%C3%A9enne", "article"),  # decoded before matching
        ("/post/la-sécurité-européenne/", "article"),
        ("/en/post/european-security", "article"),
        ("/", "listing"),
        ("/en", "listing"),
        ("/blog/page/2", "listing"),
        ("/blog/categories/defense", "listing"),
        ("/a-propos", "page"),
        ("/en/about-us", "page"),
        ("/contact", "excluded"),
        ("/nous-contacter", "excluded"),
        ("/account/login", "excluded"),
        ("/_api/v2/posts", "excluded"),
        ("/post/a/b", "page"),  # not an article: a post has one path segment
    ],
)
def test_kind_of_the_organisations_urls(path, kind):
    assert get_source().kind_of(CESS + path) == kind


def test_scope_paths_exclude_the_rest_of_a_shared_platform():
    blog = load_sources()["mediapart-valette"]
    assert blog.kind_of("https://blogs.mediapart.fr/thierry-paul-valette/blog/120326/un-billet") == "article"
    assert blog.kind_of("https://blogs.mediapart.fr/thierry-paul-valette/blog") == "listing"
    assert blog.kind_of("https://blogs.mediapart.fr/someone-else/blog/120326/un-billet") == "excluded"


def test_a_source_served_elsewhere_keeps_its_own_host_as_an_alias():
    local = get_source(base_url="http://127.0.0.1:8000/")
    assert local.base_url == "http://127.0.0.1:8000"
    assert "www.centre-europeen-securite-strategie.eu" in local.host_aliases
    assert local.kind_of("http://127.0.0.1:8000/post/x") == "article"


def test_a_minimal_source_gets_the_defaults(tmp_path):
    source = load_sources(write(tmp_path, '[[source]]\nname = "s"\nbase_url = "https://s.example/"\n'))["s"]
    assert source.base_url == "https://s.example" and source.start_urls == ("/",) and source.follow_links
    assert source.kind_of("https://s.example/anything") == "page"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the sources file declares no [[source]]"),
        ('[[source]]\nbase_url = "https://s.example"\n', "every [[source]] needs a name"),
        ('[[source]]\nname = "s"\nbase_url = "ftp://s.example"\n', "source 's': base_url must be an http(s) URL"),
        ('[[source]]\nname = "s"\nbase_url = "https://s.example"\ncolour = "red"\n', "unknown field(s) colour"),
        ('[[source]]\nname = "s"\nbase_url = "https://a"\n[[source]]\nname = "s"\nbase_url = "https://b"\n', "twice"),
        ("[[source]\n", "is not valid TOML"),
    ],
)
def test_a_bad_sources_file_is_one_clear_error(tmp_path, text, message):
    with pytest.raises(SourceError) as raised:
        load_sources(write(tmp_path, text))
    assert message in str(raised.value)


def test_an_unknown_source_names_the_known_ones():
    with pytest.raises(SourceError, match=r"unknown source 'nope' \(known: anne-genetet, cess, "):
        get_source("nope")


def test_an_unreadable_sources_file(tmp_path):
    with pytest.raises(SourceError, match="cannot read sources file"):
        load_sources(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[source]]\nname = "é"\n'.encode("latin-1"))
    with pytest.raises(SourceError, match="is not UTF-8 text"):
        load_sources(path)
