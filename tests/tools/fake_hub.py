#!/usr/bin/env python3
"""fake_hub.py: a loopback fake of the Hugging Face Hub and ModelScope, for Pagoda's C++/Qt tests.

Standard library only (Python 3.11). Shapes follow the project's research notes on the hub
APIs (hub-apis.md: section 5 is the contract; 1.2-1.6 and 2.3-2.8 give the real shapes).

HOW TESTS RUN IT

    python3 fake_hub.py --repos DIR [--token TOK]... [--page-size 2] [--tree-page-size 3]
                        [--sign-ttl 60] [--verbose] [--ignore-stdin]

It binds two HTTP/1.1 servers on 127.0.0.1 with OS-chosen ports, the "hub" (HF and MS APIs on the
same port; their paths do not collide) and the "cdn" (signed downloads), then prints exactly one line
to stdout:

    READY hub=<port> cdn=<port>

It serves until SIGTERM/SIGINT, or until stdin reaches EOF (so it dies with the test process that
holds the pipe; --ignore-stdin turns that off for manual runs). Logs go to stderr (quiet unless
--verbose).

REPOS

DIR/<owner>/<name>/<files...> (subfolders allowed), rescanned on every request; hashes are cached by
(path, mtime, size). The same repos are served by both fakes. Optional DIR/<owner>/<name>/.fakehub.json:
  gated: false|"auto"|"manual"   private: bool   downloads, likes, trendingScore: int
  license: str   tags: [str]     pipeline_tag, library_name, chinese_name, description: str
  created, modified: unix seconds (default: file mtimes)
  approved_tokens: [tok]   (gated only: a valid token NOT listed gets 403 GatedRepo)
  extra_files: [{"path": str, "size": int}]  listing-only entries (sha256 = 64 zeros), downloads 404
  renamed_from: "OLDOWNER/OLDNAME"  (HF: the old id answers 307 to the same path with the new id)
  base_model: "OWNER/NAME"  HF cardData.base_model and the tag "base_model:quantized:OWNER/NAME" (as
                            GGUF repos carry them); MS BaseModel
  listing_lies: {"<path>": {"size": int, "sha256": str}}  the listings (HF tree/siblings, MS files) give
                            these instead of the truth; downloads serve the real bytes (a hub that lies)
A repo with .gguf files and no .safetensors is a GGUF repo, tagged as the real ones are: "gguf" and no
"transformers"/"safetensors", library_name "gguf", MS Libraries ["gguf"].
A file is LFS iff it ends in .safetensors/.bin/.gguf/.pth/.onnx/.pt or is >= 1 MiB. The repo commit is
sha1 over the sorted (path, sha256) list; HF oids are git blob sha1s. Repo ids match case-insensitively
on both hubs (the canonical id is returned). Private repos are hidden from searches without a valid token.
extra_files show up in HF tree (root listings), HF siblings and MS repo/files (root listings).
HF revisions: "main" or the commit sha. MS revisions: "master" or the commit sha (else 404).

CONTROL API (hub port; these requests are not recorded in the log)
  POST /__control/faults   body: a fault object or a list of them, appended to the queue -> {"ok":true,"queued":n}
      {"kind": K, "path": "<substring of the repo file path>" | "@<substring of the URL path>",
       "count": 1 (<= 0: until reset), "repo": "<optional substring of the repo id>",
       "server": "hub"|"cdn" (optional), ...kind parameters}
      K = status {status, retry_after}        answer instead of serving (HF /resolve, MS /repo?FilePath=,
                                               or any URL with the "@" form)
          drop {after_bytes}                  full Content-Length, then N bytes (default half), then close
          range200                            ignore Range, answer 200 with the whole file
          corrupt {offset}                    xor 0xFF one byte (default size//2)
          stall {after_bytes, seconds}        send N bytes (default 0), wait (default 30 s), close
          trickle {bytes_per_second}          pace the body
          gate {step_bytes}                   send the body step_bytes (default 4096) at a time, each
                                              piece only once the test releases it (POST
                                              /__control/release): the test is the transfer's clock
          ms_envelope_error                   HTTP 200 + {"Code":10010205,"Success":false,...} on MS API
      "path" without "@" is a substring of the repo file path ("" matches every file); with "@" it is a
      substring of the request's URL path (raw or percent-decoded, query excluded), on either server.
      Body faults (drop/range200/corrupt/stall/trickle/gate) act where bytes are served: CDN, HF
      resolve-cache, MS direct 200. They never fire on HEAD; range200 fires only on requests with Range.
      Several kinds can hit one response (e.g. corrupt + trickle). Each fault fires on the first
      "count" matching requests, then expires; "status" faults fire on HEAD too.
  GET  /__control/faults   the faults still queued
  POST /__control/release  {"pieces": n} (default 1): n more pieces may pass the gates -> {"ok":true}
  POST /__control/reset    clear faults and the log (and wake up stalled and gated connections)
  GET  /__control/log      every request on either port, in arrival order:
      [{"server":"hub"|"cdn","method":"GET","path":"<raw path with query>","headers":{"<lower-case>":"v"},
        "status":200,"range":"bytes=0-"|null,"bytes_sent":<body bytes written>}]
      (status/bytes_sent update live; status is null until the response line is sent)
  POST /__control/config   {"sign_ttl": n, "page_size": n, "tree_page_size": n} (any subset) -> current config

IMITATED: HF search with Link cursor paging, model info (siblings/blobs, safetensors parameter counts
from the headers, config summary), tree with Link paging and xetHash, resolve with relative 307
(regular files, via /api/resolve-cache) and absolute 302 to the signed CDN (LFS) with X-Linked-*/
X-Xet-Hash/Link xet-auth headers, X-Error-Code errors (RepoNotFound 401/404, GatedRepo 401/403,
RevisionNotFound, EntryNotFound with X-Repo-Commit, bad-token 401), whoami-v2, renames, gzip+chunked
text files, Range/206/416. ModelScope PascalCase legacy API (dolphin search, info, revisions, files,
repo download with 302 to the CDN or direct 200), snake_case OpenAPI search, both error envelopes,
Bearer and m_session_id cookie auth, POST /api/v1/login. CDN: signature/expiry check (403), 400 when
Authorization or Cookie is sent, ETag that is not the sha256.
NOT IMITATED: other revisions than main/master/the commit (refs/pr, tags), paths-info, xet-read-token
and the Xet protocol, datasets/spaces, expand=true in the tree, README card parsing, real rate limits,
HTTP/2, TLS, per-file MS Revision (it is the repo commit here).
"""

import argparse
import base64
import gzip
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode

LFS_EXTS = (".safetensors", ".bin", ".gguf", ".pth", ".onnx", ".pt")
GZIP_EXTS = (".json", ".txt", ".jinja")
LFS_MIN_SIZE = 1 << 20
ZERO_SHA256 = "0" * 64
ZERO_SHA1 = "0" * 40
JSON_CT = "application/json; charset=utf-8"
HF_SORTS = {"downloads": "downloads", "likes": "likes", "lastModified": "modified",
            "createdAt": "created", "trendingScore": "trending"}
HF_EXPAND = {"author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
             "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
             "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
             "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings",
             "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage", "widgetData",
             "xetEnabled"}
FAULT_KINDS = {"status", "drop", "range200", "corrupt", "stall", "trickle", "gate", "ms_envelope_error"}
BODY_FAULTS = {"drop", "range200", "corrupt", "stall", "trickle", "gate"}


class BadRequest(Exception):
    pass


def is_lfs(path, size):
    return path.lower().endswith(LFS_EXTS) or size >= LFS_MIN_SIZE


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000Z"


def truthy(v):
    return v is not None and v.lower() in ("true", "1")


def same(a, b):
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


def git_blob_sha1(data):
    return hashlib.sha1(b"blob " + str(len(data)).encode() + b"\0" + data).hexdigest()


def encode_cursor(offset):
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_cursor(c):
    try:
        c = c.strip().replace("-", "+").replace("_", "/")
        off = json.loads(base64.b64decode(c + "=" * (-len(c) % 4)))["offset"]
        if not isinstance(off, int) or off < 0:
            raise ValueError
        return off
    except Exception:
        raise BadRequest("invalid cursor")


