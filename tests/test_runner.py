"""The crawler's parts built the way Scrapy builds them (``from_crawler``), without running a crawl.

``scrapy.utils.test.get_crawler`` gives a crawler with settings and stats but no reactor run: enough for
what the spider, the pipelines and the middleware read from their settings, when they turn themselves off
(``NotConfigured``), what they share (the source, its URL rules, one engine on the archive), and how a
crawl claims the archive. Whole crawls are in ``test_crawl*.py``, ``test_locking.py`` and ``test_scrapyd.py``.
"""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import select

import crawler.sources
from archive import make_sessionmaker, start_run
from archive.locking import ArchiveLocked, crawl_lock
from archive.models import Run
from crawler.middlewares import RetryAfterMiddleware
from crawler.pipelines import ArchivePipeline, ExtractPipeline
from crawler.runner import (
    SettingError,
    archive_engine,
    check_overrides,
    claimed_archive,
    crawl_settings,
    default_settings,
)
from crawler.sources import get_source
from crawler.spiders.site import SiteSpider

LOCAL = "http://127.0.0.1:8123"


def site_crawler(settings: dict | None = None, **spider_args):
    """A crawler of the ``site`` spider with its spider made, as ``Crawler.crawl`` makes it first."""
    crawler = get_crawler(SiteSpider, settings)
    crawler.spider = SiteSpider.from_crawler(crawler, **{"base_url": LOCAL, **spider_args})
    return crawler


@pytest.fixture
def db_settings(tmp_path) -> dict:
    return {"ARCHIVE_DB_URL": f"sqlite:///{tmp_path / 'archive.sqlite'}"}


# -- the source: resolved once, shared ------------------------------------------------------------------------


def test_the_source_is_read_once_per_crawl_and_the_pipeline_uses_the_spider_s_rules(monkeypatch):
    reads = []
    load_sources = crawler.sources.load_sources
    monkeypatch.setattr(crawler.sources, "load_sources", lambda path=None: reads.append(path) or load_sources(path))
    site = site_crawler()
    pipeline = ExtractPipeline.from_crawler(site)
    assert reads == [None]
    assert pipeline.rules is site.spider.rules
    assert site.spider.rules.source is site.spider.source
    assert site.spider.source.base_url == LOCAL


def test_a_source_already_resolved_is_taken_as_it_is(monkeypatch):
    source = get_source("anne-genetet", base_url=LOCAL)
    monkeypatch.setattr(crawler.sources, "load_sources", lambda path=None: pytest.fail("read again"))
    site = site_crawler(source=source)
    assert site.spider.source is source


def test_without_a_source_s_rules_extraction_is_off():
    with pytest.raises(NotConfigured, match="no URL rules"):
        ExtractPipeline.from_crawler(get_crawler(Spider))


# -- settings: read once, defaults from the registry ------------------------------------------------------


def test_defaults_come_from_the_registry_without_the_project_settings():
    """``get_crawler`` loads Scrapy's defaults only: every default here is the registry's."""
    site = site_crawler()
    extract = ExtractPipeline.from_crawler(site)
    assert (extract.workers, extract.timeout) == (2, 60.0)
    assert RetryAfterMiddleware.from_crawler(site).max_wait == 120.0
    spider = site.spider
    assert (spider.archive_enabled, spider.conditional, spider.max_query_variants) == (True, True, 5)
    assert ArchivePipeline.from_crawler(site).lock_held is False
    assert site.settings.getfloat("CLOSESPIDER_TIMEOUT") == 6 * 3600  # ARCHIVE_MAX_RUNTIME


def test_settings_are_read_as_their_type():
    site = site_crawler(
        {
            "ARCHIVE_EXTRACT_WORKERS": "0",
            "ARCHIVE_EXTRACT_TIMEOUT": "2.5",
            "ARCHIVE_RETRY_AFTER_MAX": "30",
            "ARCHIVE_CONDITIONAL": "False",
            "ARCHIVE_MAX_QUERY_VARIANTS": "3",
            "ARCHIVE_LOCK_HELD": "True",
        }
    )
    extract = ExtractPipeline.from_crawler(site)
    assert (extract.workers, extract.timeout) == (0, 2.5)
    assert RetryAfterMiddleware.from_crawler(site).max_wait == 30.0
    assert (site.spider.conditional, site.spider.max_query_variants) == (False, 3)
    assert ArchivePipeline.from_crawler(site).lock_held is True


def test_the_maximum_run_time_becomes_closespider_timeout_unless_a_shorter_one_is_set():
    assert get_crawler(SiteSpider, {"ARCHIVE_MAX_RUNTIME": "90"}).settings.getfloat("CLOSESPIDER_TIMEOUT") == 90
    shorter = get_crawler(SiteSpider, {"ARCHIVE_MAX_RUNTIME": "90", "CLOSESPIDER_TIMEOUT": "30"})
    assert shorter.settings.getfloat("CLOSESPIDER_TIMEOUT") == 30


@pytest.mark.parametrize(
    "component, settings, why",
    [
        (ArchivePipeline, {"ARCHIVE_ENABLED": False}, "ARCHIVE_ENABLED is off"),
        (RetryAfterMiddleware, {"ARCHIVE_RETRY_AFTER_ENABLED": False}, "ARCHIVE_RETRY_AFTER_ENABLED is off"),
        (RetryAfterMiddleware, {"RETRY_ENABLED": False}, "RETRY_ENABLED is off"),
    ],
)
def test_components_turned_off_say_why(component, settings, why):
    with pytest.raises(NotConfigured, match=why):
        component.from_crawler(site_crawler(settings))


