# Shared settings for the scripts; sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# One persistent target directory outside the clone, shared by every checkout
# on this machine (the session's and CI's), so a rebuild only redoes what
# changed.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ehr-chain/target}"
# The runtime's wasm build looks for Cargo.lock from the target directory;
# point it at the workspace so the wasm uses the same pinned versions.
export WASM_BUILD_WORKSPACE_HINT="$ROOT"
# The runtime's build script reruns only when a file it names changes, and it
# names them by absolute path: after a build in another checkout it would
# look at that checkout's files, call itself fresh and embed the wasm last
# built there (a CI clone once ran the tests against a branch's runtime).
# The wasm builder reruns whenever FORCE_WASM_BUILD changes, so tie it to
# this checkout.
export FORCE_WASM_BUILD="$ROOT"
export PATH="$HOME/.cargo/bin:$HOME/go/bin:$PATH"
# Where scripts keep chain and IPFS data; never inside the clone's tracked files.
export EHR_DATA_DIR="${EHR_DATA_DIR:-$ROOT/.data}"
NODE_BIN="${NODE_BIN:-$CARGO_TARGET_DIR/release/ehr-node}"
# The FHIR schema validator's npm install (scripts/setup --fhir).
export FHIR_VALIDATOR_DIR="${FHIR_VALIDATOR_DIR:-$HOME/.cache/ehr-chain/fhir-validator}"
export NODE_BIN

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# A TCP port of 127.0.0.1 free now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Builds everything the way `scripts/test` does (all targets, so dev-only
# features unify the same way): a script that builds differently would make
# the next test run rebuild half the tree.
build_all() {
	(cd "$ROOT" && cargo build --locked --release --workspace --all-targets)
}
