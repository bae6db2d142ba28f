#!/usr/bin/env python3
"""Sets ExtrinsicBaseWeight to what an extrinsic costs beyond its
transaction extensions, which declare their own weights.

    scripts/extrinsic-base.py EXTRINSIC_WEIGHTS_RS SR25519_LOG SYSTEM_EXTENSIONS_RS PAYMENT_RS

`benchmark overhead` wrote EXTRINSIC_WEIGHTS_RS with the average time of a
signed `System::remark`, which runs every transaction extension (polkadot-sdk
issue #9981). The runtime also charges each extension's own weight, so that
figure would count the extensions twice. Here the base weight becomes that
average less the compute part of the extensions the runtime runs (their
`Weight::from_parts` in the two weight files of the same run; their storage
stays charged at the database weights), and never less than one sr25519
signature verification (SR25519_LOG: frame_benchmarking's baseline
`sr25519_verification`, µs per signature), which no extension weight covers.
"""
import re
import sys

# The extensions of `TxExtension` in runtime/src/lib.rs, by their weight
# functions; a mortal transaction's check is the dearer of the two.
EXTENSIONS = {
    "CheckNonZeroSender": "check_non_zero_sender",
    "CheckSpecVersion": "check_spec_version",
    "CheckTxVersion": "check_tx_version",
    "CheckGenesis": "check_genesis",
    "CheckEra": "check_mortality_mortal_transaction",
    "CheckNonce": "check_nonce",
    "CheckWeight": "check_weight",
    "ChargeTransactionPayment": "charge_transaction_payment",
}
SYSTEM = [f for e, f in EXTENSIONS.items() if e != "ChargeTransactionPayment"]
PAYMENT = ["charge_transaction_payment"]
RUNTIME_LIB = __file__.rsplit("/scripts/", 1)[0] + "/runtime/src/lib.rs"
MARK = "What this runtime charges"


def runtime_extensions():
    """The extension types of `TxExtension`, which this list must match:
    one added or taken away would make the subtraction wrong."""
    text = open(RUNTIME_LIB).read()
    body = re.search(r"pub type TxExtension = \((.*?)\);", text, re.S)
    if not body:
        sys.exit(f"{RUNTIME_LIB}: no TxExtension")
    return sorted(re.findall(r"::(\w+)<Runtime>", body.group(1)))


def compute_ps(path, names):
    text = open(path).read()
    found = {}
    for name, ps in re.findall(r"fn (\w+)\(\) -> Weight \{.*?Weight::from_parts\(([\d_]+),", text, re.S):
        found[name] = int(ps.replace("_", ""))
    missing = [n for n in names if n not in found]
    if missing:
        sys.exit(f"{path}: no weight for {', '.join(missing)}")
    return {n: found[n] for n in names}


def main():
    weights_rs, sr_log, system_rs, payment_rs = sys.argv[1:5]
    if runtime_extensions() != sorted(EXTENSIONS):
        sys.exit(f"TxExtension in {RUNTIME_LIB} is {runtime_extensions()}, this script knows "
                 f"{sorted(EXTENSIONS)}: update EXTENSIONS")
    parts = compute_ps(system_rs, SYSTEM) | compute_ps(payment_rs, PAYMENT)
    extensions_ns = sum(parts.values()) // 1000
    slopes = re.findall(r"Min Squares Analysis.*?\+ i\s+([\d.]+)", open(sr_log).read(), re.S)
    if not slopes:
        sys.exit(f"{sr_log}: no sr25519 slope")
    signature_ns = round(float(slopes[0]) * 1000)
    text = open(weights_rs).read()
    if MARK in text:
        sys.exit(f"{weights_rs} was already adjusted: run `benchmark overhead` again first")
    found = re.findall(r"saturating_mul\(([\d_]+)\), 0\);", text)
    if len(found) != 1:
        sys.exit(f"{weights_rs}: {len(found)} weights where one was expected")
    measured_ns = int(found[0].replace("_", ""))
    base_ns = max(measured_ns - extensions_ns, signature_ns)
    listed = "\n".join(f"\t///   {n}: {ps // 1000:_} ns" for n, ps in parts.items())
    doc = (
        f"\t///\n"
        f"\t/// {MARK}: the average above ({measured_ns:_} ns, a signed\n"
        f"\t/// remark with every transaction extension) less the extensions' compute,\n"
        f"\t/// which each extrinsic declares on top ({extensions_ns:_} ns, measured in the same\n"
        f"\t/// run; scripts/extrinsic-base.py), and no less than one sr25519 signature\n"
        f"\t/// verification ({signature_ns:_} ns): {base_ns:_} ns.\n{listed}\n"
    )
    text, docs = re.subn(r"(\tpub const ExtrinsicBaseWeight)", lambda m: doc + m.group(1), text)
    text, values = re.subn(r"saturating_mul\([\d_]+\), 0\);", f"saturating_mul({base_ns:_}), 0);", text)
    if (docs, values) != (1, 1):
        sys.exit(f"{weights_rs}: {docs} declarations and {values} values replaced, expected one each")
    open(weights_rs, "w").write(text)
    print(f"ExtrinsicBaseWeight: {measured_ns} ns measured - {extensions_ns} ns extensions "
          f"(signature {signature_ns} ns) = {base_ns} ns")


main()
