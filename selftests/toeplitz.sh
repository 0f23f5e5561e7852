#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The NIC model's Toeplitz hash against the RSS specification's
# verification vectors: selftests/toeplitz_test.c builds the model's own
# module/hw/toeplitz.h in user space and prints KTAP.
source "$(dirname "$0")/lib.sh"

require_cmd cc

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"
cc -O2 -Wall -Werror -I "$PL_TOP/module/hw" -o "$TMPD/toeplitz_test" \
	"$PL_TOP/selftests/toeplitz_test.c" || exit $KSFT_FAIL
"$TMPD/toeplitz_test"
