"""Check the site's external links (the list the link test writes to
``_build/external-links.txt``): one HEAD request each (GET where HEAD is refused), a few at
a time, with a timeout. Prints every link that fails; exits 1 if any did. Needs the
network, so it runs in the publishing workflow's non-blocking job, never in `make test`."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TIMEOUT_S = 20
AGENT = "Mozilla/5.0 (compatible; ambition-creep-link-check)"


def check(url: str) -> tuple[str, str | None]:
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": AGENT})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
                if resp.status < 400:
                    return url, None
        except urllib.error.HTTPError as e:
            if method == "GET" or e.code not in (403, 405, 501):
                return url, f"HTTP {e.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            return url, str(getattr(e, "reason", e))[:120]
    return url, "refused"


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "_build/external-links.txt")
    urls = sorted(
        {
            u.strip()
            for u in path.read_text().splitlines()
            if u.strip().startswith(("http://", "https://"))
        }
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        failed = [(u, why) for u, why in pool.map(check, urls) if why]
    for u, why in failed:
        print(f"BROKEN {why}: {u}")
    print(f"{len(urls) - len(failed)} of {len(urls)} external links answered")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
