#!/bin/sh
# Run by the kubo image before its daemon starts (/container-init.d): no
# public bootstrap peers, and the consortium's other kubos as peers (a
# private network: the swarm key comes from IPFS_SWARM_KEY_FILE).
set -e
ipfs bootstrap rm --all >/dev/null
ipfs config --json Discovery.MDNS.Enabled false
if [ -s /peers.json ]; then
	ipfs config --json Peering.Peers "$(cat /peers.json)"
fi