def parse_range(header, size):
    """None = serve everything, "unsat" = 416, else (start, end inclusive)."""
    if not header:
        return None
    h = header.strip()
    if not h.lower().startswith("bytes="):
        return None
    spec = h[6:].replace(" ", "")
    m = re.fullmatch(r"(\d*)-(\d*)", spec)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None  # multi-range or garbage: ignored, as RFC 9110 allows
    a, b = m.groups()
    if a == "":
        n = int(b)
        if n == 0 or size == 0:
            return "unsat"
        return (max(0, size - n), size - 1)
    start = int(a)
    if start >= size:
        return "unsat"
    end = size - 1 if b == "" else int(b)
    if end < start:
        return None
    return (start, min(end, size - 1))


# ----------------------------------------------------------------------------------------------
# Repo model
# ----------------------------------------------------------------------------------------------

class FileInfo:
    __slots__ = ("path", "size", "abspath", "data", "sha256", "sha1", "md5", "lfs", "mtime")

    def __init__(self, path, size, abspath=None, data=None, sha256="", sha1="", md5="", mtime=0.0):
        self.path, self.size, self.abspath, self.data = path, size, abspath, data
        self.sha256, self.sha1, self.md5, self.mtime = sha256, sha1, md5, mtime
        self.lfs = is_lfs(path, size)

    @classmethod
    def from_bytes(cls, path, data, mtime):
        return cls(path, len(data), data=data, sha256=hashlib.sha256(data).hexdigest(),
                   sha1=git_blob_sha1(data), md5=hashlib.md5(data).hexdigest(), mtime=mtime)

    def iter_bytes(self, start, end, corrupt_at=None):
        """Yields the bytes [start, end] (inclusive), with one byte flipped at corrupt_at."""
        pos = start
        f = None if self.data is not None else open(self.abspath, "rb")
        try:
            if f:
                f.seek(start)
            while pos <= end:
                n = min(65536, end - pos + 1)
                block = self.data[pos:pos + n] if f is None else f.read(n)
                if not block:
                    break
                if corrupt_at is not None and pos <= corrupt_at < pos + len(block):
                    b = bytearray(block)
                    b[corrupt_at - pos] ^= 0xFF
                    block = bytes(b)
                yield block
                pos += len(block)
        finally:
            if f:
                f.close()

    def read_all(self, corrupt_at=None):
        return b"".join(self.iter_bytes(0, self.size - 1, corrupt_at)) if self.size else b""


class Repo:
    def __init__(self, owner, name, root, files, meta, dir_mtime):
        self.owner, self.name, self.root, self.meta = owner, name, root, meta
        self.id = owner + "/" + name
        self.files = dict(sorted(files.items()))
        m = meta
        g = m.get("gated", False)
        self.gated = g if g in ("auto", "manual") else False
        self.private = bool(m.get("private", False))
        self.downloads = int(m.get("downloads", 0) or 0)
        self.likes = int(m.get("likes", 0) or 0)
        self.trending = int(m.get("trendingScore", self.likes) or 0)
        self.license = str(m.get("license", "apache-2.0"))
        self.pipeline_tag = str(m.get("pipeline_tag", "text-generation"))
        names = [p.lower() for p in files]
        self.gguf_only = any(p.endswith(".gguf") for p in names) and not any(p.endswith(".safetensors") for p in names)
        self.library_name = str(m.get("library_name", "gguf" if self.gguf_only else "transformers"))
        self.base_model = m.get("base_model") if isinstance(m.get("base_model"), str) else None
        self.lies = {k: v for k, v in (m.get("listing_lies") or {}).items() if isinstance(v, dict)}
        self.approved = m.get("approved_tokens")
        mt = [f.mtime for f in self.files.values()] or [dir_mtime]
        self.created = float(m.get("created", min(mt + [dir_mtime])))
        self.modified = float(m.get("modified", max(mt)))
        base = (["gguf"] if self.gguf_only else ["transformers", "safetensors"]) + \
            ["text-generation", "conversational", "license:" + self.license]
        if self.base_model:
            base.append("base_model:quantized:" + self.base_model)
        self.tags = list(dict.fromkeys(base + [str(t) for t in m.get("tags", []) or []]))
        self.extra = []
        for e in m.get("extra_files", []) or []:
            if isinstance(e, dict) and isinstance(e.get("path"), str):
                self.extra.append((e["path"], int(e.get("size", 0) or 0)))
        h = hashlib.sha1()
        for p, f in self.files.items():
            h.update(p.encode("utf-8", "surrogateescape") + b"\0" + f.sha256.encode() + b"\n")
        self.commit = h.hexdigest()
        self.oid24 = hashlib.sha1(self.id.encode()).hexdigest()[:24]
        self.ms_id = zlib.crc32(self.id.lower().encode()) & 0x7FFFFFFF
        self.dirs = set()
        for p in self.files:
            parts = p.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                self.dirs.add("/".join(parts[:i]))
        self.config_json = None
        cfg = self.files.get("config.json")
        if cfg is not None:
            try:
                self.config_json = json.loads(cfg.read_all())
                if not isinstance(self.config_json, dict):
                    self.config_json = None
            except Exception:
                self.config_json = None

    # --- derived views ---
    def architectures(self):
        a = (self.config_json or {}).get("architectures")
        return a if isinstance(a, list) else []

    def model_type(self):
        return (self.config_json or {}).get("model_type")

    def listed(self, path, size, sha256):
        """What the listings say about a file: the truth, or the lie .fakehub.json asks for."""
        lie = self.lies.get(path, {})
        return int(lie.get("size", size)), str(lie.get("sha256", sha256))

    def libraries(self):
        if self.gguf_only:
            return ["gguf"]
        libs = ["transformers"]
        if any(p.endswith(".safetensors") for p in self.files):
            libs.append("safetensors")
        if any(p.endswith(".gguf") for p in self.files):
            libs.append("gguf")
        return libs

    def used_storage(self):
        return sum(f.size for f in self.files.values())

    def ms_files(self):
        """MS view: the real files plus a generated .gitattributes when the repo has none."""
        files = dict(self.files)
        if ".gitattributes" not in files:
            lines = ["*%s filter=lfs diff=lfs merge=lfs -text" % e for e in LFS_EXTS]
            lines += [quote(p, safe="/") + " filter=lfs diff=lfs merge=lfs -text"
                      for p, f in self.files.items() if f.lfs and not p.lower().endswith(LFS_EXTS)]
            files[".gitattributes"] = FileInfo.from_bytes(".gitattributes", ("\n".join(lines) + "\n").encode(),
                                                          self.modified)
        return dict(sorted(files.items()))

    def safetensors(self, store):
        params = {}
        for p, f in self.files.items():
            if p.endswith(".safetensors") and f.abspath:
                for dt, n in store.st_params(f).items():
                    params[dt] = params.get(dt, 0) + n
        if not params:
            return None
        return {"parameters": params, "total": sum(params.values())}

    def rev_ok(self, rev, branch="main"):
        return rev == branch or rev == self.commit


