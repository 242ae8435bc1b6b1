"""The static web site: `build_site` (build.py) turns the store's days into HTML pages, with
thumbnails downloaded at build time (assets.py), a search index (Pagefind) and the feeds."""

from dailypapers.render.site.assets import HF_MEDIA_HOSTS, MediaCache, MediaReport
from dailypapers.render.site.build import (
           CSP,
           SiteDay,
           SiteEntry,
           SiteError,
           SiteReport,
           build_site,
)

__all__ = ["CSP", "HF_MEDIA_HOSTS", "MediaCache", "MediaReport", "SiteDay", "SiteEntry", "SiteError",
           "SiteReport", "build_site"]
