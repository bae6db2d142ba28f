//go:build tools

// Package tools only records the kubo command as a dependency of this module.
package tools

import _ "github.com/ipfs/kubo/cmd/ipfs"
