"""Fetching a page or a feed over HTTP, within limits, never from a private address.

One fetch is bounded in time (redirects, headers and body together), in size (the body is
read in chunks and dropped past ``max_bytes``), in redirects (each followed by hand) and in
what it accepts (HTML for pages; XML or JSON for feeds). Before any connection the host is
resolved and every address checked: private, loopback, link-local, multicast and reserved
addresses are refused unless ``allow_private`` is set, and the connection goes to an address
that passed the check (the resolver hands the connector only those), so a name that resolves
one way for the check and another for the connection cannot get through. Every redirect hop
is checked again. Each failure is a ``FetchError`` whose message is one line for the user.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit, parse_qsl, urlencode

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from ..errors import BadInput

Kind = Literal["page", "feed"]
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_MARKERS = ("xml", "rss", "atom", "json")
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "briefbot/0.1"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified since the ETag / Last-Modified given)
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", errors="replace")


class FetchError(BadInput):
    """A fetch that failed; the message is one line naming the URL and the reason."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class PrivateAddress(OSError):
    """Raised by the resolver: the name resolves only to addresses that may not be fetched."""


def refused_address(address: str) -> bool:
    """True for addresses a fetch may not reach by default: private, loopback, link-local,
    multicast, reserved, unspecified (also as IPv4 mapped into IPv6)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified)


PRIVATE_HINT = "set [fetch] allow_private_addresses = true to allow it"


class CheckedResolver(AbstractResolver):
    """DNS through the default resolver, keeping only the addresses a fetch may reach."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        if self.allow_private:
            return found
        allowed = [r for r in found if not refused_address(r["host"])]
        if not allowed:
            raise PrivateAddress(f"refused: {host} resolves to a private, loopback or link-local address "
                                 f"({found[0]['host'] if found else '?'}); {PRIVATE_HINT}")
        return allowed

    async def close(self) -> None:
        await self.inner.close()


def canonical_url(url: str) -> str:
    """The URL a story is known by: scheme and host in lower case, no fragment, no default port,
    no tracking parameters (utm_*, fbclid, gclid). Two feeds linking one story agree on it."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; else ``BadInput`` saying what is accepted."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{url!r} is not a web address: give an http:// or https:// URL")
    return url.strip()


def _check_literal(url: str, current: str, policy: FetchPolicy) -> None:
    host = urlsplit(current).hostname or ""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return  # a name: the resolver checks what it resolves to
    if not policy.allow_private and refused_address(host):
        via = f" (redirected to {current})" if current != url else ""
        raise FetchError(url, f"refused: {host} is a private, loopback or link-local address{via}; {PRIVATE_HINT}")


def _accepts(kind: Kind, content_type: str) -> bool:
    if kind == "page":
        return content_type in PAGE_TYPES
    return any(m in content_type for m in FEED_MARKERS) or content_type in ("text/plain", "")


async def fetch(url: str, policy: FetchPolicy, *, kind: Kind = "page", etag: str | None = None,
                last_modified: str | None = None) -> Fetched:
    """GET ``url`` within ``policy``; a ``FetchError`` with one line saying why not."""
    check_url(url)
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(policy.allow_private), use_dns_cache=False,
                                     limit=4)
    headers = {"User-Agent": policy.user_agent,
               "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1" if kind == "page" else
               "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    try:
        async with asyncio.timeout(policy.timeout), \
                aiohttp.ClientSession(connector=connector, trust_env=False, headers=headers) as session:
            for _ in range(policy.max_redirects + 1):
                _check_literal(url, current, policy)
                async with session.get(current, allow_redirects=False) as resp:
                    if resp.status in REDIRECTS and resp.headers.get("Location"):
                        current = check_url(urljoin(current, resp.headers["Location"]))
                        continue
                    return await _response(url, current, resp, kind, policy)
            raise FetchError(url, f"too many redirects (more than {policy.max_redirects}; a redirect loop?)")
    except TimeoutError:
        raise FetchError(url, f"timed out after {policy.timeout:g} s") from None
    except aiohttp.ClientConnectorError as e:
        if isinstance(e.os_error, PrivateAddress):
            raise FetchError(url, str(e.os_error)) from None
        raise FetchError(url, f"cannot connect to {e.host}:{e.port} ({e.os_error.strerror or e.os_error})") from None
    except aiohttp.InvalidURL as e:
        raise FetchError(url, f"not a valid address ({e})") from None
    except aiohttp.ClientError as e:
        detail = str(e).splitlines()[0] if str(e) else ""
        raise FetchError(url, f"the connection failed ({type(e).__name__}{': ' + detail if detail else ''})") from None


async def _response(url: str, current: str, resp: aiohttp.ClientResponse, kind: Kind, policy: FetchPolicy) -> Fetched:
    if resp.status == 304:
        return Fetched(current, 304, etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))
    if resp.status == 404 or resp.status == 410:
        raise FetchError(url, f"not found (HTTP {resp.status})")
    if resp.status >= 400:
        what = "server error" if resp.status >= 500 else "refused"
        raise FetchError(url, f"{what} (HTTP {resp.status} {resp.reason or ''})".replace(" )", ")"))
    content_type = resp.content_type.lower() if resp.headers.get("Content-Type") else ""
    if not _accepts(kind, content_type):
        wanted = "an HTML page" if kind == "page" else "a feed (RSS, Atom or JSON Feed)"
        raise FetchError(url, f"not {wanted} (content type {content_type or 'missing'})")
    if resp.content_length is not None and resp.content_length > policy.max_bytes:
        raise FetchError(url, f"too large ({resp.content_length:,} bytes; the limit is {policy.max_bytes:,})")
    body = bytearray()
    async for chunk in resp.content.iter_chunked(CHUNK):
        body += chunk
        if len(body) > policy.max_bytes:
            raise FetchError(url, f"too large (more than {policy.max_bytes:,} bytes)")
    return Fetched(current, resp.status, bytes(body), content_type, resp.charset, resp.headers.get("ETag"),
                   resp.headers.get("Last-Modified"))
