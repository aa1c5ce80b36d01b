"""What a payload is, how it is encoded, and whether an HTML page is a wall rather than content."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|script)\b", re.I | re.S)
_CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_CHARSET_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_EXTENSIONS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
# The encodings of the WHATWG Encoding Standard, the only ones browsers decode web pages in:
# guessing among them keeps an undeclared German page from being read as a DOS code page.
_WEB_ENCODINGS = (
    "utf_8", "cp866", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "mac_roman",
    "mac_cyrillic", "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "gbk", "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr", "utf_16_le", "utf_16_be",
)
# WHATWG: these labels mean windows-1252 in browsers, and pages rely on it.
_WEB_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso8859-1": "cp1252"}


def detect_kind(data: bytes, content_type: str = "", url: str = "") -> str | None:
    """``"pdf"``, ``"html"``, ``"markdown"``, ``"text"`` or None: magic bytes first, then Content-Type, then extension.

    A PDF served as ``text/html`` is a PDF; an HTML error page served as ``application/pdf``
    is HTML.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if _HTML_START.match(head):
        return "html"
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/pdf" or mime == "application/x-pdf":
        return "pdf"
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime in ("text/markdown", "text/x-markdown"):
        return "markdown"
    suffix = PurePosixPath(urlsplit(url).path if "://" in url else url).suffix.lower()
    if mime == "text/plain":  # raw Markdown is often served as text/plain
        return "markdown" if _EXTENSIONS.get(suffix) == "markdown" else "text"
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if head and b"\x00" not in head and head.lstrip()[:1] == b"<" and b">" in head:
        return "html"
    return None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _WEB_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an HTML payload; return ``(text, encoding)``.

    The charset comes from a byte-order mark, then the Content-Type header, then a ``<meta>``
    declaration, then charset_normalizer's guess; a declared charset that fails to decode the
    bytes is skipped. As a last resort the text is UTF-8 with replacement characters.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff"), name
    header = _CHARSET_HEADER.search(content_type or "")
    meta = _CHARSET_META.search(data[:8192])
    declared = [header.group(1) if header else None, meta.group(1).decode("ascii", "ignore") if meta else None]
    for label in declared:
        name = _codec(label)
        if name:
            try:
                return data.decode(name), name
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000], cp_isolation=list(_WEB_ENCODINGS)).best()
    name = _codec(best.encoding) if best else None
    if name:
        return data.decode(name, errors="replace"), name
    return data.decode("utf-8", errors="replace"), "utf-8"


# --- walls, block and error pages ----------------------------------------------------------

_SHORT_WORDS = 250  # a real document is longer than any wall page
_BLOCK = re.compile(
    r"access denied|attention required|just a moment\.\.\.|checking your browser|verify(?:ing)? you are (?:a )?human|"
    r"are you a robot|unusual traffic|request (?:was |has been )?blocked|you have been blocked|"
    r"pardon our interruption|incapsula incident|ddos protection|(?:complete|solve) (?:the |this )?captcha|"
    r"too many requests",
    re.I,
)
_BLOCK_TITLE = re.compile(r"\b403\b|\bforbidden\b|security check|bot (?:detection|protection)", re.I)
_ERROR = re.compile(
    r"^\W*(?:404|410|500|502|503)\b|\berror:? ?(?:404|410|500|502|503)\b|\b(?:404|410|500|502|503)\W+(?:error|not found|page)|"
    r"page not found|\bnot found\b|page (?:you (?:requested|are looking for) )?"
    r"(?:does not|doesn't|could not|can't|cannot) (?:exist|be found)|no longer (?:exists|available)|"
    r"(?:internal )?server error|service unavailable|something went wrong",
    re.I,
)
_PAGE_ERROR = re.compile(r"page not found|\berror:? 404\b|\b404\b.{0,30}\b(?:error|not found|page)|page (?:you requested )?(?:does not|doesn't) exist", re.I)
_LOGIN = re.compile(r"\b(?:sign|log) ?in\b|\blogin\b|\bauthenticat|\bsso\b|password", re.I)
_CONSENT = re.compile(r"cookie|consent|partners|personali[sz]ed (?:ads|content)|legitimate interest|privacy (?:settings|choices|preferences)|tracking technolog", re.I)
_CONSENT_ACTION = re.compile(
    r"accept (?:all|cookies)|reject all|allow all|agree and (?:continue|proceed)|i (?:agree|accept)|"
    r"manage (?:your )?(?:cookie )?(?:preferences|settings|options|choices)|customi[sz]e (?:settings|choices)|before you continue",
    re.I,
)
_NEEDS_JS = re.compile(r"(?:enable|activate|turn on|requires?|need) (?:your )?javascript|javascript (?:is )?(?:required|disabled|must be enabled)", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class PageSignals:
    """What a wall detector needs from the raw page, gathered before main-content extraction."""

    title: str
    h1: str
    visible_words: int
    script_bytes: int
    has_password: bool
    empty_app_root: bool
    noscript: str
    visible_text: str
    consent_words: int = 0  # visible words inside cookie/consent containers (by id or class)
    links: int = 0


def page_signals(tree) -> PageSignals:
    """Collect :class:`PageSignals` from a parsed lxml HTML tree (not modified)."""
    title = " ".join(tree.xpath("string(//title)").split())[:300]
    h1 = " ".join(tree.xpath("string((//h1)[1])").split())[:300]
    texts = tree.xpath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]")
    visible = " ".join(" ".join(texts).split())
    script_bytes = sum(len(s.text or "") + (2000 if s.get("src") else 0) for s in tree.iter("script"))
    roots = tree.xpath("//body//div[@id='root' or @id='app' or @id='__next' or @id='__nuxt' or @id='___gatsby' or @id='app-root' or @ng-app or @data-reactroot]")
    empty_root = any(not " ".join(r.itertext()).strip() for r in roots)
    noscript = " ".join(" ".join(n.itertext()) for n in tree.iter("noscript"))[:2000]
    return PageSignals(
        title=title,
        h1=h1,
        visible_words=len(visible.split()),
        script_bytes=script_bytes,
        has_password=bool(tree.xpath("//input[translate(@type,'PASSWORD','password')='password']")),
        empty_app_root=empty_root,
        noscript=noscript,
        visible_text=visible[:20000],
        consent_words=_consent_words(tree),
        links=len(tree.xpath("//body//a[@href]")),
    )