class RepoStore:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.lock = threading.Lock()
        self.hash_cache = {}  # abspath -> (mtime_ns, size, sha256, sha1, md5)
        self.st_cache = {}    # abspath -> (mtime_ns, size, params)

    def _hash(self, abspath, st):
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            c = self.hash_cache.get(abspath)
        if c and c[:2] == key:
            return c[2:]
        s256, s1, m5 = hashlib.sha256(), hashlib.sha1(), hashlib.md5()
        s1.update(b"blob " + str(st.st_size).encode() + b"\0")
        with open(abspath, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                s256.update(block)
                s1.update(block)
                m5.update(block)
        v = (s256.hexdigest(), s1.hexdigest(), m5.hexdigest())
        with self.lock:
            self.hash_cache[abspath] = key + v
        return v

    def st_params(self, f):
        st = os.stat(f.abspath)
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            c = self.st_cache.get(f.abspath)
        if c and c[:2] == key:
            return c[2]
        params = {}
        try:
            with open(f.abspath, "rb") as fh:
                n = int.from_bytes(fh.read(8), "little")
                if 2 <= n <= min(100 << 20, st.st_size - 8):
                    header = json.loads(fh.read(n))
                    for k, v in header.items():
                        if k == "__metadata__" or not isinstance(v, dict):
                            continue
                        count = 1
                        for d in v.get("shape", []):
                            count *= int(d)
                        dt = str(v.get("dtype", "?"))
                        params[dt] = params.get(dt, 0) + count
        except Exception as e:
            log("safetensors header of %s unreadable: %s" % (f.abspath, e))
            params = {}
        with self.lock:
            self.st_cache[f.abspath] = key + (params,)
        return params

    def scan(self):
        repos = {}
        try:
            owners = sorted(os.listdir(self.root))
        except OSError:
            return repos
        for owner in owners:
            odir = os.path.join(self.root, owner)
            if owner.startswith(".") or not os.path.isdir(odir):
                continue
            for name in sorted(os.listdir(odir)):
                rdir = os.path.join(odir, name)
                if name.startswith(".") or not os.path.isdir(rdir):
                    continue
                try:
                    repos[owner + "/" + name] = self._load(owner, name, rdir)
                except Exception as e:
                    log("cannot load repo %s/%s: %s" % (owner, name, e))
        return repos

    def _load(self, owner, name, rdir):
        meta = {}
        mpath = os.path.join(rdir, ".fakehub.json")
        if os.path.isfile(mpath):
            try:
                with open(mpath, "rb") as f:
                    meta = json.load(f)
                if not isinstance(meta, dict):
                    meta = {}
            except Exception as e:
                log("bad %s: %s" % (mpath, e))
        files = {}
        for dirpath, dirnames, filenames in os.walk(rdir):
            dirnames[:] = sorted(d for d in dirnames if d != ".git")
            for fn in filenames:
                ap = os.path.join(dirpath, fn)
                rel = os.path.relpath(ap, rdir).replace(os.sep, "/")
                if rel == ".fakehub.json" or not os.path.isfile(ap):
                    continue
                st = os.stat(ap)
                s256, s1, m5 = self._hash(ap, st)
                files[rel] = FileInfo(rel, st.st_size, abspath=ap, sha256=s256, sha1=s1, md5=m5,
                                      mtime=st.st_mtime)
        return Repo(owner, name, rdir, files, meta, os.stat(rdir).st_mtime)


# ----------------------------------------------------------------------------------------------
# Fault registry and request log
# ----------------------------------------------------------------------------------------------

class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.cancel = threading.Event()  # set on reset: wakes up stalled connections
        self.released = threading.Condition()  # guards `pieces`, the gates' allowance
        self.pieces = 0

    @staticmethod
    def validate(f):
        if not isinstance(f, dict) or f.get("kind") not in FAULT_KINDS:
            raise BadRequest("each fault needs a kind in %s" % sorted(FAULT_KINDS))
        f = dict(f)
        f.setdefault("path", "")
        f.setdefault("count", 1)
        ints = {"count": None, "status": 100, "retry_after": 0, "after_bytes": 0, "offset": 0,
                "bytes_per_second": 1, "step_bytes": 1}
        for k, lo in ints.items():
            if k in f and (not isinstance(f[k], int) or isinstance(f[k], bool) or (lo is not None and f[k] < lo)):
                raise BadRequest("fault field %s must be an integer%s" % (k, "" if lo is None else " >= %d" % lo))
        if "seconds" in f and (not isinstance(f["seconds"], (int, float)) or f["seconds"] < 0):
            raise BadRequest("fault field seconds must be a number >= 0")
        for k in ("path", "repo"):
            if k in f and not isinstance(f[k], str):
                raise BadRequest("fault field %s must be a string" % k)
        if f.get("server") not in (None, "hub", "cdn"):
            raise BadRequest("fault field server must be hub or cdn")
        if f["kind"] == "status":
            f.setdefault("status", 503)
            if f["status"] > 599:
                raise BadRequest("status must be an HTTP status")
        return f

    def add(self, faults):
        faults = [self.validate(f) for f in faults]
        with self.lock:
            self.items.extend(faults)
        return len(faults)

    def reset(self):
        with self.lock:
            self.items = []
            self.cancel.set()
            self.cancel = threading.Event()
        with self.released:
            self.pieces = 0
            self.released.notify_all()

    def release(self, pieces):
        with self.released:
            self.pieces += pieces
            self.released.notify_all()

    def pass_gate(self):
        """Waits until the test releases a piece; False when a reset came first."""
        cancel = self.cancel
        with self.released:
            while self.pieces == 0:
                if cancel.is_set():
                    return False
                self.released.wait(0.1)
            self.pieces -= 1
            return True

    def snapshot(self):
        with self.lock:
            return [dict(f) for f in self.items]

    def take(self, kinds, server, file_path=None, url_paths=(), repo_id=None, has_range=True):
        """Consumes and returns {kind: fault} for the first matching fault of each kind."""
        got = {}
        with self.lock:
            for f in list(self.items):
                k = f["kind"]
                if k not in kinds or k in got:
                    continue
                if f.get("server") and f["server"] != server:
                    continue
                if k == "range200" and not has_range:
                    continue
                if f.get("repo") and (repo_id is None or f["repo"].lower() not in repo_id.lower()):
                    continue
                p = f["path"]
                if p.startswith("@"):
                    if not any(p[1:] in u for u in url_paths):
                        continue
                elif file_path is None or p not in file_path:
                    continue
                got[k] = f
                if f["count"] > 0:
                    f["count"] -= 1
                    if f["count"] == 0:
                        self.items.remove(f)
        return got


class RequestLog:
    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []

    def start(self, entry):
        with self.lock:
            self.entries.append(entry)
        return entry

    def update(self, entry, **kw):
        with self.lock:
            entry.update(kw)

    def dump(self):
        with self.lock:
            return json.dumps(self.entries).encode()

    def reset(self):
        with self.lock:
            self.entries = []


class State:
    def __init__(self, args):
        self.store = RepoStore(args.repos)
        self.tokens = set(args.token or [])
        self.page_size = args.page_size
        self.tree_page_size = args.tree_page_size
        self.sign_ttl = args.sign_ttl
        self.verbose = args.verbose
        self.secret = os.urandom(16)
        self.faults = Faults()
        self.log = RequestLog()
        self.hub_port = 0
        self.cdn_port = 0

    def sign(self, *parts):
        return hmac.new(self.secret, "\n".join(map(str, parts)).encode("utf-8", "surrogateescape"),
                        hashlib.sha256).hexdigest()


STATE = None


def log(msg):
    sys.stderr.write("fake_hub: %s\n" % msg)
    sys.stderr.flush()


# ----------------------------------------------------------------------------------------------
# Common HTTP plumbing
# ----------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"
    error_message_format = '{"error": "%(code)d %(message)s"}'
    error_content_type = JSON_CT
    role = "hub"
    # Defaults for send_error() calls that happen before _run() (malformed request lines).
    _entry, _status, _sent, _headers_sent, _head = None, None, 0, False, False

    def log_message(self, fmt, *args):
        if STATE.verbose:
            sys.stderr.write("fake_hub[%s]: %s\n" % (self.role, fmt % args))

    def do_GET(self): self._run("GET")
    def do_HEAD(self): self._run("HEAD")
    def do_POST(self): self._run("POST")
    def do_PUT(self): self._run("PUT")
    def do_DELETE(self): self._run("DELETE")
    def do_PATCH(self): self._run("PATCH")
    def do_OPTIONS(self): self._run("OPTIONS")

    def send_response(self, code, message=None):
        self._status = code
        if self._entry is not None:
            STATE.log.update(self._entry, status=code)
        super().send_response(code, message)

    def _count(self, n):
        self._sent += n
        if self._entry is not None:
            STATE.log.update(self._entry, bytes_sent=self._sent)

    def end_headers(self):
        self._headers_sent = True
        super().end_headers()

    def _run(self, method):
        self.method = method
        self._head = method == "HEAD"
        self._headers_sent = False
        self._status = None
        self._sent = 0
        self._pace_t0 = self._pace_base = None
        self.raw_path, _, self.raw_query = self.path.partition("?")
        self.url_path = unquote(self.raw_path, errors="replace")
        self.segs = [unquote(s, errors="surrogateescape") for s in self.raw_path.split("/")[1:]]
        while self.segs and self.segs[-1] == "":
            self.segs.pop()
        self._entry = entry = None
        if not (self.role == "hub" and self.raw_path.startswith("/__control/")):
            hdrs = {}
            for k, v in self.headers.items():
                k = k.lower()
                hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
            self._entry = entry = STATE.log.start({
                "server": self.role, "method": method, "path": self.path, "headers": hdrs, "status": None,
                "range": self.headers.get("Range"), "bytes_sent": 0})
        try:
            self.query = parse_qs(self.raw_query, keep_blank_values=True)
            self.body = self._read_body()
            self.route()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            self.close_connection = True
        except BadRequest as e:
            self._fail(400, str(e))
        except Exception:
            log("exception while handling %s %s:\n%s" % (method, self.path, traceback.format_exc()))
            self._fail(500, "internal error in fake hub")
        finally:
            if entry is not None:
                STATE.log.update(entry, status=self._status, bytes_sent=self._sent)

    def _fail(self, status, msg):
        if self._headers_sent:
            self.close_connection = True
            return
        try:
            if self.role == "hub" and self.raw_path.startswith(("/api/v1/", "/openapi/")):
                self.send_json(status, {"Code": status, "Success": False, "Message": msg,
                                        "RequestId": uuid.uuid4().hex})
            else:
                self.send_json(status, {"error": msg})
        except OSError:
            self.close_connection = True

    def _read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            out = b""
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    self.close_connection = True
                    raise BadRequest("bad chunked request body")
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline(8)
                if len(out) > (16 << 20):
                    self.close_connection = True
                    raise BadRequest("request body too large")
        cl = self.headers.get("Content-Length")
        if not cl:
            return b""
        try:
            n = int(cl)
        except ValueError:
            self.close_connection = True
            raise BadRequest("bad Content-Length")
        if n < 0 or n > (16 << 20):
            self.close_connection = True
            raise BadRequest("request body too large")
        return self.rfile.read(n)

    # --- responses ---
    def respond(self, status, body=b"", ctype="text/plain; charset=utf-8", headers=()):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body and not self._head:
            self.wfile.write(body)
            self._count(len(body))

    def send_json(self, status, obj, headers=()):
        self.respond(status, json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogateescape"),
                     JSON_CT, headers)

    def q(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default

    def qint(self, name, default, lo=0, hi=10 ** 9):
        v = self.q(name)
        if v is None or v == "":
            return default
        try:
            n = int(v)
        except ValueError:
            raise BadRequest("%s must be an integer" % name)
        if n < lo or n > hi:
            raise BadRequest("%s out of range" % name)
        return n

    def accepts_gzip(self):
        for tok in self.headers.get("Accept-Encoding", "").split(","):
            parts = [p.strip() for p in tok.split(";")]
            if parts[0].lower() == "gzip":
                q = [p for p in parts[1:] if p.startswith("q=")]
                try:
                    return not q or float(q[0][2:]) > 0
                except ValueError:
                    return True
        return False

    def abort_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def url_paths(self):
        return (self.raw_path, self.url_path)

    def status_fault(self, faults, ms=False):
        f = faults.get("status")
        if not f:
            return False
        st = f["status"]
        headers = []
        if "retry_after" in f:
            headers.append(("Retry-After", str(f["retry_after"])))
            if st == 429:
                headers.append(("RateLimit", '"api";r=0;t=%d' % f["retry_after"]))
                headers.append(("RateLimit-Policy", '"fixed window";"api";q=500;w=300'))
        if ms:
            self.send_json(st, {"Code": st, "Success": False, "Message": "injected fault",
                                "RequestId": uuid.uuid4().hex}, headers)
        else:
            self.send_json(st, {"error": "injected fault %d" % st}, headers)
        return True

    # --- byte serving with Range, gzip and body faults ---
    def serve_file(self, fi, repo, etag, headers=(), allow_gzip=False, ctype="application/octet-stream"):
        has_range = bool(self.headers.get("Range"))
        faults = {} if self._head else STATE.faults.take(
            BODY_FAULTS, self.role, file_path=fi.path, url_paths=self.url_paths(), repo_id=repo.id,
            has_range=has_range)
        corrupt_at = None
        if "corrupt" in faults and fi.size:
            corrupt_at = min(max(0, faults["corrupt"].get("offset", fi.size // 2)), fi.size - 1)
        base = [("ETag", etag), ("Accept-Ranges", "bytes")] + list(headers)
        if allow_gzip and fi.path.lower().endswith(GZIP_EXTS) and self.accepts_gzip():
            comp = gzip.compress(fi.read_all(corrupt_at), mtime=0)
            wire = b"".join(b"%x\r\n%s\r\n" % (len(comp[i:i + 1024]), comp[i:i + 1024])
                            for i in range(0, len(comp), 1024)) + b"0\r\n\r\n"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            for k, v in base + [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"),
                                ("Vary", "Accept-Encoding")]:
                self.send_header(k, v)
            self.end_headers()
            if not self._head:
                self.write_body(iter([wire]), len(wire), faults)
            return
        rng = None if "range200" in faults else parse_range(self.headers.get("Range"), fi.size)
        if rng == "unsat":
            self.respond(416, b"", None, base + [("Content-Range", "bytes */%d" % fi.size)])
            return
        start, end = rng if rng else (0, fi.size - 1)
        total = end - start + 1 if fi.size else 0
        self.send_response(206 if rng else 200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(total))
        for k, v in base:
            self.send_header(k, v)
        if rng:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, fi.size))
        self.end_headers()
        if not self._head:
            self.write_body(fi.iter_bytes(start, end, corrupt_at) if total else iter(()), total, faults)

    def write_body(self, chunks, total, faults):
        cut, action = None, None
        if "drop" in faults:
            cut, action = faults["drop"].get("after_bytes", total // 2), "drop"
        if "stall" in faults:
            s = faults["stall"].get("after_bytes", 0)
            if cut is None or s < cut:
                cut, action = s, "stall"
        bps = faults["trickle"].get("bytes_per_second", 1024) if "trickle" in faults else None
        gate = faults["gate"].get("step_bytes", 4096) if "gate" in faults else None
        if gate:
            chunks = self.gated(chunks, gate)
        for chunk in chunks:
            if cut is not None and self._sent + len(chunk) >= cut:
                self.paced_write(chunk[:cut - self._sent], bps)
                break
            self.paced_write(chunk, bps)
        if action == "stall":
            STATE.faults.cancel.wait(faults["stall"].get("seconds", 30))
        if gate and cut is None and self._sent < total:
            action = "gate"  # a reset closed the gate: the body cannot be finished
        if action:
            self.abort_connection()

    @staticmethod
    def gated(chunks, step):
        """The body in pieces of `step` bytes, each once the test has released it."""
        pending = b""
        for chunk in chunks:
            pending += chunk
            while len(pending) >= step:
                if not STATE.faults.pass_gate():
                    return
                yield pending[:step]
                pending = pending[step:]
        if pending and STATE.faults.pass_gate():
            yield pending

    def paced_write(self, data, bps):
        if not bps:
            self.wfile.write(data)
            self._count(len(data))
            return
        if self._pace_t0 is None:
            self._pace_t0, self._pace_base = time.monotonic(), self._sent
        step = max(1, bps // 20)
        for i in range(0, len(data), step):
            piece = data[i:i + step]
            self.wfile.write(piece)
            self._count(len(piece))
            delay = self._pace_t0 + (self._sent - self._pace_base) / bps - time.monotonic()
            if delay > 0:
                time.sleep(delay)


# ----------------------------------------------------------------------------------------------
# Hub server: HF API, HF resolve, MS API, control
# ----------------------------------------------------------------------------------------------

class HubHandler(Handler):
    role = "hub"

    def route(self):
        s = self.segs
        if s[:1] == ["__control"]:
            return self.control()
        is_ms = self.raw_path.startswith(("/api/v1/", "/openapi/"))
        faults = STATE.faults.take({"status", "ms_envelope_error"} if is_ms else {"status"}, "hub",
                                   url_paths=self.url_paths())
        if self.status_fault(faults, ms=is_ms):
            return
        if "ms_envelope_error" in faults:
            return self.ms_envelope_error()
        if s[:2] == ["api", "v1"] or s[:2] == ["openapi", "v1"]:
            return self.ms_route()
        if self.method not in ("GET", "HEAD"):
            return self.send_json(405, {"error": "method not allowed"})
        # Everything below is Hugging Face.
        if not self.hf_token_check():
            return
        if s == ["api", "models"]:
            return self.hf_search()
        if s == ["api", "whoami-v2"]:
            if not self.hf_token:
                return self.send_json(401, {"error": "Invalid username or password."},
                                      [("X-Error-Message", "Invalid username or password.")])
            return self.send_json(200, {"name": "tester", "type": "user", "fullname": "Test User",
                                        "auth": {"type": "access_token",
                                                 "accessToken": {"displayName": "test", "role": "read"}}})
        if s[:2] == ["api", "models"] and len(s) >= 4:
            return self.hf_model_api(s[2], s[3], s[4:])
        if s[:3] == ["api", "resolve-cache", "models"] and len(s) >= 7:
            return self.hf_resolve_cache(s[3], s[4], s[5], "/".join(s[6:]))
        if len(s) >= 5 and s[2] == "resolve":
            return self.hf_resolve(s[0], s[1], s[3], "/".join(s[4:]))
        self.send_json(404, {"error": "Not Found"}, [("X-Error-Message", "Not Found")])

    # --- control ---
    def control(self):
        s, m = self.segs, self.method
        if s == ["__control", "faults"] and m == "POST":
            try:
                body = json.loads(self.body or b"null")
            except ValueError:
                raise BadRequest("body must be JSON")
            n = STATE.faults.add(body if isinstance(body, list) else [body])
            return self.send_json(200, {"ok": True, "queued": n})
        if s == ["__control", "faults"] and m == "GET":
            return self.send_json(200, STATE.faults.snapshot())
        if s == ["__control", "release"] and m == "POST":
            try:
                body = json.loads(self.body or b"{}")
            except ValueError:
                raise BadRequest("body must be JSON")
            pieces = body.get("pieces", 1) if isinstance(body, dict) else None
            if not isinstance(pieces, int) or isinstance(pieces, bool) or pieces < 1:
                raise BadRequest("pieces must be an integer >= 1")
            STATE.faults.release(pieces)
            return self.send_json(200, {"ok": True})
        if s == ["__control", "reset"] and m == "POST":
            STATE.faults.reset()
            STATE.log.reset()
            return self.send_json(200, {"ok": True})
        if s == ["__control", "log"] and m == "GET":
            return self.respond(200, STATE.log.dump(), JSON_CT)
        if s == ["__control", "config"] and m in ("POST", "GET"):
            if m == "POST":
                try:
                    cfg = json.loads(self.body or b"{}")
                except ValueError:
                    raise BadRequest("body must be JSON")
                if not isinstance(cfg, dict):
                    raise BadRequest("body must be a JSON object")
                for k in ("sign_ttl", "page_size", "tree_page_size"):
                    if k in cfg:
                        v = cfg[k]
                        if not isinstance(v, int) or isinstance(v, bool) or (k != "sign_ttl" and v < 1):
                            raise BadRequest("%s must be an integer" % k)
                        setattr(STATE, k, v)
            return self.send_json(200, {"sign_ttl": STATE.sign_ttl, "page_size": STATE.page_size,
                                        "tree_page_size": STATE.tree_page_size})
        self.send_json(404, {"error": "unknown control endpoint"})

    # --- HF auth helpers ---
    def hf_token_check(self):
        """None/valid token -> True. A present but invalid token -> 401 and False."""
        auth = self.headers.get("Authorization")
        self.hf_token = None
        if auth is None:
            return True
        parts = auth.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "bearer" and parts[1].strip() in STATE.tokens:
            self.hf_token = parts[1].strip()
            return True
        self.send_json(401, {"error": "Invalid credentials in Authorization header"},
                       [("X-Error-Message", "Invalid credentials in Authorization header")])
        return False

    def hf_error(self, status, code, msg, headers=()):
        h = [("X-Error-Message", msg)] + list(headers)
        if code:
            h.insert(0, ("X-Error-Code", code))
        self.send_json(status, {"error": msg}, h)

    def hf_lookup(self, repos, owner, name):
        rid = owner + "/" + name
        if rid in repos:
            return repos[rid]
        low = rid.lower()
        for k, r in repos.items():
            if k.lower() == low:
                return r
        return None

    def hf_repo(self, owner, name, need_files, rename_prefix=None, rename_suffix_segs=0):
        """Returns the accessible repo, or None after sending the error/redirect."""
        repos = STATE.store.scan()
        repo = self.hf_lookup(repos, owner, name)
        if repo is None and rename_prefix is not None:
            for r in repos.values():
                old = r.meta.get("renamed_from")
                if isinstance(old, str) and old.lower() == (owner + "/" + name).lower():
                    if r.private and not self.hf_token:
                        break
                    rest = self.raw_path.split("/")[1 + rename_suffix_segs:]
                    loc = rename_prefix + quote(r.owner) + "/" + quote(r.name) + "/" + "/".join(rest)
                    loc = loc.rstrip("/") + ("?" + self.raw_query if self.raw_query else "")
                    body = ("Temporary Redirect. Redirecting to %s" % loc).encode()
                    self.respond(307, body, "text/plain; charset=utf-8", [("Location", loc)])
                    return None
        if repo is None or (repo.private and not self.hf_token):
            # Without a token, missing and private look alike on purpose (401 both).
            self.hf_error(404 if self.hf_token else 401, "RepoNotFound",
                          "Repository not found" if self.hf_token else "Invalid username or password.")
            return None
        if need_files and repo.gated:
            if not self.hf_token:
                self.hf_error(401, "GatedRepo", "Access to model %s is restricted. You must have access to it "
                              "and be authenticated to access it. Please log in." % repo.id)
                return None
            if isinstance(repo.approved, list) and self.hf_token not in repo.approved:
                self.hf_error(403, "GatedRepo", "Access to model %s is restricted and you are not in the "
                              "authorized list. Visit https://huggingface.co/%s to ask for access."
                              % (repo.id, repo.id))
                return None
        return repo

    # --- HF model views ---
    def hf_item(self, repo, fields, blobs=False):
        d = {"_id": repo.oid24, "id": repo.id}
        getters = {
            "modelId": lambda: repo.id, "author": lambda: repo.owner, "private": lambda: repo.private,
            "gated": lambda: repo.gated, "disabled": lambda: False, "downloads": lambda: repo.downloads,
            "downloadsAllTime": lambda: repo.downloads, "likes": lambda: repo.likes,
            "trendingScore": lambda: repo.trending, "tags": lambda: repo.tags,
            "pipeline_tag": lambda: repo.pipeline_tag, "library_name": lambda: repo.library_name,
            "createdAt": lambda: iso(repo.created), "lastModified": lambda: iso(repo.modified),
            "sha": lambda: repo.commit,
            "cardData": lambda: dict({"license": repo.license},
                                     **({"base_model": repo.base_model} if repo.base_model else {})),
            "siblings": lambda: self.hf_siblings(repo, blobs), "usedStorage": repo.used_storage,
            "spaces": lambda: [], "config": lambda: ({"architectures": repo.architectures(),
                                                      "model_type": repo.model_type(), "tokenizer_config": {}}
                                                     if repo.config_json is not None else None),
            "safetensors": lambda: repo.safetensors(STATE.store),
        }
        for f in fields:
            if f in getters:
                v = getters[f]()
                if v is not None or f not in ("config", "safetensors"):
                    d[f] = v
        return d

    def hf_siblings(self, repo, blobs):
        out = []
        for p, f in repo.files.items():
            s = {"rfilename": p}
            if blobs:
                size, sha256 = repo.listed(p, f.size, f.sha256)
                s.update(size=size, blobId=f.sha1)
                if f.lfs:
                    s["lfs"] = {"sha256": sha256, "size": size, "pointerSize": 134}
            out.append(s)
        for p, size in repo.extra:
            s = {"rfilename": p}
            if blobs:
                s.update(size=size, blobId=ZERO_SHA1)
                if is_lfs(p, size):
                    s["lfs"] = {"sha256": ZERO_SHA256, "size": size, "pointerSize": 134}
            out.append(s)
        return out

    def expand_fields(self):
        exp = self.query.get("expand", []) + self.query.get("expand[]", [])
        for e in exp:
            if e not in HF_EXPAND:
                raise BadRequest('"expand" must be one of %s' % ", ".join(sorted(HF_EXPAND)))
        return exp

    def link_next(self, cursor):
        pairs = [(k, v) for k, v in parse_qsl(self.raw_query, keep_blank_values=True) if k != "cursor"]
        qs = urlencode(pairs, quote_via=quote)
        url = "http://127.0.0.1:%d%s?%s%scursor=%s" % (STATE.hub_port, self.raw_path, qs, "&" if qs else "",
                                                       quote(cursor, safe=""))
        return ("Link", '<%s>; rel="next"' % url)

    def hf_search(self):
        exp = self.expand_fields()
        full, config, card = truthy(self.q("full")), truthy(self.q("config")), truthy(self.q("cardData"))
        if exp and (full or config or card):
            raise BadRequest("expand cannot be combined with full, config or cardData")
        sort = self.q("sort")
        if sort and sort not in HF_SORTS:
            raise BadRequest("invalid sort: %s" % sort)
        limit = self.qint("limit", STATE.page_size, 1, 1000)
        offset = decode_cursor(self.q("cursor")) if self.q("cursor") else 0
        search = (self.q("search") or "").lower()
        author = (self.q("author") or "").lower()
        filters = [f.lower() for f in self.query.get("filter", []) if f]
        ptag = self.q("pipeline_tag")
        items = []
        for r in STATE.store.scan().values():
            if r.private and not self.hf_token:
                continue
            tags = {t.lower() for t in r.tags} | {r.pipeline_tag.lower(), r.library_name.lower()}
            if search and search not in r.id.lower():
                continue
            if author and author != r.owner.lower():
                continue
            if any(f not in tags for f in filters) or (ptag and ptag != r.pipeline_tag):
                continue
            items.append(r)
        items.sort(key=lambda r: r.id)
        if sort:
            items.sort(key=lambda r: getattr(r, HF_SORTS[sort]), reverse=True)  # stable: ties keep id order
        page = items[offset:offset + limit]
        if exp:
            fields = exp
        else:
            fields = ["id", "modelId", "author", "private", "gated", "downloads", "likes", "trendingScore",
                      "tags", "pipeline_tag", "library_name", "createdAt", "lastModified"]
            fields += (["sha", "siblings"] if full else []) + (["config"] if config else []) + \
                      (["cardData"] if card else [])
        body = [self.hf_item(r, fields) for r in page]
        headers = [self.link_next(encode_cursor(offset + limit))] if offset + limit < len(items) else []
        self.send_json(200, body, headers)

    def hf_model_api(self, owner, name, rest):
        if rest and rest[0] == "revision" and len(rest) == 2:
            rev, kind = rest[1], "info"
        elif rest and rest[0] == "tree" and len(rest) >= 2:
            rev, kind = rest[1], "tree"
        elif not rest:
            rev, kind = "main", "info"
        else:
            return self.send_json(404, {"error": "Not Found"})
        repo = self.hf_repo(owner, name, need_files=bool(rest), rename_prefix="/api/models/",
                            rename_suffix_segs=4)
        if repo is None:
            return
        if not repo.rev_ok(rev):
            return self.hf_error(404, "RevisionNotFound", "Invalid rev id: %s" % rev)
        if kind == "tree":
            return self.hf_tree(repo, "/".join(p for p in rest[2:] if p))
        exp = self.expand_fields()
        blobs = truthy(self.q("blobs"))
        if exp and (blobs or truthy(self.q("securityStatus"))):
            raise BadRequest("expand cannot be combined with blobs or securityStatus")
        fields = exp or ["modelId", "author", "sha", "lastModified", "createdAt", "private", "gated", "disabled",
                         "downloads", "likes", "trendingScore", "tags", "pipeline_tag", "library_name", "config",
                         "cardData", "siblings", "spaces", "safetensors", "usedStorage"]
        self.send_json(200, self.hf_item(repo, fields, blobs), [("X-Repo-Commit", repo.commit)])

    def hf_tree(self, repo, path):
        if path and path not in repo.dirs:
            return self.hf_error(404, "EntryNotFound", "Entry not found: %s does not exist" % path,
                                 [("X-Repo-Commit", repo.commit)])
        recursive = truthy(self.q("recursive"))
        prefix = path + "/" if path else ""

        def wanted(p):
            if not p.startswith(prefix) or p == path:
                return False
            return recursive or "/" not in p[len(prefix):]

        entries = []
        for d in sorted(repo.dirs):
            if wanted(d):
                entries.append({"type": "directory", "oid": hashlib.sha1(("tree\0%s\0%s" % (repo.commit, d))
                                                                          .encode()).hexdigest(),
                                "size": 0, "path": d})
        for p, f in repo.files.items():
            if wanted(p):
                size, sha256 = repo.listed(p, f.size, f.sha256)
                entries.append(self.tree_file(p, size, f.sha1, sha256, f.lfs))
        entries.sort(key=lambda e: e["path"])
        if not path:  # listing-only hostile entries appear in root listings
            entries += [self.tree_file(p, s, ZERO_SHA1, ZERO_SHA256, is_lfs(p, s)) for p, s in repo.extra]
        offset = decode_cursor(self.q("cursor")) if self.q("cursor") else 0
        n = STATE.tree_page_size
        headers = [self.link_next(encode_cursor(offset + n))] if offset + n < len(entries) else []
        self.send_json(200, entries[offset:offset + n], headers)

    @staticmethod
    def tree_file(path, size, sha1, sha256, lfs):
        e = {"type": "file", "oid": sha1, "size": size, "path": path}
        if lfs:
            e["lfs"] = {"oid": sha256, "size": size, "pointerSize": 134}
            e["xetHash"] = hashlib.sha256(b"xet:" + sha256.encode()).hexdigest()
        return e

    def hf_resolve(self, owner, name, rev, path):
        if self.status_fault(STATE.faults.take({"status"}, "hub", file_path=path,
                                               repo_id=owner + "/" + name)):
            return
        repo = self.hf_repo(owner, name, need_files=True, rename_prefix="/", rename_suffix_segs=2)
        if repo is None:
            return
        if not repo.rev_ok(rev):
            return self.hf_error(404, "RevisionNotFound", "Invalid rev id: %s" % rev)
        f = repo.files.get(path)
        if f is None:
            return self.hf_error(404, "EntryNotFound", "Entry not found", [("X-Repo-Commit", repo.commit)])
        qpath = quote(path, safe="/")
        if not f.lfs:
            loc = "/api/resolve-cache/models/%s/%s/%s/%s?etag=%%22%s%%22" % (
                quote(repo.owner), quote(repo.name), repo.commit, qpath, f.sha1)
            body = json.dumps({"message": "Temporary Redirect. Redirecting to " + loc}).encode()
            return self.respond(307, body, JSON_CT, [("Location", loc), ("X-Repo-Commit", repo.commit),
                                                     ("ETag", '"%s"' % f.sha1)])
        expires = int(time.time()) + STATE.sign_ttl
        sig = STATE.sign("hf", repo.owner, repo.name, repo.commit, path, expires)
        loc = "http://127.0.0.1:%d/hf/%s/%s/%s/%s?Expires=%d&Signature=%s" % (
            STATE.cdn_port, quote(repo.owner), quote(repo.name), repo.commit, qpath, expires, sig)
        xet = hashlib.sha256(b"xet:" + f.sha256.encode()).hexdigest()
        self.respond(302, ("Found. Redirecting to %s" % loc).encode(), "text/plain; charset=utf-8", [
            ("Location", loc), ("X-Repo-Commit", repo.commit), ("X-Linked-Etag", '"%s"' % f.sha256),
            ("X-Linked-Size", str(f.size)), ("ETag", '"%s"' % f.sha256), ("Accept-Ranges", "bytes"),
            ("X-Xet-Hash", xet),
            ("Link", '<http://127.0.0.1:%d/api/models/%s/xet-read-token/%s>; rel="xet-auth"'
             % (STATE.hub_port, repo.id, repo.commit))])

    def hf_resolve_cache(self, owner, name, commit, path):
        repo = self.hf_repo(owner, name, need_files=True)
        if repo is None:
            return
        if not repo.rev_ok(commit):
            return self.hf_error(404, "RevisionNotFound", "Invalid rev id: %s" % commit)
        f = repo.files.get(path)
        if f is None:
            return self.hf_error(404, "EntryNotFound", "Entry not found", [("X-Repo-Commit", repo.commit)])
        ctype = JSON_CT if path.endswith(".json") else "text/plain; charset=utf-8" \
            if path.endswith((".txt", ".jinja", ".md")) else "application/octet-stream"
        self.serve_file(f, repo, '"%s"' % f.sha1, [("X-Repo-Commit", repo.commit)], allow_gzip=True, ctype=ctype)

    # ------------------------------------------------------------------------------------------
    # ModelScope
    # ------------------------------------------------------------------------------------------
    def ms_token(self):
        auth = self.headers.get("Authorization", "")
        parts = auth.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "bearer" and parts[1].strip() in STATE.tokens:
            return parts[1].strip()
        for c in self.headers.get("Cookie", "").split(";"):
            k, _, v = c.strip().partition("=")
            if k == "m_session_id" and v.strip().strip('"') in STATE.tokens:
                return v.strip().strip('"')
        return None

    def ms_ok(self, data):
        self.send_json(200, {"Code": 200, "Success": True, "Message": "success", "Data": data,
                             "RequestId": uuid.uuid4().hex})

    def ms_error(self, status, msg):
        self.send_json(status, {"Code": status, "Success": False, "Message": msg, "RequestId": uuid.uuid4().hex})

    def ms_envelope_error(self):
        self.send_json(200, {"Code": 10010205, "Success": False, "Message": "model not found or no permission",
                             "Data": None, "RequestId": "x"})

    def ms_route(self):
        s, m = self.segs, self.method
        if s == ["api", "v1", "dolphin", "models"] and m == "PUT":
            return self.ms_dolphin()
        if s == ["openapi", "v1", "models"] and m in ("GET", "HEAD"):
            return self.ms_openapi()
        if s == ["api", "v1", "login"] and m == "POST":
            return self.ms_login()
        if s[:3] == ["api", "v1", "models"] and len(s) >= 5 and m in ("GET", "HEAD"):
            owner, name, rest = s[3], s[4], s[5:]
            repo = self.ms_repo(owner, name)
            if repo is None:
                return
            if not rest:
                return self.ms_info(repo)
            if rest == ["revisions"]:
                return self.ms_ok({"RevisionMap": {"Branches": [{"Revision": "master", "CreatedAt": int(
                    repo.created), "Message": "", "CreatedBy": repo.owner}], "Tags": []}})
            if rest == ["repo", "files"]:
                return self.ms_files(repo)
            if rest == ["repo"]:
                return self.ms_download(repo)
        self.ms_error(404, "Not Found")

    def ms_repo(self, owner, name):
        low = (owner + "/" + name).lower()
        repo = next((r for r in STATE.store.scan().values() if r.id.lower() == low), None)
        if repo is None:
            self.ms_error(404, "model %s/%s does not exist or is not accessible" % (owner, name))
            return None
        if repo.private and not self.ms_token():
            self.ms_error(403, "no permission to access model %s, please login" % repo.id)
            return None
        return repo

    def ms_rev_ok(self, repo):
        rev = self.q("Revision")
        if rev in (None, "") or repo.rev_ok(rev, "master"):
            return True
        self.ms_error(404, "Revision %s of model %s not found" % (rev, repo.id))
        return False

    def ms_visible(self):
        tok = self.ms_token()
        return [r for r in STATE.store.scan().values() if not r.private or tok]

    def ms_sorted(self, repos, key):
        repos = sorted(repos, key=lambda r: r.id)
        if key:
            repos.sort(key=lambda r: getattr(r, key), reverse=True)
        return repos

    def ms_dolphin(self):
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            raise BadRequest("body must be JSON")
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        size, number = body.get("PageSize", STATE.page_size), body.get("PageNumber", 1)
        if not isinstance(size, int) or not isinstance(number, int) or size < 1 or number < 1:
            raise BadRequest("PageSize and PageNumber must be positive integers")
        name = body.get("Name") or ""
        if not isinstance(name, str):
            raise BadRequest("Name must be a string")
        repos = [r for r in self.ms_visible() if name.lower() in r.id.lower()]
        for c in body.get("Criterion") or []:
            if not isinstance(c, dict):
                raise BadRequest("Criterion entries must be objects")
            vals = [str(v).lower() for v in c.get("values") or []]
            cat = c.get("category")
            if not vals:
                continue
            if cat == "organizations":
                repos = [r for r in repos if r.owner.lower() in vals]
            elif cat == "tasks":
                repos = [r for r in repos if r.pipeline_tag.lower() in vals]
            elif cat == "libraries":
                repos = [r for r in repos if set(vals) & set(r.libraries())]
        key = {"DownloadsCount": "downloads", "DownloadCount": "downloads", "StarsCount": "likes",
               "GmtModified": "modified", "GmtCreated": "created"}.get(body.get("SortBy"))
        repos = self.ms_sorted(repos, key)
        page = repos[(number - 1) * size:number * size]
        models = [{"Id": r.ms_id, "Name": r.name, "Path": r.owner, "ChineseName": r.meta.get("chinese_name", ""),
                   "Downloads": r.downloads, "Stars": r.likes, "Libraries": r.libraries(),
                   "Tasks": [{"Name": r.pipeline_tag}], "LastUpdatedTime": int(r.modified),
                   "CreatedTime": int(r.created), "Architectures": r.architectures()} for r in page]
        self.ms_ok({"Model": {"Models": models, "TotalCount": len(repos)}})

    def ms_openapi(self):
        try:
            number = self.qint("page_number", 1, 1)
            size = self.qint("page_size", STATE.page_size, 1, 100)
        except BadRequest as e:
            return self.send_json(400, {"success": False, "code": "InvalidParameter", "message": str(e),
                                        "request_id": uuid.uuid4().hex})
        search = (self.q("search") or "").lower()
        owner = (self.q("owner") or "").lower()
        task, lib = self.q("filter.task"), self.q("filter.library")
        repos = [r for r in self.ms_visible() if search in r.id.lower() and (not owner or r.owner.lower() == owner)
                 and (not task or task == r.pipeline_tag) and (not lib or lib.lower() in r.libraries())]
        key = {"downloads": "downloads", "likes": "likes", "last_modified": "modified"}.get(self.q("sort"))
        repos = self.ms_sorted(repos, key)
        page = repos[(number - 1) * size:number * size]
        ts = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        models = [{"id": r.id, "display_name": r.name, "description": r.meta.get("description", ""),
                   "downloads": r.downloads, "likes": r.likes, "license": r.license, "tasks": [r.pipeline_tag],
                   "tags": r.tags, "created_at": ts(r.created), "last_modified": ts(r.modified),
                   "file_size": r.used_storage(), "params": 0, "private": r.private,
                   "gated": bool(r.gated)} for r in page]
        self.send_json(200, {"success": True, "request_id": uuid.uuid4().hex,
                             "data": {"models": models, "total_count": len(repos), "page_number": number,
                                      "page_size": size}})

    def ms_login(self):
        try:
            tok = json.loads(self.body or b"{}").get("AccessToken")
        except (ValueError, AttributeError):
            raise BadRequest("body must be a JSON object")
        if tok not in STATE.tokens:
            return self.ms_error(401, "invalid access token")
        self.send_json(200, {"Code": 200, "Success": True, "Message": "success", "RequestId": uuid.uuid4().hex,
                             "Data": {"AccessToken": "git-" + tok, "Username": "tester",
                                      "Email": "tester@example.invalid"}},
                       [("Set-Cookie", "m_session_id=%s; Path=/; HttpOnly" % tok)])

    def ms_info(self, repo):
        if not self.ms_rev_ok(repo):
            return
        readme = repo.files.get("README.md")
        self.ms_ok({"Id": repo.ms_id, "Name": repo.name, "Path": repo.owner,
                    "ChineseName": repo.meta.get("chinese_name", ""),
                    "Description": repo.meta.get("description", ""),
                    "License": repo.license, "Downloads": repo.downloads, "Stars": repo.likes,
                    "CreatedTime": int(repo.created), "LastUpdatedTime": int(repo.modified),
                    "Tasks": [{"Name": repo.pipeline_tag}], "Tags": repo.tags, "Libraries": repo.libraries(),
                    "Architectures": repo.architectures(), "ModelType": [repo.model_type() or ""],
                    "BaseModel": repo.base_model or "",
                    "Visibility": 1 if repo.private else 5, "IsPublished": 1, "IsAccessible": 1,
                    "Revision": "master", "Organization": {"Name": repo.owner},
                    "ReadMeContent": readme.read_all().decode("utf-8", "replace") if readme else ""})

    def ms_files(self, repo):
        if not self.ms_rev_ok(repo):
            return
        rec = (self.q("Recursive") or "").lower() in ("true", "1")
        root = (self.q("Root") or "").strip("/")
        prefix = root + "/" if root else ""

        def wanted(p):
            return p.startswith(prefix) and p != root and (rec or "/" not in p[len(prefix):])

        def entry(path, typ, size, sha, lfs):
            return {"Name": path.rsplit("/", 1)[-1], "Path": path, "Size": size, "Sha256": sha, "IsLFS": lfs,
                    "Type": typ, "Revision": repo.commit, "Mode": "33188" if typ == "blob" else "16384",
                    "CommitMessage": "upload files", "CommittedDate": int(repo.modified),
                    "CommitterName": "fake-hub", "InCheck": False}

        files = [entry(d, "tree", 0, "", False) for d in sorted(repo.dirs) if wanted(d)]
        files += [entry(p, "blob", *repo.listed(p, f.size, f.sha256), f.lfs)
                  for p, f in repo.ms_files().items() if wanted(p)]
        files.sort(key=lambda e: e["Path"])
        if not root:
            files += [entry(p, "blob", s, ZERO_SHA256, is_lfs(p, s)) for p, s in repo.extra]
        self.ms_ok({"Files": files})

    def ms_download(self, repo):
        path = self.q("FilePath")
        if not path:
            raise BadRequest("FilePath is required")
        faults = STATE.faults.take({"status", "ms_envelope_error"}, "hub", file_path=path, repo_id=repo.id)
        if self.status_fault(faults, ms=True):
            return
        if "ms_envelope_error" in faults:
            return self.ms_envelope_error()
        if not self.ms_rev_ok(repo):
            return
        f = repo.ms_files().get(path)
        if f is None:
            return self.ms_error(404, "file %s does not exist in model %s" % (path, repo.id))
        if f.lfs:
            expires = int(time.time()) + STATE.sign_ttl
            sig = STATE.sign("ms", repo.owner, repo.name, path, expires)
            loc = "http://127.0.0.1:%d/ms/%s/%s/%s?auth_key=%d-%s" % (
                STATE.cdn_port, quote(repo.owner), quote(repo.name), quote(path, safe="/"), expires, sig)
            return self.respond(302, b"", "text/plain; charset=utf-8", [("Location", loc)])
        self.serve_file(f, repo, '"%s"' % f.md5.upper())


# ----------------------------------------------------------------------------------------------
# CDN server
# ----------------------------------------------------------------------------------------------

class CdnHandler(Handler):
    role = "cdn"

    def xml_error(self, status, code, msg):
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>\n'
                % (code, msg)).encode()
        self.respond(status, body, "application/xml")

    def route(self):
        if self.status_fault(STATE.faults.take({"status"}, "cdn", url_paths=self.url_paths())):
            return
        if self.method not in ("GET", "HEAD"):
            return self.xml_error(405, "MethodNotAllowed", "method not allowed")
        if "Authorization" in self.headers or "Cookie" in self.headers:
            return self.xml_error(400, "InvalidArgument", "only one auth mechanism allowed")
        s = self.segs
        now = time.time()
        if s[:1] == ["hf"] and len(s) >= 5:
            owner, name, commit, path = s[1], s[2], s[3], "/".join(s[4:])
            try:
                expires = int(self.q("Expires", ""))
            except ValueError:
                return self.xml_error(403, "AccessDenied", "missing or bad Expires")
            good = same(self.q("Signature", ""), STATE.sign("hf", owner, name, commit, path, expires))
        elif s[:1] == ["ms"] and len(s) >= 4:
            owner, name, commit, path = s[1], s[2], None, "/".join(s[3:])
            exp_s, _, sig = self.q("auth_key", "").partition("-")
            try:
                expires = int(exp_s)
            except ValueError:
                return self.xml_error(403, "AccessDenied", "missing or bad auth_key")
            good = same(sig, STATE.sign("ms", owner, name, path, expires))
        else:
            return self.xml_error(404, "NoSuchKey", "The specified key does not exist.")
        if not good:
            return self.xml_error(403, "SignatureDoesNotMatch", "signature does not match")
        if now > expires:
            return self.xml_error(403, "AccessDenied", "Request has expired")
        repo = STATE.store.scan().get(owner + "/" + name)
        f = None
        if repo is not None and (commit is None or commit == repo.commit):
            f = (repo.files if commit else repo.ms_files()).get(path)
        if f is None:
            return self.xml_error(404, "NoSuchKey", "The specified key does not exist.")
        self.serve_file(f, repo, '"%s"' % f.md5)


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout)):
            log("unhandled error from %s:\n%s" % (client_address, traceback.format_exc()))


def main(argv=None):
    global STATE
    ap = argparse.ArgumentParser(description="Fake Hugging Face / ModelScope hub for tests (see module doc).")
    ap.add_argument("--repos", required=True, help="DIR holding <owner>/<name>/<files>")
    ap.add_argument("--token", action="append", help="a valid token (repeatable)")
    ap.add_argument("--page-size", type=int, default=2,
                    help="search page size when the client gives none (HF /api/models, MS searches)")
    ap.add_argument("--tree-page-size", type=int, default=3, help="HF tree page size")
    ap.add_argument("--sign-ttl", type=int, default=60, help="lifetime of signed CDN URLs, seconds")
    ap.add_argument("--verbose", action="store_true", help="log every request to stderr")
    ap.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin reaches EOF")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.repos):
        ap.error("--repos %s is not a directory" % args.repos)
    if args.page_size < 1 or args.tree_page_size < 1:
        ap.error("page sizes must be >= 1")
    STATE = State(args)
    hub = Server(("127.0.0.1", 0), HubHandler)
    cdn = Server(("127.0.0.1", 0), CdnHandler)
    STATE.hub_port, STATE.cdn_port = hub.server_address[1], cdn.server_address[1]
    for srv in (hub, cdn):
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    sys.stdout.write("READY hub=%d cdn=%d\n" % (STATE.hub_port, STATE.cdn_port))
    sys.stdout.flush()
    if not args.ignore_stdin and sys.stdin is not None:
        def watch_stdin():
            try:
                fd = sys.stdin.fileno()  # raw reads: no BufferedReader lock held at interpreter exit
                while os.read(fd, 65536):
                    pass
            except Exception:
                pass
            sys.stderr.flush()
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()

    while not stop.wait(0.5):
        pass
    hub.shutdown()
    cdn.shutdown()
    hub.server_close()
    cdn.server_close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # connection threads may still be stalled or streaming: do not wait for them


if __name__ == "__main__":
    sys.exit(main())
