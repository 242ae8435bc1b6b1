"""The static web site, pure: `SitePlan(days).files(media)` gives every page, asset and feed as
bytes, with a key of what each depends on (pages.py). Writing them into a folder, downloading the
media and indexing the search are the site publisher's (`dailypapers.publish.site`)."""

from dailypapers.render.site.pages import (
                                           CSP,
                                           MediaRef,
                                           SiteDay,
                                           SiteEntry,
                                           SiteFile,
                                           SitePlan,
                                           fingerprint,
                                           is_paper_page,
                                           paper_slug,
)

__all__ = ["CSP", "MediaRef", "SiteDay", "SiteEntry", "SiteFile", "SitePlan", "fingerprint", "is_paper_page",
           "paper_slug"]