_CONSENT_BOX = re.compile(r"cookie|consent|gdpr|\bcmp|onetrust|didomi|truste|usercentrics|quantcast|cookiebot", re.I)


def _consent_words(tree) -> int:
    """Words inside the outermost elements whose id or class names a consent dialog."""
    total = 0
    stack = list(tree)
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in ("head", "script", "style", "noscript", "template"):
            continue
        if el.tag != "body" and _CONSENT_BOX.search(f"{el.get('id', '')} {el.get('class', '')}"):
            total += len(" ".join(el.itertext()).split())
            continue
        stack.extend(el)
    return total


def page_flags(signals: PageSignals, main_text: str) -> tuple[str, ...]:
    """Flags for a page that is not a document: ``js_shell``, ``block_page``, ``error_page``,
    ``login_wall`` or ``cookie_wall``.

    Every rule requires the page to be short (its main text under a few hundred words), so a
    long policy with a cookie banner, a sign-in link or "404" in a table is never flagged.
    """
    main_words = len(main_text.split())
    if main_words >= _SHORT_WORDS:
        return ()
    text = main_text if main_words >= 20 else signals.visible_text
    head = f"{signals.title} {signals.h1}"
    flags: list[str] = []
    # A link-only landing page is short too: only an app mount point, a "needs JavaScript"
    # notice or heavy scripts around (almost) no text make a shell.
    if (signals.visible_words < 60 and (signals.empty_app_root or _NEEDS_JS.search(f"{signals.noscript} {signals.visible_text}"))
            or signals.visible_words < 20 and signals.script_bytes > 20_000 and signals.links < 3):
        flags.append("js_shell")
    if _BLOCK.search(head) or _BLOCK_TITLE.search(head) or (signals.visible_words < 300 and _BLOCK.search(signals.visible_text[:3000])):
        flags.append("block_page")
    elif _ERROR.search(head) or (signals.visible_words < 300 and _PAGE_ERROR.search(signals.visible_text[:3000])):
        flags.append("error_page")
    if signals.has_password and (_LOGIN.search(head) or main_words < 30 and signals.links < 5):
        flags.append("login_wall")
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    consent = sum(1 for s in sentences if _CONSENT.search(s))
    # A wall is the consent dialog and (almost) nothing else. A short cookie notice with a
    # banner is a document: its words outside the banner are its content.
    outside = signals.visible_words - signals.consent_words
    dialog_only = outside < 40 if signals.consent_words else main_words < 120
    if (dialog_only and sentences and consent >= 2 and consent / len(sentences) >= 0.4
            and _CONSENT_ACTION.search(signals.visible_text)):
        flags.append("cookie_wall")
    return tuple(flags)
