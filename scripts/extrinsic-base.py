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
SYSTEM = ["check_non_zero_sender", "check_spec_version", "check_tx_version", "check_genesis",
          "check_mortality_mortal_transaction", "check_nonce", "check_weight"]
PAYMENT = ["charge_transaction_payment"]


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
    parts = compute_ps(system_rs, SYSTEM) | compute_ps(payment_rs, PAYMENT)
    extensions_ns = sum(parts.values()) // 1000
    slopes = re.findall(r"Min Squares Analysis.*?\+ i\s+([\d.]+)", open(sr_log).read(), re.S)
    if not slopes:
        sys.exit(f"{sr_log}: no sr25519 slope")
    signature_ns = round(float(slopes[0]) * 1000)
    text = open(weights_rs).read()
    m = re.search(r"saturating_mul\(([\d_]+)\), 0\);", text)
    measured_ns = int(m.group(1).replace("_", ""))
    base_ns = max(measured_ns - extensions_ns, signature_ns)
    listed = "\n".join(f"\t///   {n}: {ps // 1000:_} ns" for n, ps in parts.items())
    doc = (
        f"\t///\n"
        f"\t/// What this runtime charges: the average above ({measured_ns:_} ns, a signed\n"
        f"\t/// remark with every transaction extension) less the extensions' compute,\n"
        f"\t/// which each extrinsic declares on top ({extensions_ns:_} ns, measured in the same\n"
        f"\t/// run; scripts/extrinsic-base.py), and no less than one sr25519 signature\n"
        f"\t/// verification ({signature_ns:_} ns): {base_ns:_} ns.\n{listed}\n"
    )
    text = text.replace("\tpub const ExtrinsicBaseWeight", doc + "\tpub const ExtrinsicBaseWeight", 1)
    text = text[:m.start(1) + len(doc)] + f"{base_ns:_}" + text[m.end(1) + len(doc):]
    open(weights_rs, "w").write(text)
    print(f"ExtrinsicBaseWeight: {measured_ns} ns measured - {extensions_ns} ns extensions "
          f"(signature {signature_ns} ns) = {base_ns} ns")


main()