def test_without_the_archive_the_spider_revisits_nothing_and_opens_no_database():
    site = site_crawler({"ARCHIVE_ENABLED": "False", "ARCHIVE_DB_URL": "sqlite:////nonexistent/dir/archive.sqlite"})
    assert site.spider.known_pages() == []


# -- the archive: one engine per crawl, claimed once --------------------------------------------------------


def test_one_engine_per_crawl_shared_by_the_spider_and_the_pipeline(db_settings):
    site = site_crawler(db_settings)
    engine = archive_engine(site)
    assert archive_engine(site) is engine
    assert site.spider.known_pages() == []  # through the same engine
    assert archive_engine(site_crawler(db_settings)) is not engine  # another crawl, another engine
    engine.dispose()


def _runs(engine) -> list[str]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(Run.status).order_by(Run.id)))


def test_claiming_the_archive_takes_the_lock_and_aborts_runs_left_running(db_settings):
    engine = archive_engine(site_crawler(db_settings))
    with make_sessionmaker(engine).begin() as session:
        start_run(session, "cess")  # a run whose process died
    with claimed_archive(engine):
        assert _runs(engine) == ["aborted"]
        with pytest.raises(ArchiveLocked), claimed_archive(engine):
            pass
    with claimed_archive(engine):  # released
        pass
    engine.dispose()


def test_a_crawl_started_by_scrapy_claims_the_archive_through_the_pipeline(db_settings):
    site = site_crawler(db_settings)
    engine = archive_engine(site)
    with make_sessionmaker(engine).begin() as session:
        start_run(session, "cess")  # left running by a dead process
    pipeline = ArchivePipeline.from_crawler(site)
    pipeline.open_spider()
    try:
        assert _runs(engine) == ["aborted", "running"]
        with pytest.raises(ArchiveLocked), crawl_lock(engine):
            pass
    finally:
        pipeline.spider_closed(site.spider, "finished")
    assert _runs(engine) == ["aborted", "failed"]  # nothing was fetched
    with crawl_lock(engine):  # released when the spider closed
        pass
    engine.dispose()


def test_a_crawl_whose_starter_holds_the_lock_does_not_take_it_again(db_settings):
    site = site_crawler({**db_settings, "ARCHIVE_LOCK_HELD": True})
    engine = archive_engine(site)
    with claimed_archive(engine):  # as run_crawl holds it
        pipeline = ArchivePipeline.from_crawler(site)
        pipeline.open_spider()
        pipeline.spider_closed(site.spider, "shutdown")
    assert _runs(engine) == ["interrupted"]
    engine.dispose()


# -- the crawl's settings: --set checked before anything starts ------------------------------------------


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("ARCHIVE_EXTRACT_WORKERS", "two", "expected an integer"),
        ("ARCHIVE_EXTRACT_WORKERS", "-1", "expected an integer of at least 0"),
        ("ARCHIVE_EXTRACT_TIMEOUT", "0", "expected a number greater than 0"),
        ("ARCHIVE_MAX_RUNTIME", "nan", "expected a number greater than 0"),
        ("ARCHIVE_RETRY_AFTER_MAX", "-5", "expected a number of at least 0"),
        ("ARCHIVE_RETRY_AFTER_ENABLED", "maybe", "expected a boolean"),
        ("ARCHIVE_CONDITIONAL", "yes please", "expected a boolean"),
        ("ARCHIVE_ENABLED", "False", "cess-archive crawl always archives"),
        ("ARCHIVE_DB_URL", "sqlite:///x.sqlite", "choose the archive with --db URL"),
        ("ARCHIVE_LOCK_HELD", "True", "set by cess-archive crawl itself"),
        ("DOWNLOAD_TIMEOUT", "0", "expected a number greater than 0"),
        ("CONCURRENT_REQUESTS", "0", "expected an integer of at least 1"),
        ("DOWNLOAD_DELAY", "abc", "expected a number"),
        ("RETRY_HTTP_CODES", "500,7000", "HTTP status codes are between 100 and 599"),
        ("LOG_LEVEL", "loud", "expected one of DEBUG, INFO"),
    ],
)
def test_bad_overrides_are_refused_naming_the_setting(name, value, message):
    with pytest.raises(SettingError, match=message) as refused:
        check_overrides({name: value})
    assert str(refused.value).startswith(f"--set {name}={value}: ")


def test_good_overrides_pass_and_unknown_names_are_a_warning():
    checked, warnings = check_overrides(
        {"ARCHIVE_EXTRACT_WORKERS": "0", "DOWNLOAD_DELAY": "0.5", "LOG_LEVEL": "debug", "DOWNLOAD_DELAI": "1"}
    )
    assert checked == {
        "ARCHIVE_EXTRACT_WORKERS": "0",
        "DOWNLOAD_DELAY": "0.5",
        "LOG_LEVEL": "DEBUG",
        "DOWNLOAD_DELAI": "1",
    }
    assert warnings == ["--set DOWNLOAD_DELAI=1: unknown setting (did you mean DOWNLOAD_DELAY?)"]


def test_a_crawl_run_by_the_runner_holds_the_lock_and_names_its_archive():
    settings = crawl_settings({"DOWNLOAD_DELAY": "0"}, "sqlite:////tmp/a.sqlite", "warning")
    assert settings.getbool("ARCHIVE_LOCK_HELD") is True
    assert settings["ARCHIVE_DB_URL"] == "sqlite:////tmp/a.sqlite"
    assert (settings.getfloat("DOWNLOAD_DELAY"), settings["LOG_LEVEL"]) == (0.0, "WARNING")
    assert default_settings().getbool("ARCHIVE_LOCK_HELD") is False
